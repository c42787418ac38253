/**
 * One scan, top to bottom: discover → analyse → (probe, correlate: later) → score → ScanResult.
 * Each input root is its own project: names resolve within it, never across roots.
 */
import { relative } from 'node:path';
import { compareFindings, makeFinding, type Finding } from '../findings/index.ts';
import { buildPythonProject } from '../code/python/app-model.ts';
import { routeInventory } from '../code/inventory.ts';
import { RULES } from '../code/rules/registry.ts';
import { toFindingInput, type Rule } from '../code/rules/rule.ts';
import type { PythonProject } from '../code/python/app-model.ts';
import { discover, toPosix } from './discover.ts';
import { indexDependencies } from './dependencies.ts';
import { readConfigFiles } from './config-files.ts';
import type { ConfigFiles } from '../code/config/env-files.ts';
import { parseAll } from './pool.ts';
import { readIac } from './iac-files.ts';
import { linkIac, type IacLinks } from '../code/iac/link.ts';
import type { IacModel } from '../code/iac/model.ts';
import type { FileJob } from './parse-files.ts';
import { applySuppressions } from './suppress.ts';
import type { Suppression } from '../code/python/ir.ts';
import type { Diagnostic, LiveOptions, ScanOptions, ScanResult } from './types.ts';
import { DEFAULT_HTTP, HttpClient } from '../live/http.ts';
import { liveScan, type LiveScanResult } from '../live/scan.ts';
import { liveRuleMetas } from '../live/judge.ts';
import { VERSION } from './version.ts';
import { correlate } from '../correlate/index.ts';
import { gradeOf } from '../score/grade.ts';
import { assignStacks, collectStackSignals, emptySignals } from './stack.ts';
import { openVerifier, parseCookieHeader, type Verifier } from '../verify/browser.ts';
import { PROBE_COOKIE } from '../live/probe.ts';
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';

