import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fingerprint } from '../src/live/fingerprint.ts';
import type { Exchange, RawHeaders } from '../src/live/types.ts';

let n = 0;
/** One exchange as the client records it: lowercased header names, duplicates kept. */
function ex(url: string, status: number, headers: RawHeaders, body = '', method: Exchange['request']['method'] = 'GET'): Exchange {
  return {
    probe: `B${n++}`,
    request: { method, url, headers: [] },
    response: { status, headers, body, bytes: Buffer.byteLength(body), truncated: false },
    ms: 12,
  };
}

const JSON_CT: RawHeaders = [['content-type', 'application/json']];
const TEXT_CT: RawHeaders = [['content-type', 'text/plain; charset=utf-8']];
const UVICORN: RawHeaders = [['date', 'Mon, 01 Dec 2025 20:00:00 GMT'], ['server', 'uvicorn']];

/** Headers a REST API (Lambda proxy) adds to an integration response. */
const REST: RawHeaders = [
  ['x-amzn-requestid', '5b0f5a0e-3c7e-4f0e-9a7c-2b1d6c0f6a11'],
  ['x-amz-apigw-id', 'Pq3KXGmOIAMEb9A='],
  ['x-amzn-trace-id', 'Root=1-6565f0a1-0d2f3e4a5b6c7d8e9f0a1b2c;Sampled=0;lineage=6a2b1c3d:0'],
];
/** Headers an HTTP API adds. */
const HTTP_API: RawHeaders = [['apigw-requestid', 'Pq3KXhYZoAMEbPg=']];
/** Headers of a Lambda function URL response. */
const FN_URL: RawHeaders = [
  ['x-amzn-requestid', 'c1e7a6b2-8d0f-4a8e-9f61-3d2b7c5e1f09'],
  ['x-amzn-trace-id', 'root=1-6565f0a1-3a4b5c6d7e8f9a0b1c2d3e4f;parent=5e6f7a8b9c0d1e2f;sampled=0;lineage=1:0'],
];
/** Headers CloudFront adds. */
const CLOUDFRONT: RawHeaders = [
  ['x-cache', 'Miss from cloudfront'],
  ['via', '1.1 0f4e3c2b1a09f8e7d6c5b4a3.cloudfront.net (CloudFront)'],
  ['x-amz-cf-pop', 'FRA56-P5'],
  ['x-amz-cf-id', 'kT3dE0g2hJ6mQ8rV1wY4zB7cF9iL2oR5uX8aD1gJ4mP7sV0yB3eH6k=='],
];

/** What FastAPI answers to the baseline's error-path probes. */
function fastapiErrors(base: string, gatewayHeaders: RawHeaders): Exchange[] {
  return [
    ex(`${base}/k3v9qz2m-not-here`, 404, [...JSON_CT, ...gatewayHeaders], '{"detail":"Not Found"}'),
    ex(`${base}/profiles/me`, 405, [['allow', 'GET'], ...JSON_CT, ...gatewayHeaders], '{"detail":"Method Not Allowed"}', 'OPTIONS'),
  ];
}

const has = (evidence: string[], part: string) => evidence.some((e) => e.includes(part));

