/**
 * Live probe throughput on this machine (loopback only):
 *  1. 1,000 endpoints of a fast local Node server, rate limits off: requests/s (target ≥ 5,000), total
 *     requests, requests per endpoint, peak RSS. The first scan of the process (cold: the JIT still
 *     compiling) is printed too; the figure judged is the median of five scans after it.
 *  2. A 100-route FastAPI app (Debian's FastAPI under uvicorn) discovered through /openapi.json with the
 *     default settings: wall time (target < 10 s) and request count.
 * Usage: npm run bench:live   (builds dist/ first, then scans with the compiled engine, as users run it)
 */
import { Agent } from 'undici';
import { spawn } from 'node:child_process';
import { pythonStackSkipReason, startDynalite, startFastApi } from '../test/servers/harness.ts';

const distEngine = new URL('../dist/src/engine/scan.js', import.meta.url).href;
const { scan } = (await import(distEngine)) as typeof import('../src/engine/scan.ts');

let peak = process.memoryUsage().rss;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);

// 1. raw probe throughput, against a server in its own process (in this one it would compete with the client)
const server = await startServerProcess();
const targets = Array.from({ length: 1000 }, (_, i) => `${server.url}/e/${i}`).join('\n');
const dispatcher = new Agent({ connections: 32, pipelining: 1, keepAliveTimeout: 10_000 });
const live = { rate: 0, concurrency: 32, maxRequests: 100_000, maxEndpoints: 1000, dispatcher };
const once = async (): Promise<{ secs: number; requests: number; endpoints: number; diagnostics: number }> => {
  const t0 = performance.now();
  const r = await scan({ paths: [], live: { ...live, list: { text: targets, file: 'bench-targets.txt' } } });
  return { secs: (performance.now() - t0) / 1000, requests: r.live!.requests, endpoints: r.live!.endpoints.length, diagnostics: r.diagnostics.length };
};
const cold = await once();
const warm: Awaited<ReturnType<typeof once>>[] = [];
for (let i = 0; i < 5; i++) warm.push(await once());
warm.sort((a, b) => a.secs - b.secs);
const mid = warm[2];
await dispatcher.close();
await server.close();
const rate = (x: { secs: number; requests: number }): number => Math.round(x.requests / x.secs);
console.log(`probe: ${mid.endpoints} endpoints, ${mid.requests} requests in ${mid.secs.toFixed(2)} s → ${rate(mid)} requests/s (median of 5; range ${rate(warm[4])}–${rate(warm[0])}), ${(mid.requests / mid.endpoints).toFixed(1)} requests per endpoint (target ≥ 5,000 requests/s: ${rate(mid) >= 5000 ? 'MET' : 'MISSED'})`);
console.log(`probe, first scan of the process (cold JIT): ${cold.requests} requests in ${cold.secs.toFixed(2)} s → ${rate(cold)} requests/s`);
console.log(`peak RSS: ${Math.round(peak / 1048576)} MB; diagnostics: ${mid.diagnostics}`);

// 2. a 100-route FastAPI app, default settings
const skip = pythonStackSkipReason();
if (skip) {
  console.log(`fastapi: skipped (${skip})`);
} else {
  const dynamo = await startDynalite();
  const app = await startFastApi('allowlist', { dynamoEndpoint: dynamo.endpoint, env: { EXTRA_ROUTES: '100' } });
  try {
    const t1 = performance.now();
    const f = await scan({ paths: [app.url], live: { origins: ['https://app.example.com'] } });
    const s1 = (performance.now() - t1) / 1000;
    console.log(`fastapi: ${f.live!.endpoints.length} endpoints discovered through /openapi.json, ${f.live!.requests} requests in ${s1.toFixed(2)} s with default settings (target < 10 s: ${s1 < 10 ? 'MET' : 'MISSED'})`);
  } finally {
    await app.close();
    await dynamo.close();
  }
}
clearInterval(sample);

/** The fast Node server (1,000 endpoints) in a child process; resolves with its URL. */
function startServerProcess(): Promise<{ url: string; close(): Promise<void> }> {
  const code = `import('./test/servers/cors-node-server.ts').then(async (m) => { const s = await m.startCorsServer({ fast: true, endpoints: 1000 }); console.log(s.url); process.on('SIGTERM', () => s.close().then(() => process.exit(0))); })`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (d: Buffer) =>
      resolve({
        url: d.toString().trim(),
        close: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
      }),
    );
  });
}
