/** What the live layer probes: OpenAPI 3.0/3.1 and Swagger 2.0 documents, targets lists, discovery under a base URL. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_MAX_ENDPOINTS,
  MAX_DOCUMENT_BYTES,
  PLACEHOLDER_UUID,
  specRefsInHtml,
  targetsFromBaseUrl,
  targetsFromList,
  targetsFromOpenApi,
  type Discovery,
  type Fetched,
  type FetchText,
} from '../src/live/targets.ts';

const DIR = join(import.meta.dirname, 'fixtures/live/openapi');
const fixture = (name: string) => ({ text: readFileSync(join(DIR, name), 'utf8'), location: join(DIR, name) });
const byTemplate = (d: Discovery, t: string) => d.endpoints.find((e) => e.template === t);

/** Fails the test if anything in the process tries the network through `fetch`. */
async function withoutNetwork<T>(fn: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  const calls: string[] = [];
  const real = globalThis.fetch;
  globalThis.fetch = (async (input: unknown) => {
    calls.push(String(input));
    throw new Error('network is not available in tests');
  }) as typeof fetch;
  try {
    return { result: await fn(), calls };
  } finally {
    globalThis.fetch = real;
  }
}

/** A fake FetchText over a URL → response table; everything else is FastAPI's 404. */
function fakeFetch(table: Record<string, Partial<Fetched> | Error>): FetchText & { calls: string[] } {
  const calls: string[] = [];
  const f = async (url: string): Promise<Fetched> => {
    calls.push(url);
    const hit = table[url];
    if (hit instanceof Error) throw hit;
    if (!hit) return { status: 404, headers: [['content-type', 'application/json']], body: '{"detail":"Not Found"}', url };
    return { status: 200, headers: [], body: '', url, ...hit };
  };
  return Object.assign(f, { calls });
}

const SWAGGER_UI_HTML = (specUrl: string) => `
<!DOCTYPE html>
<html>
<head>
<link type="text/css" rel="stylesheet" href="https://cdn.jsdelivr.net/npm/swagger-ui-dist@4/swagger-ui.css">
<link rel="shortcut icon" href="https://fastapi.tiangolo.com/img/favicon.png">
<title>Profiles API - Swagger UI</title>
</head>
<body>
<div id="swagger-ui">
</div>
<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@4/swagger-ui-bundle.js"></script>
<!-- \`SwaggerUIBundle\` is now available on the page -->
<script>
const ui = SwaggerUIBundle({
    url: '${specUrl}',
"dom_id": "#swagger-ui",
"layout": "BaseLayout",
"deepLinking": true,
"showExtensions": true,
"showCommonExtensions": true,
oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect',
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })
</script>
</body>
</html>
`;

// ---------------------------------------------------------------------------------------------------------
// OpenAPI 3.1 as FastAPI writes it

test('FastAPI 3.1 document: GET operations become endpoints on the base URL with filled path templates', async () => {
  const src = fixture('fastapi-3.1.json');
  const d = await targetsFromOpenApi(src, undefined, { baseUrl: 'https://api.example.com/prod' });
  assert.deepEqual(d.problems, []);
  assert.deepEqual(
    d.endpoints.map((e) => e.url),
    [
      'https://api.example.com/prod/health',
      'https://api.example.com/prod/profiles/me',
      `https://api.example.com/prod/profiles/${PLACEHOLDER_UUID}`,
      'https://api.example.com/prod/orders/1/items?limit=1&sort=desc',
      'https://api.example.com/prod/files/report%202024%2FQ1.pdf',
      'https://api.example.com/prod/tenants/acme/search?q=shoes',
    ],
  );
  assert.ok(d.endpoints.every((e) => e.method === 'GET' && e.source === 'openapi'));
  assert.ok(d.notes.includes(`OpenAPI 3.1.0 document at ${src.location} (FastAPI): 6 GET operations of 9`), d.notes.join('\n'));
  assert.ok(d.notes.some((n) => /3 operations with other methods not probed \(PUT 1, DELETE 1, POST 1\)/.test(n)), d.notes.join('\n'));
});

