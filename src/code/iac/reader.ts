/** What every IaC reader gets and shares: the file's text, where it sits, and how to cite a line. */
import type { Place } from './model.ts';

export interface ReaderInput {
  text: string;
  /** The file as shown to users (relative to the working directory). */
  file: string;
  /** The file's directory relative to the scan root, forward slashes, '' for the root. */
  dir: string;
}

/** Templates and IaC sources longer than this are generated output, not something a person wrote. */
export const MAX_IAC_BYTES = 2 * 1024 * 1024;

/** Cites line `line` (1-based) of the input under a logical path. */
export function placeAt(input: ReaderInput, line: number, path: string, col?: number): Place {
  const lines = lineTable(input.text);
  const text = (lines[line - 1] ?? '').trim();
  return { file: input.file, line, ...(col ? { col } : {}), path, snippet: text.length > 160 ? `${text.slice(0, 157)}…` : text };
}

const byText = new Map<string, string[]>();
function lineTable(text: string): string[] {
  let t = byText.get(text);
  if (!t) {
    if (byText.size > 8) byText.clear();
    byText.set(text, (t = text.split(/\r?\n/)));
  }
  return t;
}

/** Joins a directory and a relative path the way a template means it (`src/` + `../lib` → `lib`), forward slashes. */
export function joinDir(dir: string, rel: string): string {
  const parts = [...(dir ? dir.split('/') : []), ...rel.replace(/\\/g, '/').split('/')];
  const out: string[] = [];
  for (const p of parts) {
    if (!p || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}
