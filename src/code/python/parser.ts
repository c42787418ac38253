import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
let ready: Promise<Parser> | undefined;

/** One tree-sitter parser per thread, loaded once. */
export function pythonParser(): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return ready;
}

/** Parses `source`, hands the tree to `use`, and frees the wasm memory afterwards. */
export async function withTree<T>(source: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await pythonParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
