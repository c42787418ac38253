/** The routes and handlers a scan discovered, with their auth style and the DynamoDB operations they reach. */
import type { PythonProject } from './python/app-model.ts';
import { routeOf, tableName } from './rules/dynamo-context.ts';

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
}

export function routeInventory(project: PythonProject): RouteEntry[] {
  return project.handlers.map((h) => {
    const facts = project.facts(h);
    const route = routeOf(h);
    const auth = h.auth.map((a) => a.style);
    if (h.kind === 'route' && auth.length === 0 && facts.identity.length) auth.push('gateway');
    return {
      method: route.method,
      path: route.path,
      handler: route.handler!,
      file: h.module.file,
      line: h.fn.line,
      auth: auth.length ? auth : [h.kind === 'lambda' ? 'gateway-or-none' : 'none'],
      roleGate: h.roleGate,
      dynamodb: facts.accesses.map((a) => ({ op: a.call.op, table: tableName(project, a), file: a.module.file, line: a.call.loc.line, via: a.via })),
    };
  });
}
