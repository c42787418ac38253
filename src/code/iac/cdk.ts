/**
 * AWS CDK apps written in Python or TypeScript → the normalised IaC model.
 *
 * Two small front ends (one per tree-sitter grammar) turn a file into one IR: imports, assignments,
 * expression statements, classes and functions, and expressions (calls with positional and keyword
 * arguments, attribute chains, literals). One interpreter runs that IR for both languages: it follows
 * local variables, `self.x` / `this.x` attributes, module-level constants, import aliases, local helper
 * functions (inlined at their call sites) and literal `for` loops, and recognises the constructs and
 * methods of aws-cdk-lib by their qualified names. Python snake_case keywords and TypeScript camelCase
 * properties meet under the camelCase name (`allow_origins` → `allowOrigins`).
 *
 * CDK semantics follow the library (platform facts §4.5): `defaultCorsPreflightOptions` adds a MOCK
 * OPTIONS method (no authorizer) to the resource and every child, answering with the first origin and
 * matching the others exactly; proxy integrations leave the actual response's headers to the function;
 * an HTTP API's `corsPreflight` is gateway CORS. Anything the reader cannot compute (a parameter, a
 * context lookup, an environment variable, an f-string with unknowns) stays `unresolved`.
 */
import { Buffer } from 'node:buffer';
import type { Node } from 'web-tree-sitter';
import { withGrammarTree } from '../grammars.ts';
import { splitLiteral, stringValue, unescapePython } from '../python/strings.ts';
import {
  emptyDocument,
  unquoteGateway,
  type Authorizer,
  type CorsConfig,
  type IacApi,
  type IacDocument,
  type IacFormat,
  type IacFunction,
  type IacRoute,
  type IacString,
  type IacTable,
  type IamStatement,
  type Place,
  type ReadResult,
} from './model.ts';
import { joinDir, MAX_IAC_BYTES, placeAt, type ReaderInput } from './reader.ts';
import { MANAGED_POLICIES } from './aws-policies.ts';

export type CdkLanguage = 'python' | 'typescript';

/** A Python or TypeScript file that imports the AWS CDK (`aws_cdk…`, `aws-cdk-lib…`, `@aws-cdk/…`). */
export function looksLikeCdk(text: string, language: CdkLanguage): boolean {
  if (language === 'python') return /^[ \t]*(?:from[ \t]+aws_cdk(?:\.[\w.]+)?[ \t]+import\b|import[ \t]+aws_cdk\b)/m.test(text);
  return /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*)['"](?:aws-cdk-lib(?:\/[\w-]+)?|@aws-cdk\/[\w-]+)['"]/.test(text);
}

/** One CDK app file → its document; syntax errors and limits become problems (positions only), never exceptions. */
export async function readCdk(input: ReaderInput, language: CdkLanguage): Promise<ReadResult> {
  const format: IacFormat = language === 'python' ? 'cdk-python' : 'cdk-typescript';
  if (Buffer.byteLength(input.text, 'utf8') > MAX_IAC_BYTES) {
    return { problems: [`skipped: over the ${MAX_IAC_BYTES / 1048576} MB limit for an IaC source`] };
  }
  const problems: string[] = [];
  let program: Stmt[];
  try {
    program = await withGrammarTree(language, input.text, (tree) => {
      problems.push(...syntaxErrors(tree.rootNode));
      return language === 'python' ? new PythonFrontEnd().module(tree.rootNode) : new TypeScriptFrontEnd().program(tree.rootNode);
    });
  } catch {
    return { problems: [...problems, `could not parse the file as ${language === 'python' ? 'Python' : 'TypeScript'}`] };
  }
  const interpreter = new Interpreter(input, format, language, problems);
  interpreter.run(program);
  return { document: interpreter.finish(), problems };
}

// ---- syntax errors ----------------------------------------------------------------------------------

const MAX_SYNTAX_PROBLEMS = 3;

/** ERROR and MISSING nodes as positions only: the source text around them may hold a secret. */
function syntaxErrors(root: Node): string[] {
  const found: { line: number; col: number }[] = [];
  const stack: Node[] = root.hasError ? [root] : [];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.isError || n.isMissing) {
      found.push({ line: n.startPosition.row + 1, col: n.startPosition.column + 1 });
      if (n.isMissing) continue;
    }
    if (!n.hasError && !n.isError) continue;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  found.sort((a, b) => a.line - b.line || a.col - b.col);
  const out = found.slice(0, MAX_SYNTAX_PROBLEMS).map((p) => `syntax error at line ${p.line}, column ${p.col}; read what parsed`);
  if (found.length > MAX_SYNTAX_PROBLEMS) out.push(`${found.length - MAX_SYNTAX_PROBLEMS} more syntax errors`);
  return out;
}

// ---- the IR both front ends produce -----------------------------------------------------------------

interface At {
  line: number; // 1-based
  col: number; // 1-based
}

type Expr = At & { text: string } & (
    | { k: 'str'; v: string }
    | { k: 'num'; v: number }
    | { k: 'bool'; v: boolean }
    | { k: 'null' }
    | { k: 'list'; items: Expr[] }
    | { k: 'map'; entries: MapEntry[] }
    | { k: 'name'; id: string }
    | { k: 'self' }
    /** `obj.name`; `nameAt` is where the attribute name is written (the line a chained call sits on). */
    | { k: 'attr'; obj: Expr; name: string; nameAt: At }
    | { k: 'index'; obj: Expr; index: Expr }
    | { k: 'call'; fn: Expr; args: Expr[]; kwargs: KwArg[] }
    /** f-strings and template literals. */
    | { k: 'tmpl'; parts: Expr[] }
    | { k: 'binop'; op: string; l: Expr; r: Expr }
    /** `*xs` / `...xs` in a list or call, `**d` / `...d` in a map. */
    | { k: 'spread'; of: Expr }
    | { k: 'func'; def: FuncDef }
    | { k: 'unknown' }
  );

interface MapEntry {
  /** Undefined for a computed key or a spread. */
  key?: string;
  value: Expr;
  at: At;
  spread?: boolean;
}

interface KwArg {
  /** Empty for `**splat`. */
  name: string;
  value: Expr;
  at: At;
}

type Target = { k: 'name'; id: string } | { k: 'self'; attr: string } | { k: 'unpack'; items: Target[] } | { k: 'other' };

type Stmt = At &
  (
    | { k: 'import'; local: string; module: string; member?: string }
    | { k: 'assign'; targets: Target[]; value: Expr }
    | { k: 'expr'; expr: Expr }
    | { k: 'return'; value?: Expr }
    | { k: 'def'; def: FuncDef }
    | { k: 'class'; name: string; fields: { name: string; value: Expr }[]; methods: FuncDef[] }
    /** Bodies that may or may not run (if/else branches, while, except). */
    | { k: 'branch'; bodies: Stmt[][] }
    | { k: 'for'; target: Target; iter: Expr; body: Stmt[] }
    /** Bodies that run in sequence (with, try). */
    | { k: 'block'; body: Stmt[] }
  );

interface Param {
  name: string;
  kind: 'pos' | 'kw' | 'rest' | 'kwrest';
  default?: Expr;
  /** TypeScript `{ a, b }: Props`: the names bound from the argument's properties. */
  fields?: string[];
  /** TypeScript parameter properties (`private readonly props: P`) also become `this.props`. */
  property?: boolean;
}

interface FuncDef {
  name: string;
  params: Param[];
  body: Stmt[];
  /** A Python method's first parameter is the instance. */
  selfParam: boolean;
  ctor: boolean;
}

const MAX_DEPTH = 200;
const MAX_TEXT = 120;

