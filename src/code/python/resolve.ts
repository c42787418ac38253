/**
 * Value resolution across the modules of one project: literals, module constants, names imported from
 * the project's own modules, pydantic BaseSettings defaults, os.getenv/os.environ with defaults,
 * `.split(",")`, list concatenation, `x or default`. What cannot be resolved is `unknown`, never guessed.
 */
import type { ClassModel, Expr, FunctionSummary, ModuleModel } from './ir.ts';

export type Value = (
  | { k: 'str'; v: string; at?: { file: string; line: number; col: number } }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'list'; items: Value[] }
  | { k: 'dict'; entries: [Value, Value][] }
  /** A str read from the environment; with `split`, a list of the parts. */
  | { k: 'env'; name: string; default?: Value; split?: string; settings?: boolean }
  | { k: 'unknown'; why: string }
) & {
  /** Where the value came from, outermost first: `settings.cors_origins (app/settings.py:17)`. */
  trail?: string[];
};

const SETTINGS_BASES = new Set(['pydantic.BaseSettings', 'pydantic_settings.BaseSettings', 'pydantic.v1.BaseSettings']);

export class Project {
  readonly modules = new Map<string, ModuleModel>();
  private readonly bySuffix = new Map<string, ModuleModel[]>();

  constructor(models: ModuleModel[]) {
    for (const m of models) {
      this.modules.set(m.module, m);
      const parts = m.module.split('.');
      for (let i = 0; i < parts.length; i++) {
        const key = parts.slice(i).join('.');
        const list = this.bySuffix.get(key) ?? [];
        list.push(m);
        this.bySuffix.set(key, list);
      }
    }
  }

  /** A project module by its dotted name; tolerates a scan root above the package root (src/ layouts). */
  module(name: string): ModuleModel | undefined {
    const exact = this.modules.get(name);
    if (exact) return exact;
    const candidates = this.bySuffix.get(name);
    return candidates?.length === 1 ? candidates[0] : undefined;
  }
}

interface Scope {
  module: ModuleModel;
  locals?: Record<string, Expr>;
}

type Symbol =
  | { k: 'external'; qname: string }
  | { k: 'module'; module: ModuleModel }
  | { k: 'class'; module: ModuleModel; cls: ClassModel }
  | { k: 'expr'; module: ModuleModel; expr: Expr; name: string; locals?: Record<string, Expr> };

const MAX_DEPTH = 24;

function where(m: ModuleModel, line?: number): string {
  return line ? `${m.file}:${line}` : m.file;
}

export class Resolver {
  constructor(private readonly project: Project) {}

