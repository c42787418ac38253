/** Terminal report: attack chains first, then each finding with code frame, what / why / fix, then the grade and a summary by severity. */
import { SEVERITIES, atLeast, type Finding, type Severity } from '../findings/index.ts';
import type { Chain } from '../correlate/index.ts';
import type { ScanResult } from '../engine/types.ts';
import { explainHint, pageFor, type RenderContext } from './context.ts';

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
  const byFp = new Map(result.findings.map((f) => [f.fingerprint, f]));
  const shown = result.chains.filter((c) => atLeast(c.severity, 'medium'));
  const minor = result.chains.filter((c) => !atLeast(c.severity, 'medium'));
  if (result.chains.length) {
    out.push(paint('bold', `Attack chains (${result.chains.length})`) + paint('dim', ' · each is as severe as its weakest step'), '');
    for (const c of shown) out.push(chain(c, byFp, paint, ctx), '');
    if (minor.length) {
      out.push(paint('dim', `  ${shown.length ? 'Also' : 'Chains'} held back by a weak step (low or info):`));
      for (const c of minor) out.push(`  ${paint(c.severity, c.severity.toUpperCase().padEnd(8))} ${c.id} on ${c.route.method} ${c.route.path || c.route.handler}${c.limitedBy ? paint('dim', ` — ${c.limitedBy.why}`) : ''}`);
      out.push('');
    }
  }
  for (const f of result.findings) out.push(finding(f, ctx, paint), '');
  const gateway = routesBehindGateway(result, paint);
  if (gateway.length) out.push(...gateway, '');
  if (result.live) out.push(...liveSummary(result.live, paint), '');
  if (result.baseline?.fixed.length) {
    out.push(paint('bold', `Fixed since ${result.baseline.file} (${result.baseline.fixed.length})`));
    for (const b of result.baseline.fixed) out.push(`  ${paint(b.severity, b.severity.toUpperCase().padEnd(8))} ${b.ruleId}  ${b.location.file ? `${b.location.file}:${b.location.start?.line ?? ''}` : (b.location.url ?? '')}`.trimEnd());
    out.push('');
  }
  for (const d of result.diagnostics) out.push(`${paint(d.level === 'error' ? 'high' : 'medium', d.level)}: ${d.where ? `${d.where}: ` : ''}${d.message}`);
  if (result.diagnostics.length) out.push('');
  out.push(summary(result, paint));
  return `${out.join('\n')}\n`;
}

function finding(f: Finding, ctx: RenderContext, paint: (s: keyof typeof COLORS, t: string) => string): string {
  const where = f.location.file
    ? `${f.location.file}${f.location.start ? `:${f.location.start.line}:${f.location.start.column}` : ''}`
    : `${f.location.method ?? ''} ${f.location.url ?? ''}`.trim();
  const lines = [`${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${paint('bold', f.ruleId)}  ${where}${f.baseline === 'new' ? paint('bold', '  [new]') : ''}`, `  ${f.message}`];
  for (const e of f.evidence) {
    if (e.kind === 'code') {
      const n = String(e.line);
      lines.push(paint('dim', `  ${n.padStart(5)} | `) + e.snippet + (e.note ? paint('dim', `   # ${e.note}`) : ''));
    } else if (e.kind === 'value') {
      lines.push(paint('dim', `        ${e.label}: `) + e.value);
    } else if (e.kind === 'http') {
      // the lines that decide CORS: the request line with Origin/Cookie/preflight headers, the status with CORS headers
      const req = e.request.split('\n');
      const res = e.response.split('\n');
      const blank = res.indexOf('');
      const keep = (l: string): boolean => /^(origin|cookie|access-control-[\w-]+|vary|set-cookie|cache-control|location):/i.test(l);
      lines.push(paint('dim', '        > ') + [req[0], ...req.slice(1).filter(keep)].join(paint('dim', ' · ')));
      const body = blank >= 0 ? res.slice(blank + 1).join(' ').trim() : '';
      lines.push(paint('dim', '        < ') + [res[0], ...res.slice(1, blank >= 0 ? blank : undefined).filter(keep), ...(body ? [body.length > 120 ? `${body.slice(0, 117)}…` : body] : [])].join(paint('dim', ' · ')));
      if (e.curl) lines.push(paint('dim', '        reproduce: ') + e.curl);
    } else {
      lines.push(paint('dim', `        read by ${e.origin}: `) + e.read);
    }
  }
  if (f.proof) lines.push(`  ${paint('bold', 'browser proof:')} ${proofLine(f.proof)}`);
  if (f.confirmedBy?.length) lines.push(`  ${paint('bold', 'confirmed live:')} the running API shows it (evidence below the code); confidence raised to high`);
  const kb = pageFor(ctx.knowledge, f.ruleId, f.stack);
  if (kb) lines.push(`  ${paint('bold', 'why:')} ${kb.why}`);
  lines.push(`  ${paint('bold', 'fix:')} ${f.remediation.summary}`);
  const tags = [...f.cwe.map((c) => `CWE-${c.id}`), ...f.owasp, `confidence ${f.confidence}`];
  if (f.route) tags.push(f.route.path ? `${f.route.method} ${f.route.path}` : `handler ${f.route.handler}`);
  lines.push(paint('dim', `  ${tags.join(' · ')} · ${explainHint(f.ruleId, kb)}`));
  return lines.join('\n');
}

