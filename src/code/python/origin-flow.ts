/**
 * Intra-procedural flow of the request's Origin header into Access-Control-Allow-Origin.
 *
 * Sources: `request.headers.get("origin")`, `request.headers["Origin"]`, `event["headers"]["origin"]`,
 * `event.get("headers", {}).get("Origin")`, and any variable that holds a headers mapping.
 * Sinks: dict displays with an Access-Control-Allow-Origin key, `x.headers["Access-Control-Allow-Origin"] = v`,
 * `headers.append/setdefault("Access-Control-Allow-Origin", v)`.
 * Checks: an `if` that tests the origin against an allowlist (membership, equality, a regex match, or a
 * call whose name says it validates) guards its body; a negated check followed by return/raise guards
 * the rest of the block. Suffix/prefix/substring tests are weak checks and are reported as such.
 *
 * Not followed: values passed through other functions, class attributes, or containers.
 */
import type { Node } from 'web-tree-sitter';
import type { HeaderSink, SinkTaint } from './ir.ts';
import { locOf, stringLiteral, toExpr, type Lines } from './extract.ts';

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';

interface Env {
  /** variable → how the Origin was read */
  tainted: Map<string, string>;
  /** variables known to hold a headers mapping */
  headerVars: Set<string>;
  /** tainted variables guarded by an allowlist check here */
  checked: Set<string>;
  /** checked variables whose allowlist holds "null" (the opaque origin of sandboxed iframes), with the list's name */
  nullOk: Map<string, string>;
  /** tainted variables guarded only by a weak check, with the check's text */
  weak: Map<string, string>;
}

function cloneEnv(e: Env): Env {
  return { tainted: new Map(e.tainted), headerVars: new Set(e.headerVars), checked: new Set(e.checked), nullOk: new Map(e.nullOk), weak: new Map(e.weak) };
}

const literal = stringLiteral;

interface Ctx {
  fn?: string;
  lambda: boolean;
  /** Access-Control-Allow-Credentials set elsewhere in the same function. */
  creds?: Node | null;
}

class FlowAnalyzer {
  readonly sinks: HeaderSink[] = [];
  constructor(private readonly lines: Lines) {}

