import type { Impact, Likelihood } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import { apiLabel, declaredCors, gatewayRoute, placeEvidence, placeLocation, type DeclaredCors } from './iac-context.ts';
import { isDevOrigin, SHARED_HOSTING } from './origin-witness.ts';
import type { PythonProject } from '../python/app-model.ts';
import type { IacLinks } from '../iac/link.ts';
import { allOf } from '../iac/model.ts';

type Weakness = { kind: 'shared-hosting' | 'null' | 'http' | 'any-subdomain' | 'localhost'; origin: string; why: string };

/**
 * What is wrong with one configured origin, if anything. A `*` inside an origin is a pattern where the layer
 * matches patterns: an HTTP API (documented for `https://*`), serverless' generated VTL, and — undocumented,
 * so judged with low confidence — a function URL. A REST MOCK OPTIONS (SAM's static header, CDK's exact
 * comparison) compares it as written, so no browser origin ever equals it: inert, not permissive.
 */
function weakness(origin: string, matching: DeclaredCors['cors']['matching'], kind: DeclaredCors['api']['kind']): Weakness | undefined {
  const o = origin.trim();
  if (o === '*') return undefined; // gateway-cors-wildcard-origin
  if (o.toLowerCase() === 'null') return { kind: 'null', origin: o, why: 'any site can read its responses (a sandboxed iframe sends Origin: null)' };
  if (isDevOrigin(o)) return { kind: 'localhost', origin: o, why: "any page served on the victim's machine (a dev server, a local tool) can read its responses" };
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:]+)/i.exec(o)?.[1]?.toLowerCase() ?? o.toLowerCase();
  if (host.includes('*')) {
    const patterns = matching === 'pattern' || kind === 'http' || kind === 'function-url';
    if (!patterns) return undefined;
    const rest = host.slice(host.lastIndexOf('*') + 1).replace(/^\./, '');
    const how = matching === 'pattern' ? ` (matched as a pattern: '*' becomes '.+')` : '';
    if (!rest) return { kind: 'shared-hosting', origin: o, why: `every ${/^http:/i.test(o) ? 'http' : 'https'} site can read its responses${how}` };
    // a suffix of shared hosting, or one of its parents (`*.amazonaws.com` covers every customer's S3 site)
    const shared = SHARED_HOSTING.find((s) => rest === s || rest.endsWith(`.${s}`) || s.endsWith(`.${rest}`));
    if (shared) return { kind: 'shared-hosting', origin: o, why: `anyone who publishes a site under ${rest}${how} can read its responses` };
    return { kind: 'any-subdomain', origin: o, why: `every subdomain of ${rest}${how} can read its responses (one forgotten or taken-over subdomain is enough)` };
  }
  if (/^http:\/\//i.test(o)) return { kind: 'http', origin: o, why: "anyone on the victim's network path can read its responses (a plain-http page can be injected)" };
  return undefined;
}

const IMPACT: Record<Weakness['kind'], Impact> = { 'shared-hosting': 'high', null: 'high', http: 'medium', 'any-subdomain': 'medium', localhost: 'low' };

/**
 * Can a cookie make a difference on the routes this policy covers? Not where the gateway demands a
 * header credential (Cognito/JWT/IAM authorizers, a Lambda authorizer that reads no cookie), nor on an open
 * route whose code authenticates no one by cookie.
 */
function cookiesMatter(project: PythonProject, links: IacLinks, d: DeclaredCors): boolean {
  if (!d.routes.length) return project.ambient.cookie.length > 0;
  return d.routes.some((r) => {
    const a = r.authorizer;
    if (a.kind === 'cognito' || a.kind === 'jwt' || a.kind === 'iam') return false;
    if (a.kind === 'lambda') return (a.identitySource ?? []).some((s) => /cookie/i.test(s));
    const handlers = links.carried.get(r) ?? [];
    if (!handlers.length) return project.ambient.cookie.length > 0; // the code behind it is not known
    return handlers.some((h) => h.auth.some((x) => x.style === 'cookie'));
  });
}

