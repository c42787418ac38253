/**
 * Terraform reader: the `.tf` files of one directory (one module) → one `IacDocument` per file.
 *
 * Files are parsed with the HCL tree-sitter grammar (`withGrammarTree('hcl', …)`); the tree is copied
 * into a small syntax model before the wasm memory is freed, then the whole module is indexed so that
 * references resolve across its files. Values are evaluated the way Terraform would at plan time, as far
 * as the files say: literals, `var.x` (its `default`), `local.x`, `path.module`/`path.root` (`.`),
 * templates whose every part is known, `jsonencode(...)`, a few pure functions, and a resource's own
 * arguments (`aws_api_gateway_method.m.http_method`). Anything else (computed attributes such as `.arn`,
 * conditionals, `for` expressions, `count.index`) stays `unresolved` with its text as written: for a
 * string template the text between the quotes, otherwise the expression.
 *
 * Read: HTTP APIs (`aws_apigatewayv2_*`), REST APIs (`aws_api_gateway_*`, MOCK OPTIONS CORS and gateway
 * responses), Lambda functions and their URLs, IAM statements reaching a function's role, DynamoDB tables.
 * Not read: child modules (`module` blocks), `dynamic` blocks, `count`/`for_each` expansion, `.tfvars`,
 * OpenAPI `body` documents, `file()`/`templatefile()` policies, statements with `NotAction`/`NotResource`.
 */
import type { Node as TsNode } from 'web-tree-sitter';
import { withGrammarTree } from '../grammars.ts';
import {
  emptyDocument,
  unquoteGateway,
  type Authorizer,
  type CorsConfig,
  type GatewayResponse,
  type IacApi,
  type IacDocument,
  type IacFunction,
  type IacRoute,
  type IacString,
  type IacTable,
  type IamStatement,
  type Place,
  type Unresolved,
} from './model.ts';
import { joinDir, MAX_IAC_BYTES, placeAt, type ReaderInput } from './reader.ts';
import { MANAGED_POLICIES } from './aws-policies.ts';

export interface TerraformProblem {
  file: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------------
// Syntax model, copied out of the tree-sitter tree

/** 1-based line and column. */
interface Pos {
  line: number;
  col: number;
}

type Step = { attr: string } | { index: Expr } | { splat: true };

type Expr = (
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'tpl'; parts: (string | Expr)[]; heredoc: boolean; directive: boolean; bodyLine: number }
  | { k: 'tuple'; items: Expr[] }
  | { k: 'object'; elems: { key: Expr; bare?: string; value: Expr; at: Pos }[] }
  /** `var.x`, `aws_lambda_function.f.arn`, `local.cfg["a"]`; `base` when the root is not a name (`f(x).y`). */
  | { k: 'trav'; root?: string; base?: Expr; steps: Step[] }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'other' }
) & { text: string; at: Pos };

interface Attr {
  name: string;
  value: Expr;
  at: Pos;
}

interface Block {
  type: string;
  labels: string[];
  attrs: Map<string, Attr>;
  blocks: Block[];
  at: Pos;
}

/** Nesting deeper than this is not written by people; it is cut to an unresolved expression. */
const MAX_DEPTH = 48;
/** Syntax errors reported per file. */
const MAX_SYNTAX_REPORTS = 3;

