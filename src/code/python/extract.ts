import type { Node, Tree } from 'web-tree-sitter';
import type { ClassModel, CorsSite, Expr, ImportBinding, Loc, ModuleModel, Suppression } from './ir.ts';
import { findHeaderSinks } from './origin-flow.ts';
import { interesting, LIBRARY_MODULES, summariseFunction } from './function-flow.ts';
import { splitLiteral, stringValue, unescapePython } from './strings.ts';
import { findSecretSites } from './secret-sites.ts';
import { findDebugSites } from './debug-sites.ts';

export function locOf(node: Node): Loc {
  return { line: node.startPosition.row + 1, col: node.startPosition.column + 1 };
}

/** The source line a node starts on, trimmed and capped, for evidence. */
export class Lines {
  private lines?: string[];
  constructor(private readonly source: string) {}
  /** The whole source. */
  get text(): string {
    return this.source;
  }
  at(line: number): string {
    this.lines ??= this.source.split(/\r?\n/);
    const text = (this.lines[line - 1] ?? '').trim();
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  }
}

const MAX_TEXT = 160;
function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

/** Converts an expression node to the IR. Unknown shapes become `unknown` with their text. */
/**
 * Converts an expression node to the IR. Unknown shapes become `unknown` with their text. Source text is
 * kept on the root and on short nodes only: nested copies of long text would make models (which workers
 * send to the main thread) grow with the square of the expression size.
 */
export function toExpr(node: Node | null, depth = 0): Expr {
  if (!node) return { k: 'unknown', why: 'missing' };
  const d = depth + 1;
  // positions on roots, call arguments and string literals (where findings point); text on roots and short names
  const type = node.type;
  const loc = depth <= 1 || type === 'string' ? locOf(node) : undefined;
  const text = depth === 0 || (type !== 'string' && node.endIndex - node.startIndex <= 48) ? clip(node.text) : undefined;
  const base = loc ? (text !== undefined ? { loc, text } : { loc }) : text !== undefined ? { text } : {};
  switch (type) {
    case 'string':
      return { ...stringExpr(node, d), ...base };
    case 'concatenated_string': {
      const parts = node.namedChildren.filter((c): c is Node => !!c && c.type === 'string').map((c) => stringExpr(c, d));
      if (parts.every((p) => p.k === 'str')) return { k: 'str', v: parts.map((p) => (p as { v: string }).v).join(''), ...base };
      return { k: 'fstr', parts, ...base };
    }
    case 'integer':
    case 'float': {
      const v = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(v) ? { k: 'num', v, ...base } : { k: 'unknown', why: 'number', ...base };
    }
    case 'true':
      return { k: 'bool', v: true, ...base };
    case 'false':
      return { k: 'bool', v: false, ...base };
    case 'none':
      return { k: 'none', ...base };
    case 'list':
    case 'tuple':
    case 'set':
    case 'expression_list':
      return { k: 'list', items: node.namedChildren.filter(notComment).map((c) => toExpr(c, d)), ...base };
    case 'dictionary': {
      const entries: [Expr, Expr][] = [];
      for (const c of node.namedChildren) {
        if (c?.type === 'pair') entries.push([toExpr(c.childForFieldName('key'), d), toExpr(c.childForFieldName('value'), d)]);
      }
      return { k: 'dict', entries, ...base };
    }
    case 'identifier':
      return { k: 'name', id: node.text, ...base };
    case 'attribute':
      return { k: 'attr', obj: toExpr(node.childForFieldName('object'), d), name: node.childForFieldName('attribute')?.text ?? '', ...base };
    case 'subscript':
    {
      // Annotated[dict, Depends(x)] has several subscripts: keep them as a tuple
      const subs = node.childrenForFieldName('subscript').filter((c): c is Node => !!c);
      const index: Expr = subs.length > 1 ? { k: 'list', items: subs.map((c) => toExpr(c, d)) } : toExpr(subs[0] ?? null, d);
      return { k: 'sub', obj: toExpr(node.childForFieldName('value'), d), index, ...base };
    }
    case 'call': {
      const { args, kwargs } = callArgs(node, d);
      return { k: 'call', fn: toExpr(node.childForFieldName('function'), d), args, kwargs, ...base };
    }
    case 'binary_operator':
      return {
        k: 'binop',
        op: node.childForFieldName('operator')?.text ?? '?',
        l: toExpr(node.childForFieldName('left'), d),
        r: toExpr(node.childForFieldName('right'), d),
        ...base,
      };
    case 'boolean_operator':
      return {
        k: 'binop',
        op: node.childForFieldName('operator')?.text ?? 'or',
        l: toExpr(node.childForFieldName('left'), d),
        r: toExpr(node.childForFieldName('right'), d),
        ...base,
      };
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find(notComment);
      return inner ? toExpr(inner, depth) : { k: 'unknown', why: 'empty parentheses', ...base };
    }
    case 'lambda':
      return { k: 'lambda', body: toExpr(node.childForFieldName('body'), d), ...base };
    case 'list_comprehension':
    case 'set_comprehension':
    case 'generator_expression': {
      // [o.strip() for o in X if o] keeps X's items (optionally stripped)
      const body = node.childForFieldName('body');
      const clause = node.namedChildren.find((c) => c?.type === 'for_in_clause');
      const loopVar = clause?.childForFieldName('left')?.text;
      const iter = clause?.childForFieldName('right') ?? null;
      if (body && loopVar && iter && (body.text === loopVar || new RegExp(`^${loopVar}\\.strip\\(\\)$`).test(body.text))) {
        return { k: 'comp', iter: toExpr(iter, d), strip: body.text !== loopVar, ...base };
      }
      return { k: 'unknown', why: node.type, ...base };
    }
    default:
      return { k: 'unknown', why: node.type, ...base };
  }
}

