/**
 * The route model: FastAPI/Starlette apps and routers with their prefixes, includes and mounts; every
 * route's method, full path template and dependencies; Lambda handlers; and the auth style that
 * protects each (none, bearer/header, cookie, gateway authorizer, middleware).
 */
import type { Expr, FunctionSummary, ModuleModel } from './ir.ts';
import { dotted, type Resolver } from './resolve.ts';

export type AuthStyle = 'cookie' | 'bearer' | 'api-key' | 'basic' | 'gateway' | 'middleware';

export interface Handler {
  module: ModuleModel;
  fn: FunctionSummary;
  kind: 'route' | 'lambda';
  method: string;
  path: string;
  /** Auth mechanisms found in the route's dependencies (route, router, include, app). */
  auth: { style: AuthStyle; via: string }[];
  /** Parameter roles: what each parameter of the handler carries. */
  roles: ParamRole[];
  /** A role/permission dependency (require_admin, Security(…, scopes=[…])) gates the route: function-level authorization. */
  roleGate?: string;
}

export type ParamRole =
  | { k: 'request'; origin: 'path' | 'query' | 'body' | 'header' | 'cookie'; name: string }
  | { k: 'body-model'; name: string }
  | { k: 'request-object' }
  | { k: 'event' }
  | { k: 'identity'; text: string; style?: AuthStyle }
  | { k: 'none' };

const APP_CTORS = new Set(['fastapi.FastAPI', 'fastapi.applications.FastAPI', 'starlette.applications.Starlette']);
const ROUTER_CTORS = new Set(['fastapi.APIRouter', 'fastapi.routing.APIRouter']);
const ROUTE_DECORATORS: Record<string, string> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', head: 'HEAD', options: 'OPTIONS' };

/** fastapi.security classes (and common verifiers) → the credential they read. */
const AUTH_SCHEMES: Record<string, AuthStyle> = {
  OAuth2PasswordBearer: 'bearer',
  OAuth2AuthorizationCodeBearer: 'bearer',
  OAuth2: 'bearer',
  OpenIdConnect: 'bearer',
  HTTPBearer: 'bearer',
  HTTPDigest: 'bearer',
  HTTPBasic: 'basic',
  APIKeyHeader: 'api-key',
  APIKeyQuery: 'api-key',
  APIKeyCookie: 'cookie',
  Cognito: 'bearer',
  CognitoCurrentUser: 'bearer',
  CognitoClaims: 'bearer',
  Auth0: 'bearer',
  Auth0CurrentUser: 'bearer',
  FirebaseCurrentUser: 'bearer',
};
/** Dependencies that check a role or permission, not just who the caller is. */
const ROLE_GATE = /admin|superuser|staff|role|permission|scope|group|privileged/i;
const VERIFIERS = /(^|\.)(jwt\.decode|jose\.jwt\.decode|decode_token|verify_token|verify_jwt|verify_id_token|verify_claims|get_current_user|validate_token|authenticate)$/;

interface Node {
  id: string;
  kind: 'app' | 'router';
  prefix: string;
  deps: Expr[];
  module: ModuleModel;
}

interface Edge {
  parent: string;
  child: string;
  prefix: string;
  deps: Expr[];
  module: ModuleModel;
}

function str(e: Expr | undefined): string | undefined {
  return e?.k === 'str' ? e.v : undefined;
}

function listItems(e: Expr | undefined): Expr[] {
  return e?.k === 'list' ? e.items : [];
}

/** `Depends(x)` / `Security(x)` → x. */
export function dependencyTarget(e: Expr | undefined): Expr | undefined {
  if (e?.k !== 'call') return undefined;
  const fn = e.fn.k === 'name' ? e.fn.id : e.fn.k === 'attr' ? e.fn.name : '';
  if (fn !== 'Depends' && fn !== 'Security') return undefined;
  return e.args[0] ?? e.kwargs.dependency;
}

export class RouteModel {
  readonly handlers: Handler[] = [];
  private readonly nodes = new Map<string, Node>();
  private readonly edges: Edge[] = [];
  private readonly authMemo = new Map<string, { style: AuthStyle; via: string }[]>();

  constructor(
    private readonly modules: ModuleModel[],
    private readonly resolver: Resolver,
  ) {
    this.collectNodes();
    this.collectEdges();
    this.collectHandlers();
  }

