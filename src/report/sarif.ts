/** SARIF 2.1.0 for code-scanning UIs: rule metadata with CWE tags and security-severity, partialFingerprints. */
import { securityScore, severityOf, type Finding, type Severity } from '../findings/index.ts';
import type { ScanResult } from '../engine/types.ts';
import type { RenderContext } from './context.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

export function renderSarif(result: ScanResult, ctx: RenderContext): string {
  const rules = result.rules.map((r) => {
    const kb = ctx.knowledge[r.id];
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
  const index = new Map(rules.map((r, i) => [r.id, i]));
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
    properties: {
      severity: f.severity,
      confidence: f.confidence,
      'security-severity': securityScore(f.severity),
      cwe: f.cwe.map((c) => `CWE-${c.id}`),
      ...(f.route ? { route: f.route } : {}),
    },
    ...(f.suppressed ? { suppressions: [{ kind: 'inSource', justification: f.suppressed.reason }] } : {}),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'crossread', version: result.tool.version, semanticVersion: result.tool.version, rules } },
        results: [...result.findings, ...result.suppressed].map(toResult),
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
