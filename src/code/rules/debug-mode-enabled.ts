import type { Impact, Likelihood } from '../../findings/index.ts';
import type { Rule } from './rule.ts';
import type { PythonProject } from '../python/app-model.ts';
import type { ClassModel, Expr, ModuleModel } from '../python/ir.ts';
import type { Comparison, DebugSite, DebugValue, ExposureSite } from '../python/debug-sites.ts';
import { describe, type Value } from '../python/resolve.ts';
import { kindOfName } from '../secrets.ts';

const APP_CTORS = new Set(['fastapi.FastAPI', 'fastapi.applications.FastAPI', 'starlette.applications.Starlette']);
const SETTINGS_BASES = new Set(['pydantic.BaseSettings', 'pydantic_settings.BaseSettings', 'pydantic.v1.BaseSettings']);
/** How pydantic reads a bool from the environment. */
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on', 't', 'y']);

/** The words of a finding about debug tracebacks (not a handler returning the environment or settings), which the chains read. */
export const DEBUG_ON_WORDS = 'runs with debug on';

export const rule: Rule = {
  meta: {
    id: 'debug-mode-enabled',
    topic: 'debug-information-exposure',
    summary: 'Debug mode on (tracebacks with source to every caller), or a handler returning the environment or the whole settings object.',
    cwe: [215],
    owasp: ['API8:2023'],
    // debug: tracebacks with file paths, source lines and exception text (account, role, table names) on
    // any unhandled error — reconnaissance, not data; returning the environment is rated per finding (credentials)
    impact: 'medium',
    likelihood: 'medium',
    confidence: 'high',
    appliesTo: { framework: ['fastapi', 'starlette', 'lambda'], datastore: ['any'] },
    stability: 'experimental',
    remediation: 'Default debug to False and enable it only from an explicit local setting; return individual, non-secret values instead of os.environ or the settings object.',
    limits:
      'Debug values are resolved through constants, imports, os.getenv/os.environ with defaults, comparisons and pydantic BaseSettings fields; a value that cannot be resolved is not reported. ' +
      'Cannot see whether the deployment sets DEBUG, so a default of on is reported with medium confidence. ' +
      'Returns are recognised when the environment (os.environ, a copy, an unfiltered comprehension) or the settings object (settings, .dict(), .model_dump(), vars()) reaches the return of a route or Lambda handler directly or through one local variable; filtered copies are not reported.',
  },
  check({ project, report }) {
    for (const m of project.modules) {
      for (const site of m.debugSites.debug) debugSite(project, m, site, report);
      for (const e of m.debugSites.exposures) exposureSite(project, m, e, report);
    }
  },
};

type Report = Parameters<Rule['check']>[0]['report'];

interface Flag {
  on: 'yes' | 'no' | 'unknown';
  /** Where the value comes from: `True`, `from environment DEBUG, default "true"`. */
  from: string;
  env: boolean;
}

function debugSite(project: PythonProject, m: ModuleModel, site: DebugSite, report: Report): void {
  const { resolver } = project;
  const scopeLocals = site.locals;
  let app: string;
  if (site.form === 'kwarg') {
    const ctor = resolver.qualify(site.target, m);
    if (!ctor || !APP_CTORS.has(ctor)) return;
    app = `${site.appTarget ?? 'The app'} (${ctor.split('.').at(-1)})`;
  } else {
    // app.debug = …: the object must be an app this project builds
    const obj = site.target;
    const local = obj.k === 'name' ? scopeLocals?.[obj.id] : undefined;
    const def = local ? { module: m, expr: local } : resolver.definition(obj, m);
    if (def?.expr.k !== 'call' || !APP_CTORS.has(resolver.qualify(def.expr.fn, def.module) ?? '')) return;
    app = obj.text ?? 'The app';
  }
  if (site.fn) app += ` in ${site.fn}()`;
  const flag = flagOf(project, m, site.value, site);
  if (flag.on !== 'yes') return;
  const how = site.form === 'kwarg' ? 'debug' : `${site.target.text ?? 'app'}.debug`;
  report({
    message: flag.env
      ? `${app} ${DEBUG_ON_WORDS} unless the environment says otherwise (${how} is ${flag.from}): every unhandled error answers with its traceback and source lines.`
      : `${app} ${DEBUG_ON_WORDS} (${how}=${flag.from}): every unhandled error answers with its traceback and source lines.`,
    location: { file: m.file, start: { line: site.loc.line, column: site.loc.col } },
    confidence: flag.env ? 'medium' : 'high',
    evidence: [{ kind: 'code', file: m.file, line: site.loc.line, snippet: site.snippet }],
  });
}

