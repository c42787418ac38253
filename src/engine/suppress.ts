/** Inline suppressions: `# crossread: ignore[rule-id] reason` on the finding's line or the line above. */
import type { Finding } from '../findings/index.ts';
import type { ModuleModel } from '../code/python/ir.ts';
import type { Diagnostic } from './types.ts';

export function applySuppressions(findings: Finding[], modules: ModuleModel[], diagnostics: Diagnostic[]): { kept: Finding[]; suppressed: Finding[] } {
  const byFile = new Map(modules.map((m) => [m.file, m.suppressions]));
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
