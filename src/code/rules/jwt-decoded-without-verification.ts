import type { Rule } from './rule.ts';

import { dotted, effective } from '../python/resolve.ts';

const USE: Record<string, string> = { key: 'a DynamoDB key', check: 'an authorization check', return: 'what the function returns to its callers' };

export const rule: Rule = {
  meta: {
    id: 'jwt-decoded-without-verification',
    topic: 'broken-authentication',
    summary: 'JWT claims are read without verifying the signature and then trusted.',
    cwe: [345, 347],
    owasp: ['API2:2023'],
    impact: 'high',
    likelihood: 'high',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['any'] },
    stability: 'experimental',
    remediation: 'Verify the token: jwt.decode(token, key_from_jwks, algorithms=["RS256"], audience=CLIENT_ID), or let the API Gateway authorizer verify it and read requestContext.authorizer claims.',
    limits: 'Reports decodes whose result reaches a DynamoDB key, a comparison or a return value in the same function; a payload passed on through other variables of callers is followed only through return values.',
  },
  check({ project, report }) {
    for (const m of project.modules) {
      for (const fn of m.functions) {
        for (const u of fn.unverified) {
          if (!u.usedIn.length) continue;
          // algorithms given by a constant: unverified only if it allows "none"
          const named = /^algorithms=([\w.]+)$/.exec(u.how);
          if (named) {
            const v = effective(project.resolver.evaluate(dotted(named[1]), m));
            const algs = v.k === 'list' ? v.items : [v];
            if (!algs.some((x) => x.k === 'str' && x.v.toLowerCase() === 'none')) continue;
          }
          report({
            message: `${fn.name}() reads JWT claims without verifying the signature (${u.how}) and uses them in ${u.usedIn.map((x) => USE[x]).join(' and ')}: anyone can forge a token for any user.`,
            location: { file: m.file, start: { line: u.loc.line, column: u.loc.col } },
            evidence: [{ kind: 'code', file: m.file, line: u.loc.line, snippet: u.snippet }],
          });
        }
      }
    }
  },
};
