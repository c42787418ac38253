/**
 * A 0–100 score and an A–F grade from documented, category-weighted rules (docs/grading.md). Categories
 * follow the OWASP API Security Top 10 (2023): authorization (API1, API5), authentication (API2), data
 * exposure (API3), CORS and configuration (API8), other weaknesses; plus attack chains. Each finding costs
 * points by severity, each category's cost is capped so one noisy category cannot hide the others, info
 * findings cost nothing, and a chain costs most — half again when a browser proved it. Pure.
 */
import { provedRead, type Finding, type Severity } from '../findings/index.ts';
import type { Chain } from '../correlate/index.ts';

export const FINDING_POINTS: Record<Severity, number> = { critical: 20, high: 8, medium: 3, low: 1, info: 0 };
export const CHAIN_POINTS: Record<Severity, number> = { critical: 40, high: 20, medium: 8, low: 2, info: 0 };
/** A chain a browser proved costs this much more. */
export const VERIFIED_FACTOR = 1.5;

export const CATEGORIES = [
  { id: 'chains', title: 'Attack chains', cap: 60 },
  { id: 'authorization', title: 'Authorization (API1, API5)', cap: 35 },
  { id: 'authentication', title: 'Authentication (API2)', cap: 30 },
  { id: 'data-exposure', title: 'Data exposure (API3)', cap: 30 },
  { id: 'cors-configuration', title: 'CORS and configuration (API8)', cap: 30 },
  { id: 'other', title: 'Other weaknesses', cap: 15 },
] as const;
export type CategoryId = (typeof CATEGORIES)[number]['id'];

export const GRADES: { grade: 'A' | 'B' | 'C' | 'D' | 'F'; min: number }[] = [
  { grade: 'A', min: 90 },
  { grade: 'B', min: 75 },
  { grade: 'C', min: 60 },
  { grade: 'D', min: 40 },
  { grade: 'F', min: 0 },
];

export interface Grade {
  score: number;
  grade: 'A' | 'B' | 'C' | 'D' | 'F';
  /** Points lost per category, with what cost them (worst first). */
  categories: { id: CategoryId; title: string; lost: number; cap: number; items: { what: string; severity: Severity; points: number }[] }[];
  /** One sentence: why this grade (`62/100 (C): ` and the explanation). */
  summary: string;
  /** What cost the points, worst categories first (`Attack chains −40, …`), or that nothing did. */
  explanation: string;
}

/** The category a finding counts in: by its OWASP API tags, first match in this order. */
export function categoryOf(f: Pick<Finding, 'owasp' | 'topic'>): CategoryId {
  const tags = new Set(f.owasp);
  if (tags.has('API1:2023') || tags.has('API5:2023')) return 'authorization';
  if (tags.has('API2:2023')) return 'authentication';
  if (tags.has('API3:2023')) return 'data-exposure';
  if (tags.has('API8:2023') || f.topic.startsWith('cors')) return 'cors-configuration';
  return 'other';
}

export function gradeOf(findings: Finding[], chains: Chain[]): Grade {
  const cats = new Map(CATEGORIES.map((c) => [c.id, { id: c.id, title: c.title, cap: c.cap, lost: 0, items: [] as Grade['categories'][number]['items'] }]));
  for (const c of chains) {
    const proved = provedRead(c.proof);
    const points = CHAIN_POINTS[c.severity] * (proved ? VERIFIED_FACTOR : 1);
    if (points) cats.get('chains')!.items.push({ what: `${c.id} on ${c.route.method} ${c.route.path || c.route.handler}${proved ? ' (verified in a browser)' : ''}`, severity: c.severity, points });
  }
  for (const f of findings) {
    if (f.suppressed) continue;
    const points = FINDING_POINTS[f.severity];
    if (points) cats.get(categoryOf(f))!.items.push({ what: `${f.ruleId} at ${f.location.file ? `${f.location.file}:${f.location.start?.line ?? ''}` : (f.location.url ?? '')}`, severity: f.severity, points });
  }
  let lost = 0;
  for (const c of cats.values()) {
    c.items.sort((a, b) => b.points - a.points);
    c.lost = Math.min(c.cap, c.items.reduce((n, i) => n + i.points, 0));
    lost += c.lost;
  }
  const score = Math.max(0, Math.round(100 - lost));
  const grade = GRADES.find((g) => score >= g.min)!.grade;
  const worst = [...cats.values()].filter((c) => c.lost > 0).sort((a, b) => b.lost - a.lost);
  const explanation = worst.length ? `${worst.slice(0, 3).map((c) => `${c.title} −${round(c.lost)}`).join(', ')}${worst.length > 3 ? ', …' : ''}.` : 'no finding above info.';
  return { score, grade, categories: [...cats.values()].map((c) => ({ ...c, lost: round(c.lost) })), summary: `${score}/100 (${grade}): ${explanation}`, explanation };
}

const round = (n: number): number => Math.round(n * 10) / 10;
