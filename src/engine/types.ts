import type { Finding } from '../findings/index.ts';
import type { RuleMeta } from '../code/rules/rule.ts';

export interface Diagnostic {
  level: 'error' | 'warning';
  /** The file or URL concerned. */
  where?: string;
  message: string;
}

export interface ScanOptions {
  paths: string[];
  exclude?: string[];
  /** Worker threads for parsing; 0 = decide from the input size. */
  workers?: number;
  cwd?: string;
}

/** Everything a reporter needs; data only. */
export interface ScanResult {
  tool: { name: 'crossread'; version: string };
  targets: string[];
  findings: Finding[];
  suppressed: Finding[];
  diagnostics: Diagnostic[];
  rules: RuleMeta[];
  stats: { files: number; pythonFiles: number; bytes: number; durationMs: number };
  /** Routes and Lambda handlers found in the code, with auth style and DynamoDB operations. */
  routes: import('../code/inventory.ts').RouteEntry[];
  /** Infrastructure-as-code files read, with their format. */
  iac: { file: string; format: string }[];
  /** Starlette/FastAPI versions read from dependency files, per directory. */
  dependencies: { dir: string; starlette?: string; fastapi?: string; source: string }[];
}
