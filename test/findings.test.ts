import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFinding, redact, severityOf, mask } from '../src/findings/index.ts';

test('severity comes from one impact × likelihood table', () => {
  assert.equal(severityOf('high', 'high'), 'critical');
  assert.equal(severityOf('high', 'medium'), 'high');
  assert.equal(severityOf('low', 'medium'), 'low');
  assert.equal(severityOf('none', 'high'), 'info');
});

test('secrets are redacted to their first and last four characters', () => {
  assert.equal(mask('AKIAIOSFODNN7EXAXYZ1'), 'AKIA…XYZ1');
  assert.equal(redact('key AKIAIOSFODNN7EXAXYZ1 here'), 'key AKIA…XYZ1 here');
  assert.equal(redact('aws_secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'), 'aws_secret_access_key = "wJal…EKEY"');
  assert.equal(redact('Authorization: Bearer abcdefghijklmnop'), 'Authorization: Bear…mnop');
  // code that merely names a token is left alone
  assert.equal(redact('token = request.headers.get("x")'), 'token = request.headers.get("x")');
});

test('findings carry CWE names, redacted evidence and a line-independent fingerprint', () => {
  const base = {
    ruleId: 'r', topic: 't', source: 'code' as const, message: 'm', impact: 'high' as const, likelihood: 'low' as const,
    confidence: 'high' as const, cwe: [942], remediation: { summary: 'fix' },
  };
  const a = makeFinding({ ...base, location: { file: 'a.py', start: { line: 3, column: 1 } }, evidence: [{ kind: 'code', file: 'a.py', line: 3, snippet: 'k = "AKIAIOSFODNN7EXAXYZ1"' }] });
  const b = makeFinding({ ...base, location: { file: 'a.py', start: { line: 9, column: 1 } }, evidence: [{ kind: 'code', file: 'a.py', line: 9, snippet: 'k = "AKIAIOSFODNN7EXAXYZ1"' }] });
  assert.equal(a.severity, 'medium');
  assert.equal(a.cwe[0].name, 'Permissive Cross-domain Policy with Untrusted Domains');
  assert.equal(a.evidence[0].kind === 'code' && a.evidence[0].snippet, 'k = "AKIA…XYZ1"');
  assert.equal(a.fingerprint, b.fingerprint);
});
