/**
 * What a response body discloses (live-probe-spec b.7 E2): personal data, secrets, DynamoDB tells, AWS
 * identifiers in error text, tracebacks. The answer decides whether reading the body cross-origin
 * matters, so precision comes first: every detector pairs a shape with a check (Luhn and an IIN prefix
 * for cards, valid ranges for SSNs, a decodable header for JWTs, a secret-ish JSON name and a generated
 * value for API keys, a real JSON AttributeValue for DynamoDB items).
 *
 * Cost: the body is cut at 1 MiB; every regex has bounded quantifiers over disjoint character classes, so
 * the work per start position is bounded and a scan is linear; each detector examines at most
 * MAX_CANDIDATES candidates. Samples are masked (src/findings/redact.ts) and then passed through
 * `redact` once more, so no full secret, card number, SSN or email address is ever returned.
 */
import { mask, redact } from '../findings/redact.ts';
import type { BodyClass } from './types.ts';
import { entropy, isSequence, isWords, luhn } from '../findings/text-shape.ts';

/** The client reads at most 1 MiB; a longer string is examined up to here. */
const MAX_CHARS = 1 << 20;
/** Candidates examined per detector: a body full of near-misses costs a bounded amount of work. */
const MAX_CANDIDATES = 2000;
/** JSON nodes visited when looking for DynamoDB AttributeValues. */
const MAX_JSON_NODES = 200_000;

type PersonalKind = BodyClass['personal'][number]['kind'];
type SecretKind = BodyClass['secrets'][number]['kind'];

