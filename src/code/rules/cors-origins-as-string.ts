import type { Rule } from './rule.ts';
import { argEvidence, attackerReach, codeEvidence, credentialsOf, originList, siteLocation, appTokenGate } from './cors-context.ts';
import { substringWitness } from './origin-witness.ts';

export const rule: Rule = {
  meta: {
    id: 'cors-origins-as-string',
    topic: 'cors-permissive-origin',
    summary: 'allow_origins is a str, so Starlette matches origins by substring.',
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'high',
    likelihood: 'high',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Pass a list: allow_origins=["https://app.example.com"], or split the environment value: os.environ["CORS_ORIGINS"].split(",").',
    limits: 'When the string comes from the environment with no default, the rule names no concrete witness.',
  },
  check({ project, iac, report }) {
    for (const p of project.policies) {
      const list = originList(p.origins);
      if (!list.isString) continue;
      const witness = list.stringValue !== undefined ? substringWitness(list.stringValue) : undefined;
      const reach = attackerReach(credentialsOf(p.credentials), project.ambient, 'high', appTokenGate(project, iac?.links));
      const src = list.env ? `the environment variable ${list.env} (a str)` : JSON.stringify(list.stringValue);
      const accepts = witness ? `it accepts ${witness.origin} because ${witness.why}` : 'any substring of the configured value is accepted';
      report({
        message: `allow_origins on ${p.app} is ${src}, matched by substring: ${accepts}; ${reach.because}.`,
        location: siteLocation(p.module, p.origins?.expr.loc ?? p.site.loc),
        impact: reach.impact,
        likelihood: reach.likelihood,
        confidence: witness ? 'high' : 'medium',
        evidence: [
          codeEvidence(p.module, p.origins?.expr.loc?.line ?? p.site.loc.line, p.site.snippet),
          ...argEvidence(p.module, 'allow_origins', p.origins),
          ...(witness ? [{ kind: 'value' as const, label: 'accepted origin', value: witness.origin }] : []),
        ],
      });
    }
  },
};