/** Whether a debug value is on, resolved across modules. */
function flagOf(project: PythonProject, m: ModuleModel, value: DebugValue, scope?: DebugSite, depth = 0): Flag {
  if ('cmp' in value) return comparisonFlag(project, m, value.cmp, scope?.locals);
  const expr = value.expr;
  if (depth < 4 && (expr.k === 'name' || expr.k === 'attr')) {
    // a comparison assigned to a name: DEBUG = os.environ.get("API_DEBUG", "1") == "1"
    const localFlag = expr.k === 'name' ? scope?.localFlags?.[expr.id] : undefined;
    if (localFlag) return comparisonFlag(project, m, localFlag, scope?.locals);
    const def = expr.k === 'name' && scope?.locals?.[expr.id] ? undefined : project.resolver.definition(expr, m);
    const cmp = def && def.module.debugSites.flags[def.name];
    if (def && cmp) {
      const f = comparisonFlag(project, def.module, cmp);
      return { ...f, from: `${f.from}, via ${def.name} (${def.module.file})` };
    }
  }
  return valueFlag(project.resolver.evaluate(expr, m, scope?.locals));
}

function valueFlag(v: Value): Flag {
  const via = v.trail?.length ? `, via ${v.trail.at(-1)}` : '';
  switch (v.k) {
    case 'bool':
      return { on: v.v ? 'yes' : 'no', from: v.v ? 'True' : 'False', env: false };
    case 'num':
      return { on: v.v ? 'yes' : 'no', from: String(v.v), env: false };
    case 'none':
      return { on: 'no', from: 'None', env: false };
    case 'str':
      return { on: v.v ? 'yes' : 'no', from: JSON.stringify(v.v), env: false };
    case 'env': {
      const d = v.default;
      if (!d) return { on: v.settings ? 'unknown' : 'no', from: describe(v), env: true }; // unset: None / required
      const dflt = valueFlag(d);
      const on = v.settings && d.k === 'str' ? (TRUE_WORDS.has(d.v.trim().toLowerCase()) ? 'yes' : 'no') : dflt.on;
      return { on, from: `${describe(v)}${via}`, env: true };
    }
    default:
      return { on: 'unknown', from: describe(v), env: false };
  }
}

/** `os.getenv("DEBUG", "true").lower() == "true"`: the default decides, after the string methods applied to it. */
function comparisonFlag(project: PythonProject, m: ModuleModel, cmp: Comparison, locals?: Record<string, Expr>): Flag {
  const side = (e: Expr): { value: Value; methods: string[] } => {
    const methods: string[] = [];
    while (e.k === 'call' && e.fn.k === 'attr' && e.args.length === 0 && ['lower', 'upper', 'strip', 'casefold'].includes(e.fn.name)) {
      methods.unshift(e.fn.name);
      e = e.fn.obj;
    }
    return { value: project.resolver.evaluate(e, m, locals), methods };
  };
  let l = side(cmp.l);
  let r = side(cmp.r);
  if (r.value.k === 'env' && l.value.k !== 'env') [l, r] = [r, l];
  const literal = (v: Value, methods: string[]): unknown => {
    if (v.k === 'str') return methods.reduce((s, fn) => (fn === 'lower' || fn === 'casefold' ? s.toLowerCase() : fn === 'upper' ? s.toUpperCase() : s.trim()), v.v);
    if (v.k === 'num' || v.k === 'bool') return v.v;
    if (v.k === 'none') return null;
    if (v.k === 'list') return v.items.map((i) => literal(i, []));
    return undefined;
  };
  const rv = literal(r.value, r.methods);
  if (rv === undefined) return { on: 'unknown', from: cmp.text, env: false };
  let lv: unknown;
  let from: string;
  let env = false;
  if (l.value.k === 'env') {
    env = true;
    const d = l.value.default;
    lv = d ? literal(d, l.methods) : null; // unset: os.getenv returns None
    if (lv === undefined) return { on: 'unknown', from: cmp.text, env };
    from = `from environment ${l.value.name}, ${d ? `default ${describe(d)}` : 'no default'}`;
  } else {
    lv = literal(l.value, l.methods);
    if (lv === undefined) return { on: 'unknown', from: cmp.text, env: false };
    from = cmp.text;
  }
  let result: boolean;
  switch (cmp.op) {
    case '==':
    case 'is':
      result = lv === rv;
      break;
    case '!=':
    case 'is not':
      result = lv !== rv;
      break;
    case 'in':
    case 'not in': {
      const hit = Array.isArray(rv) ? rv.includes(lv) : typeof rv === 'string' && typeof lv === 'string' && rv.includes(lv);
      result = cmp.op === 'in' ? hit : !hit;
      break;
    }
    default:
      return { on: 'unknown', from: cmp.text, env };
  }
  return { on: result ? 'yes' : 'no', from: env ? `${from} → ${result ? 'True' : 'False'}` : from, env };
}