const LAYER: Record<string, string> = { gateway: 'gateway', 'mock-options': 'MOCK OPTIONS', 'function-url': 'function URL', code: 'code', none: 'none' };
const MAX_ROUTES = 30;

/** Code routes joined to the gateway routes in front of them, with who answers CORS and with what. */
function routesBehindGateway(result: ScanResult, paint: (s: keyof typeof COLORS, t: string) => string): string[] {
  const routes = result.routes.filter((r) => r.gateway?.length);
  if (!routes.length) return [];
  type View = NonNullable<(typeof routes)[number]['gateway']>[number]['cors']['preflight'];
  const view = (v: View): string =>
    v.layer === 'none' ? 'no CORS headers' : !v.origins.length && v.where ? v.where : `${LAYER[v.layer] ?? v.layer} ${v.origins.join(' ') || '(no origin)'}${v.credentials === true ? ' +credentials' : ''}`;
  const width = Math.min(40, Math.max(...routes.map((r) => `${r.method} ${r.path || r.handler}`.length)));
  const lines = [paint('bold', 'Routes behind a gateway') + paint('dim', ' (gateway route and authorizer · CORS: preflight → actual response)')];
  for (const r of routes.slice(0, MAX_ROUTES)) {
    r.gateway!.forEach((x, i) => {
      const name = i === 0 ? `${r.method} ${r.path || r.handler}` : '';
      const [pre, act] = [view(x.cors.preflight), view(x.cors.actual)];
      lines.push(`  ${name.padEnd(width)}  ${x.api} ${x.route} (${x.authorizer}) · ${pre === act ? `${pre} (both)` : `${pre} → ${act}`}`);
    });
  }
  if (routes.length > MAX_ROUTES) lines.push(paint('dim', `  … ${routes.length - MAX_ROUTES} more (--format json lists every route)`));
  return lines;
}

function liveSummary(live: NonNullable<ScanResult['live']>, paint: (s: keyof typeof COLORS, t: string) => string): string[] {
  const fp = live.fingerprint;
  const stack = [fp.framework === 'fastapi' ? 'FastAPI' : fp.framework === 'starlette' ? 'Starlette' : undefined, fp.mangum ? 'on Lambda (Mangum)' : undefined, fp.gateway ? `behind ${{ 'rest-api': 'API Gateway REST API', 'http-api': 'API Gateway HTTP API', 'function-url': 'a Lambda function URL', cloudfront: 'CloudFront' }[fp.gateway]}` : undefined].filter(Boolean).join(' ');
  const lines = [paint('bold', 'Live scan') + paint('dim', ` · ${live.endpoints.length} endpoint${live.endpoints.length === 1 ? '' : 's'} probed with ${live.requests} requests${stack ? ` · stack: ${stack}` : ''}`)];
  for (const n of live.notes.slice(0, 10)) lines.push(paint('dim', `  ${n}`));
  return lines;
}

