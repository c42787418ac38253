import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDocs } from '../scripts/gen-docs.ts';
import { RULES } from '../src/code/rules/registry.ts';

const ROOT = resolve(import.meta.dirname, '..');

test('generated rule and grading docs are up to date (npm run docs)', () => {
  for (const [name, text] of Object.entries(generateDocs())) {
    assert.equal(readFileSync(resolve(ROOT, 'docs/rules', name), 'utf8'), text, `docs/rules/${name} is stale; run npm run docs`);
  }
});

test('the registry lists exactly the rule files in src/code/rules', () => {
  const helpers = new Set(['rule.ts', 'registry.ts', 'cors-context.ts', 'origin-witness.ts', 'dynamo-context.ts', 'exposure-context.ts', 'iac-context.ts']);
  const files = readdirSync(resolve(ROOT, 'src/code/rules')).filter((f) => f.endsWith('.ts') && !helpers.has(f)).map((f) => f.replace(/\.ts$/, ''));
  assert.deepEqual(files.sort(), RULES.map((r) => r.meta.id).sort());
});
