/** Worker thread: models the batches of files it is sent, in order, replying with the batch id. */
import { parentPort } from 'node:worker_threads';
import { parseFiles, type FileJob } from './parse-files.ts';

let queue = Promise.resolve();
parentPort!.on('message', (msg: { id: number; jobs: FileJob[] }) => {
  // JSON crosses threads faster than a structured clone of many small objects, and parses faster on the main thread
  queue = queue.then(async () => parentPort!.postMessage({ id: msg.id, json: JSON.stringify(await parseFiles(msg.jobs)) }));
});
