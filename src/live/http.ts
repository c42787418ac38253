/**
 * The only way the live layer talks HTTP: undici's `request` through one injected dispatcher (keep-alive;
 * not `fetch`, which adds `sec-fetch-mode` and refuses some headers). Safe by construction: GET, HEAD and
 * OPTIONS only; redirects are never followed (a 3xx is recorded with its Location); credentials the user
 * gave go only to the target's hosts; every request has a timeout, a body-size cap, a per-host concurrency
 * limit and rate, and counts against one run-wide budget. Failures become clear sentences, never throws.
 */
import { Agent, type Dispatcher } from 'undici';
import type { Exchange, ExchangeRequest, ExchangeResponse, RawHeaders } from './types.ts';

export interface HttpOptions {
  /** Per request: headers and the whole body must arrive within this (ms). */
  timeoutMs: number;
  /** Bytes of a body kept; the rest is not read. */
  maxBodyBytes: number;
  /** Requests in flight per host. */
  concurrency: number;
  /** Requests per second per host; 0 = no limit. */
  rate: number;
  /** Requests in the whole run. */
  budget: number;
  /** Hosts (`host:port`) that may receive the user's credentials: the targets. */
  credentialHosts: ReadonlySet<string>;
  /** The user's credentials (`--header`, `--cookie`), sent only to `credentialHosts`. */
  credentials?: { headers: RawHeaders; cookie?: string };
  userAgent: string;
}

export const DEFAULT_HTTP: Omit<HttpOptions, 'credentialHosts' | 'userAgent'> = {
  timeoutMs: 10_000,
  maxBodyBytes: 1024 * 1024,
  concurrency: 6,
  rate: 100,
  budget: 5000,
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface HostGate {
  active: number;
  waiting: (() => void)[];
  nextAt: number;
}

export class HttpClient {
  readonly stats = { sent: 0, failed: 0, bytes: 0, refusedByBudget: 0, retried: 0 };
  private readonly gates = new Map<string, HostGate>();
  private readonly ownDispatcher: boolean;
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly opts: HttpOptions,
    dispatcher?: Dispatcher,
  ) {
    this.ownDispatcher = !dispatcher;
    this.dispatcher = dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: Math.max(1, opts.concurrency) });
  }

  /** Requests left in the run's budget. */
  get remaining(): number {
    return Math.max(0, this.opts.budget - this.stats.sent);
  }

  async send(probe: string, req: ExchangeRequest): Promise<Exchange> {
    const started = performance.now();
    const checked = this.check(req);
    if (typeof checked === 'string') return { probe, request: req, error: checked, ms: 0 };
    const url = checked;
    this.stats.sent++;
    const headers = this.withCredentials(url, req.headers, req.anonymous);
    const gate = this.gateFor(url.host);
    if (gate.active >= this.opts.concurrency || this.opts.rate > 0) await this.enter(gate);
    gate.active++;
    let response: ExchangeResponse | undefined;
    let error: string | undefined;
    try {
      response = await this.exchange(req.method, url, headers);
    } catch (e) {
      this.stats.failed++;
      error = describeError(e, url, this.opts.timeoutMs);
    } finally {
      this.leave(gate);
    }
    const x: Exchange = { probe, request: req, ms: Math.round(performance.now() - started) };
    if (response) x.response = response;
    if (error !== undefined) x.error = error;
    return x;
  }

  /** The URL to send to, or why the request is not sent (method, scheme, budget). */
  private check(req: ExchangeRequest): URL | string {
    if (!SAFE_METHODS.has(req.method)) return `${req.method} is not sent: live scans send only GET, HEAD and OPTIONS`;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return `not a valid URL: ${req.url}`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `only http and https URLs are probed: ${req.url}`;
    if (this.stats.sent >= this.opts.budget) {
      this.stats.refusedByBudget++;
      return `not sent: the run's budget of ${this.opts.budget} requests is spent (raise it with --max-requests)`;
    }
    return url;
  }

  /** One exchange: headers exactly as they came over the wire (raw: order and duplicates kept), the body up to the cap. */
  private async exchange(method: ExchangeRequest['method'], url: URL, headers: string[]): Promise<ExchangeResponse> {
    const res = await this.attempt(method, url, headers);
    const rawHeaders = res.headers as unknown as string[];
    const raw: RawHeaders = new Array(rawHeaders.length >> 1);
    let declared = NaN;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i].toLowerCase();
      raw[i >> 1] = [name, rawHeaders[i + 1]];
      if (name === 'content-length') declared = Number(rawHeaders[i + 1]);
    }
    const cap = this.opts.maxBodyBytes;
    if (method === 'HEAD') {
      res.body.destroy();
      return { status: res.statusCode, headers: raw, body: '', bytes: 0, truncated: false };
    }
    if (declared >= 0 && declared <= cap) {
      // a declared length within the cap: one read (the stream loop costs more than the bytes); undici
      // fails the body if more arrives than declared, so the cap holds
      const body = await res.body.text();
      this.stats.bytes += declared;
      return { status: res.statusCode, headers: raw, body, bytes: declared, truncated: false };
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      const room = cap - bytes;
      if (buf.length >= room) {
        chunks.push(buf.subarray(0, room));
        bytes += room;
        truncated = true;
        break;
      }
      chunks.push(buf);
      bytes += buf.length;
    }
    if (truncated) res.body.destroy();
    this.stats.bytes += bytes;
    return { status: res.statusCode, headers: raw, body: Buffer.concat(chunks).toString('utf8'), bytes, truncated };
  }

  /**
   * One request; sent once more when the server closed a kept-alive connection before answering (every
   * method sent is idempotent, and servers such as uvicorn close idle keep-alive sockets at will).
   */
  private async attempt(method: ExchangeRequest['method'], url: URL, headers: string[]): Promise<Dispatcher.ResponseData> {
    const opts: Dispatcher.RequestOptions = {
      origin: url.origin,
      path: url.pathname + url.search,
      method,
      headers,
      responseHeaders: 'raw',
      headersTimeout: this.opts.timeoutMs,
      bodyTimeout: this.opts.timeoutMs,
    };
    try {
      return await this.dispatcher.request(opts);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as { cause?: NodeJS.ErrnoException }).cause?.code;
      if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET' && code !== 'EPIPE') throw e;
      if (this.stats.sent >= this.opts.budget) throw e;
      this.stats.sent++;
      this.stats.retried++;
      return this.dispatcher.request(opts);
    }
  }

  /** The user's headers and cookie go to the targets' hosts only; a probe's own Cookie is merged with the user's. Flat, as undici takes them. */
  private withCredentials(url: URL, headers: RawHeaders, anonymous = false): string[] {
    const out: string[] = ['user-agent', this.opts.userAgent, 'accept-encoding', 'identity'];
    for (const [k, v] of headers) out.push(k, v);
    const creds = this.opts.credentials;
    if (!creds || anonymous || !this.opts.credentialHosts.has(url.host)) return out;
    const has = (name: string): number => {
      for (let i = 0; i < out.length; i += 2) if (out[i] === name) return i;
      return -1;
    };
    for (const [k, v] of creds.headers) if (has(k.toLowerCase()) < 0) out.push(k.toLowerCase(), v);
    if (creds.cookie) {
      const i = has('cookie');
      if (i >= 0) out[i + 1] = `${creds.cookie}; ${out[i + 1]}`;
      else out.push('cookie', creds.cookie);
    }
    return out;
  }

  private gateFor(host: string): HostGate {
    let gate = this.gates.get(host);
    if (!gate) this.gates.set(host, (gate = { active: 0, waiting: [], nextAt: 0 }));
    return gate;
  }

  /** Waits for a free slot on the host (concurrency), then for the host's next turn (rate). */
  private async enter(gate: HostGate): Promise<void> {
    while (gate.active >= this.opts.concurrency) await new Promise<void>((resolve) => gate.waiting.push(resolve));
    if (this.opts.rate > 0) {
      const now = performance.now();
      const at = Math.max(now, gate.nextAt);
      gate.nextAt = at + 1000 / this.opts.rate;
      if (at > now) await new Promise((r) => setTimeout(r, at - now));
    }
    while (gate.active >= this.opts.concurrency) await new Promise<void>((resolve) => gate.waiting.push(resolve));
  }

  private leave(gate: HostGate): void {
    gate.active--;
    gate.waiting.shift()?.();
  }

  async close(): Promise<void> {
    if (this.ownDispatcher) await this.dispatcher.close();
  }
}

