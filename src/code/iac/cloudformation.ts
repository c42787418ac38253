/**
 * CloudFormation and SAM templates (YAML with the short-form intrinsic tags, or JSON) → the normalised
 * IaC model. Read with the `yaml` package, positions from its LineCounter; aliases are resolved on a
 * budget so an alias bomb ends as a problem, not a hang.
 *
 * Semantics follow what SAM and API Gateway deploy (platform facts §4): SAM `Cors` values are API
 * Gateway string expressions (`"'*'"`) written into a MOCK OPTIONS method of a REST API, while the
 * Lambda decides the actual response; an HTTP API's `CorsConfiguration` answers preflights itself and
 * overrides the backend's headers. `!Ref` of a parameter takes its Default; other references stay
 * unresolved, and are used only to link resources.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import {
  emptyDocument,

  unquoteGateway,
  type Authorizer,
  type CorsConfig,
  type GatewayResponse,
  type IacApi,
  type IacDocument,
  type IacFunction,
  type IacString,
  type IamStatement,
  type IacRoute,
  type Place,
  type ReadResult,
} from './model.ts';
import { joinDir, MAX_IAC_BYTES, placeAt, type ReaderInput } from './reader.ts';
import { managedPolicyName, MANAGED_POLICIES } from './aws-policies.ts';

/** CloudFormation's short-form intrinsic functions (Fn::X written as !X). */
const CFN_TAGS = [
  'Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'FindInMap', 'If', 'Equals', 'And', 'Or', 'Not', 'Condition',
  'ImportValue', 'Base64', 'Cidr', 'GetAZs', 'Transform', 'ToJsonString', 'Length',
];
export const CFN_CUSTOM_TAGS = CFN_TAGS.flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (v: string) => v },
    { tag, collection: 'seq' as const, resolve: (v: unknown) => v },
    { tag, collection: 'map' as const, resolve: (v: unknown) => v },
  ];
});

/** More alias dereferences than this in one template is an alias bomb, not a template. */
const ALIAS_BUDGET = 10_000;

