// The web shell: the start page is Swedish with English available, accessible, and sent with a strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, seriousViolations } from './helpers.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('start page is Swedish, switches to English, and has no serious accessibility violations', async () => {
  const page = await browser.newPage();
  const res = await page.goto(server.url + '/');
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
  assert.equal(await page.getAttribute('html', 'lang'), 'sv');
  assert.equal(await page.textContent('h1'), 'Stegvis – ekonomiskt bistånd');
  assert.deepEqual(await seriousViolations(page), []);

  await page.click('header >> text=English');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok((await page.textContent('body')).includes('Sign in'));
  assert.deepEqual(await seriousViolations(page), []);
});

test('the skip link is the first thing a keyboard user reaches', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/sprak/sv?next=/');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert.equal(focused, 'Hoppa till innehållet');
});
