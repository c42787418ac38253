/**
 * Knowledge base: Markdown pages with YAML front matter, one generic page per rule, live check and chain
 * (knowledge/<id>.md) and one page per stack (knowledge/<framework>-<datastore>/<id>.md), each with why,
 * when it is exploitable, fixes as tested code, related CWEs and references.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { KnowledgeEntry } from '../report/context.ts';

function knowledgeDir(): string {
  for (const rel of ['../../knowledge', '../../../knowledge']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  return fileURLToPath(new URL('../../knowledge', import.meta.url));
}

export const KNOWLEDGE_DIR = knowledgeDir();

export const FRAMEWORKS = ['fastapi', 'lambda'] as const;
export const DATASTORES = ['dynamodb'] as const;
export type Framework = (typeof FRAMEWORKS)[number];
export type Datastore = (typeof DATASTORES)[number];

/** A stack a page can be written for; `generic` is the fallback for every other stack. */
export interface Stack {
  id: string;
  framework: Framework | 'any';
  datastore: Datastore | 'any';
  label: string;
}

export const GENERIC: Stack = { id: 'generic', framework: 'any', datastore: 'any', label: 'any stack' };

/** The stacks with pages of their own, besides the generic fallback. */
export const STACKS: Stack[] = [
  { id: 'fastapi-dynamodb', framework: 'fastapi', datastore: 'dynamodb', label: 'FastAPI × DynamoDB' },
  { id: 'lambda-dynamodb', framework: 'lambda', datastore: 'dynamodb', label: 'Lambda handler × DynamoDB' },
];

export function stackById(id: string | undefined): Stack {
  return STACKS.find((s) => s.id === id) ?? GENERIC;
}

/** The stack for a framework and datastore; either may be left out (`--framework lambda` alone means its only page). */
export function stackFor(framework?: string, datastore?: string): Stack | undefined {
  return STACKS.find((s) => (!framework || s.framework === framework) && (!datastore || s.datastore === datastore));
}

export function knowledgeFile(id: string, stack: Stack = GENERIC): string {
  return stack.id === 'generic' ? `${KNOWLEDGE_DIR}/${id}.md` : `${KNOWLEDGE_DIR}/${stack.id}/${id}.md`;
}

export interface FrontMatter {
  id: string;
  framework: string;
  datastore: string;
  /** Live checks: the code rules that find in source the cause of what the probe sees. */
  'found-in-code-by'?: string[];
  [key: string]: unknown;
}

/** Splits `---\n<yaml>\n---\n` off the top of a page. */
export function frontMatter(markdown: string): { data: FrontMatter | undefined; body: string; error?: string } {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  if (!m) return { data: undefined, body: markdown };
  try {
    const data = parseYaml(m[1]) as FrontMatter;
    return { data: data && typeof data === 'object' ? data : undefined, body: markdown.slice(m[0].length) };
  } catch (e) {
    return { data: undefined, body: markdown.slice(m[0].length), error: (e as Error).message };
  }
}

export function section(markdown: string, heading: string): string {
  const re = new RegExp(`^## ${heading}[^\\n]*\\n([\\s\\S]*?)(?=^## |$(?![\\s\\S]))`, 'm');
  return (re.exec(markdown)?.[1] ?? '').trim();
}

function firstParagraph(text: string): string {
  return text.split(/\n\s*\n/)[0].replace(/\s*\n\s*/g, ' ').trim();
}

