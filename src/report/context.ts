/** What a reporter may use besides the result: presentation choices and knowledge-base text. */
export interface KnowledgeEntry {
  title: string;
  why: string;
  fix: string;
  /** Full Markdown without the front matter, for SARIF help and `crossread explain`. */
  markdown: string;
  /** The stack the page is written for (`fastapi-dynamodb`, `lambda-dynamodb`) or `generic`. */
  stack?: string;
}

export interface RenderContext {
  color: boolean;
  knowledge: Record<string, KnowledgeEntry | undefined>;
}
