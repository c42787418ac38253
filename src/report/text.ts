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
  const gateway = routesBehindGateway(result, paint);
  if (gateway.length) out.push(...gateway, '');
  if (result.live) out.push(...liveSummary(result.live, paint), '');
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
  const kb = ctx.knowledge[f.ruleId];
  if (kb) lines.push(`  ${paint('bold', 'why:')} ${kb.why}`);
  lines.push(`  ${paint('bold', 'fix:')} ${f.remediation.summary}`);
  const tags = [...f.cwe.map((c) => `CWE-${c.id}`), ...f.owasp, `confidence ${f.confidence}`];
  if (f.route) tags.push(f.route.path ? `${f.route.method} ${f.route.path}` : `handler ${f.route.handler}`);
  lines.push(paint('dim', `  ${tags.join(' · ')} · crossread explain ${f.ruleId}`));
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

function summary(result: ScanResult, paint: (s: keyof typeof COLORS, t: string) => string): string {
  const counts = SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length] as const);
  const total = result.findings.length;
  const parts = counts.map(([s, n]) => (n ? paint(s, `${n} ${s}`) : `${n} ${s}`));
  const secs = (result.stats.durationMs / 1000).toFixed(2);
  const sup = result.suppressed.length ? `, ${result.suppressed.length} suppressed` : '';
  const head = total === 0 ? 'No findings' : `${total} finding${total === 1 ? '' : 's'}`;
  const iac = result.iac?.length ? `, ${result.iac.length} IaC file${result.iac.length === 1 ? '' : 's'}` : '';
  return `${head}: ${parts.join(', ')}${sup} · ${result.stats.pythonFiles} Python files${iac} in ${secs} s`;
}
