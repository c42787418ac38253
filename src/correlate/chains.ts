/**
 * Attack chains, declared as data: ordered steps joined on one route, each step a topic with a check over
 * the route's exposure and findings. A chain forms on a route when every necessary step holds; its
 * severity is that of its weakest necessary step, and the chain says which step that is and why.
 */
import { DEBUG_ON_WORDS } from '../code/rules/debug-mode-enabled.ts';
import { severityRank, type Finding, type Severity, type Location, type BrowserProof, type OwaspApiId } from '../findings/index.ts';
import { createHash } from 'node:crypto';
import type { RouteExposure } from './routes.ts';

export interface ChainSpec {
  id: string;
  title: string;
  /** One sentence: what the attacker gets when every step holds. */
  story: string;
  steps: StepId[];
  /** Chains this one makes redundant on the same route (a BOLA read is also a credentialed read). */
  supersedes?: string[];
  cwe: number[];
  owasp: OwaspApiId[];
}

export type StepId = 'cors-credentialed' | 'cors-readable' | 'ambient-auth' | 'dynamodb-read' | 'bola' | 'error-detail' | 'no-auth' | 'personal-data';

export const CHAINS: readonly ChainSpec[] = [
  {
    id: 'cross-origin-bola',
    title: "Any site reads other users' data through the victim's session",
    story: 'a page on any site calls this route from the victim\'s browser with the victim\'s cookies, puts another user\'s key in the path, and reads the answer',
    steps: ['cors-credentialed', 'ambient-auth', 'bola'],
    supersedes: ['cross-origin-credentialed-read'],
    cwe: [942, 639],
    owasp: ['API1:2023', 'API8:2023'],
  },
  {
    id: 'cross-origin-credentialed-read',
    title: "Any site reads the victim's data",
    story: "a page on any site calls this route from the victim's browser with the victim's cookies and reads the DynamoDB data it returns",
    steps: ['cors-credentialed', 'ambient-auth', 'dynamodb-read'],
    cwe: [942, 359],
    owasp: ['API8:2023', 'API3:2023'],
  },
  {
    id: 'cross-origin-error-leak',
    title: 'Any site reads error details and tracebacks',
    story: 'a page on any site makes this route fail from the victim\'s browser and reads the error text: table, role and account names, code paths',
    steps: ['cors-readable', 'error-detail'],
    cwe: [942, 209],
    owasp: ['API8:2023'],
  },
  {
    id: 'unauthenticated-data-exposure',
    title: 'Personal data returned without authentication',
    story: 'anyone — with curl, or any page in any browser where CORS allows it — calls this route without credentials and gets personal data',
    steps: ['no-auth', 'personal-data'],
    cwe: [306, 359],
    owasp: ['API2:2023', 'API3:2023'],
  },
];

export const STEP_TITLES: Record<StepId, string> = {
  'cors-credentialed': 'CORS lets a foreign origin read credentialed responses',
  'cors-readable': 'CORS lets a foreign origin read responses',
  'ambient-auth': 'the browser attaches the credentials by itself',
  'dynamodb-read': 'the route reads DynamoDB for the caller',
  bola: 'the DynamoDB key comes from the request, with no ownership check',
  'error-detail': 'errors or tracebacks reach the client',
  'no-auth': 'no authentication in front of the route',
  'personal-data': 'the response carries personal data',
};

export interface ChainStep {
  id: StepId;
  title: string;
  holds: boolean;
  /** How strong this step makes the chain: the chain is as severe as its weakest step. */
  severity: Severity;
  why: string;
  /** Findings that establish the step (fingerprints), with where they point. */
  findings: string[];
  locations: Location[];
}

