/**
 * Concrete attacker origins that a CORS allow rule accepts. Every finding names one, so a reader can
 * try it; tests check each witness with Python's own `re.fullmatch`.
 */

/** Suffixes under which anyone can get a subdomain (shared hosting, preview deployments). */
export const SHARED_HOSTING = [
  'amplifyapp.com', 'cloudfront.net', 'vercel.app', 'netlify.app', 'github.io', 'herokuapp.com', 'pages.dev',
  'workers.dev', 'azurewebsites.net', 'azurestaticapps.net', 'appspot.com', 'web.app', 'firebaseapp.com',
  'onrender.com', 'fly.dev', 'railway.app', 'glitch.me', 'repl.co', 'gitlab.io', 'surge.sh', 'ngrok.io',
  'ngrok-free.app', 's3.amazonaws.com', 's3-website.us-east-1.amazonaws.com', 'execute-api.us-east-1.amazonaws.com',
  'elasticbeanstalk.com', 'blob.core.windows.net', 'herokudns.com', 'deno.dev', 'codesandbox.io', 'stackblitz.io',
];

const TWO_LEVEL_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'gov.uk', 'com.au', 'net.au', 'co.jp', 'co.nz', 'com.br', 'co.in', 'com.cn', 'co.za']);

/** The part of a host its owner registers: `app.example.com` → `example.com`; shared-hosting subdomains are their own. */
export function registrable(host: string): string {
  const h = host.toLowerCase();
  for (const s of SHARED_HOSTING) if (h.endsWith(`.${s}`)) return h.slice(0, h.length - s.length - 1).split('.').at(-1) + `.${s}`;
  const labels = h.split('.');
  if (labels.length >= 3 && TWO_LEVEL_SUFFIXES.has(labels.slice(-2).join('.'))) return labels.slice(-3).join('.');
  return labels.slice(-2).join('.');
}

export function sharedSuffix(host: string): string | undefined {
  return SHARED_HOSTING.find((s) => host.toLowerCase().endsWith(`.${s}`));
}

/** Python `re` syntax to a JS RegExp; undefined when it uses what JS lacks. */
export function pyRegexToJs(pattern: string, mode: 'fullmatch' | 'match' = 'fullmatch'): RegExp | undefined {
  let flags = '';
  let p = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(p);
  if (inline) {
    if (inline[1].includes('i')) flags += 'i';
    if (inline[1].includes('s')) flags += 's';
    if (inline[1].includes('m')) flags += 'm';
    p = p.slice(inline[0].length);
  }
  p = p.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$');
  try {
    return new RegExp(mode === 'fullmatch' ? `^(?:${p})$` : `^(?:${p})`, flags);
  } catch {
    return undefined;
  }
}

/**
 * A string the regex is meant to accept, made by walking the pattern: literals as written, the first
 * alternative of a group, the first member of a class, quantified wildcards filled with `fill`.
 */
