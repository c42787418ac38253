/**
 * Ground truth for the live scanner's tests: what the real servers in test/servers answer.
 * FastAPI part: Debian FastAPI 0.92 / Starlette 0.26.1 / uvicorn 0.17.6 over dynalite; every mode and its
 * fixed twin probed with an arbitrary Origin (with and without a Cookie), a preflight, and the origin the
 * mode's weakness lets through. Node part: one check per behaviour of cors-node-server.ts.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, Pool, request } from 'undici';
import {
  startDynalite,
  startFastApi,
  startFastApiAll,
  freePort,
  closeAll,
  pythonStackSkipReason,
  FASTAPI_MODES,
  COOKIE_AUTH_MODES,
  SEED,
  type DynaliteHandle,
  type FastApiHandle,
  type FastApiMode,
} from './servers/harness.ts';
import { startCorsServer, BEHAVIOURS, type CorsServer } from './servers/cors-node-server.ts';

const EVIL = 'https://evil.example';
const LEGIT = 'https://app.example.com';
const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

type Hdrs = Record<string, string | string[]>;
interface Res {
  status: number;
  headers: Hdrs;
  body: string;
}

const agent = new Agent({ keepAliveTimeout: 1000 });
after(() => agent.close());

async function get(url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'OPTIONS' = 'GET'): Promise<Res> {
  const r = await request(url, { method, headers, dispatcher: agent });
  const body = await r.body.text();
  return { status: r.statusCode, headers: r.headers as Hdrs, body };
}

/** The CORS-relevant headers of a response (access-control-*, vary). */
function cors(r: Res): Hdrs {
  const out: Hdrs = {};
  for (const [k, v] of Object.entries(r.headers)) if (k.startsWith('access-control-') || k === 'vary') out[k] = v;
  return out;
}