  /** Resolves a bare name in a scope to what it denotes. */
  private lookup(name: string, scope: Scope, depth: number): Symbol | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const { module } = scope;
    if (scope.locals && name in scope.locals) return { k: 'expr', module, expr: scope.locals[name], name, locals: scope.locals };
    if (module.classes[name]) return { k: 'class', module, cls: module.classes[name] };
    if (name in module.assigns) return { k: 'expr', module, expr: module.assigns[name], name };
    const imp = module.imports[name];
    if (!imp) return undefined;
    return this.member(imp.module, imp.name, depth + 1);
  }

  /** `module` or `module.name`, following re-exports inside the project. */
  private member(moduleName: string, name: string | undefined, depth: number): Symbol {
    const target = this.project.module(moduleName);
    if (!name) return target ? { k: 'module', module: target } : { k: 'external', qname: moduleName };
    if (target) {
      const inner = this.lookup(name, { module: target }, depth + 1);
      if (inner) return inner;
      const sub = this.project.module(`${target.module}.${name}`);
      if (sub) return { k: 'module', module: sub };
    }
    return { k: 'external', qname: `${moduleName}.${name}` };
  }

  private symbolOf(expr: Expr, scope: Scope, depth: number): Symbol | undefined {
    if (depth > MAX_DEPTH) return undefined;
    if (expr.k === 'name') return this.lookup(expr.id, scope, depth + 1);
    if (expr.k === 'attr') {
      const obj = this.symbolOf(expr.obj, scope, depth + 1);
      if (!obj) return undefined;
      if (obj.k === 'external') return { k: 'external', qname: `${obj.qname}.${expr.name}` };
      if (obj.k === 'module') return this.member(obj.module.module, expr.name, depth + 1);
      return undefined;
    }
    return undefined;
  }

  /** The module-level function an expression names, in this project (`get_current_user`, `auth.get_current_user`). */
  functionOf(expr: Expr | string, module: ModuleModel, depth = 0): { module: ModuleModel; fn: FunctionSummary } | undefined {
    if (depth > 6) return undefined;
    if (typeof expr === 'string') expr = dotted(expr);
    if (expr.k === 'name') {
      const local = this.functionIndex(module).get(expr.id);
      if (local) return { module, fn: local };
      const imp = module.imports[expr.id];
      if (imp?.name) {
        const target = this.project.module(imp.module);
        if (target) return this.functionOf({ k: 'name', id: imp.name }, target, depth + 1);
      }
      return undefined;
    }
    if (expr.k === 'attr') {
      const obj = this.symbolOf(expr.obj, { module }, 0);
      if (obj?.k === 'module') return this.functionOf({ k: 'name', id: expr.name }, obj.module, depth + 1);
    }
    return undefined;
  }

  private readonly fnIndex = new Map<ModuleModel, Map<string, FunctionSummary>>();
  private functionIndex(m: ModuleModel): Map<string, FunctionSummary> {
    let idx = this.fnIndex.get(m);
    if (!idx) {
      idx = new Map();
      for (const f of m.functions) if (!idx.has(f.name)) idx.set(f.name, f);
      this.fnIndex.set(m, idx);
    }
    return idx;
  }

  /** The project class an expression names (`PublicProfile`, `models.PublicProfile`). */
  classOf(expr: Expr | string, module: ModuleModel): { module: ModuleModel; cls: ClassModel } | undefined {
    const s = this.symbolOf(typeof expr === 'string' ? dotted(expr) : expr, { module }, 0);
    return s?.k === 'class' ? { module: s.module, cls: s.cls } : undefined;
  }

  isProjectClass(expr: Expr | string, module: ModuleModel): boolean {
    return this.classOf(expr, module) !== undefined;
  }

  /** The module-level variable an expression names: its module, name and assigned expression. */
  definition(expr: Expr, module: ModuleModel): { module: ModuleModel; name: string; expr: Expr } | undefined {
    const s = this.symbolOf(expr, { module }, 0);
    return s?.k === 'expr' ? { module: s.module, name: s.name, expr: s.expr } : undefined;
  }

  /** Fully qualified name of what an expression denotes (`Cors` → `starlette.middleware.cors.CORSMiddleware`). */
  qualify(expr: Expr, module: ModuleModel): string | undefined {
    const s = this.symbolOf(expr, { module }, 0);
    if (!s) return undefined;
    if (s.k === 'external') return s.qname;
    if (s.k === 'class') return `${s.module.module}.${s.cls.name}`;
    if (s.k === 'module') return s.module.module;
    return `${s.module.module}.${s.name}`;
  }

  evaluate(expr: Expr, module: ModuleModel, locals?: Record<string, Expr>): Value {
    return this.eval(expr, { module, locals }, 0);
  }

  private eval(expr: Expr, scope: Scope, depth: number): Value {
    if (depth > MAX_DEPTH) return { k: 'unknown', why: 'resolution too deep' };
    switch (expr.k) {
      case 'str':
        return { k: 'str', v: expr.v, at: expr.loc && { file: scope.module.file, line: expr.loc.line, col: expr.loc.col } };
      case 'num':
      case 'bool':
        return { k: expr.k, v: expr.v } as Value;
      case 'none':
        return { k: 'none' };
      case 'list':
        return { k: 'list', items: expr.items.map((i) => this.eval(i, scope, depth + 1)) };
      case 'dict':
        return { k: 'dict', entries: expr.entries.map(([a, b]) => [this.eval(a, scope, depth + 1), this.eval(b, scope, depth + 1)]) };
      case 'fstr': {
        const parts = expr.parts.map((p) => this.eval(p, scope, depth + 1));
        if (parts.every((p) => p.k === 'str')) return { k: 'str', v: parts.map((p) => (p as { v: string }).v).join('') };
        return { k: 'unknown', why: `f-string ${expr.text ?? ''}` };
      }
      case 'name':
      case 'attr':
        return this.evalReference(expr, scope, depth);
      case 'sub': {
        const q = this.qualifyIn(expr.obj, scope, depth);
        if (q === 'os.environ' && expr.index.k === 'str') return { k: 'env', name: expr.index.v };
        const obj = this.eval(expr.obj, scope, depth + 1);
        const idx = this.eval(expr.index, scope, depth + 1);
        if (obj.k === 'list' && idx.k === 'num') return obj.items.at(idx.v) ?? { k: 'unknown', why: 'index out of range' };
        if (obj.k === 'dict' && idx.k === 'str') {
          const hit = obj.entries.find(([key]) => key.k === 'str' && key.v === idx.v);
          if (hit) return hit[1];
        }
        return { k: 'unknown', why: expr.text ?? 'subscript' };
      }
      case 'call':
        return this.evalCall(expr, scope, depth);
      case 'binop':
        return this.evalBinop(expr, scope, depth);
      case 'comp': {
        const it = this.eval(expr.iter, scope, depth + 1);
        if (it.k === 'list' && expr.strip) return { ...it, items: it.items.map((i) => (i.k === 'str' ? { ...i, v: i.v.trim() } : i)) };
        return it;
      }
      case 'lambda':
        return this.eval(expr.body, scope, depth + 1);
      case 'unknown':
        return { k: 'unknown', why: expr.text ?? expr.why };
    }
  }

  private qualifyIn(expr: Expr, scope: Scope, depth: number): string | undefined {
    const s = this.symbolOf(expr, scope, depth + 1);
    if (s?.k === 'external') return s.qname;
    return undefined;
  }

  private evalReference(expr: Expr, scope: Scope, depth: number): Value {
    const sym = this.symbolOf(expr, scope, depth + 1);
    if (sym?.k === 'expr') {
      const v = this.eval(sym.expr, { module: sym.module, locals: sym.locals }, depth + 1);
      const line = (sym.expr as { line?: number }).line ?? sym.expr.loc?.line;
      return withTrail(v, `${expr.text ?? sym.name} (${where(sym.module, line)})`);
    }
    if (sym?.k === 'external') return { k: 'unknown', why: `${expr.text ?? ''} is imported from ${sym.qname}` };
    // settings.field where settings = Settings()
    if (expr.k === 'attr') {
      const field = this.settingsField(expr, scope, depth);
      if (field) return field;
    }
    return { k: 'unknown', why: `${expr.text ?? 'name'} could not be resolved` };
  }

  /** `settings.cors_origins` → environment CORS_ORIGINS (pydantic BaseSettings) with the field default. */
  private settingsField(expr: Expr & { k: 'attr' }, scope: Scope, depth: number): Value | undefined {
    let inst = expr.obj;
    // follow `settings` → `Settings()` / `get_settings()` → `Settings()`
    for (let i = 0; i < 6; i++) {
      const sym = inst.k === 'call' ? this.symbolOf(inst.fn, scope, depth + 1) : this.symbolOf(inst, scope, depth + 1);
      if (!sym) return undefined;
      if (sym.k === 'class') {
        if (inst.k !== 'call') return undefined;
        return this.classField(sym.module, sym.cls, expr.name, depth);
      }
      if (sym.k !== 'expr') return undefined;
      scope = { module: sym.module, locals: sym.locals };
      inst = sym.expr.k === 'lambda' ? sym.expr.body : sym.expr;
    }
    return undefined;
  }

  private classField(module: ModuleModel, cls: ClassModel, field: string, depth: number): Value | undefined {
    const chain = this.classChain(module, cls, depth);
    const owner = chain.find((c) => field in c.cls.fields);
    const isSettings = chain.some((c) => c.cls.bases.some((b) => SETTINGS_BASES.has(this.qualify(b, c.module) ?? '')));
    const envPrefix = chain.find((c) => c.cls.envPrefix !== undefined)?.cls.envPrefix ?? '';
    if (!owner) {
      if (isSettings && chain.some((c) => c.cls.required.includes(field))) {
        return { k: 'env', name: `${envPrefix}${field}`.toUpperCase(), settings: true, trail: [`${cls.name}.${field} (${where(module, cls.line)})`] };
      }
      return undefined;
    }
    let def = this.eval(owner.cls.fields[field], { module: owner.module }, depth + 1);
    const fexpr = owner.cls.fields[field];
    // Field(default=…) / Field([…]) / Field(default_factory=lambda: […])
    if (fexpr.k === 'call' && /(^|\.)Field$/.test(this.qualify(fexpr.fn, owner.module) ?? '')) {
      const d = fexpr.kwargs.default ?? fexpr.args[0] ?? fexpr.kwargs.default_factory;
      def = d ? this.eval(d, { module: owner.module }, depth + 1) : { k: 'unknown', why: 'Field without default' };
    }
    const trail = `${cls.name}.${field} (${where(owner.module, fexpr.loc?.line)})`;
    if (!isSettings) return withTrail(def, trail);
    return { k: 'env', name: `${envPrefix}${field}`.toUpperCase(), default: def, settings: true, trail: [trail] };
  }

  private classChain(module: ModuleModel, cls: ClassModel, depth: number): { module: ModuleModel; cls: ClassModel }[] {
    const out = [{ module, cls }];
    for (const b of cls.bases) {
      const sym = this.symbolOf(b, { module }, depth + 1);
      if (sym?.k === 'class' && out.length < 8) out.push(...this.classChain(sym.module, sym.cls, depth + 1));
    }
    return out;
  }

  private evalCall(expr: Expr & { k: 'call' }, scope: Scope, depth: number): Value {
    const q = this.qualifyIn(expr.fn, scope, depth);
    // os.getenv("X", "*") / os.environ.get("X", "*")
    if (q === 'os.getenv' || q === 'os.environ.get') {
      const name = expr.args[0];
      const dflt = expr.args[1] ?? expr.kwargs.default;
      if (name?.k !== 'str') return { k: 'unknown', why: expr.text ?? 'environment' };
      return { k: 'env', name: name.v, default: dflt ? this.eval(dflt, scope, depth + 1) : undefined };
    }
    if (q === 'json.loads' && expr.args[0]) {
      const s = this.eval(expr.args[0], scope, depth + 1);
      if (s.k === 'str') return fromJson(s.v);
      if (s.k === 'env') return { k: 'env', name: s.name, default: s.default?.k === 'str' ? fromJson(s.default.v) : s.default };
    }
    if (q === 'builtins.list' || expr.fn.k === 'name' && (expr.fn.id === 'list' || expr.fn.id === 'tuple')) {
      return expr.args[0] ? this.eval(expr.args[0], scope, depth + 1) : { k: 'list', items: [] };
    }
    if (expr.fn.k === 'attr') {
      const method = expr.fn.name;
      if (method === 'split' || method === 'strip' || method === 'lower') {
        const obj = this.eval(expr.fn.obj, scope, depth + 1);
        const sepExpr = expr.args[0] ?? expr.kwargs.sep;
        const sep = sepExpr ? this.eval(sepExpr, scope, depth + 1) : undefined;
        return applyStrMethod(obj, method, sep?.k === 'str' ? sep.v : undefined);
      }
    }
    const sym = expr.fn.k === 'name' || expr.fn.k === 'attr' ? this.symbolOf(expr.fn, scope, depth + 1) : undefined;
    if (sym?.k === 'expr' && sym.expr.k === 'lambda') return this.eval(sym.expr.body, { module: sym.module }, depth + 1);
    return { k: 'unknown', why: `result of ${expr.text ?? 'a call'}` };
  }

  private evalBinop(expr: Expr & { k: 'binop' }, scope: Scope, depth: number): Value {
    const l = this.eval(expr.l, scope, depth + 1);
    const r = this.eval(expr.r, scope, depth + 1);
    if (expr.op === 'or') {
      if (l.k === 'env') return { ...l, default: l.default ?? r };
      if (l.k === 'str' || l.k === 'list') return truthy(l) ? l : r;
      return { k: 'unknown', why: expr.text ?? 'or' };
    }
    if (expr.op === '+') {
      if (l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v };
      const items = (v: Value): Value[] => (v.k === 'list' ? v.items : [v]);
      if (l.k === 'list' || r.k === 'list') return { k: 'list', items: [...items(l), ...items(r)] };
    }
    return { k: 'unknown', why: expr.text ?? expr.op };
  }
}

