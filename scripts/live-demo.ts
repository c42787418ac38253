/**
 * The live half of `make demo`: starts a real FastAPI app (Debian's FastAPI/Starlette under uvicorn, reading
 * dynalite) with allow_origins=["*"] and allow_credentials=True, and its fixed twin, on loopback; scans both
 * through their /openapi.json; prints the text reports and writes JSON reports to reports/. Stops everything.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { scan } from '../src/engine/scan.ts';
import { render } from '../src/report/index.ts';
import { loadKnowledge } from '../src/knowledge/index.ts';
import { LIVE_CHECKS } from '../src/live/judge.ts';
import { pythonStackSkipReason, startDynalite, startFastApi } from '../test/servers/harness.ts';

const skip = pythonStackSkipReason();
if (skip) {
  console.log(`live demo skipped: ${skip}`);
  process.exit(0);
}
const knowledge = Object.fromEntries(LIVE_CHECKS.map((c) => [c.id, loadKnowledge(c.id)]));
mkdirSync('reports', { recursive: true });
const dynamo = await startDynalite();
const apps = await Promise.all([false, true].map((fixed) => startFastApi('wildcard-credentials', { dynamoEndpoint: dynamo.endpoint, fixed })));
let failed = false;
try {
  for (const app of apps) {
    const name = app.fixed ? 'live-fixed' : 'live';
    console.log(`== live scan of a FastAPI app on ${app.url} (${app.fixed ? 'fixed twin: an explicit allowlist' : 'allow_origins=["*"], allow_credentials=True'}) ==`);
    const result = await scan({ paths: [app.url], live: { origins: ['https://app.example.com'] } });
    process.stdout.write(render('text', result, { color: false, knowledge }));
    writeFileSync(`reports/profiles-${name}.json`, render('json', result, { color: false, knowledge }));
    if (app.fixed && result.findings.some((f) => f.ruleId.startsWith('live-cors-') && f.severity !== 'info')) failed = true;
  }
} finally {
  await Promise.all(apps.map((a) => a.close()));
  await dynamo.close();
}
if (failed) {
  console.error('the fixed twin still has a CORS finding above info');
  process.exitCode = 1;
}
