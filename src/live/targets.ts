/**
 * What the live layer probes: endpoints read from an OpenAPI 3.0/3.1 or Swagger 2.0 document (given by file
 * or URL, or discovered where FastAPI publishes it under a base URL), from a targets list, or the base URL
 * alone. Documents are parsed and validated with @readme/openapi-parser; only local `$ref`s are followed,
 * remote and file references are refused and reported. Every endpoint stays on the target's origin; only
 * GET (or HEAD when an operation has no GET) becomes an endpoint.
 */
import { parseDocument, type Document } from 'yaml';
import { dereference, validate } from '@readme/openapi-parser';
import type { AuthScheme, Endpoint } from './types.ts';

export interface Fetched {
  status: number;
  headers: [string, string][];
  body: string;
  url: string;
}

/** Injected: GETs a URL through the scanner's safe HTTP client (GET only, capped, no cross-host redirects); throws Error with a clear message on network failure. */
export type FetchText = (url: string) => Promise<Fetched>;

export interface Discovery {
  endpoints: Endpoint[];
  /** What was found and from where, for the report: "OpenAPI 3.1.0 document at https://x/openapi.json (FastAPI): 12 GET operations of 30". */
  notes: string[];
  /** Problems, each naming the file or URL and what is wrong (invalid document, unreachable URL …); the scan goes on with what it has. */
  problems: string[];
  /** Legitimate origins hinted by the document (servers with another host, x-* extensions such as x-cors-origins / x-frontend-url): candidates for L in live-probe-spec b.0. */
  originHints: string[];
  /** Cookie-based security schemes the document declares (name and where), for severity. */
  cookieSchemes: string[];
}

/** Documents larger than this are refused. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ENDPOINTS = 200;

export const PLACEHOLDER_STRING = 'crossread-probe';
export const PLACEHOLDER_INTEGER = '1';
export const PLACEHOLDER_UUID = '00000000-0000-4000-8000-000000000000';

const METHODS = ['get', 'head', 'put', 'post', 'delete', 'options', 'patch', 'trace', 'query'] as const;
/** Remote references listed one by one before the rest are counted. */
const MAX_LISTED_REFS = 10;
/** Nodes visited when looking for `$ref`s in a raw document. */
const MAX_WALK_NODES = 2_000_000;
/** Local `$ref` hops followed when reading a document the parser could not dereference. */
const MAX_REF_HOPS = 32;
/** Depth of `anyOf`/`oneOf`/`allOf`/`items` followed to find a parameter's type. */
const MAX_SCHEMA_DEPTH = 8;
const PARSER_TIMEOUT_MS = 20_000;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function emptyDiscovery(): Discovery {
  return { endpoints: [], notes: [], problems: [], originHints: [], cookieSchemes: [] };
}

function firstLine(s: string): string {
  return s.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? s.trim();
}

function errorMessage(e: unknown): string {
  return firstLine(e instanceof Error ? e.message : String(e));
}