/** A network failure in words a user can act on. */
export function describeError(e: unknown, url: URL, timeoutMs: number): string {
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code ?? '';
  const host = url.host;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DNS lookup failed for ${url.hostname}`;
  if (code === 'ECONNREFUSED') return `connection refused by ${host}`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `${host} closed the connection`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || err.name === 'TimeoutError' || err.name === 'AbortError' || code === 'UND_ERR_ABORTED')
    return `no complete response from ${host} within ${timeoutMs / 1000} s`;
  if (/CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /certificate|TLS|SSL/i.test(err.message ?? '')) return `TLS failure with ${host}: ${code || err.message}`;
  if (code === 'UND_ERR_RESPONSE_STATUS_CODE' || code === 'HPE_INVALID_CONSTANT' || /^HPE_/.test(code)) return `${host} sent an invalid HTTP response (${code})`;
  return `request to ${host} failed: ${code || err.message || String(e)}`;
}

/** `curl` that reproduces a probe (credentials left as placeholders: they are redacted anyway). */
export function curlOf(req: ExchangeRequest): string {
  const parts = ['curl', '-si'];
  if (req.method !== 'GET') parts.push('-X', req.method);
  for (const [k, v] of req.headers) parts.push('-H', shellQuote(`${k}: ${v}`));
  parts.push(shellQuote(req.url));
  return parts.join(' ');
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Request and response as text for evidence (status line, headers, the start of the body). */
export function exchangeText(x: Exchange, bodyChars = 400): { request: string; response: string } {
  const request = [`${x.request.method} ${x.request.url}`, ...x.request.headers.map(([k, v]) => `${k}: ${v}`)].join('\n');
  if (!x.response) return { request, response: x.error ?? 'no response' };
  const r = x.response;
  const body = r.body.length > bodyChars ? `${r.body.slice(0, bodyChars)}…` : r.body;
  return { request, response: [`HTTP ${r.status}`, ...r.headers.map(([k, v]) => `${k}: ${v}`), '', body].join('\n') };
}
