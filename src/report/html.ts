/**
 * HTML report: one self-contained file (inline CSS and script, no network at view time) with the grade,
 * attack chains first with their step-by-step story, a route × exposure matrix, findings grouped by
 * severity and filterable by severity and rule, code excerpts, HTTP evidence, browser proof and the fix.
 * Every value from the scan is escaped: response bodies and code are attacker-influenced text.
 */
import { SEVERITIES, provedRead, severityCounts, type Evidence, type Finding, type Severity } from '../findings/index.ts';
import type { ScanResult } from '../engine/types.ts';
import type { Chain } from '../correlate/index.ts';
import { explainHint, pageFor, type KnowledgeEntry, type RenderContext } from './context.ts';

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `
:root{--critical:#7b1fa2;--high:#c62828;--medium:#ef6c00;--low:#1565c0;--info:#607d8b;--fg:#1d2330;--muted:#5f6b7a;--line:#dde3ea;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:var(--fg);margin:0;background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid var(--line);padding-bottom:6px}
h3{font-size:15px;margin:0}.muted{color:var(--muted)}code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 10px;overflow:auto;white-space:pre-wrap;word-break:break-word;margin:6px 0}
.grade{display:flex;gap:20px;align-items:center;margin:16px 0}.grade .letter{flex:none;font-size:44px;width:72px;height:72px;border-radius:12px;display:flex;align-items:center;justify-content:center;color:#fff;background:var(--g)}
.sev{display:inline-block;min-width:70px;text-align:center;border-radius:4px;color:#fff;font-size:12px;font-weight:600;padding:1px 6px;text-transform:uppercase}
.sev.critical{background:var(--critical)}.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}.sev.low{background:var(--low)}.sev.info{background:var(--info)}
.card{border:1px solid var(--line);border-left:4px solid var(--c);border-radius:6px;padding:12px 14px;margin:10px 0;break-inside:avoid}
.card.critical{--c:var(--critical)}.card.high{--c:var(--high)}.card.medium{--c:var(--medium)}.card.low{--c:var(--low)}.card.info{--c:var(--info)}
.steps{margin:8px 0 0 0;padding-left:20px}.steps li{margin:6px 0}.proof{background:#eef7ee;border:1px solid #b7dbb7;border-radius:6px;padding:6px 10px;margin:8px 0}.proof.no{background:#fbeeee;border-color:#e3b5b5}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid var(--line);padding:5px 7px;text-align:left;vertical-align:top}th{background:var(--bg)}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 12px;position:sticky;top:0;z-index:1}
.hidden{display:none}.tag{font-size:12px;color:var(--muted)}.fix{margin-top:6px}.why{color:var(--muted);margin-top:4px}
@media print{.filters{display:none}main{max-width:none;padding:0}.card{page-break-inside:avoid}a{color:inherit}}
`;

const SCRIPT = `
(function(){
  var boxes=[].slice.call(document.querySelectorAll('.filters input[type=checkbox]'));
  var rule=document.getElementById('rule-filter');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked});
    var r=rule.value;var shown=0;
    [].slice.call(document.querySelectorAll('.finding')).forEach(function(el){
      var ok=on[el.getAttribute('data-severity')]&&(!r||el.getAttribute('data-rule')===r);
      el.classList.toggle('hidden',!ok);if(ok)shown++;
    });
    document.getElementById('shown').textContent=String(shown);
  }
  boxes.forEach(function(b){b.addEventListener('change',apply)});rule.addEventListener('change',apply);apply();
})();
`;

const GRADE_COLOUR: Record<string, string> = { A: '#2e7d32', B: '#558b2f', C: '#f9a825', D: '#ef6c00', F: '#c62828' };

function sev(s: Severity): string {
  return `<span class="sev ${s}">${s}</span>`;
}