function httpUrl(s: string, base?: string | URL): URL | undefined {
  try {
    const u = new URL(s, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}

function pushUnique<T>(list: T[], v: T): void {
  if (!list.includes(v)) list.push(v);
}

// ---------------------------------------------------------------------------------------------------------
// Targets list

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * A `--targets` file: one absolute http(s) URL per line, optionally preceded by `GET` or `HEAD`; `#` starts a
 * comment (at the line's start, or after whitespace); blank lines are skipped. Bad lines are problems naming
 * `file:line`.
 */
export async function targetsFromList(text: string, file: string, opts?: { maxEndpoints?: number }): Promise<Discovery> {
  const d = emptyDiscovery();
  const max = opts?.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS;
  const seen = new Set<string>();
  let valid = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const where = `${file}:${i + 1}`;
    const line = lines[i].replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    let method: 'GET' | 'HEAD' = 'GET';
    let target = line;
    const m = /^([A-Za-z]+)\s+(\S.*)$/.exec(line);
    if (m && HTTP_METHODS.has(m[1].toUpperCase())) {
      const verb = m[1].toUpperCase();
      if (verb !== 'GET' && verb !== 'HEAD') {
        d.problems.push(`${where}: ${verb} is never sent (only GET and HEAD are probed): "${line}"`);
        continue;
      }
      method = verb;
      target = m[2].trim();
    }
    if (/\s/.test(target)) {
      d.problems.push(`${where}: one URL per line expected: "${line}"`);
      continue;
    }
    const u = httpUrl(target);
    if (!u || !/^https?:\/\//i.test(target)) {
      d.problems.push(`${where}: not an absolute http(s) URL: "${target}"`);
      continue;
    }
    if (!u.hostname) {
      d.problems.push(`${where}: URL without a host: "${target}"`);
      continue;
    }
    if (u.username || u.password) {
      d.problems.push(`${where}: URL carries credentials, which are not accepted in a targets file: "${u.host}${u.pathname}"`);
      continue;
    }
    if (/[{}]/.test(target)) {
      d.problems.push(`${where}: path template not filled in: "${target}"`);
      continue;
    }
    u.hash = '';
    const key = `${method} ${u.href}`;
    if (seen.has(key)) continue;
    seen.add(key);
    valid++;
    if (d.endpoints.length < max) d.endpoints.push({ url: u.href, method, source: 'targets-file', security: [] });
  }
  d.notes.push(`targets file ${file}: ${valid} URL${valid === 1 ? '' : 's'}${d.problems.length ? `, ${d.problems.length} bad line${d.problems.length === 1 ? '' : 's'}` : ''}`);
  if (valid > max) d.notes.push(`targets file ${file}: ${valid} URLs listed, the first ${max} kept`);
  return d;
}

// ---------------------------------------------------------------------------------------------------------
// Reading a document

/** Parses JSON or YAML text into a value; a problem names the location when it cannot. */
function readText(text: string, location: string, d: Discovery): unknown {
  if (text.length > MAX_DOCUMENT_BYTES || Buffer.byteLength(text, 'utf8') > MAX_DOCUMENT_BYTES) {
    d.problems.push(`${location}: document larger than ${MAX_DOCUMENT_BYTES / (1024 * 1024)} MiB, not read`);
    return undefined;
  }
  const t = text.replace(/^\uFEFF/, '');
  let jsonError: string | undefined;
  if (/^\s*[{[]/.test(t)) {
    try {
      return JSON.parse(t);
    } catch (e) {
      jsonError = errorMessage(e);
    }
  }
  try {
    const doc = parseDocument(t, { prettyErrors: false });
    if (doc.errors.length) {
      const value = safeToJs(doc);
      d.problems.push(`${location}: ${jsonError ? `invalid JSON (${jsonError})` : `invalid YAML (${firstLine(doc.errors[0].message)})`}${isObj(value) ? '; reading what could be parsed' : ''}`);
      return isObj(value) ? value : undefined;
    }
    return doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    d.problems.push(`${location}: ${jsonError ? `invalid JSON (${jsonError})` : `invalid YAML (${errorMessage(e)})`}`);
    return undefined;
  }
}

function safeToJs(doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    return undefined;
  }
}

/** The `$ref`s of a raw document that point outside it, with where they sit (JSON pointer). Cycle-safe. */
function nonLocalRefs(root: unknown): { ref: string; at: string }[] {
  const out: { ref: string; at: string }[] = [];
  const seen = new WeakSet<object>();
  const stack: { v: unknown; at: string }[] = [{ v: root, at: '' }];
  let visited = 0;
  while (stack.length && visited < MAX_WALK_NODES) {
    const { v, at } = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    visited++;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], at: `${at}/${i}` });
      continue;
    }
    const o = v as Obj;
    if (typeof o.$ref === 'string' && !o.$ref.startsWith('#')) out.push({ ref: o.$ref, at: at || '/' });
    const keys = Object.keys(o);
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ v: o[keys[i]], at: `${at}/${keys[i].replace(/~/g, '~0').replace(/\//g, '~1')}` });
  }
  return out;
}

/** Follows local `$ref`s (`#/…`) by hand, bounded; the parser's dereferenced document has none left. */
function deref(root: Obj, v: unknown): unknown {
  let cur = v;
  for (let hops = 0; hops < MAX_REF_HOPS && isObj(cur) && typeof cur.$ref === 'string'; hops++) {
    const ref = cur.$ref;
    if (!ref.startsWith('#')) return cur;
    let target: unknown = root;
    const pointer = ref.slice(1);
    if (pointer) {
      if (!pointer.startsWith('/')) return undefined;
      for (const raw of pointer.slice(1).split('/')) {
        let token: string;
        try {
          token = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        } catch {
          return undefined;
        }
        if (Array.isArray(target)) target = target[Number(token)];
        else if (isObj(target) && Object.prototype.hasOwnProperty.call(target, token)) target = target[token];
        else return undefined;
      }
    }
    cur = target;
  }
  return isObj(cur) && typeof cur.$ref === 'string' ? undefined : cur;
}