export function classifyBody(body: string, contentType?: string): BodyClass {
  const raw = body.length > MAX_CHARS ? body.slice(0, MAX_CHARS) : body;
  const ct = (contentType ?? '').toLowerCase();
  const jsonish = ct.includes('json') || /^\s{0,1024}[{[]/.test(raw);
  const parsed = jsonish ? parseJson(raw) : undefined;
  // JSON escapes (`\n`, `\"`, `\u0040`) are undone so an address, a `'name': 'value'` pair or a traceback
  // inside a JSON string is read as written. AttributeValues are judged on the parsed (or raw) body only.
  const text = jsonish ? unescapeJson(raw) : raw;

  const personal = new Tally<PersonalKind>(['email', 'phone', 'ssn', 'card']);
  const secrets = new Tally<SecretKind>(['aws-access-key-id', 'jwt', 'api-key']);

  findEmails(text, personal);
  findSsns(text, personal);
  findCards(text, personal);
  findPhones(text, personal);
  const found = new Set<string>();
  findAwsKeyIds(text, secrets, found);
  findJwts(text, secrets, found);
  findNamedValues(text, personal, secrets, found);

  const dynamo = dynamoTells(raw, text, parsed);
  const awsDetails = findAwsDetails(text);
  const traceback = findTraceback(text, ct);

  const out: BodyClass = { personal: personal.list(), secrets: secrets.list(), dynamo, awsDetails, sensitive: false };
  if (traceback) out.traceback = traceback;
  out.sensitive = out.personal.length > 0 || out.secrets.length > 0 || dynamo.length > 0 || awsDetails.length > 0 || traceback !== undefined;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers

/** Distinct values per kind, the first one's sample kept; kinds come out in a fixed order. */
class Tally<K extends string> {
  private readonly byKind = new Map<K, { sample: string; values: Set<string> }>();
  constructor(private readonly order: K[]) {}
  add(kind: K, value: string, sample: () => string): void {
    let entry = this.byKind.get(kind);
    if (!entry) {
      entry = { sample: redact(sample()), values: new Set() };
      this.byKind.set(kind, entry);
    }
    if (entry.values.size < MAX_CANDIDATES) entry.values.add(value);
  }
  list(): { kind: K; sample: string; count: number }[] {
    return this.order.flatMap((kind) => {
      const e = this.byKind.get(kind);
      return e ? [{ kind, sample: e.sample, count: e.values.size }] : [];
    });
  }
}

/** Up to `limit` matches of a global regex. */
function* matches(re: RegExp, text: string, limit = MAX_CANDIDATES): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let n = 0; n < limit; n++) {
    const m = re.exec(text);
    if (!m) return;
    if (m[0].length === 0) re.lastIndex++;
    yield m;
  }
}

/** Deeper JSON is not an API payload, and V8's JSON.parse slows down on it: such bodies get the text detectors only. */
const MAX_JSON_DEPTH = 256;

function parseJson(text: string): unknown {
  if (tooDeep(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // truncated or not JSON: the text detectors still run
  }
}

function tooDeep(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: ' ', f: ' ', n: '\n', r: '\n', t: '\t' };
const HEX4 = /^[0-9a-fA-F]{4}$/;
/** JSON string escapes undone, one pass; an invalid escape is left as written. */
function unescapeJson(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\\'); i !== -1 && i < text.length - 1; i = text.indexOf('\\', from)) {
    const c = text[i + 1];
    let rep: string | undefined;
    let len = 2;
    if (c === 'u') {
      const hex = text.slice(i + 2, i + 6);
      if (HEX4.test(hex)) {
        rep = String.fromCharCode(parseInt(hex, 16));
        len = 6;
      }
    } else rep = SIMPLE_ESCAPES[c];
    if (rep === undefined) {
      out += text.slice(from, i + 1);
      from = i + 1;
      continue;
    }
    out += text.slice(from, i) + rep;
    from = i + len;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** `partnerApiKey`, `X-Api-Key`, `phone.number` → `partner_api_key`, `x_api_key`, `phone_number`. */
function snakeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

const KEY_BEFORE = /["']([\w.-]{1,64})["']\s{0,8}:\s{0,8}["']?$/;
/** The JSON (or Python dict) key a value at `index` is written under, if any. */
function keyBefore(text: string, index: number): string | undefined {
  return KEY_BEFORE.exec(text.slice(Math.max(0, index - 84), index))?.[1];
}

/** Names whose numbers are identifiers, times or counters, never personal data: `order_id`, `created_at`, `invoiceNumber`. */
const ID_LAST_WORDS = new Set(['id', 'ids', 'uuid', 'guid', 'ts', 'timestamp', 'time', 'epoch', 'at', 'seq', 'sequence', 'nonce', 'version', 'ref', 'hash', 'count', 'total', 'size', 'offset', 'cursor', 'sku', 'isbn', 'ean', 'upc']);
const ID_WORDS = new Set(['order', 'invoice', 'tracking', 'shipment', 'request', 'trace', 'build', 'transaction', 'txn', 'receipt']);
const PERSONAL_WORDS = new Set(['card', 'pan', 'cc', 'phone', 'mobile', 'msisdn', 'tel', 'ssn', 'social']);
function idLikeName(name: string | undefined): boolean {
  if (!name) return false;
  const words = snakeName(name).split('_');
  if (words.some((w) => PERSONAL_WORDS.has(w))) return false;
  return ID_LAST_WORDS.has(words.at(-1)!) || words.some((w) => ID_WORDS.has(w));
}

function digitsOf(s: string): string {
  return s.replace(/\D+/g, '');
}

/** All the same digit, or a run like 1234567890: test patterns and fillers, not data. */
function isFiller(digits: string): boolean {
  if (/^(\d)\1+$/.test(digits)) return true;
  let up = 0;
  for (let i = 1; i < digits.length; i++) if ((digits.charCodeAt(i) - digits.charCodeAt(i - 1) + 10) % 10 === 1) up++;
  return up === digits.length - 1;
}

// ---------------------------------------------------------------------------------------------------
// Personal data

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const EMAIL = /^[A-Za-z0-9%+_-]+(?:\.[A-Za-z0-9%+_-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}$/;
/** `icon@2x.png`, `bundle@1.2.min.js`: asset names, not addresses. */
const FILE_SUFFIX = /\.(?:png|jpe?g|gif|svg|webp|ico|bmp|js|mjs|css|map|html?|json|txt|md|py|ts|woff2?|ttf|eot|pdf|zip|gz)$/i;

/**
 * Email addresses: found from each `@` outwards (64 characters of local part, 253 of domain), so the cost
 * is bounded per `@`; a domain needs a dot and an alphabetic top-level label. Not: `user@localhost`,
 * `pkg@1.2.3`, `@scope/name`, `icon@2x.png`.
 */
function findEmails(text: string, tally: Tally<PersonalKind>): void {
  let examined = 0;
  for (let at = text.indexOf('@'); at !== -1 && examined < MAX_CANDIDATES; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s < 64 && LOCAL_CHAR.test(text[s - 1])) s--;
    if (s === at || (s > 0 && LOCAL_CHAR.test(text[s - 1]))) continue; // empty, or a local part over 64 characters
    let e = at + 1;
    while (e < text.length && e - at <= 253 && DOMAIN_CHAR.test(text[e])) e++;
    examined++;
    const local = text.slice(s, at).replace(/^[.]+/, '');
    const domain = text.slice(at + 1, e).replace(/[.-]+$/, '');
    const email = `${local}@${domain}`;
    if (!EMAIL.test(email) || FILE_SUFFIX.test(domain)) continue;
    tally.add('email', email.toLowerCase(), () => `${local[0]}…@${domain}`);
  }
}

/** E.164: `+` and a country code; the rest is checked in code, so the regex stays one greedy class. */
const E164 = /(?<![\w+])\+[1-9][\d ().-]{6,22}/g;
/** North American: `(415) 555-0132`, `415-555-0132`, `415.555.0132` (one separator kind), area and exchange not starting with 0/1. */
const NANP = /(?<![\w+.\-/])(?:\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4}|[2-9]\d{2}([-. ])[2-9]\d{2}\1\d{4})(?!\w|[-.]\d)/g;
/** Trunk-prefix national numbers: `020 7946 0958`, `07700 900123`, `030 12345678`, `01 42 68 53 07`. */
const TRUNK = /(?<![\w+.\-/:])0[1-9]\d{0,3}([ .-])\d{2,8}(?:\1\d{2,8}){0,4}(?!\w|[ .\-:/]\d)/g;
const ISO_DATE = /\d{4}-\d{2}-\d{2}/;

/**
 * Phone numbers: E.164 (8–15 digits after `+`), North American and trunk-prefix national formats, and
 * any 7–15 digit value under a phone-named key (`phone`, `mobile`, `phoneNumber`, `msisdn`). Not: bare
 * digit runs elsewhere (epoch seconds and milliseconds, ids), dates and times, version strings and IP
 * addresses (dots followed by more digits), numbers inside longer digit or word runs, numbers under
 * id/time/order keys, zone offsets (`+05:30`).
 */
function findPhones(text: string, tally: Tally<PersonalKind>): void {
  // a national match inside an E.164 one (`+1 (415) 555-0132`) is the same number
  const spans: [number, number][] = [];
  for (const m of matches(E164, text)) {
    // a digit right after means the class's length cap cut a longer run; a letter after a digit, an identifier
    const next = text[m.index + m[0].length] ?? '';
    if (/\d/.test(next) || (/\d$/.test(m[0]) && /\w/.test(next))) continue;
    const cand = m[0].replace(/[ (.-]+$/, '');
    if (!phoneShape(cand) || ISO_DATE.test(cand)) continue;
    const digits = digitsOf(cand);
    if (digits.length < 8 || digits.length > 15 || isFiller(digits) || idLikeName(keyBefore(text, m.index))) continue;
    spans.push([m.index, m.index + cand.length]);
    addPhone(tally, digits, true);
  }
  const inE164 = (at: number) => spans.some(([s, e]) => at >= s && at < e);
  for (const re of [NANP, TRUNK]) {
    for (const m of matches(re, text)) {
      const digits = digitsOf(m[0]);
      if (digits.length < 10 || digits.length > 11 || inE164(m.index) || isFiller(digits) || idLikeName(keyBefore(text, m.index))) continue;
      addPhone(tally, re === NANP ? `1${digits}` : digits, false);
    }
  }
}

/** Digit groups with single separators and at most one parenthesised group: `+1 (415) 555-0132`. */
function phoneShape(cand: string): boolean {
  const open = cand.indexOf('(');
  const close = cand.indexOf(')');
  if (open !== cand.lastIndexOf('(') || close !== cand.lastIndexOf(')') || (open === -1) !== (close === -1)) return false;
  if (open !== -1 && !/^\(\d{1,5}\)$/.test(cand.slice(open, close + 1))) return false;
  return /^\+\d+(?:[ .-]\d+)*$/.test(cand.replace(/[()]/g, ''));
}

/** Counted by digits (a North American number as `1` + its ten digits, as E.164 writes it). */
function addPhone(tally: Tally<PersonalKind>, key: string, international: boolean): void {
  tally.add('phone', key, () => (international ? mask(`+${key}`) : `…${key.slice(-2)}`));
}

const SSN = /(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])/g;
/** A US SSN can be issued: area not 000, 666 or 9xx; group not 00; serial not 0000. */
function ssnValid(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/**
 * US SSNs written `AAA-GG-SSSS` with valid ranges, and 9 digits under an SSN-named key (`ssn`,
 * `social_security_number`). Not: a 3-2-4 group inside a longer dashed id, areas 000/666/9xx (never
 * issued; 9xx are ITINs), group 00, serial 0000. Published numbers (078-05-1120) pass: the ranges are
 * valid and a body carrying them is shaped like one carrying real ones.
 */
function findSsns(text: string, tally: Tally<PersonalKind>): void {
  for (const m of matches(SSN, text)) {
    if (!ssnValid(m[1], m[2], m[3]) || idLikeName(keyBefore(text, m.index))) continue;
    addSsn(tally, m[1] + m[2] + m[3]);
  }
}

function addSsn(tally: Tally<PersonalKind>, digits: string): void {
  // the masked form the SSA itself prints: the last four only
  tally.add('ssn', digits, () => `***-**-${digits.slice(-4)}`);
}

/** 13–19 digits, bare or in 4-4-4-4(-3) / 4-6-5 / 4-6-4 groups with one separator kind. */
const CARD = /(?<![\w.+\-/])(?:\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5}|\d{13,19})(?!\w|[.-]\d)/g;

/** Issuer identification number prefixes and the lengths each scheme issues. */
const CARD_SCHEMES: { scheme: string; prefix: RegExp; lengths: number[] }[] = [
  { scheme: 'amex', prefix: /^3[47]/, lengths: [15] },
  { scheme: 'visa', prefix: /^4/, lengths: [13, 16, 19] },
  { scheme: 'mastercard', prefix: /^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] },
  { scheme: 'discover', prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] },
  { scheme: 'jcb', prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] },
  { scheme: 'diners', prefix: /^(?:30[0-5]|3095|36|38|39)/, lengths: [14, 15, 16, 17, 18, 19] },
  { scheme: 'unionpay', prefix: /^62/, lengths: [16, 17, 18, 19] },
  { scheme: 'maestro', prefix: /^(?:5018|5020|5038|5893|6304|6759|676[1-3])/, lengths: [13, 14, 15, 16, 17, 18, 19] },
];


