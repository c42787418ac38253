/**
 * What the responses say the stack is: the framework (FastAPI, or Starlette without FastAPI's handlers),
 * the AWS layer in front (REST API, HTTP API, Lambda function URL, CloudFront) and whether Mangum adapts
 * the app on Lambda (platform-facts §2.2–2.4, §3, §4; live-probe-spec b.1).
 *
 * Every observation is a signal, strong or weak. A strong signal is one only that layer produces (a
 * header name nobody else sends, a body no other framework writes); a weak one is shared with other
 * stacks or with the other API Gateway type. A conclusion needs one strong signal or two distinct weak
 * ones; for REST vs HTTP API at least one of them must be specific to that type. Each conclusion lists
 * the signals behind it as its evidence.
 */
import type { Exchange, Fingerprint, RawHeaders } from './types.ts';

type Target =
  | 'fastapi'
  | 'starlette'
  /** An ASGI server's `server` header: Python ASGI, Starlette-family corroboration, and not Mangum. */
  | 'asgi-server'
  /** Another Python server's `server` header (gunicorn): not Mangum, but says nothing about the framework. */
  | 'app-server'
  | 'rest-api'
  | 'http-api'
  /** API Gateway of either type (gateway-generated bodies shared by REST and HTTP APIs, the execute-api host). */
  | 'api-gateway'
  | 'function-url'
  /** Lambda's own request headers (`x-amzn-requestid`, `x-amzn-trace-id`): a function URL or a REST API. */
  | 'lambda'
  | 'cloudfront';

interface Signal {
  target: Target;
  strong: boolean;
  evidence: string;
}

/** Bodies parsed for JSON shapes; an OpenAPI document is read whole when it parses. */
const SHAPE_MAX = 64 * 1024;
const DOC_MAX = 1 << 20;

export function fingerprint(exchanges: Exchange[]): Fingerprint {
  const signals = new Map<string, Signal>();
  const add = (target: Target, strong: boolean, evidence: string): void => {
    const key = `${target}|${evidence}`;
    if (!signals.has(key)) signals.set(key, { target, strong, evidence });
  };
  for (const x of exchanges) if (x.response) observe(x, add);
  const all = [...signals.values()];
  const of = (t: Target) => all.filter((s) => s.target === t);
  const strong = (t: Target) => of(t).filter((s) => s.strong);
  const weak = (t: Target) => of(t).filter((s) => !s.strong);

  const out: Omit<Fingerprint, 'evidence'> = {};
  const evidence = new Set<string>();
  const cite = (ss: Signal[], note = ''): void => {
    for (const s of ss) evidence.add(s.evidence + note);
  };

  // framework: FastAPI runs on Starlette, so Starlette and ASGI-server signals corroborate a FastAPI-only one
  const family = [...of('starlette'), ...of('asgi-server')];
  if (strong('fastapi').length || weak('fastapi').length >= 2 || (weak('fastapi').length >= 1 && family.length >= 1)) {
    out.framework = 'fastapi';
    cite([...of('fastapi'), ...family]);
  } else if (strong('starlette').length || family.length >= 2) {
    out.framework = 'starlette';
    cite(family);
  }

  // gateway
  const fnHost = weak('function-url').length > 0;
  const fnUrl = strong('function-url').length > 0 || (fnHost && of('lambda').length > 0 && !strong('rest-api').length && !strong('http-api').length);
  // Lambda's request id on another host is the REST API's (HTTP APIs send apigw-requestid instead)
  const restWeak = [...weak('rest-api'), ...(fnHost ? [] : of('lambda').filter((s) => s.evidence.startsWith('x-amzn-requestid')))];
  const generic = of('api-gateway');
  const rest = strong('rest-api').length > 0 || (restWeak.length >= 1 && restWeak.length + generic.length >= 2);
  const http = strong('http-api').length > 0 || (weak('http-api').length >= 1 && weak('http-api').length + generic.length >= 2);
  const cloudfront = of('cloudfront');
  let gateway: Fingerprint['gateway'];
  if (fnUrl) {
    gateway = 'function-url';
    cite([...of('function-url'), ...of('lambda')]);
  } else if (rest || http) {
    const restScore = [strong('rest-api').length, restWeak.length];
    const httpScore = [strong('http-api').length, weak('http-api').length];
    const cmp = rest && http ? restScore[0] - httpScore[0] || restScore[1] - httpScore[1] : rest ? 1 : -1;
    // both types with the same weight (two APIs behind one set of probes): no conclusion
    if (cmp > 0) {
      gateway = 'rest-api';
      cite([...of('rest-api'), ...restWeak, ...generic]);
    } else if (cmp < 0) {
      gateway = 'http-api';
      cite([...of('http-api'), ...generic]);
    }
  }
  if (gateway) {
    // an edge-optimized REST API, or a distribution in front of the API
    cite(cloudfront, ' (CloudFront in front)');
  } else if (cloudfront.some((s) => s.strong)) {
    gateway = 'cloudfront';
    cite(cloudfront);
  }
  if (gateway) out.gateway = gateway;

  // Mangum: the app's own shapes coming out of a Lambda integration; an ASGI server's header means an
  // HTTP integration to a server (or Lambda Web Adapter), not Mangum
  if (out.framework && (gateway === 'rest-api' || gateway === 'http-api' || gateway === 'function-url')) {
    const servers = [...of('asgi-server'), ...of('app-server')];
    const name = out.framework === 'fastapi' ? 'FastAPI' : 'Starlette';
    const layer = gateway === 'rest-api' ? 'a REST API' : gateway === 'http-api' ? 'an HTTP API' : 'a function URL';
    if (servers.length) {
      out.mangum = false;
      evidence.add(`${servers[0].evidence} behind ${layer}: a server answers, not Mangum`);
    } else {
      out.mangum = true;
      evidence.add(`${name} responses behind ${layer} with no ASGI server header: Mangum on Lambda`);
    }
  }
  return { ...out, evidence: [...evidence] };
}

