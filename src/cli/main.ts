/** argv → options → scan → reporter → output; returns the exit code (0 clean, 1 findings at/above --fail-on, 2 usage/internal error). */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { atLeast, isSeverity, severityOf, type Severity } from '../findings/index.ts';
import { scan } from '../engine/scan.ts';
import type { LiveOptions } from '../engine/types.ts';
import { VERSION } from '../engine/version.ts';
import { RULES, findRule } from '../code/rules/registry.ts';
import { LIVE_CHECKS } from '../live/judge.ts';
import { DATASTORES, FRAMEWORKS, STACKS, knowledgeEntries, loadKnowledge, loadKnowledgePage, stackFor } from '../knowledge/index.ts';
import { renderTerminalMarkdown, wrapText } from '../report/terminal-markdown.ts';
import { CHAINS, STEP_TITLES } from '../correlate/index.ts';
import { applyBaseline, readBaseline, type BaselineEntry } from '../engine/baseline.ts';
import { FORMATS, render, type Format, type RenderContext } from '../report/index.ts';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The terminal's width, when stdout is one. */
  columns?: number;
}

const HELP = `crossread ${VERSION} — finds where any website can read your users' data

Usage:
  crossread scan <path|url>... [options]
                                       scan Python source and IaC (directories are walked),
                                       and probe running APIs (http:// and https:// URLs)
  crossread rules                      list the rules
  crossread explain <rule-or-chain> [--framework fastapi|lambda] [--datastore dynamodb] [--markdown]
                                       why a rule, live check or attack chain matters and how to fix it,
                                       for that stack when given (Lambda: REST API and HTTP API events)
  crossread --version

Scan options:
  --format text|json|sarif|markdown|html
                             output format (default: text); markdown is a summary for a pull request or CI job,
                             html one self-contained file to read in a browser or print
  --output FILE              write the report to FILE instead of stdout
  --fail-on SEVERITY         exit 1 if a finding is at or above it: critical|high|medium|low|info|none (default: high)
  --exclude GLOB             skip paths matching a .gitignore-style pattern (repeatable)
  --baseline FILE            a previous --format json report: findings are marked new or unchanged, what
                             it had and this scan does not is listed as fixed, and --fail-on counts new ones only
  --workers N                parser threads (default: by input size)

Live scan options (URLs; only GET, HEAD and OPTIONS are sent, no redirect is followed):
  --url URL                  probe this running API too (the same as giving the URL as an argument; repeatable),
                             e.g. crossread scan ./service --url http://127.0.0.1:8000
  --origin URL               the front end's origin, the base of allowlist-bypass probes (repeatable)
  --openapi FILE|URL         probe the GET operations of this OpenAPI 3.x / Swagger 2.0 document
  --targets FILE             probe the URLs listed in FILE (one per line)
  --header 'Name: value'     send this header to the targets' hosts only (repeatable), e.g. Authorization
  --cookie 'name=value'      send this cookie to the targets' hosts only (a victim's session for --verify)
  --param name=value         fill every path parameter of that name with value (repeatable), e.g. user_id=u2
  --verify                   run the attacker page of each readable CORS finding and attack chain in
                             headless Chromium (Debian's chromium package) and record what it read
  --poc-dir DIR              where --verify writes the attacker pages (default: crossread-poc)
  --rate N                   requests per second per host (default: 100; 0 = no limit)
  --concurrency N            requests in flight per host (default: 6)
  --max-requests N           requests in the whole run (default: 5000)
  --timeout SECONDS          per request (default: 10)

Exit codes: 0 nothing at or above --fail-on, 1 findings or chains at or above it, 2 usage or internal error.
Suppress one finding in code with a reason:  # crossread: ignore[rule-id] why it is safe
`;

/** The knowledge pages of every rule, live check and chain, for reporters. */
export function knowledge(): RenderContext['knowledge'] {
  return Object.fromEntries([...RULES.map((r) => r.meta.id), ...LIVE_CHECKS.map((c) => c.id), ...CHAINS.map((c) => c.id)].flatMap((id) => knowledgeEntries(id)));
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(HELP);
    return command ? 0 : 2;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command === 'rules') return rulesCommand(io);
  if (command === 'explain') return explainCommand(rest, io);
  if (command === 'scan') return scanCommand(rest, io);
  io.stderr(`crossread: unknown command "${command}"; try: crossread --help\n`);
  return 2;
}