describe('framework', () => {
  test('FastAPI served by uvicorn: two FastAPI shapes and the server header', () => {
    const fp = fingerprint(fastapiErrors('https://api.example.com', UVICORN));
    assert.equal(fp.framework, 'fastapi');
    assert.equal(fp.gateway, undefined);
    assert.equal(fp.mangum, undefined);
    assert.deepEqual(fp.evidence, ['{"detail":"Not Found"} 404', '{"detail":"Method Not Allowed"} 405', 'server: uvicorn header']);
  });

  test('one weak signal is not enough', () => {
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 404, JSON_CT, '{"detail":"Not Found"}')]), { evidence: [] });
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 200, UVICORN, '{"ok":true}')]), { evidence: [] });
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 401, JSON_CT, '{"detail":"Not authenticated"}')]), { evidence: [] });
  });

  test('near misses: other frameworks word their errors differently', () => {
    const fp = fingerprint([
      ex('https://api.example.com/x', 404, JSON_CT, '{"detail":"Not found."}'), // Django REST framework
      ex('https://api.example.com/x', 405, JSON_CT, '{"detail":"Method \\"DELETE\\" not allowed."}'),
      ex('https://api.example.com/x', 404, JSON_CT, '{"detail":"Not Found","code":404}'),
      ex('https://api.example.com/x', 200, JSON_CT, '{"detail":"Not Found"}'),
    ]);
    assert.deepEqual(fp, { evidence: [] });
  });

  test("FastAPI's 422 validation body is strong by itself (pydantic v1 and v2)", () => {
    const v1 = '{"detail":[{"loc":["query","q"],"msg":"field required","type":"value_error.missing"}]}';
    const v2 = '{"detail":[{"type":"missing","loc":["query","q"],"msg":"Field required","input":null}]}';
    for (const body of [v1, v2]) {
      const fp = fingerprint([ex('https://api.example.com/items/abc', 422, JSON_CT, body)]);
      assert.equal(fp.framework, 'fastapi', body);
      assert.deepEqual(fp.evidence, ['{"detail":[{"loc":…,"msg":…,"type":…}]} 422']);
    }
    assert.equal(fingerprint([ex('https://api.example.com/x', 422, JSON_CT, '{"detail":[{"field":"q","error":"required"}]}')]).framework, undefined);
  });

  test("/openapi.json with FastAPI's default info, or its HTTPValidationError schema", () => {
    const doc = '{"openapi":"3.0.2","info":{"title":"FastAPI","version":"0.1.0"},"paths":{}}';
    const fp = fingerprint([ex('https://api.example.com/openapi.json', 200, JSON_CT, doc)]);
    assert.equal(fp.framework, 'fastapi');
    assert.deepEqual(fp.evidence, [`OpenAPI 3.0.2 document with FastAPI's default info (title "FastAPI", version "0.1.0")`]);
    const custom = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Profiles', version: '2.4.0' },
      paths: {},
      components: { schemas: { HTTPValidationError: { type: 'object' }, ValidationError: { type: 'object' } } },
    });
    assert.equal(fingerprint([ex('https://api.example.com/openapi.json', 200, JSON_CT, custom)]).framework, 'fastapi');
    // a body cut at the byte cap still starts the FastAPI way
    const cut = fingerprint([ex('https://api.example.com/openapi.json', 200, JSON_CT, `${doc.slice(0, -2)},"/a":{"get":{"summ`)]);
    assert.equal(cut.framework, 'fastapi');
  });

  test('near misses: an OpenAPI document from another framework, a Swagger 2 document', () => {
    const other = '{"openapi":"3.0.3","info":{"title":"Orders API","version":"1.0.0"},"paths":{}}';
    const swagger2 = '{"swagger":"2.0","info":{"title":"FastAPI","version":"0.1.0"},"paths":{}}';
    assert.deepEqual(fingerprint([ex('https://api.example.com/openapi.json', 200, JSON_CT, other)]), { evidence: [] });
    assert.deepEqual(fingerprint([ex('https://api.example.com/openapi.json', 200, JSON_CT, swagger2)]), { evidence: [] });
  });

  test("FastAPI's docs page title", () => {
    const html = '<!DOCTYPE html><html><head><title>FastAPI - Swagger UI</title></head><body><div id="swagger-ui"></div></body></html>';
    assert.equal(fingerprint([ex('https://api.example.com/docs', 200, [['content-type', 'text/html; charset=utf-8']], html)]).framework, 'fastapi');
  });

  test("Starlette's preflight failure body is strong; with a FastAPI shape it is FastAPI", () => {
    const preflight = ex('https://api.example.com/profiles/me', 400, [['vary', 'Origin'], ['access-control-allow-methods', 'GET'], ['access-control-max-age', '600'], ...TEXT_CT], 'Disallowed CORS origin', 'OPTIONS');
    const alone = fingerprint([preflight]);
    assert.equal(alone.framework, 'starlette');
    assert.deepEqual(alone.evidence, ['Disallowed CORS origin 400']);
    const both = fingerprint([preflight, ex('https://api.example.com/nope', 404, JSON_CT, '{"detail":"Not Found"}')]);
    assert.equal(both.framework, 'fastapi');
    assert.deepEqual(both.evidence, ['{"detail":"Not Found"} 404', 'Disallowed CORS origin 400']);
    for (const body of ['Disallowed CORS method', 'Disallowed CORS headers', 'Disallowed CORS origin, method, headers']) {
      assert.equal(fingerprint([ex('https://api.example.com/x', 400, TEXT_CT, body, 'OPTIONS')]).framework, 'starlette', body);
    }
  });

  test('near misses: the CORS failure wording with another status or extra text', () => {
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 403, TEXT_CT, 'Disallowed CORS origin', 'OPTIONS')]), { evidence: [] });
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 400, TEXT_CT, 'Disallowed CORS origin: https://evil.example', 'OPTIONS')]), { evidence: [] });
  });

  test('plain Starlette: text/plain errors, the default preflight answer and uvicorn', () => {
    const fp = fingerprint([
      ex('https://api.example.com/nope', 404, [...TEXT_CT, ...UVICORN], 'Not Found'),
      ex('https://api.example.com/x', 200, [['access-control-allow-origin', 'https://app.example.com'], ['access-control-max-age', '600'], ...TEXT_CT, ...UVICORN], 'OK', 'OPTIONS'),
    ]);
    assert.equal(fp.framework, 'starlette');
    assert.deepEqual(fp.evidence, ['text/plain "Not Found" 404', 'preflight 200 "OK" with access-control-max-age: 600', 'server: uvicorn header']);
    // a plain "Not Found" alone is every other server too
    assert.equal(fingerprint([ex('https://api.example.com/nope', 404, TEXT_CT, 'Not Found')]).framework, undefined);
  });

  test("Starlette's debug page", () => {
    const html = '\n<html>\n    <head>\n        <title>Starlette Debugger</title>\n    </head>\n    <body>\n        <h1>500 Server Error</h1>\n';
    assert.equal(fingerprint([ex('https://api.example.com/boom', 500, [['content-type', 'text/html; charset=utf-8']], html)]).framework, 'starlette');
  });
});

