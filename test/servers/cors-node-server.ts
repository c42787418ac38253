/**
 * A configurable CORS target on node:http for the behaviours Starlette cannot produce: broken origin
 * checks (prefix, suffix, substring, subdomain, scheme, port), header-level mistakes (missing Vary on a
 * cacheable response, duplicate ACAO, `True` credentials), gateway-style preflights, CORS only on error
 * responses, slow, oversized and redirecting responses, plus a FAST mode for benchmarks.
 *
 * Routing (default): `/<behaviour>/<route>` where <route> is one of
 *   GET  /profiles/{user_id}   200 personal data (email, phone, card number, SSN) or 404
 *   GET  /items                200 public list
 *   GET  /private              401 unless `Authorization: Bearer token-u1-3e8a51`
 *   GET  /boom                 500 with a generic message
 *   GET  /dynamo-error         500 with botocore's AccessDeniedException text (account, role, table)
 *   anything else              404 {"detail":"Not Found"}
 * With `behaviour` set, every path uses that behaviour and routes sit at the root (`/profiles/u1`).
 * `/openapi.json` describes the paths; `/health` answers 200 without CORS headers.
 * HEAD works like GET without a body; OPTIONS with Origin and Access-Control-Request-Method is a preflight;
 * other methods answer 405.
 */
