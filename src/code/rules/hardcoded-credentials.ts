import type { Evidence } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import type { ModuleModel } from '../python/ir.ts';
import type { SecretSite } from '../python/secret-sites.ts';
import type { Resolver } from '../python/resolve.ts';
import { credentialImpact, isTestModule, judgeSecret, maskSecrets, type SecretVerdict } from '../secrets.ts';

/** jwt.encode / jwt.decode of PyJWT, python-jose and authlib. */
const JWT_FUNCTIONS = /^(?:jwt|jose\.jwt|authlib\.jose\.jwt)\.(?:encode|decode)$/;

export const rule: Rule = {
  meta: {
    id: 'hardcoded-credentials',
    topic: 'hardcoded-credentials',
    summary: 'AWS keys, JWT signing secrets, passwords and API keys written into code, committed .env files or template environment blocks.',
    cwe: [540, 522],
    owasp: ['API2:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'experimental',
    remediation: 'Remove the credential from the source and rotate it; load it at run time from the execution role, Secrets Manager or SSM Parameter Store.',
    limits:
      'Reads Python and .env files (not .env.example/.sample/.template, nor files .gitignore ignores); literals in Lambda environment blocks of SAM, CloudFormation, serverless.yml, Terraform and CDK are reported by secrets-in-function-environment. ' +
      'Values are judged by format (AWS key ids, secret keys, session tokens) or by a secret-ish name with a generated-looking value (length, entropy, mixed characters), so dictionary-word passwords ("hunter2", "password123") and secrets built at run time are not reported. ' +
      'In test files (tests/, test_*.py, *_test.py, conftest.py) only real-format AWS access key ids are reported. A .env file is reported when the scan sees it, whether or not git tracks it.',
  },
  check({ project, config, report }) {
    for (const m of project.modules) {
      const testFile = isTestModule(m.module);
      // a CDK app's dict literals are Lambda environments: secrets-in-function-environment reports those
      const cdkApp = Object.values(m.imports).some((i) => /^aws_cdk(\.|$)/.test(i.module));
      // keyword arguments of one call (aws_access_key_id= and aws_secret_access_key=) make one finding
      const groups = new Map<string, { site: SecretSite; verdict: SecretVerdict }[]>();
      for (const site of m.secretSites) {
        if (cdkApp && site.how === 'dict') continue;
        if (site.how === 'jwt-key' && !JWT_FUNCTIONS.test(qualified(project.resolver, site, m))) continue;
        const verdict = judgeSecret({ value: site.value, name: site.name, jwtKey: site.how === 'jwt-key', testFile });
        if (!verdict) continue;
        const key = site.how === 'kwarg' ? `${site.loc.line}:${site.loc.col}` : `${site.at.line}:${site.at.col}`;
        const list = groups.get(key) ?? [];
        list.push({ site, verdict });
        groups.set(key, list);
      }
      for (const group of groups.values()) {
        const first = group[0].site;
        const kinds = unique(group.map((g) => g.verdict.kind));
        const secrets = group.map((g) => g.verdict.secret);
        const evidence: Evidence[] = [];
        for (const line of unique(group.map((g) => g.site.at.line))) {
          const site = group.find((g) => g.site.at.line === line)!.site;
          evidence.push({ kind: 'code', file: m.file, line, snippet: maskSecrets(site.snippet, secrets) });
        }
        report({
          message: `Hard-coded ${joinAnd(kinds)} ${place(group.map((g) => g.site), project.resolver, m)}: readable by anyone with the repository, its history or the deployment package.`,
          location: { file: m.file, start: { line: first.loc.line, column: first.loc.col } },
          impact: group.some((g) => credentialImpact(g.verdict.kind) === 'high') ? 'high' : 'medium',
          confidence: group.some((g) => g.verdict.byFormat) ? 'high' : 'medium',
          evidence,
          discriminator: `${kinds.join(',')}@${group.map((g) => g.site.name ?? g.site.how).join(',')}`,
        });
      }
    }
    for (const file of config?.files ?? []) {
      const testFile = /(?:^|[./])\.?env\.test(?:ing)?$/.test(file.file);
      for (const v of file.variables) {
        if (v.value === undefined) continue; // computed: !Ref, !Sub, Fn::GetAtt, a nested map
        const verdict = judgeSecret({ value: v.value, name: v.name, testFile });
        if (!verdict) continue;
        report({
          message: `Hard-coded ${verdict.kind} in ${v.name} of the committed ${file.file.split('/').at(-1) ?? file.file} file: readable by anyone with the repository.`,
          location: { file: file.file, start: { line: v.line, column: v.col } },
          impact: credentialImpact(verdict.kind),
          confidence: verdict.byFormat ? 'high' : 'medium',
          evidence: [{ kind: 'code', file: file.file, line: v.line, snippet: maskSecrets(v.snippet, [verdict.secret, v.value]) }],
          discriminator: v.name,
        });
      }
    }
  },
};

function qualified(resolver: Resolver, site: SecretSite, m: ModuleModel): string {
  return site.callee ? (resolver.qualify(site.callee, m) ?? site.callee.text ?? '') : '';
}

/** Where the literal sits, in the words of the code: `in aws_secret_access_key= of boto3.client()`. */
function place(sites: SecretSite[], resolver: Resolver, m: ModuleModel): string {
  const s = sites[0];
  const callee = s.callee?.text ?? 'a call';
  switch (s.how) {
    case 'kwarg':
      return `in ${joinAnd(unique(sites.map((x) => `${x.name}=`)))} of ${callee}()`;
    case 'assign':
      return `in ${s.name ?? 'an assignment'}`;
    case 'field':
      return `in the default of settings field ${s.cls ? `${s.cls}.` : ''}${s.name}`;
    case 'dict':
      return `in dict key ${JSON.stringify(s.name)}`;
    case 'env-default':
      return `as the fallback of ${callee}(${JSON.stringify(s.name)}), used whenever the variable is missing`;
    case 'jwt-key':
      return `passed to ${resolver.qualify(s.callee!, m) ?? callee}() as the signing key`;
    case 'param-default':
      return `in the default of parameter ${s.name}`;
    case 'string':
      return 'in a string literal';
  }
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function joinAnd(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}
