/** Shared judgement for CORS rules: what an allowed attacker origin can read, given credentials and auth style. */
import type { Evidence, Impact, Likelihood, Location } from '../../findings/index.ts';
import type { AmbientCredentials, CorsPolicy, PythonProject, ResolvedArg } from '../python/app-model.ts';
import type { Handler } from '../python/routes.ts';
import type { IacLinks } from '../iac/link.ts';
import { authorizerWantsToken } from '../iac/model.ts';
import { describeVersion, isBelow } from '../python/deps.ts';
import type { Expr, HeaderSink, ModuleModel } from '../python/ir.ts';
import { describe, effective, type Value } from '../python/resolve.ts';

export type Tristate = 'yes' | 'no' | 'unknown';

/** allow_credentials: absent → no (Starlette default False). */
export function credentialsOf(arg: ResolvedArg | undefined): Tristate {
  if (!arg) return 'no';
  const v = effective(arg.value);
  if (v.k === 'bool') return v.v ? 'yes' : 'no';
  if (v.k === 'str') return v.v ? 'yes' : 'no';
  if (v.k === 'num') return v.v ? 'yes' : 'no';
  if (v.k === 'none') return 'no';
  return 'unknown';
}

/** An Access-Control-Allow-Credentials header value set by code: only the exact "true" counts (Fetch §5.1). */
export function headerCredentials(v: Value | undefined): Tristate {
  if (!v) return 'no';
  const e = effective(v);
  if (e.k === 'str') return e.v.trim().toLowerCase() === 'true' ? 'yes' : 'no';
  if (e.k === 'bool') return e.v ? 'yes' : 'no';
  return 'unknown';
}

export interface OriginList {
  /** Literal origins the list allows (env defaults included). */
  items: { origin: string; expr?: Expr; at?: { file: string; line: number; col: number } }[];
  /** Starlette tests `origin in allow_origins` on a str: substring matching. */
  isString: boolean;
  /** The configured string, when it is one. */
  stringValue?: string;
  /** Part of the value comes from the environment. */
  env?: string;
  unknown: boolean;
}

/** The origins a policy allows as far as the code says. */
export function originList(arg: ResolvedArg | undefined): OriginList {
  const out: OriginList = { items: [], isString: false, unknown: false };
  if (!arg) return out;
  const visit = (v: Value, expr?: Expr): void => {
    switch (v.k) {
      case 'str':
        out.items.push({ origin: v.v, expr, at: v.at });
        break;
      case 'list':
        v.items.forEach((item, i) => visit(item, expr?.k === 'list' ? expr.items[i] : expr));
        break;
      case 'env':
        out.env ??= v.name;
        if (v.default) visit(v.default, expr);
        else out.unknown = true;
        break;
      default:
        out.unknown = true;
    }
  };
  const top = arg.value;
  const eff = effective(top);
  // a str (literal, or os.getenv without split) is matched by substring
  if (eff.k === 'str' || (top.k === 'env' && top.split === undefined && !top.settings && (!top.default || top.default.k === 'str'))) {
    out.isString = true;
    out.stringValue = eff.k === 'str' ? eff.v : undefined;
    if (top.k === 'env') out.env = top.name;
    if (eff.k !== 'str') out.unknown = true;
    return out;
  }
  visit(top, arg.expr);
  return out;
}

export interface AttackerReach {
  impact: Impact;
  likelihood: Likelihood;
  /** Clause for the message: why this rating. */
  because: string;
}

/**
 * What an origin the attacker controls can read. With credentials, it depends on whether the API
 * accepts ambient credentials (cookies): bearer headers are not sent by the victim's browser to a
 * foreign page's request (platform facts §5.3, §7.2).
 */
/** The words a CORS finding rated down for a token gateway uses (the correlate step reads them to add what a direct live target shows). */
export const TOKEN_GATE_WORDS = 'every gateway route in front (';

export function attackerReach(credentials: Tristate, ambient: AmbientCredentials, ownLikelihood: Likelihood = 'high', gate?: string): AttackerReach {
  if (credentials === 'no') {
    return { impact: 'low', likelihood: 'medium', because: 'without credentials it reads only what an anonymous request gets' };
  }
  if (ambient.cookie.length > 0 && gate) {
    return {
      impact: 'high',
      likelihood: 'low',
      because: `the API accepts cookies (${ambient.cookie[0]}), but ${TOKEN_GATE_WORDS}${gate}) wants a token in the Authorization header before the app runs, so a cross-site request carrying only the victim's cookie stops there; it reads the victim's data wherever the app is reachable without that gateway`,
    };
  }
  if (ambient.cookie.length > 0) {
    return { impact: 'high', likelihood: ownLikelihood, because: `the API accepts cookies (${ambient.cookie[0]}), so it reads the victim's data` };
  }
  if (ambient.bearer.length > 0) {
    return {
      impact: 'low',
      likelihood: ownLikelihood,
      because: `authentication seen is a bearer header only (${ambient.bearer[0]}), which a foreign page cannot make the browser send; critical once a cookie is accepted`,
    };
  }
  return {
    impact: 'high',
    likelihood: lower(ownLikelihood),
    because: 'no cookie or bearer authentication seen in the scanned code; if the API accepts cookies, the victim\'s data is readable',
  };
}

