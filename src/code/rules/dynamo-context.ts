/**
 * Shared judgement for the DynamoDB authorization rules: for every handler and every DynamoDB access it
 * makes (directly or through a project helper), is the key bound to the caller, checked against the
 * caller, or taken from request input? Computed once per project; each rule reports one verdict.
 */
import type { Evidence, Location, Route } from '../../findings/index.ts';
import type { PythonProject } from '../python/app-model.ts';
import { hasIdentity, requestLabels, type Access, type HandlerFacts, type Label } from '../python/dataflow.ts';
import type { Handler } from '../python/routes.ts';
import type { IacLinks } from '../iac/link.ts';
import { authorizerAuthenticates } from '../iac/model.ts';
import { describe, effective } from '../python/resolve.ts';

export type Verdict = 'key-from-request' | 'missing-ownership-check' | 'unauthenticated-access' | 'scan-exposed' | 'table-from-request';

export interface Judged {
  verdict: Verdict;
  handler: Handler;
  facts: HandlerFacts;
  access?: Access;
  /** The request inputs that reach the key, table name or expression. */
  inputs: (Label & { k: 'request' })[];
  table?: string;
  location: Location;
  route: Route;
  evidence: Evidence[];
  authenticated: boolean;
  /** The gateway authorizers that authenticate the caller in front of the code, when the IaC shows them on every path. */
  gateway?: string;
}

const READ = new Set(['get_item', 'query', 'batch_get_item', 'transact_get_items']);
const WRITE = new Set(['update_item', 'delete_item', 'transact_write_items']);
const USER_DATA = /user|profile|account|customer|member|owner|order|invoice|payment|address|session|token|email|phone|patient|employee|person|cart|subscription/i;
const memo = new WeakMap<PythonProject, { links?: IacLinks; judged: Judged[] }>();

/** Every gateway route in front of the handler checks identity (a Cognito, JWT, Lambda or IAM authorizer): the caller is authenticated there. */
export function gatewayAuthenticated(h: Handler, links: IacLinks | undefined): string | undefined {
  const bindings = links?.bindings.get(h) ?? [];
  if (!bindings.length || !bindings.every((b) => authorizerAuthenticates(b.route.authorizer))) return undefined;
  return [...new Set(bindings.map((b) => `${b.route.authorizer.kind} authorizer on ${b.api.name} ${b.route.method} ${b.route.path}`))].join(', ');
}

export function routeOf(h: Handler): Route {
  return h.kind === 'lambda' ? { method: 'ANY', path: '', handler: `${h.module.module}.${h.fn.name}` } : { method: h.method, path: h.path, handler: `${h.module.module}.${h.fn.name}` };
}

export function routeText(h: Handler): string {
  return h.kind === 'lambda' ? `Lambda handler ${h.module.module}.${h.fn.name}` : `${h.method} ${h.path}`;
}

/** The table a receiver names, when the code says: `dynamodb.Table(os.environ.get("T", "profiles"))` → "profiles". */
export function tableName(project: PythonProject, a: Access): string | undefined {
  if (a.call.tableName?.expr) {
    const v = effective(project.resolver.evaluate(a.call.tableName.expr, a.module));
    if (v.k === 'str') return v.v;
  }
  return receiverFacts(project, a).table;
}

