/**
 * Joins the IaC model to the code: each function's handler (`app.main.handler` under its code
 * directory) to the Python module and function that run — a plain Lambda handler, or a FastAPI app
 * wrapped by Mangum — and each code route to the gateway routes in front of it. A FastAPI app behind
 * a proxy route (`/{proxy+}`, `$default`, `ANY /`) inherits that route's authorizer and CORS; behind
 * named gateway routes, a code route is joined to the gateway route with the same method and path.
 */
import type { PythonProject } from '../python/app-model.ts';
import type { ModuleModel } from '../python/ir.ts';
import type { Handler } from '../python/routes.ts';
import { originList, credentialsOf } from '../rules/cors-context.ts';
import { allOf, isUnresolved, type CorsConfig, type IacApi, type IacFunction, type IacModel, type IacRoute, type IacString } from './model.ts';

export interface GatewayBinding {
  api: IacApi;
  route: IacRoute;
  fn: IacFunction;
  /** The gateway route forwards every path to the app (`proxy`), or names this route (`route`), or the handler is the function itself (`handler`). */
  via: 'proxy' | 'route' | 'handler';
}

export interface FunctionCode {
  module: ModuleModel;
  /** A plain Lambda handler function, or a FastAPI/Starlette app wrapped by Mangum. */
  kind: 'lambda' | 'mangum';
  /** The project handlers this function runs (its Lambda handler, or the app's routes). */
  handlers: Handler[];
}

export interface IacLinks {
  code: Map<IacFunction, FunctionCode>;
  /** Gateway routes in front of each code handler. */
  bindings: Map<Handler, GatewayBinding[]>;
  /** The same joins seen from the gateway: the code handlers each gateway route carries. */
  carried: Map<IacRoute, Handler[]>;
  /** Functions with a Python handler the scan did not find, with the file it looked for. */
  unlinked: { fn: IacFunction; looked: string }[];
}

/** `relOf(module.file)`: the module's path relative to the scan root. */
export function linkIac(model: IacModel, project: PythonProject, relOf: (file: string) => string | undefined): IacLinks {
  const { apis, routes, functions } = allOf(model);
  const byRel = new Map<string, ModuleModel>();
  for (const m of project.modules) {
    const rel = relOf(m.file);
    if (rel) byRel.set(rel, m);
  }
  const links: IacLinks = { code: new Map(), bindings: new Map(), carried: new Map(), unlinked: [] };
  for (const fn of functions) {
    if (!fn.handler || (fn.runtime && !/^python/i.test(fn.runtime))) continue;
    const dot = fn.handler.lastIndexOf('.');
    if (dot <= 0) continue;
    const modPath = fn.handler.slice(0, dot).replace(/\./g, '/');
    const attr = fn.handler.slice(dot + 1);
    const candidates = fn.codeDir !== undefined ? [`${fn.codeDir ? `${fn.codeDir}/` : ''}${modPath}.py`, `${fn.codeDir ? `${fn.codeDir}/` : ''}${modPath}/__init__.py`] : [];
    let module = candidates.map((c) => byRel.get(c)).find((m) => m);
    if (!module && fn.codeDir === undefined) {
      // the code location is computed (an S3 object, an unresolved asset path): a unique module with that path will do
      const found = [...byRel].filter(([rel]) => rel === `${modPath}.py` || rel.endsWith(`/${modPath}.py`));
      if (found.length === 1) module = found[0][1];
    }
    if (!module) {
      links.unlinked.push({ fn, looked: candidates[0] ?? `${modPath}.py` });
      continue;
    }
    // a function's package is its code directory: only the routes defined in it run there
    const base = fn.codeDir ?? (relOf(module.file) ?? '').split('/').slice(0, -modPath.split('/').length).join('/');
    const inPackage = (m: ModuleModel): boolean => !base || (relOf(m.file) ?? '').startsWith(`${base}/`);
    const code = functionCode(project, module, attr, inPackage);
    if (code) links.code.set(fn, code);
  }
  for (const [fn, code] of links.code) {
    for (const route of routes) {
      if (route.function !== fn.id) continue;
      const api = apis.find((a) => a.id === route.api);
      if (!api) continue;
      for (const h of code.handlers) {
        const via = code.kind === 'lambda' ? 'handler' : matches(route, h);
        if (!via) continue;
        links.bindings.set(h, [...(links.bindings.get(h) ?? []), { api, route, fn, via }]);
        links.carried.set(route, [...(links.carried.get(route) ?? []), h]);
      }
    }
  }
  return links;
}

