/**
 * From probe answers to findings (live-probe-spec b.7–b.8, platform facts §7): one finding per weakness
 * and host, naming the endpoints it was seen on, rated in context — credentials allowed exactly (`true`),
 * cookies the browser would attach (their SameSite) versus bearer-only auth, the status of the responses
 * that carry the permissive headers, and whether the body read is sensitive.
 */
import type { Evidence, FindingInput, Impact, Likelihood } from '../findings/index.ts';
import type { RuleMeta } from '../code/rules/rule.ts';
import { classifyBody as classifyOnce } from './classify.ts';
import { curlOf, exchangeText } from './http.ts';
import type { ProbeOrigin } from './origins.ts';
import { corsAnswer, header, type EndpointResult } from './probe.ts';
import type { BodyClass, Exchange } from './types.ts';

export interface LiveCheck {
  id: string;
  topic: string;
  cwe: number[];
  summary: string;
  remediation: string;
}

const CHECKS = {
  reflected: { id: 'live-cors-reflected-origin', topic: 'cors-permissive-origin', cwe: [942], summary: 'The API echoes any Origin into Access-Control-Allow-Origin.', remediation: 'Allow an explicit list of front-end origins (CORSMiddleware allow_origins / the gateway CORS configuration); never reflect the request Origin.' },
  cookieOnly: { id: 'live-cors-reflected-with-cookie', topic: 'cors-permissive-origin', cwe: [942], summary: 'Any Origin is echoed when the request carries a Cookie (Starlette before 1.0 with allow_origins=["*"] and allow_credentials=True).', remediation: 'Replace allow_origins=["*"] with the front-end origins when allow_credentials=True.' },
  nullOrigin: { id: 'live-cors-null-origin', topic: 'cors-permissive-origin', cwe: [942], summary: 'Origin: null is trusted (sandboxed iframes and data: pages send it).', remediation: 'Remove "null" from the allowed origins.' },
  bypass: { id: 'live-cors-allowlist-bypass', topic: 'cors-permissive-origin', cwe: [942, 346], summary: 'An origin the allowlist was not meant to trust passes its check (prefix, suffix, unescaped dot, substring, subdomain, scheme, port, special characters, shared hosting).', remediation: 'Compare the Origin with an exact list (or a fully anchored, escaped regex); do not use startsWith / endsWith / substring checks.' },
  wildcard: { id: 'live-cors-wildcard', topic: 'cors-permissive-origin', cwe: [942], summary: 'Access-Control-Allow-Origin: * on API responses.', remediation: "Keep '*' for public, anonymous data only; list the front-end origins otherwise." },
  preflight: { id: 'live-cors-permissive-preflight', topic: 'cors-permissive-origin', cwe: [942], summary: 'Preflights allow an arbitrary origin, or mirror requested headers and methods.', remediation: 'Answer preflights with the same explicit origins, methods and headers as actual responses.' },
  vary: { id: 'live-cors-missing-vary', topic: 'cors-permissive-origin', cwe: [942], summary: 'A response whose Access-Control-Allow-Origin depends on the Origin lacks Vary: Origin while caches may store it.', remediation: 'Send Vary: Origin with every response whose CORS headers depend on the Origin (Starlette adds it to allowed-origin responses since 0.15; custom code and gateways must add it themselves), and put Origin in the CDN cache key.' },
  mismatch: { id: 'live-cors-preflight-mismatch', topic: 'cors-permissive-origin', cwe: [942], summary: 'The preflight and the actual response disagree on CORS: two layers answer them.', remediation: 'Decide CORS in one layer (the gateway or the app) and make the other agree.' },
  invalid: { id: 'live-cors-invalid-headers', topic: 'cors-permissive-origin', cwe: [942], summary: 'CORS headers browsers reject: several Access-Control-Allow-Origin values, a list or pattern, or Access-Control-Allow-Credentials other than exactly "true".', remediation: 'Send one Access-Control-Allow-Origin value per response and Access-Control-Allow-Credentials: true exactly.' },
  errorDetail: { id: 'live-error-detail', topic: 'error-disclosure', cwe: [209], summary: 'Responses carry DynamoDB/botocore error text (account, role, table names).', remediation: 'Log the exception with a request id and return a fixed message to the client.' },
  traceback: { id: 'live-debug-traceback', topic: 'debug-information-exposure', cwe: [215, 209], summary: 'A traceback or debug page is returned to the client.', remediation: 'Turn debug off in deployed apps (FastAPI(debug=False)) and return a generic 500.' },
  personal: { id: 'live-personal-data', topic: 'excessive-data-exposure', cwe: [359, 200], summary: 'Responses to requests without credentials carry personal data or secrets.', remediation: 'Require authentication for routes that return user data, and return only the fields the client needs.' },
} satisfies Record<string, LiveCheck>;

