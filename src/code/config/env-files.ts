/**
 * Committed `.env` files (`.env`, `.env.production`, `prod.env` …): `KEY=value` lines as variables, for
 * the credential rule. Templates meant to be copied (`.env.example`, `.env.sample`, `.env.template`,
 * `.env.dist`) hold placeholders by convention and are not read.
 */

/** One environment variable given a value in a config file (.env, a CloudFormation/SAM or serverless template). */
export interface ConfigVariable {
  name: string;
  /** The literal value; undefined when it is computed (`!Ref`, `!Sub`, `Fn::GetAtt`, a nested map). */
  value?: string;
  line: number; // 1-based
  col: number; // 1-based
  /** Where in the file: `.env`, `Resources.OrdersFunction.Properties.Environment.Variables`, `provider.environment`. */
  where: string;
  /** The function or resource that receives it, for templates: `OrdersFunction`, `functions.notify`. */
  owner?: string;
  /** The source line (to be masked before it is shown). */
  snippet: string;
}

export interface ConfigFile {
  file: string; // as shown to users
  kind: 'env';
  variables: ConfigVariable[];
  /** `# crossread: ignore[rule] reason` comments, by line. */
  suppressions?: { rules: string[]; reason: string; line: number }[];
}

/** The config files of one scan root, read by the engine and handed to rules. */
export interface ConfigFiles {
  files: ConfigFile[];
}

const TEMPLATE_ENV = /(?:^|[.\-_])(?:example|examples|sample|samples|template|templates|tmpl|tpl|dist|defaults?)(?:$|[.\-_])/i;

/** `.env`, `.env.production`, `.env.local`, `prod.env`, but not `.env.example` / `.env.sample` / `.env.template`. */
export function isEnvFileName(name: string): boolean {
  if (!/^\.env(?:\.[\w.-]+)?$|^[\w.-]+\.env$/.test(name)) return false;
  return !TEMPLATE_ENV.test(name.replace(/^\.env\.?|\.env$/g, ''));
}

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

/** Parses dotenv syntax: `KEY=value`, `export KEY=value`, quotes, `# comments`, multi-line double-quoted values. */
export function parseEnvFile(text: string, file: string): { file: ConfigFile; problems: string[] } {
  const lines = text.split(/\r?\n/);
  const variables: ConfigVariable[] = [];
  const bad: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (!raw.trim() || /^\s*#/.test(raw)) continue;
    const m = LINE.exec(raw);
    if (!m) {
      bad.push(i + 1);
      continue;
    }
    const start = i + 1;
    let rest = m[2];
    let value: string;
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      let body = rest.slice(1);
      let end = body.indexOf(quote);
      let j = i;
      while (end < 0 && quote === '"' && j + 1 < lines.length) {
        // a multi-line value (a PEM key): up to the closing quote
        j++;
        body += `\n${lines[j]}`;
        end = body.indexOf(quote);
      }
      if (end < 0) {
        bad.push(i + 1);
        continue;
      }
      value = body.slice(0, end);
      i = j;
    } else {
      const hash = rest.search(/\s#/);
      if (hash >= 0) rest = rest.slice(0, hash);
      value = rest.trim();
    }
    variables.push({ name: m[1], value, line: start, col: raw.indexOf(m[1]) + 1, where: file.split('/').at(-1) ?? file, snippet: clip(raw.trim()) });
  }
  const problems = bad.length ? [`${bad.length === 1 ? 'line' : `${bad.length} lines, first`} ${bad[0]}: not KEY=value; ignored`] : [];
  return { file: { file, kind: 'env', variables }, problems };
}

export function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** Files discovery hands to the engine for rules to read: .env files and YAML (templates are recognised by their content). */
export function isConfigFileName(name: string): boolean {
  return isEnvFileName(name) || /\.ya?ml$/i.test(name);
}
