/** Inputs → the files to analyse: walks directories, honours .gitignore and --exclude, skips environments and build output. */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { DEPENDENCY_FILES } from '../code/python/deps.ts';
import { isConfigFileName } from '../code/config/env-files.ts';
import type { Diagnostic } from './types.ts';

const SKIP_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '__pycache__', '.venv', 'venv', '.env', 'site-packages', 'dist-packages',
  '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'build', 'dist', '.eggs', 'cdk.out', '.aws-sam',
  '.serverless', '.terraform', '.idea', '.vscode', 'htmlcov', '.cache',
]);

export interface ScanRoot {
  /** Absolute directory the module names are relative to. */
  root: string;
  python: string[]; // absolute paths
  dependencyFiles: string[];
  /** .env files and YAML files (templates are recognised by their content when read). */
  configFiles: string[];
  /** JSON files (CloudFormation templates are recognised by content), Terraform files, TypeScript files (CDK apps). */
  iac: { json: string[]; terraform: string[]; typescript: string[] };
}

const IAC_FILE = /\.(json|tf|ts)$/;

export function toPosix(p: string): string {
  return p.split(sep).join('/');
}

export function discover(paths: string[], exclude: string[], cwd: string, diagnostics: Diagnostic[]): ScanRoot[] {
  const roots: ScanRoot[] = [];
  for (const input of paths) {
    const abs = resolve(cwd, input);
    if (!existsSync(abs)) {
      diagnostics.push({ level: 'error', where: input, message: 'no such file or directory' });
      continue;
    }
    const st = statSync(abs);
    if (st.isFile()) {
      const config = isConfigFileName(basename(abs));
      const iac = IAC_FILE.test(abs) && !abs.endsWith('.d.ts');
      if (!abs.endsWith('.py') && !DEPENDENCY_FILES.test(basename(abs)) && !config && !iac) {
        diagnostics.push({ level: 'warning', where: input, message: 'not a Python source, dependency, config or IaC file; skipped' });
        continue;
      }
      const root = dirname(abs);
      const dependency = !abs.endsWith('.py') && !config && !iac;
      const out: ScanRoot = { root, python: abs.endsWith('.py') ? [abs] : [], dependencyFiles: dependency ? [abs] : [], configFiles: config ? [abs] : [], iac: { json: [], terraform: [], typescript: [] } };
      if (iac) addIac(out, abs);
      roots.push(out);
      continue;
    }
    const excluder = ignore().add(exclude);
    const out: ScanRoot = { root: abs, python: [], dependencyFiles: [], configFiles: [], iac: { json: [], terraform: [], typescript: [] } };
    walk(abs, abs, [], excluder, out, diagnostics);
    roots.push(out);
  }
  return roots;
}

function walk(root: string, dir: string, parents: { base: string; ig: Ignore }[], excluder: Ignore, out: ScanRoot, diagnostics: Diagnostic[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    diagnostics.push({ level: 'error', where: dir, message: `cannot read directory: ${(e as Error).message}` });
    return;
  }
  const rules = [...parents];
  if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
    try {
      rules.push({ base: dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) });
    } catch {
      /* unreadable .gitignore: walk as if absent */
    }
  }
  const ignored = (abs: string, isDir: boolean): boolean => {
    const relRoot = toPosix(relative(root, abs)) + (isDir ? '/' : '');
    if (relRoot && excluder.ignores(relRoot)) return true;
    return rules.some(({ base, ig }) => {
      const rel = toPosix(relative(base, abs)) + (isDir ? '/' : '');
      return rel !== '' && !rel.startsWith('..') && ig.ignores(rel);
    });
  };
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const abs = join(dir, e.name);
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name) || e.name.endsWith('.egg-info')) continue;
      if (existsSync(join(abs, 'pyvenv.cfg'))) continue; // a virtualenv under any name
      if (ignored(abs, true)) continue;
      walk(root, abs, rules, excluder, out, diagnostics);
    } else if (e.isFile()) {
      if (ignored(abs, false)) continue;
      if (e.name.endsWith('.py')) out.python.push(abs);
      else if (DEPENDENCY_FILES.test(e.name)) out.dependencyFiles.push(abs);
      else if (isConfigFileName(e.name)) out.configFiles.push(abs);
      else if (IAC_FILE.test(e.name) && !e.name.endsWith('.d.ts')) addIac(out, abs);
    }
  }
}

function addIac(out: ScanRoot, abs: string): void {
  if (abs.endsWith('.json')) out.iac.json.push(abs);
  else if (abs.endsWith('.tf')) out.iac.terraform.push(abs);
  else out.iac.typescript.push(abs);
}
