import type { Rule } from './rule.ts';
import { argEvidence, attackerReach, codeEvidence, credentialsOf, originList, siteLocation, appTokenGate, sinkReach } from './cors-context.ts';
import { effective } from '../python/resolve.ts';
import { pyRegexToJs } from './origin-witness.ts';

export const rule: Rule = {
  meta: {
    id: 'cors-null-origin',
    topic: 'cors-permissive-origin',
    summary: 'The "null" origin is allowed: any site can send it from a sandboxed iframe.',
    cwe: [942, 346],
    owasp: ['API8:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Remove "null" from allow_origins (and from what allow_origin_regex matches); serve local tools from a real origin instead.',
    limits: 'Only SameSite=None cookies travel with requests from an opaque origin; the rule cannot see cookie attributes set by other services.',
  },
  check({ project, iac, report }) {
    for (const p of project.policies) {
      const list = originList(p.origins);
      const inList = !list.isString && list.items.find((i) => i.origin === 'null');
      const re = p.regex && effective(p.regex.value);
      const inRegex = re?.k === 'str' && pyRegexToJs(re.v)?.test('null');
      if (!inList && !inRegex) continue;
      // opaque origins are cross-site: only SameSite=None cookies go along (platform facts §5.4)
      const reach = attackerReach(credentialsOf(p.credentials), project.ambient, 'medium', appTokenGate(project, iac?.links));
      const where = inList ? 'allow_origins' : 'allow_origin_regex';
      const loc = (inList && inList.expr?.loc) || (inRegex && p.regex?.expr.loc) || p.site.loc;
      report({
        message: `CORS on ${p.app} allows the "null" origin via ${where}: a sandboxed iframe on any site sends Origin: null; ${reach.because}.`,
        location: siteLocation(p.module, loc),
        impact: reach.impact,
        likelihood: reach.likelihood,
        evidence: [codeEvidence(p.module, loc.line, p.site.snippet), ...argEvidence(p.module, where, inList ? p.origins : p.regex)],
      });
    }
    // code that checks the Origin against its own allowlist, which holds "null", and echoes it
    for (const m of project.modules) {
      for (const s of m.sinks) {
        if (s.taint !== 'checked' || !s.allowsNull) continue;
        const { creds, reach } = sinkReach(project, m, s, iac?.links, 'medium');
        report({
          message: `${s.fn ? `${s.fn}()` : 'Module-level code'} echoes the Origin after checking it against ${s.allowsNull}, which holds "null": a sandboxed iframe on any site sends Origin: null and passes${creds === 'yes' ? ', with Access-Control-Allow-Credentials: true' : ''}; ${reach.because}.`,
          location: siteLocation(m, s.loc),
          impact: reach.impact,
          likelihood: reach.likelihood,
          route: s.lambda && s.fn ? { method: 'ANY', path: '', handler: `${m.module}.${s.fn}` } : undefined,
          evidence: [codeEvidence(m, s.loc.line, s.snippet, `allowlist ${s.allowsNull}`)],
        });
      }
    }
  },
};
