import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromSpecifier, isBelow, mergeFound, parseDependencyFile, starletteRange } from '../src/code/python/deps.ts';

test('requirements pins and ranges', () => {
  const f = parseDependencyFile('requirements.txt', 'fastapi==0.110.0\nstarlette>=0.27,<0.28  # pinned by ops\n', 'requirements.txt');
  assert.deepEqual(f.starlette?.min, [0, 27, 0]);
  assert.equal(isBelow(f.starlette, [1, 0, 0]), 'yes');
  assert.equal(isBelow(fromSpecifier('^0.110', 'x'), [0, 15, 0]), 'no');
});

test('lock files win over ranges', () => {
  const lock = parseDependencyFile('poetry.lock', '[[package]]\nname = "starlette"\nversion = "1.2.0"\n', 'poetry.lock');
  const py = parseDependencyFile('pyproject.toml', '[project]\ndependencies = ["starlette>=0.40"]\n', 'pyproject.toml');
  assert.deepEqual(mergeFound([py, lock]).starlette?.exact, [1, 2, 0]);
  const uv = parseDependencyFile('uv.lock', 'version = 1\n[[package]]\nname = "fastapi"\nversion = "0.45.0"\n', 'uv.lock');
  assert.deepEqual(starletteRange(mergeFound([uv]))?.exact, [0, 12, 9]);
  const pip = parseDependencyFile('Pipfile.lock', JSON.stringify({ default: { starlette: { version: '==0.26.1' } } }), 'Pipfile.lock');
  assert.deepEqual(pip.starlette?.exact, [0, 26, 1]);
  const poetry = parseDependencyFile('pyproject.toml', '[tool.poetry.dependencies]\nfastapi = "^0.92.0"\n', 'pyproject.toml');
  assert.equal(isBelow(starletteRange(mergeFound([poetry])), [0, 15, 0]), 'no');
});

test('a malformed file throws a readable error', () => {
  assert.throws(() => parseDependencyFile('pyproject.toml', '[project\n', 'pyproject.toml'));
});
