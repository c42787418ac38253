/**
 * The blocks of live-check pages marked ` live` run for real: FastAPI apps under uvicorn (Debian's FastAPI, boto3
 * pointed at dynalite), Lambda handlers behind a stand-in for API Gateway's proxy integration (REST API or HTTP
 * API event shape), each probed by crossread's live scan; a vulnerable block must show the page's check, a fixed
 * block must not.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LIVE_CHECKS } from '../src/live/judge.ts';
import { codeBlocks, frontMatter, knowledgeFile, stackById } from '../src/knowledge/index.ts';
import { scan } from '../src/engine/scan.ts';
import { closeAll, EXAMPLE_DATA, pythonStackSkipReason, seedTables, startBlockApp, startDynalite, startLambdaApp, type DynaliteHandle } from './servers/harness.ts';

const FASTAPI = stackById('fastapi-dynamodb');
const LAMBDA = stackById('lambda-dynamodb');
const ENV = { JWT_PUBLIC_KEY: 'test-key', JWT_ISSUER: 'https://issuer.example.com' };

describe('knowledge: live blocks run against the probe', { skip: pythonStackSkipReason() }, () => {
  let dyn: DynaliteHandle;
  before(async () => {
    dyn = await startDynalite({ seed: false });
  });
  after(() => closeAll([dyn]));

  const without: string[] = [];
  let fixed = 0;
  let lambdaChecks = 0;
  for (const check of LIVE_CHECKS) for (const stack of [FASTAPI, LAMBDA]) {
    const file = knowledgeFile(check.id, stack);
    const { body } = frontMatter(readFileSync(file, 'utf8'));
    const blocks = codeBlocks(body).filter((b) => b.live);
    if (stack === FASTAPI && !blocks.some((b) => b.kind === 'vulnerable')) without.push(check.id);
    if (stack === LAMBDA && blocks.some((b) => b.kind === 'vulnerable')) lambdaChecks++;
    fixed += blocks.filter((b) => b.kind === 'fixed').length;
    for (const b of blocks) {
      test(`${check.id} [${stack.id}] line ${b.line}: ${b.kind} block ${b.kind === 'vulnerable' ? 'shows' : 'does not show'} ${check.id} live${b.live!.shape ? ` (${b.live!.shape === 'rest' ? 'REST API' : 'HTTP API'} event)` : ''}`, async () => {
        const dir = mkdtempSync(join(tmpdir(), 'crossread-kb-live-'));
        writeFileSync(join(dir, 'app.py'), b.code);
        const o = b.live!;
        // a block that needs data gets a DynamoDB of its own, so the others keep failing on missing tables
        const own = o.seed.length ? await startDynalite({ seed: false }) : undefined;
        // `seed:users` holds the two example profiles keyed by user_id; `seed:customers/customer_id` the same keyed by customer_id
        if (own) {
          await seedTables(
            own.endpoint,
            o.seed.map((spec) => {
              const [name, key = 'user_id'] = spec.split('/');
              return { name, key: [key], items: EXAMPLE_DATA.profiles.map((p) => ({ ...p, [key]: p.user_id })) };
            }),
          );
        }
        const endpoint = (own ?? dyn).endpoint;
        // a Lambda handler behind a stand-in for API Gateway's proxy integration, probed on its route; a FastAPI app through its OpenAPI document
        const route = o.route ?? '/items';
        const app = o.shape ? await startLambdaApp(dir, endpoint, o.shape, route, ENV) : await startBlockApp(dir, endpoint, ENV);
        try {
          const target = o.shape ? `${app.url}${route.replace(/\{(\w+)\+?\}/g, (_m, name: string) => o.params[name] ?? 'u1')}` : app.url;
          const r = await scan({
            paths: [target],
            cwd: dir,
            live: { ...(o.shape ? {} : { openapiUrl: `${app.url}/openapi.json` }), origins: o.origins, params: o.params, ...(o.cookie ? { cookie: 'session=u1' } : {}), rate: 0, maxRequests: 400 },
          });
          const noise = r.findings.filter((f) => o.absent.includes(f.ruleId));
          assert.deepEqual(noise.map((f) => `${f.ruleId}: ${f.message}`), [], 'checks the block says must not show');
          const seen = r.findings.filter((f) => f.ruleId === check.id);
          assert.equal(seen.length > 0, b.kind === 'vulnerable', `${seen.map((f) => f.message).join('\n') || `not seen; findings: ${r.findings.map((f) => f.ruleId).join(', ')}`}\n${app.output()}`);
        } finally {
          await app.close();
          await own?.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
  test('every live check has a vulnerable FastAPI block and a vulnerable Lambda handler block that run live, and most have a fixed one', () => {
    assert.deepEqual(without, [], 'live checks whose FastAPI page runs no vulnerable block live');
    assert.ok(fixed >= 10, `only ${fixed} fixed blocks run live`);
    assert.equal(lambdaChecks, LIVE_CHECKS.length, "every live check runs a Lambda handler block live too");
  });
});
