/** The CLI as users run it: exit codes, formats, bad input, discovery rules, suppressions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.ts';

const ROOT = resolve(import.meta.dirname, '..');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: {}, cwd });
  return { code, out, err };
}

const WILDCARD = 'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\napp = FastAPI()\napp.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)\n';

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-cli-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

test('exit codes follow --fail-on', async () => {
  assert.equal((await run(['scan', 'examples/profiles-api'])).code, 1);
  assert.equal((await run(['scan', 'examples/profiles-api', '--fail-on', 'none'])).code, 0);
  assert.equal((await run(['scan', 'examples/profiles-api-fixed', '--fail-on', 'info'])).code, 0);
  assert.equal((await run(['scan', 'examples/profiles-api', '--fail-on', 'bogus'])).code, 2);
  assert.equal((await run(['scan', 'examples/profiles-api', '--format', 'xml'])).code, 2);
  assert.equal((await run(['scan'])).code, 2);
  assert.equal((await run(['frobnicate'])).code, 2);
});

test('a missing path is named, and the other paths are still scanned', async () => {
  const r = await run(['scan', 'no/such/dir', 'examples/profiles-api', '--format', 'json']);
  assert.equal(r.code, 1);
  assert.match(r.err, /no\/such\/dir: no such file or directory/);
  assert.ok(JSON.parse(r.out).findings.length > 0);
  assert.equal((await run(['scan', 'no/such/dir'])).code, 2);
});

test('unreadable and broken files are diagnostics; the scan goes on', async () => {
  const dir = tree({ 'bad.py': Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'broken.py': 'def (:\n' + WILDCARD, 'ok.py': WILDCARD });
  const r = await run(['scan', '.', '--format', 'json'], dir);
  const json = JSON.parse(r.out);
  assert.ok(json.diagnostics.some((d: { where: string; message: string }) => d.where === 'bad.py' && /UTF-8/.test(d.message)));
  assert.ok(json.diagnostics.some((d: { where: string }) => d.where.startsWith('broken.py')));
  assert.ok(json.findings.some((f: { location: { file: string } }) => f.location.file === 'ok.py'));
  rmSync(dir, { recursive: true });
});

test('.gitignore, virtualenvs, node_modules and --exclude are skipped', async () => {
  const dir = tree({
    '.gitignore': 'generated/\n',
    'generated/app.py': WILDCARD,
    '.venv/lib/app.py': WILDCARD,
    'env2/pyvenv.cfg': 'home = /usr/bin\n',
    'env2/lib/app.py': WILDCARD,
    'node_modules/x/app.py': WILDCARD,
    'legacy/app.py': WILDCARD,
    'src/app.py': WILDCARD,
  });
  const r = await run(['scan', '.', '--format', 'json', '--exclude', 'legacy/'], dir);
  const files = JSON.parse(r.out).findings.map((f: { location: { file: string } }) => f.location.file);
  assert.deepEqual([...new Set(files)], ['src/app.py']);
  rmSync(dir, { recursive: true });
});

test('inline suppression needs a reason', async () => {
  const dir = tree({
    'a.py': WILDCARD.replace('app.add_middleware', '# crossread: ignore[cors-wildcard-with-credentials] public demo API, no cookies\napp.add_middleware'),
    'b.py': WILDCARD.replace('app.add_middleware', '# crossread: ignore[cors-wildcard-with-credentials]\napp.add_middleware'),
  });
  const json = JSON.parse((await run(['scan', '.', '--format', 'json'], dir)).out);
  assert.deepEqual(json.findings.map((f: { location: { file: string } }) => f.location.file), ['b.py']);
  assert.equal(json.suppressed[0].suppressed.reason, 'public demo API, no cookies');
  assert.ok(json.diagnostics.some((d: { message: string }) => /has no reason/.test(d.message)));
  rmSync(dir, { recursive: true });
});

test('--output writes the file; rules and explain work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-out-'));
  const r = await run(['scan', 'examples/profiles-api', '--format', 'sarif', '--output', join(dir, 'r.sarif'), '--fail-on', 'none']);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')).version, '2.1.0');
  assert.match((await run(['rules'])).out, /cors-wildcard-with-credentials/);
  const ex = await run(['explain', 'cors-null-origin']);
  assert.equal(ex.code, 0);
  assert.match(ex.out, /Limits:/);
  assert.equal((await run(['explain', 'nope'])).code, 2);
  rmSync(dir, { recursive: true });
});

test('explain prints the page for the stack asked for, rendered for the terminal or as Markdown', async () => {
  const lambda = await run(['explain', 'dynamodb-key-from-request', '--framework', 'lambda', '--datastore', 'dynamodb']);
  assert.equal(lambda.code, 0, lambda.err);
  assert.match(lambda.out, /^Lambda handler reads a DynamoDB item by a key from the event \(BOLA\)\n═+\n/);
  assert.match(lambda.out, /✓ fixed \(python\)\n {4}│ import json/, 'code blocks are labelled and indented');
  assert.match(lambda.out, /✗ vulnerable \(python\)/);
  assert.doesNotMatch(lambda.out, /\x1b\[|^```|^---$/m, 'no ANSI codes when stdout is not a terminal, no fences, no front matter');
  const long = lambda.out.split('\n').filter((l) => l.length > 100 && !l.includes('│') && !l.startsWith('  crossread explain') && / /.test(l.trim()));
  assert.deepEqual(long, [], 'prose is wrapped at 100 columns (code and long URLs are not)');
  assert.match(lambda.out, /Also written for:\n  crossread explain dynamodb-key-from-request {2}\(any stack\)\n  crossread explain dynamodb-key-from-request --framework fastapi --datastore dynamodb {2}\(FastAPI × DynamoDB\)\n$/);
  const fastapi = await run(['explain', 'dynamodb-key-from-request', '--framework', 'fastapi']);
  assert.match(fastapi.out, /^FastAPI route reads a DynamoDB item/);
  const generic = await run(['explain', 'dynamodb-key-from-request']);
  assert.match(generic.out, /^DynamoDB key taken from request input \(BOLA\)/);
  const md = await run(['explain', 'dynamodb-key-from-request', '--framework', 'lambda', '--markdown']);
  assert.match(md.out, /^# Lambda handler reads[\s\S]*^```python fixed$/m);
  const bad = await run(['explain', 'dynamodb-key-from-request', '--framework', 'flask']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--framework must be one of fastapi, lambda \(got "flask"\)/);
  assert.equal((await run(['explain', 'dynamodb-key-from-request', '--datastore', 'postgres'])).code, 2);
  assert.equal((await run(['explain', '--framework', 'lambda'])).code, 2);
});

test('findings and chains carry the stack they sit on, and reports point at its page', async () => {
  const r = await run(['scan', 'examples/profiles-api', '--format', 'json', '--fail-on', 'none']);
  const json = JSON.parse(r.out) as { findings: { ruleId: string; source: string; location: { file?: string }; route?: { path: string }; stack?: string }[]; chains: { id: string; route: { file?: string }; stack?: string }[] };
  const stackOf = (rule: string, file: string) => json.findings.find((f) => f.ruleId === rule && f.location.file?.endsWith(file))?.stack;
  assert.equal(stackOf('dynamodb-key-from-request', 'app/routes/profiles.py'), 'fastapi-dynamodb');
  assert.equal(stackOf('dynamodb-key-from-request', 'lambda_handlers/export.py'), 'lambda-dynamodb');
  // an IaC finding on a gateway route takes the stack of the handler behind it
  assert.ok(json.findings.filter((f) => f.ruleId === 'gateway-route-without-authorizer' && f.route?.path === '/export/{user_id}').every((f) => f.stack === 'lambda-dynamodb'));
  assert.ok(json.chains.filter((c) => c.route.file?.endsWith('lambda_handlers/export.py')).every((c) => c.stack === 'lambda-dynamodb'));
  const text = (await run(['scan', 'examples/profiles-api', '--fail-on', 'none'])).out;
  assert.match(text, /crossread explain dynamodb-key-from-request --framework lambda --datastore dynamodb/);
  assert.match(text, /crossread explain dynamodb-key-from-request --framework fastapi --datastore dynamodb/);
  // no DynamoDB in sight: the generic page
  const dir = tree({ 'app.py': WILDCARD });
  const plain = JSON.parse((await run(['scan', dir, '--format', 'json', '--fail-on', 'none'])).out) as { findings: { stack?: string }[] };
  assert.ok(plain.findings.length && plain.findings.every((f) => f.stack === undefined));
  rmSync(dir, { recursive: true });
});

test('bearer-only auth lowers wildcard-with-credentials; cookies raise it', async () => {
  const bearer = tree({ 'app.py': WILDCARD + 'from fastapi.security import HTTPBearer\nbearer = HTTPBearer()\n' });
  const cookie = tree({ 'app.py': WILDCARD + 'from fastapi.security import APIKeyCookie\nsession = APIKeyCookie(name="s")\n' });
  const sev = async (d: string) => JSON.parse((await run(['scan', '.', '--format', 'json'], d)).out).findings[0].severity;
  assert.equal(await sev(bearer), 'medium');
  assert.equal(await sev(cookie), 'critical');
  rmSync(bearer, { recursive: true });
  rmSync(cookie, { recursive: true });
});

test('json lists routes with their auth style and the DynamoDB operations they reach', async () => {
  const json = JSON.parse((await run(['scan', 'examples/profiles-api', '--format', 'json', '--fail-on', 'none'])).out);
  const byRoute = new Map(json.routes.map((r: { method: string; path: string }) => [`${r.method} ${r.path}`, r]));
  const profile = byRoute.get('GET /profiles/{user_id}') as { auth: string[]; dynamodb: { op: string; table: string }[] };
  assert.deepEqual(profile.auth, ['cookie']);
  assert.deepEqual(profile.dynamodb.map((d) => `${d.op} ${d.table}`), ['get_item profiles']);
  const order = byRoute.get('GET /orders/{order_id}') as { auth: string[]; dynamodb: { op: string }[] };
  assert.deepEqual(order.auth, ['bearer']);
  // a Lambda handler's route comes from the template in front of it
  const exp = json.routes.find((r: { handler: string }) => r.handler === 'lambda_handlers.export.handler');
  assert.equal(`${exp.method} ${exp.path}`, 'GET /export/{user_id}');
  assert.deepEqual(exp.gateway.map((g: { api: string; authorizer: string }) => `${g.api} ${g.authorizer}`), ['ProfilesApi none', 'aws_apigatewayv2_api.http none']);
  // behind the REST API's MOCK OPTIONS: the gateway answers preflights, the app's CORSMiddleware the real responses
  const gw = (profile as unknown as { gateway: { api: string; cors: { preflight: { layer: string }; actual: { layer: string; origins: string[] } } }[] }).gateway;
  const rest = gw.find((g) => g.api === 'ProfilesApi')!.cors;
  assert.equal(rest.preflight.layer, 'mock-options');
  assert.deepEqual([rest.actual.layer, rest.actual.origins], ['code', ['*']]);
  // behind the HTTP API (the Terraform variant) the gateway answers both, and the app's policy never reaches a browser
  const http = gw.find((g) => g.api === 'aws_apigatewayv2_api.http')!.cors;
  assert.deepEqual([http.preflight.layer, http.actual.layer], ['gateway', 'gateway']);
  const bola = json.findings.find((f: { ruleId: string; route?: { path: string } }) => f.ruleId === 'dynamodb-key-from-request' && f.route?.path === '/profiles/{user_id}');
  assert.ok(bola, 'the BOLA finding carries its route');
});

test('--url, --param and --verify are checked, and chains count for --fail-on', async () => {
  const badParam = await run(['scan', 'examples/profiles-api', '--param', 'user_id']);
  assert.equal(badParam.code, 2);
  assert.match(badParam.err, /--param takes name=value/);
  const badUrl = await run(['scan', '--url', 'ftp://example.com']);
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.err, /--url takes an http:\/\/ or https:\/\/ URL/);
  const noLive = await run(['scan', 'examples/profiles-api-fixed', '--verify', '--fail-on', 'info']);
  assert.equal(noLive.code, 0);
  assert.match(noLive.err, /--verify needs a running API/);
  const chains = await run(['scan', 'examples/profiles-api', '--format', 'json', '--fail-on', 'critical']);
  assert.equal(chains.code, 1);
  assert.ok(JSON.parse(chains.out).chains.length > 0);
  const explain = await run(['explain', 'cross-origin-bola']);
  assert.equal(explain.code, 0);
  assert.match(explain.out, /Attack chain: cross-origin-bola · steps: 1\. CORS lets a foreign origin read credentialed responses/);
});

test('--baseline: a fixed finding shows as fixed, a new one as new, and --fail-on counts only new ones', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-baseline-'));
  try {
    const { cpSync } = await import('node:fs');
    cpSync(join(ROOT, 'examples', 'profiles-api'), join(dir, 'svc'), { recursive: true });
    const first = await run(['scan', 'svc', '--format', 'json', '--output', 'before.json', '--fail-on', 'none'], dir);
    assert.equal(first.code, 0, first.err);
    // nothing changed: every finding unchanged, the run passes even at --fail-on info
    const same = await run(['scan', 'svc', '--baseline', 'before.json', '--fail-on', 'info'], dir);
    assert.equal(same.code, 0, same.out.slice(-400));
    assert.match(same.out, / 0 new, \d+ unchanged, 0 fixed/);
    // fix the debug switch, add a vulnerable route
    const dev = join(dir, 'svc', 'app', 'local_dev.py');
    writeFileSync(dev, readFileSync(dev, 'utf8').replace('app.debug = True', 'app.debug = False'));
    writeFileSync(join(dir, 'svc', 'app', 'errors.py'), 'import boto3\nfrom botocore.exceptions import ClientError\nfrom fastapi import FastAPI, HTTPException\n\nextra = FastAPI()\ntable = boto3.resource("dynamodb").Table("items")\n\n\n@extra.get("/items")\ndef items():\n    try:\n        return table.query(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": "x"})["Items"]\n    except ClientError as e:\n        raise HTTPException(status_code=500, detail=str(e))\n');
    const after = await run(['scan', 'svc', '--baseline', 'before.json', '--format', 'json', '--fail-on', 'high'], dir);
    const r = JSON.parse(after.out);
    assert.ok(r.baseline.fixed.some((f: { ruleId: string }) => f.ruleId === 'debug-mode-enabled'), 'the debug finding is fixed');
    const fresh = r.findings.filter((f: { baseline: string }) => f.baseline === 'new');
    assert.deepEqual(fresh.map((f: { ruleId: string; location: { file: string } }) => `${f.ruleId} ${f.location.file}`), ['dynamodb-scan-exposed svc/app/errors.py', 'error-detail-to-client svc/app/errors.py']);
    assert.equal(after.code, 1, 'a new high finding fails the run');
    const text = await run(['scan', 'svc', '--baseline', 'before.json', '--fail-on', 'critical'], dir);
    assert.equal(text.code, 0, 'no new critical: the existing criticals do not fail it');
    assert.match(text.out, /error-detail-to-client {2}svc\/app\/errors\.py:\d+:\d+ {2}\[new\]/);
    assert.match(text.out, /Fixed since before\.json \(1\)\n {2}MEDIUM +debug-mode-enabled {2}svc\/app\/local_dev\.py:25/);
    const sarif = JSON.parse((await run(['scan', 'svc', '--baseline', 'before.json', '--format', 'sarif', '--fail-on', 'none'], dir)).out);
    assert.ok(sarif.runs[0].results.some((x: { baselineState?: string }) => x.baselineState === 'new'));
    // a baseline that is not a report: a clear error naming the file
    writeFileSync(join(dir, 'bad.json'), '{"hello": 1}');
    const bad = await run(['scan', 'svc', '--baseline', 'bad.json'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--baseline bad\.json: not a crossread JSON report/);
    const missing = await run(['scan', 'svc', '--baseline', 'nope.json'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--baseline nope\.json: cannot read \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('app CORS findings weigh the gateway: behind a token authorizer on every route the cookie-riding read is medium; without the templates it is critical', async () => {
  const withIac = JSON.parse((await run(['scan', 'examples/profiles-api', '--format', 'json', '--fail-on', 'none'])).out) as { findings: { ruleId: string; severity: string; message: string }[] };
  const gated = withIac.findings.find((f) => f.ruleId === 'cors-wildcard-with-credentials')!;
  assert.equal(gated.severity, 'medium');
  assert.match(gated.message, /every gateway route in front \(ProfilesApi ANY \/\{proxy\+\}: cognito, aws_apigatewayv2_api\.http ANY \$default: cognito\) wants a token in the Authorization header/);
  const dir = mkdtempSync(join(tmpdir(), 'crossread-nogw-'));
  cpSync(join(ROOT, 'examples/profiles-api/app'), join(dir, 'app'), { recursive: true });
  const bare = JSON.parse((await run(['scan', dir, '--format', 'json', '--fail-on', 'none'])).out) as typeof withIac;
  rmSync(dir, { recursive: true });
  assert.equal(bare.findings.find((f) => f.ruleId === 'cors-wildcard-with-credentials')!.severity, 'critical');
});
