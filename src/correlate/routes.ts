/**
 * The route index: one entry per route (method + normalised template) joining code routes and Lambda
 * handlers, the gateway routes in front of them, and the live endpoints probed, with each route's
 * effective exposure (who answers CORS and with what, how callers authenticate, what DynamoDB it reaches)
 * and the findings that land on it. Pure: from findings and the route inventory to data.
 */
import type { Finding } from '../findings/index.ts';
import type { RouteEntry } from '../code/inventory.ts';
import type { CorsView } from '../code/iac/link.ts';
import { matchLive, routeKey, type RouteKeyed } from './route-key.ts';

const READ_OPS = new Set(['get_item', 'query', 'scan', 'batch_get_item', 'transact_get_items', 'execute_statement', 'batch_execute_statement', 'paginate']);

export interface RouteCors {
  /** Where the request goes through: the app itself, or a gateway route (`ProfilesApi ANY /{proxy+}`). */
  via: string;
  /** Who answers the preflight and who sets the actual response's headers. */
  preflight: CorsView;
  actual: CorsView;
  /** The gateway route's authorizer on that path (`cognito`, `jwt`, `iam`, `lambda-cookie`, `none`), when a gateway is in front. */
  authorizer?: string;
  /** That authorizer wants a token a foreign page cannot make the browser send. */
  token?: boolean;
}

export interface RouteExposure {
  /** The join key: `GET /profiles/{}`. */
  key: string;
  method: string;
  /** The template as the code (or the OpenAPI document) writes it. */
  path: string;
  handler?: string;
  file?: string;
  line?: number;
  /** Where this route was seen. */
  seenIn: ('code' | 'iac' | 'live')[];
  /** Every way a browser reaches the route, with the CORS policy on it. */
  cors: RouteCors[];
  /** How callers authenticate, as the code reads it: cookie, bearer, gateway (authorizer claims), api-key, basic, none. */
  auth: string[];
  /** DynamoDB operations the route reaches, with `read` set for reads. */
  dynamodb: { op: string; table?: string; read: boolean; file: string; line: number }[];
  /** Live endpoints probed for this route. */
  live: { method: string; url: string; template?: string }[];
  /** Fingerprints of the findings on this route. */
  findings: string[];
}

const CORS_TOPIC = 'cors-permissive-origin';
const ROUTELESS_TOPICS = new Set(['error-disclosure', 'debug-information-exposure']);

const at = (f: Finding): string => `${f.location.file ?? ''}:${f.location.start?.line ?? ''}`;
const fileOf = (where: string | undefined): string | undefined => (where && /:\d+$/.test(where) ? where.replace(/:\d+$/, '') : undefined);