// ---------------------------------------------------------------------------------------------------------
// Documents

interface DocContext {
  baseUrl?: URL;
  maxEndpoints: number;
  /** `--param name=value`: the value for every path parameter of that name, instead of examples or placeholders. */
  params?: Record<string, string>;
}

/**
 * A document given by file or URL (`location`). `opts.baseUrl` is the target the user gave: endpoints are
 * built on its origin whatever the document's `servers` say. Without it, a document read from a URL keeps
 * to that URL's origin, and a document read from a file uses its first absolute server. `fetchText` is never
 * used to resolve references: remote `$ref`s are refused.
 */
export async function targetsFromOpenApi(
  source: { text: string; location: string },
  _fetchText?: FetchText,
  opts?: { baseUrl?: string; maxEndpoints?: number; params?: Record<string, string> },
): Promise<Discovery> {
  const d = emptyDiscovery();
  let baseUrl: URL | undefined;
  if (opts?.baseUrl !== undefined) {
    baseUrl = httpUrl(opts.baseUrl);
    if (!baseUrl) d.problems.push(`base URL "${opts.baseUrl}" is not an absolute http(s) URL; ignored`);
  }
  const raw = readText(source.text, source.location, d);
  if (raw === undefined) return d;
  await fromRaw(raw, source.location, d, { baseUrl, maxEndpoints: opts?.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS, ...(opts?.params ? { params: opts.params } : {}) });
  return d;
}

function docKind(raw: Obj): { label: string; swagger: boolean; supported: boolean } | undefined {
  const openapi = raw.openapi;
  if (typeof openapi === 'string') return { label: `OpenAPI ${openapi}`, swagger: false, supported: /^3\.[01](\.|$)/.test(openapi) };
  const swagger = raw.swagger;
  if (typeof swagger === 'string' || typeof swagger === 'number') return { label: `Swagger ${swagger}`, swagger: true, supported: String(swagger) === '2.0' };
  return undefined;
}

/** Whether a parsed value is an OpenAPI/Swagger document at all. */
function looksLikeDocument(v: unknown): v is Obj {
  return isObj(v) && docKind(v) !== undefined;
}

async function fromRaw(raw: unknown, location: string, d: Discovery, ctx: DocContext): Promise<void> {
  if (!isObj(raw)) {
    d.problems.push(`${location}: not an OpenAPI or Swagger document (the top level is not an object)`);
    return;
  }
  const kind = docKind(raw);
  if (!kind) {
    if (!isObj(raw.paths)) {
      d.problems.push(`${location}: not an OpenAPI or Swagger document (no "openapi" or "swagger" field)`);
      return;
    }
    d.problems.push(`${location}: no "openapi" or "swagger" field; reading its paths anyway`);
  } else if (!kind.supported) {
    d.problems.push(`${location}: ${kind.label} is not a supported version (OpenAPI 3.0, 3.1, Swagger 2.0); reading its paths anyway`);
  }
  const swagger = kind?.swagger ?? false;

  const refs = nonLocalRefs(raw);
  for (const r of refs.slice(0, MAX_LISTED_REFS)) d.problems.push(`${location}: remote $ref "${r.ref}" at ${r.at} refused (only references inside the document are followed)`);
  if (refs.length > MAX_LISTED_REFS) d.problems.push(`${location}: ${refs.length - MAX_LISTED_REFS} more remote $refs refused`);

  const parserOptions = { resolve: { external: false, file: false }, timeoutMs: PARSER_TIMEOUT_MS };
  let firstError: string | undefined;
  if (kind?.supported) {
    try {
      const result = await validate(structuredClone(raw) as never, parserOptions);
      if (!result.valid) {
        firstError = firstLine(result.errors[0]?.message ?? 'invalid').replace(/\.$/, '');
        const more = result.errors.length - 1 + result.additionalErrors;
        d.problems.push(`${location}: invalid ${kind.label} document: ${firstError}${more > 0 ? ` (and ${more} more error${more === 1 ? '' : 's'})` : ''}; reading what it declares anyway`);
      }
    } catch (e) {
      firstError = errorMessage(e).replace(/\.$/, '');
      d.problems.push(`${location}: ${kind.label} document could not be validated: ${firstError}; reading what it declares anyway`);
    }
  }
  let doc: Obj = raw;
  if (kind?.supported) {
    try {
      const out = await dereference(structuredClone(raw) as never, parserOptions);
      if (isObj(out)) doc = out;
    } catch (e) {
      const msg = errorMessage(e).replace(/\.$/, '');
      if (msg !== firstError) d.problems.push(`${location}: local $refs could not all be resolved: ${msg}`);
    }
  }
  extract(doc, location, swagger, kind?.label, d, ctx);
}

