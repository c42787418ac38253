/**
 * The probe plan for one endpoint (live-probe-spec b.1–b.7) and the byte-exact judgement of each answer
 * (b.8). Tiers run with early exits: an endpoint that reflects any origin is not sent the bypass mutations;
 * bypass mutations are sent only when the answer depends on the Origin, parser probes only when no mutation
 * passed. The tiers every endpoint needs (B, C, F, V, E) go first, so the per-endpoint cap only ever cuts
 * the last mutations. A typical endpoint costs 12–15 requests, none more than about 60.
 */
import type { HttpClient } from './http.ts';
import { bypassOrigins, coreOrigins, hostingOrigins, parserOrigins, type ProbeOrigin } from './origins.ts';
import type { Endpoint, Exchange, RawHeaders } from './types.ts';

export const PROBE_COOKIE = '__cors_probe=1';

/** The CORS headers of one response, judged exactly (Fetch: a single ACAO value; ACAC only `true`). */
export interface CorsAnswer {
  /** The single ACAO value; undefined when absent. */
  acao?: string;
  /** Several ACAO headers, or one holding a list or a pattern: browsers refuse the response. */
  invalidAcao?: string;
  /** `Access-Control-Allow-Credentials` is exactly `true`. */
  credentials: boolean;
  /** ACAC present with another value (`True`, `1`): not honoured by browsers. */
  badCredentials?: string;
  vary: string[];
  cacheable: boolean;
  status: number;
  allowMethods?: string;
  allowHeaders?: string;
}

export function header(headers: RawHeaders, name: string): string[] {
  return headers.filter(([k]) => k === name).map(([, v]) => v);
}

const OWS = /^[ \t]+|[ \t]+$/g;

const answers = new WeakMap<Exchange, CorsAnswer>();

/** The CORS headers of an exchange's response, judged once. */
export function corsAnswer(x: Exchange): CorsAnswer | undefined {
  const r = x.response;
  if (!r) return undefined;
  const known = answers.get(x);
  if (known) return known;
  const a = judgeAnswer(r);
  answers.set(x, a);
  return a;
}

function judgeAnswer(r: NonNullable<Exchange['response']>): CorsAnswer {
  // one pass over the headers (every response of a scan comes through here)
  const acaos: string[] = [];
  const acac: string[] = [];
  const vary: string[] = [];
  const acam: string[] = [];
  const acah: string[] = [];
  let cc = '';
  let age = false;
  let xcache = '';
  for (const [k, v] of r.headers) {
    if (k.charCodeAt(0) === 97 /* a */) {
      if (k === 'access-control-allow-origin') acaos.push(v.replace(OWS, ''));
      else if (k === 'access-control-allow-credentials') acac.push(v.replace(OWS, ''));
      else if (k === 'access-control-allow-methods') acam.push(v);
      else if (k === 'access-control-allow-headers') acah.push(v);
      else if (k === 'age') age = true;
    } else if (k === 'vary') {
      for (const part of v.split(',')) {
        const t = part.trim().toLowerCase();
        if (t) vary.push(t);
      }
    } else if (k === 'cache-control') cc += `${cc ? ',' : ''}${v.toLowerCase()}`;
    else if (k === 'x-cache') xcache += v;
  }
  const cacheable = /\bpublic\b|s-maxage/.test(cc) || (/max-age=\d+/.test(cc) && !/private|no-store|no-cache|max-age=0\b/.test(cc)) || age || /hit/i.test(xcache);
  const out: CorsAnswer = { credentials: acac.length === 1 && acac[0] === 'true', vary, cacheable, status: r.status };
  // only `true` exactly enables credentialed reads; `false` is as good as absent, `True` / `1` are mistakes
  if (acac.length && !out.credentials && !acac.every((v) => v.toLowerCase() === 'false')) out.badCredentials = acac.join(', ');
  if (acaos.length > 1) out.invalidAcao = `${acaos.length} Access-Control-Allow-Origin headers (${acaos.join(' | ')})`;
  else if (acaos.length === 1) {
    const v = acaos[0];
    if (/[,\s]/.test(v) || (v !== '*' && v.includes('*'))) out.invalidAcao = `Access-Control-Allow-Origin: ${v}`;
    else out.acao = v;
  }
  if (acam.length) out.allowMethods = acam.join(', ');
  if (acah.length) out.allowHeaders = acah.join(', ');
  return out;
}