  /** Is `node` an expression that yields a headers mapping? */
  private isHeaders(node: Node | null, env: Env): boolean {
    if (!node) return false;
    switch (node.type) {
      case 'identifier':
        return env.headerVars.has(node.text) || /^headers$/i.test(node.text);
      case 'attribute':
        return node.childForFieldName('attribute')?.text === 'headers';
      case 'subscript':
        return (literal(node.childForFieldName('subscript'))?.toLowerCase() ?? '') === 'headers';
      case 'call': {
        const fn = node.childForFieldName('function');
        // event.get("headers", {}) / event.get("headers") or {}
        if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get') {
          const first = node.childForFieldName('arguments')?.namedChildren[0] ?? null;
          return (literal(first)?.toLowerCase() ?? '') === 'headers';
        }
        return false;
      }
      case 'boolean_operator':
      case 'parenthesized_expression':
        return node.namedChildren.some((c) => this.isHeaders(c, env));
      case 'dictionary_comprehension':
        // {k.lower(): v for k, v in event["headers"].items()}
        return node.text.includes('headers');
      default:
        return false;
    }
  }

  /** The text of the Origin read if `node` reads the request's Origin header directly. */
  private originSource(node: Node | null, env: Env): string | undefined {
    if (!node) return undefined;
    if (node.type === 'subscript') {
      const key = literal(node.childForFieldName('subscript'));
      if (key?.toLowerCase() === 'origin' && this.isHeaders(node.childForFieldName('value'), env)) return node.text;
    }
    if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'get') {
        const first = node.childForFieldName('arguments')?.namedChildren[0] ?? null;
        if (literal(first)?.toLowerCase() === 'origin' && this.isHeaders(fn.childForFieldName('object'), env)) return node.text;
      }
    }
    return undefined;
  }

  /** The module-level value assigned to a name (`ALLOWED = ...`), as text. */
  private assignedText(name: string): string | undefined {
    const m = new RegExp(`^${name}\\s*(?::[^=\\n]+)?=\\s*(.+)$`, 'm').exec(this.lines.text);
    return m?.[1].trim();
  }

  /** The right side of `origin in X` is a str (a literal, or an environment value never split): `in` then matches substrings. */
  private isStringValue(n: Node | null): boolean {
    if (!n) return false;
    if (n.type === 'string' || n.type === 'concatenated_string') return true;
    if (n.type !== 'identifier') return false;
    const rhs = this.assignedText(n.text);
    if (!rhs) return false;
    return (/^[rbuf]*["']/i.test(rhs) || /^os\.(environ\.get|getenv)\(/.test(rhs) || /^os\.environ\[/.test(rhs)) && !/\.split\(|\b(set|frozenset|list|tuple)\(/.test(rhs);
  }

  /** The regex of `PATTERN.match(origin)` (a module-level re.compile) or `re.match(r"...", origin)`, when written as a literal. */
  private patternOf(fn: Node, args: (Node | null)[]): string | undefined {
    const obj = fn.type === 'attribute' ? fn.childForFieldName('object') : null;
    const lit = (text: string | undefined) => (text ? /^[rbu]*(["'])(.*)\1$/is.exec(text.trim())?.[2] : undefined);
    if (obj?.text === 're') return lit(args[0]?.text);
    if (obj?.type === 'identifier') {
      const rhs = this.assignedText(obj.text);
      const m = rhs && /^re\.compile\(\s*([rbu]*(["']).*?\2)/is.exec(rhs);
      return m ? lit(m[1]) : undefined;
    }
    return undefined;
  }

  /** Taint of an expression: the Origin source it carries (if any), looking through `or`, conditionals, f-strings. */
  private taintOf(node: Node | null, env: Env): { source: string; variable?: string } | undefined {
    if (!node) return undefined;
    const direct = this.originSource(node, env);
    if (direct) return { source: direct };
    switch (node.type) {
      case 'identifier':
        return env.tainted.has(node.text) ? { source: env.tainted.get(node.text)!, variable: node.text } : undefined;
      case 'boolean_operator':
      case 'parenthesized_expression':
      case 'string':
      case 'interpolation':
      case 'call':
        for (const c of node.namedChildren) {
          // a call's result is only tainted when it is the source itself or `str(origin)`-like wrapping
          if (node.type === 'call' && c?.type !== 'argument_list') continue;
          const t = c?.type === 'argument_list' ? this.taintOf(c.namedChildren[0] ?? null, env) : this.taintOf(c, env);
          if (t) return t;
        }
        return undefined;
      case 'conditional_expression': {
        const [body, cond, orelse] = node.namedChildren;
        const check = this.checkOf(cond ?? null, env);
        if (check?.kind === 'strong' && !check.negated) return this.taintOf(orelse ?? null, env);
        return this.taintOf(body ?? null, env) ?? this.taintOf(orelse ?? null, env);
      }
      default:
        return undefined;
    }
  }

  /**
   * Does `cond` test a tainted variable? strong: membership in a collection, equality, a regex match,
   * a validating call; weak: endswith/startswith/substring (bypassable: `https://evil-example.com`).
   */
  private checkOf(cond: Node | null, env: Env): { variable: string; kind: 'strong' | 'weak'; negated: boolean; text: string; allowsNull?: string } | undefined {
    if (!cond) return undefined;
    const mentions = (n: Node | null): string | undefined => {
      if (!n) return undefined;
      if (n.type === 'identifier' && env.tainted.has(n.text)) return n.text;
      if (this.originSource(n, env)) return '<origin>';
      return undefined;
    };
    if (cond.type === 'not_operator') {
      const inner = this.checkOf(cond.childForFieldName('argument'), env);
      return inner && { ...inner, negated: !inner.negated };
    }
    if (cond.type === 'parenthesized_expression') return this.checkOf(cond.namedChildren[0] ?? null, env);
    if (cond.type === 'boolean_operator') {
      return this.checkOf(cond.childForFieldName('right'), env) ?? this.checkOf(cond.childForFieldName('left'), env);
    }
    if (cond.type === 'comparison_operator') {
      const ops = cond.children.filter((c) => c && !c.isNamed).map((c) => c!.text);
      const [left, right] = cond.namedChildren;
      const op = ops.join(' ');
      const lv = mentions(left ?? null);
      const rv = mentions(right ?? null);
      if ((op === 'in' || op === 'not in') && lv) {
        const str = this.isStringValue(right ?? null);
        const list = right?.type === 'identifier' ? this.assignedText(right.text) : right?.text;
        const allowsNull = !str && list && /["']null["']/.test(list) ? right!.text : undefined;
        return { variable: lv, kind: str ? 'weak' : 'strong', negated: op === 'not in', text: str ? `${cond.text}: ${right?.text} is a str, so \`in\` matches any substring of it` : cond.text, ...(allowsNull ? { allowsNull } : {}) };
      }
      if ((op === 'in' || op === 'not in') && rv) return { variable: rv, kind: 'weak', negated: op === 'not in', text: cond.text };
      if ((op === '==' || op === '!=') && (lv || rv)) return { variable: (lv ?? rv)!, kind: 'strong', negated: op === '!=', text: cond.text };
      return undefined;
    }
    if (cond.type === 'call') {
      const fn = cond.childForFieldName('function');
      const args = cond.childForFieldName('arguments')?.namedChildren ?? [];
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text ?? '' : fn?.text ?? '';
      if (fn?.type === 'attribute' && (method === 'endswith' || method === 'startswith')) {
        const v = mentions(fn.childForFieldName('object'));
        if (v) return { variable: v, kind: 'weak', negated: false, text: cond.text };
      }
      const argVar = args.map((a) => mentions(a)).find(Boolean);
      if (argVar && (method === 'match' || method === 'search')) {
        // re.match anchors only the start and re.search neither: without `$`/`\Z` at the end, app.example.com.attacker.net passes
        const pattern = this.patternOf(fn!, args);
        const anchored = pattern === undefined || /(\$|\\Z)$/.test(pattern.replace(/\)+$/, '')) && (method === 'match' || pattern.startsWith('^'));
        const why = method === 'match' ? 're.match anchors only the start, so a longer host such as https://app.example.com.attacker.net passes' : 're.search matches anywhere in the origin';
        return { variable: argVar, kind: anchored ? 'strong' : 'weak', negated: false, text: anchored ? cond.text : `${cond.text}: ${why}` };
      }
      if (argVar && /match|allow|valid|trust|check|permit/i.test(method)) {
        return { variable: argVar, kind: 'strong', negated: false, text: cond.text };
      }
    }
    return undefined;
  }

  function(fn: Node): void {
    const env: Env = { tainted: new Map(), headerVars: new Set(), checked: new Set(), nullOk: new Map(), weak: new Map() };
    const params = fn.childForFieldName('parameters')?.namedChildren.map((p) => p?.text.split(/[:=]/)[0].trim()) ?? [];
    const body = fn.childForFieldName('body');
    const name = fn.childForFieldName('name')?.text;
    const lambda = (params.length === 2 && /^_?event$/.test(params[0] ?? '')) || /["']statusCode["']/.test(body?.text ?? '');
    // `response.headers["Access-Control-Allow-Credentials"] = "true"` in a statement of its own
    let creds: Node | null = null;
    if (body?.text.toLowerCase().includes(ACAC)) {
      for (const a of body.descendantsOfType('assignment')) {
        const left = a?.childForFieldName('left');
        if (left?.type === 'subscript' && literal(left.childForFieldName('subscript'))?.toLowerCase() === ACAC) creds = a!.childForFieldName('right');
      }
    }
    if (body) this.block(body, env, { fn: name, lambda, creds });
  }

  /** Module-level constants such as `CORS_HEADERS = {"Access-Control-Allow-Origin": "*"}`. */
  moduleLevel(root: Node, hasLambda: boolean): void {
    const env: Env = { tainted: new Map(), headerVars: new Set(), checked: new Set(), nullOk: new Map(), weak: new Map() };
    for (const st of root.namedChildren) {
      if (st?.type === 'expression_statement') this.scanExpr(st, env, { lambda: hasLambda });
    }
  }

  /** Processes a block; returns true if it always leaves the function (return/raise). */
  private block(block: Node, env: Env, ctx: Ctx): boolean {
    for (const st of block.namedChildren) {
      if (!st) continue;
      switch (st.type) {
        case 'expression_statement':
          this.statement(st, env, ctx);
          break;
        case 'return_statement':
          this.scanExpr(st, env, ctx);
          return true;
        case 'raise_statement':
          return true;
        case 'if_statement': {
          const check = this.checkOf(st.childForFieldName('condition'), env);
          const thenEnv = cloneEnv(env);
          const elseEnv = cloneEnv(env);
          if (check) {
            const pass = check.negated ? elseEnv : thenEnv;
            const vars = check.variable === '<origin>' ? ['<origin>', ...env.tainted.keys()] : [check.variable];
            for (const v of vars) {
              if (check.kind === 'strong') pass.checked.add(v);
              else pass.weak.set(v, check.text);
              if (check.allowsNull) pass.nullOk.set(v, check.allowsNull);
            }
          }
          const thenExits = this.block(st.childForFieldName('consequence')!, thenEnv, ctx);
          let elseExits = false;
          for (const alt of st.childrenForFieldName('alternative')) {
            if (alt?.type === 'else_clause') elseExits = this.block(alt.childForFieldName('body')!, cloneEnv(elseEnv), ctx);
            else if (alt?.type === 'elif_clause') {
              this.scanExpr(alt.childForFieldName('condition'), elseEnv, ctx);
              this.block(alt.childForFieldName('consequence')!, cloneEnv(elseEnv), ctx);
            }
          }
          // `if origin not in ALLOWED: return …` guards everything after it.
          if (check && thenExits && check.negated) Object.assign(env, elseEnv);
          else if (check && elseExits && !check.negated) Object.assign(env, thenEnv);
          else for (const [k, v] of thenEnv.tainted) env.tainted.set(k, v);
          break;
        }
        case 'for_statement':
        case 'while_statement':
        case 'with_statement':
        case 'try_statement':
        case 'except_clause':
        case 'else_clause':
        case 'finally_clause':
          for (const c of st.namedChildren) {
            if (c?.type === 'block') this.block(c, env, ctx);
            else if (c && /clause$/.test(c.type)) this.block(c, env, ctx);
          }
          break;
        case 'block':
          if (this.block(st, env, ctx)) return true;
          break;
        case 'function_definition':
        case 'decorated_definition':
        case 'class_definition':
          break; // analysed on their own
        default:
          this.scanExpr(st, env, ctx);
      }
    }
    return false;
  }

  private statement(st: Node, env: Env, ctx: Ctx): void {
    const e = st.namedChildren[0];
    if (e?.type === 'assignment') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (left?.type === 'identifier' && right) {
        const t = this.taintOf(right, env);
        env.checked.delete(left.text);
        env.weak.delete(left.text);
        if (t) env.tainted.set(left.text, t.source);
        else env.tainted.delete(left.text);
        if (t?.variable && env.checked.has(t.variable)) env.checked.add(left.text);
        if (this.isHeaders(right, env)) env.headerVars.add(left.text);
      }
      if (left?.type === 'subscript' && right) {
        const key = literal(left.childForFieldName('subscript'))?.toLowerCase();
        if (key === ACAO) this.sink(right, e, env, ctx);
      }
      this.scanExpr(right, env, ctx);
      return;
    }
    if (e?.type === 'call') {
      // headers.append("Access-Control-Allow-Origin", v) / setdefault / __setitem__
      const fn = e.childForFieldName('function');
      const args = e.childForFieldName('arguments')?.namedChildren ?? [];
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      if (method && /^(append|setdefault|__setitem__|add)$/.test(method) && literal(args[0] ?? null)?.toLowerCase() === ACAO && args[1]) {
        this.sink(args[1], e, env, ctx);
      }
    }
    this.scanExpr(e ?? null, env, ctx);
  }

  /** Finds dict displays with an Access-Control-Allow-Origin key anywhere inside `node`. */
  private scanExpr(node: Node | null, env: Env, ctx: Ctx): void {
    if (!node || !node.text.toLowerCase().includes(ACAO)) return;
    const dicts = node.type === 'dictionary' ? [node] : node.descendantsOfType('dictionary');
    for (const d of dicts) {
      if (!d) continue;
      let value: Node | null = null;
      let creds: Node | null = null;
      for (const pair of d.namedChildren) {
        if (pair?.type !== 'pair') continue;
        const key = literal(pair.childForFieldName('key'))?.toLowerCase();
        if (key === ACAO) value = pair.childForFieldName('value');
        if (key === ACAC) creds = pair.childForFieldName('value');
      }
      if (value) this.sink(value, value, env, ctx, creds);
    }
  }

  private sink(value: Node, at: Node, env: Env, ctx: Ctx, creds?: Node | null): void {
    const t = this.taintOf(value, env);
    let taint: SinkTaint = 'other';
    let weakCheckText: string | undefined;
    let allowsNull: string | undefined;
    if (t) {
      // the Origin read straight from the headers (no variable) is checked when a check tested it the same way
      const v = t.variable ?? '<origin>';
      if (env.checked.has(v)) {
        taint = 'checked';
        allowsNull = env.nullOk.get(v);
      }
      else if (env.weak.has(v)) {
        taint = 'weak-check';
        weakCheckText = env.weak.get(v);
      } else taint = 'request-origin';
    }
    const loc = locOf(at);
    this.sinks.push({
      header: ACAO,
      value: toExpr(value),
      taint,
      sourceText: t?.source,
      weakCheckText,
      ...(allowsNull ? { allowsNull } : {}),
      credentials: creds ? toExpr(creds) : ctx.creds ? toExpr(ctx.creds) : undefined,
      fn: ctx.fn,
      lambda: ctx.lambda,
      loc,
      snippet: this.lines.at(loc.line),
    });
  }
}

export function findHeaderSinks(root: Node, lines: Lines): HeaderSink[] {
  const flow = new FlowAnalyzer(lines);
  let hasLambda = false;
  for (const fn of root.descendantsOfType('function_definition')) {
    if (!fn) continue;
    const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
    if (params.length === 2 && /^_?event\b/.test(params[0]?.text ?? '')) hasLambda = true;
    if (fn.text.toLowerCase().includes(ACAO)) flow.function(fn);
  }
  flow.moduleLevel(root, hasLambda || root.text.includes('statusCode'));
  return flow.sinks;
}