// ---------------------------------------------------------------------------------------------------------
// Servers and the target's origin

interface Prefix {
  /** Origin and path prefix, no trailing slash. */
  prefix: string;
  origin: string;
}

function substituteVariables(url: string, variables: unknown): string | undefined {
  let ok = true;
  const out = url.replace(/\{([^{}]+)\}/g, (_, name: string) => {
    const v = isObj(variables) ? variables[name] : undefined;
    const value = isObj(v) ? (scalar(v.default) ?? (Array.isArray(v.enum) ? scalar(v.enum[0]) : undefined)) : undefined;
    if (value === undefined) ok = false;
    return value ?? '';
  });
  return ok ? out : undefined;
}

function trimSlash(u: URL): string {
  return u.origin + u.pathname.replace(/\/+$/, '');
}

/** The servers a document declares, as absolute URLs where they can be made so. */
function declaredServers(doc: Obj, location: string, swagger: boolean, ctx: DocContext, d: Discovery): URL[] {
  const docUrl = httpUrl(location);
  const relativeBase = docUrl ?? ctx.baseUrl;
  const out: URL[] = [];
  if (swagger) {
    const host = str(doc.host);
    const basePath = str(doc.basePath) ?? '/';
    const schemes = Array.isArray(doc.schemes) ? doc.schemes.filter((s): s is string => typeof s === 'string') : [];
    if (host) {
      const scheme = schemes.includes('https') ? 'https' : (schemes.find((s) => s === 'http') ?? (relativeBase ? relativeBase.protocol.slice(0, -1) : 'https'));
      const u = httpUrl(`${scheme}://${host}${basePath.startsWith('/') ? basePath : `/${basePath}`}`);
      if (u) out.push(u);
      else d.problems.push(`${location}: host "${host}" with basePath "${basePath}" is not a usable URL`);
    } else if (relativeBase) {
      const u = httpUrl(basePath.startsWith('/') ? basePath : `/${basePath}`, relativeBase);
      if (u) out.push(u);
    }
    return out;
  }
  if (!Array.isArray(doc.servers)) return out;
  for (const s of doc.servers) {
    if (!isObj(s) || typeof s.url !== 'string') continue;
    const filled = substituteVariables(s.url, s.variables);
    if (filled === undefined) {
      d.problems.push(`${location}: server "${s.url}" has a variable without a default; skipped`);
      continue;
    }
    const u = httpUrl(filled, relativeBase);
    if (u) out.push(u);
    else if (!relativeBase && !/^[a-z][a-z0-9+.-]*:/i.test(filled)) d.notes.push(`${location}: relative server "${filled}" cannot be placed without a base URL`);
    else d.problems.push(`${location}: server "${s.url}" is not an http(s) URL; skipped`);
  }
  return out;
}

/** Chooses where endpoints go: always the origin the user gave (base URL, or the document's URL). */
function choosePrefix(servers: URL[], location: string, ctx: DocContext, d: Discovery): Prefix | undefined {
  const docUrl = httpUrl(location);
  const given = ctx.baseUrl ?? docUrl;
  if (!given) {
    const first = servers[0];
    if (!first) {
      d.problems.push(`${location}: no absolute server URL and no base URL; give the target's URL to build endpoints`);
      return undefined;
    }
    d.notes.push(`${location}: no base URL given; probing the document's first server ${trimSlash(first)}`);
    return { prefix: trimSlash(first), origin: first.origin };
  }
  const origin = given.origin;
  const same = servers.find((s) => s.origin === origin);
  if (same) return { prefix: trimSlash(same), origin };
  if (servers.length) {
    const basePath = ctx.baseUrl ? ctx.baseUrl.pathname.replace(/\/+$/, '') : '';
    const prefix = basePath ? trimSlash(ctx.baseUrl!) : origin + servers[0].pathname.replace(/\/+$/, '');
    const elsewhere = [...new Set(servers.map((s) => s.origin))].join(', ');
    d.notes.push(`${location}: the document's servers point to ${elsewhere}; probing ${prefix} instead (the target's host)`);
    return { prefix, origin };
  }
  if (ctx.baseUrl) return { prefix: trimSlash(ctx.baseUrl), origin };
  const dir = new URL('.', docUrl!);
  return { prefix: trimSlash(dir), origin };
}

