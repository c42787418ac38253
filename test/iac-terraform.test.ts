/** Terraform reader: HCL values, HTTP and REST APIs, Lambda functions and URLs, IAM, DynamoDB, and bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readTerraform } from '../src/code/iac/terraform.ts';
import { allOf, type IacDocument, type IacFunction, type IacRoute } from '../src/code/iac/model.ts';
import { MAX_IAC_BYTES, type ReaderInput } from '../src/code/iac/reader.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/iac/terraform');

/** The `.tf` files of one fixture, as a module sitting at `infra/` of the scan root. */
function inputs(name: string): ReaderInput[] {
  const dir = resolve(FIXTURES, name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort()
    .map((f) => ({ text: readFileSync(resolve(dir, f), 'utf8'), file: `infra/${f}`, dir: 'infra' }));
}

async function read(name: string) {
  const out = await readTerraform(inputs(name));
  return { ...out, ...allOf({ documents: out.documents }) };
}

function doc(documents: IacDocument[], file: string): IacDocument {
  const d = documents.find((x) => x.file === `infra/${file}`);
  assert.ok(d, `document for ${file}`);
  return d;
}

function route(routes: IacRoute[], method: string, path: string): IacRoute {
  const r = routes.find((x) => x.method === method && x.path === path);
  assert.ok(r, `route ${method} ${path}`);
  return r;
}

function fn(functions: IacFunction[], address: string): IacFunction {
  const f = functions.find((x) => x.name === address);
  assert.ok(f, address);
  return f;
}

test('one document per file, format terraform, objects in the file that declares them', async () => {
  const { documents, problems } = await read('http-api');
  assert.deepEqual(problems, []);
  assert.deepEqual(documents.map((d) => [d.file, d.format]), [
    ['infra/dynamodb.tf', 'terraform'],
    ['infra/lambda.tf', 'terraform'],
    ['infra/main.tf', 'terraform'],
    ['infra/routes.tf', 'terraform'],
    ['infra/variables.tf', 'terraform'],
  ]);
  assert.deepEqual(doc(documents, 'main.tf').apis.map((a) => a.id), ['infra/main.tf#aws_apigatewayv2_api.api']);
  assert.equal(doc(documents, 'routes.tf').routes.length, 3);
  assert.deepEqual(doc(documents, 'lambda.tf').functions.map((f) => f.id), ['infra/lambda.tf#aws_lambda_function.app']);
  assert.deepEqual(doc(documents, 'dynamodb.tf').tables.map((t) => t.id), ['infra/dynamodb.tf#aws_dynamodb_table.profiles']);
});

test('HTTP API: wildcard origin with credentials, answered by the gateway', async () => {
  const { apis } = await read('http-api');
  const api = apis[0];
  assert.equal(api.kind, 'http');
  assert.equal(api.name, 'aws_apigatewayv2_api.api');
  assert.deepEqual(api.gatewayResponses, []);
  const cors = api.cors!;
  assert.deepEqual(cors.origins, ['*']);
  assert.equal(cors.credentials, true);
  assert.deepEqual(cors.methods, ['GET', 'POST', 'OPTIONS']);
  assert.deepEqual(cors.headers, ['authorization', 'content-type']);
  assert.deepEqual(cors.exposeHeaders, ['x-request-id']);
  assert.equal(cors.maxAge, 3600);
  assert.deepEqual([cors.preflight, cors.actual, cors.matching], ['gateway', 'gateway', 'exact']);
  assert.deepEqual([cors.at.file, cors.at.line, cors.at.path], ['infra/main.tf', 19, 'aws_apigatewayv2_api.api.cors_configuration.allow_origins']);
  assert.equal(cors.at.snippet, 'allow_origins     = ["*"]');
  assert.deepEqual(cors.originPlaces?.map((p) => [p.line, p.path]), [[19, 'aws_apigatewayv2_api.api.cors_configuration.allow_origins[0]']]);
  assert.deepEqual([api.at.line, api.at.snippet], [14, 'resource "aws_apigatewayv2_api" "api" {']);
});

test('HTTP API: an origins list through variables, locals and concat; an origin without a value stays unresolved', async () => {
  const { apis } = await read('http-origins');
  const api = apis.find((a) => a.name === 'aws_apigatewayv2_api.api')!;
  assert.deepEqual(api.cors!.origins, ['https://app.example.com', 'https://admin.example.com', 'https://www.example.com', { unresolved: 'var.extra_origin' }]);
  assert.equal(api.cors!.credentials, true);
  assert.equal(api.cors!.originPlaces, undefined, 'computed list: no place per origin');
  const quick = apis.find((a) => a.name === 'aws_apigatewayv2_api.quick')!;
  assert.deepEqual(quick.cors!.origins, ['https://app.example.com', 'https://admin.example.com', 'https://www.example.com']);
  assert.equal(quick.cors!.credentials, false, 'allow_credentials defaults to false');
  assert.ok(!apis.some((a) => a.name === 'aws_apigatewayv2_api.events'), 'a WebSocket API is not an HTTP API');
});

test('HTTP routes: a JWT authorizer on a Cognito user pool, an open route, $default', async () => {
  const { routes, functions } = await read('http-api');
  const app = fn(functions, 'aws_lambda_function.app');
  const get = route(routes, 'GET', '/profiles/{id}');
  assert.equal(get.api, 'infra/main.tf#aws_apigatewayv2_api.api');
  assert.equal(get.function, app.id);
  assert.equal(get.authorizer.kind, 'cognito');
  assert.equal(get.authorizer.name, 'cognito-jwt');
  assert.deepEqual(get.authorizer.identitySource, ['$request.header.Authorization']);
  assert.deepEqual([get.at.line, get.at.path], [26, 'aws_apigatewayv2_route.get_profile.route_key']);
  const health = route(routes, 'GET', '/health');
  assert.equal(health.authorizer.kind, 'none', 'no authorization_type is NONE');
  assert.equal(health.function, app.id);
  const fallback = route(routes, 'ANY', '$default');
  assert.equal(fallback.authorizer.kind, 'none');
  assert.equal(fallback.authorizer.at?.snippet, 'authorization_type = "NONE"');
});

test('HTTP routes: other JWT issuers, REQUEST and AWS_IAM authorizers; an alias and a quick-create target link to the function', async () => {
  const { routes, functions } = await read('http-origins');
  const orders = fn(functions, 'aws_lambda_function.orders');
  const list = route(routes, 'GET', '/orders');
  assert.equal(list.authorizer.kind, 'jwt');
  assert.equal(list.function, orders.id, 'integration_uri = aws_lambda_alias.live.invoke_arn');
  const update = route(routes, 'PUT', '/orders/{orderId}');
  assert.equal(update.authorizer.kind, 'lambda');
  assert.deepEqual(update.authorizer.identitySource, ['$request.header.Cookie']);
  assert.equal(route(routes, 'ANY', '/admin/{proxy+}').authorizer.kind, 'iam');
  const quick = routes.find((r) => r.api.endsWith('aws_apigatewayv2_api.quick'))!;
  assert.deepEqual([quick.method, quick.path, quick.function], ['ANY', '$default', orders.id]);
  assert.ok(!routes.some((r) => r.path === '$connect'), 'WebSocket routes are not read');
});

test('REST API: nested resource paths, the proxy resource, methods and their authorizers', async () => {
  const { routes, apis, functions, problems } = await read('rest-api');
  assert.deepEqual(problems, []);
  const api = apis.find((a) => a.kind === 'rest')!;
  assert.equal(api.id, 'infra/api.tf#aws_api_gateway_rest_api.api');
  const users = fn(functions, 'aws_lambda_function.users');
  assert.deepEqual(
    routes.map((r) => `${r.method} ${r.path}`).sort(),
    ['ANY /{proxy+}', 'GET /', 'GET /users/{id}', 'GET /users/{id}/orders', 'OPTIONS /users/{id}'],
  );
  for (const r of routes) assert.equal(r.api, api.id);
  const get = route(routes, 'GET', '/users/{id}');
  assert.equal(get.authorizer.kind, 'cognito');
  assert.equal(get.authorizer.name, 'users-pool');
  assert.deepEqual(get.authorizer.identitySource, ['method.request.header.Authorization']);
  assert.equal(get.function, users.id);
  assert.deepEqual([get.at.file, get.at.line, get.at.snippet], ['infra/methods.tf', 4, 'http_method   = "GET"']);
  assert.equal(route(routes, 'GET', '/users/{id}/orders').function, users.id, 'uri template with the function ARN');
  const proxy = route(routes, 'ANY', '/{proxy+}');
  assert.equal(proxy.function, users.id, 'integration naming the method resource_id and http_method');
  assert.equal(proxy.authorizer.kind, 'api-key');
  assert.equal(route(routes, 'GET', '/').authorizer.kind, 'iam');
  assert.equal(route(routes, 'OPTIONS', '/users/{id}').function, undefined, 'MOCK integration');
});

test('REST API: MOCK OPTIONS CORS applies to the routes of its resource; gateway responses', async () => {
  const { routes, apis } = await read('rest-api');
  const cors = route(routes, 'GET', '/users/{id}').cors!;
  assert.ok(cors);
  assert.deepEqual(cors.origins, ['*']);
  assert.equal(cors.credentials, true);
  assert.deepEqual(cors.methods, ['GET', 'OPTIONS']);
  assert.deepEqual(cors.headers, ['Content-Type', 'Authorization']);
  assert.deepEqual([cors.preflight, cors.actual, cors.matching], ['mock', 'function', 'static']);
  assert.deepEqual([cors.at.file, cors.at.line], ['infra/cors.tf', 40]);
  assert.match(cors.at.snippet, /Access-Control-Allow-Origin/);
  assert.equal(route(routes, 'OPTIONS', '/users/{id}').cors, cors);
  assert.equal(route(routes, 'GET', '/users/{id}/orders').cors, undefined, 'a child resource has its own OPTIONS');
  assert.equal(route(routes, 'ANY', '/{proxy+}').cors, undefined);
  const api = apis[0];
  assert.deepEqual(api.gatewayResponses.map((g) => [g.type, g.headers]), [
    ['DEFAULT_4XX', { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Content-Type,Authorization' }],
    ['UNAUTHORIZED', {}],
  ]);
  assert.deepEqual([api.gatewayResponses[0].at.file, api.gatewayResponses[0].at.line], ['infra/cors.tf', 49]);
});

test('Lambda: runtime, handler, environment values and places, codeDir from archive_file', async () => {
  const { functions } = await read('http-api');
  const app = fn(functions, 'aws_lambda_function.app');
  assert.equal(app.runtime, 'python3.12');
  assert.equal(app.handler, 'app.main.handler');
  assert.equal(app.codeDir, 'src', '"${path.module}/../src" from infra/');
  assert.deepEqual(app.environment.map((e) => [e.name, e.value, e.at.line]), [
    ['TABLE_NAME', 'profiles-prod-table', 18],
    ['STAGE', 'prod', 19],
    ['LOG_LEVEL', 'INFO', 20],
    ['USER_POOL_ID', undefined, 21],
    ['ALLOWED_ORIGIN', '*', 22],
  ]);
  assert.equal(app.environment[2].at.snippet, 'LOG_LEVEL       = "INFO"');
  assert.equal(app.environment[2].at.path, 'aws_lambda_function.app.environment.variables.LOG_LEVEL');
  const { functions: other } = await read('http-origins');
  assert.equal(fn(other, 'aws_lambda_function.orders').codeDir, undefined, 'code in S3');
  assert.equal(fn(other, 'aws_lambda_function.authorizer').codeDir, undefined, 'a zip built elsewhere');
});

test('Lambda: a function URL with CORS; codeDir from an archive of one file; environment from a local map', async () => {
  const { functions } = await read('function-url');
  const api = fn(functions, 'aws_lambda_function.api');
  assert.equal(api.codeDir, 'services/api');
  assert.deepEqual(api.environment.map((e) => [e.name, e.value, e.at.line]), [['TABLE_NAME', 'sessions', 3], ['DEBUG', 'false', 4]]);
  const url = api.url!;
  assert.equal(url.authType, 'NONE');
  assert.equal(url.at.snippet, 'authorization_type = "NONE"');
  assert.deepEqual(url.cors!.origins, ['https://app.example.com', 'http://localhost:3000']);
  assert.equal(url.cors!.credentials, true);
  assert.deepEqual(url.cors!.methods, ['GET', 'POST']);
  assert.equal(url.cors!.maxAge, 86400);
  assert.deepEqual([url.cors!.preflight, url.cors!.actual], ['gateway', 'gateway']);
  assert.equal(url.cors!.at.path, 'aws_lambda_function_url.api.cors.allow_origins');
  assert.deepEqual(url.cors!.originPlaces?.map((p) => p.line), [33, 33]);
});

test('IAM: jsonencode policies on the function role, computed resources unresolved', async () => {
  const { functions } = await read('http-api');
  const st = fn(functions, 'aws_lambda_function.app').statements;
  assert.equal(st.length, 2, 'assume_role_policy is not a permission');
  assert.deepEqual(st[0].effect, 'Allow');
  assert.deepEqual(st[0].actions, ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  assert.deepEqual(st[0].resources, [{ unresolved: 'aws_dynamodb_table.profiles.arn' }, { unresolved: '${aws_dynamodb_table.profiles.arn}/index/*' }]);
  assert.deepEqual(st[0].conditions, {});
  assert.deepEqual([st[0].at.file, st[0].at.line, st[0].at.path], ['infra/lambda.tf', 48, 'aws_iam_role_policy.app_table.policy.Statement[0].Action']);
  assert.deepEqual([st[1].effect, st[1].actions, st[1].resources], ['Deny', ['dynamodb:DeleteTable'], ['*']]);
  const { functions: orders } = await read('http-origins');
  const os = fn(orders, 'aws_lambda_function.orders').statements;
  assert.deepEqual(os.map((s) => s.template ?? s.actions.join()), ['dynamodb:PutItem,dynamodb:UpdateItem', 'AmazonDynamoDBReadOnlyAccess']);
  assert.deepEqual(os[0].resources, ['arn:aws:dynamodb:*:*:table/orders-example.com']);
  assert.deepEqual(fn(orders, 'aws_lambda_function.authorizer').statements.length, 2, 'same role, same statements');
});

test('IAM: a policy document with a LeadingKeys condition, after its source documents', async () => {
  const { functions } = await read('rest-api');
  const st = fn(functions, 'aws_lambda_function.users').statements;
  assert.deepEqual(st.map((s) => s.actions), [['logs:CreateLogStream', 'logs:PutLogEvents'], ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan']]);
  const own = st[1];
  assert.equal(own.effect, 'Allow');
  assert.deepEqual(own.resources, [{ unresolved: 'aws_dynamodb_table.users.arn' }]);
  assert.deepEqual(own.conditions, { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${cognito-identity.amazonaws.com:sub}'] } });
  assert.deepEqual([own.at.line, own.at.path], [38, 'data.aws_iam_policy_document.users.statement[0].actions']);
  assert.equal(own.at.snippet, 'actions = [');
});

test('IAM: customer policies in heredoc JSON, attachments by reference and by name, AWS managed policies', async () => {
  const { functions, problems } = await read('function-url');
  assert.deepEqual(problems, []);
  const st = fn(functions, 'aws_lambda_function.api').statements;
  const byAction = (a: string) => st.find((s) => s.actions.includes(a))!;
  const put = byAction('dynamodb:PutItem');
  assert.deepEqual(put.resources, [{ unresolved: '${aws_dynamodb_table.sessions.arn}' }]);
  assert.deepEqual([put.at.line, put.at.snippet], [25, '"Action": ["dynamodb:GetItem", "dynamodb:PutItem"],']);
  const query = byAction('dynamodb:Query');
  assert.deepEqual(query.conditions, { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:userid}'] } }, '$${ is the escape of ${');
  assert.ok(byAction('s3:GetObject'), 'attached with role = "sessions-api"');
  const full = st.find((s) => s.template === 'AmazonDynamoDBFullAccess')!;
  assert.deepEqual([full.effect, full.actions, full.resources], ['Allow', ['dynamodb:*'], ['*']]);
  assert.equal(full.at.snippet, 'policy_arn = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"');
  const ro = st.find((s) => s.template === 'AmazonDynamoDBReadOnlyAccess')!;
  assert.ok(ro.actions.includes('dynamodb:Scan') && !ro.actions.includes('dynamodb:PutItem'), 'data "aws_iam_policy" by name');
  assert.equal(st.length, 6, 'AWSLambdaBasicExecutionRole grants no DynamoDB access and adds no statement');
});

test('DynamoDB: keys, SSE and PITR', async () => {
  const { tables } = await read('http-api');
  assert.deepEqual(tables.map((t) => [t.name, t.partitionKey, t.sortKey, t.sse, t.pitr]), [['profiles-prod-table', 'pk', 'sk', true, true]]);
  assert.equal(tables[0].at.snippet, 'resource "aws_dynamodb_table" "profiles" {');
  const { tables: plain } = await read('function-url');
  assert.deepEqual(plain.map((t) => [t.name, t.partitionKey, t.sortKey, t.sse, t.pitr]), [['sessions', 'sessionId', undefined, false, false]]);
});

test('values: literals, escapes, heredocs, variables without default, unresolved templates', async () => {
  const text = [
    'variable "stage" { default = "dev" }',
    'variable "secret_name" {}',
    'locals {',
    '  cfg = { origins = ["https://a.example.com"], port = 8080 }',
    '}',
    'resource "aws_lambda_function" "f" {',
    '  function_name = "f-${var.stage}"',
    '  handler       = "app.main.handler"',
    '  s3_bucket     = "b"',
    '  environment {',
    '    variables = {',
    '      QUOTED   = "say \\"hi\\"\\tnow"',
    '      ESCAPED  = "$${not_interpolated}"',
    '      NUMBER   = 3',
    '      FLAG     = true',
    '      PORT     = local.cfg.port',
    '      ORIGIN   = local.cfg.origins[0]',
    '      SECRET   = var.secret_name',
    '      MIXED    = "${var.secret_name}-${var.stage}"',
    '      COND     = var.stage == "prod" ? "x" : "y"',
    '      UPPER    = upper(var.stage)',
    '      DOC      = <<-EOT',
    '        line one',
    '          line two',
    '        EOT',
    '    }',
    '  }',
    '}',
    'resource "aws_dynamodb_table" "t" {',
    '  name     = "${var.secret_name}-table"',
    '  hash_key = "id"',
    '}',
  ].join('\n');
  const { documents, problems } = await readTerraform([{ text, file: 'main.tf', dir: '' }]);
  assert.deepEqual(problems, []);
  const f = documents[0].functions[0];
  assert.deepEqual(Object.fromEntries(f.environment.map((e) => [e.name, e.value])), {
    QUOTED: 'say "hi"\tnow',
    ESCAPED: '${not_interpolated}',
    NUMBER: '3',
    FLAG: 'true',
    PORT: '8080',
    ORIGIN: 'https://a.example.com',
    SECRET: undefined,
    MIXED: undefined,
    COND: undefined,
    UPPER: 'DEV',
    DOC: 'line one\n  line two\n',
  });
  assert.deepEqual(documents[0].tables[0].name, { unresolved: '${var.secret_name}-table' });
});

test('a syntax error is reported by position only, and the blocks that parsed are still read', async () => {
  const { documents, problems } = await readTerraform(inputs('syntax-error'));
  assert.ok(problems.length >= 1);
  for (const p of problems) {
    assert.equal(p.file, 'infra/broken.tf');
    assert.match(p.message, /^syntax error at line \d+, column \d+$/);
    assert.ok(!p.message.includes('tok_do_not_echo'), 'no source text in problems');
  }
  assert.equal(problems[0].message, 'syntax error at line 12, column 44');
  const broken = doc(documents, 'broken.tf');
  assert.ok(broken.functions.some((f) => f.name === 'aws_lambda_function.first'));
  assert.ok(broken.tables.some((t) => t.name === 'after'), 'a block after the error');
  assert.deepEqual(doc(documents, 'good.tf').tables.map((t) => t.name), ['audit']);
});

test('reference cycles end as unresolved', async () => {
  const { documents, problems } = await readTerraform(inputs('cycle'));
  assert.deepEqual(problems, []);
  const f = documents[0].functions[0];
  assert.equal(f.handler, undefined, 'local.self refers to itself');
  assert.deepEqual(f.environment.map((e) => [e.name, e.value]), [['A', undefined], ['B', 'plain']]);
  assert.deepEqual(documents[0].apis[0].cors!.origins, [{ unresolved: 'local.a' }, 'https://ok.example.com']);
});

test('bad input never throws: oversized files are skipped, garbage and deep nesting end', async () => {
  const big = `# ${'x'.repeat(MAX_IAC_BYTES)}\n`;
  const deep = `locals {\n  x = ${'['.repeat(20000)}${']'.repeat(20000)}\n}\nresource "aws_dynamodb_table" "t" {\n  name = local.x\n}\n`;
  const chain = `locals {\n${Array.from({ length: 2000 }, (_, i) => `  a${i} = local.a${i + 1}`).join('\n')}\n  a2000 = "end"\n}\nresource "aws_dynamodb_table" "t_chain" {\n  name = local.a0\n}\n`;
  const { documents, problems } = await readTerraform([
    { text: big, file: 'big.tf', dir: '' },
    { text: '}}}{{{ "unterminated\n<<EOF\n', file: 'garbage.tf', dir: '' },
    { text: deep, file: 'deep.tf', dir: '' },
    { text: chain, file: 'chain.tf', dir: '' },
  ]);
  assert.deepEqual(documents.map((d) => d.file), ['garbage.tf', 'deep.tf', 'chain.tf']);
  assert.deepEqual(problems.find((p) => p.file === 'big.tf')?.message, 'larger than 2 MiB; not read');
  assert.ok(problems.some((p) => p.file === 'garbage.tf' && p.message.startsWith('syntax error at line 1')));
  assert.deepEqual(documents[1].tables[0].name, { unresolved: 'local.x' });
  assert.deepEqual(documents[2].tables[0].name, { unresolved: 'local.a0' }, 'a reference chain deeper than the evaluation bound');
});

test('a duplicate address is still read in each file that declares it; references go to the first', async () => {
  const table = (name: string) => `resource "aws_dynamodb_table" "t" {\n  name     = "${name}"\n  hash_key = "id"\n}\n`;
  const { documents } = await readTerraform([
    { text: `${table('one')}resource "aws_lambda_function" "f" {\n  function_name = "f"\n  environment {\n    variables = { T = aws_dynamodb_table.t.name }\n  }\n}\n`, file: 'a.tf', dir: '' },
    { text: table('two'), file: 'b.tf', dir: '' },
  ]);
  assert.deepEqual(documents.map((d) => d.tables.map((t) => [t.id, t.name])), [[['a.tf#aws_dynamodb_table.t', 'one']], [['b.tf#aws_dynamodb_table.t', 'two']]]);
  assert.equal(documents[0].functions[0].environment[0].value, 'one');
});
