/**
 * A serialisable expression IR. The extractor turns tree-sitter nodes into Expr in worker threads;
 * the resolver evaluates Expr on the main thread, where every module of the project is known.
 */
export interface Loc {
  line: number; // 1-based
  col: number; // 1-based
}

export type Expr = (
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'list'; items: Expr[] } // list, tuple and set displays
  | { k: 'dict'; entries: [Expr, Expr][] }
  | { k: 'name'; id: string }
  | { k: 'attr'; obj: Expr; name: string }
  | { k: 'sub'; obj: Expr; index: Expr }
  | { k: 'call'; fn: Expr; args: Expr[]; kwargs: Record<string, Expr> }
  | { k: 'binop'; op: string; l: Expr; r: Expr }
  | { k: 'fstr'; parts: Expr[] }
  | { k: 'lambda'; body: Expr }
  | { k: 'comp'; iter: Expr; strip: boolean } // [o.strip() for o in X] keeps X's items
  | { k: 'unknown'; why: string }
) & { loc?: Loc; text?: string };

export interface ImportBinding {
  /** Absolute dotted module (relative imports resolved against the importing module). */
  module: string;
  /** Imported name, or undefined for `import a.b as c`. */
  name?: string;
}

export interface ClassModel {
  name: string;
  /** Base class expressions as written. */
  bases: Expr[];
  /** Class-level assignments and annotated fields with defaults. */
  fields: Record<string, Expr>;
  /** Fields declared without a default (pydantic: required). */
  required: string[];
  /** Every annotated field name, defaults or not (data models too). */
  fieldNames: string[];
  /** `model_config = SettingsConfigDict(env_prefix=...)` or `class Config: env_prefix = ...`. */
  envPrefix?: string;
  line: number;
}

/**
 * Every place CORSMiddleware is attached, at any depth (app factories included):
 * `app.add_middleware(CORSMiddleware, …)`, `Middleware(CORSMiddleware, …)` in a `middleware=[…]` list,
 * or `CORSMiddleware(app, …)` wrapping an ASGI app.
 */
export interface CorsSite {
  form: 'add_middleware' | 'middleware' | 'wrap';
  /** The expression naming the middleware class, qualified later to check it really is Starlette's. */
  middleware: Expr;
  /** The app the middleware is added to or wraps, when written. */
  app?: Expr;
  /** The variable the app (or the wrapper) is assigned to: `app = FastAPI(middleware=[…])`. */
  appTarget?: string;
  kwargs: Record<string, Expr>;
  /** Simple assignments of the enclosing function, for app factories. */
  locals: Record<string, Expr>;
  fn?: string;
  loc: Loc;
  snippet: string;
}

export type SinkTaint =
  | 'request-origin' // the request's Origin header, unchecked
  | 'weak-check' // checked only by substring/suffix/prefix
  | 'checked' // an allowlist check guards it
  | 'other';

/** Where code sets Access-Control-Allow-Origin itself. */
export interface HeaderSink {
  header: 'access-control-allow-origin';
  value: Expr;
  taint: SinkTaint;
  /** How the Origin was read, e.g. `event["headers"]["origin"]`. */
  sourceText?: string;
  weakCheckText?: string;
  /** The Origin passed an exact allowlist that holds "null" (named): sandboxed iframes on any site pass it. */
  allowsNull?: string;
  /** Access-Control-Allow-Credentials value set next to it, when in the same dict. */
  credentials?: Expr;
  fn?: string;
  /** The function has the Lambda handler shape `(event, context)` or returns a `statusCode` dict. */
  lambda: boolean;
  loc: Loc;
  snippet: string;
}

/**
 * Symbolic taint: where a value comes from, in terms the main thread can resolve once every module is known.
 * `param` is a parameter of the function with the access path taken on it (`event["pathParameters"]["id"]`
 * → param 0, path [pathParameters, id]); `call` is the result of a call to resolve against the callee's
 * summary; `dyn` is the result of the n-th DynamoDB call of the function; `unverified` is a JWT payload
 * read without verifying its signature.
 */
export type Atom =
  | { k: 'param'; i: number; path: string[] }
  | { k: 'call'; id: number; fn: string; args: Taint[]; kwargs: Record<string, Taint> }
  | { k: 'dyn'; call: number; path?: string[] }
  | { k: 'unverified'; line: number }
  /** An exception object (or its traceback text) caught at `line`: `except ClientError as e`, `traceback.format_exc()`. */
  | { k: 'exc'; line: number; types: string[]; path: string[] }
  /** The claims of a verified token: `jwt.decode(token, key, algorithms=[…])`. */
  | { k: 'claims'; line: number; path: string[] }
  /** What a hash or encryption call returned: strong (bcrypt, argon2, scrypt, PBKDF2, KMS) or a fast digest. */
  | { k: 'hashed'; strong: boolean; algo: string; line: number }
  /** A secret fetched at run time: Secrets Manager `get_secret_value`, SSM `get_parameter`. */
  | { k: 'secret'; line: number };
export type Taint = Atom[];

export interface KeyPart {
  attr: string;
  taint: Taint;
  /** The value is a literal constant. */
  literal?: boolean;
}

