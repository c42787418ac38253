/**
 * Shared judgement for the IaC rules: where a declaration sits, which CORS policies the gateways
 * declare (each once, with the APIs and routes it covers), and what a function does with DynamoDB —
 * from its code when the handler was found, else from its IAM statements.
 */
import type { Evidence, Location, Route } from '../../findings/index.ts';
import type { PythonProject } from '../python/app-model.ts';
import { hasIdentity } from '../python/dataflow.ts';
import type { Handler } from '../python/routes.ts';
import { allOf, isUnresolved, type CorsConfig, type IacApi, type IacFunction, type IacModel, type IacRoute, type IacString, type Place } from '../iac/model.ts';
import type { IacLinks } from '../iac/link.ts';

export function placeLocation(p: Place): Location {
  return { file: p.file, start: { line: p.line, column: p.col ?? 1 } };
}

export function placeEvidence(p: Place, note?: string): Evidence {
  return { kind: 'code', file: p.file, line: p.line, snippet: p.snippet, note: note ?? p.path };
}

export function gatewayRoute(route: IacRoute): Route {
  return { method: route.method, path: route.path };
}

const KIND: Record<IacApi['kind'], string> = { rest: 'REST API', http: 'HTTP API', 'function-url': 'Lambda function URL' };

/** `HTTP API ProfilesApi`, `Lambda function URL of ApiFunction`. */
export function apiLabel(api: IacApi): string {
  return api.kind === 'function-url' ? `${KIND[api.kind]} of ${api.name.replace(/ function URL$/, '')}` : `${KIND[api.kind]} ${api.name}`;
}

export function text(v: IacString): string {
  return isUnresolved(v) ? v.unresolved : v;
}

export interface DeclaredCors {
  cors: CorsConfig;
  api: IacApi;
  routes: IacRoute[];
}

/** Every CORS policy the IaC declares, once each, with the API and the routes it covers. */
export function declaredCors(model: IacModel): DeclaredCors[] {
  const { apis, routes } = allOf(model);
  const out = new Map<CorsConfig, DeclaredCors>();
  for (const api of apis) if (api.cors) out.set(api.cors, { cors: api.cors, api, routes: routes.filter((r) => r.api === api.id) });
  for (const r of routes) {
    if (!r.cors) continue;
    const api = apis.find((a) => a.id === r.api);
    if (!api) continue;
    const d = out.get(r.cors);
    if (d) {
      if (!d.routes.includes(r)) d.routes.push(r);
    } else out.set(r.cors, { cors: r.cors, api, routes: [r] });
  }
  return [...out.values()];
}

export interface DynamoReach {
  /** Operations the code performs (get_item, query …), when the handler was found. */
  codeOps: string[];
  /** DynamoDB actions the function's IAM statements allow. */
  iamActions: string[];
  reads: boolean;
  writes: boolean;
  /** The handlers the function runs, and whether any of them reads the caller's identity itself. */
  handlers: Handler[];
  identityInCode: boolean;
  /** The code was found and read. */
  known: boolean;
}

const READ_OPS = /^(get_item|query|scan|batch_get_item|transact_get_items)$/;
const READ_ACTIONS = /^dynamodb:(GetItem|Query|Scan|BatchGetItem|TransactGetItems|PartiQLSelect|\*)$/i;
const WRITE_ACTIONS = /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|PartiQL(Insert|Update|Delete)|\*)$/i;

export function dynamoReach(project: PythonProject, links: IacLinks, fn: IacFunction, only?: Handler[]): DynamoReach {
  const code = links.code.get(fn);
  const handlers = only ?? code?.handlers ?? [];
  const codeOps: string[] = [];
  let identityInCode = false;
  for (const h of handlers) {
    const facts = project.facts(h);
    for (const a of facts.accesses) codeOps.push(a.call.op);
    if (h.auth.length || facts.identity.length || facts.accesses.some((a) => hasIdentity(a.keys.flatMap((k) => k.labels)))) identityInCode = true;
  }
  const iamActions = fn.statements.filter((s) => s.effect === 'Allow').flatMap((s) => s.actions.map(text)).filter((a) => /^dynamodb:|^\*$/i.test(a));
  const known = !!code;
  const reads = known ? codeOps.some((o) => READ_OPS.test(o)) : iamActions.some((a) => READ_ACTIONS.test(a) || a === '*');
  const writes = known ? codeOps.some((o) => !READ_OPS.test(o)) : iamActions.some((a) => WRITE_ACTIONS.test(a) || a === '*');
  return { codeOps: [...new Set(codeOps)], iamActions: [...new Set(iamActions)], reads, writes, handlers, identityInCode, known };
}

/** The function a route integrates with. */
export function routeFunction(model: IacModel, route: IacRoute): IacFunction | undefined {
  return route.function ? allOf(model).functions.find((f) => f.id === route.function) : undefined;
}
