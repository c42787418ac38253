import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** Found from src/engine or dist/src/engine. */
function packageVersion(): string {
  for (const p of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string };
      if (pkg.name === 'crossread' && pkg.version) return pkg.version;
    } catch {
      /* try the next location */
    }
  }
  return '0.0.0';
}
export const VERSION = packageVersion();
