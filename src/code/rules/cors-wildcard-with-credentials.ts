import type { Rule } from './rule.ts';
import { argEvidence, attackerReach, codeEvidence, credentialsOf, envNote, originList, reflectionClause, siteLocation, appTokenGate } from './cors-context.ts';

export const rule: Rule = {
  meta: {
    id: 'cors-wildcard-with-credentials',
    topic: 'cors-permissive-origin',
    summary: 'allow_origins=["*"] with allow_credentials=True: Starlette reflects any Origin with credentials.',
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'high',
    likelihood: 'high',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'List the exact front-end origins in allow_origins (e.g. ["https://app.example.com"]) and keep allow_credentials=True only with that list.',
    limits:
      'Sees CORSMiddleware configured in Python; a gateway CORS configuration (HTTP API cors_configuration) overrides it and is checked by the IaC rules. Auth style is inferred from the whole project, not per route.',
  },
  check({ project, iac, report }) {
    for (const p of project.policies) {
      const list = originList(p.origins);
      if (list.isString || !list.items.some((i) => i.origin === '*')) continue;
      const creds = credentialsOf(p.credentials);
      if (creds === 'no') continue;
      const reach = attackerReach(creds, project.ambient, 'high', appTokenGate(project, iac?.links));
      const credNote = creds === 'unknown' ? ' (allow_credentials could not be resolved; rated as if True)' : '';
      report({
        message: `CORS on ${p.app} allows "*" with credentials${envNote(list)}${credNote}: ${reflectionClause(p)}; ${reach.because}.`,
        location: siteLocation(p.module, p.site.loc),
        impact: reach.impact,
        likelihood: reach.likelihood,
        confidence: creds === 'unknown' ? 'low' : list.env ? 'medium' : 'high',
        evidence: [
          codeEvidence(p.module, p.site.loc.line, p.site.snippet),
          ...argEvidence(p.module, 'allow_origins', p.origins),
          ...argEvidence(p.module, 'allow_credentials', p.credentials),
        ],
      });
    }
  },
};
