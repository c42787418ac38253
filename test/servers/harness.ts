/**
 * Starts and stops the real servers the live-scan tests probe: an in-process dynalite (DynamoDB) and the
 * FastAPI app of test/servers/fastapi run by Debian's uvicorn. Everything listens on 127.0.0.1 only.
 * Every process started here is in its own process group, killed (SIGKILL) on close() and again when the
 * Node process exits, so a failing test leaves nothing running.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import http from 'node:http';
import net from 'node:net';

const HERE = dirname(fileURLToPath(import.meta.url));
export const FASTAPI_DIR = join(HERE, 'fastapi');
/** Debian's interpreter: the `python3` on PATH may be another one without FastAPI, uvicorn and boto3. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** Modes of test/servers/fastapi/app.py (CORS_MODE). Each has a safe twin (CORS_FIXED=1). */
export const FASTAPI_MODES = [
  'wildcard-credentials',
  'wildcard',
  'allowlist',
  'regex-unescaped-dot',
  'regex-shared-hosting',
  'null',
  'string-origins',
  'echo-middleware',
  'debug-traceback',
  'pii-whole-item',
] as const;
export type FastApiMode = (typeof FASTAPI_MODES)[number];

/** Modes whose GET /login sets `session=…; HttpOnly; Path=/; SameSite=none; Secure` (and allow credentials). */
export const COOKIE_AUTH_MODES: ReadonlySet<FastApiMode> = new Set<FastApiMode>([
  'wildcard-credentials',
  'allowlist',
  'regex-unescaped-dot',
  'regex-shared-hosting',
  'null',
  'string-origins',
  'echo-middleware',
]);

/** The seeded data (test/servers/fastapi/data.json): profiles with personal data, public items, credentials. */
export interface SeedData {
  profiles: { id: string; display_name: string; email: string; phone: string; card_number: string; ssn: string; balance: number }[];
  items: { id: string; name: string; price: number }[];
  /** session cookie value → user id (cookie modes). */
  sessions: Record<string, string>;
  /** bearer token → user id (GET /private, and /me in bearer modes). */
  bearer_tokens: Record<string, string>;
}
export const SEED: SeedData = JSON.parse(readFileSync(join(FASTAPI_DIR, 'data.json'), 'utf8')) as SeedData;

// ---------------------------------------------------------------------------------------------------------
// Process bookkeeping

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Signals the child's process group, only while the child has not exited (its pid cannot be reused yet). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    const killAll = () => {
      for (const c of live) killGroup(c, 'SIGKILL');
    };
    process.once('exit', killAll);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        killAll();
        // Keep the default behaviour (terminate) unless someone else handles the signal.
        if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
      });
    }
  }
}

/**
 * Kills the process group with SIGKILL and waits for the exit. The apps keep no state worth a graceful
 * shutdown (uvicorn's takes 0.2–0.5 s per process, seconds when many stop at once).
 */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child, 'SIGKILL');
  return exited;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// Python stack

let pythonOk: boolean | undefined;

/** Whether Debian's FastAPI, uvicorn and boto3 are importable by /usr/bin/python3 (cached). */
export function pythonStackAvailable(): boolean {
  if (pythonOk === undefined) {
    try {
      execFileSync(SYSTEM_PYTHON, ['-c', 'import fastapi, uvicorn, boto3, jwt'], { stdio: 'ignore', timeout: 20_000 });
      pythonOk = true;
    } catch {
      pythonOk = false;
    }
  }
  return pythonOk;
}

/** A skip reason for node:test (`{ skip: pythonStackSkipReason() }`), or false when the stack is installed. */
export function pythonStackSkipReason(): string | false {
  return pythonStackAvailable()
    ? false
    : `${SYSTEM_PYTHON} cannot import fastapi, uvicorn, boto3 and jwt: apt-get install -y --no-install-recommends python3-fastapi python3-uvicorn python3-boto3 python3-jwt`;
}

// ---------------------------------------------------------------------------------------------------------
// dynalite

export interface DynaliteHandle {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  close(): Promise<void>;
}

type DynaliteFactory = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => http.Server;

const require = createRequire(import.meta.url);

type AttributeValue = { S: string } | { N: string };
function marshal(item: Record<string, string | number>): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(item)) out[k] = typeof v === 'number' ? { N: String(v) } : { S: v };
  return out;
}

