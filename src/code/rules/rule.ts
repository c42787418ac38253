import type { Evidence, FindingInput, Impact, Likelihood, Confidence, Location, Route, Remediation, OwaspApiId } from '../../findings/index.ts';
import type { PythonProject } from '../python/app-model.ts';
import type { ConfigFiles } from '../config/env-files.ts';
import type { IacModel } from '../iac/model.ts';
import type { IacLinks } from '../iac/link.ts';

export interface RuleMeta {
  id: string;
  /** The weakness family shared with IaC and live checks; keys the knowledge base. */
  topic: string;
  /** One line: what the rule finds. */
  summary: string;
  cwe: number[];
  owasp: OwaspApiId[];
  /** Defaults; a rule may rate a finding differently from context (credentials, cookies). */
  impact: Impact;
  likelihood: Likelihood;
  confidence: Confidence;
  appliesTo: { framework: ('fastapi' | 'starlette' | 'lambda' | 'api-gateway')[]; datastore: ('dynamodb' | 'any')[] };
  /** What the rule reads: the code (default), the infrastructure-as-code model, or a running API (live checks). */
  source?: 'code' | 'iac' | 'live';
  stability: 'experimental' | 'stable';
  /** One imperative sentence. */
  remediation: string;
  /** What the rule cannot see. */
  limits: string;
}

export interface Report {
  message: string;
  location: Location;
  route?: Route;
  evidence?: Evidence[];
  impact?: Impact;
  likelihood?: Likelihood;
  confidence?: Confidence;
  remediation?: Remediation;
  discriminator?: string;
  /** Where the finding was seen when it differs from the rule's usual side (a code rule reading a template). */
  source?: 'code' | 'iac';
}

export interface RuleContext {
  project: PythonProject;
  /** .env files of the scan root (absent when the caller has none). */
  config?: ConfigFiles;
  /** The infrastructure-as-code of the scan root, and how it joins the code (absent when there is none). */
  iac?: { model: IacModel; links: IacLinks };
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function toFindingInput(meta: RuleMeta, r: Report): FindingInput {
  return {
    ruleId: meta.id,
    topic: meta.topic,
    source: r.source ?? meta.source ?? 'code',
    message: r.message,
    impact: r.impact ?? meta.impact,
    likelihood: r.likelihood ?? meta.likelihood,
    confidence: r.confidence ?? meta.confidence,
    cwe: meta.cwe,
    owasp: meta.owasp,
    location: r.location,
    route: r.route,
    evidence: r.evidence,
    remediation: r.remediation ?? { summary: meta.remediation },
    discriminator: r.discriminator,
  };
}
