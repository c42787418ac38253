/**
 * Live scans of real loopback servers: every vulnerable configuration found with the right class and
 * severity, every fixed twin with no CORS finding above info. FastAPI apps are Debian's FastAPI/Starlette
 * over dynalite, discovered through their own /openapi.json; the Node server covers what Starlette cannot do.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { scan } from '../src/engine/scan.ts';
import { FORMATS, render } from '../src/report/index.ts';
import { atLeast, severityRank, type Finding } from '../src/findings/index.ts';
import { startCorsServer, type CorsServer } from './servers/cors-node-server.ts';
import { closeAll, pythonStackSkipReason, startDynalite, startFastApiAll, type DynaliteHandle, type FastApiHandle } from './servers/harness.ts';

const LEGIT = 'https://app.example.com';

async function live(url: string, extra: Parameters<typeof scan>[0]['live'] = {}): Promise<Finding[]> {
  const r = await scan({ paths: [url], live: { origins: [LEGIT], rate: 0, concurrency: 8, ...extra } });
  return r.findings;
}

const cors = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId.startsWith('live-cors-'));
const show = (fs: Finding[]): string => fs.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`).join('\n');

describe('node server: what Starlette cannot do', () => {
  let server: CorsServer;
  before(async () => (server = await startCorsServer({})));
  after(() => server.close());
  const cases: [string, string, RegExp, ('critical' | 'high' | 'medium' | 'low' | 'info')[]][] = [
    ['reflect', 'live-cors-reflected-origin', /echoe?s? any Origin/, ['high', 'critical']],
    ['prefix', 'live-cors-allowlist-bypass', /prefix match/, ['high', 'critical']],
    ['suffix', 'live-cors-allowlist-bypass', /suffix match without a dot \(a registrable/, ['high', 'critical']],
    ['substring', 'live-cors-allowlist-bypass', /substring match/, ['high', 'critical']],
    ['subdomain', 'live-cors-allowlist-bypass', /any subdomain trusted/, ['medium']],
    ['http-scheme', 'live-cors-allowlist-bypass', /http scheme accepted/, ['medium']],
    ['port-ignored', 'live-cors-allowlist-bypass', /port ignored/, ['medium']],
    ['null', 'live-cors-null-origin', /Origin: null/, ['high', 'critical']],
    ['no-vary', 'live-cors-missing-vary', /without Vary: Origin on a cacheable response/, ['medium']],
    ['duplicate-acao', 'live-cors-invalid-headers', /2 Access-Control-Allow-Origin headers/, ['info']],
    ['acac-wrong-case', 'live-cors-invalid-headers', /Access-Control-Allow-Credentials: True/, ['info']],
    ['error-only', 'live-cors-reflected-origin', /an error response \(HTTP 404\)/, ['info']],
    ['gateway-preflight', 'live-cors-preflight-mismatch', /answered by different policies/, ['low']],
    ['wildcard', 'live-cors-wildcard', /Access-Control-Allow-Origin: \* without credentials/, ['info']],
    ['lookahead', 'live-cors-allowlist-bypass', /"https:\/\/app\.example\.com`\.x\w+\.com": special characters accepted after the host \(Safari only\)/, ['medium']],
    ['url-split', 'live-cors-allowlist-bypass', /"https:\/\/app\.example\.com@x\w+\.com", an origin no browser sends/, ['info']],
    ['shared-cache', 'live-cors-missing-vary', /A cache in front of .* ignores the Origin/, ['medium']],
    ['shared-cache-strict', 'live-cors-missing-vary', /the legitimate origin "https:\/\/app\.example\.com" got the answer cached for a refused origin/, ['low']],
    ['error-405', 'live-cors-reflected-origin', /an OPTIONS request that is not a preflight \(HTTP 405\) echoes any Origin/, ['info']],
    ['null-preflight', 'live-cors-permissive-preflight', /trust Origin: null with credentials while actual responses do not/, ['low']],
    ['cookie-session', 'live-cors-permissive-preflight', /let any origin send DELETE .* the browser attaches session; SameSite=None/, ['high']],
    ['cookie-session', 'live-cors-reflected-origin', /victim's cookies \(session; SameSite=None\)/, ['critical']],
  ];
  for (const [behaviour, rule, message, severities] of cases) {
    test(`${behaviour} → ${rule}`, async () => {
      const fs = await live(`${server.url}/${behaviour}/profiles/u1`);
      const f = fs.filter((x) => x.ruleId === rule && message.test(x.message)).sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0];
      assert.ok(f, `${behaviour}: no ${rule} matching ${message}\n${show(fs)}`);
      assert.ok(severities.includes(f.severity as never), `${behaviour}: ${f.severity}, expected ${severities.join('/')}\n${f.message}`);
      assert.equal(f.source, 'live');
      const http = f.evidence.find((e) => e.kind === 'http');
      assert.ok(http && http.kind === 'http' && http.curl?.startsWith('curl '), 'evidence carries the exchange and a curl line');
    });
  }
  test('error text and header mirroring: found where they are, not on their near misses', async () => {
    const leak = await live(`${server.url}/strict/dynamo-error`);
    const f = leak.find((x) => x.ruleId === 'live-error-detail');
    assert.ok(f && /AccessDeniedException/.test(f.message) && /account 1234…9012/.test(f.message), show(leak));
    assert.ok(!JSON.stringify(leak).includes('123456789012'), 'the account id is masked in the finding');
    const generic = await live(`${server.url}/strict/boom`);
    assert.ok(!generic.some((x) => x.ruleId === 'live-error-detail' || x.ruleId === 'live-debug-traceback'), show(generic));
    const mirror = await live(`${server.url}/reflect/items`);
    assert.ok(mirror.some((x) => x.ruleId === 'live-cors-permissive-preflight' && /mirror any requested header/.test(x.message)), show(mirror));
  });
  test('near misses of the preflight, cache-key and parser probes: nothing reported', async () => {
    // a cacheable response without Vary but no cache in front: the missing Vary is reported, no confirmed cache poisoning
    const noVary = await live(`${server.url}/no-vary/profiles/u1`);
    assert.ok(!noVary.some((f) => /A cache in front/.test(f.message)), show(noVary));
    // any origin reflected, but preflights allow only GET/HEAD/OPTIONS: no DELETE finding
    const reflect = await live(`${server.url}/reflect/profiles/u1`);
    assert.ok(!reflect.some((f) => /send DELETE/.test(f.message)), show(reflect));
    // null trusted on actual responses: one null finding, the preflight not reported again
    const nul = await live(`${server.url}/null/profiles/u1`);
    assert.ok(!nul.some((f) => /Preflights .* trust Origin: null/.test(f.message)), show(nul));
    // a prefix check passes the parser probes too: one prefix finding, no loose-parsing one, no broken-header one from the echoed list
    const prefix = await live(`${server.url}/prefix/profiles/u1`);
    assert.ok(!prefix.some((f) => /no browser sends|special characters/.test(f.message) || f.ruleId === 'live-cors-invalid-headers'), show(prefix));
  });
  test('authenticated scans probe the unauthenticated error path without the credentials', async () => {
    const before = server.requests.length;
    const fs = await live(`${server.url}/error-only/private`, { headers: [['Authorization', 'Bearer token-u1-3e8a51']] });
    const sent = server.requests.slice(before).filter((q) => q.url.startsWith('/error-only/private'));
    assert.ok(sent.some((q) => !q.headers.some(([k]) => k === 'authorization')), 'one request goes without the credentials');
    assert.ok(sent.filter((q) => q.headers.some(([k]) => k === 'authorization')).length > sent.length / 2, 'the others carry them');
    assert.ok(fs.some((f) => f.ruleId === 'live-cors-reflected-origin' && /a request without credentials \(HTTP 401\)/.test(f.message) && f.severity === 'info'), show(fs));
  });
  test('strict allowlist: no CORS finding above info, and a typical request count', async () => {
    const r = await scan({ paths: [`${server.url}/strict/profiles/u1`], live: { origins: [LEGIT], rate: 0 } });
    assert.deepEqual(cors(r.findings).filter((f) => atLeast(f.severity, 'low')).map((f) => f.message), []);
    assert.ok(!r.findings.some((f) => /no browser sends|A cache in front|send DELETE|trust Origin: null/.test(f.message)), show(r.findings));
    assert.ok(!r.findings.some((f) => f.ruleId === 'live-cors-reflected-origin'), 'no error path (404, plain OPTIONS) echoes the origin');
    const probed = r.live!.endpoints.find((e) => e.url.includes('/strict/profiles/u1'))!;
    assert.ok(probed.requests <= 60, `${probed.requests} requests for one endpoint`);
  });
  test('an arbitrary-origin reflection ends the plan early (no bypass tiers) and is one finding', async () => {
    const r = await scan({ paths: [`${server.url}/reflect/profiles/u1`], live: { origins: [LEGIT], rate: 0 } });
    const probed = r.live!.endpoints.find((e) => e.url.includes('/reflect/profiles/u1'))!;
    assert.ok(probed.requests <= 15, `${probed.requests} requests`);
    assert.equal(cors(r.findings).filter((f) => f.severity === 'high' || f.severity === 'critical').length, 1, show(r.findings));
  });
  test('safety: a redirect to another host is not followed; an oversized body is cut; a slow server times out', async () => {
    const before = server.requests.length;
    const redirect = await scan({ paths: [`${server.url}/redirect/profiles/u1`], live: { rate: 0 } });
    // every request the scan sent reached this server: the Location on 127.0.0.2 was recorded, never requested
    assert.equal(server.requests.length - before, redirect.live!.requests);
    assert.ok(!JSON.stringify(redirect.diagnostics).includes('127.0.0.2'), JSON.stringify(redirect.diagnostics));
    const big = await scan({ paths: [`${server.url}/oversized/profiles/u1`], live: { rate: 0, maxRequests: 3 } });
    assert.ok(big.live!.requests <= 3, 'the budget caps requests');
    const t0 = performance.now();
    const slow = await scan({ paths: [`${server.url}/slow/profiles/u1?headersAfterMs=3000`], live: { rate: 0, timeoutMs: 300, maxRequests: 4 } });
    assert.ok(performance.now() - t0 < 5000, 'timeouts bound the scan');
    assert.ok(slow.diagnostics.some((d) => /no complete response .* within 0.3 s/.test(d.message)), JSON.stringify(slow.diagnostics));
  });
  test('live findings render in every format; SARIF validates against the 2.1.0 schema with the URL as location', async () => {
    const r = await scan({ paths: [`${server.url}/reflect/profiles/u1`], live: { origins: [LEGIT], rate: 0 } });
    const require = createRequire(import.meta.url);
    const Ajv = (require('ajv-draft-04') as { default: new (o: object) => { compile(schema: object): ((d: unknown) => boolean) & { errors?: unknown } } }).default;
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));
    const log = JSON.parse(render('sarif', r, { color: false, knowledge: {} }));
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const res = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'live-cors-reflected-origin');
    assert.ok(res.ruleIndex >= 0, 'the live check is a driver rule');
    assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /^http:\/\/127\.0\.0\.1:\d+\/reflect\/profiles\/u1/);
    for (const format of FORMATS) assert.ok(render(format, r, { color: false, knowledge: {} }).length > 0);
    // personal data in evidence: card numbers and SSNs are masked in every format
    for (const format of FORMATS) assert.ok(!/4111 1111 1111 1111|123-45-6789/.test(render(format, r, { color: false, knowledge: {} })), format);
  });
  test('unreachable hosts are diagnostics naming the URL, not crashes', async () => {
    const r = await scan({ paths: ['http://127.0.0.1:9/nothing'], live: { rate: 0 } });
    assert.ok(r.diagnostics.some((d) => d.where?.includes('127.0.0.1:9') && /connection refused/.test(d.message)), JSON.stringify(r.diagnostics));
  });
  test('credentials go only to the target host', async () => {
    await scan({ paths: [`${server.url}/strict/profiles/u1`], live: { rate: 0, headers: [['Authorization', 'Bearer probe-token-123']], cookie: 'session=s1', maxRequests: 5 } });
    const got = (q: { headers: [string, string][] }, name: string): string | undefined => q.headers.find(([k]) => k === name)?.[1];
    const sent = server.requests.filter((q) => got(q, 'authorization') === 'Bearer probe-token-123');
    assert.ok(sent.length > 0, 'the target received the credentials');
    assert.ok(sent.every((q) => /session=s1/.test(got(q, 'cookie') ?? '')), 'and the cookie');
  });
});

const skip = pythonStackSkipReason();
describe('FastAPI on Starlette 0.26.1 over dynalite, discovered through /openapi.json', { skip: skip || undefined }, () => {
  let dynamo: DynaliteHandle;
  const apps = new Map<string, FastApiHandle>();
  const MODES = ['wildcard-credentials', 'wildcard', 'allowlist', 'regex-unescaped-dot', 'regex-shared-hosting', 'null', 'string-origins', 'echo-middleware', 'debug-traceback', 'pii-whole-item'] as const;
  before(async () => {
    dynamo = await startDynalite();
    const specs = MODES.flatMap((mode) => [{ mode, fixed: false }, { mode, fixed: true }]);
    const started = await startFastApiAll(specs, { dynamoEndpoint: dynamo.endpoint, timeoutMs: 120_000 }, 6);
    for (const h of started) apps.set(`${h.mode}${h.fixed ? ':fixed' : ''}`, h);
  });
  after(async () => {
    await closeAll(apps.values());
    await dynamo?.close();
  });
  const expected: Record<(typeof MODES)[number], [string, RegExp, string[]]> = {
    'wildcard-credentials': ['live-cors-reflected-with-cookie', /when the request carries a Cookie with Access-Control-Allow-Credentials: true/, ['critical']],
    wildcard: ['live-cors-wildcard', /Access-Control-Allow-Origin: \*/, ['info']],
    allowlist: ['', /./, []],
    'regex-unescaped-dot': ['live-cors-allowlist-bypass', /unescaped dot/, ['critical', 'high']],
    'regex-shared-hosting': ['live-cors-allowlist-bypass', /shared-hosting suffix trusted/, ['critical', 'high']],
    null: ['live-cors-null-origin', /Origin: null/, ['critical', 'high']],
    'string-origins': ['live-cors-allowlist-bypass', /substring match/, ['critical', 'high']],
    'echo-middleware': ['live-cors-reflected-origin', /echoe?s? any Origin/, ['critical', 'high']],
    'debug-traceback': ['live-debug-traceback', /traceback|debug page/, ['high']],
    'pii-whole-item': ['live-personal-data', /email/, ['medium']],
  };
  test('an authenticated run (the victim\'s session cookie) shows the data read cross-origin: critical', async () => {
    const fs = await live(apps.get('wildcard-credentials')!.url, { cookie: 'session=sess-u1-6f1c2a' });
    // the session cookie is on every probe now, so the echo no longer depends on the probe's own cookie
    const f = fs.find((x) => /^live-cors-reflected-(origin|with-cookie)$/.test(x.ruleId) && x.severity === 'critical');
    assert.ok(f, show(fs));
    assert.match(f.message, /email|card|ssn/);
  });
  for (const mode of MODES) {
    test(`${mode}: found with the right class and severity; the fixed twin has no CORS finding above info`, async () => {
      const [rule, message, severities] = expected[mode];
      const vulnerable = await live(apps.get(mode)!.url);
      if (rule) {
        // the worst instance: the same weakness can also show, less severe, on error responses
        const f = vulnerable.filter((x) => x.ruleId === rule && message.test(x.message)).sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0];
        assert.ok(f, `${mode}: no ${rule}\n${show(vulnerable)}`);
        assert.ok(severities.includes(f.severity), `${mode}: ${f.severity}, expected ${severities.join('/')}\n${f.message}`);
        assert.ok(f.route?.path, 'the finding carries the OpenAPI path template');
      } else {
        assert.deepEqual(cors(vulnerable).filter((f) => atLeast(f.severity, 'low')).map((f) => f.message), []);
      }
      const fixed = await live(apps.get(`${mode}:fixed`)!.url);
      assert.deepEqual(cors(fixed).filter((f) => atLeast(f.severity, 'low')).map((f) => `${f.ruleId}: ${f.message}`), [], `${mode} fixed twin`);
      if (rule && !rule.startsWith('live-cors-')) assert.ok(!fixed.some((f) => f.ruleId === rule), `${mode} fixed twin still has ${rule}\n${show(fixed)}`);
    });
  }
});
