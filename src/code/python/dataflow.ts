/**
 * Resolves the symbolic taint of a handler into labels: request input (path, query, body, header,
 * cookie), the caller's identity, DynamoDB items, unverified JWT claims. Calls into the project's own
 * functions are resolved through their summaries (bounded depth), and DynamoDB accesses made by helpers
 * are attributed to the handler that calls them, with the handler's arguments substituted.
 */
import type { Atom, DynamoCall, FunctionSummary, ModuleModel, Taint } from './ir.ts';
import type { Resolver } from './resolve.ts';
import type { Handler, ParamRole } from './routes.ts';

export type Label =
  /** `path` is what was taken on a whole body model (`body.password` → ["password"]); `model` names its class. */
  | { k: 'request'; origin: 'path' | 'query' | 'body' | 'header' | 'cookie' | 'event'; name: string; path?: string[]; model?: string }
  | { k: 'identity'; text: string }
  /** A DynamoDB result, with the access path taken on it: [] the response, ["Item"] the item, ["Item", "email"] one attribute. */
  | { k: 'item'; id: string; path: string[] }
  | { k: 'unverified'; line: number }
  /** An exception (or traceback) caught in function `fn` (`file:name`) at `line`, with the path taken on it. */
  | { k: 'exc'; fn: string; line: number; types: string[]; path: string[] }
  /** The Lambda event, whole or a part that is no request input (`[]`, `["requestContext", "requestId"]`). */
  | { k: 'event'; path: string[] }
  | { k: 'hashed'; strong: boolean; algo: string; file: string; line: number }
  | { k: 'secret'; file: string; line: number };

export interface Access {
  id: string;
  call: DynamoCall;
  module: ModuleModel;
  /** Helper function the access happens in, when not the handler itself. */
  via?: string;
  keys: { attr: string; labels: Label[] }[];
  tableName: Label[];
  expression: Label[];
  condition: Label[];
}

export interface HandlerFacts {
  accesses: Access[];
  returns: Label[];
  checks: { line: number; endLine: number; left: Label[]; right: Label[]; exits: boolean }[];
  tableCtors: { line: number; snippet: string; labels: Label[] }[];
  identity: string[];
}

const MAX_DEPTH = 3;

export function accessId(m: ModuleModel, d: DynamoCall): string {
  return `${m.file}:${d.loc.line}:${d.loc.col}`;
}

function eventLabel(path: string[]): Label | undefined {
  const [head, name = '*', third] = path;
  if (head === 'pathParameters') return { k: 'request', origin: 'path', name };
  if (head === 'queryStringParameters' || head === 'multiValueQueryStringParameters') return { k: 'request', origin: 'query', name };
  if (head === 'headers' || head === 'multiValueHeaders') return { k: 'request', origin: name.toLowerCase() === 'cookie' ? 'cookie' : 'header', name };
  if (head === 'cookies') return { k: 'request', origin: 'cookie', name };
  if (head === 'body') return { k: 'request', origin: 'body', name };
  if (head === 'requestContext' && (name === 'authorizer' || name === 'identity')) return { k: 'identity', text: `requestContext.${name}${third ? `.${path.slice(2).join('.')}` : ''}` };
  return undefined;
}

function roleLabel(role: ParamRole | undefined, path: string[], paramName: string, annotation?: string): Label | undefined {
  switch (role?.k) {
    case 'request':
      return { k: 'request', origin: role.origin, name: role.name };
    case 'body-model':
      return { k: 'request', origin: 'body', name: path[0] ?? role.name, path, model: annotation };
    case 'identity':
      return { k: 'identity', text: [paramName, ...path].join('.') };
    case 'event':
      return eventLabel(path) ?? { k: 'event', path };
    case 'request-object': {
      const [head, name = '*'] = path;
      if (head === 'path_params') return { k: 'request', origin: 'path', name };
      if (head === 'query_params') return { k: 'request', origin: 'query', name };
      if (head === 'headers') return { k: 'request', origin: 'header', name };
      if (head === 'cookies') return { k: 'request', origin: 'cookie', name };
      if (head === 'json()' || head === 'body()' || head === 'form()') return { k: 'request', origin: 'body', name };
      if (head === 'state' && path.length > 1) return { k: 'identity', text: `request.state.${path.slice(1).join('.')}` };
      if (head === 'scope' && path[1] === 'aws.event') return eventLabel(path.slice(2));
      return undefined;
    }
    default:
      return undefined;
  }
}

export function labelKey(l: Label): string {
  switch (l.k) {
    case 'request':
      return `r:${l.origin}:${l.name}:${l.path?.join('.') ?? ''}`;
    case 'identity':
      return `i:${l.text}`;
    case 'item':
      return `d:${l.id}:${l.path.join('.')}`;
    case 'unverified':
      return `u:${l.line}`;
    case 'exc':
      return `e:${l.fn}:${l.line}:${l.path.join('.')}`;
    case 'event':
      return `v:${l.path.join('.')}`;
    case 'hashed':
      return `h:${l.file}:${l.line}`;
    case 'secret':
      return `s:${l.file}:${l.line}`;
  }
}

