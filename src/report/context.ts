/** What a reporter may use besides the result: presentation choices and knowledge-base text. */
export interface KnowledgeEntry {
  title: string;
  why: string;
  fix: string;
  /** Full Markdown without the front matter, for SARIF help and `crossread explain`. */
  markdown: string;
  /** The stack the page is written for (`fastapi-dynamodb`, `lambda-dynamodb`) or `generic`. */
  stack?: string;
  /** The fixed code blocks of the Fix section, with the approach (### heading) each sits under. */
  fixes?: { approach: string; lang: string; code: string }[];
}

/** The page to show for `id` on `stack` (a finding's or chain's): the stack's own page, else the generic one. */
export function pageFor(knowledge: RenderContext['knowledge'], id: string, stack?: string): KnowledgeEntry | undefined {
  return (stack ? knowledge[`${id}@${stack}`] : undefined) ?? knowledge[id];
}

/** `crossread explain <id> --framework fastapi --datastore dynamodb` for a stack page; the plain command otherwise. */
export function explainHint(id: string, page: KnowledgeEntry | undefined): string {
  const m = page?.stack && page.stack !== 'generic' ? /^([a-z]+)-([a-z]+)$/.exec(page.stack) : null;
  return m ? `crossread explain ${id} --framework ${m[1]} --datastore ${m[2]}` : `crossread explain ${id}`;
}

export interface RenderContext {
  color: boolean;
  knowledge: Record<string, KnowledgeEntry | undefined>;
}
