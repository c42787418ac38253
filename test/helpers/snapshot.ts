import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Compares with test/snapshots/<name>; UPDATE_SNAPSHOTS=1 rewrites it. Review wording changes in the diff. */
export function matchSnapshot(name: string, actual: string): void {
  const file = resolve(import.meta.dirname, '../snapshots', name);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(file)) {
    if (process.env.CI && !existsSync(file)) assert.fail(`snapshot ${name} is missing; run UPDATE_SNAPSHOTS=1 npm test and commit it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `snapshot ${name} differs; if intended, run UPDATE_SNAPSHOTS=1 npm test`);
}
