/** Witness origins really match under Python's re semantics, and anchored patterns yield none. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexWitnesses, sampleFromRegex, substringWitness, registrable } from '../src/code/rules/origin-witness.ts';
import { python } from './helpers/python.ts';

const PERMISSIVE = [
  String.raw`https://.*.example.com`,
  String.raw`https://app.example.com`,
  String.raw`https://[^/]*example\.com`,
  String.raw`https://.*\.vercel\.app`,
  String.raw`https?://app\.example\.com`,
  String.raw`https://app\.example\.com.*`,
  String.raw`https://.+`,
  String.raw`https://myapp-[a-z0-9]+\.amplifyapp\.com`,
  String.raw`https://(?P<sub>[a-z]+)\.example\.com`,
  String.raw`(?i)https://APP.example.com`,
];
const STRICT = [String.raw`https://app\.example\.com`, String.raw`https://(app|admin)\.example\.com`, String.raw`^https://app\.example\.com(:443)?$`];

test('every witness fullmatches its pattern in Python', () => {
  const pairs = PERMISSIVE.flatMap((p) => regexWitnesses(p).map((w) => [p, w.origin]));
  assert.ok(pairs.length >= PERMISSIVE.length);
  for (const p of PERMISSIVE) assert.ok(regexWitnesses(p).length > 0, `no witness for ${p}`);
  const ok = python<boolean[]>('import json,re,sys; print(json.dumps([re.fullmatch(p, o) is not None for p, o in json.load(sys.stdin)]))', pairs);
  assert.deepEqual(pairs.filter((_, i) => !ok[i]), []);
});

test('prefix-match witnesses match with re.match (Starlette < 0.13.1)', () => {
  const pairs = regexWitnesses(String.raw`https://app\.example\.com`, true).map((w) => [String.raw`https://app\.example\.com`, w.origin]);
  assert.ok(pairs.some(([, o]) => o.startsWith('https://app.example.com.')));
  const ok = python<boolean[]>('import json,re,sys; print(json.dumps([re.match(p, o) is not None for p, o in json.load(sys.stdin)]))', pairs);
  assert.ok(ok.every(Boolean));
});

test('anchored, escaped patterns have no witness', () => {
  for (const p of STRICT) assert.deepEqual(regexWitnesses(p), [], p);
});

test('the unescaped dot witness is a registrable look-alike', () => {
  const w = regexWitnesses(String.raw`https://app.example.com`).find((x) => x.weakness === 'unescaped-dot');
  assert.equal(w?.origin, 'https://appxexample.com');
  assert.equal(sampleFromRegex(String.raw`https://(app|admin)\.example\.com`), 'https://app.example.com');
  assert.equal(registrable('a.b.example.co.uk'), 'example.co.uk');
});

test('substring witnesses are substrings on another registrable domain (Python `in`)', () => {
  const configured = ['https://app.example.com', 'https://app.example.com,https://admin.example.com', 'https://portal.mysite.io'];
  const pairs = configured.map((c) => [c, substringWitness(c)!.origin]);
  const ok = python<boolean[]>('import json,sys; print(json.dumps([o in c for c, o in json.load(sys.stdin)]))', pairs);
  assert.ok(ok.every(Boolean), JSON.stringify(pairs));
  assert.equal(substringWitness('https://app.example.com')!.origin, 'https://app.example.co');
});
