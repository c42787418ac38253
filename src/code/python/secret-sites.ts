/**
 * Worker side of `hardcoded-credentials`: string literals that may be credentials, with the name they
 * are bound to. Cheap by construction: a text prefilter proposes places (secret-ish names, AWS key id
 * shapes, URLs with a password, jwt.encode/decode calls) and the tree confirms each with
 * `descendantForIndex` and a short climb; no tree walk. Judgement (entropy, placeholders, test files)
 * is made on the main thread by the rule, with `code/secrets.ts`.
 */
import type { Node } from 'web-tree-sitter';
import type { Expr, Loc } from './ir.ts';
import { locOf, stringLiteral, toExpr, type Lines } from './extract.ts';
import { AWS_KEY_ID, kindOfName, SECRET_NAME_TEXT, URL_CREDENTIALS_TEXT } from '../secrets.ts';

export interface SecretSite {
  /** The literal, judged on the main thread; never shown (evidence masks it). */
  value: string;
  /** The variable, attribute, dict key, keyword or environment variable the literal is bound to. */
  name?: string;
  how: 'assign' | 'field' | 'kwarg' | 'dict' | 'env-default' | 'jwt-key' | 'param-default' | 'string';
  /** The call for `kwarg`, `env-default` and `jwt-key`, to qualify (`boto3.client`, `os.getenv`, `jwt.encode`). */
  callee?: Expr;
  /** The class of a field default (`Settings.jwt_secret`). */
  cls?: string;
  /** Where the finding points: the call for keyword arguments, the target of an assignment, the dict key. */
  loc: Loc;
  /** The literal itself. */
  at: Loc;
  /** The source line of the literal (masked before it is shown). */
  snippet: string;
}

const GETENV = /(?:^|\.)(?:getenv|environ\.get|environ\.setdefault)$/;
const JWT_CALL = /\b(?:encode|decode)\s*\(/g;

interface Binding {
  value: Node;
  name?: string;
  how: SecretSite['how'];
  anchor: Node;
  call?: Node;
}

/** Every literal that the text proposes and the tree confirms as bound to a secret-ish name, shaped like an AWS key id, or a JWT key. */
export function findSecretSites(source: string, root: Node, lines: Lines): SecretSite[] {
  const out: SecretSite[] = [];
  const seen = new Set<number>();
  const push = (found: Binding | undefined, jwtKey = false): void => {
    let b = found;
    if (!b) return;
    const lit = literalOf(b.value);
    if (!lit || seen.has(lit.node.startIndex)) return;
    seen.add(lit.node.startIndex);
    if (lit.getenv && !jwtKey) {
      // NAME = os.getenv("NAME", "literal"): the literal is the fallback of the environment read
      const envName = stringLiteral(lit.getenv.childForFieldName('arguments')?.namedChildren[0] ?? null);
      b = { ...b, how: 'env-default', call: lit.getenv, name: envName !== undefined && (kindOfName(envName) || !b.name) ? envName : b.name };
    }
    const fnNode = b.call?.childForFieldName('function');
    const at = locOf(lit.node);
    out.push({
      value: lit.value,
      name: b.name,
      how: jwtKey ? 'jwt-key' : b.how,
      callee: fnNode ? toExpr(fnNode) : undefined,
      cls: b.how === 'field' ? classOf(b.anchor) : undefined,
      loc: locOf(b.anchor),
      at,
      snippet: lines.at(at.line),
    });
  };

  for (const m of source.matchAll(SECRET_NAME_TEXT)) {
    const node = root.descendantForIndex(m.index);
    if (node) push(nameBinding(node));
  }
  for (const re of [AWS_KEY_ID, URL_CREDENTIALS_TEXT]) {
    for (const m of source.matchAll(re)) {
      const node = root.descendantForIndex(m.index);
      if (node?.type === 'string_content' && node.parent?.type === 'string') push(valueBinding(node.parent));
    }
  }
  if (/\b(?:jwt|jose)\b/.test(source)) {
    for (const m of source.matchAll(JWT_CALL)) {
      const node = root.descendantForIndex(m.index);
      if (node?.type !== 'identifier') continue;
      const fn = node.parent?.type === 'attribute' && node.parent.childForFieldName('attribute')?.id === node.id ? node.parent : node;
      const call = fn.parent;
      if (call?.type !== 'call' || call.childForFieldName('function')?.id !== fn.id) continue;
      const key = argument(call, 1, 'key');
      if (key) push({ value: key, how: 'jwt-key', anchor: call, call }, true);
    }
  }
  return out;
}

/** The binding a secret-ish name (at `node`) introduces: `NAME = v`, `name: str = v`, `f(name=v)`, `{"name": v}`, `os.getenv("NAME", v)`. */
function nameBinding(node: Node): Binding | undefined {
  const parent = node.parent;
  if (!parent) return undefined;
  if (node.type === 'identifier') {
    const isName = parent.childForFieldName('name')?.id === node.id;
    if (parent.type === 'keyword_argument' && isName) {
      const value = parent.childForFieldName('value');
      const call = parent.parent?.parent;
      return value && call?.type === 'call' ? { value, name: node.text, how: 'kwarg', anchor: call, call } : undefined;
    }
    if ((parent.type === 'default_parameter' || parent.type === 'typed_default_parameter') && isName) {
      const value = parent.childForFieldName('value');
      return value ? { value, name: node.text, how: 'param-default', anchor: parent } : undefined;
    }
    if (parent.type === 'assignment' && parent.childForFieldName('left')?.id === node.id) return assignment(parent, node.text, node);
    if (parent.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) {
      const a = parent.parent;
      if (a?.type === 'assignment' && a.childForFieldName('left')?.id === parent.id) return assignment(a, node.text, parent);
    }
    return undefined;
  }
  if (node.type !== 'string_content' || parent.type !== 'string') return undefined;
  const str = parent;
  const key = stringLiteral(str);
  const holder = str.parent;
  if (key === undefined || !holder) return undefined;
  if (holder.type === 'pair' && holder.childForFieldName('key')?.id === str.id) {
    const value = holder.childForFieldName('value');
    return value ? { value, name: key, how: 'dict', anchor: holder } : undefined;
  }
  if (holder.type === 'subscript' && holder.childForFieldName('subscript')?.id === str.id) {
    // os.environ["AWS_SECRET_ACCESS_KEY"] = "…", config["password"] = "…"
    const a = holder.parent;
    if (a?.type === 'assignment' && a.childForFieldName('left')?.id === holder.id) return assignment(a, key, holder);
    return undefined;
  }
  if (holder.type === 'argument_list' && holder.namedChildren[0]?.id === str.id) {
    const call = holder.parent;
    if (call?.type === 'call' && GETENV.test(call.childForFieldName('function')?.text ?? '')) {
      const value = argument(call, 1, 'default');
      return value ? { value, name: key, how: 'env-default', anchor: call, call } : undefined;
    }
  }
  return undefined;
}

function assignment(a: Node, name: string, target: Node): Binding | undefined {
  const right = a.childForFieldName('right');
  if (!right) return undefined;
  const inClass = a.parent?.parent?.type === 'block' && a.parent.parent.parent?.type === 'class_definition';
  return { value: right, name, how: inClass ? 'field' : 'assign', anchor: target };
}

/** The binding around a literal found by its shape (an AWS key id, a URL with a password). */
function valueBinding(str: Node): Binding | undefined {
  let value = str;
  if (value.parent?.type === 'concatenated_string') value = value.parent;
  const p = value.parent;
  if (!p) return undefined;
  if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === value.id) {
    const call = p.parent?.parent;
    const name = p.childForFieldName('name')?.text;
    if (call?.type === 'call') return { value, name, how: 'kwarg', anchor: call, call };
  }
  if (p.type === 'assignment' && p.childForFieldName('right')?.id === value.id) {
    const left = p.childForFieldName('left');
    const name = left?.type === 'identifier' ? left.text : left?.type === 'attribute' ? left.childForFieldName('attribute')?.text : left?.type === 'subscript' ? stringLiteral(left.childForFieldName('subscript')) : undefined;
    if (left) return { ...assignment(p, name ?? left.text, left)!, name };
  }
  if (p.type === 'pair' && p.childForFieldName('value')?.id === value.id) {
    return { value, name: stringLiteral(p.childForFieldName('key')), how: 'dict', anchor: p };
  }
  if (p.type === 'argument_list' && p.parent?.type === 'call') {
    const call = p.parent;
    if (GETENV.test(call.childForFieldName('function')?.text ?? '') && p.namedChildren[1]?.id === value.id) {
      return { value, name: stringLiteral(p.namedChildren[0] ?? null), how: 'env-default', anchor: call, call };
    }
  }
  return { value, how: 'string', anchor: value };
}

