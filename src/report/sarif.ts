/** SARIF 2.1.0 for code-scanning UIs: rule metadata with CWE tags and security-severity, partialFingerprints. */
import { provedRead, securityScore, severityOf, type Finding, type Location, type Severity } from '../findings/index.ts';
import { CHAINS, type Chain } from '../correlate/index.ts';
import type { ScanResult } from '../engine/types.ts';
import { pageFor, type RenderContext } from './context.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** The stack most of a rule's findings (or chains) sit on, whose page becomes the rule's help. */
function mainStack(items: { id: string; stack?: string }[], id: string): string | undefined {
  const counts = new Map<string, number>();
  for (const x of items) if (x.id === id && x.stack) counts.set(x.stack, (counts.get(x.stack) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export function renderSarif(result: ScanResult, ctx: RenderContext): string {
  const placed = [...result.findings.map((f) => ({ id: f.ruleId, stack: f.stack })), ...result.chains.map((c) => ({ id: c.id, stack: c.stack }))];
  const rules = result.rules.map((r) => {
    const kb = pageFor(ctx.knowledge, r.id, mainStack(placed, r.id));
    const sev = severityOf(r.impact, r.likelihood);
    return {
      id: r.id,
      name: r.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.summary },
      fullDescription: { text: kb?.why ?? r.summary },
      help: { text: `${r.remediation}\n\nLimits: ${r.limits}`, markdown: kb?.markdown ?? r.remediation },
      defaultConfiguration: { level: LEVEL[sev] },
      properties: {
        tags: ['security', ...r.cwe.map((c) => `external/cwe/cwe-${c}`), ...r.owasp.map((o) => `owasp-api-2023/${o}`), r.topic],
        precision: r.confidence === 'high' ? 'high' : r.confidence === 'medium' ? 'medium' : 'low',
        'security-severity': securityScore(sev),
      },
    };
  });
  // attack chains are rules too: one per chain kind that occurs
  for (const spec of CHAINS.filter((c) => result.chains.some((x) => x.id === c.id))) {
    const kb = pageFor(ctx.knowledge, spec.id, mainStack(placed, spec.id));
    rules.push({
      id: spec.id,
      name: spec.id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: spec.title },
      fullDescription: { text: kb?.why ?? spec.story },
      help: { text: `Attack chain: ${spec.story}. Its severity is that of its weakest step.`, markdown: kb?.markdown ?? spec.story },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'attack-chain', ...spec.cwe.map((c) => `external/cwe/cwe-${c}`), ...spec.owasp.map((o) => `owasp-api-2023/${o}`)], precision: 'high', 'security-severity': securityScore('critical') },
    });
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarifLocation = (l: Location, text?: string) =>
    l.file
      ? { physicalLocation: { artifactLocation: { uri: l.file }, region: { startLine: l.start?.line ?? 1, startColumn: l.start?.column ?? 1 } }, ...(text ? { message: { text } } : {}) }
      : l.url
        ? { physicalLocation: { artifactLocation: { uri: l.url } }, ...(text ? { message: { text } } : {}) }
        : undefined;
  const chainResult = (c: Chain) => {
    const stepLocations = c.steps.flatMap((s, i) => s.locations.map((l) => sarifLocation(l, `step ${i + 1}: ${s.title}`)).filter((x): x is NonNullable<typeof x> => !!x));
    const primary = c.route.file ? sarifLocation({ file: c.route.file, start: { line: c.route.line ?? 1, column: 1 } }, `${c.route.method} ${c.route.path || c.route.handler}`) : (stepLocations[0] ?? (c.url ? sarifLocation({ url: c.url }) : undefined));
    return {
      ruleId: c.id,
      ruleIndex: index.get(c.id) ?? -1,
      level: LEVEL[c.severity],
      message: { text: `${c.title} on ${c.route.method} ${c.route.path || c.route.handler}: ${c.story}. ${c.steps.map((s, i) => `(${i + 1}) ${s.title} [${s.severity}]: ${s.why}`).join(' ')}${c.limitedBy ? ` Severity ${c.severity}, set by step ${c.limitedBy.step}.` : ''}${c.proof ? ` Browser proof: ${c.proof.readable ? `read ${c.proof.bytes} characters (HTTP ${c.proof.status})` : `not readable (${c.proof.error ?? 'no body'})`}.` : ''}` },
      locations: primary ? [primary] : [],
      relatedLocations: stepLocations.map((l, id) => ({ id, ...l })),
      codeFlows: stepLocations.length
        ? [{ message: { text: c.story }, threadFlows: [{ locations: stepLocations.map((location, i) => ({ location, executionOrder: i + 1 })) }] }]
        : [],
      partialFingerprints: { 'crossread/v1': c.fingerprint },
      ...(c.baseline ? { baselineState: c.baseline } : {}),
      properties: { severity: c.severity, 'security-severity': securityScore(c.severity), cwe: c.cwe.map((x) => `CWE-${x}`), route: c.route, attackChain: true, ...(c.proof ? { verified: provedRead(c.proof) } : {}) },
    };
  };
  const toResult = (f: Finding) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId) ?? -1,
    level: LEVEL[f.severity],
    message: { text: `${f.message} Fix: ${f.remediation.summary}` },
    locations: f.location.url && !f.location.file
      ? [{ physicalLocation: { artifactLocation: { uri: f.location.url } }, message: { text: `${f.location.method ?? 'GET'} ${f.location.url}` } }]
      : f.location.file
      ? [
          {
            physicalLocation: {
              artifactLocation: { uri: f.location.file },
              region: {
                startLine: f.location.start?.line ?? 1,
                startColumn: f.location.start?.column ?? 1,
                ...(f.evidence[0]?.kind === 'code' ? { snippet: { text: f.evidence[0].snippet } } : {}),
              },
            },
          },
        ]
      : [],
    partialFingerprints: { 'crossread/v1': f.fingerprint },
    ...(f.baseline ? { baselineState: f.baseline } : {}),
    properties: {
      severity: f.severity,
      confidence: f.confidence,
      'security-severity': securityScore(f.severity),
      cwe: f.cwe.map((c) => `CWE-${c.id}`),
      ...(f.route ? { route: f.route } : {}),
      ...(f.proof ? { verified: f.proof.readable, browserProof: { origin: f.proof.origin, url: f.proof.url, readable: f.proof.readable, status: f.proof.status, bytes: f.proof.bytes } } : {}),
      ...(f.confirmedBy?.length ? { confirmedLive: true } : {}),
    },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed.reason }] } : {}),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'crossread', version: result.tool.version, semanticVersion: result.tool.version, rules } },
        results: [...result.chains.map(chainResult), ...[...result.findings, ...result.suppressed].map(toResult)],
        invocations: [
          {
            executionSuccessful: !result.diagnostics.some((d) => d.level === 'error'),
            toolExecutionNotifications: result.diagnostics.map((d) => ({
              level: d.level === 'error' ? 'error' : 'warning',
              message: { text: d.where ? `${d.where}: ${d.message}` : d.message },
            })),
          },
        ],
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