export function lower(l: Likelihood): Likelihood {
  return l === 'high' ? 'medium' : 'low';
}

/** What Starlette does with `*` + credentials at the version in force (platform facts §1.4–1.5, §1.9). */
export function reflectionClause(policy: CorsPolicy): string {
  const v = policy.starlette;
  const ver = describeVersion(v);
  if (isBelow(v, [1, 0, 0]) === 'no') return `Starlette ${ver} reflects any Origin with credentials on every request`;
  if (isBelow(v, [0, 15, 0]) === 'yes') return `Starlette ${ver} reflects the Origin of requests that carry a Cookie (its preflights answer "*", so only simple requests succeed)`;
  if (isBelow(v, [1, 0, 0]) === 'yes' && isBelow(v, [0, 15, 0]) === 'no') return `Starlette ${ver} reflects any Origin on preflights and on every request that carries a Cookie`;
  return 'Starlette (version unknown) reflects any Origin on preflights and on cookie requests (<1.0) or on every request (>=1.0)';
}

export function siteLocation(m: ModuleModel, loc: { line: number; col: number }): Location {
  return { file: m.file, start: { line: loc.line, column: loc.col } };
}

export function argEvidence(m: ModuleModel, label: string, arg: ResolvedArg | undefined): Evidence[] {
  if (!arg) return [];
  const ev: Evidence[] = [{ kind: 'value', label, value: describe(arg.value), file: m.file, line: arg.expr.loc?.line }];
  for (const step of arg.value.trail ?? []) ev.push({ kind: 'value', label: 'defined at', value: step });
  return ev;
}

export function codeEvidence(m: ModuleModel, line: number, snippet: string, note?: string): Evidence {
  return { kind: 'code', file: m.file, line, snippet, note };
}

export function envNote(list: OriginList): string {
  return list.env ? ` (from environment ${list.env}; this is the default)` : '';
}

/**
 * Every gateway route in front of these handlers wants a token a foreign page cannot send (Cognito, JWT, IAM,
 * a Lambda authorizer reading a header other than Cookie); undefined when any handler is reachable otherwise.
 */
const gateMemo = new WeakMap<Handler[], { links: IacLinks; gate: string | undefined }>();

export function tokenGate(handlers: Handler[], links: IacLinks | undefined): string | undefined {
  if (!links || !handlers.length) return undefined;
  const memo = gateMemo.get(handlers);
  if (memo?.links === links) return memo.gate;
  const gate = computeGate(handlers, links);
  gateMemo.set(handlers, { links, gate });
  return gate;
}

function computeGate(handlers: Handler[], links: IacLinks): string | undefined {
  const bindings = handlers.map((h) => links.bindings.get(h) ?? []);
  if (bindings.some((b) => b.length === 0)) return undefined;
  const all = bindings.flat();
  if (!all.every((b) => authorizerWantsToken(b.route.authorizer))) return undefined;
  return [...new Set(all.map((b) => `${b.api.name} ${b.route.method} ${b.route.path}: ${b.route.authorizer.kind}`))].join(', ');
}

/** The token gate in front of an app-level CORS policy: the one every route of the project sits behind. */
export function appTokenGate(project: PythonProject, links: IacLinks | undefined): string | undefined {
  return tokenGate(appHandlers(project), links);
}

/** The handlers an app-level CORS policy answers for: the project's routes. */
const appMemo = new WeakMap<PythonProject, Handler[]>();

export function appHandlers(project: PythonProject): Handler[] {
  let list = appMemo.get(project);
  if (!list) appMemo.set(project, (list = project.handlers.filter((h) => h.kind === 'route')));
  return list;
}

const byFunction = new WeakMap<PythonProject, Map<string, Handler[]>>();

/** The handlers a response-header sink answers for: its own Lambda handler, else the app's routes. */
export function sinkHandlers(project: PythonProject, m: ModuleModel, sink: { lambda: boolean; fn?: string }): Handler[] {
  if (!sink.lambda || !sink.fn) return appHandlers(project);
  let index = byFunction.get(project);
  if (!index) {
    index = new Map();
    for (const h of project.handlers) {
      const k = `${h.module.file}\u0000${h.fn.name}`;
      index.set(k, [...(index.get(k) ?? []), h]);
    }
    byFunction.set(project, index);
  }
  return index.get(`${m.file}\u0000${sink.fn}`) ?? [];
}

/** What an attacker origin a response-header sink lets through can read: the sink's credentials header and the gate in front of its handlers. */
export function sinkReach(project: PythonProject, m: ModuleModel, sink: HeaderSink, links: IacLinks | undefined, ownLikelihood: Likelihood): { creds: Tristate; reach: AttackerReach } {
  const creds = headerCredentials(sink.credentials && project.resolver.evaluate(sink.credentials, m));
  return { creds, reach: attackerReach(creds, project.ambient, ownLikelihood, tokenGate(sinkHandlers(project, m, sink), links)) };
}
