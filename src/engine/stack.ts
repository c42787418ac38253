/**
 * The stack each finding and chain sits on (`fastapi-dynamodb`, `lambda-dynamodb`), so reporters show the
 * knowledge page written for it; none when nothing says which, and the generic page is shown.
 */
import type { Finding } from '../findings/index.ts';
import type { Chain } from '../correlate/index.ts';
import type { Fingerprint } from '../live/types.ts';
import type { PythonProject } from '../code/python/app-model.ts';
import type { ModuleModel } from '../code/python/ir.ts';
import { allOf, type IacModel } from '../code/iac/model.ts';
import type { RouteEntry } from '../code/inventory.ts';

export type FrameworkId = 'fastapi' | 'lambda';

/** What the code and IaC say about the stack. */
export interface StackSignals {
  /** Per scanned Python file: FastAPI/Starlette (an app, a route, a Mangum handler) or a plain Lambda handler. */
  files: Map<string, FrameworkId>;
  frameworks: Set<FrameworkId>;
  /** Per route (`GET /export/{user_id}`, as the gateway or the code declares it): the framework of its handler. */
  routes: Map<string, FrameworkId>;
  /** The code calls DynamoDB, or the IaC declares a table. */
  dynamodb: boolean;
  /** The IaC declares Lambda functions or API Gateway APIs. */
  lambdaIac: boolean;
}

export function emptySignals(): StackSignals {
  return { files: new Map(), frameworks: new Set(), routes: new Map(), dynamodb: false, lambdaIac: false };
}

/** Adds what one scan root's modules, handlers and IaC say. */
export function collectStackSignals(s: StackSignals, models: ModuleModel[], project: PythonProject, iac: IacModel | undefined, routes: RouteEntry[]): void {
  for (const m of models) {
    if (Object.values(m.imports).some((i) => /^(fastapi|starlette|mangum)(\.|$)/.test(i.module))) {
      s.files.set(m.file, 'fastapi');
      s.frameworks.add('fastapi');
    }
  }
  for (const h of project.handlers) {
    const fw: FrameworkId = h.kind === 'lambda' ? 'lambda' : 'fastapi';
    if (!s.files.has(h.module.file)) s.files.set(h.module.file, fw);
    s.frameworks.add(fw);
  }
  for (const r of routes) {
    const fw = s.files.get(r.file);
    if (fw) s.routes.set(`${r.method} ${r.path}`, fw);
  }
  if (project.handlers.some((h) => project.facts(h).accesses.length)) s.dynamodb = true;
  if (iac) {
    const all = allOf(iac);
    if (all.tables.length) s.dynamodb = true;
    if (all.functions.length || all.apis.length) s.lambdaIac = true;
  }
}

const DYNAMO_TEXT = /DynamoDB|dynamodb|botocore/;

function frameworkOf(f: Finding, s: StackSignals, live: Fingerprint | undefined): FrameworkId | undefined {
  const inFile = f.location.file ? s.files.get(f.location.file) : undefined;
  if (inFile) return inFile;
  const onRoute = f.route ? s.routes.get(`${f.route.method} ${f.route.path}`) : undefined;
  if (onRoute) return onRoute;
  if (f.source === 'live' && live) {
    if (live.framework) return 'fastapi';
    if (live.gateway) return s.frameworks.has('fastapi') ? 'fastapi' : 'lambda';
  }
  if (s.frameworks.has('fastapi')) return 'fastapi'; // a Mangum app behind the gateway the IaC declares
  if (s.frameworks.has('lambda') || (f.source === 'iac' && s.lambdaIac)) return 'lambda';
  return undefined;
}

function usesDynamo(f: Finding, s: StackSignals): boolean {
  return s.dynamodb || DYNAMO_TEXT.test(f.ruleId) || DYNAMO_TEXT.test(f.message);
}

export function stackOfFinding(f: Finding, s: StackSignals, live?: Fingerprint): string | undefined {
  const fw = frameworkOf(f, s, live);
  return fw && usesDynamo(f, s) ? `${fw}-dynamodb` : undefined;
}

/** Sets `stack` on findings and chains (a chain takes the stack of its first finding that has one). */
export function assignStacks(findings: Finding[], chains: Chain[], s: StackSignals, live?: Fingerprint): void {
  const byFingerprint = new Map<string, Finding>();
  for (const f of findings) {
    const stack = stackOfFinding(f, s, live);
    if (stack) f.stack = stack;
    byFingerprint.set(f.fingerprint, f);
  }
  for (const c of chains) {
    const file = c.route.file ? s.files.get(c.route.file) : undefined;
    const fromSteps = c.steps.flatMap((st) => st.findings.map((fp) => byFingerprint.get(fp)?.stack)).find((x) => x);
    const stack = file && (s.dynamodb || fromSteps) ? `${file}-dynamodb` : fromSteps;
    if (stack) c.stack = stack;
  }
}
