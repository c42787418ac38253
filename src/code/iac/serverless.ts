/**
 * Serverless Framework (v3/v4) `serverless.yml` → the normalised IaC model.
 *
 * Read: `functions.<f>` (handler, runtime, environment, function URL, per-function IAM statements of
 * serverless-iam-roles-per-function), `events[].http` (one REST API, `ApiGatewayRestApi`) and
 * `events[].httpApi` (one HTTP API, `HttpApi`) with their CORS and authorizers, `provider.iam.role.statements`
 * / `provider.iamRoleStatements` and the AWS managed policies of `provider.iam.role.managedPolicies` /
 * `provider.iamManagedPolicies`, `provider.environment`, and DynamoDB tables under `resources.Resources`.
 * The semantics follow the framework's compiler: a REST `cors` becomes a MOCK OPTIONS method per path (the
 * settings of every event on a path are merged, several origins are matched by a VTL template); an HTTP API
 * and a function URL answer preflights themselves.
 *
 * Variables are resolved where the file alone decides them: `${self:…}`, and the fallback of
 * `${opt:…}`, `${sls:…}`, `${env:…}`, `${param:…}`. Everything else (`${ssm:…}`, `${file(…)}`, `${cf:…}`,
 * `${aws:region}`, CloudFormation intrinsics) stays unresolved. `${…}` that is no framework variable
 * (`${aws:username}`, `${cognito-identity.amazonaws.com:sub}`, `${AWS::Region}`) is kept as written.
 *
 * The YAML is walked as a document, never converted whole: aliases are followed through a table built in
 * one pass, the expanded size is computed before anything is read (alias bombs are refused), and every
 * alias, variable and map lookup is charged to one budget.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  emptyDocument,
  type Authorizer,
  type AuthorizerKind,
  type CorsConfig,
  type IacApi,
  type IacDocument,
  type IacFunction,
  type IacRoute,
  type IacString,
  type IacTable,
  type IamStatement,
  type Place,
  type ReadResult,
  type Unresolved,
} from './model.ts';
import { joinDir, MAX_IAC_BYTES, placeAt, type ReaderInput } from './reader.ts';
import { MANAGED_POLICIES } from './aws-policies.ts';
import { CFN_CUSTOM_TAGS } from './cloudformation.ts';


/** Headers the framework allows when `cors: true` (REST and HTTP API). */
const DEFAULT_CORS_HEADERS = [
  'Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id',
];
/** Function URLs use a shorter default list, and every method. */
const DEFAULT_URL_CORS_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amzn-Trace-Id'];
/** What `ANY` stands for in a REST preflight's Allow-Methods and in an HTTP API's filled-in methods. */
const ANY_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];
const HTTP_API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'DELETE'];
const DEFAULT_REST_IDENTITY_SOURCE = 'method.request.header.Authorization';

/** Work allowed for one file: alias hops, lookups, variable resolutions (charged by the step). */
const MAX_STEPS = 2_000_000;
/** Variables inside variables, or a reference chain, deeper than this stay unresolved. */
const MAX_VARIABLE_DEPTH = 8;
/** A resolved string longer than this stays unresolved (variables that multiply text). */
const MAX_RESOLVED_CHARS = 16_384;
const MAX_NESTING = 500;
const MAX_UNRESOLVED_TEXT = 200;

/** A value as read: a mapping, a sequence, a computed string or scalar, or something the file cannot decide. */
type Val =
  | { t: 'map'; node: YAMLMap }
  | { t: 'seq'; node: YAMLSeq }
  | { t: 'str'; value: string }
  | { t: 'prim'; value: number | boolean | null }
  | { t: 'unres'; text: string; intrinsic?: boolean };

/** One key of a mapping: its key node (for the line) and its value as written. */
interface Entry {
  key: string;
  keyNode: unknown;
  raw: unknown;
}

/** Reading stops: the input would cost more than it is worth (an alias bomb, runaway variables). */
class Limit extends Error {}

/** `${…}` not written as a framework variable: kept as text. */
const LITERAL = Symbol('literal');
/** Stands for a nested variable that could not be resolved, inside an address being built. */
const UNKNOWN = '\u0000';

const EMPTY_ENTRIES: ReadonlyMap<string, Entry> = new Map();