test('FastAPI 3.1 document: security per operation (HTTPBearer, APIKeyCookie), cookie names and cookie schemes', async () => {
  const d = await targetsFromOpenApi(fixture('fastapi-3.1.json'), undefined, { baseUrl: 'https://api.example.com/prod' });
  const me = byTemplate(d, '/profiles/me')!;
  assert.deepEqual(me.security, ['cookie']);
  assert.deepEqual(me.cookieNames, ['session']);
  assert.equal(me.operationId, 'read_me_profiles_me_get');
  const profile = byTemplate(d, '/profiles/{user_id}')!;
  assert.deepEqual(profile.security, ['bearer']);
  assert.equal(profile.cookieNames, undefined);
  assert.deepEqual(byTemplate(d, '/orders/{order_id}/items')!.security, ['cookie', 'bearer']);
  assert.deepEqual(byTemplate(d, '/health')!.security, []);
  assert.deepEqual(d.cookieSchemes, ['APIKeyCookie: apiKey in cookie "session"']);
  assert.deepEqual(d.originHints, []);
});

test('parameter values: example, schema examples, anyOf default, enum via $ref, placeholders by type', async () => {
  const d = await targetsFromOpenApi(fixture('fastapi-3.1.json'), undefined, { baseUrl: 'https://api.example.com' });
  assert.equal(byTemplate(d, '/files/{file_name}')!.url, 'https://api.example.com/files/report%202024%2FQ1.pdf');
  assert.equal(byTemplate(d, '/tenants/{tenant}/search')!.url, 'https://api.example.com/tenants/acme/search?q=shoes');
  // optional `cursor` is left out; required `limit` (integer) and `sort` (enum[0] through a $ref) are filled
  assert.equal(byTemplate(d, '/orders/{order_id}/items')!.url, 'https://api.example.com/orders/1/items?limit=1&sort=desc');
  assert.equal(byTemplate(d, '/profiles/{user_id}')!.url, `https://api.example.com/profiles/${PLACEHOLDER_UUID}`);
});

// ---------------------------------------------------------------------------------------------------------
// OpenAPI 3.0 servers

test('3.0 YAML document: server variables take their defaults; without a base URL the first server is used', async () => {
  const src = fixture('servers-3.0.yaml');
  const d = await targetsFromOpenApi(src);
  assert.deepEqual(d.problems, []);
  assert.deepEqual(
    d.endpoints.map((e) => `${e.method} ${e.url}`),
    [
      'GET https://prod.api.example.com/v1/orders/ord-42?expand=true',
      'GET https://prod.api.example.com/v1/status',
      'GET https://prod.api.example.com/v1/reports/2024-01-01',
      'HEAD https://prod.api.example.com/v1/events',
    ],
  );
  assert.ok(d.notes.some((n) => n.includes("no base URL given; probing the document's first server https://prod.api.example.com/v1")));
  assert.ok(d.notes.includes(`OpenAPI 3.0.3 document at ${src.location}: 4 GET operations of 5 (1 HEAD-only)`), d.notes.join('\n'));
  assert.ok(d.notes.some((n) => n.includes('1 operation with other methods not probed (PATCH 1)')));
});

test('3.0 document: operation security overrides the document, [] means none, {} means anonymous allowed', async () => {
  const d = await targetsFromOpenApi(fixture('servers-3.0.yaml'));
  assert.deepEqual(byTemplate(d, '/orders/{orderId}')!.security, ['api-key-header']);
  assert.deepEqual(byTemplate(d, '/status')!.security, []);
  assert.deepEqual(byTemplate(d, '/reports/{day}')!.security, ['oauth2', 'none']);
  assert.deepEqual(byTemplate(d, '/events')!.security, ['openid', 'basic']);
  assert.equal(byTemplate(d, '/orders/{orderId}')!.operationId, 'getOrder');
});

test('3.0 document: servers on other hosts and x-* extensions are origin hints (no wildcard, no logo)', async () => {
  const d = await targetsFromOpenApi(fixture('servers-3.0.yaml'));
  assert.deepEqual(d.originHints, ['https://api-eu.example.com', 'https://app.example.com', 'https://admin.example.com', 'https://portal.example.org']);
});

