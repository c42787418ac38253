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

/** What a live finding rests on: the class judged, the origin that was honoured, and every endpoint it was seen on. */
export interface LiveFacts {
  /** The class within the check (`arbitrary`, `prefix`, `plain`, `error-path`, …). */
  class: string;
  /** The Origin the response honoured, when the finding is about one. */
  origin?: string;
  /** Who can send that Origin from a browser: `anyone`, `same-site`, `network`, `local`, `safari`, `no-browser`. */
  by?: string;
  /** The response allowed credentials (`Access-Control-Allow-Credentials: true`). */
  credentials: boolean;
  /** The honoured response was to a request carrying a Cookie. */
  withCookie: boolean;
  /** A page at `origin` can read the response in a browser (the claim a browser proof tests). */
  readable: boolean;
  /** The endpoints it was seen on (cache-buster removed), with their template when known. */
  endpoints: { method: string; url: string; template?: string }[];
}

/** The outcome of running the attacker page in a real browser. */
export interface BrowserProof {
  browser: string;
  origin: string;
  url: string;
  /** The page read the response body. */
  readable: boolean;
  status?: number;
  bytes: number;
  /** The start of what it read, redacted. */
  excerpt: string;
  /** Why it could not read (the browser's error), when it could not. */
  error?: string;
  /** The victim cookies planted for the target, by name, with the SameSite used. */
  cookies: string[];
  /** The attacker page written for the user to open. */
  poc?: string;
  /** What the proof shows beyond the read (the key and session a BOLA proof used). */
  note?: string;
}

/** The page read a non-error response: what a proof must show to count as proving the read of data. */
export function provedRead(p: BrowserProof | undefined): boolean {
  return !!p?.readable && (p.status ?? 0) < 400;
}

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
  /** Live findings: what the probes saw. */
  live?: LiveFacts;
  /** Static findings a live finding confirmed (same topic, same route): the live findings' fingerprints. */
  confirmedBy?: string[];
  /** `--verify`: the attacker page run in a real browser. */
  proof?: BrowserProof;
  /** `--baseline`: whether the previous report had it. */
  baseline?: 'new' | 'unchanged';
  /** The stack it sits on (`fastapi-dynamodb`, `lambda-dynamodb`), which picks the knowledge page shown; unset: the generic one. */
  stack?: string;
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
  live?: LiveFacts;
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
    ...(input.live ? { live: { ...input.live, ...(input.live.origin ? { origin: input.live.origin } : {}) } } : {}),
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
