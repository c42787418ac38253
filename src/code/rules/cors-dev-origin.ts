import type { Rule } from './rule.ts';
import { codeEvidence, originList } from './cors-context.ts';
import { isDevOrigin } from './origin-witness.ts';

export const rule: Rule = {
  meta: {
    id: 'cors-dev-origin',
    topic: 'cors-dev-origin',
    summary: 'localhost / 127.0.0.1 origins in a CORS allowlist.',
    cwe: [942],
    owasp: ['API8:2023'],
    impact: 'none',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette'], datastore: ['any'] },
    stability: 'stable',
    remediation: 'Load development origins only in development settings, never in the production allowlist.',
    limits: 'Cannot tell which settings a deployment really uses; a dev-only module is still reported.',
  },
  check({ project, report }) {
    for (const p of project.policies) {
      const list = originList(p.origins);
      if (list.isString) continue;
      for (const item of list.items) {
        if (!isDevOrigin(item.origin)) continue;
        const at = item.at ?? { file: p.module.file, line: p.site.loc.line, col: p.site.loc.col };
        report({
          message: `CORS on ${p.app} allows ${item.origin}: any program serving that port on a user's machine can read responses.`,
          location: { file: at.file, start: { line: at.line, column: at.col } },
          evidence: [{ kind: 'code', file: at.file, line: at.line, snippet: JSON.stringify(item.origin) }, codeEvidence(p.module, p.site.loc.line, p.site.snippet)],
          discriminator: item.origin,
        });
      }
    }
  },
};