/** The page of `id` for `stack`, or undefined when that page does not exist (callers fall back to the generic one). */
export function loadKnowledgePage(id: string, stack: Stack = GENERIC): KnowledgeEntry | undefined {
  const file = knowledgeFile(id, stack);
  if (!existsSync(file)) return undefined;
  const { body } = frontMatter(readFileSync(file, 'utf8'));
  return {
    title: (/^# (.+)$/m.exec(body)?.[1] ?? id).trim(),
    why: firstParagraph(section(body, 'Why')),
    fix: firstParagraph(section(body, 'Fix')),
    markdown: body,
    stack: stack.id,
    fixes: fixesOf(section(body, 'Fix')),
  };
}

/** The fixed blocks of a Fix section, each with the ### approach it sits under. */
function fixesOf(fix: string): NonNullable<KnowledgeEntry['fixes']> {
  const out: NonNullable<KnowledgeEntry['fixes']> = [];
  let approach = '';
  const re = /^### (.+)$|^```(\w+) fixed[^\n]*\n([\s\S]*?)^```/gm;
  for (const m of fix.matchAll(re)) {
    if (m[1]) approach = m[1].trim();
    else out.push({ approach, lang: m[2], code: m[3] });
  }
  return out;
}

/** The generic page of `id`. */
export function loadKnowledge(id: string): KnowledgeEntry | undefined {
  return loadKnowledgePage(id);
}

/** Every page of `id`: the generic one under `id`, the stack pages under `id@<stack>`, for reporters. */
export function knowledgeEntries(id: string): [string, KnowledgeEntry | undefined][] {
  return [[id, loadKnowledge(id)], ...STACKS.map((s): [string, KnowledgeEntry | undefined] => [`${id}@${s.id}`, loadKnowledgePage(id, s)]).filter(([, kb]) => kb)];
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
  /**
   * ` live` / ` live=cookie,origin:https://app.example.com,seed:users,param:user_id=u1`: a FastAPI block the
   * tests also run under uvicorn and probe live (with the victim's cookie, the front end's origin, tables seeded
   * with two users' profiles keyed by user_id (`seed:customers/customer_id` for another key), path parameters filled), expecting the page's live check on a
   * vulnerable block and none on a fixed one. On Lambda pages `rest` / `http` serve the handler behind a stand-in for
   * API Gateway's proxy integration (payload 1.0 / 2.0), on `route:/items/{user_id}`.
   */
  live?: {
    cookie: boolean;
    origins: string[];
    seed: string[];
    params: Record<string, string>;
    /** Lambda pages: the API Gateway event shape the handler is served with, and the route template. */
    shape?: 'rest' | 'http';
    route?: string;
    /** Other checks that must not show (`absent:live-cors-preflight-mismatch`): near misses the probe must not report. */
    absent: string[];
  };
}

const DEFAULT_FILE: Record<CodeBlock['lang'], string> = { python: 'app.py', yaml: 'template.yaml', json: 'template.json', hcl: 'main.tf', typescript: 'stack.ts' };

/** ```python vulnerable / ```yaml fixed file=template.yaml blocks, which tests run the rules on. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const re = /^```(python|yaml|json|hcl|typescript) (vulnerable|fixed)((?: (?:file|live)(?:=\S+)?)*)\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(re)) {
    const before = markdown.slice(0, m.index);
    const lang = m[1] as CodeBlock['lang'];
    const attrs = new Map(m[3].trim().split(/\s+/).filter(Boolean).map((a) => [a.split('=')[0], a.slice(a.indexOf('=') + 1 || a.length)] as [string, string]));
    const file = attrs.get('file');
    const live = attrs.has('live') ? (attrs.get('live') ?? '').split(',').filter(Boolean) : undefined;
    out.push({
      kind: m[2] as CodeBlock['kind'],
      lang,
      code: m[4],
      line: before.split('\n').length,
      file: file || DEFAULT_FILE[lang],
      group: (before.match(/^#{2,3} /gm) ?? []).length,
      multi: !!file,
      ...(live
        ? {
            live: {
              cookie: live.includes('cookie'),
              origins: live.filter((o) => o.startsWith('origin:')).map((o) => o.slice(7)),
              seed: live.filter((o) => o.startsWith('seed:')).map((o) => o.slice(5)),
              absent: live.filter((o) => o.startsWith('absent:')).map((o) => o.slice(7)),
              params: Object.fromEntries(live.filter((o) => o.startsWith('param:')).map((o) => o.slice(6).split('=') as [string, string])),
              ...(live.includes('rest') || live.includes('http') ? { shape: live.includes('rest') ? ('rest' as const) : ('http' as const) } : {}),
              ...(live.some((o) => o.startsWith('route:')) ? { route: live.find((o) => o.startsWith('route:'))!.slice(6) } : {}),
            },
          }
        : {}),
    });
  }
  return out;
}

/** The projects a page's blocks make: a block alone is one; blocks that name their files under one heading are one together. */
export function blockProjects(blocks: CodeBlock[]): CodeBlock[][] {
  const projects = new Map<string, CodeBlock[]>();
  blocks.forEach((b, i) => {
    const key = b.multi ? `${b.kind}@${b.group}` : `${i}`;
    projects.set(key, [...(projects.get(key) ?? []), b]);
  });
  return [...projects.values()];
}
