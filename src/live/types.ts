/**
 * The live (black-box) layer's data: endpoints to probe, the exchanges sent and received, and what a
 * response body or a set of responses says about the service. The live layer talks HTTP only through an
 * injected client (http.ts); it never reads source files and never prints.
 */

/** Security schemes an endpoint declares (OpenAPI), reduced to how the credential travels. */
export type AuthScheme = 'cookie' | 'bearer' | 'api-key-header' | 'api-key-query' | 'basic' | 'oauth2' | 'openid' | 'none';

export interface Endpoint {
  /** Absolute URL to probe (path parameters filled with examples or harmless placeholders). */
  url: string;
  /** The path template when known (`/profiles/{user_id}`), the join key with code routes. */
  template?: string;
  /** GET unless the operation only exists for HEAD. Probes never send other methods than GET, HEAD, OPTIONS. */
  method: 'GET' | 'HEAD';
  /** Where the endpoint came from. */
  source: 'base-url' | 'targets-file' | 'openapi';
  operationId?: string;
  /** Security requirements of the operation (any one suffices), as declared; empty = none declared. */
  security: AuthScheme[];
  /** Cookie names the document declares (apiKey in: cookie). */
  cookieNames?: string[];
}

/** A header list as it came over the wire: names lowercased, values as sent, duplicates kept in order. */
export type RawHeaders = [string, string][];

export interface ExchangeRequest {
  method: 'GET' | 'HEAD' | 'OPTIONS';
  url: string;
  headers: RawHeaders;
  /** Sent without the user's credentials (the unauthenticated error path). */
  anonymous?: boolean;
}

export interface ExchangeResponse {
  status: number;
  headers: RawHeaders;
  /** The body decoded as UTF-8 (lossy), at most the client's byte cap. */
  body: string;
  /** Bytes read (capped). */
  bytes: number;
  truncated: boolean;
}

export interface Exchange {
  /** The probe that sent it: `B0`, `C1`, `M5`, `F1` … (live-probe-spec b.1–b.7). */
  probe: string;
  request: ExchangeRequest;
  response?: ExchangeResponse;
  /** Why there is no response: a clear sentence (DNS failure, refused, TLS, timeout, budget). */
  error?: string;
  ms: number;
}

/** What a body discloses. */
export interface BodyClass {
  /** Personal data found, with a redacted sample each (`a…@example.com`). */
  personal: { kind: 'email' | 'phone' | 'ssn' | 'card'; sample: string; count: number }[];
  /** Secrets found, with a redacted sample each. */
  secrets: { kind: 'aws-access-key-id' | 'jwt' | 'api-key'; sample: string; count: number }[];
  /** DynamoDB tells: `typed-attribute-values`, `LastEvaluatedKey`, `ConsumedCapacity`, `botocore`, `ValidationException` … */
  dynamo: string[];
  /** AWS identifiers a DynamoDB/botocore error names: account id, role, function, table (redacted where secret). */
  awsDetails: string[];
  /** A traceback or debug page, and its kind. */
  traceback?: 'starlette-debug-html' | 'python-traceback' | 'other-stack-trace';
  /** Any of the above: reading this body cross-origin matters. */
  sensitive: boolean;
}

/** What the responses say the stack is. */
export interface Fingerprint {
  framework?: 'fastapi' | 'starlette';
  gateway?: 'rest-api' | 'http-api' | 'function-url' | 'cloudfront';
  mangum?: boolean;
  /** The header or body feature behind each conclusion (`apigw-requestid header`, `{"detail":"Not Found"} 404`). */
  evidence: string[];
}
