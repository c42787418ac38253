import type { Evidence, Impact, Likelihood } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import { allOf } from '../iac/model.ts';
import { routeText } from './dynamo-context.ts';
import { apiLabel, dynamoReach, gatewayRoute, placeEvidence, placeLocation } from './iac-context.ts';

export const rule: Rule = {
  meta: {
    id: 'gateway-route-without-authorizer',
    topic: 'unauthenticated-data-access',
    summary: 'A gateway route (or function URL) with no authorizer reaches a function that reads or writes DynamoDB.',
    cwe: [306],
    owasp: ['API2:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['api-gateway', 'lambda'], datastore: ['dynamodb'] },
    source: 'iac',
    stability: 'experimental',
    remediation: 'Attach an authorizer to the route (a Cognito user-pool or JWT authorizer), or AWS_IAM for service-to-service calls; keep the code\'s own identity check as a second line.',
    limits:
      'What the function does with DynamoDB comes from its code when the handler is in the scanned repository, else from its IAM statements. Routes whose code only creates items (put_item: sign-up, contact forms) are not reported; other public routes that reach DynamoDB are — suppress them with a reason (`# crossread: ignore[gateway-route-without-authorizer] public counters`). Resource policies, WAF rules and private endpoints are not read.',
  },
  check({ project, iac, report }) {
    if (!iac) return;
    const { apis, routes, functions } = allOf(iac.model);
    for (const route of routes) {
      // an API key identifies a client application, not a user: AWS advises against it for access control
      const apiKey = route.authorizer.kind === 'api-key';
      if ((route.authorizer.kind !== 'none' && !apiKey) || route.method === 'OPTIONS') continue;
      const api = apis.find((a) => a.id === route.api);
      const fn = functions.find((f) => f.id === route.function);
      if (!api || !fn) continue;
      // the code routes this gateway route carries
      const bound = iac.links.carried.get(route) ?? [];
      const code = iac.links.code.get(fn);
      const reach = dynamoReach(project, iac.links, fn, code ? bound : undefined);
      if (!reach.reads && !reach.writes) continue;
      // public create-only routes (sign-up, contact forms) are open by design; overwrites are the code rules' concern
      if (reach.known && reach.codeOps.every((o) => o === 'put_item')) continue;
      const ops = reach.known ? reach.codeOps : reach.iamActions;
      const what = `${reach.reads && reach.writes ? 'reads and writes' : reach.reads ? 'reads' : 'writes'} DynamoDB (${ops.slice(0, 4).join(', ')}${ops.length > 4 ? ', …' : ''}${reach.known ? '' : ', by its IAM policy'})`;
      const checked = reach.handlers.filter((h) => h.auth.length || project.facts(h).identity.length);
      let impact: Impact = 'high';
      let likelihood: Likelihood = 'medium';
      let codeNote: string;
      // identity read from the authorizer's claims (requestContext.authorizer…) is absent when no authorizer runs
      const fromGateway = checked.length > 0 && checked.every((h) => h.auth.every((a) => a.style === 'gateway') && project.facts(h).identity.some((t) => /authorizer|requestContext|aws\.event/.test(t)) || (h.kind === 'lambda' && !h.auth.length));
      if (reach.known && reach.handlers.length && checked.length === reach.handlers.length) {
        impact = 'low';
        codeNote = fromGateway
          ? "the code reads the caller's identity from the authorizer's claims, which nothing fills on this route: calls fail instead of being checked — attach the authorizer the code expects"
          : `the code checks the caller's identity itself on ${reach.handlers.length === 1 ? 'its route' : `all ${reach.handlers.length} routes`}, so this is defence in depth missing, not an open door`;
      } else if (reach.known && checked.length) {
        codeNote = `the code checks identity on ${checked.length} of ${reach.handlers.length} routes; ${reach.handlers.filter((h) => !checked.includes(h)).slice(0, 3).map(routeText).join(', ')} take anyone`;
      } else if (reach.known) {
        codeNote = 'the code reads no caller identity either: anyone on the internet can call it';
      } else {
        codeNote = 'the handler is not in the scanned code, so whether it checks identity itself is unknown';
      }
      const evidence: Evidence[] = [placeEvidence(route.at)];
      const h = reach.handlers[0];
      if (h) evidence.push({ kind: 'code', file: h.module.file, line: h.fn.line, snippet: `${h.fn.name}()`, note: routeText(h) });
      report({
        message: `${api.kind === 'function-url' ? `The ${apiLabel(api)} (AuthType NONE)` : `${route.method} ${route.path} on ${apiLabel(api)}`} has no authorizer${apiKey ? ' (only an API key, which identifies a client application, not a user)' : ''} and reaches ${fn.name}, which ${what}; ${codeNote}.`,
        location: placeLocation(route.at),
        route: gatewayRoute(route),
        impact,
        likelihood,
        confidence: reach.known ? 'high' : 'medium',
        evidence,
        discriminator: `${route.api}:${route.method}:${route.path}`,
      });
    }
  },
};