function evidence(e: Evidence): string {
  if (e.kind === 'code') return `<pre><span class="muted">${esc(e.file)}:${e.line}</span>  ${esc(e.snippet)}${e.note ? `   <span class="muted"># ${esc(e.note)}</span>` : ''}</pre>`;
  if (e.kind === 'value') return `<div class="tag">${esc(e.label)}: <code>${esc(e.value)}</code></div>`;
  if (e.kind === 'http') return `<details><summary>HTTP exchange${e.curl ? ' · reproduce with curl' : ''}</summary><pre>${esc(e.request)}</pre><pre>${esc(e.response)}</pre>${e.curl ? `<pre>${esc(e.curl)}</pre>` : ''}</details>`;
  return `<div class="tag">read by ${esc(e.origin)}: ${esc(e.read)}</div>`;
}

function proof(p: NonNullable<Finding['proof']>): string {
  const ok = provedRead(p);
  return `<div class="proof${ok ? '' : ' no'}"><b>Browser proof:</b> ${p.readable ? `a page at <code>${esc(p.origin)}</code> read ${p.bytes} characters of <code>${esc(p.url)}</code> (HTTP ${p.status}${ok ? '' : ', an error response'})` : `a page at <code>${esc(p.origin)}</code> could not read <code>${esc(p.url)}</code>: ${esc(p.error ?? 'no body')}`} in ${esc(p.browser)}${p.cookies.length ? `; victim cookies: ${esc(p.cookies.join(', '))}` : ''}${p.note ? `<br>${esc(p.note)}` : ''}${p.readable && p.excerpt ? `<pre>${esc(p.excerpt)}</pre>` : ''}${p.poc ? `<div class="tag">attacker page: ${esc(p.poc)}</div>` : ''}</div>`;
}

function chainCard(c: Chain, byFp: Map<string, Finding>, ctx: RenderContext): string {
  const kb = pageFor(ctx.knowledge, c.id, c.stack);
  const steps = c.steps
    .map((s) => {
      const ev = s.findings
        .map((fp) => byFp.get(fp))
        .filter((f): f is Finding => !!f)
        .slice(0, 2)
        .map((f) => [f.evidence.find((e) => e.kind === 'code'), f.evidence.find((e) => e.kind === 'http')].filter((e) => e !== undefined).map((e) => evidence(e as Evidence)).join(''))
        .join('');
      return `<li>${sev(s.severity)} <b>${esc(s.title)}</b> — ${esc(s.why)}${ev}</li>`;
    })
    .join('');
  return `<section class="card chain ${c.severity}" data-chain="${esc(c.id)}"><h3>${sev(c.severity)} ${esc(c.title)} <span class="muted">· ${esc(c.id)} · <code>${esc(`${c.route.method} ${c.route.path || c.route.handler}`)}</code>${c.url ? ` · <code>${esc(c.url)}</code>` : ''}</span></h3>
<p>${esc(c.story)}.</p><ol class="steps">${steps}</ol>
${c.limitedBy ? `<p><b>Severity ${esc(c.severity)}</b>, set by the step “${esc(c.limitedBy.step)}”: ${esc(c.limitedBy.why)}</p>` : '<p><b>Every step holds at full strength.</b></p>'}
${c.proof ? proof(c.proof) : ''}${fixCode(kb)}<div class="tag">${esc([...c.cwe.map((x) => `CWE-${x}`), ...c.owasp].join(' · '))} · <code>${esc(explainHint(c.id, kb))}</code></div></section>`;
}