export interface DynamoCall {
  op: string;
  receiver: Expr;
  receiverTaint: Taint;
  /** Key attributes with what flows into them (Key=, KeyConditionExpression, ExpressionAttributeValues). */
  keys: KeyPart[];
  /** TableName= (client API). */
  tableName?: { expr: Expr; taint: Taint };
  /** Expression text (KeyCondition/Filter/Update/Projection) built from tainted values. */
  expressionTaint: Taint;
  /** What FilterExpression / ConditionExpression compare with (Attr("owner").eq(sub)). */
  conditionTaint: Taint;
  projection: boolean;
  selectCount: boolean;
  paginator: boolean;
  /** put_item / update_item: the attributes written and what flows into each (`*` for a whole item built elsewhere). */
  writes?: KeyPart[];
  loc: Loc;
  snippet: string;
}

/** A place a value leaves the function towards the client: a return, or a raised HTTPException (kept when it carries an exception, a DynamoDB result or a helper's result). */
export interface ResponseSite {
  line: number;
  kind: 'return' | 'raise';
  /** The returned expression builds a response itself: a `statusCode` dict, `…Response(…)`, `HTTPException(…)`. */
  builds: boolean;
  taint: Taint;
  snippet: string;
}

/** A log or print call, with what flows into its arguments. */
export interface LogSite {
  line: number;
  call: string;
  taint: Taint;
  snippet: string;
  /** A keyword argument whose name says it is a credential: `log.info("x", token=value)`. */
  named?: string;
}

/** A write to a file or an S3 object: where to, and what flows into it. */
export interface WriteSite {
  line: number;
  kind: 'file' | 's3';
  /** The file path or the S3 key, as written. */
  target?: Expr;
  /** S3 canned ACL when given (`public-read`). */
  acl?: string;
  /** upload_file: the local file uploaded. */
  source?: Expr;
  taint: Taint;
  snippet: string;
}

/** An `if`/`assert` comparison: left and right taints, and whether the guarded branch leaves (raise/return). */
export interface Check {
  line: number;
  endLine: number;
  left: Taint;
  right: Taint;
  exits: boolean;
}

export interface ParamInfo {
  name: string;
  annotation?: string;
  /** The annotation as IR when it can carry a dependency: `Annotated[dict, Depends(x)]` or an alias name. */
  annotationExpr?: Expr;
  default?: Expr;
}

export interface FunctionSummary {
  name: string;
  line: number;
  /** The last line of the function's body. */
  endLine: number;
  params: ParamInfo[];
  decorators: Expr[];
  lambda: boolean;
  returns: Taint;
  /** Values read into variables that look like the caller's identity, used or not. */
  reads: Taint;
  /** The body raises somewhere (a dependency that can reject a request). */
  raises: boolean;
  dynamo: DynamoCall[];
  checks: Check[];
  /** `X.Table(name)` inside the function, with what flows into the name. */
  tableCtors: { loc: Loc; snippet: string; taint: Taint }[];
  /** JWT payloads read without verification, and where they went. */
  unverified: { loc: Loc; snippet: string; how: string; usedIn: ('key' | 'check' | 'return')[] }[];
  /** Dotted names of functions called, for auth classification: jwt.decode, verifiers, request.cookies. */
  callees: string[];
  /** Calls to named functions with what flows into their arguments (for DynamoDB access in helpers). */
  calls: { fn: string; args: Taint[]; kwargs: Record<string, Taint>; line: number }[];
  /** Returns and raised HTTPExceptions that carry exception text (only those). */
  responses: ResponseSite[];
  logs: LogSite[];
  writes: WriteSite[];
  /** `-> Model` as written. */
  returnType?: string;
  /** An `@app.exception_handler(…)` function: what it returns goes to the client. */
  exceptionHandler: boolean;
  /** A route decorator gives `response_model=` (FastAPI filters the returned fields through it). */
  responseModel: boolean;
}

export interface Suppression {
  rules: string[];
  reason: string;
  line: number;
}

/** What the rules need to know about one Python file. */
export interface ModuleModel {
  file: string; // relative to the scan root, forward slashes
  module: string; // dotted name
  imports: Record<string, ImportBinding>;
  assigns: Record<string, Expr & { line?: number }>;
  classes: Record<string, ClassModel>;
  corsSites: CorsSite[];
  sinks: HeaderSink[];
  /** Module-level functions and methods, with their data-flow summaries. */
  functions: FunctionSummary[];
  /** Module-level `include_router`, `mount`, `add_api_route` calls. */
  wiring: { fn: Expr; args: Expr[]; kwargs: Record<string, Expr>; loc: Loc }[];
  /** Ambient-credential signals: cookies read or set, bearer headers read. */
  authSignals: {
    cookie: string[];
    bearer: string[];
    /** `response.set_cookie(key, …, samesite=…)` calls: the cookie's name and SameSite when written as literals. */
    cookieSet: { name?: string; sameSite?: string; line: number }[];
  };
  suppressions: Suppression[];
  /** Lines with a parse error, if any. */
  syntaxErrors: number[];
  bytes: number;
  /** String literals that may be credentials, with the name they are bound to (hardcoded-credentials). */
  secretSites: import('./secret-sites.ts').SecretSite[];
  /** Debug switches of apps, and returns of the environment or a settings object (debug-mode-enabled). */
  debugSites: import('./debug-sites.ts').DebugSites;
}
