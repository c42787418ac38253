/** The terminal renderer `crossread explain` uses: structure kept, prose wrapped, styles only when asked. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTerminalMarkdown, wrapText } from '../src/report/terminal-markdown.ts';

const PAGE = `# Title

A paragraph with **bold**, \`code\` and a [link](https://example.com/docs) that is long enough to need wrapping at forty columns.

- one
- two with \`x\`
  - nested

| a | bb |
|---|---|
| 1 | 2 |

\`\`\`python vulnerable
app.add_middleware(CORSMiddleware, allow_origins=["*"])
\`\`\`

> quoted
`;

test('plain: headings underlined, prose wrapped, lists and tables laid out, code labelled', () => {
  const out = renderTerminalMarkdown(PAGE, { color: false, width: 40 });
  assert.match(out, /^Title\n═════\n\n/);
  for (const line of out.split('\n').filter((l) => !l.includes('│'))) assert.ok(line.length <= 40, line);
  assert.match(out, /`code`/);
  assert.match(out, /link\s\(https:\/\/example\.com\/docs\)/);
  assert.match(out, / {2}• one\n {2}• two with `x`\n {4}• nested/);
  assert.match(out, / {2}a {2}bb\n {2}─ {2}──\n {2}1 {2}2/);
  assert.match(out, / {2}✗ vulnerable \(python\)\n {4}│ app\.add_middleware\(CORSMiddleware, allow_origins=\["\*"\]\)/);
  assert.match(out, /│ quoted/);
  assert.doesNotMatch(out, /\x1b\[/);
});

test('color: ANSI styles, and wrapping measures the text without them', () => {
  const out = renderTerminalMarkdown(PAGE, { color: true, width: 40 });
  assert.match(out, /\x1b\[1mTitle\x1b\[0m/);
  assert.match(out, /\x1b\[31m✗ vulnerable/);
  for (const line of out.split('\n').filter((l) => !l.includes('│'))) assert.ok(line.replace(/\x1b\[[0-9;]*m/g, '').length <= 40, line);
  assert.equal(wrapText('aaa bbb ccc', 7, '', '  '), 'aaa bbb\n  ccc');
});
