import type { Rule } from './rule.ts';
import { inputsText, judge, routeText, tableText } from './dynamo-context.ts';

export const rule: Rule = {
  meta: {
    id: 'dynamodb-missing-ownership-check',
    topic: 'bola-dynamodb-key',
    summary: 'An item fetched by a request-supplied key is returned although the caller\'s identity is at hand and never compared with its owner.',
    cwe: [639],
    owasp: ['API1:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'After get_item, compare the item\'s owner attribute with the caller (if item["owner_id"] != user["sub"]: raise HTTPException(404)), or key the read on the caller.',
    limits: 'Recognises comparisons in the handler (if/assert and calls named like is_owner/authorize); checks hidden in decorators or middleware are not seen.',
  },
  check({ project, iac, report }) {
    for (const j of judge(project, iac?.links)) {
      if (j.verdict !== 'missing-ownership-check') continue;
      report({
        message: `${routeText(j.handler)}: the item from ${j.access!.call.op}${tableText(j)} keyed by ${inputsText(j.inputs)} is returned, and the caller (${j.facts.identity.slice(0, 2).join(', ')}) is never compared with its owner.`,
        location: j.location,
        route: j.route,
        evidence: j.evidence,
      });
    }
  },
};
