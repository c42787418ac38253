/**
 * The origins a probe sends (live-probe-spec b.0–b.3): an arbitrary attacker origin, null, and mutations of
 * each legitimate origin L and of the target's own host that catch each allowlist-bypass class by name.
 * Registrable domains come from the Public Suffix List (`tldts`), so a mutation is only called exploitable
 * by anyone when an attacker can really register it.
 */
import { getDomain, getPublicSuffix } from 'tldts';

/** Each class the spec names; the live finding says which one matched. */
export type OriginClass =
  | 'arbitrary'
  | 'arbitrary-http'
  | 'null'
  | 'prefix'
  | 'suffix-registrable'
  | 'suffix-internal'
  | 'subdomain'
  | 'unescaped-dot'
  | 'substring'
  | 'http-scheme'
  | 'http-subdomain'
  | 'port'
  | 'special-char'
  | 'localhost-prefix'
  | 'dev-origin'
  | 'shared-hosting'
  /** Origins no browser sends (`L@R.com`, `R.com#L`, a list): the validator parses the Origin loosely. */
  | 'url-confusion'
  /** `L` in capitals echoed byte-exactly: corroborates reflection, never a finding by itself. */
  | 'case-echo';

export interface ProbeOrigin {
  id: string;
  origin: string;
  cls: OriginClass;
  /** Who can send this Origin from a browser they control. */
  exploitableBy: 'anyone' | 'same-site' | 'network' | 'local' | 'safari' | 'no-browser';
  /** Same-site with L: `SameSite=Lax` cookies are sent too. */
  sameSite: boolean;
}

const SHARED_PLATFORMS = ['github.io', 'amplifyapp.com', 'cloudfront.net', 's3.amazonaws.com', 'execute-api.us-east-1.amazonaws.com', 'vercel.app', 'netlify.app', 'pages.dev', 'web.app', 'herokuapp.com'];

/** A fresh lowercase label per scan. */
export function randomLabel(): string {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'x';
  for (let i = 0; i < 9; i++) s += a[Math.floor(Math.random() * a.length)];
  return s;
}

/** Tier 1: the arbitrary origin (https and http) and null. */
export function coreOrigins(r: string): ProbeOrigin[] {
  return [
    { id: 'C1', origin: `https://${r}.com`, cls: 'arbitrary', exploitableBy: 'anyone', sameSite: false },
    { id: 'C2', origin: `http://${r}.com`, cls: 'arbitrary-http', exploitableBy: 'anyone', sameSite: false },
    { id: 'C3', origin: 'null', cls: 'null', exploitableBy: 'anyone', sameSite: false },
  ];
}

/** Tier 2: mutations of a legitimate origin `l` (`https://app.example.com`). */
export function bypassOrigins(l: string, r: string): ProbeOrigin[] {
  let u: URL;
  try {
    u = new URL(l);
  } catch {
    return [];
  }
  const host = u.hostname;
  const scheme = u.protocol.replace(':', '');
  const rd = getDomain(host) ?? host; // registrable domain
  const out: ProbeOrigin[] = [];
  const add = (id: string, origin: string, cls: OriginClass, exploitableBy: ProbeOrigin['exploitableBy'], sameSite = false): void => {
    if (origin !== l && !out.some((o) => o.origin === origin)) out.push({ id, origin, cls, exploitableBy, sameSite });
  };
  add('M1', `${scheme}://${host}.${r}.com`, 'prefix', 'anyone');
  add('M2', `${scheme}://${r}${rd}`, 'suffix-registrable', 'anyone');
  add('M2b', `${scheme}://${r}-${rd}`, 'suffix-registrable', 'anyone');
  if (host !== rd) add('M3', `${scheme}://${r}${host}`, 'suffix-internal', 'same-site', true);
  add('M4', `${scheme}://${r}.${rd}`, 'subdomain', 'same-site', true);
  if (host !== rd) add('M4b', `${scheme}://${r}.${host}`, 'subdomain', 'same-site', true);
  // M5: each non-final dot of the host replaced by a letter, when the result stays registrable by anyone
  const labels = host.split('.');
  const suffix = getPublicSuffix(host) ?? labels.slice(-1).join('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = [...labels.slice(0, i), `${labels[i]}x${labels[i + 1]}`, ...labels.slice(i + 2)].join('.');
    const cd = getDomain(candidate);
    if (cd && cd !== rd && candidate.endsWith(suffix)) {
      add(`M5${i ? `.${i}` : ''}`, `${scheme}://${candidate}`, 'unescaped-dot', 'anyone');
    }
  }
  add('M6', `${scheme}://${host.slice(0, -1)}`, 'substring', 'anyone');
  if (rd.length > 3) add('M6b', `${scheme}://${rd.slice(1)}`, 'substring', 'anyone');
  if (scheme === 'https') {
    add('M7', `http://${host}${u.port ? `:${u.port}` : ''}`, 'http-scheme', 'network', true);
    add('M8', `http://${r}.${rd}`, 'http-subdomain', 'network', true);
  }
  add('M9', `${scheme}://${host}:${u.port === '8443' ? '9443' : '8443'}`, 'port', 'same-site', true);
  add('M10', `${scheme}://${host}_.${r}.com`, 'special-char', 'anyone');
  add('M11', `https://localhost.${r}.com`, 'localhost-prefix', 'anyone');
  return out;
}