const HINT_KEY = /origin|cors|front|client|app|web|site|portal|ui|url|host|domain|redirect|callback/i;

/** Origins named in `x-*` extensions of the document's root, `info` and servers (values and nested values). */
function extensionOrigins(doc: Obj): string[] {
  const out: string[] = [];
  const holders: unknown[] = [doc, doc.info, ...(Array.isArray(doc.servers) ? doc.servers : [])];
  const collect = (v: unknown, depth: number, seen: Set<unknown>): void => {
    if (depth > 4 || out.length > 100) return;
    if (typeof v === 'string') {
      const o = originOf(v);
      if (o) pushUnique(out, o);
      return;
    }
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) collect(child, depth + 1, seen);
  };
  for (const h of holders) {
    if (!isObj(h)) continue;
    for (const [k, v] of Object.entries(h)) if (k.startsWith('x-') && HINT_KEY.test(k)) collect(v, 0, new Set());
  }
  return out;
}

function originOf(s: string): string | undefined {
  if (!/^https?:\/\//i.test(s.trim())) return undefined;
  const u = httpUrl(s.trim());
  if (!u || !u.hostname || u.hostname.includes('*')) return undefined;
  return u.origin;
}

// ---------------------------------------------------------------------------------------------------------
// Operations

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** A scalar from an example-like value: the value itself, or an array's first scalar element. */
function exampleScalar(v: unknown): string | undefined {
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = scalar(e);
      if (s !== undefined) return s;
    }
    return undefined;
  }
  return scalar(v);
}

/** The first value of an OpenAPI `examples` map ({name: {value}}) or a JSON Schema `examples` array. */
function fromExamples(root: Obj, v: unknown): string | undefined {
  if (Array.isArray(v)) return exampleScalar(v[0]);
  if (!isObj(v)) return undefined;
  for (const ex of Object.values(v)) {
    const e = deref(root, ex);
    if (isObj(e) && 'value' in e) {
      const s = exampleScalar(e.value);
      if (s !== undefined) return s;
    }
  }
  return undefined;
}

/** Example, default or first enum value a schema declares, following `anyOf`/`oneOf`/`allOf`; bounded. */
function schemaValue(root: Obj, schema: unknown, depth = 0): string | undefined {
  const s = deref(root, schema);
  if (!isObj(s) || depth > MAX_SCHEMA_DEPTH) return undefined;
  const direct =
    exampleScalar(s.example) ??
    fromExamples(root, s.examples) ??
    exampleScalar(s.default) ??
    (Array.isArray(s.enum) ? s.enum.map(scalar).find((x) => x !== undefined) : undefined) ??
    scalar(s.const);
  if (direct !== undefined) return direct;
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[key];
    if (!Array.isArray(branches)) continue;
    for (const b of branches) {
      const v = schemaValue(root, b, depth + 1);
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

/** A harmless placeholder for a schema's type and format. */
function placeholder(root: Obj, schema: unknown, depth = 0): string {
  const s = deref(root, schema);
  if (!isObj(s) || depth > MAX_SCHEMA_DEPTH) return PLACEHOLDER_STRING;
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t): t is string => typeof t === 'string' && t !== 'null');
  const type = types[0];
  const format = str(s.format)?.toLowerCase();
  if (format === 'uuid' || format === 'guid') return PLACEHOLDER_UUID;
  if (type === 'integer' || type === 'number') return PLACEHOLDER_INTEGER;
  if (type === 'boolean') return 'true';
  if (type === 'array') return placeholder(root, s.items, depth + 1);
  if (type === 'string' || type === 'object') {
    if (format === 'date') return '2024-01-01';
    if (format === 'date-time') return '2024-01-01T00:00:00Z';
    if (format === 'email') return 'probe@example.com';
    return PLACEHOLDER_STRING;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[key];
    if (!Array.isArray(branches)) continue;
    for (const b of branches) {
      const bs = deref(root, b);
      if (isObj(bs) && bs.type === 'null') continue;
      return placeholder(root, b, depth + 1);
    }
  }
  return PLACEHOLDER_STRING;
}

