/**
 * The knowledge base: every rule, live check and chain has a generic page and a page per stack
 * (FastAPI × DynamoDB, Lambda × DynamoDB), each with the sections a reader needs, its related CWEs named
 * correctly, and fixes that are tested code: every block marked vulnerable is flagged by crossread's own
 * rules (or forms the chain), every block marked fixed is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RULES } from '../src/code/rules/registry.ts';
import { LIVE_CHECKS } from '../src/live/judge.ts';
import { CHAINS } from '../src/correlate/index.ts';
import { CWE_NAMES, RELATED_CWE_NAMES, SEVERITIES } from '../src/findings/index.ts';
import { blockProjects, codeBlocks, frontMatter, GENERIC, knowledgeFile, section, STACKS, type CodeBlock, type Stack } from '../src/knowledge/index.ts';
import { scan } from '../src/engine/scan.ts';
import type { ScanResult } from '../src/engine/types.ts';

type Kind = 'rule' | 'live' | 'chain';
const TOPICS: { id: string; kind: Kind; cwe: number[] }[] = [
  ...RULES.map((r) => ({ id: r.meta.id, kind: 'rule' as const, cwe: r.meta.cwe })),
  ...LIVE_CHECKS.map((c) => ({ id: c.id, kind: 'live' as const, cwe: c.cwe })),
  ...CHAINS.map((c) => ({ id: c.id, kind: 'chain' as const, cwe: c.cwe })),
];
const RULE_IDS = new Set(RULES.map((r) => r.meta.id));

async function scanProject(group: CodeBlock[]): Promise<ScanResult> {
  const dir = mkdtempSync(join(tmpdir(), 'crossread-kb-'));
  try {
    for (const b of group) {
      mkdirSync(dirname(join(dir, b.file)), { recursive: true });
      writeFileSync(join(dir, b.file), b.code);
    }
    return await scan({ paths: [dir], cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `- **CWE-639** Authorization Bypass Through User-Controlled Key — high: why` */
const RELATED = /^- \*\*CWE-(\d+)\*\* (.+?) — (critical|high|medium|low|info)\b/;

function checkStructure(id: string, kind: Kind, cwes: number[], stack: Stack, markdown: string): { body: string; foundBy: string[] } {
  const where = `knowledge/${stack.id === 'generic' ? '' : `${stack.id}/`}${id}.md`;
  const { data, body, error } = frontMatter(markdown);
  assert.ok(data, `${where}: front matter (---\\nid: …\\nframework: …\\ndatastore: …\\n---) is missing${error ? `: ${error}` : ''}`);
  assert.equal(data.id, id, `${where}: front matter id`);
  assert.equal(data.framework, stack.framework, `${where}: front matter framework`);
  assert.equal(data.datastore, stack.datastore, `${where}: front matter datastore`);
  assert.match(body, /^# \S.+$/m, `${where}: a title`);
  for (const heading of ['Why', 'When it is exploitable', 'Fix', 'Related weaknesses', 'References']) {
    assert.ok(section(body, heading).length > 40, `${where}: a "## ${heading}" section is needed`);
  }
  const fix = section(body, 'Fix');
  assert.ok((fix.match(/^### /gm) ?? []).length >= 2, `${where}: the Fix section needs at least two approaches (### headings), e.g. app-level and gateway-level`);
  const related = section(body, 'Related weaknesses').split('\n').filter((l) => l.startsWith('- '));
  const cited = new Set<number>();
  for (const line of related) {
    const m = RELATED.exec(line);
    assert.ok(m, `${where}: a related weakness reads "- **CWE-N** <official name> — <severity>: …" (got "${line.slice(0, 80)}")`);
    const n = Number(m[1]);
    const name = CWE_NAMES[n] ?? RELATED_CWE_NAMES[n];
    assert.ok(name, `${where}: CWE-${n} is not in CWE_NAMES or RELATED_CWE_NAMES (src/findings/cwe.ts)`);
    assert.equal(m[2], name, `${where}: CWE-${n}'s official name`);
    assert.ok((SEVERITIES as readonly string[]).includes(m[3]));
    cited.add(n);
  }
  for (const c of cwes) assert.ok(cited.has(c), `${where}: Related weaknesses must name CWE-${c}, which the ${kind} reports`);
  assert.ok((section(body, 'References').match(/\]\(https:\/\//g) ?? []).length >= 2, `${where}: at least two references with links`);
  if (stack.framework === 'lambda') {
    assert.match(body, /REST API/, `${where}: a Lambda page says how the REST API (payload 1.0) event shape bears on it`);
    assert.match(body, /HTTP API/, `${where}: a Lambda page says how the HTTP API (payload 2.0) event shape bears on it`);
  }
  const foundBy = data['found-in-code-by'] ?? [];
  if (kind === 'live') {
    assert.ok(Array.isArray(foundBy) && foundBy.length > 0, `${where}: a live check's page names the code rules that find its cause (found-in-code-by: [rule ids])`);
    for (const r of foundBy) assert.ok(RULE_IDS.has(r), `${where}: found-in-code-by names no rule "${r}"`);
  }
  return { body, foundBy };
}

for (const t of TOPICS) {
  for (const stack of [GENERIC, ...STACKS]) {
    test(`knowledge: ${t.id} [${stack.id}]`, async () => {
      const file = knowledgeFile(t.id, stack);
      assert.ok(existsSync(file), `${file.slice(file.indexOf('knowledge/'))} is missing`);
      const { body, foundBy } = checkStructure(t.id, t.kind, t.cwe, stack, readFileSync(file, 'utf8'));
      const blocks = codeBlocks(body);
      assert.ok(blocks.some((b) => b.kind === 'vulnerable') && blocks.some((b) => b.kind === 'fixed'), 'needs a vulnerable and a fixed block');
      if (stack.framework === 'fastapi') assert.ok(blocks.some((b) => b.lang === 'python' && /\bfastapi\b/.test(b.code)), 'a FastAPI page shows FastAPI code');
      if (stack.framework === 'lambda') assert.ok(blocks.some((b) => b.lang !== 'python' || /def \w+\(event, context\)/.test(b.code)), 'a Lambda page shows a handler or its template');
      for (const group of blockProjects(blocks)) {
        const r = await scanProject(group);
        const b = group[0];
        const where = `${file.slice(file.indexOf('knowledge/'))}:${b.line + (frontMatterLines(file))}`;
        if (t.kind === 'chain') {
          const formed = r.chains.some((c) => c.id === t.id);
          assert.equal(formed, b.kind === 'vulnerable', `${where}: ${b.kind} block ${formed ? 'forms' : 'does not form'} the chain`);
        } else {
          const by = t.kind === 'rule' ? [t.id] : foundBy;
          const hit = r.findings.filter((f) => by.includes(f.ruleId)).map((f) => f.ruleId);
          assert.equal(hit.length > 0, b.kind === 'vulnerable', `${where}: ${b.kind} block ${hit.length ? `is flagged by ${[...new Set(hit)].join(', ')}` : `is not flagged by ${by.join(' or ')}`}`);
        }
      }
    });
  }
}

function frontMatterLines(file: string): number {
  const m = /^---\n[\s\S]*?\n---\n/.exec(readFileSync(file, 'utf8'));
  return m ? m[0].split('\n').length - 1 : 0;
}