function posOf(n: TsNode): Pos {
  return { line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
}

function opaque(n: TsNode): Expr {
  return { k: 'other', text: n.text, at: posOf(n) };
}

function readTree(root: TsNode, src: string): { blocks: Block[]; errors: Pos[] } {
  const errors: Pos[] = [];
  if (root.hasError) {
    // iterative: a malformed file must not exhaust the stack
    const stack: TsNode[] = [root];
    while (stack.length && errors.length <= MAX_SYNTAX_REPORTS) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) {
        errors.push(posOf(n));
        continue;
      }
      if (!n.hasError) continue;
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  const blocks: Block[] = [];
  for (const item of bodyItems(root, 0)) if (item.type === 'block') blocks.push(convBlock(item, src, 0));
  return { blocks, errors };
}

/** Attributes and blocks of a body, also those tree-sitter kept inside an ERROR node. */
function bodyItems(n: TsNode, depth: number): TsNode[] {
  const out: TsNode[] = [];
  for (const c of n.children) {
    if (c.type === 'attribute' || c.type === 'block') out.push(c);
    else if ((c.type === 'body' || c.type === 'ERROR') && depth < 8) out.push(...bodyItems(c, depth + 1));
  }
  return out;
}

function convBlock(n: TsNode, src: string, depth: number): Block {
  const kids = n.children;
  const labels: string[] = [];
  for (const c of kids.slice(1)) {
    if (c.type === 'block_start') break;
    if (c.type === 'string_lit') labels.push(unescapeQuoted(stringContent(c, src)));
    else if (c.type === 'identifier') labels.push(c.text);
  }
  const block: Block = { type: kids[0]?.text ?? '', labels, attrs: new Map(), blocks: [], at: posOf(n) };
  if (depth >= MAX_DEPTH) return block;
  for (const item of bodyItems(n, 0)) {
    if (item.type === 'block') block.blocks.push(convBlock(item, src, depth + 1));
    else {
      const name = item.children.find((c) => c.type === 'identifier');
      const value = item.children.find((c) => c.type === 'expression');
      if (name && value && !block.attrs.has(name.text)) {
        block.attrs.set(name.text, { name: name.text, value: convExpr(value, src, depth + 1), at: posOf(item) });
      }
    }
  }
  return block;
}

function convExpr(n: TsNode, src: string, depth: number): Expr {
  if (depth >= MAX_DEPTH) return opaque(n);
  if (n.type !== 'expression') return convTerm(n, src, depth);
  const kids = n.children.filter((c) => c.type !== 'comment');
  if (!kids.length) return opaque(n);
  let base: Expr;
  let i: number;
  if (kids[0].type === '(') {
    const close = kids.findIndex((c) => c.type === ')');
    const inner = kids.find((c) => c.type === 'expression');
    base = inner ? convExpr(inner, src, depth + 1) : opaque(n);
    i = close < 0 ? kids.length : close + 1;
  } else {
    base = convTerm(kids[0], src, depth + 1);
    i = 1;
  }
  const steps: Step[] = [];
  for (const c of kids.slice(i)) {
    if (c.type === 'get_attr') steps.push({ attr: c.children.find((x) => x.type === 'identifier')?.text ?? '' });
    else if (c.type === 'index') {
      const ix = c.firstChild;
      if (ix?.type === 'new_index') {
        const e = ix.children.find((x) => x.type === 'expression');
        steps.push({ index: e ? convExpr(e, src, depth + 1) : opaque(ix) });
      } else if (ix) steps.push({ index: { k: 'lit', v: Number(ix.text.slice(1)), text: ix.text.slice(1), at: posOf(ix) } });
    } else if (c.type === 'splat') steps.push({ splat: true });
    else return opaque(n);
  }
  if (!steps.length) return base;
  const text = n.text;
  if (base.k === 'trav') return { ...base, steps: [...base.steps, ...steps], text };
  return { k: 'trav', base, steps, text, at: base.at };
}

function convTerm(n: TsNode, src: string, depth: number): Expr {
  const at = posOf(n);
  switch (n.type) {
    case 'literal_value': {
      const c = n.firstChild;
      if (!c) return opaque(n);
      if (c.type === 'numeric_lit') {
        const v = Number(c.text);
        return Number.isFinite(v) ? { k: 'lit', v, text: c.text, at } : opaque(n);
      }
      if (c.type === 'bool_lit') return { k: 'lit', v: c.text === 'true', text: c.text, at };
      if (c.type === 'null_lit') return { k: 'lit', v: null, text: c.text, at };
      if (c.type === 'string_lit') {
        const raw = stringContent(c, src);
        return { k: 'lit', v: unescapeQuoted(raw), text: raw, at };
      }
      return opaque(n);
    }
    case 'template_expr': {
      const c = n.firstChild;
      if (c?.type === 'quoted_template') return convQuoted(c, src, depth);
      if (c?.type === 'heredoc_template') return convHeredoc(c, src, depth);
      return opaque(n);
    }
    case 'collection_value': {
      const c = n.firstChild;
      if (c?.type === 'tuple') {
        return { k: 'tuple', items: c.children.filter((x) => x.type === 'expression').map((x) => convExpr(x, src, depth + 1)), text: n.text, at };
      }
      if (c?.type === 'object') {
        const elems: { key: Expr; bare?: string; value: Expr; at: Pos }[] = [];
        for (const el of c.children) {
          if (el.type !== 'object_elem') continue;
          const k = el.childForFieldName('key');
          const v = el.childForFieldName('val');
          if (!k || !v) continue;
          const key = convExpr(k, src, depth + 1);
          // a bare identifier key is the name itself, not a variable
          const bare = key.k === 'trav' && key.root !== undefined && !key.steps.length ? key.root : undefined;
          elems.push({ key, ...(bare !== undefined ? { bare } : {}), value: convExpr(v, src, depth + 1), at: posOf(el) });
        }
        return { k: 'object', elems, text: n.text, at };
      }
      return opaque(n);
    }
    case 'variable_expr':
      return { k: 'trav', root: n.text, steps: [], text: n.text, at };
    case 'function_call': {
      const name = n.children.find((c) => c.type === 'identifier')?.text ?? '';
      const args = n.children.find((c) => c.type === 'function_arguments');
      if (args?.children.some((c) => c.type === 'ellipsis')) return opaque(n);
      const list = args ? args.children.filter((c) => c.type === 'expression').map((c) => convExpr(c, src, depth + 1)) : [];
      return { k: 'call', name, args: list, text: n.text, at };
    }
    default:
      // conditionals, operations, for expressions, ERROR
      return opaque(n);
  }
}

/** The text between the quotes of a `string_lit`, as written. */
function stringContent(n: TsNode, src: string): string {
  const first = n.firstChild;
  const last = n.lastChild;
  if (!first || !last || first === last) return '';
  return src.slice(first.endIndex, last.isMissing ? n.endIndex : last.startIndex);
}

function convQuoted(n: TsNode, src: string, depth: number): Expr {
  const kids = n.children;
  const open = kids[0];
  const close = kids[kids.length - 1];
  const from = open.endIndex;
  const to = close.type === 'quoted_template_end' && !close.isMissing ? close.startIndex : n.endIndex;
  const { parts, directive } = templateParts(kids, src, from, to, depth);
  return {
    k: 'tpl',
    parts: parts.map((p) => (typeof p === 'string' ? unescapeQuoted(p) : p)),
    heredoc: false,
    directive,
    bodyLine: posOf(n).line,
    text: src.slice(from, to),
    at: posOf(n),
  };
}

function convHeredoc(n: TsNode, src: string, depth: number): Expr {
  const kids = n.children;
  const ids = kids.filter((c) => c.type === 'heredoc_identifier');
  if (ids.length < 2) return opaque(n);
  const open = ids[0];
  const close = ids[ids.length - 1];
  const nl = src.indexOf('\n', open.endIndex);
  const from = nl < 0 || nl > close.startIndex ? open.endIndex : nl + 1;
  const to = Math.max(from, src.lastIndexOf('\n', close.startIndex - 1) + 1);
  let { parts, directive } = templateParts(kids, src, from, to, depth);
  if (kids[0]?.text === '<<-') parts = dedent(parts);
  return {
    k: 'tpl',
    parts: parts.map((p) => (typeof p === 'string' ? unescapeTemplate(p) : p)),
    heredoc: true,
    directive,
    bodyLine: open.startPosition.row + 2,
    text: src.slice(from, to),
    at: posOf(n),
  };
}

function templateParts(kids: TsNode[], src: string, from: number, to: number, depth: number): { parts: (string | Expr)[]; directive: boolean } {
  const parts: (string | Expr)[] = [];
  let directive = false;
  let cursor = from;
  for (const c of kids) {
    if (c.startIndex < from || c.endIndex > to) continue;
    if (c.type === 'template_interpolation') {
      if (c.children.some((x) => x.type === 'strip_marker')) directive = true;
      const e = c.children.find((x) => x.type === 'expression');
      parts.push(src.slice(cursor, c.startIndex), e ? convExpr(e, src, depth + 1) : opaque(c));
      cursor = c.endIndex;
    } else if (c.type === 'template_directive') {
      directive = true;
      parts.push(src.slice(cursor, c.startIndex), opaque(c));
      cursor = c.endIndex;
    }
  }
  parts.push(src.slice(cursor, to));
  return { parts: parts.filter((p) => p !== ''), directive };
}

/** `<<-` heredocs: the smallest indentation of the non-blank lines is removed from every line. */
function dedent(parts: (string | Expr)[]): (string | Expr)[] {
  const MARK = '\uE000';
  if (parts.some((p) => typeof p === 'string' && p.includes(MARK))) return parts;
  const exprs = parts.filter((p): p is Expr => typeof p !== 'string');
  const joined = parts.map((p) => (typeof p === 'string' ? p : MARK)).join('');
  const lines = joined.split('\n');
  let min = Infinity;
  for (const l of lines) if (l.trim()) min = Math.min(min, /^[ \t]*/.exec(l)![0].length);
  if (!Number.isFinite(min) || min === 0) return parts;
  const stripped = lines.map((l) => l.slice(Math.min(min, /^[ \t]*/.exec(l)![0].length))).join('\n');
  const out: (string | Expr)[] = [];
  stripped.split(MARK).forEach((s, i) => {
    if (s) out.push(s);
    if (i < exprs.length) out.push(exprs[i]);
  });
  return out;
}

/** A quoted string's escapes: `\n \r \t \" \\ \uNNNN \UNNNNNNNN`, and the template escapes `$${` `%%{`. */
function unescapeQuoted(s: string): string {
  if (!s.includes('\\')) return unescapeTemplate(s);
  return s.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([\s\S]))|\$\$\{|%%\{/g, (m, u4?: string, u8?: string, c?: string) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    if (u4) return String.fromCharCode(parseInt(u4, 16));
    if (u8) {
      const cp = parseInt(u8, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    const map: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    return c !== undefined && c in map ? map[c] : m;
  });
}

/** Heredocs know no backslash escapes, only `$${` and `%%{`. */
function unescapeTemplate(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

// ---------------------------------------------------------------------------------------------------
// Values

/** A value the files do not determine; `text` is the expression as written. */
class Unknown {
  constructor(readonly text: string) {}
}

/** The result of `jsonencode(value)`: a string for Terraform, kept as its structure for IAM policies. */
class Json {
  constructor(readonly value: Val) {}
}

/** An object value, with where each key was written (when it came from HCL). */
class ObjVal {
  readonly entries = new Map<string, Val>();
  readonly keyAt = new Map<string, { fc: FileCtx; at: Pos }>();
}

type Val = string | number | boolean | null | Unknown | Json | ObjVal | Val[];

function unknown(e: Expr): Unknown {
  return new Unknown(e.text);
}

/** Marks an interpolation whose value is unknown inside a template's text (see `Module.templateHoles`). */
const HOLE = /\uE001(\d+)\uE001/g;

/** Parsed JSON as a value; strings holding holes become unknown, cited with the interpolations as written. */
function fromJson(v: unknown, holes: string[] = []): Val {
  if (typeof v === 'string') return holes.length && v.includes('\uE001') ? new Unknown(v.replace(HOLE, (_, i: string) => holes[Number(i)] ?? '')) : v;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map((x) => fromJson(x, holes));
  if (typeof v === 'object') {
    const o = new ObjVal();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o.entries.set(k, fromJson(x, holes));
    return o;
  }
  return null;
}

/** Plain JSON data, or undefined when any part is unknown. */
function toJson(v: Val, depth = 0): unknown {
  if (depth > MAX_DEPTH) return undefined;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Unknown) return undefined;
  if (v instanceof Json) return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const j = toJson(x, depth + 1);
      if (j === undefined) return undefined;
      out.push(j);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of v.entries) {
    const j = toJson(x, depth + 1);
    if (j === undefined) return undefined;
    out[k] = j;
  }
  return out;
}

/** How a value reads inside a string template; undefined when it has no string form. */
function stringForm(v: Val): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Json) {
    const j = toJson(v.value);
    return j === undefined ? undefined : JSON.stringify(j);
  }
  return undefined;
}

function knownString(v: Val | undefined): string | undefined {
  return v === undefined ? undefined : stringForm(v);
}

function iacString(v: Val, e: { text: string }): IacString {
  const s = knownString(v);
  if (s !== undefined) return s;
  return { unresolved: v instanceof Unknown ? v.text : e.text };
}

/** A list of strings as the model keeps it: each item known or unresolved. */
function iacList(v: Val | undefined, e: { text: string }): IacString[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x) => x !== null).map((x) => iacString(x, e));
  if (v instanceof ObjVal) return [{ unresolved: e.text }];
  return [iacString(v, e)];
}

function knownList(v: Val | undefined): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const x of v) {
    const s = knownString(x);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out;
}

function boolOf(v: Val | undefined, e: { text: string }): boolean | Unresolved | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return { unresolved: v instanceof Unknown ? v.text : e.text };
}

// ---------------------------------------------------------------------------------------------------
// The module: every file's blocks, indexed

interface FileCtx {
  input: ReaderInput;
  blocks: Block[];
  doc: IacDocument;
}

interface Res {
  /** `aws_lambda_function.f`, `data.archive_file.code`. */
  address: string;
  type: string;
  block: Block;
  fc: FileCtx;
}

/** Evaluation steps per module: a bound on the work for any input, cycles included. */
const EVAL_BUDGET = 500_000;

const ARGUMENTS_NEVER_FOLLOWED = new Set(['id', 'count', 'for_each', 'depends_on', 'provider', 'lifecycle']);