export interface EndpointResult {
  endpoint: Endpoint;
  exchanges: Exchange[];
  /** Probes whose Origin came back byte-exact in ACAO, with the answer. */
  reflected: { probe: ProbeOrigin; exchange: Exchange; answer: CorsAnswer; withCookie: boolean }[];
  /** The origin used as L. */
  legit?: string;
  /** ACAO depends on the Origin (an allowlist or reflection is at work). */
  dynamic: boolean;
  /** A transport failure that stopped the plan, in words. */
  failure?: string;
  /** Answered like this endpoint (probed in full), so the rest of the plan was not sent. */
  sameAs?: string;
}

export interface PlanContext {
  client: HttpClient;
  /** A fresh random label for attacker origins. */
  r: string;
  /** Legitimate origins: user-given first, then hints. */
  legit: string[];
  /** Hard cap of requests for one endpoint. */
  maxPerEndpoint: number;
  /** The user gave credentials: one error-path probe goes without them (the 401/403 path). */
  authenticated?: boolean;
  /**
   * CORS answers already probed in full, per host: the signature of the first answers (legitimate and
   * arbitrary origin, with and without a cookie) → the endpoint probed. An app usually has one CORS policy;
   * an endpoint that answers exactly like one already probed is not sent the rest of the plan.
   */
  policies?: Map<string, string>;
}

