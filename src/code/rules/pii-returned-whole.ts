import { hasIdentity, type Label } from '../python/dataflow.ts';
import type { Rule } from './rule.ts';
import { at, itemSource, personalAttributes, roots, routeFor, placeText, wholeItem } from './exposure-context.ts';

export const rule: Rule = {
  meta: {
    id: 'pii-returned-whole',
    topic: 'excessive-data-exposure',
    summary: 'A route returns whole DynamoDB items of a table that holds personal or secret attributes, with no response model or projection.',
    cwe: [359, 213],
    owasp: ['API3:2023'],
    impact: 'medium',
    likelihood: 'high',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'Return only the fields the client needs: a response_model (or return annotation) with the public fields, a ProjectionExpression, or an explicit dict.',
    limits:
      'Items keyed on the caller\'s verified identity are the caller\'s own and not reported. A table counts as personal when the project writes, keys or reads attributes with personal names on it (email, phone, address, birth date, card, token, password …); tables the code never names so are not judged. Items reshaped by a project function more than three calls deep, or filtered by a response_model defined elsewhere, are not followed.',
  },
  check({ project, report }) {
    for (const root of roots(project)) {
      const { module, fn } = root;
      // FastAPI filters what a route returns through response_model or the return annotation's model
      if (!root.handlers.length || fn.responseModel || (fn.returnType && project.resolver.isProjectClass(fn.returnType.replace(/^(list|List)\[|\]$/g, ''), module))) continue;
      for (const site of fn.responses) {
        if (site.kind !== 'return') continue;
        const labels = project.flow.labelsIn(site.taint, module, fn, root.roles);
        const whole = labels.find((l): l is Label & { k: 'item' } => l.k === 'item' && wholeItem(l.path));
        if (!whole) continue;
        const src = itemSource(project, whole);
        if (!src || src.call.projection) continue;
        // the caller's own item (keyed on the verified identity) is theirs to read
        const access = root.handlers.flatMap((h) => project.facts(h).accesses).find((a) => a.id === whole.id);
        if (access && (hasIdentity(access.keys.flatMap((k) => k.labels)) || hasIdentity(access.condition))) continue;
        const attrs = personalAttributes(project, src.table);
        if (!attrs.length) continue;
        const many = whole.path[0] === 'Items' || src.call.op === 'query' || src.call.op === 'scan';
        report({
          message: `${placeText(project, module, fn)} returns whole ${many ? 'items' : 'item'} of table ${JSON.stringify(src.table)}, with ${attrs.slice(0, 5).join(', ')}${attrs.length > 5 ? ', …' : ''}: every attribute goes to the client.`,
          location: at(module, site.line),
          route: routeFor(project, fn),
          evidence: [
            { kind: 'code', file: module.file, line: site.line, snippet: site.snippet },
            { kind: 'code', file: src.module.file, line: src.call.loc.line, snippet: src.call.snippet, note: `${src.call.op} on ${src.table}` },
          ],
        });
      }
    }
  },
};