describe('gateway', () => {
  test('REST API with Mangum: x-amz-apigw-id and FastAPI shapes, no server header', () => {
    const fp = fingerprint(fastapiErrors('https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod', REST));
    assert.equal(fp.framework, 'fastapi');
    assert.equal(fp.gateway, 'rest-api');
    assert.equal(fp.mangum, true);
    assert.ok(has(fp.evidence, 'x-amz-apigw-id header'));
    assert.ok(has(fp.evidence, 'x-amzn-requestid header'));
    assert.ok(has(fp.evidence, 'execute-api host abc123defg.execute-api.eu-west-1.amazonaws.com'));
    assert.ok(has(fp.evidence, 'FastAPI responses behind a REST API with no ASGI server header: Mangum on Lambda'));
  });

  test("REST API from its own body: Missing Authentication Token", () => {
    const fp = fingerprint([ex('https://api.example.com/k3v9qz2m', 403, [...JSON_CT, ['x-amzn-requestid', 'r1'], ['x-amzn-errortype', 'MissingAuthenticationTokenException']], '{"message":"Missing Authentication Token"}')]);
    assert.equal(fp.gateway, 'rest-api');
    assert.equal(fp.mangum, undefined, 'no framework seen');
    assert.ok(has(fp.evidence, '{"message":"Missing Authentication Token"} 403'));
  });

  test("REST API from Lambda's request id and a gateway body (two weak signals)", () => {
    const fp = fingerprint([ex('https://api.example.com/private', 401, [...JSON_CT, ['x-amzn-requestid', 'r1']], '{"message":"Unauthorized"}')]);
    assert.equal(fp.gateway, 'rest-api');
    assert.deepEqual(fp.evidence, ['x-amzn-requestid header', '{"message":"Unauthorized"} 401']);
  });

  test('edge-optimized REST API: the CloudFront headers are noted, the gateway is the REST API', () => {
    const fp = fingerprint(fastapiErrors('https://api.example.com', [...REST, ...CLOUDFRONT]));
    assert.equal(fp.gateway, 'rest-api');
    assert.equal(fp.mangum, true);
    assert.ok(has(fp.evidence, 'x-amz-cf-id header (CloudFront in front)'));
    assert.ok(has(fp.evidence, 'via: 1.1 0f4e3c2b1a09f8e7d6c5b4a3.cloudfront.net (CloudFront) (CloudFront in front)'));
  });

  test('HTTP API with Mangum', () => {
    const fp = fingerprint(fastapiErrors('https://abc123defg.execute-api.us-east-1.amazonaws.com', HTTP_API));
    assert.equal(fp.framework, 'fastapi');
    assert.equal(fp.gateway, 'http-api');
    assert.equal(fp.mangum, true);
    assert.ok(has(fp.evidence, 'apigw-requestid header'));
    assert.ok(has(fp.evidence, 'behind an HTTP API'));
  });

  test("HTTP API from its no-route body on an execute-api host", () => {
    const fp = fingerprint([ex('https://abc123defg.execute-api.us-east-1.amazonaws.com/k3v9qz2m', 404, JSON_CT, '{"message":"Not Found"}')]);
    assert.equal(fp.gateway, 'http-api');
    assert.deepEqual(fp.evidence, ['{"message":"Not Found"} 404', 'execute-api host abc123defg.execute-api.us-east-1.amazonaws.com']);
  });

  test('near misses: one gateway-ish body alone, bodies shared by both API types, a lone Lambda request id', () => {
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 404, JSON_CT, '{"message":"Not Found"}')]), { evidence: [] });
    assert.deepEqual(fingerprint([ex('https://abc123defg.execute-api.us-east-1.amazonaws.com/x', 401, JSON_CT, '{"message":"Unauthorized"}')]), { evidence: [] });
    assert.deepEqual(fingerprint([ex('https://api.example.com/x', 200, [['x-amzn-requestid', 'r1'], ['x-amzn-trace-id', 'Root=1-a']], '{}')]), { evidence: [] });
  });

  test('a REST and an HTTP API seen with equal weight: no conclusion', () => {
    const fp = fingerprint([ex('https://a.example.com/x', 200, [['x-amz-apigw-id', 'a']], '{}'), ex('https://b.example.com/x', 200, HTTP_API, '{}')]);
    assert.equal(fp.gateway, undefined);
  });

  test('Lambda function URL: its host and Lambda headers, no API Gateway ids', () => {
    const fp = fingerprint(fastapiErrors('https://k3v9qz2mabcdefghijklmnopqrstuvwx.lambda-url.us-east-1.on.aws', FN_URL));
    assert.equal(fp.gateway, 'function-url');
    assert.equal(fp.mangum, true);
    assert.ok(has(fp.evidence, 'lambda-url host k3v9qz2mabcdefghijklmnopqrstuvwx.lambda-url.us-east-1.on.aws'));
    assert.ok(has(fp.evidence, 'x-amzn-trace-id header'));
    assert.ok(has(fp.evidence, 'behind a function URL'));
    // the host without Lambda's headers on the answer is only the name we asked for
    assert.equal(fingerprint([ex('https://k3v9qz2mabcdefghijklmnopqrstuvwx.lambda-url.us-east-1.on.aws/x', 200, JSON_CT, '{}')]).gateway, undefined);
  });

  test("function URL from its IAM authorization error body", () => {
    const body = '{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}';
    const fp = fingerprint([ex('https://cdn.example.com/x', 403, [...JSON_CT, ['x-amzn-requestid', 'r1']], body)]);
    assert.equal(fp.gateway, 'function-url');
  });

  test('CloudFront alone, and CloudFront in front of an HTTP API', () => {
    const cf = fingerprint([ex('https://www.example.com/', 200, [['content-type', 'text/html'], ...CLOUDFRONT], '<html></html>')]);
    assert.equal(cf.gateway, 'cloudfront');
    assert.deepEqual(cf.evidence, ['x-amz-cf-id header', 'x-amz-cf-pop header', 'via: 1.1 0f4e3c2b1a09f8e7d6c5b4a3.cloudfront.net (CloudFront)', 'x-cache: Miss from cloudfront']);
    const fp = fingerprint(fastapiErrors('https://api.example.com', [...HTTP_API, ...CLOUDFRONT]));
    assert.equal(fp.gateway, 'http-api');
    assert.ok(has(fp.evidence, 'x-amz-cf-id header (CloudFront in front)'));
    const err = fingerprint([ex('https://www.example.com/', 403, [['server', 'CloudFront'], ['content-type', 'text/html']], '<HTML><BODY><H1>403 ERROR</H1>Generated by cloudfront (CloudFront)</BODY></HTML>')]);
    assert.equal(err.gateway, 'cloudfront');
  });

  test("near misses: another cache's x-cache, another CDN's via", () => {
    const fp = fingerprint([ex('https://www.example.com/', 200, [['x-cache', 'HIT'], ['via', '1.1 varnish'], ['x-served-by', 'cache-fra-1']], '')]);
    assert.deepEqual(fp, { evidence: [] });
  });
});

