/**
 * Secret redaction for every output. A secret keeps its first four and last four characters
 * (`AKIAIOSFODNN7EXAMPLE` → `AKIA…MPLE`), enough to find it again, not enough to use it.
 */
const PATTERNS: RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, // AWS access key id
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub token
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack token
  /\bsk_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe secret key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/** `name = "value"` / `"name": "value"` / `name: value` where the name says it is a secret. */
const ASSIGNED =
  /((?:aws_secret_access_key|secret_access_key|secret_key|secret|password|passwd|api_key|apikey|token|client_secret|private_key)["']?\s*[:=]\s*["'])([^"'\s]{8,})(?=["'])/gi;

/** Authorization / Cookie header values. */
const HEADERS = /^((?:authorization|cookie|set-cookie|x-api-key)\s*:\s*)(.+)$/gim;

export function mask(secret: string): string {
  if (secret.length <= 8) return '…';
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}

export function redact(text: string): string {
  let out = text;
  for (const re of PATTERNS) out = out.replace(re, (m) => mask(m));
  out = out.replace(ASSIGNED, (_m, pre: string, val: string) => pre + mask(val));
  out = out.replace(HEADERS, (_m, pre: string, val: string) => pre + mask(val.trim()));
  return out;
}
