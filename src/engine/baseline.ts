/**
 * Baselines: a previous JSON report marks each finding and chain of this scan as new or unchanged (by
 * fingerprint, which survives edits above the code) and lists what it had that this scan no longer finds
 * as fixed. Pure: the CLI reads the file.
 */
import type { Finding, Location, Severity } from '../findings/index.ts';
import type { ScanResult } from './types.ts';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  severity: Severity;
  message: string;
  location: Location;
}

export interface BaselineDiff {
  file: string;
  new: number;
  unchanged: number;
  /** In the baseline, not found now. */
  fixed: BaselineEntry[];
}

/** The findings and chains a JSON report holds, or why the text is not one. */
export function readBaseline(text: string, file: string): BaselineEntry[] | string {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return `${file}: not JSON (${(e as Error).message.split('\n')[0]}); give a report written with --format json`;
  }
  const d = doc as { tool?: { name?: string }; findings?: unknown; chains?: unknown };
  if (!d || typeof d !== 'object' || d.tool?.name !== 'crossread' || !Array.isArray(d.findings)) return `${file}: not a crossread JSON report (written with --format json)`;
  const out: BaselineEntry[] = [];
  for (const x of [...(d.findings as unknown[]), ...(Array.isArray(d.chains) ? (d.chains as unknown[]) : [])]) {
    const f = x as Partial<Finding & { id: string; route: { method: string; path: string } }>;
    if (typeof f.fingerprint !== 'string') continue;
    out.push({
      fingerprint: f.fingerprint,
      ruleId: f.ruleId ?? f.id ?? '?',
      severity: (f.severity ?? 'info') as Severity,
      message: typeof f.message === 'string' ? f.message : typeof (x as { title?: string }).title === 'string' ? `${(x as { title: string }).title} on ${f.route?.method ?? ''} ${f.route?.path ?? ''}`.trim() : '',
      location: f.location ?? {},
    });
  }
  return out;
}

export function applyBaseline(result: ScanResult, baseline: BaselineEntry[], file: string): ScanResult {
  const before = new Set(baseline.map((b) => b.fingerprint));
  const mark = <T extends { fingerprint: string }>(x: T): T & { baseline: 'new' | 'unchanged' } => ({ ...x, baseline: before.has(x.fingerprint) ? 'unchanged' : 'new' });
  const findings = result.findings.map(mark);
  const chains = result.chains.map(mark);
  const now = new Set([...findings, ...chains, ...result.suppressed].map((x) => x.fingerprint));
  const all = [...findings, ...chains];
  return {
    ...result,
    findings,
    chains,
    baseline: { file, new: all.filter((x) => x.baseline === 'new').length, unchanged: all.filter((x) => x.baseline === 'unchanged').length, fixed: baseline.filter((b) => !now.has(b.fingerprint)) },
  };
}