export interface Chain {
  id: string;
  title: string;
  story: string;
  route: { key: string; method: string; path: string; handler?: string; file?: string; line?: number };
  severity: Severity;
  /** The weakest step, and why it sets the severity. */
  limitedBy?: { step: StepId; why: string };
  steps: ChainStep[];
  cwe: number[];
  owasp: OwaspApiId[];
  /** The URL of the route on the live target, when probed. */
  url?: string;
  /** `--verify`: the attacker page run against the route in a real browser. */
  proof?: BrowserProof;
  fingerprint: string;
  /** `--baseline`: whether the previous report had it. */
  baseline?: 'new' | 'unchanged';
  /** The stack it sits on (`fastapi-dynamodb`, `lambda-dynamodb`), which picks the knowledge page shown. */
  stack?: string;
}

/** What the steps read besides the route: every finding, and what the live scan saw of the target. */
export interface ChainContext {
  findings: Map<string, Finding>;
  /** Cookies the code sets, with SameSite when written as a literal (`set_cookie(..., samesite="none")`). */
  codeCookies: { name?: string; sameSite?: string; where: string }[];
  live?: {
    /** Cookies the target set (Set-Cookie), with SameSite as sent; `declared` for cookie schemes of its OpenAPI document. */
    cookies: { name: string; sameSite?: string; declared?: boolean }[];
    /** The responses came from the app itself, with no API Gateway in front. */
    direct: boolean;
  };
}

interface StepResult {
  holds: boolean;
  severity: Severity;
  why: string;
  findings: Finding[];
}

const NO: StepResult = { holds: false, severity: 'info', why: '', findings: [] };

const CREDENTIALED_CODE_RULES = new Set(['cors-wildcard-with-credentials', 'cors-reflected-origin', 'cors-permissive-origin-regex', 'cors-null-origin', 'cors-origins-as-string', 'gateway-cors-permissive-origin']);
const ANYONE = new Set(['anyone']);
const BOLA_TOPICS = new Set(['bola-dynamodb-key', 'broken-object-level-authorization']);
const DATA_TOPICS = new Set(['excessive-data-exposure', 'bulk-data-exposure', 'unauthenticated-data-access']);
const ERROR_TOPICS = new Set(['error-disclosure', 'debug-information-exposure']);
const onRoute = (r: RouteExposure, ctx: ChainContext): Finding[] => r.findings.map((fp) => ctx.findings.get(fp)).filter((f): f is Finding => !!f && !f.suppressed);
const weaker = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);
const where = (f: Finding): string => (f.location.file ? `${f.location.file}:${f.location.start?.line ?? ''}` : (f.location.url ?? f.ruleId));

/** Whether the live target is the app reached directly (then the gateways the templates declare are not on the path probed). */
const liveDirect = (r: RouteExposure, ctx: ChainContext): boolean => !!ctx.live?.direct && r.live.length > 0;

/** Every path to the route passes an authorizer that wants a token in a header: a cross-site page cannot pass it. */
function gatedByToken(r: RouteExposure, ctx: ChainContext): string | undefined {
  if (liveDirect(r, ctx)) return undefined;
  const gws = r.cors.filter((c) => c.authorizer !== undefined);
  if (!gws.length || !gws.every((c) => c.token)) return undefined;
  return gws.map((c) => `${c.via} (${c.authorizer})`).join(', ');
}