  private nodeId(expr: Expr, module: ModuleModel): string | undefined {
    const d = this.resolver.definition(expr, module);
    return d ? `${d.module.module}:${d.name}` : undefined;
  }

  private collectNodes(): void {
    for (const m of this.modules) {
      for (const [name, e] of Object.entries(m.assigns)) {
        if (e.k !== 'call') continue;
        const q = this.resolver.qualify(e.fn, m) ?? '';
        const kind = APP_CTORS.has(q) ? 'app' : ROUTER_CTORS.has(q) ? 'router' : undefined;
        if (!kind) continue;
        this.nodes.set(`${m.module}:${name}`, { id: `${m.module}:${name}`, kind, prefix: str(e.kwargs.prefix) ?? '', deps: listItems(e.kwargs.dependencies), module: m });
      }
    }
  }

  private collectEdges(): void {
    for (const m of this.modules) {
      for (const w of m.wiring) {
        if (w.fn.k !== 'attr') continue;
        const parent = this.nodeId(w.fn.obj, m);
        if (!parent) continue;
        if (w.fn.name === 'include_router') {
          const child = w.args[0] ?? w.kwargs.router;
          const id = child && this.nodeId(child, m);
          if (id) this.edges.push({ parent, child: id, prefix: str(w.kwargs.prefix) ?? '', deps: listItems(w.kwargs.dependencies), module: m });
        } else if (w.fn.name === 'mount') {
          const child = w.args[1] ?? w.kwargs.app;
          const id = child && this.nodeId(child, m);
          if (id) this.edges.push({ parent, child: id, prefix: str(w.args[0] ?? w.kwargs.path) ?? '', deps: [], module: m });
        }
      }
    }
  }

  /** Every (prefix, dependencies) under which a router or app is served. */
  private readonly mountMemo = new Map<string, { prefix: string; deps: { expr: Expr; module: ModuleModel }[] }[]>();
  private mounts(id: string, depth = 0): { prefix: string; deps: { expr: Expr; module: ModuleModel }[] }[] {
    if (depth === 0) {
      let m = this.mountMemo.get(id);
      if (!m) this.mountMemo.set(id, (m = this.mountsOf(id, 0)));
      return m;
    }
    return this.mountsOf(id, depth);
  }

  private mountsOf(id: string, depth: number): { prefix: string; deps: { expr: Expr; module: ModuleModel }[] }[] {
    const node = this.nodes.get(id);
    if (!node || depth > 8) return [{ prefix: '', deps: [] }];
    const own = { prefix: node.kind === 'router' ? node.prefix : '', deps: node.deps.map((expr) => ({ expr, module: node.module })) };
    const parents = this.edges.filter((e) => e.child === id);
    if (parents.length === 0) return [own];
    return parents.slice(0, 4).flatMap((edge) =>
      this.mounts(edge.parent, depth + 1).map((p) => ({
        prefix: p.prefix + edge.prefix + own.prefix,
        deps: [...p.deps, ...edge.deps.map((expr) => ({ expr, module: edge.module })), ...own.deps],
      })),
    );
  }

  private collectHandlers(): void {
    for (const m of this.modules) {
      for (const fn of m.functions) {
        let routed = false;
        for (const d of fn.decorators) {
          if (d.k !== 'call' || d.fn.k !== 'attr') continue;
          const name = d.fn.name;
          const method = ROUTE_DECORATORS[name] ?? (name === 'api_route' || name === 'route' ? listItems(d.kwargs.methods).map(str).filter(Boolean).join(',') || 'GET' : undefined);
          if (!method) continue;
          const nodeId = this.nodeId(d.fn.obj, m);
          if (!nodeId) continue;
          const path = str(d.args[0] ?? d.kwargs.path) ?? '';
          const routeDeps = listItems(d.kwargs.dependencies).map((expr) => ({ expr, module: m }));
          for (const mount of this.mounts(nodeId)) {
            const fullPath = (mount.prefix + path).replace(/\/{2,}/g, '/') || '/';
            const deps = [...mount.deps, ...routeDeps];
            this.handlers.push(this.handler(m, fn, method, fullPath, deps));
          }
          routed = true;
        }
        if (!routed && fn.lambda) {
          this.handlers.push({ module: m, fn, kind: 'lambda', method: 'ANY', path: '', auth: lambdaAuth(m, fn), roles: [{ k: 'event' }, { k: 'none' }] });
        }
      }
    }
  }

