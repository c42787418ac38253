/** CloudFormation / SAM templates → the normalised IaC model; bad input stays a problem, never a crash. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCloudFormation } from '../src/code/iac/cloudformation.ts';
import { allOf } from '../src/code/iac/model.ts';

const read = (text: string, dir = '') => readCloudFormation({ text, file: 'template.yaml', dir });

test('SAM: implicit and named APIs, Globals, DefaultAuthorizer and Authorizer: NONE, CodeUri', () => {
  const { document, problems } = read(`
Transform: AWS::Serverless-2016-10-31
Parameters:
  Origin: { Type: String, Default: "'https://app.example.com'" }
Globals:
  Api:
    Cors:
      AllowOrigin: !Ref Origin
      AllowCredentials: true
  Function:
    Runtime: python3.12
    CodeUri: src/
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Pool
        Authorizers:
          Pool: { UserPoolArn: arn:aws:cognito-idp:eu-west-1:1:userpool/x }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.main.handler
      Events:
        A: { Type: Api, Properties: { RestApiId: !Ref Api, Path: "/items/{id}", Method: get } }
        B:
          Type: Api
          Properties:
            RestApiId: !Ref Api
            Path: /health
            Method: GET
            Auth: { Authorizer: NONE }
        C: { Type: HttpApi }
`, 'infra');
  assert.deepEqual(problems, []);
  const d = document!;
  assert.equal(d.format, 'sam');
  assert.deepEqual(d.functions.map((f) => [f.handler, f.codeDir, f.runtime]), [['app.main.handler', 'infra/src', 'python3.12']]);
  assert.deepEqual(d.routes.map((r) => `${r.method} ${r.path} ${r.authorizer.kind}`), ['GET /items/{id} cognito', 'GET /health none', 'ANY $default none']);
  const api = d.apis.find((a) => a.name === 'Api')!;
  assert.deepEqual(api.cors?.origins, ['https://app.example.com']);
  assert.equal(api.cors?.credentials, true);
  assert.equal(api.cors?.preflight, 'mock');
  assert.equal(api.authorizerOnPreflight, true);
  assert.ok(d.apis.some((a) => a.name === 'ServerlessHttpApi' && a.kind === 'http'));
});

test('CloudFormation JSON: REST resource paths, MOCK OPTIONS CORS, methods linked to functions; HTTP API routes and JWT authorizers', () => {
  const text = JSON.stringify({
    Resources: {
      Rest: { Type: 'AWS::ApiGateway::RestApi', Properties: {} },
      Users: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Rest' }, ParentId: { 'Fn::GetAtt': ['Rest', 'RootResourceId'] }, PathPart: 'users' } },
      User: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Rest' }, ParentId: { Ref: 'Users' }, PathPart: '{id}' } },
      Opt: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Rest' }, ResourceId: { Ref: 'User' }, HttpMethod: 'OPTIONS', Integration: { Type: 'MOCK', IntegrationResponses: [{ ResponseParameters: { 'method.response.header.Access-Control-Allow-Origin': "'*'", 'method.response.header.Access-Control-Allow-Credentials': "'true'" } }] } } },
      Get: { Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Rest' }, ResourceId: { Ref: 'User' }, HttpMethod: 'GET', AuthorizationType: 'COGNITO_USER_POOLS', Integration: { Type: 'AWS_PROXY', Uri: { 'Fn::Sub': 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations' } } } },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Handler: 'h.handler', Runtime: 'python3.12', Role: { 'Fn::GetAtt': ['Role', 'Arn'] } } },
      Role: { Type: 'AWS::IAM::Role', Properties: { ManagedPolicyArns: ['arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess'] } },
      Http: { Type: 'AWS::ApiGatewayV2::Api', Properties: { ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: ['https://a.example.com'], AllowCredentials: true } } },
      Auth: { Type: 'AWS::ApiGatewayV2::Authorizer', Properties: { AuthorizerType: 'JWT', JwtConfiguration: { Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x' } } },
      Int: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'Http' }, IntegrationUri: { 'Fn::GetAtt': ['Fn', 'Arn'] } } },
      Route: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'Http' }, RouteKey: 'GET /users/{id}', AuthorizationType: 'JWT', AuthorizerId: { Ref: 'Auth' }, Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'Int' }]] } } },
    },
  }, null, 2);
  const { document, problems } = readCloudFormation({ text, file: 'template.json', dir: '' });
  assert.deepEqual(problems, []);
  const routes = document!.routes.map((r) => `${r.api.split('#')[1]} ${r.method} ${r.path} ${r.authorizer.kind} ${r.function?.split('#')[1]} ${r.cors?.origins.join() ?? '-'}:${r.cors?.credentials ?? '-'}`);
  assert.deepEqual(routes, ['Rest GET /users/{id} cognito Fn *:true', 'Http GET /users/{id} cognito Fn -:-']);
  assert.deepEqual(document!.functions[0].statements.map((s) => [s.template, s.actions]), [['AmazonDynamoDBFullAccess', ['dynamodb:*']]]);
  const http = document!.apis.find((a) => a.name === 'Http')!;
  assert.deepEqual([http.cors?.preflight, http.cors?.actual, http.cors?.origins], ['gateway', 'gateway', ['https://a.example.com']]);
  // each origin is placed on its own line
  assert.equal(http.cors?.originPlaces?.length, 1);
});

test('IAM statements: SAM policy templates, inline statements with conditions, role policies; function URLs become APIs', () => {
  const { document } = read(`
Transform: AWS::Serverless-2016-10-31
Resources:
  T: { Type: AWS::DynamoDB::Table, Properties: { KeySchema: [{ AttributeName: pk, KeyType: HASH }, { AttributeName: sk, KeyType: RANGE }], SSESpecification: { SSEEnabled: true } } }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: a.handler
      Policies:
        - DynamoDBReadPolicy: { TableName: !Ref T }
        - Statement:
            - Effect: Allow
              Action: [dynamodb:Query, dynamodb:Scan]
              Resource: !GetAtt T.Arn
              Condition: { "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["\${cognito-identity.amazonaws.com:sub}"] } }
      FunctionUrlConfig: { AuthType: NONE, Cors: { AllowOrigins: ["*"], AllowCredentials: false } }
`);
  const fn = document!.functions[0];
  assert.deepEqual(fn.statements.map((s) => s.template ?? s.actions.join()), ['DynamoDBReadPolicy', 'dynamodb:Query,dynamodb:Scan']);
  assert.deepEqual(fn.statements[1].conditions, { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${cognito-identity.amazonaws.com:sub}'] } });
  assert.equal(fn.statements[1].resources[0], 'template.yaml#T');
  assert.deepEqual(document!.tables.map((t) => [t.partitionKey, t.sortKey, t.sse]), [['pk', 'sk', true]]);
  const all = allOf({ documents: [document!] });
  assert.deepEqual(all.routes.map((r) => `${r.method} ${r.path} ${r.authorizer.kind}`), ['ANY $default none']);
  assert.equal(all.apis.find((a) => a.kind === 'function-url')?.cors?.origins[0], '*');
});

test('bad input: invalid YAML and JSON are problems with a position and no source text; an alias bomb ends quickly', () => {
  const yaml = read('AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Fn: { Type: AWS::Lambda::Function, Properties: { Environment: [ SECRET_hunter42\n');
  assert.equal(yaml.document, undefined);
  assert.match(yaml.problems[0], /^not valid YAML at line \d+, column \d+/);
  assert.ok(!yaml.problems[0].includes('hunter42'));
  const json = readCloudFormation({ text: '{ "Resources": { "A": { "Type": "AWS::Lambda::Function", } ', file: 't.json', dir: '' });
  assert.match(json.problems[0], /^not valid JSON at line \d+/);
  const lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'Metadata:', '  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) lines.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  lines.push('Resources:', '  Fn:', '    Type: AWS::Lambda::Function', '    Properties:', '      Environment:', '        Variables:', '          X: *a11');
  const t0 = performance.now();
  const bomb = read(lines.join('\n'));
  assert.ok(performance.now() - t0 < 2000, 'the alias bomb must end quickly');
  assert.ok(bomb.problems.length || bomb.document, 'read or refused, never hung');
});
