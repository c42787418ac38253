/** Every `# ruleid:` line is reported (else Missing), no `# ok:` line is (else Noisy), and nothing unannotated fires. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scan } from '../src/engine/scan.ts';
import { RULES } from '../src/code/rules/registry.ts';
import { annotatedFiles, annotations } from './helpers/annotations.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/rules');

test('every rule has a fixture folder and every fixture folder a rule', () => {
  assert.deepEqual(readdirSync(FIXTURES).sort(), RULES.map((r) => r.meta.id).sort());
});

test('fixtures carry at least 60 annotated lines, each rule both kinds', () => {
  let total = 0;
  for (const r of RULES) {
    const anns = annotatedFiles(join(FIXTURES, r.meta.id)).flatMap(annotations).filter((a) => a.rule === r.meta.id);
    total += anns.length;
    assert.ok(anns.some((a) => a.kind === 'ruleid'), `${r.meta.id}: no ruleid line`);
    assert.ok(anns.some((a) => a.kind === 'ok'), `${r.meta.id}: no ok line`);
  }
  assert.ok(total >= 60, `only ${total} annotated lines`);
});

for (const rule of RULES) {
  const id = rule.meta.id;
  test(`fixture: ${id}`, async () => {
    const dir = join(FIXTURES, id);
    // each sub-folder with its own dependency files is its own project, like a real repo
    const result = await scan({ paths: [dir], cwd: dir });
    const got = new Set(result.findings.map((f) => `${resolve(dir, f.location.file!)}:${f.location.start?.line}:${f.ruleId}`));
    const anns = annotatedFiles(dir).flatMap(annotations);
    const problems: string[] = [];
    for (const a of anns) {
      const key = `${a.file}:${a.line}:${a.rule}`;
      if (a.kind === 'ruleid' && !got.has(key)) problems.push(`Missing: ${key}`);
      if (a.kind === 'ok' && got.has(key)) problems.push(`Noisy: ${key}`);
    }
    const expected = new Set(anns.filter((a) => a.kind === 'ruleid').map((a) => `${a.file}:${a.line}:${a.rule}`));
    for (const f of result.findings) {
      const key = `${resolve(dir, f.location.file!)}:${f.location.start?.line}:${f.ruleId}`;
      if (f.ruleId === id && !expected.has(key)) problems.push(`Noisy (unannotated): ${key} — ${f.message}`);
    }
    assert.deepEqual(problems, []);
  });
}