function corsStep(r: RouteExposure, ctx: ChainContext, credentialed: boolean): StepResult {
  const fs = onRoute(r, ctx).filter((f) => f.topic === 'cors-permissive-origin');
  const live = fs.filter((f) => f.source === 'live' && f.live?.readable && f.live.origin !== undefined && (!credentialed || (f.live.credentials && f.live.origin !== '*')) && (credentialed ? f.live.class !== 'error-path' : true));
  // a static finding the live scan confirmed speaks for both (it carries the live evidence and proof)
  const confirmed = fs.find((f) => f.source !== 'live' && f.confirmedBy?.some((fp) => live.some((l) => l.fingerprint === fp)));
  if (live.length && confirmed) {
    const l = live.find((x) => confirmed.confirmedBy!.includes(x.fingerprint))!;
    const severity = liveCorsSeverity(r, ctx, l, credentialed);
    return { holds: true, severity, why: `${confirmed.ruleId} (${where(confirmed)}), confirmed on the live target: it honours Origin ${l.live!.origin}${l.live!.credentials ? ' with Access-Control-Allow-Credentials: true' : ''}${l.live!.withCookie ? ' when the request carries a cookie' : ''}${credentialed ? '' : readWhy(r, ctx, l.live!.credentials)}`, findings: [confirmed, l] };
  }
  if (live.length) {
    const best = live.find((f) => ANYONE.has(f.live!.by ?? '')) ?? live[0];
    const by = best.live!.by ?? 'anyone';
    const severity = liveCorsSeverity(r, ctx, best, credentialed);
    const who = by === 'anyone' ? 'any site' : by === 'same-site' ? 'a sibling subdomain' : by === 'safari' ? 'a site visited in Safari' : by === 'network' ? 'a network attacker' : 'a local program';
    return { holds: true, severity, why: `the live target honours Origin ${best.live!.origin}${best.live!.credentials ? ' with Access-Control-Allow-Credentials: true' : ' (without credentials)'}${best.live!.withCookie ? ' when the request carries a cookie' : ''}: ${who} reads the responses${credentialed ? '' : readWhy(r, ctx, best.live!.credentials)}`, findings: [best] };
  }
  const stat = fs.filter((f) => f.source !== 'live' && f.severity !== 'info' && (!credentialed || CREDENTIALED_CODE_RULES.has(f.ruleId) || /credentials/i.test(f.message)));
  const credentialedPaths = r.cors.filter((c) => c.actual.credentials === true || c.actual.credentials === 'unknown');
  if (stat.length && (!credentialed || credentialedPaths.length || stat.some((f) => /Access-Control-Allow-Credentials: true|with credentials/i.test(f.message)))) {
    const f = stat.find((x) => CREDENTIALED_CODE_RULES.has(x.ruleId)) ?? stat[0];
    const withCredentials = CREDENTIALED_CODE_RULES.has(f.ruleId) || /Access-Control-Allow-Credentials: true|with credentials/i.test(f.message);
    const severity: Severity = credentialed ? (/same-site|subdomain|Safari|localhost/i.test(f.message) ? 'medium' : 'critical') : readSeverity(r, ctx, withCredentials);
    return { holds: true, severity, why: `${f.ruleId} (${where(f)}): ${firstClause(f.message)}${credentialed ? '' : readWhy(r, ctx, withCredentials)}`, findings: [f] };
  }
  return NO;
}

/** The CORS step's strength from what the live scan saw: who can send the honoured origin, and whether credentials go along. */
function liveCorsSeverity(r: RouteExposure, ctx: ChainContext, f: Finding, credentialed: boolean): Severity {
  const l = f.live!;
  if (!credentialed) return readSeverity(r, ctx, l.credentials);
  if (!l.credentials) return 'low';
  const by = l.by ?? 'anyone';
  return by === 'anyone' ? 'critical' : by === 'local' ? 'low' : 'medium';
}

/**
 * A readable response matters beyond what curl gets only when it is read with the victim's credentials:
 * medium then, unless a token-checking gateway stops the cross-site request before the code runs; low
 * without credentials (anyone can fetch the same answer directly).
 */
function readSeverity(r: RouteExposure, ctx: ChainContext, credentials: boolean): Severity {
  if (!credentials) return 'low';
  return gatedByToken(r, ctx) || headerAuthOnly(r) ? 'low' : 'medium';
}

/** The code authenticates the route only by a header (bearer, API key, basic, authorizer claims): a foreign page's request carries none. */
function headerAuthOnly(r: RouteExposure): string | undefined {
  const auth = r.auth.filter((a) => a !== 'none' && a !== 'gateway-or-none');
  if (!r.handler || !auth.length || auth.includes('cookie') || auth.includes('middleware')) return undefined;
  return headerCredential(auth);
}