export function readServerless(input: ReaderInput): ReadResult {
  const problems: string[] = [];
  const size = input.text.length > MAX_IAC_BYTES ? input.text.length : Buffer.byteLength(input.text, 'utf8');
  if (size > MAX_IAC_BYTES) return { problems: [`larger than ${MAX_IAC_BYTES} bytes (${size}); not read`] };
  let document: IacDocument | undefined;
  try {
    const lines = new LineCounter();
    const doc = parseDocument(input.text, { customTags: CFN_CUSTOM_TAGS, lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    for (const e of doc.errors.slice(0, 1)) {
      const at = lines.linePos(e.pos[0]);
      // the parser's message only, never the source around it (it may hold a secret)
      problems.push(`not valid YAML at line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}`);
    }
    if (!isMap(doc.contents)) {
      if (!doc.errors.length) problems.push(doc.contents === null ? 'empty; nothing read' : 'not a mapping at the top level; not read');
      return { document: emptyDocument(input.file, 'serverless'), problems };
    }
    const src = new Source(input, doc, lines);
    try {
      src.index();
    } catch (e) {
      if (e instanceof Limit) return { problems: [...problems, e.message] };
      throw e;
    }
    document = emptyDocument(input.file, 'serverless');
    try {
      readInto(src, document);
    } catch (e) {
      if (!(e instanceof Limit)) throw e;
      problems.push(`${e.message}; reading stopped, what was read so far is kept`);
    }
    return { document, problems };
  } catch (e) {
    // an unexpected failure (a parser limit, a stack overflow): its name only
    problems.push(`could not be read (${e instanceof Error ? e.name : 'error'})`);
    return { document, problems };
  }
}

/** The parsed file: alias table, lookups, variable resolution and citations, all charged to one budget. */
class Source {
  private steps = 0;
  private readonly aliasTarget = new Map<unknown, unknown>();
  private readonly entriesMemo = new WeakMap<YAMLMap, Map<string, Entry>>();
  private readonly selfMemo = new Map<string, Val | undefined>();
  private readonly resolving = new Set<string>();
  readonly root: Val;

  constructor(
    readonly input: ReaderInput,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {
    this.root = { t: 'map', node: doc.contents as YAMLMap };
  }

  tick(n = 1): void {
    this.steps += n;
    if (this.steps > MAX_STEPS) throw new Limit('too many alias, lookup or variable expansions');
  }

  /** One pass in document order: each alias points at the last node anchored with its name before it; then the expanded size. */
  index(): void {
    const anchors = new Map<string, unknown>();
    const stack: unknown[] = [this.doc.contents];
    let nodes = 0;
    while (stack.length) {
      const n = stack.pop();
      if (!n || typeof n !== 'object') continue;
      nodes++;
      if (isAlias(n)) {
        this.aliasTarget.set(n, anchors.get(n.source));
        continue;
      }
      if (isPair(n)) {
        stack.push(n.value, n.key);
        continue;
      }
      const anchor = (n as { anchor?: string }).anchor;
      if (anchor) anchors.set(anchor, n);
      if (isMap(n) || isSeq(n)) for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    }
    const limit = Math.max(100_000, 20 * nodes);
    const memo = new Map<unknown, number>();
    const busy = new Set<unknown>();
    const expanded = (n: unknown, depth: number): number => {
      if (!n || typeof n !== 'object') return 0;
      if (depth > MAX_NESTING) throw new Limit(`nested more than ${MAX_NESTING} levels deep (counting aliases); not read`);
      if (isAlias(n)) {
        const target = this.aliasTarget.get(n);
        if (!target) return 1;
        if (busy.has(target)) throw new Limit('a YAML alias refers to a node that contains it; not read');
        return 1 + expanded(target, depth + 1);
      }
      const known = memo.get(n);
      if (known !== undefined) return known;
      busy.add(n);
      let total = 1;
      if (isPair(n)) total += expanded(n.key, depth) + expanded(n.value, depth);
      else if (isMap(n) || isSeq(n)) {
        for (const item of n.items) {
          total += expanded(item, depth + 1);
          if (total > limit) break;
        }
      }
      busy.delete(n);
      memo.set(n, total);
      return total;
    };
    if (expanded(this.doc.contents, 0) > limit) {
      throw new Limit(`YAML aliases expand to more than ${limit} nodes (an alias bomb?); not read`);
    }
  }

  /** The node an alias stands for (one hop: an alias never carries an anchor). */
  deref(raw: unknown): unknown {
    if (isAlias(raw)) {
      this.tick();
      return this.aliasTarget.get(raw);
    }
    return raw;
  }

  /** A value with its variables resolved; tagged (`!Ref`) values are unresolved. */
  val(raw: unknown, depth = 0): Val | undefined {
    this.tick();
    const n = this.deref(raw);
    if (!n || typeof n !== 'object') return undefined;
    if (isScalar(n)) {
      if (n.tag?.startsWith('!')) return { t: 'unres', text: this.compact(n), intrinsic: true };
      const x = n.value;
      if (typeof x === 'string') return this.resolveString(x, depth);
      if (x === null || x === undefined) return { t: 'prim', value: null };
      if (typeof x === 'number' || typeof x === 'boolean') return { t: 'prim', value: x };
      return { t: 'str', value: String(x) };
    }
    if (isMap(n)) return n.tag?.startsWith('!') ? { t: 'unres', text: this.compact(n), intrinsic: true } : { t: 'map', node: n };
    if (isSeq(n)) return n.tag?.startsWith('!') ? { t: 'unres', text: this.compact(n), intrinsic: true } : { t: 'seq', node: n };
    return undefined;
  }

  /** A mapping's keys, `<<` merge keys applied the way js-yaml (the framework's parser) applies them. */
  entries(v: Val | undefined, depth = 0): ReadonlyMap<string, Entry> {
    if (!v || v.t !== 'map') return EMPTY_ENTRIES;
    const known = this.entriesMemo.get(v.node);
    if (known) return known;
    const out = new Map<string, Entry>();
    for (const p of v.node.items) {
      this.tick();
      const k = this.deref(p.key);
      if (!isScalar(k) || k.value === null || k.value === undefined) continue;
      const key = String(k.value);
      if (key === '<<' && depth < 8) {
        const src = this.deref(p.value);
        const sources = isSeq(src) ? src.items.map((i) => this.deref(i)) : [src];
        for (const s of sources) {
          if (!isMap(s)) continue;
          for (const [mk, me] of this.entries({ t: 'map', node: s }, depth + 1)) if (!out.has(mk)) out.set(mk, me);
        }
        continue;
      }
      out.set(key, { key, keyNode: p.key, raw: p.value });
    }
    this.entriesMemo.set(v.node, out);
    return out;
  }

  get(v: Val | undefined, key: string): Entry | undefined {
    return this.entries(v).get(key);
  }

  /** The value under `key`, resolved. */
  at(v: Val | undefined, key: string): Val | undefined {
    const e = this.get(v, key);
    return e ? this.val(e.raw) : undefined;
  }

  items(v: Val | undefined): unknown[] {
    if (!v || v.t !== 'seq') return [];
    this.tick(v.node.items.length);
    return v.node.items;
  }

  place(node: unknown, path: string): Place {
    const start = (node as { range?: [number, number, number] } | null)?.range?.[0];
    if (start === undefined) return placeAt(this.input, 1, path);
    const pos = this.lines.linePos(start);
    return placeAt(this.input, pos.line, path, pos.col);
  }

  // ---- variables ----

  private resolveString(s: string, depth: number): Val {
    if (!s.includes('${')) return { t: 'str', value: s };
    const parts = splitVariables(s);
    if (!parts.some((p) => p.inner !== undefined)) return { t: 'str', value: s };
    if (depth >= MAX_VARIABLE_DEPTH) return { t: 'unres', text: s };
    if (parts.length === 1) {
      const r = this.resolveVariable(parts[0].inner as string, depth + 1);
      if (r === LITERAL) return { t: 'str', value: s };
      // a variable that ends in an intrinsic (`custom.arn: !GetAtt …`) is cited by the intrinsic
      return r.t === 'unres' && !r.intrinsic ? { t: 'unres', text: s } : r;
    }
    let out = '';
    for (const p of parts) {
      if (p.inner === undefined) {
        out += p.text;
        continue;
      }
      const r = this.resolveVariable(p.inner, depth + 1);
      const piece = r === LITERAL ? p.text : scalarText(r);
      if (piece === undefined) return { t: 'unres', text: s };
      out += piece;
      this.tick(Math.ceil(out.length / 64));
      if (out.length > MAX_RESOLVED_CHARS) return { t: 'unres', text: s };
    }
    return { t: 'str', value: out };
  }

  /** `source:address, fallback, …` (the text between `${` and `}`). */
  private resolveVariable(inner: string, depth: number): Val | typeof LITERAL {
    this.tick();
    const asWritten: Val = { t: 'unres', text: `\${${inner}}` };
    if (depth > MAX_VARIABLE_DEPTH) return asWritten;
    let text = inner;
    if (inner.includes('${')) {
      text = '';
      for (const p of splitVariables(inner)) {
        if (p.inner === undefined) {
          text += p.text;
          continue;
        }
        const r = this.resolveVariable(p.inner, depth + 1);
        text += (r === LITERAL ? p.text : scalarText(r)) ?? UNKNOWN;
        if (text.length > MAX_RESOLVED_CHARS) return asWritten;
      }
    }
    const candidates = splitParams(text);
    for (let i = 0; i < candidates.length; i++) {
      const c = candidates[i];
      const primary = i === 0;
      if (!c) continue;
      if (c.includes(UNKNOWN)) return asWritten;
      const lit = literalParam(c);
      if (lit) return lit;
      const call = /^([A-Za-z][A-Za-z0-9]*)\(.*\)(?::.*)?$/s.exec(c);
      if (call) return asWritten; // file(…), strToBool(…), …: computed at deploy time
      const m = /^([A-Za-z][A-Za-z0-9]*):(.*)$/s.exec(c);
      if (!m || m[2].startsWith(':')) {
        // not a framework variable (`AWS::Region`, `cognito-identity.amazonaws.com:sub`); a bare fallback word is text
        if (primary) return LITERAL;
        return { t: 'str', value: c };
      }
      const [, source, address] = m;
      switch (source) {
        case 'self': {
          const found = this.selfLookup(address.trim(), depth);
          if (found && !(found.t === 'prim' && found.value === null)) return found;
          continue;
        }
        case 'opt':
        case 'sls':
        case 'env':
        case 'param':
          continue; // decided by the command line or the deploy environment: only a fallback decides it here
        case 'aws':
          if (primary && !/^(accountId|region|partition)$/.test(address.trim())) return LITERAL; // an IAM policy variable
          return asWritten;
        default:
          return asWritten;
      }
    }
    return asWritten;
  }

  /** `self:` addresses, from the top of the file: `custom.origins.0`. Cycles and missing keys give nothing. */
  private selfLookup(address: string, depth: number): Val | undefined {
    if (this.selfMemo.has(address)) return this.selfMemo.get(address);
    if (this.resolving.has(address)) return { t: 'unres', text: `\${self:${address}}` };
    this.resolving.add(address);
    let cur: Val | undefined = this.root;
    try {
      for (const seg of address ? address.split('.') : []) {
        this.tick();
        if (!cur) break;
        if (cur.t === 'map') {
          const e = this.get(cur, seg);
          cur = e ? this.val(e.raw, depth) : undefined;
        } else if (cur.t === 'seq' && /^\d+$/.test(seg)) {
          cur = this.val(cur.node.items[Number(seg)], depth);
        } else if (cur.t === 'unres') {
          break; // inside something computed at deploy time
        } else {
          cur = undefined;
        }
      }
    } finally {
      this.resolving.delete(address);
    }
    this.selfMemo.set(address, cur);
    return cur;
  }

  /** A short text for a computed value: `!GetAtt Table.Arn`, `Fn::Join: ['', [arn:, !Ref X]]`. */
  compact(raw: unknown): string {
    let out = '';
    const write = (n: unknown, depth: number, top: boolean): void => {
      if (out.length > MAX_UNRESOLVED_TEXT) return;
      this.tick();
      const node = this.deref(n);
      const tag = (node as { tag?: string } | null)?.tag;
      const prefix = tag?.startsWith('!') ? `${tag} ` : '';
      if (depth > 6) {
        out += '…';
      } else if (isScalar(node)) {
        out += prefix + (node.value === '' ? "''" : String(node.value));
      } else if (isSeq(node)) {
        out += `${prefix}[`;
        node.items.forEach((item, i) => {
          if (i) out += ', ';
          write(item, depth + 1, false);
        });
        out += ']';
      } else if (isMap(node)) {
        if (!top || node.items.length !== 1 || prefix) out += `${prefix}{`;
        node.items.forEach((p, i) => {
          if (i) out += ', ';
          write(p.key, depth + 1, false);
          out += ': ';
          write(p.value, depth + 1, false);
        });
        if (!top || node.items.length !== 1 || prefix) out += '}';
      }
    };
    write(raw, 0, true);
    return out.length > MAX_UNRESOLVED_TEXT ? `${out.slice(0, MAX_UNRESOLVED_TEXT)}…` : out;
  }

  // ---- typed reads ----

  /** A string, or the unresolved text of a variable or intrinsic (`Ref`, `Fn::GetAtt` maps included). */
  str(v: Val | undefined): IacString | undefined {
    if (!v) return undefined;
    switch (v.t) {
      case 'str':
        return v.value;
      case 'prim':
        return v.value === null ? undefined : String(v.value);
      case 'unres':
        return { unresolved: v.text };
      case 'map': {
        const keys = [...this.entries(v).keys()];
        if (keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0].startsWith('Fn::'))) {
          return { unresolved: this.compact(v.node) };
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** A string the file decides. */
  plain(v: Val | undefined): string | undefined {
    const s = this.str(v);
    return typeof s === 'string' ? s : undefined;
  }

  /** A list written as a list or as one value. */
  list(v: Val | undefined): IacString[] | undefined {
    if (!v) return undefined;
    if (v.t === 'seq') {
      const out: IacString[] = [];
      for (const item of this.items(v)) {
        const s = this.str(this.val(item));
        if (s !== undefined) out.push(s);
      }
      return out;
    }
    const one = this.str(v);
    return one === undefined ? undefined : [one];
  }

  /** Where each item of a written-out list is, index for index with `list(v)`; undefined for one value. */
  listPlaces(v: Val | undefined, path: string): Place[] | undefined {
    if (!v || v.t !== 'seq') return undefined;
    const out: Place[] = [];
    this.items(v).forEach((item, i) => {
      if (this.str(this.val(item)) !== undefined) out.push(this.place(item, `${path}[${i}]`));
    });
    return out;
  }

  plainList(v: Val | undefined): string[] | undefined {
    return this.list(v)?.filter((s): s is string => typeof s === 'string');
  }

  /** A flag the way JavaScript reads it (`Boolean(x)`); unresolved when computed. */
  truthy(v: Val | undefined): boolean | Unresolved {
    if (!v) return false;
    if (v.t === 'unres') return { unresolved: v.text };
    if (v.t === 'prim') return Boolean(v.value);
    if (v.t === 'str') return v.value !== '';
    return true;
  }

  /** A boolean as CloudFormation reads it (`true`, `"false"`); undefined when absent or computed. */
  bool(v: Val | undefined): boolean | undefined {
    if (!v) return undefined;
    if (v.t === 'prim' && typeof v.value === 'boolean') return v.value;
    if (v.t === 'str' && /^(true|false)$/i.test(v.value)) return v.value.toLowerCase() === 'true';
    return undefined;
  }

  num(v: Val | undefined): number | undefined {
    if (!v) return undefined;
    if (v.t === 'prim' && typeof v.value === 'number') return v.value;
    if (v.t === 'str' && /^\d+$/.test(v.value.trim())) return Number(v.value);
    return undefined;
  }
}

function scalarText(r: Val): string | undefined {
  if (r.t === 'str') return r.value;
  if (r.t === 'prim' && r.value !== null) return String(r.value);
  return undefined;
}

/** Text and `${…}` pieces of a string, braces matched; an unclosed `${` is text. */
function splitVariables(s: string): { text: string; inner?: string }[] {
  const out: { text: string; inner?: string }[] = [];
  let i = 0;
  let plain = '';
  while (i < s.length) {
    const start = s.indexOf('${', i);
    if (start < 0) break;
    let depth = 1;
    let j = start + 2;
    while (j < s.length && depth > 0) {
      if (s.startsWith('${', j)) {
        depth++;
        j += 2;
      } else {
        if (s[j] === '}') depth--;
        j++;
      }
    }
    if (depth > 0) break;
    plain += s.slice(i, start);
    if (plain) out.push({ text: plain });
    plain = '';
    out.push({ text: s.slice(start, j), inner: s.slice(start + 2, j - 1) });
    i = j;
  }
  plain += s.slice(i);
  if (plain) out.push({ text: plain });
  return out;
}

/** `a, 'b, c', d` → the comma-separated parameters, quotes and parentheses respected. */
function splitParams(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let parens = 0;
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') parens++;
    else if (ch === ')') parens = Math.max(0, parens - 1);
    else if (ch === ',' && parens === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** A literal fallback: `'dev'`, `"dev"`, `3`, `true`, `null`. */
function literalParam(c: string): Val | undefined {
  const q = /^'(.*)'$|^"(.*)"$/s.exec(c);
  if (q) return { t: 'str', value: q[1] ?? q[2] ?? '' };
  if (/^-?\d+(\.\d+)?$/.test(c)) return { t: 'prim', value: Number(c) };
  if (c === 'true' || c === 'false') return { t: 'prim', value: c === 'true' };
  if (c === 'null') return { t: 'prim', value: null };
  return undefined;
}

/** `app/main.handler` → `app.main.handler` (path of the module, then the attribute). */
function dottedHandler(handler: string): string {
  const s = handler.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  const dot = s.lastIndexOf('.');
  if (dot <= 0) return s;
  const module = s.slice(0, dot).split('/').filter((p) => p && p !== '.').join('.');
  return `${module}.${s.slice(dot + 1)}`;
}

/** The framework's CloudFormation logical id for a function: `get-profile` → `GetDashprofileLambdaFunction`. */
function functionLogicalId(name: string): string {
  const n = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${n.charAt(0).toUpperCase()}${n.slice(1)}LambdaFunction`;
}

function textOf(s: IacString | undefined): string | undefined {
  return s === undefined ? undefined : typeof s === 'string' ? s : s.unresolved;
}

function keyOf(s: IacString): string {
  return typeof s === 'string' ? `s:${s}` : `u:${s.unresolved}`;
}

function union<T extends IacString>(first: T[], second: T[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const s of [...first, ...second]) {
    const k = keyOf(s);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(s);
    }
  }
  return out;
}

function orCredentials(a: boolean | Unresolved, b: boolean | Unresolved): boolean | Unresolved {
  if (a === true || b === true) return true;
  if (typeof a === 'object') return a;
  if (typeof b === 'object') return b;
  return false;
}

/** The CORS settings of one REST `http` event, as the framework's `getCors` normalises them. */
interface RestCors {
  origin?: IacString;
  origins: IacString[];
  /** Where each of `origins` is written, when the list is written out item by item. */
  originPlaces?: Place[];
  headers: string[];
  methods: string[];
  credentials: boolean | Unresolved;
  maxAge?: number;
  at: Place;
}

interface PendingRestCors {
  route: IacRoute;
  pathKey: string;
  cors: RestCors;
  actual: CorsConfig['actual'];
}

function readInto(src: Source, out: IacDocument): void {
  const { input } = src;
  const root = src.root;
  const provider = src.at(root, 'provider');
  const custom = src.at(root, 'custom');

  // plugins: a list, or `{ modules: [...] }`
  const pluginsVal = src.at(root, 'plugins');
  const plugins = src.plainList(pluginsVal?.t === 'map' ? src.at(pluginsVal, 'modules') : pluginsVal) ?? [];
  const rolesPerFunction = plugins.includes('serverless-iam-roles-per-function');
  const defaultInherit = src.bool(src.at(src.at(custom, 'serverless-iam-roles-per-function'), 'defaultInherit')) === true;

  // provider-level IAM: statements of the role the framework generates (none when a custom role is used)
  const iamVal = src.at(provider, 'iam');
  const roleVal = src.at(iamVal, 'role');
  const named = (x: Val | undefined): boolean => x?.t === 'str' || x?.t === 'unres';
  const customRole = named(roleVal) || named(src.at(provider, 'role'));
  const providerStatements: IamStatement[] = customRole
    ? []
    : [
        ...readStatements(src, src.at(roleVal, 'statements'), 'provider.iam.role.statements'),
        ...readStatements(src, src.at(provider, 'iamRoleStatements'), 'provider.iamRoleStatements'),
        ...readManagedPolicies(src, src.at(roleVal, 'managedPolicies'), 'provider.iam.role.managedPolicies'),
        ...readManagedPolicies(src, src.at(provider, 'iamManagedPolicies'), 'provider.iamManagedPolicies'),
      ];
  const providerEnv = readEnvironment(src, src.at(provider, 'environment'), 'provider.environment');
  const providerRuntime = src.plain(src.at(provider, 'runtime'));

  // HTTP API configuration
  const httpApiEntry = src.get(provider, 'httpApi');
  const httpApiVal = httpApiEntry ? src.val(httpApiEntry.raw) : undefined;
  const httpAuthorizers = new Map<string, Authorizer>();
  for (const [name, e] of src.entries(src.at(httpApiVal, 'authorizers'))) {
    httpAuthorizers.set(name, httpAuthorizerDefinition(src, name, src.val(e.raw), src.place(e.keyNode, `provider.httpApi.authorizers.${name}`)));
  }

  const restId = `${input.file}#ApiGatewayRestApi`;
  const httpId = `${input.file}#HttpApi`;
  let restApi: IacApi | undefined;
  let httpApi: IacApi | undefined;
  const pendingRest: PendingRestCors[] = [];
  const httpMethods = new Set<string>();

  for (const [name, fe] of functionEntries(src, root)) {
    const fv = src.val(fe.raw);
    if (fv?.t !== 'map') continue;
    const base = `functions.${name}`;
    const fn: IacFunction = {
      id: `${input.file}#${functionLogicalId(name)}`,
      name,
      format: 'serverless',
      environment: [],
      statements: [],
      at: src.place(fe.keyNode, base),
    };
    out.functions.push(fn);
    const handler = src.plain(src.at(fv, 'handler'));
    if (handler) {
      fn.handler = dottedHandler(handler);
      // serverless-python-requirements' `module`: the function is packaged from that directory
      const module = src.plain(src.at(fv, 'module'));
      fn.codeDir = module ? joinDir(input.dir, module) : input.dir;
    }
    const runtime = src.plain(src.at(fv, 'runtime')) ?? providerRuntime;
    if (runtime) fn.runtime = runtime;

    const env = new Map(providerEnv.map((e) => [e.name, e]));
    for (const e of readEnvironment(src, src.at(fv, 'environment'), `${base}.environment`)) env.set(e.name, e);
    fn.environment = [...env.values()];

    const own = readStatements(src, src.at(fv, 'iamRoleStatements'), `${base}.iamRoleStatements`);
    const inherit = src.bool(src.at(fv, 'iamRoleStatementsInherit')) ?? defaultInherit;
    const ownRole = named(src.at(fv, 'role'));
    // with serverless-iam-roles-per-function, a function that declares statements gets a role of its own
    const inherits = !ownRole && !(rolesPerFunction && src.get(fv, 'iamRoleStatements') && !inherit);
    fn.statements = [...(inherits ? providerStatements : []), ...own];

    const urlEntry = src.get(fv, 'url');
    if (urlEntry) {
      const url = readFunctionUrl(src, urlEntry, `${base}.url`);
      if (url) fn.url = url;
    }

    src.items(src.at(fv, 'events')).forEach((item, i) => {
      const ev = src.val(item);
      const evPath = `${base}.events[${i}]`;
      const httpEntry = src.get(ev, 'http');
      if (httpEntry) {
        const r = readRestEvent(src, httpEntry, `${evPath}.http`, restId, fn.id);
        if (r) {
          if (!restApi) {
            restApi = {
              id: restId,
              name: 'ApiGatewayRestApi',
              kind: 'rest',
              format: 'serverless',
              // the generated OPTIONS methods carry AuthorizationType NONE
              authorizerOnPreflight: false,
              gatewayResponses: [],
              at: r.route.at,
            };
            out.apis.push(restApi);
          }
          out.routes.push(r.route);
          if (r.cors) pendingRest.push({ route: r.route, pathKey: r.pathKey, cors: r.cors, actual: r.actual });
        }
      }
      const httpApiEvent = src.get(ev, 'httpApi');
      if (httpApiEvent) {
        const route = readHttpApiEvent(src, httpApiEvent, `${evPath}.httpApi`, httpId, fn.id, httpAuthorizers);
        if (route) {
          if (!httpApi) {
            httpApi = {
              id: httpId,
              name: 'HttpApi',
              kind: 'http',
              format: 'serverless',
              gatewayResponses: [],
              at: httpApiEntry ? src.place(httpApiEntry.keyNode, 'provider.httpApi') : route.at,
            };
            out.apis.push(httpApi);
          }
          out.routes.push(route);
          if (route.method === 'ANY') for (const m of HTTP_API_METHODS) httpMethods.add(m);
          else httpMethods.add(route.method);
        }
      }
    });
  }

  applyRestCors(pendingRest);
  if (httpApi) {
    const cors = readHttpApiCors(src, httpApiVal, httpMethods);
    if (cors) httpApi.cors = cors;
  }
  out.tables.push(...readTables(src, src.get(root, 'resources')));
}

/** `functions:` as a mapping, or (v3) a list of mappings. */
function functionEntries(src: Source, root: Val): [string, Entry][] {
  const v = src.at(root, 'functions');
  if (v?.t === 'map') return [...src.entries(v)];
  const out: [string, Entry][] = [];
  for (const item of src.items(v)) for (const e of src.entries(src.val(item))) out.push(e);
  return out;
}

function readEnvironment(src: Source, block: Val | undefined, path: string): IacFunction['environment'] {
  const out: IacFunction['environment'] = [];
  for (const [name, e] of src.entries(block)) {
    const v = src.val(e.raw);
    let value: string | undefined;
    // what the file decides (`${self:…}`, a literal fallback) is a literal; other variables and intrinsics are computed
    if (v?.t === 'str' && !v.value.includes('${')) value = v.value;
    else if (v?.t === 'prim' && v.value !== null) value = String(v.value);
    out.push({ name, ...(value !== undefined ? { value } : {}), at: src.place(e.keyNode, `${path}.${name}`) });
  }
  return out;
}

function readStatements(src: Source, list: Val | undefined, path: string): IamStatement[] {
  const out: IamStatement[] = [];
  src.items(list).forEach((item, i) => {
    const st = src.val(item);
    if (st?.t !== 'map') return;
    const actionEntry = src.get(st, 'Action');
    const effect = src.plain(src.at(st, 'Effect'));
    const conditions: IamStatement['conditions'] = {};
    for (const [operator, oe] of src.entries(src.at(st, 'Condition'))) {
      const keys: Record<string, IacString[]> = {};
      for (const [key, ke] of src.entries(src.val(oe.raw))) keys[key] = src.list(src.val(ke.raw)) ?? [];
      conditions[operator] = keys;
    }
    out.push({
      effect: effect === 'Deny' ? 'Deny' : 'Allow',
      actions: src.list(actionEntry ? src.val(actionEntry.raw) : undefined) ?? [],
      resources: src.list(src.at(st, 'Resource')) ?? [],
      conditions,
      at: src.place(actionEntry?.keyNode ?? item, `${path}[${i}]`),
    });
  });
  return out;
}

/** AWS managed policies attached to the role (`arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess`), as the statements they stand for. */
function readManagedPolicies(src: Source, list: Val | undefined, path: string): IamStatement[] {
  const out: IamStatement[] = [];
  src.items(list).forEach((item, i) => {
    const arn = textOf(src.str(src.val(item)));
    // the partition may be written as a variable or an intrinsic: `arn:${aws:partition}:iam::aws:policy/…`
    const name = arn === undefined ? undefined : /^arn:[^:]+:iam::aws:policy\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn)?.[1];
    if (!name || !Object.hasOwn(MANAGED_POLICIES, name)) return;
    out.push({ effect: 'Allow', actions: [...MANAGED_POLICIES[name]], resources: ['*'], conditions: {}, template: name, at: src.place(item, `${path}[${i}]`) });
  });
  return out;
}

function readFunctionUrl(src: Source, entry: Entry, path: string): IacFunction['url'] | undefined {
  const v = src.val(entry.raw);
  if (!v || (v.t === 'prim' && !v.value) || (v.t === 'str' && (v.value === '' || v.value === 'false'))) return undefined;
  const at = src.place(entry.keyNode, path);
  if (v.t === 'unres') return { authType: 'unknown', at };
  if (v.t !== 'map') return { authType: 'NONE', at };
  const auth = src.at(v, 'authorizer');
  const authType = auth?.t === 'unres' ? 'unknown' : src.plain(auth) === 'aws_iam' ? 'AWS_IAM' : 'NONE';
  const corsEntry = src.get(v, 'cors');
  const corsVal = corsEntry ? src.val(corsEntry.raw) : undefined;
  if (!corsEntry || !corsVal || src.truthy(corsVal) === false) return { authType, at };
  const corsPath = `${path}.cors`;
  if (corsVal.t === 'unres') return { authType, cors: unresolvedCors(corsVal.text, 'gateway', 'gateway', src.place(corsEntry.keyNode, corsPath)), at };
  const originsEntry = corsVal.t === 'map' ? src.get(corsVal, 'allowedOrigins') : undefined;
  // `null` removes a default, an absent key keeps it
  const setting = (key: string, fallback: string[]): IacString[] | undefined => {
    if (corsVal.t !== 'map') return fallback;
    const e = src.get(corsVal, key);
    if (!e) return fallback;
    const x = src.val(e.raw);
    if (!x || (x.t === 'prim' && x.value === null)) return undefined;
    return src.list(x) ?? fallback;
  };
  const origins = setting('allowedOrigins', ['*']) ?? [];
  const originPlaces = originsEntry ? src.listPlaces(src.val(originsEntry.raw), `${corsPath}.allowedOrigins`) : undefined;
  const cors: CorsConfig = {
    origins,
    ...(originPlaces && originPlaces.length === origins.length ? { originPlaces } : {}),
    credentials: corsVal.t === 'map' ? src.truthy(src.at(corsVal, 'allowCredentials')) : false,
    preflight: 'gateway',
    actual: 'gateway',
    matching: 'exact',
    at: src.place((originsEntry ?? corsEntry).keyNode, originsEntry ? `${corsPath}.allowedOrigins` : corsPath),
  };
  const methods = setting('allowedMethods', ['*'])?.filter((s): s is string => typeof s === 'string');
  const headers = setting('allowedHeaders', DEFAULT_URL_CORS_HEADERS)?.filter((s): s is string => typeof s === 'string');
  if (methods) cors.methods = methods;
  if (headers) cors.headers = headers;
  if (corsVal.t === 'map') {
    const expose = src.plainList(src.at(corsVal, 'exposedResponseHeaders'));
    if (expose) cors.exposeHeaders = expose;
    const maxAge = src.num(src.at(corsVal, 'maxAge'));
    if (maxAge !== undefined) cors.maxAge = maxAge;
  }
  return { authType, cors, at };
}

function unresolvedCors(text: string, preflight: CorsConfig['preflight'], actual: CorsConfig['actual'], at: Place): CorsConfig {
  return { origins: [{ unresolved: text }], credentials: { unresolved: text }, preflight, actual, matching: 'exact', at };
}

function readRestEvent(
  src: Source,
  entry: Entry,
  path: string,
  api: string,
  fnId: string,
): { route: IacRoute; pathKey: string; cors?: RestCors; actual: CorsConfig['actual'] } | undefined {
  const v = src.val(entry.raw);
  let method: string | undefined;
  let routePath: string | undefined;
  if (v?.t === 'str') {
    const m = /^\s*(\S+)\s+(\S+)/.exec(v.value);
    if (m) [, method, routePath] = m;
  } else if (v?.t === 'map') {
    method = src.plain(src.at(v, 'method'));
    routePath = src.plain(src.at(v, 'path'));
  }
  if (!method || routePath === undefined) return undefined;
  const pathKey = routePath.replace(/^\//, '').replace(/\/$/, '');
  const upper = method.toUpperCase();
  const integration = v?.t === 'map' ? src.plain(src.at(v, 'integration'))?.toLowerCase().replace('-', '_') : undefined;
  const async = v?.t === 'map' && src.bool(src.at(v, 'async')) === true;
  const toLambda = integration === undefined || integration === 'lambda' || integration === 'lambda_proxy' || integration === 'aws' || integration === 'aws_proxy';
  // non-proxy Lambda integrations get Allow-Origin from the gateway's integration response
  const actual: CorsConfig['actual'] = integration === 'lambda' || integration === 'aws' || (integration === undefined && async) ? 'gateway' : 'function';

  const privateEntry = v?.t === 'map' ? src.get(v, 'private') : undefined;
  const isPrivate = privateEntry !== undefined && src.bool(src.val(privateEntry.raw)) === true;
  let authorizer = restAuthorizer(src, v?.t === 'map' ? src.get(v, 'authorizer') : undefined, path);
  if (authorizer.kind === 'none' && isPrivate && privateEntry) authorizer = { kind: 'api-key', at: src.place(privateEntry.keyNode, `${path}.private`) };

  const route: IacRoute = {
    api,
    method: upper,
    path: `/${pathKey}`,
    ...(toLambda ? { function: fnId } : {}),
    authorizer,
    at: src.place(entry.keyNode, path),
  };
  const corsEntry = v?.t === 'map' ? src.get(v, 'cors') : undefined;
  const cors = corsEntry ? restCors(src, corsEntry, `${path}.cors`, upper) : undefined;
  return { route, pathKey, ...(cors ? { cors } : {}), actual };
}

/** The framework's `getCors`: `cors: true` is `*` with the default headers; an object replaces what it names. */
function restCors(src: Source, entry: Entry, path: string, method: string): RestCors | undefined {
  const v = src.val(entry.raw);
  if (!v || src.truthy(v) === false) return undefined;
  const at = src.place(entry.keyNode, path);
  if (v.t === 'unres') {
    return { origins: [{ unresolved: v.text }], headers: [], methods: ['OPTIONS', method], credentials: { unresolved: v.text }, at };
  }
  if (v.t !== 'map') return { origin: '*', origins: [], headers: DEFAULT_CORS_HEADERS, methods: ['OPTIONS', method], credentials: false, at };
  const originsEntry = src.get(v, 'origins');
  const originEntry = src.get(v, 'origin');
  const originsVal = originsEntry ? src.val(originsEntry.raw) : undefined;
  const origins = (originsEntry && src.list(originsVal)) || [];
  const originPlaces = src.listPlaces(originsVal, `${path}.origins`);
  const origin = originEntry ? src.str(src.val(originEntry.raw)) : originsEntry ? undefined : '*';
  const methods = src.plainList(src.at(v, 'methods')) ?? [];
  if (!methods.includes('OPTIONS')) methods.push('OPTIONS');
  if (!methods.includes(method)) methods.push(method);
  const cite = originsEntry ? { e: originsEntry, p: `${path}.origins` } : originEntry ? { e: originEntry, p: `${path}.origin` } : undefined;
  return {
    ...(origin !== undefined ? { origin } : {}),
    origins,
    ...(originPlaces && originPlaces.length === origins.length ? { originPlaces } : {}),
    headers: src.plainList(src.at(v, 'headers')) ?? DEFAULT_CORS_HEADERS,
    methods,
    credentials: src.truthy(src.at(v, 'allowCredentials')),
    ...(src.num(src.at(v, 'maxAge')) !== undefined ? { maxAge: src.num(src.at(v, 'maxAge')) } : {}),
    at: cite ? src.place(cite.e.keyNode, cite.p) : at,
  };
}

/**
 * One MOCK OPTIONS method answers each REST path: the framework merges the CORS settings of every event on
 * the path (origins and headers united, newest first; credentials if any asks; the last origin and maxAge).
 * Its static Allow-Origin is the first origin; with a list, a VTL template reflects a request Origin that
 * matches one of them (dots escaped, the first `*` → `.+`).
 */
function applyRestCors(pending: PendingRestCors[]): void {
  const merged = new Map<string, Omit<RestCors, 'at'>>();
  // where each merged origin is written: the newest event that names it
  const placesByPath = new Map<string, Map<string, Place>>();
  for (const { pathKey, cors } of pending) {
    const prev = merged.get(pathKey);
    const places = new Map<string, Place>();
    cors.origins.forEach((o, i) => {
      const p = cors.originPlaces?.[i];
      if (p && !places.has(keyOf(o))) places.set(keyOf(o), p);
    });
    for (const [k, p] of placesByPath.get(pathKey) ?? []) if (!places.has(k)) places.set(k, p);
    placesByPath.set(pathKey, places);
    merged.set(pathKey, {
      origin: cors.origin, // the last event's, as the framework assigns it
      origins: union(cors.origins, prev?.origins ?? []),
      headers: union(cors.headers, prev?.headers ?? []),
      methods: union(cors.methods, prev?.methods ?? []),
      credentials: prev ? orCredentials(prev.credentials, cors.credentials) : cors.credentials,
      ...(cors.maxAge !== undefined ? { maxAge: cors.maxAge } : prev?.maxAge !== undefined ? { maxAge: prev.maxAge } : {}),
    });
  }
  for (const { route, pathKey, cors, actual } of pending) {
    const m = merged.get(pathKey) as Omit<RestCors, 'at'>;
    let origins: IacString[] = m.origins;
    let split = false;
    if (typeof m.origin === 'string' && m.origin.includes(',')) {
      origins = m.origin.split(',').map((o) => o.trim());
      split = true;
    }
    const pattern = origins.length > 0;
    const methods = m.methods.flatMap((x) => (x === 'ANY' ? ANY_METHODS : [x]));
    const places = placesByPath.get(pathKey);
    const originPlaces = pattern && !split && places ? origins.map((o) => places.get(keyOf(o))) : undefined;
    route.cors = {
      origins: pattern ? origins : m.origin !== undefined ? [m.origin] : [],
      ...(originPlaces?.every((p): p is Place => p !== undefined) ? { originPlaces } : {}),
      credentials: m.credentials,
      methods: [...new Set(methods)],
      headers: m.headers,
      ...(m.maxAge !== undefined ? { maxAge: m.maxAge } : {}),
      preflight: 'mock',
      actual,
      matching: pattern ? 'pattern' : 'static',
      at: cors.at,
    };
  }
}

/** A REST event's `authorizer`, as the framework's `getAuthorizer` reads it. */
function restAuthorizer(src: Source, entry: Entry | undefined, path: string): Authorizer {
  if (!entry) return { kind: 'none' };
  const v = src.val(entry.raw);
  const at = src.place(entry.keyNode, `${path}.authorizer`);
  if (!v || src.truthy(v) === false) return { kind: 'none' };
  if (v.t === 'unres') return { kind: 'unknown', at };
  if (v.t === 'str') {
    const s = v.value;
    if (s.toUpperCase() === 'AWS_IAM') return { kind: 'iam', at };
    if (!s.includes(':')) return { kind: 'lambda', name: s, identitySource: [DEFAULT_REST_IDENTITY_SOURCE], at };
    return { kind: s.includes('cognito-idp') ? 'cognito' : 'lambda', name: nameFromArn(s), identitySource: [DEFAULT_REST_IDENTITY_SOURCE], at };
  }
  if (v.t !== 'map') return { kind: 'unknown', at };
  const typeVal = src.at(v, 'type');
  const type = src.plain(typeVal)?.toUpperCase();
  const arn = src.str(src.at(v, 'arn'));
  const arnText = textOf(arn);
  const name = src.plain(src.at(v, 'name'));
  let kind: AuthorizerKind;
  if (type === 'AWS_IAM') return { kind: 'iam', at };
  if (typeVal?.t === 'unres') kind = 'unknown';
  else if (type === 'COGNITO_USER_POOLS') kind = 'cognito';
  else if (type === 'TOKEN' || type === 'REQUEST' || type === 'CUSTOM') kind = 'lambda';
  else if (type !== undefined) kind = 'unknown';
  else if (arnText?.includes('cognito-idp')) kind = 'cognito';
  else if (arn !== undefined || name !== undefined || src.get(v, 'authorizerId')) kind = 'lambda';
  else kind = 'unknown';
  const written = src.plainList(src.at(v, 'identitySource'));
  const ttl = src.num(src.at(v, 'resultTtlInSeconds'));
  // the framework's default source, except for an uncached REQUEST authorizer
  const identitySource = written ?? (type === 'REQUEST' && ttl === 0 ? undefined : [DEFAULT_REST_IDENTITY_SOURCE]);
  const shownName = name ?? (typeof arn === 'string' ? nameFromArn(arn) : undefined);
  return { kind, ...(shownName ? { name: shownName } : {}), ...(identitySource ? { identitySource } : {}), at };
}

function nameFromArn(arn: string): string {
  return arn.split(/[:/]/).pop() ?? arn;
}

function httpAuthorizerDefinition(src: Source, name: string, v: Val | undefined, at: Place): Authorizer {
  if (v?.t !== 'map') return { kind: 'unknown', name, at };
  const typeVal = src.at(v, 'type');
  const type = src.plain(typeVal)?.toLowerCase();
  let kind: AuthorizerKind;
  if (typeVal?.t === 'unres') kind = 'unknown';
  else if (type === 'request') kind = 'lambda';
  else if (type === undefined || type === 'jwt') kind = textOf(src.str(src.at(v, 'issuerUrl')))?.includes('cognito-idp') ? 'cognito' : 'jwt';
  else kind = 'unknown';
  const identitySource = src.plainList(src.at(v, 'identitySource'));
  return { kind, name, ...(identitySource?.length ? { identitySource } : {}), at };
}

function readHttpApiEvent(
  src: Source,
  entry: Entry,
  path: string,
  api: string,
  fnId: string,
  authorizers: Map<string, Authorizer>,
): IacRoute | undefined {
  const v = src.val(entry.raw);
  let method: string | undefined;
  let routePath: string | undefined;
  if (v?.t === 'str') {
    const s = v.value.trim();
    if (s === '*') routePath = '*';
    else {
      const m = /^(\S+)\s+(\S+)$/.exec(s);
      if (m) [, method, routePath] = m;
    }
  } else if (v?.t === 'map') {
    method = src.plain(src.at(v, 'method'));
    routePath = src.plain(src.at(v, 'path'));
  }
  if (routePath === undefined) return undefined;
  let upper: string;
  let gatewayPath: string;
  if (routePath === '*') {
    upper = 'ANY';
    gatewayPath = '$default';
  } else {
    if (!method) return undefined;
    upper = method.toUpperCase() === '*' ? 'ANY' : method.toUpperCase();
    gatewayPath = routePath.startsWith('/') ? routePath : `/${routePath}`;
  }
  return {
    api,
    method: upper,
    path: gatewayPath,
    function: fnId,
    authorizer: httpAuthorizer(src, v?.t === 'map' ? src.get(v, 'authorizer') : undefined, path, authorizers),
    at: src.place(entry.keyNode, path),
  };
}

function httpAuthorizer(src: Source, entry: Entry | undefined, path: string, authorizers: Map<string, Authorizer>): Authorizer {
  if (!entry) return { kind: 'none' };
  const v = src.val(entry.raw);
  const at = src.place(entry.keyNode, `${path}.authorizer`);
  if (!v || src.truthy(v) === false) return { kind: 'none' };
  const named = (name: string): Authorizer => {
    const def = authorizers.get(name);
    return def ? { ...def, at } : { kind: 'unknown', name, at };
  };
  if (v.t === 'str') return named(v.value);
  if (v.t !== 'map') return { kind: 'unknown', at };
  const type = src.plain(src.at(v, 'type'))?.toLowerCase();
  const name = src.plain(src.at(v, 'name'));
  if (type === 'aws_iam') return { kind: 'iam', at };
  if (src.get(v, 'id')) return { kind: type === 'request' ? 'lambda' : 'jwt', ...(name ? { name } : {}), at };
  if (name) return named(name);
  return { kind: 'unknown', at };
}

/** `provider.httpApi.cors`: the gateway answers preflights and sets the actual headers itself. */
function readHttpApiCors(src: Source, httpApi: Val | undefined, routeMethods: Set<string>): CorsConfig | undefined {
  const entry = src.get(httpApi, 'cors');
  if (!entry) return undefined;
  const v = src.val(entry.raw);
  if (!v || src.truthy(v) === false) return undefined;
  const path = 'provider.httpApi.cors';
  const filled = ['OPTIONS', ...[...routeMethods].filter((m) => m !== 'OPTIONS')];
  if (v.t === 'unres') return unresolvedCors(v.text, 'gateway', 'gateway', src.place(entry.keyNode, path));
  if (v.t !== 'map') {
    return {
      origins: ['*'],
      credentials: false,
      methods: filled,
      headers: DEFAULT_CORS_HEADERS,
      preflight: 'gateway',
      actual: 'gateway',
      matching: 'exact',
      at: src.place(entry.keyNode, path),
    };
  }
  const originsEntry = src.get(v, 'allowedOrigins');
  const origins = originsEntry ? src.list(src.val(originsEntry.raw)) : undefined;
  const originPlaces = originsEntry && origins?.length ? src.listPlaces(src.val(originsEntry.raw), `${path}.allowedOrigins`) : undefined;
  const allowCredentials = src.at(v, 'allowCredentials');
  const cors: CorsConfig = {
    origins: origins?.length ? origins : ['*'],
    ...(originPlaces && originPlaces.length === origins?.length ? { originPlaces } : {}),
    credentials: allowCredentials?.t === 'unres' ? { unresolved: allowCredentials.text } : src.truthy(allowCredentials) === true,
    methods: src.plainList(src.at(v, 'allowedMethods')) ?? filled,
    headers: src.plainList(src.at(v, 'allowedHeaders')) ?? DEFAULT_CORS_HEADERS,
    preflight: 'gateway',
    actual: 'gateway',
    matching: 'exact',
    at: originsEntry ? src.place(originsEntry.keyNode, `${path}.allowedOrigins`) : src.place(entry.keyNode, path),
  };
  const expose = src.plainList(src.at(v, 'exposedResponseHeaders'));
  if (expose) cors.exposeHeaders = expose;
  const maxAge = src.num(src.at(v, 'maxAge'));
  if (maxAge !== undefined) cors.maxAge = maxAge;
  return cors;
}

/** `AWS::DynamoDB::Table` resources under `resources.Resources` (a mapping, or a list of such blocks). */
function readTables(src: Source, entry: Entry | undefined): IacTable[] {
  if (!entry) return [];
  const v = src.val(entry.raw);
  const blocks: { block: Val | undefined; path: string }[] =
    v?.t === 'seq' ? src.items(v).map((item, i) => ({ block: src.val(item), path: `resources[${i}]` })) : [{ block: v, path: 'resources' }];
  const out: IacTable[] = [];
  for (const { block, path } of blocks) {
    for (const [id, re] of src.entries(src.at(block, 'Resources'))) {
      const r = src.val(re.raw);
      if (src.plain(src.at(r, 'Type')) !== 'AWS::DynamoDB::Table') continue;
      const props = src.at(r, 'Properties');
      const table: IacTable = {
        id: `${src.input.file}#${id}`,
        // without TableName CloudFormation generates one; `Ref` to the resource is how it is known
        name: src.str(src.at(props, 'TableName')) ?? { unresolved: `!Ref ${id}` },
        at: src.place(re.keyNode, `${path}.Resources.${id}`),
      };
      for (const k of src.items(src.at(props, 'KeySchema'))) {
        const kv = src.val(k);
        const attr = src.plain(src.at(kv, 'AttributeName'));
        const type = src.plain(src.at(kv, 'KeyType'))?.toUpperCase();
        if (!attr) continue;
        if (type === 'HASH') table.partitionKey = attr;
        else if (type === 'RANGE') table.sortKey = attr;
      }
      const sse = src.bool(src.at(src.at(props, 'SSESpecification'), 'SSEEnabled'));
      if (sse !== undefined) table.sse = sse;
      const pitr = src.bool(src.at(src.at(props, 'PointInTimeRecoverySpecification'), 'PointInTimeRecoveryEnabled'));
      if (pitr !== undefined) table.pitr = pitr;
      out.push(table);
    }
  }
  return out;
}