test('3.0 document: the base URL wins over servers on another host, with a note', async () => {
  const d = await targetsFromOpenApi(fixture('servers-3.0.yaml'), undefined, { baseUrl: 'https://staging.api.example.com' });
  assert.ok(d.endpoints.length === 4);
  assert.ok(d.endpoints.every((e) => new URL(e.url).origin === 'https://staging.api.example.com'), d.endpoints.map((e) => e.url).join('\n'));
  assert.equal(byTemplate(d, '/status')!.url, 'https://staging.api.example.com/v1/status');
  assert.ok(d.notes.some((n) => /servers point to https:\/\/prod\.api\.example\.com, https:\/\/api-eu\.example\.com; probing https:\/\/staging\.api\.example\.com\/v1 instead/.test(n)), d.notes.join('\n'));
  assert.ok(d.originHints.includes('https://prod.api.example.com'));
});

test('3.0 document: a base URL with a stage path is kept as the prefix when servers point elsewhere', async () => {
  const d = await targetsFromOpenApi(fixture('servers-3.0.yaml'), undefined, { baseUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/' });
  assert.equal(byTemplate(d, '/status')!.url, 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/status');
});

test('3.0 document: a server on the base URL origin is used as is, without a note', async () => {
  const d = await targetsFromOpenApi(fixture('servers-3.0.yaml'), undefined, { baseUrl: 'https://prod.api.example.com' });
  assert.equal(byTemplate(d, '/status')!.url, 'https://prod.api.example.com/v1/status');
  assert.ok(!d.notes.some((n) => n.includes('instead')));
});

test('relative servers resolve against the document URL; no servers means the document directory', async () => {
  const doc = (servers?: unknown) =>
    JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, ...(servers ? { servers } : {}), paths: { '/ping': { get: { responses: { '200': { description: 'ok' } } } } } });
  const rel = await targetsFromOpenApi({ text: doc([{ url: '/api/v2' }]), location: 'https://api.example.com/docs/openapi.json' });
  assert.deepEqual(rel.endpoints.map((e) => e.url), ['https://api.example.com/api/v2/ping']);
  const dotted = await targetsFromOpenApi({ text: doc([{ url: '../v3' }]), location: 'https://api.example.com/docs/spec/openapi.json' });
  assert.deepEqual(dotted.endpoints.map((e) => e.url), ['https://api.example.com/docs/v3/ping']);
  const none = await targetsFromOpenApi({ text: doc(), location: 'https://api.example.com/prod/openapi.json' });
  assert.deepEqual(none.endpoints.map((e) => e.url), ['https://api.example.com/prod/ping']);
  const fromFile = await targetsFromOpenApi({ text: doc([{ url: '/api/v2' }]), location: 'spec.json' }, undefined, { baseUrl: 'https://api.example.com' });
  assert.deepEqual(fromFile.endpoints.map((e) => e.url), ['https://api.example.com/api/v2/ping']);
  const nowhere = await targetsFromOpenApi({ text: doc([{ url: '/api/v2' }]), location: 'spec.json' });
  assert.deepEqual(nowhere.endpoints, []);
  assert.ok(nowhere.problems.some((p) => p.startsWith('spec.json: no absolute server URL and no base URL')));
});

test('a document read from a URL stays on that URL origin even when servers point elsewhere', async () => {
  const text = JSON.stringify({
    openapi: '3.1.0',
    info: { title: 't', version: '1' },
    servers: [{ url: 'https://internal.corp.example/api' }],
    paths: { '/ping': { get: { responses: { '200': { description: 'ok' } } } } },
  });
  const d = await targetsFromOpenApi({ text, location: 'https://api.example.com/openapi.json' });
  assert.deepEqual(d.endpoints.map((e) => e.url), ['https://api.example.com/api/ping']);
  assert.ok(d.notes.some((n) => n.includes('instead (the target')));
  assert.deepEqual(d.originHints, ['https://internal.corp.example']);
});

// ---------------------------------------------------------------------------------------------------------
// Swagger 2.0

test('Swagger 2.0: https preferred from schemes, host + basePath, x-example, enum, uuid, security definitions', async () => {
  const src = fixture('swagger-2.0.json');
  const d = await targetsFromOpenApi(src);
  assert.deepEqual(d.problems, []);
  assert.deepEqual(
    d.endpoints.map((e) => e.url),
    ['https://petstore.example.com/v2/pets?status=available', 'https://petstore.example.com/v2/pets/7', `https://petstore.example.com/v2/owners/${PLACEHOLDER_UUID}`],
  );
  assert.deepEqual(byTemplate(d, '/pets')!.security, ['api-key-query']);
  assert.deepEqual(byTemplate(d, '/pets/{petId}')!.security, ['basic']);
  assert.ok(d.notes.includes(`Swagger 2.0 document at ${src.location}: 3 GET operations of 5`), d.notes.join('\n'));
  assert.ok(d.notes.some((n) => n.includes('2 operations with other methods not probed (POST 1, DELETE 1)')));
});

test('Swagger 2.0: basePath kept on the base URL host', async () => {
  const d = await targetsFromOpenApi(fixture('swagger-2.0.json'), undefined, { baseUrl: 'https://pets-staging.example.com' });
  assert.equal(byTemplate(d, '/pets/{petId}')!.url, 'https://pets-staging.example.com/v2/pets/7');
  assert.deepEqual(d.originHints, ['https://petstore.example.com']);
});

test('Swagger 2.0 without host: basePath on the document URL', async () => {
  const text = JSON.stringify({ swagger: '2.0', info: { title: 't', version: '1' }, basePath: '/api', paths: { '/ping': { get: { responses: { '200': { description: 'ok' } } } } } });
  const d = await targetsFromOpenApi({ text, location: 'http://localhost:8000/swagger.json' });
  assert.deepEqual(d.endpoints.map((e) => e.url), ['http://localhost:8000/api/ping']);
});

// ---------------------------------------------------------------------------------------------------------
// References, invalid and circular documents

test('remote and file $refs are refused and reported, never fetched; the rest of the document is used', async () => {
  const src = fixture('remote-ref.json');
  const { result: d, calls } = await withoutNetwork(() => targetsFromOpenApi(src, undefined, { baseUrl: 'https://api.example.com' }));
  assert.deepEqual(calls, []);
  const refused = d.problems.filter((p) => p.includes('refused'));
  assert.equal(refused.length, 3, d.problems.join('\n'));
  assert.ok(refused.every((p) => p.startsWith(`${src.location}: remote $ref`)));
  assert.ok(refused.some((p) => p.includes('"https://schemas.example.net/params.json#/ThingId" at /paths/~1things~1{thingId}/get/parameters/0')));
  assert.ok(refused.some((p) => p.includes('"http://169.254.169.254/latest/meta-data/"')));
  assert.ok(refused.some((p) => p.includes('"./shared/schemas.yaml#/Thing"')));
  assert.deepEqual(
    d.endpoints.map((e) => e.url),
    ['https://api.example.com/things/crossread-probe', 'https://api.example.com/local?page=3'],
  );
});

test('an invalid document is a problem naming the location and the first error; its paths are still read', async () => {
  const src = fixture('invalid.json');
  const d = await targetsFromOpenApi(src, undefined, { baseUrl: 'https://api.example.com' });
  const invalid = d.problems.find((p) => p.startsWith(`${src.location}: invalid OpenAPI 3.0.3 document: `));
  assert.ok(invalid, d.problems.join('\n'));
  assert.match(invalid, /required property 'version'/);
  assert.match(invalid, /and \d+ more errors?/);
  assert.ok(!invalid.includes('\n'));
  assert.deepEqual(d.endpoints.map((e) => e.url), ['https://api.example.com/accounts/crossread-probe', 'https://api.example.com/settings?verbose=true']);
});

test('a missing local $ref is reported and the rest of the document read by hand', async () => {
  const text = JSON.stringify({
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: {
      '/a/{id}': {
        get: {
          parameters: [{ $ref: '#/components/parameters/Id' }, { $ref: '#/components/parameters/Missing' }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
    components: { parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'integer', example: 42 } } } },
  });
  const d = await targetsFromOpenApi({ text, location: 'missing.json' }, undefined, { baseUrl: 'https://api.example.com' });
  assert.ok(d.problems.some((p) => p.startsWith('missing.json: invalid OpenAPI 3.0.3 document: Missing $ref pointer "#/components/parameters/Missing"')), d.problems.join('\n'));
  assert.equal(d.problems.length, 1, d.problems.join('\n'));
  assert.deepEqual(d.endpoints.map((e) => e.url), ['https://api.example.com/a/42']);
});

test('unparseable text, non-documents and unsupported versions are problems', async () => {
  const yaml = await targetsFromOpenApi({ text: 'openapi: 3.0.0\ninfo: {title: x\npaths: [', location: 'bad.yaml' });
  assert.ok(yaml.problems.some((p) => p.startsWith('bad.yaml: invalid YAML (')), yaml.problems.join('\n'));
  assert.deepEqual(yaml.endpoints, []);
  const json = await targetsFromOpenApi({ text: '{"openapi": "3.0.0", "paths": {', location: 'bad.json' });
  assert.ok(json.problems.some((p) => p.startsWith('bad.json: invalid JSON (')), json.problems.join('\n'));
  const other = await targetsFromOpenApi({ text: '{"name": "package", "version": "1.0.0"}', location: 'package.json' });
  assert.deepEqual(other.problems, ['package.json: not an OpenAPI or Swagger document (no "openapi" or "swagger" field)']);
  const scalar = await targetsFromOpenApi({ text: 'just text', location: 'notes.txt' });
  assert.deepEqual(scalar.problems, ['notes.txt: not an OpenAPI or Swagger document (the top level is not an object)']);
  const future = await targetsFromOpenApi(
    { text: JSON.stringify({ openapi: '4.0.0', paths: { '/x': { get: {} } } }), location: 'future.json' },
    undefined,
    { baseUrl: 'https://api.example.com' },
  );
  assert.ok(future.problems[0].includes('OpenAPI 4.0.0 is not a supported version'));
  assert.deepEqual(future.endpoints.map((e) => e.url), ['https://api.example.com/x']);
});

test('circular local refs: schemas, anyOf loops and path item refs terminate', async () => {
  const d = await targetsFromOpenApi(fixture('circular.yaml'), undefined, { baseUrl: 'https://api.example.com' });
  assert.deepEqual(d.problems, []);
  assert.deepEqual(d.endpoints.map((e) => e.url), ['https://api.example.com/nodes/crossread-probe?filter=crossread-probe', 'https://api.example.com/alias']);
  assert.equal(byTemplate(d, '/alias')!.operationId, 'getAlias');
});

test('circular $ref chains read by hand (document the parser does not take) terminate', async () => {
  const text = JSON.stringify({
    openapi: '4.0.0',
    paths: { '/y/{id}': { parameters: [{ $ref: '#/components/parameters/A' }], get: {} }, '/z': { $ref: '#/paths/~1z' } },
    components: { parameters: { A: { $ref: '#/components/parameters/B' }, B: { $ref: '#/components/parameters/A' } } },
  });
  const d = await targetsFromOpenApi({ text, location: 'loop.json' }, undefined, { baseUrl: 'https://api.example.com' });
  assert.deepEqual(d.endpoints.map((e) => e.url), ['https://api.example.com/y/crossread-probe']);
});

test('a self-referencing YAML alias does not hang', async () => {
  const d = await targetsFromOpenApi({ text: 'openapi: 3.0.0\ninfo: {title: t, version: "1"}\nx-loop: &a [*a]\npaths: {}\n', location: 'alias.yaml' }, undefined, { baseUrl: 'https://api.example.com' });
  assert.deepEqual(d.endpoints, []);
});

// ---------------------------------------------------------------------------------------------------------
// Bounds

test('at most maxEndpoints endpoints, with a note when more exist', async () => {
  const paths: Record<string, unknown> = {};
  for (let i = 0; i < 250; i++) paths[`/r${i}`] = { get: { responses: { '200': { description: 'ok' } } } };
  const text = JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths });
  const d = await targetsFromOpenApi({ text, location: 'big.json' }, undefined, { baseUrl: 'https://api.example.com' });
  assert.equal(d.endpoints.length, DEFAULT_MAX_ENDPOINTS);
  assert.ok(d.notes.includes(`big.json: 250 endpoints, the first ${DEFAULT_MAX_ENDPOINTS} kept`), d.notes.join('\n'));
  const small = await targetsFromOpenApi({ text, location: 'big.json' }, undefined, { baseUrl: 'https://api.example.com', maxEndpoints: 3 });
  assert.deepEqual(small.endpoints.map((e) => e.template), ['/r0', '/r1', '/r2']);
});