/** A CloudFormation or SAM template, by its content: the format version, the SAM transform, or AWS:: resource types. */
export function isCloudFormation(text: string): boolean {
  if (/^\s*\{/.test(text)) return /"AWSTemplateFormatVersion"|"Resources"\s*:/.test(text) && /"AWS::/.test(text);
  return /^AWSTemplateFormatVersion\s*:|^Transform\s*:.*AWS::Serverless|^Resources\s*:/m.test(text) && /AWS::/.test(text);
}

class AliasBomb extends Error {}

/** READ_ACTIONS of SAM's DynamoDBReadPolicy; CRUD adds the writes (samtranslator policy_templates.json). */
const SAM_READ = ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'];
const SAM_WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem'];
const SAM_POLICY_ACTIONS: Record<string, string[]> = {
  DynamoDBReadPolicy: SAM_READ,
  DynamoDBCrudPolicy: [...SAM_READ, ...SAM_WRITE, 'dynamodb:ConditionCheckItem'],
  DynamoDBWritePolicy: [...SAM_WRITE, 'dynamodb:DescribeTable', 'dynamodb:ConditionCheckItem'],
};

export function readCloudFormation(input: ReaderInput): ReadResult {
  if (input.text.length > MAX_IAC_BYTES) return { problems: [`skipped: over the ${MAX_IAC_BYTES / 1048576} MB limit for a template`] };
  const counter = new LineCounter();
  const doc = parseDocument(input.text, { customTags: CFN_CUSTOM_TAGS, lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = counter.linePos(e.pos[0]);
    // the message only, never the source around it (it may hold a secret)
    return { problems: [`not valid ${/^\s*\{/.test(input.text) ? 'JSON' : 'YAML'} at line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}; the template was not read`] };
  }
  const sam = /AWS::Serverless/.test(input.text);
  const reader = new TemplateReader(input, doc, counter, sam ? 'sam' : 'cloudformation');
  try {
    reader.read();
  } catch (e) {
    if (e instanceof AliasBomb) return { problems: [`more than ${ALIAS_BUDGET} YAML alias references: not read (an alias bomb or a generated file)`] };
    throw e;
  }
  return { document: reader.out, problems: reader.problems };
}

interface Resource {
  id: string;
  type: string;
  props: YamlNode | undefined;
  node: YamlNode;
}

class TemplateReader {
  readonly out: IacDocument;
  readonly problems: string[] = [];
  private aliases = 0;
  private readonly resources = new Map<string, Resource>();
  private readonly parameters = new Map<string, YamlNode | undefined>();
  private globals: YamlNode | undefined;

  constructor(
    private readonly input: ReaderInput,
    private readonly doc: Document,
    private readonly counter: LineCounter,
    format: 'sam' | 'cloudformation',
  ) {
    this.out = emptyDocument(input.file, format);
  }

  // ---- YAML access -------------------------------------------------------------------------

  private deref(node: unknown): YamlNode | undefined {
    let n = node as YamlNode | undefined;
    let hops = 0;
    while (n && isAlias(n)) {
      if (++this.aliases > ALIAS_BUDGET || ++hops > 50) throw new AliasBomb();
      n = n.resolve(this.doc) as YamlNode | undefined;
    }
    return n ?? undefined;
  }

  private get(node: YamlNode | undefined, key: string): YamlNode | undefined {
    const n = this.deref(node);
    if (!isMap(n)) return undefined;
    for (const p of (n as YAMLMap).items as Pair<YamlNode, YamlNode>[]) {
      const k = this.deref(p.key);
      if (isScalar(k) && String(k.value) === key) return this.deref(p.value) ?? undefined;
    }
    return undefined;
  }

  private entries(node: YamlNode | undefined): [string, YamlNode | undefined, YamlNode][] {
    const n = this.deref(node);
    if (!isMap(n)) return [];
    return ((n as YAMLMap).items as Pair<YamlNode, YamlNode>[]).flatMap((p) => {
      const k = this.deref(p.key);
      return isScalar(k) ? [[String(k.value), this.deref(p.value), k] as [string, YamlNode | undefined, YamlNode]] : [];
    });
  }

  private items(node: YamlNode | undefined): YamlNode[] {
    const n = this.deref(node);
    if (isSeq(n)) return n.items.map((i) => this.deref(i)).filter((i): i is YamlNode => !!i);
    return n ? [n] : [];
  }

  private line(node: YamlNode | undefined): number {
    const start = node?.range?.[0];
    return start === undefined ? 1 : this.counter.linePos(start).line;
  }

  private place(node: YamlNode | undefined, path: string): Place {
    return placeAt(this.input, this.line(node), path);
  }

  /** The intrinsic a node is, when it is one: `!Ref X`, `{Ref: X}`, `!GetAtt X.Arn`, `{"Fn::Sub": …}`. */
  private intrinsic(node: YamlNode | undefined): { fn: string; arg: YamlNode | undefined } | undefined {
    const n = this.deref(node);
    if (!n) return undefined;
    const tag = (n as { tag?: string }).tag;
    if (tag?.startsWith('!')) return { fn: tag.slice(1), arg: n };
    const e = this.entries(n);
    if (e.length === 1 && (e[0][0] === 'Ref' || e[0][0].startsWith('Fn::'))) return { fn: e[0][0].replace(/^Fn::/, ''), arg: e[0][1] };
    return undefined;
  }

  /** A string value: literals as written, `!Ref Param` as the parameter's Default, `!Sub` when every part is known. */
  private str(node: YamlNode | undefined, depth = 0): IacString | undefined {
    const n = this.deref(node);
    if (!n) return undefined;
    const fn = this.intrinsic(n);
    if (!fn) {
      if (isScalar(n)) return n.value === null || n.value === undefined ? undefined : String(n.value);
      return { unresolved: this.text(n) };
    }
    if (depth > 8) return { unresolved: this.text(n) };
    if (fn.fn === 'Ref') {
      const name = this.scalarText(fn.arg);
      if (name && this.parameters.has(name)) {
        const def = this.get(this.parameters.get(name), 'Default');
        const v = this.str(def, depth + 1);
        if (v !== undefined) return v;
      }
      return { unresolved: this.text(n) };
    }
    if (fn.fn === 'Sub') {
      const template = this.scalarText(isSeq(this.deref(fn.arg)) ? this.items(fn.arg)[0] : fn.arg);
      if (template === undefined) return { unresolved: this.text(n) };
      let unknown = false;
      const value = template.replace(/\$\{([^}!]+)\}/g, (_m, ref: string) => {
        if (this.parameters.has(ref)) {
          const v = this.str(this.get(this.parameters.get(ref), 'Default'), depth + 1);
          if (typeof v === 'string') return v;
        }
        unknown = true;
        return `\${${ref}}`;
      });
      // the Sub's argument as written, alike for `!Sub x` and `{"Fn::Sub": x}` (a JSON template's braces are not part of the value)
      return unknown ? { unresolved: this.text(fn.arg ?? n) } : value;
    }
    return { unresolved: this.text(n) };
  }

  private scalarText(node: YamlNode | undefined): string | undefined {
    const n = this.deref(node);
    return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
  }

  private text(node: YamlNode | undefined): string {
    const r = node?.range;
    return r ? this.input.text.slice(r[0], r[1]).trim().replace(/\s+/g, ' ').slice(0, 120) : '?';
  }

  private strings(node: YamlNode | undefined): IacString[] {
    const n = this.deref(node);
    if (!n) return [];
    if (isSeq(n) && !this.intrinsic(n)) return this.items(n).map((i) => this.str(i) ?? { unresolved: this.text(i) });
    const v = this.str(n);
    if (v === undefined) return [];
    // SAM and CloudFormation also take comma-separated strings for method and header lists
    return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : [v];
  }

  /** The place of each item of a list (or of the scalar itself). */
  private itemPlaces(node: YamlNode | undefined, path: string): Place[] {
    const n = this.deref(node);
    if (isSeq(n) && !this.intrinsic(n)) return this.items(n).map((i, k) => this.place(i, `${path}[${k}]`));
    return n ? [this.place(n, path)] : [];
  }

  private bool(node: YamlNode | undefined): boolean | undefined {
    const v = this.str(node);
    if (typeof v !== 'string') return undefined;
    const t = unquoteGateway(v).toLowerCase();
    return t === 'true' ? true : t === 'false' ? false : undefined;
  }

  /** The logical ids a value refers to (`!Ref X`, `!GetAtt X.Arn`, `${X.Arn}` inside `!Sub`, `Fn::Join` parts). */
  private refs(node: YamlNode | undefined, depth = 0): string[] {
    const n = this.deref(node);
    if (!n || depth > 6) return [];
    const fn = this.intrinsic(n);
    if (fn?.fn === 'Ref') return [this.scalarText(fn.arg) ?? ''].filter(Boolean);
    if (fn?.fn === 'GetAtt') {
      const arg = this.deref(fn.arg);
      const first = isSeq(arg) ? this.scalarText(this.items(arg)[0]) : this.scalarText(arg)?.split('.')[0];
      return first ? [first] : [];
    }
    if (fn?.fn === 'Sub') {
      const template = this.scalarText(isSeq(this.deref(fn.arg)) ? this.items(fn.arg)[0] : fn.arg) ?? '';
      return [...template.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z.]+)?\}/g)].map((m) => m[1]);
    }
    if (isSeq(n)) return this.items(n).flatMap((i) => this.refs(i, depth + 1));
    if (isMap(n)) return this.entries(n).flatMap(([, v]) => this.refs(v, depth + 1));
    return [];
  }

  private ref(node: YamlNode | undefined): string | undefined {
    return this.refs(node).find((r) => this.resources.has(r));
  }

  private id(name: string): string {
    return `${this.input.file}#${name}`;
  }

  // ---- the template --------------------------------------------------------------------------

  read(): void {
    const root = this.doc.contents as YamlNode | null;
    for (const [name, node] of this.entries(this.get(root ?? undefined, 'Parameters'))) this.parameters.set(name, node);
    this.globals = this.get(root ?? undefined, 'Globals');
    for (const [id, node, key] of this.entries(this.get(root ?? undefined, 'Resources'))) {
      const type = this.scalarText(this.get(node, 'Type'));
      if (type) this.resources.set(id, { id, type, props: this.get(node, 'Properties'), node: key });
    }
    for (const r of this.resources.values()) {
      if (r.type === 'AWS::Serverless::Api' || r.type === 'AWS::ApiGateway::RestApi') this.restApi(r);
      else if (r.type === 'AWS::Serverless::HttpApi' || r.type === 'AWS::ApiGatewayV2::Api') this.httpApi(r);
    }
    for (const r of this.resources.values()) {
      if (r.type === 'AWS::Serverless::Function' || r.type === 'AWS::Lambda::Function') this.fn(r);
      else if (r.type === 'AWS::DynamoDB::Table' || r.type === 'AWS::DynamoDB::GlobalTable' || r.type === 'AWS::Serverless::SimpleTable') this.table(r);
    }
    for (const r of this.resources.values()) {
      if (r.type === 'AWS::ApiGatewayV2::Route') this.v2Route(r);
      else if (r.type === 'AWS::ApiGateway::Method') this.v1Method(r);
      else if (r.type === 'AWS::ApiGateway::GatewayResponse') this.gatewayResponse(r);
      else if (r.type === 'AWS::Lambda::Url') this.functionUrl(r);
      else if (r.type === 'AWS::IAM::Policy' || r.type === 'AWS::IAM::ManagedPolicy') this.standalonePolicy(r);
    }
    this.samEvents();
    // REST routes a MOCK OPTIONS method covers get its CORS
    for (const route of this.out.routes) {
      if (route.cors) continue;
      const api = this.out.apis.find((a) => a.id === route.api);
      if (api?.kind === 'rest' && this.mockCors.has(`${route.api} ${route.path}`)) route.cors = this.mockCors.get(`${route.api} ${route.path}`);
    }
  }

  /** REST API CORS from a MOCK OPTIONS method, per API and path. */
  private readonly mockCors = new Map<string, CorsConfig>();

  private restApi(r: Resource): void {
    const sam = r.type === 'AWS::Serverless::Api';
    const api: IacApi = { id: this.id(r.id), name: r.id, kind: 'rest', format: this.out.format, gatewayResponses: [], at: this.place(r.node, `Resources.${r.id}`) };
    if (sam) this.samRestSettings(api, r.props, `Resources.${r.id}.Properties`);
    this.out.apis.push(api);
  }

  /** Cors, Auth and GatewayResponses of an AWS::Serverless::Api (or Globals.Api for the implicit one). */
  private samRestSettings(api: IacApi, props: YamlNode | undefined, path: string): void {
    const globals = this.get(this.globals, 'Api');
    const cors = this.get(props, 'Cors') ?? this.get(globals, 'Cors');
    if (cors) api.cors = this.samCors(cors, this.get(props, 'Cors') ? `${path}.Cors` : 'Globals.Api.Cors');
    const auth = this.get(props, 'Auth') ?? this.get(globals, 'Auth');
    if (auth) {
      const authorizers = this.samAuthorizers(this.get(auth, 'Authorizers'), 'rest');
      const def = this.scalarText(this.get(auth, 'DefaultAuthorizer'));
      if (def) api.defaultAuthorizer = def === 'AWS_IAM' ? { kind: 'iam', name: def } : authorizers.get(def) ?? { kind: 'unknown', name: def };
      const onPreflight = this.bool(this.get(auth, 'AddDefaultAuthorizerToCorsPreflight'));
      if (def) api.authorizerOnPreflight = onPreflight ?? true;
      if (this.bool(this.get(auth, 'ApiKeyRequired')) && !api.defaultAuthorizer) api.defaultAuthorizer = { kind: 'api-key' };
      this.restAuthorizers.set(api.id, authorizers);
    }
    for (const [type, node, key] of this.entries(this.get(props, 'GatewayResponses') ?? this.get(globals, 'GatewayResponses'))) {
      const headers: Record<string, IacString> = {};
      for (const [h, v] of this.entries(this.get(this.get(node, 'ResponseParameters'), 'Headers'))) {
        const s = this.str(v);
        if (s !== undefined) headers[h] = typeof s === 'string' ? unquoteGateway(s) : s;
      }
      api.gatewayResponses.push({ type, headers, at: this.place(key, `${path}.GatewayResponses.${type}`) });
    }
  }

  private readonly restAuthorizers = new Map<string, Map<string, Authorizer>>();
  private readonly httpAuthorizers = new Map<string, Map<string, Authorizer>>();

  private samAuthorizers(node: YamlNode | undefined, kind: 'rest' | 'http'): Map<string, Authorizer> {
    const out = new Map<string, Authorizer>();
    for (const [name, a, key] of this.entries(node)) {
      const at = this.place(key, `Authorizers.${name}`);
      const identity = this.get(a, 'Identity');
      // TOKEN authorizers name one Header; REQUEST authorizers (REST and HTTP API) list Headers
      const headers = [...this.strings(this.get(identity, 'Header')), ...this.strings(this.get(identity, 'Headers'))];
      const sources = [...headers.map((h) => `header ${typeof h === 'string' ? h : h.unresolved}`), ...this.strings(this.get(a, 'IdentitySource')).map((s) => (typeof s === 'string' ? s : s.unresolved))];
      const src = sources.length ? { identitySource: sources } : {};
      if (this.get(a, 'UserPoolArn')) out.set(name, { kind: 'cognito', name, ...src, at });
      else if (this.get(a, 'FunctionArn')) out.set(name, { kind: 'lambda', name, ...src, at });
      else if (this.get(a, 'JwtConfiguration')) {
        const issuer = this.str(this.get(this.get(a, 'JwtConfiguration'), 'issuer') ?? this.get(this.get(a, 'JwtConfiguration'), 'Issuer'));
        const cognito = typeof issuer === 'string' ? /cognito-idp\./.test(issuer) : /cognito|UserPool/i.test(issuer?.unresolved ?? '');
        out.set(name, { kind: cognito ? 'cognito' : 'jwt', name, ...src, at });
      } else out.set(name, { kind: kind === 'http' ? 'jwt' : 'unknown', name, ...src, at });
    }
    return out;
  }

  /** SAM REST `Cors`: a string (the origin) or a map of API Gateway string expressions. */
  private samCors(node: YamlNode, path: string): CorsConfig {
    const simple = !isMap(this.deref(node)) || this.intrinsic(node);
    const originNode = simple ? node : this.get(node, 'AllowOrigin');
    const origins = originNode ? this.strings(originNode).map((o) => (typeof o === 'string' ? unquoteGateway(o) : o)) : ['*'];
    const cred = simple ? false : this.bool(this.get(node, 'AllowCredentials')) ?? false;
    const list = (key: string): string[] | undefined => {
      if (simple) return undefined;
      const v = this.str(this.get(node, key));
      return typeof v === 'string' ? unquoteGateway(v).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    };
    const maxAge = simple ? undefined : Number(unquoteGateway(String(this.str(this.get(node, 'MaxAge')) ?? '')));
    return {
      origins,
      credentials: cred,
      methods: list('AllowMethods'),
      headers: list('AllowHeaders'),
      ...(maxAge ? { maxAge } : {}),
      preflight: 'mock',
      actual: 'function',
      matching: 'static',
      at: this.place(originNode ?? node, path),
    };
  }

  private httpApi(r: Resource): void {
    const sam = r.type === 'AWS::Serverless::HttpApi';
    if (!sam && this.scalarText(this.get(r.props, 'ProtocolType'))?.toUpperCase() === 'WEBSOCKET') return;
    const api: IacApi = { id: this.id(r.id), name: r.id, kind: 'http', format: this.out.format, gatewayResponses: [], at: this.place(r.node, `Resources.${r.id}`) };
    const path = `Resources.${r.id}.Properties`;
    if (sam) this.samHttpSettings(api, r.props, path);
    else {
      const cors = this.get(r.props, 'CorsConfiguration');
      if (cors) api.cors = this.httpCors(cors, `${path}.CorsConfiguration`);
    }
    this.out.apis.push(api);
  }

  private samHttpSettings(api: IacApi, props: YamlNode | undefined, path: string): void {
    const globals = this.get(this.globals, 'HttpApi');
    const cors = this.get(props, 'CorsConfiguration') ?? this.get(globals, 'CorsConfiguration');
    if (cors) api.cors = this.httpCors(cors, this.get(props, 'CorsConfiguration') ? `${path}.CorsConfiguration` : 'Globals.HttpApi.CorsConfiguration');
    const auth = this.get(props, 'Auth') ?? this.get(globals, 'Auth');
    if (auth) {
      const authorizers = this.samAuthorizers(this.get(auth, 'Authorizers'), 'http');
      const def = this.scalarText(this.get(auth, 'DefaultAuthorizer'));
      if (def) api.defaultAuthorizer = def === 'AWS_IAM' ? { kind: 'iam', name: def } : authorizers.get(def) ?? { kind: 'unknown', name: def };
      this.httpAuthorizers.set(api.id, authorizers);
    }
  }

  /** An HTTP API CorsConfiguration (SAM `true` means every origin); the gateway answers preflights and sets the headers. */
  private httpCors(node: YamlNode, path: string): CorsConfig {
    const all = this.bool(node) === true;
    const origins = all ? ['*'] : this.strings(this.get(node, 'AllowOrigins'));
    const names = (key: string): string[] | undefined => {
      const v = this.get(node, key);
      return v ? this.strings(v).filter((s): s is string => typeof s === 'string') : undefined;
    };
    const maxAge = Number(this.scalarText(this.get(node, 'MaxAge')) ?? '');
    const credNode = this.get(node, 'AllowCredentials');
    const cred = credNode ? this.bool(credNode) ?? { unresolved: this.text(credNode) } : false;
    return {
      origins,
      credentials: cred,
      methods: names('AllowMethods'),
      headers: names('AllowHeaders'),
      exposeHeaders: names('ExposeHeaders'),
      ...(maxAge ? { maxAge } : {}),
      preflight: 'gateway',
      actual: 'gateway',
      matching: 'exact',
      ...(all ? {} : { originPlaces: this.itemPlaces(this.get(node, 'AllowOrigins'), `${path}.AllowOrigins`) }),
      at: this.place(all ? node : this.get(node, 'AllowOrigins') ?? node, path),
    };
  }

  private fn(r: Resource): void {
    const sam = r.type === 'AWS::Serverless::Function';
    const gfn = sam ? this.get(this.globals, 'Function') : undefined;
    const prop = (k: string): YamlNode | undefined => this.get(r.props, k) ?? this.get(gfn, k);
    const path = `Resources.${r.id}.Properties`;
    const handler = this.str(prop('Handler'));
    const runtime = this.str(prop('Runtime'));
    const codeUri = this.str(prop('CodeUri'));
    const f: IacFunction = {
      id: this.id(r.id),
      name: r.id,
      format: this.out.format,
      ...(typeof runtime === 'string' ? { runtime } : {}),
      ...(typeof handler === 'string' ? { handler } : {}),
      // CodeUri is a folder beside the template, or an S3 object / a map (then the code is not in the repository)
      ...(sam ? (typeof codeUri === 'string' ? (/^s3:\/\//i.test(codeUri) ? {} : { codeDir: joinDir(this.input.dir, codeUri) }) : codeUri === undefined ? { codeDir: this.input.dir } : {}) : {}),
      environment: [],
      statements: [],
      at: this.place(r.node, `Resources.${r.id}`),
    };
    for (const [where, block] of [
      ['Globals.Function.Environment.Variables', this.get(this.get(gfn, 'Environment'), 'Variables')],
      [`${path}.Environment.Variables`, this.get(this.get(r.props, 'Environment'), 'Variables')],
    ] as const) {
      for (const [name, v, key] of this.entries(block)) {
        const value = this.str(v);
        const entry = { name, ...(typeof value === 'string' && isScalar(v) && !(v as { tag?: string }).tag ? { value } : {}), at: this.place(key, `${where}.${name}`) };
        const i = f.environment.findIndex((e) => e.name === name);
        if (i >= 0) f.environment[i] = entry;
        else f.environment.push(entry);
      }
    }
    if (sam) this.samPolicies(f, this.get(r.props, 'Policies'), `${path}.Policies`);
    const role = this.ref(this.get(r.props, 'Role'));
    if (role) this.roleStatements(f, role);
    const url = this.get(r.props, 'FunctionUrlConfig');
    if (url) {
      const auth = this.scalarText(this.get(url, 'AuthType'));
      const cors = this.get(url, 'Cors');
      f.url = {
        authType: auth === 'NONE' || auth === 'AWS_IAM' ? auth : 'unknown',
        ...(cors ? { cors: this.urlCors(cors, `${path}.FunctionUrlConfig.Cors`) } : {}),
        at: this.place(this.get(url, 'AuthType') ?? url, `${path}.FunctionUrlConfig`),
      };
    }
    this.out.functions.push(f);
  }

  private urlCors(node: YamlNode, path: string): CorsConfig {
    const origins = this.strings(this.get(node, 'AllowOrigins'));
    const credNode = this.get(node, 'AllowCredentials');
    return {
      origins,
      credentials: credNode ? this.bool(credNode) ?? { unresolved: this.text(credNode) } : false,
      methods: this.strings(this.get(node, 'AllowMethods')).filter((s): s is string => typeof s === 'string'),
      headers: this.strings(this.get(node, 'AllowHeaders')).filter((s): s is string => typeof s === 'string'),
      preflight: 'gateway',
      actual: 'gateway',
      matching: 'exact',
      originPlaces: this.itemPlaces(this.get(node, 'AllowOrigins'), `${path}.AllowOrigins`),
      at: this.place(this.get(node, 'AllowOrigins') ?? node, path),
    };
  }

  /** SAM `Policies`: managed policy names, policy templates (`DynamoDBCrudPolicy: {TableName: …}`), inline documents. */
  private samPolicies(f: IacFunction, node: YamlNode | undefined, path: string): void {
    this.items(node).forEach((p, i) => {
      const at = this.place(p, `${path}[${i}]`);
      const name = this.scalarText(p);
      if (name !== undefined) {
        const managed = managedPolicyName(name);
        if (managed) f.statements.push({ effect: 'Allow', actions: [...MANAGED_POLICIES[managed]], resources: ['*'], conditions: {}, template: managed, at });
        return;
      }
      for (const [template, args] of this.entries(p)) {
        const actions = SAM_POLICY_ACTIONS[template];
        if (actions) {
          const table = this.str(this.get(args, 'TableName'));
          const ref = this.ref(this.get(args, 'TableName'));
          f.statements.push({ effect: 'Allow', actions, resources: [ref ? this.id(ref) : table ?? '*'], conditions: {}, template, ...(table !== undefined || ref ? { table: ref ? this.id(ref) : table } : {}), at });
        } else if (template === 'Statement') {
          this.statements(f, p, `${path}[${i}]`);
        }
      }
    });
  }

  /** The `Statement` list of a policy document. */
  private statements(f: IacFunction, doc: YamlNode | undefined, path: string): void {
    this.items(this.get(doc, 'Statement')).forEach((s, i) => {
      const effect = this.scalarText(this.get(s, 'Effect')) === 'Deny' ? 'Deny' : 'Allow';
      const conditions: IamStatement['conditions'] = {};
      for (const [op, keys] of this.entries(this.get(s, 'Condition'))) {
        conditions[op] = {};
        for (const [k, v] of this.entries(keys)) conditions[op][k] = this.strings(v);
      }
      const actionNode = this.get(s, 'Action') ?? this.get(s, 'NotAction');
      f.statements.push({
        effect,
        actions: this.strings(actionNode),
        resources: this.items(this.get(s, 'Resource')).map((r) => {
          const ref = this.ref(r);
          return ref && this.resources.get(ref)?.type.startsWith('AWS::DynamoDB') ? this.id(ref) : this.str(r) ?? { unresolved: this.text(r) };
        }),
        conditions,
        at: this.place(actionNode ?? s, `${path}.Statement[${i}]`),
      });
    });
  }

  /** Statements of an AWS::IAM::Role (inline policies and managed policy ARNs), and of policies attached to it. */
  private roleStatements(f: IacFunction, roleId: string): void {
    const role = this.resources.get(roleId);
    if (!role || role.type !== 'AWS::IAM::Role') return;
    const path = `Resources.${roleId}.Properties`;
    this.items(this.get(role.props, 'Policies')).forEach((p, i) => this.statements(f, this.get(p, 'PolicyDocument'), `${path}.Policies[${i}].PolicyDocument`));
    this.items(this.get(role.props, 'ManagedPolicyArns')).forEach((arn, i) => {
      const name = managedPolicyName(this.scalarText(arn) ?? '');
      if (name) f.statements.push({ effect: 'Allow', actions: [...MANAGED_POLICIES[name]], resources: ['*'], conditions: {}, template: name, at: this.place(arn, `${path}.ManagedPolicyArns[${i}]`) });
    });
    this.roleOf.set(roleId, [...(this.roleOf.get(roleId) ?? []), f]);
  }

  private readonly roleOf = new Map<string, IacFunction[]>();

  private standalonePolicy(r: Resource): void {
    for (const role of this.items(this.get(r.props, 'Roles')).map((x) => this.ref(x)).filter((x): x is string => !!x)) {
      for (const f of this.roleOf.get(role) ?? []) this.statements(f, this.get(r.props, 'PolicyDocument'), `Resources.${r.id}.Properties.PolicyDocument`);
    }
  }

  private table(r: Resource): void {
    const simple = r.type === 'AWS::Serverless::SimpleTable';
    const keys = this.items(this.get(r.props, 'KeySchema'));
    const key = (t: string): string | undefined => this.scalarText(this.get(keys.find((k) => this.scalarText(this.get(k, 'KeyType')) === t), 'AttributeName'));
    const sse = this.get(r.props, 'SSESpecification');
    const pitr = this.get(this.get(r.props, 'PointInTimeRecoverySpecification'), 'PointInTimeRecoveryEnabled');
    const pk = simple ? this.scalarText(this.get(this.get(r.props, 'PrimaryKey'), 'Name')) ?? 'id' : key('HASH');
    const sk = simple ? undefined : key('RANGE');
    this.out.tables.push({
      id: this.id(r.id),
      name: this.str(this.get(r.props, 'TableName')) ?? r.id,
      ...(pk ? { partitionKey: pk } : {}),
      ...(sk ? { sortKey: sk } : {}),
      ...(sse ? { sse: this.bool(this.get(sse, 'SSEEnabled')) ?? false } : {}),
      ...(pitr ? { pitr: this.bool(pitr) ?? false } : {}),
      at: this.place(r.node, `Resources.${r.id}`),
    });
  }

  // ---- routes ----------------------------------------------------------------------------------

  /** SAM function events: `Type: Api` (REST) and `Type: HttpApi`, on a named API or the implicit one. */
  private samEvents(): void {
    for (const r of this.resources.values()) {
      if (r.type !== 'AWS::Serverless::Function') continue;
      const f = this.out.functions.find((x) => x.id === this.id(r.id));
      for (const [name, ev, key] of this.entries(this.get(r.props, 'Events'))) {
        const type = this.scalarText(this.get(ev, 'Type'));
        const props = this.get(ev, 'Properties');
        if (type !== 'Api' && type !== 'HttpApi') continue;
        const path = `Resources.${r.id}.Properties.Events.${name}`;
        const apiRef = this.ref(this.get(props, type === 'Api' ? 'RestApiId' : 'ApiId'));
        const api = apiRef ? this.out.apis.find((a) => a.id === this.id(apiRef)) : this.implicitApi(type === 'Api' ? 'rest' : 'http');
        if (!api) continue;
        const method = (this.scalarText(this.get(props, 'Method')) ?? (type === 'HttpApi' ? 'ANY' : 'GET')).toUpperCase();
        const routePath = this.scalarText(this.get(props, 'Path')) ?? (type === 'HttpApi' ? '$default' : '/');
        const authName = this.scalarText(this.get(this.get(props, 'Auth'), 'Authorizer'));
        const named = (type === 'Api' ? this.restAuthorizers : this.httpAuthorizers).get(api.id);
        const authorizer: Authorizer =
          authName === 'NONE'
            ? { kind: 'none' }
            : authName === 'AWS_IAM'
              ? { kind: 'iam', name: authName }
              : authName
                ? named?.get(authName) ?? { kind: 'unknown', name: authName }
                : api.defaultAuthorizer ?? (this.bool(this.get(this.get(props, 'Auth'), 'ApiKeyRequired')) ? { kind: 'api-key' } : { kind: 'none' });
        const route: IacRoute = { api: api.id, method: method === 'ANY' || method === 'X-AMAZON-APIGATEWAY-ANY-METHOD' ? 'ANY' : method, path: routePath, authorizer, at: this.place(key, path) };
        if (f) route.function = f.id;
        if (api.kind === 'rest' && api.cors) route.cors = api.cors;
        this.out.routes.push(route);
      }
    }
  }

  private implicitApi(kind: 'rest' | 'http'): IacApi {
    const name = kind === 'rest' ? 'ServerlessRestApi' : 'ServerlessHttpApi';
    let api = this.out.apis.find((a) => a.id === this.id(name));
    if (!api) {
      const at = placeAt(this.input, 1, `(implicit ${name})`);
      api = { id: this.id(name), name, kind, format: this.out.format, gatewayResponses: [], at };
      if (kind === 'rest') this.samRestSettings(api, undefined, `Globals.Api`);
      else this.samHttpSettings(api, undefined, 'Globals.HttpApi');
      this.out.apis.push(api);
    }
    return api;
  }

  /** The function an integration URI names: `!GetAtt Fn.Arn`, or `!Sub arn:…:function:${Fn.Arn}/invocations`. */
  private integrationFunction(uri: YamlNode | undefined): string | undefined {
    const ref = this.refs(uri).find((x) => /Function$/.test(this.resources.get(x)?.type ?? ''));
    return ref ? this.id(ref) : undefined;
  }

  private v2Route(r: Resource): void {
    const apiId = this.ref(this.get(r.props, 'ApiId'));
    if (!apiId) return;
    const key = this.scalarText(this.get(r.props, 'RouteKey')) ?? '$default';
    const [method, path] = key.includes(' ') ? key.split(/\s+/, 2) : ['ANY', key];
    const type = this.scalarText(this.get(r.props, 'AuthorizationType'))?.toUpperCase() ?? 'NONE';
    const authRef = this.ref(this.get(r.props, 'AuthorizerId'));
    const authorizer = this.v2Authorizer(type, authRef);
    const targetInt = this.ref(this.get(r.props, 'Target'));
    const integration = targetInt ? this.resources.get(targetInt) : undefined;
    const fnId = integration ? this.integrationFunction(this.get(integration.props, 'IntegrationUri')) : undefined;
    this.out.routes.push({
      api: this.id(apiId),
      method: method.toUpperCase(),
      path,
      ...(fnId ? { function: fnId } : {}),
      authorizer,
      at: this.place(this.get(r.props, 'RouteKey') ?? r.node, `Resources.${r.id}.Properties.RouteKey`),
    });
  }

  private v2Authorizer(type: string, authRef: string | undefined): Authorizer {
    if (type === 'AWS_IAM') return { kind: 'iam' };
    if (type === 'NONE') return { kind: 'none' };
    const a = authRef ? this.resources.get(authRef) : undefined;
    const at = a ? this.place(a.node, `Resources.${a.id}`) : undefined;
    const sources = a ? this.strings(this.get(a.props, 'IdentitySource')).filter((s): s is string => typeof s === 'string') : [];
    const src = sources.length ? { identitySource: sources } : {};
    if (type === 'JWT') {
      const issuer = this.str(this.get(this.get(a?.props, 'JwtConfiguration'), 'Issuer'));
      const cognito = typeof issuer === 'string' ? /cognito-idp\./.test(issuer) : /cognito|UserPool/i.test(issuer?.unresolved ?? '');
      return { kind: cognito ? 'cognito' : 'jwt', ...(authRef ? { name: authRef } : {}), ...src, ...(at ? { at } : {}) };
    }
    if (type === 'CUSTOM') return { kind: 'lambda', ...(authRef ? { name: authRef } : {}), ...src, ...(at ? { at } : {}) };
    return { kind: 'unknown', name: type };
  }

  /** The full path of an AWS::ApiGateway::Resource, following ParentId up to the API root. */
  private resourcePath(id: string | undefined, depth = 0): string {
    const r = id ? this.resources.get(id) : undefined;
    if (!r || r.type !== 'AWS::ApiGateway::Resource' || depth > 30) return '';
    const part = this.scalarText(this.get(r.props, 'PathPart')) ?? '?';
    const parent = this.ref(this.get(r.props, 'ParentId'));
    return `${this.resourcePath(parent, depth + 1)}/${part}`;
  }

  private v1Method(r: Resource): void {
    const apiId = this.ref(this.get(r.props, 'RestApiId'));
    if (!apiId) return;
    const api = this.id(apiId);
    const resource = this.ref(this.get(r.props, 'ResourceId'));
    const path = this.resourcePath(resource) || '/';
    const method = (this.scalarText(this.get(r.props, 'HttpMethod')) ?? 'ANY').toUpperCase();
    const integration = this.get(r.props, 'Integration');
    const itype = this.scalarText(this.get(integration, 'Type'))?.toUpperCase();
    if (method === 'OPTIONS' && itype === 'MOCK') {
      const cors = this.mockResponseCors(integration, `Resources.${r.id}.Properties.Integration`);
      if (cors) this.mockCors.set(`${api} ${path}`, cors);
      return;
    }
    const type = this.scalarText(this.get(r.props, 'AuthorizationType'))?.toUpperCase() ?? 'NONE';
    const authRef = this.ref(this.get(r.props, 'AuthorizerId'));
    let authorizer: Authorizer = { kind: 'none' };
    if (type === 'AWS_IAM') authorizer = { kind: 'iam' };
    else if (type === 'COGNITO_USER_POOLS') authorizer = { kind: 'cognito', ...(authRef ? { name: authRef } : {}) };
    else if (type === 'CUSTOM') authorizer = { kind: 'lambda', ...(authRef ? { name: authRef } : {}) };
    else if (this.bool(this.get(r.props, 'ApiKeyRequired'))) authorizer = { kind: 'api-key' };
    const fnId = this.integrationFunction(this.get(integration, 'Uri'));
    this.out.routes.push({ api, method, path, ...(fnId ? { function: fnId } : {}), authorizer, at: this.place(this.get(r.props, 'HttpMethod') ?? r.node, `Resources.${r.id}.Properties.HttpMethod`) });
  }

  /** The static CORS headers a MOCK OPTIONS integration answers with. */
  private mockResponseCors(integration: YamlNode | undefined, path: string): CorsConfig | undefined {
    for (const resp of this.items(this.get(integration, 'IntegrationResponses'))) {
      const params = this.get(resp, 'ResponseParameters');
      const originNode = this.get(params, 'method.response.header.Access-Control-Allow-Origin');
      if (!originNode) continue;
      const header = (h: string): string | undefined => {
        const v = this.str(this.get(params, `method.response.header.${h}`));
        return typeof v === 'string' ? unquoteGateway(v) : undefined;
      };
      const origin = this.str(originNode);
      return {
        origins: [origin === undefined ? { unresolved: this.text(originNode) } : typeof origin === 'string' ? unquoteGateway(origin) : origin],
        credentials: header('Access-Control-Allow-Credentials') === 'true',
        methods: header('Access-Control-Allow-Methods')?.split(',').map((s) => s.trim()),
        headers: header('Access-Control-Allow-Headers')?.split(',').map((s) => s.trim()),
        preflight: 'mock',
        actual: 'function',
        matching: 'static',
        at: this.place(originNode, `${path}.IntegrationResponses.ResponseParameters`),
      };
    }
    return undefined;
  }

  private gatewayResponse(r: Resource): void {
    const apiId = this.ref(this.get(r.props, 'RestApiId'));
    const api = apiId ? this.out.apis.find((a) => a.id === this.id(apiId)) : undefined;
    if (!api) return;
    const headers: Record<string, IacString> = {};
    for (const [k, v] of this.entries(this.get(r.props, 'ResponseParameters'))) {
      const h = /^gatewayresponse\.header\.(.+)$/.exec(k)?.[1];
      const s = this.str(v);
      if (h && s !== undefined) headers[h] = typeof s === 'string' ? unquoteGateway(s) : s;
    }
    const response: GatewayResponse = { type: this.scalarText(this.get(r.props, 'ResponseType')) ?? '?', headers, at: this.place(r.node, `Resources.${r.id}`) };
    api.gatewayResponses.push(response);
  }

  private functionUrl(r: Resource): void {
    const target = this.ref(this.get(r.props, 'TargetFunctionArn'));
    const f = target ? this.out.functions.find((x) => x.id === this.id(target)) : undefined;
    if (!f) return;
    const auth = this.scalarText(this.get(r.props, 'AuthType'));
    const cors = this.get(r.props, 'Cors');
    f.url = {
      authType: auth === 'NONE' || auth === 'AWS_IAM' ? auth : 'unknown',
      ...(cors ? { cors: this.urlCors(cors, `Resources.${r.id}.Properties.Cors`) } : {}),
      at: this.place(this.get(r.props, 'AuthType') ?? r.node, `Resources.${r.id}.Properties.AuthType`),
    };
  }
}

