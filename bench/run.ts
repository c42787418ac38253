/**
 * End-to-end static scan throughput on a generated corpus of realistic FastAPI/boto3 modules.
 * Target on a 2-core machine: about 25 MB in at most 8 s wall and at most 500 MB peak RSS.
 * Usage: npm run bench [-- NFILES]   (builds dist/ first, then scans with the compiled engine)
 */
import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { generateCorpus } from './gen-corpus.ts';

// measure what users run: the compiled CLI engine (npm run bench builds it first)
const distEngine = new URL('../dist/src/engine/scan.js', import.meta.url).href;
const { scan } = (await import(distEngine)) as typeof import('../src/engine/scan.ts');

const nFiles = Number(process.argv[2] ?? 2000);
const dir = resolve(import.meta.dirname, '../.bench/corpus');
if (existsSync(dir)) rmSync(dir, { recursive: true });
const t0 = performance.now();
const { files, bytes } = generateCorpus(dir, nFiles);
console.log(`corpus: ${files} files, ${(bytes / 1e6).toFixed(2)} MB in ${((performance.now() - t0) / 1000).toFixed(2)} s (${dir})`);

let peak = process.memoryUsage().rss;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const start = performance.now();
const result = await scan({ paths: [dir] });
const secs = (performance.now() - start) / 1000;
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage().rss);

const bySev = new Map<string, number>();
for (const f of result.findings) bySev.set(f.severity, (bySev.get(f.severity) ?? 0) + 1);
console.log(`scan: ${result.stats.pythonFiles} files, ${(result.stats.bytes / 1e6).toFixed(2)} MB in ${secs.toFixed(2)} s wall → ${(result.stats.bytes / 1e6 / secs).toFixed(2)} MB/s on ${availableParallelism()} cores`);
console.log(`peak RSS (main thread sampled every 20 ms, includes workers' wasm heaps): ${(peak / 1048576).toFixed(0)} MB`);
console.log(`findings: ${result.findings.length} (${[...bySev].map(([s, n]) => `${n} ${s}`).join(', ')}); diagnostics: ${result.diagnostics.length}`);
console.log(`targets: ≤ 8 s wall ${secs <= 8 ? 'MET' : 'MISSED'}; ≤ 500 MB RSS ${peak / 1048576 <= 500 ? 'MET' : 'MISSED'}`);
