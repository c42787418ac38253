/** Decoding of Python string literal text (prefix, quotes, escapes) into its value. */

export interface StringParts {
  prefix: string; // lower-cased: '', 'r', 'b', 'f', 'rb', 'fr', 'u' …
  quote: string; // ', ", ''' or """
}

export function splitLiteral(text: string): StringParts & { body: string } {
  const m = /^([A-Za-z]*)('''|"""|'|")/.exec(text);
  if (!m) return { prefix: '', quote: '', body: text };
  const prefix = m[1].toLowerCase();
  const quote = m[2];
  const body = text.slice(m[0].length, text.endsWith(quote) ? text.length - quote.length : text.length);
  return { prefix, quote, body };
}

const SIMPLE: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Decodes backslash escapes as Python does for a non-raw str literal. */
export function unescapePython(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n in SIMPLE) {
      out += SIMPLE[n];
      i++;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (n === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 2, i + 10))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 2, i + 10), 16));
      i += 9;
    } else if (/[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length;
    } else {
      out += c; // unknown escapes keep the backslash, as in Python
    }
  }
  return out;
}

/** Value of a whole, non-f string literal. */
export function stringValue(text: string): string {
  const { prefix, body } = splitLiteral(text);
  return prefix.includes('r') ? body : unescapePython(body);
}
