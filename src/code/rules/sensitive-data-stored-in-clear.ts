import type { Label } from '../python/dataflow.ts';
import type { Rule } from './rule.ts';
import { at, frames, modelFields, placeText, routeFor } from './exposure-context.ts';

/** Attributes that must never be stored as written: passwords, card data, government ids, bearer secrets. */
const SECRET_ATTR = /^(\w+_)?(password|passwd|pwd|passcode|pin|card_number|pan|cvv|cvc|ssn|social_security(_number)?|tax_id|national_id|token|access_token|refresh_token|id_token|session_token|api_key|apikey|secret|client_secret|private_key)$/i;
/** Of those, the ones a fast digest does not protect (low entropy, guessable). */
const GUESSABLE = /password|passwd|pwd|passcode|pin|ssn|social_security|card_number|pan|tax_id|national_id/i;
/** A name that says the value is already protected or reduced. */
const PROTECTED_NAME = /hash|digest|last4|last_four|masked|encrypted|cipher|kms|fingerprint/i;

export const rule: Rule = {
  meta: {
    id: 'sensitive-data-stored-in-clear',
    topic: 'cleartext-storage',
    summary: 'Passwords, card numbers, government ids or tokens are written to DynamoDB in clear, or passwords with a fast hash (MD5, SHA-1, SHA-256).',
    cwe: [312, 916],
    owasp: ['API3:2023'],
    impact: 'high',
    likelihood: 'medium',
    confidence: 'medium',
    appliesTo: { framework: ['fastapi', 'lambda'], datastore: ['dynamodb'] },
    stability: 'experimental',
    remediation: 'Hash passwords with bcrypt, argon2 or scrypt (or PBKDF2 with a high iteration count), store tokens as a SHA-256 digest, and encrypt card data and government ids with KMS or keep only the last four digits.',
    limits:
      'Judges put_item Item dicts (also built in a variable, spread from a body model, or passed to a project helper) and update_item SET clauses by attribute name; items built by other means (transactions, batch writers of unknown tables) and encryption done by a DynamoDB client-side encryption library are not seen. Server-side table encryption (SSE) does not count: whoever can read the table reads the value.',
  },
  check({ project, report }) {
    const seen = new Set<string>();
    const once = (file: string, line: number): boolean => !seen.has(`${file}:${line}`) && !!seen.add(`${file}:${line}`);
    for (const { root, frame } of frames(project)) {
      for (const call of frame.fn.dynamo) {
        if (!call.writes?.length) continue;
        const where = placeText(project, frame.module, frame.fn);
        const finding = (line: number, file: string, text: string): void => {
          if (!once(file, line)) return;
          report({
            message: `${where} ${text}`,
            location: { file, start: { line, column: 1 } },
            route: routeFor(project, root.fn),
            evidence: [{ kind: 'code', file: frame.module.file, line: call.loc.line, snippet: call.snippet }],
          });
        };
        for (const w of project.flow.writesAt(call, frame)) {
          const strong = w.labels.some((l) => l.k === 'hashed' && l.strong);
          const weak = w.labels.find((l): l is Label & { k: 'hashed' } => l.k === 'hashed' && !l.strong);
          if (w.attr === '*') {
            // a whole body model, or a dict a caller built: judge the fields it carries
            const fields = w.labels.flatMap((l) => modelFields(project, frame.module, l)).filter((f) => SECRET_ATTR.test(f));
            const named = w.labels.filter((l): l is Label & { k: 'request' } => l.k === 'request' && SECRET_ATTR.test(l.name) && (l.path === undefined || l.path.length === 1)).map((l) => l.name);
            const clear = [...new Set([...fields, ...named])];
            if (clear.length && !strong) finding(call.loc.line, frame.module.file, `writes ${clear.join(', ')} to DynamoDB in clear (${call.op}): anyone who can read the table, a backup or an export reads them.`);
            continue;
          }
          if (!SECRET_ATTR.test(w.attr) && !(PROTECTED_NAME.test(w.attr) && GUESSABLE.test(w.attr))) continue;
          if (strong) continue;
          if (weak) {
            // a fast digest of a guessable secret is reversed by brute force; of a random token it is fine
            if (GUESSABLE.test(w.attr)) {
              const f = project.modules.find((m) => m.file === weak.file) ?? frame.module;
              finding(weak.line, f.file, `hashes ${w.attr} with ${weak.algo.replace(/^hashlib\./, '')} (a fast, unsalted digest) before storing it: GPUs try billions of guesses a second.`);
            }
            continue;
          }
          if (w.literal || PROTECTED_NAME.test(w.attr)) continue;
          finding(call.loc.line, frame.module.file, `writes ${w.attr} to DynamoDB in clear (${call.op}): anyone who can read the table, a backup or an export reads it.`);
        }
      }
    }
  },
};