/** A label with a further access path taken on it (a callee reading `event["pathParameters"]` of the event it was passed). */
function withPath(l: Label, path: string[]): Label {
  if (!path.length) return l;
  switch (l.k) {
    case 'event': {
      const full = [...l.path, ...path];
      return eventLabel(full) ?? { k: 'event', path: full };
    }
    case 'item':
    case 'exc':
      return { ...l, path: [...l.path, ...path] };
    case 'request':
      return l.path ? { ...l, name: l.path.length ? l.name : path[0], path: [...l.path, ...path] } : l.name === '*' ? { ...l, name: path[0] } : l;
    case 'identity':
      return { k: 'identity', text: `${l.text}.${path.join('.')}` };
    default:
      return l;
  }
}

function uniq(labels: Label[]): Label[] {
  if (labels.length < 2) return labels;
  const seen = new Set<string>();
  return labels.filter((l) => {
    const k = labelKey(l);
    return !seen.has(k) && !!seen.add(k);
  });
}

/** Resolution context: a function, the module it lives in, and what its parameters carry. */
export interface Frame {
  module: ModuleModel;
  fn: FunctionSummary;
  /** Label sets bound to the parameters (callee frames), or roles (handler frame). */
  args?: Label[][];
  kwargs?: Record<string, Label[]>;
  roles?: ParamRole[];
  depth: number;
}

export class DataFlow {
  constructor(private readonly resolver: Resolver) {}

  private param(atom: Atom & { k: 'param' }, f: Frame): Label[] {
    const p = f.fn.params[atom.i];
    if (f.roles) {
      const l = roleLabel(f.roles[atom.i], atom.path, p?.name ?? `arg${atom.i}`, p?.annotation);
      return l ? [l] : [];
    }
    const bound = f.args?.[atom.i] ?? (p && f.kwargs?.[p.name]) ?? [];
    // a path taken on a request value stays that value (body["x"] of a body param is body input)
    return atom.path.length ? bound.map((l) => withPath(l, atom.path)) : bound;
  }

  labels(t: Taint, f: Frame): Label[] {
    const out: Label[] = [];
    for (const a of t) {
      if (a.k === 'param') out.push(...this.param(a, f));
      else if (a.k === 'dyn') {
        const d = f.fn.dynamo[a.call];
        if (d) out.push({ k: 'item', id: accessId(f.module, d), path: a.path ?? [] });
      } else if (a.k === 'unverified') out.push({ k: 'unverified', line: a.line });
      else if (a.k === 'exc') out.push({ k: 'exc', fn: `${f.module.file}:${f.fn.name}`, line: a.line, types: a.types, path: a.path });
      else if (a.k === 'claims') out.push({ k: 'identity', text: ['token claims', ...a.path].join('.') });
      else if (a.k === 'hashed') out.push({ k: 'hashed', strong: a.strong, algo: a.algo, file: f.module.file, line: a.line });
      else if (a.k === 'secret') out.push({ k: 'secret', file: f.module.file, line: a.line });
      else out.push(...this.callResult(a, f));
    }
    return uniq(out);
  }

  private callResult(a: Atom & { k: 'call' }, f: Frame): Label[] {
    const args = a.args.map((t) => this.labels(t, f));
    const kwargs = Object.fromEntries(Object.entries(a.kwargs).map(([k, t]) => [k, this.labels(t, f)]));
    const target = this.resolver.functionOf(a.fn, f.module);
    if (target && f.depth < MAX_DEPTH) {
      return this.labels(target.fn.returns, { module: target.module, fn: target.fn, args, kwargs, depth: f.depth + 1 });
    }
    // a project model class built from a value keeps only its declared fields: PublicProfile(**item), Model.model_validate(item)
    if (this.resolver.isProjectClass(a.fn.replace(/\.(model_validate|parse_obj|from_orm|model_construct)$/, ''), f.module)) return [];
    // unknown or external call: what goes in comes out (str(), int(), f"…".format, hashlib …)
    return uniq([...args.flat(), ...Object.values(kwargs).flat()]);
  }

  private accessesOf(f: Frame, via?: string): Access[] {
    const out: Access[] = f.fn.dynamo.map((call) => ({
      id: accessId(f.module, call),
      call,
      module: f.module,
      via,
      keys: call.keys.map((k) => ({ attr: k.attr, labels: this.labels(k.taint, f) })),
      tableName: call.tableName ? this.labels(call.tableName.taint, f) : [],
      expression: this.labels(call.expressionTaint, f),
      condition: this.labels(call.conditionTaint, f),
    }));
    if (f.depth >= MAX_DEPTH - 1) return out;
    for (const c of f.fn.calls) {
      const target = this.resolver.functionOf(c.fn, f.module);
      if (!target || target.fn === f.fn || target.fn.dynamo.length === 0 && target.fn.calls.length === 0) continue;
      const frame: Frame = {
        module: target.module,
        fn: target.fn,
        args: c.args.map((t) => this.labels(t, f)),
        kwargs: Object.fromEntries(Object.entries(c.kwargs).map(([k, t]) => [k, this.labels(t, f)])),
        depth: f.depth + 1,
      };
      out.push(...this.accessesOf(frame, `${target.fn.name}() in ${target.module.file}`));
    }
    return out;
  }