export async function scan(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const diagnostics: Diagnostic[] = [];
  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  const dependencies: ScanResult['dependencies'] = [];
  const routes: ScanResult['routes'] = [];
  const codeCookies: { name?: string; sameSite?: string; where: string }[] = [];
  const stackSignals = emptySignals();
  const iacDocuments: ScanResult['iac'] = [];
  let files = 0;
  let bytes = 0;

  // 1. discover: URLs are live targets, everything else is source to read
  const urls = options.paths.filter((p) => /^https?:\/\//i.test(p));
  const roots = discover(options.paths.filter((p) => !urls.includes(p)), options.exclude ?? [], cwd, diagnostics);

  for (const root of roots) {
    const deps = indexDependencies(root.root, root.dependencyFiles, cwd, diagnostics);
    dependencies.push(...deps.summary);
    const display = (abs: string): string => toPosix(relative(cwd, abs)) || abs;
    const jobs: FileJob[] = root.python.map((abs) => ({ abs, display: display(abs), rel: toPosix(relative(root.root, abs)), size: safeSize(abs) }));
    const size = jobs.reduce((n, j) => n + Math.max(0, j.size), 0);
    const config = readConfigFiles(root.configFiles, display, diagnostics); // committed .env files

    // 2. analyse: parse into module models (in worker threads for large inputs) …
    const parsed = await parseAll(jobs, size, options.workers);
    for (const e of parsed.errors) diagnostics.push({ level: 'error', where: e.file, message: e.message });
    for (const m of parsed.models) {
      if (m.syntaxErrors.length) diagnostics.push({ level: 'warning', where: `${m.file}:${m.syntaxErrors[0]}`, message: 'syntax error; the rest of the file was still analysed' });
    }
    files += jobs.length + root.dependencyFiles.length + config.files.length;
    bytes += parsed.models.reduce((n, m) => n + m.bytes, 0);

    // … then resolve across the project's modules and run the rules
    const absByDisplay = new Map(jobs.map((j) => [j.display, j.abs]));
    const project = buildPythonProject(parsed.models, (file) => deps.starletteFor(absByDisplay.get(file) ?? file));

    // infrastructure-as-code: templates, Terraform, CDK apps (Python ones are the modules importing aws_cdk)
    const cdkPython = parsed.models.filter((m) => Object.values(m.imports).some((i) => /^aws_cdk(\.|$)/.test(i.module))).map((m) => absByDisplay.get(m.file)).filter((x): x is string => !!x);
    const otherSuppressions = suppressionsOfConfig(config);
    const model = await readIac(root.root, { templates: [...root.configFiles.filter((f) => /\.ya?ml$/i.test(f)), ...root.iac.json], terraform: root.iac.terraform, typescript: root.iac.typescript, cdkPython }, display, diagnostics, otherSuppressions);
    files += model.documents.filter((d) => d.format !== 'cdk-python').length; // CDK Python apps are counted as Python
    const relByDisplay = new Map(jobs.map((j) => [j.display, j.rel]));
    const iac = model.documents.length ? { model, links: linkIac(model, project, (file) => relByDisplay.get(file)) } : undefined;
    if (iac) iacDocuments.push(...model.documents.map((d) => ({ file: d.file, format: d.format })));

    const raw = runRules(RULES, project, config, iac, diagnostics);
    const inventory = routeInventory(project, iac);
    routes.push(...inventory);
    collectStackSignals(stackSignals, parsed.models, project, iac?.model, inventory);
    codeCookies.push(...project.ambient.cookieSet);

    // 5. score: severity is set per finding; suppressions last
    const s = applySuppressions(raw, parsed.models, diagnostics, otherSuppressions);
    findings.push(...s.kept);
    suppressed.push(...s.suppressed);
  }

  // 3. probe: live targets
  let live: ScanResult['live'];
  if (urls.length || options.live?.list || options.live?.openapi || options.live?.openapiUrl) {
    const r = await probe(urls, options.live ?? {});
    findings.push(...r.findings.map(makeFinding));
    for (const p of r.problems) diagnostics.push({ level: 'error', where: p.where, message: p.message });
    live = { requests: r.requests, endpoints: r.endpoints, notes: r.notes, fingerprint: r.fingerprint, cookies: r.cookies };
  }

  // 4. correlate: proofs in a browser for readable live findings, the route index, confirmations, chains
  let all = dedupe(findings); // dedupe returns them sorted
  const verifier = options.verify && live ? await openBrowser(options, live, codeCookies, diagnostics) : undefined;
  try {
    if (verifier) all = await proveFindings(verifier, all);
    const corr = correlate({ findings: all, inventory: routes, codeCookies, ...(live ? { live: { endpoints: live.endpoints.filter((e) => !e.failure), cookies: live.cookies.map((c) => ({ name: c.name, ...(c.sameSite ? { sameSite: c.sameSite } : {}), ...(c.where === 'OpenAPI security scheme' ? { declared: true } : {}) })), direct: !live.fingerprint.gateway } } : {}) });
    const chains = verifier ? await proveChains(verifier, corr.chains, [...all, ...corr.findings], options.live?.params) : corr.chains;
    assignStacks(corr.findings, chains, stackSignals, live?.fingerprint);
    return result(corr.findings.sort(compareFindings), corr.routes, chains);
  } finally {
    await verifier?.close();
  }

  function result(list: Finding[], routeIndex: ScanResult['routeIndex'], chains: ScanResult['chains']): ScanResult {
  return {
    tool: { name: 'crossread', version: VERSION },
    targets: options.paths,
    findings: list,
    routeIndex,
    chains,
    grade: gradeOf(list, chains),
    suppressed: suppressed.sort(compareFindings),
    diagnostics,
    rules: [...RULES.map((r) => r.meta), ...liveRuleMetas()],
    stats: { files, pythonFiles: roots.reduce((n, r) => n + r.python.length, 0), bytes, durationMs: Math.round(performance.now() - started) },
    dependencies,
    routes,
    iac: iacDocuments,
    ...(live ? { live } : {}),
  };
  }
}

/** Chromium with the victim's cookies (`--cookie`, or a stand-in cookie so cookie-triggered reflection shows); a browser that cannot start is a diagnostic. */
async function openBrowser(options: ScanOptions, live: NonNullable<ScanResult['live']>, codeCookies: { name?: string; sameSite?: string; where: string }[], diagnostics: Diagnostic[]): Promise<Verifier | undefined> {
  const given = parseCookieHeader(options.live?.cookie);
  const cookies = (given.length ? given : [{ name: PROBE_COOKIE.split('=')[0], value: PROBE_COOKIE.split('=')[1] }]).map((c) => {
    const seen = live.cookies.find((x) => x.name === c.name && x.sameSite);
    if (seen) return { ...c, sameSite: seen.sameSite!, source: 'as the target sets it' };
    const written = codeCookies.find((x) => x.name === c.name && x.sameSite);
    return { ...c, ...(written ? { sameSite: written.sameSite!, source: `as the code sets it (${written.where})` } : {}) };
  });
  const v = await openVerifier({ cookies, ...(options.verify?.pocDir ? { pocDir: options.verify.pocDir } : {}), ...(options.verify?.executablePath ? { executablePath: options.verify.executablePath } : {}) });
  if ('error' in v) {
    diagnostics.push({ level: 'error', message: `--verify: ${v.error}; findings are reported without browser proof` });
    return undefined;
  }
  return v;
}

const MAX_PROOFS = 12;

/** Each live CORS finding that claims a readable response, run as the attacker page. */
async function proveFindings(v: Verifier, findings: Finding[]): Promise<Finding[]> {
  const out: Finding[] = [];
  let n = 0;
  for (const f of findings) {
    const l = f.live;
    if (f.source !== 'live' || f.topic !== 'cors-permissive-origin' || !l?.readable || !l.origin || !l.endpoints.length || n >= MAX_PROOFS) {
      out.push(f);
      continue;
    }
    n++;
    const origin = attackerOrigin(l.origin);
    const proof = await v.verify({ origin, url: f.location.url ?? l.endpoints[0].url, credentials: l.credentials && l.origin !== '*', label: f.ruleId });
    out.push({ ...f, proof, evidence: [...f.evidence, { kind: 'browser', origin, read: proof.readable ? `read ${proof.bytes} characters (HTTP ${proof.status}): ${proof.excerpt}` : `not readable: ${proof.error ?? 'no body'}` }] });
  }
  return out;
}

/** Each chain with a live URL and a live CORS step: the attacker page on the chain's route. */
async function proveChains(v: Verifier, chains: ScanResult['chains'], findings: Finding[], params: Record<string, string> | undefined): Promise<ScanResult['chains']> {
  const byFp = new Map(findings.map((f) => [f.fingerprint, f]));
  const out: ScanResult['chains'] = [];
  let n = 0;
  for (const c of chains) {
    const step = c.steps.find((s) => s.id === 'cors-credentialed' || s.id === 'cors-readable');
    const steps = step?.findings.map((fp) => byFp.get(fp)) ?? [];
    const origin = steps.find((f) => f?.live?.origin)?.live?.origin ?? steps.find((f) => f?.proof)?.proof?.origin;
    if (!c.url || !origin || n >= MAX_PROOFS) {
      out.push(c);
      continue;
    }
    n++;
    const attacker = attackerOrigin(origin);
    const credentials = origin !== '*' && steps.some((f) => f?.live?.credentials || (f?.source !== 'live' && f?.proof));
    const proof = await v.verify({ origin: attacker, url: c.url, credentials, label: c.id });
    const key = c.id === 'cross-origin-bola' && params ? Object.entries(params).filter(([k]) => c.route.path.includes(`{${k}}`)) : [];
    out.push({ ...c, proof: key.length ? { ...proof, note: `the key in the path is ${key.map(([k, val]) => `${k}=${val}`).join(', ')} (--param) and the session is the one given with --cookie: the page read that key's item with that session` } : proof });
  }
  return out;
}

/** The origin the attacker page is served at: the origin the finding honoured, or any foreign one for `*`. */
const attackerOrigin = (honoured: string): string => (honoured === '*' ? 'https://crossread-attacker.invalid' : honoured);

function runRules(rules: readonly Rule[], project: PythonProject, config: ConfigFiles, iac: { model: IacModel; links: IacLinks } | undefined, diagnostics: Diagnostic[]): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    if (rule.meta.source === 'iac' && !iac) continue;
    try {
      rule.check({ project, config, iac, report: (r) => out.push(makeFinding(toFindingInput(rule.meta, r))) });
    } catch (e) {
      diagnostics.push({ level: 'error', message: `rule ${rule.meta.id} failed: ${(e as Error).message}; other rules ran` });
    }
  }
  return out;
}

