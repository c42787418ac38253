/**
 * Markdown for a terminal: headings, wrapped paragraphs, lists, tables, and code blocks indented and labelled
 * (a block marked vulnerable or fixed says so), with ANSI styles when `color` is on. Parsing is marked's lexer.
 */
import { Lexer, type Token, type Tokens } from 'marked';

export interface TerminalOptions {
  color: boolean;
  /** Wrap paragraphs and list items at this many columns. */
  width: number;
}

const ANSI = { bold: '\x1b[1m', dim: '\x1b[2m', italic: '\x1b[3m', underline: '\x1b[4m', red: '\x1b[31m', green: '\x1b[32m', cyan: '\x1b[36m', reset: '\x1b[0m' };

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

export function renderTerminalMarkdown(markdown: string, opts: TerminalOptions): string {
  const style = (codes: string, s: string) => (opts.color ? `${codes}${s}${ANSI.reset}` : s);

  const inline = (tokens: Token[] | undefined): string =>
    (tokens ?? [])
      .map((t) => {
        switch (t.type) {
          case 'strong':
            return style(ANSI.bold, inline((t as Tokens.Strong).tokens));
          case 'em':
            return style(ANSI.italic, inline((t as Tokens.Em).tokens));
          case 'codespan':
            return opts.color ? style(ANSI.cyan, decodeEntities((t as Tokens.Codespan).text)) : `\`${decodeEntities((t as Tokens.Codespan).text)}\``;
          case 'link': {
            const l = t as Tokens.Link;
            const text = inline(l.tokens);
            return text === l.href ? style(ANSI.underline, l.href) : `${text} (${style(ANSI.underline, l.href)})`;
          }
          case 'br':
            return '\n';
          case 'text': {
            const x = t as Tokens.Text;
            return x.tokens ? inline(x.tokens) : decodeEntities(x.text);
          }
          case 'escape':
            return (t as Tokens.Escape).text;
          default:
            return decodeEntities('text' in t ? String(t.text) : t.raw);
        }
      })
      .join('');

  const wrap = (text: string, first: string, rest: string): string => wrapText(text, opts.width, first, rest);

  const block = (tokens: Token[], indent: string): string[] => {
    const out: string[] = [];
    for (const t of tokens) {
      switch (t.type) {
        case 'heading': {
          const h = t as Tokens.Heading;
          const text = inline(h.tokens);
          if (h.depth === 1) out.push(`${style(ANSI.bold, text)}\n${style(ANSI.dim, '═'.repeat(Math.min(text.length, opts.width)))}`);
          else if (h.depth === 2) out.push(style(ANSI.bold + ANSI.underline, text));
          else out.push(style(ANSI.bold, text));
          break;
        }
        case 'paragraph':
          out.push(wrap(inline((t as Tokens.Paragraph).tokens), indent, indent));
          break;
        case 'text':
          out.push(wrap(inline((t as Tokens.Text).tokens ?? [t]), indent, indent));
          break;
        case 'list': {
          const l = t as Tokens.List;
          const lines: string[] = [];
          l.items.forEach((item, i) => {
            const bullet = l.ordered ? `${Number(l.start || 1) + i}. ` : '• ';
            const [head, ...more] = item.tokens;
            const first = head && (head.type === 'text' || head.type === 'paragraph') ? inline((head as Tokens.Text).tokens ?? [head]) : '';
            lines.push(wrap(first, `${indent}  ${bullet}`, `${indent}  ${' '.repeat(bullet.length)}`));
            lines.push(...block(head && first === '' ? item.tokens : more, `${indent}${' '.repeat(bullet.length)}`).filter((x) => x !== ''));
          });
          out.push(lines.join('\n'));
          break;
        }
        case 'code': {
          const c = t as Tokens.Code;
          const [lang, mark] = (c.lang ?? '').split(/\s+/);
          const label = mark === 'vulnerable' ? style(ANSI.red, `✗ vulnerable${lang ? ` (${lang})` : ''}`) : mark === 'fixed' ? style(ANSI.green, `✓ fixed${lang ? ` (${lang})` : ''}`) : lang ? style(ANSI.dim, lang) : '';
          const code = c.text.split('\n').map((l) => (l ? `${indent}    ${style(ANSI.dim, '│')} ${l}` : `${indent}    ${style(ANSI.dim, '│')}`));
          out.push((label ? [`${indent}  ${label}`, ...code] : code).join('\n'));
          break;
        }
        case 'blockquote':
          out.push(block((t as Tokens.Blockquote).tokens, `${indent}│ `).join('\n'));
          break;
        case 'table': {
          const tb = t as Tokens.Table;
          const rows = [tb.header.map((c) => inline(c.tokens)), ...tb.rows.map((r) => r.map((c) => inline(c.tokens)))];
          const plain = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
          const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => plain(r[i] ?? '').length)));
          const line = (r: string[]) => `${indent}  ${r.map((c, i) => c + ' '.repeat(widths[i] - plain(c).length)).join('  ')}`.trimEnd();
          out.push([style(ANSI.bold, line(rows[0])), `${indent}  ${widths.map((w) => '─'.repeat(w)).join('  ')}`, ...rows.slice(1).map(line)].join('\n'));
          break;
        }
        case 'hr':
          out.push(style(ANSI.dim, '─'.repeat(Math.min(40, opts.width))));
          break;
        case 'space':
          break;
        default:
          if (t.raw.trim()) out.push(`${indent}${t.raw.trim()}`);
      }
    }
    return out;
  };

  return `${block(Lexer.lex(markdown), '').join('\n\n')}\n`;
}

/** Wraps on spaces at `width` columns, measuring without ANSI codes; a word longer than the line stays whole. */
export function wrapText(text: string, width: number, first = '', rest = first): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let len = 0;
    const prefix = () => (out.length === 0 ? first : rest);
    for (const word of para.split(/ +/)) {
      const wlen = word.replace(/\x1b\[[0-9;]*m/g, '').length;
      if (len > 0 && prefix().length + len + 1 + wlen > width) {
        out.push(prefix() + line);
        line = word;
        len = wlen;
      } else {
        line = len > 0 ? `${line} ${word}` : word;
        len += (len > 0 ? 1 : 0) + wlen;
      }
    }
    out.push(prefix() + line);
  }
  return out.join('\n');
}