function values(headers: RawHeaders, name: string): string[] {
  return headers.filter(([k]) => k === name).map(([, v]) => v);
}

function parse(body: string, max: number): unknown {
  if (!body || body.length > max) return undefined;
  const lead = body.trimStart()[0];
  if (lead !== '{' && lead !== '[') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{"<key>": "<string>"}` and nothing else. */
function only(v: unknown, key: string): string | undefined {
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === key && typeof v[key] === 'string' ? (v[key] as string) : undefined;
}

/** Starlette's preflight failure text: `Disallowed CORS origin`, `Disallowed CORS origin, method, headers` (§1.5). */
const DISALLOWED_CORS = /^Disallowed CORS (?:origin|method|headers|private-network)(?:, (?:origin|method|headers|private-network)){0,3}$/;
const EXECUTE_API_HOST = /^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;
const LAMBDA_URL_HOST = /^[a-z0-9]+\.lambda-url\.[a-z0-9-]+\.on\.aws$/;
/** ASGI servers' `server` header (Mangum sends none); gunicorn counts as a server for Mangum, not as ASGI. */
const ASGI_SERVER = /^(?:uvicorn|hypercorn|daphne|granian)\b/i;
/** Bodies API Gateway writes itself, for both API types (gateway responses: authorizer, throttling, integration errors). */
const GATEWAY_MESSAGES: Record<string, number[]> = {
  Unauthorized: [401],
  Forbidden: [403],
  'Internal Server Error': [500, 502],
  'Internal server error': [500, 502],
  'Endpoint request timed out': [504],
  'Service Unavailable': [503],
  'Too Many Requests': [429],
};

function observe(x: Exchange, add: (target: Target, strong: boolean, evidence: string) => void): void {
  const res = x.response!;
  const { status, headers, body } = res;
  const has = (name: string) => headers.some(([k]) => k === name);

  // headers
  if (has('x-amz-apigw-id')) add('rest-api', true, 'x-amz-apigw-id header'); // REST API only
  if (has('apigw-requestid')) add('http-api', true, 'apigw-requestid header'); // HTTP API only
  if (headers.some(([k]) => k.startsWith('x-amzn-remapped-'))) add('rest-api', false, 'x-amzn-remapped-* headers'); // REST API renames a Lambda proxy's reserved headers
  if (has('x-amzn-requestid')) add('lambda', false, 'x-amzn-requestid header'); // also AppSync, other AWS endpoints
  if (has('x-amzn-trace-id')) add('lambda', false, 'x-amzn-trace-id header'); // X-Ray: any traced AWS service
  if (has('x-amz-cf-id')) add('cloudfront', true, 'x-amz-cf-id header');
  if (has('x-amz-cf-pop')) add('cloudfront', true, 'x-amz-cf-pop header');
  for (const v of values(headers, 'via')) if (/cloudfront/i.test(v)) add('cloudfront', true, `via: ${v}`);
  // x-cache alone is Varnish, Fastly, nginx too: only CloudFront's wording counts
  for (const v of values(headers, 'x-cache')) if (/cloudfront/i.test(v)) add('cloudfront', true, `x-cache: ${v}`);
  for (const v of values(headers, 'server')) {
    if (/^cloudfront$/i.test(v.trim())) add('cloudfront', true, `server: ${v}`);
    if (ASGI_SERVER.test(v)) add('asgi-server', false, `server: ${v.split(/[\s/]/)[0].toLowerCase()} header`);
    else if (/^gunicorn\b/i.test(v)) add('app-server', false, 'server: gunicorn header');
  }

  // host: which endpoint type answered is known from the name alone, but the name is what we asked for, so
  // it is weak; a function URL needs Lambda's headers on the answer too
  let host = '';
  try {
    host = new URL(x.request.url).hostname.toLowerCase();
  } catch {
    // an unparsable URL names no host
  }
  if (EXECUTE_API_HOST.test(host)) add('api-gateway', false, `execute-api host ${host}`);
  if (LAMBDA_URL_HOST.test(host)) add('function-url', false, `lambda-url host ${host}`);

  // bodies
  const ct = values(headers, 'content-type').join(' ').toLowerCase();
  const text = body.length <= SHAPE_MAX ? body.trim() : '';
  const json = parse(body, SHAPE_MAX);

  const detail = only(json, 'detail');
  // FastAPI's http_exception_handler writes {"detail": phrase}; plain Starlette writes text. DRF writes "Not found." (lower case, period)
  if (status === 404 && detail === 'Not Found') add('fastapi', false, '{"detail":"Not Found"} 404');
  if (status === 405 && detail === 'Method Not Allowed') add('fastapi', false, '{"detail":"Method Not Allowed"} 405');
  if ((status === 401 || status === 403) && detail === 'Not authenticated') add('fastapi', false, `{"detail":"Not authenticated"} ${status}`);
  // FastAPI's RequestValidationError handler: a list of {loc, msg, type} (pydantic v1 and v2)
  if (status === 422 && isObject(json) && Array.isArray(json.detail) && json.detail.length > 0 && json.detail.every(isValidationError)) {
    add('fastapi', true, '{"detail":[{"loc":…,"msg":…,"type":…}]} 422');
  }

  const message = only(json, 'message');
  if (message === 'Missing Authentication Token' && status === 403) add('rest-api', true, '{"message":"Missing Authentication Token"} 403'); // REST API: no such resource or method
  if (message === 'Not Found' && status === 404) add('http-api', false, '{"message":"Not Found"} 404'); // HTTP API: no route
  if (message !== undefined && GATEWAY_MESSAGES[message]?.includes(status)) add('api-gateway', false, `{"message":"${message}"} ${status}`);
  if (/For troubleshooting Function URL authorization issues/.test(text)) add('function-url', true, 'function URL authorization error body');

  if (status === 400 && DISALLOWED_CORS.test(text)) add('starlette', true, `${text} 400`);
  if (x.request.method === 'OPTIONS' && status === 200 && text === 'OK' && values(headers, 'access-control-max-age').includes('600')) {
    add('starlette', false, 'preflight 200 "OK" with access-control-max-age: 600'); // Starlette's default max_age; a mock or a proxy can copy it
  }
  if (ct.startsWith('text/plain') && ((status === 404 && text === 'Not Found') || (status === 405 && text === 'Method Not Allowed'))) {
    add('starlette', false, `text/plain "${text}" ${status}`); // Starlette without FastAPI's handlers; many servers word it the same
  }
  if (/<title>\s*Starlette Debugger\s*<\/title>/.test(text)) add('starlette', true, 'Starlette debug page');
  const docsTitle = /<title>\s*FastAPI - (Swagger UI|ReDoc)\s*<\/title>/.exec(text);
  if (docsTitle) add('fastapi', true, `"FastAPI - ${docsTitle[1]}" docs page`);
  if (/Generated by cloudfront \(CloudFront\)/.test(text)) add('cloudfront', true, 'CloudFront error page');

  if (status === 200) openApi(body, add);
}

function isValidationError(e: unknown): boolean {
  return isObject(e) && Array.isArray(e.loc) && typeof e.msg === 'string' && typeof e.type === 'string';
}

/**
 * An OpenAPI 3 document is not FastAPI's by itself; FastAPI's default `info` (`"title":"FastAPI"`,
 * `"version":"0.1.0"`) and its generated `HTTPValidationError` schema are.
 */
function openApi(body: string, add: (target: Target, strong: boolean, evidence: string) => void): void {
  if (!body.includes('"openapi"')) return;
  const doc = parse(body, DOC_MAX);
  if (isObject(doc)) {
    if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) return;
    const info = isObject(doc.info) ? doc.info : {};
    if (info.title === 'FastAPI' && info.version === '0.1.0') add('fastapi', true, `OpenAPI ${doc.openapi} document with FastAPI's default info (title "FastAPI", version "0.1.0")`);
    const components = isObject(doc.components) ? doc.components : {};
    const schemas = isObject(components.schemas) ? components.schemas : {};
    if (isObject(schemas.HTTPValidationError) && isObject(schemas.ValidationError)) add('fastapi', true, 'OpenAPI document with FastAPI\'s HTTPValidationError schema');
    return;
  }
  // cut at the byte cap: FastAPI writes the document compactly, openapi first, then info
  const head = /^\s*\{"openapi":"(3\.[\d.]{1,8})","info":\{"title":"FastAPI","version":"0\.1\.0"/.exec(body.slice(0, 256));
  if (head) add('fastapi', true, `OpenAPI ${head[1]} document with FastAPI's default info (title "FastAPI", version "0.1.0")`);
}