function clip(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

function atOf(n: Node): At {
  return { line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
}

function named(n: Node | null | undefined): Node[] {
  return n ? n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') : [];
}

function field(n: Node, name: string): Node | undefined {
  return n.childForFieldName(name) ?? undefined;
}

/** An element tree-sitter recovered next to an ERROR (`"a" +}`): its value is not what is written. */
function broken(n: Node): boolean {
  return n.nextSibling?.type === 'ERROR' || n.isMissing;
}

function mk(n: Node, e: Record<string, unknown> & { k: Expr['k'] }): Expr {
  return { ...atOf(n), text: n.endIndex - n.startIndex > 400 ? clip(n.text.slice(0, 400)) : clip(n.text), ...e } as Expr;
}

// ---- Python front end --------------------------------------------------------------------------------

class PythonFrontEnd {
  module(root: Node): Stmt[] {
    return this.block(root, false);
  }

  private nesting = 0;

  private block(n: Node | undefined, inClass: boolean): Stmt[] {
    return named(n).flatMap((c) => this.stmt(c, inClass));
  }

  private stmt(n: Node, inClass: boolean): Stmt[] {
    if (this.nesting > MAX_DEPTH) return [];
    this.nesting++;
    try {
      return this.statement(n, inClass);
    } finally {
      this.nesting--;
    }
  }

  private statement(n: Node, inClass: boolean): Stmt[] {
    const at = atOf(n);
    switch (n.type) {
      case 'import_statement':
        return named(n).flatMap((c) => {
          if (c.type === 'aliased_import') return [{ ...at, k: 'import', local: field(c, 'alias')?.text ?? '', module: field(c, 'name')?.text ?? '' } as Stmt];
          if (c.type === 'dotted_name') return [{ ...at, k: 'import', local: c.text.split('.')[0], module: c.text.split('.')[0] } as Stmt];
          return [];
        });
      case 'import_from_statement': {
        const mod = field(n, 'module_name');
        if (!mod || mod.type === 'relative_import') return [];
        return n.childrenForFieldName('name').flatMap((c) => {
          if (!c) return [];
          if (c.type === 'aliased_import') return [{ ...at, k: 'import', local: field(c, 'alias')?.text ?? '', module: mod.text, member: field(c, 'name')?.text ?? '' } as Stmt];
          return [{ ...at, k: 'import', local: c.text, module: mod.text, member: c.text } as Stmt];
        });
      }
      case 'expression_statement':
        return named(n).flatMap((c) => this.exprStmt(c));
      case 'return_statement': {
        const v = named(n)[0];
        return [{ ...at, k: 'return', ...(v ? { value: this.expr(v) } : {}) }];
      }
      case 'function_definition':
        return [{ ...at, k: 'def', def: this.funcDef(n, inClass) }];
      case 'decorated_definition': {
        const d = field(n, 'definition');
        if (!d) return [];
        if (d.type === 'function_definition') {
          const def = this.funcDef(d, inClass);
          if (named(n).some((c) => c.type === 'decorator' && /^@\s*staticmethod\b/.test(c.text))) def.selfParam = false;
          return [{ ...at, k: 'def', def }];
        }
        return this.stmt(d, inClass);
      }
      case 'class_definition': {
        const body = this.block(field(n, 'body'), true);
        const fields: { name: string; value: Expr }[] = [];
        const methods: FuncDef[] = [];
        for (const s of body) {
          if (s.k === 'def') methods.push(s.def);
          else if (s.k === 'assign') for (const t of s.targets) if (t.k === 'name') fields.push({ name: t.id, value: s.value });
        }
        return [{ ...at, k: 'class', name: field(n, 'name')?.text ?? '', fields, methods }];
      }
      case 'if_statement': {
        const bodies = [this.block(field(n, 'consequence'), false)];
        for (const alt of n.childrenForFieldName('alternative')) {
          if (alt?.type === 'elif_clause') bodies.push(this.block(field(alt, 'consequence'), false));
          else if (alt?.type === 'else_clause') bodies.push(this.block(field(alt, 'body'), false));
        }
        return [{ ...at, k: 'branch', bodies }];
      }
      case 'for_statement': {
        const left = field(n, 'left');
        const right = field(n, 'right');
        const out: Stmt[] = [{ ...at, k: 'for', target: left ? this.target(left) : { k: 'other' }, iter: this.expr(right), body: this.block(field(n, 'body'), false) }];
        const alt = field(n, 'alternative');
        if (alt) out.push({ ...at, k: 'branch', bodies: [this.block(field(alt, 'body'), false)] });
        return out;
      }
      case 'while_statement':
        return [{ ...at, k: 'branch', bodies: [this.block(field(n, 'body'), false)] }];
      case 'with_statement':
        return [{ ...at, k: 'block', body: this.block(field(n, 'body'), false) }];
      case 'try_statement': {
        const out: Stmt[] = [{ ...at, k: 'block', body: this.block(field(n, 'body'), false) }];
        const handlers = named(n).filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause' || c.type === 'else_clause');
        if (handlers.length) out.push({ ...at, k: 'branch', bodies: handlers.map((h) => this.block(named(h).find((c) => c.type === 'block'), false)) });
        const fin = named(n).find((c) => c.type === 'finally_clause');
        if (fin) out.push({ ...at, k: 'block', body: this.block(named(fin).find((c) => c.type === 'block'), false) });
        return out;
      }
      case 'match_statement': {
        const cases = named(field(n, 'body')).filter((c) => c.type === 'case_clause');
        return [{ ...at, k: 'branch', bodies: cases.map((c) => this.block(field(c, 'consequence'), false)) }];
      }
      case 'block':
      case 'ERROR':
        return this.block(n, inClass);
      default:
        return [];
    }
  }

  private exprStmt(n: Node): Stmt[] {
    const at = atOf(n);
    if (n.type === 'assignment') {
      const targets: Target[] = [];
      let cur: Node | undefined = n;
      while (cur?.type === 'assignment') {
        const left = field(cur, 'left');
        targets.push(left ? this.target(left) : { k: 'other' });
        cur = field(cur, 'right');
      }
      // `x: T` alone declares without a value
      if (!cur) return [];
      return [{ ...at, k: 'assign', targets, value: this.expr(cur) }];
    }
    if (n.type === 'augmented_assignment') return [{ ...at, k: 'expr', expr: this.expr(field(n, 'right')) }];
    return [{ ...at, k: 'expr', expr: this.expr(n) }];
  }

  private target(n: Node): Target {
    if (n.type === 'identifier') return { k: 'name', id: n.text };
    if (n.type === 'attribute') {
      const obj = field(n, 'object');
      if (obj?.type === 'identifier' && obj.text === 'self') return { k: 'self', attr: field(n, 'attribute')?.text ?? '' };
    }
    if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern' || n.type === 'expression_list') {
      return { k: 'unpack', items: named(n).map((c) => this.target(c)) };
    }
    return { k: 'other' };
  }

  private funcDef(n: Node, inClass: boolean): FuncDef {
    const params: Param[] = [];
    let kwOnly = false;
    for (const p of named(field(n, 'parameters'))) {
      switch (p.type) {
        case 'identifier':
          params.push({ name: p.text, kind: kwOnly ? 'kw' : 'pos' });
          break;
        case 'typed_parameter': {
          const inner = named(p)[0];
          if (inner?.type === 'list_splat_pattern') {
            params.push({ name: named(inner)[0]?.text ?? '', kind: 'rest' });
            kwOnly = true;
          } else if (inner?.type === 'dictionary_splat_pattern') params.push({ name: named(inner)[0]?.text ?? '', kind: 'kwrest' });
          else params.push({ name: inner?.text ?? '', kind: kwOnly ? 'kw' : 'pos' });
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const value = field(p, 'value');
          params.push({ name: field(p, 'name')?.text ?? '', kind: kwOnly ? 'kw' : 'pos', ...(value ? { default: this.expr(value) } : {}) });
          break;
        }
        case 'list_splat_pattern':
          params.push({ name: named(p)[0]?.text ?? '', kind: 'rest' });
          kwOnly = true;
          break;
        case 'dictionary_splat_pattern':
          params.push({ name: named(p)[0]?.text ?? '', kind: 'kwrest' });
          break;
        case 'keyword_separator':
          kwOnly = true;
          break;
        default:
          break;
      }
    }
    const name = field(n, 'name')?.text ?? '';
    return { name, params, body: this.block(field(n, 'body'), false), selfParam: inClass, ctor: inClass && name === '__init__' };
  }

  expr(n: Node | undefined, depth = 0): Expr {
    if (!n) return { line: 0, col: 0, text: '', k: 'unknown' };
    if (depth > MAX_DEPTH) return mk(n, { k: 'unknown' });
    const d = depth + 1;
    switch (n.type) {
      case 'string':
        return this.string(n, d);
      case 'concatenated_string': {
        const parts = named(n).filter((c) => c.type === 'string').map((c) => this.string(c, d));
        if (parts.every((p) => p.k === 'str')) return mk(n, { k: 'str', v: parts.map((p) => (p as { v: string }).v).join('') });
        return mk(n, { k: 'tmpl', parts: parts.flatMap((p) => (p.k === 'tmpl' ? p.parts : [p])) });
      }
      case 'integer':
      case 'float': {
        const v = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(v) ? mk(n, { k: 'num', v }) : mk(n, { k: 'unknown' });
      }
      case 'true':
        return mk(n, { k: 'bool', v: true });
      case 'false':
        return mk(n, { k: 'bool', v: false });
      case 'none':
        return mk(n, { k: 'null' });
      case 'list':
      case 'tuple':
      case 'set':
        return mk(n, { k: 'list', items: named(n).map((c) => (broken(c) ? mk(c, { k: 'unknown' }) : this.expr(c, d))) });
      case 'list_splat':
        return mk(n, { k: 'spread', of: this.expr(named(n)[0], d) });
      case 'dictionary': {
        const entries: MapEntry[] = [];
        for (const c of named(n)) {
          if (c.type === 'pair') {
            const key = this.expr(field(c, 'key'), d);
            entries.push({ ...(key.k === 'str' ? { key: key.v } : {}), value: broken(c) ? mk(c, { k: 'unknown' }) : this.expr(field(c, 'value'), d), at: atOf(c) });
          } else if (c.type === 'dictionary_splat') entries.push({ value: this.expr(named(c)[0], d), at: atOf(c), spread: true });
        }
        return mk(n, { k: 'map', entries });
      }
      case 'identifier':
        return n.text === 'self' ? mk(n, { k: 'self' }) : mk(n, { k: 'name', id: n.text });
      case 'attribute': {
        const attr = field(n, 'attribute');
        return mk(n, { k: 'attr', obj: this.expr(field(n, 'object'), d), name: attr?.text ?? '', nameAt: attr ? atOf(attr) : atOf(n) });
      }
      case 'subscript':
        return mk(n, { k: 'index', obj: this.expr(field(n, 'value'), d), index: this.expr(field(n, 'subscript'), d) });
      case 'call': {
        const args: Expr[] = [];
        const kwargs: KwArg[] = [];
        const argNode = field(n, 'arguments');
        if (argNode?.type === 'argument_list') {
          for (const a of named(argNode)) {
            if (a.type === 'keyword_argument') kwargs.push({ name: field(a, 'name')?.text ?? '', value: broken(a) ? mk(a, { k: 'unknown' }) : this.expr(field(a, 'value'), d), at: atOf(a) });
            else if (a.type === 'dictionary_splat') kwargs.push({ name: '', value: this.expr(named(a)[0], d), at: atOf(a) });
            else if (a.type !== 'ERROR') args.push(broken(a) ? mk(a, { k: 'unknown' }) : this.expr(a, d));
          }
        } else if (argNode) args.push(mk(argNode, { k: 'unknown' }));
        return mk(n, { k: 'call', fn: this.expr(field(n, 'function'), d), args, kwargs });
      }
      case 'parenthesized_expression':
        return this.expr(named(n)[0], d);
      case 'await':
        return this.expr(named(n)[0], d);
      case 'binary_operator':
        return mk(n, { k: 'binop', op: field(n, 'operator')?.text ?? '', l: this.expr(field(n, 'left'), d), r: this.expr(field(n, 'right'), d) });
      case 'unary_operator': {
        const inner = this.expr(field(n, 'argument'), d);
        if (inner.k === 'num' && field(n, 'operator')?.text === '-') return mk(n, { k: 'num', v: -inner.v });
        return mk(n, { k: 'unknown' });
      }
      default:
        return mk(n, { k: 'unknown' });
    }
  }

  private string(n: Node, d: number): Expr {
    const start = named(n).find((c) => c.type === 'string_start')?.text ?? '';
    const { prefix } = splitLiteral(start);
    if (!prefix.includes('f')) return mk(n, { k: 'str', v: stringValue(n.text) });
    const raw = prefix.includes('r');
    const parts: Expr[] = [];
    for (const c of named(n)) {
      if (c.type === 'string_content') {
        const v = (raw ? c.text : unescapePython(c.text)).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
        parts.push(mk(c, { k: 'str', v }));
      } else if (c.type === 'interpolation') {
        const inner = field(c, 'expression');
        // a format spec or conversion changes the text: the part is not the plain value
        parts.push(named(c).some((x) => x.type === 'format_specifier') ? mk(c, { k: 'unknown' }) : this.expr(inner, d));
      }
    }
    if (parts.every((p) => p.k === 'str')) return mk(n, { k: 'str', v: parts.map((p) => (p as { v: string }).v).join('') });
    return mk(n, { k: 'tmpl', parts });
  }
}

// ---- TypeScript front end ----------------------------------------------------------------------------

const JS_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0' };

function unescapeJs(seq: string): string {
  const c = seq.slice(1);
  if (c in JS_ESCAPES) return JS_ESCAPES[c];
  const hex = /^x([0-9a-fA-F]{2})$|^u([0-9a-fA-F]{4})$|^u\{([0-9a-fA-F]+)\}$/.exec(c);
  if (hex) return String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? hex[3], 16));
  if (/^\r?\n$/.test(c)) return '';
  return c;
}

class TypeScriptFrontEnd {
  program(root: Node): Stmt[] {
    return this.block(root);
  }

  private nesting = 0;

  private block(n: Node | undefined): Stmt[] {
    return named(n).flatMap((c) => this.stmt(c));
  }

  private body(n: Node | undefined): Stmt[] {
    if (!n) return [];
    return n.type === 'statement_block' ? this.block(n) : this.stmt(n);
  }

  private stmt(n: Node): Stmt[] {
    if (this.nesting > MAX_DEPTH) return [];
    this.nesting++;
    try {
      return this.statement(n);
    } finally {
      this.nesting--;
    }
  }

  private statement(n: Node): Stmt[] {
    const at = atOf(n);
    switch (n.type) {
      case 'import_statement': {
        const out: Stmt[] = [];
        for (const c of named(n)) {
          if (c.type === 'import_require_clause') {
            const id = named(c).find((x) => x.type === 'identifier');
            const src = field(c, 'source');
            const m = src ? this.stringValue(src) : undefined;
            if (id && m !== undefined) out.push({ ...at, k: 'import', local: id.text, module: m });
          }
        }
        const source = field(n, 'source');
        const mod = source ? this.stringValue(source) : undefined;
        if (mod === undefined) return out;
        for (const c of named(n)) {
          if (c.type !== 'import_clause') continue;
          for (const part of named(c)) {
            if (part.type === 'identifier') out.push({ ...at, k: 'import', local: part.text, module: mod, member: 'default' });
            else if (part.type === 'namespace_import') {
              const id = named(part).find((x) => x.type === 'identifier');
              if (id) out.push({ ...at, k: 'import', local: id.text, module: mod });
            } else if (part.type === 'named_imports') {
              for (const spec of named(part)) {
                if (spec.type !== 'import_specifier') continue;
                const name = field(spec, 'name');
                const alias = field(spec, 'alias');
                if (name) out.push({ ...at, k: 'import', local: (alias ?? name).text, module: mod, member: name.type === 'string' ? this.stringValue(name) ?? name.text : name.text });
              }
            }
          }
        }
        return out;
      }
      case 'lexical_declaration':
      case 'variable_declaration':
        return named(n)
          .filter((c) => c.type === 'variable_declarator')
          .flatMap((c) => {
            const value = field(c, 'value');
            const name = field(c, 'name');
            if (!value || !name) return [];
            return [{ ...atOf(c), k: 'assign', targets: [this.target(name)], value: this.expr(value) } as Stmt];
          });
      case 'expression_statement':
        return named(n).flatMap((c) => this.exprStmt(c));
      case 'return_statement': {
        const v = named(n)[0];
        return [{ ...at, k: 'return', ...(v ? { value: this.expr(v) } : {}) }];
      }
      case 'function_declaration':
      case 'generator_function_declaration':
        return [{ ...at, k: 'def', def: this.funcDef(n, field(n, 'name')?.text ?? '', false) }];
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'class':
        return [this.classDecl(n)];
      case 'export_statement': {
        const decl = field(n, 'declaration');
        if (decl) return this.stmt(decl);
        return named(n).flatMap((c) => (c.type === 'class' || c.type === 'class_declaration' || c.type === 'function_declaration' ? this.stmt(c) : []));
      }
      case 'if_statement': {
        const bodies = [this.body(field(n, 'consequence'))];
        let alt = field(n, 'alternative');
        while (alt) {
          const inner: Node | undefined = named(alt)[0];
          if (inner?.type === 'if_statement') {
            bodies.push(this.body(field(inner, 'consequence')));
            alt = field(inner, 'alternative');
          } else {
            bodies.push(this.body(inner));
            alt = undefined;
          }
        }
        return [{ ...at, k: 'branch', bodies }];
      }
      case 'for_in_statement': {
        const left = field(n, 'left');
        const right = field(n, 'right');
        const of = n.children.some((c) => c?.type === 'of');
        if (!of) return [{ ...at, k: 'branch', bodies: [this.body(field(n, 'body'))] }];
        return [{ ...at, k: 'for', target: left ? this.target(left) : { k: 'other' }, iter: this.expr(right), body: this.body(field(n, 'body')) }];
      }
      case 'for_statement':
      case 'while_statement':
      case 'do_statement':
        return [{ ...at, k: 'branch', bodies: [this.body(field(n, 'body'))] }];
      case 'try_statement': {
        const out: Stmt[] = [{ ...at, k: 'block', body: this.body(field(n, 'body')) }];
        const handler = field(n, 'handler');
        if (handler) out.push({ ...at, k: 'branch', bodies: [this.body(field(handler, 'body'))] });
        const fin = field(n, 'finalizer');
        if (fin) out.push({ ...at, k: 'block', body: this.body(field(fin, 'body') ?? named(fin)[0]) });
        return out;
      }
      case 'switch_statement':
        return [{ ...at, k: 'branch', bodies: named(field(n, 'body')).map((c) => named(c).flatMap((s) => this.stmt(s))) }];
      case 'statement_block':
      case 'labeled_statement':
      case 'ERROR':
        return this.block(n);
      default:
        return [];
    }
  }

  private classDecl(n: Node): Stmt {
    const fields: { name: string; value: Expr }[] = [];
    const methods: FuncDef[] = [];
    for (const m of named(field(n, 'body'))) {
      if (m.type === 'method_definition') {
        const name = field(m, 'name')?.text ?? '';
        methods.push(this.funcDef(m, name, name === 'constructor'));
      } else if (m.type === 'public_field_definition') {
        const name = field(m, 'name');
        const value = field(m, 'value');
        if (name && value) fields.push({ name: name.text, value: this.expr(value) });
      }
    }
    return { ...atOf(n), k: 'class', name: field(n, 'name')?.text ?? '', fields, methods };
  }

  private exprStmt(n: Node): Stmt[] {
    const at = atOf(n);
    if (n.type === 'assignment_expression') {
      const left = field(n, 'left');
      return [{ ...at, k: 'assign', targets: [left ? this.target(left) : { k: 'other' }], value: this.expr(field(n, 'right')) }];
    }
    if (n.type === 'augmented_assignment_expression') return [{ ...at, k: 'expr', expr: this.expr(field(n, 'right')) }];
    if (n.type === 'sequence_expression') return named(n).flatMap((c) => this.exprStmt(c));
    return [{ ...at, k: 'expr', expr: this.expr(n) }];
  }

