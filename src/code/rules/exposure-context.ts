/**
 * Shared judgement for the data-exposure rules (CWE-200/209/312/359/532/538): which functions to look
 * at and with what parameter roles, what a label discloses (the whole event, a credential, a whole item
 * of a table holding personal data), and which attributes each table is known to hold. Computed once
 * per project; each rule reports its own kind of site.
 */
import type { Location, Route } from '../../findings/index.ts';
import type { PythonProject } from '../python/app-model.ts';
import type { Access, Frame, Label } from '../python/dataflow.ts';
import type { DynamoCall, FunctionSummary, ModuleModel } from '../python/ir.ts';
import { dependencyTarget, type Handler, type ParamRole } from '../python/routes.ts';
import { routeOf, routeText, tableName } from './dynamo-context.ts';

/** A function to examine, with what its parameters carry. */
export interface Root {
  module: ModuleModel;
  fn: FunctionSummary;
  roles: ParamRole[];
  /** The routes or Lambda handler this function is, when it is one. */
  handlers: Handler[];
}

/** Attribute names that hold personal data or secrets (CWE-359). */
export const PERSONAL = /e_?mail|phone|mobile|address|street|post_?code|zip_?code|birth|dob|ssn|social_security|passport|national_id|tax_id|iban|card|cvv|cvc|password|passwd|secret|token|salary|first_?name|last_?name|full_?name|surname|gender|ip_addr|medical|diagnosis|license|api_?key/i;
/** Request fields and names that carry credentials. */
const CREDENTIAL = /^(password|passwd|pwd|new_password|old_password|secret|client_secret|token|access_token|refresh_token|id_token|api_?key|authorization|card_number|cvv|cvc|pin|ssn)$/i;
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|x-auth-token|x-amz-security-token|x-csrf-token)$/i;
const DUMP = /^(model_dump|dict|model_dump_json|json)(!.*)?$/;
/** Tables named for people hold personal data whatever attributes the code names. */
const PEOPLE_TABLE = /user|profile|customer|account|member|patient|employee|person|contact|subscriber/i;

interface State {
  roots: Root[];
  tables: Map<string, Set<string>>;
  handlersOf: Map<FunctionSummary, Handler[]>;
  /** What each access id (`file:line:col`) reads, looked up once. */
  sources: Map<string, { table: string; call: DynamoCall; module: ModuleModel } | undefined>;
  byFile: Map<string, ModuleModel>;
}
const memo = new WeakMap<PythonProject, State>();

function state(project: PythonProject): State {
  let s = memo.get(project);
  if (s) return s;
  const handlersOf = new Map<FunctionSummary, Handler[]>();
  for (const h of project.handlers) handlersOf.set(h.fn, [...(handlersOf.get(h.fn) ?? []), h]);
  const roots: Root[] = [];
  for (const module of project.modules) {
    for (const fn of module.functions) {
      const hs = handlersOf.get(fn) ?? [];
      roots.push({ module, fn, roles: hs[0]?.roles ?? localRoles(project, module, fn), handlers: hs });
    }
  }
  s = { roots, tables: new Map(), handlersOf, sources: new Map(), byFile: new Map(project.modules.map((m) => [m.file, m])) };
  memo.set(project, s);
  collectTableAttributes(project, roots, s.tables);
  return s;
}

export function roots(project: PythonProject): Root[] {
  return state(project).roots;
}

/** Roles read off a signature, for functions that are no route: Lambda handlers, middleware, dependencies, helpers. */
function localRoles(project: PythonProject, module: ModuleModel, fn: FunctionSummary): ParamRole[] {
  if (fn.lambda) return [{ k: 'event' }, { k: 'none' }];
  return fn.params.map((p): ParamRole => {
    const ann = p.annotation ?? '';
    if (/^(Request|starlette\.requests\.Request|fastapi\.Request|HTTPConnection)$/.test(ann)) return { k: 'request-object' };
    const dep = dependencyTarget(p.default);
    if (dep) {
      // token: str = Depends(oauth2_scheme): the bearer credential itself
      const def = project.resolver.definition(dep, module);
      const ctor = def?.expr.k === 'call' ? def.expr.fn.text ?? '' : '';
      if (/OAuth2|Bearer|APIKey|HTTPBasic|OpenIdConnect/.test(ctor)) return { k: 'request', origin: 'header', name: 'authorization' };
      return { k: 'none' };
    }
    if (/^(event|_event)$/.test(p.name) && fn.params.length <= 2) return { k: 'event' };
    if (CREDENTIAL.test(p.name)) return { k: 'request', origin: 'body', name: p.name };
    return { k: 'none' };
  });
}

