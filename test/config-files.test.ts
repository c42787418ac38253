/** .env files and template environment blocks: what is read, what is skipped, bad input, and redaction in every format. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scan } from '../src/engine/scan.ts';
import { FORMATS, render } from '../src/report/index.ts';
import { isEnvFileName, parseEnvFile } from '../src/code/config/env-files.ts';
import { isCloudFormation, readCloudFormation } from '../src/code/iac/cloudformation.ts';
import { annotatedFiles, annotations } from './helpers/annotations.ts';

const FIXTURES = ['hardcoded-credentials', 'secrets-in-function-environment'].map((r) => resolve(import.meta.dirname, 'fixtures/rules', r));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('.env files are recognised by name; copy-me templates are not read', () => {
  for (const n of ['.env', '.env.production', '.env.local', 'prod.env']) assert.ok(isEnvFileName(n), n);
  for (const n of ['.env.example', '.env.sample', '.env.template', '.env.dist', 'example.env', '.envrc', 'env.py']) assert.ok(!isEnvFileName(n), n);
  const { file, problems } = parseEnvFile('# c\nexport A=1\nB="two words" # note\nC=x #y\nnot a line\nD="multi\nline"\n', '.env');
  assert.deepEqual(file.variables.map((v) => [v.name, v.value, v.line]), [['A', '1', 2], ['B', 'two words', 3], ['C', 'x', 4], ['D', 'multi\nline', 6]]);
  assert.deepEqual(problems, ['line 5: not KEY=value; ignored']);
});

test('CloudFormation short tags parse, and a tagged value is never a literal', () => {
  const text = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    'Resources:',
    '  Fn:',
    '    Type: AWS::Lambda::Function',
    '    Properties:',
    '      Environment:',
    '        Variables:',
    '          A: !Ref Table',
    '          B: !Sub "${AWS::Region}-x"',
    '          C: !GetAtt Table.Arn',
    '          D: !Join ["", [a, !Ref B]]',
    '          E: { "Fn::Sub": "x" }',
    '          F: plain',
    '          G: 12',
  ].join('\n');
  assert.ok(isCloudFormation(text));
  const { document, problems } = readCloudFormation({ text, file: 'template.yaml', dir: '' });
  assert.deepEqual(problems, []);
  assert.deepEqual(document!.functions[0].environment.map((v) => [v.name, v.value, v.at.line]), [['A', undefined, 8], ['B', undefined, 9], ['C', undefined, 10], ['D', undefined, 11], ['E', undefined, 12], ['F', 'plain', 13], ['G', '12', 14]]);
  assert.ok(!isCloudFormation('name: CI\non: push\njobs: {}\n'));
});

test('a broken template or .env is a diagnostic naming the file, and the scan goes on', async () => {
  const dir = project({
    'template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: { Environment: [\n',
    '.env': 'JWT_SECRET="Vq8nL2xK7mR4tW9z\n',
    'app.py': 'SECRET_KEY = "Tq4mX9vL2nR7wK8zPb3c"\n',
  });
  try {
    const r = await scan({ paths: [dir], cwd: dir });
    const yaml = r.diagnostics.find((d) => d.where === 'template.yaml');
    assert.ok(yaml && /not valid YAML at line \d+/.test(yaml.message), JSON.stringify(r.diagnostics));
    assert.ok(r.diagnostics.some((d) => d.where === '.env' && /not KEY=value/.test(d.message)), JSON.stringify(r.diagnostics));
    assert.ok(!JSON.stringify(r.diagnostics).includes('Vq8nL2xK7mR4tW9z'), 'a diagnostic must not quote the file');
    assert.ok(r.findings.some((f) => f.ruleId === 'hardcoded-credentials' && f.location.file === 'app.py'));
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('.env files that .gitignore ignores, and .env.example, are not read', async () => {
  const dir = project({
    '.gitignore': '.env.local\n',
    '.env.local': 'JWT_SECRET=Vq8nL2xK7mR4tW9zPb3cHy6d\n',
    '.env.example': 'JWT_SECRET=Vq8nL2xK7mR4tW9zPb3cHy6d\n',
    '.env.production': 'JWT_SECRET=Vq8nL2xK7mR4tW9zPb3cHy6d\n',
    'app.py': 'x = 1\n',
  });
  try {
    const r = await scan({ paths: [dir], cwd: dir });
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'hardcoded-credentials').map((f) => f.location.file), ['.env.production']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('no secret value of the fixture appears in any output format', async () => {
  // every value on a `ruleid` line of the fixture, as written
  const secrets = new Set<string>();
  for (const a of FIXTURES.flatMap((f) => annotatedFiles(f)).flatMap(annotations)) {
    if (a.kind !== 'ruleid') continue;
    const line = readFileSync(a.file, 'utf8').split('\n')[a.line - 1];
    for (const m of line.matchAll(/[A-Za-z0-9/+#!_-]{12,}/g)) if (/\d/.test(m[0]) && /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0])) secrets.add(m[0]);
    for (const m of line.matchAll(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g)) secrets.add(m[0]);
  }
  assert.ok(secrets.size >= 25, `only ${secrets.size} secrets collected`);
  const result = await scan({ paths: FIXTURES, cwd: resolve(import.meta.dirname, 'fixtures/rules') });
  assert.ok(result.findings.some((f) => f.ruleId === 'hardcoded-credentials'));
  assert.ok(result.findings.some((f) => f.ruleId === 'secrets-in-function-environment'));
  for (const format of FORMATS) {
    const out = render(format, result, { color: false, knowledge: {} });
    for (const s of secrets) {
      // the mask keeps at most four characters at each end: no eight consecutive characters may show
      for (let i = 0; i + 8 <= s.length; i++) assert.ok(!out.includes(s.slice(i, i + 8)), `${format} output shows part of a fixture secret (${s.slice(0, 4)}…)`);
    }
  }
});
