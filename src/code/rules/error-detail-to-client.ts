import type { Label } from '../python/dataflow.ts';
import type { ModuleModel } from '../python/ir.ts';
import type { PythonProject } from '../python/app-model.ts';
import type { Rule } from './rule.ts';
import { at, placeText, roots, routeFor } from './exposure-context.ts';

/** Parts of an exception that are codes, not text: `e.response["Error"]["Code"]`, `exc.status_code`. */
const CODE_PATH = /^(Code|code|status_code|status|errno|HTTPStatusCode|__class__|__name__|headers)$/;
/** Exceptions whose message the application itself writes for the client. */
const APP_AUTHORED = /(^|\.)(HTTPException|StarletteHTTPException|WebSocketException|RequestValidationError)$/;

/** Exception text the application did not write: a library's, botocore's, or the traceback. */
function leaks(project: PythonProject, module: ModuleModel, l: Label & { k: 'exc' }): boolean {
  if (l.path.some((p) => CODE_PATH.test(p))) return false;
  if (l.types.includes('traceback')) return true;
  // a project exception class (raise OrderRejected("quantity must be positive")) carries the project's own words
  return !l.types.every((t) => APP_AUTHORED.test(t) || project.resolver.isProjectClass(t, module));
}

function what(l: Label & { k: 'exc' }): string {
  if (l.types.includes('traceback')) return 'the traceback';
  const path = l.path.length ? ` (${l.path.map((p) => (/^\w+$/.test(p) ? p : JSON.stringify(p))).join('.')})` : '';
  return `the text of ${l.types.join(' / ')}${path}`;
}

export const rule: Rule = {
  meta: {
    id: 'error-detail-to-client',
    topic: 'error-disclosure',
    summary: 'Exception text or a traceback is sent to the client (botocore messages name the account, role and table).',
    cwe: [209],
    owasp: ['API8:2023'],
    impact: 'medium',
    likelihood: 'high',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'experimental',
    remediation: 'Log the exception with its request id and return a fixed message (and the request id) to the client.',
    limits:
      'Follows exceptions bound by `except … as e`, exception-typed parameters and traceback calls into returns, raised HTTPExceptions and response objects; exception text stored on objects or passed through project helpers more than three calls deep is not followed. Messages of the project\'s own exception classes are taken as written for the client.',
  },
  check({ project, report }) {
    for (const root of roots(project)) {
      const { module, fn } = root;
      if (!fn.responses.length) continue;
      // what a route, a Lambda handler or an exception handler returns goes to the client; elsewhere only a response built there does
      const client = root.handlers.length > 0 || fn.exceptionHandler;
      const own = `${module.file}:${fn.name}`;
      for (const site of fn.responses) {
        if (!(site.kind === 'raise' || client || site.builds)) continue;
        const labels = project.flow.labelsIn(site.taint, module, fn, root.roles);
        // exceptions caught in a helper are reported there, once
        const leak = labels.find((l): l is Label & { k: 'exc' } => l.k === 'exc' && l.fn === own && leaks(project, module, l));
        if (!leak) continue;
        const how = site.kind === 'raise' ? 'raises an HTTPException whose detail is' : 'returns a response with';
        report({
          message: `${placeText(project, module, fn)} ${how} ${what(leak)}: callers read internal details (account id, role and table names, code paths).`,
          location: at(module, site.line),
          route: routeFor(project, fn),
          evidence: [{ kind: 'code', file: module.file, line: site.line, snippet: site.snippet }],
        });
      }
    }
  },
};
