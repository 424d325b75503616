// The receipt after an online application: what was sent, when, and what happens next; opened again from Mina sidor.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, seriousViolations, signIn } from './helpers.mjs';
import { serveSmallTown } from './global.mjs';

let server;
let browser;
const files = mkdtempSync(join(tmpdir(), 'stegvis-receipt-'));
const notice = join(files, 'hyresavi-december.pdf');
writeFileSync(notice, '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

before(async () => {
  server = await serveSmallTown();
});

after(async () => {
  await browser?.close();
  server?.stop();
  rmSync(files, { recursive: true, force: true });
});

test('an online application ends on its receipt, which Mina sidor opens again', async () => {
  browser = await launchBrowser();
  const page = await browser.newPage();
  await signIn(page, server.url, 'sokande2');
  await page.click('nav >> text=Ansök om ekonomiskt bistånd');
  // The first month open to this applicant (this month or the next).
  const month = await page.$eval('#month', (select) => select.value);
  // Typed the way people type amounts: spaces, "kr", ":-".
  await page.fill('#rent', '6 500 kr');
  await page.fill('#electricity', '350:-');
  await page.setInputFiles('#file_1', notice);
  await page.selectOption('#kind_1', 'underlag');
  await page.click('button:has-text("Skicka ansökan")');

  const receiptPath = new URL(page.url()).pathname;
  if (!/^\/mina-sidor\/ansokan\/\d+$/.test(receiptPath)) console.error(await page.textContent('main'));
  assert.match(receiptPath, /^\/mina-sidor\/ansokan\/\d+$/);
  const receipt = await page.textContent('main');
  assert.match(receipt, /Kvitto på din ansökan/);
  assert.match(receipt, /Din ansökan är skickad/);
  assert.ok(receipt.includes(month), month);
  // The fixed clock is 10:00 UTC on 23 November: 11:00 in Sweden.
  assert.match(receipt, /2026-11-23 11:00/);
  assert.match(receipt, /Hyra\s*6\s500 kr/);
  assert.match(receipt, /Hushållsel\s*350 kr/);
  assert.match(receipt, /hyresavi-december\.pdf/);
  assert.match(receipt, /Vad händer nu/);
  assert.deepEqual(await seriousViolations(page), []);

  // Mina sidor links to the same receipt.
  await page.goto(server.url + '/mina-sidor');
  await page.locator('a', { hasText: `Kvitto ${month}` }).click();
  assert.equal(new URL(page.url()).pathname, receiptPath);
  const again = await page.textContent('main');
  assert.match(again, /hyresavi-december\.pdf/);
  assert.doesNotMatch(again, /Din ansökan är skickad/);
});
