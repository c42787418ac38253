/** Machine-readable report: the ScanResult itself plus a summary by severity. */
import { SEVERITIES } from '../findings/index.ts';
import type { ScanResult } from '../engine/types.ts';

export function renderJson(result: ScanResult): string {
  const summary = Object.fromEntries(SEVERITIES.map((s) => [s, result.findings.filter((f) => f.severity === s).length]));
  const { rules: _rules, ...rest } = result;
  void _rules;
  return `${JSON.stringify({ ...rest, summary }, null, 2)}\n`;
}
