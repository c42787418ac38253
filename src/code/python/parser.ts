import { createRequire } from 'node:module';
import { Language, Node, Parser, type Tree } from 'web-tree-sitter';

const require = createRequire(import.meta.url);
let ready: Promise<Parser> | undefined;

/**
 * web-tree-sitter computes `type`, `endIndex`, `isNamed` and `text` with a call into wasm on every read.
 * Trees are immutable while we hold them, so each Node object remembers what it was asked once: the
 * analysis reads these getters many times per node, and this halves its cost.
 */
function memoiseNodeGetters(): void {
  for (const prop of ['type', 'endIndex', 'isNamed', 'text'] as const) {
    const d = Object.getOwnPropertyDescriptor(Node.prototype, prop);
    if (!d?.get || (d.get as { memoised?: boolean }).memoised) continue;
    const original = d.get;
    const slot = Symbol(prop);
    const get = function (this: Node & { [slot]?: unknown }) {
      if (!(slot in this)) this[slot] = original.call(this);
      return this[slot];
    };
    (get as { memoised?: boolean }).memoised = true;
    Object.defineProperty(Node.prototype, prop, { ...d, get });
  }
}

/** One tree-sitter parser per thread, loaded once. */
export function pythonParser(): Promise<Parser> {
  ready ??= (async () => {
    await Parser.init();
    memoiseNodeGetters();
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
