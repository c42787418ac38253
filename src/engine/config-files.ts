/** Reads the non-Python files rules look at (.env files, CloudFormation/SAM and serverless templates); bad input becomes a diagnostic. */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isEnvFileName, parseEnvFile, type ConfigFile, type ConfigFiles } from '../code/config/env-files.ts';
import { parseTemplateEnvironment, templateKind } from '../code/config/template-env.ts';
import { MAX_FILE_BYTES } from './parse-files.ts';
import type { Diagnostic } from './types.ts';

/** `display` turns an absolute path into the path shown to users. */
export function readConfigFiles(paths: string[], display: (abs: string) => string, diagnostics: Diagnostic[]): ConfigFiles {
  const files: ConfigFile[] = [];
  for (const abs of paths) {
    const shown = display(abs);
    const name = basename(abs);
    let text: string;
    try {
      const size = statSync(abs).size;
      if (size > MAX_FILE_BYTES) {
        diagnostics.push({ level: 'warning', where: shown, message: `skipped: ${(size / 1048576).toFixed(1)} MB is over the ${MAX_FILE_BYTES / 1048576} MB limit for one file` });
        continue;
      }
      text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(abs));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      diagnostics.push({ level: 'error', where: shown, message: err instanceof TypeError ? 'not valid UTF-8; skipped' : `cannot read: ${err.code ?? err.message}` });
      continue;
    }
    if (isEnvFileName(name)) {
      const r = parseEnvFile(text, shown);
      for (const p of r.problems) diagnostics.push({ level: 'warning', where: shown, message: p });
      files.push(r.file);
      continue;
    }
    const kind = templateKind(text, name);
    if (kind !== 'cloudformation' && kind !== 'serverless') continue; // other YAML (CI workflows, compose files, manifests)
    try {
      const r = parseTemplateEnvironment(text, shown, kind);
      for (const p of r.problems) diagnostics.push({ level: 'warning', where: shown, message: p });
      files.push(r.file);
    } catch (e) {
      diagnostics.push({ level: 'error', where: shown, message: `cannot analyse: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return { files };
}
