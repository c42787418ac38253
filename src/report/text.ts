/** Terminal report: code frame, what / why / fix per finding, then a summary by severity. */
import { SEVERITIES, type Finding, type Severity } from '../findings/index.ts';
import type { ScanResult } from '../engine/types.ts';
import type { RenderContext } from './context.ts';

const COLORS: Record<Severity | 'dim' | 'bold', [number, number]> = {
  critical: [35, 39], // magenta
  high: [31, 39], // red
  medium: [33, 39], // yellow
  low: [36, 39], // cyan
  info: [90, 39], // grey
  dim: [2, 22],
  bold: [1, 22],
};

export function renderText(result: ScanResult, ctx: RenderContext): string {
  const paint = (style: keyof typeof COLORS, s: string): string => (ctx.color ? `\u001b[${COLORS[style][0]}m${s}\u001b[${COLORS[style][1]}m` : s);
  const out: string[] = [];
  for (const f of result.findings) out.push(finding(f, ctx, paint), '');
  for (const d of result.diagnostics) out.push(`${paint(d.level === 'error' ? 'high' : 'medium', d.level)}: ${d.where ? `${d.where}: ` : ''}${d.message}`);
  if (result.diagnostics.length) out.push('');
  out.push(summary(result, paint));
  return `${out.join('\n')}\n`;
}

function finding(f: Finding, ctx: RenderContext, paint: (s: keyof typeof COLORS, t: string) => string): string {
  const where = f.location.file
    ? `${f.location.file}${f.location.start ? `:${f.location.start.line}:${f.location.start.column}` : ''}`
    : `${f.location.method ?? ''} ${f.location.url ?? ''}`.trim();
  const lines = [`${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${paint('bold', f.ruleId)}  ${where}`, `  ${f.message}`];
  for (const e of f.evidence) {
    if (e.kind === 'code') {
      const n = String(e.line);
      lines.push(paint('dim', `  ${n.padStart(5)} | `) + e.snippet + (e.note ? paint('dim', `   # ${e.note}`) : ''));
    } else if (e.kind === 'value') {
      lines.push(paint('dim', `        ${e.label}: `) + e.value);
    } else if (e.kind === 'http') {
      lines.push(paint('dim', '        request: ') + e.request, paint('dim', '        response: ') + e.response);
      if (e.curl) lines.push(paint('dim', '        reproduce: ') + e.curl);
    } else {
      lines.push(paint('dim', `        read by ${e.origin}: `) + e.read);
    }
  }
  const kb = ctx.knowledge[f.ruleId];
  if (kb) lines.push(`  ${paint('bold', 'why:')} ${kb.why}`);
  lines.push(`  ${paint('bold', 'fix:')} ${f.remediation.summary}`);
  const tags = [...f.cwe.map((c) => `CWE-${c.id}`), ...f.owasp, `confidence ${f.confidence}`];
  if (f.route) tags.push(f.route.path ? `${f.route.method} ${f.route.path}` : `handler ${f.route.handler}`);
  lines.push(paint('dim', `  ${tags.join(' · ')} · crossread explain ${f.ruleId}`));
  return lines.join('\n');
}

function summary(result: ScanResult, paint: (s: keyof typeof COLORS, t: string) => string): string {
  const counts = SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const);
  const total = result.findings.length;
  const parts = counts.map(([s, n]) => (n ? paint(s, `${n} ${s}`) : `${n} ${s}`));
  const secs = (result.stats.durationMs / 1000).toFixed(2);
  const sup = result.suppressed.length ? `, ${result.suppressed.length} suppressed` : '';
  const head = total === 0 ? 'No findings' : `${total} finding${total === 1 ? '' : 's'}`;
  return `${head}: ${parts.join(', ')}${sup} · ${result.stats.pythonFiles} Python files in ${secs} s`;
}
