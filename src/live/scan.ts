/**
 * A live scan: targets (base URLs with OpenAPI discovery, a list of URLs, or an OpenAPI document) → the
 * probe plan per endpoint through the injected client → judged findings, with what was discovered, the
 * stack's fingerprint and the request count. Network failures are diagnostics naming the URL; nothing throws.
 */
import type { FindingInput } from '../findings/index.ts';
import { fingerprint } from './fingerprint.ts';
import type { HttpClient } from './http.ts';
import { cookiesSeen, judge, type LiveContext } from './judge.ts';
import { randomLabel } from './origins.ts';
import { probeEndpoint, type EndpointResult } from './probe.ts';
import { targetsFromBaseUrl, targetsFromList, targetsFromOpenApi, type Discovery, type FetchText } from './targets.ts';
import type { Endpoint, Fingerprint } from './types.ts';

export interface LiveTargets {
  /** Base URLs given on the command line. */
  urls: string[];
  /** `--targets FILE`: one URL per line. */
  list?: { text: string; file: string };
  /** `--openapi FILE`: a document read by the CLI; `--openapi URL`: fetched here. */
  openapi?: { text: string; location: string };
  openapiUrl?: string;
}

export interface LiveScanOptions {
  /** Legitimate front-end origins (`--origin`), the base of the bypass mutations. */
  origins: string[];
  /** The user gave credentials (`--header`, `--cookie`). */
  authenticated: boolean;
  maxEndpoints: number;
  maxPerEndpoint: number;
  /** `--param name=value`: path parameters filled with these values. */
  params?: Record<string, string>;
  /** Endpoints probed at once. */
  parallel: number;
  progress?: (line: string) => void;
}

export interface LiveScanResult {
  findings: FindingInput[];
  problems: { where: string; message: string }[];
  notes: string[];
  endpoints: { url: string; template?: string; requests: number; failure?: string }[];
  requests: number;
  fingerprint: Fingerprint;
  /** Cookies the target set (Set-Cookie) or its document declares, with SameSite as sent. */
  cookies: { name: string; sameSite?: string; where: string }[];
}

