/** Inline suppressions: `# crossread: ignore[rule-id] reason` on the finding's line or the line above. */
import type { Finding } from '../findings/index.ts';
import type { ModuleModel, Suppression } from '../code/python/ir.ts';
import type { Diagnostic } from './types.ts';

/**
 * Suppression comments in a file that is not Python (YAML, Terraform, TypeScript, .env): `#` or `//`
 * comments, found by line; the marker must follow the comment sign.
 */
export function suppressionsInText(text: string): Suppression[] {
  if (!text.includes('crossread:')) return [];
  const out: Suppression[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /(?:^|\s)(?:#|\/\/)\s*crossread:\s*ignore\[([^\]]*)\]\s*(.*)$/.exec(line);
    if (m) out.push({ rules: m[1].split(',').map((r) => r.trim()).filter(Boolean), reason: m[2].trim(), line: i + 1 });
  });
  return out;
}

/** `others`: suppressions of the non-Python files (templates, Terraform, CDK apps, .env files), by file as shown. */
export function applySuppressions(findings: Finding[], modules: ModuleModel[], diagnostics: Diagnostic[], others: Map<string, Suppression[]> = new Map()): { kept: Finding[]; suppressed: Finding[] } {
  const byFile = new Map([...others, ...modules.map((m) => [m.file, m.suppressions] as const)]);
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  const warned = new Set<string>();
  for (const f of findings) {
    const line = f.location.start?.line;
    const sups = (f.location.file && byFile.get(f.location.file)) || [];
    const hit = sups.find((s) => (s.line === line || s.line === (line ?? 0) - 1) && (s.rules.includes(f.ruleId) || s.rules.includes('*')));
    if (!hit) {
      kept.push(f);
      continue;
    }
    if (!hit.reason) {
      const key = `${f.location.file}:${hit.line}`;
      if (!warned.has(key)) {
        warned.add(key);
        diagnostics.push({ level: 'warning', where: key, message: `suppression of ${f.ruleId} has no reason; write one after the bracket: # crossread: ignore[${f.ruleId}] <why>` });
      }
      kept.push(f);
      continue;
    }
    suppressed.push({ ...f, suppressed: { reason: hit.reason } });
  }
  return { kept, suppressed };
}