function exposureSite(project: PythonProject, m: ModuleModel, e: ExposureSite, report: Report): void {
  const handler = project.handlers.find((h) => h.module === m && h.fn.line === e.fnLine);
  if (!handler && !e.handler) return; // a helper: what its caller does with the value is not followed
  const route = handler?.kind === 'route' ? { method: handler.method, path: handler.path, handler: e.fn } : undefined;
  const authed = !!handler?.auth.length || !!handler?.roleGate;
  const reach = route ? `${route.method} ${route.path}` : `${e.fn}()`;
  let message: string;
  let impact: Impact;
  if (e.what === 'environ') {
    impact = 'high';
    message = `${reach} returns the whole process environment (${e.how}): on Lambda it holds the execution role's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and every secret passed as a variable.`;
  } else {
    const cls = settingsClass(project, m, e);
    if (!cls) return;
    const secrets = [...Object.keys(cls.cls.fields), ...cls.cls.required].filter((f) => kindOfName(f) !== undefined || /database_url|dsn|connection_string/i.test(f));
    impact = secrets.length ? 'high' : 'medium';
    message = `${reach} returns the whole settings object (${e.how}, ${cls.cls.name} in ${cls.module.file})${secrets.length ? `, including ${secrets.slice(0, 4).join(', ')}` : ''}: every value the app is configured with goes to the caller.`;
  }
  const likelihood: Likelihood = authed ? 'medium' : 'high';
  report({
    message: authed ? `${message} The route requires authentication, so any authenticated caller reads it.` : message,
    location: { file: m.file, start: { line: e.loc.line, column: e.loc.col } },
    route,
    impact,
    likelihood,
    confidence: 'high',
    evidence: [{ kind: 'code', file: m.file, line: e.loc.line, snippet: e.snippet }],
    discriminator: e.how,
  });
}

/** The pydantic BaseSettings class of the returned object: a module instance, a getter, or a parameter annotated or injected with it. */
function settingsClass(project: PythonProject, m: ModuleModel, e: ExposureSite): { module: ModuleModel; cls: ClassModel } | undefined {
  const { resolver } = project;
  const candidates: { expr: Expr; module: ModuleModel }[] = [];
  if (e.param) {
    if (e.param.annotation) candidates.push({ expr: e.param.annotation, module: m });
    const d = e.param.default;
    // Depends(get_settings)
    if (d?.k === 'call' && /(^|\.)Depends$/.test(d.fn.text ?? '') && d.args[0]) candidates.push({ expr: { k: 'call', fn: d.args[0], args: [], kwargs: {} }, module: m });
  } else if (e.subject) {
    candidates.push({ expr: e.subject, module: m });
  }
  for (const c of candidates) {
    let expr = c.expr;
    let module = c.module;
    for (let i = 0; i < 6; i++) {
      // a name: the class itself (an annotation) or a variable holding an instance
      const cls = classOf(project, expr, module);
      if (cls) {
        if (i === 0 && c.expr === e.subject) break; // returning the class, not an instance
        return isSettings(project, cls.module, cls.cls) ? cls : undefined;
      }
      if (expr.k === 'call') {
        const ctor = classOf(project, expr.fn, module);
        if (ctor) return isSettings(project, ctor.module, ctor.cls) ? ctor : undefined;
        const def = resolver.definition(expr.fn, module);
        if (def?.expr.k !== 'lambda') break; // def get_settings(): return Settings()
        expr = def.expr.body;
        module = def.module;
        continue;
      }
      const def = resolver.definition(expr, module);
      if (!def) break;
      expr = def.expr;
      module = def.module;
    }
  }
  return undefined;
}

function classOf(project: PythonProject, expr: Expr, module: ModuleModel): { module: ModuleModel; cls: ClassModel } | undefined {
  if (expr.k !== 'name' && expr.k !== 'attr') return undefined;
  const q = project.resolver.qualify(expr, module);
  if (!q) return undefined;
  const dot = q.lastIndexOf('.');
  const owner = project.modules.find((x) => x.module === q.slice(0, dot));
  const cls = owner?.classes[q.slice(dot + 1)];
  return owner && cls ? { module: owner, cls } : undefined;
}

function isSettings(project: PythonProject, module: ModuleModel, cls: ClassModel, depth = 0): boolean {
  if (depth > 6) return false;
  for (const b of cls.bases) {
    if (SETTINGS_BASES.has(project.resolver.qualify(b, module) ?? '')) return true;
    const parent = classOf(project, b, module);
    if (parent && isSettings(project, parent.module, parent.cls, depth + 1)) return true;
  }
  return false;
}
