/**
 * Secret redaction for every output. A secret keeps its first four and last four characters
 * (`AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`), enough to find it again, not enough to use it; a shorter one
 * (a password) keeps two and two below 20 characters and nothing below 12, so most of it stays hidden.
 */
import { luhn } from './text-shape.ts';
const PATTERNS: RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, // AWS access key id
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub token
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack token
  /\bsk_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe secret key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  // AWS secret access key shape: 40 base64 characters with upper, lower and digits, standing alone
  /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
];

/**
 * `name = "value"` / `"name": "value"` / `name: str = "value"` / `os.getenv("NAME", "value")` where the
 * name says it is a secret (`AWS_SECRET_ACCESS_KEY`, `jwt_secret`, `"x-api-key"`, `DB_PASSWORD`).
 */
const ASSIGNED =
  /((?:secret|passw(?:or)?d|passphrase|pwd|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|signing[-_]?key|credential)[\w-]*["']?\s*(?::\s*[\w.[\], |]+?\s*=|[:=,])\s*[rbuRBU]{0,2}["'])([^"'\s]{6,})(?=["'])/gi;

/** `.env` lines and YAML environment entries, unquoted: `JWT_SECRET=…`, `export DB_PASSWORD=…`, `API_TOKEN: …` (upper-case names). */
const ENV_ASSIGNED =
  /^(\s*(?:export\s+)?[A-Z0-9_.-]*(?:SECRET|PASSW(?:OR)?D|PASSPHRASE|PWD|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|SIGNING_KEY|CREDENTIAL)[A-Z0-9_.-]*(?:=|:[ \t]+))([^\s"'#!][^\s"'#]{5,})/gm;

/** The password of `scheme://user:password@host`. */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s"']*:)([^@/\s"']+)(?=@)/gi;

/** The literal key of `jwt.encode(payload, "key")` / `jwt.decode(token, "key")`. */
const JWT_KEY = /(\bjwt\.(?:encode|decode)\(\s*[^,()]+,\s*[rbuRBU]{0,2}["'])([^"']{4,})(?=["'])/g;

/** Authorization / Cookie header values. */
const HEADERS = /^((?:authorization|cookie|set-cookie|x-api-key)\s*:\s*)(.+)$/gim;

export function mask(secret: string): string {
  if (secret.length < 12) return '…';
  const keep = secret.length >= 20 ? 4 : 2;
  return `${secret.slice(0, keep)}…${secret.slice(-keep)}`;
}

/** The same snippet is redacted for every rule that cites it: remember recent answers. */
const recent = new Map<string, string>();
const RECENT_MAX = 20_000;

export function redact(text: string): string {
  const known = recent.get(text);
  if (known !== undefined) return known;
  const out = redactNow(text);
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(text, out);
  return out;
}

/** Card numbers (13–19 digits, spaces or dashes allowed) that pass the Luhn check keep their last four digits. */
const CARD = /\b\d(?:[ -]?\d){12,18}\b/g;
/** US social security numbers keep their last four digits. */
const SSN = /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)(\d{4})\b/g;


/** The account id inside an ARN (`arn:aws:sts::123456789012:…`) keeps its first and last four digits. */
const ARN_ACCOUNT = /(\barn:aws[\w-]*:[\w-]+:[\w-]*:)(\d{12})(?=:)/g;

function redactNow(text: string): string {
  let out = text;
  if (out.includes('arn:aws')) out = out.replace(ARN_ACCOUNT, (_m, pre: string, id: string) => `${pre}${id.slice(0, 4)}…${id.slice(-4)}`);
  if (/\d{3}/.test(out)) {
    out = out.replace(CARD, (m) => {
      const digits = m.replace(/[ -]/g, '');
      return digits.length >= 13 && /^[2-6]/.test(digits) && luhn(digits) ? `****${digits.slice(-4)}` : m;
    });
    out = out.replace(SSN, (_m, last: string) => `***-**-${last}`);
  }
  for (const re of PATTERNS) out = out.replace(re, (m) => mask(m));
  // a value already masked by an earlier pattern (or by the rule) is left as it is
  const once = (_m: string, pre: string, val: string): string => pre + (val.includes('…') ? val : mask(val));
  out = out.replace(ASSIGNED, once);
  out = out.replace(ENV_ASSIGNED, once);
  out = out.replace(URL_PASSWORD, once);
  out = out.replace(JWT_KEY, once);
  out = out.replace(HEADERS, (_m, pre: string, val: string) => pre + mask(val.trim()));
  return out;
}