function cardScheme(digits: string): string | undefined {
  if (!luhn(digits) || isFiller(digits)) return undefined;
  return CARD_SCHEMES.find((s) => s.prefix.test(digits) && s.lengths.includes(digits.length))?.scheme;
}

/**
 * Payment card numbers: Luhn-valid, with a scheme's IIN prefix and one of its lengths. Not: a Luhn-valid
 * number without a card prefix (about one random id in ten passes Luhn), a number of the wrong length
 * for its prefix, a number inside a longer digit run, a decimal or a dashed id, a number under an
 * id/order/time key.
 */
function findCards(text: string, tally: Tally<PersonalKind>): void {
  for (const m of matches(CARD, text)) {
    const digits = digitsOf(m[0]);
    const scheme = cardScheme(digits);
    if (!scheme || idLikeName(keyBefore(text, m.index))) continue;
    tally.add('card', digits, () => `${scheme} ${mask(digits)}`);
  }
}

// ---------------------------------------------------------------------------------------------------
// Secrets

const AWS_KEY_ID = /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g;



/**
 * AWS access key ids (AKIA long-term, ASIA temporary) standing alone. Not: AWS's documented example
 * (`…EXAMPLE`), low-entropy or sequential fillers.
 */
function findAwsKeyIds(text: string, tally: Tally<SecretKind>, found: Set<string>): void {
  for (const m of matches(AWS_KEY_ID, text)) {
    const id = m[0];
    const tail = id.slice(4);
    if (/EXAMPLE/.test(id) || entropy(tail) < 3 || isSequence(tail)) continue;
    found.add(id);
    tally.add('aws-access-key-id', id, () => mask(id));
  }
}