export function sampleFromRegex(pattern: string, fill = 'app'): string {
  let i = 0;
  const p = pattern.replace(/^\(\?[aiLmsux]+\)/, '');
  function alternation(): string {
    const first = sequence();
    while (p[i] === '|') {
      i++;
      sequence();
    }
    return first;
  }
  function sequence(): string {
    let out = '';
    while (i < p.length && p[i] !== '|' && p[i] !== ')') {
      const atom = atomAt();
      const q = quantifier();
      if (atom.skip) continue;
      if (q === 'opt') out += atom.text;
      else if (q === 'many') out += atom.wild ? fill : atom.text;
      else if (typeof q === 'number') out += atom.text.repeat(Math.max(1, q));
      else out += atom.text;
    }
    return out;
  }
  function quantifier(): 'one' | 'opt' | 'many' | number {
    const c = p[i];
    let q: 'one' | 'opt' | 'many' | number = 'one';
    if (c === '*' || c === '+') {
      i++;
      q = 'many';
    } else if (c === '?') {
      i++;
      q = 'opt';
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(p.slice(i));
      if (m) {
        i += m[0].length;
        q = m[2] ? 'many' : Number(m[1] || 1);
      }
    }
    if (p[i] === '?' || p[i] === '+') i++; // lazy / possessive
    return q;
  }
  function atomAt(): { text: string; wild?: boolean; skip?: boolean } {
    const c = p[i];
    if (c === '^' || c === '$') {
      i++;
      return { text: '', skip: true };
    }
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      i += 2;
      if (n === 'A' || n === 'Z' || n === 'b' || n === 'B') return { text: '', skip: true };
      if (n === 'd') return { text: '1', wild: true };
      if (n === 'w') return { text: 'a', wild: true };
      if (n === 's') return { text: ' ', wild: true };
      return { text: n };
    }
    if (c === '.') {
      i++;
      return { text: '.', wild: true };
    }
    if (c === '[') return charClass();
    if (c === '(') {
      i++;
      if (p[i] === '?') {
        if (p[i + 1] === ':') i += 2;
        else if (p[i + 1] === 'P' && p[i + 2] === '<') i = p.indexOf('>', i) + 1;
        else if (p[i + 1] === '<' && p[i + 2] !== '=' && p[i + 2] !== '!') i = p.indexOf('>', i) + 1;
        else {
          // lookaround: skip it entirely
          let depth = 1;
          while (i < p.length && depth > 0) {
            i++;
            if (p[i] === '\\') i++;
            else if (p[i] === '(') depth++;
            else if (p[i] === ')') depth--;
          }
          i++;
          return { text: '', skip: true };
        }
      }
      const text = alternation();
      i++; // ')'
      return { text, wild: /[^a-z0-9.-]/i.test(text) ? false : undefined };
    }
    i++;
    return { text: c };
  }
  function charClass(): { text: string; wild: boolean } {
    i++;
    const negated = p[i] === '^';
    if (negated) i++;
    let first = '';
    let start = true;
    while (i < p.length && (p[i] !== ']' || start)) {
      start = false;
      let ch = p[i];
      if (ch === '\\') {
        ch = p[i + 1] === 'd' ? '1' : p[i + 1] === 'w' ? 'a' : p[i + 1];
        i++;
      }
      if (!first) first = ch;
      i++;
    }
    i++;
    return { text: negated ? 'a' : /[a-z0-9]/i.test(first) ? first : 'a', wild: true };
  }
  return alternation();
}

export type Weakness = 'any-origin' | 'unescaped-dot' | 'suffix' | 'prefix' | 'shared-hosting' | 'any-subdomain' | 'http' | 'null';

export interface Witness {
  origin: string;
  weakness: Weakness;
  /** Why this origin is the attacker's. */
  why: string;
}

/** How bad each weakness is: can an outsider own a matching origin? */
const RANK: Weakness[] = ['any-origin', 'unescaped-dot', 'suffix', 'prefix', 'shared-hosting', 'null', 'any-subdomain', 'http'];

function split(origin: string): { scheme: string; host: string; port: string } | undefined {
  const m = /^(https?):\/\/([^/:]+)(:\d+)?$/.exec(origin);
  return m ? { scheme: m[1], host: m[2], port: m[3] ?? '' } : undefined;
}

/**
 * Candidate attacker origins for a regex, each with the bypass it tests, keeping those the regex
 * accepts (fullmatch, or prefix match for Starlette < 0.13.1). Sorted worst first.
 */