export function buildRouteIndex(inventory: RouteEntry[], findings: Finding[]): RouteExposure[] {
  const byKey = new Map<string, RouteExposure>();
  const byHandler = new Map<string, RouteExposure>();
  const entries: RouteExposure[] = [];
  const add = (e: RouteExposure): RouteExposure => {
    entries.push(e);
    if (!byKey.has(e.key)) byKey.set(e.key, e);
    if (e.handler && !byHandler.has(e.handler)) byHandler.set(e.handler, e);
    return e;
  };

  for (const r of inventory) {
    const cors: RouteCors[] = r.gateway?.length
      ? r.gateway.map((g) => ({ via: `${g.api} ${g.route}`, preflight: g.cors.preflight, actual: g.cors.actual, authorizer: g.authorizer, token: g.token }))
      : r.cors
        ? [{ via: 'the app', preflight: r.cors.preflight, actual: r.cors.actual }]
        : [];
    const e = add({
      key: routeKey({ method: r.method, path: r.path || r.handler }),
      method: r.method,
      path: r.path,
      handler: r.handler,
      file: r.file,
      line: r.line,
      seenIn: r.gateway?.length ? ['code', 'iac'] : ['code'],
      cors,
      auth: r.auth,
      dynamodb: r.dynamodb.map((d) => ({ op: d.op, ...(d.table ? { table: d.table } : {}), read: READ_OPS.has(d.op), file: d.file, line: d.line })),
      live: [],
      findings: [],
    });
    // the gateway routes in front reach the same code
    for (const g of r.gateway ?? []) {
      const [method, path] = g.route.split(' ');
      if (path && !path.includes('{proxy+}') && path !== '$default') {
        const k = routeKey({ method, path });
        if (!byKey.has(k)) byKey.set(k, e);
      }
    }
  }

  const known = (): RouteKeyed[] => entries.filter((e) => e.path).map((e) => ({ method: e.method, path: e.path }));
  const entryFor = (method: string, template: string | undefined, url: string): RouteExposure => {
    const m = matchLive(method, template, url, known());
    if (m) return byKey.get(routeKey(m))!;
    const path = template ?? safePath(url);
    const k = routeKey({ method, path });
    return byKey.get(k) ?? add({ key: k, method: method === 'HEAD' ? 'GET' : method, path, seenIn: [], cors: [], auth: [], dynamodb: [], live: [], findings: [] });
  };

  // a CORS finding may sit on an argument of the policy's call (allow_origin_regex= on its own line): it
  // belongs to the nearest policy that starts at or above it in the same file
  // the routes each policy site and each file govern, looked up once per finding instead of scanning every route
  const bySite = new Map<string, RouteExposure[]>();
  const byFile = new Map<string, RouteExposure[]>();
  const put = <K>(m: Map<K, RouteExposure[]>, k: K, e: RouteExposure) => {
    const list = m.get(k);
    if (!list) m.set(k, [e]);
    else if (list[list.length - 1] !== e) list.push(e);
  };
  for (const e of entries) {
    if (e.file) put(byFile, e.file, e);
    for (const c of e.cors) {
      for (const w of [c.actual.where, c.preflight.where]) if (w && /:\d+$/.test(w)) put(bySite, w, e);
      const file = fileOf(c.actual.where);
      if (file) put(byFile, file, e);
    }
  }
  const sitesInFile = new Map<string, number[]>();
  for (const w of bySite.keys()) {
    const file = fileOf(w)!;
    sitesInFile.set(file, [...(sitesInFile.get(file) ?? []), Number(w.slice(w.lastIndexOf(':') + 1))]);
  }
  const policySite = (f: Finding): string | undefined => {
    const exact = at(f);
    if (bySite.has(exact)) return exact;
    const line = f.location.start?.line ?? 0;
    const above = (sitesInFile.get(f.location.file ?? '') ?? []).filter((l) => l <= line && line - l <= 30);
    return above.length ? `${f.location.file}:${Math.max(...above)}` : undefined;
  };

  const land = (e: RouteExposure, f: Finding): void => {
    if (!e.findings.includes(f.fingerprint)) e.findings.push(f.fingerprint);
    const side = f.source === 'live' ? 'live' : f.source === 'iac' ? 'iac' : f.source === 'code' ? 'code' : undefined;
    if (side && !e.seenIn.includes(side)) e.seenIn.push(side);
  };

  for (const f of findings) {
    if (f.source === 'live' && f.live) {
      for (const ep of f.live.endpoints) {
        const e = entryFor(ep.method, ep.template, ep.url);
        if (!e.live.some((x) => x.url === ep.url)) e.live.push(ep);
        land(e, f);
      }
      continue;
    }
    if (f.route) {
      const e = (f.route.handler && byHandler.get(f.route.handler)) || (f.route.path ? byKey.get(routeKey(f.route)) : undefined);
      if (e) land(e, f);
      continue;
    }
    // app-wide findings: a CORS policy lands on the routes it governs; error and debug findings without a
    // route on the routes of the same module or the same app
    if (f.topic === CORS_TOPIC) {
      const site = policySite(f);
      for (const e of site ? (bySite.get(site) ?? []) : []) land(e, f);
    } else if (ROUTELESS_TOPICS.has(f.topic) && f.location.file) {
      for (const e of byFile.get(f.location.file) ?? []) land(e, f);
    }
  }
  return entries;
}

/** Live endpoints the scan probed without any finding still belong to their route. */
export function attachProbed(index: RouteExposure[], endpoints: { url: string; template?: string }[]): void {
  const known = index.filter((e) => e.path).map((e) => ({ method: e.method, path: e.path }));
  for (const ep of endpoints) {
    const m = matchLive('GET', ep.template, ep.url, known);
    if (!m) continue;
    const e = index.find((x) => x.key === routeKey(m));
    if (e && !e.live.some((x) => x.url === ep.url)) {
      e.live.push({ method: 'GET', url: ep.url, ...(ep.template ? { template: ep.template } : {}) });
      if (!e.seenIn.includes('live')) e.seenIn.push('live');
    }
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
