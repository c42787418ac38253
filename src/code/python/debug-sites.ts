/**
 * Worker side of `debug-mode-enabled`: where an app may be put in debug mode, and where a function returns
 * the process environment or a settings object wholesale. A text prefilter proposes places (`debug=`,
 * `.debug =`, `environ`, `return name`, `name.model_dump()`) and the tree confirms each with
 * `descendantForIndex` and a short climb; the main thread resolves values across modules and decides.
 */
import type { Node } from 'web-tree-sitter';
import type { Expr, ImportBinding, Loc } from './ir.ts';
import { locOf, toExpr, type Lines } from './extract.ts';

/** A comparison (`os.getenv("DEBUG", "true").lower() == "true"`), which the expression IR keeps as unknown. */
export interface Comparison {
  op: string; // ==, !=, in, not in, is, is not
  l: Expr;
  r: Expr;
  text: string;
}

export type DebugValue = { expr: Expr } | { cmp: Comparison };

export interface DebugSite {
  /** `FastAPI(debug=…)` / `Starlette(debug=…)`, or `app.debug = …`. */
  form: 'kwarg' | 'attr';
  /** The called constructor (kwarg) or the object whose `debug` is set (attr). */
  target: Expr;
  value: DebugValue;
  /** The variable the app is assigned to: `app = FastAPI(debug=…)`. */
  appTarget?: string;
  /** The enclosing function (app factories) and its simple assignments. */
  fn?: string;
  locals?: Record<string, Expr>;
  localFlags?: Record<string, Comparison>;
  loc: Loc;
  snippet: string;
}

/** A return that hands the environment or a whole settings object to the caller. */
export interface ExposureSite {
  what: 'environ' | 'settings';
  /** As written: `dict(os.environ)`, `settings.model_dump()`. */
  how: string;
  /** The object returned (settings), to resolve on the main thread. */
  subject?: Expr;
  /** The subject is a parameter of the function: its annotation and default (`Depends(get_settings)`). */
  param?: { annotation?: Expr; default?: Expr };
  fn: string;
  fnLine: number;
  /** By its own shape: a route decorator or the Lambda `(event, context)` signature. */
  handler?: 'route' | 'lambda';
  loc: Loc;
  snippet: string;
}

export interface DebugSites {
  debug: DebugSite[];
  /** Module-level comparisons assigned to debug-ish names: `DEBUG = os.environ.get("X", "1") == "1"`. */
  flags: Record<string, Comparison>;
  exposures: ExposureSite[];
}