  private handler(m: ModuleModel, fn: FunctionSummary, method: string, path: string, deps: { expr: Expr; module: ModuleModel }[]): Handler {
    const pathParams = new Set([...path.matchAll(/\{(\w+)(?::[^}]*)?\}/g)].map((x) => x[1]));
    const auth: Handler['auth'] = [];
    let roleGate: string | undefined;
    const gate = (dep: Expr | undefined, target: Expr): void => {
      if (roleGate) return;
      if (dep?.k === 'call' && dep.kwargs.scopes) roleGate = dep.text ?? `${target.text ?? 'dependency'} with scopes`;
      else if (ROLE_GATE.test(target.text ?? '')) roleGate = target.text;
    };
    for (const d of deps) {
      const target = dependencyTarget(d.expr);
      if (target) {
        auth.push(...this.authOf(target, d.module));
        gate(d.expr, target);
      }
    }
    const roles: ParamRole[] = fn.params.map((p) => {
      const marker = dependencyTarget(p.default) ? p.default : this.annotatedDependency(p.annotationExpr, m);
      const dep = dependencyTarget(marker);
      if (dep) {
        gate(marker, dep);
        const found = this.authOf(dep, m, 0, fn.raises);
        auth.push(...found);
        return found.length ? { k: 'identity', text: p.name, style: found[0].style } : { k: 'none' };
      }
      const ann = p.annotation ?? '';
      if (/^(Request|starlette\.requests\.Request|fastapi\.Request|HTTPConnection|WebSocket)$/.test(ann)) return { k: 'request-object' };
      if (/^(Response|BackgroundTasks|JSONResponse)$/.test(ann)) return { k: 'none' };
      if (pathParams.has(p.name)) return { k: 'request', origin: 'path', name: p.name };
      const dflt = p.default?.k === 'call' && p.default.fn.k === 'name' ? p.default.fn.id : undefined;
      if (dflt === 'Header') return { k: 'request', origin: 'header', name: p.name };
      if (dflt === 'Cookie') {
        auth.push({ style: 'cookie', via: `Cookie parameter ${p.name}` });
        return { k: 'request', origin: 'cookie', name: p.name };
      }
      if (dflt === 'Body' || dflt === 'Form' || dflt === 'File') return { k: 'request', origin: 'body', name: p.name };
      if (dflt === 'Path') return { k: 'request', origin: 'path', name: p.name };
      if (dflt === 'Query') return { k: 'request', origin: 'query', name: p.name };
      const base = ann.replace(/^(Optional|Annotated)\[|\]$/g, '').split(/[\[,|]/)[0].trim();
      if (base && /^[A-Z]/.test(base) && !/^(UUID|Decimal|Any|List|Dict|Set|Tuple|Optional|Union|Literal)$/.test(base)) return { k: 'body-model', name: p.name };
      return { k: 'request', origin: 'query', name: p.name };
    });
    return { module: m, fn, kind: 'route', method, path, auth: dedupeAuth(auth), roles, roleGate };
  }

  /** `Annotated[dict, Depends(x)]`, inline or through an alias: the Depends(...) call. */
  private annotatedDependency(ann: Expr | undefined, m: ModuleModel): Expr | undefined {
    let e = ann;
    if (e && (e.k === 'name' || e.k === 'attr')) e = this.resolver.definition(e, m)?.expr;
    if (e?.k !== 'sub') return undefined;
    const items = e.index.k === 'list' ? e.index.items : [e.index];
    return items.find((i) => dependencyTarget(i) !== undefined);
  }

