/**
 * The live half of `make demo`: runs the example service (examples/profiles-api: FastAPI/Starlette from
 * Debian under uvicorn, reading dynalite) and its fixed twin on loopback, and scans each together with its
 * source, as `crossread scan examples/profiles-api --url http://127.0.0.1:PORT --cookie session=u1
 * --param user_id=u2 --verify` would: the victim is signed in as u1, the attacker page asks for u2's
 * profile. Prints the text reports, writes JSON and SARIF reports and the attacker pages to reports/.
 * Stops everything it started.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { scan } from '../src/engine/scan.ts';
import { render } from '../src/report/index.ts';
import { knowledge as allKnowledge } from '../src/cli/main.ts';
import { pythonStackSkipReason, startDynalite, startExample } from '../test/servers/harness.ts';

const skip = pythonStackSkipReason();
if (skip) {
  console.log(`live demo skipped: ${skip}`);
  process.exit(0);
}
const knowledge = allKnowledge();
mkdirSync('reports', { recursive: true });
const dynamo = await startDynalite({ seed: false });
const names = ['profiles-api', 'profiles-api-fixed'] as const;
const apps = await Promise.all(names.map((n) => startExample(n, dynamo.endpoint)));
const problems: string[] = [];
try {
  for (const [i, app] of apps.entries()) {
    const name = names[i];
    console.log(`== crossread scan examples/${name} --url ${app.url} --cookie session=u1 --param user_id=u2 --verify ==`);
    const result = await scan({
      paths: [`examples/${name}`, app.url],
      live: { origins: ['https://app.example.com'], cookie: 'session=u1', params: { user_id: 'u2' } },
      verify: { pocDir: `reports/poc-${name}` },
    });
    process.stdout.write(render('text', result, { color: false, knowledge }));
    writeFileSync(`reports/${name}-live.json`, render('json', result, { color: false, knowledge }));
    writeFileSync(`reports/${name}-live.sarif`, render('sarif', result, { color: false, knowledge }));
    writeFileSync(`reports/${name}-live.html`, render('html', result, { color: false, knowledge }));
    const bola = result.chains.find((c) => c.id === 'cross-origin-bola' && c.route.path === '/profiles/{user_id}');
    if (name === 'profiles-api' && !(bola?.proof?.readable && bola.proof.status === 200)) problems.push('the vulnerable example shows no browser-proved cross-origin-bola chain on GET /profiles/{user_id}');
    if (name === 'profiles-api-fixed' && (result.chains.length || !['A', 'B'].includes(result.grade.grade))) problems.push(`the fixed twin has ${result.chains.length} chains and grade ${result.grade.grade}`);
  }
} finally {
  await Promise.all(apps.map((a) => a.close()));
  await dynamo.close();
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
} else {
  console.log('Live reports and attacker pages written to reports/ (open reports/poc-profiles-api/*.html from the origin each page names).');
}
