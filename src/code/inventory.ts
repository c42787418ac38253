/** The routes and handlers a scan discovered, with their auth style and the DynamoDB operations they reach. */
import type { PythonProject } from './python/app-model.ts';
import { routeOf, tableName } from './rules/dynamo-context.ts';
import { codeView, effectiveCors, type CorsView, type IacLinks } from './iac/link.ts';
import { authorizerReadsCookie, authorizerWantsToken, type IacFunction, type IacModel } from './iac/model.ts';

export interface RouteEntry {
  method: string;
  path: string;
  handler: string;
  file: string;
  line: number;
  /** cookie, bearer, api-key, basic, gateway, middleware — or none. */
  auth: string[];
  roleGate?: string;
  dynamodb: { op: string; table?: string; file: string; line: number; via?: string }[];
  /** The gateway routes in front of this route (from the IaC), with their authorizer. */
  /** `token`: the authorizer wants a token a foreign page cannot make the browser send (see `authorizerWantsToken`). */
  gateway?: { api: string; kind: string; route: string; authorizer: string; token: boolean; function: string; at: string; cors: { preflight: CorsView; actual: CorsView } }[];
  /** What a browser meets without a gateway in front: the code's own CORS policy. */
  cors?: { preflight: CorsView; actual: CorsView };
}

export function routeInventory(project: PythonProject, iac?: { model: IacModel; links: IacLinks }): RouteEntry[] {
  return project.handlers.map((h) => {
    const bindings = iac?.links.bindings.get(h) ?? [];
    const code = (fn?: IacFunction): CorsView => {
      const linked = fn && iac?.links.code.get(fn);
      return codeView(project, linked ? linked.module : h.module, h.kind === 'lambda' ? 'lambda' : 'route');
    };
    const own = code();
    const facts = project.facts(h);
    const route = routeOf(h);
    const auth = h.auth.map((a) => a.style);
    if (h.kind === 'route' && auth.length === 0 && facts.identity.length) auth.push('gateway');
    // a gateway authorizer that reads the Cookie header authenticates with a credential the browser attaches by itself
    if (bindings.length && bindings.every((b) => authorizerReadsCookie(b.route.authorizer)) && !auth.includes('cookie')) auth.push('cookie');
    // a Lambda handler's route is the gateway route in front of it, when the IaC says (and every gateway agrees)
    const gw = h.kind === 'lambda' && bindings.length && bindings.every((b) => `${b.route.method} ${b.route.path}` === `${bindings[0].route.method} ${bindings[0].route.path}`) ? bindings[0].route : undefined;
    return {
      method: gw ? gw.method : route.method,
      path: gw ? gw.path : route.path,
      handler: route.handler!,
      file: h.module.file,
      line: h.fn.line,
      auth: auth.length ? auth : [h.kind === 'lambda' ? 'gateway-or-none' : 'none'],
      roleGate: h.roleGate,
      dynamodb: facts.accesses.map((a) => ({ op: a.call.op, table: tableName(project, a), file: a.module.file, line: a.call.loc.line, via: a.via })),
      ...(bindings.length
        ? {
            gateway: bindings.map((b) => ({
              api: b.api.name,
              kind: b.api.kind,
              route: `${b.route.method} ${b.route.path}`,
              authorizer: authorizerReadsCookie(b.route.authorizer) ? `${b.route.authorizer.kind}-cookie` : b.route.authorizer.kind,
              token: authorizerWantsToken(b.route.authorizer),
              function: b.fn.name,
              at: `${b.route.at.file}:${b.route.at.line}`,
              cors: effectiveCors(b, code(b.fn)),
            })),
          }
        : own.layer !== 'none'
          ? { cors: { preflight: own, actual: own } }
          : {}),
    };
  });
}