/** The header credential among these auth styles, in words. */
function headerCredential(auth: string[]): string {
  return auth.includes('bearer') ? 'a bearer token' : auth.includes('api-key') ? 'an API key header' : auth.includes('basic') ? 'HTTP basic credentials' : "the gateway authorizer's token";
}

/** Why a readable response is worth no more than `readSeverity` says. */
function readWhy(r: RouteExposure, ctx: ChainContext, credentials: boolean): string {
  if (!credentials) return '; without credentials the page reads only what anyone can fetch directly';
  const gate = gatedByToken(r, ctx);
  if (gate) return `; but every gateway in front (${gate}) wants a token in the Authorization header, so a cross-site request stops there before the code runs`;
  const header = headerAuthOnly(r);
  if (header) return `; but the route authenticates with ${header} in a header, which a foreign page cannot make the browser send: it reads only what an anonymous request gets`;
  return "; with credentials the page reads the answers the victim's session gets";
}

function ambientAuthStep(r: RouteExposure, ctx: ChainContext): StepResult {
  const onLive = r.live.length > 0;
  const all = onLive ? (ctx.live?.cookies ?? []) : [];
  // cookies the target set (Set-Cookie) tell their SameSite; cookie schemes in its OpenAPI document only say one is accepted
  const seen = all.filter((c) => !c.declared);
  const declared = all.filter((c) => c.declared);
  const codeAuth = r.auth.filter((a) => a !== 'none' && a !== 'gateway-or-none');
  // a route the code defines says itself whether it reads a cookie; a route only the live scan saw is judged by the cookies the target uses
  const cookieAuth = r.handler ? codeAuth.includes('cookie') : seen.length > 0 || declared.length > 0;
  if (!cookieAuth) {
    if (codeAuth.some((a) => a === 'bearer' || a === 'gateway' || a === 'api-key' || a === 'basic')) {
      return { holds: true, severity: 'low', why: `the route authenticates with ${headerCredential(codeAuth)} in a header, which a foreign page cannot make the browser send: it reads only what an anonymous request gets (this becomes critical the day the route accepts a cookie)`, findings: [] };
    }
    return NO;
  }
  const gate = gatedByToken(r, ctx);
  if (gate) {
    return { holds: true, severity: 'low', why: `the code reads a session cookie, but every gateway in front (${gate}) wants a token in the Authorization header first, which a foreign page cannot send: the cookie never gets through on its own`, findings: [] };
  }
  const none = seen.filter((c) => /^none$/i.test(c.sameSite ?? ''));
  if (none.length) {
    return { holds: true, severity: 'critical', why: `the target sets ${none.map((c) => `${c.name}; SameSite=None`).join(', ')}: browsers attach it to requests from any site`, findings: [] };
  }
  // no Set-Cookie seen live: what the code writes when it sets the cookie
  const written = seen.length ? [] : ctx.codeCookies.filter((c) => c.sameSite);
  const writtenNone = written.filter((c) => /^none$/i.test(c.sameSite!));
  if (writtenNone.length) {
    return { holds: true, severity: 'critical', why: `the code sets ${writtenNone.map((c) => `${c.name ?? 'a cookie'} with SameSite=None (${c.where})`).join(', ')}: browsers attach it to requests from any site`, findings: [] };
  }
  if (written.length) {
    return { holds: true, severity: 'medium', why: `the code sets ${written.map((c) => `${c.name ?? 'a cookie'} with SameSite=${c.sameSite} (${c.where})`).join(', ')}: browsers send it only with same-site requests, so a cross-site page gets it only from a sibling subdomain`, findings: [] };
  }
  if (seen.length) {
    return { holds: true, severity: 'medium', why: `the cookies the target sets (${seen.map((c) => `${c.name}; SameSite=${c.sameSite ?? 'unset, Lax in Chrome'}`).join(', ')}) go only with same-site requests: a cross-site page gets them only from a sibling subdomain`, findings: [] };
  }
  const cookieAuthorizer = r.cors.find((c) => c.authorizer?.endsWith('-cookie'));
  return { holds: true, severity: 'high', why: `the route accepts a session cookie (${cookieAuthorizer ? `the authorizer of ${cookieAuthorizer.via} reads it from the Cookie header` : codeAuth.includes('cookie') ? 'the code reads it' : declared.map((c) => c.name).join(', ')}); no Set-Cookie was seen, so its SameSite is unknown — with SameSite=None (what a front end on another site needs) browsers attach it to requests from any site, and the chain is critical`, findings: [] };
}