export const rule: Rule = {
  meta: {
    id: 'gateway-cors-permissive-origin',
    topic: 'cors-permissive-origin',
    summary: 'API Gateway or a function URL allows origins any attacker can use: shared-hosting wildcards, any subdomain, plain http, localhost, null; or a REST API echoes the Origin on its own error responses.',
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['api-gateway', 'lambda'], datastore: ['any'] },
    source: 'iac',
    stability: 'experimental',
    remediation: 'List exact https origins of your own front ends; drop wildcards over shared hosting, http origins, localhost and null from deployed stages.',
    limits:
      'Judges the origins written in the template; origins from parameters without defaults, SSM or stage variables are not known. Wildcards are judged by what follows the last *, and only where the layer matches patterns (HTTP APIs, serverless REST origins); a REST MOCK OPTIONS or a function URL compares them as written, so they match nothing. Whether a subdomain can be taken over is not checked.',
  },
  check({ project, iac, report }) {
    if (!iac) return;
    // a REST API's own error answers (DEFAULT_4XX, UNAUTHORIZED, …) that copy the request's Origin
    for (const api of allOf(iac.model).apis) {
      for (const gr of api.gatewayResponses) {
        const header = (name: string) => Object.entries(gr.headers).find(([k]) => k.toLowerCase() === name)?.[1];
        const acao = header('access-control-allow-origin');
        if (typeof acao !== 'string' || !/^method\.request\.header\.origin$/i.test(acao.trim())) continue;
        const credentials = /^true$/i.test(String(header('access-control-allow-credentials') ?? '').trim());
        report({
          message: `${apiLabel(api)} answers its own ${gr.type} errors with the request's Origin in Access-Control-Allow-Origin (${acao})${credentials ? ' and Access-Control-Allow-Credentials: true' : ''}: any site reads the gateway's error bodies (the authorizer's 401/403 messages), not the function's responses; a static list, or '*' for error bodies, is enough for a front end to read them.`,
          location: placeLocation(gr.at),
          impact: credentials ? 'low' : 'none',
          likelihood: 'medium',
          evidence: [placeEvidence(gr.at, `GatewayResponses.${gr.type}`)],
          discriminator: `${api.id}:gateway-response:${gr.type}`,
        });
      }
    }
    for (const d of declaredCors(iac.model)) {
      const { cors, api, routes } = d;
      const credentials = cors.credentials === true;
      for (const [i, origin] of cors.origins.entries()) {
        if (typeof origin !== 'string') continue;
        const at = cors.originPlaces?.[i] ?? cors.at;
        const w = weakness(origin, cors.matching, api.kind);
        if (!w) continue;
        let impact: Impact = credentials ? IMPACT[w.kind] : 'low';
        const likelihood: Likelihood = credentials ? 'high' : 'medium';
        let because = credentials ? "with the victim's cookies, since credentials are allowed" : 'but only what an anonymous request gets (credentials are not allowed)';
        if (credentials && !cookiesMatter(project, iac.links, d)) {
          impact = impact === 'high' ? 'medium' : 'low';
          because = "with credentials allowed, but its routes authenticate by a header a foreign page cannot make the browser send (or not at all), so a cookie adds nothing today — it reads what an anonymous request gets, and more once a cookie is accepted";
        }
        report({
          message: `${apiLabel(api)} allows origin ${JSON.stringify(w.origin)}: ${w.why} ${because}.`,
          location: placeLocation(at),
          route: routes.length === 1 ? gatewayRoute(routes[0]) : undefined,
          impact,
          likelihood,
          ...(api.kind === 'function-url' && w.origin.includes('*') ? { confidence: 'low' as const, message: `${apiLabel(api)} allows origin ${JSON.stringify(w.origin)}: if the URL matches it as a pattern (AWS documents only exact origins and '*' for function URLs), ${w.why} ${because}.` } : {}),
          // AWS documents '*', 'https://*' and 'http://*' for HTTP APIs; a wildcard inside a host is not documented either way
          ...(api.kind === 'http' && w.origin.includes('*') && !['https://*', 'http://*'].includes(w.origin) ? { confidence: 'medium' as const, message: `${apiLabel(api)} allows origin ${JSON.stringify(w.origin)}: if the gateway matches it as a pattern (AWS documents only '*', 'https://*' and 'http://*' for HTTP APIs; a live scan shows what it does), ${w.why} ${because}.` } : {}),
          evidence: [placeEvidence(at, cors.at.path)],
          discriminator: `${api.id}:${cors.at.path}:${w.origin}`,
        });
      }
    }
  },
};
