import { mask } from '../findings/index.ts';
import { entropy, isSequence, isWords } from '../findings/text-shape.ts';

/**
 * Shared judgement of literal secrets, for Python code, `.env` files and IaC environment blocks: what
 * a name says a value is (password, API key, AWS secret access key …) and whether a value is a real
 * credential rather than a placeholder, a parameter name or a word. Precision first: a value is
 * reported by its format (AWS key ids, secret keys, session tokens) or by a secret-ish name plus a value
 * that looks generated (length, Shannon entropy, character classes, not words, not a sequence).
 */

export type SecretKind =
  | 'AWS access key id'
  | 'AWS temporary access key id'
  | 'AWS secret access key'
  | 'AWS session token'
  | 'JWT signing secret'
  | 'secret key'
  | 'password'
  | 'password in a connection URL'
  | 'API key'
  | 'client secret'
  | 'private key'
  | 'token'
  | 'credential'
  | 'secret';

/** AWS access key ids: AKIA (long-term IAM user key) and ASIA (temporary, STS). */
export const AWS_KEY_ID = /\b(AKIA|ASIA)([A-Z0-9]{16})\b/g;
const AWS_SECRET_FORMAT = /^[A-Za-z0-9/+]{40}$/;
const AWS_SESSION_TOKEN_FORMAT = /^[A-Za-z0-9/+=]{100,}$/;
/** `scheme://user:password@host`: the password part. */
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@/i;
/** Text prefilter for a URL with credentials inside source (anchored on `://`: a leading scheme class would try every letter). */
export const URL_CREDENTIALS_TEXT = /:\/\/[^:@/\s"']*:[^@/\s"']+@/g;

/** Names are compared in snake case: `partnerApiKey`, `PARTNER-API-KEY` → `partner_api_key`. */
export function snakeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/** Text prefilter: where a secret-ish name may be written (identifiers, dict keys, env names). */
export const SECRET_NAME_TEXT = /secret|passw(?:or)?d|passphrase|pwd|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|signing[-_]?key|credential/gi;

/**
 * Last words that make a name about a secret rather than the secret itself: `DB_PASSWORD_PARAMETER`,
 * `JWT_SECRET_ARN`, `TOKEN_TYPE`, `token_url`, `API_KEY_HEADER`, `SECRET_NAME`.
 */
const META_SUFFIX = new Set(
  (
    'id ids arn arns name names path paths file filename dir url uri endpoint param params parameter parameters env var variable ' +
    'header headers type types field fields length len size expiry expires expire expiration ttl minutes seconds hours days ' +
    'algorithm algorithms alg prefix suffix regex pattern format location ref version policy mode source provider required enabled ' +
    'hash hashed count max min timeout label description key_name kind scheme schemes location_url store backend manager ' +
    'rotation lifetime age bytes bits encoding cls class model schema'
  ).split(' '),
);

/** What a name says its value is, or undefined when the name does not name a secret. */
export function kindOfName(name: string): SecretKind | undefined {
  const n = snakeName(name);
  if (!n) return undefined;
  const words = n.split('_');
  const last = words.at(-1)!;
  if (/(^|_)access_key_id$/.test(n) || n === 'aws_access_key') return 'AWS access key id';
  if (META_SUFFIX.has(last)) return undefined;
  if (/secret_access_key$|^aws_secret(_key)?$/.test(n)) return 'AWS secret access key';
  if (/(session|security)_token$/.test(n)) return 'AWS session token';
  if (/jwt|signing|hmac/.test(n) && /secret|key|token/.test(n)) return 'JWT signing secret';
  if (/client_secret/.test(n)) return 'client secret';
  if (/private_key/.test(n)) return 'private key';
  if (/secret_key|secretkey/.test(n)) return 'secret key';
  if (/passw(or)?d|passphrase/.test(n) || words.includes('pwd')) return 'password';
  if (/api_?key/.test(n)) return 'API key';
  if (/access_key/.test(n)) return 'API key';
  if (/secret/.test(n)) return 'secret';
  if (/credential/.test(n)) return 'credential';
  if (/token/.test(n)) return 'token';
  return undefined;
}

/** AWS's documented example keys, and anything else that says it is an example. */
export function isExample(value: string): boolean {
  return /example/i.test(value);
}


const PLACEHOLDER_WORDS =
  /^(?:change[-_ ]?me|change[-_ ]?it|changethis|secret|secrets|password|passw0rd|pass|passwd|token|key|apikey|api[-_]key|test|testing|tests|dummy|fake|mock|sample|example|placeholder|todo|tbd|fixme|none|null|nil|undefined|default|admin|root|user|username|foo|bar|foobar|baz|qwerty|letmein|abc|abc123|123|1234|12345|123456|12345678|123456789|local|dev|development|redacted|hidden|masked|not[-_ ]?set|unset|empty|required|optional|insecure)$/i;

/** Placeholders, templates and masks: `changeme`, `<your-key>`, `xxx`, `${VAR}`, `***`, `your-secret-here`. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  if (PLACEHOLDER_WORDS.test(v)) return true;
  if (/^[x*.#•_\-?0]+$/i.test(v)) return true; // xxx, ***, ----, 0000
  if (/^(.)\1+$/.test(v)) return true;
  if (/^<[^>]*>$|^\[[^\]]*\]$|^\{[^}]*\}$|^%[^%]+%$/.test(v)) return true; // <your-key>, [KEY], {key}, %KEY%
  if (/\$\{|\{\{|%\(\w+\)s|^\$[A-Za-z_]/.test(v)) return true; // ${VAR}, {{resolve:…}}, %(x)s, $VAR
  if (/^(?:your|my|insert|replace|put|enter|add|set)[-_ ]/i.test(v)) return true; // your-secret-here, insert_key
  if (/[-_ ](?:here|goes[-_ ]here|placeholder)$/i.test(v)) return true;
  if (/xxxx|\*\*\*|changeme|change[-_]me|placeholder|dummy|redacted/i.test(v)) return true;
  return false;
}

/** Values that are about a secret, not the secret: a parameter path, an ARN, an env var name, a URL, prose. */
function isReference(value: string): boolean {
  if (/\s/.test(value)) return true; // prose, messages
  if (/^arn:aws/.test(value)) return true;
  if (/^\/[\w/.-]*$/.test(value)) return true; // SSM parameter name, URL path
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !URL_CREDENTIALS.test(value)) return true; // a URL without credentials
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return true; // an environment variable name
  if (/^[\w.+-]+@[\w-]+\.[\w.-]+$/.test(value)) return true; // an email address
  return false;
}