function functionCode(project: PythonProject, module: ModuleModel, attr: string, inPackage: (m: ModuleModel) => boolean): FunctionCode | undefined {
  const fn = module.functions.find((f) => f.name === attr);
  if (fn) return { module, kind: 'lambda', handlers: project.handlers.filter((h) => h.module === module && h.fn === fn) };
  const assigned = module.assigns[attr];
  if (assigned?.k === 'call' && /(^|\.)Mangum$/.test(assigned.fn.text ?? '')) {
    return { module, kind: 'mangum', handlers: project.handlers.filter((h) => h.kind === 'route' && inPackage(h.module)) };
  }
  return undefined;
}

/** Does this gateway route carry requests for that code route? */
function matches(route: IacRoute, h: Handler): GatewayBinding['via'] | undefined {
  if (route.method !== 'ANY' && route.method !== h.method) return undefined;
  if (route.path === '$default') return 'proxy';
  const proxy = /\{[^}]*\+\}$/.exec(route.path);
  if (proxy) {
    const prefix = route.path.slice(0, proxy.index).replace(/\/$/, '');
    return h.path === prefix || h.path.startsWith(`${prefix}/`) ? 'proxy' : undefined;
  }
  return normalise(route.path) === normalise(h.path) ? 'route' : undefined;
}

/** `/profiles/{user_id}` and `/profiles/{id}` are the same route. */
export function normalise(path: string): string {
  return (path.replace(/\{[^}]*\}/g, '{}').replace(/\/+$/, '') || '/').toLowerCase();
}

// ---- effective CORS -------------------------------------------------------------------------------

export interface CorsView {
  /** Who decides: the gateway itself, a MOCK OPTIONS method, the function URL, or the code (CORSMiddleware / response headers). */
  layer: 'gateway' | 'mock-options' | 'function-url' | 'code' | 'none';
  origins: string[];
  credentials: boolean | 'unknown';
  /** file:line of the policy. */
  where?: string;
}

export interface EffectiveCors {
  preflight: CorsView;
  actual: CorsView;
}

export function originsText(list: IacString[]): string[] {
  return list.map((o) => (isUnresolved(o) ? `<${o.unresolved}>` : o));
}

function gatewayView(c: CorsConfig, layer: CorsView['layer']): CorsView {
  return { layer, origins: originsText(c.origins), credentials: typeof c.credentials === 'boolean' ? c.credentials : 'unknown', where: `${c.at.file}:${c.at.line}` };
}

/** The CORSMiddleware policy of the app in `module`, else the project's first. */
export function policyFor(project: PythonProject, module?: ModuleModel): PythonProject['policies'][number] | undefined {
  return project.policies.find((x) => x.module === module) ?? project.policies[0];
}

/**
 * The code's CORSMiddleware policy as a view: the policy set in `module` (the app a function runs) when
 * there is one, else the project's first; a plain Lambda handler (`lambda`) sets its own response headers,
 * which this view does not model, so it has none.
 */
export function codeView(project: PythonProject, module?: ModuleModel, kind: 'mangum' | 'lambda' | 'route' = 'route'): CorsView {
  if (kind === 'lambda') return { layer: 'code', origins: [], credentials: 'unknown', where: "the handler's own response headers" };
  const p = policyFor(project, module);
  if (!p) return { layer: 'none', origins: [], credentials: false };
  const list = originList(p.origins);
  const cred = credentialsOf(p.credentials);
  const origins = [...list.items.map((i) => i.origin), ...(p.regex ? [`regex ${p.regex.expr.text ?? '?'}`] : [])];
  return { layer: 'code', origins: list.unknown && !origins.length ? ['<computed>'] : origins, credentials: cred === 'unknown' ? 'unknown' : cred === 'yes', where: `${p.module.file}:${p.site.loc.line}` };
}

/**
 * What a browser meets on a route (platform facts §4): an HTTP API with a CORS configuration answers
 * preflights and overrides the backend's headers; a REST API's MOCK OPTIONS answers preflights while the
 * Lambda (the code) sets the actual response's headers; without gateway CORS, the code does both.
 */
export function effectiveCors(binding: GatewayBinding | undefined, code: CorsView): EffectiveCors {
  if (!binding) return { preflight: code, actual: code };
  const { api, route } = binding;
  if (api.kind === 'http' && api.cors) {
    const v = gatewayView(api.cors, 'gateway');
    return { preflight: v, actual: v };
  }
  if (api.kind === 'function-url' && api.cors) {
    const v = gatewayView(api.cors, 'function-url');
    return { preflight: v, actual: v };
  }
  const mock = route.cors ?? (api.kind === 'rest' ? api.cors : undefined);
  if (mock) return { preflight: gatewayView(mock, 'mock-options'), actual: code };
  return { preflight: code, actual: code };
}
