import type { Impact, Likelihood } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import { apiLabel, declaredCors, gatewayRoute, placeEvidence, placeLocation } from './iac-context.ts';

export const rule: Rule = {
  meta: {
    id: 'gateway-cors-wildcard-origin',
    topic: 'cors-permissive-origin',
    summary: "API Gateway or a Lambda function URL answers with Access-Control-Allow-Origin '*' (with the credentials combination named).",
    cwe: [942],
    owasp: ['API8:2023'],
    impact: 'low',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['api-gateway', 'lambda'], datastore: ['any'] },
    source: 'iac',
    stability: 'experimental',
    remediation: "Replace '*' with the front-end origins that call the API (AllowOrigins / allow_origins / allowOrigins).",
    limits:
      "Reads CORS declared in SAM, CloudFormation, serverless.yml, Terraform and CDK; CORS set in an imported OpenAPI document (x-amazon-apigateway-cors), in the console or by a stage variable is not seen. Cannot tell whether the API sits behind a network restriction, where '*' lets any site read through the victim's position.",
  },
  check({ iac, report }) {
    if (!iac) return;
    for (const { cors, api, routes } of declaredCors(iac.model)) {
      if (!cors.origins.includes('*')) continue;
      const credentials = cors.credentials === true;
      let how: string;
      let impact: Impact = 'low';
      let likelihood: Likelihood = 'medium';
      if (credentials && api.kind === 'http') {
        how = /^cdk/.test(api.format)
          ? "with allowCredentials true: CDK refuses this combination when the app is synthesised (and API Gateway would reject it at deploy time), so the stack cannot deploy as written"
          : "with AllowCredentials true: API Gateway rejects this combination at deploy time (BadRequestException: allow-credentials is not supported if 'allow-origin' is *), so the template cannot deploy as written";
        impact = 'none';
      } else if (credentials && api.format === 'sam' && cors.preflight === 'mock') {
        how = "with AllowCredentials true: SAM refuses this combination when it transforms the template ('AllowCredentials' can not be true when 'AllowOrigin' is '*')";
        impact = 'none';
      } else if (credentials) {
        how = `with credentials: the ${cors.preflight === 'mock' ? 'MOCK OPTIONS method' : 'URL'} answers '*' together with Access-Control-Allow-Credentials: true, which browsers refuse for credentialed requests — a broken policy that blocks the real front end, not one an attacker can use`;
        impact = 'none';
      } else if (cors.preflight === 'mock') {
        how = "on preflights (MOCK OPTIONS), without credentials: any site may send non-simple requests; what the actual responses allow is up to the function's own headers";
        likelihood = 'low';
      } else {
        how = `without credentials: ${api.kind === 'http' ? 'the gateway adds it to every integration response, errors included' : 'every response carries it'}, so any site reads what an anonymous request gets, nothing that needs the user's session`;
      }
      const covered = routes.length && api.kind !== 'function-url' ? ` (${routes.length} route${routes.length > 1 ? 's' : ''}${routes.length <= 3 ? `: ${routes.map((r) => `${r.method} ${r.path}`).join(', ')}` : ''})` : '';
      report({
        message: `${apiLabel(api)}${covered} allows origin '*' ${how}.`,
        location: placeLocation(cors.at),
        route: routes.length === 1 ? gatewayRoute(routes[0]) : undefined,
        impact,
        likelihood,
        evidence: [placeEvidence(cors.at)],
        discriminator: `${api.id}:${cors.at.path}`,
      });
    }
  },
};