const NUMBER = (name: string, v: string | undefined, min: number): number | undefined | string => {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= min ? n : `--${name} must be a number of at least ${min} (got "${v}")`;
};

/** The live-scan flags, checked; a string is a usage error. */
function liveOptions(values: Record<string, unknown>, io: Io): LiveOptions | string {
  const out: LiveOptions = { origins: [], headers: [] };
  for (const o of values.origin as string[]) {
    try {
      const u = new URL(o);
      if (u.origin === 'null' || u.href.replace(/\/$/, '') !== u.origin) return `--origin takes an origin such as https://app.example.com (got "${o}")`;
      out.origins!.push(u.origin);
    } catch {
      return `--origin takes an origin such as https://app.example.com (got "${o}")`;
    }
  }
  for (const h of values.header as string[]) {
    const m = /^([!#$%&'*+.^`|~\w-]+):\s*(.*)$/.exec(h);
    if (!m) return `--header takes 'Name: value' (got "${h.split(':')[0]}…")`;
    out.headers!.push([m[1], m[2]]);
  }
  if (values.cookie) out.cookie = values.cookie as string;
  for (const p of values.param as string[]) {
    const m = /^([A-Za-z_][\w.-]*)=(.*)$/.exec(p);
    if (!m) return `--param takes name=value, e.g. user_id=u2 (got "${p}")`;
    (out.params ??= {})[m[1]] = m[2];
  }
  for (const [flag, key, min] of [['rate', 'rate', 0], ['concurrency', 'concurrency', 1], ['max-requests', 'maxRequests', 1], ['timeout', 'timeoutMs', 0.1]] as const) {
    const n = NUMBER(flag, values[flag] as string | undefined, min);
    if (typeof n === 'string') return n;
    if (n !== undefined) (out as Record<string, number>)[key] = key === 'timeoutMs' ? n * 1000 : n;
  }
  const read = (flag: string, file: string): { text: string; file: string } | string => {
    try {
      return { text: readFileSync(resolve(io.cwd, file), 'utf8'), file };
    } catch (e) {
      return `--${flag} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
    }
  };
  if (values.targets) {
    const r = read('targets', values.targets as string);
    if (typeof r === 'string') return r;
    out.list = r;
  }
  if (values.openapi) {
    const spec = values.openapi as string;
    if (/^https?:\/\//i.test(spec)) out.openapiUrl = spec;
    else {
      const r = read('openapi', spec);
      if (typeof r === 'string') return r;
      out.openapi = { text: r.text, location: r.file };
    }
  }
  out.progress = (line) => io.stderr(`crossread: ${line}\n`);
  return out;
}

function rulesCommand(io: Io): number {
  const rows = RULES.map((r) => {
    const sev = severityOf(r.meta.impact, r.meta.likelihood);
    return `${r.meta.id.padEnd(32)} ${sev.padEnd(8)} ${r.meta.cwe.map((c) => `CWE-${c}`).join(',').padEnd(16)} ${r.meta.summary}`;
  });
  const live = LIVE_CHECKS.map((c) => `${c.id.padEnd(32)} ${'(live)'.padEnd(8)} ${c.cwe.map((x) => `CWE-${x}`).join(',').padEnd(16)} ${c.summary}`);
  const chains = CHAINS.map((c) => `${c.id.padEnd(32)} ${'(chain)'.padEnd(8)} ${c.cwe.map((x) => `CWE-${x}`).join(',').padEnd(16)} ${c.title}`);
  io.stdout(`${'RULE'.padEnd(32)} ${'DEFAULT'.padEnd(8)} ${'CWE'.padEnd(16)} SUMMARY\n${rows.join('\n')}\n\nLive checks (crossread scan https://…; severity set per finding by credentials, cookies and body):\n${live.join('\n')}\n\nAttack chains (joined per route; each as severe as its weakest step):\n${chains.join('\n')}\n`);
  return 0;
}

function explainCommand(args: string[], io: Io): number {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { framework: { type: 'string' }, datastore: { type: 'string' }, markdown: { type: 'boolean', default: false } } });
  } catch (e) {
    io.stderr(`crossread: ${(e as Error).message}; try: crossread explain <rule-or-chain> [--framework fastapi|lambda] [--datastore dynamodb]\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const id = positionals[0];
  const rule = id ? findRule(id) : undefined;
  const check = id ? LIVE_CHECKS.find((c) => c.id === id) : undefined;
  const chain = id ? CHAINS.find((c) => c.id === id) : undefined;
  if (!rule && !check && !chain) {
    io.stderr(`crossread: ${id ? `no rule, live check or chain "${id}"` : 'explain needs a rule, live check or chain id'}; list them with: crossread rules\n`);
    return 2;
  }
  if (values.framework && !(FRAMEWORKS as readonly string[]).includes(values.framework)) {
    io.stderr(`crossread: --framework must be one of ${FRAMEWORKS.join(', ')} (got "${values.framework}"); leave it out for the page that fits any stack\n`);
    return 2;
  }
  if (values.datastore && !(DATASTORES as readonly string[]).includes(values.datastore)) {
    io.stderr(`crossread: --datastore must be one of ${DATASTORES.join(', ')} (got "${values.datastore}"); leave it out for the page that fits any stack\n`);
    return 2;
  }
  const wanted = values.framework || values.datastore ? stackFor(values.framework, values.datastore) : undefined;
  const page = (wanted && loadKnowledgePage(id!, wanted)) || loadKnowledge(id!);
  if (wanted && page?.stack !== wanted.id) io.stderr(`crossread: no ${wanted.label} page for ${id}; showing the page for any stack\n`);
  const others = STACKS.filter((s) => s.id !== page?.stack && loadKnowledgePage(id!, s)).map((s) => `--framework ${s.framework} --datastore ${s.datastore}  (${s.label})`);
  let footer: string;
  if (rule) {
    const m = rule.meta;
    footer =
      `Rule: ${m.id} (${m.stability}) · topic ${m.topic} · ${m.cwe.map((c) => `CWE-${c}`).join(', ')} · ${m.owasp.join(', ')}\n` +
      `Default severity: ${severityOf(m.impact, m.likelihood)} (impact ${m.impact} × likelihood ${m.likelihood}), adjusted per finding by credentials and auth style.\n` +
      `Limits: ${m.limits}\n`;
  } else if (check) {
    footer = `Live check: ${check.id} · topic ${check.topic} · ${check.cwe.map((c) => `CWE-${c}`).join(', ')}\nFix: ${check.remediation}\n`;
  } else {
    footer = `Attack chain: ${chain!.id} · steps: ${chain!.steps.map((s, i) => `${i + 1}. ${STEP_TITLES[s]}`).join('; ')} · ${chain!.cwe.map((c) => `CWE-${c}`).join(', ')} · ${chain!.owasp.join(', ')}\nSeverity: that of its weakest step, set per route.\n`;
  }
  if (page?.stack && page.stack !== 'generic') others.unshift('');
  const also = others.map((o) => `  crossread explain ${id}${o ? ` ${o}` : '  (any stack)'}`);
  const markdown = page?.markdown.trim() ?? `# ${id}\n\n${rule?.meta.summary ?? check?.summary ?? chain?.title}`;
  const color = io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const width = Math.min(io.columns ?? 100, 100);
  const tail = also.length ? `Also written for:\n${also.join('\n')}\n` : '';
  io.stdout(values.markdown ? `${markdown}\n\n${footer}${tail}` : `${renderTerminalMarkdown(markdown, { color, width })}\n${footer.trimEnd().split('\n').map((l) => wrapText(l, width, '', '  ')).join('\n')}\n${tail}`);
  return 0;
}

async function scanCommand(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'text' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'high' },
        exclude: { type: 'string', multiple: true, default: [] },
        workers: { type: 'string' },
        baseline: { type: 'string' },
        url: { type: 'string', multiple: true, default: [] },
        param: { type: 'string', multiple: true, default: [] },
        verify: { type: 'boolean', default: false },
        'poc-dir': { type: 'string' },
        origin: { type: 'string', multiple: true, default: [] },
        openapi: { type: 'string' },
        targets: { type: 'string' },
        header: { type: 'string', multiple: true, default: [] },
        cookie: { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        'max-requests': { type: 'string' },
        timeout: { type: 'string' },
      },
    });
  } catch (e) {
    io.stderr(`crossread: ${(e as Error).message}; try: crossread --help\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const format = values.format as Format;
  if (!FORMATS.includes(format)) {
    io.stderr(`crossread: --format must be one of ${FORMATS.join(', ')} (got "${values.format}")\n`);
    return 2;
  }
  const failOn = values['fail-on']!;
  if (failOn !== 'none' && !isSeverity(failOn)) {
    io.stderr(`crossread: --fail-on must be critical, high, medium, low, info or none (got "${failOn}")\n`);
    return 2;
  }
  const workers = values.workers === undefined ? 0 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0) {
    io.stderr(`crossread: --workers must be a whole number (got "${values.workers}")\n`);
    return 2;
  }
  for (const u of values.url as string[]) {
    if (!/^https?:\/\//i.test(u)) {
      io.stderr(`crossread: --url takes an http:// or https:// URL (got "${u}")\n`);
      return 2;
    }
    positionals.push(u);
  }
  if (positionals.length === 0 && !values.openapi && !values.targets) {
    io.stderr('crossread: scan needs at least one path or URL, e.g. crossread scan . or crossread scan https://api.example.com\n');
    return 2;
  }
  const live = liveOptions(values, io);
  if (typeof live === 'string') {
    io.stderr(`crossread: ${live}\n`);
    return 2;
  }

  const hasLive = positionals.some((p) => /^https?:\/\//i.test(p)) || !!values.openapi || !!values.targets;
  if (values.verify && !hasLive) io.stderr('crossread: --verify needs a running API to probe (--url URL); the source is scanned without browser proof\n');
  const verify = values.verify ? { pocDir: resolve(io.cwd, (values['poc-dir'] as string | undefined) ?? 'crossread-poc') } : undefined;
  let baseline: BaselineEntry[] | undefined;
  if (values.baseline) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, values.baseline as string), 'utf8');
    } catch (e) {
      io.stderr(`crossread: --baseline ${values.baseline}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
      return 2;
    }
    const b = readBaseline(text, values.baseline as string);
    if (typeof b === 'string') {
      io.stderr(`crossread: --baseline ${b}\n`);
      return 2;
    }
    baseline = b;
  }
  const scanned = await scan({ paths: positionals, exclude: values.exclude, workers, cwd: io.cwd, live, ...(verify ? { verify } : {}) });
  const result = baseline ? applyBaseline(scanned, baseline, values.baseline as string) : scanned;
  const color = format === 'text' && !values.output && io.isTTY && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '');
  const report = render(format, result, { color, knowledge: knowledge() });
  if (values.output) {
    try {
      writeFileSync(resolve(io.cwd, values.output), report);
    } catch (e) {
      io.stderr(`crossread: cannot write ${values.output}: ${(e as Error).message}\n`);
      return 2;
    }
    io.stderr(`crossread: wrote ${format} report to ${values.output} (${result.findings.length} findings)\n`);
  } else {
    io.stdout(report);
  }
  if (format !== 'text') for (const d of result.diagnostics) io.stderr(`crossread: ${d.level}: ${d.where ? `${d.where}: ` : ''}${d.message}\n`);

  // every input unusable: a usage error, not a clean scan
  const inputErrors = result.diagnostics.filter((d) => d.level === 'error' && d.message === 'no such file or directory').length;
  if (positionals.length && inputErrors === positionals.length) return 2;
  if (failOn === 'none') return 0;
  // with a baseline, only what is new fails the run: adopting crossread on an existing codebase starts green
  return [...result.findings, ...result.chains].some((f) => atLeast(f.severity, failOn as Severity) && f.baseline !== 'unchanged') ? 1 : 0;
}
