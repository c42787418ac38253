/** Reads and models a batch of Python files; runs in a worker thread or in-process. */
import { readFileSync } from 'node:fs';
import { extractModule } from '../code/python/extract.ts';
import type { ModuleModel } from '../code/python/ir.ts';
import { withTree } from '../code/python/parser.ts';

export interface FileJob {
  abs: string;
  /** Path shown to users (relative to the working directory). */
  display: string;
  /** Path relative to the scan root, for module names. */
  rel: string;
  /** Size in bytes, measured once at discovery (-1 when it could not be read). */
  size: number;
}

export interface BatchResult {
  models: ModuleModel[];
  errors: { file: string; message: string }[];
}

/** Files larger than this are generated or vendored code, not service source. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

export async function parseFiles(jobs: FileJob[]): Promise<BatchResult> {
  const out: BatchResult = { models: [], errors: [] };
  for (const job of jobs) {
    try {
      if (job.size > MAX_FILE_BYTES) {
        out.errors.push({ file: job.display, message: `skipped: ${(job.size / 1048576).toFixed(1)} MB is over the ${MAX_FILE_BYTES / 1048576} MB limit for one file` });
        continue;
      }
      const buf = readFileSync(job.abs);
      const source = new TextDecoder('utf-8', { fatal: true }).decode(buf);
      out.models.push(await withTree(source, (tree) => extractModule(tree, source, job.display, job.rel)));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const message =
        err instanceof TypeError && /encoded data|decode/i.test(err.message)
          ? 'not valid UTF-8; skipped'
          : err.code
            ? `cannot read: ${err.code}`
            : `cannot analyse: ${err.message}`;
      out.errors.push({ file: job.display, message });
    }
  }
  return out;
}
