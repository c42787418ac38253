/** What a reporter may use besides the result: presentation choices and knowledge-base text. */
export interface KnowledgeEntry {
  title: string;
  why: string;
  fix: string;
  /** Full Markdown, for SARIF help and `crossread explain`. */
  markdown: string;
}

export interface RenderContext {
  color: boolean;
  knowledge: Record<string, KnowledgeEntry | undefined>;
}
