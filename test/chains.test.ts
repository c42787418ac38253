/**
 * Attack chains, the route index, live confirmation, the grade and the browser proof. Static cases read the
 * example service and small projects; live cases run the example app itself (uvicorn over dynalite) and
 * its fixed twin and a bearer-only variant, and the proof runs in Debian's Chromium.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scan } from '../src/engine/scan.ts';
import { render } from '../src/report/index.ts';
import { matchLive, normalisePath, routeKey } from '../src/correlate/route-key.ts';
import { gradeOf } from '../src/score/grade.ts';
import { CHROMIUM_PATHS, openVerifier } from '../src/verify/browser.ts';
import { makeFinding, type Finding } from '../src/findings/index.ts';
import type { Chain } from '../src/correlate/index.ts';
import { pythonStackSkipReason, startDynalite, startExample, type DynaliteHandle, type ExampleHandle } from './servers/harness.ts';

const ROOT = resolve(import.meta.dirname, '..');
const chainsOf = (cs: Chain[], id: string, path?: string): Chain[] => cs.filter((c) => c.id === id && (!path || c.route.path === path));
const showChains = (cs: Chain[]): string => cs.map((c) => `${c.severity} ${c.id} ${c.route.key}: ${c.limitedBy?.why ?? ''}`).join('\n');

/** Scans a throwaway project made of these files (path → text). */
async function scanFiles(files: Record<string, string>): Promise<Awaited<ReturnType<typeof scan>>> {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-chain-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await scan({ paths: [dir], cwd: dir });
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** A SAM function running `app.handler` on GET /profiles/{user_id}, on the API `api` when given (else SAM's implicit one). */
const profileFunction = (api?: string) => `  ProfileFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: .
      Events:
        Get:
          Type: Api
          Properties:
${api ? `            RestApiId: !Ref ${api}\n` : ''}            Path: /profiles/{user_id}
            Method: get
`;

describe('route keys', () => {
  test('templates normalise; live URLs match templates behind a stage prefix', () => {
    assert.equal(normalisePath('/profiles/{user_id}/'), '/profiles/{}');
    assert.equal(routeKey({ method: 'HEAD', path: '/x/{id}' }), 'GET /x/{}');
    const known = [{ method: 'GET', path: '/profiles' }, { method: 'GET', path: '/profiles/{user_id}' }, { method: 'GET', path: '/profiles/me' }];
    assert.equal(matchLive('GET', undefined, 'https://api.example.com/prod/profiles/u1', known)?.path, '/profiles/{user_id}');
    assert.equal(matchLive('GET', undefined, 'https://api.example.com/profiles/me', known)?.path, '/profiles/me', 'a literal segment beats a parameter');
    assert.equal(matchLive('GET', '/profiles/{id}', 'http://127.0.0.1:1/profiles/x', known)?.path, '/profiles/{user_id}');
    assert.equal(matchLive('GET', undefined, 'https://api.example.com/a/b/c/profiles/u1', known), undefined, 'at most two prefix segments');
    assert.equal(matchLive('POST', undefined, 'https://api.example.com/profiles/u1', known), undefined);
  });
});

describe('chains from source and templates', () => {
  test('the example: gateways with a Cognito authorizer hold the cookie chains back, and the report says why', async () => {
    const r = await scan({ paths: ['examples/profiles-api'], cwd: ROOT });
    const open = chainsOf(r.chains, 'unauthenticated-data-exposure', '/export/{user_id}')[0];
    assert.ok(open && open.severity === 'high', showChains(r.chains));
    const bola = chainsOf(r.chains, 'cross-origin-bola', '/profiles/{user_id}')[0];
    assert.ok(bola, showChains(r.chains));
    assert.equal(bola.severity, 'low');
    assert.equal(bola.limitedBy?.step, 'ambient-auth');
    assert.match(bola.limitedBy!.why, /Authorization header/);
    assert.ok(bola.steps.find((s) => s.id === 'bola')!.locations.some((l) => l.file === 'examples/profiles-api/app/routes/profiles.py' && l.start?.line === 38), 'the step points at the code line');
    // a BOLA read supersedes the plain credentialed read on the same route
    assert.equal(chainsOf(r.chains, 'cross-origin-credentialed-read', '/profiles/{user_id}').length, 0);
    const idx = r.routeIndex.find((e) => e.key === 'GET /profiles/{}')!;
    assert.deepEqual(idx.auth, ['cookie']);
    assert.ok(idx.cors.some((c) => c.via.startsWith('ProfilesApi') && c.authorizer === 'cognito'));
    assert.ok(idx.dynamodb.some((d) => d.op === 'get_item' && d.read));
    const text = render('text', r, { color: false, knowledge: {} });
    assert.ok(text.indexOf('Attack chains') < text.indexOf('cors-wildcard-with-credentials'), 'chains come first');
    assert.match(text, /^Grade: \d+\/100 \([A-F]\)/m);
  });

  test('the fixed twin: no chain, grade A', async () => {
    const r = await scan({ paths: ['examples/profiles-api-fixed'], cwd: ROOT });
    assert.deepEqual(r.chains, []);
    assert.equal(r.grade.grade, 'A');
  });

  test('a cookie the code sets with SameSite=None makes the chain critical; a bearer-only app has the same findings and no critical chain', async () => {
    const app = (auth: string, extra = '') => `import boto3
from fastapi import Depends, FastAPI, HTTPException, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import ${auth === 'cookie' ? 'APIKeyCookie' : 'HTTPBearer'}

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
table = boto3.resource("dynamodb").Table("profiles")
scheme = ${auth === 'cookie' ? 'APIKeyCookie(name="session")' : 'HTTPBearer()'}


def require_session(token=Depends(scheme)) -> str:
    return token


@app.get("/profiles/{user_id}", dependencies=[Depends(require_session)])
def get_profile(user_id: str):
    resp = table.get_item(Key={"user_id": user_id})
    if "Item" not in resp:
        raise HTTPException(status_code=404, detail="Profile not found")
    return resp["Item"]


@app.post("/session", status_code=204)
def start(response: Response, session_id: str):
    response.set_cookie("session", session_id, secure=True, samesite="none")
${extra}`;
    const run = async (src: string) => {
      return scanFiles({ 'app.py': src });
    };
    const cookie = await run(app('cookie'));
    const bearer = await run(app('bearer'));
    assert.equal(chainsOf(cookie.chains, 'cross-origin-bola')[0]?.severity, 'critical', showChains(cookie.chains));
    assert.match(chainsOf(cookie.chains, 'cross-origin-bola')[0].steps[1].why, /SameSite=None \(app\.py:\d+\)/);
    const rules = (r: typeof cookie) => r.findings.map((f) => `${f.ruleId}@${f.location.start?.line}`).sort();
    assert.deepEqual(rules(bearer), rules(cookie), 'the same static findings');
    assert.ok(!bearer.chains.some((c) => c.severity === 'critical'), showChains(bearer.chains));
    const b = chainsOf(bearer.chains, 'cross-origin-bola')[0];
    assert.equal(b.severity, 'low');
    assert.match(b.limitedBy!.why, /bearer token in a header, which a foreign page cannot make the browser send/);
    assert.match(render('text', bearer, { color: false, knowledge: {} }), /cross-origin-bola on GET \/profiles\/\{user_id\} — the route authenticates with a bearer token/);
  });

  test('a plain Lambda handler that reads the session cookie (REST Cookie header, HTTP API cookies list) and echoes the origin forms cross-origin-bola', async () => {
    const handler = (cookie: string) => `import json
import os

import boto3

dynamodb = boto3.resource("dynamodb")
sessions = dynamodb.Table(os.environ.get("SESSIONS_TABLE", "sessions"))
profiles = dynamodb.Table(os.environ.get("PROFILES_TABLE", "profiles"))


def session_of(event):
${cookie}
    return sessions.get_item(Key={"session_id": sid}).get("Item") if sid else None


def handler(event, context):
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if session_of(event) is None:
        return {"statusCode": 401, "body": ""}
    item = profiles.get_item(Key={"user_id": event["pathParameters"]["user_id"]}).get("Item")
    cors = {"Access-Control-Allow-Origin": headers.get("origin", ""), "Access-Control-Allow-Credentials": "true"}
    return {"statusCode": 200, "headers": cors, "body": json.dumps(item, default=str)}
`;
    const template = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
${profileFunction()}`;
    const shapes = {
      rest: '    raw = {k.lower(): v for k, v in (event.get("headers") or {}).items()}.get("cookie", "")\n    sid = raw.partition("session=")[2].split(";")[0]',
      http: '    jar = dict(c.split("=", 1) for c in event.get("cookies") or [])\n    sid = jar.get("session")',
    };
    for (const [shape, cookie] of Object.entries(shapes)) {
      const r = await scanFiles({ 'app.py': handler(cookie), 'template.yaml': template });
      const bola = chainsOf(r.chains, 'cross-origin-bola', '/profiles/{user_id}')[0];
      assert.ok(bola, `${shape}: ${showChains(r.chains)}`);
      assert.equal(bola.severity, 'high', `${shape}: cookie SameSite unknown`);
      assert.match(bola.steps.find((st) => st.id === 'ambient-auth')!.why, /session cookie/);
      const cors = r.findings.find((f) => f.ruleId === 'cors-reflected-origin')!;
      assert.match(cors.message, /the API accepts cookies/, shape);
      assert.ok(!r.findings.some((f) => f.ruleId === 'dynamodb-key-from-request' && /sessions/.test(f.message)), `${shape}: the session lookup is not a BOLA`);
    }
  });

  test('a REST API Lambda REQUEST authorizer that reads the Cookie header is a cookie credential, not a token gate', async () => {
    const handler = `import json
import os

import boto3

profiles = boto3.resource("dynamodb").Table(os.environ.get("PROFILES_TABLE", "profiles"))


def handler(event, context):
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    item = profiles.get_item(Key={"user_id": event["pathParameters"]["user_id"]}).get("Item")
    cors = {"Access-Control-Allow-Origin": headers.get("origin", ""), "Access-Control-Allow-Credentials": "true"}
    return {"statusCode": 200, "headers": cors, "body": json.dumps(item, default=str)}
`;
    const template = (identity: string) => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: SessionAuth
        Authorizers:
          SessionAuth:
            FunctionArn: !GetAtt AuthFunction.Arn
${identity}
  AuthFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: auth.handler
      Runtime: python3.12
      CodeUri: .
${profileFunction('Api')}`;
    const run = async (identity: string) => {
      const r = await scanFiles({ 'app.py': handler, 'template.yaml': template(identity) });
      return chainsOf(r.chains, 'cross-origin-bola', '/profiles/{user_id}')[0];
    };
    const cookie = await run('            FunctionPayloadType: REQUEST\n            Identity:\n              Headers:\n                - Cookie');
    assert.equal(cookie?.severity, 'high');
    assert.match(cookie.steps.find((st) => st.id === 'ambient-auth')!.why, /authorizer of Api GET \/profiles\/\{user_id\} reads it from the Cookie header/);
    const token = await run('            Identity:\n              Header: Authorization');
    assert.equal(token, undefined, 'behind a TOKEN authorizer on the Authorization header there is no credential a foreign page can make the browser send');
  });

  test('a CORS finding on an argument line of a multi-line add_middleware call lands on the routes of that policy', async () => {
    const r = await scanFiles({
      'app.py': `import boto3
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import APIKeyCookie

app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=r"https://.*\\.vercel\\.app",
    allow_credentials=True,
    allow_methods=["*"],
)
profiles = boto3.resource("dynamodb").Table("profiles")
session = APIKeyCookie(name="session")


@app.get("/profiles/{user_id}")
def read(user_id: str, s: str = Depends(session)):
    return profiles.get_item(Key={"user_id": user_id}).get("Item")
`,
    });
    assert.equal(r.findings.find((f) => f.ruleId === 'cors-permissive-origin-regex')?.location.start?.line, 9);
    assert.ok(chainsOf(r.chains, 'cross-origin-bola', '/profiles/{user_id}').length, showChains(r.chains));
  });

  test('a module-level CORS headers dict serves the Lambda handler of its module: its error text joins cross-origin-error-leak (low, no credentials)', async () => {
    const r = await scanFiles({
      'app.py': `import json
import os

import boto3
from botocore.exceptions import ClientError

CORS = {"Access-Control-Allow-Origin": "*"}
stats = boto3.resource("dynamodb").Table(os.environ.get("STATS_TABLE", "stats"))


def handler(event, context):
    try:
        item = stats.get_item(Key={"pk": "global"}).get("Item") or {}
    except ClientError as e:
        return {"statusCode": 500, "headers": CORS, "body": json.dumps({"error": str(e)})}
    return {"statusCode": 200, "headers": CORS, "body": json.dumps(item, default=str)}
`,
    });
    assert.equal(r.findings.find((f) => f.ruleId === 'lambda-response-cors-wildcard')?.route?.handler, 'app.handler');
    assert.equal(chainsOf(r.chains, 'cross-origin-error-leak')[0]?.severity, 'low', showChains(r.chains));
  });

  test('cross-origin-error-leak: a debug traceback (answered outside CORSMiddleware) forms no chain, returned exception text does; bearer-only auth holds it at low', async () => {
    const app = (auth: 'cookie' | 'bearer', body: string) => `import boto3
from botocore.exceptions import ClientError
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import ${auth === 'cookie' ? 'APIKeyCookie' : 'HTTPBearer'}

app = FastAPI(debug=True)
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
orders = boto3.resource("dynamodb").Table("orders")
scheme = ${auth === 'cookie' ? 'APIKeyCookie(name="session")' : 'HTTPBearer()'}


@app.get("/orders/recent")
def recent(token=Depends(scheme)):
${body}
`;
    const traceback = '    return orders.scan(Limit=10)["Items"]';
    const detail = '    try:\n        return orders.scan(Limit=10)["Items"]\n    except ClientError as e:\n        return JSONResponse(status_code=500, content={"error": str(e)})';
    const run = async (auth: 'cookie' | 'bearer', body: string) => {
      return scanFiles({ 'app.py': app(auth, body) });
    };
    const tb = await run('cookie', traceback);
    assert.ok(tb.findings.some((f) => f.ruleId === 'debug-mode-enabled'), 'debug mode is still reported');
    assert.equal(chainsOf(tb.chains, 'cross-origin-error-leak').length, 0, showChains(tb.chains));
    const cookie = await run('cookie', detail);
    assert.equal(chainsOf(cookie.chains, 'cross-origin-error-leak')[0]?.severity, 'medium', showChains(cookie.chains));
    const bearer = chainsOf((await run('bearer', detail)).chains, 'cross-origin-error-leak')[0];
    assert.equal(bearer?.severity, 'low');
    assert.match(bearer.limitedBy!.why, /bearer token in a header/);
  });

  test('SARIF: chains are results with related locations and code flows through their steps', async () => {
    const r = await scan({ paths: ['examples/profiles-api'], cwd: ROOT });
    const log = JSON.parse(render('sarif', r, { color: false, knowledge: {} }));
    const res = log.runs[0].results.find((x: { ruleId: string; properties: { route: { path: string } } }) => x.ruleId === 'cross-origin-bola' && x.properties.route.path === '/profiles/{user_id}');
    assert.ok(res, 'a chain result');
    assert.ok(res.relatedLocations.length >= 2);
    assert.deepEqual(res.codeFlows[0].threadFlows[0].locations.map((l: { executionOrder: number }) => l.executionOrder), res.relatedLocations.map((_: unknown, i: number) => i + 1));
    assert.ok(log.runs[0].tool.driver.rules.some((x: { id: string }) => x.id === 'cross-origin-bola'));
    const json = JSON.parse(render('json', r, { color: false, knowledge: {} }));
    assert.ok(json.routeIndex.some((e: { key: string; cors: unknown[] }) => e.key === 'GET /profiles/{}' && e.cors.length));
    assert.ok(json.grade.score >= 0 && json.chains.length === r.chains.length);
  });
});

describe('grade', () => {
  const f = (severity: 'critical' | 'high' | 'medium' | 'low' | 'info', owasp: string): Finding => ({
    ...makeFinding({ ruleId: `r-${severity}`, topic: 't', source: 'code', message: 'm', impact: 'high', likelihood: 'high', confidence: 'high', cwe: [200], owasp: [owasp as 'API1:2023'], location: { file: 'a.py', start: { line: 1, column: 1 } }, remediation: { summary: 's' } }),
    severity,
  });
  test('info costs nothing, categories are capped, a proved chain costs most', () => {
    assert.equal(gradeOf([f('info', 'API8:2023'), f('info', 'API1:2023')], []).score, 100);
    assert.equal(gradeOf([], []).grade, 'A');
    const many = gradeOf(Array.from({ length: 20 }, () => f('high', 'API8:2023')), []);
    assert.equal(many.score, 70, 'CORS and configuration is capped at 30 points');
    const chain = { id: 'cross-origin-bola', severity: 'critical', route: { key: 'GET /x', method: 'GET', path: '/x' }, steps: [], cwe: [], owasp: [], title: '', story: '', fingerprint: 'x' } as unknown as Chain;
    const unproved = gradeOf([], [chain]).score;
    const proved = gradeOf([], [{ ...chain, proof: { browser: 'c', origin: 'o', url: 'u', readable: true, status: 200, bytes: 1, excerpt: '', cookies: [] } }]).score;
    assert.ok(proved < unproved && unproved <= 60, `${proved} < ${unproved}`);
    assert.equal(gradeOf([], [chain]).categories.find((c) => c.id === 'chains')!.lost, 40);
  });
});

const chromium = CHROMIUM_PATHS.find((p) => existsSync(p));
const liveSkip = pythonStackSkipReason() || (chromium ? false : `no Chromium at ${CHROMIUM_PATHS.join(' or ')}: apt-get install -y chromium`);

describe('the example service running, scanned with its source, proved in a browser', { skip: liveSkip }, () => {
  let dynamo: DynaliteHandle;
  let vulnerable: ExampleHandle;
  let fixed: ExampleHandle;
  let bearer: ExampleHandle;
  let bearerDir: string;
  let pocDir: string;
  before(async () => {
    pocDir = mkdtempSync(join(tmpdir(), 'crossread-poc-'));
    // the bearer-only variant: the same service with HTTPBearer instead of the session cookie
    bearerDir = mkdtempSync(join(tmpdir(), 'crossread-bearer-'));
    cpSync(join(ROOT, 'examples', 'profiles-api'), bearerDir, { recursive: true });
    const auth = join(bearerDir, 'app', 'auth.py');
    writeFileSync(auth, readFileSync(auth, 'utf8').replace('from fastapi.security import APIKeyCookie', 'from fastapi.security import HTTPBearer').replace('session_cookie = APIKeyCookie(name="session", auto_error=False)', 'session_cookie = HTTPBearer(auto_error=False)'));
    dynamo = await startDynalite({ seed: false });
    [vulnerable, fixed, bearer] = await Promise.all([startExample('profiles-api', dynamo.endpoint), startExample('profiles-api-fixed', dynamo.endpoint), startExample({ dir: bearerDir }, dynamo.endpoint)]);
  });
  after(async () => {
    await Promise.allSettled([vulnerable?.close(), fixed?.close(), bearer?.close()]);
    await dynamo?.close();
    rmSync(pocDir, { recursive: true, force: true });
    rmSync(bearerDir, { recursive: true, force: true });
  });
  const live = { origins: ['https://app.example.com'], cookie: 'session=u1', params: { user_id: 'u2' }, rate: 0 };

  test("cross-origin-bola: code lines, live evidence, and a browser that read another user's item", async () => {
    const r = await scan({ paths: ['examples/profiles-api', vulnerable.url], cwd: ROOT, live, verify: { pocDir } });
    const c = chainsOf(r.chains, 'cross-origin-bola', '/profiles/{user_id}')[0];
    assert.ok(c, showChains(r.chains));
    assert.equal(c.severity, 'critical', showChains(r.chains));
    assert.equal(c.url, `${vulnerable.url}/profiles/u2`);
    assert.ok(c.steps.some((s) => s.locations.some((l) => l.file === 'examples/profiles-api/app/routes/profiles.py')), 'code lines');
    const cors = r.findings.find((f) => c.steps[0].findings.includes(f.fingerprint))!;
    assert.equal(cors.ruleId, 'cors-wildcard-with-credentials');
    assert.equal(cors.confidence, 'high', 'the live scan raised its confidence');
    assert.ok(cors.confirmedBy?.length && cors.evidence.some((e) => e.kind === 'http'), 'live evidence joined to the static finding');
    assert.ok(!r.findings.some((f) => f.fingerprint === cors.confirmedBy![0]), 'the confirming live finding is not repeated');
    assert.match(cors.message, /wants a token in the Authorization header[\s\S]*The live target, reached without that gateway, answers as the code says/, 'rated for the deployed gateway, and told that the app answers without it');
    assert.ok(c.proof?.readable, JSON.stringify(c.proof));
    assert.equal(c.proof!.status, 200);
    assert.match(c.proof!.excerpt, /"user_id":"u2".*bob@/);
    assert.ok(!c.proof!.excerpt.includes('hunter2'), 'the excerpt is redacted');
    assert.ok(c.proof!.poc && existsSync(c.proof!.poc) && readFileSync(c.proof!.poc, 'utf8').includes(`${vulnerable.url}/profiles/u2`), 'the attacker page is written');
    const text = render('text', r, { color: false, knowledge: {} });
    assert.match(text, /browser proof: READ — a page at https:\/\/x\w+\.com read \d+ characters of http:\/\/127\.0\.0\.1:\d+\/profiles\/u2 \(HTTP 200\)/);
    const sarif = JSON.parse(render('sarif', r, { color: false, knowledge: {} }));
    assert.ok(sarif.runs[0].results.some((x: { ruleId: string; properties: { verified?: boolean } }) => x.ruleId === 'cross-origin-bola' && x.properties.verified === true));
    assert.equal(r.grade.grade, 'F');
  });

  test('the fixed twin: no chain, grade A or B, and the attacker page reads nothing', async () => {
    const r = await scan({ paths: ['examples/profiles-api-fixed', fixed.url], cwd: ROOT, live, verify: { pocDir } });
    assert.deepEqual(showChains(r.chains), '');
    assert.ok(['A', 'B'].includes(r.grade.grade), r.grade.summary);
    // the same proof the vulnerable app failed, run against the fixed one directly
    const v = await openVerifier({ cookies: [{ name: 'session', value: 'u1' }] });
    assert.ok(!('error' in v), 'error' in v ? v.error : '');
    if ('error' in v) return;
    try {
      const attacker = await v.verify({ origin: 'https://evil-attacker.com', url: `${fixed.url}/profiles/u2`, credentials: true, label: 'fixed' });
      assert.equal(attacker.readable, false);
      assert.match(attacker.error ?? '', /CORS|Access-Control/);
      const bad = await v.verify({ origin: 'https://evil-attacker.com', url: `${vulnerable.url}/profiles/u2`, credentials: true, label: 'vulnerable' });
      assert.equal(bad.readable, true);
    } finally {
      await v.close();
    }
  });

  test('the bearer-only variant: the same static findings, no critical chain, and the report says why', async () => {
    const c = await scan({ paths: ['examples/profiles-api'], cwd: ROOT });
    const b = await scan({ paths: [bearerDir], cwd: bearerDir });
    const ids = (r: typeof c) => [...new Set(r.findings.map((f) => f.ruleId))].sort();
    assert.deepEqual(ids(b), ids(c));
    const r = await scan({ paths: [bearerDir, bearer.url], cwd: bearerDir, live, verify: { pocDir } });
    assert.ok(!r.chains.some((x) => x.severity === 'critical'), showChains(r.chains));
    const chain = chainsOf(r.chains, 'cross-origin-bola', '/profiles/{user_id}')[0];
    assert.equal(chain?.severity, 'low', showChains(r.chains));
    assert.match(chain.limitedBy!.why, /bearer token in a header/);
  });
});

describe('browser proof of a null origin', { skip: chromium ? false : `no Chromium at ${CHROMIUM_PATHS.join(' or ')}` }, () => {
  test('a sandboxed iframe (Origin: null) reads where null is trusted, and not where it is not', async () => {
    const { startCorsServer } = await import('./servers/cors-node-server.ts');
    const server = await startCorsServer({});
    const v = await openVerifier({ cookies: [{ name: 'session', value: 'u1' }] });
    assert.ok(!('error' in v), 'error' in v ? v.error : '');
    if ('error' in v) return server.close();
    try {
      const trusted = await v.verify({ origin: 'null', url: `${server.url}/null/profiles/u1`, credentials: true, label: 'null' });
      assert.equal(trusted.readable, true, JSON.stringify(trusted));
      assert.ok(server.requests.some((q) => q.url.startsWith('/null/profiles/u1') && q.headers.some(([k, val]) => k === 'origin' && val === 'null')), 'the request carried Origin: null');
      const strict = await v.verify({ origin: 'null', url: `${server.url}/strict/profiles/u1`, credentials: true, label: 'strict' });
      assert.equal(strict.readable, false);
    } finally {
      await v.close();
      await server.close();
    }
  });
});