/** `url` with a unique `_cb` parameter (URLs come normalised from the targets; a fragment never does). */
function withCacheBuster(url: string, n: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}_cb=${encodeURIComponent(n)}`;
}

export async function probeEndpoint(ep: Endpoint, ctx: PlanContext): Promise<EndpointResult> {
  const { client, r } = ctx;
  const out: EndpointResult = { endpoint: ep, exchanges: [], reflected: [], dynamic: false };
  let n = 0;
  const send = async (probe: string, method: 'GET' | 'HEAD' | 'OPTIONS', headers: RawHeaders, url = ep.url, opts: { cacheKey?: string; anonymous?: boolean } = {}): Promise<Exchange | undefined> => {
    if (n >= ctx.maxPerEndpoint) return undefined;
    n++;
    const x = await client.send(probe, { method, url: withCacheBuster(url, opts.cacheKey ?? `${r}-${n}`), headers, ...(opts.anonymous ? { anonymous: true } : {}) });
    out.exchanges.push(x);
    return x;
  };
  const get = (probe: string, origin?: string, cookie = false, url?: string): Promise<Exchange | undefined> =>
    send(probe, ep.method, [...(origin !== undefined ? ([['origin', origin]] as RawHeaders) : []), ...(cookie ? ([['cookie', PROBE_COOKIE]] as RawHeaders) : [])], url);
  const reflects = (x: Exchange | undefined, origin: string): CorsAnswer | undefined => {
    const a = x && corsAnswer(x);
    if (!a?.acao) return undefined;
    // byte-exact, or the percent-decoded probe echoed (a validator that decodes the Origin: b.8)
    return a.acao === origin || (origin.includes('%') && a.acao === safeDecode(origin)) ? a : undefined;
  };
  const note = (probe: ProbeOrigin, x: Exchange | undefined, withCookie: boolean): boolean => {
    const a = reflects(x, probe.origin);
    if (a && x) out.reflected.push({ probe, exchange: x, answer: a, withCookie });
    return !!a;
  };
  // B: baseline, the legitimate origin (and with a cookie), and who answers the preflight
  const b0 = await get('B0');
  if (!b0?.response) {
    out.failure = b0?.error ?? 'not sent';
    return out;
  }
  const own = new URL(ep.url).origin;
  const l = ctx.legit[0] ?? own;
  out.legit = l;
  const b1 = await get('B1', l);
  const [c1, c2, c3] = coreOrigins(r);
  const c1x = await get('C1', c1.origin);
  const c1bx = await get('C1b', c1.origin, true);
  // the same answers as an endpoint of this host probed in full: the same policy, no need for the rest
  const sig = [b0, b1, c1x, c1bx].map((x) => {
    const a = x && corsAnswer(x);
    const acao = a?.acao === c1.origin ? '<probe>' : a?.acao;
    return a ? `${Math.floor(a.status / 100)}:${acao ?? ''}:${a.credentials}:${a.vary.includes('origin')}:${a.invalidAcao ?? ''}` : 'x';
  }).join('|');
  const host = new URL(ep.url).host;
  const first = ctx.policies?.get(`${host} ${sig}`);
  const reflectAny = note(c1, c1x, false) || note(c1, c1bx, true);
  if (first) {
    out.sameAs = first;
    return out;
  }
  ctx.policies?.set(`${host} ${sig}`, ep.url);
  const b2 = await get('B2', l, true);
  const b3x = await send('B3', 'OPTIONS', [['origin', l], ['access-control-request-method', 'GET'], ['access-control-request-headers', 'authorization,content-type']]);
  const b1a = b1 && corsAnswer(b1);
  const b2a = b2 && corsAnswer(b2);
  // the answer depends on the Origin: the legitimate origin echoed, Vary: Origin, or an allowlist at work even though
  // L is not on it (Starlette sends Access-Control-Allow-Credentials to every origin and refuses others' preflights with 400)
  const b3a = b3x && corsAnswer(b3x);
  const b3 = b3x?.response;
  out.dynamic =
    [b1a, b2a].some((a) => a?.acao === l || a?.vary.includes('origin')) ||
    [b1a, b2a, b3a].some((a) => a && !a.acao && (a.credentials || !!a.allowMethods)) ||
    (b3?.status === 400 && /Disallowed CORS/i.test(b3.body));

  // C: an arbitrary origin (sent above, without and with a cookie: Starlette's "*" + credentials reflects only with one), null
  if (!reflectAny) {
    note(c2, await get('C2', c2.origin, true), true);
  }
  const nullTrusted = note(c3, await get('C3', c3.origin, true), true);

  // F: preflights from the attacker origin (F1); if it passes, which methods (F2); mirrored headers (F3); null (F4)
  const pre = reflectAny ? c1.origin : l;
  const f1 = await send('F1', 'OPTIONS', [['origin', c1.origin], ['access-control-request-method', 'GET'], ['access-control-request-headers', 'authorization']]);
  const f1a = f1 && corsAnswer(f1);
  if (f1a && f1a.status < 400 && (f1a.acao === c1.origin || f1a.acao === '*')) {
    await send('F2', 'OPTIONS', [['origin', c1.origin], ['access-control-request-method', 'DELETE'], ['access-control-request-headers', 'content-type,x-requested-with']]);
  }
  await send('F3', 'OPTIONS', [['origin', pre], ['access-control-request-method', 'DELETE'], ['access-control-request-headers', `x-${r}`]]);
  if (!nullTrusted) await send('F4', 'OPTIONS', [['origin', 'null'], ['access-control-request-method', 'POST']]);

  // V2: does a cache key ignore the Origin? The attacker origin, then the legitimate one, on one fresh URL
  if (reflectAny || out.dynamic) {
    const cacheKey = `${r}-v`;
    await send('V2a', ep.method, [['origin', c1.origin]], ep.url, { cacheKey });
    await send('V2b', ep.method, [['origin', l]], ep.url, { cacheKey });
  }

  // E: error paths from the attacker origin with a cookie: a missing sibling path (404), OPTIONS without a
  // requested method (a plain OPTIONS: 405 on Starlette), and, when credentials were given, the request without them (401/403)
  const u = new URL(ep.url);
  u.pathname = `${u.pathname.replace(/\/[^/]*$/, '')}/${r}-missing`;
  u.search = '';
  await get('E1', c1.origin, true, u.toString());
  await send('E3', 'OPTIONS', [['origin', c1.origin], ['cookie', PROBE_COOKIE]]);
  if (ctx.authenticated) await send('E2', ep.method, [['origin', c1.origin], ['cookie', PROBE_COOKIE]], ep.url, { anonymous: true });

  // M / P: allowlist bypasses, only when the answer depends on the Origin and nothing arbitrary is reflected;
  // parser and browser-specific probes only when no mutation of the first legitimate origin passed
  if (!reflectAny && out.dynamic) {
    const legitList = [...new Set([...ctx.legit, ...(ctx.legit.length ? [] : [own])])].slice(0, 2);
    let hit = false;
    const tryAll = async (list: ProbeOrigin[]): Promise<void> => {
      for (const m of list) {
        if (n >= ctx.maxPerEndpoint) return;
        if (note(m, await get(m.id, m.origin, true), true)) hit = true;
      }
    };
    await tryAll(bypassOrigins(legitList[0], r));
    await tryAll(hostingOrigins(r));
    if (!hit) await tryAll(parserOrigins(legitList[0], r));
    if (legitList[1]) await tryAll(bypassOrigins(legitList[1], r));
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
