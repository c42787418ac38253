import type { Impact } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import { allOf } from '../iac/model.ts';
import { dynamoReach, placeEvidence, placeLocation, text } from './iac-context.ts';

const WRITE_ACTION = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|PartiQL(Insert|Update|Delete))$/i;
const placeKey = (p: { file: string; line: number }): string => `${p.file}:${p.line}`;

/** Templates and grants that give a function every write on a table. */
const READ_WRITE_TEMPLATES = /^(DynamoDBCrudPolicy|DynamoDBWritePolicy|grantReadWriteData|grantWriteData|grantFullAccess|AmazonDynamoDBFullAccess)$/;

export const rule: Rule = {
  meta: {
    id: 'iam-dynamodb-wildcard',
    topic: 'excessive-privilege',
    summary: "A function's IAM policy grants more DynamoDB than it uses: dynamodb:*, Resource '*', or read-write access for code that only reads.",
    cwe: [250, 732],
    owasp: ['API5:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['api-gateway', 'lambda'], datastore: ['dynamodb'] },
    source: 'iac',
    stability: 'experimental',
    remediation: 'Name the actions the code calls and the table ARNs it uses (SAM DynamoDBReadPolicy for read-only code; grantReadData in CDK; an index ARN for GSI queries).',
    limits:
      'Whether the code only reads is known when the handler is in the scanned repository; permission boundaries, SCPs and resource-based policies are not read. A Resource computed at deploy time (a parameter without default) is not judged.',
  },
  check({ project, iac, report }) {
    if (!iac) return;
    // one execution role often serves several functions: one finding per statement, naming them all
    const sharers = new Map<string, string[]>();
    for (const fn of allOf(iac.model).functions) for (const s of fn.statements) sharers.set(placeKey(s.at), [...new Set([...(sharers.get(placeKey(s.at)) ?? []), fn.name])]);
    const done = new Set<string>();
    for (const fn of allOf(iac.model).functions) {
      const reach = iac.links.code.has(fn) ? dynamoReach(project, iac.links, fn) : undefined;
      for (const s of fn.statements) {
        if (s.effect !== 'Allow') continue;
        const actions = s.actions.map(text);
        const dynamo = actions.filter((a) => /^dynamodb:/i.test(a) || a === '*');
        if (!dynamo.length) continue;
        const reasons: string[] = [];
        let impact: Impact = 'medium';
        const star = dynamo.find((a) => a === '*' || /^dynamodb:\*$/i.test(a));
        if (star) reasons.push(star === '*' ? "Action '*' (every action of every service)" : 'dynamodb:* (every DynamoDB action, DeleteTable and the backup and export APIs included)');
        // `*`, or a table ARN ending in `table/*` (its region and account may be computed: the ending is what matters)
        // (a computed ARN is kept as written, closing quote or backtick included)
        const everyTable = (r: string): boolean => r === '*' || /:table\/\*["'`]?$/.test(r);
        const wide = s.resources.map(text).find(everyTable);
        const anyResource = wide !== undefined;
        if (anyResource) reasons.push(`Resource ${wide} (every table in the account)`);
        if (star && anyResource) impact = 'high';
        const writeActions = dynamo.filter((a) => WRITE_ACTION.test(a));
        if (!star && reach?.known && reach.reads && !reach.writes && (writeActions.length || (s.template && READ_WRITE_TEMPLATES.test(s.template)))) {
          reasons.push(
            s.template
              ? `${s.template}, which allows writes and deletes on the table, while the code only reads (${reach.codeOps.join(', ')})`
              : `${writeActions.join(', ')}, while the code only reads (${reach.codeOps.join(', ')})`,
          );
          impact = 'low';
        }
        if (!reasons.length) continue;
        const key = `${placeKey(s.at)}:${reasons.join('|')}`;
        if (done.has(key)) continue;
        done.add(key);
        const names = sharers.get(placeKey(s.at)) ?? [fn.name];
        const who = names.length > 1 && !reasons.some((r) => r.includes('while the code only reads')) ? `The IAM policy of ${names.join(', ')}` : `${fn.name}'s IAM policy`;
        const writes = dynamo.some((a) => a === '*' || /^dynamodb:(\*|Put|Update|Delete|BatchWrite|TransactWrite|PartiQL(Insert|Update|Delete))/i.test(a));
        const consequence = anyResource
          ? writes
            ? 'read, change or delete any table the account holds'
            : 'read every table the account holds'
          : star
            ? 'do anything to that table, deleting it or its backups included'
            : 'change or delete items it never needs to touch';
        report({
          message: `${who} grants ${reasons.join('; ')}: a bug or an injected request in ${names.length > 1 ? 'any of them' : 'this function'} can ${consequence}.`,
          location: placeLocation(s.at),
          impact,
          evidence: [placeEvidence(s.at)],
          discriminator: key,
        });
      }
    }
  },
};
