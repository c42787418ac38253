import type { Parser, Tree } from 'web-tree-sitter';
import { parserFor, withGrammarTree } from '../grammars.ts';

/** One tree-sitter Python parser per thread, loaded once. */
export function pythonParser(): Promise<Parser> {
  return parserFor('python');
}

/** Parses `source`, hands the tree to `use`, and frees the wasm memory afterwards. */
export function withTree<T>(source: string, use: (tree: Tree) => T): Promise<T> {
  return withGrammarTree('python', source, use);
}
