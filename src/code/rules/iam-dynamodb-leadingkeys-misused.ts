import type { Rule } from './rule.ts';
import { allOf } from '../iac/model.ts';
import { placeEvidence, placeLocation, text } from './iac-context.ts';

/** Policy variables that only have a value for web-identity / Cognito identity-pool sessions (platform facts §6.1). */
const FEDERATED_VARIABLE = /\$\{(cognito-identity\.amazonaws\.com:sub|www\.amazon\.com:user_id|graph\.facebook\.com:id|accounts\.google\.com:sub)\}/;

export const rule: Rule = {
  meta: {
    id: 'iam-dynamodb-leadingkeys-misused',
    topic: 'broken-object-level-authorization',
    summary: 'dynamodb:LeadingKeys keyed on a Cognito identity variable on a Lambda role (no per-user isolation there), or a ForAllValues LeadingKeys condition that leaves Scan allowed.',
    cwe: [863, 639],
    owasp: ['API1:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['api-gateway', 'lambda'], datastore: ['dynamodb'] },
    source: 'iac',
    stability: 'experimental',
    remediation: "Isolate users in the code: key every DynamoDB call on the verified `sub` from the authorizer's claims and check ownership; keep LeadingKeys for identity-pool credentials only, and never allow Scan in such a statement.",
    limits:
      'Reads statements attached to Lambda functions in the IaC; roles assumed by browsers through a Cognito identity pool (where LeadingKeys does isolate users) are not judged. Session-tag based isolation is not recognised.',
  },
  check({ iac, report }) {
    if (!iac) return;
    const done = new Set<string>(); // a role shared by several functions: one finding per statement
    for (const fn of allOf(iac.model).functions) {
      for (const s of fn.statements) {
        if (s.effect !== 'Allow' || done.has(`${s.at.file}:${s.at.line}`)) continue;
        done.add(`${s.at.file}:${s.at.line}`);
        for (const [op, keys] of Object.entries(s.conditions)) {
          const entry = Object.entries(keys).find(([k]) => k.toLowerCase() === 'dynamodb:leadingkeys');
          if (!entry) continue;
          const values = entry[1].map(text);
          const federated = values.map((v) => FEDERATED_VARIABLE.exec(v)?.[0]).find(Boolean);
          if (federated) {
            report({
              message: `${fn.name}'s policy limits DynamoDB to items whose partition key is ${federated}, but a Lambda calls DynamoDB with its execution role: the variable has no value there, so the statement gives no per-user isolation (it may not apply at all), and every user's items are as reachable as the code lets them be.`,
              location: placeLocation(s.at),
              evidence: [placeEvidence(s.at, `${op} dynamodb:LeadingKeys`)],
              discriminator: `${fn.id}:${s.at.path}:variable`,
            });
          }
          const actions = s.actions.map(text);
          const scan = actions.find((a) => a === '*' || /^dynamodb:(\*|Scan)$/i.test(a));
          if (/^ForAllValues:/i.test(op) && scan) {
            report({
              message: `${fn.name}'s policy allows ${scan} under ${op} dynamodb:LeadingKeys: ForAllValues is true when the request has no partition key, and a Scan has none, so the whole table can be scanned whatever the condition says.`,
              location: placeLocation(s.at),
              impact: 'high',
              evidence: [placeEvidence(s.at, `${op} dynamodb:LeadingKeys`)],
              discriminator: `${fn.id}:${s.at.path}:scan`,
            });
          }
        }
      }
    }
  },
};