/** The value a parameter is filled with: its examples, its schema's example/default/enum, or a placeholder. */
function parameterValue(root: Obj, p: Obj, swagger: boolean): string {
  const direct = exampleScalar(p.example) ?? fromExamples(root, p.examples) ?? exampleScalar(p['x-example']);
  if (direct !== undefined) return direct;
  const contentSchema = isObj(p.content) ? Object.values(p.content).map((m) => (isObj(m) ? m.schema : undefined)).find(Boolean) : undefined;
  const s = swagger ? (p.in === 'body' ? p.schema : p) : (p.schema ?? contentSchema);
  return schemaValue(root, s) ?? placeholder(root, s);
}

function parameterList(root: Obj, v: unknown): Obj[] {
  if (!Array.isArray(v)) return [];
  return v.map((p) => deref(root, p)).filter((p): p is Obj => isObj(p) && typeof p.name === 'string' && typeof p.in === 'string');
}

function schemeAuth(scheme: Obj): AuthScheme | undefined {
  const type = str(scheme.type)?.toLowerCase();
  if (type === 'apikey') {
    const where = str(scheme.in)?.toLowerCase();
    return where === 'cookie' ? 'cookie' : where === 'query' ? 'api-key-query' : where === 'header' ? 'api-key-header' : undefined;
  }
  if (type === 'http') {
    const s = str(scheme.scheme)?.toLowerCase();
    return s === 'bearer' ? 'bearer' : s === 'basic' ? 'basic' : undefined;
  }
  if (type === 'basic') return 'basic';
  if (type === 'oauth2') return 'oauth2';
  if (type === 'openidconnect') return 'openid';
  return undefined;
}

function securityOf(root: Obj, requirements: unknown, schemes: Obj): { security: AuthScheme[]; cookieNames: string[] } {
  const security: AuthScheme[] = [];
  const cookieNames: string[] = [];
  if (!Array.isArray(requirements)) return { security, cookieNames };
  for (const req of requirements) {
    if (!isObj(req)) continue;
    const names = Object.keys(req);
    if (names.length === 0) {
      pushUnique(security, 'none');
      continue;
    }
    for (const name of names) {
      const scheme = deref(root, schemes[name]);
      if (!isObj(scheme)) continue;
      const auth = schemeAuth(scheme);
      if (!auth) continue;
      pushUnique(security, auth);
      if (auth === 'cookie' && typeof scheme.name === 'string') pushUnique(cookieNames, scheme.name);
    }
  }
  return { security, cookieNames };
}

function isFastApi(doc: Obj): boolean {
  const schemas = isObj(doc.components) ? doc.components.schemas : undefined;
  if (!isObj(schemas)) return false;
  const v = schemas.ValidationError;
  const props = isObj(v) ? v.properties : undefined;
  return isObj(schemas.HTTPValidationError) && isObj(props) && 'loc' in props && 'msg' in props && 'type' in props;
}