  /** What credential a dependency reads, following dependencies of dependencies. */
  authOf(target: Expr, module: ModuleModel, depth = 0, rejects = true): { style: AuthStyle; via: string }[] {
    if (depth > 5) return [];
    const key = `${module.module}:${target.text ?? ''}:${depth}:${rejects}`;
    const memo = this.authMemo.get(key);
    if (memo) return memo;
    this.authMemo.set(key, []);
    const out: { style: AuthStyle; via: string }[] = [];
    // an instance of a security scheme: oauth2_scheme = OAuth2PasswordBearer(...)
    const def = this.resolver.definition(target, module);
    const ctor = def?.expr.k === 'call' ? def.expr.fn : target.k === 'call' ? target.fn : target;
    const q = this.resolver.qualify(ctor, def?.module ?? module) ?? ctor.text ?? '';
    const cls = q.split('.').at(-1) ?? '';
    // auto_error=False: the scheme lets requests without credentials through; only a dependency that raises rejects them
    const lenient = def?.expr.k === 'call' && def.expr.kwargs.auto_error?.k === 'bool' && !def.expr.kwargs.auto_error.v;
    if (cls in AUTH_SCHEMES && (/fastapi|cloudauth|security/.test(q) || !q.includes('.')) && (!lenient || rejects))
      out.push({ style: AUTH_SCHEMES[cls], via: `${cls} (${(def?.module ?? module).file})` });
    const f = this.resolver.functionOf(target, module);
    if (f) {
      for (const p of f.fn.params) {
        const dep = dependencyTarget(p.default);
        if (dep) out.push(...this.authOf(dep, f.module, depth + 1, f.fn.raises));
        const d = p.default?.k === 'call' && p.default.fn.k === 'name' ? p.default.fn.id : '';
        if (d === 'Cookie') out.push({ style: 'cookie', via: `Cookie parameter ${p.name} of ${f.fn.name}() (${f.module.file})` });
        if (d === 'Header' && /authorization|token|api_key/i.test(p.name)) out.push({ style: 'bearer', via: `${p.name} header of ${f.fn.name}() (${f.module.file})` });
      }
      // what the dependency calls counts when it turns requests away (raises); an "optional user" that swallows a failed decode does not
      for (const text of f.fn.callees) {
        const qc = this.resolver.qualify(dotted(text), f.module) ?? text;
        if (/cookies/.test(text) && f.fn.raises) out.push({ style: 'cookie', via: `request.cookies in ${f.fn.name}() (${f.module.file})` });
        else if (/^(jwt|jose)\./.test(qc) ? f.fn.raises : VERIFIERS.test(qc)) out.push({ style: 'bearer', via: `${qc}() in ${f.fn.name}() (${f.module.file})` });
      }
      const reads = JSON.stringify(f.fn.returns);
      if (/"state"/.test(reads)) out.push({ style: 'middleware', via: `request.state in ${f.fn.name}() (${f.module.file})` });
      if (/"aws\.event","requestContext","authorizer"/.test(reads)) out.push({ style: 'gateway', via: `API Gateway authorizer claims in ${f.fn.name}() (${f.module.file})` });
      if (/"cookies"/.test(reads)) out.push({ style: 'cookie', via: `request.cookies in ${f.fn.name}() (${f.module.file})` });
    }
    const result = dedupeAuth(out);
    this.authMemo.set(key, result);
    return result;
  }
}

/**
 * What a plain Lambda handler authenticates with, from the credentials its code reads (the Cookie header or
 * the HTTP API `cookies` list, the Authorization header) in the handler or a function of its module it calls.
 * Authorizer claims are seen by the flow as identity, not here.
 */
function lambdaAuth(m: ModuleModel, fn: FunctionSummary): Handler['auth'] {
  const called = new Set(fn.callees.map((c) => c.split('.').at(-1)));
  const spans = [fn, ...m.functions.filter((g) => g !== fn && called.has(g.name.split('.').at(-1)))];
  const out: Handler['auth'] = [];
  // the first signal of each kind inside those functions (signals read `Cookie( (line 12)`)
  const first = (signals: string[], keep: (s: string) => boolean, style: AuthStyle, what: string): void => {
    for (const signal of signals) {
      const line = Number(/\(line (\d+)\)$/.exec(signal)?.[1] ?? 0);
      const sp = keep(signal) ? spans.find((g) => line >= g.line && line <= g.endLine) : undefined;
      if (sp) {
        out.push({ style, via: `${what} read in ${sp.name}() (${m.file}:${line})` });
        return;
      }
    }
  };
  first(m.authSignals.cookie, (c) => !/set_cookie/.test(c), 'cookie', "the request's cookies");
  first(m.authSignals.bearer, (b) => /authorization/i.test(b), 'bearer', 'the Authorization header');
  return out;
}

function dedupeAuth(list: { style: AuthStyle; via: string }[]): { style: AuthStyle; via: string }[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.style) && seen.add(a.style));
}
