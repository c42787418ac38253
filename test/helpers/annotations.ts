/** Reads `# ruleid: <id>` / `# ok: <id>` annotations (Semgrep's convention) from fixture files. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Python files, `.env*` files and YAML templates: every file a fixture can annotate with `# ruleid:` / `# ok:`. */
export function annotatedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return annotatedFiles(p);
    return /\.py$|^\.env|\.env$|\.ya?ml$/.test(name) ? [p] : [];
  });
}

export function annotations(file: string): Annotation[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Annotation[] = [];
  lines.forEach((text, i) => {
    const m = /#\s*(ruleid|ok):\s*([\w-]+(?:\s*,\s*[\w-]+)*)/.exec(text);
    if (!m) return;
    let line = i + 1;
    if (/^\s*#/.test(text)) {
      // a comment alone applies to the next code line
      let j = i + 1;
      while (j < lines.length && (/^\s*#/.test(lines[j]) || !lines[j].trim())) j++;
      line = j + 1;
    }
    for (const rule of m[2].split(',').map((r) => r.trim())) out.push({ file, line, kind: m[1] as Annotation['kind'], rule });
  });
  return out;
}
