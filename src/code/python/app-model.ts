/**
 * The FastAPI/Starlette app model the CORS rules read: every CORSMiddleware attached to an app, with
 * its arguments resolved, the Starlette version in force for that file, and the ambient credentials
 * the project accepts.
 */
import type { CorsSite, Expr, ModuleModel } from './ir.ts';
import { Project, Resolver, type Value } from './resolve.ts';
import type { VersionInfo } from './deps.ts';
import { RouteModel, type Handler } from './routes.ts';
import { DataFlow, type HandlerFacts } from './dataflow.ts';

export const CORS_MIDDLEWARE = new Set(['starlette.middleware.cors.CORSMiddleware', 'fastapi.middleware.cors.CORSMiddleware']);

export interface ResolvedArg {
  expr: Expr;
  value: Value;
}

export interface CorsPolicy {
  module: ModuleModel;
  site: CorsSite;
  /** `app` (app/main.py), or `create_app() in app/factory.py`. */
  app: string;
  origins?: ResolvedArg;
  credentials?: ResolvedArg;
  regex?: ResolvedArg;
  starlette?: VersionInfo;
}

export interface AmbientCredentials {
  cookie: string[]; // `APIKeyCookie (app/auth.py:9)`
  bearer: string[];
  /** Cookies the code sets, with their SameSite when written as a literal. */
  cookieSet: { name?: string; sameSite?: string; where: string }[];
}

export interface PythonProject {
  modules: ModuleModel[];
  resolver: Resolver;
  policies: CorsPolicy[];
  ambient: AmbientCredentials;
  starletteFor(file: string): VersionInfo | undefined;
  handlers: Handler[];
  /** Data-flow facts of a handler, computed once. */
  facts(h: Handler): HandlerFacts;
  flow: DataFlow;
}

function appLabel(site: CorsSite): string {
  const name = site.app?.text ?? site.appTarget ?? 'app';
  return site.fn ? `${name} in ${site.fn}()` : name;
}

export function buildPythonProject(modules: ModuleModel[], starletteFor: (file: string) => VersionInfo | undefined): PythonProject {
  const project = new Project(modules);
  const resolver = new Resolver(project);
  const policies: CorsPolicy[] = [];
  const ambient: AmbientCredentials = { cookie: [], bearer: [], cookieSet: [] };
  for (const m of modules) {
    for (const c of m.authSignals.cookieSet ?? []) ambient.cookieSet.push({ ...(c.name ? { name: c.name } : {}), ...(c.sameSite ? { sameSite: c.sameSite } : {}), where: `${m.file}:${c.line}` });
    for (const c of m.authSignals.cookie) ambient.cookie.push(c.replace(/\(line (\d+)\)/, `(${m.file}:$1)`));
    for (const b of m.authSignals.bearer) ambient.bearer.push(b.replace(/\(line (\d+)\)/, `(${m.file}:$1)`));
    for (const site of m.corsSites) {
      const q = resolver.qualify(site.middleware, m);
      if (!q || !CORS_MIDDLEWARE.has(q)) continue;
      const kwargs = { ...site.kwargs };
      // **CORS_KWARGS: merge a resolvable dict of keyword arguments
      for (const [k, e] of Object.entries(site.kwargs)) {
        if (!k.startsWith('**')) continue;
        const v = resolver.evaluate(e, m, site.locals);
        if (v.k === 'dict') {
          const dictExpr = findDictExpr(e, m, site.locals);
          for (const [key, val] of dictExpr?.entries ?? []) if (key.k === 'str' && !(key.v in kwargs)) kwargs[key.v] = val;
        }
      }
      const arg = (name: string): ResolvedArg | undefined => {
        const expr = kwargs[name];
        return expr ? { expr, value: resolver.evaluate(expr, m, site.locals) } : undefined;
      };
      policies.push({
        module: m,
        site,
        app: appLabel(site),
        origins: arg('allow_origins'),
        credentials: arg('allow_credentials'),
        regex: arg('allow_origin_regex'),
        starlette: starletteFor(m.file),
      });
    }
  }
  const routes = new RouteModel(modules, resolver);
  const flow = new DataFlow(resolver);
  const memo = new Map<Handler, HandlerFacts>();
  const facts = (h: Handler): HandlerFacts => {
    let f = memo.get(h);
    if (!f) memo.set(h, (f = flow.facts(h)));
    return f;
  };
  return { modules, resolver, policies, ambient, starletteFor, handlers: routes.handlers, facts, flow };
}

/** The dict display behind `**name`, when it is a module constant or a local. */
function findDictExpr(e: Expr, m: ModuleModel, locals: Record<string, Expr>): (Expr & { k: 'dict' }) | undefined {
  if (e.k === 'dict') return e;
  if (e.k === 'name') {
    const target = locals[e.id] ?? m.assigns[e.id];
    if (target?.k === 'dict') return target;
  }
  return undefined;
}