class Module {
  readonly resources = new Map<string, Res>();
  readonly byType = new Map<string, Res[]>();
  readonly variables = new Map<string, { expr?: Expr; fc: FileCtx }>();
  readonly locals = new Map<string, { expr: Expr; fc: FileCtx }>();
  private budget = EVAL_BUDGET;
  /** True once the evaluation budget ran out: later values are unresolved. */
  get exhausted(): boolean {
    return this.budget < 0;
  }
  private readonly busy = new Set<string>();
  private readonly localValues = new Map<string, Val>();

  constructor(readonly files: FileCtx[]) {
    for (const fc of files) {
      for (const b of fc.blocks) {
        if ((b.type === 'resource' || b.type === 'data') && b.labels.length >= 2) {
          const [type, name] = b.labels;
          const address = b.type === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
          const res: Res = { address, type: b.type === 'data' ? `data.${type}` : type, block: b, fc };
          // a duplicate address (an error for Terraform) is still what its file declares; references go to the first
          if (!this.resources.has(address)) this.resources.set(address, res);
          const list = this.byType.get(res.type) ?? [];
          list.push(res);
          this.byType.set(res.type, list);
        } else if (b.type === 'variable' && b.labels.length >= 1) {
          if (!this.variables.has(b.labels[0])) this.variables.set(b.labels[0], { expr: b.attrs.get('default')?.value, fc });
        } else if (b.type === 'locals') {
          for (const a of b.attrs.values()) if (!this.locals.has(a.name)) this.locals.set(a.name, { expr: a.value, fc });
        }
      }
    }
  }

  of(type: string): Res[] {
    return this.byType.get(type) ?? [];
  }

  /** The value of an attribute of a resource (undefined when not written). */
  value(res: Res, name: string): Val | undefined {
    const a = res.block.attrs.get(name);
    return a ? this.eval(a.value, res.fc) : undefined;
  }

