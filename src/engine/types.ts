import type { Finding } from '../findings/index.ts';
import type { RuleMeta } from '../code/rules/rule.ts';

export interface Diagnostic {
  level: 'error' | 'warning';
  /** The file or URL concerned. */
  where?: string;
  message: string;
}

/** A live scan's settings (`crossread scan https://…`). */
export interface LiveOptions {
  origins?: string[];
  /** `--header 'Name: value'` and `--cookie 'a=b'`: sent only to the targets' hosts. */
  headers?: [string, string][];
  cookie?: string;
  /** `--targets FILE` and `--openapi FILE` (read by the CLI). */
  list?: { text: string; file: string };
  openapi?: { text: string; location: string };
  openapiUrl?: string;
  rate?: number;
  concurrency?: number;
  maxRequests?: number;
  timeoutMs?: number;
  maxEndpoints?: number;
  /** `--param name=value`: path parameters of the discovered operations filled with these values. */
  params?: Record<string, string>;
  /** Tests and benchmarks inject their own undici dispatcher. */
  dispatcher?: import('undici').Dispatcher;
  progress?: (line: string) => void;
}

export interface ScanOptions {
  /** Source paths to read, and http(s) URLs to probe. */
  paths: string[];
  live?: LiveOptions;
  exclude?: string[];
  /** `--verify`: run the attacker page of each readable live CORS finding and chain in headless Chromium. */
  verify?: { pocDir?: string; executablePath?: string };
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
  /** What a live scan probed: endpoints, requests, the stack it saw, what it discovered. */
  live?: { requests: number; endpoints: { url: string; template?: string; requests: number; failure?: string }[]; notes: string[]; fingerprint: import('../live/types.ts').Fingerprint; cookies: { name: string; sameSite?: string; where: string }[] };
  /** One entry per route across code, IaC and live, with its effective exposure and the findings on it. */
  routeIndex: import('../correlate/index.ts').RouteExposure[];
  /** Attack chains per route, worst first. */
  chains: import('../correlate/index.ts').Chain[];
  /** `--baseline`: how this scan compares with a previous report. */
  baseline?: import('./baseline.ts').BaselineDiff;
  /** The 0–100 score and A–F grade (docs/grading.md). */
  grade: import('../score/grade.ts').Grade;
  /** Infrastructure-as-code files read, with their format. */
  iac: { file: string; format: string }[];
  /** Starlette/FastAPI versions read from dependency files, per directory. */
  dependencies: { dir: string; starlette?: string; fastapi?: string; source: string }[];
}
