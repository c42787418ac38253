/** IaC in a scan: bad files are diagnostics naming the file, within bounded time, and the rest of the scan completes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/engine/scan.ts';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-iac-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

test('a malformed template, a YAML alias bomb and an HCL syntax error are diagnostics; the scan goes on', async () => {
  const bomb = ['service: bomb', 'provider:', '  name: aws', 'custom:', '  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) bomb.push(`  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
  bomb.push('functions:', '  f:', '    handler: h.handler', '    environment:', '      X: ${self:custom.a9}');
  const dir = project({
    'infra/template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Fn: { Type: AWS::Lambda::Function, Properties: { Environment: [\n',
    'serverless.yml': bomb.join('\n') + '\n',
    'deploy/main.tf': 'resource "aws_apigatewayv2_api" "api" {\n  name = "x"\n  cors_configuration {\n    allow_origins = ["*"\n  }\n}\n\nresource "aws_dynamodb_table" "t" {\n  name = "t"\n  hash_key = "id"\n}\n',
    'deploy/ok.tf': 'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  handler = "app.handler"\n  runtime = "python3.12"\n  environment {\n    variables = {\n      API_TOKEN = "Vq8nL2xK7mR4tW9zPb3cHy6d"\n    }\n  }\n}\n',
    'app.py': 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n',
  });
  try {
    const t0 = performance.now();
    const r = await scan({ paths: [dir], cwd: dir });
    assert.ok(performance.now() - t0 < 10_000, 'bounded time');
    const where = (file: string) => r.diagnostics.filter((d) => d.where === file).map((d) => d.message);
    assert.match(where('infra/template.yaml')[0] ?? '', /not valid YAML at line \d+, column \d+/);
    assert.ok(where('serverless.yml').length === 1, JSON.stringify(r.diagnostics));
    assert.match(where('deploy/main.tf')[0] ?? '', /syntax error at line \d+, column \d+/);
    // the rest was read: Python findings, and the valid Terraform file of the same module
    assert.ok(r.findings.some((f) => f.ruleId === 'cors-wildcard-with-credentials'));
    assert.ok(r.findings.some((f) => f.ruleId === 'secrets-in-function-environment' && f.location.file === 'deploy/ok.tf' && f.source === 'iac'));
    assert.ok(!JSON.stringify(r).includes('Vq8nL2xK7mR4tW9zPb3cHy6d'), 'the secret is redacted everywhere');
  } finally {
    rmSync(dir, { recursive: true });
  }
});