test('documents over 10 MiB are refused', async () => {
  const text = `{"openapi": "3.1.0", "info": {"title": "${'x'.repeat(MAX_DOCUMENT_BYTES)}", "version": "1"}, "paths": {}}`;
  const d = await targetsFromOpenApi({ text, location: 'huge.json' });
  assert.deepEqual(d.problems, ['huge.json: document larger than 10 MiB, not read']);
  assert.deepEqual(d.endpoints, []);
});

// ---------------------------------------------------------------------------------------------------------
// Targets list

test('targets list: URLs, comments and blank lines; bad lines are problems naming file:line', async () => {
  const d = await targetsFromList(readFileSync(join(DIR, 'targets.txt'), 'utf8'), 'targets.txt');
  assert.deepEqual(
    d.endpoints.map((e) => `${e.method} ${e.url}`),
    [
      'GET https://api.example.com/v1/profiles/me',
      'GET https://api.example.com/v1/orders?limit=5',
      'HEAD https://api.example.com/v1/health',
      'GET https://api.example.com/v1/page',
    ],
  );
  assert.ok(d.endpoints.every((e) => e.source === 'targets-file' && e.security.length === 0));
  assert.deepEqual(
    d.problems.map((p) => p.split(': ')[0]),
    ['targets.txt:7', 'targets.txt:8', 'targets.txt:9', 'targets.txt:10', 'targets.txt:11', 'targets.txt:12'],
  );
  assert.match(d.problems[0], /not an absolute http\(s\) URL: "ftp:/);
  assert.match(d.problems[3], /POST is never sent/);
  assert.match(d.problems[4], /path template not filled in/);
  assert.ok(!d.problems[5].includes('hunter2'));
  assert.deepEqual(d.notes, ['targets file targets.txt: 4 URLs, 6 bad lines']);
});

test('targets list is bounded', async () => {
  const text = Array.from({ length: 5 }, (_, i) => `https://api.example.com/p${i}`).join('\n');
  const d = await targetsFromList(text, 't.txt', { maxEndpoints: 2 });
  assert.equal(d.endpoints.length, 2);
  assert.ok(d.notes.includes('targets file t.txt: 5 URLs listed, the first 2 kept'));
});

// ---------------------------------------------------------------------------------------------------------
// Discovery from a base URL

test('base URL: <base>/openapi.json is found and read against the base URL', async () => {
  const doc = readFileSync(join(DIR, 'fastapi-3.1.json'), 'utf8');
  const fetchText = fakeFetch({ 'https://api.example.com/prod/openapi.json': { body: doc, headers: [['content-type', 'application/json']] } });
  const d = await targetsFromBaseUrl('https://api.example.com/prod/', fetchText);
  assert.deepEqual(fetchText.calls, ['https://api.example.com/prod/openapi.json']);
  assert.deepEqual(d.problems, []);
  assert.equal(d.endpoints.length, 6);
  assert.ok(d.endpoints.every((e) => e.url.startsWith('https://api.example.com/prod/') && e.source === 'openapi'));
  assert.ok(d.notes.some((n) => n.startsWith('OpenAPI document discovered at https://api.example.com/prod/openapi.json')), d.notes.join('\n'));
  assert.ok(d.notes.includes('OpenAPI 3.1.0 document at https://api.example.com/prod/openapi.json (FastAPI): 6 GET operations of 9'), d.notes.join('\n'));
  assert.deepEqual(d.cookieSchemes, ['APIKeyCookie: apiKey in cookie "session"']);
});

test('base URL: only /docs, pointing to a custom openapi_url (resolved under the stage when the origin root has none)', async () => {
  const doc = readFileSync(join(DIR, 'servers-3.0.yaml'), 'utf8');
  const fetchText = fakeFetch({
    'https://api.example.com/prod/docs': { body: SWAGGER_UI_HTML('/api/v1/openapi.yaml'), headers: [['content-type', 'text/html; charset=utf-8']] },
    'https://api.example.com/prod/api/v1/openapi.yaml': { body: doc },
  });
  const d = await targetsFromBaseUrl('https://api.example.com/prod', fetchText);
  assert.deepEqual(fetchText.calls, [
    'https://api.example.com/prod/openapi.json',
    'https://api.example.com/prod/docs',
    'https://api.example.com/api/v1/openapi.yaml',
    'https://api.example.com/prod/api/v1/openapi.yaml',
  ]);
  assert.ok(d.notes.some((n) => n.includes('discovered at https://api.example.com/prod/api/v1/openapi.yaml (referenced by https://api.example.com/prod/docs as "/api/v1/openapi.yaml")')), d.notes.join('\n'));
  assert.equal(d.endpoints.length, 4);
  assert.ok(d.endpoints.every((e) => new URL(e.url).origin === 'https://api.example.com'));
  assert.equal(byTemplate(d, '/status')!.url, 'https://api.example.com/prod/status');
});

test('base URL: /docs referencing a URL on another host is not fetched', async () => {
  const fetchText = fakeFetch({ 'https://api.example.com/docs': { body: SWAGGER_UI_HTML('https://specs.example.net/openapi.json') } });
  const d = await targetsFromBaseUrl('https://api.example.com', fetchText);
  assert.ok(!fetchText.calls.some((u) => u.includes('specs.example.net')));
  assert.ok(d.notes.some((n) => n.includes('references https://specs.example.net/openapi.json on another host; not fetched')));
  assert.deepEqual(d.endpoints, [{ url: 'https://api.example.com/', method: 'GET', source: 'base-url', security: [] }]);
});

test('base URL: nothing found, the base URL is the one endpoint and a note says what was tried', async () => {
  const fetchText = fakeFetch({ 'https://api.example.com/v1/docs': { status: 307, headers: [['location', '/login']] } });
  const d = await targetsFromBaseUrl('https://api.example.com/v1', fetchText);
  assert.deepEqual(d.endpoints, [{ url: 'https://api.example.com/v1', method: 'GET', source: 'base-url', security: [] }]);
  assert.deepEqual(d.problems, []);
  assert.equal(d.notes.length, 1);
  assert.match(d.notes[0], /^no OpenAPI document found under https:\/\/api\.example\.com\/v1 \(tried https:\/\/api\.example\.com\/v1\/openapi\.json \(HTTP 404\); https:\/\/api\.example\.com\/v1\/docs \(HTTP 307 to \/login, redirect not followed\)\); probing the base URL only$/);
});

test('base URL: an SPA answering 200 with HTML everywhere is not a document', async () => {
  const html = '<!doctype html><html><head><title>App</title></head><body><div id="root"></div></body></html>';
  const fetchText = fakeFetch({ 'https://app.example.com/openapi.json': { body: html }, 'https://app.example.com/docs': { body: html } });
  const d = await targetsFromBaseUrl('https://app.example.com', fetchText);
  assert.equal(d.endpoints[0].source, 'base-url');
  assert.deepEqual(d.problems, []);
  assert.match(d.notes[0], /openapi\.json \(HTTP 200, not an OpenAPI document\).*docs \(HTTP 200, no OpenAPI URL referenced\)/);
});

test('base URL: network failures are problems naming the URL; the base URL is still probed', async () => {
  const fetchText = fakeFetch({
    'https://down.example.com/openapi.json': new Error('connection refused (ECONNREFUSED)'),
    'https://down.example.com/docs': new Error('connection refused (ECONNREFUSED)'),
  });
  const d = await targetsFromBaseUrl('https://down.example.com', fetchText);
  assert.deepEqual(d.problems, ['https://down.example.com/openapi.json: connection refused (ECONNREFUSED)', 'https://down.example.com/docs: connection refused (ECONNREFUSED)']);
  assert.equal(d.endpoints.length, 1);
});

test('base URL: a truncated JSON document is a problem', async () => {
  const fetchText = fakeFetch({ 'https://api.example.com/openapi.json': { body: '{"openapi": "3.1.0", "paths": {"/a": ', headers: [['content-type', 'application/json']] } });
  const d = await targetsFromBaseUrl('https://api.example.com', fetchText);
  assert.ok(d.problems.some((p) => p.startsWith('https://api.example.com/openapi.json: invalid JSON')), d.problems.join('\n'));
});

test('base URL: not an http(s) URL', async () => {
  const fetchText = fakeFetch({});
  const d = await targetsFromBaseUrl('ftp://api.example.com', fetchText);
  assert.deepEqual(d.endpoints, []);
  assert.deepEqual(fetchText.calls, []);
  assert.equal(d.problems.length, 1);
});

test('spec URLs in Swagger UI and ReDoc pages', () => {
  assert.deepEqual(specRefsInHtml(SWAGGER_UI_HTML('/openapi.json')), ['/openapi.json']);
  assert.deepEqual(specRefsInHtml('<redoc spec-url="/prod/openapi.json"></redoc><script src="https://cdn/redoc.js"></script>'), ['/prod/openapi.json']);
  assert.deepEqual(specRefsInHtml('<script>const openapi_url = "/v1/openapi.json"</script>'), ['/v1/openapi.json']);
});