export const LIVE_CHECKS: readonly LiveCheck[] = Object.values(CHECKS);

/** The live checks described like rules, for rule lists (JSON, SARIF driver rules). */
export function liveRuleMetas(): RuleMeta[] {
  return LIVE_CHECKS.map((c) => ({
    id: c.id,
    topic: c.topic,
    summary: c.summary,
    cwe: c.cwe,
    owasp: ['API8:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda', 'api-gateway'], datastore: ['any'] },
    source: 'live',
    stability: 'experimental',
    remediation: c.remediation,
    limits: 'Judged from the responses of the running API to GET, HEAD and OPTIONS probes; severity is set per finding from the credentials header, the cookies the API sets and their SameSite, declared auth schemes, the status and the body. What only an authenticated request shows needs --cookie or --header.',
  }));
}

export interface LiveContext {
  /** Session cookies seen (Set-Cookie) or declared (OpenAPI), with SameSite as sent. */
  cookies: { name: string; sameSite?: string; where: string }[];
  /** The documents declare header credentials only (bearer, OAuth2, API key in a header). */
  bearerOnly: boolean;
  /** The user gave credentials: bodies show what a victim's session exposes. */
  authenticated: boolean;
}

/** Cookies the API sets, read off every response. */
export function cookiesSeen(results: EndpointResult[]): LiveContext['cookies'] {
  const out = new Map<string, LiveContext['cookies'][number]>();
  for (const r of results) {
    for (const x of r.exchanges) {
      for (const sc of header(x.response?.headers ?? [], 'set-cookie')) {
        const name = sc.split('=')[0].trim();
        if (!name || out.has(name)) continue;
        const ss = /;\s*samesite=(\w+)/i.exec(sc)?.[1];
        out.set(name, { name, ...(ss ? { sameSite: ss } : {}), where: x.request.url.replace(/[?#].*$/, '') });
      }
    }
  }
  return [...out.values()];
}

interface Hit {
  check: LiveCheck;
  cls: string;
  impact: Impact;
  likelihood: Likelihood;
  /** `eps` names the endpoints; `many` picks the verb's number. */
  message: (eps: string, many: boolean) => string;
  exchange: Exchange;
  result: EndpointResult;
  /** The origin honoured and whether a page there reads the response (what a browser proof tests). */
  facts?: { origin: string; by: string; credentials: boolean; withCookie: boolean; readable: boolean };
}

/** Bodies are judged by several checks: each response is classified once (with its content type). */
const classified = new WeakMap<Exchange, BodyClass>();
const NO_BODY = classifyOnce('');
function bodyOf(x: Exchange | undefined): BodyClass {
  const r = x?.response;
  if (!r) return NO_BODY;
  let c = classified.get(x!);
  if (!c) classified.set(x!, (c = classifyOnce(r.body, header(r.headers, 'content-type')[0])));
  return c;
}

/** The CORS answer of a probe's exchange, when it was sent and answered. */
const answerOf = (x: Exchange | undefined) => (x ? corsAnswer(x) : undefined);

const lower = (l: Likelihood): Likelihood => (l === 'high' ? 'medium' : 'low');

/** The readable cross-origin impact of a reflected origin, given credentials and cookies (b.7 E3). */
function reach(probe: ProbeOrigin, credentials: boolean, status: number, body: BodyClass, ctx: LiveContext): { impact: Impact; likelihood: Likelihood; because: string } {
  let likelihood: Likelihood = probe.exploitableBy === 'anyone' ? 'high' : probe.exploitableBy === 'local' ? 'low' : 'medium';
  const who = { anyone: 'any site', 'same-site': 'a page on a sibling subdomain', network: 'a network attacker (plain http)', local: 'a program on the victim\'s machine', safari: 'a site visited in Safari', 'no-browser': 'no browser' }[probe.exploitableBy];
  if (status >= 400 && !body.sensitive) {
    return { impact: 'low', likelihood: 'low', because: `only on an error response (HTTP ${status}) with nothing sensitive in it` };
  }
  if (!credentials) {
    // what an anonymous request gets, anyone can fetch without a browser: it matters only behind a network restriction
    return { impact: 'low', likelihood: lower(likelihood), because: `without credentials, ${who} reads only what an anonymous request gets (more only if the API is reachable just from the victim's network)` };
  }
  // credentials allowed: what matters is a cookie the browser attaches cross-site (SameSite=None), or same-site (Lax too)
  // a same-site page (a sibling subdomain) gets every cookie, Strict included; a cross-site one only SameSite=None
  const attachable = ctx.cookies.filter((c) => probe.sameSite || /^none$/i.test(c.sameSite ?? ''));
  if (attachable.length) {
    const sensitive = body.sensitive ? `, and the response holds ${describeBody(body)}` : '';
    return { impact: 'high', likelihood: body.sensitive ? likelihood : lower(likelihood), because: `${who} reads it with the victim's cookies (${attachable.map((c) => `${c.name}${c.sameSite ? `; SameSite=${c.sameSite}` : ''}`).join(', ')})${sensitive}` };
  }
  if (ctx.cookies.length) {
    return { impact: 'medium', likelihood: lower(likelihood), because: `credentials are allowed, but the cookies seen (${ctx.cookies.map((c) => `${c.name}; SameSite=${c.sameSite ?? 'unset (Lax in Chrome)'}`).join(', ')}) are not sent cross-site by current browsers` };
  }
  if (ctx.bearerOnly) {
    return { impact: 'low', likelihood, because: 'credentials are allowed, but the API declares bearer/header authentication only, which a foreign page cannot make the browser send; it becomes critical the day a cookie is accepted' };
  }
  return { impact: 'high', likelihood: lower(likelihood), because: `credentials are allowed, and no authentication scheme was seen; if the API accepts cookies, ${who} reads the victim's data` };
}

/** The Origin a request sent. */
function originOf(x: Exchange): string | undefined {
  return x.request.headers.find(([k]) => k === 'origin')?.[1];
}

/** A preflight answer lets `method` through (`*` counts only without credentials: Fetch treats it as a literal with them). */
function allowsMethod(a: { allowMethods?: string; credentials: boolean }, method: string): boolean {
  const list = (a.allowMethods ?? '').split(',').map((m) => m.trim());
  return list.includes(method) || (!a.credentials && list.includes('*'));
}

function describeBody(b: BodyClass): string {
  const parts = [...b.personal.map((p) => p.kind), ...b.secrets.map((s) => s.kind), ...(b.dynamo.length ? ['DynamoDB data'] : []), ...(b.traceback ? ['a traceback'] : [])];
  return [...new Set(parts)].join(', ') || 'sensitive data';
}

/** Classes a broader match explains: every echo-anything API echoes null; a prefix check passes `L_.x.com` and `L:8443`; a dot-less suffix check passes subdomains and `appxexample.com`. */
const SUBSUMED_BY: Record<string, string[]> = {
  null: ['arbitrary'],
  'special-char': ['prefix', 'arbitrary'],
  port: ['prefix', 'arbitrary'],
  'localhost-prefix': ['arbitrary'],
  'suffix-internal': ['suffix-registrable', 'subdomain', 'arbitrary'],
  subdomain: ['suffix-registrable', 'arbitrary'],
  'unescaped-dot': ['suffix-registrable', 'substring', 'arbitrary'],
  'http-subdomain': ['suffix-registrable', 'subdomain', 'arbitrary'],
  'shared-hosting': ['arbitrary'],
  'dev-origin': ['arbitrary'],
  prefix: ['arbitrary'],
  substring: ['arbitrary'],
  'http-scheme': ['suffix-registrable', 'substring', 'arbitrary'],
};

const CLASS_WORDS: Record<string, string> = {
  prefix: 'prefix match (an origin that starts with the legitimate one)',
  'suffix-registrable': 'suffix match without a dot (a registrable look-alike domain)',
  'suffix-internal': 'suffix match without a dot (inside the legitimate domain)',
  subdomain: 'any subdomain trusted',
  'unescaped-dot': 'unescaped dot in a pattern (a registrable domain with a letter for the dot)',
  substring: 'substring match',
  'http-scheme': 'http scheme accepted for the legitimate host',
  'http-subdomain': 'http subdomains trusted',
  port: 'port ignored',
  'special-char': 'special characters accepted after the host',
  'localhost-prefix': 'localhost prefix match',
  'dev-origin': 'development origin left in the allowlist',
  'shared-hosting': 'shared-hosting suffix trusted',
  'url-confusion': 'origin parsed loosely',
};

export function judge(results: EndpointResult[], ctx: LiveContext): FindingInput[] {
  const hits: Hit[] = [];
  for (const res of results) {
    if (res.failure) continue;
    const byProbe = new Map(res.exchanges.map((x) => [x.probe, x]));
    const cookieOnly = res.reflected.some((h) => h.probe.id === 'C1' && h.withCookie) && !res.reflected.some((h) => h.probe.id === 'C1' && !h.withCookie);
    const seen = new Set<string>();
    const classes = new Set<string>(res.reflected.map((h) => h.probe.cls));
    // Starlette's allow_origins=["*"] without credentials echoes the Origin when a Cookie is present, still
    // without credentials: that is '*' semantics (judged below as a wildcard), not a reflection worth its own finding
    const starWithCookie = (h: EndpointResult['reflected'][number]): boolean => h.withCookie && !h.answer.credentials && answerOf(byProbe.get('C1'))?.acao === '*';
    for (const h of res.reflected) {
      if (starWithCookie(h)) continue;
      // the host in capitals echoed corroborates reflection; it is not a weakness (hosts compare case-insensitively)
      if (h.probe.cls === 'case-echo') continue;
      // one root cause, one finding: what a broader match already explains is not reported again
      if ((SUBSUMED_BY[h.probe.cls] ?? []).some((c) => classes.has(c))) continue;
      if (h.probe.cls === 'url-confusion' && [...classes].some((c) => c !== 'url-confusion' && c !== 'case-echo')) continue;
      const body = bodyOf(h.exchange);
      const rch =
        h.probe.cls === 'url-confusion'
          ? { impact: 'none' as Impact, likelihood: 'low' as Likelihood, because: `this alone is not exploitable, but the validator parses the Origin loosely (as a URL or a substring), and browser-valid variants may pass where none of those tried did${classes.has('case-echo') ? ' (it also echoed the host in capitals byte for byte, a sign of reflection)' : ''}` }
          : reach(h.probe, h.answer.credentials, h.answer.status, body, ctx);
      const cls = h.probe.cls;
      const check = cls === 'arbitrary' || cls === 'arbitrary-http' ? (cookieOnly && cls === 'arbitrary' ? CHECKS.cookieOnly : CHECKS.reflected) : cls === 'null' ? CHECKS.nullOrigin : CHECKS.bypass;
      const key = `${check.id}:${cls}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cred = h.answer.credentials ? ' with Access-Control-Allow-Credentials: true' : ' without credentials';
      const what =
        cls === 'url-confusion'
          ? `accepts ${JSON.stringify(h.probe.origin)}, an origin no browser sends`
          : check === CHECKS.bypass
          ? `trusts ${JSON.stringify(h.probe.origin)}: ${CLASS_WORDS[cls] ?? cls}${h.probe.exploitableBy === 'safari' ? ' (Safari only)' : ''}`
          : check === CHECKS.cookieOnly
            ? `echoes any Origin (${JSON.stringify(h.probe.origin)}) when the request carries a Cookie`
            : check === CHECKS.nullOrigin
              ? 'echoes Origin: null'
              : `echoes any Origin (${JSON.stringify(h.probe.origin)})`;
      const readable = cls !== 'url-confusion' && h.probe.exploitableBy !== 'no-browser';
      hits.push({ check, cls, impact: rch.impact, likelihood: rch.likelihood, exchange: h.exchange, result: res, facts: { origin: h.probe.origin, by: h.probe.exploitableBy, credentials: h.answer.credentials, withCookie: h.withCookie, readable }, message: (eps, many) => `${eps} ${many ? what.replace(/^echoes/, 'echo').replace(/^trusts/, 'trust').replace(/^accepts/, 'accept') : what}${cred}: ${rch.because}.` });
    }
    // the attacker origin echoed on an error path only: a missing sibling path (E1), a plain OPTIONS (E3, 405
    // on Starlette), the request without the user's credentials (E2, 401/403)
    if (!classes.has('arbitrary')) {
      for (const id of ['E2', 'E1', 'E3']) {
        const ex = byProbe.get(id);
        const ea = ex && corsAnswer(ex);
        if (!ex || !ea?.acao || ea.acao !== originOf(ex)) continue;
        const body = bodyOf(ex);
        const probe: ProbeOrigin = { id, origin: ea.acao, cls: 'arbitrary', exploitableBy: 'anyone', sameSite: false };
        const rch = reach(probe, ea.credentials, ea.status, body, ctx);
        const which = id === 'E2' ? `a request without credentials (HTTP ${ea.status})` : id === 'E3' ? `an OPTIONS request that is not a preflight (HTTP ${ea.status})` : `an error response (HTTP ${ea.status})`;
        hits.push({ check: CHECKS.reflected, cls: 'error-path', impact: rch.impact, likelihood: rch.likelihood, exchange: ex, result: res, facts: { origin: ea.acao, by: 'anyone', credentials: ea.credentials, withCookie: ex.request.headers.some(([k]) => k === 'cookie'), readable: true }, message: (eps) => `${eps}: ${which} echoes any Origin (${JSON.stringify(ea.acao)})${ea.credentials ? ' with Access-Control-Allow-Credentials: true' : ''}: ${rch.because}.` });
        break;
      }
    }
    // '*' on real responses
    const star = ['B1', 'C1', 'C1b'].map((p) => byProbe.get(p)).find((x) => x && corsAnswer(x)?.acao === '*');
    if (star && !res.reflected.some((h) => !starWithCookie(h))) {
      const a = corsAnswer(star)!;
      const body = bodyOf(star);
      hits.push({
        check: CHECKS.wildcard,
        cls: a.credentials ? 'with-credentials' : 'plain',
        impact: a.credentials ? 'low' : 'none',
        likelihood: 'medium',
        exchange: star,
        result: res,
        facts: { origin: '*', by: 'anyone', credentials: a.credentials, withCookie: false, readable: !a.credentials },
        message: (eps, many) =>
          a.credentials
            ? `${eps} ${many ? 'answer' : 'answers'} Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true: browsers refuse that combination for credentialed requests (a broken policy, not a readable one).`
            : `${eps} ${many ? 'answer' : 'answers'} Access-Control-Allow-Origin: * without credentials: any site reads what an anonymous request gets${body.sensitive && !ctx.authenticated ? ` — here ${describeBody(body)}, which anyone can already fetch without a browser${body.personal.length || body.secrets.length ? ' (see the personal-data finding)' : ''}` : ''}.`,
      });
    }
    // preflights: the attacker origin allowed on the preflight while the actual response is not readable; mirrored headers
    const f1 = byProbe.get('F1');
    const f1a = f1 && corsAnswer(f1);
    const c1 = res.reflected.some((h) => h.probe.id === 'C1');
    const actualStar = ['C1', 'C1b'].some((p) => answerOf(byProbe.get(p))?.acao === '*');
    const c1status = byProbe.get('C1')?.response?.status ?? 0;
    if (f1 && f1a && (f1a.acao === '*' || (f1a.acao && f1a.acao !== res.legit && f1a.acao !== 'null')) && !c1 && !actualStar && c1status < 400) {
      hits.push({ check: CHECKS.preflight, cls: 'origin', impact: 'low', likelihood: 'medium', exchange: f1, result: res, message: (eps) =>
          f1a.acao === '*'
            ? `Preflights of ${eps} answer Access-Control-Allow-Origin: * while actual responses allow no arbitrary origin: non-simple requests without credentials from any site get through (what an attacker could send directly), and their answers stay unreadable.`
            : `Preflights of ${eps} allow an arbitrary origin (Access-Control-Allow-Origin: ${f1a.acao}${f1a.credentials ? ', with credentials' : ''}) while actual responses do not: any site can send non-simple requests${f1a.credentials ? " with the victim's cookies (state-changing routes run)" : ''}, though it cannot read the answers.` });
    }
    const f3 = byProbe.get('F3');
    const f3a = f3 && corsAnswer(f3);
    const probeHeader = f3?.request.headers.find(([k]) => k === 'access-control-request-headers')?.[1];
    if (f3 && f3a?.acao && probeHeader && (f3a.allowHeaders ?? '').toLowerCase().split(/\s*,\s*/).includes(probeHeader)) {
      hits.push({ check: CHECKS.preflight, cls: 'headers', impact: 'none', likelihood: 'medium', exchange: f3, result: res, message: (eps) => `Preflights of ${eps} mirror any requested header (${probeHeader} came back in Access-Control-Allow-Headers): allow_headers=["*"] or a mirror; harmless alone, it widens what a permissive origin can send.` });
    }
    // F2: the attacker origin's preflight for a state-changing method passes
    const f2 = byProbe.get('F2');
    const f2a = f2 && corsAnswer(f2);
    if (f2 && f2a && f2a.status < 400 && (f2a.acao === originOf(f2) || f2a.acao === '*') && allowsMethod(f2a, 'DELETE')) {
      const withCookies = f2a.acao !== '*' && f2a.credentials;
      const attachable = ctx.cookies.filter((c) => /^none$/i.test(c.sameSite ?? ''));
      const impact: Impact = withCookies && attachable.length ? 'high' : withCookies && !ctx.bearerOnly && !ctx.cookies.length ? 'medium' : 'low';
      const why = !withCookies
        ? 'without credentials, so it runs only what an anonymous caller could send directly'
        : attachable.length
          ? `with credentials, and the browser attaches ${attachable.map((c) => `${c.name}; SameSite=None`).join(', ')}: any site can delete or change the victim's data`
          : ctx.cookies.length
            ? `with credentials, but the cookies seen are not sent cross-site by current browsers`
            : ctx.bearerOnly
              ? 'with credentials, but the API declares bearer/header authentication only, which a foreign page cannot make the browser send'
              : 'with credentials: if the API accepts cookies, any site can delete or change the victim\'s data';
      hits.push({ check: CHECKS.preflight, cls: 'methods', impact, likelihood: 'medium', exchange: f2, result: res, message: (eps) => `Preflights of ${eps} let any origin send DELETE (Access-Control-Allow-Origin: ${f2a.acao}, Access-Control-Allow-Methods: ${f2a.allowMethods ?? 'absent'}) ${why}.` });
    }
    // F4: null trusted on preflights (actual responses that trust null are reported above)
    const f4 = byProbe.get('F4');
    const f4a = f4 && corsAnswer(f4);
    if (f4 && f4a?.acao === 'null' && f4a.status < 400) {
      hits.push({ check: CHECKS.preflight, cls: 'null', impact: 'low', likelihood: 'medium', exchange: f4, result: res, message: (eps) => `Preflights of ${eps} trust Origin: null${f4a.credentials ? ' with credentials' : ''} while actual responses do not: sandboxed iframes and data: pages may send non-simple requests, though they cannot read the answers.` });
    }
    // preflight and actual answered by different policies (two layers)
    const b3 = byProbe.get('B3');
    const b3a = b3 && corsAnswer(b3);
    // Starlette's ["*"] without credentials echoes the Origin only to requests with a Cookie: '*' semantics, one policy
    const c1Reflects = res.reflected.some((h) => h.probe.id === 'C1' && !starWithCookie(h));
    if (b3a && f1a && c1Reflects && f1a.acao !== f1?.request.headers.find(([k]) => k === 'origin')?.[1]) {
      hits.push({ check: CHECKS.mismatch, cls: 'reflect-actual', impact: 'low', likelihood: 'medium', exchange: f1!, result: res, message: (eps) => `Actual responses of ${eps} reflect any origin, but their preflights do not (Access-Control-Allow-Origin: ${f1a.acao ?? 'absent'}): preflights and requests are answered by different policies — a gateway answering OPTIONS in front of the app, two middlewares, or Starlette before 0.15 with "*" and credentials; simple requests stay readable, so fix the policy that answers them.` });
    }
    // V2: a shared cache whose key ignores the Origin, seen directly: the legitimate origin got the attacker's answer
    const v2a = byProbe.get('V2a');
    const v2b = byProbe.get('V2b');
    const v2aa = answerOf(v2a);
    const v2ba = answerOf(v2b);
    const b1acao = answerOf(byProbe.get('B1'))?.acao;
    let cacheSeen = false;
    if (v2a && v2b && v2ba && v2aa?.acao === originOf(v2a) && v2ba.acao === originOf(v2a)) {
      cacheSeen = true;
      hits.push({ check: CHECKS.vary, cls: 'cache-key', impact: 'medium', likelihood: 'medium', exchange: v2b, result: res, message: (eps) => `A cache in front of ${eps} ignores the Origin: a request from ${JSON.stringify(originOf(v2b))} got the answer cached for ${JSON.stringify(originOf(v2a))} (Access-Control-Allow-Origin: ${v2ba.acao}${v2ba.vary.includes('origin') ? ', though the response says Vary: Origin' : ''}) — any site can poison the shared cache and break the real front end, and responses cached for one origin are served to others. Put Origin in the cache key (CloudFront: the cache policy's headers).` });
    } else if (v2a && v2b && v2aa && v2ba && !v2aa.acao && !v2ba.acao && b1acao && b1acao === res.legit && b1acao !== '*') {
      cacheSeen = true;
      hits.push({ check: CHECKS.vary, cls: 'cache-key-denied', impact: 'low', likelihood: 'medium', exchange: v2b, result: res, message: (eps) => `A cache in front of ${eps} ignores the Origin: the legitimate origin ${JSON.stringify(res.legit)} got the answer cached for a refused origin (no Access-Control-Allow-Origin), so any site can break the real front end's reads by requesting a URL first. Put Origin in the cache key and send Vary: Origin on refused responses too.` });
    }
    // Vary: a dynamic ACAO on a cacheable response without Vary: Origin
    for (const h of cacheSeen ? [] : res.reflected.length ? res.reflected.map((x) => x.exchange) : ['B1', 'B2'].map((p) => byProbe.get(p)).filter((x): x is Exchange => !!x)) {
      const a = corsAnswer(h);
      if (!a?.acao || a.acao === '*' || a.vary.includes('origin') || a.vary.includes('*')) continue;
      if (!res.dynamic && !res.reflected.length) continue;
      hits.push({ check: CHECKS.vary, cls: a.cacheable ? 'cacheable' : 'plain', impact: a.cacheable ? 'medium' : 'low', likelihood: 'medium', exchange: h, result: res, message: (eps, many) => `${eps} ${many ? 'send' : 'sends'} Access-Control-Allow-Origin: ${a.acao} chosen by the Origin without Vary: Origin${a.cacheable ? ' on a cacheable response: a shared cache can serve one origin\'s answer to another (poisoning, or breaking the real front end)' : ''}.` });
      break;
    }
    // invalid headers
    for (const x of res.exchanges) {
      const a = corsAnswer(x);
      if (!a || (!a.invalidAcao && !a.badCredentials)) continue;
      // a probe's own list-shaped Origin echoed back is a reflection (judged above), not a broken header
      if (!a.badCredentials && header(x.response!.headers, 'access-control-allow-origin').length === 1 && header(x.response!.headers, 'access-control-allow-origin')[0].trim() === originOf(x)) continue;
      hits.push({ check: CHECKS.invalid, cls: a.invalidAcao ? 'acao' : 'acac', impact: 'none', likelihood: 'medium', exchange: x, result: res, message: (eps, many) => `${eps} ${many ? 'send' : 'sends'} ${a.invalidAcao ?? `Access-Control-Allow-Credentials: ${a.badCredentials}`}: browsers refuse ${a.invalidAcao ? 'the response' : 'credentialed reads (only the exact value true counts)'} — broken CORS${a.invalidAcao && /headers/.test(a.invalidAcao) ? (res.reflected.length ? ', and with the reflections seen, a sign the header is generated per request' : ' (usually two layers each adding one)') : ''}.` });
      break;
    }
    // what bodies disclose
    for (const x of res.exchanges) {
      if (!x.response) continue;
      const body = bodyOf(x);
      if (body.traceback) {
        hits.push({ check: CHECKS.traceback, cls: body.traceback, impact: 'medium', likelihood: 'high', exchange: x, result: res, message: (eps, many) => `${eps} ${many ? 'return' : 'returns'} ${body.traceback === 'starlette-debug-html' ? "Starlette's debug page" : 'a traceback'} (HTTP ${x.response!.status})${body.awsDetails.length ? `, naming ${body.awsDetails.join(', ')}` : ''}: code paths, source lines and exception text reach the client.` });
        break;
      }
      if (body.dynamo.some((t) => /Exception|botocore|ClientError/.test(t)) || body.awsDetails.length) {
        hits.push({ check: CHECKS.errorDetail, cls: 'dynamo', impact: 'medium', likelihood: 'high', exchange: x, result: res, message: (eps, many) => `${eps} ${many ? 'return' : 'returns'} DynamoDB error text (${[...body.dynamo, ...body.awsDetails].slice(0, 4).join(', ')}, HTTP ${x.response!.status}): ${body.awsDetails.length ? 'callers learn table, role and account details' : 'callers learn the datastore and its error internals'}.` });
        break;
      }
    }
    if (!ctx.authenticated) {
      for (const x of res.exchanges) {
        if (!x.response || x.response.status >= 400) continue;
        const body = bodyOf(x);
        if (!body.personal.length && !body.secrets.length) continue;
        hits.push({ check: CHECKS.personal, cls: 'anonymous', impact: body.secrets.length ? 'high' : 'medium', likelihood: 'medium', exchange: x, result: res, message: (eps, many) => `${eps} ${many ? 'return' : 'returns'} ${describeBody(body)} (${[...body.personal, ...body.secrets].map((p) => p.sample).slice(0, 3).join(', ')}) to a request without credentials.` });
        break;
      }
    }
  }
  return aggregate(hits);
}

/** One finding per check, class and host: the endpoints it was seen on listed, the first as the example. */
function aggregate(hits: Hit[]): FindingInput[] {
  const groups = new Map<string, Hit[]>();
  for (const h of hits) {
    const host = new URL(h.result.endpoint.url).host;
    const key = `${h.check.id}|${h.cls}|${h.impact}|${h.likelihood}|${host}`;
    groups.set(key, [...(groups.get(key) ?? []), h]);
  }
  const out: FindingInput[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const ep = first.result.endpoint;
    const names = [...new Set(group.map((g) => routeName(g.result)))];
    const eps = names.length === 1 ? names[0] : `${names.length} endpoints (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
    const text = exchangeText(first.exchange);
    const evidence: Evidence[] = [{ kind: 'http', request: text.request, response: text.response, curl: curlOf(first.exchange.request) }];
    const endpoints = [...new Map(group.map((g) => {
      const e = g.result.endpoint;
      return [e.url, { method: e.method, url: e.url, ...(e.template ? { template: e.template } : {}) }] as const;
    })).values()];
    const facts = first.facts;
    out.push({
      live: { class: first.cls, ...(facts ? { origin: facts.origin, by: facts.by } : {}), credentials: facts?.credentials ?? false, withCookie: facts?.withCookie ?? false, readable: facts?.readable ?? false, endpoints },
      ruleId: first.check.id,
      topic: first.check.topic,
      source: 'live',
      message: first.message(eps, names.length > 1),
      impact: first.impact,
      likelihood: first.likelihood,
      confidence: 'high',
      cwe: first.check.cwe,
      owasp: ['API8:2023'],
      location: { method: first.exchange.request.method, url: first.exchange.request.url.replace(/([?&])_cb=[^&]*&?/, '$1').replace(/[?&]$/, '') },
      ...(ep.template ? { route: { method: ep.method, path: ep.template } } : {}),
      evidence,
      remediation: { summary: first.check.remediation },
      discriminator: `${first.cls}|${new URL(ep.url).host}`,
    });
  }
  return out;
}

function routeName(r: EndpointResult): string {
  const e = r.endpoint;
  return e.template ? `${e.method} ${e.template}` : `${e.method} ${new URL(e.url).pathname}`;
}
