/**
 * Reads `# ruleid: <id>` / `# ok: <id>` annotations (Semgrep's convention) from fixture files; `//` comments
 * serve the same in Terraform and TypeScript. JSON has no comments: a `<file>.json.annotations` sidecar holds
 * lines `<line> ruleid: <id>` / `<line> ok: <id>` for it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Annotation {
  file: string; // absolute
  line: number; // the code line it applies to
  kind: 'ruleid' | 'ok';
  rule: string;
}

export function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return pythonFiles(p);
    return p.endsWith('.py') ? [p] : [];
  });
}

/** Python, `.env*`, YAML, Terraform, TypeScript and JSON (through its sidecar): every file a fixture can annotate. */
export function annotatedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : annotatedFiles(p);
    if (name.endsWith('.json')) return existsSync(`${p}.annotations`) ? [p] : [];
    return /\.py$|^\.env|\.env$|\.ya?ml$|\.tf$|\.ts$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

const MARK = /(?:#|\/\/)\s*(ruleid|ok):\s*([\w-]+(?:\s*,\s*[\w-]+)*)/;
const COMMENT_LINE = /^\s*(?:#|\/\/)/;

export function annotations(file: string): Annotation[] {
  if (file.endsWith('.json')) return sidecar(file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Annotation[] = [];
  lines.forEach((text, i) => {
    const m = MARK.exec(text);
    if (!m) return;
    let line = i + 1;
    if (COMMENT_LINE.test(text)) {
      // a comment alone applies to the next code line
      let j = i + 1;
      while (j < lines.length && (COMMENT_LINE.test(lines[j]) || !lines[j].trim())) j++;
      line = j + 1;
    }
    for (const rule of m[2].split(',').map((r) => r.trim())) out.push({ file, line, kind: m[1] as Annotation['kind'], rule });
  });
  return out;
}

function sidecar(file: string): Annotation[] {
  const out: Annotation[] = [];
  for (const text of readFileSync(`${file}.annotations`, 'utf8').split('\n')) {
    const m = /^\s*(\d+)\s+(ruleid|ok):\s*([\w-]+(?:\s*,\s*[\w-]+)*)/.exec(text);
    if (!m) continue;
    for (const rule of m[3].split(',').map((r) => r.trim())) out.push({ file, line: Number(m[1]), kind: m[2] as Annotation['kind'], rule });
  }
  return out;
}
