// The caseworker's queue: a caseworker takes an unassigned application, filters and searches; the unit manager sees
// who has what and assigns an application to a caseworker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, seriousViolations, signIn } from './helpers.mjs';
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

/** The count in a view's tab, e.g. "Mina ärenden (12)" → 12. */
async function tabCount(page, label) {
  const text = await page.textContent(`nav.queue-views >> text=${label}`);
  return Number(text.match(/\((\d+)\)/)[1]);
}

test('a caseworker takes, filters and searches; the unit manager assigns', async () => {
  const page = await browser.newPage();
  await signIn(page, server.url, 'handlaggare');
  assert.equal(new URL(page.url()).pathname, '/hem');
  const mine = await tabCount(page, 'Mina ärenden');
  assert.ok(mine > 0, 'the demo caseworker starts with some applications');
  // Households are named by their people, never by a number.
  assert.doesNotMatch(await page.textContent('main'), /Hushåll \d/);
  assert.deepEqual(await seriousViolations(page), []);
  const caseworkerName = (await page.textContent('.who')).replace(/^.*?som\s+/, '').replace(/\s*\(.*$/, '').trim();

  // Take the first unassigned application: it moves to "Mina ärenden".
  await page.click('nav.queue-views >> text=Ej tilldelade');
  assert.equal(new URL(page.url()).searchParams.get('vy'), 'ej-tilldelade');
  const free = await tabCount(page, 'Ej tilldelade');
  assert.ok(free > 0, 'some applications are nobody\'s yet');
  await page.locator('tbody tr button:has-text("Ta ärendet")').first().click();
  assert.equal(new URL(page.url()).searchParams.get('vy'), 'ej-tilldelade');
  assert.equal(await tabCount(page, 'Mina ärenden'), mine + 1);
  assert.equal(await tabCount(page, 'Ej tilldelade'), free - 1);

  // Filter by month: every row is that month.
  await page.click('nav.queue-views >> text=Mina ärenden');
  await page.fill('#manad', '2026-11');
  await page.click('button:has-text("Visa")');
  assert.equal(new URL(page.url()).searchParams.get('manad'), '2026-11');
  for (const month of await page.locator('tbody tr td:nth-child(3)').allTextContents()) {
    assert.match(month, /2026-11/);
  }
  assert.deepEqual(await seriousViolations(page), []);

  // A month that is no month: the message is next to the field, and nothing is listed.
  await page.fill('#manad', 'november');
  await page.click('button:has-text("Visa")');
  assert.match(await page.textContent('.error-summary'), /ÅÅÅÅ-MM/);
  assert.equal(await page.getAttribute('#manad', 'aria-invalid'), 'true');
  assert.equal(await page.locator('tbody tr').count(), 0);
  assert.deepEqual(await seriousViolations(page), []);

  // Search by the start of the first applicant's name.
  await page.goto(server.url + '/arenden?vy=mina');
  const applicant = (await page.locator('tbody tr td:nth-child(4) a').first().textContent()).trim();
  await page.fill('#sok', applicant.slice(0, 4));
  await page.click('button:has-text("Visa")');
  const found = await page.locator('tbody tr td:nth-child(4)').allTextContents();
  assert.ok(found.length > 0 && found.some((name) => name.includes(applicant)), `${applicant} in ${found}`);

  // The unit manager sees the workload and who has what, and hands that application to nobody, then back.
  const manager = await browser.newPage();
  await signIn(manager, server.url, 'chef');
  assert.equal(new URL(manager.url()).pathname, '/hem');
  assert.match(await manager.textContent('main'), /Vem har vad/);
  assert.match(await manager.textContent('main'), new RegExp(caseworkerName));
  assert.deepEqual(await seriousViolations(manager), []);
  await manager.goto(server.url + `/arenden?vy=alla&sok=${encodeURIComponent(applicant.slice(0, 4))}`);
  const row = manager.locator('tbody tr', { hasText: caseworkerName }).first();
  await row.locator('select').selectOption({ label: 'Ingen (ej tilldelad)' });
  await row.locator('button:has-text("Tilldela")').click();
  assert.equal(new URL(manager.url()).searchParams.get('vy'), 'alla');
  const unassigned = manager.locator('tbody tr', { hasText: applicant }).first();
  assert.match(await unassigned.textContent(), /Ingen/);
  await unassigned.locator('select').selectOption({ label: caseworkerName });
  await unassigned.locator('button:has-text("Tilldela")').click();
  assert.match(await manager.locator('tbody tr', { hasText: applicant }).first().textContent(), new RegExp(caseworkerName));
  assert.deepEqual(await seriousViolations(manager), []);
});