/** Three base64url parts starting with `eyJ` (`{"`); the signature may be empty (`alg: none`). */
const JWT = /(?<![\w-])eyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{2,65536}\.[A-Za-z0-9_-]{0,4096}(?![\w-])/g;

function decodeSegment(seg: string): unknown {
  try {
    return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** JWTs whose header decodes to a JSON object with a string `alg`. Not: other `eyJ…` base64 strings, dotted base64 without a JOSE header. */
function findJwts(text: string, tally: Tally<SecretKind>, found: Set<string>): void {
  for (const m of matches(JWT, text)) {
    const header = decodeSegment(m[0].slice(0, m[0].indexOf('.')));
    if (!isObject(header) || typeof header.alg !== 'string' || header.alg.length > 32) continue;
    const jwt = m[0];
    const alg = header.alg.replace(/[^\w-]/g, '');
    found.add(jwt);
    tally.add('jwt', jwt, () => `${mask(jwt)} (alg ${alg})`);
  }
}

/** Words that make a JSON name a credential's name. */
const SECRET_WORD = /api[_-]?key|apikey|secret|token|access[_-]?key/gi;
const PHONE_WORD = /phone|mobile|msisdn|tel|cell/gi;
const SSN_WORD = /ssn|social[_-]?security/gi;
const NAME_CHAR = /[\w.-]/;
/** After a quoted name: `: "value"` (string) or `: 12345` (number). */
const VALUE_AFTER = /\s{0,8}:\s{0,8}(?:(["'])([^"'\\\r\n]{1,1024})\1|(\d[\d ().-]{0,30}\d))/y;

/**
 * Last words that make a name about a credential, not the credential: `token_type`, `token_url`,
 * `api_key_header`, `secret_name`, `token_expires_in`, and pagination cursors (`next_token`).
 */
const SECRET_META_LAST = new Set(
  ('id ids arn name names path url uri endpoint header headers type types field length len size expiry expires expire expiration ' +
    'exp in ttl use usage format prefix hint label description version count status kind scheme location ref hash algorithm alg ' +
    'enabled required valid mode source param parameter query').split(' '),
);
const CURSOR_FIRST = new Set(['next', 'page', 'pagination', 'continuation', 'sync', 'cursor', 'prev', 'previous', 'start']);

function secretName(name: string): boolean {
  const words = snakeName(name).split('_');
  const last = words.at(-1)!;
  if (SECRET_META_LAST.has(last) || CURSOR_FIRST.has(words[0])) return false;
  const joined = `_${words.join('_')}_`;
  return /_(?:api_key|apikey|secret|token|access_key)_/.test(joined);
}

const PLACEHOLDER = /^(?:your|my|insert|replace|enter|put|add|set)[-_ ]|[-_ ](?:here|placeholder)$|xxxx|\*\*\*|changeme|change[-_]me|placeholder|dummy|redacted|example|sample|<[^>]*>|\$\{|\{\{|^(?:null|none|undefined|true|false|bearer|basic|string)$/i;


/** A value that looks generated: 16+ characters, mixed classes, high entropy, not words, a run or a placeholder. */
function looksGenerated(value: string): boolean {
  if (value.length < 16 || PLACEHOLDER.test(value) || isWords(value) || isSequence(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
  if (classes < 2) return /^[0-9a-f]{32,}$/i.test(value) && entropy(value) >= 3;
  return entropy(value) >= Math.min(3.5, Math.log2(value.length) * 0.85);
}

/** A quoted name containing the word at [start, end), and the value written after it. */
function namedValueAt(text: string, start: number, end: number): { name: string; value: string; str: boolean; next: number } | undefined {
  let s = start;
  while (s > 0 && start - s < 48 && NAME_CHAR.test(text[s - 1])) s--;
  let e = end;
  while (e < text.length && e - end < 48 && NAME_CHAR.test(text[e])) e++;
  const quote = text[s - 1];
  if ((quote !== '"' && quote !== "'") || text[e] !== quote) return undefined;
  VALUE_AFTER.lastIndex = e + 1;
  const v = VALUE_AFTER.exec(text);
  if (!v) return undefined;
  return { name: text.slice(s, e), value: v[2] ?? v[3], str: v[2] !== undefined, next: VALUE_AFTER.lastIndex };
}

/** Runs `fn` for each `"name": value` whose name contains a match of `word`. */
function forNamedValues(text: string, word: RegExp, fn: (nv: { name: string; value: string; str: boolean }) => void): void {
  word.lastIndex = 0;
  for (let n = 0; n < MAX_CANDIDATES; n++) {
    const m = word.exec(text);
    if (!m) return;
    const nv = namedValueAt(text, m.index, m.index + m[0].length);
    if (!nv) continue;
    fn(nv);
    word.lastIndex = Math.max(word.lastIndex, nv.next);
  }
}

/**
 * Values under names: API keys and tokens (`api_key`, `apiKey`, `x-api-key`, `client_secret`,
 * `access_token` … with a generated-looking string value), phone numbers under phone names and SSNs
 * under SSN names. Not: the word "token" in prose, `token_type`/`token_url`/`next_token`, placeholders
 * (`YOUR_API_KEY`, `changeme`), short or wordy values, values already counted as a JWT or AWS key id.
 */
function findNamedValues(text: string, personal: Tally<PersonalKind>, secrets: Tally<SecretKind>, found: Set<string>): void {
  forNamedValues(text, SECRET_WORD, ({ name, value, str }) => {
    if (!str || !secretName(name) || found.has(value) || /^eyJ|^A[KS]IA/.test(value) || !looksGenerated(value)) return;
    secrets.add('api-key', value, () => `${name} = ${mask(value)}`);
  });
  forNamedValues(text, PHONE_WORD, ({ name, value }) => {
    if (!/(?:^|_)(?:phone|mobile|msisdn|telephone|tel|cell)(?:_(?:number|no|num))?$/.test(snakeName(name))) return;
    if (!/^\+?[\d ().-]+$/.test(value)) return;
    const digits = digitsOf(value);
    if (digits.length < 7 || digits.length > 15 || isFiller(digits)) return;
    const plus = value.startsWith('+');
    addPhone(personal, !plus && digits.length === 10 && /^[2-9]\d{2}[2-9]/.test(digits) ? `1${digits}` : digits, plus);
  });
  forNamedValues(text, SSN_WORD, ({ name, value }) => {
    if (!/(?:^|_)(?:ssn|social_security(?:_number|_no)?)$/.test(snakeName(name))) return;
    const m = /^(\d{3})[- ]?(\d{2})[- ]?(\d{4})$/.exec(value);
    if (m && ssnValid(m[1], m[2], m[3])) addSsn(personal, m[1] + m[2] + m[3]);
  });
}

// ---------------------------------------------------------------------------------------------------
// DynamoDB tells

/**
 * Tells that stand alone: they only come from DynamoDB responses or botocore.
 * `ValidationException`, `ResourceNotFoundException`, `AccessDeniedException` and `ClientError` are
 * generic names (Spring, aiohttp, other AWS services use them), so they count only with DynamoDB or
 * botocore context in the same body: a standalone tell, the text `dynamodb`, or botocore's
 * `An error occurred (Code) when calling the Op operation` message.
 */
const TELL_WORD =
  /\b(?:LastEvaluatedKey|ConsumedCapacity|ScannedCount|botocore|ConditionalCheckFailedException|ProvisionedThroughputExceededException|TransactionCanceledException|TransactionConflictException|ItemCollectionSizeLimitExceededException|RequestLimitExceeded|ValidationException|ResourceNotFoundException|AccessDeniedException|ClientError)\b/g;
const GENERIC_TELLS = new Set(['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException', 'ClientError']);
/** botocore's ClientError text (`botocore/exceptions.py`). */
const CLIENT_ERROR_MESSAGE = /An error occurred \(([A-Za-z.]{1,64})\) when calling the ([A-Za-z]{1,64}) operation/g;
const DYNAMO_OPERATIONS = new Set(
  'GetItem PutItem UpdateItem DeleteItem Query Scan BatchGetItem BatchWriteItem TransactGetItems TransactWriteItems DescribeTable ExecuteStatement BatchExecuteStatement ExecuteTransaction CreateTable ListTables'.split(' '),
);
const DYNAMO_ERROR_CODES = new Set([
  'ValidationException', 'ResourceNotFoundException', 'AccessDeniedException', 'ConditionalCheckFailedException',
  'ProvisionedThroughputExceededException', 'TransactionCanceledException', 'TransactionConflictException',
  'ItemCollectionSizeLimitExceededException', 'RequestLimitExceeded', 'ThrottlingException', 'InternalServerError',
  'UnrecognizedClientException', 'ResourceInUseException',
]);
/** The order tells are reported in. */
const TELL_ORDER = [
  'typed-attribute-values', 'LastEvaluatedKey', 'ConsumedCapacity', 'ScannedCount', 'botocore', 'ClientError',
  ...DYNAMO_ERROR_CODES, 'com.amazonaws.dynamodb', 'Float types are not supported',
];

function dynamoTells(raw: string, text: string, parsed: unknown): string[] {
  const tells = new Set<string>();
  const generic = new Set<string>();
  let context = /dynamodb/i.test(text);
  // a parsed body is judged on its structure; inside its strings only a Python repr counts (an app returning
  // `str(response)`), not `{"S": …}` written in documentation
  if (parsed !== undefined ? hasAttributeValues(parsed) || attributeValuesInText(text, true) : attributeValuesInText(raw, false)) tells.add('typed-attribute-values');
  for (const m of matches(TELL_WORD, text)) {
    const name = m[0];
    if (!GENERIC_TELLS.has(name)) {
      tells.add(name);
      continue;
    }
    // `javax.validation.ValidationException`, `aiohttp.ClientError`: someone else's class of that name
    if (text[m.index - 1] === '.' && !/(?:botocore|boto3|errorfactory|dynamodb)[\w.]*\.$/i.test(text.slice(Math.max(0, m.index - 80), m.index))) continue;
    generic.add(name);
  }
  for (const m of matches(CLIENT_ERROR_MESSAGE, text)) {
    const code = m[1].split('.').at(-1)!;
    tells.add('ClientError');
    if (DYNAMO_ERROR_CODES.has(code)) tells.add(code);
    if (DYNAMO_OPERATIONS.has(m[2])) context = true;
  }
  if (text.includes('com.amazonaws.dynamodb')) tells.add('com.amazonaws.dynamodb');
  if (text.includes('Float types are not supported. Use Decimal types instead')) tells.add('Float types are not supported');
  if (tells.size > 0 || context) for (const g of generic) tells.add(g);
  return TELL_ORDER.filter((t) => tells.has(t));
}

const AV_TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'NS', 'BS', 'M', 'L']);
/** Keys of DynamoDB request/response envelopes that hold attribute maps. */
const AV_ENVELOPES = new Set(['Item', 'Items', 'Attributes', 'Key', 'Keys', 'LastEvaluatedKey', 'ExclusiveStartKey', 'ExpressionAttributeValues', 'Responses', 'UnprocessedKeys', 'NewImage', 'OldImage']);
const DYNAMO_NUMBER = /^-?\d{1,38}(?:\.\d{1,38})?(?:[eE][+-]?\d{1,3})?$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A typed AttributeValue: exactly one type key with a value of that type's JSON shape (`{"N": "42"}`, `{"M": {…}}`). */
function isAttributeValue(v: unknown, budget: { n: number }, depth = 0): boolean {
  if (!isObject(v) || depth > 32 || --budget.n < 0) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1 || !AV_TYPES.has(keys[0])) return false;
  const x = v[keys[0]];
  switch (keys[0]) {
    case 'S':
    case 'B':
      return typeof x === 'string';
    case 'N':
      return typeof x === 'string' && DYNAMO_NUMBER.test(x);
    case 'BOOL':
      return typeof x === 'boolean';
    case 'NULL':
      return x === true;
    case 'SS':
    case 'BS':
      return Array.isArray(x) && x.length > 0 && x.every((e) => typeof e === 'string');
    case 'NS':
      return Array.isArray(x) && x.length > 0 && x.every((e) => typeof e === 'string' && DYNAMO_NUMBER.test(e));
    case 'M':
      return isObject(x) && Object.values(x).every((e) => isAttributeValue(e, budget, depth + 1));
    case 'L':
      return Array.isArray(x) && x.every((e) => isAttributeValue(e, budget, depth + 1));
  }
  return false;
}

/**
 * An attribute map, i.e. an object (not itself an AttributeValue) whose every value is a typed
 * AttributeValue, that is convincing: under a DynamoDB envelope key (`Item`, `Items`,
 * `LastEvaluatedKey` …), with two or more attributes, or holding a type other than `S`. A lone
 * `{"size": {"S": "small"}}` and objects that merely use `S`/`M`/`L` as keys (`{"S": 3, "M": 5}`) are not.
 */
function hasAttributeValues(root: unknown): boolean {
  const budget = { n: MAX_JSON_NODES };
  const stack: { v: unknown; key: string | undefined; depth: number }[] = [{ v: root, key: undefined, depth: 0 }];
  let weakMaps = 0;
  while (stack.length > 0 && budget.n-- > 0) {
    const { v, key, depth } = stack.pop()!;
    if (depth > 64) continue;
    if (Array.isArray(v)) {
      for (const e of v) stack.push({ v: e, key, depth: depth + 1 });
      continue;
    }
    if (!isObject(v)) continue;
    const entries = Object.entries(v);
    const selfAv = entries.length === 1 && AV_TYPES.has(entries[0][0]);
    if (!selfAv && entries.length > 0 && entries.every(([, e]) => isAttributeValue(e, budget))) {
      const enveloped = key !== undefined && AV_ENVELOPES.has(key);
      const typed = entries.some(([, e]) => !('S' in (e as object)));
      if (enveloped || entries.length >= 2 || typed || ++weakMaps >= 2) return true;
      continue;
    }
    for (const [k, e] of entries) if (typeof e === 'object' && e !== null) stack.push({ v: e, key: k, depth: depth + 1 });
  }
  return false;
}

/**
 * The same, for bodies that are not whole JSON (cut at the byte cap, a traceback printing a Python dict):
 * `"name": {"S": "…"}` / `'name': {'N': '1'}` as an attribute-map entry, twice or with an envelope key
 * in the text. A `{"S": …}` inside an escaped JSON string (`{\"S\": …}`) is documentation, not an item;
 * `reprOnly` keeps the single-quoted (Python repr) form only.
 */
const AV_ENTRY = /(["'])[^"'\\\r\n]{1,255}\1\s{0,8}:\s{0,8}\{\s{0,8}(["'])(S|N|B|BOOL|NULL|SS|NS|BS|M|L)\2\s{0,8}:\s{0,8}(?:(["'])(?:[^"'\\\r\n]|\\.){0,2048}\4\s{0,8}\}|(?:true|false|True|False)\s{0,8}\}|[{[])/g;
const AV_ENVELOPE_TEXT = /(["'])(?:Item|Items|Attributes|Key|LastEvaluatedKey|ExclusiveStartKey|ExpressionAttributeValues)\1\s{0,8}:/;
const AV_ENVELOPE_REPR = /'(?:Item|Items|Attributes|Key|LastEvaluatedKey|ExclusiveStartKey|ExpressionAttributeValues)'\s{0,8}:/;

function attributeValuesInText(text: string, reprOnly: boolean): boolean {
  let n = 0;
  for (const m of matches(AV_ENTRY, text)) {
    if (reprOnly && (m[1] !== "'" || m[2] !== "'")) continue;
    n++;
    if (n >= 2 || m[3] !== 'S') return true;
  }
  return n === 1 && (reprOnly ? AV_ENVELOPE_REPR : AV_ENVELOPE_TEXT).test(text);
}

// ---------------------------------------------------------------------------------------------------
// AWS identifiers in error text

const PARTITION = 'arn:aws(?:-[a-z]{1,10}){0,2}';
const REGION = '[a-z]{2}(?:-[a-z]{1,10}){1,2}-\\d';
const STS_ARN = new RegExp(`${PARTITION}:sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/([\\w+=,.@-]{1,64})`, 'g');
const DYNAMO_ARN = new RegExp(`${PARTITION}:dynamodb:${REGION}:(\\d{12}):table/([\\w.-]{3,255})`, 'g');
const LAMBDA_ARN = new RegExp(`${PARTITION}:lambda:${REGION}:(\\d{12}):function:([\\w-]{1,64})`, 'g');
const ROLE_ARN = new RegExp(`${PARTITION}:iam::(\\d{12}):role/((?:[\\w+=,.@-]{1,64}/){0,8}[\\w+=,.@-]{1,64})`, 'g');

/** Sentence punctuation after a name: `…:table/orders.` */
function trimName(s: string): string {
  return s.replace(/[.,]+$/, '');
}

/**
 * The account, role, function and table an ARN in error text names (the execution role's assumed-role
 * ARN and the table ARN of an AccessDeniedException, Lambda function and IAM role ARNs). The account id
 * keeps its first and last four digits.
 */
function findAwsDetails(text: string): string[] {
  const accounts = new Set<string>();
  const roles = new Set<string>();
  const functions = new Set<string>();
  const tables = new Set<string>();
  if (!text.includes('arn:aws')) return [];
  for (const m of matches(STS_ARN, text)) {
    accounts.add(m[1]);
    roles.add(trimName(m[2]));
    functions.add(trimName(m[3]));
  }
  for (const m of matches(DYNAMO_ARN, text)) {
    accounts.add(m[1]);
    tables.add(trimName(m[2]));
  }
  for (const m of matches(LAMBDA_ARN, text)) {
    accounts.add(m[1]);
    functions.add(m[2]);
  }
  for (const m of matches(ROLE_ARN, text)) {
    accounts.add(m[1]);
    roles.add(trimName(m[2].split('/').at(-1)!));
  }
  return [
    ...[...accounts].map((a) => `account ${a.slice(0, 4)}…${a.slice(-4)}`),
    ...[...roles].map((r) => `role ${r}`),
    ...[...functions].map((f) => `function ${f}`),
    ...[...tables].map((t) => `table ${t}`),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Tracebacks and debug pages

/** Starlette's ServerErrorMiddleware debug page (`middleware/errors.py` TEMPLATE). */
const STARLETTE_TITLE = /<title>\s*Starlette Debugger\s*<\/title>/;
const STARLETTE_TRACEBACK = /class="traceback-(?:title|container)"|class="frame-filename"/;
/** `traceback.format_exception` output: the header, then the first frame line. */
const PY_TRACEBACK = /Traceback \(most recent call last\):\r?\n\s{0,16}File "[^"\r\n]{1,1024}", line \d{1,7}/;
/** Node/V8 frames: `at fn (/var/task/index.js:12:7)`, `at node:internal/…:1:2`. */
const NODE_FRAME = /\bat (?:[\w$.<>[\]]{1,200} (?:\[as [\w$]{1,100}\] )?)?\(?(?:file:\/\/)?(?:node:[\w/.-]{1,200}|[^\s()"'<>]{1,500}\.(?:[cm]?js|tsx?|jsx)):\d{1,7}:\d{1,7}\)?/g;
/** JVM frames: `at com.example.Foo.bar(Foo.java:42)`. */
const JVM_FRAME = /\bat [\w$]{1,100}(?:\.[\w$<>]{1,100}){1,30}\((?:[\w$-]{1,200}\.(?:java|kt|scala|groovy):\d{1,7}|Native Method|Unknown Source)\)/g;
/** .NET frames: `at Ns.Type.Method() in /src/File.cs:line 42`. */
const DOTNET_FRAME = /\bat [\w.`<>]{1,300}\([^()\r\n]{0,500}\) in [^\r\n]{1,500}?:line \d{1,7}/g;
/** A Go panic, PHP's `Stack trace:` list. */
const OTHER_TRACE = /goroutine \d{1,7} \[running\]:|Stack trace:\r?\n#0 /;

function countUpTo(re: RegExp, text: string, n: number): number {
  let c = 0;
  for (const _ of matches(re, text, n)) c++;
  return c;
}

/**
 * Starlette's debug HTML page (an HTML body with its title and traceback markup), a plain Python
 * traceback (the text debug response, or one echoed in an error detail), or two or more Node/JVM/.NET
 * frames, a Go panic or a PHP stack trace. Not: the word "Traceback" alone, a single `at x (y:1:2)` line.
 */
function findTraceback(text: string, ct: string): BodyClass['traceback'] {
  const html = ct.includes('html') || /^\s*(?:<!doctype html|<html)/i.test(text.slice(0, 512));
  if (html && STARLETTE_TITLE.test(text) && STARLETTE_TRACEBACK.test(text)) return 'starlette-debug-html';
  if (PY_TRACEBACK.test(text)) return 'python-traceback';
  if (countUpTo(NODE_FRAME, text, 2) >= 2 || countUpTo(JVM_FRAME, text, 2) >= 2 || countUpTo(DOTNET_FRAME, text, 2) >= 2 || OTHER_TRACE.test(text)) {
    return 'other-stack-trace';
  }
  return undefined;
}
