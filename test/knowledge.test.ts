/** The fix advice is tested code: every block marked vulnerable is flagged by its rule, every block marked fixed is not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RULES } from '../src/code/rules/registry.ts';
import { codeBlocks, KNOWLEDGE_DIR, loadKnowledge } from '../src/knowledge/index.ts';
import { scan } from '../src/engine/scan.ts';
import { CHAINS } from '../src/correlate/index.ts';

for (const rule of RULES) {
  const id = rule.meta.id;
  test(`knowledge: ${id}`, async () => {
    const file = join(KNOWLEDGE_DIR, `${id}.md`);
    assert.ok(existsSync(file), `knowledge/${id}.md is missing`);
    const kb = loadKnowledge(id)!;
    assert.ok(kb.why.length > 40, 'a Why section is needed');
    assert.ok(kb.fix.length > 20, 'a Fix section is needed');
    const blocks = codeBlocks(readFileSync(file, 'utf8'));
    assert.ok(blocks.some((b) => b.kind === 'vulnerable') && blocks.some((b) => b.kind === 'fixed'), 'needs a vulnerable and a fixed block');
    // a block alone is one project; blocks that name their files (`file=app/main.py`) under one heading are one project together
    const projects = new Map<string, typeof blocks>();
    blocks.forEach((b, i) => {
      const key = b.multi ? `${b.kind}@${b.group}` : `${i}`;
      projects.set(key, [...(projects.get(key) ?? []), b]);
    });
    for (const group of projects.values()) {
      const dir = mkdtempSync(join(tmpdir(), 'crossread-kb-'));
      for (const b of group) {
        mkdirSync(dirname(join(dir, b.file)), { recursive: true });
        writeFileSync(join(dir, b.file), b.code);
      }
      const r = await scan({ paths: [dir], cwd: dir });
      rmSync(dir, { recursive: true });
      const hit = r.findings.some((f) => f.ruleId === id);
      const b = group[0];
      assert.equal(hit, b.kind === 'vulnerable', `knowledge/${id}.md:${b.line}: ${b.kind} block ${hit ? 'is' : 'is not'} flagged`);
    }
  });
}

// attack chains: every vulnerable block forms the chain, every fixed block does not
for (const chain of CHAINS) {
  test(`knowledge: chain ${chain.id}`, async () => {
    const file = join(KNOWLEDGE_DIR, `${chain.id}.md`);
    assert.ok(existsSync(file), `knowledge/${chain.id}.md is missing`);
    const kb = loadKnowledge(chain.id)!;
    assert.ok(kb.why.length > 40 && kb.fix.length > 20, 'Why and Fix sections are needed');
    const blocks = codeBlocks(readFileSync(file, 'utf8'));
    assert.ok(blocks.some((b) => b.kind === 'vulnerable') && blocks.some((b) => b.kind === 'fixed'), 'needs a vulnerable and a fixed block');
    for (const b of blocks) {
      const dir = mkdtempSync(join(tmpdir(), 'crossread-kb-'));
      writeFileSync(join(dir, b.file), b.code);
      const r = await scan({ paths: [dir], cwd: dir });
      rmSync(dir, { recursive: true });
      const formed = r.chains.some((c) => c.id === chain.id);
      assert.equal(formed, b.kind === 'vulnerable', `knowledge/${chain.id}.md:${b.line}: ${b.kind} block ${formed ? 'forms' : 'does not form'} the chain`);
    }
  });
}
