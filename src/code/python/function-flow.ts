/**
 * Per-function data flow, computed in the worker from the tree: what each value derives from (symbolic
 * taint), every DynamoDB call with what flows into its key, table name and expressions, the comparisons
 * that guard code, what the function returns, and JWT payloads read without verification.
 *
 * Followed: assignments (also tuple targets), augmented assignment, f-strings, `+`/`%`/`.format`,
 * dict/list/tuple displays, attribute and subscript access and `.get()`, `await`, `json.loads`, `or`
 * defaults, conditional expressions, calls (resolved later against the callee's summary), if/for/while/
 * try/with blocks (branches are merged). Not followed: values stored on objects or in containers that are
 * mutated later, closures, generators, class attributes.
 */
import type { Node } from 'web-tree-sitter';
import type { Atom, Check, DynamoCall, Expr, FunctionSummary, KeyPart, LogSite, ParamInfo, ResponseSite, Taint, WriteSite } from './ir.ts';
import { locOf, stringLiteral, toExpr, type Lines } from './extract.ts';

export const DYNAMO_OPS = new Set([
  'get_item', 'query', 'scan', 'put_item', 'update_item', 'delete_item', 'batch_get_item', 'batch_write_item',
  'transact_get_items', 'transact_write_items', 'execute_statement', 'batch_execute_statement', 'execute_transaction',
]);
const KEY_ENTRY = /^(Key|Keys)$/;
/** Expression text; PartiQL `Statement` too: values belong in Parameters, never in the text. */
const EXPRESSION_KWARGS = new Set(['KeyConditionExpression', 'FilterExpression', 'UpdateExpression', 'ProjectionExpression', 'ConditionExpression', 'Statement']);
/** Builtins whose result carries nothing of their arguments' identity. */
const OPAQUE = new Set(['len', 'bool', 'isinstance', 'hasattr', 'any', 'all', 'sum', 'print', 'type', 'id', 'callable']);
const MAX_PATH = 8;
/** toExpr depth at which nodes carry no position and only short text: for summaries the main thread reads but never points at. */
const BARE = 2;
const RELEVANT = /get_item|query|scan|put_item|update_item|delete_item|batch_|transact_|execute_|paginate|decode|unverified|Table\(/;
const MAX_ATOMS = 24;

const EMPTY: Taint = Object.freeze([]) as unknown as Taint;

/** Set union of taints; every taint is already duplicate-free, so one non-empty input is returned as is. */
function union(...ts: Taint[]): Taint {
  let only: Taint | undefined;
  let count = 0;
  for (const t of ts) {
    if (t.length) {
      only = t;
      count++;
    }
  }
  if (count === 0) return EMPTY;
  if (count === 1) return only!;
  const out: Atom[] = [];
  const seen = new Set<string>();
  for (const t of ts) {
    for (const a of t) {
      const key = atomKey(a);
      if (seen.has(key) || out.length >= MAX_ATOMS) continue;
      seen.add(key);
      out.push(a);
    }
  }
  return out;
}

function atomKey(a: Atom): string {
  switch (a.k) {
    case 'param':
      return `p${a.i}:${a.path.join('.')}`;
    case 'dyn':
      return `d${a.call}:${a.path?.join('.') ?? ''}`;
    case 'unverified':
      return `u${a.line}`;
    case 'exc':
      return `e${a.line}:${a.path.join('.')}`;
    case 'claims':
      return `j${a.line}:${a.path.join('.')}`;
    case 'hashed':
      return `h${a.line}`;
    case 'secret':
      return `s${a.line}`;
    default:
      return `c${a.id}`;
  }
}

/** An access path step taken on a value: `x.attr`, `x["key"]`, `x.get("key")`. */
function extend(t: Taint, step: string): Taint {
  if (!t.length) return t;
  return t.map((a) => {
    if (a.k === 'param' || a.k === 'exc' || a.k === 'claims') return a.path.length < MAX_PATH ? { ...a, path: [...a.path, step] } : a;
    if (a.k === 'dyn') return (a.path?.length ?? 0) < MAX_PATH ? { ...a, path: [...(a.path ?? []), step] } : a;
    return a;
  });
}

/** Does an atom of kind `k` flow in, directly or through a call's arguments? */
function mentions(t: Taint, k: Atom['k'], depth = 0): boolean {
  return t.some((a) => a.k === k || (a.k === 'call' && depth < 4 && (a.args.some((x) => mentions(x, k, depth + 1)) || Object.values(a.kwargs).some((x) => mentions(x, k, depth + 1)))));
}

const literal = stringLiteral;

let callIds = 0;

/**
 * Variables are resolved on demand and flow-insensitively: a name's taint is the union of everything
 * assigned to it in the function. Only what reaches a DynamoDB call, a comparison, a helper call or the
 * return value is ever evaluated, which keeps the walk to a fraction of the tree.
 */
class Env {
  private readonly defs = new Map<string, (() => Taint)[]>();
  private readonly memo = new Map<string, Taint>();
  private readonly computing = new Set<string>();
  constructor(private readonly overrides?: Map<string, Taint>, private readonly parent?: Env) {}

  define(name: string, value: () => Taint): void {
    // a scope only shadows its own names: what is assigned inside it belongs to the function
    if (this.parent) return this.parent.define(name, value);
    const list = this.defs.get(name) ?? [];
    list.push(value);
    this.defs.set(name, list);
  }

  get(name: string): Taint | undefined {
    if (this.overrides?.has(name)) return this.overrides.get(name);
    if (this.parent) return this.parent.get(name);
    const memo = this.memo.get(name);
    if (memo) return memo;
    const defs = this.defs.get(name);
    if (!defs || this.computing.has(name)) return undefined;
    this.computing.add(name);
    const t = union(...defs.map((d) => d()));
    this.computing.delete(name);
    this.memo.set(name, t);
    return t;
  }

  /** A scope for comprehension variables (or an `except … as e` name) on top of this one. */
  with(overrides: Map<string, Taint>): Env {
    return new Env(overrides, this);
  }
}

class FunctionAnalyzer {
  readonly dynamo: DynamoCall[] = [];
  readonly checks: Check[] = [];
  readonly tableCtors: FunctionSummary['tableCtors'] = [];
  readonly unverified: FunctionSummary['unverified'] = [];
  readonly callees: string[] = [];
  readonly calls: FunctionSummary['calls'] = [];
  private readonly calleeText = new Set<string>();
  returns: Taint = [];
  readonly responses: ResponseSite[] = [];
  readonly logs: LogSite[] = [];
  readonly writes: WriteSite[] = [];
  /** Dict displays assigned to a name (`item = {...}`), and `item["k"] = v` writes: what a put_item(Item=item) holds. */
  private readonly dicts = new Map<string, Node[]>();
  private readonly subscriptWrites = new Map<string, { attr: string; value: Node }[]>();
  /** Names bound to files opened for writing: `with open(p, "w") as f`. */
  private readonly files = new Map<string, Expr>();
  /** The last expression assigned to each name (a file path built in a variable, the buffer a csv writer wraps). */
  private readonly assigned = new Map<string, Node>();
  /** Values read into variables that look like the caller's identity (claims, request.state, authorizer). */
  reads: Taint = [];
  raises = false;

  constructor(
    private readonly lines: Lines,
    /** Local names bound by imports from outside the project's reach (stdlib and libraries). */
    private readonly externalNames: ReadonlySet<string> = new Set(),
  ) {}

  private external(fnText: string): boolean {
    const root = fnText.split('.')[0];
    return BUILTINS.has(root) || this.externalNames.has(root);
  }

  taint(node: Node | null, env: Env): Taint {
    if (!node) return [];
    switch (node.type) {
      case 'identifier':
        return env.get(node.text) ?? [];
      case 'attribute':
        return extend(this.taint(node.childForFieldName('object'), env), node.childForFieldName('attribute')?.text ?? '?');
      case 'subscript': {
        const key = literal(node.childForFieldName('subscript'));
        const obj = this.taint(node.childForFieldName('value'), env);
        return extend(obj, key ?? '*');
      }
      case 'await':
      case 'parenthesized_expression':
      case 'not_operator':
        return node.type === 'not_operator' ? [] : this.taint(node.namedChildren[0] ?? null, env);
      case 'string': {
        if (!/^[rRbBuU]*[fF]/.test(node.text)) return [];
        const parts = node.namedChildren.filter((c): c is Node => c?.type === 'interpolation');
        return union(...parts.map((p) => this.taint(p.childForFieldName('expression') ?? p.namedChildren[0] ?? null, env)));
      }
      case 'keyword_argument':
        return this.taint(node.childForFieldName('value'), env);
      case 'dictionary_splat':
      case 'list_splat':
        return this.taint(node.namedChildren[0] ?? null, env);
      case 'argument_list':
      case 'concatenated_string':
      case 'binary_operator':
      case 'boolean_operator':
      case 'list':
      case 'tuple':
      case 'set':
      case 'expression_list':
      case 'conditional_expression':
        if (node.type === 'conditional_expression') {
          const [body, , orelse] = node.namedChildren;
          return union(this.taint(body ?? null, env), this.taint(orelse ?? null, env));
        }
        return union(...node.namedChildren.map((c) => this.taint(c, env)));
      case 'dictionary':
        return union(...node.namedChildren.map((p) => (p?.type === 'pair' ? this.taint(p.childForFieldName('value'), env) : this.taint(p, env))));
      case 'list_comprehension':
      case 'dictionary_comprehension':
      case 'set_comprehension':
      case 'generator_expression': {
        const vars = new Map<string, Taint>();
        const inner = env.with(vars);
        for (const c of node.namedChildren) {
          if (c?.type === 'for_in_clause') {
            const t = this.taint(c.childForFieldName('right'), inner);
            for (const n of c.childForFieldName('left')?.descendantsOfType('identifier') ?? []) if (n) vars.set(n.text, t);
          }
        }
        const body = node.childForFieldName('body');
        return body?.type === 'pair'
          ? union(this.taint(body.childForFieldName('key'), inner), this.taint(body.childForFieldName('value'), inner))
          : this.taint(body, inner);
      }
      case 'call':
        return this.call(node, env);
      case 'comparison_operator':
        return [];
      default:
        return [];
    }
  }

  private call(node: Node, env: Env): Taint {
    const fn = node.childForFieldName('function');
    if (!fn) return [];
    const fnText = fn.text;
    if (fn.type === 'identifier' && OPAQUE.has(fnText)) return [];
    // what the function calls, for telling how a dependency authenticates (request.cookies.get, jwt.decode, verifiers)
    if (/^[\w.]+$/.test(fnText) && !this.calleeText.has(fnText) && this.calleeText.size < 80) {
      this.calleeText.add(fnText);
      this.callees.push(fnText);
    }
    const argList = node.childForFieldName('arguments');
    const argNodes = argList?.type === 'generator_expression' ? [argList] : argList?.namedChildren ?? [];
    const kwNodes: Record<string, Node> = {};
    const posNodes: Node[] = [];
    for (const a of argNodes) {
      if (!a || a.type === 'comment') continue;
      if (a.type === 'keyword_argument') kwNodes[a.childForFieldName('name')?.text ?? ''] = a.childForFieldName('value')!;
      else if (a.type === 'dictionary_splat' && a.namedChildren[0]?.type === 'identifier' && this.dicts.has(a.namedChildren[0].text)) {
        // f(**kwargs) with kwargs = {"ProjectionExpression": ..., ...} built in the function: its keys are keyword arguments
        for (const d of this.dicts.get(a.namedChildren[0].text)!) {
          for (const pair of d.namedChildren) {
            const key = pair?.type === 'pair' ? literal(pair.childForFieldName('key')) : undefined;
            const value = pair?.childForFieldName('value');
            if (key && value && !(key in kwNodes)) kwNodes[key] = value;
          }
        }
        posNodes.push(a.namedChildren[0]);
      } else posNodes.push(a.type === 'list_splat' || a.type === 'dictionary_splat' ? a.namedChildren[0] ?? a : a);
    }
    // DynamoDB calls evaluate only the arguments that matter (keys, table name, expressions)
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      if (DYNAMO_OPS.has(method)) {
        const objNode = fn.childForFieldName('object')!;
        return this.dynamoCall(node, method, objNode, this.taint(objNode, env), kwNodes, env, false);
      }
    }
    // f(x for x in xs): the generator is the whole argument list
    const args: Taint[] = posNodes.map((a) => this.taint(a, env));
    const kwargs: Record<string, Taint> = {};
    for (const [name, v] of Object.entries(kwNodes)) kwargs[name] = this.taint(v, env);
    const positional = posNodes;

    // JWT payloads read without verifying the signature
    const how = unverifiedReason(node, fnText);
    if (how) {
      const loc = locOf(node);
      if (!this.unverified.some((u) => u.loc.line === loc.line && u.loc.col === loc.col)) this.unverified.push({ loc, snippet: this.lines.at(loc.line), how, usedIn: [] });
      return [{ k: 'unverified', line: loc.line }];
    }
    const line = node.startPosition.row + 1;
    // the traceback text of the exception being handled
    if (TRACEBACK.test(fnText)) return [{ k: 'exc', line, types: ['traceback'], path: [] }];
    // a verified token's claims
    if (/(^|\.)decode$/.test(fnText) && /jwt|jose/i.test(fnText)) return [{ k: 'claims', line, path: [] }];
    // hashes and encryption replace what went in
    if (STRONG_HASH.test(fnText)) return [{ k: 'hashed', strong: true, algo: fnText, line }];
    // a secret fetched from Secrets Manager or SSM Parameter Store
    if (/(^|\.)(get_secret_value|get_parameter|get_parameters|get_parameters_by_path)$/.test(fnText)) return [{ k: 'secret', line }];
    const weak = WEAK_HASH.exec(fnText);
    if (weak) return [{ k: 'hashed', strong: false, algo: weak[1], line }];

    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const objNode = fn.childForFieldName('object');
      const obj = this.taint(objNode, env);
      if (method === 'paginate' && objNode?.type === 'call') {
        const inner = objNode.childForFieldName('function');
        const op = literal(objNode.childForFieldName('arguments')?.namedChildren[0] ?? null);
        if (inner?.type === 'attribute' && inner.childForFieldName('attribute')?.text === 'get_paginator' && op && DYNAMO_OPS.has(op)) {
          return this.dynamoCall(node, op, inner.childForFieldName('object')!, this.taint(inner.childForFieldName('object'), env), kwNodes, env, true);
        }
      }
      if (method === 'Table') {
        const nameTaint = union(...args, kwargs.TableName ?? kwargs.name ?? []);
        const loc = locOf(node);
        this.tableCtors.push({ loc, snippet: this.lines.at(loc.line), taint: nameTaint });
        return [];
      }
      if (method === 'get' && obj.length) return union(extend(obj, literal(positional[0] ?? null) ?? '*'), ...args.slice(1));
      if (method === 'json' || method === 'body' || method === 'form') {
        if (obj.length) return extend(obj, `${method}()`);
      }
      if (method === 'loads' && objNode?.text === 'json') return args[0] ?? [];
      // body.model_dump(exclude={"password"}): the whole model but the excluded fields
      if (obj.length && DUMP_METHODS.test(method) && kwNodes.exclude) {
        const names = [...kwNodes.exclude.text.matchAll(/["'](\w+)["']/g)].map((m) => m[1]);
        return extend(obj, `${method}!${names.join(',')}`);
      }
      if (obj.length) return union(obj, ...args, ...Object.values(kwargs)); // str methods, format, …
    }
    // only named project functions are resolved later; builtins, library calls and anything else pass their arguments through
    if (!/^[\w.]+$/.test(fnText) || this.external(fnText)) return union(...args, ...Object.values(kwargs));
    if (this.calls.length < 60) this.calls.push({ fn: fnText, args, kwargs, line: node.startPosition.row + 1 });
    return [{ k: 'call', id: callIds++, fn: fnText, args, kwargs }];
  }

  private dynamoCall(node: Node, op: string, receiver: Node, receiverTaint: Taint, kw: Record<string, Node>, env: Env, paginator: boolean): Taint {
    const seen = this.dynamo.findIndex((d) => d.loc.line === node.startPosition.row + 1 && d.loc.col === node.startPosition.column + 1);
    if (seen >= 0) return [{ k: 'dyn', call: seen }];
    const keys: KeyPart[] = [];
    const addKeyDict = (d: Node | null): void => {
      if (d?.type !== 'dictionary') {
        if (d) keys.push({ attr: '?', taint: this.taint(d, env) });
        return;
      }
      for (const p of d.namedChildren) {
        if (p?.type !== 'pair') continue;
        const attr = literal(p.childForFieldName('key')) ?? '?';
        const v = p.childForFieldName('value');
        // typed AttributeValue {"S": x}
        const typed = v?.type === 'dictionary' && v.namedChildren.length === 1 ? v.namedChildren[0]?.childForFieldName('value') ?? v : v;
        keys.push({ attr, taint: this.taint(typed, env) });
      }
    };
    for (const [name, v] of Object.entries(kw)) if (KEY_ENTRY.test(name)) addKeyDict(v);
    // batch_get_item(RequestItems={"t": {"Keys": [{...}]}})
    if (kw.RequestItems) for (const d of kw.RequestItems.descendantsOfType('dictionary')) if (d && /["']Keys?["']/.test(d.text) && d.parent?.type !== 'pair') addKeyDict(d);
    if (kw.RequestItems) for (const p of kw.RequestItems.descendantsOfType('pair')) {
      if (p && /^["']Keys?["']$/.test(p.childForFieldName('key')?.text ?? '')) {
        for (const d of p.childForFieldName('value')?.descendantsOfType('dictionary') ?? []) if (d?.parent?.type === 'list') addKeyDict(d);
      }
    }
    const kce = kw.KeyConditionExpression;
    if (kce) this.keyCondition(kce, kw.ExpressionAttributeValues ?? null, env, keys);
    let expressionTaint: Taint = [];
    for (const name of EXPRESSION_KWARGS) {
      const v = kw[name];
      if (v && (v.type === 'string' || v.type === 'binary_operator' || v.type === 'identifier' || v.type === 'concatenated_string' || v.type === 'call'))
        if (!/^(Key|Attr)\(/.test(v.text)) expressionTaint = union(expressionTaint, this.taint(v, env));
    }
    let conditionTaint: Taint = [];
    for (const name of ['FilterExpression', 'ConditionExpression']) {
      const v = kw[name];
      if (v) conditionTaint = union(conditionTaint, ...v.descendantsOfType('call').map((c) => (c ? this.argsTaint(c, env) : [])));
      if (v && v.type === 'string' && kw.ExpressionAttributeValues) conditionTaint = union(conditionTaint, this.taint(kw.ExpressionAttributeValues, env));
    }
    const writes = op === 'put_item' || op === 'update_item' ? this.writtenAttributes(op, kw, env) : undefined;
    const loc = locOf(node);
    this.dynamo.push({
      op,
      receiver: toExpr(receiver, 1),
      receiverTaint,
      keys,
      tableName: kw.TableName ? { expr: toExpr(kw.TableName), taint: this.taint(kw.TableName, env) } : undefined,
      expressionTaint,
      conditionTaint,
      projection: !!kw.ProjectionExpression || !!kw.AttributesToGet,
      selectCount: /COUNT/.test(kw.Select?.text ?? ''),
      paginator,
      ...(writes ? { writes } : {}),
      loc,
      snippet: this.lines.at(loc.line),
    });
    return [{ k: 'dyn', call: this.dynamo.length - 1 }];
  }

  /** The attributes a put_item / update_item writes, with what flows into each. */
  private writtenAttributes(op: string, kw: Record<string, Node>, env: Env): KeyPart[] {
    const out: KeyPart[] = [];
    const pairs = (d: Node): void => {
      for (const p of d.namedChildren) {
        // {"user_id": sub, **body.model_dump()}
        if (p?.type === 'dictionary_splat') out.push({ attr: '*', taint: this.taint(p.namedChildren[0] ?? null, env) });
        if (p?.type !== 'pair') continue;
        const attr = literal(p.childForFieldName('key'));
        const v = p.childForFieldName('value');
        const typed = v?.type === 'dictionary' && v.namedChildren.length === 1 ? v.namedChildren[0]?.childForFieldName('value') ?? v : v;
        if (attr) out.push({ attr, taint: this.taint(typed, env), ...(typed && LITERALS.has(typed.type) ? { literal: true } : {}) });
      }
    };
    if (op === 'put_item') {
      const item = kw.Item;
      if (item?.type === 'dictionary') pairs(item);
      else if (item?.type === 'identifier' && this.dicts.has(item.text)) {
        for (const d of this.dicts.get(item.text)!) pairs(d);
        for (const s of this.subscriptWrites.get(item.text) ?? []) out.push({ attr: s.attr, taint: this.taint(s.value, env) });
      } else if (item) out.push({ attr: '*', taint: this.taint(item, env) });
      return out;
    }
    // update_item: SET a = :v, b = if_not_exists(b, :w)
    const text = literal(kw.UpdateExpression ?? null);
    if (!text) return out;
    const names = new Map<string, string>();
    for (const p of kw.ExpressionAttributeNames?.type === 'dictionary' ? kw.ExpressionAttributeNames.namedChildren : []) {
      const k = p?.type === 'pair' ? literal(p.childForFieldName('key')) : undefined;
      const v = p?.type === 'pair' ? literal(p.childForFieldName('value')) : undefined;
      if (k && v) names.set(k, v);
    }
    const values = new Map<string, Node>();
    for (const p of kw.ExpressionAttributeValues?.type === 'dictionary' ? kw.ExpressionAttributeValues.namedChildren : []) {
      const k = p?.type === 'pair' ? literal(p.childForFieldName('key')) : undefined;
      const v = p?.type === 'pair' ? p.childForFieldName('value') : null;
      if (k && v) values.set(k, v.type === 'dictionary' && v.namedChildren.length === 1 ? v.namedChildren[0]?.childForFieldName('value') ?? v : v);
    }
    for (const m of text.matchAll(/(#?\w+)\s*=\s*(?:(?:if_not_exists|list_append)\([^)]*?(:\w+)[^)]*\)|(:\w+))/g)) {
      const attr = names.get(m[1]) ?? m[1];
      const v = values.get(m[2] ?? m[3]);
      out.push({ attr, taint: v ? this.taint(v, env) : [] });
    }
    return out;
  }

  private argsTaint(call: Node, env: Env): Taint {
    return union(...(call.childForFieldName('arguments')?.namedChildren ?? []).map((a) => this.taint(a, env)));
  }

  /** Key("pk").eq(x) & Key("sk").begins_with(y), or "pk = :pk" with ExpressionAttributeValues. */
  private keyCondition(kce: Node, eav: Node | null, env: Env, keys: KeyPart[]): void {
    if (kce.type === 'string' || kce.type === 'concatenated_string') {
      const text = kce.text;
      const values = new Map<string, Node>();
      for (const p of eav?.namedChildren ?? []) {
        const k = p?.type === 'pair' ? literal(p.childForFieldName('key')) : undefined;
        if (k && p) {
          const v = p.childForFieldName('value');
          values.set(k, v?.type === 'dictionary' && v.namedChildren.length === 1 ? v.namedChildren[0]?.childForFieldName('value') ?? v : v!);
        }
      }
      for (const m of text.matchAll(/#?(\w+)\s*(?:=|<=|>=|<|>|BETWEEN|begins_with\s*\(\s*#?\w+\s*,)\s*(:\w+)/g)) {
        const node = values.get(m[2]);
        keys.push({ attr: m[1], taint: node ? this.taint(node, env) : [] });
      }
      for (const m of text.matchAll(/begins_with\s*\(\s*#?(\w+)\s*,\s*(:\w+)/g)) {
        const node = values.get(m[2]);
        keys.push({ attr: m[1], taint: node ? this.taint(node, env) : [] });
      }
      return;
    }
    for (const call of [kce, ...kce.descendantsOfType('call')]) {
      if (call?.type !== 'call') continue;
      const fn = call.childForFieldName('function');
      const obj = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
      if (obj?.type === 'call' && /(^|\.)Key$/.test(obj.childForFieldName('function')?.text ?? '')) {
        const attr = literal(obj.childForFieldName('arguments')?.namedChildren[0] ?? null) ?? '?';
        keys.push({ attr, taint: this.argsTaint(call, env) });
      }
    }
    if (kce.type === 'identifier') keys.push({ attr: '?', taint: this.taint(kce, env) });
  }

  private assign(target: Node | null, value: () => Taint, env: Env): void {
    if (!target) return;
    if (target.type === 'identifier') env.define(target.text, value);
    else if (target.type === 'pattern_list' || target.type === 'tuple_pattern' || target.type === 'list_pattern') {
      for (const c of target.namedChildren) this.assign(c, value, env);
    }
  }

  /** The taint of an expression node, computed once. */
  private lazy(node: Node | null, env: Env): () => Taint {
    let value: Taint | undefined;
    return () => (value ??= this.taint(node, env));
  }

  private condition(cond: Node | null, env: Env, exits: boolean, endLine: number): void {
    if (!cond) return;
    const visit = (n: Node | null): void => {
      if (!n) return;
      if (n.type === 'boolean_operator' || n.type === 'not_operator' || n.type === 'parenthesized_expression') {
        for (const c of n.namedChildren) visit(c);
        return;
      }
      if (n.type === 'comparison_operator') {
        const [l, r] = n.namedChildren;
        this.checks.push({ line: n.startPosition.row + 1, endLine, left: this.taint(l ?? null, env), right: this.taint(r ?? null, env), exits });
        return;
      }
      // validating calls: is_owner(user, item)
      if (n.type === 'call' && /own|authori[sz]|permit|allowed|can_/i.test(n.childForFieldName('function')?.text ?? '')) {
        const args = (n.childForFieldName('arguments')?.namedChildren ?? []).map((a) => this.taint(a, env));
        if (args.length >= 2) this.checks.push({ line: n.startPosition.row + 1, endLine, left: args[0], right: union(...args.slice(1)), exits });
      }
    };
    visit(cond);
  }

  /** What the walk found to evaluate once every assignment is known. */
  private readonly pending: (() => void)[] = [];

  /** Walks the statements of a block, recording definitions and what to evaluate. */
  block(block: Node | null, env: Env): void {
    if (!block) return;
    for (const st of block.namedChildren) {
      if (!st) continue;
      switch (st.type) {
        case 'expression_statement': {
          const e = st.namedChildren[0];
          if (e?.type === 'assignment') {
            const right = e.childForFieldName('right');
            const left = e.childForFieldName('left');
            const value = this.lazy(right, env);
            this.assign(left, value, env);
            if (left?.type === 'identifier' && right) this.assigned.set(left.text, right);
            if (left?.type === 'identifier' && right?.type === 'dictionary') this.dicts.set(left.text, [...(this.dicts.get(left.text) ?? []), right]);
            else if (left?.type === 'subscript' && right) this.subscriptWrite(left, right);
            const rightText = right?.text ?? '';
            if (left?.type === 'identifier' && right?.type === 'call' && OPEN_CALL.test(rightText)) this.openFile(left.text, right);
            if (right && RELEVANT.test(rightText)) this.pending.push(value);
            else if (right && IDENTITY_HINT.test(rightText)) this.pending.push(() => (this.reads = union(this.reads, value())));
          } else if (e?.type === 'augmented_assignment') {
            const left = e.childForFieldName('left');
            if (left?.type === 'identifier') env.define(left.text, this.lazy(e.childForFieldName('right'), env));
          } else if (e && this.logCall(e, env)) {
            // logger.info("…", event): what flows into a log line
          } else if (e && this.writeCall(e, env)) {
            // f.write(x), json.dump(x, f), s3.put_object(Body=x, ACL="public-read")
          } else if (e && this.mutation(e, env)) {
            // items.append(x) / items.extend(page["Items"]) / result.update(item): x flows into items
          } else if (e && this.worthEvaluating(e)) this.pending.push(this.lazy(e, env));
          break;
        }
        case 'return_statement': {
          const node = st.namedChildren[0] ?? null;
          const value = this.lazy(node, env);
          const line = st.startPosition.row + 1;
          this.pending.push(() => {
            const t = value();
            this.returns = union(this.returns, t);
            if (mentions(t, 'exc') || mentions(t, 'dyn') || t.some((x) => x.k === 'call')) this.responses.push({ line, kind: 'return', builds: BUILDS_RESPONSE.test(node?.text ?? ''), taint: t, snippet: this.lines.at(line) });
          });
          break;
        }
        case 'assert_statement': {
          const cond = st.namedChildren[0] ?? null;
          this.pending.push(() => this.condition(cond, env, true, st.startPosition.row + 1));
          break;
        }
        case 'if_statement': {
          const consequence = st.childForFieldName('consequence');
          const exits = this.leaves(consequence);
          const cond = st.childForFieldName('condition');
          const end = st.endPosition.row + 1;
          this.pending.push(() => this.condition(cond, env, exits, end));
          this.block(consequence, env);
          for (const alt of st.childrenForFieldName('alternative')) {
            if (alt?.type === 'elif_clause') {
              const c2 = alt.childForFieldName('condition');
              const body = alt.childForFieldName('consequence');
              const exits2 = this.leaves(body);
              const end2 = alt.endPosition.row + 1;
              this.pending.push(() => this.condition(c2, env, exits2, end2));
              this.block(body, env);
            } else if (alt) this.block(alt.childForFieldName('body'), env);
          }
          break;
        }
        case 'for_statement': {
          const iter = st.childForFieldName('right');
          const value = this.lazy(iter, env);
          this.assign(st.childForFieldName('left'), value, env);
          if (iter && RELEVANT.test(iter.text)) this.pending.push(value);
          this.block(st.childForFieldName('body'), env);
          break;
        }
        case 'while_statement': {
          const cond = st.childForFieldName('condition');
          const end = st.endPosition.row + 1;
          this.pending.push(() => this.condition(cond, env, false, end));
          this.block(st.childForFieldName('body'), env);
          break;
        }
        case 'with_statement':
          for (const item of st.descendantsOfType('with_item')) {
            const v = item?.childForFieldName('value');
            if (v?.type !== 'as_pattern') continue;
            const alias = v.childForFieldName('alias')?.namedChildren[0] ?? null;
            const opened = v.namedChildren[0] ?? null;
            this.assign(alias, this.lazy(opened, env), env);
            if (alias?.type === 'identifier' && opened?.type === 'call' && OPEN_CALL.test(opened.text)) this.openFile(alias.text, opened);
          }
          this.block(st.childForFieldName('body'), env);
          break;
        case 'try_statement':
          for (const c of st.namedChildren) {
            if (c?.type === 'block') this.block(c, env);
            else if (c?.type === 'except_clause' || c?.type === 'else_clause' || c?.type === 'finally_clause') {
              const scope = c.type === 'except_clause' ? this.exceptScope(c, env) : env;
              this.block(c.namedChildren.find((x) => x?.type === 'block') ?? null, scope);
            }
          }
          break;
        case 'block':
          this.block(st, env);
          break;
        case 'raise_statement': {
          this.raises = true;
          // raise HTTPException(status_code=500, detail=str(e)): the detail is the response body
          const call = st.namedChildren[0];
          if (call?.type === 'call' && /HTTPException$|WebSocketException$/.test(call.childForFieldName('function')?.text ?? '')) {
            const line = st.startPosition.row + 1;
            this.pending.push(() => {
              const t = this.argsTaint(call, env);
              if (mentions(t, 'exc')) this.responses.push({ line, kind: 'raise', builds: true, taint: t, snippet: this.lines.at(line) });
            });
          }
          break;
        }
        default:
          break;
      }
    }
  }

  /** `except (ClientError, ValueError) as e:` binds e to the caught exception, inside that clause only. */
  private exceptScope(clause: Node, env: Env): Env {
    const v = clause.childForFieldName('value');
    if (v?.type !== 'as_pattern') return env;
    const alias = v.childForFieldName('alias')?.namedChildren[0];
    const caught = v.namedChildren[0];
    if (alias?.type !== 'identifier' || !caught) return env;
    const types = caught.type === 'tuple' ? caught.namedChildren.map((t) => t?.text ?? '?') : [caught.text];
    const line = clause.startPosition.row + 1;
    return env.with(new Map([[alias.text, [{ k: 'exc', line, types, path: [] }]]]));
  }

  /** `item["password"] = x` adds an attribute to the dict item (what put_item(Item=item) then writes). */
  private subscriptWrite(left: Node, right: Node): void {
    const obj = left.childForFieldName('value');
    const attr = literal(left.childForFieldName('subscript'));
    if (obj?.type !== 'identifier' || !attr) return;
    this.subscriptWrites.set(obj.text, [...(this.subscriptWrites.get(obj.text) ?? []), { attr, value: right }]);
  }

  /** `open(path, "w")` (also append/exclusive modes) bound to a name. */
  private openFile(name: string, call: Node): void {
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
    const mode = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === 'mode')?.childForFieldName('value') ?? args[1];
    if (!/[wax]/.test(literal(mode ?? null) ?? '')) return;
    let path = args[0] && args[0].type !== 'keyword_argument' ? args[0] : undefined;
    if (path?.type === 'identifier') path = this.assigned.get(path.text) ?? path;
    this.files.set(name, toExpr(path ?? null, 1));
  }

  /** A logging or print call whose arguments may carry something sensitive: recorded with what flows in. */
  private logCall(e: Node, env: Env): boolean {
    const call = e.type === 'await' ? e.namedChildren[0] : e;
    if (call?.type !== 'call') return false;
    const fnText = call.childForFieldName('function')?.text ?? '';
    if (!LOG_FN.test(fnText)) return false;
    const args = call.childForFieldName('arguments');
    if (!args || !LOG_HINT.test(args.text)) return true;
    const line = call.startPosition.row + 1;
    // structlog / powertools style: log.info("sending", token=value) names what it logs
    let named: string | undefined;
    for (const a of args.namedChildren) {
      if (a?.type !== 'keyword_argument') continue;
      const name = a.childForFieldName('name')?.text ?? '';
      if (CREDENTIAL_KW.test(name) && a.childForFieldName('value')?.type !== 'string') named = name;
    }
    this.pending.push(() => {
      const t = this.taint(args, env);
      if (t.length || named) this.logs.push({ line, call: fnText, taint: t, snippet: this.lines.at(line), ...(named ? { named } : {}) });
    });
    return true;
  }

  /** Writes to files and S3 objects: `f.write(x)`, `json.dump(x, f)`, `Path(p).write_text(x)`, `s3.put_object(Body=x, ACL=…)`. */
  private writeCall(e: Node, env: Env): boolean {
    if (e.type !== 'call') return false;
    const fn = e.childForFieldName('function');
    if (fn?.type !== 'attribute') return false;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    if (!WRITE_METHODS.has(method)) return false;
    const obj = fn.childForFieldName('object');
    const args = e.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [];
    const kw = (name: string): Node | undefined => args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === name)?.childForFieldName('value') ?? undefined;
    const positional = args.filter((a) => a.type !== 'keyword_argument');
    const line = e.startPosition.row + 1;
    const site = (kind: WriteSite['kind'], target: Expr | undefined, data: Node | undefined, acl?: string): true => {
      this.pending.push(() => this.writes.push({ line, kind, target, acl, taint: data ? this.taint(data, env) : [], snippet: this.lines.at(line) }));
      return true;
    };
    if (method === 'write' || method === 'writelines') {
      if (obj?.type === 'identifier' && this.files.has(obj.text)) return site('file', this.files.get(obj.text), positional[0]);
      // open(path, "w").write(x)
      if (obj?.type === 'call' && OPEN_CALL.test(obj.text)) {
        this.openFile('\u0000inline', obj);
        const target = this.files.get('\u0000inline');
        this.files.delete('\u0000inline');
        return target ? site('file', target, positional[0]) : false;
      }
      return false;
    }
    if (method === 'dump') {
      // json.dump(x, f) / yaml.dump(x, f) / pickle.dump(x, f)
      const f = positional[1] ?? kw('fp');
      if (f?.type === 'identifier' && this.files.has(f.text)) return site('file', this.files.get(f.text), positional[0]);
      return false;
    }
    if (method === 'write_text' || method === 'write_bytes') {
      // Path("/tmp/x.json").write_text(…) or p.write_text(…)
      const target = obj?.type === 'call' ? toExpr(obj.childForFieldName('arguments')?.namedChildren[0] ?? null, 1) : toExpr(obj ?? null, 1);
      return site('file', target, positional[0]);
    }
    if (method === 'put_object') return site('s3', toExpr(kw('Key') ?? null, 1), kw('Body'), literal(kw('ACL') ?? null));
    // upload_file(Filename, Bucket, Key, ExtraArgs={"ACL": "public-read"})
    const extra = kw('ExtraArgs');
    const acl = extra?.type === 'dictionary' ? /["']ACL["']\s*:\s*["']([\w-]+)["']/.exec(extra.text)?.[1] : undefined;
    const source = kw('Filename') ?? kw('Fileobj') ?? positional[0];
    this.pending.push(() => this.writes.push({ line, kind: 's3', target: toExpr(kw('Key') ?? positional[2] ?? null, 1), source: toExpr(source ?? null, 1), acl, taint: source ? this.taint(source, env) : [], snippet: this.lines.at(line) }));
    return true;
  }

  /** `xs.append(v)`, `xs.extend(v)`, `d.update(v)`, `d[k] = v` style mutations define the container. */
  private mutation(e: Node, env: Env): boolean {
    if (e.type !== 'call') return false;
    const fn = e.childForFieldName('function');
    if (fn?.type !== 'attribute' || !MUTATORS.test(fn.childForFieldName('attribute')?.text ?? '')) return false;
    const obj = fn.childForFieldName('object');
    if (obj?.type !== 'identifier') return false;
    const args = e.childForFieldName('arguments');
    env.define(obj.text, this.lazy(args, env));
    // writer = csv.writer(buf); writer.writerow(row): the row lands in buf
    const wrapped = this.assigned.get(obj.text);
    const inner = wrapped?.type === 'call' ? wrapped.childForFieldName('arguments')?.namedChildren[0] : undefined;
    if (inner?.type === 'identifier') env.define(inner.text, this.lazy(args, env));
    if (RELEVANT.test(e.text)) this.pending.push(this.lazy(args, env));
    return true;
  }

  /** Evaluates what the walk deferred. */
  finish(): void {
    for (const p of this.pending) p();
  }

  /**
   * A bare expression statement matters only if it can reach DynamoDB, decode a token or call a project
   * helper; logging calls and docstrings are skipped, which keeps the walk to a fraction of the tree.
   */
  private worthEvaluating(e: Node): boolean {
    const call = e.type === 'await' ? e.namedChildren[0] : e;
    if (call?.type !== 'call') return false;
    const text = call.text;
    if (RELEVANT.test(text)) return true;
    const fn = call.childForFieldName('function');
    if (fn?.type === 'identifier') return fn.text !== 'print';
    if (fn?.type === 'attribute') return !/^(log|logger|logging|LOGGER|LOG|warnings|self\.log\w*|print|sys\.\w+|\w+\.append|\w+\.extend)$/.test(fn.childForFieldName('object')?.text ?? '');
    return false;
  }

  private leaves(block: Node | null): boolean {
    return !!block?.namedChildren.some((s) => s?.type === 'raise_statement' || s?.type === 'return_statement');
  }

  /** Where unverified claims ended up: a DynamoDB key, a comparison, the return value. */
  usesOfUnverified(): void {
    for (const u of this.unverified) {
      const line = u.loc.line;
      const has = (t: Taint): boolean => t.some((a) => a.k === 'unverified' && a.line === line);
      if (this.dynamo.some((d) => d.keys.some((k) => has(k.taint)))) u.usedIn.push('key');
      if (this.checks.some((c) => has(c.left) || has(c.right))) u.usedIn.push('check');
      if (has(this.returns)) u.usedIn.push('return');
    }
  }
}

function params(fn: Node): ParamInfo[] {
  const out: ParamInfo[] = [];
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    if (p.type === 'identifier') out.push({ name: p.text });
    else if (p.type === 'typed_parameter') {
      const name = p.namedChildren.find((c) => c?.type === 'identifier')?.text ?? p.namedChildren[0]?.text ?? '?';
      const type = p.childForFieldName('type');
      out.push({ name, annotation: type?.text, annotationExpr: annotationExpr(type) });
    } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
      // only dependency and request-parameter markers matter: Depends(x), Security(x), Query(), Header() …
      const value = p.childForFieldName('value');
      const marker = value?.type === 'call' && PARAM_MARKER.test(value.childForFieldName('function')?.text ?? '');
      const type = p.childForFieldName('type');
      out.push({ name: p.childForFieldName('name')?.text ?? '?', annotation: type?.text, annotationExpr: annotationExpr(type), default: marker ? toExpr(value, BARE) : undefined });
    } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') {
      out.push({ name: p.text });
    }
  }
  return out;
}

/** A route decorator keeps what the route model reads: the router, the method, the path, methods= and dependencies=. */
function routeDecorator(d: Node): Expr {
  const call = d.namedChildren[0] ?? null;
  if (call?.type !== 'call') return toExpr(call, BARE);
  const args: Expr[] = [];
  const kwargs: Record<string, Expr> = {};
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!a || a.type === 'comment') continue;
    if (a.type !== 'keyword_argument') {
      if (args.length === 0) args.push(toExpr(a, BARE));
      continue;
    }
    const name = a.childForFieldName('name')?.text ?? '';
    if (name === 'path' || name === 'methods' || name === 'dependencies') kwargs[name] = toExpr(a.childForFieldName('value'), BARE);
  }
  return { k: 'call', fn: toExpr(call.childForFieldName('function'), BARE), args, kwargs };
}

/** `Annotated[dict, Depends(x)]` inline, or a capitalised alias that may stand for one (`CurrentUser`). */
function annotationExpr(type: Node | null): Expr | undefined {
  const inner = type?.namedChildren[0] ?? null;
  if (!inner) return undefined;
  if (/Depends\(|Security\(/.test(inner.text)) return toExpr(inner, BARE);
  if (inner.type === 'identifier' && /^[A-Z]/.test(inner.text) && !/^(Request|Response|Optional|List|Dict|Any|str|int)$/.test(inner.text)) return toExpr(inner, BARE);
  return undefined;
}

/** Summarises one function definition (decorators from the enclosing decorated_definition). */
export function summariseFunction(fn: Node, decorators: Node[], lines: Lines, qualifier = '', externalNames?: ReadonlySet<string>): FunctionSummary {
  const ps = params(fn);
  const a = new FunctionAnalyzer(lines, externalNames);
  const env = new Env();
  const line = fn.startPosition.row + 1;
  // a parameter that holds an exception (`def respond_error(e: Exception)`, an exception handler's `exc`) is one
  ps.forEach((p, i) => env.define(p.name, () => (exceptionParam(p) ? [{ k: 'exc', line, types: [p.annotation ?? 'Exception'], path: [] }] : [{ k: 'param', i, path: [] }])));
  a.block(fn.childForFieldName('body'), env);
  a.finish();
  a.usesOfUnverified();
  const name = fn.childForFieldName('name')?.text ?? '?';
  const decoText = decorators.map((d) => ({ d, text: d.text }));
  const routes = decoText.filter((d) => ROUTE_DECORATOR.test(d.text));
  // aws-lambda-powertools logs the whole event with log_event=True
  for (const { d, text } of decoText) {
    if (/inject_lambda_context\([^)]*log_event\s*=\s*True/.test(text)) {
      const at = d.startPosition.row + 1;
      a.logs.push({ line: at, call: 'inject_lambda_context(log_event=True)', taint: [{ k: 'param', i: 0, path: [] }], snippet: lines.at(at) });
    }
  }
  return {
    name: qualifier ? `${qualifier}.${name}` : name,
    line,
    endLine: fn.endPosition.row + 1,
    params: ps,
    decorators: routes.map((d) => routeDecorator(d.d)),
    lambda: ps.length === 2 && /^_?event$/.test(ps[0].name),
    returns: a.returns,
    reads: a.reads,
    raises: a.raises,
    dynamo: a.dynamo,
    checks: a.checks,
    tableCtors: a.tableCtors,
    unverified: a.unverified,
    callees: a.callees,
    calls: a.calls,
    responses: a.responses,
    logs: a.logs,
    writes: a.writes,
    returnType: fn.childForFieldName('return_type')?.text,
    exceptionHandler: decoText.some((d) => /\.exception_handler\(/.test(d.text)),
    responseModel: routes.some((d) => /\bresponse_model\s*=\s*(?!None\b)/.test(d.text)),
  };
}

/** Annotated as an exception type, or an unannotated `e` / `exc` / `err`. */
function exceptionParam(p: ParamInfo): boolean {
  if (p.annotation) return /^([\w.]*\.)?(\w*Exception|\w*Error)$/.test(p.annotation);
  return /^(e|ex|exc|err|error|exception)$/.test(p.name);
}

function unverifiedReason(call: Node, fnText = call.childForFieldName('function')?.text ?? ''): string | undefined {
  if (!/decode|unverified/.test(fnText)) return undefined;
  const kw: Record<string, string> = {};
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (a?.type === 'keyword_argument') kw[a.childForFieldName('name')?.text ?? ''] = a.childForFieldName('value')?.text ?? '';
  }
  if (/(^|\.)get_unverified_claims$/.test(fnText)) return `${fnText}() does not verify the signature`;
  if (/(^|\.)decode$/.test(fnText) && /jwt|jose/i.test(fnText)) {
    if (/["']verify_signature["']\s*:\s*False/.test(kw.options ?? '')) return 'options={"verify_signature": False}';
    if (kw.verify === 'False') return 'verify=False';
    if (/["']none["']/i.test(kw.algorithms ?? '')) return 'algorithms=["none"]';
    if (/^[A-Za-z_][\w.]*$/.test(kw.algorithms ?? '')) return `algorithms=${kw.algorithms}`;
  }
  const first = call.childForFieldName('arguments')?.namedChildren[0];
  if (/b64decode$/.test(fnText) && /split\(\s*["']\.["']\s*\)\s*\[\s*1\s*\]/.test(first?.text ?? '')) return 'the payload is base64-decoded by hand';
  return undefined;
}

/**
 * Is this function worth a summary? Routes and Lambda handlers always; other functions only when they
 * touch DynamoDB, tokens, identity or dependencies. Calls to functions without a summary pass their
 * arguments through, which is what small formatting helpers do anyway.
 */
export function interesting(fn: Node, decorators: Node[]): boolean {
  if (decorators.some((d) => ROUTE_DECORATOR.test(d.text))) return true;
  const params = fn.childForFieldName('parameters')?.text ?? '';
  if (/^\(\s*_?event\b/.test(params)) return true;
  return WORTH_SUMMARY.test(fn.text);
}
const BUILTINS = new Set(
  'str int float bool bytes dict list set tuple frozenset len range enumerate zip sorted reversed min max sum abs round getattr setattr hasattr isinstance issubclass print open repr format iter next map filter any all id type vars super object Exception ValueError KeyError TypeError RuntimeError PermissionError'.split(' '),
);
/** Top-level modules whose functions are never project code. */
export const LIBRARY_MODULES =
  /^(os|sys|json|re|time|datetime|decimal|uuid|typing|logging|hashlib|hmac|base64|secrets|math|random|collections|functools|itertools|dataclasses|enum|pathlib|urllib|http|asyncio|contextlib|traceback|copy|boto3|botocore|fastapi|starlette|pydantic|pydantic_settings|mangum|jwt|jose|requests|httpx|aws_lambda_powertools|structlog|uvicorn)(\.|$)/;
const IDENTITY_HINT = /requestContext|authorizer|claims|\.state\.|current_user|aws\.event/;
const TRACEBACK = /(^|\.)(format_exc|format_exception|format_tb|format_exception_only|exc_info)$/;
/** Password hashing, key derivation and encryption: what comes out no longer discloses what went in. */
const STRONG_HASH = /(^|\.)(hashpw|kdf|pbkdf2_hmac|scrypt|hash_password|make_password|generate_password_hash|encrypt|seal)$|^(bcrypt|argon2|nacl)\.|(context|hasher|crypt|argon\w*|ph|passlib\w*)\.hash$/i;
/** Fast digests: fine for checksums, not for passwords. */
const WEAK_HASH = /^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\d+|blake2[bs]|new)$/;
const LOG_FN = /^(print|pprint|(?:[\w.]*\.)?(?:log|logger|logging|_logger|_log|LOGGER|LOG|audit|structlog\.get_logger\(\))\.(?:debug|info|warning|warn|error|exception|critical|fatal|log|msg))$/;
/** Arguments worth following into a log line: the event, headers, credentials, claims, items and bodies. */
const LOG_HINT = /event|header|author|cookie|token|claim|passw|secret|credential|api_?key|item|body|user|record|payload|session|card|request|profile/i;
const OPEN_CALL = /^(io\.)?open\(/;
const CREDENTIAL_KW = /^(\w*_)?(token|password|passwd|secret|api_?key|authorization|cookies?|credentials?)$/i;
const DUMP_METHODS = /^(model_dump|dict|model_dump_json|json)$/;
const LITERALS = new Set(['string', 'integer', 'float', 'true', 'false', 'none']);
const WRITE_METHODS = new Set(['write', 'writelines', 'dump', 'write_text', 'write_bytes', 'put_object', 'upload_file', 'upload_fileobj']);
/** A returned expression that is a response in itself: a Lambda proxy dict, a Starlette response, an HTTPException. */
const BUILDS_RESPONSE = /^\{[\s\S]*["']statusCode["']|^\w*(Response|HTTPException)\(/;
const MUTATORS = /^(append|extend|update|add|insert|setdefault|write|writelines|writerow|writerows)$/;
const PARAM_MARKER = /(^|\.)(Depends|Security|Query|Header|Cookie|Body|Path|Form|File)$/;
const ROUTE_DECORATOR = /^@[\w.]+\.(get|post|put|patch|delete|head|options|api_route|route)\(/;
const WORTH_SUMMARY =
  /get_item|query|scan|put_item|update_item|delete_item|batch_|transact_|execute_|paginate|decode|jwt|Depends|Security|\.state\.|aws\.event|authorizer|cookies|Table\(|claims|token|except\b[^:\n]*\bas\b|format_exc|statusCode|Response\(|HTTPException|Exception\b|Error\b|\b(?:print|info|debug|warning|error|exception|critical)\(|open\(|write_text|write_bytes|put_object|upload_file|hashlib|hashpw|password/;