function findingCard(f: Finding, ctx: RenderContext): string {
  const where = f.location.file ? `${f.location.file}${f.location.start ? `:${f.location.start.line}` : ''}` : `${f.location.method ?? ''} ${f.location.url ?? ''}`.trim();
  const kb = pageFor(ctx.knowledge, f.ruleId, f.stack);
  return `<article class="card finding ${f.severity}" data-severity="${f.severity}" data-rule="${esc(f.ruleId)}"><h3>${sev(f.severity)} ${esc(f.ruleId)} <span class="muted">· ${esc(where)}${f.baseline === 'new' ? ' · new' : ''}${f.confirmedBy?.length ? ' · confirmed live' : ''}</span></h3>
<p>${esc(f.message)}</p>${f.evidence.map(evidence).join('')}${f.proof ? proof(f.proof) : ''}
${kb ? `<div class="why">${inlineMarkdown(kb.why)}</div>` : ''}<div class="fix"><b>Fix:</b> ${esc(f.remediation.summary)}</div>${fixCode(kb)}
<div class="tag">${esc([...f.cwe.map((c) => `CWE-${c.id} ${c.name}`), ...f.owasp, `confidence ${f.confidence}`].join(' · '))} · <code>${esc(explainHint(f.ruleId, kb))}</code></div></article>`;
}

/** Knowledge-page prose (code spans, emphasis, links) as HTML: escaped first, so only those constructs become markup. */
function inlineMarkdown(text: string): string {
  return esc(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*/g, '$1<i>$2</i>')
    .replace(/\[([^\]]+)\]\((https:\/\/[^)\s]+)\)/g, (_m, t: string, u: string) => `${t} (${u})`);
}

const STACK_LABEL: Record<string, string> = { 'fastapi-dynamodb': 'FastAPI × DynamoDB', 'lambda-dynamodb': 'Lambda × DynamoDB' };

