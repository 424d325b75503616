// Shared set-up for the browser tests: start the stegvis server on a free port, launch Debian's chromium
// headless through playwright-core, and run axe-core on a page.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The stegvis binary under test. */
export function binary() {
  return process.env.STEGVIS_BIN ?? join(root, 'target', 'debug', 'stegvis');
}

/** Start `stegvis <args>` and resolve with its base URL once it prints its address. */
export async function startServer(args = ['serve'], env = {}) {
  const child = spawn(binary(), args, {
    env: {
      ...process.env,
      STEGVIS_LISTEN: '127.0.0.1:0',
      // A plain-HTTP demo on loopback: insecure cookies and the demo accounts are allowed only in demo mode.
      STEGVIS_DEMO_MODE: 'true',
      STEGVIS_SECURE_COOKIES: 'false',
      STEGVIS_DATABASE_URL: 'sqlite::memory:',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${seen}`)), 120_000);
    child.stderr.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/stegvis: (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${seen}`)); });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/**
 * Launch headless chromium with a fresh profile (its own --user-data-dir); never downloads a browser.
 * Each call is one independent browser user: cookies are not shared between calls.
 */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'stegvis-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic'],
    // axe-core is injected as an inline script, which our strict CSP forbids: only the test bypasses it.
    bypassCSP: true,
    locale: 'sv-SE',
  });
  return {
    context,
    newPage: () => context.newPage(),
    close: async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); },
  };
}

/** axe-core violations of impact serious or critical on the current page (WCAG 2.1 A and AA rules). */
export async function seriousViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
}

/** Signs in through the form, as a person would. */
export async function signIn(page, url, username, password = 'demo') {
  await page.goto(url + '/login');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

/** Anything that looks like a personnummer (YYYYMMDD-NNNN or YYMMDD-NNNN). */
export const PERSONNUMMER = /(\d{6}|\d{8})[-+]\d{4}/;