function extract(doc: Obj, location: string, swagger: boolean, label: string | undefined, d: Discovery, ctx: DocContext): void {
  const schemes = (swagger ? doc.securityDefinitions : isObj(doc.components) ? doc.components.securitySchemes : undefined) ?? {};
  const schemeMap = isObj(schemes) ? schemes : {};
  for (const [name, s] of Object.entries(schemeMap)) {
    const scheme = deref(doc, s);
    if (isObj(scheme) && str(scheme.type)?.toLowerCase() === 'apikey' && str(scheme.in)?.toLowerCase() === 'cookie') {
      d.cookieSchemes.push(`${name}: apiKey in cookie "${str(scheme.name) ?? '?'}"`);
    }
  }

  const servers = declaredServers(doc, location, swagger, ctx, d);
  const target = choosePrefix(servers, location, ctx, d);
  if (target) {
    for (const s of servers) if (s.origin !== target.origin) pushUnique(d.originHints, s.origin);
  }
  for (const o of extensionOrigins(doc)) if (o !== target?.origin) pushUnique(d.originHints, o);

  const paths = isObj(doc.paths) ? doc.paths : {};
  let total = 0;
  let probed = 0;
  let headOnly = 0;
  const others = new Map<string, number>();
  const seen = new Set<string>();
  const candidates: Endpoint[] = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem);
    if (!isObj(item)) continue;
    const ops = METHODS.filter((m) => isObj(deref(doc, item[m])));
    total += ops.length;
    for (const m of ops) if (m !== 'get' && m !== 'head') others.set(m.toUpperCase(), (others.get(m.toUpperCase()) ?? 0) + 1);
    const method = ops.includes('get') ? 'get' : ops.includes('head') ? 'head' : undefined;
    if (ops.includes('get') && ops.includes('head')) others.set('HEAD', (others.get('HEAD') ?? 0) + 1);
    if (!method) continue;
    if (!path.startsWith('/')) {
      d.problems.push(`${location}: path "${path}" does not start with "/"; skipped`);
      continue;
    }
    probed++;
    if (method === 'head') headOnly++;
    if (!target) continue;
    const op = deref(doc, item[method]) as Obj;

    const params = new Map<string, Obj>();
    for (const p of [...parameterList(doc, item.parameters), ...parameterList(doc, op.parameters)]) params.set(`${p.in}:${p.name}`, p);
    const filled = path.replace(/\{([^{}]+)\}/g, (_, name: string) => {
      const given = ctx.params?.[name];
      if (given !== undefined) return encodeURIComponent(given);
      const p = params.get(`path:${name}`);
      return encodeURIComponent(p ? parameterValue(doc, p, swagger) : PLACEHOLDER_STRING);
    });
    const query = [...params.values()]
      .filter((p) => p.in === 'query' && p.required === true)
      .map((p) => `${encodeURIComponent(p.name as string)}=${encodeURIComponent(parameterValue(doc, p, swagger))}`);
    const url = httpUrl(`${target.prefix}${filled}${query.length ? `?${query.join('&')}` : ''}`);
    if (!url || url.origin !== target.origin) {
      d.problems.push(`${location}: path "${path}" does not make a URL on ${target.origin}; skipped`);
      continue;
    }
    const key = `${method} ${url.href}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { security, cookieNames } = securityOf(doc, op.security !== undefined ? op.security : doc.security, schemeMap);
    const ep: Endpoint = { url: url.href, template: path, method: method === 'get' ? 'GET' : 'HEAD', source: 'openapi', security };
    if (typeof op.operationId === 'string') ep.operationId = op.operationId;
    if (cookieNames.length) ep.cookieNames = cookieNames;
    candidates.push(ep);
  }

  d.endpoints.push(...candidates.slice(0, ctx.maxEndpoints));
  const framework = isFastApi(doc) ? ' (FastAPI)' : '';
  d.notes.push(`${label ? `${label} document` : 'Document'} at ${location}${framework}: ${probed} GET operation${probed === 1 ? '' : 's'} of ${total}${headOnly ? ` (${headOnly} HEAD-only)` : ''}`);
  if (others.size) {
    const n = [...others.values()].reduce((a, b) => a + b, 0);
    const detail = [...others.entries()].map(([m, c]) => `${m} ${c}`).join(', ');
    d.notes.push(`${location}: ${n} operation${n === 1 ? '' : 's'} with other methods not probed (${detail})`);
  }
  if (candidates.length > ctx.maxEndpoints) d.notes.push(`${location}: ${candidates.length} endpoints, the first ${ctx.maxEndpoints} kept`);
}

// ---------------------------------------------------------------------------------------------------------
// Discovery from a base URL

const SPEC_REF_PATTERNS = [
  /["']?\burl["']?\s*:\s*(['"`])([^'"`\s]+)\1/g,
  /\bopenapi_url\b["']?\s*[:=]\s*(['"`])([^'"`\s]+)\1/g,
  /\bspec-url\s*=\s*(['"])([^'"\s]+)\1/g,
];

/** Spec URLs a Swagger UI or ReDoc page references (`url: '/openapi.json'`, `openapi_url`, `spec-url`). */
export function specRefsInHtml(html: string): string[] {
  const out: string[] = [];
  for (const re of SPEC_REF_PATTERNS) {
    for (const m of html.matchAll(re)) {
      const ref = m[2];
      if (/\.(js|css|png|svg|ico|html?)(\?|#|$)/i.test(ref) || ref.startsWith('data:') || ref.startsWith('#')) continue;
      pushUnique(out, ref);
    }
  }
  return out.sort((a, b) => Number(/openapi|swagger|\.(json|ya?ml)(\?|$)/i.test(b)) - Number(/openapi|swagger|\.(json|ya?ml)(\?|$)/i.test(a)));
}

function headerValue(f: Fetched, name: string): string | undefined {
  return f.headers.find(([k]) => k.toLowerCase() === name)?.[1];
}

/**
 * Discovers the document where FastAPI publishes it under `base`: `<base>/openapi.json`, then the URL the
 * `<base>/docs` page references (Swagger UI `url:` / `openapi_url`, ReDoc `spec-url`). Only URLs on the base
 * URL's origin are fetched; redirects are not followed. When nothing is found the base URL is the one
 * endpoint.
 */
export async function targetsFromBaseUrl(base: string, fetchText: FetchText, opts?: { maxEndpoints?: number; params?: Record<string, string> }): Promise<Discovery> {
  const d = emptyDiscovery();
  const b = httpUrl(base);
  if (!b || !b.hostname || !/^https?:\/\//i.test(base.trim())) {
    d.problems.push(`base URL "${base}" is not an absolute http(s) URL`);
    return d;
  }
  b.hash = '';
  const root = trimSlash(b);
  const tried: string[] = [];
  const attempted = new Set<string>();

  const fetchSameOrigin = async (url: string): Promise<Fetched | undefined> => {
    attempted.add(url);
    let f: Fetched;
    try {
      f = await fetchText(url);
    } catch (e) {
      d.problems.push(`${url}: ${errorMessage(e)}`);
      tried.push(`${url} (unreachable)`);
      return undefined;
    }
    const finalUrl = httpUrl(f.url || url);
    if (!finalUrl || finalUrl.origin !== b.origin) {
      d.problems.push(`${url}: answered from another origin (${f.url}); not read`);
      return undefined;
    }
    if (f.status >= 300 && f.status < 400) {
      const loc = headerValue(f, 'location');
      tried.push(`${url} (HTTP ${f.status}${loc ? ` to ${loc}` : ''}, redirect not followed)`);
      return undefined;
    }
    if (f.status !== 200) {
      tried.push(`${url} (HTTP ${f.status})`);
      return undefined;
    }
    return f;
  };

  const tryDocument = async (url: string, via: string): Promise<boolean> => {
    const f = await fetchSameOrigin(url);
    if (!f) return false;
    const scratch = emptyDiscovery();
    const location = f.url || url;
    const raw = readText(f.body, location, scratch);
    if (!looksLikeDocument(raw)) {
      tried.push(`${url} (HTTP 200, not an OpenAPI document)`);
      const declared = /json|yaml/i.test(headerValue(f, 'content-type') ?? '') || /^\s*[{[]/.test(f.body);
      if (raw === undefined && declared) d.problems.push(...scratch.problems);
      return false;
    }
    d.problems.push(...scratch.problems);
    d.notes.push(`OpenAPI document discovered at ${location} (${via})`);
    await fromRaw(raw, location, d, { baseUrl: b, maxEndpoints: opts?.maxEndpoints ?? DEFAULT_MAX_ENDPOINTS, ...(opts?.params ? { params: opts.params } : {}) });
    return true;
  };

  let found = await tryDocument(`${root}/openapi.json`, `FastAPI's default openapi_url under ${root}`);
  if (!found) {
    const docsUrl = `${root}/docs`;
    const page = await fetchSameOrigin(docsUrl);
    if (page) {
      const refs = specRefsInHtml(page.body);
      if (!refs.length) tried.push(`${docsUrl} (HTTP 200, no OpenAPI URL referenced)`);
      const pageUrl = httpUrl(page.url || docsUrl)!;
      for (const ref of refs) {
        const candidates: URL[] = [];
        const rel = httpUrl(ref, pageUrl);
        if (rel) candidates.push(rel);
        const basePath = b.pathname.replace(/\/+$/, '');
        if (ref.startsWith('/') && !ref.startsWith('//') && basePath && !ref.startsWith(`${basePath}/`)) {
          const under = httpUrl(root + ref);
          if (under) candidates.push(under);
        }
        for (const c of candidates) {
          if (c.origin !== b.origin) {
            d.notes.push(`${docsUrl} references ${c.href} on another host; not fetched`);
            continue;
          }
          c.hash = '';
          if (attempted.has(c.href)) continue;
          if (await tryDocument(c.href, `referenced by ${docsUrl} as "${ref}"`)) {
            found = true;
            break;
          }
        }
        if (found) break;
      }
    }
  }
  if (!found) {
    d.notes.push(`no OpenAPI document found under ${root}${tried.length ? ` (tried ${tried.join('; ')})` : ''}; probing the base URL only`);
  }
  if (!d.endpoints.length) {
    if (found) d.notes.push(`the document yields no GET endpoint on ${b.origin}; probing the base URL only`);
    d.endpoints.push({ url: b.href, method: 'GET', source: 'base-url', security: [] });
  }
  return d;
}
