import type { Rule } from './rule.ts';
import { behindGateway, inputsText, judge, routeText, tableText } from './dynamo-context.ts';

export const rule: Rule = {
  meta: {
    id: 'dynamodb-unauthenticated-access',
    topic: 'unauthenticated-data-access',
    summary: 'A route with no caller identity at all reads or writes user data in DynamoDB.',
    cwe: [306, 639],
    owasp: ['API1:2023', 'API2:2023'],
    impact: 'high',
    likelihood: 'high',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'Require authentication on the route (a Security/Depends dependency at route, router or app level) and key the access on the authenticated subject.',
    limits:
      'Authentication added outside the code (an API Gateway authorizer, an auth middleware that rejects requests) is not seen here; the IaC rules see gateway authorizers. "User data" is inferred from table, key, route and function names.',
  },
  check({ project, iac, report }) {
    const onLambda = behindGateway(project);
    for (const j of judge(project, iac?.links)) {
      if (j.verdict !== 'unauthenticated-access') continue;
      const keyed = j.inputs.length ? ` keyed by ${inputsText(j.inputs)}` : '';
      const who = onLambda ? 'any caller the API Gateway lets through (check its authorizer)' : 'anyone who can reach the API';
      report({
        message: `${routeText(j.handler)} has no authentication dependency and no caller identity, yet runs ${j.access!.call.op}${tableText(j)}${keyed}: ${who} can read or change this data.`,
        location: j.location,
        route: j.route,
        likelihood: onLambda ? 'low' : 'medium',
        confidence: onLambda ? 'low' : 'medium',
        evidence: j.evidence,
      });
    }
  },
};
