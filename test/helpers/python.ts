import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Runs a Python snippet with JSON on stdin and returns its JSON answer. */
export function python<T>(code: string, input: unknown): T {
  const exe = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  return JSON.parse(execFileSync(exe, ['-c', code], { input: JSON.stringify(input), encoding: 'utf8' })) as T;
}