function truthy(v: Value): boolean {
  if (v.k === 'str') return v.v.length > 0;
  if (v.k === 'list') return v.items.length > 0;
  return true;
}

function withTrail(v: Value, step: string): Value {
  return { ...v, trail: [step, ...(v.trail ?? [])] };
}

function fromJson(text: string): Value {
  try {
    const j: unknown = JSON.parse(text);
    if (Array.isArray(j)) return { k: 'list', items: j.map((x) => (typeof x === 'string' ? { k: 'str', v: x } : { k: 'unknown', why: 'json' })) };
    if (typeof j === 'string') return { k: 'str', v: j };
  } catch {
    /* not JSON: unknown */
  }
  return { k: 'unknown', why: `json.loads(${JSON.stringify(text)})` };
}

/** Python str.split / strip / lower on resolved values; env values keep the split to apply later. */
function applyStrMethod(obj: Value, method: string, sep: string | undefined): Value {
  if (obj.k === 'str') {
    if (method === 'strip') return { ...obj, v: obj.v.trim() };
    if (method === 'lower') return { ...obj, v: obj.v.toLowerCase() };
    const parts = sep === undefined ? obj.v.trim().split(/\s+/).filter(Boolean) : obj.v.split(sep);
    return { k: 'list', items: parts.map((p) => ({ k: 'str', v: p })), trail: obj.trail };
  }
  if (obj.k === 'env') {
    if (method !== 'split') return obj;
    return { ...obj, split: sep ?? ' ', default: obj.default ? applyStrMethod(obj.default, method, sep) : undefined };
  }
  return { k: 'unknown', why: `${method}() of an unresolved value` };
}

/** `jwt.decode` → the IR of that dotted name. */
export function dotted(text: string): Expr {
  const [first, ...rest] = text.split('.');
  return rest.reduce<Expr>((obj, name) => ({ k: 'attr', obj, name }), { k: 'name', id: first });
}

/** How a value reads in a message: `["*"]`, `from environment CORS_ORIGINS, default ["*"]`. */
export function describe(v: Value): string {
  switch (v.k) {
    case 'str':
      return JSON.stringify(v.v);
    case 'num':
      return String(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return `[${v.items.map(describe).join(', ')}]`;
    case 'dict':
      return `{${v.entries.map(([a, b]) => `${describe(a)}: ${describe(b)}`).join(', ')}}`;
    case 'env':
      return `from environment ${v.name}${v.split !== undefined ? ` split on ${JSON.stringify(v.split)}` : ''}${v.default ? `, default ${describe(v.default)}` : ', no default'}`;
    case 'unknown':
      return `unknown (${v.why})`;
  }
}

/** The value the code uses when the environment does not override it (env default), else itself. */
export function effective(v: Value): Value {
  if (v.k === 'env') return v.default ? effective(v.default) : v;
  return v;
}
