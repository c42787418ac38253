/**
 * The tree-sitter grammars crossread reads, each loaded once per thread from the wasm its npm package
 * ships (web-tree-sitter 0.27.1): Python (service code and CDK apps), HCL (Terraform) and TypeScript
 * (CDK apps).
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

const WASM = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  hcl: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
} as const;

export type Grammar = keyof typeof WASM;

let init: Promise<void> | undefined;
const parsers = new Map<Grammar, Promise<Parser>>();

export function parserFor(grammar: Grammar): Promise<Parser> {
  let p = parsers.get(grammar);
  if (!p) {
    p = (async () => {
      init ??= Parser.init();
      await init;
      const language = await Language.load(require.resolve(WASM[grammar]));
      const parser = new Parser();
      parser.setLanguage(language);
      return parser;
    })();
    parsers.set(grammar, p);
  }
  return p;
}

/** Parses `source`, hands the tree to `use`, and frees the wasm memory afterwards. */
export async function withGrammarTree<T>(grammar: Grammar, source: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await parserFor(grammar);
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
