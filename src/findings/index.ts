export * from './severity.ts';
export * from './cwe.ts';
export * from './owasp.ts';
export * from './redact.ts';
export * from './finding.ts';