  private target(n: Node): Target {
    if (n.type === 'identifier') return { k: 'name', id: n.text };
    if (n.type === 'member_expression' && field(n, 'object')?.type === 'this') return { k: 'self', attr: field(n, 'property')?.text ?? '' };
    if (n.type === 'array_pattern') return { k: 'unpack', items: named(n).map((c) => this.target(c)) };
    if (n.type === 'object_pattern') {
      // each destructured name is bound to something the reader does not follow
      return { k: 'unpack', items: named(n).flatMap((c) => this.patternNames(c).map((id) => ({ k: 'name', id }) as Target)) };
    }
    return { k: 'other' };
  }

  private patternNames(n: Node): string[] {
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') return [n.text];
    if (n.type === 'pair_pattern') return this.patternNames(field(n, 'value') ?? n);
    if (n.type === 'object_assignment_pattern') return this.patternNames(field(n, 'left') ?? n);
    if (n.type === 'assignment_pattern') return this.patternNames(field(n, 'left') ?? n);
    if (n.type === 'rest_pattern') return named(n).flatMap((c) => this.patternNames(c));
    if (n.type === 'object_pattern' || n.type === 'array_pattern') return named(n).flatMap((c) => this.patternNames(c));
    return [];
  }

  private funcDef(n: Node, name: string, ctor: boolean): FuncDef {
    const params: Param[] = [];
    const ps = field(n, 'parameters') ?? field(n, 'parameter');
    const list = ps?.type === 'identifier' ? [ps] : named(ps);
    for (const p of list) {
      if (p.type === 'identifier') {
        params.push({ name: p.text, kind: 'pos' });
        continue;
      }
      if (p.type !== 'required_parameter' && p.type !== 'optional_parameter') continue;
      const pattern = field(p, 'pattern');
      const value = field(p, 'value');
      const property = named(p).some((c) => c.type === 'accessibility_modifier' || c.type === 'override_modifier') || p.children.some((c) => c?.type === 'readonly');
      if (!pattern || pattern.type === 'this') continue;
      if (pattern.type === 'rest_pattern') params.push({ name: named(pattern)[0]?.text ?? '', kind: 'rest' });
      else if (pattern.type === 'object_pattern') params.push({ name: '', kind: 'pos', fields: this.patternNames(pattern), ...(value ? { default: this.expr(value) } : {}) });
      else params.push({ name: pattern.text, kind: 'pos', ...(value ? { default: this.expr(value) } : {}), ...(property ? { property } : {}) });
    }
    const body = field(n, 'body');
    let stmts: Stmt[];
    if (!body) stmts = [];
    else if (body.type === 'statement_block') stmts = this.block(body);
    else stmts = [{ ...atOf(body), k: 'return', value: this.expr(body) }];
    return { name, params, body: stmts, selfParam: false, ctor };
  }

  stringValue(n: Node): string | undefined {
    if (n.type !== 'string') return undefined;
    let out = '';
    for (const c of named(n)) {
      if (c.type === 'string_fragment') out += c.text;
      else if (c.type === 'escape_sequence') out += unescapeJs(c.text);
    }
    return out;
  }

  expr(n: Node | undefined, depth = 0): Expr {
    if (!n) return { line: 0, col: 0, text: '', k: 'unknown' };
    if (depth > MAX_DEPTH) return mk(n, { k: 'unknown' });
    const d = depth + 1;
    switch (n.type) {
      case 'string':
        return mk(n, { k: 'str', v: this.stringValue(n) ?? '' });
      case 'template_string': {
        const parts: Expr[] = [];
        let lit = '';
        for (const c of named(n)) {
          if (c.type === 'string_fragment') lit += c.text;
          else if (c.type === 'escape_sequence') lit += unescapeJs(c.text);
          else if (c.type === 'template_substitution') {
            if (lit) parts.push(mk(c, { k: 'str', v: lit }));
            lit = '';
            parts.push(this.expr(named(c)[0], d));
          }
        }
        if (lit) parts.push(mk(n, { k: 'str', v: lit }));
        if (parts.every((p) => p.k === 'str')) return mk(n, { k: 'str', v: parts.map((p) => (p as { v: string }).v).join('') });
        return mk(n, { k: 'tmpl', parts });
      }
      case 'number': {
        const v = Number(n.text.replace(/_/g, ''));
        return Number.isFinite(v) ? mk(n, { k: 'num', v }) : mk(n, { k: 'unknown' });
      }
      case 'true':
        return mk(n, { k: 'bool', v: true });
      case 'false':
        return mk(n, { k: 'bool', v: false });
      case 'null':
      case 'undefined':
        return mk(n, { k: 'null' });
      case 'identifier':
        return n.text === 'undefined' ? mk(n, { k: 'null' }) : mk(n, { k: 'name', id: n.text });
      case 'this':
        return mk(n, { k: 'self' });
      case 'array':
        return mk(n, { k: 'list', items: named(n).filter((c) => c.type !== 'ERROR').map((c) => (broken(c) ? mk(c, { k: 'unknown' }) : this.expr(c, d))) });
      case 'spread_element':
        return mk(n, { k: 'spread', of: this.expr(named(n)[0], d) });
      case 'object': {
        const entries: MapEntry[] = [];
        for (const c of named(n)) {
          if (c.type === 'pair') {
            const k = field(c, 'key');
            const key = !k ? undefined : k.type === 'string' ? this.stringValue(k) : k.type === 'computed_property_name' ? undefined : k.text;
            entries.push({ ...(key !== undefined ? { key } : {}), value: broken(c) ? mk(c, { k: 'unknown' }) : this.expr(field(c, 'value'), d), at: atOf(c) });
          } else if (c.type === 'shorthand_property_identifier') entries.push({ key: c.text, value: mk(c, { k: 'name', id: c.text }), at: atOf(c) });
          else if (c.type === 'spread_element') entries.push({ value: this.expr(named(c)[0], d), at: atOf(c), spread: true });
        }
        return mk(n, { k: 'map', entries });
      }
      case 'member_expression': {
        const prop = field(n, 'property');
        return mk(n, { k: 'attr', obj: this.expr(field(n, 'object'), d), name: prop?.text ?? '', nameAt: prop ? atOf(prop) : atOf(n) });
      }
      case 'subscript_expression':
        return mk(n, { k: 'index', obj: this.expr(field(n, 'object'), d), index: this.expr(field(n, 'index'), d) });
      case 'call_expression':
      case 'new_expression': {
        const fn = field(n, n.type === 'new_expression' ? 'constructor' : 'function');
        const argNode = field(n, 'arguments');
        if (fn?.type === 'import' || fn?.type === 'super') return mk(n, { k: 'unknown' });
        const args =
          argNode?.type === 'arguments'
            ? named(argNode)
                .filter((a) => a.type !== 'ERROR')
                .map((a) => (broken(a) ? mk(a, { k: 'unknown' }) : this.expr(a, d)))
            : argNode
              ? [mk(argNode, { k: 'unknown' })]
              : [];
        return mk(n, { k: 'call', fn: this.expr(fn, d), args, kwargs: [] });
      }
      case 'parenthesized_expression':
      case 'as_expression':
      case 'satisfies_expression':
      case 'non_null_expression':
      case 'await_expression':
        return this.expr(named(n)[0], d);
      case 'type_assertion':
        return this.expr(named(n).at(-1), d);
      case 'binary_expression':
        return mk(n, { k: 'binop', op: field(n, 'operator')?.text ?? '', l: this.expr(field(n, 'left'), d), r: this.expr(field(n, 'right'), d) });
      case 'unary_expression': {
        const inner = this.expr(field(n, 'argument'), d);
        if (inner.k === 'num' && field(n, 'operator')?.text === '-') return mk(n, { k: 'num', v: -inner.v });
        return mk(n, { k: 'unknown' });
      }
      case 'arrow_function':
      case 'function_expression':
      case 'function':
        return mk(n, { k: 'func', def: this.funcDef(n, field(n, 'name')?.text ?? '', false) });
      default:
        return mk(n, { k: 'unknown' });
    }
  }
}

// ---- values -----------------------------------------------------------------------------------------

/** A value with where its expression is written. */
interface Item {
  v: V;
  at: At;
  text: string;
}

interface Entry extends Item {
  key: string;
}

type V =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'list'; items: Item[] }
  | { t: 'map'; entries: Entry[] }
  /** A name from an imported module: `mod` is a CDK submodule (`aws_apigateway`, `core`) or `py:os`, `js:path`. */
  | { t: 'sym'; mod: string; path: string[] }
  | { t: 'obj'; o: Obj }
  /** A path relative to the scan root (from `__file__`, `__dirname`). */
  | { t: 'path'; p: string }
  | { t: 'code'; dir?: string }
  | { t: 'func'; def: FuncDef; scope: Scope; self?: SelfObj }
  | { t: 'unres'; text: string };

interface Role {
  name: string;
  statements: IamStatement[];
}

interface RestApiObj {
  kind: 'restApi';
  api: IacApi;
  root: Res;
}

interface Res {
  api: IacApi;
  path: string;
  parent?: Res;
  children: Map<string, Res>;
  defaultIntegration?: V;
  /** `defaultMethodOptions`, merged per property down the tree as CDK does. */
  methodDefaults: Map<string, Item>;
  /** `defaultCorsPreflightOptions` in force here (own, else the parent's). */
  defaultCors?: CorsConfig;
  /** `addCorsPreflight(...)` on this resource only. */
  explicitCors?: CorsConfig;
  proxy: boolean;
  methods: Set<string>;
}

interface SelfObj {
  kind: 'self';
  attrs: Map<string, V>;
  methods: Map<string, FuncDef>;
  /** Where the class is defined: its methods' enclosing scope. */
  scope: Scope;
}

interface FnObj {
  kind: 'function';
  fn: IacFunction;
  role: Role;
}

type Obj =
  | SelfObj
  | RestApiObj
  | { kind: 'resource'; res: Res }
  | { kind: 'httpApi'; api: IacApi; defaultAuth?: Authorizer }
  | FnObj
  | { kind: 'role'; role: Role }
  | { kind: 'table'; table: IacTable }
  /** `table.tableName`, `table.tableArn`: stands for the table in a policy's resources. */
  | { kind: 'tableRef'; table: IacTable }
  | { kind: 'authorizer'; auth: Authorizer; authType: string }
  | { kind: 'integration'; fn?: IacFunction }
  | { kind: 'statement'; st: IamStatement; attached: boolean }
  | { kind: 'policy'; statements: Item[]; roles: Role[] }
  | { kind: 'managed'; name: IacString }
  | { kind: 'routeKey'; method: string; path: string }
  | { kind: 'construct'; type: string };

const NULL: V = { t: 'null' };

function unres(text: string): V {
  return { t: 'unres', text: clip(text) };
}

function obj(o: Obj): V {
  return { t: 'obj', o };
}

function str(v: V | undefined): string | undefined {
  return v?.t === 'str' ? v.v : undefined;
}

