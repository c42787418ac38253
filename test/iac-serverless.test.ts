/** serverless.yml → the IaC model: REST and HTTP API events, CORS, authorizers, function URLs, IAM, tables, variables, bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readServerless } from '../src/code/iac/serverless.ts';
import { MAX_IAC_BYTES } from '../src/code/iac/reader.ts';
import type { IacDocument, IacFunction, IacRoute } from '../src/code/iac/model.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/iac/serverless');

function source(name: string): string {
  return readFileSync(join(FIXTURES, name, 'serverless.yml'), 'utf8');
}

function fileOf(name: string): string {
  return `services/${name}/serverless.yml`;
}

function read(name: string) {
  return readServerless({ text: source(name), file: fileOf(name), dir: `services/${name}` });
}

function doc(name: string): IacDocument {
  const r = read(name);
  assert.deepEqual(r.problems, []);
  assert.ok(r.document);
  return r.document;
}

/** The 1-based line of the `nth` line of a fixture that contains `needle`. */
function lineOf(name: string, needle: string, nth = 0): number {
  const lines = source(name).split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.ok(hits[nth], `${needle} #${nth} in ${name}`);
  return hits[nth];
}

function fn(d: IacDocument, name: string): IacFunction {
  const f = d.functions.find((x) => x.name === name);
  assert.ok(f, name);
  return f;
}

function route(d: IacDocument, method: string, path: string): IacRoute {
  const r = d.routes.find((x) => x.method === method && x.path === path);
  assert.ok(r, `${method} ${path}`);
  return r;
}

const DEFAULT_HEADERS = ['Content-Type', 'X-Amz-Date', 'Authorization', 'X-Api-Key', 'X-Amz-Security-Token', 'X-Amz-User-Agent', 'X-Amzn-Trace-Id'];

test('REST events: one API, routes with upper-case methods and leading slashes, function ids', () => {
  const d = doc('rest');
  const file = fileOf('rest');
  assert.equal(d.format, 'serverless');
  assert.equal(d.file, file);
  assert.equal(d.apis.length, 1);
  const [api] = d.apis;
  assert.equal(api.id, `${file}#ApiGatewayRestApi`);
  assert.equal(api.kind, 'rest');
  assert.equal(api.authorizerOnPreflight, false);
  assert.equal(api.at.line, lineOf('rest', '- http:', 0));
  assert.deepEqual(
    d.routes.map((r) => [r.method, r.path, r.authorizer.kind, r.function]),
    [
      ['GET', '/profiles/{id}', 'iam', `${file}#GetProfileLambdaFunction`],
      ['PUT', '/profiles/{id}', 'cognito', `${file}#GetProfileLambdaFunction`],
      ['GET', '/profiles', 'none', `${file}#ListProfilesLambdaFunction`],
      ['ANY', '/admin/{proxy+}', 'lambda', `${file}#ListProfilesLambdaFunction`],
      ['POST', '/internal', 'api-key', `${file}#ListProfilesLambdaFunction`],
      ['GET', '/legacy', 'cognito', `${file}#ListProfilesLambdaFunction`],
    ],
  );
  assert.ok(d.routes.every((r) => r.api === api.id));
  const get = route(d, 'GET', '/profiles/{id}');
  assert.equal(get.at.line, lineOf('rest', '- http:', 0));
  assert.equal(get.at.path, 'functions.getProfile.events[0].http');
  assert.equal(route(d, 'GET', '/profiles').at.line, lineOf('rest', '- http: GET profiles'));
  assert.equal(route(d, 'GET', '/profiles').cors, undefined);
});