import http from 'node:http';
import type net from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const BEHAVIOURS = [
  /** Any origin reflected, ACAC true, Vary: Origin. */
  'reflect',
  /** Exact allowlist (the legitimate origin), ACAC true, Vary: Origin. The safe control. */
  'strict',
  /** No CORS headers at all. */
  'none',
  /** Static `ACAO: *`, no credentials. */
  'wildcard',
  /** `null` and the legitimate origin reflected with credentials. */
  'null',
  /** `origin.startsWith(legit)`: `https://app.example.com.evil.net` passes. */
  'prefix',
  /** `origin.endsWith("example.com")` without a dot: `https://evilexample.com` passes. */
  'suffix',
  /** `legit.includes(origin)` on a string: `https://app.example.co`, `https://xample.com`… pass. */
  'substring',
  /** Any https subdomain of the registrable domain (`https://x.example.com`). */
  'subdomain',
  /** The legitimate host over http or https (`http://app.example.com` passes). */
  'http-scheme',
  /** https + the legitimate host on any port (`https://app.example.com:8443` passes). */
  'port-ignored',
  /** The legitimate origin reflected with credentials and `Cache-Control: public, max-age=600`, no Vary. */
  'no-vary',
  /** Two ACAO header lines (the reflected origin and `*`), ACAC true. */
  'duplicate-acao',
  /** Any origin reflected with `Access-Control-Allow-Credentials: True` (wrong case). */
  'acac-wrong-case',
  /** Reflection + ACAC true only on 4xx/5xx responses; 2xx responses and preflights carry no CORS headers. */
  'error-only',
  /** OPTIONS answered like an API Gateway mock (static `*`, no ACAC); GET reflects any origin with ACAC true. */
  'gateway-preflight',
  /** Reflect + credentials; headers after `headersAfterMs`, then the body in `chunks` pieces every `chunkEveryMs`. */
  'slow',
  /** Reflect + credentials; a GET body of `oversizedBytes` (default 20 MiB) streamed. */
  'oversized',
  /** Reflect + credentials; GET answers 302 to another host (`http://127.0.0.2:<port>/reflect/profiles/u1`). */
  'redirect',
  /** `/^https:\/\/app\.example\.com(?![\w.:-])/`: blocks `L.x.com`, `L_`, `L:8443`, but lets `L\`.x.com` (Safari) through. */
  'lookahead',
  /** The host taken as the text between `//` and the first of `@ # ? ,` or a space: `L@x.com` and `L,https://x.com` pass. */
  'url-split',
  /** Reflect + credentials, `Cache-Control: public`, no Vary, behind a cache keyed by URL only (a CDN without Origin in the key). */
  'shared-cache',
  /** The exact allowlist, no Vary, behind a cache keyed by URL only: a refused origin's answer is served to the front end. */
  'shared-cache-strict',
  /** CORS only on 405 answers (a method handler that copies the Origin); everything else has none. */
  'error-405',
  /** Actual responses: the exact allowlist; preflights also trust `null`. */
  'null-preflight',
  /** Reflect + credentials; a `SameSite=None; Secure` session cookie; preflights allow DELETE and PUT. */
  'cookie-session',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export interface CorsServerOptions {
  /** Serve one behaviour on every path (routes at the root). Default: route by the first path segment. */
  behaviour?: Behaviour;
  /** The legitimate front-end origin the checks are built around. Default `https://app.example.com`. */
  legitOrigin?: string;
  /** FAST mode: `GET /e/<n>` for n in [0, endpoints) answers a tiny fixed body; keep-alive; no logging. */
  fast?: boolean;
  /** Number of FAST endpoints (default 1000). */
  endpoints?: number;
  /** `slow` timings (also per request: `?headersAfterMs=&chunks=&chunkEveryMs=`). */
  slow?: { headersAfterMs?: number; chunks?: number; chunkEveryMs?: number };
  /** `oversized` body size in bytes (default 20 MiB). */
  oversizedBytes?: number;
  /** `oversized` sends Content-Length instead of chunked encoding. */
  oversizedContentLength?: boolean;
  /** `redirect` Location (default `http://127.0.0.2:<port>/reflect/profiles/u1`). */
  redirectTo?: string;
  /** Keep a log of received requests in `requests` (default true, false in FAST mode). */
  record?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Raw header list, names lowercased, duplicates kept. */
  headers: [string, string][];
}

export interface CorsServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Requests received so far (when recording). */
  requests: RecordedRequest[];
  /** TCP connections accepted and requests served so far (always counted). */
  stats(): { connections: number; requests: number };
  close(): Promise<void>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
interface Profile {
  id: string;
  display_name: string;
  email: string;
  phone: string;
  card_number: string;
  ssn: string;
  balance: number;
}
const DATA = JSON.parse(readFileSync(join(HERE, 'fastapi', 'data.json'), 'utf8')) as {
  profiles: Profile[];
  items: { id: string; name: string; price: number }[];
  bearer_tokens: Record<string, string>;
};

type HeaderList = [string, string | string[]][];

interface Ctx {
  legit: string;
  legitHost: string;
  registrable: string;
}

function parseOrigin(origin: string): URL | undefined {
  try {
    return new URL(origin);
  } catch {
    return undefined;
  }
}

/** Whether the behaviour's origin check lets `origin` through. */
function originPasses(b: Behaviour, origin: string, c: Ctx): boolean {
  const u = parseOrigin(origin);
  switch (b) {
    case 'strict':
    case 'no-vary':
      return origin === c.legit;
    case 'null':
      return origin === 'null' || origin === c.legit;
    case 'prefix':
      return origin.startsWith(c.legit);
    case 'suffix':
      return origin.endsWith(c.registrable);
    case 'substring':
      return c.legit.includes(origin);
    case 'subdomain':
      return !!u && u.protocol === 'https:' && (u.hostname === c.registrable || u.hostname.endsWith(`.${c.registrable}`));
    case 'http-scheme':
      return !!u && (u.protocol === 'https:' || u.protocol === 'http:') && u.host === c.legitHost && u.origin === origin;
    case 'port-ignored':
      return !!u && u.protocol === 'https:' && u.hostname === c.legitHost;
    case 'null-preflight':
    case 'shared-cache-strict':
      return origin === c.legit;
    case 'lookahead':
      return new RegExp(`^${c.legit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.:-])`).test(origin);
    case 'url-split':
      return origin.startsWith('https://') && origin.slice(8).split(/[@#?,\s]/)[0] === c.legitHost;
    case 'none':
    case 'wildcard':
      return false;
    default:
      return true;
  }
}

/** CORS headers for a non-preflight response with the given status. */
function simpleCors(b: Behaviour, origin: string | undefined, status: number, c: Ctx): HeaderList {
  if (b === 'none') return [];
  if (b === 'wildcard') return [['access-control-allow-origin', '*']];
  if (b === 'error-405') {
    return status === 405 && origin !== undefined ? [['access-control-allow-origin', origin], ['access-control-allow-credentials', 'true']] : [];
  }
  if (b === 'error-only') {
    return status >= 400 && origin !== undefined
      ? [['access-control-allow-origin', origin], ['access-control-allow-credentials', 'true'], ['vary', 'Origin']]
      : [];
  }
  const h: HeaderList = [];
  const noVary = b === 'no-vary' || b === 'shared-cache' || b === 'shared-cache-strict';
  if (noVary) h.push(['cache-control', 'public, max-age=600']);
  if (b === 'cookie-session' && status < 400) h.push(['set-cookie', 'session=s3cr3t-session-id; Path=/; Secure; HttpOnly; SameSite=None']);
  if (origin === undefined) return noVary ? h : [['vary', 'Origin']];
  if (originPasses(b, origin, c)) {
    if (b === 'duplicate-acao') h.push(['access-control-allow-origin', [origin, '*']]);
    else h.push(['access-control-allow-origin', origin]);
    h.push(['access-control-allow-credentials', b === 'acac-wrong-case' ? 'True' : 'true']);
  }
  if (!noVary) h.push(['vary', 'Origin']);
  return h;
}

/** Status and headers of a preflight (OPTIONS with Origin and Access-Control-Request-Method). */
function preflight(b: Behaviour, origin: string, req: http.IncomingMessage, c: Ctx): { status: number; headers: HeaderList } {
  const requested = req.headers['access-control-request-headers'];
  if (b === 'gateway-preflight') {
    return {
      status: 200,
      headers: [
        ['access-control-allow-origin', '*'],
        ['access-control-allow-methods', 'OPTIONS,GET'],
        ['access-control-allow-headers', 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'],
      ],
    };
  }
  if (b === 'error-only' || b === 'error-405' || b === 'none') return { status: 204, headers: [] };
  if (b === 'wildcard') {
    return {
      status: 204,
      headers: [
        ['access-control-allow-origin', '*'],
        ['access-control-allow-methods', 'GET, HEAD, OPTIONS'],
        ...(requested ? ([['access-control-allow-headers', requested]] as HeaderList) : []),
        ['access-control-max-age', '600'],
      ],
    };
  }
  if (b === 'null-preflight' && origin === 'null') {
    return { status: 204, headers: [['access-control-allow-origin', 'null'], ['access-control-allow-credentials', 'true'], ['access-control-allow-methods', 'GET, POST'], ['vary', 'Origin']] };
  }
  const h = simpleCors(b, origin, 204, c).filter(([k]) => k !== 'cache-control' && k !== 'set-cookie');
  if (originPasses(b, origin, c)) {
    h.push(['access-control-allow-methods', b === 'cookie-session' ? 'GET, HEAD, OPTIONS, PUT, DELETE' : 'GET, HEAD, OPTIONS']);
    if (requested) h.push(['access-control-allow-headers', requested]);
    h.push(['access-control-max-age', '600']);
  }
  return { status: 204, headers: h };
}

function applyHeaders(res: http.ServerResponse, headers: HeaderList): void {
  for (const [k, v] of headers) res.setHeader(k, v);
}

const json = (v: unknown) => JSON.stringify(v);

function route(path: string, req: http.IncomingMessage): { status: number; body: string; headers?: HeaderList } {
  const m = /^\/profiles\/([^/]+)$/.exec(path);
  if (m) {
    const p = DATA.profiles.find((x) => x.id === decodeURIComponent(m[1]));
    return p ? { status: 200, body: json(p) } : { status: 404, body: json({ detail: 'Profile not found' }) };
  }
  if (path === '/items') return { status: 200, body: json(DATA.items) };
  if (path === '/private') {
    const auth = req.headers.authorization ?? '';
    const user = auth.startsWith('Bearer ') ? DATA.bearer_tokens[auth.slice(7)] : undefined;
    return user
      ? { status: 200, body: json({ user_id: user, note: 'bearer-only resource' }) }
      : { status: 401, body: json({ detail: 'Not authenticated' }), headers: [['www-authenticate', 'Bearer']] };
  }
  if (path === '/boom') return { status: 500, body: json({ detail: 'Internal Server Error' }) };
  if (path === '/dynamo-error') {
    return {
      status: 500,
      body: json({
        detail:
          'An error occurred (AccessDeniedException) when calling the GetItem operation: User: arn:aws:sts::123456789012:assumed-role/profiles-api-role/profiles-api is not authorized to perform: dynamodb:GetItem on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/profiles',
      }),
    };
  }
  return { status: 404, body: json({ detail: 'Not Found' }) };
}

function openapi(paths: string[], extra: Record<string, unknown>): string {
  const doc: Record<string, unknown> = {
    openapi: '3.0.3',
    info: { title: 'crossread CORS test server', version: '1.0.0' },
    paths: Object.fromEntries(paths.map((p) => [p, operation(p)])),
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    ...extra,
  };
  return JSON.stringify(doc);
}

function operation(p: string): Record<string, unknown> {
  const id = p.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'root';
  const op: Record<string, unknown> = { operationId: `get_${id}`, responses: { '200': { description: 'OK' } } };
  if (p.endsWith('{user_id}')) {
    op.parameters = [{ name: 'user_id', in: 'path', required: true, schema: { type: 'string' }, example: 'u1' }];
  }
  if (p.endsWith('/private')) {
    op.security = [{ bearer: [] }];
    (op.responses as Record<string, unknown>)['401'] = { description: 'Not authenticated' };
  }
  return { get: op };
}

const ROUTES = ['/profiles/{user_id}', '/items', '/private'];

function num(v: string | null, fallback: number): number {
  const n = v === null ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/** Starts the server on 127.0.0.1:<free port>. */
export async function startCorsServer(options: CorsServerOptions = {}): Promise<CorsServer> {
  const legit = options.legitOrigin ?? 'https://app.example.com';
  const legitUrl = new URL(legit);
  const c: Ctx = {
    legit,
    legitHost: legitUrl.hostname,
    registrable: legitUrl.hostname.split('.').slice(-2).join('.'),
  };
  const fast = !!options.fast;
  const record = options.record ?? !fast;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  let port = 0;

  const endpoints = options.endpoints ?? 1000;
  const fastBehaviour: Behaviour = options.behaviour ?? 'strict';
  const fastBody = Buffer.from('{"ok":true}');
  let openapiDoc = '';

  let connections = 0;
  let served = 0;
  const cache = new Map<string, { status: number; body: string; headers: HeaderList }>();

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    served++;
    if (record) {
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers });
    }
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const origin = req.headers.origin;

    if (path === '/openapi.json' || path === '/health') {
      const body = path === '/health' ? '{"status":"ok"}' : openapiDoc;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }

    if (fast) {
      const m = /^\/e\/(\d+)$/.exec(path);
      const ok = !!m && Number(m[1]) < endpoints;
      if (method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method']) {
        const p = preflight(fastBehaviour, origin, req, c);
        applyHeaders(res, p.headers);
        res.writeHead(p.status, { 'content-length': 0 });
        res.end();
        return;
      }
      const status = ok ? 200 : 404;
      const body = ok ? fastBody : Buffer.from('{"detail":"Not Found"}');
      applyHeaders(res, simpleCors(fastBehaviour, origin, status, c));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }

    let behaviour: Behaviour;
    let rest: string;
    if (options.behaviour) {
      behaviour = options.behaviour;
      rest = path;
    } else {
      const seg = path.split('/')[1] ?? '';
      if (!(BEHAVIOURS as readonly string[]).includes(seg)) {
        const body = json({ detail: 'Not Found' });
        res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(method === 'HEAD' ? undefined : body);
        return;
      }
      behaviour = seg as Behaviour;
      rest = path.slice(seg.length + 1) || '/';
    }

    if (method === 'OPTIONS' && origin !== undefined && req.headers['access-control-request-method']) {
      const p = preflight(behaviour, origin, req, c);
      applyHeaders(res, p.headers);
      res.writeHead(p.status, { 'content-length': 0 });
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      const body = json({ detail: 'Method Not Allowed' });
      applyHeaders(res, simpleCors(behaviour, origin, 405, c));
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const head = method === 'HEAD';

    if (behaviour === 'redirect') {
      const location = options.redirectTo ?? `http://127.0.0.2:${port}/reflect/profiles/u1`;
      applyHeaders(res, simpleCors(behaviour, origin, 302, c));
      res.writeHead(302, { location, 'content-length': 0 });
      res.end();
      return;
    }

    if (behaviour === 'oversized') {
      const total = options.oversizedBytes ?? 20 * 1024 * 1024;
      applyHeaders(res, simpleCors(behaviour, origin, 200, c));
      const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
      if (options.oversizedContentLength) headers['content-length'] = total;
      res.writeHead(200, headers);
      if (head) return void res.end();
      streamOversized(res, total);
      return;
    }

    if (behaviour === 'shared-cache' || behaviour === 'shared-cache-strict') {
      // a cache keyed by the URL alone: the first answer for a URL is served to every later caller
      const key = req.url ?? '/';
      let hit = cache.get(key);
      const cached = !!hit;
      if (!hit) {
        const r = route(rest, req);
        hit = { status: r.status, body: r.body, headers: [...simpleCors(behaviour, origin, r.status, c), ...(r.headers ?? [])] };
        if (cache.size > 1000) cache.clear();
        cache.set(key, hit);
      }
      applyHeaders(res, hit.headers);
      res.setHeader('x-cache', cached ? 'Hit from cache' : 'Miss from cache');
      if (cached) res.setHeader('age', '1');
      res.writeHead(hit.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(hit.body) });
      res.end(head ? undefined : hit.body);
      return;
    }

    const r = route(rest, req);
    applyHeaders(res, simpleCors(behaviour, origin, r.status, c));
    if (r.headers) applyHeaders(res, r.headers);

    if (behaviour === 'slow') {
      const q = url.searchParams;
      const headersAfterMs = num(q.get('headersAfterMs'), options.slow?.headersAfterMs ?? 1000);
      const chunks = Math.max(1, Math.floor(num(q.get('chunks'), options.slow?.chunks ?? 5)));
      const chunkEveryMs = num(q.get('chunkEveryMs'), options.slow?.chunkEveryMs ?? 200);
      const body = Buffer.from(r.body);
      later(() => {
        if (res.destroyed) return;
        res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': body.length });
        res.flushHeaders();
        if (head) return void res.end();
        const size = Math.ceil(body.length / chunks);
        let i = 0;
        const next = () => {
          if (res.destroyed) return;
          const part = body.subarray(i * size, (i + 1) * size);
          i++;
          if (i >= chunks || (i * size) >= body.length) res.end(part);
          else {
            res.write(part);
            later(next, chunkEveryMs);
          }
        };
        later(next, chunkEveryMs);
      }, headersAfterMs);
      return;
    }

    res.writeHead(r.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) });
    res.end(head ? undefined : r.body);
  };

  const server = http.createServer((req, res) => {
    try {
      handler(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"detail":"Bad Request"}');
    }
  });
  server.on('connection', () => connections++);
  if (fast) {
    server.keepAliveTimeout = 30_000;
    server.headersTimeout = 35_000;
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as net.AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const servers = [{ url }];
  if (fast) {
    openapiDoc = openapi(Array.from({ length: endpoints }, (_, i) => `/e/${i}`), { servers });
  } else if (options.behaviour) {
    openapiDoc = openapi(ROUTES, { servers });
  } else {
    openapiDoc = openapi(BEHAVIOURS.flatMap((b) => ROUTES.map((r) => `/${b}${r}`)), { servers });
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    requests,
    stats: () => ({ connections, requests: served }),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** Writes `total` bytes of valid JSON (an array of the first profile, padded with spaces), honouring backpressure. */
function streamOversized(res: http.ServerResponse, total: number): void {
  const unit = `${json(DATA.profiles[0])},\n`;
  const last = `${json(DATA.profiles[0])}]`;
  if (total < last.length + 1) {
    res.end(`[]${' '.repeat(Math.max(0, total - 2))}`);
    return;
  }
  const block = Buffer.from(unit.repeat(Math.max(1, Math.floor(65536 / unit.length))));
  let remaining = total - 1 - last.length; // bytes between '[' and the last element
  res.write('[');
  const pump = () => {
    while (remaining > 0) {
      if (res.destroyed) return;
      let chunk: Buffer;
      if (remaining >= block.length) chunk = block;
      else {
        const whole = Math.floor(remaining / unit.length);
        chunk = Buffer.from(unit.repeat(whole) + ' '.repeat(remaining - whole * unit.length));
      }
      remaining -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(last);
  };
  pump();
}
