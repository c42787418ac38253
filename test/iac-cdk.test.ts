/**
 * The CDK reader: each sample app under fixtures/iac/cdk/<case>/ exists in Python and in TypeScript, and
 * both must give the same normalised model (file, format, positions and snippets aside; positions are
 * checked per language through the snippet of the line they cite).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { looksLikeCdk, readCdk, type CdkLanguage } from '../src/code/iac/cdk.ts';
import { isUnresolved, type IacDocument, type ReadResult } from '../src/code/iac/model.ts';
import { MAX_IAC_BYTES } from '../src/code/iac/reader.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/iac/cdk');

function languageOf(file: string): CdkLanguage {
  return file.endsWith('.py') ? 'python' : 'typescript';
}

/** Reads a fixture as if it sat at `infra/<name>` of the scan root. */
async function readFixture(rel: string): Promise<ReadResult> {
  const name = rel.split('/').pop()!;
  return readCdk({ text: readFileSync(join(FIXTURES, rel), 'utf8'), file: `infra/${name}`, dir: 'infra' }, languageOf(name));
}

async function readSource(text: string, language: CdkLanguage): Promise<ReadResult> {
  return readCdk({ text, file: language === 'python' ? 'infra/app.py' : 'infra/app.ts', dir: 'infra' }, language);
}

async function docOf(rel: string): Promise<IacDocument> {
  const r = await readFixture(rel);
  assert.ok(r.document, `${rel}: no document (${r.problems.join('; ')})`);
  return r.document;
}

/** The model without what differs by language: file, format, positions, snippets (and unresolved text when asked). */
function normalise(doc: IacDocument, opts: { unresolvedText?: boolean } = {}): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (isUnresolved(v) && opts.unresolvedText === false) return { unresolved: '…' };
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !['file', 'format', 'snippet', 'line', 'col'].includes(k))
          .map(([k, x]) => [k, walk(x)]),
      );
    }
    return typeof v === 'string' ? v.split(`${doc.file}#`).join('#') : v;
  };
  return walk(doc);
}

const CASES = readdirSync(FIXTURES).filter((c) => readdirSync(join(FIXTURES, c)).includes('stack.py'));

test('every case has a Python and a TypeScript app', () => {
  assert.ok(CASES.length >= 8);
  for (const c of CASES) assert.deepEqual(readdirSync(join(FIXTURES, c)).sort(), ['stack.py', 'stack.ts'], c);
});

for (const c of CASES) {
  test(`${c}: the Python and the TypeScript app give the same model`, async () => {
    const py = await readFixture(`${c}/stack.py`);
    const ts = await readFixture(`${c}/stack.ts`);
    assert.equal(py.document?.format, 'cdk-python');
    assert.equal(ts.document?.format, 'cdk-typescript');
    const opts = c === 'unresolved-origin' ? { unresolvedText: false } : {};
    assert.deepEqual(normalise(ts.document!, opts), normalise(py.document!, opts));
    assert.equal(py.problems.length, ts.problems.length);
  });
}

test('looksLikeCdk: aws_cdk imports in Python, aws-cdk-lib and @aws-cdk/* in TypeScript', () => {
  assert.ok(looksLikeCdk('from aws_cdk import Stack\n', 'python'));
  assert.ok(looksLikeCdk('import aws_cdk as cdk\n', 'python'));
  assert.ok(looksLikeCdk('import aws_cdk.aws_lambda as lambda_\n', 'python'));
  assert.ok(looksLikeCdk('from aws_cdk.aws_apigateway import RestApi\n', 'python'));
  assert.ok(!looksLikeCdk('import boto3\nfrom fastapi import FastAPI\n# aws_cdk is not used here\n', 'python'));
  assert.ok(looksLikeCdk("import * as cdk from 'aws-cdk-lib';\n", 'typescript'));
  assert.ok(looksLikeCdk("import { RestApi } from 'aws-cdk-lib/aws-apigateway';\n", 'typescript'));
  assert.ok(looksLikeCdk("import * as lambda from '@aws-cdk/aws-lambda';\n", 'typescript'));
  assert.ok(looksLikeCdk("import apigw = require('@aws-cdk/aws-apigateway');\n", 'typescript'));
  assert.ok(!looksLikeCdk("import express from 'express';\nconst x = 'aws-cdk-lib';\n", 'typescript'));
  for (const c of CASES) {
    assert.ok(looksLikeCdk(readFileSync(join(FIXTURES, c, 'stack.py'), 'utf8'), 'python'), c);
    assert.ok(looksLikeCdk(readFileSync(join(FIXTURES, c, 'stack.ts'), 'utf8'), 'typescript'), c);
  }
});