function classes(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
}

/** A value that looks generated: long enough, high entropy, mixed characters, not words or a run. */
export function looksGenerated(value: string, minLength = 8): boolean {
  if (value.length < minLength) return false;
  if (isWords(value) || isSequence(value)) return false;
  if (classes(value) < 2) return /^[0-9a-f]{32,}$/i.test(value) ? entropy(value) >= 3.0 : false;
  const threshold = Math.min(3.0, Math.log2(value.length) * 0.9);
  return entropy(value) >= threshold;
}

/** The AWS access key ids in a text, without the documented examples or obvious fakes (low-entropy or sequential ids). */
export function awsKeyIds(text: string): { id: string; index: number; kind: SecretKind }[] {
  const out: { id: string; index: number; kind: SecretKind }[] = [];
  for (const m of text.matchAll(AWS_KEY_ID)) {
    if (isExample(m[0]) || entropy(m[2]) < 3.0 || isSequence(m[2])) continue;
    out.push({ id: m[0], index: m.index, kind: m[1] === 'ASIA' ? 'AWS temporary access key id' : 'AWS access key id' });
  }
  return out;
}

/** How a literal secret is written down: by whom and under which name. */
export interface SecretCandidate {
  value: string;
  /** The name, dict key, keyword or environment variable the value is bound to. */
  name?: string;
  /** The literal is the key argument of jwt.encode/jwt.decode. */
  jwtKey?: boolean;
  /** The file is a test (tests/, test_*.py, *_test.py, conftest.py): only real-format AWS key ids count. */
  testFile?: boolean;
}