/** The knowledge page's fixed code, folded: the approaches for the finding's stack. */
function fixCode(kb: KnowledgeEntry | undefined): string {
  const fixes = kb?.fixes ?? [];
  if (!fixes.length) return '';
  const label = kb?.stack && STACK_LABEL[kb.stack] ? ` for ${STACK_LABEL[kb.stack]}` : '';
  return `<details class="fixcode"><summary>Fixed code${esc(label)} (${fixes.length} ${fixes.length === 1 ? 'example' : 'examples'})</summary>${fixes
    .slice(0, 3)
    .map((x) => `${x.approach ? `<div class="muted">${esc(x.approach.replace(/`/g, ''))}</div>` : ''}<pre>${esc(x.code)}</pre>`)
    .join('')}</details>`;
}

function routeMatrix(result: ScanResult): string {
  const routes = result.routeIndex.filter((r) => r.findings.length || r.cors.length || r.live.length);
  if (!routes.length) return '';
  const byFp = new Map(result.findings.map((f) => [f.fingerprint, f]));
  const rows = routes
    .map((r) => {
      const cors = r.cors.map((c) => `<div><span class="muted">${esc(c.via)}${c.authorizer ? ` (${esc(c.authorizer)})` : ''}:</span> ${esc(c.preflight.layer === c.actual.layer && c.preflight.origins.join(' ') === c.actual.origins.join(' ') ? `${c.actual.layer} ${c.actual.origins.join(' ') || '—'}` : `preflight ${c.preflight.layer} ${c.preflight.origins.join(' ') || '—'} → actual ${c.actual.layer} ${c.actual.origins.join(' ') || '—'}`)}${c.actual.credentials === true ? ' +credentials' : ''}</div>`).join('');
      const counts = SEVERITIES.map((s) => [s, r.findings.filter((fp) => byFp.get(fp)?.severity === s).length] as const).filter(([, n]) => n).map(([s, n]) => `${sev(s)}×${n}`).join(' ');
      return `<tr><td><code>${esc(`${r.method} ${r.path || r.handler || ''}`)}</code>${r.live.length ? `<div class="tag">live: ${esc(r.live.map((l) => l.url).join(', '))}</div>` : ''}</td><td>${cors || '<span class="muted">no CORS headers</span>'}</td><td>${esc(r.auth.join(', ') || '—')}</td><td>${esc([...new Set(r.dynamodb.map((d) => `${d.op}${d.table ? ` ${d.table}` : ''}`))].join(', ') || '—')}</td><td>${counts || '—'}</td></tr>`;
    })
    .join('');
  return `<h2 id="routes">Routes and their exposure</h2><table><thead><tr><th>route</th><th>CORS (per path in)</th><th>auth</th><th>DynamoDB</th><th>findings</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderHtml(result: ScanResult, ctx: RenderContext): string {
  const g = result.grade;
  const byFp = new Map(result.findings.map((f) => [f.fingerprint, f]));
  const rules = [...new Set(result.findings.map((f) => f.ruleId))].sort();
  const strong = result.chains.filter((c) => c.severity !== 'low' && c.severity !== 'info');
  const weak = result.chains.filter((c) => c.severity === 'low' || c.severity === 'info');
  const counts = severityCounts(result.findings).map(([s, n]) => `${n} ${s}`).join(' · ');
  const lost = g.categories.filter((c) => c.lost > 0).map((c) => `<li>${esc(c.title)}: −${c.lost} <span class="muted">(cap ${c.cap}; ${esc(c.items.slice(0, 3).map((i) => i.what).join('; '))}${c.items.length > 3 ? '; …' : ''})</span></li>`).join('');
  const findings = SEVERITIES.map((s) => {
    const list = result.findings.filter((f) => f.severity === s);
    return list.length ? `<h3 class="muted" style="margin-top:18px">${s} (${list.length})</h3>${list.map((f) => findingCard(f, ctx)).join('')}` : '';
  }).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>crossread report — grade ${esc(g.grade)}</title><style>${CSS}</style></head>
<body><main>
<h1>crossread report</h1>
<div class="muted">${esc(result.targets.join(' '))} · crossread ${esc(result.tool.version)} · ${result.stats.pythonFiles} Python files${result.iac.length ? `, ${result.iac.length} IaC files` : ''}${result.live ? ` · live: ${result.live.endpoints.length} endpoints, ${result.live.requests} requests` : ''}</div>
<div class="grade" id="grade" style="--g:${GRADE_COLOUR[g.grade]}"><b class="letter">${esc(g.grade)}</b><div><div><b>${g.score}/100</b> — ${esc(`points lost: ${g.explanation}`)}</div><div class="muted">${result.findings.length} findings (${counts}) · ${result.chains.length} attack chains${result.baseline ? ` · against ${esc(result.baseline.file)}: ${result.baseline.new} new, ${result.baseline.unchanged} unchanged, ${result.baseline.fixed.length} fixed` : ''}</div>${lost ? `<ul>${lost}</ul>` : ''}</div></div>
${result.chains.length ? `<h2 id="chains">Attack chains (${result.chains.length})</h2><p class="muted">Each chain is as severe as its weakest step.</p>${strong.map((c) => chainCard(c, byFp, ctx)).join('')}${weak.length ? `<details><summary>${weak.length} chain${weak.length === 1 ? '' : 's'} held back by a weak step (low or info)</summary>${weak.map((c) => chainCard(c, byFp, ctx)).join('')}</details>` : ''}` : ''}
${routeMatrix(result)}
<h2 id="findings">Findings (<span id="shown">${result.findings.length}</span> shown of ${result.findings.length})</h2>
<div class="filters">${SEVERITIES.map((s) => `<label><input type="checkbox" value="${s}" checked> ${sev(s)}</label>`).join('')}
<label>rule <select id="rule-filter"><option value="">all</option>${rules.map((r) => `<option>${esc(r)}</option>`).join('')}</select></label></div>
${findings || '<p>No findings.</p>'}
${result.baseline?.fixed.length ? `<h2>Fixed since ${esc(result.baseline.file)}</h2><ul>${result.baseline.fixed.map((b) => `<li>${sev(b.severity)} ${esc(b.ruleId)} <span class="muted">${esc(b.location.file ?? b.location.url ?? '')}</span></li>`).join('')}</ul>` : ''}
${result.diagnostics.length ? `<h2>Diagnostics</h2><ul>${result.diagnostics.map((d) => `<li>${esc(d.level)}: ${esc(d.where ? `${d.where}: ` : '')}${esc(d.message)}</li>`).join('')}</ul>` : ''}
</main><script>${SCRIPT}</script></body></html>
`;
}
