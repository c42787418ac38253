/** One canonical ScanResult rendered by every reporter, snapshotted; SARIF validated against the 2.1.0 schema. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { scan } from '../src/engine/scan.ts';
import { render, type RenderContext } from '../src/report/index.ts';
import { knowledge } from '../src/cli/main.ts';
import type { ScanResult } from '../src/engine/types.ts';
import { matchSnapshot } from './helpers/snapshot.ts';

const require = createRequire(import.meta.url);
// ajv-draft-04 is CommonJS; its class is the default export
type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const Ajv = (require('ajv-draft-04') as { default: new (o: object) => { compile(schema: object): Validator } }).default;
const ROOT = resolve(import.meta.dirname, '..');
const ctx: RenderContext = { color: false, knowledge: knowledge() };

async function canonical(): Promise<ScanResult> {
  const r = await scan({ paths: ['examples/profiles-api'], cwd: ROOT });
  return { ...r, tool: { ...r.tool, version: '0.0.0-test' }, stats: { ...r.stats, durationMs: 0 } };
}

test('text report', async () => matchSnapshot('profiles-api.txt', render('text', await canonical(), ctx)));
test('json report', async () => matchSnapshot('profiles-api.json', render('json', await canonical(), ctx)));
test('sarif report', async () => matchSnapshot('profiles-api.sarif', render('sarif', await canonical(), ctx)));

test('SARIF validates against the official 2.1.0 schema', async () => {
  const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  const validate = ajv.compile(schema);
  const log = JSON.parse(render('sarif', await canonical(), ctx));
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const result = log.runs[0].results[0];
  assert.ok(result.partialFingerprints['crossread/v1']);
  assert.ok(log.runs[0].tool.driver.rules.every((r: { properties: { tags: string[] } }) => r.properties.tags.some((t) => t.startsWith('external/cwe/'))));
});

test('colour only when asked, and the fixed twin is clean', async () => {
  const r = await canonical();
  assert.ok(!render('text', r, ctx).includes('\u001b['));
  assert.ok(render('text', r, { ...ctx, color: true }).includes('\u001b['));
  const fixed = await scan({ paths: ['examples/profiles-api-fixed'], cwd: ROOT });
  assert.deepEqual(fixed.findings.map((f) => f.ruleId), []);
});

test('markdown summary: grade, chains and findings for a pull request; only new ones against a baseline', async () => {
  const { applyBaseline } = await import('../src/engine/baseline.ts');
  const r = await canonical();
  const md = render('markdown', r, ctx);
  assert.match(md, /^## crossread: grade F \(\d+\/100\)\n/);
  assert.match(md, /### Attack chains\n\n\| \| chain \| route \| proved in a browser \| severity set by \|/);
  assert.match(md, /\| 🔴 high \| `unauthenticated-data-exposure` \| `GET \/export\/\{user_id\}` \|/);
  assert.match(md, /### Findings\n/);
  assert.ok(md.length < 65_536, `${md.length} characters is more than a GitHub comment holds`);
  // every finding but one in the baseline: exactly that one is listed, and the fixed one too
  const keep = r.findings.find((f) => f.ruleId === 'debug-mode-enabled')!;
  const baseline = r.findings.filter((f) => f !== keep).map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, severity: f.severity, message: f.message, location: f.location }));
  baseline.push({ fingerprint: 'gone', ruleId: 'cors-null-origin', severity: 'high', message: 'm', location: { file: 'app/old.py' } });
  const diff = render('markdown', applyBaseline(r, [...baseline, ...r.chains.map((c) => ({ fingerprint: c.fingerprint, ruleId: c.id, severity: c.severity, message: '', location: {} }))], 'before.json'), ctx);
  assert.match(diff, /\*\*1 new\*\*/);
  assert.match(diff, /### New findings\n\n.*\n.*\n\| 🟠 medium \| `debug-mode-enabled` \| `examples\/profiles-api\/app\/local_dev\.py:25` \|/);
  assert.ok(!diff.includes('### New attack chains'), 'no new chain');
  assert.match(diff, /### Fixed since the baseline \(1\)\n\n- ~~`cors-null-origin`~~ `app\/old\.py`/);
});

test('HTML report: self-contained, renders in Chromium without console errors, filters work, scan text is escaped', { skip: existsSync('/usr/lib/chromium/chromium') ? false : 'no Chromium (apt-get install -y chromium)' }, async () => {
  const { chromium } = await import('playwright-core');
  const r = await canonical();
  // a finding message carrying markup must come out as text
  const hostile = { ...r, findings: [{ ...r.findings[0], message: `${r.findings[0].message} <img src=x onerror="window.__pwned=1">` }, ...r.findings.slice(1)] };
  const html = render('html', hostile, ctx);
  assert.ok(!/<(link|img|script)[^>]+(src|href)=["']?https?:/i.test(html), 'nothing is fetched from the network');
  const dir = mkdtempSync(join(tmpdir(), 'crossread-html-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('#grade .letter').textContent(), 'F');
    assert.equal(await page.locator('section.chain').count(), r.chains.length);
    assert.equal(await page.locator('article.finding').count(), r.findings.length);
    assert.ok((await page.locator('#routes + table tbody tr').count()) > 5, 'the route × exposure matrix');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'markup in scan text does not run');
    // each finding shows the fixed code of its stack's page: the FastAPI route's and the Lambda handler's differ
    const card = (rule: string, file: string) => page.locator(`article.finding[data-rule="${rule}"]`).filter({ hasText: file }).first();
    const fastapiFix = card('dynamodb-key-from-request', 'app/routes/profiles.py').locator('details.fixcode');
    await fastapiFix.locator('summary').click();
    assert.match((await fastapiFix.textContent()) ?? '', /for FastAPI × DynamoDB[\s\S]*Depends\(get_current_user\)/);
    assert.match((await card('dynamodb-key-from-request', 'lambda_handlers/export.py').locator('details.fixcode').textContent()) ?? '', /for Lambda × DynamoDB[\s\S]*def handler\(event, context\)/);
    assert.match((await card('dynamodb-key-from-request', 'lambda_handlers/export.py').locator('.tag').textContent()) ?? '', /crossread explain dynamodb-key-from-request --framework lambda --datastore dynamodb/);
    assert.ok((await card('dynamodb-key-from-request', 'app/routes/profiles.py').locator('.why code').count()) > 0, 'code spans of the page prose render as code');
    // filters: untick critical and high, then choose one rule
    await page.locator('.filters input[value=critical]').uncheck();
    await page.locator('.filters input[value=high]').uncheck();
    const visible = r.findings.filter((f) => f.severity !== 'critical' && f.severity !== 'high').length;
    assert.equal(await page.locator('article.finding:not(.hidden)').count(), visible);
    assert.equal(await page.locator('#shown').textContent(), String(visible));
    await page.locator('#rule-filter').selectOption('debug-mode-enabled');
    assert.equal(await page.locator('article.finding:not(.hidden)').count(), 1);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.filters').isVisible(), false, 'print hides the filters');
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