/** What a receiver expression is, computed once per module and receiver text. */
const receiverMemo = new WeakMap<PythonProject, Map<string, { table?: string; dynamo: boolean }>>();
function receiverFacts(project: PythonProject, a: Access): { table?: string; dynamo: boolean } {
  let memo = receiverMemo.get(project);
  if (!memo) receiverMemo.set(project, (memo = new Map()));
  const key = `${a.module.module}\u0000${a.call.receiver.text ?? JSON.stringify(a.call.receiver)}`;
  let facts = memo.get(key);
  if (facts) return facts;
  const r = a.call.receiver;
  const def = project.resolver.definition(r, a.module);
  let table: string | undefined;
  if (def?.expr.k === 'call' && def.expr.fn.k === 'attr' && def.expr.fn.name === 'Table' && def.expr.args[0]) {
    const v = effective(project.resolver.evaluate(def.expr.args[0], def.module));
    table = v.k === 'str' ? v.v : describe(v);
  }
  const text = `${r.text ?? ''} ${def?.expr.text ?? ''}`;
  facts = { table, dynamo: /table|dynamo|ddb|Table\(|client\(\s*["']dynamodb|resource\(\s*["']dynamodb/i.test(text) };
  memo.set(key, facts);
  return facts;
}

/** query and scan are common method names: require a DynamoDB-looking receiver for them. */
function isDynamoReceiver(project: PythonProject, a: Access): boolean {
  if (a.call.op !== 'query' && a.call.op !== 'scan') return true;
  return a.call.paginator || receiverFacts(project, a).dynamo;
}

function shares(labels: Label[], inputs: (Label & { k: 'request' })[]): boolean {
  return labels.some((l) => l.k === 'request' && inputs.some((i) => i.origin === l.origin && i.name === l.name));
}

/** A key taken from the session cookie, a token or an API-key header: the lookup that authenticates the caller. */
const CREDENTIAL_NAME = /sess|sid|token|jwt|auth|api[_-]?key/i;
function isCredentialLookup(l: Label & { k: 'request' }, credentialKey: boolean): boolean {
  return (l.origin === 'cookie' || l.origin === 'header') && (CREDENTIAL_NAME.test(l.name) || credentialKey);
}

function hasItem(labels: Label[], id: string): boolean {
  return labels.some((l) => l.k === 'item' && l.id === id);
}

export function judge(project: PythonProject, links?: IacLinks): Judged[] {
  const cached = memo.get(project);
  if (cached && cached.links === links) return cached.judged;
  const out: Judged[] = [];
  for (const h of project.handlers) {
    const facts = project.facts(h);
    const gateway = gatewayAuthenticated(h, links);
    const authenticated = h.kind === 'lambda' || h.auth.length > 0 || facts.identity.length > 0 || !!gateway;
    const route = routeOf(h);
    for (const a of facts.accesses) {
      if (!isDynamoReceiver(project, a)) continue;
      const keyLabels = a.keys.flatMap((k) => k.labels);
      // a session or API-key lookup keyed by the credential itself is authentication, not an object the caller picks
      const credentialKey = a.keys.length > 0 && a.keys.every((k) => CREDENTIAL_NAME.test(k.attr));
      const inputs = requestLabels(keyLabels).filter((l) => !isCredentialLookup(l, credentialKey));
      const table = tableName(project, a);
      const location: Location = { file: a.module.file, start: { line: a.call.loc.line, column: a.call.loc.col } };
      const evidence: Evidence[] = [{ kind: 'code', file: a.module.file, line: a.call.loc.line, snippet: a.call.snippet, note: a.via ? `in ${a.via}` : undefined }];
      const base = { handler: h, facts, access: a, table, location, route, authenticated, ...(gateway ? { gateway } : {}) };
      const returned = hasItem(facts.returns, a.id);

      const nameInputs = requestLabels([...a.tableName, ...a.expression]);
      if (nameInputs.length) out.push({ ...base, verdict: 'table-from-request', inputs: nameInputs, evidence });

      const keyless = a.call.op === 'scan' || (a.call.op === 'query' && a.keys.length > 0 && keyLabels.length === 0);
      const userData = USER_DATA.test([table ?? '', ...a.keys.map((k) => k.attr), h.path, h.fn.name].join(' '));
      if (keyless) {
        // role-gated (admin) listings return everything by design
        if (returned && !a.call.selectCount && !a.call.projection && !hasIdentity(a.condition) && !h.roleGate) out.push({ ...base, verdict: 'scan-exposed', inputs: [], evidence });
        if (h.kind === 'route' && !authenticated && userData && returned) out.push({ ...base, verdict: 'unauthenticated-access', inputs: [], evidence });
        continue;
      }
      const bound = hasIdentity(keyLabels) || hasIdentity(a.condition);
      const sameFunction = !a.via && a.module === h.module;
      const checked = facts.checks.some((c) => {
        // a comparison that neither leaves (raise/return) nor encloses the access only logs: not a check
        const guards = c.exits || (sameFunction && c.line < a.call.loc.line && a.call.loc.line <= c.endLine);
        if (!guards) return false;
        const idLeft = hasIdentity(c.left);
        const idRight = hasIdentity(c.right);
        if (!idLeft && !idRight) return false;
        const other = idLeft ? c.right : c.left;
        // ownership check on the item after it was read
        if (hasItem(other, a.id)) return true;
        // the requested key compared with the caller before the access (raise/return, or guarding it)
        if (shares(other, inputs)) return !sameFunction || c.line < a.call.loc.line;
        return false;
      });
      // a membership gate: an earlier read keyed by the same input and the caller (team_id + sub) whose
      // absence ends the request (404/403) authorizes what the input names
      const gated =
        !checked &&
        facts.accesses.some(
          (b) =>
            b !== a &&
            hasIdentity(b.keys.flatMap((k) => k.labels)) &&
            shares(b.keys.flatMap((k) => k.labels), inputs) &&
            facts.checks.some((c) => c.exits && (hasItem(c.left, b.id) || hasItem(c.right, b.id)) && (b.module !== a.module || c.line < a.call.loc.line)),
        );
      if (h.kind === 'route' && !authenticated) {
        if (userData && (inputs.length || a.call.op !== 'query')) out.push({ ...base, verdict: 'unauthenticated-access', inputs, evidence });
        continue;
      }
      // a role-gated route (require_admin, scopes) reads any item by design: function-level authorization
      if (!inputs.length || bound || checked || gated || h.roleGate) continue;
      if (READ.has(a.call.op)) {
        if (!returned) continue;
        out.push({ ...base, verdict: facts.identity.length ? 'missing-ownership-check' : 'key-from-request', inputs, evidence });
      } else if (WRITE.has(a.call.op)) {
        out.push({ ...base, verdict: 'key-from-request', inputs, evidence });
      }
    }
    for (const t of facts.tableCtors) {
      const inputs = requestLabels(t.labels);
      if (!inputs.length) continue;
      out.push({
        verdict: 'table-from-request', handler: h, facts, inputs, route, authenticated,
        location: { file: h.module.file, start: { line: t.line, column: 1 } },
        evidence: [{ kind: 'code', file: h.module.file, line: t.line, snippet: t.snippet }],
      });
    }
  }
  memo.set(project, { links, judged: out });
  return out;
}

/** Behind Mangum the app runs on Lambda, where an API Gateway authorizer the code cannot see may guard it. */
export function behindGateway(project: PythonProject): boolean {
  return project.modules.some((m) => Object.values(m.imports).some((b) => b.module === 'mangum'));
}

export function inputsText(inputs: (Label & { k: 'request' })[]): string {
  return inputs.map((i) => `${i.origin} ${i.origin === 'body' || i.origin === 'header' || i.origin === 'cookie' ? 'field' : 'parameter'} ${i.name}`).join(', ');
}

export function tableText(j: Judged): string {
  return j.table ? ` on table ${JSON.stringify(j.table)}` : '';
}