/**
 * Drops exact repeats (same rule, place and fingerprint) and keeps fingerprints unique when the same
 * code appears twice in a file: the second occurrence gets an ordinal mixed in, so baselines stay stable.
 */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const ordinal = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of [...findings].sort(compareFindings)) {
    const place = `${f.fingerprint}@${f.location.file}:${f.location.start?.line}:${f.location.start?.column}`;
    if (seen.has(place)) continue;
    seen.add(place);
    const n = (ordinal.get(f.fingerprint) ?? 0) + 1;
    ordinal.set(f.fingerprint, n);
    out.push(n === 1 ? f : { ...f, fingerprint: createHash('sha256').update(`${f.fingerprint}#${n}`).digest('hex').slice(0, 32) });
  }
  return out;
}

async function probe(urls: string[], o: LiveOptions): Promise<LiveScanResult> {
  // the hosts the user named receive their credentials; a malformed URL is reported by the targets
  const hosts = new Set<string>();
  for (const u of [...urls, ...(o.openapiUrl ? [o.openapiUrl] : [])]) if (URL.canParse(u)) hosts.add(new URL(u).host);
  const client = new HttpClient(
    {
      ...DEFAULT_HTTP,
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.rate !== undefined ? { rate: o.rate } : {}),
      ...(o.concurrency ? { concurrency: o.concurrency } : {}),
      ...(o.maxRequests ? { budget: o.maxRequests } : {}),
      credentialHosts: hosts,
      credentials: { headers: o.headers ?? [], ...(o.cookie ? { cookie: o.cookie } : {}) },
      userAgent: `crossread/${VERSION} (CORS and data-exposure scanner)`,
    },
    o.dispatcher,
  );
  try {
    return await liveScan({ urls, ...(o.list ? { list: o.list } : {}), ...(o.openapi ? { openapi: o.openapi } : {}), ...(o.openapiUrl ? { openapiUrl: o.openapiUrl } : {}) }, client, {
      origins: o.origins ?? [],
      authenticated: !!(o.cookie || o.headers?.length),
      maxEndpoints: o.maxEndpoints ?? 200,
      maxPerEndpoint: 60,
      ...(o.params ? { params: o.params } : {}),
      // endpoints in flight: enough that every connection stays busy while each endpoint waits on its own probes
      parallel: Math.max(2, (o.concurrency ?? DEFAULT_HTTP.concurrency) * 4),
      ...(o.progress ? { progress: o.progress } : {}),
    });
  } finally {
    await client.close();
  }
}

/** Suppression comments of the .env files read. */
function suppressionsOfConfig(config: ConfigFiles): Map<string, Suppression[]> {
  const out = new Map<string, Suppression[]>();
  for (const f of config.files) if (f.suppressions?.length) out.set(f.file, f.suppressions);
  return out;
}

function safeSize(abs: string): number {
  try {
    return statSync(abs).size;
  } catch {
    return -1; // reading it will report why
  }
}