export function handlersOf(project: PythonProject, fn: FunctionSummary): Handler[] {
  return state(project).handlersOf.get(fn) ?? [];
}

/** `GET /orders/{id}`, `Lambda handler handlers.orders.get_order`, or `save_account() in app/repository.py`. */
export function placeText(project: PythonProject, module: ModuleModel, fn: FunctionSummary): string {
  const h = handlersOf(project, fn)[0];
  return h ? routeText(h) : `${fn.name}() in ${module.file}`;
}

export function routeFor(project: PythonProject, fn: FunctionSummary): Route | undefined {
  const h = handlersOf(project, fn)[0];
  return h ? routeOf(h) : undefined;
}

export function at(module: ModuleModel, line: number): Location {
  return { file: module.file, start: { line, column: 1 } };
}

/** The table a DynamoDB call reads or writes, by name when the code says, else by the receiver as written. */
export function tableOf(project: PythonProject, module: ModuleModel, call: DynamoCall): string {
  return tableName(project, { call, module } as Access) ?? `${module.module}:${call.receiver.text ?? '?'}`;
}

/** A DynamoDB result taken whole: the response, `["Item"]`, `["Items"]`, one element of `Items`, `["Attributes"]`. */
export function wholeItem(path: string[]): boolean {
  if (path.length === 0) return true;
  if (!/^(Item|Items|Attributes|Responses)$/.test(path[0])) return false;
  return path.length === 1 || (path.length === 2 && (path[1] === '*' || /^\d+$/.test(path[1])));
}

/** The personal or secret attributes a table is known to hold. */
export function personalAttributes(project: PythonProject, table: string): string[] {
  return [...(state(project).tables.get(table) ?? [])].filter((a) => PERSONAL.test(a)).sort();
}

/** What an item label's access reads: its table, and whether a projection limits the attributes. */
export function itemSource(project: PythonProject, label: Label & { k: 'item' }): { table: string; call: DynamoCall; module: ModuleModel } | undefined {
  const s = state(project);
  if (s.sources.has(label.id)) return s.sources.get(label.id);
  let found: { table: string; call: DynamoCall; module: ModuleModel } | undefined;
  const [file, line, col] = splitId(label.id);
  const module = s.byFile.get(file);
  for (const fn of module?.functions ?? []) {
    const call = fn.dynamo.find((d) => d.loc.line === line && d.loc.col === col);
    if (call && module) {
      found = { table: tableOf(project, module, call), call, module };
      break;
    }
  }
  s.sources.set(label.id, found);
  return found;
}

function splitId(id: string): [string, number, number] {
  const m = /^(.*):(\d+):(\d+)$/.exec(id);
  return m ? [m[1], Number(m[2]), Number(m[3])] : [id, 0, 0];
}

/** Attributes each table holds: written by put_item / update_item, as key attributes, or read off its items anywhere. */
function collectTableAttributes(project: PythonProject, all: Root[], tables: Map<string, Set<string>>): void {
  const add = (table: string, attr: string): void => {
    if (attr === '*' || attr === '?') return;
    let set = tables.get(table);
    if (!set) tables.set(table, (set = new Set()));
    set.add(attr);
  };
  for (const root of all) {
    const { module, fn } = root;
    const tableOfCall = fn.dynamo.map((d) => tableOf(project, module, d));
    fn.dynamo.forEach((d, i) => {
      for (const k of d.keys) add(tableOfCall[i], k.attr);
      for (const w of d.writes ?? []) {
        add(tableOfCall[i], w.attr);
        if (w.attr !== '*') continue;
        // Item=body.model_dump(): the model's fields
        for (const l of project.flow.labelsIn(w.taint, module, fn, root.roles)) {
          for (const f of modelFields(project, module, l)) add(tableOfCall[i], f);
        }
      }
    });
    // attributes read off items anywhere in the function: emp["phone"] passed on
    const visit = (t: FunctionSummary['returns'], depth = 0): void => {
      for (const a of t) {
        if (a.k === 'dyn' && a.path?.length) {
          const p = /^(Item|Items|Attributes)$/.test(a.path[0]) ? a.path.slice(a.path[1] === '*' ? 2 : 1) : a.path;
          if (p[0] && p[0] !== '*' && tableOfCall[a.call]) add(tableOfCall[a.call], p[0]);
        } else if (a.k === 'call' && depth < 3) {
          for (const x of a.args) visit(x, depth + 1);
          for (const x of Object.values(a.kwargs)) visit(x, depth + 1);
        }
      }
    };
    visit(fn.returns);
    for (const c of fn.calls) {
      for (const x of c.args) visit(x);
      for (const x of Object.values(c.kwargs)) visit(x);
    }
    for (const l of fn.logs) visit(l.taint);
  }
}