export async function liveScan(targets: LiveTargets, client: HttpClient, opts: LiveScanOptions): Promise<LiveScanResult> {
  const fetchText: FetchText = async (url) => {
    const x = await client.send('D', { method: 'GET', url, headers: [['accept', 'application/json, text/html;q=0.9, */*;q=0.5']] });
    if (!x.response) throw new Error(x.error ?? `no response from ${url}`);
    return { status: x.response.status, headers: x.response.headers, body: x.response.body, url };
  };
  const problems: LiveScanResult['problems'] = [];
  const notes: string[] = [];
  const endpoints: Endpoint[] = [];
  const hints: string[] = [];
  const cookieSchemes: string[] = [];
  const take = (d: Discovery, where: string): void => {
    endpoints.push(...d.endpoints);
    notes.push(...d.notes);
    hints.push(...d.originHints);
    cookieSchemes.push(...d.cookieSchemes);
    for (const p of d.problems) problems.push({ where, message: p });
  };
  const guard = async (where: string, f: () => Promise<Discovery>): Promise<void> => {
    try {
      take(await f(), where);
    } catch (e) {
      problems.push({ where, message: (e as Error).message.split('\n')[0] });
    }
  };
  if (targets.openapiUrl && !targets.openapi) {
    const url = targets.openapiUrl;
    await guard(url, async () => {
      const doc = await fetchText(url);
      if (doc.status >= 400) throw new Error(`HTTP ${doc.status} for the OpenAPI document`);
      return targetsFromOpenApi({ text: doc.body, location: url }, fetchText, { maxEndpoints: opts.maxEndpoints, baseUrl: targets.urls[0] ?? new URL(url).origin, ...(opts.params ? { params: opts.params } : {}) });
    });
  } else if (targets.openapi) {
    const base = targets.urls[0];
    await guard(targets.openapi.location, () => targetsFromOpenApi(targets.openapi!, fetchText, { maxEndpoints: opts.maxEndpoints, ...(base ? { baseUrl: base } : {}), ...(opts.params ? { params: opts.params } : {}) }));
  } else {
    for (const url of targets.urls) await guard(url, () => targetsFromBaseUrl(url, fetchText, { maxEndpoints: opts.maxEndpoints, ...(opts.params ? { params: opts.params } : {}) }));
  }
  if (targets.list) await guard(targets.list.file, () => targetsFromList(targets.list!.text, targets.list!.file, { maxEndpoints: opts.maxEndpoints }));

  // one endpoint per URL; a base URL that failed to answer at all is reported once
  const unique = [...new Map(endpoints.map((e) => [`${e.method} ${e.url}`, e])).values()].slice(0, opts.maxEndpoints);
  const legit = [...new Set([...opts.origins, ...hints])];
  const r = randomLabel();
  const results: EndpointResult[] = [];
  const policies = new Map<string, string>();
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const ep = unique[next++];
      if (client.remaining <= 0) {
        results.push({ endpoint: ep, exchanges: [], reflected: [], dynamic: false, failure: 'not probed: the request budget is spent' });
        continue;
      }
      results.push(await probeEndpoint(ep, { client, r, legit, maxPerEndpoint: opts.maxPerEndpoint, policies, authenticated: opts.authenticated }));
      done++;
      if (opts.progress && (done % 10 === 0 || done === unique.length)) opts.progress(`probed ${done}/${unique.length} endpoints, ${client.stats.sent} requests`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, unique.length)) }, worker));

  const failedHosts = new Set<string>();
  for (const res of results) {
    if (!res.failure) continue;
    const host = new URL(res.endpoint.url).host;
    if (failedHosts.has(host) && !/budget/.test(res.failure)) continue;
    failedHosts.add(host);
    problems.push({ where: res.endpoint.url, message: res.failure });
  }
  const cookies = [...cookiesSeen(results), ...cookieSchemes.map((c) => ({ name: c, where: 'OpenAPI security scheme' }))];
  const declared = unique.flatMap((e) => e.security);
  const ctx: LiveContext = {
    cookies,
    bearerOnly: declared.length > 0 && declared.every((s) => s === 'bearer' || s === 'oauth2' || s === 'openid' || s === 'api-key-header') && !cookies.length,
    authenticated: opts.authenticated,
  };
  const all = results.flatMap((x) => x.exchanges);
  const fp = fingerprint(all);
  return {
    findings: judge(results, ctx).map((f) => withStackFix(f, fp)),
    problems,
    notes,
    endpoints: results.map((x) => ({ url: x.endpoint.url, ...(x.endpoint.template ? { template: x.endpoint.template } : {}), requests: x.exchanges.length, ...(x.failure ? { failure: x.failure } : {}) })),
    requests: client.stats.sent,
    fingerprint: fp,
    cookies,
  };
}

/**
 * The fix in the layer that sets the headers on the stack the responses show: an HTTP API's CORS
 * configuration replaces the app's headers; behind a REST API the app sets them and a MOCK OPTIONS answers
 * preflights; a FastAPI app on its own is fixed in CORSMiddleware.
 */
function withStackFix(f: FindingInput, fp: Fingerprint): FindingInput {
  if (f.topic !== 'cors-permissive-origin') return f;
  let where: string | undefined;
  if (fp.gateway === 'http-api') where = "The responses come through an API Gateway HTTP API: if it has a CORS configuration, fix AllowOrigins / AllowCredentials there (it replaces the app's headers); if not, fix the app.";
  else if (fp.gateway === 'rest-api') where = "The responses come through an API Gateway REST API: the app (CORSMiddleware or the Lambda's response headers) sets them on actual responses and a MOCK OPTIONS, if any, answers preflights — fix both to the same origins.";
  else if (fp.gateway === 'function-url') where = 'The responses come from a Lambda function URL: fix its Cors (AllowOrigins, AllowCredentials), or the function\'s own headers if the URL has no CORS configuration.';
  else if ((fp.framework === 'fastapi' || fp.framework === 'starlette') && !/allow_origins|CORSMiddleware/.test(f.remediation.summary)) where = `The responses come from ${fp.framework === 'fastapi' ? 'FastAPI' : 'Starlette'}: set CORSMiddleware(allow_origins=[…the front-end origins…]) and keep allow_credentials=True only with an explicit list.`;
  return where ? { ...f, remediation: { summary: `${f.remediation.summary} ${where}` } } : f;
}
