import { createHash } from 'node:crypto';
import { cwe, type Cwe } from './cwe.ts';
import type { OwaspApiId } from './owasp.ts';
import { redact } from './redact.ts';
import { severityOf, type Confidence, type Impact, type Likelihood, type Severity } from './severity.ts';

export type FindingSource = 'code' | 'iac' | 'live' | 'chain';

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

export interface Location {
  /** Path relative to the scan root, with forward slashes. */
  file?: string;
  start?: Position;
  end?: Position;
  /** For live findings. */
  method?: string;
  url?: string;
}

/** The join key between code, IaC and live findings. */
export interface Route {
  method: string; // GET, POST, … or ANY
  path: string; // template, e.g. /profiles/{user_id}
  /** Lambda handler or Python function name when the route is a handler. */
  handler?: string;
}

export type Evidence =
  | { kind: 'code'; file: string; line: number; snippet: string; note?: string }
  | { kind: 'value'; label: string; value: string; file?: string; line?: number }
  | { kind: 'http'; request: string; response: string; curl?: string }
  | { kind: 'browser'; origin: string; read: string };

export interface Remediation {
  /** One imperative sentence. */
  summary: string;
  edit?: { description: string; replacement: string; safe: boolean };
}

export interface Finding {
  ruleId: string;
  topic: string;
  source: FindingSource;
  message: string;
  severity: Severity;
  impact: Impact;
  likelihood: Likelihood;
  confidence: Confidence;
  cwe: Cwe[];
  owasp: OwaspApiId[];
  location: Location;
  route?: Route;
  evidence: Evidence[];
  remediation: Remediation;
  fingerprint: string;
  /** Set when an inline `# crossread: ignore[...]` comment covers the finding. */
  suppressed?: { reason: string };
}

export interface FindingInput {
  ruleId: string;
  topic: string;
  source: FindingSource;
  message: string;
  impact: Impact;
  likelihood: Likelihood;
  confidence: Confidence;
  cwe: number[];
  owasp?: OwaspApiId[];
  location: Location;
  route?: Route;
  evidence?: Evidence[];
  remediation: Remediation;
  /** Extra text that makes the fingerprint unique when one rule fires twice on the same line. */
  discriminator?: string;
}

/**
 * The fingerprint does not include line numbers, so it survives edits above the finding:
 * rule + file (or URL) + route + the normalised code of the evidence line + discriminator.
 */
export function fingerprintOf(input: FindingInput): string {
  const firstCode = input.evidence?.find((e) => e.kind === 'code');
  const parts = [
    input.ruleId,
    input.location.file ?? '',
    input.location.url ?? '',
    input.route ? `${input.route.method} ${input.route.path}` : '',
    firstCode && firstCode.kind === 'code' ? firstCode.snippet.replace(/\s+/g, ' ').trim() : '',
    input.discriminator ?? '',
  ];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

function redactEvidence(e: Evidence): Evidence {
  switch (e.kind) {
    case 'code':
      return { ...e, snippet: redact(e.snippet), note: e.note && redact(e.note) };
    case 'value':
      return { ...e, value: redact(e.value) };
    case 'http':
      return { ...e, request: redact(e.request), response: redact(e.response), curl: e.curl && redact(e.curl) };
    case 'browser':
      return { ...e, read: redact(e.read) };
  }
}

/** The only way to make a Finding: severity from the table, secrets redacted, fingerprint computed. */
export function makeFinding(input: FindingInput): Finding {
  return {
    ruleId: input.ruleId,
    topic: input.topic,
    source: input.source,
    message: redact(input.message),
    severity: severityOf(input.impact, input.likelihood),
    impact: input.impact,
    likelihood: input.likelihood,
    confidence: input.confidence,
    cwe: input.cwe.map(cwe),
    owasp: input.owasp ?? [],
    location: input.location,
    route: input.route,
    evidence: (input.evidence ?? []).map(redactEvidence),
    remediation: input.remediation,
    fingerprint: fingerprintOf(input),
  };
}

const SEVERITY_ORDER: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Worst first, then by place; code-unit order (not locale order) so output is the same on every machine. */
export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.location.file ?? a.location.url ?? '';
  const fb = b.location.file ?? b.location.url ?? '';
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (fa < fb ? -1 : fa > fb ? 1 : 0) ||
    (a.location.start?.line ?? 0) - (b.location.start?.line ?? 0) ||
    (a.location.start?.column ?? 0) - (b.location.start?.column ?? 0) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)
  );
}