function proofLine(p: NonNullable<Finding['proof']>): string {
  const head = p.readable ? `READ — a page at ${p.origin} read ${p.bytes} characters of ${p.url} (HTTP ${p.status}${(p.status ?? 0) >= 400 ? ': an error response, not the data' : ''}) in ${p.browser}` : `not readable — a page at ${p.origin} could not read ${p.url} in ${p.browser}: ${p.error ?? 'no body'}`;
  const cookies = p.cookies.length ? `; victim cookies: ${p.cookies.join(', ')}` : '';
  return `${head}${cookies}${p.note && p.readable ? `\n        ${p.note}` : ''}${p.readable && p.excerpt ? `\n        read: ${p.excerpt.replace(/\s+/g, ' ').slice(0, 160)}` : ''}${p.poc ? `\n        attacker page: ${p.poc}` : ''}`;
}

function chain(c: Chain, byFp: Map<string, Finding>, paint: (s: keyof typeof COLORS, t: string) => string, ctx: RenderContext): string {
  const lines = [`${paint(c.severity, c.severity.toUpperCase().padEnd(8))} ${paint('bold', c.id)}  ${c.route.method} ${c.route.path || c.route.handler}${c.url ? paint('dim', ` (${c.url})`) : ''}${c.baseline === 'new' ? paint('bold', '  [new]') : ''}`, `  ${c.title}: ${c.story}.`];
  c.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${paint(s.severity, `[${s.severity}]`)} ${s.title}: ${s.why}`);
    for (const fp of s.findings.slice(0, 2)) {
      const f = byFp.get(fp);
      const code = f?.evidence.find((e) => e.kind === 'code');
      if (code && code.kind === 'code') lines.push(paint('dim', `       ${code.file}:${code.line} | `) + code.snippet.trim());
      const http = f?.evidence.find((e) => e.kind === 'http');
      if (http && http.kind === 'http' && http.curl) lines.push(paint('dim', '       live: ') + http.curl);
    }
  });
  if (c.limitedBy) lines.push(`  ${paint('bold', 'severity:')} ${c.severity}, set by step "${c.limitedBy.step}" — ${c.limitedBy.why}`);
  if (c.proof) lines.push(`  ${paint('bold', 'browser proof:')} ${proofLine(c.proof)}`);
  lines.push(paint('dim', `  ${c.cwe.map((x) => `CWE-${x}`).join(' · ')} · ${c.owasp.join(' · ')} · ${explainHint(c.id, pageFor(ctx.knowledge, c.id, c.stack))}`));
  return lines.join('\n');
}

function summary(result: ScanResult, paint: (s: keyof typeof COLORS, t: string) => string): string {
  const counts = SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const);
  const total = result.findings.length;
  const parts = counts.map(([s, n]) => (n ? paint(s, `${n} ${s}`) : `${n} ${s}`));
  const secs = (result.stats.durationMs / 1000).toFixed(2);
  const sup = result.suppressed.length ? `, ${result.suppressed.length} suppressed` : '';
  const head = total === 0 ? 'No findings' : `${total} finding${total === 1 ? '' : 's'}`;
  const iac = result.iac?.length ? `, ${result.iac.length} IaC file${result.iac.length === 1 ? '' : 's'}` : '';
  const chains = result.chains.length ? ` · ${result.chains.length} attack chain${result.chains.length === 1 ? '' : 's'}${result.chains.some((c) => c.proof?.readable) ? ` (${result.chains.filter((c) => c.proof?.readable).length} proved in a browser)` : ''}` : '';
  const base = result.baseline ? ` · against ${result.baseline.file}: ${result.baseline.new} new, ${result.baseline.unchanged} unchanged, ${result.baseline.fixed.length} fixed` : '';
  return `${paint('bold', 'Grade:')} ${result.grade.summary}\n${head}: ${parts.join(', ')}${sup}${chains}${base} · ${result.stats.pythonFiles} Python files${iac} in ${secs} s`;
}