test('REST API with Cors.ALL_ORIGINS and credentials: a MOCK preflight, the function answers the rest', async () => {
  for (const file of ['stack.py', 'stack.ts']) {
    const doc = await docOf(`rest-all-origins/${file}`);
    const [api] = doc.apis;
    assert.equal(api.kind, 'rest');
    assert.equal(api.name, 'ProfilesApi');
    assert.equal(api.id, `infra/${file}#ProfilesApi`);
    assert.deepEqual(api.cors?.origins, ['*']);
    assert.equal(api.cors?.credentials, true);
    assert.equal(api.cors?.preflight, 'mock');
    assert.equal(api.cors?.actual, 'function');
    assert.equal(api.cors?.matching, 'static');
    assert.deepEqual(api.cors?.methods, ['OPTIONS', 'GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD']);
    assert.deepEqual(api.cors?.headers, ['Content-Type', 'Authorization']);
    assert.equal(api.cors?.maxAge, 600);
    assert.match(api.cors!.at.snippet, /allow_origins=|allowOrigins:/);
    assert.equal(api.authorizerOnPreflight, false);
    assert.deepEqual(api.gatewayResponses.map((g) => [g.type, g.headers]), [['DEFAULT_4XX', { 'Access-Control-Allow-Origin': '*' }]]);

    assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path} ${r.authorizer.kind}`), ['GET /profiles/{id} none', 'PUT /profiles/{id} none']);
    assert.ok(doc.routes.every((r) => r.function === `infra/${file}#ProfilesFunction` && r.api === api.id && !r.cors));
    assert.match(doc.routes[0].at.snippet, /add_method\("GET"|addMethod\('GET'/);

    const [fn] = doc.functions;
    assert.equal(fn.runtime, 'python3.12');
    assert.equal(fn.handler, 'app.main.handler');
    assert.equal(fn.codeDir, 'src');
    // a literal value is kept, a context lookup is not guessed
    assert.deepEqual(fn.environment.map((e) => [e.name, e.value]), [['LOG_LEVEL', 'INFO'], ['STAGE', undefined]]);
    assert.match(fn.environment[0].at.snippet, /LOG_LEVEL/);
  }
});

test('REST API with per-resource CORS, a Cognito method and an open one', async () => {
  for (const file of ['stack.py', 'stack.ts']) {
    const doc = await docOf(`rest-per-resource/${file}`);
    const [api] = doc.apis;
    assert.equal(api.cors, undefined);
    assert.equal(api.defaultAuthorizer, undefined);
    const byPath = Object.fromEntries(doc.routes.map((r) => [`${r.method} ${r.path}`, r]));
    assert.deepEqual(Object.keys(byPath), ['GET /profiles', 'DELETE /profiles/{id}', 'GET /public']);

    const get = byPath['GET /profiles'];
    assert.equal(get.authorizer.kind, 'cognito');
    assert.equal(get.authorizer.name, 'UserPoolAuth');
    assert.deepEqual(get.authorizer.identitySource, ['method.request.header.Authorization']);
    assert.deepEqual(get.cors?.origins, ['https://app.example.com', 'https://admin.example.com']);
    assert.equal(get.cors?.credentials, true);
    assert.equal(get.cors?.matching, 'exact');
    assert.match(get.cors!.at.snippet, /allow_origins|allowOrigins/);
    // children inherit the resource's preflight options
    assert.equal(byPath['DELETE /profiles/{id}'].cors, get.cors);
    assert.equal(byPath['DELETE /profiles/{id}'].authorizer.kind, 'cognito');

    // each origin is cited where it is written: here in the module constant
    assert.deepEqual(get.cors?.originPlaces?.map((p) => p.path), ['ProfilesApi/profiles.defaultCorsPreflightOptions.allowOrigins[0]', 'ProfilesApi/profiles.defaultCorsPreflightOptions.allowOrigins[1]']);
    assert.ok(get.cors?.originPlaces?.every((p) => /FRONTEND_ORIGINS = /.test(p.snippet)));

    const open = byPath['GET /public'];
    assert.equal(open.authorizer.kind, 'none');
    assert.deepEqual(open.cors?.origins, ['https://www.example.com']);
    assert.equal(open.cors?.credentials, false);
    assert.equal(open.cors?.matching, 'static');
    assert.match(open.cors!.at.snippet, /add_cors_preflight|addCorsPreflight/);
    assert.equal(doc.functions[0].codeDir, 'infra/backend');
  }
});

test('LambdaRestApi with the default proxy: ANY /{proxy+} and ANY / to the handler, the default authorizer applied', async () => {
  for (const file of ['stack.py', 'stack.ts']) {
    const doc = await docOf(`lambda-rest-proxy/${file}`);
    const [api] = doc.apis;
    assert.equal(api.defaultAuthorizer?.kind, 'lambda');
    assert.deepEqual(api.defaultAuthorizer?.identitySource, ['method.request.header.X-Session']);
    assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path} ${r.function?.split('#')[1]} ${r.authorizer.kind}`), [
      'ANY /{proxy+} AppFunction lambda',
      'ANY / AppFunction lambda',
    ]);
    const app = doc.functions.find((f) => f.name === 'AppFunction')!;
    assert.equal(app.handler, 'main.handler');
    assert.equal(app.codeDir, 'service');
    assert.equal(doc.functions.find((f) => f.name === 'AuthorizerFunction')?.codeDir, 'authorizer');
  }
});

test('HTTP API with corsPreflight: the gateway answers; a JWT route per method and an open route', async () => {
  for (const file of ['stack.py', 'stack.ts']) {
    const doc = await docOf(`http-api/${file}`);
    const [api] = doc.apis;
    assert.equal(api.kind, 'http');
    assert.deepEqual(api.cors?.origins, ['https://app.example.com', 'https://staging.example.com']);
    assert.equal(api.cors?.credentials, true);
    assert.equal(api.cors?.preflight, 'gateway');
    assert.equal(api.cors?.actual, 'gateway');
    assert.deepEqual(api.cors?.methods, ['GET', 'POST']);
    assert.equal(api.cors?.maxAge, 3600);
    assert.match(api.cors!.at.snippet, /allow_origins=|allowOrigins:/);
    assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path} ${r.authorizer.kind}`), ['GET /profiles/{id} jwt', 'PATCH /profiles/{id} jwt', 'GET /health none']);
    assert.deepEqual(doc.routes[0].authorizer.identitySource, ['$request.header.Authorization']);
    assert.equal(doc.routes[0].authorizer.name, 'JwtAuth');
    assert.ok(doc.routes.every((r) => r.function?.endsWith('#ApiFunction')));
    assert.match(doc.routes[0].at.snippet, /add_routes|addRoutes/);
  }
});

