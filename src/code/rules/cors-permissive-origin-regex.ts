import type { Rule } from './rule.ts';
import { argEvidence, attackerReach, codeEvidence, credentialsOf, originList, siteLocation, appTokenGate } from './cors-context.ts';
import { isBelow } from '../python/deps.ts';
import { effective } from '../python/resolve.ts';
import { regexWitnesses, type Weakness } from './origin-witness.ts';
import type { Likelihood } from '../../findings/index.ts';

/** How likely an outsider gets a matching origin. */
const OWNABLE: Record<Weakness, Likelihood> = {
  'any-origin': 'high',
  'unescaped-dot': 'high',
  suffix: 'high',
  prefix: 'high',
  'shared-hosting': 'high',
  null: 'high',
  'any-subdomain': 'low',
  http: 'low',
};

export const rule: Rule = {
  meta: {
    id: 'cors-permissive-origin-regex',
    topic: 'cors-permissive-origin',
    summary: 'allow_origin_regex accepts origins an attacker can own (unescaped dots, open host parts, shared hosting, http).',
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'high',
    likelihood: 'high',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Anchor and escape the regex to the exact hosts you own, e.g. r"https://(app|admin)\\.example\\.com", or use an explicit allow_origins list.',
    limits:
      'Witnesses are generated from the pattern\'s own literals; a regex built at run time from data the scan cannot see is reported as unknown, not analysed.',
  },
  check({ project, iac, report }) {
    for (const p of project.policies) {
      if (!p.regex) continue;
      // with "*" in allow_origins the regex is never consulted (platform facts §1.3)
      if (originList(p.origins).items.some((i) => i.origin === '*')) continue;
      const v = effective(p.regex.value);
      if (v.k !== 'str') continue;
      const prefixMatch = isBelow(p.starlette, [0, 13, 1]) === 'yes';
      const witnesses = regexWitnesses(v.v, prefixMatch).filter((w) => w.weakness !== 'null');
      const worst = witnesses[0];
      if (!worst) continue;
      const creds = credentialsOf(p.credentials);
      const reach = attackerReach(creds, project.ambient, OWNABLE[worst.weakness], appTokenGate(project, iac?.links));
      const how = prefixMatch && worst.weakness === 'suffix' ? ' (Starlette < 0.13.1 matches the regex as a prefix)' : '';
      report({
        message: `allow_origin_regex on ${p.app} accepts ${worst.origin}: ${worst.why}${how}; ${reach.because}.`,
        location: siteLocation(p.module, p.regex.expr.loc ?? p.site.loc),
        impact: reach.impact,
        likelihood: reach.likelihood,
        evidence: [
          codeEvidence(p.module, p.regex.expr.loc?.line ?? p.site.loc.line, p.site.snippet),
          ...argEvidence(p.module, 'allow_origin_regex', p.regex),
          ...witnesses.slice(0, 4).map((w) => ({ kind: 'value' as const, label: `accepted origin (${w.weakness})`, value: w.origin })),
        ],
      });
    }
  },
};
