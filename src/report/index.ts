import type { ScanResult } from '../engine/types.ts';
import type { RenderContext } from './context.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderHtml } from './html.ts';
import { renderSarif } from './sarif.ts';
import { renderText } from './text.ts';

export const FORMATS = ['text', 'json', 'sarif', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export function render(format: Format, result: ScanResult, ctx: RenderContext): string {
  switch (format) {
    case 'text':
      return renderText(result, ctx);
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result, ctx);
    case 'markdown':
      return renderMarkdown(result, ctx);
    case 'html':
      return renderHtml(result, ctx);
  }
}
export type { RenderContext, KnowledgeEntry } from './context.ts';