/** snake_case keyword names meet camelCase properties: `allow_origins` → `allowOrigins`, `with_` → `with`. */
function camel(name: string): string {
  if (!/[a-z]/.test(name) || !name.includes('_') || /^_|^[A-Z0-9_]+$/.test(name)) return name;
  return name.replace(/_+$/, '').replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The CDK submodule a Python or npm module name is (`aws_cdk.aws_lambda_python_alpha` → `aws_lambda_python`), or a tagged other module. */
function cdkModule(raw: string, language: CdkLanguage): string {
  const norm = (m: string): string => m.replace(/-/g, '_').replace(/_alpha$/, '');
  if (language === 'python') {
    if (raw === 'aws_cdk' || raw === 'aws_cdk.core') return 'core';
    if (raw.startsWith('aws_cdk.')) return norm(raw.slice('aws_cdk.'.length).split('.')[0]);
    return `py:${raw}`;
  }
  if (raw === 'aws-cdk-lib' || raw === 'aws-cdk-lib/core' || raw === '@aws-cdk/core') return 'core';
  const m = /^(?:aws-cdk-lib\/|@aws-cdk\/)(aws-[\w-]+)$/.exec(raw);
  if (m) return norm(m[1]);
  return `js:${raw.replace(/^node:/, '')}`;
}

/** The registry key of a symbol; the v2 integration and authorizer modules share the HTTP API family. */
function symKey(s: { mod: string; path: string[] }): string {
  const mod = s.mod.startsWith('aws_apigatewayv2') ? 'aws_apigatewayv2' : s.mod;
  return [mod, ...s.path.map(camel)].join('.');
}

const ALL_METHODS = ['OPTIONS', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD'];
const DEFAULT_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent'];

const CONSTANTS: Record<string, string[]> = {
  'aws_apigateway.Cors.ALL_ORIGINS': ['*'],
  'aws_apigateway.Cors.ALL_METHODS': ALL_METHODS,
  'aws_apigateway.Cors.DEFAULT_HEADERS': DEFAULT_HEADERS,
};

/** Enum members as the strings CDK writes into the template. */
const ENUMS: Record<string, (member: string) => string | undefined> = {
  'aws_apigateway.AuthorizationType': (m) => ({ NONE: 'NONE', IAM: 'AWS_IAM', CUSTOM: 'CUSTOM', COGNITO: 'COGNITO_USER_POOLS' })[m],
  'aws_apigateway.ResponseType': (m) => m,
  'aws_apigatewayv2.CorsHttpMethod': (m) => (m === 'ANY' ? '*' : m),
  'aws_apigatewayv2.HttpMethod': (m) => m,
  'aws_lambda.HttpMethod': (m) => (m === 'ALL' ? '*' : m),
  'aws_lambda.FunctionUrlAuthType': (m) => m,
  'aws_lambda.Runtime': runtimeName,
  'aws_dynamodb.TableEncryption': (m) => m,
  'aws_dynamodb.AttributeType': (m) => m,
  'aws_dynamodb.BillingMode': (m) => m,
  'aws_iam.Effect': (m) => ({ ALLOW: 'Allow', DENY: 'Deny' })[m],
};

/** `Runtime.PYTHON_3_12` → `python3.12`, `NODEJS_20_X` → `nodejs20.x`, `PROVIDED_AL2023` → `provided.al2023`. */
function runtimeName(m: string): string | undefined {
  let r: RegExpExecArray | null;
  if ((r = /^PYTHON_(\d+)_(\d+)$/.exec(m))) return `python${r[1]}.${r[2]}`;
  if ((r = /^NODEJS_(\d+)_X$/.exec(m))) return `nodejs${r[1]}.x`;
  if ((r = /^PROVIDED_(AL\d+)$/.exec(m))) return `provided.${r[1].toLowerCase()}`;
  if (m === 'PROVIDED') return 'provided';
  if ((r = /^JAVA_(\d+)$/.exec(m))) return `java${r[1]}`;
  if ((r = /^DOTNET_(\d+)$/.exec(m))) return `dotnet${r[1]}`;
  if ((r = /^RUBY_(\d+)_(\d+)$/.exec(m))) return `ruby${r[1]}.${r[2]}`;
  if (m === 'GO_1_X') return 'go1.x';
  return undefined;
}

/** CDK Table grants (aws-dynamodb `perms.ts`): the read set, the write set, DescribeTable with both. */
const READ_DATA = ['dynamodb:BatchGetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem'];
const WRITE_DATA = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];
const DESCRIBE = 'dynamodb:DescribeTable';
const GRANTS: Record<string, string[]> = {
  grantReadData: [...READ_DATA, DESCRIBE],
  grantWriteData: [...WRITE_DATA, DESCRIBE],
  grantReadWriteData: [...READ_DATA, ...WRITE_DATA, DESCRIBE],
  grantFullAccess: ['dynamodb:*'],
};


/** Arguments of a call: positional items, and keywords under their camelCase names (raw names kept for local functions). */
interface Args {
  pos: Item[];
  kw: Map<string, Item>;
  raw: Map<string, Item>;
}

/** A construct's or method's props: Python keywords, or the TypeScript object literal at position `n`. */
function propsOf(args: Args, n: number): Map<string, Item> {
  const out = new Map(args.kw);
  const p = args.pos[n]?.v;
  if (p?.t === 'map') for (const e of p.entries) if (!out.has(camel(e.key))) out.set(camel(e.key), e);
  return out;
}

/** An entry of a map value by its camelCase name (the last one written wins). */
function entry(v: V | undefined, name: string): Item | undefined {
  if (v?.t !== 'map') return undefined;
  let found: Item | undefined;
  for (const e of v.entries) if (camel(e.key) === name) found = e;
  return found;
}

function mapProps(v: V | undefined): Map<string, Item> {
  const out = new Map<string, Item>();
  if (v?.t === 'map') for (const e of v.entries) out.set(camel(e.key), e);
  return out;
}

/** A method's argument by position, or by its Python keyword name (`add_environment(key=…, value=…)`). */
function arg(args: Args, i: number, name: string): Item | undefined {
  return args.pos[i] ?? args.kw.get(name);
}

/** Present, and not `None` / `undefined`. */
function given(i: Item | undefined): i is Item {
  return !!i && i.v.t !== 'null';
}

function istr(i: Item): IacString {
  if (i.v.t === 'str') return i.v.v;
  if (i.v.t === 'unres') return { unresolved: i.v.text };
  return { unresolved: clip(i.text) };
}

/** A list of strings: literal items as written, the rest unresolved; a whole list the reader cannot see is one unresolved item. */
function istrs(i: Item | undefined): IacString[] | undefined {
  if (!given(i)) return undefined;
  if (i.v.t === 'list') return i.v.items.map(istr);
  return [istr(i)];
}

/** Only the literal strings of a list (methods, headers). */
function names(i: Item | undefined): string[] | undefined {
  const all = istrs(i);
  return all?.filter((s): s is string => typeof s === 'string');
}

function ibool(i: Item | undefined): boolean | { unresolved: string } | undefined {
  if (!given(i)) return undefined;
  if (i.v.t === 'bool') return i.v.v;
  if (i.v.t === 'unres') return { unresolved: i.v.text };
  return { unresolved: clip(i.text) };
}

function seconds(i: Item | undefined): number | undefined {
  return i?.v.t === 'num' ? i.v.v : undefined;
}

class Budget extends Error {}

/** Statements and calls one file may take; a generated or adversarial file ends as a problem, not a hang. */
const STEP_BUDGET = 1_000_000;
const MAX_CALL_DEPTH = 8;
const MAX_UNROLL = 64;

class Scope {
  readonly vars = new Map<string, V>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): V | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
}

interface Ctx {
  scope: Scope;
  self?: SelfObj;
  /** > 0 inside bodies that may not run. */
  cond: number;
  ret: { value?: V; done: boolean };
  depth: number;
}

interface ClassInfo {
  name: string;
  fields: { name: string; value: Expr }[];
  methods: FuncDef[];
  scope: Scope;
}

/** Names that calls in the program use as callees: `f(…)`, `self.f(…)`, `this.f(…)`. */
function calleeNames(program: Stmt[]): Set<string> {
  const out = new Set<string>();
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.k) {
      case 'call':
        if (e.fn.k === 'name') out.add(e.fn.id);
        else if (e.fn.k === 'attr' && e.fn.obj.k === 'self') out.add(e.fn.name);
        expr(e.fn);
        e.args.forEach(expr);
        e.kwargs.forEach((k) => expr(k.value));
        return;
      case 'list':
        e.items.forEach(expr);
        return;
      case 'map':
        e.entries.forEach((en) => expr(en.value));
        return;
      case 'attr':
        expr(e.obj);
        return;
      case 'index':
        expr(e.obj);
        expr(e.index);
        return;
      case 'tmpl':
        e.parts.forEach(expr);
        return;
      case 'binop':
        expr(e.l);
        expr(e.r);
        return;
      case 'spread':
        expr(e.of);
        return;
      case 'func':
        stmts(e.def.body);
        return;
      default:
        return;
    }
  };
  const stmts = (list: Stmt[]): void => {
    for (const s of list) {
      switch (s.k) {
        case 'assign':
          expr(s.value);
          break;
        case 'expr':
          expr(s.expr);
          break;
        case 'return':
          expr(s.value);
          break;
        case 'def':
          stmts(s.def.body);
          s.def.params.forEach((p) => expr(p.default));
          break;
        case 'class':
          s.fields.forEach((f) => expr(f.value));
          s.methods.forEach((m) => stmts(m.body));
          break;
        case 'branch':
          s.bodies.forEach(stmts);
          break;
        case 'for':
          expr(s.iter);
          stmts(s.body);
          break;
        case 'block':
          stmts(s.body);
          break;
        default:
          break;
      }
    }
  };
  stmts(program);
  return out;
}

// ---- the interpreter --------------------------------------------------------------------------------

class Interpreter {
  private readonly doc: IacDocument;
  private readonly module = new Scope();
  private readonly classes: ClassInfo[] = [];
  private readonly pendingFuncs: { def: FuncDef; scope: Scope; self?: SelfObj }[] = [];
  private readonly invoked = new Set<FuncDef>();
  private readonly ids = new Set<string>();
  private readonly roles: { fn: IacFunction; role: Role }[] = [];
  private readonly restRoutes: { route: IacRoute; res: Res }[] = [];
  private steps = 0;

  constructor(
    private readonly input: ReaderInput,
    private readonly format: IacFormat,
    private readonly language: CdkLanguage,
    private readonly problems: string[],
  ) {
    this.doc = emptyDocument(input.file, format);
  }

  run(program: Stmt[]): void {
    try {
      const ctx: Ctx = { scope: this.module, cond: 0, ret: { done: false }, depth: 0 };
      this.execTop(program, ctx);
      // constructors first (they set the attributes other methods read), then what nothing called:
      // functions no call in the file names before those some call names, so a helper is read with its caller's arguments
      for (const cls of this.classes) {
        const self = this.instance(cls);
        const ctor = cls.methods.find((m) => m.ctor);
        if (ctor) this.standalone(ctor, cls.scope, self);
        for (const m of cls.methods) if (!m.ctor) this.pendingFuncs.push({ def: m, scope: cls.scope, self });
      }
      const called = calleeNames(program);
      for (const roots of [true, false]) {
        for (let i = 0; i < this.pendingFuncs.length; i++) {
          const p = this.pendingFuncs[i];
          if (!this.invoked.has(p.def) && called.has(p.def.name) !== roots) this.standalone(p.def, p.scope, p.self);
        }
      }
    } catch (e) {
      this.problems.push(
        e instanceof Budget
          ? 'stopped reading: the file takes more steps than a CDK app does (generated code?); the model is partial'
          : 'stopped reading: a construct the reader does not follow; the model is partial',
      );
    }
  }

  finish(): IacDocument {
    for (const { fn, role } of this.roles) fn.statements = [...role.statements];
    for (const { route, res } of this.restRoutes) {
      const cors = res.explicitCors ?? res.defaultCors;
      if (cors && cors !== res.api.cors) route.cors = cors;
    }
    return this.doc;
  }

  /** Top-level statements one by one, so one statement the reader trips on does not lose the rest. */
  private execTop(stmts: Stmt[], ctx: Ctx): void {
    for (const s of stmts) {
      try {
        this.exec(s, ctx);
      } catch (e) {
        if (e instanceof Budget) throw e;
        this.problems.push(`could not read the statement at line ${s.line}`);
      }
    }
  }

  private instance(cls: ClassInfo): SelfObj {
    const self: SelfObj = { kind: 'self', attrs: new Map(), methods: new Map(cls.methods.map((m) => [m.name, m])), scope: cls.scope };
    const ctx: Ctx = { scope: cls.scope, self, cond: 0, ret: { done: false }, depth: 0 };
    for (const f of cls.fields) self.attrs.set(f.name, this.eval(f.value, ctx));
    return self;
  }

  /** A function nothing in the file called: its parameters are unknown. */
  private standalone(def: FuncDef, scope: Scope, self?: SelfObj): void {
    this.invoked.add(def);
    const inner = new Scope(scope);
    def.params.forEach((p, i) => {
      if (def.selfParam && i === 0) return;
      for (const n of p.fields ?? [p.name]) if (n) inner.vars.set(n, unres(n));
      if (p.property && self) self.attrs.set(p.name, unres(p.name));
    });
    if (def.selfParam && def.params[0] && def.params[0].name !== 'self' && self) inner.vars.set(def.params[0].name, obj(self));
    this.execTop(def.body, { scope: inner, ...(self ? { self } : {}), cond: 0, ret: { done: false }, depth: 0 });
  }

  private step(): void {
    if (++this.steps > STEP_BUDGET) throw new Budget();
  }

  // ---- statements -----------------------------------------------------------------------------

  private execAll(stmts: Stmt[], ctx: Ctx): void {
    for (const s of stmts) {
      if (ctx.ret.done) return;
      this.exec(s, ctx);
    }
  }

  private exec(s: Stmt, ctx: Ctx): void {
    this.step();
    switch (s.k) {
      case 'import':
        this.importStmt(s, ctx);
        return;
      case 'assign': {
        const v = this.eval(s.value, ctx);
        for (const t of s.targets) this.bind(t, v, s.value.text, ctx);
        return;
      }
      case 'expr':
        this.eval(s.expr, ctx);
        return;
      case 'return': {
        const v = s.value ? this.eval(s.value, ctx) : NULL;
        if (ctx.cond > 0) {
          // a return in a branch: the value is known only when every such return agrees
          if (ctx.ret.value === undefined) ctx.ret.value = v;
          else if (ctx.ret.value !== v) ctx.ret.value = unres(s.value?.text ?? 'return');
        } else {
          if (ctx.ret.value === undefined) ctx.ret.value = v;
          ctx.ret.done = true;
        }
        return;
      }
      case 'def': {
        const fv: V = { t: 'func', def: s.def, scope: ctx.scope, ...(ctx.self ? { self: ctx.self } : {}) };
        ctx.scope.vars.set(s.def.name, fv);
        this.pendingFuncs.push({ def: s.def, scope: ctx.scope, ...(ctx.self ? { self: ctx.self } : {}) });
        return;
      }
      case 'class': {
        this.classes.push({ name: s.name, fields: s.fields, methods: s.methods, scope: ctx.scope });
        ctx.scope.vars.set(s.name, obj({ kind: 'construct', type: `class:${s.name}` }));
        return;
      }
      case 'branch': {
        const inner = { ...ctx, cond: ctx.cond + 1 };
        for (const body of s.bodies) {
          this.execAll(body, inner);
          if (inner.ret.done) return;
        }
        return;
      }
      case 'block':
        this.execAll(s.body, ctx);
        return;
      case 'for': {
        const iter = this.eval(s.iter, ctx);
        if (iter.t === 'list' && iter.items.length <= MAX_UNROLL) {
          for (const it of iter.items) {
            this.bind(s.target, it.v, it.text, ctx, true);
            this.execAll(s.body, ctx);
            if (ctx.ret.done) return;
          }
          return;
        }
        const inner = { ...ctx, cond: ctx.cond + 1 };
        this.bindUnknown(s.target, inner);
        this.execAll(s.body, inner);
        return;
      }
    }
  }

