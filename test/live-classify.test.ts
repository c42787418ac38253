import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBody } from '../src/live/classify.ts';
import type { BodyClass } from '../src/live/types.ts';

const json = (v: unknown) => classifyBody(JSON.stringify(v), 'application/json');
const kinds = (b: BodyClass) => [...b.personal.map((p) => p.kind), ...b.secrets.map((s) => s.kind)];
const personal = (b: BodyClass, kind: string) => b.personal.find((p) => p.kind === kind);
const secret = (b: BodyClass, kind: string) => b.secrets.find((s) => s.kind === kind);

/** Nothing personal, secret or DynamoDB-ish: the classification of an ordinary body. */
function assertQuiet(b: BodyClass, why: string): void {
  assert.deepEqual({ personal: b.personal, secrets: b.secrets, dynamo: b.dynamo, awsDetails: b.awsDetails, traceback: b.traceback, sensitive: b.sensitive }, {
    personal: [], secrets: [], dynamo: [], awsDetails: [], traceback: undefined, sensitive: false,
  }, why);
}

describe('ordinary bodies', () => {
  test('FastAPI shapes and catalogue data are not sensitive', () => {
    assertQuiet(classifyBody('{"detail":"Not Found"}', 'application/json'), '404');
    assertQuiet(classifyBody('{"detail":[{"loc":["path","item_id"],"msg":"value is not a valid integer","type":"type_error.integer"}]}', 'application/json'), '422');
    assertQuiet(json({ items: [{ id: 'i1', name: 'Notebook', price: 4.5 }, { id: 'i2', name: 'Pencil', price: 0.8 }] }), 'items');
    assertQuiet(classifyBody('Disallowed CORS origin', 'text/plain; charset=utf-8'), 'preflight failure');
    assertQuiet(classifyBody('', undefined), 'empty');
    assertQuiet(classifyBody('Internal Server Error', 'text/plain'), 'generic 500');
  });
});

describe('emails', () => {
  test('addresses are found, counted once each and masked to their first letter and domain', () => {
    const b = json({ users: [{ email: 'alice.smith+news@mail.example.co.uk' }, { email: 'Alice.Smith+news@mail.example.co.uk' }, { contact: 'bob@corp.example' }] });
    assert.deepEqual(personal(b, 'email'), { kind: 'email', sample: 'a…@mail.example.co.uk', count: 2 });
    assert.equal(b.sensitive, true);
  });

  test('an address after a JSON escape does not swallow the escape letter', () => {
    const b = classifyBody('{"note":"contact:\\nbob@example.org."}', 'application/json');
    assert.equal(personal(b, 'email')?.sample, 'b…@example.org');
  });

  test('near misses: asset names, hosts without a dot, versions, scopes, handles', () => {
    for (const body of [
      '{"icon":"logo@2x.png","bundle":"app@1.2.min.js"}',
      '{"dsn":"user@localhost"}',
      '{"dep":"pkg@1.2.3"}',
      '{"types":"@types/node","handle":"@alice"}',
      'send mail to the address on file @ your convenience',
    ]) {
      assert.equal(personal(classifyBody(body, 'application/json'), 'email'), undefined, body);
    }
  });
});