function readStep(r: RouteExposure): StepResult {
  const reads = r.dynamodb.filter((d) => d.read);
  if (!reads.length) return NO;
  return { holds: true, severity: 'critical', why: `it calls ${[...new Set(reads.map((d) => `${d.op}${d.table ? ` on ${d.table}` : ''}`))].join(', ')} (${reads[0].file}:${reads[0].line}) and returns what it read`, findings: [] };
}

function bolaStep(r: RouteExposure, ctx: ChainContext): StepResult {
  const fs = onRoute(r, ctx).filter((f) => BOLA_TOPICS.has(f.topic) && f.source !== 'live');
  if (!fs.length) return NO;
  return { holds: true, severity: 'critical', why: `${fs[0].ruleId} (${where(fs[0])}): ${firstClause(fs[0].message)}`, findings: fs };
}

/**
 * Starlette's ServerErrorMiddleware answers unhandled exceptions (the debug traceback among them) outside
 * CORSMiddleware, so that answer carries no CORS headers; only a layer that adds them to every response (an HTTP
 * API or function URL CORS configuration) or a live read makes it readable cross-origin.
 */
function tracebackReadable(r: RouteExposure, ctx: ChainContext): boolean {
  return r.cors.some((c) => c.actual.layer === 'gateway' || c.actual.layer === 'function-url') || onRoute(r, ctx).some((f) => f.source === 'live' && f.topic === 'debug-information-exposure');
}

function errorStep(r: RouteExposure, ctx: ChainContext): StepResult {
  const readableTraceback = tracebackReadable(r, ctx);
  const fs = onRoute(r, ctx).filter((f) => ERROR_TOPICS.has(f.topic) && f.severity !== 'info' && (readableTraceback || !f.message.includes(DEBUG_ON_WORDS)));
  if (!fs.length) return NO;
  const debug = fs.find((f) => f.topic === 'debug-information-exposure');
  const f = debug ?? fs[0];
  return { holds: true, severity: debug ? 'high' : 'medium', why: `${f.ruleId} (${where(f)}): ${firstClause(f.message)}`, findings: fs };
}

function noAuthStep(r: RouteExposure, ctx: ChainContext): StepResult {
  if (r.auth.length && !r.auth.every((a) => a === 'none' || a === 'gateway-or-none')) return NO;
  const anonymousLive = onRoute(r, ctx).find((f) => f.ruleId === 'live-personal-data');
  if (anonymousLive) return { holds: true, severity: 'high', why: `the live target answered a request without credentials with personal data (${anonymousLive.location.url ?? ''})`, findings: [anonymousLive] };
  const gws = r.cors.filter((c) => c.authorizer !== undefined);
  if (gws.length && liveDirect(r, ctx)) {
    const gated = gws.filter((c) => c.authorizer !== 'none');
    return { holds: true, severity: 'medium', why: `on the live target (the app reached directly) nothing checks identity${gated.length ? `; in deployment the gateways the templates declare put an authorizer in front (${gated.map((c) => `${c.via}: ${c.authorizer}`).join(', ')})` : ''}`, findings: [] };
  }
  if (gws.length) {
    const open = gws.filter((c) => c.authorizer === 'none');
    if (!open.length) return NO;
    return { holds: true, severity: 'high', why: `no authorizer on ${open.map((c) => c.via).join(', ')} and no identity check in the code`, findings: onRoute(r, ctx).filter((f) => f.ruleId === 'gateway-route-without-authorizer') };
  }
  if (!r.handler) return NO;
  return { holds: true, severity: 'medium', why: 'the code checks no identity, and no gateway template declares this route (an authorizer may sit in front; give crossread the template to know)', findings: [] };
}

