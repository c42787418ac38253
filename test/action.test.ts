/** The GitHub Action's entry script, run locally on the example as the Action runs it (INPUT_* variables). */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');

before(() => execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' }));

function action(inputs: Record<string, string>): { code: number; summary: string; out: string; sarif?: { runs: { results: unknown[] }[] }; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-action-'));
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: join(dir, 'output') };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/action.mjs')], { cwd: ROOT, env, encoding: 'utf8' });
  let sarif;
  try {
    sarif = JSON.parse(readFileSync(inputs['sarif-file'] ?? join(ROOT, 'crossread.sarif'), 'utf8'));
  } catch {
    sarif = undefined;
  }
  return { code: r.status ?? -1, summary: readFileSync(summary, 'utf8'), out: r.stdout, sarif, dir };
}

test('action.yml declares its inputs and runs the entry script', () => {
  const a = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
  assert.deepEqual(Object.keys(a.inputs).sort(), ['args', 'baseline', 'fail-on', 'paths', 'sarif-file', 'upload-sarif']);
  assert.equal(a.runs.using, 'composite');
  assert.ok(a.runs.steps.some((s: { run?: string }) => s.run?.includes('scripts/action.mjs')));
  assert.ok(a.runs.steps.some((s: { uses?: string }) => s.uses?.startsWith('github/codeql-action/upload-sarif')));
});

test('on the example: SARIF written, Markdown summary written, the job fails on high; the fixed twin passes', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'crossread-action-out-'));
  try {
    const bad = action({ paths: 'examples/profiles-api', 'fail-on': 'high', 'sarif-file': join(tmp, 'a.sarif') });
    assert.equal(bad.code, 1, bad.out.slice(-300));
    assert.ok(bad.sarif && bad.sarif.runs[0].results.length > 10, 'SARIF written');
    assert.match(bad.summary, /^## crossread: grade F/);
    assert.match(readFileSync(join(bad.dir, 'output'), 'utf8'), /sarif-file=.*a\.sarif/);
    const good = action({ paths: 'examples/profiles-api-fixed', 'fail-on': 'info', 'sarif-file': join(tmp, 'b.sarif') });
    assert.equal(good.code, 0, good.out.slice(-300));
    assert.match(good.summary, /^## crossread: grade A \(100\/100\)/);
    const usage = action({ paths: 'examples/profiles-api', baseline: join(tmp, 'missing.json'), 'sarif-file': join(tmp, 'c.sarif') });
    assert.equal(usage.code, 2, 'a baseline that cannot be read stops the job');
    for (const r of [bad, good, usage]) rmSync(r.dir, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
