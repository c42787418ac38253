import type { Rule } from './rule.ts';
import { argEvidence, codeEvidence, credentialsOf, envNote, originList, siteLocation } from './cors-context.ts';

export const rule: Rule = {
  meta: {
    id: 'cors-wildcard-origin',
    topic: 'cors-permissive-origin',
    summary: 'allow_origins=["*"] without credentials: any site reads what an anonymous request gets.',
    cwe: [942],
    owasp: ['API8:2023'],
    impact: 'low',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Keep "*" only for truly public, anonymous data; otherwise list the front-end origins in allow_origins.',
    limits:
      'Cannot tell whether the API sits behind a network restriction (private endpoint, IP allow-list, VPN), where "*" lets any site read through the victim\'s network position; rate it higher there.',
  },
  check({ project, report }) {
    for (const p of project.policies) {
      const list = originList(p.origins);
      if (list.isString || !list.items.some((i) => i.origin === '*')) continue;
      if (credentialsOf(p.credentials) !== 'no') continue;
      report({
        message: `CORS on ${p.app} allows any origin without credentials${envNote(list)}: any site can read responses to anonymous requests, nothing that needs the user's session.`,
        location: siteLocation(p.module, p.site.loc),
        confidence: list.env ? 'medium' : 'high',
        evidence: [codeEvidence(p.module, p.site.loc.line, p.site.snippet), ...argEvidence(p.module, 'allow_origins', p.origins)],
      });
    }
  },
};