/** One DynamoDB JSON-protocol call. dynalite checks that a SigV4-shaped header exists, not the signature. */
async function dynamo(endpoint: string, op: string, body: unknown): Promise<{ status: number; json: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      endpoint,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${op}`,
          'x-amz-date': '20260101T000000Z',
          authorization: 'AWS4-HMAC-SHA256 Credential=fake/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Creates the `profiles` and `items` tables (if missing) and writes the items of data.json. Idempotent; a
 * few milliseconds. The FastAPI app runs the same seeding (seed.py) at startup, so either side may go first.
 */
export async function seedDynamo(endpoint: string, data: SeedData = SEED): Promise<void> {
  await seedTables(endpoint, [
    { name: 'profiles', key: ['id'], items: data.profiles },
    { name: 'items', key: ['id'], items: data.items },
  ]);
}

/** Creates each table (hash key, and range key when two are named; string keys) if missing, waits until ACTIVE, writes its items. */
export async function seedTables(endpoint: string, tables: { name: string; key: string[]; items: Record<string, string | number>[] }[]): Promise<void> {
  const listed = await dynamo(endpoint, 'ListTables', {});
  const existing = new Set<string>(listed.json.TableNames ?? []);
  for (const t of tables) {
    if (!existing.has(t.name)) {
      const r = await dynamo(endpoint, 'CreateTable', {
        TableName: t.name,
        KeySchema: t.key.map((k, i) => ({ AttributeName: k, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        AttributeDefinitions: t.key.map((k) => ({ AttributeName: k, AttributeType: 'S' })),
        BillingMode: 'PAY_PER_REQUEST',
      });
      if (r.status !== 200 && !String(r.json.__type ?? '').endsWith('ResourceInUseException')) {
        throw new Error(`CreateTable ${t.name}: ${JSON.stringify(r.json)}`);
      }
    }
    for (let i = 0; ; i++) {
      const d = await dynamo(endpoint, 'DescribeTable', { TableName: t.name });
      if (d.json.Table?.TableStatus === 'ACTIVE') break;
      if (i > 200) throw new Error(`table ${t.name} did not become ACTIVE`);
      await sleep(10);
    }
    if (!t.items.length) continue;
    const r = await dynamo(endpoint, 'BatchWriteItem', {
      RequestItems: { [t.name]: t.items.map((item) => ({ PutRequest: { Item: marshal(item) } })) },
    });
    if (r.status !== 200) throw new Error(`BatchWriteItem ${t.name}: ${JSON.stringify(r.json)}`);
  }
}

/** An in-process, in-memory dynalite on 127.0.0.1:<free port>, tables ACTIVE at once, seeded unless `seed: false`. */
export async function startDynalite(opts: { seed?: boolean } = {}): Promise<DynaliteHandle> {
  const dynalite = require('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  // requests in flight finish before the database closes (dynalite throws from a callback otherwise)
  let inflight = 0;
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    inflight++;
    res.once('close', () => inflight--);
  });
  const close = () =>
    (closed ??= (async () => {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (let i = 0; inflight > 0 && i < 100; i++) await sleep(20);
      server.closeAllConnections();
      await done;
    })());
  try {
    if (opts.seed !== false) await seedDynamo(endpoint);
  } catch (e) {
    await close();
    throw e;
  }
  return { endpoint, close };
}

// ---------------------------------------------------------------------------------------------------------
// FastAPI

export interface FastApiOptions {
  dynamoEndpoint: string;
  /** Start the safe twin (CORS_FIXED=1). */
  fixed?: boolean;
  /** REQUIRE_SESSION=1: /profiles/{user_id} answers 401 without a session cookie (cookie modes) or bearer token. */
  requireSession?: boolean;
  /** Extra environment for the app. */
  env?: Record<string, string>;
  /** How long to wait for GET /health (default 20 s). */
  timeoutMs?: number;
}

export interface FastApiHandle {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  mode: FastApiMode;
  fixed: boolean;
  cookieAuth: boolean;
  pid: number;
  /** Milliseconds from spawn until /health answered. */
  startupMs: number;
  /** The process's recent stdout and stderr (uvicorn logs, tracebacks). */
  output(): string;
  close(): Promise<void>;
}

const OUTPUT_CAP = 64 * 1024;

/** The child's recent stdout and stderr (the last OUTPUT_CAP characters). */
function captureOutput(child: ChildProcess): () => string {
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_CAP) out = out.slice(-OUTPUT_CAP);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return () => out;
}

function appEnv(mode: string, opts: FastApiOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    // Fake credentials, no credential or config files, no instance metadata lookups.
    AWS_ACCESS_KEY_ID: 'fake',
    AWS_SECRET_ACCESS_KEY: 'fake',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    CORS_MODE: mode,
    CORS_FIXED: opts.fixed ? '1' : '0',
    DYNAMO_ENDPOINT: opts.dynamoEndpoint,
    REQUIRE_SESSION: opts.requireSession ? '1' : '0',
    EXIT_WITH_PARENT: String(process.pid),
    ...opts.env,
  };
}

async function spawnOnce(mode: FastApiMode, opts: FastApiOptions): Promise<FastApiHandle | 'port-taken'> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(
    SYSTEM_PYTHON,
    ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warning', '--no-access-log'],
    { cwd: FASTAPI_DIR, env: appEnv(mode, opts), detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  track(child);
  const output = captureOutput(child);
  let exited: string | undefined;
  let failure: Error | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
  child.once('error', (e) => (failure = e));

  const close = () => stopChild(child);
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (failure) {
      await close();
      throw new Error(`cannot start ${SYSTEM_PYTHON} -m uvicorn (${mode}): ${failure.message}`);
    }
    if (exited) {
      await close();
      if (/Errno 98|address already in use/i.test(output())) return 'port-taken';
      throw new Error(`FastAPI app (CORS_MODE=${mode}${opts.fixed ? ', fixed' : ''}) exited before /health answered (${exited}). Output:\n${output()}`);
    }
    try {
      const r = await httpGet(`${url}/health`, 1000);
      // The pid tells this app from another process that won the same port.
      if (r.status === 200 && (JSON.parse(r.body) as { pid?: number }).pid === child.pid) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`FastAPI app (CORS_MODE=${mode}${opts.fixed ? ', fixed' : ''}) did not answer ${url}/health within ${opts.timeoutMs ?? 20_000} ms. Output:\n${output()}`);
    }
    await sleep(40);
  }
  return {
    url,
    port,
    mode,
    fixed: !!opts.fixed,
    cookieAuth: COOKIE_AUTH_MODES.has(mode),
    pid: child.pid!,
    startupMs: Math.round(performance.now() - t0),
    output,
    close,
  };
}

/**
 * Spawns `/usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port <free port>` in test/servers/fastapi
 * with CORS_MODE=<mode>, and resolves once GET /health answers 200. Several may start in parallel.
 */
export async function startFastApi(mode: string, opts: FastApiOptions): Promise<FastApiHandle> {
  if (!(FASTAPI_MODES as readonly string[]).includes(mode)) {
    throw new Error(`unknown FastAPI mode ${JSON.stringify(mode)}; expected one of ${FASTAPI_MODES.join(', ')}`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await spawnOnce(mode as FastApiMode, opts);
    if (r !== 'port-taken') return r;
  }
  throw new Error(`FastAPI app (CORS_MODE=${mode}): no free port after 3 attempts`);
}

/** Stops every handle, ignoring ones already closed; never throws. */
export async function closeAll(handles: Iterable<{ close(): Promise<void> } | undefined>): Promise<void> {
  await Promise.allSettled([...handles].map((h) => h?.close()));
}

/**
 * Starts several apps (in parallel, `concurrency` at a time; default all at once). If any fails, the ones
 * already started are stopped before the error is rethrown. Results are in the order of `specs`.
 */
export async function startFastApiAll(
  specs: { mode: string; fixed?: boolean; requireSession?: boolean; env?: Record<string, string> }[],
  opts: Omit<FastApiOptions, 'fixed' | 'requireSession'>,
  concurrency = specs.length,
): Promise<FastApiHandle[]> {
  const out: (FastApiHandle | undefined)[] = new Array(specs.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < specs.length) {
      const i = next++;
      const s = specs[i];
      try {
        out[i] = await startFastApi(s.mode, { ...opts, fixed: s.fixed, requireSession: s.requireSession, env: { ...opts.env, ...s.env } });
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, worker));
  if (failed !== undefined) {
    await closeAll(out);
    throw failed;
  }
  return out as FastApiHandle[];
}

// ---------------------------------------------------------------------------------------------------------
// The example service (examples/profiles-api and its fixed twin) run locally

export const EXAMPLES_DIR = join(HERE, '..', '..', 'examples');
const EXAMPLE_RUNNER = join(HERE, 'run_example.py');

/** The example's tables: `profiles` keyed by user_id, `orders` by pk/sk; two users, so one can read the other's item. */
export const EXAMPLE_DATA = {
  profiles: [
    { user_id: 'u1', display_name: 'Alice Example', email: 'alice@corp.example', phone: '+1-202-555-0143', password: 'hunter2-alice' },
    { user_id: 'u2', display_name: 'Bob Example', email: 'bob@corp.example', phone: '+1-202-555-0178', password: 'hunter2-bob' },
  ],
  orders: [{ pk: 'ORDER#o1', sk: 'META', customer_id: 'u1', total: '12.50' }],
};

export interface ExampleHandle {
  url: string;
  dir: string;
  output(): string;
  close(): Promise<void>;
}

/**
 * Seeds the example's tables into `dynamoEndpoint`, then runs `examples/<name>`'s FastAPI app under uvicorn
 * with /usr/bin/python3 (run_example.py stands in for pydantic-settings and Mangum where Debian lacks
 * them) and resolves once GET /health answers.
 */
export async function startExample(name: 'profiles-api' | 'profiles-api-fixed' | { dir: string }, dynamoEndpoint: string, timeoutMs = 20_000): Promise<ExampleHandle> {
  await seedTables(dynamoEndpoint, [
    { name: 'profiles', key: ['user_id'], items: EXAMPLE_DATA.profiles },
    { name: 'orders', key: ['pk', 'sk'], items: EXAMPLE_DATA.orders },
  ]);
  const dir = typeof name === 'string' ? join(EXAMPLES_DIR, name) : name.dir;
  const env = { ...appEnv('example', { dynamoEndpoint }), PROFILES_DYNAMODB_ENDPOINT: dynamoEndpoint, PROFILES_AWS_REGION: 'us-east-1' };
  return startPythonApp(EXAMPLE_RUNNER, dir, env, '/health', (status) => status === 200, timeoutMs);
}

const BLOCK_RUNNER = join(HERE, 'run_block.py');

/**
 * Runs a knowledge-page block (`dir/app.py` defining a FastAPI `app`) under uvicorn with boto3 pointed at
 * `dynamoEndpoint`; resolves once the app answers anything at all.
 */
export async function startBlockApp(dir: string, dynamoEndpoint: string, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ExampleHandle> {
  return startPythonApp(BLOCK_RUNNER, dir, { ...appEnv('block', { dynamoEndpoint }), ...env }, '/', () => true, timeoutMs);
}

const LAMBDA_RUNNER = join(HERE, 'run_lambda.py');

/**
 * Serves a knowledge-page Lambda handler (`dir/app.py`'s `handler`) behind a stand-in for API Gateway's proxy
 * integration: `rest` (payload 1.0) or `http` (payload 2.0, no CORS configuration), on `route`.
 */
export async function startLambdaApp(dir: string, dynamoEndpoint: string, shape: 'rest' | 'http', route: string, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ExampleHandle> {
  return startPythonApp(LAMBDA_RUNNER, dir, { ...appEnv('lambda', { dynamoEndpoint }), ...env }, '/', () => true, timeoutMs, [shape, route]);
}

async function startPythonApp(runner: string, dir: string, env: NodeJS.ProcessEnv, probePath: string, ready: (status: number) => boolean, timeoutMs: number, args: string[] = []): Promise<ExampleHandle> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(SYSTEM_PYTHON, [runner, dir, String(port), ...args], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  track(child);
  const output = captureOutput(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
  const close = () => stopChild(child);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`${dir} exited before ${probePath} answered (${exited}). Output:\n${output()}`);
    try {
      const r = await httpGet(`${url}${probePath}`, 1000);
      if (ready(r.status)) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await close();
      throw new Error(`${dir} did not answer ${url}${probePath} within ${timeoutMs} ms. Output:\n${output()}`);
    }
    await sleep(40);
  }
  return { url, dir, output, close };
}
