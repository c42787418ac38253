import { startDynalite, startExample } from './servers/harness.ts';
import { scan } from '../src/engine/scan.ts';
import { render } from '../src/report/index.ts';
const name = (process.argv[2] ?? 'profiles-api') as 'profiles-api';
const d = await startDynalite({ seed: false });
const app = await startExample(name, d.endpoint);
try {
  const r = await scan({ paths: [`examples/${name}`, app.url], live: { origins: ['https://app.example.com'], cookie: 'session=u1', params: { user_id: 'u2' }, rate: 0 }, verify: { pocDir: '/tmp/poc' } });
  console.log(render('text', r, { color: false, knowledge: {} }).split('\n').slice(0, Number(process.argv[3] ?? 80)).join('\n'));
  console.log(r.diagnostics);
} finally { await app.close(); await d.close(); }
