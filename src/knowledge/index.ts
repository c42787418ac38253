/** Knowledge base: one Markdown file per rule in knowledge/, with why, fixes per framework, and tested code. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KnowledgeEntry } from '../report/context.ts';

function knowledgeDir(): string {
  for (const rel of ['../../knowledge', '../../../knowledge']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return fileURLToPath(new URL('../../knowledge', import.meta.url));
}

export const KNOWLEDGE_DIR = knowledgeDir();

export function section(markdown: string, heading: string): string {
  const re = new RegExp(`^## ${heading}[^\\n]*\\n([\\s\\S]*?)(?=^## |$(?![\\s\\S]))`, 'm');
  return (re.exec(markdown)?.[1] ?? '').trim();
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ').trim();
}

export function loadKnowledge(ruleId: string): KnowledgeEntry | undefined {
  const file = `${KNOWLEDGE_DIR}/${ruleId}.md`;
  if (!existsSync(file)) return undefined;
  const markdown = readFileSync(file, 'utf8');
  return {
    title: (/^# (.+)$/m.exec(markdown)?.[1] ?? ruleId).trim(),
    why: firstParagraph(section(markdown, 'Why')),
    fix: firstParagraph(section(markdown, 'Fix')),
    markdown,
  };
}

export interface CodeBlock {
  kind: 'vulnerable' | 'fixed';
  code: string;
  line: number;
}

/** ```python vulnerable / ```python fixed blocks, which tests run the rules on. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^```python (vulnerable|fixed)\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(re)) {
    out.push({ kind: m[1] as CodeBlock['kind'], code: m[2], line: markdown.slice(0, m.index).split('\n').length });
  }
  return out;
}
