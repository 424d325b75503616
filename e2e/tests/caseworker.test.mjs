// A caseworker signs in, opens the work queue and a household; a board member is refused every personal page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, seriousViolations, signIn, PERSONNUMMER } from './helpers.mjs';
import { serveSmallTown } from './global.mjs';

let server;
let browser;

before(async () => {
  server = await serveSmallTown();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('a caseworker reaches a household from the work queue', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'handlaggare');
  assert.equal(new URL(page.url()).pathname, '/hem');
  assert.deepEqual(await seriousViolations(page), []);

  // The start page is the caseworker's own list: the demo gives them some of this month's applications.
  assert.match(await page.textContent('h2#lista'), /Mina ärenden: ansökningar \([1-9]\d*\)/);
  await page.click('nav >> text=Ärendekö');
  assert.equal(new URL(page.url()).pathname, '/arenden');
  const rows = await page.locator('tbody tr').count();
  assert.ok(rows > 0, 'the queue has open applications');
  assert.deepEqual(await seriousViolations(page), []);

  await page.locator('tbody tr a[href^="/hushall/"]').first().click();
  const household = new URL(page.url()).pathname;
  assert.match(household, /^\/hushall\/\d+$/);
  assert.match(await page.textContent('main'), PERSONNUMMER);
  assert.match(await page.textContent('main'), /Medlemmar över tid/);
  assert.deepEqual(await seriousViolations(page), []);

  // A follow-up without a reason is refused next to its field; with one, it is listed on the household page.
  await page.fill('#due', '2026-11-30');
  await page.click('text=Lägg till bevakning');
  assert.match(await page.textContent('#reason-error'), /skriv vad som ska följas upp/);
  assert.equal(await page.getAttribute('#reason', 'aria-invalid'), 'true');
  assert.deepEqual(await seriousViolations(page), []);
  await page.fill('#reason', 'Hyresavi inför december');
  await page.click('text=Lägg till bevakning');
  assert.equal(new URL(page.url()).pathname, household);
  assert.match(await page.textContent('#bevakningar ~ table'), /Hyresavi inför december/);
  await page.goto(server.url + '/arenden?vy=alla&typ=bevakningar');
  assert.match(await page.textContent('main'), /Hyresavi inför december/);
  assert.deepEqual(await seriousViolations(page), []);

  await page.click('text=Logga ut');
  assert.equal(new URL(page.url()).pathname, '/utloggad');
  assert.match(await page.textContent('h1'), /Du är utloggad/);
  const res = await page.goto(server.url + '/arenden');
  assert.equal(new URL(page.url()).pathname, '/login', `after sign-out: ${res.status()}`);
});

test('wrong password shows the error next to the field and keeps the username', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'handlaggare', 'fel');
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.match(await page.textContent('.error-summary'), /Fel användarnamn eller lösenord/);
  assert.equal(await page.inputValue('#username'), 'handlaggare');
  assert.deepEqual(await seriousViolations(page), []);
});

test('a board member gets 403 on personal pages and sees no personnummer anywhere', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'politiker');
  assert.equal(new URL(page.url()).pathname, '/hem');
  assert.doesNotMatch(await page.content(), PERSONNUMMER);
  assert.equal(await page.locator('a[href="/arenden"]').count(), 0);
  for (const path of ['/arenden', '/hushall/1', '/hushall/2', '/hushall/999999']) {
    const res = await page.goto(server.url + path);
    assert.equal(res.status(), 403, path);
    assert.doesNotMatch(await page.content(), PERSONNUMMER, path);
  }
});
