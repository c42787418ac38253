/**
 * `npm run report:screenshot`: renders the HTML report of the example service and saves a full-page PNG
 * of it as Debian's Chromium draws it (reports/report.png, and the HTML next to it) for review.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { scan } from '../src/engine/scan.ts';
import { render } from '../src/report/index.ts';
import { knowledge } from '../src/cli/main.ts';
import { CHROMIUM_PATHS } from '../src/verify/browser.ts';
import { existsSync } from 'node:fs';

const out = resolve(process.argv[2] ?? 'reports');
mkdirSync(out, { recursive: true });
const result = await scan({ paths: ['examples/profiles-api'] });
const html = render('html', result, { color: false, knowledge: knowledge() });
const file = resolve(out, 'report.html');
writeFileSync(file, html);
const executablePath = CHROMIUM_PATHS.find((p) => existsSync(p));
if (!executablePath) throw new Error(`no Chromium at ${CHROMIUM_PATHS.join(' or ')}: apt-get install -y chromium`);
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.goto(pathToFileURL(file).href);
  await page.screenshot({ path: resolve(out, 'report.png'), fullPage: true });
  console.log(`wrote ${resolve(out, 'report.html')} and ${resolve(out, 'report.png')}`);
} finally {
  await browser.close();
}
