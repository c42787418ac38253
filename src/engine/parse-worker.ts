/** Worker thread: models the batches of files it is sent. */
import { parentPort } from 'node:worker_threads';
import { parseFiles, type FileJob } from './parse-files.ts';

parentPort!.on('message', async (jobs: FileJob[]) => {
  parentPort!.postMessage(await parseFiles(jobs));
});
