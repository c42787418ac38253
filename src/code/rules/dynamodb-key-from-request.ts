import type { Rule } from './rule.ts';
import { inputsText, judge, routeText, tableText } from './dynamo-context.ts';

export const rule: Rule = {
  meta: {
    id: 'dynamodb-key-from-request',
    topic: 'bola-dynamodb-key',
    summary: 'A DynamoDB read, update or delete keyed by request input with no ownership check (BOLA).',
    cwe: [639],
    owasp: ['API1:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'Key the access on the authenticated subject (Key={"user_id": claims["sub"]}), or compare the item\'s owner with the caller before returning or changing it.',
    limits:
      'Follows request input through assignments, f-strings, containers and project helpers one to three calls deep; values stored on objects, in caches or in other services are not followed. Admin-only routes that legitimately read any item look the same: suppress them with a reason.',
  },
  check({ project, iac, report }) {
    for (const j of judge(project, iac?.links)) {
      if (j.verdict !== 'key-from-request') continue;
      const op = j.access!.call.op;
      const write = op === 'update_item' || op === 'delete_item' || op.startsWith('transact_write');
      report({
        message: `${routeText(j.handler)}: ${op}${tableText(j)} is keyed by ${inputsText(j.inputs)} with no ownership check, so any caller${j.gateway && !j.handler.auth.length ? ` the gateway lets in (${j.gateway}: any signed-in user)` : ''} can ${write ? 'change or delete' : 'read'} another user's item (no browser or CORS needed).`,
        location: j.location,
        route: j.route,
        impact: 'high',
        likelihood: j.handler.kind === 'lambda' || j.authenticated ? 'medium' : 'high',
        evidence: j.evidence,
      });
    }
  },
};