describe('phone numbers', () => {
  test('E.164 with and without separators, masked to country digit and last two', () => {
    for (const [value, sample] of [
      ['+14155550132', '+1…32'],
      ['+1 (415) 555-0132', '+1…32'],
      ['+1-202-555-0143', '+1…43'],
      ['+44 20 7946 0958', '+4…58'],
      ['+49 151 12345678', '+4…78'],
    ]) {
      const b = json({ contact: value });
      assert.deepEqual(personal(b, 'phone'), { kind: 'phone', sample, count: 1 }, value);
    }
  });

  test('North American and trunk-prefix national formats, masked to the last two digits', () => {
    for (const value of ['(415) 555-0132', '415-555-0132', '415.555.0132', '415 555 0132', '020 7946 0958', '07700 900123', '030 12345678', '01 42 68 53 07']) {
      const b = classifyBody(`Call us on ${value} today.`, 'text/plain');
      const p = personal(b, 'phone');
      assert.ok(p, value);
      assert.equal(p.sample, `…${value.replace(/\D/g, '').slice(-2)}`, value);
    }
  });

  test('bare digits count only under a phone-named key', () => {
    assert.equal(personal(json({ phone_number: '4155550132' }), 'phone')?.count, 1);
    assert.equal(personal(classifyBody('{"mobile": 4155550132}', 'application/json'), 'phone')?.count, 1);
    assert.equal(personal(json({ phoneNumber: '+4915112345678' }), 'phone')?.sample, '+4…78');
    assert.equal(personal(json({ phone_verified: true, phone_id: '4155550132' }), 'phone'), undefined);
  });

  test('one number written twice is one number', () => {
    assert.equal(personal(classifyBody('+1 415 555 0132 or (415) 555-0132', 'text/plain'), 'phone')?.count, 1);
  });

  test('near misses: timestamps, ids, versions, IP addresses, order numbers, long digit runs', () => {
    for (const body of [
      '{"created_at":"2024-01-15T10:20:30+05:30","updated":"2024-01-15 10:20:30"}',
      '{"ts":1700000000,"ts_ms":1700000000123}',
      '{"id":"123e4567-e89b-12d3-a456-426614174000"}',
      '{"version":"10.4.155.5501","build":"4.415.555.0132"}',
      '{"ip":"192.168.100.200","cidr":"10.0.0.0/16"}',
      '{"order":"ORD-2024-000123","ref":"#100234567"}',
      '{"order_number":"415-555-0132","invoice":"020 7946 0958"}',
      '{"big":123456789012345678,"huge":"+12345678901234567890"}',
      '{"dates":["01-02-2024","01.02.2024","2024/01/15"]}',
      '{"fake":"123-456-7890","exp":"1e+10","tz":"+0000","year":"+2024-01-15"}',
      '{"amount":"+12345.67","delta":"+1.2.3"}',
    ]) {
      assert.equal(personal(classifyBody(body, 'application/json'), 'phone'), undefined, body);
    }
  });
});

describe('SSNs', () => {
  test('AAA-GG-SSSS in valid ranges, and 9 digits under an SSN-named key; masked to the last four', () => {
    const b = classifyBody('{"ssn":"536-22-8145","spouse":{"ssn":"536228146"},"social_security_number":"536 22 8147"}', 'application/json');
    assert.deepEqual(personal(b, 'ssn'), { kind: 'ssn', sample: '***-**-8145', count: 3 });
    // the project's own fixture data (published numbers in valid ranges)
    assert.equal(personal(json({ ssn: '078-05-1120' }), 'ssn')?.count, 1);
  });

  test('near misses: never-issued areas, zero groups and serials, longer dashed ids, dates, id keys', () => {
    for (const body of [
      '{"a":"000-12-3456","b":"666-12-3456","c":"912-34-5678"}',
      '{"a":"536-00-8145","b":"536-22-0000"}',
      '{"ref":"A-536-22-8145-B","sku":"536-22-8145-01"}',
      '{"date":"2024-01-15","phone":"415-555-0132"}',
      '{"order_id":"536-22-8145","ssn_last4":"8145","ssn":"12345"}',
    ]) {
      assert.equal(personal(classifyBody(body, 'application/json'), 'ssn'), undefined, body);
    }
  });
});