  private importStmt(s: Extract<Stmt, { k: 'import' }>, ctx: Ctx): void {
    if (!s.local) return;
    let v: V;
    if (this.language === 'python') {
      if (s.member === undefined) v = { t: 'sym', mod: cdkModule(s.module, 'python'), path: [] };
      else v = this.attrOfSym({ t: 'sym', mod: cdkModule(s.module, 'python'), path: [] }, s.member);
    } else {
      const mod = cdkModule(s.module, 'typescript');
      if (s.member === undefined || (s.member === 'default' && !mod.startsWith('aws_') && mod !== 'core')) v = { t: 'sym', mod, path: [] };
      else v = this.attrOfSym({ t: 'sym', mod, path: [] }, s.member);
    }
    ctx.scope.vars.set(s.local, v);
  }

  private bind(t: Target, v: V, text: string, ctx: Ctx, force = false): void {
    switch (t.k) {
      case 'name': {
        // rebinding inside a branch that may not run: the value is no longer known
        if (!force && ctx.cond > 0 && ctx.scope.vars.has(t.id)) ctx.scope.vars.set(t.id, unres(t.id));
        else ctx.scope.vars.set(t.id, v);
        return;
      }
      case 'self': {
        if (!ctx.self) return;
        if (!force && ctx.cond > 0 && ctx.self.attrs.has(t.attr)) ctx.self.attrs.set(t.attr, unres(`self.${t.attr}`));
        else ctx.self.attrs.set(t.attr, v);
        return;
      }
      case 'unpack': {
        const items = v.t === 'list' && v.items.length === t.items.length ? v.items : undefined;
        t.items.forEach((sub, i) => this.bind(sub, items ? items[i].v : unres(text), items ? items[i].text : text, ctx, force));
        return;
      }
      default:
        return;
    }
  }

  private bindUnknown(t: Target, ctx: Ctx): void {
    if (t.k === 'name') ctx.scope.vars.set(t.id, unres(t.id));
    else if (t.k === 'unpack') for (const sub of t.items) this.bindUnknown(sub, ctx);
  }

  // ---- expressions ----------------------------------------------------------------------------

  private item(e: Expr, ctx: Ctx): Item {
    return { v: this.eval(e, ctx), at: { line: e.line, col: e.col }, text: e.text };
  }

  private eval(e: Expr, ctx: Ctx): V {
    this.step();
    switch (e.k) {
      case 'str':
        return { t: 'str', v: e.v };
      case 'num':
        return { t: 'num', v: e.v };
      case 'bool':
        return { t: 'bool', v: e.v };
      case 'null':
        return NULL;
      case 'list': {
        const items: Item[] = [];
        for (const x of e.items) {
          if (x.k === 'spread') {
            const inner = this.eval(x.of, ctx);
            if (inner.t === 'list') items.push(...inner.items);
            else items.push({ v: inner.t === 'unres' ? inner : unres(x.of.text), at: x, text: x.of.text });
          } else items.push(this.item(x, ctx));
        }
        return { t: 'list', items };
      }
      case 'map': {
        const entries: Entry[] = [];
        for (const en of e.entries) {
          if (en.spread) {
            const inner = this.eval(en.value, ctx);
            if (inner.t === 'map') entries.push(...inner.entries);
            continue;
          }
          if (en.key === undefined) {
            this.eval(en.value, ctx);
            continue;
          }
          entries.push({ key: en.key, v: this.eval(en.value, ctx), at: en.at, text: en.value.text });
        }
        return { t: 'map', entries };
      }
      case 'name':
        return this.lookup(e.id, ctx);
      case 'self':
        return ctx.self ? obj(ctx.self) : unres(e.text);
      case 'attr':
        return this.attr(this.eval(e.obj, ctx), e.name, e);
      case 'index': {
        const o = this.eval(e.obj, ctx);
        const i = this.eval(e.index, ctx);
        if (o.t === 'map' && i.t === 'str') return [...o.entries].reverse().find((x) => x.key === i.v)?.v ?? unres(e.text);
        if (o.t === 'list' && i.t === 'num') return o.items.at(i.v)?.v ?? unres(e.text);
        return unres(e.text);
      }
      case 'call':
        return this.call(e, ctx);
      case 'tmpl': {
        const parts = e.parts.map((p) => this.eval(p, ctx));
        if (parts.every((p) => p.t === 'str' || p.t === 'num')) return { t: 'str', v: parts.map((p) => String((p as { v: string | number }).v)).join('') };
        // `${__dirname}/../src`
        if (parts[0]?.t === 'path' && parts.slice(1).every((p) => p.t === 'str')) return { t: 'path', p: joinDir(parts[0].p, parts.slice(1).map((p) => (p as { v: string }).v).join('')) };
        return unres(e.text);
      }
      case 'binop': {
        const l = this.eval(e.l, ctx);
        const r = this.eval(e.r, ctx);
        if (e.op === '+') {
          if ((l.t === 'str' || l.t === 'num') && (r.t === 'str' || r.t === 'num') && (l.t === 'str' || r.t === 'str')) return { t: 'str', v: `${l.v}${r.v}` };
          if (l.t === 'num' && r.t === 'num') return { t: 'num', v: l.v + r.v };
          if (l.t === 'list' && r.t === 'list') return { t: 'list', items: [...l.items, ...r.items] };
        }
        if (e.op === '*' && l.t === 'num' && r.t === 'num') return { t: 'num', v: l.v * r.v };
        if (e.op === '/' && l.t === 'path' && r.t === 'str') return { t: 'path', p: joinDir(l.p, r.v) };
        return unres(e.text);
      }
      case 'func':
        return { t: 'func', def: e.def, scope: ctx.scope, ...(ctx.self ? { self: ctx.self } : {}) };
      case 'spread':
        return unres(e.text);
      default:
        return unres(e.text);
    }
  }

  private lookup(name: string, ctx: Ctx): V {
    const v = ctx.scope.lookup(name);
    if (v) return v;
    const file = joinDir(this.input.dir, this.input.file.split(/[\\/]/).pop() ?? '');
    if (this.language === 'python') {
      if (name === '__file__') return { t: 'path', p: file };
      if (['str', 'dict', 'list', 'tuple'].includes(name)) return { t: 'sym', mod: 'py:builtins', path: [name] };
    } else {
      if (name === '__dirname') return { t: 'path', p: this.input.dir };
      if (name === '__filename') return { t: 'path', p: file };
      if (name === 'String') return { t: 'sym', mod: 'js:global', path: [name] };
    }
    return unres(name);
  }

  private attrOfSym(s: Extract<V, { t: 'sym' }>, name: string): V {
    if (s.mod === 'core' && s.path.length === 0) {
      if (/^aws_/.test(name)) return { t: 'sym', mod: cdkModule(`aws_cdk.${name}`, 'python'), path: [] };
      // CDK v1 Python: `from aws_cdk import core`
      if (name === 'core') return s;
    }
    const next = { t: 'sym' as const, mod: s.mod, path: [...s.path, name] };
    const key = symKey(next);
    const constant = CONSTANTS[key];
    if (constant) return { t: 'list', items: constant.map((c) => ({ v: { t: 'str', v: c }, at: { line: 0, col: 0 }, text: c })) };
    if (next.path.length === 2) {
      const en = ENUMS[symKey({ mod: s.mod, path: [s.path[0]] })];
      if (en && /^[A-Z][A-Z0-9_]*$/.test(name)) {
        const value = en(name);
        return value === undefined ? unres(`${s.path[0]}.${name}`) : { t: 'str', v: value };
      }
    }
    return next;
  }

  private attr(o: V, name: string, e: Expr): V {
    switch (o.t) {
      case 'sym':
        return this.attrOfSym(o, name);
      case 'map':
        return entry(o, camel(name))?.v ?? unres(e.text);
      case 'path':
        return name === 'parent' ? { t: 'path', p: joinDir(o.p, '..') } : unres(e.text);
      case 'obj':
        return this.attrOfObj(o.o, name, e);
      default:
        return unres(e.text);
    }
  }

  private attrOfObj(o: Obj, name: string, e: Expr): V {
    const n = camel(name);
    switch (o.kind) {
      case 'self': {
        const a = o.attrs.get(name);
        if (a) return a;
        const m = o.methods.get(name);
        if (m) return { t: 'func', def: m, scope: o.scope, self: o };
        return unres(e.text);
      }
      case 'restApi':
        if (n === 'root') return obj({ kind: 'resource', res: o.root });
        return unres(e.text);
      case 'function':
        if (n === 'role' || n === 'grantPrincipal') return obj({ kind: 'role', role: o.role });
        if (n === 'currentVersion' || n === 'latestVersion') return obj(o);
        return unres(e.text);
      case 'table':
        if (n === 'tableName' || n === 'tableArn') return obj({ kind: 'tableRef', table: o.table });
        return unres(e.text);
      default:
        return unres(e.text);
    }
  }

  private args(e: Extract<Expr, { k: 'call' }>, ctx: Ctx): Args {
    const pos: Item[] = [];
    for (const a of e.args) {
      if (a.k === 'spread') {
        const inner = this.eval(a.of, ctx);
        if (inner.t === 'list') pos.push(...inner.items);
        else pos.push({ v: unres(a.text), at: a, text: a.text });
      } else pos.push(this.item(a, ctx));
    }
    const kw = new Map<string, Item>();
    const raw = new Map<string, Item>();
    for (const k of e.kwargs) {
      if (!k.name) {
        const inner = this.eval(k.value, ctx);
        if (inner.t === 'map') for (const en of inner.entries) (kw.set(camel(en.key), en), raw.set(en.key, en));
        continue;
      }
      const it: Item = { v: this.eval(k.value, ctx), at: k.at, text: k.value.text };
      kw.set(camel(k.name), it);
      raw.set(k.name, it);
    }
    return { pos, kw, raw };
  }

  /** Where a call is cited: the line of the method or class name (`.add_method(` in a chain, `new apigw.RestApi(`). */
  private callAt(e: Extract<Expr, { k: 'call' }>): At {
    return e.fn.k === 'attr' ? e.fn.nameAt : { line: e.line, col: e.col };
  }

  private call(e: Extract<Expr, { k: 'call' }>, ctx: Ctx): V {
    if (e.fn.k === 'attr') {
      const recv = this.eval(e.fn.obj, ctx);
      const args = this.args(e, ctx);
      if (recv.t === 'sym') return this.callSym(this.attrOfSym(recv, e.fn.name), args, e);
      if (recv.t === 'obj') {
        if (recv.o.kind === 'self') {
          const f = this.attrOfObj(recv.o, e.fn.name, e);
          return f.t === 'func' ? this.invoke(f, args, ctx) : unres(e.text);
        }
        return this.method(recv.o, camel(e.fn.name), args, e) ?? unres(e.text);
      }
      if (recv.t === 'path') {
        if (e.fn.name === 'joinpath') return { t: 'path', p: args.pos.reduce((p, a) => (a.v.t === 'str' ? joinDir(p, a.v.v) : p), recv.p) };
        if (e.fn.name === 'resolve' || e.fn.name === 'absolute') return recv;
        return unres(e.text);
      }
      if (recv.t === 'map') {
        if (e.fn.name === 'items') return { t: 'list', items: recv.entries.map((en) => ({ v: { t: 'list', items: [{ v: { t: 'str', v: en.key }, at: en.at, text: en.key }, en] }, at: en.at, text: en.text })) };
        if (e.fn.name === 'keys') return { t: 'list', items: recv.entries.map((en) => ({ v: { t: 'str', v: en.key }, at: en.at, text: en.key })) };
        if (e.fn.name === 'values') return { t: 'list', items: recv.entries };
      }
      return unres(e.text);
    }
    const f = this.eval(e.fn, ctx);
    const args = this.args(e, ctx);
    if (f.t === 'sym') return this.callSym(f, args, e);
    if (f.t === 'func') return this.invoke(f, args, ctx);
    if (f.t === 'obj' && f.o.kind === 'construct') return obj({ kind: 'construct', type: f.o.type });
    return unres(e.text);
  }

  /** A local function or method, inlined: its constructs are read with the arguments of this call. */
  private invoke(f: Extract<V, { t: 'func' }>, args: Args, ctx: Ctx): V {
    if (ctx.depth >= MAX_CALL_DEPTH) return unres(f.def.name);
    this.invoked.add(f.def);
    const inner = new Scope(f.scope);
    const self = f.self ?? ctx.self;
    const params = f.def.selfParam ? f.def.params.slice(1) : f.def.params;
    if (f.def.selfParam && f.def.params[0] && f.def.params[0].name !== 'self' && self) inner.vars.set(f.def.params[0].name, obj(self));
    const callCtx: Ctx = { scope: inner, ...(self ? { self } : {}), cond: 0, ret: { done: false }, depth: ctx.depth + 1 };
    let i = 0;
    const usedKw = new Set<string>();
    for (const p of params) {
      if (p.kind === 'rest') {
        inner.vars.set(p.name, { t: 'list', items: args.pos.slice(i) });
        i = args.pos.length;
        continue;
      }
      if (p.kind === 'kwrest') {
        inner.vars.set(p.name, { t: 'map', entries: [...args.raw].filter(([k]) => !usedKw.has(k)).map(([key, it]) => ({ key, ...it })) });
        continue;
      }
      let value: V | undefined;
      if (p.kind === 'pos' && i < args.pos.length) value = args.pos[i++].v;
      else if (p.name && args.raw.has(p.name)) {
        value = args.raw.get(p.name)!.v;
        usedKw.add(p.name);
      }
      if (p.fields) {
        const src = value ?? (p.default ? this.eval(p.default, callCtx) : undefined);
        for (const n of p.fields) inner.vars.set(n, entry(src, n)?.v ?? unres(n));
        continue;
      }
      if (value === undefined) value = p.default ? this.eval(p.default, callCtx) : unres(p.name);
      inner.vars.set(p.name, value);
      if (p.property && self) self.attrs.set(p.name, value);
    }
    this.execAll(f.def.body, callCtx);
    return callCtx.ret.value ?? NULL;
  }

  // ---- places and ids -------------------------------------------------------------------------