  /**
   * The function itself and the project helpers it calls (two levels deep), each frame with the labels of
   * its arguments bound: where a helper logs or writes what its caller passed in.
   */
  reachable(module: ModuleModel, fn: FunctionSummary, roles: ParamRole[]): Frame[] {
    const out: Frame[] = [{ module, fn, roles, depth: 0 }];
    for (let i = 0; i < out.length; i++) {
      const f = out[i];
      if (f.depth >= 2) continue;
      for (const c of f.fn.calls) {
        const target = this.resolver.functionOf(c.fn, f.module);
        if (!target || target.fn === f.fn || out.length > 24) continue;
        const t = target.fn;
        if (!t.logs.length && !t.writes.length && !t.dynamo.some((d) => d.writes) && !t.calls.length) continue;
        out.push({
          module: target.module,
          fn: t,
          args: c.args.map((a) => this.labels(a, f)),
          kwargs: Object.fromEntries(Object.entries(c.kwargs).map(([k, a]) => [k, this.labels(a, f)])),
          depth: f.depth + 1,
        });
      }
    }
    return out;
  }

  /** Labels of a taint inside a frame that `reachable` returned. */
  labelsAt(t: Taint, f: Frame): Label[] {
    return this.labels(t, f);
  }

  /** Labels of a taint seen from inside a function, with its parameters' roles (a handler's, or read off the signature). */
  labelsIn(t: Taint, module: ModuleModel, fn: FunctionSummary, roles: ParamRole[]): Label[] {
    // several rules read the same return sites with the same roles: resolve each once
    let byRoles = this.seen.get(t);
    if (!byRoles) this.seen.set(t, (byRoles = new WeakMap()));
    let out = byRoles.get(roles);
    if (!out) byRoles.set(roles, (out = this.labels(t, { module, fn, roles, depth: 0 })));
    return out;
  }
  private readonly seen = new WeakMap<Taint, WeakMap<ParamRole[], Label[]>>();

  /** Labels of what a DynamoDB call writes, attribute by attribute. */
  writesOf(module: ModuleModel, fn: FunctionSummary, call: DynamoCall, roles: ParamRole[]): { attr: string; labels: Label[] }[] {
    const f: Frame = { module, fn, roles, depth: 0 };
    return (call.writes ?? []).map((w) => ({ attr: w.attr, labels: this.labels(w.taint, f) }));
  }

  /** The same, inside a frame that `reachable` returned. */
  writesAt(call: DynamoCall, f: Frame): { attr: string; literal: boolean; labels: Label[] }[] {
    return (call.writes ?? []).map((w) => ({ attr: w.attr, literal: !!w.literal, labels: this.labels(w.taint, f) }));
  }

  facts(h: Handler): HandlerFacts {
    const f: Frame = { module: h.module, fn: h.fn, roles: h.roles, depth: 0 };
    const accesses = this.accessesOf(f);
    const checks = h.fn.checks.map((c) => ({ line: c.line, endLine: c.endLine, left: this.labels(c.left, f), right: this.labels(c.right, f), exits: c.exits }));
    const returns = this.labels(h.fn.returns, f);
    const tableCtors = h.fn.tableCtors.map((t) => ({ line: t.loc.line, snippet: t.snippet, labels: this.labels(t.taint, f) }));
    const identity = new Set<string>();
    h.roles.forEach((r, i) => r.k === 'identity' && identity.add(h.fn.params[i].name));
    for (const l of this.labels(h.fn.reads, f)) if (l.k === 'identity') identity.add(l.text);
    const all = [...accesses.flatMap((a) => [...a.keys.flatMap((k) => k.labels), ...a.condition]), ...checks.flatMap((c) => [...c.left, ...c.right]), ...returns];
    for (const l of all) if (l.k === 'identity') identity.add(l.text);
    return { accesses, returns, checks, tableCtors, identity: [...identity] };
  }
}

export function requestLabels(labels: Label[]): (Label & { k: 'request' })[] {
  return uniq(labels).filter((l): l is Label & { k: 'request' } => l.k === 'request');
}

export function hasIdentity(labels: Label[]): boolean {
  return labels.some((l) => l.k === 'identity');
}

export function describeInput(l: Label & { k: 'request' }): string {
  return `${l.origin} parameter ${l.name}`;
}