describe('payment cards', () => {
  test('Luhn-valid numbers with a scheme prefix and length, bare or grouped; masked with the scheme', () => {
    for (const [value, sample] of [
      ['4111 1111 1111 1111', 'visa 41…11'],
      ['4111-1111-1111-1111', 'visa 41…11'],
      ['4111111111111111', 'visa 41…11'],
      ['4000000000006', 'visa 40…06'],
      ['5555 5555 5555 4444', 'mastercard 55…44'],
      ['2221000000000009', 'mastercard 22…09'],
      ['3782 822463 10005', 'amex 37…05'],
      ['371449635398431', 'amex 37…31'],
      ['6011111111111117', 'discover 60…17'],
      ['3530111333300000', 'jcb 35…00'],
    ]) {
      const p = personal(json({ card_number: value }), 'card');
      assert.ok(p, value);
      assert.equal(p.sample, sample, value);
      assert.ok(!p.sample.includes(value.replace(/\D/g, '')), value);
    }
    assert.equal(personal(json({ cards: ['4111 1111 1111 1111', '4111111111111111', '5555555555554444'] }), 'card')?.count, 2);
  });

  test('a card followed by another number is still found', () => {
    assert.equal(personal(classifyBody('card 4111 1111 1111 1111 2024 exp', 'text/plain'), 'card')?.count, 1);
  });

  test('near misses: Luhn-valid without a card prefix, wrong length for the prefix, Luhn-invalid, ids, times, decimals', () => {
    for (const body of [
      '{"n":"1234567812345670"}', // Luhn-valid, no IIN
      '{"n":"8000123456789018"}', // Luhn-valid, no IIN
      '{"n":"3714496353984314"}', // amex prefix, Luhn-valid, 16 digits: amex issues 15
      '{"n":"4111111111111112"}', // visa prefix, Luhn-invalid
      '{"id":4111111111111111,"order_id":"4111111111111111","txn":"5555555555554444"}',
      '{"ts":1700000000000,"n":17000000000001}',
      '{"uuid":"12345678-4111-1111-1111-111111111111","key":"4111-1111-1111-1111-5555"}',
      '{"amount":4111111111111111.5,"run":"41111111111111110000"}',
      '{"filler":"4444444444444444"}',
    ]) {
      assert.equal(personal(classifyBody(body, 'application/json'), 'card'), undefined, body);
    }
  });
});

