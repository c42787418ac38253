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
  lang: 'python' | 'yaml' | 'json' | 'hcl' | 'typescript';
  code: string;
  line: number;
  /** The file the block is written to (`file=template.yaml`); blocks of one kind naming files under one heading are one project. */
  file: string;
  /** The heading the block sits under, which groups the blocks of a multi-file example. */
  group: number;
  multi: boolean;
}

const DEFAULT_FILE: Record<CodeBlock['lang'], string> = { python: 'app.py', yaml: 'template.yaml', json: 'template.json', hcl: 'main.tf', typescript: 'stack.ts' };

/** ```python vulnerable / ```yaml fixed file=template.yaml blocks, which tests run the rules on. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^```(python|yaml|json|hcl|typescript) (vulnerable|fixed)(?: file=(\S+))?\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(re)) {
    const before = markdown.slice(0, m.index);
    const lang = m[1] as CodeBlock['lang'];
    out.push({ kind: m[2] as CodeBlock['kind'], lang, code: m[4], line: before.split('\n').length, file: m[3] ?? DEFAULT_FILE[lang], group: (before.match(/^#{2,3} /gm) ?? []).length, multi: !!m[3] });
  }
  return out;
}