export interface SecretVerdict {
  kind: SecretKind;
  /** The secret itself, for masking in evidence (never shown). */
  secret: string;
  /** By format (AWS key shapes): high confidence; by name and entropy: medium. */
  byFormat: boolean;
}

/** Whether a literal is a credential, and which kind. */
export function judgeSecret(c: SecretCandidate): SecretVerdict | undefined {
  const value = c.value.trim();
  if (!value || isExample(value)) return undefined;
  const ids = awsKeyIds(value);
  if (ids.length) return { kind: ids[0].kind, secret: ids[0].id, byFormat: true };
  if (c.testFile) return undefined;
  const url = URL_CREDENTIALS.exec(value);
  if (url) {
    const password = decodeURIComponentSafe(url[2]);
    if (isPlaceholder(password) || !looksGenerated(password, 8)) return undefined;
    return { kind: 'password in a connection URL', secret: url[2], byFormat: false };
  }
  const named = c.name !== undefined ? kindOfName(c.name) : undefined;
  const kind: SecretKind | undefined = c.jwtKey ? 'JWT signing secret' : named;
  if (!kind || kind === 'AWS access key id') return undefined; // a key id that is not one, or no secret name
  if (isPlaceholder(value)) return undefined;
  // formats first: an AWS secret access key may start with "/", which would read as a parameter path
  if (AWS_SECRET_FORMAT.test(value) && classes(value) >= 3 && entropy(value) >= 4 && (kind === 'AWS secret access key' || kind === 'secret' || kind === 'secret key')) {
    return { kind: 'AWS secret access key', secret: value, byFormat: true };
  }
  if (kind === 'AWS session token' && AWS_SESSION_TOKEN_FORMAT.test(value) && entropy(value) >= 4) return { kind, secret: value, byFormat: true };
  if (isReference(value)) return undefined;
  if (kind === 'AWS session token') return looksGenerated(value, 16) ? { kind: 'token', secret: value, byFormat: false } : undefined;
  if (kind === 'AWS secret access key') return looksGenerated(value, 16) ? { kind: 'secret', secret: value, byFormat: false } : undefined;
  return looksGenerated(value) ? { kind, secret: value, byFormat: false } : undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Test code, where credentials are dummies (moto's "testing", "test-secret"): `tests/`, `test_*.py`,
 * `*_test.py`, `conftest.py`. Judged on the dotted module name, which is relative to the scan root, so a
 * project scanned from a folder that happens to be called `test/` is not taken for tests.
 */
export function isTestModule(module: string): boolean {
  const parts = module.split('.');
  const last = parts.at(-1) ?? '';
  return parts.some((p) => p === 'tests' || p === 'test') || /^test_|_test$|^conftest$/.test(last);
}

/** The severity a kind of credential deserves: what an attacker can do with it. */
export function credentialImpact(kind: SecretKind): 'high' | 'medium' {
  switch (kind) {
    case 'AWS secret access key':
    case 'AWS session token':
    case 'JWT signing secret':
    case 'secret key':
    case 'private key':
      return 'high';
    default:
      return 'medium';
  }
}

/** The snippet with every secret (and a secret cut off by the line limit) masked. */
export function maskSecrets(snippet: string, secrets: string[]): string {
  let out = snippet;
  for (const s of secrets) {
    if (!s) continue;
    out = out.split(s).join(mask(s));
    // the line was clipped in the middle of the secret: mask the visible prefix too
    if (out.endsWith('…')) {
      const body = out.slice(0, -1);
      for (let k = Math.min(s.length - 1, body.length); k >= 4; k--) {
        if (body.endsWith(s.slice(0, k))) {
          out = `${body.slice(0, body.length - k)}${mask(s)}`;
          break;
        }
      }
    }
  }
  return out;
}
