/**
 * Reads the infrastructure-as-code of a scan root into one IacModel: CloudFormation/SAM (YAML or JSON),
 * serverless.yml, Terraform (each directory a module), CDK apps in Python and TypeScript. Each file is
 * recognised by its content; bad input becomes a diagnostic naming the file, and the scan goes on.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { isCloudFormation, readCloudFormation } from '../code/iac/cloudformation.ts';
import { readServerless } from '../code/iac/serverless.ts';
import { readTerraform } from '../code/iac/terraform.ts';
import { looksLikeCdk, readCdk } from '../code/iac/cdk.ts';
import type { IacDocument, IacModel, ReadResult } from '../code/iac/model.ts';
import { MAX_IAC_BYTES, type ReaderInput } from '../code/iac/reader.ts';
import { toPosix } from './discover.ts';
import type { Diagnostic } from './types.ts';
import { suppressionsInText } from './suppress.ts';
import type { Suppression } from '../code/python/ir.ts';

/** A serverless.yml by name, or by its top-level `service:` and `provider:` keys. */
export function isServerless(text: string, name: string): boolean {
  return /^serverless\.ya?ml$/i.test(name) || (/^service\s*:/m.test(text) && /^provider\s*:/m.test(text));
}

export async function readIac(
  root: string,
  files: { templates: string[]; terraform: string[]; typescript: string[]; cdkPython: string[] },
  display: (abs: string) => string,
  diagnostics: Diagnostic[],
  /** Suppression comments found in the files read, by file as shown. */
  suppressions: Map<string, Suppression[]> = new Map(),
): Promise<IacModel> {
  const documents: IacDocument[] = [];
  const input = (abs: string): ReaderInput | undefined => {
    const shown = display(abs);
    try {
      const size = statSync(abs).size;
      if (size > MAX_IAC_BYTES) {
        diagnostics.push({ level: 'warning', where: shown, message: `skipped: ${(size / 1048576).toFixed(1)} MB is over the ${MAX_IAC_BYTES / 1048576} MB limit for an IaC file` });
        return undefined;
      }
      const text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(abs));
      const dir = toPosix(relative(root, dirname(abs)));
      return { text, file: shown, dir: dir === '.' ? '' : dir };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      diagnostics.push({ level: 'error', where: shown, message: err instanceof TypeError ? 'not valid UTF-8; skipped' : `cannot read: ${err.code ?? err.message}` });
      return undefined;
    }
  };
  const take = (where: string, r: ReadResult): void => {
    for (const p of r.problems) diagnostics.push({ level: r.document ? 'warning' : 'error', where, message: p });
    if (r.document) documents.push(r.document);
  };
  /** A file recognised as IaC: its suppression comments count (other JSON, YAML and TypeScript files are not read further). */
  const recognised = (i: ReaderInput): void => {
    const sups = suppressionsInText(i.text);
    if (sups.length) suppressions.set(i.file, sups);
  };
  const guard = async (i: ReaderInput, read: () => ReadResult | Promise<ReadResult>): Promise<void> => {
    recognised(i);
    try {
      take(i.file, await read());
    } catch (e) {
      diagnostics.push({ level: 'error', where: i.file, message: `cannot analyse: ${(e as Error).message.split('\n')[0]}` });
    }
  };

  for (const abs of files.templates) {
    const name = basename(abs);
    // only templates are read: other YAML and JSON (CI workflows, compose files, package.json) is left alone
    if (/^(package(-lock)?|tsconfig.*|composer|cdk|\.?eslintrc.*)\.json$/i.test(name)) continue;
    const i = input(abs);
    if (!i) continue;
    if (isCloudFormation(i.text)) await guard(i, () => readCloudFormation(i));
    else if (/\.ya?ml$/i.test(name) && isServerless(i.text, name)) await guard(i, () => readServerless(i));
  }

  // Terraform: every directory is a module, its files read together so references resolve across them
  const byDir = new Map<string, string[]>();
  for (const abs of files.terraform) byDir.set(dirname(abs), [...(byDir.get(dirname(abs)) ?? []), abs]);
  for (const list of byDir.values()) {
    const inputs = list.map(input).filter((x): x is ReaderInput => !!x);
    if (!inputs.length) continue;
    inputs.forEach(recognised);
    try {
      const r = await readTerraform(inputs);
      for (const p of r.problems) diagnostics.push({ level: 'warning', where: p.file, message: p.message });
      documents.push(...r.documents);
    } catch (e) {
      diagnostics.push({ level: 'error', where: display(dirname(list[0])), message: `cannot analyse the Terraform module: ${(e as Error).message.split('\n')[0]}` });
    }
  }

  for (const [list, language] of [
    [files.typescript, 'typescript'],
    [files.cdkPython, 'python'],
  ] as const) {
    for (const abs of list) {
      const i = input(abs);
      if (!i || !looksLikeCdk(i.text, language)) continue;
      await guard(i, () => readCdk(i, language));
    }
  }
  return { documents };
}