/** The fields of a whole body model a label stands for (`body.model_dump()` of SignupRequest), minus excluded ones. */
export function modelFields(project: PythonProject, module: ModuleModel, l: Label): string[] {
  if (l.k !== 'request' || l.origin !== 'body' || !l.model || !l.path) return [];
  const step = l.path[0];
  if (l.path.length > 1 || (step !== undefined && !DUMP.test(step))) return [];
  const excluded = new Set((step?.split('!')[1] ?? '').split(',').filter(Boolean));
  const cls = project.resolver.classOf(l.model.replace(/^(Optional|Annotated)\[|\]$/g, '').split(/[[,|]/)[0].trim(), module);
  return (cls?.cls.fieldNames ?? []).filter((f) => !excluded.has(f));
}

/**
 * What a value discloses when it lands in a log or a readable file, or undefined when it is harmless:
 * the whole Lambda event, request headers, a credential header, cookies, a password or token field,
 * token claims, or a whole item of a table that holds personal data.
 */
export function disclosure(project: PythonProject, module: ModuleModel, l: Label, publicPlace = false): string | undefined {
  switch (l.k) {
    case 'secret':
      return 'a secret fetched from Secrets Manager / SSM';
    case 'event':
      if (l.path.length === 0) return 'the whole Lambda event (headers with the Authorization token and cookies, the body, the authorizer claims)';
      if (l.path[0] === 'requestContext' && (l.path.length === 1 || (l.path[1] === 'authorizer' && l.path.length <= 3))) return 'the authorizer claims of the request';
      return undefined;
    case 'request':
      if (l.origin === 'header') {
        if (l.name === '*') return 'all request headers (Authorization and Cookie included)';
        return CREDENTIAL_HEADER.test(l.name) || CREDENTIAL.test(l.name) ? `the ${l.name} header` : undefined;
      }
      if (l.origin === 'cookie') return l.name === '*' ? 'the request cookies' : `cookie ${l.name}`;
      if (l.origin === 'body') {
        // a raw body is worth a log line's suspicion; written to a public place it is usually an upload (an image)
        if (l.name === '*') return publicPlace ? undefined : 'the whole request body';
        const fields = modelFields(project, module, l);
        if (l.path && (l.path.length === 0 || DUMP.test(l.path[0] ?? ''))) {
          const secret = fields.filter((f) => PERSONAL.test(f));
          return secret.length ? `the whole ${l.model} body (${secret.join(', ')})` : undefined;
        }
        return CREDENTIAL.test(l.name) ? `the ${l.name} field of the request` : undefined;
      }
      return CREDENTIAL.test(l.name) ? `${l.origin} parameter ${l.name}` : undefined;
    case 'identity': {
      const last = l.text.split('.').at(-1) ?? '';
      if (/^(claims|token claims|authorizer|jwt)$/.test(last)) return 'the token claims';
      if (/token|jwt|credential|password|secret/i.test(last) && !l.text.includes('claims')) return 'the bearer token';
      return undefined;
    }
    case 'item': {
      if (!wholeItem(l.path)) {
        // one personal attribute (an email, a phone number) matters where anyone can read it
        const attr = /^(Item|Items|Attributes)$/.test(l.path[0] ?? '') ? l.path.find((p, i) => i > 0 && p !== '*') : l.path[0];
        const src = publicPlace && attr && PERSONAL.test(attr) ? itemSource(project, l) : undefined;
        return src ? `the ${attr} attribute of table ${JSON.stringify(src.table)}` : undefined;
      }
      const src = itemSource(project, l);
      if (!src || src.call.projection) return undefined;
      const attrs = personalAttributes(project, src.table);
      if (attrs.length) return `a whole item of table ${JSON.stringify(src.table)} (${attrs.slice(0, 4).join(', ')}${attrs.length > 4 ? ', …' : ''})`;
      // a table of people, though the project never names its attributes
      return PEOPLE_TABLE.test(src.table) ? `a whole item of table ${JSON.stringify(src.table)}` : undefined;
    }
    default:
      return undefined;
  }
}

/** Every frame reachable from every root, each once (a helper called from two routes is looked at per caller). */
export function frames(project: PythonProject): { root: Root; frame: Frame }[] {
  const out: { root: Root; frame: Frame }[] = [];
  for (const root of roots(project)) {
    const s = root.fn;
    const busy = s.logs.length || s.writes.length || s.responses.length || s.dynamo.some((d) => d.writes) || s.calls.length;
    if (!busy) continue;
    for (const frame of project.flow.reachable(root.module, root.fn, root.roles)) out.push({ root, frame });
  }
  return out;
}