// anchored on the literal word (descendantForIndex finds the whole identifier around it)
const DEBUG_TEXT = /debug\w*\s*(?::[^=\n]*)?=(?!=)/gi;
const RETURN_NAME = /\breturn\s+([A-Za-z_]\w*)\s*(?:#.*)?$/gm;
// anchored on the method or builtin (a leading identifier class would try every word): `.model_dump()`, `vars(x)`, `.__dict__`
const DUMP_CALL = /\.\s*(?:model_dump|dict|json|model_dump_json)\s*\(\s*\)|\bvars\s*\(\s*[A-Za-z_]|\.__dict__\b/g;
const ROUTE_DECORATOR = /^@[\w.]+\.(?:get|post|put|patch|delete|head|options|api_route|route|websocket)\s*\(/;
/** Calls whose result does not disclose the values of a mapping passed in. */
const HARMLESS = new Set(['len', 'bool', 'list', 'sorted', 'set', 'tuple', 'any', 'all', 'isinstance', 'type', 'id', 'hash']);
/** Parents through which a value still reaches what encloses it unchanged (or serialised). */
const CARRIERS = new Set(['argument_list', 'pair', 'dictionary', 'list', 'tuple', 'set', 'parenthesized_expression', 'keyword_argument', 'dictionary_splat', 'expression_list', 'conditional_expression', 'call']);

export function findDebugSites(source: string, root: Node, lines: Lines, imports: Record<string, ImportBinding>, assigns: Record<string, unknown>): DebugSites {
  const out: DebugSites = { debug: [], flags: {}, exposures: [] };
  if (/debug/i.test(source)) debugSettings(source, root, lines, out);
  if (source.includes('environ')) environReturns(source, root, lines, imports, out);
  settingsReturns(source, root, lines, imports, assigns, out);
  return out;
}

function debugSettings(source: string, root: Node, lines: Lines, out: DebugSites): void {
  for (const m of source.matchAll(DEBUG_TEXT)) {
    const node = root.descendantForIndex(m.index);
    if (node?.type !== 'identifier') continue;
    const parent = node.parent;
    if (node.text === 'debug' && parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) {
      // FastAPI(debug=…)
      const call = parent.parent?.parent;
      const value = parent.childForFieldName('value');
      const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
      if (!call || !fn || !value) continue;
      const assign = call.parent?.type === 'assignment' && call.parent.childForFieldName('right')?.id === call.id ? call.parent.childForFieldName('left') : null;
      out.debug.push({ form: 'kwarg', target: toExpr(fn), value: debugValue(value, source), appTarget: assign?.type === 'identifier' ? assign.text : undefined, ...scopeOf(call, source), loc: locOf(call), snippet: lines.at(call.startPosition.row + 1) });
    } else if (node.text === 'debug' && parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) {
      // app.debug = …
      const a = parent.parent;
      const value = a?.childForFieldName('right');
      const obj = parent.childForFieldName('object');
      if (a?.type !== 'assignment' || a.childForFieldName('left')?.id !== parent.id || !value || !obj) continue;
      out.debug.push({ form: 'attr', target: toExpr(obj), value: debugValue(value, source), ...scopeOf(a, source), loc: locOf(a), snippet: lines.at(a.startPosition.row + 1) });
    } else if (parent?.type === 'assignment' && parent.childForFieldName('left')?.id === node.id && parent.parent?.parent?.type === 'module') {
      // DEBUG = os.environ.get("API_DEBUG", "1") == "1"
      const right = parent.childForFieldName('right');
      const cmp = right && comparison(right, source);
      if (cmp) out.flags[node.text] = cmp;
    }
  }
}

function debugValue(node: Node, source: string): DebugValue {
  const cmp = comparison(node, source);
  return cmp ? { cmp } : { expr: toExpr(node) };
}

function comparison(node: Node, source: string): Comparison | undefined {
  while (node.type === 'parenthesized_expression' && node.namedChildren[0]) node = node.namedChildren[0];
  if (node.type !== 'comparison_operator') return undefined;
  const operands = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (operands.length !== 2) return undefined;
  const op = source.slice(operands[0].endIndex, operands[1].startIndex).trim().replace(/\s+/g, ' ');
  return { op, l: toExpr(operands[0]), r: toExpr(operands[1]), text: node.text.length > 160 ? `${node.text.slice(0, 159)}…` : node.text };
}

/** The enclosing function of a site and its simple assignments (app factories). */
function scopeOf(node: Node, source: string): { fn?: string; locals?: Record<string, Expr>; localFlags?: Record<string, Comparison> } {
  const fnNode = enclosingFunction(node);
  if (!fnNode) return {};
  const locals: Record<string, Expr> = {};
  const localFlags: Record<string, Comparison> = {};
  for (const a of fnNode.childForFieldName('body')?.descendantsOfType('assignment') ?? []) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (!a || !right || left?.type !== 'identifier' || a.startIndex >= node.startIndex) continue;
    const cmp = comparison(right, source);
    if (cmp) localFlags[left.text] = cmp;
    else locals[left.text] = toExpr(right);
  }
  return { fn: fnNode.childForFieldName('name')?.text, locals, localFlags };
}

function enclosingFunction(node: Node): Node | undefined {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n;
    if (n.type === 'class_definition') return undefined;
  }
  return undefined;
}

/** How a function is reached from outside, by its own shape. */
function handlerShape(fnNode: Node): ExposureSite['handler'] {
  const deco = fnNode.parent?.type === 'decorated_definition' ? fnNode.parent : null;
  if (deco?.namedChildren.some((d) => d?.type === 'decorator' && ROUTE_DECORATOR.test(d.text))) return 'route';
  if (/^\(\s*_?event\s*,\s*_?context\b/.test(fnNode.childForFieldName('parameters')?.text ?? '')) return 'lambda';
  return undefined;
}

/**
 * Climbs from a value through containers and calls to what receives it: a return statement, or an
 * assignment to a local name. Stops at anything that derives a new value (comparison, subscript,
 * attribute, arithmetic) or a call that discloses nothing of its argument (`len`, `list` of the keys).
 */
function receiver(node: Node): { kind: 'return'; stmt: Node } | { kind: 'local'; name: string; stmt: Node } | undefined {
  let n = node;
  for (let p = n.parent; p; n = p, p = p.parent) {
    if (p.type === 'return_statement') return { kind: 'return', stmt: p };
    if (p.type === 'assignment') {
      const left = p.childForFieldName('left');
      return p.childForFieldName('right')?.id === n.id && left?.type === 'identifier' ? { kind: 'local', name: left.text, stmt: p } : undefined;
    }
    if (!CARRIERS.has(p.type)) return undefined;
    if (p.type === 'call') {
      if (p.childForFieldName('function')?.id === n.id) return undefined;
      continue;
    }
    if (p.type === 'argument_list') {
      const fn = p.parent?.childForFieldName('function');
      const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (name && HARMLESS.has(name)) return undefined;
    }
    if (p.type === 'pair' && p.childForFieldName('key')?.id === n.id) return undefined;
    if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id !== n.id) return undefined;
  }
  return undefined;
}

/**
 * The whole environment as a value: `os.environ`, `os.environ.copy()`, `dict(os.environ.items())`,
 * `{k: v for k, v in os.environ.items()}` (no filter). `os.environ["X"]`, `.get("X")`, `.keys()` are not.
 */
function wholeEnvironment(ref: Node): Node | undefined {
  let e = ref;
  const p = e.parent;
  if (p?.type === 'attribute' && p.childForFieldName('object')?.id === e.id) {
    const method = p.childForFieldName('attribute')?.text ?? '';
    const call = p.parent;
    if (call?.type !== 'call' || call.childForFieldName('function')?.id !== p.id || !['copy', 'items', 'values'].includes(method)) return undefined;
    e = call;
  } else if (p?.type === 'subscript' || p?.type === 'comparison_operator') {
    return undefined;
  }
  const q = e.parent;
  if (q?.type === 'for_in_clause' && q.childForFieldName('right')?.id === e.id) {
    const comp = q.parent;
    if (!comp || !/comprehension|generator_expression/.test(comp.type)) return undefined;
    if (comp.namedChildren.some((c) => c?.type === 'if_clause')) return undefined; // filtered: an allow/deny list
    if (e.type !== 'call') return undefined; // iterating the names only
    return comp;
  }
  return e;
}

function environReturns(source: string, root: Node, lines: Lines, imports: Record<string, ImportBinding>, out: DebugSites): void {
  const osNames = new Set(Object.entries(imports).filter(([, b]) => b.module === 'os' && !b.name).map(([local]) => local));
  const environNames = new Set(Object.entries(imports).filter(([, b]) => b.module === 'os' && b.name === 'environ').map(([local]) => local));
  if (!osNames.size && !environNames.size) return;
  const tainted = new Map<Node, Set<string>>(); // function → locals holding the whole environment
  const seen = new Set<number>();
  // reads of one variable (os.environ["X"], .get("X"), .setdefault, .pop, .keys()) are told apart by text, before the tree
  for (const m of source.matchAll(/\benviron\b(?!\s*(?:\[|\.\s*(?:get|setdefault|pop|keys|update)\b))/g)) {
    let node = root.descendantForIndex(m.index);
    if (node?.type !== 'identifier') continue;
    const parent = node.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) {
      const obj = parent.childForFieldName('object');
      if (obj?.type !== 'identifier' || !osNames.has(obj.text)) continue;
      node = parent; // os.environ
    } else if (!environNames.has(node.text)) {
      continue; // environ imported from os, used bare
    }
    const whole = wholeEnvironment(node);
    if (!whole) continue;
    const r = receiver(whole);
    const fnNode = r && enclosingFunction(whole);
    if (!fnNode) continue;
    // name it as written: dict(os.environ) rather than os.environ
    const wrap = whole.parent?.type === 'argument_list' && whole.parent.namedChildCount === 1 && whole.parent.parent?.childForFieldName('function')?.text === 'dict' ? whole.parent.parent : whole;
    if (r?.kind === 'return') exposure(r.stmt, fnNode, 'environ', wrap.text, lines, seen, out);
    else if (r?.kind === 'local') {
      const set = tainted.get(fnNode) ?? new Set<string>();
      set.add(r.name);
      tainted.set(fnNode, set);
    }
  }
  // env = dict(os.environ) … return {"body": json.dumps(env)}
  for (const [fnNode, names] of tainted) {
    const text = fnNode.text;
    const re = new RegExp(`\\b(?:${[...names].join('|')})\\b`, 'g');
    for (const m of text.matchAll(re)) {
      const node = root.descendantForIndex(fnNode.startIndex + m.index);
      if (node?.type !== 'identifier' || !names.has(node.text)) continue;
      const r = receiver(node);
      if (r?.kind === 'return' && enclosingFunction(r.stmt)?.id === fnNode.id) exposure(r.stmt, fnNode, 'environ', `${node.text} (a copy of os.environ)`, lines, seen, out);
    }
  }
}

function settingsReturns(source: string, root: Node, lines: Lines, imports: Record<string, ImportBinding>, assigns: Record<string, unknown>, out: DebugSites): void {
  const seen = new Set<number>();
  const consider = (nameNode: Node | null, whole: Node, how: string): void => {
    if (nameNode?.type !== 'identifier') return;
    const r = receiver(whole);
    if (r?.kind !== 'return') return;
    const fnNode = enclosingFunction(whole);
    if (!fnNode) return;
    const name = nameNode.text;
    const param = parameter(fnNode, name);
    if (!param && !(name in imports) && !(name in assigns)) return; // a local: not followed
    exposure(r.stmt, fnNode, 'settings', how, lines, seen, out, toExpr(nameNode), param);
  };
  for (const m of source.matchAll(RETURN_NAME)) {
    if (m[1] === 'None' || m[1] === 'True' || m[1] === 'False') continue;
    const at = m.index + m[0].indexOf(m[1], 6);
    const node = root.descendantForIndex(at);
    if (node?.type === 'identifier' && node.parent?.type === 'return_statement') consider(node, node, node.text);
  }
  if (!/model_dump|\.dict\(|\.json\(|vars\(|__dict__/.test(source)) return;
  for (const m of source.matchAll(DUMP_CALL)) {
    // by text first: the object is a module-level name (an imported or built settings object), or the line returns
    const before = /([A-Za-z_]\w*)\s*$/.exec(source.slice(Math.max(0, m.index - 80), m.index))?.[1];
    const lineStart = source.lastIndexOf('\n', m.index) + 1;
    if (!m[0].startsWith('vars') && !(before && (before in imports || before in assigns)) && !/^\s*return\b/.test(source.slice(lineStart, m.index))) continue;
    if (m[0].startsWith('vars')) {
      // vars(settings)
      const node = root.descendantForIndex(m.index + m[0].length - 1);
      const call = node?.parent?.parent;
      if (node?.type === 'identifier' && node.parent?.type === 'argument_list' && call?.type === 'call') consider(node, call, `vars(${node.text})`);
      continue;
    }
    // the method name (or __dict__) after the dot; its attribute's object is the subject
    const name = root.descendantForIndex(m.index + m[0].search(/\w/));
    const attr = name?.parent;
    const obj = attr?.type === 'attribute' ? attr.childForFieldName('object') : null;
    if (!attr || obj?.type !== 'identifier' || attr.childForFieldName('attribute')?.id !== name!.id) continue;
    const whole = m[0].endsWith('__dict__') ? attr : attr.parent?.type === 'call' && attr.parent.childForFieldName('function')?.id === attr.id ? attr.parent : null;
    if (whole) consider(obj, whole, whole.text.replace(/\s+/g, ''));
  }
}

function parameter(fnNode: Node, name: string): ExposureSite['param'] | undefined {
  for (const p of fnNode.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const id = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
    if (id?.text !== name) continue;
    const type = p.childForFieldName('type');
    const dflt = p.childForFieldName('value');
    return { annotation: type ? toExpr(type.namedChildren[0] ?? type) : undefined, default: dflt ? toExpr(dflt) : undefined };
  }
  return undefined;
}

function exposure(stmt: Node, fnNode: Node, what: ExposureSite['what'], how: string, lines: Lines, seen: Set<number>, out: DebugSites, subject?: Expr, param?: ExposureSite['param']): void {
  if (seen.has(stmt.startIndex)) return;
  seen.add(stmt.startIndex);
  const loc = locOf(stmt);
  out.exposures.push({
    what,
    how: how.length > 80 ? `${how.slice(0, 79)}…` : how,
    subject,
    param,
    fn: fnNode.childForFieldName('name')?.text ?? '?',
    fnLine: fnNode.startPosition.row + 1,
    handler: handlerShape(fnNode),
    loc,
    snippet: lines.at(loc.line),
  });
}
