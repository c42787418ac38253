import type { Rule } from './rule.ts';
import { allOf } from '../iac/model.ts';
import { credentialImpact, judgeSecret, maskSecrets } from '../secrets.ts';
import { placeLocation } from './iac-context.ts';

export const rule: Rule = {
  meta: {
    id: 'secrets-in-function-environment',
    topic: 'hardcoded-credentials',
    summary: 'A credential written as a literal in a Lambda function\'s environment variables (SAM, CloudFormation, serverless.yml, Terraform, CDK).',
    cwe: [526, 540, 522],
    owasp: ['API8:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['lambda', 'api-gateway'], datastore: ['any'] },
    source: 'iac',
    stability: 'experimental',
    remediation: 'Keep the secret in Secrets Manager or SSM Parameter Store (SecureString), pass its name in the environment, and read it at start-up with the function\'s role.',
    limits:
      'Judges literal values only (a reference, a parameter, `${ssm:…}` or a Terraform variable without default is computed and not reported); values are judged by format or by a secret-ish name with a generated-looking value, so dictionary-word passwords are not reported.',
  },
  check({ iac, report }) {
    if (!iac) return;
    const seen = new Set<string>();
    for (const fn of allOf(iac.model).functions) {
      for (const v of fn.environment) {
        if (v.value === undefined) continue;
        // a Globals / provider-wide variable reaches every function: one finding where it is written
        const key = `${v.at.file}:${v.at.line}:${v.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const shared = /^(Globals|provider)\./.test(v.at.path);
        const verdict = judgeSecret({ value: v.value, name: v.name });
        if (!verdict) continue;
        const file = v.at.file.split('/').at(-1) ?? v.at.file;
        report({
          message: `Hard-coded ${verdict.kind} in environment variable ${v.name} of ${shared ? 'every function' : fn.name} (${v.at.path} in ${file}): readable by anyone with the repository, and by anyone allowed lambda:GetFunctionConfiguration.`,
          location: placeLocation(v.at),
          impact: credentialImpact(verdict.kind),
          confidence: verdict.byFormat ? 'high' : 'medium',
          evidence: [{ kind: 'code', file: v.at.file, line: v.at.line, snippet: maskSecrets(v.at.snippet, [verdict.secret, v.value]) }],
          discriminator: key,
        });
      }
    }
  },
};
