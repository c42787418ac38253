import type { Rule } from './rule.ts';
import { inputsText, judge, routeText } from './dynamo-context.ts';

export const rule: Rule = {
  meta: {
    id: 'dynamodb-table-from-request',
    topic: 'dynamodb-injection',
    summary: 'A DynamoDB table name or expression text is built from request input.',
    cwe: [943],
    owasp: ['API8:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'Choose tables from a fixed mapping and keep expression text constant: pass request values only through ExpressionAttributeValues and attribute names through an allowlisted ExpressionAttributeNames.',
    limits: 'A lookup in a constant mapping is still reported when the key is not checked first; suppress it with a reason if the mapping is closed.',
  },
  check({ project, iac, report }) {
    for (const j of judge(project, iac?.links)) {
      if (j.verdict !== 'table-from-request') continue;
      const where = j.access ? (j.access.tableName.length && !j.access.expression.length ? 'table name' : 'expression text') : 'table name';
      report({
        message: `${routeText(j.handler)}: the DynamoDB ${where} is built from ${inputsText(j.inputs)}, so a caller chooses what is read or changed.`,
        location: j.location,
        route: j.route,
        evidence: j.evidence,
      });
    }
  },
};
