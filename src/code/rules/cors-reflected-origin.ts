import type { Rule } from './rule.ts';
import { codeEvidence, siteLocation, sinkReach } from './cors-context.ts';

export const rule: Rule = {
  meta: {
    id: 'cors-reflected-origin',
    topic: 'cors-permissive-origin',
    summary: 'Code copies the request Origin into Access-Control-Allow-Origin without an allowlist check.',
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'high',
    likelihood: 'high',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Echo the Origin only after checking it against an exact allowlist (if origin in ALLOWED_ORIGINS), and send Vary: Origin.',
    limits:
      'Follows the Origin within one function (assignments, `or` defaults, conditionals); an Origin passed through helper functions or stored on objects is not followed.',
  },
  check({ project, iac, report }) {
    for (const m of project.modules) {
      for (const s of m.sinks) {
        if (s.taint !== 'request-origin' && s.taint !== 'weak-check') continue;
        const { creds, reach } = sinkReach(project, m, s, iac?.links, 'high');
        const where = s.fn ? `${s.fn}()` : 'module level';
        const check = s.taint === 'weak-check' ? ` after only a bypassable check (${s.weakCheckText})` : ' unchecked';
        report({
          message: `${where} sets Access-Control-Allow-Origin from ${s.sourceText ?? 'the request Origin'}${check}${creds === 'yes' ? ' with Access-Control-Allow-Credentials: true' : ''}; ${reach.because}.`,
          location: siteLocation(m, s.loc),
          impact: reach.impact,
          likelihood: reach.likelihood,
          route: s.lambda && s.fn ? { method: 'ANY', path: '', handler: `${m.module}.${s.fn}` } : undefined,
          evidence: [codeEvidence(m, s.loc.line, s.snippet, s.sourceText ? `origin read as ${s.sourceText}` : undefined)],
        });
      }
    }
  },
};