/** A literal value: a plain string, a concatenation of them, or the literal inside `os.getenv(…, "lit")`, `x or "lit"`, `Field("lit")`. */
function literalOf(node: Node, depth = 0): { node: Node; value: string; getenv?: Node } | undefined {
  if (depth > 3) return undefined;
  switch (node.type) {
    case 'string': {
      const v = stringLiteral(node);
      return v === undefined ? undefined : { node, value: v };
    }
    case 'concatenated_string': {
      const parts = node.namedChildren.filter((c): c is Node => c?.type === 'string').map(stringLiteral);
      return parts.every((p) => p !== undefined) ? { node, value: parts.join('') } : undefined;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c && c.type !== 'comment');
      return inner ? literalOf(inner, depth + 1) : undefined;
    }
    case 'boolean_operator': {
      // os.getenv("X") or "literal": the literal is the fallback
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      if (node.childForFieldName('operator')?.text !== 'or' || !right) return undefined;
      const lit = literalOf(right, depth + 1);
      const env = left?.type === 'call' && GETENV.test(left.childForFieldName('function')?.text ?? '') ? left : undefined;
      return lit && { ...lit, getenv: lit.getenv ?? env };
    }
    case 'call': {
      const fn = node.childForFieldName('function')?.text ?? '';
      if (GETENV.test(fn)) {
        const d = argument(node, 1, 'default');
        const lit = d && literalOf(d, depth + 1);
        return lit && { ...lit, getenv: node };
      }
      if (/(?:^|\.)Field$/.test(fn)) {
        const d = argument(node, 0, 'default');
        return d ? literalOf(d, depth + 1) : undefined;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The i-th positional argument of a call, or its keyword argument `kw`. */
function argument(call: Node, i: number, kw: string): Node | undefined {
  const list = call.childForFieldName('arguments');
  if (!list) return undefined;
  let n = 0;
  for (const a of list.namedChildren) {
    if (!a || a.type === 'comment') continue;
    if (a.type === 'keyword_argument') {
      if (a.childForFieldName('name')?.text === kw) return a.childForFieldName('value') ?? undefined;
    } else if (a.type !== 'list_splat' && a.type !== 'dictionary_splat') {
      if (n++ === i) return a;
    }
  }
  return undefined;
}

function classOf(node: Node): string | undefined {
  for (let n: Node | null = node.parent; n; n = n.parent) if (n.type === 'class_definition') return n.childForFieldName('name')?.text;
  return undefined;
}
