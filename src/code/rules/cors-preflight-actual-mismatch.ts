import type { Evidence, Impact } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import { codeView, effectiveCors, policyFor, type CorsView } from '../iac/link.ts';
import { routeText } from './dynamo-context.ts';
import { apiLabel, placeEvidence, placeLocation } from './iac-context.ts';
import type { CorsConfig } from '../iac/model.ts';

const LAYER: Record<CorsView['layer'], string> = {
  gateway: 'the HTTP API',
  'mock-options': 'the MOCK OPTIONS method',
  'function-url': 'the function URL',
  code: "the app's CORSMiddleware",
  none: 'nothing',
};

function policyText(v: CorsView): string {
  if (v.layer === 'none') return 'no CORS headers';
  return `${v.origins.length ? v.origins.map((o) => JSON.stringify(o)).join(', ') : 'no origin'}${v.credentials === true ? ' with credentials' : v.credentials === 'unknown' ? ' (credentials computed)' : ''}`;
}

const same = (a: CorsView, b: CorsView): boolean => a.credentials === b.credentials && [...a.origins].sort().join() === [...b.origins].sort().join();

export const rule: Rule = {
  meta: {
    id: 'cors-preflight-actual-mismatch',
    topic: 'cors-permissive-origin',
    summary: "The gateway's CORS policy and the code's disagree: one layer answers preflights, another sets the actual responses' headers (or the code's policy is overridden).",
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['api-gateway', 'fastapi', 'lambda'], datastore: ['any'] },
    source: 'iac',
    stability: 'experimental',
    remediation: 'Decide CORS in one layer: behind an HTTP API with a CORS configuration, drop CORSMiddleware; behind a REST API, give the MOCK OPTIONS and the app the same origins and credentials (the app decides what simple requests can read).',
    limits:
      "Compares the first CORSMiddleware policy of the code with the gateway policy of each route the code is linked to (through the function's handler and Mangum); policies built at run time and headers set by hand in Lambda responses are not compared.",
  },
  check({ project, iac, report }) {
    if (!iac) return;
    // one finding per gateway CORS policy, naming the code routes behind it
    const sites = new Map<CorsConfig, { routes: string[]; pre: CorsView; act: CorsView; code: CorsView; apiLabel: string; policy?: (typeof project.policies)[number] }>();
    for (const [h, bindings] of iac.links.bindings) {
      for (const b of bindings) {
        const cors = b.route.cors ?? b.api.cors;
        if (!cors) continue;
        const fc = iac.links.code.get(b.fn);
        if (fc?.kind !== 'mangum') continue; // a plain handler's own headers are the lambda-response rules' concern
        const module = fc.module;
        const code = codeView(project, module);
        if (code.layer === 'none') continue;
        const eff = effectiveCors(b, code);
        const overridden = eff.actual.layer !== 'code' && code.layer === 'code';
        if (!overridden && same(eff.preflight, eff.actual)) continue;
        if (overridden && same(eff.actual, code)) continue;
        const site = sites.get(cors);
        if (site) site.routes.push(routeText(h));
        else sites.set(cors, { routes: [routeText(h)], pre: eff.preflight, act: eff.actual, code, apiLabel: apiLabel(b.api), policy: policyFor(project, module) });
      }
    }
    for (const [cors, { routes, pre, act, code, apiLabel: label, policy: p }] of sites) {
      const evidence: Evidence[] = [placeEvidence(cors.at)];
      if (p) evidence.push({ kind: 'code', file: p.module.file, line: p.site.loc.line, snippet: p.site.snippet, note: 'CORSMiddleware' });
      const list = `${routes.slice(0, 3).join(', ')}${routes.length > 3 ? ` and ${routes.length - 3} more` : ''}`;
      let message: string;
      let impact: Impact = 'medium';
      if (act.layer !== 'code') {
        // HTTP API / function URL CORS replaces the backend's headers: the code's policy never reaches a browser
        message = `${label} answers CORS itself (${policyText(act)}) and replaces the headers of the app's CORSMiddleware (${policyText(code)}, ${code.where}) on ${list}: the code's policy is dead configuration; fix CORS at the gateway (${act.where}) and remove or align the middleware.`;
        impact = 'low';
      } else {
        // the app is looser when it lets through an origin (or credentials) the preflight does not; a preflight '*' covers every origin
        const codeLooser = (act.credentials === true && pre.credentials !== true) || (!pre.origins.includes('*') && act.origins.some((o) => o === '*' || !pre.origins.includes(o)));
        message = `Preflights on ${list} are answered by ${LAYER[pre.layer]} (${policyText(pre)}, ${pre.where}) but actual responses get ${LAYER[act.layer]}'s headers (${policyText(act)}, ${act.where})${codeLooser ? ": simple requests (GET, form POST) never preflight, so what they can read is the app's looser policy — fix it in the app" : ': the front end is refused by the gateway\'s preflight — align the MOCK OPTIONS with the app'}.`;
        if (!codeLooser) impact = 'low';
      }
      report({ message, location: placeLocation(cors.at), impact, evidence, discriminator: cors.at.path });
    }
  },
};
