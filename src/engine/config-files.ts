/** Reads committed .env files for the credential rule; bad input becomes a diagnostic. (Templates are read as IaC: iac-files.ts.) */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { isEnvFileName, parseEnvFile, type ConfigFile, type ConfigFiles } from '../code/config/env-files.ts';
import { MAX_FILE_BYTES } from './parse-files.ts';
import type { Diagnostic } from './types.ts';
import { suppressionsInText } from './suppress.ts';

/** `display` turns an absolute path into the path shown to users. */
export function readConfigFiles(paths: string[], display: (abs: string) => string, diagnostics: Diagnostic[]): ConfigFiles {
  const files: ConfigFile[] = [];
  for (const abs of paths) {
    if (!isEnvFileName(basename(abs))) continue; // YAML files are read as IaC
    const shown = display(abs);
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
    const r = parseEnvFile(text, shown);
    for (const p of r.problems) diagnostics.push({ level: 'warning', where: shown, message: p });
    const suppressions = suppressionsInText(text);
    files.push(suppressions.length ? { ...r.file, suppressions } : r.file);
  }
  return { files };
}
