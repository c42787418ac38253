import { allOf } from '../iac/model.ts';
import type { Rule } from './rule.ts';
import { at, disclosure, frames, placeText, routeFor } from './exposure-context.ts';

export const rule: Rule = {
  meta: {
    id: 'sensitive-data-logged',
    topic: 'sensitive-data-in-logs',
    summary: 'The whole Lambda event, request headers, credentials, token claims or whole personal items are written to the logs.',
    cwe: [532],
    owasp: ['API3:2023'],
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'experimental',
    remediation: 'Log identifiers (request id, user id, item key) instead of events, headers, tokens, claims or whole items; let aws-lambda-powertools log_event stay off.',
    limits:
      'Follows values into print, logging/logger calls (structlog and powertools loggers included) and powertools log_event=True (in code, or POWERTOOLS_LOGGER_LOG_EVENT=true in a function environment in the templates), in the function and in project helpers two calls deep; log calls through custom wrappers with other names, and values formatted into strings before a helper logs them, are not followed. A whole item counts as personal when the project writes or reads personal attributes on its table.',
  },
  check({ project, iac, report }) {
    const seen = new Set<string>();
    // aws-lambda-powertools reads POWERTOOLS_LOGGER_LOG_EVENT as the default of inject_lambda_context(log_event=...)
    for (const fn of iac ? allOf(iac.model).functions : []) {
      const env = fn.environment.find((e) => e.name === 'POWERTOOLS_LOGGER_LOG_EVENT' && /^(true|1|yes)$/i.test(e.value ?? ''));
      if (!env) continue;
      const code = iac!.links.code.get(fn);
      const powertools = code && Object.values(code.module.imports).some((i) => /^aws_lambda_powertools(\.|$)/.test(i.module));
      report({
        message: `${fn.name} sets POWERTOOLS_LOGGER_LOG_EVENT=${env.value}: aws-lambda-powertools' inject_lambda_context logs every incoming event — headers with the Authorization token and cookies, the body, the authorizer claims — to CloudWatch${powertools ? ` (${code!.module.file} uses aws_lambda_powertools)` : code ? '' : ' wherever the function uses the powertools Logger'}: anyone who can read the logs can read them.`,
        location: { file: env.at.file, start: { line: env.at.line, column: 1 } },
        evidence: [{ kind: 'code', file: env.at.file, line: env.at.line, snippet: env.at.snippet, note: `environment of ${fn.name}` }],
        confidence: powertools ? 'high' : 'medium',
        source: 'iac',
        discriminator: `${fn.id}:POWERTOOLS_LOGGER_LOG_EVENT`,
      });
    }
    for (const { root, frame } of frames(project)) {
      for (const log of frame.fn.logs) {
        const key = `${frame.module.file}:${log.line}`;
        if (seen.has(key)) continue;
        const labels = project.flow.labelsAt(log.taint, frame);
        const what = labels.map((l) => disclosure(project, frame.module, l)).find(Boolean) ?? (log.named ? `a value named ${log.named}` : undefined);
        if (!what) continue;
        seen.add(key);
        const verb = log.call === 'print' || log.call === 'pprint' ? 'prints' : 'logs';
        const via = frame.fn === root.fn ? '' : ` (called from ${placeText(project, root.module, root.fn)})`;
        report({
          message: `${placeText(project, frame.module, frame.fn)}${via} ${verb} ${what}: anyone who can read the logs can read it.`,
          location: at(frame.module, log.line),
          route: routeFor(project, root.fn),
          evidence: [{ kind: 'code', file: frame.module.file, line: log.line, snippet: log.snippet }],
        });
      }
    }
  },
};