test('REST CORS: cors: true and an origin on the same path merge into one MOCK preflight', () => {
  const d = doc('rest');
  const get = route(d, 'GET', '/profiles/{id}');
  const put = route(d, 'PUT', '/profiles/{id}');
  for (const r of [get, put]) {
    assert.ok(r.cors);
    // the last event's origin (resolved through nested variables), credentials because one event asks
    assert.deepEqual(r.cors.origins, ['https://dev.example.com']);
    assert.equal(r.cors.credentials, true);
    assert.equal(r.cors.matching, 'static');
    assert.equal(r.cors.preflight, 'mock');
    assert.equal(r.cors.actual, 'function');
    assert.deepEqual(r.cors.methods, ['OPTIONS', 'PUT', 'GET']);
    assert.deepEqual(r.cors.headers, DEFAULT_HEADERS);
  }
  assert.equal(get.cors?.at.line, lineOf('rest', 'cors: true'));
  assert.equal(get.cors?.at.path, 'functions.getProfile.events[0].http.cors');
  assert.equal(put.cors?.at.line, lineOf('rest', 'origin: ${self:custom.origins'));
  assert.equal(put.cors?.at.path, 'functions.getProfile.events[1].http.cors.origin');
});

test('REST CORS: several origins are patterns; ANY expands; headers and maxAge as written', () => {
  const d = doc('rest');
  const admin = route(d, 'ANY', '/admin/{proxy+}');
  assert.ok(admin.cors);
  assert.deepEqual(admin.cors.origins, ['https://app.example.com', 'https://*.example.com']);
  assert.equal(admin.cors.matching, 'pattern');
  assert.equal(admin.cors.credentials, false);
  assert.deepEqual(admin.cors.methods, ['OPTIONS', 'DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);
  assert.deepEqual(admin.cors.headers, ['Content-Type', 'Authorization']);
  assert.equal(admin.cors.maxAge, 600);
  assert.equal(admin.cors.at.line, lineOf('rest', 'origins:', 1));
  // a non-proxy lambda integration gets Allow-Origin from the gateway
  const legacy = route(d, 'GET', '/legacy');
  assert.deepEqual(legacy.cors?.origins, ['https://legacy.example.com']);
  assert.equal(legacy.cors?.actual, 'gateway');
  assert.equal(legacy.cors?.matching, 'static');
});

test('REST authorizers: aws_iam, Cognito by type or ARN, a function with its identity source, private → api-key', () => {
  const d = doc('rest');
  const get = route(d, 'GET', '/profiles/{id}').authorizer;
  assert.equal(get.kind, 'iam');
  assert.equal(get.at?.line, lineOf('rest', 'authorizer: aws_iam'));
  const put = route(d, 'PUT', '/profiles/{id}').authorizer;
  assert.deepEqual([put.kind, put.name, put.identitySource], ['cognito', 'cognito', ['method.request.header.Authorization']]);
  const admin = route(d, 'ANY', '/admin/{proxy+}').authorizer;
  assert.deepEqual([admin.kind, admin.name, admin.identitySource], ['lambda', 'authFn', ['method.request.header.Cookie']]);
  assert.equal(route(d, 'GET', '/legacy').authorizer.kind, 'cognito');
  const internal = route(d, 'POST', '/internal').authorizer;
  assert.equal(internal.kind, 'api-key');
  assert.equal(internal.at?.line, lineOf('rest', 'private: true'));
});

test('HTTP API: routes, $default, authorizers by name (Cognito issuer, other JWT, request, aws_iam, unknown)', () => {
  const d = doc('http-api');
  const file = fileOf('http-api');
  assert.equal(d.apis.length, 1);
  const [api] = d.apis;
  assert.equal(api.id, `${file}#HttpApi`);
  assert.equal(api.kind, 'http');
  assert.equal(api.at.line, lineOf('http-api', 'httpApi:'));
  assert.deepEqual(
    d.routes.map((r) => [r.method, r.path, r.authorizer.kind, r.authorizer.name]),
    [
      ['GET', '/orders', 'none', undefined],
      ['POST', '/orders', 'cognito', 'cognitoAuth'],
      ['ANY', '/admin/{proxy+}', 'jwt', 'auth0'],
      ['GET', '/me', 'lambda', 'cookieAuth'],
      ['DELETE', '/orders/{id}', 'iam', undefined],
      ['GET', '/missing', 'unknown', 'nope'],
      ['ANY', '$default', 'none', undefined],
    ],
  );
  assert.ok(d.routes.every((r) => r.api === api.id));
  assert.equal(route(d, 'ANY', '$default').function, `${file}#FallbackLambdaFunction`);
  assert.deepEqual(route(d, 'GET', '/me').authorizer.identitySource, ['$request.header.Cookie']);
  assert.deepEqual(route(d, 'POST', '/orders').authorizer.identitySource, ['$request.header.Authorization']);
  assert.equal(route(d, 'GET', '/orders').at.line, lineOf('http-api', "- httpApi: 'GET /orders'"));
  assert.equal(route(d, 'POST', '/orders').at.path, 'functions.api.events[1].httpApi');
});

test('HTTP API CORS: the object form maps to the gateway configuration; methods filled from the routes', () => {
  const cors = doc('http-api').apis[0].cors;
  assert.ok(cors);
  assert.deepEqual(cors.origins, ['https://app.example.com', 'https://staging.example.com']);
  assert.equal(cors.credentials, true);
  assert.deepEqual([cors.preflight, cors.actual, cors.matching], ['gateway', 'gateway', 'exact']);
  assert.deepEqual(cors.exposeHeaders, ['X-Request-Id']);
  assert.equal(cors.maxAge, 300);
  assert.deepEqual(cors.methods, ['OPTIONS', 'GET', 'POST', 'PUT', 'PATCH', 'HEAD', 'DELETE']);
  assert.deepEqual(cors.headers, DEFAULT_HEADERS);
  assert.equal(cors.at.line, lineOf('http-api', 'allowedOrigins:'));
  assert.equal(cors.at.path, 'provider.httpApi.cors.allowedOrigins');

  const simple = doc('http-api-cors-true').apis[0].cors;
  assert.ok(simple);
  assert.deepEqual(simple.origins, ['*']);
  assert.equal(simple.credentials, false);
  assert.deepEqual(simple.methods, ['OPTIONS', 'GET', 'POST']);
  assert.deepEqual(simple.headers, DEFAULT_HEADERS);
  assert.equal(simple.at.line, lineOf('http-api-cors-true', 'cors: true'));
});

test('function URLs: auth type and gateway-answered CORS', () => {
  const d = doc('function-url');
  assert.deepEqual(fn(d, 'open').url?.authType, 'NONE');
  assert.equal(fn(d, 'open').url?.cors, undefined);
  assert.equal(fn(d, 'open').url?.at.line, lineOf('function-url', 'url: true'));
  const iam = fn(d, 'iam').url;
  assert.equal(iam?.authType, 'AWS_IAM');
  assert.deepEqual(iam?.cors?.origins, ['https://app.example.com']);
  assert.equal(iam?.cors?.credentials, true);
  assert.deepEqual(iam?.cors?.methods, ['GET', 'POST']);
  assert.deepEqual([iam?.cors?.preflight, iam?.cors?.actual], ['gateway', 'gateway']);
  assert.equal(iam?.cors?.at.line, lineOf('function-url', 'allowedOrigins:'));
  const wild = fn(d, 'wildcard').url;
  assert.equal(wild?.authType, 'NONE');
  assert.deepEqual(wild?.cors?.origins, ['*']);
  assert.equal(wild?.cors?.credentials, false);
  assert.deepEqual(wild?.cors?.methods, ['*']);
  assert.equal(wild?.cors?.at.line, lineOf('function-url', 'cors: true'));
  assert.equal(fn(d, 'none').url, undefined);
  assert.equal(d.apis.length, 0);
});

test('variables: self, nested, fallbacks, merge keys; deploy-time sources and cycles stay unresolved', () => {
  const d = doc('variables');
  const api = fn(d, 'api');
  assert.equal(api.runtime, 'python3.12');
  assert.equal(api.statements.length, 1);
  assert.deepEqual(api.statements[0].resources, [
    'arn:aws:dynamodb:us-east-1:123456789012:table/profiles',
    'arn:aws:dynamodb:us-east-1:123456789012:table/dev-table',
    'dev',
    { unresolved: '${sls:stage}' },
    'qa',
    'fallback-table',
    { unresolved: '${env:TABLE}' },
    { unresolved: '${ssm:/app/table}' },
    { unresolved: '${file(./config.yml):table}' },
    { unresolved: '${cf:other-stack.TableArn}' },
    { unresolved: '${self:custom.a}' }, // a → b → a
    'default-x',
    '8080',
    'arn:aws:s3:::bucket/${aws:username}/*', // an IAM policy variable, not the framework's
    { unresolved: '${aws:region}' },
    'python3.12',
    'base-table', // through a `<<` merge key
    { unresolved: '${self:custom.c0}' }, // a chain deeper than the bound
    { unresolved: '!GetAtt ProfilesTable.Arn' },
    'staging',
  ]);
});

test('functions: handlers as dotted modules, code directory, runtime, environment merged with literals only', () => {
  const d = doc('functions');
  const file = fileOf('functions');
  const api = fn(d, 'api');
  assert.equal(api.id, `${file}#ApiLambdaFunction`);
  assert.equal(api.handler, 'app.main.handler');
  assert.equal(api.codeDir, 'services/functions');
  assert.equal(api.runtime, 'python3.11');
  assert.equal(api.at.line, lineOf('functions', '  api:'));
  assert.deepEqual(
    api.environment.map((e) => [e.name, e.value, e.at.line, e.at.path]),
    [
      ['TABLE_NAME', 'profiles', lineOf('functions', 'TABLE_NAME:'), 'provider.environment.TABLE_NAME'],
      ['STAGE', undefined, lineOf('functions', 'STAGE:'), 'provider.environment.STAGE'],
      ['SHARED', 'function', lineOf('functions', 'SHARED: function'), 'functions.api.environment.SHARED'],
      ['API_KEY', undefined, lineOf('functions', 'API_KEY:'), 'functions.api.environment.API_KEY'],
      ['DEBUG', 'true', lineOf('functions', 'DEBUG:'), 'functions.api.environment.DEBUG'],
    ],
  );
  const worker = fn(d, 'worker');
  assert.deepEqual([worker.handler, worker.runtime], ['src.jobs.worker.run', 'python3.12']);
  assert.deepEqual(worker.environment.find((e) => e.name === 'SHARED')?.value, 'provider');
  const packaged = fn(d, 'packaged');
  assert.deepEqual([packaged.handler, packaged.codeDir], ['handler.main', 'services/functions/services/billing']);
  const image = fn(d, 'get-profile_v2');
  assert.equal(image.id, `${file}#GetDashprofileUnderscorev2LambdaFunction`);
  assert.equal(image.handler, undefined);
});

test('IAM: provider statements with intrinsics and conditions; per-function roles of serverless-iam-roles-per-function', () => {
  const d = doc('iam');
  const reader = fn(d, 'reader');
  assert.equal(reader.statements.length, 3);
  const [read, deny, s3] = reader.statements;
  assert.equal(read.effect, 'Allow');
  assert.deepEqual(read.actions, ['dynamodb:GetItem', 'dynamodb:Query']);
  assert.deepEqual(read.resources, [
    { unresolved: 'Fn::GetAtt: [ProfilesTable, Arn]' },
    { unresolved: "!Join [/, [!GetAtt ProfilesTable.Arn, index, *]]" },
  ]);
  assert.deepEqual(read.conditions, { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${cognito-identity.amazonaws.com:sub}'] } });
  assert.equal(read.at.line, lineOf('iam', 'Action:', 0));
  assert.equal(read.at.path, 'provider.iam.role.statements[0]');
  assert.deepEqual([deny.effect, deny.actions, deny.resources], ['Deny', ['dynamodb:DeleteTable'], [{ unresolved: '!GetAtt ProfilesTable.Arn' }]]);
  assert.deepEqual(s3.resources, [{ unresolved: 'Ref: AssetsBucket' }]);

  // a function with statements of its own gets a role of its own, unless it inherits
  const writer = fn(d, 'writer');
  assert.deepEqual(writer.statements.map((s) => s.actions), [['dynamodb:PutItem']]);
  assert.deepEqual(writer.statements[0].resources, ['*']);
  assert.equal(writer.statements[0].at.path, 'functions.writer.iamRoleStatements[0]');
  assert.deepEqual(fn(d, 'inheritor').statements.map((s) => s.actions[0]), ['dynamodb:GetItem', 'dynamodb:DeleteTable', 's3:GetObject', 'sqs:SendMessage']);
  // a custom role: the generated statements do not apply
  assert.deepEqual(fn(d, 'custom').statements, []);
});

test('IAM: the older provider.iamRoleStatements, and function statements without the plugin', () => {
  const d = doc('iam-legacy');
  assert.deepEqual(fn(d, 'api').statements.map((s) => [s.actions, s.resources]), [
    [['dynamodb:*'], ['*']],
    [['s3:PutObject'], ['arn:aws:s3:::uploads/*']],
  ]);
  assert.deepEqual(fn(d, 'other').statements.map((s) => s.actions), [['dynamodb:*']]);
  assert.equal(fn(d, 'other').statements[0].at.line, lineOf('iam-legacy', 'Action: ["dynamodb:*"]'));
});

test('DynamoDB tables under resources.Resources; other resources are not tables', () => {
  const d = doc('tables');
  const file = fileOf('tables');
  assert.deepEqual(
    d.tables.map((t) => [t.id, t.name, t.partitionKey, t.sortKey, t.sse, t.pitr]),
    [
      [`${file}#ProfilesTable`, 'tables-profiles-dev', 'userId', 'sk', true, false],
      [`${file}#EventsTable`, { unresolved: '!Ref EventsTable' }, 'id', undefined, undefined, undefined],
      [`${file}#ImportedTable`, { unresolved: '!ImportValue shared-table-name' }, 'pk', undefined, undefined, undefined],
    ],
  );
  assert.equal(d.tables[0].at.line, lineOf('tables', 'ProfilesTable:'));
  assert.equal(d.tables[0].at.path, 'resources.Resources.ProfilesTable');
});

test('invalid YAML: one problem with line and column, no source text, and what could be read', () => {
  const r = read('invalid');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /^not valid YAML at line \d+, column \d+: \S/);
  assert.ok(!r.problems[0].includes('sk_live'), 'the problem never quotes the source');
  assert.ok(r.document);
  assert.equal(fn(r.document, 'api').handler, 'app.handler');

  const broken = [
    'service: x\nprovider: [unclosed\nfunctions:\n  f:\n    handler: a.b\n',
    'service: x\n  bad: indentation\n password: hunter2\n',
    'functions:\n  f: {handler: a.b\n',
    'a: "x\n',
    'key: value\n\t- tab: indented\n',
    '---\na: 1\n---\nb: 2\n',
  ];
  for (const text of broken) {
    const b = readServerless({ text, file: 'serverless.yml', dir: '' });
    assert.ok(b.problems.length >= 1, JSON.stringify(text));
    assert.match(b.problems[0], /^not valid YAML at line \d+, column \d+: /);
    assert.ok(!b.problems.some((p) => p.includes('hunter2')));
  }
});

test('alias bombs, alias cycles and deep nesting are refused quickly', () => {
  const started = Date.now();
  const bomb = read('alias-bomb');
  assert.equal(bomb.problems.length, 1);
  assert.match(bomb.problems[0], /alias/);
  assert.equal(bomb.document, undefined);

  const cycle = readServerless({ text: 'service: x\nprovider: &p\n  name: aws\n  self: *p\nfunctions:\n  f:\n    handler: a.b\n', file: 'serverless.yml', dir: '' });
  assert.ok(cycle.problems.length >= 1);
  assert.ok(!cycle.document || cycle.document.functions.length <= 1);

  const seqCycle = readServerless({ text: 'a: &a [1, *a]\n', file: 'serverless.yml', dir: '' });
  assert.ok(seqCycle.problems.some((p) => /alias/.test(p)));

  const deep = readServerless({ text: `custom:\n  x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, file: 'serverless.yml', dir: '' });
  assert.ok(deep.problems.length >= 1);
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
});

test('variables that multiply text stay bounded', () => {
  const lines = ['service: x', 'custom:', '  v0: "0123456789"'];
  for (let i = 1; i <= 7; i++) lines.push(`  v${i}: "${`\${self:custom.v${i - 1}}`.repeat(10)}"`);
  lines.push('provider:', '  name: aws', '  iamRoleStatements:', '    - Effect: Allow', '      Action: "*"', '      Resource: ${self:custom.v7}');
  lines.push('functions:', '  f:', '    handler: a.b');
  const started = Date.now();
  const r = readServerless({ text: lines.join('\n'), file: 'serverless.yml', dir: '' });
  assert.ok(Date.now() - started < 2000);
  assert.ok(r.document);
  assert.deepEqual(r.document.functions[0].statements[0].resources, [{ unresolved: '${self:custom.v7}' }]);
});

test('a file over the size limit is skipped with a problem', () => {
  const text = `service: big\ncustom:\n  pad: "${'x'.repeat(MAX_IAC_BYTES)}"\n`;
  const r = readServerless({ text, file: 'serverless.yml', dir: '' });
  assert.equal(r.document, undefined);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0], /larger than/);
});

test('odd shapes never throw', () => {
  const texts = [
    '',
    '# only a comment\n',
    '- a\n- b\n',
    'just a string',
    'functions: [1, 2, {f: {handler: a.b}}]\n',
    'functions:\n  f: 3\n  g: null\n  h: [1]\n',
    'functions:\n  f:\n    handler: [a]\n    events: foo\n',
    'functions:\n  f:\n    events:\n      - http: null\n      - http: {}\n      - http: 42\n      - httpApi: {method: GET}\n      - httpApi: "*"\n      - http: {path: x, method: get, cors: {origins: 5}, authorizer: {}}\n',
    'provider: ${self:provider}\nfunctions:\n  f:\n    handler: ${self:functions.f.handler}\n',
    'provider:\n  iam:\n    role:\n      statements: {Effect: Allow}\n  httpApi:\n    cors: ${ssm:/cors}\n    authorizers: [1]\nfunctions:\n  f:\n    events:\n      - httpApi: GET /x\n',
    'resources:\n  Resources:\n    T:\n      Type: AWS::DynamoDB::Table\n      Properties: ${file(./t.yml)}\n',
    'resources: [{Resources: {T: {Type: AWS::DynamoDB::Table, Properties: {TableName: t}}}}]\n',
    'custom:\n  x: ${self:custom.${self:custom.${self:custom.x}}}\nfunctions:\n  f:\n    runtime: ${self:custom.x}\n    url: ${self:custom.x}\n',
    'functions:\n  f:\n    url: {cors: ${env:CORS}}\n    events:\n      - http: {path: a, method: get, cors: ${env:CORS}}\n',
    'x: ${unclosed\ny: ${a:${b:}}\nz: ${}\n',
    '? [complex, key]\n: value\n',
  ];
  for (const text of texts) {
    assert.doesNotThrow(() => readServerless({ text, file: 'serverless.yml', dir: '' }), JSON.stringify(text));
  }
  const tables = readServerless({ text: texts[11], file: 'serverless.yml', dir: '' });
  assert.deepEqual(tables.document?.tables.map((t) => t.name), ['t']);
});