function notComment(n: Node | null): n is Node {
  return !!n && n.type !== 'comment';
}

function stringExpr(node: Node, depth = 1): Expr {
  const { prefix } = splitLiteral(node.text);
  if (!prefix.includes('f')) return { k: 'str', v: stringValue(node.text) };
  const raw = prefix.includes('r');
  const parts: Expr[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') parts.push({ k: 'str', v: raw ? c.text : unescapePython(c.text) });
    else if (c.type === 'interpolation') parts.push(toExpr(c.childForFieldName('expression') ?? c.namedChildren[0] ?? null, depth + 1));
  }
  return { k: 'fstr', parts };
}

/** The value of a plain (non-f) string literal node, else undefined. */
export function stringLiteral(node: Node | null): string | undefined {
  if (node?.type !== 'string' || /^[rRbBuU]*[fF]/.test(node.text)) return undefined;
  return stringValue(node.text);
}

export function callArgs(call: Node, depth = 1): { args: Expr[]; kwargs: Record<string, Expr> } {
  const args: Expr[] = [];
  const kwargs: Record<string, Expr> = {};
  const list = call.childForFieldName('arguments');
  if (!list) return { args, kwargs };
  for (const a of list.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      const name = a.childForFieldName('name')?.text;
      if (name) kwargs[name] = toExpr(a.childForFieldName('value'), depth);
    } else if (a.type === 'dictionary_splat') {
      kwargs[`**${args.length}`] = toExpr(a.namedChildren[0] ?? null, depth);
    } else {
      args.push(toExpr(a, depth));
    }
  }
  return { args, kwargs };
}

/** Dotted module name of a file path relative to the scan root (`app/settings.py` → `app.settings`). */
export function moduleNameOf(file: string): string {
  const parts = file.replace(/\.py$/, '').split('/');
  if (parts.at(-1) === '__init__') parts.pop();
  return parts.join('.');
}

function resolveRelative(fromModule: string, isPackage: boolean, dots: number, rest: string): string {
  const parts = fromModule.split('.');
  const pkg = isPackage ? parts : parts.slice(0, -1);
  const base = pkg.slice(0, Math.max(0, pkg.length - (dots - 1)));
  return [...base, ...(rest ? rest.split('.') : [])].filter(Boolean).join('.');
}

/** `name: type` lines of a class body (the body's text starts at its first statement, unindented). */
const FIELD_LINE = /^[ \t]*([A-Za-z_]\w*)[ \t]*:[ \t]*[^=\s]/gm;