test('function URL: auth NONE with wildcard CORS and credentials; the default is AWS_IAM', async () => {
  for (const file of ['stack.py', 'stack.ts']) {
    const doc = await docOf(`function-url/${file}`);
    const [open, priv] = doc.functions;
    assert.equal(open.url?.authType, 'NONE');
    assert.deepEqual(open.url?.cors?.origins, ['*']);
    assert.equal(open.url?.cors?.credentials, true);
    assert.deepEqual(open.url?.cors?.methods, ['*']);
    assert.equal(open.url?.cors?.preflight, 'gateway');
    assert.match(open.url!.at.snippet, /auth_type|authType/);
    assert.match(open.url!.cors!.at.snippet, /allowed_origins|allowedOrigins/);
    assert.equal(priv.url?.authType, 'AWS_IAM');
    assert.equal(priv.url?.cors, undefined);
  }
});

test('tables, grants, a LeadingKeys statement and a managed policy on the function role', async () => {
  for (const file of ['stack.py', 'stack.ts']) {
    const doc = await docOf(`table-grants/${file}`);
    const id = (n: string): string => `infra/${file}#${n}`;
    assert.deepEqual(
      doc.tables.map(({ at: _at, ...t }) => t),
      [
        { id: id('ProfilesTable'), name: 'profiles', partitionKey: 'user_id', sortKey: 'sk', sse: true, pitr: true },
        { id: id('AuditTable'), name: 'AuditTable', partitionKey: 'event_id', pitr: false },
      ],
    );
    const reader = doc.functions.find((f) => f.name === 'ReaderFunction')!;
    assert.deepEqual(reader.environment.map((e) => [e.name, e.value]), [['TABLE_NAME', undefined]]);
    const [grant, leading] = reader.statements;
    assert.equal(grant.template, 'grantReadData');
    assert.deepEqual(grant.actions, [
      'dynamodb:BatchGetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query',
      'dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable',
    ]);
    assert.deepEqual(grant.resources, [id('ProfilesTable')]);
    assert.equal(grant.table, id('ProfilesTable'));
    assert.match(grant.at.snippet, /grant_read_data|grantReadData/);
    assert.deepEqual(leading.actions, ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']);
    assert.deepEqual(leading.resources, [id('ProfilesTable')]);
    assert.deepEqual(leading.conditions, { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${cognito-identity.amazonaws.com:sub}'] } });
    assert.equal(leading.at.path, 'ReaderFunction.addToRolePolicy.actions');
    assert.match(leading.at.snippet, /actions/);

    const writer = doc.functions.find((f) => f.name === 'WriterFunction')!;
    assert.deepEqual(writer.statements.map((s) => [s.template, typeof s.table === 'string' ? s.table.split('#')[1] : s.table, s.actions.length]), [
      ['grantReadWriteData', 'ProfilesTable', 12],
      ['grantWriteData', 'AuditTable', 5],
      ['AmazonDynamoDBFullAccess', undefined, 1],
      ['grantFullAccess', 'AuditTable', 1],
    ]);
    assert.deepEqual(writer.statements[2].resources, ['*']);
    assert.deepEqual(writer.statements[3].actions, ['dynamodb:*']);
  }
});

test('import alias variants all give the same model', async () => {
  const files = readdirSync(join(FIXTURES, 'aliases')).sort();
  assert.ok(files.length >= 8);
  const models = await Promise.all(files.map(async (f) => [f, normalise(await docOf(`aliases/${f}`))] as const));
  for (const [f, m] of models) assert.deepEqual(m, models[0][1], f);
  const doc = await docOf('aliases/named_imports.ts');
  assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path} ${r.function?.split('#')[1]}`), ['GET /items ItemsFunction']);
  assert.deepEqual(doc.apis[0].cors?.origins, ['https://shop.example.com']);
});

test('a syntax error is a problem with its position only; what parsed is still read', async () => {
  for (const [file, line] of [['stack.py', 21], ['stack.ts', 18]] as const) {
    const r = await readFixture(`syntax-error/${file}`);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0], new RegExp(`^syntax error at line ${line}, column \\d+`));
    assert.ok(!r.problems.some((p) => p.includes('sk_live')), 'no source text in problems');
    const doc = r.document!;
    assert.deepEqual(doc.tables.map((t) => t.name), ['NotesTable']);
    const [fn] = doc.functions;
    assert.equal(fn.handler, 'notes.handler');
    // the broken value is not recovered as if it were the literal next to the error
    assert.deepEqual(fn.environment.map((e) => [e.name, e.value]), [['API_KEY', undefined]]);
    assert.equal(fn.statements[0]?.template, 'grantReadData');
  }
});

test('unresolved origins and credentials stay unresolved, with the text as written', async () => {
  const py = await docOf('unresolved-origin/stack.py');
  const ts = await docOf('unresolved-origin/stack.ts');
  assert.deepEqual(py.apis[0].cors?.origins, [{ unresolved: 'allowed_origins' }]);
  assert.deepEqual(ts.apis[0].cors?.origins, [{ unresolved: 'props.allowedOrigins' }]);
  assert.equal(py.apis[0].cors?.credentials, true);
  assert.deepEqual(py.apis[1].cors?.origins, [{ unresolved: 'self.node.try_get_context("frontendOrigin")' }, { unresolved: 'f"https://{domain}"' }, 'https://app.example.com']);
  assert.deepEqual(ts.apis[1].cors?.origins, [{ unresolved: "this.node.tryGetContext('frontendOrigin')" }, { unresolved: '`https://${props.domain}`' }, 'https://app.example.com']);
  assert.deepEqual(py.apis[1].cors?.credentials, { unresolved: 'self.node.try_get_context("credentials")' });
  assert.deepEqual(py.functions[0].environment.map((e) => [e.name, e.value]), [['PUBLIC_URL', undefined]]);
});

test('a file over the size limit is skipped with a problem', async () => {
  const r = await readSource(`# ${'x'.repeat(MAX_IAC_BYTES)}\nfrom aws_cdk import Stack\n`, 'python');
  assert.equal(r.document, undefined);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /limit/);
});

test('bad input never throws', async () => {
  const inputs = [
    '',
    '\u0000\u0001\u0002 garbage ((((',
    `x = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`,
    `const x = ${'['.repeat(5000)}${']'.repeat(5000)};\n`,
    `${'{'.repeat(3000)}${'}'.repeat(3000)}`,
    'def f(:\n  return\nclass :\n',
    'import { from "aws-cdk-lib"\nnew (\n',
    'from aws_cdk import aws_apigateway as apigw\ndef f(n):\n    return f(n) + f(n)\nf(1)\n',
    'const f = (n) => [f(n), f(n), f(n)];\nf(1);\n',
    'from aws_cdk import aws_lambda as l\nfor a in [1,2,3,4,5,6,7,8]:\n    for b in [1,2,3,4,5,6,7,8]:\n        for c in [1,2,3,4,5,6,7,8]:\n            l.Function(None, f"F{a}{b}{c}")\n',
  ];
  for (const text of inputs) {
    for (const language of ['python', 'typescript'] as const) {
      const r = await readSource(text, language);
      assert.ok(Array.isArray(r.problems));
    }
  }
});

test('helpers, loops over literal lists and branches: Python and TypeScript agree', async () => {
  const py = `
from aws_cdk import Stack, aws_apigateway as apigw, aws_lambda as _lambda

ROUTES = [("items", "GET", "Items"), ("orders", "POST", "Orders")]

class ShopStack(Stack):
    def __init__(self, scope, construct_id, *, stage: str, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        self.api = apigw.RestApi(self, "ShopApi")
        origin = "https://shop.example.com"
        if stage == "dev":
            origin = "http://localhost:3000"
        for part, method, name in ROUTES:
            fn = self._function(name)
            res = self.api.root.add_resource(part, default_cors_preflight_options=apigw.CorsOptions(allow_origins=[origin]))
            res.add_method(method, apigw.LambdaIntegration(fn))

    def _function(self, name: str):
        return _lambda.Function(self, f"{name}Function", runtime=_lambda.Runtime.PYTHON_3_12, handler=f"{name.lower()}.handler", code=_lambda.Code.from_asset("../src"))
`;
  const ts = `
import { Stack, aws_apigateway as apigw, aws_lambda as lambda } from 'aws-cdk-lib';

const ROUTES = [['items', 'GET', 'Items'], ['orders', 'POST', 'Orders']] as const;

export class ShopStack extends Stack {
  readonly api: apigw.RestApi;
  constructor(scope: any, id: string, props: { stage: string }) {
    super(scope, id);
    this.api = new apigw.RestApi(this, 'ShopApi');
    let origin = 'https://shop.example.com';
    if (props.stage === 'dev') {
      origin = 'http://localhost:3000';
    }
    for (const [part, method, name] of ROUTES) {
      const fn = this.fn(name);
      const res = this.api.root.addResource(part, { defaultCorsPreflightOptions: { allowOrigins: [origin] } });
      res.addMethod(method, new apigw.LambdaIntegration(fn));
    }
  }

  private fn(name: string) {
    return new lambda.Function(this, \`\${name}Function\`, { runtime: lambda.Runtime.PYTHON_3_12, handler: \`\${name.toLowerCase()}.handler\`, code: lambda.Code.fromAsset('../src') });
  }
}
`;
  const a = (await readSource(py, 'python')).document!;
  const b = (await readSource(ts, 'typescript')).document!;
  assert.deepEqual(a.routes.map((r) => `${r.method} ${r.path}`), ['GET /items', 'POST /orders']);
  assert.deepEqual(b.routes.map((r) => `${r.method} ${r.path}`), ['GET /items', 'POST /orders']);
  // the origin a branch may rebind is not guessed
  assert.ok(a.routes.every((r) => isUnresolved(r.cors?.origins[0])));
  assert.ok(b.routes.every((r) => isUnresolved(r.cors?.origins[0])));
  // the helper is read with each call's arguments: names resolve, the computed handler does not
  assert.deepEqual(a.functions.map((f) => f.name), ['ItemsFunction', 'OrdersFunction']);
  assert.deepEqual(b.functions.map((f) => f.name), ['ItemsFunction', 'OrdersFunction']);
  assert.ok(a.functions.every((f) => f.handler === undefined && f.codeDir === 'src'));
  assert.deepEqual(a.routes.map((r) => r.function?.split('#')[1]), ['ItemsFunction', 'OrdersFunction']);
  assert.deepEqual(b.routes.map((r) => r.function?.split('#')[1]), ['ItemsFunction', 'OrdersFunction']);
});

test('a helper only other methods call is read once per call, with their arguments', async () => {
  const doc = (await readSource(`
from aws_cdk import Stack, aws_lambda as _lambda

class S(Stack):
    def _make(self, name):
        return _lambda.Function(self, name, runtime=_lambda.Runtime.PYTHON_3_12, handler="a.h", code=_lambda.Code.from_asset("src"))

    def build(self):
        self._make("One")
        self._make("Two")
`, 'python')).document!;
  assert.deepEqual(doc.functions.map((f) => f.name), ['One', 'Two']);
});

test('method authorization as CDK resolves it: defaults, an explicit NONE, IAM, API keys, a request authorizer', async () => {
  const py = `
from aws_cdk import aws_apigateway as apigw, aws_lambda as _lambda
fn = _lambda.Function(None, "Fn", runtime=_lambda.Runtime.PYTHON_3_12, handler="a.h", code=_lambda.Code.from_inline("x"))
req = apigw.RequestAuthorizer(None, "ReqAuth", handler=fn, identity_sources=[apigw.IdentitySource.header("Cookie"), apigw.IdentitySource.query_string("token")])
api = apigw.RestApi(None, "Api", default_method_options=apigw.MethodOptions(authorization_type=apigw.AuthorizationType.IAM), default_integration=apigw.LambdaIntegration(fn))
api.root.add_method("GET")
api.root.add_method("POST", authorization_type=apigw.AuthorizationType.NONE)
keyed = api.root.add_resource("keyed", default_method_options=apigw.MethodOptions(authorization_type=apigw.AuthorizationType.NONE, api_key_required=True))
keyed.add_method("GET")
keyed.add_resource("{id}").add_method("DELETE", authorizer=req)
api.root.resource_for_path("/a/b").add_method("PUT")
api.root.add_resource("files").add_proxy()
`;
  const doc = (await readSource(py, 'python')).document!;
  assert.equal(doc.apis[0].defaultAuthorizer?.kind, 'iam');
  assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path} ${r.authorizer.kind}`), [
    'GET / iam',
    'POST / none',
    'GET /keyed api-key',
    'DELETE /keyed/{id} lambda',
    'PUT /a/b iam',
    'ANY /files/{proxy+} iam',
  ]);
  assert.deepEqual(doc.routes[3].authorizer.identitySource, ['method.request.header.Cookie', 'method.request.querystring.token']);
  assert.ok(doc.routes.every((r) => r.function === 'infra/app.py#Fn'));
  assert.equal(doc.functions[0].codeDir, undefined);
});

test('HTTP API authorizers: default, user pool, Lambda, IAM, none, and HttpRoute with a route key', async () => {
  const ts = `
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer, HttpLambdaAuthorizer, HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';

declare const pool: any;
const fn = new lambda.Function(this, 'Fn', { runtime: lambda.Runtime.PYTHON_3_12, handler: 'a.h', code: lambda.Code.fromAsset('src') });
const integration = new HttpLambdaIntegration('Int', fn);
const api = new apigwv2.HttpApi(this, 'Api', { defaultAuthorizer: new HttpUserPoolAuthorizer('Pool', pool), defaultIntegration: integration });
api.addRoutes({ path: '/hook', methods: [apigwv2.HttpMethod.POST], integration, authorizer: new HttpLambdaAuthorizer('Hook', fn, { identitySource: ['$request.header.X-Signature'] }) });
api.addRoutes({ path: '/admin', integration, authorizer: new HttpIamAuthorizer() });
api.addRoutes({ path: '/health', methods: [apigwv2.HttpMethod.GET], integration, authorizer: new apigwv2.HttpNoneAuthorizer() });
api.addRoutes({ path: '/cognito', integration, authorizer: new HttpJwtAuthorizer('Jwt', 'https://cognito-idp.eu-west-1.amazonaws.com/pool') });
new apigwv2.HttpRoute(this, 'Keyed', { httpApi: api, routeKey: apigwv2.HttpRouteKey.with('/keyed', apigwv2.HttpMethod.PUT), integration });
`;
  const doc = (await readSource(ts, 'typescript')).document!;
  assert.equal(doc.apis[0].defaultAuthorizer?.kind, 'cognito');
  assert.deepEqual(doc.routes.map((r) => `${r.method} ${r.path} ${r.authorizer.kind}`), [
    'ANY $default cognito',
    'POST /hook lambda',
    'ANY /admin iam',
    'GET /health none',
    'ANY /cognito cognito',
    'PUT /keyed cognito',
  ]);
  assert.deepEqual(doc.routes[1].authorizer.identitySource, ['$request.header.X-Signature']);
  assert.ok(doc.routes.every((r) => r.function === 'infra/app.ts#Fn'));
});

test('role policies: managed policies and inline documents on the role, Policy.attachToRole, statement edits', async () => {
  const py = `
from pathlib import Path
from aws_cdk import aws_iam as iam, aws_lambda as _lambda
CODE = Path(__file__).parent.parent / "service"
role = iam.Role(None, "SharedRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
    managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonDynamoDBReadOnlyAccess"),
                      iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSLambdaBasicExecutionRole")],
    inline_policies={"NoScan": iam.PolicyDocument(statements=[iam.PolicyStatement(effect=iam.Effect.DENY, actions=["dynamodb:Scan"], resources=["*"])])})
a = _lambda.Function(None, "A", runtime=_lambda.Runtime("python3.13"), handler="a.h", code=_lambda.Code.from_asset(str(CODE)), role=role)
b = _lambda.Function(None, "B", runtime=_lambda.Runtime.PYTHON_3_12, handler="b.h", code=_lambda.Code.from_asset(str(CODE)), role=role)
policy = iam.Policy(None, "Extra", statements=[iam.PolicyStatement(actions=["dynamodb:PutItem"], resources=["arn:aws:dynamodb:*:*:table/x"])])
policy.attach_to_role(role)
stmt = iam.PolicyStatement(actions=["dynamodb:GetItem"])
stmt.add_resources("arn:aws:dynamodb:*:*:table/y")
stmt.add_actions("dynamodb:Query")
a.add_to_role_policy(stmt)
`;
  const doc = (await readSource(py, 'python')).document!;
  const [a, b] = doc.functions;
  assert.equal(a.runtime, 'python3.13');
  assert.equal(a.codeDir, 'service');
  const summary = (f: typeof a): string[] => f.statements.map((s) => `${s.effect} ${s.template ?? '-'} ${s.actions.join(',')} ${s.resources.join(',')}`);
  const expected = [
    'Allow AmazonDynamoDBReadOnlyAccess dynamodb:BatchGetItem,dynamodb:Describe*,dynamodb:List*,dynamodb:GetAbacStatus,dynamodb:GetItem,dynamodb:GetResourcePolicy,dynamodb:Query,dynamodb:Scan,dynamodb:PartiQLSelect *',
    'Deny - dynamodb:Scan *',
    'Allow - dynamodb:PutItem arn:aws:dynamodb:*:*:table/x',
    'Allow - dynamodb:GetItem,dynamodb:Query arn:aws:dynamodb:*:*:table/y',
  ];
  // a shared role: both functions carry every statement on it
  assert.deepEqual(summary(a), expected);
  assert.deepEqual(summary(b), expected);
});

test('the same construct id twice gets distinct model ids', async () => {
  const doc = (await readSource(`
from aws_cdk import aws_dynamodb as ddb
for stage in ["dev", "prod"]:
    ddb.Table(None, "Table", table_name=f"{stage}-profiles", partition_key=ddb.Attribute(name="pk", type=ddb.AttributeType.STRING))
`, 'python')).document!;
  assert.deepEqual(doc.tables.map((t) => [t.id, t.name]), [['infra/app.py#Table', 'dev-profiles'], ['infra/app.py#Table~2', 'prod-profiles']]);
});