  eval(e: Expr, fc: FileCtx, depth = 0): Val {
    if (--this.budget < 0 || depth > MAX_DEPTH) return unknown(e);
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'tuple':
        return e.items.map((x) => this.eval(x, fc, depth + 1));
      case 'object': {
        const o = new ObjVal();
        for (const el of e.elems) {
          const key = el.bare ?? knownString(this.eval(el.key, fc, depth + 1));
          if (key === undefined) return unknown(e);
          o.entries.set(key, this.eval(el.value, fc, depth + 1));
          o.keyAt.set(key, { fc, at: el.at });
        }
        return o;
      }
      case 'tpl': {
        if (e.directive) return unknown(e);
        // a template that is one interpolation yields the value itself (HCL), not its string form
        if (e.parts.length === 1 && typeof e.parts[0] !== 'string') return this.eval(e.parts[0], fc, depth + 1);
        let out = '';
        for (const p of e.parts) {
          const s = typeof p === 'string' ? p : stringForm(this.eval(p, fc, depth + 1));
          if (s === undefined) return unknown(e);
          out += s;
        }
        return out;
      }
      case 'trav':
        return this.traverse(e, fc, depth);
      case 'call':
        return this.call(e, fc, depth);
      default:
        return unknown(e);
    }
  }

  private traverse(e: Expr & { k: 'trav' }, fc: FileCtx, depth: number): Val {
    if (e.base) return this.steps(this.eval(e.base, fc, depth + 1), e.steps, e, fc, depth);
    const root = e.root ?? '';
    const first = e.steps[0];
    const name = first && 'attr' in first ? first.attr : undefined;
    if (name === undefined) return unknown(e);
    switch (root) {
      case 'var': {
        const v = this.variables.get(name);
        if (!v?.expr) return unknown(e);
        return this.steps(this.guarded(`var.${name}`, () => this.eval(v.expr!, v.fc, depth + 1), e), e.steps.slice(1), e, fc, depth);
      }
      case 'local': {
        const l = this.locals.get(name);
        if (!l) return unknown(e);
        let v = this.localValues.get(name);
        if (v === undefined) {
          v = this.guarded(`local.${name}`, () => this.eval(l.expr, l.fc, depth + 1), e);
          this.localValues.set(name, v);
        }
        return this.steps(v, e.steps.slice(1), e, fc, depth);
      }
      case 'path':
        // Terraform gives module paths relative to the working directory: `.` for a root module
        return name === 'module' || name === 'root' ? this.steps('.', e.steps.slice(1), e, fc, depth) : unknown(e);
      case 'each':
      case 'count':
      case 'self':
      case 'terraform':
      case 'module':
        return unknown(e);
      default: {
        const isData = root === 'data';
        const second = e.steps[1];
        const address = isData ? (second && 'attr' in second ? `data.${name}.${second.attr}` : undefined) : `${root}.${name}`;
        const rest = e.steps.slice(isData ? 2 : 1);
        const res = address ? this.resources.get(address) : undefined;
        const attrStep = rest[0];
        if (!res || !attrStep || !('attr' in attrStep)) return unknown(e);
        const a = res.block.attrs.get(attrStep.attr);
        // a resource's own argument is known at plan time; computed attributes (arn, id, invoke_arn) are not
        if (!a || ARGUMENTS_NEVER_FOLLOWED.has(a.name) || res.block.attrs.has('count') || res.block.attrs.has('for_each')) return unknown(e);
        const v = this.guarded(`${address}.${a.name}`, () => this.eval(a.value, res.fc, depth + 1), e);
        return this.steps(v, rest.slice(1), e, fc, depth);
      }
    }
  }

  /** Evaluates `run` unless `key` is already being evaluated (a reference cycle): then unknown. */
  private guarded(key: string, run: () => Val, e: Expr): Val {
    if (this.busy.has(key)) return unknown(e);
    this.busy.add(key);
    try {
      return run();
    } finally {
      this.busy.delete(key);
    }
  }

  private steps(v: Val, steps: Step[], e: Expr, fc: FileCtx, depth: number): Val {
    let cur = v;
    for (const s of steps) {
      if (cur instanceof Unknown) return unknown(e);
      if ('splat' in s) return unknown(e);
      const key: Val = 'attr' in s ? s.attr : this.eval(s.index, fc, depth + 1);
      if (Array.isArray(cur) && typeof key === 'number' && Number.isInteger(key) && key >= 0 && key < cur.length) cur = cur[key];
      else if (cur instanceof ObjVal && (typeof key === 'string' || typeof key === 'number') && cur.entries.has(String(key))) cur = cur.entries.get(String(key))!;
      else return unknown(e);
    }
    // what cannot be computed is cited as written where it is used (`local.a`, not the local's own text)
    return cur instanceof Unknown ? unknown(e) : cur;
  }

  private call(e: Expr & { k: 'call' }, fc: FileCtx, depth: number): Val {
    const args = () => e.args.map((a) => this.eval(a, fc, depth + 1));
    switch (e.name) {
      case 'jsonencode':
        return e.args.length === 1 ? new Json(this.eval(e.args[0], fc, depth + 1)) : unknown(e);
      case 'jsondecode': {
        const s = e.args.length === 1 ? knownString(this.eval(e.args[0], fc, depth + 1)) : undefined;
        if (s === undefined) return unknown(e);
        try {
          return fromJson(JSON.parse(s));
        } catch {
          return unknown(e);
        }
      }
      case 'tolist':
      case 'toset':
      case 'tomap':
        return e.args.length === 1 ? this.eval(e.args[0], fc, depth + 1) : unknown(e);
      case 'tostring': {
        const s = e.args.length === 1 ? knownString(this.eval(e.args[0], fc, depth + 1)) : undefined;
        return s ?? unknown(e);
      }
      case 'lower':
      case 'upper':
      case 'trimspace': {
        const s = e.args.length === 1 ? knownString(this.eval(e.args[0], fc, depth + 1)) : undefined;
        if (s === undefined) return unknown(e);
        return e.name === 'lower' ? s.toLowerCase() : e.name === 'upper' ? s.toUpperCase() : s.trim();
      }
      case 'concat': {
        const vs = args();
        return vs.every(Array.isArray) ? (vs as Val[][]).flat() : unknown(e);
      }
      case 'merge': {
        const vs = args();
        if (!vs.every((v) => v instanceof ObjVal)) return unknown(e);
        const o = new ObjVal();
        for (const v of vs as ObjVal[]) {
          for (const [k, x] of v.entries) o.entries.set(k, x);
          for (const [k, x] of v.keyAt) o.keyAt.set(k, x);
        }
        return o;
      }
      case 'join': {
        const [sep, list] = args();
        const s = typeof sep === 'string' ? knownList(list) : undefined;
        return s ? s.join(sep as string) : unknown(e);
      }
      default:
        return unknown(e);
    }
  }

  /** A template's text with each interpolation the files do not determine replaced by a hole; undefined for directives. */
  templateHoles(e: Expr, fc: FileCtx): { text: string; holes: string[] } | undefined {
    if (e.k !== 'tpl' || e.directive) return undefined;
    let text = '';
    const holes: string[] = [];
    for (const p of e.parts) {
      const s = typeof p === 'string' ? p : stringForm(this.eval(p, fc));
      if (s !== undefined) text += s;
      else {
        text += `\uE001${holes.length}\uE001`;
        holes.push(`\${${(p as Expr).text}}`);
      }
    }
    return { text, holes };
  }

  /** Where an expression's value is written: through `local.x` references to the local's own expression. */
  definition(e: Expr, fc: FileCtx): { expr: Expr; fc: FileCtx } {
    let cur = { expr: e, fc };
    for (let i = 0; i < 8; i++) {
      const x = cur.expr;
      if (x.k !== 'trav' || x.root !== 'local' || x.steps.length !== 1 || !('attr' in x.steps[0])) break;
      const l = this.locals.get(x.steps[0].attr);
      if (!l) break;
      cur = { expr: l.expr, fc: l.fc };
    }
    return cur;
  }

  /** Resource addresses an expression mentions, following locals (`aws_lambda_function.f`, `data.x.y`). */
  refs(e: Expr): string[] {
    const out = new Set<string>();
    const seenLocals = new Set<string>();
    const walk = (x: Expr, depth: number): void => {
      if (--this.budget < 0 || depth > MAX_DEPTH) return;
      switch (x.k) {
        case 'tpl':
          for (const p of x.parts) if (typeof p !== 'string') walk(p, depth + 1);
          return;
        case 'tuple':
          for (const i of x.items) walk(i, depth + 1);
          return;
        case 'object':
          for (const el of x.elems) {
            if (el.bare === undefined) walk(el.key, depth + 1);
            walk(el.value, depth + 1);
          }
          return;
        case 'call':
          for (const a of x.args) walk(a, depth + 1);
          return;
        case 'trav': {
          for (const s of x.steps) if ('index' in s) walk(s.index, depth + 1);
          if (x.base) return walk(x.base, depth + 1);
          const names = x.steps.map((s) => ('attr' in s ? s.attr : undefined));
          const root = x.root ?? '';
          if (root === 'local') {
            const l = names[0] !== undefined ? this.locals.get(names[0]) : undefined;
            if (l && !seenLocals.has(names[0]!)) {
              seenLocals.add(names[0]!);
              walk(l.expr, depth + 1);
            }
          } else if (root === 'data') {
            if (names[0] && names[1]) out.add(`data.${names[0]}.${names[1]}`);
          } else if (!['var', 'path', 'each', 'count', 'self', 'terraform', 'module'].includes(root) && names[0]) {
            out.add(`${root}.${names[0]}`);
          }
          return;
        }
        default:
          return;
      }
    };
    walk(e, 0);
    return [...out];
  }

  /** The first resource of `type` an expression refers to. */
  refTo(e: Expr | undefined, type: string): Res | undefined {
    if (!e) return undefined;
    for (const a of this.refs(e)) {
      const r = this.resources.get(a);
      if (r && r.type === type) return r;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------
// Reading the module

export async function readTerraform(inputs: ReaderInput[]): Promise<{ documents: IacDocument[]; problems: TerraformProblem[] }> {
  const problems: TerraformProblem[] = [];
  const files: FileCtx[] = [];
  for (const input of inputs) {
    if (Buffer.byteLength(input.text, 'utf8') > MAX_IAC_BYTES) {
      problems.push({ file: input.file, message: `larger than ${MAX_IAC_BYTES / (1024 * 1024)} MiB; not read` });
      continue;
    }
    let parsed: { blocks: Block[]; errors: Pos[] };
    try {
      parsed = await withGrammarTree('hcl', input.text, (tree) => readTree(tree.rootNode, input.text));
    } catch (err) {
      problems.push({ file: input.file, message: `the HCL parser failed (${err instanceof Error ? err.name : 'error'}); not read` });
      continue;
    }
    // positions only, never the source around them (it may hold a secret)
    for (const p of parsed.errors.slice(0, MAX_SYNTAX_REPORTS)) {
      problems.push({ file: input.file, message: `syntax error at line ${p.line}, column ${p.col}` });
    }
    if (parsed.errors.length > MAX_SYNTAX_REPORTS) problems.push({ file: input.file, message: 'more syntax errors follow; the blocks that parsed were read' });
    files.push({ input, blocks: parsed.blocks, doc: emptyDocument(input.file, 'terraform') });
  }
  new Reader(new Module(files), problems).read();
  return { documents: files.map((f) => f.doc), problems };
}

function at(fc: FileCtx, p: Pos, path: string): Place {
  return placeAt(fc.input, p.line, path, p.col);
}

function idOf(res: Res): string {
  return `${res.fc.input.file}#${res.address}`;
}

/** The header name of a response parameter (`method.response.header.X` → `X`); the prefix matches in any case. */
function headerKey(param: string, prefix: string): string | undefined {
  return param.toLowerCase().startsWith(prefix) ? param.slice(prefix.length) : undefined;
}


const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[^/]+\.amazonaws\.com(?:\.cn)?\//;

class Reader {
  private readonly functions = new Map<string, IacFunction>();
  private readonly apis = new Map<string, IacApi>();
  /** REST routes by resource key (`aws_api_gateway_resource.r` or `<rest api>#root`). */
  private readonly restRoutes = new Map<string, IacRoute[]>();
  private readonly policyCache = new Map<string, IamStatement[]>();
  private integrations?: { byMethod: Map<string, Res>; byKey: Map<string, Res> };
  /** OPTIONS methods by REST resource key. */
  private readonly optionsMethods = new Map<string, Res>();
  private functionNames?: Map<string, IacFunction>;
  private readonly paths = new Map<string, string>();
  /** Every function declaration, duplicates of an address included. */
  private readonly declared = new Map<Res, IacFunction>();

  constructor(
    private readonly m: Module,
    private readonly problems: TerraformProblem[],
  ) {}

  read(): void {
    const steps: [string, (r: Res) => void][] = [
      ['aws_lambda_function', (r) => this.lambda(r)],
      ['aws_dynamodb_table', (r) => this.table(r)],
      ['aws_apigatewayv2_api', (r) => this.httpApi(r)],
      ['aws_apigatewayv2_route', (r) => this.httpRoute(r)],
      ['aws_api_gateway_rest_api', (r) => this.restApi(r)],
      ['aws_api_gateway_method', (r) => this.restMethod(r)],
      ['aws_api_gateway_gateway_response', (r) => this.gatewayResponse(r)],
      ['aws_lambda_function_url', (r) => this.functionUrl(r)],
    ];
    for (const [type, run] of steps) for (const r of this.m.of(type)) this.guard(r, () => run(r));
    this.guard(undefined, () => this.restCors());
    this.guard(undefined, () => this.iam());
    if (this.m.exhausted && this.m.files.length) {
      this.problems.push({ file: this.m.files[0].input.file, message: 'the module needs more evaluation steps than crossread allows; some values were left unresolved' });
    }
  }

  /** An unexpected failure on one resource is a problem for its file, not the end of the scan. */
  private guard(r: Res | undefined, run: () => void): void {
    try {
      run();
    } catch (err) {
      const file = r?.fc.input.file ?? this.m.files[0]?.input.file ?? '';
      // the error's kind only: a message may quote a value from the file
      this.problems.push({ file, message: `${r ? `${r.address}: ` : ''}not read (internal ${err instanceof Error ? err.name : 'error'})` });
    }
  }

  private attr(r: Res, name: string): Attr | undefined {
    return r.block.attrs.get(name);
  }

  private str(r: Res, name: string): string | undefined {
    return knownString(this.m.value(r, name));
  }

  private place(r: Res, name: string | undefined, path = name ? `${r.address}.${name}` : r.address): Place {
    const a = name ? r.block.attrs.get(name) : undefined;
    return at(r.fc, a?.at ?? r.block.at, path);
  }

  // --- Lambda ---------------------------------------------------------------------------------------

  private lambda(r: Res): void {
    const b = r.block;
    const environment: IacFunction['environment'] = [];
    const vars = b.blocks.find((x) => x.type === 'environment')?.attrs.get('variables');
    if (vars) {
      const path = `${r.address}.environment.variables`;
      if (vars.value.k === 'object') {
        for (const el of vars.value.elems) {
          const name = el.bare ?? knownString(this.m.eval(el.key, r.fc));
          if (name === undefined) continue;
          const value = knownString(this.m.eval(el.value, r.fc));
          environment.push({ name, ...(value !== undefined ? { value } : {}), at: at(r.fc, el.at, `${path}.${name}`) });
        }
      } else {
        const v = this.m.eval(vars.value, r.fc);
        if (v instanceof ObjVal) {
          for (const [name, x] of v.entries) {
            const where = v.keyAt.get(name);
            const value = knownString(x);
            environment.push({ name, ...(value !== undefined ? { value } : {}), at: where ? at(where.fc, where.at, `${path}.${name}`) : at(r.fc, vars.at, `${path}.${name}`) });
          }
        }
      }
    }
    const runtime = this.str(r, 'runtime');
    const handler = this.str(r, 'handler');
    const codeDir = this.codeDir(r);
    const fn: IacFunction = {
      id: idOf(r),
      name: r.address,
      format: 'terraform',
      ...(runtime !== undefined ? { runtime } : {}),
      ...(handler !== undefined ? { handler } : {}),
      ...(codeDir !== undefined ? { codeDir } : {}),
      environment,
      statements: [],
      at: this.place(r, undefined),
    };
    if (!this.functions.has(r.address)) this.functions.set(r.address, fn);
    this.declared.set(r, fn);
    r.fc.doc.functions.push(fn);
  }

  /** The code directory behind `filename`/`source_code_hash`: an `archive_file`'s `source_dir` (or `source_file`'s directory). */
  private codeDir(r: Res): string | undefined {
    const archives = [...this.m.of('data.archive_file'), ...this.m.of('archive_file')];
    let archive: Res | undefined;
    for (const name of ['filename', 'source_code_hash']) {
      const e = this.attr(r, name)?.value;
      archive = this.m.refTo(e, 'data.archive_file') ?? this.m.refTo(e, 'archive_file');
      if (archive) break;
    }
    if (!archive) {
      // `filename = "build/app.zip"` with an archive_file writing that path
      const file = this.str(r, 'filename');
      archive = file !== undefined ? archives.find((a) => this.str(a, 'output_path') === file) : undefined;
    }
    if (!archive) return undefined;
    const dir = this.str(archive, 'source_dir');
    const file = dir === undefined ? this.str(archive, 'source_file') : undefined;
    const rel = dir ?? (file !== undefined && file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : file !== undefined ? '.' : undefined);
    if (rel === undefined || rel.startsWith('/') || /^[A-Za-z]:[\\/]/.test(rel)) return undefined;
    return joinDir(r.fc.input.dir, rel);
  }

  /** The function an expression names: `aws_lambda_function.f.invoke_arn`, an alias of it, or its name or ARN. */
  private functionOf(e: Expr | undefined, fc: FileCtx, depth = 0): IacFunction | undefined {
    if (!e || depth > 4) return undefined;
    for (const a of this.m.refs(e)) {
      const f = this.functions.get(a);
      if (f) return f;
      const alias = a.startsWith('aws_lambda_alias.') ? this.m.resources.get(a) : undefined;
      if (alias) {
        const target = this.functionOf(this.attr(alias, 'function_name')?.value, alias.fc, depth + 1);
        if (target) return target;
      }
    }
    const s = knownString(this.m.eval(e, fc));
    if (s === undefined) return undefined;
    if (!this.functionNames) {
      this.functionNames = new Map();
      for (const r of this.m.of('aws_lambda_function')) {
        const name = this.str(r, 'function_name');
        const fn = this.functions.get(r.address);
        if (name && fn && !this.functionNames.has(name)) this.functionNames.set(name, fn);
      }
    }
    // a name, an ARN (`…:function:name`, optionally `:qualifier`) or an invoke ARN (`…/functions/<arn>/invocations`)
    const m = /:function:([^:/]+)/.exec(s);
    return this.functionNames.get(m ? m[1] : s);
  }

  private functionUrl(r: Res): void {
    const fn = this.functionOf(this.attr(r, 'function_name')?.value, r.fc);
    if (!fn) return;
    const t = this.str(r, 'authorization_type');
    const authType = t === 'NONE' || t === 'AWS_IAM' ? t : 'unknown';
    const corsBlock = r.block.blocks.find((x) => x.type === 'cors');
    const cors = corsBlock ? this.blockCors(r, corsBlock, `${r.address}.cors`, 'gateway', 'gateway') : undefined;
    fn.url = { authType, ...(cors ? { cors } : {}), at: this.place(r, this.attr(r, 'authorization_type') ? 'authorization_type' : undefined) };
  }

  // --- DynamoDB -------------------------------------------------------------------------------------

  private table(r: Res): void {
    const nameAttr = this.attr(r, 'name');
    const partitionKey = this.str(r, 'hash_key');
    const sortKey = this.str(r, 'range_key');
    // Terraform's defaults: no server_side_encryption block = DynamoDB's AWS-owned key (`sse` false,
    // meaning no KMS key chosen); no point_in_time_recovery block = disabled
    const enabled = (blockType: string): boolean | undefined => {
      const blk = r.block.blocks.find((x) => x.type === blockType);
      if (!blk) return false;
      const a = blk.attrs.get('enabled');
      if (!a) return false;
      const v = boolOf(this.m.eval(a.value, r.fc), a.value);
      return typeof v === 'boolean' ? v : undefined;
    };
    const sse = enabled('server_side_encryption');
    const pitr = enabled('point_in_time_recovery');
    const table: IacTable = {
      id: idOf(r),
      name: nameAttr ? iacString(this.m.eval(nameAttr.value, r.fc), nameAttr.value) : { unresolved: r.address },
      ...(partitionKey !== undefined ? { partitionKey } : {}),
      ...(sortKey !== undefined ? { sortKey } : {}),
      ...(sse !== undefined ? { sse } : {}),
      ...(pitr !== undefined ? { pitr } : {}),
      at: this.place(r, undefined),
    };
    r.fc.doc.tables.push(table);
  }

  // --- CORS blocks (HTTP API cors_configuration, function URL cors) ---------------------------------

  private blockCors(r: Res, b: Block, path: string, preflight: CorsConfig['preflight'], actual: CorsConfig['actual']): CorsConfig {
    const ev = (name: string): [Val | undefined, Attr | undefined] => {
      const a = b.attrs.get(name);
      return [a ? this.m.eval(a.value, r.fc) : undefined, a];
    };
    const [origins, originsAttr] = ev('allow_origins');
    const [credentials, credentialsAttr] = ev('allow_credentials');
    const methods = knownList(ev('allow_methods')[0]);
    const headers = knownList(ev('allow_headers')[0]);
    const exposeHeaders = knownList(ev('expose_headers')[0]);
    const maxAge = ev('max_age')[0];
    const list = originsAttr ? iacList(origins, originsAttr.value) : [];
    // each origin's own line, when the list is written out item by item
    const items = originsAttr?.value.k === 'tuple' ? originsAttr.value.items : undefined;
    const originPlaces = items && items.length === list.length ? items.map((x, i) => at(r.fc, x.at, `${path}.allow_origins[${i}]`)) : undefined;
    return {
      origins: list,
      ...(originPlaces ? { originPlaces } : {}),
      credentials: (credentialsAttr ? boolOf(credentials, credentialsAttr.value) : undefined) ?? false,
      ...(methods ? { methods } : {}),
      ...(headers ? { headers } : {}),
      ...(exposeHeaders ? { exposeHeaders } : {}),
      ...(typeof maxAge === 'number' ? { maxAge } : {}),
      preflight,
      actual,
      matching: 'exact',
      at: at(r.fc, originsAttr?.at ?? b.at, `${path}.allow_origins`),
    };
  }

  // --- HTTP API -------------------------------------------------------------------------------------

  private httpApi(r: Res): void {
    const protocol = this.str(r, 'protocol_type');
    if (protocol?.toUpperCase() !== 'HTTP') return;
    const corsBlock = r.block.blocks.find((x) => x.type === 'cors_configuration');
    const api: IacApi = {
      id: idOf(r),
      name: r.address,
      kind: 'http',
      format: 'terraform',
      ...(corsBlock ? { cors: this.blockCors(r, corsBlock, `${r.address}.cors_configuration`, 'gateway', 'gateway') } : {}),
      gatewayResponses: [],
      at: this.place(r, undefined),
    };
    if (!this.apis.has(r.address)) this.apis.set(r.address, api);
    r.fc.doc.apis.push(api);
    // quick create: `target` makes a default route (route_key `$default` unless written) to that integration
    const target = this.attr(r, 'target');
    if (target) {
      const key = this.str(r, 'route_key') ?? '$default';
      const { method, path } = splitRouteKey(key);
      const fn = this.functionOf(target.value, r.fc);
      r.fc.doc.routes.push({ api: api.id, method, path, ...(fn ? { function: fn.id } : {}), authorizer: { kind: 'none', at: this.place(r, 'target') }, at: this.place(r, 'target') });
    }
  }

  private httpRoute(r: Res): void {
    const apiRes = this.m.refTo(this.attr(r, 'api_id')?.value, 'aws_apigatewayv2_api');
    const api = apiRes ? this.apis.get(apiRes.address) : undefined;
    if (apiRes && !api) return; // a WebSocket API
    const keyAttr = this.attr(r, 'route_key');
    const keyVal = keyAttr ? this.m.eval(keyAttr.value, r.fc) : undefined;
    const key = knownString(keyVal);
    const { method, path } = key !== undefined ? splitRouteKey(key) : { method: 'ANY', path: keyAttr ? iacText(keyVal, keyAttr.value) : '$default' };
    const integration = this.m.refTo(this.attr(r, 'target')?.value, 'aws_apigatewayv2_integration');
    const fn = integration ? this.functionOf(this.attr(integration, 'integration_uri')?.value, integration.fc) : undefined;
    r.fc.doc.routes.push({
      api: api?.id ?? this.attr(r, 'api_id')?.value.text ?? '',
      method,
      path,
      ...(fn ? { function: fn.id } : {}),
      authorizer: this.httpAuthorizer(r),
      at: this.place(r, keyAttr ? 'route_key' : undefined),
    });
  }

  private httpAuthorizer(r: Res): Authorizer {
    const typeAttr = this.attr(r, 'authorization_type');
    const type = typeAttr ? knownString(this.m.eval(typeAttr.value, r.fc)) : 'NONE';
    const where = typeAttr ? this.place(r, 'authorization_type') : this.place(r, undefined, `${r.address}.authorization_type`);
    const plain = (kind: Authorizer['kind']): Authorizer => ({ kind, at: where });
    if (type === undefined) return plain('unknown');
    switch (type.toUpperCase()) {
      case 'NONE':
        return plain('none');
      case 'AWS_IAM':
        return plain('iam');
      case 'JWT':
      case 'CUSTOM': {
        const az = this.m.refTo(this.attr(r, 'authorizer_id')?.value, 'aws_apigatewayv2_authorizer');
        if (!az) return plain(type.toUpperCase() === 'JWT' ? 'jwt' : 'lambda');
        const azType = this.str(az, 'authorizer_type')?.toUpperCase();
        const kind: Authorizer['kind'] = azType === 'REQUEST' ? 'lambda' : azType === 'JWT' ? this.jwtKind(az) : 'unknown';
        const sources = knownList(this.m.value(az, 'identity_sources'));
        return {
          kind,
          name: this.str(az, 'name') ?? az.address,
          ...(sources ? { identitySource: sources } : {}),
          at: this.place(az, this.attr(az, 'authorizer_type') ? 'authorizer_type' : undefined),
        };
      }
      default:
        return plain('unknown');
    }
  }

  /**
   * A JWT authorizer whose issuer is a Cognito user pool is `cognito`: its tokens carry the user pool's
   * `sub`, the same identity a REST COGNITO_USER_POOLS authorizer verifies, and rules reason about that
   * identity (where the claims sit in the event follows from the API kind). Other issuers are `jwt`.
   */
  private jwtKind(az: Res): Authorizer['kind'] {
    const issuer = az.block.blocks.find((x) => x.type === 'jwt_configuration')?.attrs.get('issuer');
    if (!issuer) return 'jwt';
    const v = this.m.eval(issuer.value, az.fc);
    if (typeof v === 'string') return COGNITO_ISSUER.test(v) ? 'cognito' : 'jwt';
    const text = v instanceof Unknown ? v.text : issuer.value.text;
    if (/^https:\/\/cognito-idp\./.test(text) || this.m.refs(issuer.value).some((a) => a.startsWith('aws_cognito_user_pool.'))) return 'cognito';
    return 'jwt';
  }

  // --- REST API -------------------------------------------------------------------------------------

  private restApi(r: Res): void {
    const api: IacApi = { id: idOf(r), name: r.address, kind: 'rest', format: 'terraform', gatewayResponses: [], at: this.place(r, undefined) };
    if (!this.apis.has(r.address)) this.apis.set(r.address, api);
    r.fc.doc.apis.push(api);
  }

  /** The resource a `resource_id` names: `aws_api_gateway_resource.x`, an API's root (`<api>#root`), or via a method. */
  private restResource(e: Expr | undefined, depth = 0): { key: string; path: string; res?: Res } | undefined {
    if (!e || depth > 4) return undefined;
    for (const a of this.m.refs(e)) {
      const r = this.m.resources.get(a);
      if (!r) continue;
      if (r.type === 'aws_api_gateway_resource') return { key: r.address, path: this.restPath(r, new Set()), res: r };
      if (r.type === 'aws_api_gateway_rest_api') return { key: `${r.address}#root`, path: '/' };
      if (r.type === 'aws_api_gateway_method' || r.type === 'aws_api_gateway_integration') {
        const via = this.restResource(this.attr(r, 'resource_id')?.value, depth + 1);
        if (via) return via;
      }
    }
    return undefined;
  }

  private restPath(r: Res, seen: Set<string>): string {
    const known = this.paths.get(r.address);
    if (known !== undefined) return known;
    const path = this.restPathOf(r, seen);
    this.paths.set(r.address, path);
    return path;
  }

  private restPathOf(r: Res, seen: Set<string>): string {
    const partAttr = this.attr(r, 'path_part');
    const partVal = partAttr ? this.m.eval(partAttr.value, r.fc) : undefined;
    const part = knownString(partVal) ?? (partAttr ? iacText(partVal, partAttr.value) : '');
    if (seen.has(r.address) || seen.size > 64) return `/${part}`;
    seen.add(r.address);
    const parentExpr = this.attr(r, 'parent_id')?.value;
    let parent = parentExpr ? `\${${parentExpr.text}}` : '';
    for (const a of parentExpr ? this.m.refs(parentExpr) : []) {
      const p = this.m.resources.get(a);
      if (p?.type === 'aws_api_gateway_rest_api') parent = '';
      else if (p?.type === 'aws_api_gateway_resource') parent = this.restPath(p, seen);
      else continue;
      break;
    }
    return `${parent === '/' ? '' : parent}/${part}`;
  }

  private restApiOf(r: Res, resource: { res?: Res } | undefined): IacApi | undefined {
    const apiRes = this.m.refTo(this.attr(r, 'rest_api_id')?.value, 'aws_api_gateway_rest_api') ?? (resource?.res ? this.m.refTo(this.attr(resource.res, 'rest_api_id')?.value, 'aws_api_gateway_rest_api') : undefined);
    return apiRes ? this.apis.get(apiRes.address) : undefined;
  }

  /** The integration of a method: one that names the method, or one on the same resource and HTTP method. */
  private restIntegration(resourceKey: string, method: string, methodRes: Res): Res | undefined {
    if (!this.integrations) {
      const index = { byMethod: new Map<string, Res>(), byKey: new Map<string, Res>() };
      for (const i of this.m.of('aws_api_gateway_integration')) {
        const viaMethod = this.m.refTo(this.attr(i, 'http_method')?.value, 'aws_api_gateway_method');
        if (viaMethod && !index.byMethod.has(viaMethod.address)) index.byMethod.set(viaMethod.address, i);
        const ir = this.restResource(this.attr(i, 'resource_id')?.value);
        const key = `${ir?.key ?? ''} ${this.str(i, 'http_method')?.toUpperCase() ?? ''}`;
        if (ir && !index.byKey.has(key)) index.byKey.set(key, i);
      }
      this.integrations = index;
    }
    return this.integrations.byMethod.get(methodRes.address) ?? this.integrations.byKey.get(`${resourceKey} ${method}`);
  }

  private restMethod(r: Res): void {
    const resource = this.restResource(this.attr(r, 'resource_id')?.value);
    const api = this.restApiOf(r, resource);
    const methodAttr = this.attr(r, 'http_method');
    const methodVal = methodAttr ? this.m.eval(methodAttr.value, r.fc) : undefined;
    const method = knownString(methodVal)?.toUpperCase() ?? (methodAttr ? iacText(methodVal, methodAttr.value) : 'ANY');
    const key = resource?.key ?? this.attr(r, 'resource_id')?.value.text ?? '';
    const integration = this.restIntegration(key, method, r);
    const itype = integration ? this.str(integration, 'type')?.toUpperCase() : undefined;
    const fn = integration && (itype === 'AWS_PROXY' || itype === 'AWS') ? this.functionOf(this.attr(integration, 'uri')?.value, integration.fc) : undefined;
    const route: IacRoute = {
      api: api?.id ?? this.attr(r, 'rest_api_id')?.value.text ?? '',
      method,
      path: resource?.path ?? `\${${this.attr(r, 'resource_id')?.value.text ?? ''}}`,
      ...(fn ? { function: fn.id } : {}),
      authorizer: this.restAuthorizer(r),
      at: this.place(r, methodAttr ? 'http_method' : undefined),
    };
    r.fc.doc.routes.push(route);
    if (method === 'OPTIONS' && !this.optionsMethods.has(key)) this.optionsMethods.set(key, r);
    const list = this.restRoutes.get(key) ?? [];
    list.push(route);
    this.restRoutes.set(key, list);
  }

  private restAuthorizer(r: Res): Authorizer {
    const typeAttr = this.attr(r, 'authorization');
    const type = typeAttr ? knownString(this.m.eval(typeAttr.value, r.fc)) : undefined;
    const where = typeAttr ? this.place(r, 'authorization') : this.place(r, undefined);
    const plain = (kind: Authorizer['kind']): Authorizer => ({ kind, at: where });
    if (type === undefined) return plain('unknown');
    switch (type.toUpperCase()) {
      case 'NONE':
        return plain(this.m.value(r, 'api_key_required') === true ? 'api-key' : 'none');
      case 'AWS_IAM':
        return plain('iam');
      case 'COGNITO_USER_POOLS':
      case 'CUSTOM': {
        const az = this.m.refTo(this.attr(r, 'authorizer_id')?.value, 'aws_api_gateway_authorizer');
        if (!az) return plain(type.toUpperCase() === 'CUSTOM' ? 'lambda' : 'cognito');
        const azType = (this.str(az, 'type') ?? 'TOKEN').toUpperCase(); // TOKEN is Terraform's default
        const kind: Authorizer['kind'] = azType === 'COGNITO_USER_POOLS' ? 'cognito' : azType === 'TOKEN' || azType === 'REQUEST' ? 'lambda' : 'unknown';
        const sourceAttr = this.attr(az, 'identity_source');
        const source = sourceAttr ? knownString(this.m.eval(sourceAttr.value, az.fc)) : azType === 'REQUEST' ? undefined : 'method.request.header.Authorization'; // the documented default
        return {
          kind,
          name: this.str(az, 'name') ?? az.address,
          ...(source !== undefined ? { identitySource: source.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
          at: this.place(az, this.attr(az, 'type') ? 'type' : undefined),
        };
      }
      default:
        return plain('unknown');
    }
  }

  /**
   * REST CORS as generated by hand or by modules: an OPTIONS method with a MOCK integration whose
   * integration response (or method response) sets `Access-Control-Allow-Origin`. The preflight answer
   * is that static header; the actual responses come from the proxy integration (the function).
   */
  private restCors(): void {
    const done = new Set<string>();
    const sources = [...this.m.of('aws_api_gateway_integration_response'), ...this.m.of('aws_api_gateway_method_response')];
    for (const r of sources) {
      if (this.str(r, 'http_method')?.toUpperCase() !== 'OPTIONS') continue;
      const resource = this.restResource(this.attr(r, 'resource_id')?.value);
      if (!resource || done.has(resource.key)) continue;
      const routes = this.restRoutes.get(resource.key) ?? [];
      const options = this.optionsMethods.get(resource.key);
      const integration = options ? this.restIntegration(resource.key, 'OPTIONS', options) : undefined;
      const itype = integration ? this.str(integration, 'type')?.toUpperCase() : undefined;
      if (itype !== undefined && itype !== 'MOCK') continue;
      const params = this.m.value(r, 'response_parameters');
      if (!(params instanceof ObjVal)) continue;
      const headers = new Map<string, { v: Val; key: string }>();
      for (const [k, v] of params.entries) {
        const h = headerKey(k, 'method.response.header.');
        if (h !== undefined) headers.set(h.toLowerCase(), { v, key: k });
      }
      const origin = headers.get('access-control-allow-origin');
      if (!origin || typeof origin.v === 'boolean') continue; // method responses declare headers with booleans
      const text = (name: string): string | undefined => {
        const h = headers.get(name);
        const s = h ? knownString(h.v) : undefined;
        return s === undefined ? undefined : unquoteGateway(s);
      };
      const list = (name: string): string[] | undefined =>
        text(name)
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      const credentialsHeader = headers.get('access-control-allow-credentials');
      const credentialsText = text('access-control-allow-credentials');
      const credentials: boolean | Unresolved =
        credentialsHeader === undefined ? false : credentialsText !== undefined ? credentialsText.toLowerCase() === 'true' : { unresolved: credentialsHeader.v instanceof Unknown ? credentialsHeader.v.text : credentialsHeader.key };
      const originText = knownString(origin.v);
      const where = params.keyAt.get(origin.key);
      const methods = list('access-control-allow-methods');
      const allowHeaders = list('access-control-allow-headers');
      const expose = list('access-control-expose-headers');
      const maxAge = text('access-control-max-age');
      const cors: CorsConfig = {
        origins: [originText !== undefined ? unquoteGateway(originText) : { unresolved: origin.v instanceof Unknown ? origin.v.text : origin.key }],
        credentials,
        ...(methods ? { methods } : {}),
        ...(allowHeaders ? { headers: allowHeaders } : {}),
        ...(expose ? { exposeHeaders: expose } : {}),
        ...(maxAge !== undefined && /^\d+$/.test(maxAge) ? { maxAge: Number(maxAge) } : {}),
        preflight: 'mock',
        actual: 'function',
        matching: 'static',
        at: where ? at(where.fc, where.at, `${r.address}.response_parameters["${origin.key}"]`) : this.place(r, 'response_parameters'),
      };
      done.add(resource.key);
      for (const route of routes) route.cors = cors;
    }
  }

  private gatewayResponse(r: Res): void {
    const api = this.restApiOf(r, undefined);
    if (!api) return;
    const params = this.m.value(r, 'response_parameters');
    const headers: Record<string, IacString> = {};
    let originAt: Place | undefined;
    if (params instanceof ObjVal) {
      for (const [k, v] of params.entries) {
        const h = headerKey(k, 'gatewayresponse.header.');
        if (h === undefined) continue;
        const s = knownString(v);
        headers[h] = s !== undefined ? unquoteGateway(s) : { unresolved: v instanceof Unknown ? v.text : k };
        const where = params.keyAt.get(k);
        if (h.toLowerCase() === 'access-control-allow-origin' && where) originAt = at(where.fc, where.at, `${r.address}.response_parameters["${k}"]`);
      }
    }
    const typeAttr = this.attr(r, 'response_type');
    const response: GatewayResponse = {
      type: this.str(r, 'response_type') ?? typeAttr?.value.text ?? '',
      headers,
      at: originAt ?? this.place(r, typeAttr ? 'response_type' : undefined),
    };
    api.gatewayResponses.push(response);
  }

  // --- IAM ------------------------------------------------------------------------------------------

  private iam(): void {
    const byRole = new Map<string, IamStatement[]>();
    const add = (role: Res | undefined, stmts: IamStatement[]): void => {
      if (!role) return;
      const list = byRole.get(role.address) ?? [];
      list.push(...stmts);
      byRole.set(role.address, list);
    };
    for (const role of this.m.of('aws_iam_role')) {
      for (const [i, b] of role.block.blocks.filter((x) => x.type === 'inline_policy').entries()) {
        const p = b.attrs.get('policy');
        if (p) add(role, this.policyStatements(p, role.fc, `${role.address}.inline_policy[${i}].policy`));
      }
      const arns = this.attr(role, 'managed_policy_arns');
      if (arns) add(role, this.arnStatements(arns, role.fc, `${role.address}.managed_policy_arns`));
    }
    for (const r of this.m.of('aws_iam_role_policy')) {
      const p = this.attr(r, 'policy');
      if (p) add(this.roleOf(this.attr(r, 'role')?.value, r.fc), this.policyStatements(p, r.fc, `${r.address}.policy`));
    }
    for (const r of this.m.of('aws_iam_role_policy_attachment')) {
      const arn = this.attr(r, 'policy_arn');
      if (arn) add(this.roleOf(this.attr(r, 'role')?.value, r.fc), this.arnStatements(arn, r.fc, `${r.address}.policy_arn`));
    }
    for (const r of this.m.of('aws_iam_policy_attachment')) {
      const arn = this.attr(r, 'policy_arn');
      const roles = this.attr(r, 'roles')?.value;
      if (!arn || !roles) continue;
      const stmts = this.arnStatements(arn, r.fc, `${r.address}.policy_arn`);
      const targets = new Set<Res>();
      for (const a of this.m.refs(roles)) {
        const role = this.m.resources.get(a);
        if (role?.type === 'aws_iam_role') targets.add(role);
      }
      const names = knownList(this.m.eval(roles, r.fc)) ?? [];
      for (const n of names) {
        const role = this.roleByName(n);
        if (role) targets.add(role);
      }
      for (const role of targets) add(role, stmts);
    }
    for (const r of this.m.of('aws_lambda_function')) {
      const fn = this.declared.get(r);
      const role = this.roleOf(this.attr(r, 'role')?.value, r.fc);
      if (fn && role) fn.statements = [...(byRole.get(role.address) ?? [])];
    }
  }

  /** The role an expression names: `aws_iam_role.r.arn|name|id`, or a literal name or ARN of a role in the module. */
  private roleOf(e: Expr | undefined, fc: FileCtx): Res | undefined {
    if (!e) return undefined;
    const ref = this.m.refTo(e, 'aws_iam_role');
    if (ref) return ref;
    const s = knownString(this.m.eval(e, fc));
    return s === undefined ? undefined : this.roleByName(s);
  }

  private roleByName(s: string): Res | undefined {
    const name = s.includes(':role/') ? s.slice(s.lastIndexOf('/') + 1) : s;
    return this.m.of('aws_iam_role').find((r) => this.str(r, 'name') === name);
  }

  /** Statements behind policy ARNs: customer policies of the module (`aws_iam_policy.p.arn`) and known AWS managed policies. */
  private arnStatements(a: Attr, fc: FileCtx, path: string): IamStatement[] {
    const out: IamStatement[] = [];
    const v = this.m.eval(a.value, fc);
    const arns = Array.isArray(v) ? v : [v];
    let known = false;
    arns.forEach((x, i) => {
      const s = knownString(x);
      if (s === undefined) return;
      known = true;
      out.push(...this.managed(s, a, fc, Array.isArray(v) ? `${path}[${i}]` : path));
    });
    for (const addr of this.m.refs(a.value)) {
      const p = this.m.resources.get(addr);
      if (p?.type === 'aws_iam_policy') {
        const doc = this.attr(p, 'policy');
        if (doc) out.push(...this.policyStatements(doc, p.fc, `${p.address}.policy`));
      } else if (p?.type === 'data.aws_iam_policy' && !known) {
        // `data "aws_iam_policy" { name = "AmazonDynamoDBFullAccess" }`: its `arn` is computed
        const name = this.str(p, 'name') ?? this.str(p, 'arn');
        if (name) out.push(...this.managed(name, a, fc, path));
      }
    }
    return out;
  }

  private managed(arnOrName: string, a: Attr, fc: FileCtx, path: string): IamStatement[] {
    const m = /^(?:arn:aws[\w-]*:iam::aws:policy\/(?:[\w+=,.@/-]*\/)?)?([\w+=,.@-]+)$/.exec(arnOrName);
    const name = m?.[1];
    if (!name || !(name in MANAGED_POLICIES) || (!arnOrName.startsWith('arn:') && arnOrName !== name)) return [];
    return [{ effect: 'Allow', actions: [...MANAGED_POLICIES[name]], resources: ['*'], conditions: {}, template: name, at: at(fc, a.at, path) }];
  }

  /** Statements of a policy argument: `jsonencode(...)`, a JSON string (heredoc), or `data.aws_iam_policy_document.d.json`. */
  private policyStatements(a: Attr, fc: FileCtx, path: string, depth = 0): IamStatement[] {
    if (depth > 4) return [];
    const v = this.m.eval(a.value, fc);
    if (v instanceof Json) return this.jsonStatements(v.value, { fc, attr: a }, path);
    // a JSON string, possibly a template with computed parts (`"Resource": "${aws_dynamodb_table.t.arn}"`)
    const def = this.m.definition(a.value, fc);
    const withHoles = v instanceof Unknown ? this.m.templateHoles(def.expr, def.fc) : undefined;
    const text = typeof v === 'string' ? v : withHoles?.text;
    if (text !== undefined) {
      const holes = withHoles?.holes ?? [];
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // with holes, an interpolation outside a JSON string may be what breaks it: not the author's error
        if (!holes.length) this.problems.push({ file: fc.input.file, message: `${path} at line ${a.at.line} is not valid JSON; its statements were not read` });
        return [];
      }
      const lines = def.expr.k === 'tpl' && def.expr.heredoc ? { text, first: def.expr.bodyLine } : undefined;
      return this.jsonStatements(fromJson(parsed, holes), { fc: def.fc, attr: { ...a, at: def.expr.at }, lines }, path);
    }
    const out: IamStatement[] = [];
    for (const addr of this.m.refs(a.value)) {
      const d = this.m.resources.get(addr);
      if (d?.type === 'data.aws_iam_policy_document') out.push(...this.documentStatements(d, depth + 1));
    }
    return out;
  }

  private jsonStatements(doc: Val, origin: { fc: FileCtx; attr: Attr; lines?: { text: string; first: number } }, path: string): IamStatement[] {
    if (!(doc instanceof ObjVal)) return [];
    const raw = doc.entries.get('Statement');
    const list = Array.isArray(raw) ? raw : raw instanceof ObjVal ? [raw] : [];
    // for a JSON heredoc, the line of the n-th "Action" key stands for the n-th statement
    const actionLines: number[] = [];
    if (origin.lines) {
      const re = /"(?:Not)?Action"\s*:/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(origin.lines.text)) && actionLines.length < 10_000) {
        actionLines.push(origin.lines.first + (origin.lines.text.slice(0, m.index).match(/\n/g)?.length ?? 0));
      }
    }
    const out: IamStatement[] = [];
    let actionIndex = 0;
    list.forEach((s, i) => {
      if (!(s instanceof ObjVal)) return;
      const hasAction = s.entries.has('Action') || s.entries.has('NotAction');
      const line = hasAction ? actionLines[actionIndex++] : undefined;
      if (s.entries.has('NotAction') || s.entries.has('NotResource')) return; // not expressible in the model
      const effect = s.entries.get('Effect');
      if (effect !== 'Allow' && effect !== 'Deny') return;
      const where = s.keyAt.get('Action') ?? s.keyAt.get('Effect');
      const p = `${path}.Statement[${i}].Action`;
      const place = where ? at(where.fc, where.at, p) : line !== undefined ? placeAt(origin.fc.input, line, p) : at(origin.fc, origin.attr.at, p);
      out.push({
        effect,
        actions: iacList(s.entries.get('Action'), origin.attr.value),
        resources: iacList(s.entries.get('Resource'), origin.attr.value),
        conditions: this.jsonConditions(s.entries.get('Condition'), origin.attr.value),
        at: place,
      });
    });
    return out;
  }

  private jsonConditions(v: Val | undefined, e: Expr): IamStatement['conditions'] {
    const out: IamStatement['conditions'] = {};
    if (!(v instanceof ObjVal)) return out;
    for (const [op, keys] of v.entries) {
      if (!(keys instanceof ObjVal)) continue;
      const byKey: Record<string, IacString[]> = {};
      for (const [k, values] of keys.entries) byKey[k] = iacList(values, e);
      out[op] = byKey;
    }
    return out;
  }

  /** `data "aws_iam_policy_document"`: its statement blocks, after those of `source_policy_documents`. */
  private documentStatements(d: Res, depth: number): IamStatement[] {
    const cached = this.policyCache.get(d.address);
    if (cached) return cached;
    this.policyCache.set(d.address, []); // a document that includes itself ends here
    const out: IamStatement[] = [];
    for (const name of ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json']) {
      const a = this.attr(d, name);
      if (!a) continue;
      const items = a.value.k === 'tuple' ? a.value.items : [a.value];
      for (const item of items) out.push(...this.policyStatements({ name, value: item, at: item.at }, d.fc, `${d.address}.${name}`, depth + 1));
    }
    // IAM's `${aws:username}` is written `&{aws:username}` in policy documents
    const amp = (xs: IacString[]): IacString[] => xs.map((x) => (typeof x === 'string' ? x.replace(/&\{/g, '${') : x));
    const list = (b: Block, name: string): IacString[] => {
      const a = b.attrs.get(name);
      return a ? amp(iacList(this.m.eval(a.value, d.fc), a.value)) : [];
    };
    d.block.blocks
      .filter((b) => b.type === 'statement')
      .forEach((b, i) => {
        if (b.attrs.has('not_actions') || b.attrs.has('not_resources')) return; // not expressible in the model
        const effectAttr = b.attrs.get('effect');
        const effect = effectAttr ? knownString(this.m.eval(effectAttr.value, d.fc)) : 'Allow';
        if (effect !== 'Allow' && effect !== 'Deny') return;
        const conditions: IamStatement['conditions'] = {};
        for (const c of b.blocks.filter((x) => x.type === 'condition')) {
          const test = c.attrs.get('test');
          const variable = c.attrs.get('variable');
          const t = test ? knownString(this.m.eval(test.value, d.fc)) : undefined;
          const k = variable ? knownString(this.m.eval(variable.value, d.fc)) : undefined;
          if (t === undefined || k === undefined) continue;
          conditions[t] ??= {};
          conditions[t][k] = [...(conditions[t][k] ?? []), ...list(c, 'values')];
        }
        const actionsAttr = b.attrs.get('actions');
        out.push({
          effect,
          actions: list(b, 'actions'),
          resources: list(b, 'resources'),
          conditions,
          at: at(d.fc, actionsAttr?.at ?? b.at, `${d.address}.statement[${i}].actions`),
        });
      });
    this.policyCache.set(d.address, out);
    return out;
  }
}

/** `GET /profiles/{id}` → GET and the path; `$default` → ANY `$default`. */
function splitRouteKey(key: string): { method: string; path: string } {
  const m = /^(\S+)\s+(\S.*)$/.exec(key.trim());
  if (m) return { method: m[1].toUpperCase(), path: m[2].trim() };
  return { method: 'ANY', path: key.trim() };
}

/** A value's text when it is not a known string: the expression as written. */
function iacText(v: Val | undefined, e: Expr): string {
  return v instanceof Unknown ? v.text : e.text;
}
