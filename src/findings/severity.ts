/** Severity is derived, never declared: one table maps impact × likelihood to a level. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const LEVELS = ['high', 'medium', 'low'] as const;
export type Impact = (typeof LEVELS)[number] | 'none';
export type Likelihood = (typeof LEVELS)[number];
export type Confidence = (typeof LEVELS)[number];

/**
 * rows: impact, columns: likelihood (high, medium, low).
 * Impact "none" is a hygiene note (info) whatever the likelihood.
 */
const TABLE: Record<Impact, Record<Likelihood, Severity>> = {
  high: { high: 'critical', medium: 'high', low: 'medium' },
  medium: { high: 'high', medium: 'medium', low: 'low' },
  low: { high: 'medium', medium: 'low', low: 'info' },
  none: { high: 'info', medium: 'info', low: 'info' },
};

export function severityOf(impact: Impact, likelihood: Likelihood): Severity {
  return TABLE[impact][likelihood];
}

/** 0 = critical … 4 = info; lower is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) <= severityRank(threshold);
}

/** How many of the items have each severity, worst first. */
export function severityCounts(items: readonly { severity: Severity }[]): [Severity, number][] {
  return SEVERITIES.map((s) => [s, items.filter((i) => i.severity === s).length]);
}

export function isSeverity(x: string): x is Severity {
  return (SEVERITIES as readonly string[]).includes(x);
}

/** CVSS-like score used by SARIF `security-severity` (GitHub buckets: ≥9 critical, ≥7 high, ≥4 medium, >0 low). */
export function securityScore(s: Severity): string {
  return { critical: '9.3', high: '7.5', medium: '5.3', low: '3.1', info: '0.0' }[s];
}