const preflightHeaders = { 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' };

// ---------------------------------------------------------------------------------------------------------
// Expected Starlette 0.26.1 answers

const ACAC = { 'access-control-allow-credentials': 'true' } as const;
const reflect = (origin: string, credentials: boolean): Hdrs => ({ 'access-control-allow-origin': origin, ...(credentials ? ACAC : {}), vary: 'Origin' });
/** A disallowed origin on a list/regex config: no ACAO, but ACAC when credentials are on. */
const rejected = (credentials: boolean): Hdrs => (credentials ? { ...ACAC } : {});
const preflightCommon = (credentials: boolean): Hdrs => ({
  'access-control-allow-methods': ALL_METHODS,
  'access-control-max-age': '600',
  'access-control-allow-headers': 'x-api-key',
  ...(credentials ? ACAC : {}),
});
const preflightAllowed = (origin: string, credentials: boolean) => ({
  status: 200,
  body: 'OK',
  headers: { ...preflightCommon(credentials), 'access-control-allow-origin': origin, vary: 'Origin' } as Hdrs,
});
const preflightRejected = (credentials: boolean) => ({
  status: 400,
  body: 'Disallowed CORS origin',
  headers: { ...preflightCommon(credentials), vary: 'Origin' } as Hdrs,
});

interface Expectation {
  /** GET with Origin: https://evil.example, no Cookie. */
  evil: Hdrs;
  /** Same with Cookie: a=b. */
  evilCookie: Hdrs;
  /** OPTIONS with Origin evil, ACRM GET, ACRH x-api-key. */
  preflight: { status: number; body: string; headers: Hdrs };
  /** The origin the vulnerable twin's weakness lets through (sent with a Cookie), and the answer. */
  bypass?: { origin: string; headers: Hdrs };
  /** Origin: https://app.example.com with a Cookie. */
  legit: Hdrs;
}

/** A list/regex config with credentials that trusts only the front end: the safe shape. */
const safeCredentialed = (bypassOrigin?: string): Expectation => ({
  evil: rejected(true),
  evilCookie: rejected(true),
  preflight: preflightRejected(true),
  bypass: bypassOrigin ? { origin: bypassOrigin, headers: rejected(true) } : undefined,
  legit: reflect(LEGIT, true),
});
const safeAnonymous: Expectation = {
  evil: {},
  evilCookie: {},
  preflight: preflightRejected(false),
  legit: reflect(LEGIT, false),
};

const EXPECTED: Record<FastApiMode, { vulnerable: Expectation; fixed: Expectation }> = {
  'wildcard-credentials': {
    // The origin is reflected only when the request carries a Cookie; the preflight reflects any origin.
    vulnerable: {
      evil: { 'access-control-allow-origin': '*', ...ACAC },
      evilCookie: reflect(EVIL, true),
      preflight: preflightAllowed(EVIL, true),
      bypass: { origin: 'null', headers: reflect('null', true) },
      legit: reflect(LEGIT, true),
    },
    fixed: safeCredentialed('null'),
  },
  wildcard: {
    // `*` without credentials: a Cookie still makes Starlette reflect the origin, without ACAC.
    vulnerable: {
      evil: { 'access-control-allow-origin': '*' },
      evilCookie: reflect(EVIL, false),
      preflight: { status: 200, body: 'OK', headers: { ...preflightCommon(false), 'access-control-allow-origin': '*' } },
      bypass: { origin: 'null', headers: reflect('null', false) },
      legit: reflect(LEGIT, false),
    },
    fixed: { ...safeAnonymous, bypass: { origin: 'null', headers: {} } },
  },
  allowlist: { vulnerable: safeCredentialed('https://app.example.co'), fixed: safeCredentialed('https://app.example.co') },
  'regex-unescaped-dot': {
    vulnerable: { ...safeCredentialed(), bypass: { origin: 'https://appxexample.com', headers: reflect('https://appxexample.com', true) } },
    fixed: safeCredentialed('https://appxexample.com'),
  },
  'regex-shared-hosting': {
    vulnerable: {
      ...safeCredentialed(),
      bypass: { origin: 'https://evil.vercel.app', headers: reflect('https://evil.vercel.app', true) },
      legit: rejected(true),
    },
    fixed: { ...safeCredentialed('https://evil.vercel.app'), legit: rejected(true) },
  },
  null: {
    vulnerable: { ...safeCredentialed(), bypass: { origin: 'null', headers: reflect('null', true) } },
    fixed: safeCredentialed('null'),
  },
  'string-origins': {
    // allow_origins is a str: `origin in "https://app.example.com"` is a substring test.
    vulnerable: { ...safeCredentialed(), bypass: { origin: 'https://app.example.co', headers: reflect('https://app.example.co', true) } },
    fixed: safeCredentialed('https://app.example.co'),
  },
  'echo-middleware': {
    // A hand-written middleware: echoes any Origin with ACAC true, no Vary; answers preflights itself (204).
    vulnerable: {
      evil: { 'access-control-allow-origin': EVIL, ...ACAC },
      evilCookie: { 'access-control-allow-origin': EVIL, ...ACAC },
      preflight: {
        status: 204,
        body: '',
        headers: {
          'access-control-allow-origin': EVIL,
          ...ACAC,
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'access-control-allow-headers': 'x-api-key',
        },
      },
      bypass: { origin: 'null', headers: { 'access-control-allow-origin': 'null', ...ACAC } },
      legit: { 'access-control-allow-origin': LEGIT, ...ACAC },
    },
    fixed: {
      evil: { vary: 'Origin' },
      evilCookie: { vary: 'Origin' },
      preflight: { status: 204, body: '', headers: { vary: 'Origin' } },
      bypass: { origin: 'null', headers: { vary: 'Origin' } },
      legit: { 'access-control-allow-origin': LEGIT, ...ACAC, vary: 'Origin' },
    },
  },
  'debug-traceback': { vulnerable: safeAnonymous, fixed: safeAnonymous },
  'pii-whole-item': { vulnerable: safeAnonymous, fixed: safeAnonymous },
};

// ---------------------------------------------------------------------------------------------------------

describe('FastAPI app over dynalite (Starlette 0.26.1 ground truth)', { skip: pythonStackSkipReason() }, () => {
  let dyn: DynaliteHandle | undefined;
  const apps = new Map<string, FastApiHandle>();
  const key = (mode: string, fixed: boolean, extra = '') => `${mode}${fixed ? ':fixed' : ''}${extra}`;
  const app = (mode: string, fixed = false, extra = '') => {
    const a = apps.get(key(mode, fixed, extra));
    assert.ok(a, `app ${key(mode, fixed, extra)} not started`);
    return a;
  };

  before(async () => {
    dyn = await startDynalite();
    const specs: { mode: FastApiMode; fixed: boolean; requireSession?: boolean }[] = [
      ...FASTAPI_MODES.flatMap((mode) => [{ mode, fixed: false }, { mode, fixed: true }]),
      { mode: 'wildcard-credentials', fixed: false, requireSession: true },
      { mode: 'pii-whole-item', fixed: false, requireSession: true },
    ];
    const handles = await startFastApiAll(specs, { dynamoEndpoint: dyn.endpoint, timeoutMs: 120_000 }, 6);
    handles.forEach((h, i) => apps.set(key(specs[i].mode, specs[i].fixed, specs[i].requireSession ? ':session' : ''), h));
  });

  after(async () => {
    await closeAll(apps.values());
    await dyn?.close();
  });

  for (const mode of FASTAPI_MODES) {
    for (const fixed of [false, true]) {
      const exp = EXPECTED[mode][fixed ? 'fixed' : 'vulnerable'];
      test(`${mode}${fixed ? ' (fixed)' : ''}: CORS headers for an arbitrary origin, with and without a Cookie, and its preflight`, async () => {
        const base = `${app(mode, fixed).url}/profiles/u1`;
        const evil = await get(base, { origin: EVIL });
        assert.equal(evil.status, 200);
        assert.deepEqual(cors(evil), exp.evil, 'Origin evil, no Cookie');
        const evilCookie = await get(base, { origin: EVIL, cookie: 'a=b' });
        assert.deepEqual(cors(evilCookie), exp.evilCookie, 'Origin evil + Cookie');
        const pre = await get(base, { origin: EVIL, ...preflightHeaders }, 'OPTIONS');
        assert.equal(pre.status, exp.preflight.status, 'preflight status');
        assert.equal(pre.body, exp.preflight.body, 'preflight body');
        assert.deepEqual(cors(pre), exp.preflight.headers, 'preflight headers');
        if (exp.bypass) {
          const b = await get(base, { origin: exp.bypass.origin, cookie: 'a=b' });
          assert.deepEqual(cors(b), exp.bypass.headers, `Origin ${exp.bypass.origin} + Cookie`);
        }
        const legit = await get(base, { origin: LEGIT, cookie: 'a=b' });
        assert.deepEqual(cors(legit), exp.legit, 'Origin app.example.com + Cookie');
        // The body is served whatever the origin: enforcement is the browser's.
        assert.match(evilCookie.body, /"id":"u1"/);
      });
    }
  }

  test('regex, null and string modes: the bypass origins also pass the preflight; the fixed twins answer 400', async () => {
    const cases: [FastApiMode, string][] = [
      ['regex-unescaped-dot', 'https://appxexample.com'],
      ['regex-shared-hosting', 'https://evil.vercel.app'],
      ['null', 'null'],
      ['string-origins', 'https://app.example.co'],
    ];
    for (const [mode, origin] of cases) {
      const v = await get(`${app(mode).url}/profiles/u1`, { origin, ...preflightHeaders }, 'OPTIONS');
      assert.deepEqual({ status: v.status, headers: cors(v) }, { status: 200, headers: preflightAllowed(origin, true).headers }, mode);
      const f = await get(`${app(mode, true).url}/profiles/u1`, { origin, ...preflightHeaders }, 'OPTIONS');
      assert.equal(f.status, 400, `${mode} fixed`);
      assert.equal(f.body, 'Disallowed CORS origin');
    }
    // The regex is fullmatched (anchored at both ends); the str config accepts any substring.
    const suffixed = await get(`${app('regex-unescaped-dot').url}/profiles/u1`, { origin: 'https://app.example.com.evil.net', cookie: 'a=b' });
    assert.deepEqual(cors(suffixed), rejected(true));
    const shortened = await get(`${app('string-origins').url}/profiles/u1`, { origin: 'https://app', cookie: 'a=b' });
    assert.deepEqual(cors(shortened), reflect('https://app', true));
  });

  test('a preflight disallowed for its method or headers too says so; OPTIONS without ACRM reaches the router (405)', async () => {
    const r = await get(`${app('allowlist').url}/profiles/u1`, { origin: EVIL, 'access-control-request-method': 'GET' }, 'OPTIONS');
    assert.equal(r.status, 400);
    assert.deepEqual(cors(r), { 'access-control-allow-methods': ALL_METHODS, 'access-control-max-age': '600', ...ACAC, vary: 'Origin' });
    const noAcrm = await get(`${app('allowlist').url}/profiles/u1`, { origin: LEGIT }, 'OPTIONS');
    assert.equal(noAcrm.status, 405);
    assert.equal(noAcrm.body, '{"detail":"Method Not Allowed"}');
    assert.deepEqual(cors(noAcrm), reflect(LEGIT, true));
    // Preflights are answered for any path, even one without a route.
    const nowhere = await get(`${app('wildcard-credentials').url}/no/such/path`, { origin: EVIL, ...preflightHeaders }, 'OPTIONS');
    assert.equal(nowhere.status, 200);
    assert.equal(nowhere.headers['access-control-allow-origin'], EVIL);
  });

  test('no Origin header: no CORS headers at all, in every mode', async () => {
    for (const mode of FASTAPI_MODES) {
      const r = await get(`${app(mode).url}/profiles/u1`, { cookie: 'a=b' });
      assert.deepEqual(cors(r), {}, mode);
    }
  });

  test('GET /profiles/{user_id} returns the seeded dynalite item; unknown ids 404', async () => {
    for (const mode of FASTAPI_MODES.filter((m) => m !== 'pii-whole-item')) {
      const r = await get(`${app(mode).url}/profiles/u1`);
      assert.equal(r.status, 200, mode);
      assert.deepEqual(JSON.parse(r.body), SEED.profiles[0], mode);
    }
    const u3 = await get(`${app('allowlist').url}/profiles/u3`);
    assert.deepEqual(JSON.parse(u3.body), SEED.profiles[2]);
    const missing = await get(`${app('allowlist').url}/profiles/nobody`, { origin: EVIL, cookie: 'a=b' });
    assert.equal(missing.status, 404);
    assert.equal(missing.body, '{"detail":"Profile not found"}');
    // HTTPException responses pass through CORSMiddleware: error bodies are readable under a permissive policy.
    const missingWild = await get(`${app('wildcard-credentials').url}/profiles/nobody`, { origin: EVIL, cookie: 'a=b' });
    assert.equal(missingWild.status, 404);
    assert.deepEqual(cors(missingWild), reflect(EVIL, true));
    const notFound = await get(`${app('wildcard-credentials').url}/nope`, { origin: EVIL, cookie: 'a=b' });
    assert.deepEqual({ status: notFound.status, body: notFound.body }, { status: 404, body: '{"detail":"Not Found"}' });
    assert.deepEqual(cors(notFound), reflect(EVIL, true));
  });

  test('pii-whole-item returns every attribute; its fixed twin only the public fields (response_model)', async () => {
    const whole = JSON.parse((await get(`${app('pii-whole-item').url}/profiles/u1`)).body);
    assert.deepEqual(whole, SEED.profiles[0]);
    assert.equal(whole.card_number, '4111 1111 1111 1111');
    assert.equal(whole.ssn, '123-45-6789');
    const pub = JSON.parse((await get(`${app('pii-whole-item', true).url}/profiles/u1`)).body);
    assert.deepEqual(pub, { id: 'u1', display_name: 'Alice Example' });
    const spec = JSON.parse((await get(`${app('pii-whole-item', true).url}/openapi.json`)).body);
    assert.deepEqual(Object.keys(spec.components.schemas.PublicProfile.properties), ['id', 'display_name']);
  });

  test('GET /items lists the items table; GET /health answers with the mode', async () => {
    const items = await get(`${app('wildcard').url}/items`);
    assert.deepEqual(JSON.parse(items.body), SEED.items);
    const health = await get(`${app('null', true).url}/health`);
    assert.deepEqual(JSON.parse(health.body), { status: 'ok', mode: 'null', fixed: true, pid: app('null', true).pid });
  });

  test('GET /private: 401 with WWW-Authenticate: Bearer, 200 with the bearer token', async () => {
    const [token] = Object.keys(SEED.bearer_tokens);
    for (const mode of ['wildcard-credentials', 'wildcard'] as const) {
      const denied = await get(`${app(mode).url}/private`, { origin: EVIL, cookie: 'a=b' });
      assert.equal(denied.status, 401);
      assert.equal(denied.body, '{"detail":"Not authenticated"}');
      assert.equal(denied.headers['www-authenticate'], 'Bearer');
      const ok = await get(`${app(mode).url}/private`, { authorization: `Bearer ${token}` });
      assert.equal(ok.status, 200);
      assert.deepEqual(JSON.parse(ok.body), { user_id: 'u1', note: 'bearer-only resource' });
    }
    const denied = await get(`${app('wildcard-credentials').url}/private`, { origin: EVIL, cookie: 'a=b' });
    assert.deepEqual(cors(denied), reflect(EVIL, true));
  });

  test('GET /login: a SameSite=None; Secure session cookie in cookie modes, a bearer token otherwise', async () => {
    for (const mode of FASTAPI_MODES) {
      for (const fixed of [false, true]) {
        const r = await get(`${app(mode, fixed).url}/login`);
        assert.equal(r.status, 200);
        if (COOKIE_AUTH_MODES.has(mode)) {
          assert.equal(r.headers['set-cookie'], 'session=sess-u1-6f1c2a; HttpOnly; Path=/; SameSite=none; Secure', mode);
          assert.deepEqual(JSON.parse(r.body), { ok: true, user_id: 'u1' });
        } else {
          assert.equal(r.headers['set-cookie'], undefined, mode);
          assert.deepEqual(JSON.parse(r.body), { access_token: 'token-u1-3e8a51', token_type: 'bearer' });
        }
      }
    }
  });

  test('GET /me: the session cookie (cookie modes) or the bearer token identifies the user; 401 without', async () => {
    const cookieApp = app('wildcard-credentials');
    assert.equal((await get(`${cookieApp.url}/me`, { cookie: 'a=b' })).status, 401);
    const me = await get(`${cookieApp.url}/me`, { cookie: 'session=sess-u2-9b7d4e' });
    assert.equal(JSON.parse(me.body).email, 'bob@corp.example');
    const bearerApp = app('wildcard');
    assert.equal((await get(`${bearerApp.url}/me`, { cookie: 'session=sess-u1-6f1c2a' })).status, 401);
    const viaToken = await get(`${bearerApp.url}/me`, { authorization: 'Bearer token-u1-3e8a51' });
    assert.equal(JSON.parse(viaToken.body).id, 'u1');
  });

  test('REQUIRE_SESSION=1: /profiles/{user_id} needs a real session (cookie modes) or bearer token', async () => {
    const c = app('wildcard-credentials', false, ':session');
    const noSession = await get(`${c.url}/profiles/u1`, { origin: EVIL, cookie: 'a=b' });
    assert.equal(noSession.status, 401);
    assert.deepEqual(cors(noSession), reflect(EVIL, true));
    const withSession = await get(`${c.url}/profiles/u1`, { origin: EVIL, cookie: 'session=sess-u1-6f1c2a' });
    assert.equal(withSession.status, 200);
    assert.deepEqual(cors(withSession), reflect(EVIL, true));
    const b = app('pii-whole-item', false, ':session');
    assert.equal((await get(`${b.url}/profiles/u1`)).status, 401);
    assert.equal((await get(`${b.url}/profiles/u1`, { authorization: 'Bearer token-u1-3e8a51' })).status, 200);
  });

  test('debug-traceback: an unhandled botocore ClientError returns the traceback (text or HTML), without CORS headers', async () => {
    const url = `${app('debug-traceback').url}/orders/o1`;
    const text = await get(url, { origin: LEGIT });
    assert.equal(text.status, 500);
    assert.match(String(text.headers['content-type']), /^text\/plain/);
    assert.match(text.body, /^Traceback \(most recent call last\):/);
    assert.match(text.body, /botocore\.errorfactory\.ResourceNotFoundException: An error occurred \(ResourceNotFoundException\) when calling the GetItem operation/);
    // ServerErrorMiddleware sits outside CORSMiddleware: even the allowed origin gets no ACAO on a 500.
    assert.deepEqual(cors(text), {});
    const html = await get(url, { accept: 'text/html' });
    assert.equal(html.status, 500);
    assert.match(String(html.headers['content-type']), /^text\/html/);
    assert.match(html.body, /<html>/);
    assert.match(html.body, /ResourceNotFoundException/);
    assert.match(html.body, /Traceback/);
    const fixed = await get(`${app('debug-traceback', true).url}/orders/o1`, { origin: LEGIT, accept: 'text/html' });
    assert.deepEqual({ status: fixed.status, body: fixed.body, cors: cors(fixed) }, { status: 500, body: 'Internal Server Error', cors: {} });
  });

  test('FastAPI defaults: /openapi.json (3.0.2) lists the routes and security schemes, /docs is Swagger UI', async () => {
    const spec = JSON.parse((await get(`${app('allowlist').url}/openapi.json`)).body);
    assert.equal(spec.openapi, '3.0.2');
    for (const p of ['/health', '/login', '/me', '/private', '/profiles/{user_id}', '/items', '/orders/{order_id}']) assert.ok(spec.paths[p], p);
    assert.deepEqual(spec.components.securitySchemes.APIKeyCookie, { type: 'apiKey', name: 'session', in: 'cookie' });
    assert.deepEqual(spec.components.securitySchemes.HTTPBearer, { type: 'http', scheme: 'bearer' });
    const bearerSpec = JSON.parse((await get(`${app('wildcard').url}/openapi.json`)).body);
    assert.equal(bearerSpec.components.securitySchemes.APIKeyCookie, undefined);
    const docs = await get(`${app('allowlist').url}/docs`);
    assert.equal(docs.status, 200);
    assert.match(docs.body, /Swagger UI/);
  });

  test('harness: startup failures carry the app output; close() kills the process', async () => {
    const port = await freePort();
    const [unreachable, tooSlow, started] = await Promise.allSettled([
      startFastApi('allowlist', { dynamoEndpoint: `http://127.0.0.1:${port}` }),
      startFastApi('allowlist', { dynamoEndpoint: dyn!.endpoint, timeoutMs: 150 }),
      startFastApi('wildcard', { dynamoEndpoint: dyn!.endpoint }),
    ]);
    assert.equal(unreachable.status, 'rejected');
    assert.match(String((unreachable as PromiseRejectedResult).reason), /exited before \/health answered[\s\S]*Could not connect to the endpoint URL/);
    assert.equal(tooSlow.status, 'rejected');
    assert.match(String((tooSlow as PromiseRejectedResult).reason), /did not answer http:\/\/127\.0\.0\.1:\d+\/health within 150 ms/);
    assert.equal(started.status, 'fulfilled');
    const h = (started as PromiseFulfilledResult<FastApiHandle>).value;
    await h.close();
    assert.throws(() => process.kill(h.pid, 0), { code: 'ESRCH' });
    await assert.rejects(startFastApi('no-such-mode', { dynamoEndpoint: dyn!.endpoint }), /unknown FastAPI mode/);
  });

  test('startup: every app answered /health with its own pid; a single app starts in about a second', (t) => {
    const ms = [...apps.values()].map((a) => a.startupMs).sort((a, b) => a - b);
    for (const a of apps.values()) assert.ok(a.startupMs > 0 && a.pid > 0);
    t.diagnostic(`${ms.length} apps started in parallel: min ${ms[0]} ms, median ${ms[ms.length >> 1]} ms, max ${ms.at(-1)} ms`);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('cors-node-server', () => {
  let srv: CorsServer;
  let single: CorsServer;
  let fast: CorsServer;
  const u = (path: string) => `${srv.url}${path}`;

  before(async () => {
    [srv, single, fast] = await Promise.all([
      startCorsServer({ oversizedBytes: 20 * 1024 * 1024 }),
      startCorsServer({ behaviour: 'prefix' }),
      startCorsServer({ fast: true }),
    ]);
  });
  after(async () => {
    await Promise.allSettled([srv?.close(), single?.close(), fast?.close()]);
  });

  const acao = async (behaviour: string, origin: string) => (await get(u(`/${behaviour}/profiles/u1`), { origin })).headers['access-control-allow-origin'];

  test('reflect: any origin reflected with ACAC true and Vary: Origin', async () => {
    const r = await get(u('/reflect/profiles/u1'), { origin: EVIL });
    assert.deepEqual(cors(r), reflect(EVIL, true));
  });

  test('strict: only the legitimate origin', async () => {
    assert.deepEqual(cors(await get(u('/strict/profiles/u1'), { origin: EVIL })), { vary: 'Origin' });
    assert.deepEqual(cors(await get(u('/strict/profiles/u1'), { origin: LEGIT })), reflect(LEGIT, true));
  });

  test('none and wildcard', async () => {
    assert.deepEqual(cors(await get(u('/none/profiles/u1'), { origin: EVIL })), {});
    assert.deepEqual(cors(await get(u('/wildcard/profiles/u1'), { origin: EVIL, cookie: 'a=b' })), { 'access-control-allow-origin': '*' });
  });

  test('null: Origin null reflected with credentials', async () => {
    assert.deepEqual(cors(await get(u('/null/profiles/u1'), { origin: 'null' })), reflect('null', true));
    assert.equal(await acao('null', EVIL), undefined);
  });

  test('prefix: startsWith("https://app.example.com") lets https://app.example.com.evil.net through', async () => {
    assert.equal(await acao('prefix', 'https://app.example.com.evil.net'), 'https://app.example.com.evil.net');
    assert.equal(await acao('prefix', EVIL), undefined);
  });

  test('suffix: endsWith("example.com") lets https://evilexample.com through', async () => {
    assert.equal(await acao('suffix', 'https://evilexample.com'), 'https://evilexample.com');
    assert.equal(await acao('suffix', 'https://example.com.evil.net'), undefined);
  });

  test('substring: "https://app.example.com".includes(origin) lets https://app.example.co through', async () => {
    assert.equal(await acao('substring', 'https://app.example.co'), 'https://app.example.co');
    assert.equal(await acao('substring', 'https://app.example.com.evil.net'), undefined);
  });

  test('subdomain: any https subdomain of example.com', async () => {
    assert.equal(await acao('subdomain', 'https://k3v9qz2m.example.com'), 'https://k3v9qz2m.example.com');
    assert.equal(await acao('subdomain', 'http://k3v9qz2m.example.com'), undefined);
    assert.equal(await acao('subdomain', 'https://evilexample.com'), undefined);
  });

  test('http-scheme: http://app.example.com accepted', async () => {
    assert.equal(await acao('http-scheme', 'http://app.example.com'), 'http://app.example.com');
    assert.equal(await acao('http-scheme', 'http://evil.example'), undefined);
  });

  test('port-ignored: https://app.example.com:8443 accepted', async () => {
    assert.equal(await acao('port-ignored', 'https://app.example.com:8443'), 'https://app.example.com:8443');
    assert.equal(await acao('port-ignored', 'http://app.example.com:8443'), undefined);
  });

  test('no-vary: reflected and cacheable (public, max-age=600) without Vary: Origin', async () => {
    const r = await get(u('/no-vary/profiles/u1'), { origin: LEGIT });
    assert.deepEqual(cors(r), { 'access-control-allow-origin': LEGIT, ...ACAC });
    assert.equal(r.headers['cache-control'], 'public, max-age=600');
    assert.equal(r.headers.vary, undefined);
  });

  test('duplicate-acao: two Access-Control-Allow-Origin header lines', async () => {
    const r = await get(u('/duplicate-acao/profiles/u1'), { origin: EVIL });
    assert.deepEqual(r.headers['access-control-allow-origin'], [EVIL, '*']);
  });

  test('acac-wrong-case: Access-Control-Allow-Credentials: True', async () => {
    const r = await get(u('/acac-wrong-case/profiles/u1'), { origin: EVIL });
    assert.deepEqual(cors(r), { 'access-control-allow-origin': EVIL, 'access-control-allow-credentials': 'True', vary: 'Origin' });
  });

  test('error-only: permissive headers on 4xx/5xx, none on 2xx or preflight', async () => {
    assert.deepEqual(cors(await get(u('/error-only/profiles/u1'), { origin: EVIL })), {});
    for (const [path, status] of [['/error-only/nope', 404], ['/error-only/private', 401], ['/error-only/boom', 500]] as const) {
      const r = await get(u(path), { origin: EVIL });
      assert.equal(r.status, status);
      assert.deepEqual(cors(r), reflect(EVIL, true), path);
    }
    const pre = await get(u('/error-only/profiles/u1'), { origin: EVIL, ...preflightHeaders }, 'OPTIONS');
    assert.deepEqual({ status: pre.status, cors: cors(pre) }, { status: 204, cors: {} });
  });

  test('gateway-preflight: OPTIONS answers a static *, the GET reflects with credentials', async () => {
    const pre = await get(u('/gateway-preflight/profiles/u1'), { origin: EVIL, ...preflightHeaders }, 'OPTIONS');
    assert.equal(pre.status, 200);
    assert.deepEqual(cors(pre), {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'OPTIONS,GET',
      'access-control-allow-headers': 'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token',
    });
    assert.deepEqual(cors(await get(u('/gateway-preflight/profiles/u1'), { origin: EVIL })), reflect(EVIL, true));
  });

  test('other behaviours answer preflights with the same origin decision as their GET', async () => {
    const ok = await get(u('/prefix/profiles/u1'), { origin: 'https://app.example.com.evil.net', ...preflightHeaders }, 'OPTIONS');
    assert.equal(ok.status, 204);
    assert.deepEqual(cors(ok), {
      ...reflect('https://app.example.com.evil.net', true),
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': 'x-api-key',
      'access-control-max-age': '600',
    });
    const no = await get(u('/strict/profiles/u1'), { origin: EVIL, ...preflightHeaders }, 'OPTIONS');
    assert.deepEqual({ status: no.status, cors: cors(no) }, { status: 204, cors: { vary: 'Origin' } });
  });

  test('slow: headers after N ms, then the body trickles in chunks', async () => {
    const t0 = performance.now();
    const r = await request(u('/slow/profiles/u1?headersAfterMs=300&chunks=4&chunkEveryMs=100'), { headers: { origin: EVIL }, dispatcher: agent });
    const tHeaders = performance.now() - t0;
    const parts: number[] = [];
    for await (const chunk of r.body) parts.push((chunk as Buffer).length);
    const tBody = performance.now() - t0;
    assert.ok(tHeaders >= 280, `headers after ${tHeaders} ms`);
    assert.ok(tBody - tHeaders >= 350, `body took ${tBody - tHeaders} ms`);
    assert.ok(parts.length >= 2, `chunks ${parts.length}`);
    assert.equal(r.headers['access-control-allow-origin'], EVIL);
  });

  test('oversized: a 20 MiB body streamed (valid JSON, chunked)', async () => {
    const r = await request(u('/oversized/profiles/u1'), { headers: { origin: EVIL }, dispatcher: agent });
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(r.headers['access-control-allow-origin'], EVIL);
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    assert.equal(body.length, 20 * 1024 * 1024);
    const parsed = JSON.parse(body.toString('utf8')) as unknown[];
    assert.ok(parsed.length > 100_000);
  });

  test('redirect: 302 to another host (127.0.0.2) with permissive headers', async () => {
    const r = await get(u('/redirect/profiles/u1'), { origin: EVIL });
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, `http://127.0.0.2:${srv.port}/reflect/profiles/u1`);
    assert.deepEqual(cors(r), reflect(EVIL, true));
  });

  test('bodies: profiles carry personal data, items do not; /private is 401 without the bearer token', async () => {
    const p = JSON.parse((await get(u('/reflect/profiles/u2'))).body);
    assert.deepEqual(p, SEED.profiles[1]);
    assert.deepEqual(JSON.parse((await get(u('/reflect/items'))).body), SEED.items);
    const denied = await get(u('/reflect/private'));
    assert.deepEqual({ status: denied.status, auth: denied.headers['www-authenticate'] }, { status: 401, auth: 'Bearer' });
    assert.equal((await get(u('/reflect/private'), { authorization: 'Bearer token-u1-3e8a51' })).status, 200);
    assert.equal((await get(u('/reflect/profiles/nobody'))).status, 404);
    const head = await get(u('/reflect/profiles/u1'), { origin: EVIL }, 'HEAD');
    assert.deepEqual({ status: head.status, body: head.body, acao: head.headers['access-control-allow-origin'] }, { status: 200, body: '', acao: EVIL });
  });

  test('/openapi.json describes every behaviour path; requests are recorded with raw headers', async () => {
    const spec = JSON.parse((await get(u('/openapi.json'))).body);
    assert.equal(spec.servers[0].url, srv.url);
    assert.equal(Object.keys(spec.paths).length, BEHAVIOURS.length * 3);
    assert.ok(spec.paths['/gateway-preflight/profiles/{user_id}'].get.parameters[0].example === 'u1');
    assert.deepEqual(spec.paths['/reflect/private'].get.security, [{ bearer: [] }]);
    await get(u('/strict/items?_cb=abc'), { origin: 'https://probe.example', cookie: '__cors_probe=1' });
    const last = srv.requests.at(-1)!;
    assert.equal(last.url, '/strict/items?_cb=abc');
    assert.ok(last.headers.some(([k, v]) => k === 'origin' && v === 'https://probe.example'));
    assert.ok(last.headers.some(([k, v]) => k === 'cookie' && v === '__cors_probe=1'));
  });

  test('behaviour option: one behaviour on every path, routes at the root', async () => {
    const r = await get(`${single.url}/profiles/u1`, { origin: 'https://app.example.com.evil.net' });
    assert.equal(r.headers['access-control-allow-origin'], 'https://app.example.com.evil.net');
    const spec = JSON.parse((await get(`${single.url}/openapi.json`)).body);
    assert.deepEqual(Object.keys(spec.paths), ['/profiles/{user_id}', '/items', '/private']);
  });

  test('FAST mode: 1,000 endpoints, tiny fixed body, keep-alive', async () => {
    const spec = JSON.parse((await get(`${fast.url}/openapi.json`)).body);
    assert.equal(Object.keys(spec.paths).length, 1000);
    const before = fast.stats();
    const paths = Object.keys(spec.paths);
    const pool = new Pool(fast.url, { connections: 8 });
    const results = await Promise.all(
      paths.map(async (p) => {
        const r = await pool.request({ path: p, method: 'GET', headers: { origin: LEGIT } });
        return { status: r.statusCode, headers: r.headers as Hdrs, body: await r.body.text() };
      }),
    );
    await pool.close();
    assert.ok(results.every((r) => r.status === 200 && r.body === '{"ok":true}' && r.headers['access-control-allow-origin'] === LEGIT));
    assert.equal(results[0].headers.connection, 'keep-alive');
    const after = fast.stats();
    assert.equal(after.requests - before.requests, 1000);
    assert.ok(after.connections - before.connections < 1000, `connections ${after.connections - before.connections}`);
    assert.equal((await get(`${fast.url}/e/1000`)).status, 404);
    assert.equal(fast.requests.length, 0);
  });

  test('close() ends in-flight slow responses and frees the port', async () => {
    const s = await startCorsServer({ behaviour: 'slow', slow: { headersAfterMs: 5000 } });
    const pending = request(`${s.url}/profiles/u1`, { dispatcher: agent }).then(
      () => 'answered',
      () => 'aborted',
    );
    await new Promise((r) => setTimeout(r, 50));
    await s.close();
    assert.equal(await pending, 'aborted');
    await assert.rejects(request(`${s.url}/health`, { dispatcher: agent }));
  });
});