/** Tokens that show which ambient credentials a module reads (see platform facts §7.2). */
const AUTH_TOKENS =
  /\b(?:APIKeyCookie|SessionMiddleware|SimpleCookie|set_cookie|HTTPBearer|OAuth2PasswordBearer|OAuth2AuthorizationCodeBearer|APIKeyHeader|CognitoCurrentUser)\b|\.cookies\b|\bCookie\(|["'](?:cookies?|Cookie|authorization|Authorization)["']/g;

class ModuleExtractor {
  readonly model: ModuleModel;
  private readonly lines: Lines;
  private readonly isPackage: boolean;
  private externalNames?: Set<string>;

  constructor(
    private readonly source: string,
    file: string,
    module: string,
  ) {
    this.lines = new Lines(source);
    this.isPackage = file.endsWith('__init__.py');
    this.model = {
      file,
      module,
      imports: {},
      assigns: {},
      classes: {},
      corsSites: [],
      functions: [],
      wiring: [],
      sinks: [],
      authSignals: { cookie: [], bearer: [], cookieSet: [] },
      suppressions: [],
      syntaxErrors: [],
      bytes: Buffer.byteLength(source),
      secretSites: [],
      debugSites: { debug: [], flags: {}, exposures: [] },
    };
  }

  run(tree: Tree): ModuleModel {
    const root = tree.rootNode;
    if (root.hasError) this.collectErrors(root);
    this.block(root);
    if (this.source.includes('CORSMiddleware')) this.corsSites(root);
    const lower = this.source.toLowerCase();
    if (lower.includes('access-control-allow-origin')) this.model.sinks = findHeaderSinks(root, this.lines);
    this.authSignals(root);
    if (this.source.includes('crossread:')) this.suppressions(root);
    this.model.secretSites = findSecretSites(this.source, root, this.lines);
    this.model.debugSites = findDebugSites(this.source, root, this.lines, this.model.imports, this.model.assigns);
    return this.model;
  }

  private collectErrors(root: Node): void {
    for (const e of root.descendantsOfType(['ERROR'])) {
      if (e && this.model.syntaxErrors.length < 20) this.model.syntaxErrors.push(e.startPosition.row + 1);
    }
    if (this.model.syntaxErrors.length === 0) this.model.syntaxErrors.push(1);
  }

  /** Module-level statements, descending into if/try/with blocks (conditional imports, `if __name__`). */
  private block(node: Node): void {
    for (const st of node.namedChildren) {
      if (!st) continue;
      switch (st.type) {
        case 'import_statement':
          this.importStatement(st);
          break;
        case 'import_from_statement':
          this.importFrom(st);
          break;
        case 'expression_statement':
          this.expressionStatement(st);
          break;
        case 'class_definition':
          this.classDef(st);
          break;
        case 'function_definition':
          this.simpleFunction(st);
          this.summarise(st, []);
          break;
        case 'decorated_definition': {
          const def = st.childForFieldName('definition');
          if (def?.type === 'class_definition') this.classDef(def);
          if (def?.type === 'function_definition') {
            this.simpleFunction(def);
            this.summarise(def, st.namedChildren.filter((c): c is Node => c?.type === 'decorator'));
          }
          break;
        }
        case 'if_statement':
        case 'try_statement':
        case 'with_statement':
        case 'elif_clause':
        case 'else_clause':
        case 'except_clause':
        case 'finally_clause':
        case 'block':
          this.block(st);
          break;
      }
    }
  }

  private importStatement(st: Node): void {
    for (const c of st.namedChildren) {
      if (!c) continue;
      if (c.type === 'dotted_name') {
        // `import a.b` binds `a`; attribute access then walks the dotted path.
        const first = c.text.split('.')[0];
        this.model.imports[first] = { module: first };
      } else if (c.type === 'aliased_import') {
        const name = c.childForFieldName('name')?.text;
        const alias = c.childForFieldName('alias')?.text;
        if (name && alias) this.model.imports[alias] = { module: name };
      }
    }
  }

  private importFrom(st: Node): void {
    const modNode = st.childForFieldName('module_name');
    if (!modNode) return;
    let module = modNode.text;
    if (modNode.type === 'relative_import') {
      const dots = (/^\.+/.exec(modNode.text) ?? [''])[0].length;
      module = resolveRelative(this.model.module, this.isPackage, dots, modNode.text.slice(dots));
    }
    for (const n of st.childrenForFieldName('name')) {
      if (!n) continue;
      let binding: ImportBinding;
      let local: string;
      if (n.type === 'aliased_import') {
        binding = { module, name: n.childForFieldName('name')?.text ?? '' };
        local = n.childForFieldName('alias')?.text ?? binding.name!;
      } else {
        binding = { module, name: n.text };
        local = n.text;
      }
      this.model.imports[local] = binding;
    }
  }

  private expressionStatement(st: Node): void {
    const e = st.namedChildren[0];
    if (!e) return;
    if (e.type === 'assignment') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (left?.type === 'identifier' && right) {
        const expr = toExpr(right.type === 'assignment' ? right.childForFieldName('right') : right);
        this.model.assigns[left.text] = { ...expr, line: left.startPosition.row + 1 };
      }
    } else if (e.type === 'call') {
      const fn = e.childForFieldName('function');
      if (fn?.type === 'attribute' && /^(include_router|mount|add_api_route|add_route)$/.test(fn.childForFieldName('attribute')?.text ?? '')) {
        const { args, kwargs } = callArgs(e);
        this.model.wiring.push({ fn: toExpr(fn), args, kwargs, loc: locOf(e) });
      }
    } else if (e.type === 'augmented_assignment') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (left?.type === 'identifier' && right && this.model.assigns[left.text]) {
        const prev = this.model.assigns[left.text];
        this.model.assigns[left.text] = { k: 'binop', op: '+', l: prev, r: toExpr(right), loc: locOf(left), text: clip(e.text), line: prev.line };
      }
    }
  }

  /**
   * CORS sites are found from the text occurrences of the names bound to CORSMiddleware, confirmed in
   * the tree; this finds them inside app factories too without walking every node.
   */
  private corsSites(root: Node): void {
    const names = new Set(['CORSMiddleware']);
    for (const [local, b] of Object.entries(this.model.imports)) if (b.name === 'CORSMiddleware') names.add(local);
    const re = new RegExp(`\\b(?:${[...names].join('|')})\\b`, 'g');
    const seen = new Set<number>();
    for (const m of this.source.matchAll(re)) {
      let node: Node | null = root.descendantForIndex(m.index);
      if (node?.type !== 'identifier') continue;
      if (node.parent?.type === 'attribute' && node.parent.childForFieldName('attribute')?.id === node.id) node = node.parent;
      const parent = node.parent;
      let site: CorsSite | undefined;
      if (parent?.type === 'call' && parent.childForFieldName('function')?.id === node.id) {
        // CORSMiddleware(app, …)
        const { args, kwargs } = callArgs(parent);
        site = this.site('wrap', parent, node, kwargs, args[0] ?? kwargs.app);
      } else if (parent?.type === 'argument_list' && parent.namedChildren[0]?.id === node.id && parent.parent?.type === 'call') {
        const call = parent.parent;
        const fn = call.childForFieldName('function');
        const { kwargs } = callArgs(call);
        if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'add_middleware') {
          site = this.site('add_middleware', call, node, kwargs, toExpr(fn.childForFieldName('object')));
        } else if (fn && /(^|\.)Middleware$/.test(fn.text)) {
          site = this.site('middleware', call, node, kwargs);
        }
      }
      if (site && !seen.has(site.loc.line * 10000 + site.loc.col)) {
        seen.add(site.loc.line * 10000 + site.loc.col);
        this.model.corsSites.push(site);
      }
    }
  }

  private site(form: CorsSite['form'], call: Node, middleware: Node, kwargs: Record<string, Expr>, app?: Expr): CorsSite {
    // climb to the statement to learn the assignment target and the enclosing function
    let appTarget: string | undefined;
    let fnNode: Node | null = null;
    for (let n: Node | null = call.parent; n; n = n.parent) {
      if (!appTarget && n.type === 'assignment' && n.childForFieldName('left')?.type === 'identifier') appTarget = n.childForFieldName('left')!.text;
      if (n.type === 'function_definition') {
        fnNode = n;
        break;
      }
    }
    const locals: Record<string, Expr> = {};
    if (fnNode) {
      for (const a of fnNode.childForFieldName('body')?.descendantsOfType('assignment') ?? []) {
        const left = a?.childForFieldName('left');
        if (a && left?.type === 'identifier' && a.startIndex < call.startIndex) locals[left.text] = toExpr(a.childForFieldName('right'));
      }
    }
    const loc = locOf(call);
    return {
      form,
      middleware: toExpr(middleware),
      app,
      appTarget,
      kwargs,
      locals,
      fn: fnNode?.childForFieldName('name')?.text,
      loc,
      snippet: this.lines.at(loc.line),
    };
  }

  private summarise(def: Node, decorators: Node[], qualifier = ''): void {
    if (!interesting(def, decorators)) return;
    this.externalNames ??= new Set(Object.entries(this.model.imports).filter(([, b]) => LIBRARY_MODULES.test(b.module)).map(([local]) => local));
    this.model.functions.push(summariseFunction(def, decorators, this.lines, qualifier, this.externalNames));
  }

  /** `def get_settings(): return Settings()` is recorded as a value, so `get_settings().x` resolves. */
  private simpleFunction(def: Node): void {
    const block = def.childForFieldName('body');
    if (!block || block.namedChildCount > 3) return; // a docstring, a return, maybe a comment
    const name = def.childForFieldName('name')?.text;
    const body = block.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const stmts = body[0]?.type === 'expression_statement' && body[0].namedChildren[0]?.type === 'string' ? body.slice(1) : body;
    if (name && stmts.length === 1 && stmts[0].type === 'return_statement') {
      const ret = stmts[0].namedChildren[0] ?? null;
      this.model.assigns[name] = { k: 'lambda', body: toExpr(ret), loc: locOf(def), text: `def ${name}()`, line: def.startPosition.row + 1 };
    }
  }

  private classDef(def: Node): void {
    const name = def.childForFieldName('name')?.text;
    const body = def.childForFieldName('body');
    if (!name || !body) return;
    const supers = def.childForFieldName('superclasses');
    const cls: ClassModel = {
      name,
      bases: supers ? supers.namedChildren.filter((c): c is Node => !!c && c.type !== 'keyword_argument').map(toExpr) : [],
      fields: {},
      required: [],
      fieldNames: [],
      line: def.startPosition.row + 1,
    };
    // field names from the text (one read of the body): what an item written from this model holds
    const bodyText = body.text;
    for (const m of bodyText.matchAll(FIELD_LINE)) cls.fieldNames.push(m[1]);
    // field values matter for settings-like classes (BaseSettings, config objects); data models keep only methods
    const settingsLike = /settings|config/i.test(name) || /Settings|Config/.test(supers?.text ?? '');
    if (!settingsLike && !bodyText.includes('def ')) {
      this.model.classes[name] = cls; // a plain data model: its fields do not matter here
      return;
    }
    for (const st of body.namedChildren) {
      if (!st) continue;
      if (st.type === 'expression_statement') {
        if (!settingsLike) continue;
        const a = st.namedChildren[0];
        if (a?.type !== 'assignment') continue;
        const left = a.childForFieldName('left');
        const right = a.childForFieldName('right');
        if (left?.type !== 'identifier') continue;
        if (!right) {
          cls.required.push(left.text);
          continue;
        }
        const expr = toExpr(right);
        if (left.text === 'model_config' && expr.k === 'call') {
          const p = expr.kwargs.env_prefix;
          if (p?.k === 'str') cls.envPrefix = p.v;
        }
        cls.fields[left.text] = expr;
      } else if (st.type === 'function_definition' || st.type === 'decorated_definition') {
        const def = st.type === 'decorated_definition' ? st.childForFieldName('definition') : st;
        if (def?.type === 'function_definition') this.summarise(def, st.type === 'decorated_definition' ? st.namedChildren.filter((c): c is Node => c?.type === 'decorator') : [], name);
      } else if (st.type === 'class_definition' && st.childForFieldName('name')?.text === 'Config') {
        for (const inner of st.childForFieldName('body')?.namedChildren ?? []) {
          const a = inner?.namedChildren[0];
          if (a?.type === 'assignment' && a.childForFieldName('left')?.text === 'env_prefix') {
            const v = toExpr(a.childForFieldName('right'));
            if (v.k === 'str') cls.envPrefix = v.v;
          }
        }
      }
    }
    this.model.classes[name] = cls;
  }

  /**
   * Ambient credentials the code accepts: cookies vs bearer headers (severity context, DESIGN §Finding).
   * A cheap text scan proposes places; the tree confirms each is code (an identifier or a string), not a comment.
   */
  private authSignals(root: Node): void {
    const sig = this.model.authSignals;
    for (const m of this.source.matchAll(AUTH_TOKENS)) {
      // past the leading `.` or quote, so the node is the identifier or the string's content
      const node = root.descendantForIndex(m.index + (/^[."']/.test(m[0]) ? 1 : 0));
      if (!node || (node.type !== 'identifier' && node.type !== 'string_content')) continue;
      if (node.parent?.type === 'dotted_name' || node.parent?.type === 'aliased_import') continue; // the import itself
      const where = `${m[0].replace(/^[.(]/, '')} (line ${node.startPosition.row + 1})`;
      // "cookies" as a string is the HTTP API (payload 2.0) event's cookie list; as a word elsewhere it is not a read
      if (/^["']cookies["']$/.test(m[0]) && !/\bevent\b|\.get\(/.test(this.lines.at(node.startPosition.row + 1))) continue;
      if (/ookie|Session/.test(m[0])) sig.cookie.push(where);
      else sig.bearer.push(where);
      if (m[0] === 'set_cookie' && sig.cookieSet.length < 20) {
        const set = cookieSetCall(node);
        if (set) sig.cookieSet.push({ ...set, line: node.startPosition.row + 1 });
      }
      if (sig.cookie.length + sig.bearer.length > 20) break;
    }
  }

  private suppressions(root: Node): void {
    for (const c of root.descendantsOfType('comment')) {
      if (!c) continue;
      const m = /crossread:\s*ignore\[([^\]]*)\]\s*(.*)$/.exec(c.text);
      if (!m) continue;
      const s: Suppression = {
        rules: m[1].split(',').map((r) => r.trim()).filter(Boolean),
        reason: m[2].trim(),
        line: c.startPosition.row + 1,
      };
      this.model.suppressions.push(s);
    }
  }
}

/** `x.set_cookie("session", v, samesite="none")` → the literal name and SameSite, when the node is that call's method name. */
function cookieSetCall(name: Node): { name?: string; sameSite?: string } | undefined {
  const attr = name.parent;
  const call = attr?.type === 'attribute' ? attr.parent : undefined;
  if (!call || call.type !== 'call' || call.childForFieldName('function')?.id !== attr!.id) return undefined;
  const args = call.childForFieldName('arguments');
  if (!args) return undefined;
  const literal = (n: Node | null | undefined): string | undefined => (n?.type === 'string' ? n.text.replace(/^[rbuRBU]*(['"]{1,3})([\s\S]*)\1$/, '$2') : undefined);
  const out: { name?: string; sameSite?: string } = {};
  let positional = 0;
  for (const a of args.namedChildren) {
    if (!a) continue;
    if (a.type === 'keyword_argument') {
      const key = a.childForFieldName('name')?.text;
      const value = literal(a.childForFieldName('value'));
      if (key === 'samesite' && value !== undefined) out.sameSite = value;
      if (key === 'key' && value !== undefined) out.name = value;
    } else if (positional++ === 0) {
      const v = literal(a);
      if (v !== undefined) out.name = v;
    }
  }
  return out;
}

/** `file` is the path shown to users; `rootRelative` names the module (`app/settings.py` → `app.settings`). */
export function extractModule(tree: Tree, source: string, file: string, rootRelative = file): ModuleModel {
  return new ModuleExtractor(source, file, moduleNameOf(rootRelative)).run(tree);
}
