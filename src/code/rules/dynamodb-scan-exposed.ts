import type { Rule } from './rule.ts';
import { behindGateway, judge, routeText, tableText } from './dynamo-context.ts';

export const rule: Rule = {
  meta: {
    id: 'dynamodb-scan-exposed',
    topic: 'bulk-data-exposure',
    summary: 'A scan (or a query on a constant key) returns other users\' items to the caller.',
    cwe: [200],
    owasp: ['API1:2023', 'API3:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'Query by the caller\'s partition key instead of scanning; if a listing is really public, project only public attributes (ProjectionExpression) and paginate.',
    limits: 'A scan restricted by FilterExpression on the caller, or with ProjectionExpression / Select="COUNT", is not reported; whether the projected fields are public is not judged.',
  },
  check({ project, iac, report }) {
    const onLambda = behindGateway(project);
    for (const j of judge(project, iac?.links)) {
      if (j.verdict !== 'scan-exposed') continue;
      const what = j.access!.call.op === 'scan' ? 'a full scan' : 'a query on a constant key';
      report({
        message: `${routeText(j.handler)} returns ${what}${tableText(j)} to the caller: every user's items, in 1 MB pages.`,
        location: j.location,
        route: j.route,
        // unauthenticated in code is certain only where no gateway authorizer can stand in front
        likelihood: j.authenticated || onLambda ? 'medium' : 'high',
        evidence: j.evidence,
      });
    }
  },
};