  private place(at: At, path: string): Place {
    return placeAt(this.input, at.line, path, at.col);
  }

  /** Where each origin of a literal list is written (a module constant's items where the constant is). */
  private originPlaces(o: Item | undefined, path: string, fallback: Place): { originPlaces?: Place[] } {
    if (o?.v.t !== 'list') return {};
    return { originPlaces: o.v.items.map((it, i) => (it.at.line > 0 ? this.place(it.at, `${path}[${i}]`) : fallback)) };
  }

  private uniqueId(name: string): string {
    let id = `${this.input.file}#${name}`;
    for (let n = 2; this.ids.has(id); n++) id = `${this.input.file}#${name}~${n}`;
    this.ids.add(id);
    return id;
  }

  /** A construct id as written (`"ProfilesApi"`), or the expression when it is computed. */
  private constructName(i: Item | undefined): string {
    if (!i) return '?';
    return i.v.t === 'str' ? i.v.v : clip(i.text);
  }

  // ---- CDK classes and static methods ---------------------------------------------------------

  private callSym(f: V, args: Args, e: Extract<Expr, { k: 'call' }>): V {
    if (f.t !== 'sym') return unres(e.text);
    const key = symKey(f);
    const at = this.callAt(e);
    const handled = this.construct(key, args, at, e);
    if (handled) return handled;
    const last = f.path.at(-1) ?? '';
    if (f.mod.startsWith('py:') || f.mod.startsWith('js:')) return this.library(key, args, e);
    if (/^[A-Z]/.test(last) && f.path.length === 1) {
      // a props struct written as a Python call (`CorsOptions(allow_origins=…)`), else a construct the model does not hold
      if (this.language === 'python' && args.pos.length === 0) return { t: 'map', entries: [...args.raw].map(([k, it]) => ({ key: k, ...it })) };
      return obj({ kind: 'construct', type: key });
    }
    return unres(e.text);
  }

  /** `os.path.join`, `Path(__file__).parent`, `path.join(__dirname, …)`, `str(…)`. */
  private library(key: string, args: Args, e: Expr): V {
    const paths = (): V => {
      if (args.pos.length && args.pos.every((a) => a.v.t === 'str')) return { t: 'str', v: args.pos.map((a) => str(a.v)!).join('/') };
      let p: string | undefined;
      for (const a of args.pos) {
        if (a.v.t === 'path') p = a.v.p;
        else if (a.v.t === 'str' && p !== undefined && !a.v.v.startsWith('/')) p = joinDir(p, a.v.v);
        else return unres(e.text);
      }
      return p === undefined ? unres(e.text) : { t: 'path', p };
    };
    switch (key) {
      case 'py:os.path.join':
      case 'js:path.join':
      case 'js:path.resolve':
        return paths();
      case 'py:os.path.dirname':
      case 'js:path.dirname': {
        const a = args.pos[0]?.v;
        return a?.t === 'path' ? { t: 'path', p: joinDir(a.p, '..') } : unres(e.text);
      }
      case 'py:os.path.abspath':
      case 'py:os.path.realpath':
      case 'py:os.path.normpath':
      case 'js:path.normalize':
      case 'py:pathlib.Path':
      case 'py:pathlib.PurePath':
        return args.pos[0]?.v.t === 'path' ? args.pos[0].v : unres(e.text);
      case 'py:builtins.str':
      case 'js:global.String': {
        const a = args.pos[0]?.v;
        return a && (a.t === 'str' || a.t === 'path') ? a : a?.t === 'num' ? { t: 'str', v: String(a.v) } : unres(e.text);
      }
      case 'py:builtins.list':
      case 'py:builtins.tuple':
        return args.pos[0]?.v.t === 'list' ? args.pos[0].v : unres(e.text);
      case 'py:builtins.dict':
        return { t: 'map', entries: [...(args.pos[0]?.v.t === 'map' ? args.pos[0].v.entries : []), ...[...args.raw].map(([k, it]) => ({ key: k, ...it }))] };
      default:
        return unres(e.text);
    }
  }

