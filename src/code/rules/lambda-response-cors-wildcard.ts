import type { Rule } from './rule.ts';
import { codeEvidence, headerCredentials, siteLocation } from './cors-context.ts';
import { effective } from '../python/resolve.ts';

export const rule: Rule = {
  meta: {
    id: 'lambda-response-cors-wildcard',
    topic: 'cors-permissive-origin',
    summary: 'A Lambda proxy handler returns Access-Control-Allow-Origin: * in its response headers.',
    cwe: [942],
    owasp: ['API8:2023'],
    impact: 'low',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['lambda'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Return the caller\'s Origin only when it is in an exact allowlist (with Vary: Origin), or keep "*" only for public, anonymous data.',
    limits: 'An HTTP API with a CORS configuration replaces these headers; the IaC rules see that. Headers built in other modules are not followed.',
  },
  check({ project, report }) {
    for (const m of project.modules) {
      for (const s of m.sinks) {
        if (!s.lambda || s.taint !== 'other') continue;
        const v = effective(project.resolver.evaluate(s.value, m));
        if (v.k !== 'str' || v.v.trim() !== '*') continue;
        const creds = headerCredentials(s.credentials && project.resolver.evaluate(s.credentials, m)) === 'yes';
        // a module-level headers dict serves the module's handler (when it has one)
        const lambdas = project.handlers.filter((h) => h.kind === 'lambda' && h.module === m);
        const fn = s.fn ?? (lambdas.length === 1 ? lambdas[0].fn.name : undefined);
        const where = s.fn ? `${s.fn}()` : `A module-level headers dict${fn ? ` (returned by ${fn}())` : ''}`;
        report({
          message: creds
            ? `${where} returns Access-Control-Allow-Origin: * with Access-Control-Allow-Credentials: true: browsers refuse credentialed reads with "*", so cookie calls fail while anonymous responses stay readable by any site.`
            : `${where} returns Access-Control-Allow-Origin: *: any site can read this handler's responses to anonymous requests.`,
          location: siteLocation(m, s.loc),
          route: fn ? { method: 'ANY', path: '', handler: `${m.module}.${fn}` } : undefined,
          evidence: [codeEvidence(m, s.loc.line, s.snippet)],
        });
      }
    }
  },
};
