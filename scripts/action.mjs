#!/usr/bin/env node
/**
 * The entry of the GitHub Action (action.yml): scans the inputs with the built CLI, writes the SARIF file
 * for code scanning and the Markdown summary to $GITHUB_STEP_SUMMARY, and exits like `--fail-on` says.
 * Inputs come as INPUT_* environment variables (GitHub's convention); runs anywhere with the same variables.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'bin', 'crossread.js');
const input = (name, fallback = '') => (process.env[`INPUT_${name.toUpperCase().replace(/ /g, '_')}`] ?? fallback).trim();

if (!existsSync(cli)) {
  console.error(`crossread action: ${cli} is missing; build first (npm ci && npm run build)`);
  process.exit(2);
}
const paths = input('paths', '.').split(/\s+/).filter(Boolean);
const failOn = input('fail-on', 'high');
const sarif = input('sarif-file', 'crossread.sarif');
const baseline = input('baseline');
const extra = input('args').split(/\s+/).filter(Boolean);
const common = [...paths, ...(baseline ? ['--baseline', baseline] : []), ...extra];

const run = (args) => spawnSync(process.execPath, [cli, 'scan', ...common, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

// one SARIF report for code scanning, one Markdown summary; the exit code comes from the text run
const s = run(['--format', 'sarif', '--output', sarif, '--fail-on', 'none']);
if (s.status === 2) {
  process.stderr.write(s.stderr);
  process.exit(2);
}
const md = run(['--format', 'markdown', '--fail-on', 'none']);
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, md.stdout);
else process.stdout.write(md.stdout);
const text = run(['--fail-on', failOn]);
process.stdout.write(text.stdout);
process.stderr.write(text.stderr);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `sarif-file=${sarif}\n`);
process.exit(text.status ?? 2);