  private construct(key: string, args: Args, at: At, e: Expr): V | undefined {
    switch (key) {
      // API Gateway REST
      case 'aws_apigateway.RestApi':
        return this.restApi(args, at, false);
      case 'aws_apigateway.LambdaRestApi':
        return this.restApi(args, at, true);
      case 'aws_apigateway.LambdaIntegration':
        return obj({ kind: 'integration', ...this.fnOf(args.pos[0] ?? args.kw.get('handler')) });
      case 'aws_apigateway.MockIntegration':
      case 'aws_apigateway.HttpIntegration':
      case 'aws_apigateway.AwsIntegration':
        return obj({ kind: 'integration' });
      case 'aws_apigateway.CognitoUserPoolsAuthorizer':
        return this.restAuthorizer(args, at, 'cognito');
      case 'aws_apigateway.TokenAuthorizer':
        return this.restAuthorizer(args, at, 'token');
      case 'aws_apigateway.RequestAuthorizer':
        return this.restAuthorizer(args, at, 'request');
      case 'aws_apigateway.GatewayResponse': {
        const props = propsOf(args, 2);
        const api = props.get('restApi')?.v;
        if (api?.t === 'obj' && api.o.kind === 'restApi') this.gatewayResponse(api.o.api, this.constructName(args.pos[1]), props, at);
        return obj({ kind: 'construct', type: key });
      }
      case 'aws_apigateway.Resource':
      case 'aws_apigateway.ProxyResource': {
        const props = propsOf(args, 2);
        const parent = this.resOf(props.get('parent')?.v);
        if (!parent) return obj({ kind: 'construct', type: key });
        if (key.endsWith('ProxyResource')) return obj({ kind: 'resource', res: this.addProxy(parent, props, at) });
        const part = props.get('pathPart');
        return obj({ kind: 'resource', res: this.addResource(parent, part ? this.pathPart(part) : '?', props) });
      }
      case 'aws_apigateway.IdentitySource.header':
      case 'aws_apigateway.IdentitySource.queryString':
      case 'aws_apigateway.IdentitySource.context':
      case 'aws_apigateway.IdentitySource.stageVariable': {
        const name = str(args.pos[0]?.v);
        if (name === undefined) return unres(e.text);
        const prefix = { header: 'method.request.header.', queryString: 'method.request.querystring.', context: 'context.', stageVariable: 'stageVariables.' }[key.split('.').pop()!];
        return { t: 'str', v: `${prefix}${name}` };
      }
      case 'aws_apigateway.ResponseType.of':
        return args.pos[0]?.v.t === 'str' ? args.pos[0].v : unres(e.text);

      // API Gateway HTTP (v2)
      case 'aws_apigatewayv2.HttpApi':
        return this.httpApi(args, at);
      case 'aws_apigatewayv2.HttpRoute': {
        const props = propsOf(args, 2);
        const api = props.get('httpApi')?.v;
        const rk = props.get('routeKey')?.v;
        if (api?.t === 'obj' && api.o.kind === 'httpApi' && rk?.t === 'obj' && rk.o.kind === 'routeKey') {
          this.httpRoute(api.o, rk.o.method, rk.o.path, props, at);
        }
        return obj({ kind: 'construct', type: key });
      }
      case 'aws_apigatewayv2.HttpRouteKey.with': {
        const path = args.pos[0] ? this.pathText(args.pos[0]) : '?';
        const m = str(args.pos[1]?.v) ?? 'ANY';
        return obj({ kind: 'routeKey', method: m, path });
      }
      case 'aws_apigatewayv2.HttpLambdaIntegration':
        // (id, handler, props); early alpha versions took the handler first
        return obj({ kind: 'integration', ...this.fnOf(args.pos[0]?.v.t === 'str' ? args.pos[1] : args.pos[0] ?? args.kw.get('handler')) });
      case 'aws_apigatewayv2.LambdaProxyIntegration':
        return obj({ kind: 'integration', ...this.fnOf(propsOf(args, 0).get('handler')) });
      case 'aws_apigatewayv2.HttpUrlIntegration':
      case 'aws_apigatewayv2.HttpAlbIntegration':
      case 'aws_apigatewayv2.HttpNlbIntegration':
        return obj({ kind: 'integration' });
      case 'aws_apigatewayv2.HttpJwtAuthorizer':
      case 'aws_apigatewayv2.HttpUserPoolAuthorizer':
      case 'aws_apigatewayv2.HttpLambdaAuthorizer':
      case 'aws_apigatewayv2.HttpIamAuthorizer':
      case 'aws_apigatewayv2.HttpNoneAuthorizer':
        return this.httpAuthorizer(key.split('.')[1], args, at);

      // Lambda
      case 'aws_lambda.Function':
      case 'aws_lambda.SingletonFunction':
        return this.lambdaFunction(args, at, 'function');
      case 'aws_lambda.DockerImageFunction':
        return this.lambdaFunction(args, at, 'docker');
      case 'aws_lambda_python.PythonFunction':
        return this.lambdaFunction(args, at, 'python');
      case 'aws_lambda_nodejs.NodejsFunction':
        return this.lambdaFunction(args, at, 'nodejs');
      case 'aws_lambda.FunctionUrl': {
        const props = propsOf(args, 2);
        const fn = props.get('function')?.v;
        if (fn?.t === 'obj' && fn.o.kind === 'function') this.functionUrl(fn.o, props, at, `${this.constructName(args.pos[1])}`);
        return obj({ kind: 'construct', type: key });
      }
      case 'aws_lambda.Code.fromAsset':
      case 'aws_lambda.DockerImageCode.fromImageAsset':
      case 'aws_lambda.Code.fromDockerBuild': {
        const dir = this.dirOf(arg(args, 0, 'path'));
        return { t: 'code', ...(dir !== undefined ? { dir } : {}) };
      }
      case 'aws_lambda.Runtime':
        return args.pos[0]?.v.t === 'str' ? args.pos[0].v : unres(e.text);

      // DynamoDB
      case 'aws_dynamodb.Table':
      case 'aws_dynamodb.TableV2':
        return this.table(args, at);
      case 'aws_dynamodb.TableEncryptionV2.awsManagedKey':
      case 'aws_dynamodb.TableEncryptionV2.customerManagedKey':
        return { t: 'bool', v: true };
      case 'aws_dynamodb.TableEncryptionV2.dynamoOwnedKey':
        return { t: 'bool', v: false };

      // IAM
      case 'aws_iam.PolicyStatement':
        return this.policyStatement(propsOf(args, 0), at);
      case 'aws_iam.Role':
        return this.role(args);
      case 'aws_iam.Policy':
      case 'aws_iam.ManagedPolicy':
      case 'aws_iam.PolicyDocument': {
        const props = propsOf(args, key.endsWith('PolicyDocument') ? 0 : 2);
        const statements = props.get('statements')?.v;
        const p: Obj = { kind: 'policy', statements: statements?.t === 'list' ? [...statements.items] : [], roles: [] };
        const roles = props.get('roles')?.v;
        if (roles?.t === 'list') for (const r of roles.items) this.attachPolicy(p, this.roleOf(r.v), `${this.constructName(args.pos[1])}.roles`);
        return obj(p);
      }
      case 'aws_iam.ManagedPolicy.fromAwsManagedPolicyName': {
        const n = args.pos[0] ? istr(args.pos[0]) : { unresolved: e.text };
        return obj({ kind: 'managed', name: typeof n === 'string' ? n.replace(/^service-role\//, '') : n });
      }
      case 'aws_iam.ManagedPolicy.fromManagedPolicyArn': {
        const arn = args.pos[2] ? istr(args.pos[2]) : { unresolved: e.text };
        return obj({ kind: 'managed', name: typeof arn === 'string' ? arn.replace(/^arn:aws[\w-]*:iam::aws:policy\/(service-role\/)?/, '') : arn });
      }

      // core
      case 'core.Duration.seconds':
      case 'core.Duration.minutes':
      case 'core.Duration.hours':
      case 'core.Duration.days': {
        const n = args.pos[0]?.v;
        const unit = { seconds: 1, minutes: 60, hours: 3600, days: 86400 }[key.split('.').pop()!]!;
        return n?.t === 'num' ? { t: 'num', v: n.v * unit } : unres(e.text);
      }
      default:
        return undefined;
    }
  }

  /** Methods of the objects the model follows; undefined when the reader does not model the method. */
  private method(o: Obj, name: string, args: Args, e: Extract<Expr, { k: 'call' }>): V | undefined {
    const at = this.callAt(e);
    switch (o.kind) {
      case 'restApi':
        if (name === 'addGatewayResponse') {
          this.gatewayResponse(o.api, this.constructName(args.pos[0]), propsOf(args, 1), at);
          return obj({ kind: 'construct', type: 'GatewayResponse' });
        }
        return this.resourceMethod(o.root, name, args, at);
      case 'resource':
        return this.resourceMethod(o.res, name, args, at);
      case 'httpApi':
        if (name === 'addRoutes') {
          const props = propsOf(args, 0);
          const path = props.get('path');
          const methods = props.get('methods');
          const list = methods?.v.t === 'list' ? methods.v.items.map((m) => str(m.v) ?? '?') : ['ANY'];
          for (const m of list) this.httpRoute(o, m, path ? this.pathText(path) : '?', props, at);
          return { t: 'list', items: [] };
        }
        return undefined;
      case 'function':
        switch (name) {
          case 'addFunctionUrl':
            this.functionUrl(o, propsOf(args, 0), at, `${o.fn.name}.addFunctionUrl`);
            return obj({ kind: 'construct', type: 'FunctionUrl' });
          case 'addToRolePolicy':
            this.attachStatement(o.role, arg(args, 0, 'statement')?.v, `${o.fn.name}.addToRolePolicy`);
            return NULL;
          case 'addEnvironment': {
            const k = str(arg(args, 0, 'key')?.v);
            if (k !== undefined) {
              const value = str(arg(args, 1, 'value')?.v);
              this.setEnv(o.fn, { name: k, ...(value !== undefined ? { value } : {}), at: this.place(at, `${o.fn.name}.environment.${k}`) });
            }
            return obj(o);
          }
          case 'addAlias':
            return obj(o);
          default:
            return undefined;
        }
      case 'role':
        switch (name) {
          case 'addManagedPolicy':
            this.managedPolicy(o.role, arg(args, 0, 'policy'), at, `${o.role.name}.addManagedPolicy`);
            return NULL;
          case 'addToPolicy':
          case 'addToPrincipalPolicy':
            this.attachStatement(o.role, arg(args, 0, 'statement')?.v, `${o.role.name}.${name}`);
            return NULL;
          case 'attachInlinePolicy': {
            const p = arg(args, 0, 'policy')?.v;
            if (p?.t === 'obj' && p.o.kind === 'policy') this.attachPolicy(p.o, o.role, `${o.role.name}.attachInlinePolicy`);
            return NULL;
          }
          default:
            return undefined;
        }
      case 'policy':
        if (name === 'attachToRole') {
          this.attachPolicy(o, this.roleOf(arg(args, 0, 'role')?.v), 'attachToRole');
          return NULL;
        }
        if (name === 'addStatements') {
          o.statements.push(...args.pos);
          for (const r of o.roles) for (const s of args.pos) this.attachStatement(r, s.v, `${r.name}.addStatements`);
          return NULL;
        }
        return undefined;
      case 'statement':
        switch (name) {
          case 'addActions':
            o.st.actions.push(...args.pos.map(istr));
            return NULL;
          case 'addResources':
            o.st.resources.push(...args.pos.map((r) => this.resource(r)));
            return NULL;
          case 'addAllResources':
            o.st.resources.push('*');
            return NULL;
          case 'addCondition': {
            const op = str(arg(args, 0, 'key')?.v);
            const k = arg(args, 1, 'value')?.v;
            if (op !== undefined && k?.t === 'map') this.addConditions(o.st, { t: 'map', entries: [{ key: op, v: k, at, text: '' }] });
            return NULL;
          }
          default:
            return undefined;
        }
      case 'table': {
        const actions = GRANTS[name];
        if (!actions && name !== 'grant') return undefined;
        const granteeArg = arg(args, 0, 'grantee');
        const role = this.roleOf(granteeArg?.v);
        const tableName = o.table.id.slice(o.table.id.indexOf('#') + 1);
        const grantee = granteeArg ? this.granteeName(granteeArg) : '?';
        const st: IamStatement = {
          effect: 'Allow',
          actions: actions ? [...actions] : args.pos.slice(1).map(istr),
          resources: [o.table.id],
          conditions: {},
          ...(actions ? { template: name } : {}),
          table: o.table.id,
          at: this.place(at, `${tableName}.${name}(${grantee})`),
        };
        if (role) role.statements.push(st);
        return obj({ kind: 'construct', type: 'Grant' });
      }
      default:
        return undefined;
    }
  }

  // ---- REST APIs ------------------------------------------------------------------------------

  private restApi(args: Args, at: At, lambda: boolean): V {
    const name = this.constructName(args.pos[1]);
    const props = propsOf(args, 2);
    const api: IacApi = { id: this.uniqueId(name), name, kind: 'rest', format: this.format, gatewayResponses: [], at: this.place(at, name) };
    const corsOpts = props.get('defaultCorsPreflightOptions');
    if (given(corsOpts)) {
      api.cors = this.restCors(corsOpts, `${name}.defaultCorsPreflightOptions`);
      // CDK forces the generated OPTIONS methods to AuthorizationType.NONE
      api.authorizerOnPreflight = false;
    }
    const methodDefaults = mapProps(props.get('defaultMethodOptions')?.v);
    let defaultIntegration = props.get('defaultIntegration')?.v;
    if (lambda) defaultIntegration = obj({ kind: 'integration', ...this.fnOf(props.get('handler')) });
    const root: Res = { api, path: '/', children: new Map(), ...(defaultIntegration ? { defaultIntegration } : {}), methodDefaults, ...(api.cors ? { defaultCors: api.cors } : {}), proxy: false, methods: new Set() };
    const apiObj: RestApiObj = { kind: 'restApi', api, root };
    const def = this.authorizerFor(new Map(), methodDefaults);
    if (def.kind !== 'none') api.defaultAuthorizer = def;
    this.doc.apis.push(api);
    const proxy = props.get('proxy')?.v;
    if (lambda && !(proxy?.t === 'bool' && !proxy.v)) this.addProxy(root, new Map(), at);
    return obj(apiObj);
  }

  private resourceMethod(res: Res, name: string, args: Args, at: At): V | undefined {
    switch (name) {
      case 'addResource': {
        const part = args.pos[0] ?? args.kw.get('pathPart');
        return obj({ kind: 'resource', res: this.addResource(res, part ? this.pathPart(part) : '?', propsOf(args, 1)) });
      }
      case 'addMethod': {
        const method = (str((args.pos[0] ?? args.kw.get('httpMethod'))?.v) ?? '?').toUpperCase();
        const integration = (args.pos[1] ?? args.kw.get('integration') ?? args.kw.get('target'))?.v;
        this.addMethod(res, method, given(args.pos[1] ?? args.kw.get('integration')) ? integration : undefined, propsOf(args, 2), at);
        return obj({ kind: 'construct', type: 'Method' });
      }
      case 'addProxy':
        return obj({ kind: 'resource', res: this.addProxy(res, propsOf(args, 0), at) });
      case 'addCorsPreflight': {
        const opts: Item = { v: { t: 'map', entries: [...propsOf(args, 0)].map(([key, it]) => ({ key, ...it })) }, at, text: '' };
        res.explicitCors = this.restCors(opts, `${res.api.name}${res.path === '/' ? '' : res.path}.addCorsPreflight`);
        return obj({ kind: 'construct', type: 'Method' });
      }
      case 'resourceForPath': {
        const p = str(args.pos[0]?.v);
        if (p === undefined) return undefined;
        let cur = res;
        for (const part of p.split('/').filter(Boolean)) cur = cur.children.get(part) ?? this.addResource(cur, part, new Map());
        return obj({ kind: 'resource', res: cur });
      }
      case 'getResource': {
        const child = res.children.get(str(args.pos[0]?.v) ?? '');
        return child ? obj({ kind: 'resource', res: child }) : NULL;
      }
      default:
        return undefined;
    }
  }

  private pathPart(i: Item): string {
    return i.v.t === 'str' ? i.v.v : `<${clip(i.v.t === 'unres' ? i.v.text : i.text)}>`;
  }

  /** An HTTP API route path; a computed one keeps its expression in angle brackets. */
  private pathText(i: Item): string {
    return i.v.t === 'str' ? i.v.v : `<${clip(i.v.t === 'unres' ? i.v.text : i.text)}>`;
  }

  private addResource(parent: Res, part: string, opts: Map<string, Item>, proxy = false): Res {
    const path = `${parent.path === '/' ? '' : parent.path}/${part}`;
    const ownCors = proxy ? undefined : opts.get('defaultCorsPreflightOptions');
    const integration = opts.get('defaultIntegration')?.v;
    const res: Res = {
      api: parent.api,
      path,
      parent,
      children: new Map(),
      ...(given(opts.get('defaultIntegration')) ? { defaultIntegration: integration } : parent.defaultIntegration ? { defaultIntegration: parent.defaultIntegration } : {}),
      methodDefaults: new Map([...parent.methodDefaults, ...mapProps(opts.get('defaultMethodOptions')?.v)]),
      proxy,
      methods: new Set(),
    };
    const cors = given(ownCors) ? this.restCors(ownCors, `${parent.api.name}${path}.defaultCorsPreflightOptions`) : parent.defaultCors;
    if (cors) res.defaultCors = cors;
    parent.children.set(part, res);
    return res;
  }

  /** `{proxy+}` with an ANY method (unless `anyMethod: false`); under the root the method is added to the root too. */
  private addProxy(parent: Res, opts: Map<string, Item>, at: At): Res {
    const res = this.addResource(parent, '{proxy+}', opts, true);
    const any = opts.get('anyMethod')?.v;
    if (!(any?.t === 'bool' && !any.v)) this.addMethod(res, 'ANY', undefined, new Map(), at);
    return res;
  }

  private addMethod(res: Res, method: string, integration: V | undefined, opts: Map<string, Item>, at: At): void {
    const api = res.api;
    const integ = integration ?? res.defaultIntegration;
    const fn = integ?.t === 'obj' && integ.o.kind === 'integration' ? integ.o.fn : undefined;
    const route: IacRoute = {
      api: api.id,
      method,
      path: res.path,
      ...(fn ? { function: fn.id } : {}),
      authorizer: this.authorizerFor(opts, res.methodDefaults),
      at: this.place(at, `${api.name} ${method} ${res.path}`),
    };
    this.doc.routes.push(route);
    this.restRoutes.push({ route, res });
    res.methods.add(method);
    if (res.proxy && res.parent?.path === '/' && !res.parent.methods.has(method)) this.addMethod(res.parent, method, integration, opts, at);
  }

  /** The authorizer CDK's Method resolves from its options and the resource's defaults (aws-apigateway `method.ts`). */
  private authorizerFor(opts: Map<string, Item>, defaults: Map<string, Item>): Authorizer {
    const optType = opts.get('authorizationType');
    const optAuth = opts.get('authorizer');
    const explicitNone = optType?.v.t === 'str' && optType.v.v === 'NONE' && !given(optAuth);
    const auth = explicitNone ? undefined : given(optAuth) ? optAuth : defaults.get('authorizer');
    const typeItem = given(optType) ? optType : defaults.get('authorizationType');
    const apiKey = opts.get('apiKeyRequired') ?? defaults.get('apiKeyRequired');
    if (given(auth)) {
      if (auth.v.t === 'obj' && auth.v.o.kind === 'authorizer') return auth.v.o.auth;
      return { kind: typeItem ? this.kindOfType(str(typeItem.v)) : 'unknown' };
    }
    const type = typeItem ? str(typeItem.v) : 'NONE';
    if (type === 'NONE') return apiKey?.v.t === 'bool' && apiKey.v.v ? { kind: 'api-key' } : { kind: 'none' };
    return { kind: this.kindOfType(type) };
  }

  private kindOfType(type: string | undefined): Authorizer['kind'] {
    switch (type) {
      case 'AWS_IAM':
        return 'iam';
      case 'COGNITO_USER_POOLS':
        return 'cognito';
      case 'CUSTOM':
        return 'lambda';
      case 'NONE':
        return 'none';
      default:
        return 'unknown';
    }
  }

  private restAuthorizer(args: Args, at: At, kind: 'cognito' | 'token' | 'request'): V {
    const name = this.constructName(args.pos[1]);
    const props = propsOf(args, 2);
    let sources: string[] | undefined;
    if (kind === 'request') sources = names(props.get('identitySources'));
    else {
      const s = props.get('identitySource');
      // CDK's default for both: IdentitySource.header('Authorization')
      sources = given(s) ? names(s) : ['method.request.header.Authorization'];
    }
    const auth: Authorizer = { kind: kind === 'cognito' ? 'cognito' : 'lambda', name, ...(sources?.length ? { identitySource: sources } : {}), at: this.place(at, name) };
    return obj({ kind: 'authorizer', auth, authType: kind === 'cognito' ? 'COGNITO_USER_POOLS' : 'CUSTOM' });
  }

  /** CORS of a REST API or resource: a MOCK OPTIONS method; the Lambda proxy sets the actual response's headers. */
  private restCors(opts: Item, path: string): CorsConfig {
    if (opts.v.t !== 'map') {
      const u = { unresolved: opts.v.t === 'unres' ? opts.v.text : clip(opts.text) };
      return { origins: [u], credentials: u, preflight: 'mock', actual: 'function', matching: 'exact', at: this.place(opts.at, `${path}.allowOrigins`) };
    }
    const o = entry(opts.v, 'allowOrigins');
    const origins = istrs(o) ?? [];
    let methods = names(entry(opts.v, 'allowMethods')) ?? ALL_METHODS;
    if (methods.includes('ANY')) methods = ALL_METHODS;
    const expose = names(entry(opts.v, 'exposeHeaders'));
    const maxAge = seconds(entry(opts.v, 'maxAge'));
    const at = this.place(o?.at ?? opts.at, `${path}.allowOrigins`);
    return {
      origins,
      ...this.originPlaces(o, `${path}.allowOrigins`, at),
      credentials: ibool(entry(opts.v, 'allowCredentials')) ?? false,
      methods: [...methods],
      headers: [...(names(entry(opts.v, 'allowHeaders')) ?? DEFAULT_HEADERS)],
      ...(expose ? { exposeHeaders: expose } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
      preflight: 'mock',
      actual: 'function',
      // the first origin is the static header; the others are matched by equality in the response template
      matching: o?.v.t === 'list' && origins.length === 1 ? 'static' : 'exact',
      at,
    };
  }

  private gatewayResponse(api: IacApi, name: string, props: Map<string, Item>, at: At): void {
    const headers: Record<string, IacString> = {};
    const h = props.get('responseHeaders')?.v;
    if (h?.t === 'map') {
      for (const en of h.entries) {
        const v = istr(en);
        headers[en.key] = typeof v === 'string' ? unquoteGateway(v) : v;
      }
    }
    const type = props.get('type');
    api.gatewayResponses.push({ type: type ? str(type.v) ?? '?' : '?', headers, at: this.place(at, `${api.name}.gatewayResponses.${name}`) });
  }

  private resOf(v: V | undefined): Res | undefined {
    if (v?.t !== 'obj') return undefined;
    if (v.o.kind === 'resource') return v.o.res;
    if (v.o.kind === 'restApi') return v.o.root;
    return undefined;
  }

  // ---- HTTP APIs ------------------------------------------------------------------------------

  private httpApi(args: Args, at: At): V {
    const name = this.constructName(args.pos[1]);
    const props = propsOf(args, 2);
    const api: IacApi = { id: this.uniqueId(name), name, kind: 'http', format: this.format, gatewayResponses: [], at: this.place(at, name) };
    const cors = props.get('corsPreflight');
    if (given(cors)) api.cors = this.gatewayCors(cors, `${name}.corsPreflight`, 'allowOrigins', ['allowMethods', 'allowHeaders', 'exposeHeaders']);
    const defAuth = this.authOf(props.get('defaultAuthorizer'));
    if (defAuth && defAuth.kind !== 'none') api.defaultAuthorizer = defAuth;
    this.doc.apis.push(api);
    const o: Extract<Obj, { kind: 'httpApi' }> = { kind: 'httpApi', api, ...(defAuth ? { defaultAuth: defAuth } : {}) };
    if (given(props.get('defaultIntegration'))) this.httpRoute(o, 'ANY', '$default', new Map([['integration', props.get('defaultIntegration')!]]), at);
    return obj(o);
  }

  private httpRoute(api: Extract<Obj, { kind: 'httpApi' }>, method: string, path: string, props: Map<string, Item>, at: At): void {
    const integ = props.get('integration')?.v;
    const fn = integ?.t === 'obj' && integ.o.kind === 'integration' ? integ.o.fn : undefined;
    const authorizer = this.authOf(props.get('authorizer')) ?? api.defaultAuth ?? { kind: 'none' };
    this.doc.routes.push({ api: api.api.id, method, path, ...(fn ? { function: fn.id } : {}), authorizer, at: this.place(at, `${api.api.name} ${method} ${path}`) });
  }

  private authOf(i: Item | undefined): Authorizer | undefined {
    if (!given(i)) return undefined;
    if (i.v.t === 'obj' && i.v.o.kind === 'authorizer') return i.v.o.auth;
    return { kind: 'unknown' };
  }

  private httpAuthorizer(cls: string, args: Args, at: At): V {
    // current CDK: (id, issuer | pool | handler, props); older alpha versions took props only
    const first = args.pos[0];
    const name = first && first.v.t === 'str' ? first.v.v : cls;
    const props = propsOf(args, first?.v.t === 'str' ? 2 : 0);
    const place = this.place(at, name);
    const sources = (): { identitySource?: string[] } => {
      const s = props.get('identitySource');
      const list = given(s) ? names(s) : ['$request.header.Authorization'];
      return list?.length ? { identitySource: list } : {};
    };
    let auth: Authorizer;
    switch (cls) {
      case 'HttpJwtAuthorizer': {
        const issuer = first?.v.t === 'str' ? args.pos[1] : props.get('jwtIssuer');
        const cognito = issuer?.v.t === 'str' && /cognito-idp\./.test(issuer.v.v);
        auth = { kind: cognito ? 'cognito' : 'jwt', name, ...sources(), at: place };
        break;
      }
      case 'HttpUserPoolAuthorizer':
        // a JWT authorizer whose issuer is the user pool
        auth = { kind: 'cognito', name, ...sources(), at: place };
        break;
      case 'HttpLambdaAuthorizer':
        auth = { kind: 'lambda', name, ...sources(), at: place };
        break;
      case 'HttpIamAuthorizer':
        auth = { kind: 'iam', at: place };
        break;
      default:
        auth = { kind: 'none', at: place };
    }
    return obj({ kind: 'authorizer', auth, authType: auth.kind });
  }

  /** HTTP API and function URL CORS: the gateway (or the URL) answers preflights and sets the actual response's headers. */
  private gatewayCors(opts: Item, path: string, originsKey: string, lists: [string, string, string]): CorsConfig {
    if (opts.v.t !== 'map') {
      const u = { unresolved: opts.v.t === 'unres' ? opts.v.text : clip(opts.text) };
      return { origins: [u], credentials: u, preflight: 'gateway', actual: 'gateway', matching: 'exact', at: this.place(opts.at, `${path}.${originsKey}`) };
    }
    const o = entry(opts.v, originsKey);
    const [m, h, x] = lists.map((k) => names(entry(opts.v, k)));
    const maxAge = seconds(entry(opts.v, 'maxAge'));
    const at = this.place(o?.at ?? opts.at, `${path}.${originsKey}`);
    return {
      origins: istrs(o) ?? [],
      ...this.originPlaces(o, `${path}.${originsKey}`, at),
      credentials: ibool(entry(opts.v, 'allowCredentials')) ?? false,
      ...(m ? { methods: m } : {}),
      ...(h ? { headers: h } : {}),
      ...(x ? { exposeHeaders: x } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
      preflight: 'gateway',
      actual: 'gateway',
      matching: 'exact',
      at,
    };
  }

  // ---- Lambda ---------------------------------------------------------------------------------

  private fnOf(i: Item | undefined): { fn?: IacFunction } {
    return i?.v.t === 'obj' && i.v.o.kind === 'function' ? { fn: i.v.o.fn } : {};
  }

  /** A code directory relative to the scan root: a string is relative to the file's directory. */
  private dirOf(i: Item | undefined): string | undefined {
    if (!i) return undefined;
    if (i.v.t === 'path') return i.v.p;
    if (i.v.t === 'str' && !/^[\\/]|^[A-Za-z]:/.test(i.v.v)) return joinDir(this.input.dir, i.v.v);
    return undefined;
  }

  private lambdaFunction(args: Args, at: At, kind: 'function' | 'docker' | 'python' | 'nodejs'): V {
    const name = this.constructName(args.pos[1]);
    const props = propsOf(args, 2);
    const runtime = str(props.get('runtime')?.v);
    let handler: string | undefined;
    let codeDir: string | undefined;
    if (kind === 'function' || kind === 'docker') {
      handler = kind === 'function' ? str(props.get('handler')?.v) : undefined;
      const code = props.get('code')?.v;
      if (code?.t === 'code') codeDir = code.dir;
    } else if (kind === 'python') {
      codeDir = this.dirOf(props.get('entry'));
      const index = props.get('index') ? str(props.get('index')!.v) : 'index.py';
      const h = props.get('handler') ? str(props.get('handler')!.v) : 'handler';
      if (index !== undefined && h !== undefined) handler = `${index.replace(/\.py$/, '').replace(/[\\/]/g, '.')}.${h}`;
    } else {
      const entryFile = this.dirOf(props.get('entry'));
      if (entryFile !== undefined) {
        codeDir = joinDir(entryFile, '..');
        const h = props.get('handler') ? str(props.get('handler')!.v) : 'handler';
        const base = entryFile.split('/').pop()!.replace(/\.[cm]?[jt]sx?$/, '');
        if (h !== undefined) handler = `${base}.${h}`;
      }
    }
    const fn: IacFunction = {
      id: this.uniqueId(name),
      name,
      format: this.format,
      ...(runtime !== undefined ? { runtime } : {}),
      ...(handler !== undefined ? { handler } : {}),
      ...(codeDir !== undefined ? { codeDir } : {}),
      environment: [],
      statements: [],
      at: this.place(at, name),
    };
    const env = props.get('environment')?.v;
    if (env?.t === 'map') {
      for (const en of env.entries) {
        const value = str(en.v);
        this.setEnv(fn, { name: en.key, ...(value !== undefined ? { value } : {}), at: this.place(en.at, `${name}.environment.${en.key}`) });
      }
    }
    const roleV = props.get('role')?.v;
    const role = roleV?.t === 'obj' && roleV.o.kind === 'role' ? roleV.o.role : { name: `${name}.role`, statements: [] };
    const initial = props.get('initialPolicy')?.v;
    if (initial?.t === 'list') for (const s of initial.items) this.attachStatement(role, s.v, `${name}.initialPolicy`);
    this.doc.functions.push(fn);
    this.roles.push({ fn, role });
    return obj({ kind: 'function', fn, role });
  }

  private setEnv(fn: IacFunction, e: IacFunction['environment'][number]): void {
    const i = fn.environment.findIndex((x) => x.name === e.name);
    if (i >= 0) fn.environment[i] = e;
    else fn.environment.push(e);
  }

  private functionUrl(fn: FnObj, props: Map<string, Item>, at: At, path: string): void {
    const auth = props.get('authType');
    const a = given(auth) ? str(auth.v) : 'AWS_IAM';
    const cors = props.get('cors');
    fn.fn.url = {
      authType: a === 'NONE' || a === 'AWS_IAM' ? a : 'unknown',
      ...(given(cors) ? { cors: this.gatewayCors(cors, `${path}.cors`, 'allowedOrigins', ['allowedMethods', 'allowedHeaders', 'exposedHeaders']) } : {}),
      at: this.place(given(auth) ? auth.at : at, path),
    };
  }

  // ---- DynamoDB -------------------------------------------------------------------------------

  private table(args: Args, at: At): V {
    const name = this.constructName(args.pos[1]);
    const props = propsOf(args, 2);
    const tn = props.get('tableName');
    const pk = str(entry(props.get('partitionKey')?.v, 'name')?.v);
    const sk = str(entry(props.get('sortKey')?.v, 'name')?.v);
    const enc = props.get('encryption');
    let sse: boolean | undefined;
    if (given(enc)) sse = enc.v.t === 'bool' ? enc.v.v : enc.v.t === 'str' ? enc.v.v !== 'DEFAULT' : undefined;
    else if (given(props.get('encryptionKey'))) sse = true;
    let pitr: boolean | undefined;
    const spec = props.get('pointInTimeRecoverySpecification');
    const p = given(spec) ? entry(spec.v, 'pointInTimeRecoveryEnabled') : props.get('pointInTimeRecovery');
    if (p?.v.t === 'bool') pitr = p.v.v;
    const table: IacTable = {
      id: this.uniqueId(name),
      name: given(tn) ? istr(tn) : name,
      ...(pk !== undefined ? { partitionKey: pk } : {}),
      ...(sk !== undefined ? { sortKey: sk } : {}),
      ...(sse !== undefined ? { sse } : {}),
      ...(pitr !== undefined ? { pitr } : {}),
      at: this.place(at, name),
    };
    this.doc.tables.push(table);
    return obj({ kind: 'table', table });
  }

  // ---- IAM ------------------------------------------------------------------------------------

  private role(args: Args): V {
    const name = this.constructName(args.pos[1]);
    const props = propsOf(args, 2);
    const role: Role = { name, statements: [] };
    const managed = props.get('managedPolicies')?.v;
    if (managed?.t === 'list') for (const m of managed.items) this.managedPolicy(role, m, m.at, `${name}.managedPolicies`);
    const inline = props.get('inlinePolicies')?.v;
    if (inline?.t === 'map') {
      for (const en of inline.entries) if (en.v.t === 'obj' && en.v.o.kind === 'policy') this.attachPolicy(en.v.o, role, `${name}.inlinePolicies.${en.key}`);
    }
    return obj({ kind: 'role', role });
  }

  private roleOf(v: V | undefined): Role | undefined {
    if (v?.t !== 'obj') return undefined;
    if (v.o.kind === 'role') return v.o.role;
    if (v.o.kind === 'function') return v.o.role;
    return undefined;
  }

  private granteeName(i: Item): string {
    if (i.v.t === 'obj' && i.v.o.kind === 'function') return i.v.o.fn.name;
    if (i.v.t === 'obj' && i.v.o.kind === 'role') return i.v.o.role.name;
    return clip(i.text);
  }

  private managedPolicy(role: Role, i: Item | undefined, at: At, path: string): void {
    const v = i?.v;
    if (v?.t !== 'obj' || v.o.kind !== 'managed' || typeof v.o.name !== 'string') return;
    const actions = MANAGED_POLICIES[v.o.name];
    if (!actions) return;
    role.statements.push({ effect: 'Allow', actions: [...actions], resources: ['*'], conditions: {}, template: v.o.name, at: this.place(at, `${path}(${v.o.name})`) });
  }

  private policyStatement(props: Map<string, Item>, at: At): V {
    const effect = str(props.get('effect')?.v) === 'Deny' ? 'Deny' : 'Allow';
    const actions = props.get('actions') ?? props.get('notActions');
    const resources = props.get('resources');
    const st: IamStatement = {
      effect,
      actions: istrs(actions) ?? [],
      resources: resources?.v.t === 'list' ? resources.v.items.map((r) => this.resource(r)) : given(resources) ? [this.resource(resources)] : [],
      conditions: {},
      at: this.place(actions?.at ?? at, 'PolicyStatement.actions'),
    };
    const cond = props.get('conditions')?.v;
    if (cond) this.addConditions(st, cond);
    return obj({ kind: 'statement', st, attached: false });
  }

  private addConditions(st: IamStatement, cond: V): void {
    if (cond.t !== 'map') return;
    for (const op of cond.entries) {
      if (op.v.t !== 'map') continue;
      const keys = (st.conditions[op.key] ??= {});
      for (const k of op.v.entries) keys[k.key] = istrs(k) ?? [];
    }
  }

  /** A policy resource: a table's ARN or name stands for the table's id. */
  private resource(i: Item): IacString {
    if (i.v.t === 'obj' && (i.v.o.kind === 'tableRef' || i.v.o.kind === 'table')) return i.v.o.table.id;
    return istr(i);
  }

  private attachStatement(role: Role | undefined, v: V | undefined, path: string): void {
    if (!role || v?.t !== 'obj' || v.o.kind !== 'statement') return;
    if (!v.o.attached) {
      v.o.st.at.path = `${path}.actions`;
      v.o.attached = true;
    }
    if (!role.statements.includes(v.o.st)) role.statements.push(v.o.st);
  }

  private attachPolicy(p: Extract<Obj, { kind: 'policy' }>, role: Role | undefined, path: string): void {
    if (!role) return;
    if (!p.roles.includes(role)) p.roles.push(role);
    for (const s of p.statements) this.attachStatement(role, s.v, path);
  }
}
