/**
 * Markdown summary sized for a pull-request comment or a CI job summary: the grade, the chains and the
 * findings worth reading (only new ones when a baseline is given), what was fixed, and how to read more.
 * Stays well under GitHub's 65,536-character comment limit by listing at most MAX_ROWS of each.
 */
import { atLeast, provedRead, severityCounts, type Finding } from '../findings/index.ts';
import type { ScanResult } from '../engine/types.ts';
import type { RenderContext } from './context.ts';

const MAX_ROWS = 25;
const ICON: Record<string, string> = { critical: '🟣', high: '🔴', medium: '🟠', low: '🔵', info: '⚪' };

const cell = (s: string, max = 160): string => {
  const t = s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};
const where = (f: Finding): string => (f.location.file ? `\`${f.location.file}:${f.location.start?.line ?? ''}\`` : f.location.url ? `\`${f.location.method ?? 'GET'} ${f.location.url}\`` : '');

export function renderMarkdown(result: ScanResult, ctx: RenderContext): string {
  const base = result.baseline;
  const chains = result.chains.filter((c) => !base || c.baseline === 'new');
  const findings = result.findings.filter((f) => (!base || f.baseline === 'new') && f.severity !== 'info');
  const g = result.grade;
  const out: string[] = [`## crossread: grade ${g.grade} (${g.score}/100)`, ''];
  const counts = severityCounts(result.findings).map(([s, n]) => `${n} ${s}`).join(' · ');
  out.push(`Points lost: ${g.explanation} ${result.findings.length} findings (${counts}), ${result.chains.length} attack chains${base ? `; against \`${base.file}\`: **${base.new} new**, ${base.unchanged} unchanged, ${base.fixed.length} fixed` : ''}.`, '');
  if (chains.length) {
    out.push(`### ${base ? 'New attack chains' : 'Attack chains'}`, '', '| | chain | route | proved in a browser | severity set by |', '|---|---|---|---|---|');
    for (const c of chains.slice(0, MAX_ROWS)) {
      const proved = c.proof ? (provedRead(c.proof) ? `yes: read ${c.proof.bytes} characters (HTTP ${c.proof.status})` : 'no') : '—';
      out.push(`| ${ICON[c.severity]} ${c.severity} | \`${c.id}\` | \`${c.route.method} ${c.route.path || c.route.handler}\` | ${proved} | ${c.limitedBy ? cell(c.limitedBy.why, 140) : 'every step at full strength'} |`);
    }
    if (chains.length > MAX_ROWS) out.push('', `… and ${chains.length - MAX_ROWS} more.`);
    out.push('');
  }
  const worth = findings.filter((f) => atLeast(f.severity, 'low'));
  if (worth.length) {
    out.push(`### ${base ? 'New findings' : 'Findings'}`, '', '| | rule | where | fix |', '|---|---|---|---|');
    for (const f of worth.slice(0, MAX_ROWS)) out.push(`| ${ICON[f.severity]} ${f.severity} | \`${f.ruleId}\`${f.proof?.readable ? ' (proved)' : ''}${f.confirmedBy?.length ? ' (confirmed live)' : ''} | ${where(f)} | ${cell(f.remediation.summary)} |`);
    if (worth.length > MAX_ROWS) out.push('', `… and ${worth.length - MAX_ROWS} more (see the full report).`);
    out.push('');
  } else if (base) {
    out.push('No new findings above info.', '');
  }
  if (base?.fixed.length) {
    out.push(`### Fixed since the baseline (${base.fixed.length})`, '');
    for (const b of base.fixed.slice(0, MAX_ROWS)) out.push(`- ~~\`${b.ruleId}\`~~ ${b.location.file ? `\`${b.location.file}\`` : (b.location.url ?? '')}`);
    out.push('');
  }
  void ctx;
  out.push(`<sub>Explain any rule or chain with \`crossread explain <id>\`; the grade method is in docs/grading.md.</sub>`, '');
  return out.join('\n');
}