describe('secrets', () => {
  test('AWS access key ids, masked to four and four', () => {
    const b = classifyBody('{"creds":{"AccessKeyId":"AKIAZ7Q3V5K2M9XW4RTB","temp":"ASIAQ4R7T2W9Z3X6C8V1"}}', 'application/json');
    assert.deepEqual(secret(b, 'aws-access-key-id'), { kind: 'aws-access-key-id', sample: 'AKIA…4RTB', count: 2 });
    assert.equal(secret(b, 'api-key'), undefined, 'the key id is not counted twice');
  });

  test('near misses: the documented example, fillers, longer tokens', () => {
    for (const body of ['{"k":"AKIAIOSFODNN7EXAMPLE"}', '{"k":"AKIAAAAAAAAAAAAAAAAA"}', '{"k":"AKIAABCDEFGHIJKLMNOP"}', '{"k":"XAKIAZ7Q3V5K2M9XW4RTB"}', '{"k":"AKIAZ7Q3V5K2M9XW4RTBX"}']) {
      assert.equal(secret(classifyBody(body, 'application/json'), 'aws-access-key-id'), undefined, body);
    }
  });

  const HS256 = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

  test('JWTs: three base64url parts whose header has alg; the sample names alg and hides the token', () => {
    const b = json({ access_token: HS256, token_type: 'bearer' });
    assert.deepEqual(secret(b, 'jwt'), { kind: 'jwt', sample: 'eyJh…sw5c (alg HS256)', count: 1 });
    assert.equal(secret(b, 'api-key'), undefined, 'the JWT is not counted again as an api key');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.`;
    assert.equal(secret(classifyBody(`Authorization: Bearer ${none}`, 'text/plain'), 'jwt')?.count, 1);
  });

  test('near misses: eyJ base64 that is not a JOSE header, one part, two parts', () => {
    const noAlg = `${Buffer.from('{"typ":"JWT","kid":"k1"}').toString('base64url')}.${Buffer.from('{"sub":"u1"}').toString('base64url')}.c2lnbmF0dXJl`;
    const notJson = `eyJhbGciOiJIUzI1NiIsInR5cCI6.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fw`;
    for (const body of [noAlg, notJson, 'eyJhbGciOiJIUzI1NiJ9', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9']) {
      assert.equal(secret(classifyBody(JSON.stringify({ v: body }), 'application/json'), 'jwt'), undefined, body);
    }
  });

  test('API keys under key-ish names with generated values, in JSON and in Python dict reprs', () => {
    const cases: [string, string][] = [
      ['{"api_key":"sk_live_4eC39HqLyjWDarjtT1zdp7dc"}', 'api_key = sk_l…p7dc'],
      ['{"apiKey":"9f8e7d6c5b4a39281706f5e4d3c2b1a0"}', 'apiKey = 9f8e…b1a0'],
      ['{"headers":{"x-api-key":"Qm9x7Lp2Vt8Rk4Ws1Zn6"}}', 'x-api-key = Qm9x…1Zn6'],
      ['{"client_secret":"z8Kq2Lw9Xv4Rt7Yp1Mn5Bc3"}', 'client_secret = z8Kq…5Bc3'],
      ['{"token":"3f2b9c1e-8d4a-4f6b-9e2d-1a7c5b3e9f01"}', 'token = 3f2b…9f01'],
      ["KeyError: {'secret': 'hV7pQ2mX9wL4tR8zK1nB'}", 'secret = hV7p…K1nB'],
      ['{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ7pLm2Vw9"}', 'SecretAccessKey = wJal…2Vw9'],
    ];
    for (const [body, sample] of cases) {
      assert.deepEqual(secret(classifyBody(body, body.startsWith('{') ? 'application/json' : 'text/plain'), 'api-key'), { kind: 'api-key', sample, count: 1 }, body);
    }
  });

  test('near misses: the word token alone, metadata names, cursors, placeholders, short or wordy values', () => {
    for (const body of [
      '{"error":"invalid token","hint":"Send your token in the Authorization header"}',
      '{"token_type":"bearer","token_url":"https://auth.example.com/oauth2/token","expires_in":3600}',
      '{"token":"expired"}',
      '{"api_key":"YOUR_API_KEY_HERE","secret":"changeme","apiKey":"<your-api-key>","token":"${TOKEN}"}',
      '{"api_key_header":"X-API-Key","secret_name":"prod/orders/db-password-rotation"}',
      '{"nextToken":"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5","next_token":"a8Kq2Lw9Xv4Rt7Yp1Mn5"}',
      '{"prompt_tokens":12,"tokens":"a8Kq2Lw9Xv4Rt7Yp1Mn5","secretary":"a8Kq2Lw9Xv4Rt7Yp1Mn5"}',
      '{"token":"abc123","secret":"my-very-secret-password-value"}',
      '{"access_token":"token-u1-3e8a51"}',
    ]) {
      assert.deepEqual(classifyBody(body, 'application/json').secrets, [], body);
    }
  });
});

describe('DynamoDB tells', () => {
  test('typed AttributeValues: GetItem, Query and a bare attribute map', () => {
    assert.deepEqual(json({ Item: { pk: { S: 'u1' } } }).dynamo, ['typed-attribute-values']);
    assert.deepEqual(json({ Items: [{ pk: { S: 'u1' }, age: { N: '42' }, tags: { SS: ['a'] }, addr: { M: { city: { S: 'Oslo' } } }, l: { L: [{ BOOL: true }, { NULL: true }] } }], Count: 1, ScannedCount: 1, LastEvaluatedKey: { pk: { S: 'u1' } } }).dynamo, [
      'typed-attribute-values', 'LastEvaluatedKey', 'ScannedCount',
    ]);
    assert.deepEqual(json({ profile: { pk: { S: 'u1' }, sk: { S: 'profile' } } }).dynamo, ['typed-attribute-values']);
    assert.deepEqual(json({ stats: { count: { N: '5' } } }).dynamo, ['typed-attribute-values']);
  });

  test('near misses: S/M/L keys that are not AttributeValues, an AttributeValue alone, and AttributeValue text in a string', () => {
    for (const v of [
      { S: 'small' },
      { sizes: { S: 3, M: 5, L: 2 } },
      { size: { S: 'small' } },
      { shirt: { S: 'small', price: 3 } },
      { n: { N: 'abc' }, m: { N: '1' , S: '2' } },
      { docs: 'Write {"S": "value"} for strings and {"N": "1"} for numbers' },
      { list: { L: [1, 2] }, map: { M: { a: 1 } } },
    ]) {
      assert.ok(!json(v).dynamo.includes('typed-attribute-values'), JSON.stringify(v));
    }
  });

  test('typed AttributeValues in text that is not whole JSON: a body cut at the cap, a Python repr', () => {
    assert.deepEqual(classifyBody('{"Items":[{"pk":{"S":"u1"},"n":{"N":"1"}},{"pk":', 'application/json').dynamo, ['typed-attribute-values']);
    assert.deepEqual(classifyBody("response = {'Item': {'pk': {'S': 'u1'}}}", 'text/plain').dynamo, ['typed-attribute-values']);
    assert.deepEqual(json({ detail: "{'Item': {'pk': {'S': 'u1'}}, 'ResponseMetadata': {'HTTPStatusCode': 200}}" }).dynamo, ['typed-attribute-values'], 'str(response) in a detail');
    assert.deepEqual(classifyBody('{"docs":"{\\"pk\\": {\\"S\\": \\"x\\"}, \\"sk\\": {\\"S\\": \\"y\\"}}"', 'application/json').dynamo, [], 'escaped text in a cut body');
  });

  test('DynamoDB- and botocore-only words stand alone, even in a documentation string', () => {
    assert.deepEqual(json({ description: 'Built on botocore' }).dynamo, ['botocore']);
    assert.deepEqual(json({ ConsumedCapacity: { TableName: 'orders', CapacityUnits: 0.5 } }).dynamo, ['ConsumedCapacity']);
    assert.deepEqual(json({ error: 'ConditionalCheckFailedException' }).dynamo, ['ConditionalCheckFailedException']);
    assert.deepEqual(json({ error: 'ProvisionedThroughputExceededException: Rate exceeded' }).dynamo, ['ProvisionedThroughputExceededException']);
    assert.deepEqual(json({ error: 'TypeError: Float types are not supported. Use Decimal types instead.' }).dynamo, ['Float types are not supported']);
  });

  test("botocore's ClientError message names the error code", () => {
    const b = json({ detail: 'An error occurred (ValidationException) when calling the GetItem operation: The provided key element does not match the schema' });
    assert.deepEqual(b.dynamo, ['ClientError', 'ValidationException']);
    assert.equal(b.sensitive, true);
    assert.deepEqual(json({ detail: 'An error occurred (ResourceNotFoundException) when calling the Query operation: Requested resource not found' }).dynamo, ['ClientError', 'ResourceNotFoundException']);
    assert.deepEqual(
      json({ __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException', message: 'Requested resource not found' }).dynamo,
      ['ResourceNotFoundException', 'com.amazonaws.dynamodb'],
    );
  });

  test('generic exception names need DynamoDB context: Spring, javax, aiohttp are not tells', () => {
    assert.deepEqual(json({ error: 'ResourceNotFoundException', message: 'User 5 not found' }).dynamo, []);
    assert.deepEqual(classifyBody('javax.validation.ValidationException: name must not be null', 'text/plain').dynamo, []);
    assert.deepEqual(classifyBody('aiohttp.client_exceptions.ClientError: boom', 'text/plain').dynamo, []);
    assert.deepEqual(json({ error: 'AccessDeniedException', message: 'not authorized to perform: dynamodb:GetItem' }).dynamo, ['AccessDeniedException']);
  });
});

describe('AWS details in error text', () => {
  const denied =
    'An error occurred (AccessDeniedException) when calling the Scan operation: User: arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-fn is not authorized to perform: dynamodb:Scan on resource: arn:aws:dynamodb:eu-west-1:123456789012:table/orders.';

  test('account (masked), role, function and table from an AccessDeniedException', () => {
    const b = json({ detail: denied });
    assert.deepEqual(b.awsDetails, ['account 1234…9012', 'role orders-api-role', 'function orders-fn', 'table orders']);
    assert.deepEqual(b.dynamo, ['ClientError', 'AccessDeniedException']);
    assert.ok(!JSON.stringify(b).includes('123456789012'));
  });

  test('Lambda function and IAM role ARNs, other partitions, indexes', () => {
    const b = classifyBody(
      'arn:aws:lambda:us-east-1:210987654321:function:profiles-get and arn:aws:iam::210987654321:role/service/profiles-exec-role; arn:aws-us-gov:dynamodb:us-gov-west-1:210987654321:table/profiles/index/by-email',
      'text/plain',
    );
    assert.deepEqual(b.awsDetails, ['account 2109…4321', 'role profiles-exec-role', 'function profiles-get', 'table profiles']);
  });

  test('near misses: ARNs without an account, bare 12-digit numbers', () => {
    assertQuiet(json({ bucket: 'arn:aws:s3:::my-bucket', n: '123456789012', topic: 'arn:aws:sns:us-east-1:123456789012' }), 'no role, function or table');
  });
});

describe('tracebacks and debug pages', () => {
  const starlettePage = `
<html>
    <head>
        <style type='text/css'>
.traceback-container { border: 1px solid #038BB8; }
        </style>
        <title>Starlette Debugger</title>
    </head>
    <body>
        <h1>500 Server Error</h1>
        <h2>ClientError: An error occurred (ResourceNotFoundException) when calling the GetItem operation: Requested resource not found</h2>
        <div class="traceback-container">
            <p class="traceback-title">Traceback</p>
            <div>
<div>
    <p class="frame-title">File <span class="frame-filename">/var/task/app.py</span>,
    line <i>42</i>,
    in <b>get_order</b>
    </p>
</div>
</div>
        </div>
    </body>
</html>
`;

  test("Starlette's debug page", () => {
    const b = classifyBody(starlettePage, 'text/html; charset=utf-8');
    assert.equal(b.traceback, 'starlette-debug-html');
    assert.deepEqual(b.dynamo, ['ClientError', 'ResourceNotFoundException']);
    assert.equal(b.sensitive, true);
    assert.equal(classifyBody(starlettePage).traceback, 'starlette-debug-html', 'recognised without a content type');
  });

  test('the debug page title inside JSON is not a debug page', () => {
    assert.equal(json({ html: '<title>Starlette Debugger</title><p class="traceback-title">Traceback</p>' }).traceback, undefined);
  });

  const pyTrace = [
    'Traceback (most recent call last):',
    '  File "/usr/lib/python3/dist-packages/starlette/middleware/errors.py", line 162, in __call__',
    '    await self.app(scope, receive, _send)',
    '  File "/var/task/app.py", line 15, in boom',
    '    raise ValueError("x")',
    'ValueError: x',
  ].join('\n');

  test('Python tracebacks: plain text and inside a JSON detail string', () => {
    assert.equal(classifyBody(pyTrace, 'text/plain; charset=utf-8').traceback, 'python-traceback');
    assert.equal(json({ detail: pyTrace }).traceback, 'python-traceback');
  });

  test('Node, JVM, .NET, Go stack traces', () => {
    const node = json({ stack: 'TypeError: x is undefined\n    at handler (/var/task/index.js:12:7)\n    at Runtime.handleOnce (file:///var/runtime/index.mjs:1028:29)' });
    assert.equal(node.traceback, 'other-stack-trace');
    const jvm = 'java.lang.NullPointerException\n\tat com.example.orders.OrderService.get(OrderService.java:42)\n\tat com.example.orders.OrderController.show(OrderController.java:17)';
    assert.equal(classifyBody(jvm, 'text/plain').traceback, 'other-stack-trace');
    const dotnet = 'System.Exception: boom\n   at Orders.Api.Get(String id) in /src/Orders/Api.cs:line 42\n   at Orders.Program.Main() in /src/Orders/Program.cs:line 9';
    assert.equal(classifyBody(dotnet, 'text/plain').traceback, 'other-stack-trace');
    assert.equal(classifyBody('panic: boom\n\ngoroutine 1 [running]:\nmain.main()', 'text/plain').traceback, 'other-stack-trace');
  });

  test('near misses: the word Traceback, a header without frames, one frame, prose with "at"', () => {
    for (const body of [
      '{"docs":"See the Traceback section"}',
      'Traceback (most recent call last):\n(output trimmed)',
      'Error\n    at handler (/var/task/index.js:12:7)',
      'Meet at Joe\'s (5th Ave) at noon (sharp)',
    ]) {
      assert.equal(classifyBody(body, 'text/plain').traceback, undefined, body);
    }
  });
});

describe('redaction', () => {
  test('no sample (or any field) ever holds a full email, phone, SSN, card, key, JWT or API key', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    const secrets = {
      email: 'alice@corp.example',
      phone: '+14155550132',
      home: '020 7946 0958',
      ssn: '536-22-8145',
      card_number: '4111 1111 1111 1111',
      amex: '371449635398431',
      aws: 'AKIAZ7Q3V5K2M9XW4RTB',
      id_token: jwt,
      api_key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
      secret: 'hV7pQ2mX9wL4tR8zK1nB',
    };
    const b = json({ profile: secrets, detail: 'arn:aws:sts::123456789012:assumed-role/r/f' });
    assert.deepEqual(kinds(b), ['email', 'phone', 'ssn', 'card', 'aws-access-key-id', 'jwt', 'api-key']);
    const out = JSON.stringify(b);
    for (const v of [...Object.values(secrets), '14155550132', '02079460958', '536228145', '4111111111111111', '123456789012', 'alice@', 'lice']) {
      assert.ok(!out.includes(v), `${v} leaked: ${out}`);
    }
    for (const s of [...b.personal, ...b.secrets]) assert.match(s.sample, /…|\*\*\*/, s.kind);
  });
});

describe('cost', () => {
  const MiB = 1 << 20;
  const fill = (unit: string) => unit.repeat(Math.ceil(MiB / unit.length)).slice(0, MiB);
  const adversarial: [string, string, string | undefined][] = [
    ['digits', fill('4'), 'text/plain'],
    ['digit groups', fill('4111 1111 1111 111'), 'text/plain'],
    ['phone-ish', fill('+1 415 555 01'), 'text/plain'],
    ['trunk-ish', fill('0 12 34 56 78 9'), 'text/plain'],
    ['at signs', fill('a@'), 'text/plain'],
    ['long local parts', fill(`${'a'.repeat(70)}@b.`), 'text/plain'],
    ['jwt-ish', fill('eyJa.'), 'text/plain'],
    ['jwt-ish long', `eyJ${fill('a')}`, 'text/plain'],
    ['secret names', fill('"token": "'), 'application/json'],
    ['secret names, values', fill('"api_key":"a8Kq2Lw9Xv4Rt7Yp1Mn5", '), 'application/json'],
    ['attribute values', fill('"a": {"S": "'), 'application/json'],
    ['attribute values closed', fill('"a": {"S": "x"}, '), 'text/plain'],
    ['tracebacks', fill('Traceback (most recent call last):\n  File "'), 'text/plain'],
    ['node frames', fill('at x.js:1:'), 'text/plain'],
    ['jvm frames', fill('at a.'), 'text/plain'],
    ['arns', fill('arn:aws:sts::123456789012:assumed-role/'), 'text/plain'],
    ['quotes', fill('"'), 'application/json'],
    ['escapes', fill('\\u0040\\n'), 'application/json'],
    ['deep json', `${'['.repeat(MiB / 2)}${']'.repeat(MiB / 2)}`, 'application/json'],
    ['mixed', fill('{"email":"a@b.co","phone":"+1 415 555 0132","ssn":"536-22-8145","card":"4111111111111111","k":"AKIAZ7Q3V5K2M9XW4RTB","pk":{"S":"u1"}} eyJ. at x.js:1:2 Traceback '), 'text/plain'],
  ];

  for (const [name, body, ct] of adversarial) {
    test(`1 MiB adversarial body (${name}) is classified well under a second`, () => {
      const t = performance.now();
      classifyBody(body, ct);
      const ms = performance.now() - t;
      assert.ok(ms < 1000, `${name}: ${ms.toFixed(0)} ms`);
    });
  }

  test('a 1 MiB JSON list of profiles: counts are capped, the answer is still right', () => {
    const rows = [];
    for (let i = 0; rows.length * 90 < MiB; i++) {
      rows.push({ pk: { S: `u${i}` }, email: { S: `user${i}@corp.example` }, phone: { S: `+1 415 555 ${String(1000 + (i % 9000)).padStart(4, '0')}` } });
    }
    const body = JSON.stringify({ Items: rows });
    const t = performance.now();
    const b = classifyBody(body, 'application/json');
    const ms = performance.now() - t;
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
    assert.ok(body.length > MiB * 0.9);
    assert.equal(personal(b, 'email')?.count, 2000);
    assert.equal(personal(b, 'phone')?.count, 2000);
    assert.ok(b.dynamo.includes('typed-attribute-values'));
  });

  test('a body over 1 MiB is examined up to the cap', () => {
    const body = `${' '.repeat(1 << 20)}alice@corp.example`;
    assert.equal(personal(classifyBody(body, 'text/plain'), 'email'), undefined);
  });
});
