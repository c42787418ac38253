/**
 * Environment blocks of infrastructure templates, parsed with `yaml`:
 * - CloudFormation / SAM: `Resources.<R>.Properties.Environment.Variables` (Lambda and SAM functions)
 *   and `Globals.Function.Environment.Variables`;
 * - serverless.yml: `provider.environment` and `functions.<f>.environment`.
 * CloudFormation short tags (`!Ref`, `!Sub`, `!GetAtt` …) are registered so templates parse; a tagged
 * value, an intrinsic function map (`Fn::Sub`, `Ref`) or a variable (`${ssm:…}`) is computed, never a
 * literal secret. Terraform and CDK are not read.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { clip, type ConfigFile, type ConfigVariable } from './env-files.ts';

/** CloudFormation's short-form intrinsic functions (Fn::X written as !X). */
const CFN_TAGS = [
  'Ref', 'Sub', 'GetAtt', 'Join', 'Select', 'Split', 'FindInMap', 'If', 'Equals', 'And', 'Or', 'Not', 'Condition',
  'ImportValue', 'Base64', 'Cidr', 'GetAZs', 'Transform', 'ToJsonString', 'Length',
];
// each tag can be written on a scalar, a sequence or a map: register all three, keep the node as written
const CUSTOM_TAGS = CFN_TAGS.flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (v: string) => v },
    { tag, collection: 'seq' as const, resolve: (v: unknown) => v },
    { tag, collection: 'map' as const, resolve: (v: unknown) => v },
  ];
});

/** A cheap look at the text before parsing: only templates are parsed. */
export function templateKind(text: string, name: string): ConfigFile['kind'] | undefined {
  if (/^AWSTemplateFormatVersion\s*:|^Transform\s*:.*AWS::Serverless|^Resources\s*:/m.test(text) && /AWS::/.test(text)) return 'cloudformation';
  if (/^serverless\.ya?ml$/i.test(name) || (/^service\s*:/m.test(text) && /^provider\s*:/m.test(text))) return 'serverless';
  return undefined;
}

export function parseTemplateEnvironment(text: string, file: string, kind: 'cloudformation' | 'serverless'): { file: ConfigFile; problems: string[] } {
  const lines = text.split(/\r?\n/);
  const counter = new LineCounter();
  const doc = parseDocument(text, { customTags: CUSTOM_TAGS, lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const problems = doc.errors.slice(0, 1).map((e) => {
    const at = counter.linePos(e.pos[0]);
    // the message only, never the source around it (it may hold a secret)
    return `not valid YAML at line ${at.line}, column ${at.col}: ${e.message.split('\n')[0]}; its environment blocks were not checked`;
  });
  const out: ConfigFile = { file, kind, variables: [] };
  if (doc.errors.length || !isMap(doc.contents)) return { file: out, problems };
  const add = (block: YamlNode | null | undefined, where: string, owner: string): void => {
    if (!isMap(block)) return;
    for (const pair of block.items as Pair<YamlNode, YamlNode>[]) {
      if (!isScalar(pair.key)) continue;
      const start = pair.key.range?.[0] ?? 0;
      const pos = counter.linePos(start);
      out.variables.push({
        name: String(pair.key.value),
        value: literal(pair.value),
        line: pos.line,
        col: pos.col,
        where,
        owner,
        snippet: clip((lines[pos.line - 1] ?? '').trim()),
      });
    }
  };
  if (kind === 'cloudformation') {
    add(path(doc, ['Globals', 'Function', 'Environment', 'Variables']), 'Globals.Function.Environment.Variables', 'every function');
    const resources = doc.get('Resources', true);
    if (isMap(resources)) {
      for (const r of resources.items as Pair<YamlNode, YamlNode>[]) {
        const id = isScalar(r.key) ? String(r.key.value) : '?';
        add(get(get(get(r.value, 'Properties'), 'Environment'), 'Variables'), `Resources.${id}.Properties.Environment.Variables`, id);
      }
    }
  } else {
    add(path(doc, ['provider', 'environment']), 'provider.environment', 'every function');
    const functions = doc.get('functions', true);
    if (isMap(functions)) {
      for (const f of functions.items as Pair<YamlNode, YamlNode>[]) {
        const id = isScalar(f.key) ? String(f.key.value) : '?';
        add(get(f.value, 'environment'), `functions.${id}.environment`, `functions.${id}`);
      }
    }
  }
  return { file: out, problems };
}

/** A plain scalar as a string; undefined for tagged values (`!Ref X`), maps (`Fn::Sub`), sequences and nulls. */
function literal(node: YamlNode | null | undefined): string | undefined {
  if (!isScalar(node) || node.tag?.startsWith('!')) return undefined;
  if (node.value === null || node.value === undefined) return undefined;
  return String(node.value);
}

function get(node: YamlNode | null | undefined, key: string): YamlNode | undefined {
  return isMap(node) ? ((node as YAMLMap<unknown, YamlNode>).get(key, true) as YamlNode | undefined) : undefined;
}

function path(doc: Document, keys: string[]): YamlNode | undefined {
  return doc.getIn(keys, true) as YamlNode | undefined;
}