/** Dev and shared-hosting origins (M12, M13), independent of L. */
export function hostingOrigins(r: string): ProbeOrigin[] {
  return [
    { id: 'M12', origin: 'http://localhost:3000', cls: 'dev-origin', exploitableBy: 'local', sameSite: false },
    { id: 'M12b', origin: 'http://127.0.0.1:8000', cls: 'dev-origin', exploitableBy: 'local', sameSite: false },
    ...SHARED_PLATFORMS.map((p, i): ProbeOrigin => ({ id: `M13.${i}`, origin: `https://${r}.${p}`, cls: 'shared-hosting', exploitableBy: 'anyone', sameSite: false })),
  ];
}

/**
 * Tier 3 (b.4), in order of value: the backtick case (P1, literal and percent-encoded), special characters as
 * their own label (P3: `_` and `-` are accepted by every major browser, the rest by Safari), special
 * characters glued to the host (P2, Safari), then diagnostics no browser can exploit: URL-confusion
 * origins (P4) and the host in capitals (P5).
 */
export function parserOrigins(l: string, r: string): ProbeOrigin[] {
  let host: string;
  let scheme: string;
  try {
    const u = new URL(l);
    host = u.hostname;
    scheme = u.protocol.replace(':', '');
  } catch {
    return [];
  }
  const o = (id: string, origin: string, cls: OriginClass, exploitableBy: ProbeOrigin['exploitableBy']): ProbeOrigin => ({ id, origin, cls, exploitableBy, sameSite: false });
  return [
    o('P1', `${scheme}://${host}\`.${r}.com`, 'special-char', 'safari'),
    o('P1b', `${scheme}://${host}%60.${r}.com`, 'special-char', 'safari'),
    ...['_', '-'].map((c, i) => o(`P3.${i}`, `${scheme}://${host}.${c}.${r}.com`, 'special-char', 'anyone')),
    ...['$', '+', '~', '!'].map((c, i) => o(`P3.${i + 2}`, `${scheme}://${host}.${c}.${r}.com`, 'special-char', 'safari')),
    ...['}', '{', '&'].map((c, i) => o(`P2.${i}`, `${scheme}://${host}${c}.${r}.com`, 'special-char', 'safari')),
    o('P4', `${scheme}://${host}@${r}.com`, 'url-confusion', 'no-browser'),
    o('P4b', `https://${r}.com#${host}`, 'url-confusion', 'no-browser'),
    o('P4c', `${scheme}://${host},https://${r}.com`, 'url-confusion', 'no-browser'),
    o('P5', `${scheme}://${host.toUpperCase()}`, 'case-echo', 'no-browser'),
  ].filter((p) => p.origin !== l);
}