describe('Mangum', () => {
  test('an ASGI server header behind the gateway means an HTTP integration, not Mangum', () => {
    const fp = fingerprint(fastapiErrors('https://abc123defg.execute-api.us-east-1.amazonaws.com', [...HTTP_API, ['server', 'uvicorn']]));
    assert.equal(fp.framework, 'fastapi');
    assert.equal(fp.gateway, 'http-api');
    assert.equal(fp.mangum, false);
    assert.ok(has(fp.evidence, 'server: uvicorn header behind an HTTP API: a server answers, not Mangum'));
  });

  test('gunicorn behind a REST API is not Mangum either, and says nothing about the framework', () => {
    const fp = fingerprint([...fastapiErrors('https://api.example.com', [...REST, ['server', 'gunicorn']])]);
    assert.equal(fp.mangum, false);
    assert.equal(fingerprint([ex('https://api.example.com/x', 404, [...JSON_CT, ['server', 'gunicorn']], '{"detail":"Not Found"}')]).framework, undefined);
  });

  test('no framework or no gateway: Mangum is not judged', () => {
    assert.equal(fingerprint([ex('https://api.example.com/x', 200, REST, '{}')]).mangum, undefined);
    assert.equal(fingerprint(fastapiErrors('https://api.example.com', [])).mangum, undefined);
  });
});

describe('inputs', () => {
  test('exchanges without a response are skipped; no exchanges, no conclusions', () => {
    assert.deepEqual(fingerprint([]), { evidence: [] });
    const failed: Exchange = { probe: 'B0', request: { method: 'GET', url: 'https://api.example.com/', headers: [] }, error: 'connection refused', ms: 3 };
    assert.deepEqual(fingerprint([failed]), { evidence: [] });
    assert.equal(fingerprint([failed, ...fastapiErrors('https://api.example.com', UVICORN)]).framework, 'fastapi');
  });

  test('HEAD answers, empty bodies and unparsable URLs do not throw', () => {
    const head: Exchange = { probe: 'B0', request: { method: 'HEAD', url: 'not a url', headers: [] }, response: { status: 200, headers: REST, body: '', bytes: 0, truncated: false }, ms: 1 };
    assert.equal(fingerprint([head]).gateway, 'rest-api');
  });

  test('each piece of evidence is listed once however many responses carry it', () => {
    const fp = fingerprint([...fastapiErrors('https://api.example.com', REST), ...fastapiErrors('https://api.example.com', REST)]);
    assert.equal(new Set(fp.evidence).size, fp.evidence.length);
  });
});
