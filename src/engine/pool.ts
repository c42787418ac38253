/** Spreads parsing over worker threads (tree-sitter parses about 3 MB/s per core). */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseFiles, type BatchResult, type FileJob } from './parse-files.ts';

const BATCH = 12;
/** A larger young generation: extraction allocates many short-lived objects, and scavenges dominate GC time. */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 32 };
/** Below this much source, starting workers costs more than it saves. */
const IN_PROCESS_BYTES = 3 * 1024 * 1024;

export async function parseAll(jobs: FileJob[], totalBytes: number, requested = 0): Promise<BatchResult> {
  const n = requested > 0 ? requested : totalBytes < IN_PROCESS_BYTES ? 1 : Math.min(availableParallelism(), 8);
  if (n <= 1 || jobs.length < BATCH * 2) return parseFiles(jobs);

  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './parse-worker.ts' : './parse-worker.js', import.meta.url);
  // run from TypeScript sources (tests, npm run bench): the worker registers tsx before loading itself
  const spawn = (): Worker =>
    fromSource
      ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`, { eval: true, resourceLimits: WORKER_LIMITS })
      : new Worker(url, { resourceLimits: WORKER_LIMITS });
  const batches: FileJob[][] = [];
  for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
  const results: BatchResult[] = new Array(batches.length);
  let next = 0;

  // each worker keeps two batches in hand, so it never waits while the main thread reads a reply
  const run = (): Promise<void> =>
    new Promise((resolveRun, rejectRun) => {
      const worker = spawn();
      let inFlight = 0;
      const feed = (): void => {
        if (next < batches.length) {
          const id = next++;
          inFlight++;
          worker.postMessage({ id, jobs: batches[id] });
        } else if (inFlight === 0) {
          void worker.terminate().then(() => resolveRun());
        }
      };
      worker.on('message', (msg: { id: number; json: string }) => {
        results[msg.id] = JSON.parse(msg.json) as BatchResult;
        inFlight--;
        feed();
      });
      worker.on('error', (e) => rejectRun(e));
      feed();
      feed();
    });

  await Promise.all(Array.from({ length: Math.min(n, batches.length) }, run));
  return { models: results.flatMap((r) => r.models), errors: results.flatMap((r) => r.errors) };
}