export function regexWitnesses(pattern: string, prefixMatch = false): Witness[] {
  const re = pyRegexToJs(pattern, prefixMatch ? 'match' : 'fullmatch');
  if (!re) return [];
  const sample = sampleFromRegex(pattern);
  const parts = split(sample);
  const candidates: Witness[] = [];
  // the regex accepts an unrelated site outright
  candidates.push({ origin: 'https://attacker.example', weakness: 'any-origin', why: 'an unrelated site' });
  candidates.push({ origin: 'null', weakness: 'null', why: 'the opaque origin of any sandboxed iframe or data: page' });
  if (parts) {
    const { scheme, host, port } = parts;
    const reg = registrable(host);
    // an unescaped "." matches any character: replace each dot of the host by a letter
    for (let k = 0; k < host.length; k++) {
      if (host[k] !== '.') continue;
      const h = `${host.slice(0, k)}x${host.slice(k + 1)}`;
      if (registrable(h) !== reg && TLDS.has(h.split('.').at(-1) ?? '')) candidates.push({ origin: `${scheme}://${h}${port}`, weakness: 'unescaped-dot', why: `a dot matches any character, so ${registrable(h)} (anyone can register it) matches` });
    }
    candidates.push({ origin: `${scheme}://${host}.attacker.example${port}`, weakness: 'suffix', why: 'the pattern does not end at the trusted host' });
    candidates.push({ origin: `${scheme}://attacker${reg}${port}`, weakness: 'prefix', why: `anything may precede ${reg}, so attacker${reg} matches` });
    candidates.push({ origin: `${scheme}://attacker-${reg}${port}`, weakness: 'prefix', why: `anything may precede ${reg}` });
    const shared = sharedSuffix(host);
    if (shared) {
      const filled = split(sampleFromRegex(pattern, 'attacker'));
      if (filled && filled.host !== host) candidates.push({ origin: `${scheme}://${filled.host}${port}`, weakness: 'shared-hosting', why: `anyone can create ${filled.host} on ${shared}` });
      candidates.push({ origin: `${scheme}://attacker.${shared}${port}`, weakness: 'shared-hosting', why: `anyone can create a site on ${shared}` });
    }
    candidates.push({ origin: `${scheme}://attacker.${reg}${port}`, weakness: 'any-subdomain', why: `every subdomain of ${reg} matches, including forgotten or taken-over ones` });
    if (scheme === 'https') candidates.push({ origin: `http://${host}${port}`, weakness: 'http', why: 'plain http is accepted, so a network attacker can serve that origin' });
  }
  const seen = new Set<string>();
  return candidates
    .filter((c) => re.test(c.origin) && !seen.has(c.origin) && seen.add(c.origin))
    .sort((a, b) => RANK.indexOf(a.weakness) - RANK.indexOf(b.weakness));
}

/** Top-level domains an attacker can register under, for substring witnesses. */
const TLDS = new Set(
  (
    'com net org io co ai app dev me us uk de fr es it nl be ch at se no dk fi pl cz pt ru ua jp cn kr in au nz ca br mx ar cl ' +
    'za ng ke eg tr il ir sa ae sg my id th vn ph hk tw pk bd lk np gr hu ro bg rs hr si sk lt lv ee is ie lu li mc ' +
    'to tv cc ws fm am ag ac sh la gg je im ms nu tk ml ga cf gq cx cm cd ly bz vc gs st so sc mu mn md ma kz ge by az ' +
    'info biz xyz online site tech store cloud page link click top club shop live news one'
  ).split(' '),
);

/**
 * For `allow_origins="https://app.example.com"` (a str, so Starlette tests `origin in allow_origins`):
 * the longest prefix of a configured origin that is itself a registrable origin on another domain.
 */
export function substringWitness(configured: string): Witness | undefined {
  if (configured.includes('*')) return { origin: 'https://attacker.example', weakness: 'any-origin', why: '"*" in the string allows every origin' };
  for (const o of configured.split(/[,\s]+/).filter(Boolean)) {
    const parts = split(o);
    if (!parts) continue;
    const reg = registrable(parts.host);
    for (let len = parts.host.length - 1; len > 2; len--) {
      const h = parts.host.slice(0, len);
      const labels = h.split('.');
      if (labels.length < 2 || labels.some((l) => !l)) continue;
      if (!TLDS.has(labels.at(-1)!)) continue;
      if (registrable(h) === reg) continue;
      return { origin: `${parts.scheme}://${h}`, weakness: 'prefix', why: `it is a substring of ${JSON.stringify(configured)}, and ${registrable(h)} can be registered` };
    }
    return { origin: `${parts.scheme}://${parts.host.split('.')[0]}`, weakness: 'prefix', why: `it is a substring of ${JSON.stringify(configured)} (an intranet host name)` };
  }
  return undefined;
}

export function isDevOrigin(origin: string): boolean {
  return /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])(:\d+)?\/?$/i.test(origin);
}
