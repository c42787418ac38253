/** Which Starlette/FastAPI versions apply to which directory of a scan root. */
import { readFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { describeVersion, mergeFound, parseDependencyFile, starletteRange, type DependencyVersions, type VersionInfo } from '../code/python/deps.ts';
import type { Diagnostic } from './types.ts';
import { toPosix } from './discover.ts';

export interface DependencyIndex {
  /** The Starlette version in force for a Python file (nearest directory with dependency files). */
  starletteFor(absFile: string): VersionInfo | undefined;
  summary: { dir: string; starlette?: string; fastapi?: string; source: string }[];
}

export function indexDependencies(root: string, files: string[], cwd: string, diagnostics: Diagnostic[]): DependencyIndex {
  const byDir = new Map<string, ReturnType<typeof parseDependencyFile>[]>();
  for (const f of files) {
    const display = toPosix(relative(cwd, f)) || f;
    try {
      const found = parseDependencyFile(basename(f), readFileSync(f, 'utf8'), display);
      const list = byDir.get(dirname(f)) ?? [];
      list.push(found);
      byDir.set(dirname(f), list);
    } catch (e) {
      diagnostics.push({ level: 'warning', where: display, message: `cannot read dependency versions: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  const merged = new Map<string, DependencyVersions>();
  for (const [dir, found] of byDir) merged.set(dir, mergeFound(found));
  const summary = [...merged]
    .filter(([, d]) => d.starlette || d.fastapi)
    .map(([dir, d]) => ({
      dir: toPosix(relative(cwd, dir)) || '.',
      starlette: d.starlette ? describeVersion(d.starlette) : undefined,
      fastapi: d.fastapi ? describeVersion(d.fastapi) : undefined,
      source: [d.starlette?.source, d.fastapi?.source].filter(Boolean).join('; '),
    }));
  return {
    starletteFor(absFile) {
      for (let dir = dirname(absFile); ; dir = dirname(dir)) {
        const d = merged.get(dir);
        const range = d && starletteRange(d);
        if (range) return range;
        if (dir === root || dirname(dir) === dir || !dir.startsWith(root)) return undefined;
      }
    },
    summary,
  };
}
