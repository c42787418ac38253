/** The fix advice is tested code: every block marked vulnerable is flagged by its rule, every block marked fixed is not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULES } from '../src/code/rules/registry.ts';
import { codeBlocks, KNOWLEDGE_DIR, loadKnowledge } from '../src/knowledge/index.ts';
import { scan } from '../src/engine/scan.ts';

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
    for (const b of blocks) {
      const dir = mkdtempSync(join(tmpdir(), 'crossread-kb-'));
      writeFileSync(join(dir, 'app.py'), b.code);
      const r = await scan({ paths: [dir], cwd: dir });
      rmSync(dir, { recursive: true });
      const hit = r.findings.some((f) => f.ruleId === id);
      assert.equal(hit, b.kind === 'vulnerable', `knowledge/${id}.md:${b.line}: ${b.kind} block ${hit ? 'is' : 'is not'} flagged`);
    }
  });
}