function dataStep(r: RouteExposure, ctx: ChainContext): StepResult {
  const fs = onRoute(r, ctx).filter((f) => DATA_TOPICS.has(f.topic) && f.severity !== 'info' && f.ruleId !== 'gateway-route-without-authorizer');
  if (!fs.length) return NO;
  return { holds: true, severity: 'high', why: `${fs[0].ruleId} (${where(fs[0])}): ${firstClause(fs[0].message)}`, findings: fs };
}

const STEPS: Record<StepId, (r: RouteExposure, ctx: ChainContext) => StepResult> = {
  'cors-credentialed': (r, c) => corsStep(r, c, true),
  'cors-readable': (r, c) => corsStep(r, c, false),
  'ambient-auth': ambientAuthStep,
  'dynamodb-read': readStep,
  bola: bolaStep,
  'error-detail': errorStep,
  'no-auth': noAuthStep,
  'personal-data': dataStep,
};

export function findChains(index: RouteExposure[], ctx: ChainContext): Chain[] {
  const out: Chain[] = [];
  for (const r of index) {
    const formed = new Set<string>();
    for (const spec of CHAINS) {
      if (CHAINS.some((o) => formed.has(o.id) && o.supersedes?.includes(spec.id))) continue;
      const steps: ChainStep[] = [];
      let ok = true;
      for (const id of spec.steps) {
        const s = STEPS[id](r, ctx);
        if (!s.holds) {
          ok = false;
          break;
        }
        steps.push({ id, title: STEP_TITLES[id], holds: true, severity: s.severity, why: s.why, findings: s.findings.map((f) => f.fingerprint), locations: s.findings.map((f) => f.location) });
      }
      if (!ok) continue;
      formed.add(spec.id);
      const severity = steps.reduce<Severity>((w, s) => weaker(w, s.severity), 'critical');
      const weakest = steps.find((s) => s.severity === severity && severity !== 'critical');
      out.push({
        id: spec.id,
        title: spec.title,
        story: spec.story,
        route: { key: r.key, method: r.method, path: r.path, ...(r.handler ? { handler: r.handler } : {}), ...(r.file ? { file: r.file, line: r.line ?? 1 } : {}) },
        severity,
        ...(weakest ? { limitedBy: { step: weakest.id, why: weakest.why } } : {}),
        steps,
        cwe: spec.cwe,
        owasp: spec.owasp,
        ...(r.live[0] ? { url: r.live[0].url } : {}),
        fingerprint: createHash('sha256').update(`${spec.id}\u0000${r.key}`).digest('hex').slice(0, 32),
      });
    }
  }
  return out.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || (a.route.key < b.route.key ? -1 : a.route.key > b.route.key ? 1 : 0));
}

/** The first clause of a finding's message, for a step's reason. */
function firstClause(message: string): string {
  // up to the first ": " that follows at least 20 characters without a dot (not the colon of `e.g.: ` or a URL)
  let end = message.length;
  for (let i = message.indexOf(':'); i >= 0; i = message.indexOf(':', i + 1)) {
    if (i >= 20 && /\s/.test(message[i + 1] ?? '') && !message.slice(i - 20, i).includes('.')) {
      end = i;
      break;
    }
  }
  const m = message.slice(0, end);
  return m.length > 200 ? `${m.slice(0, 197)}…` : m;
}

