// The whole month: an applicant applies online, a caseworker decides, a payment run is approved by a second
// person, and the applicant reads the decision with its explanation and appeals it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, seriousViolations, signIn } from './helpers.mjs';
import { serveSmallTown, TODAY } from './global.mjs';

let server;
const browsers = [];
// The applicant's attachment: a small but real PDF, written where the browser can pick it up.
const files = mkdtempSync(join(tmpdir(), 'stegvis-attach-'));
const statement = join(files, 'kontoutdrag-november.pdf');
writeFileSync(statement, '%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

before(async () => {
  // A limit of 1,000 kr: any real run needs a second person's approval.
  server = await serveSmallTown({ STEGVIS_APPROVAL_THRESHOLD_KR: '1000' });
});

after(async () => {
  for (const b of browsers) await b.close();
  server?.stop();
  rmSync(files, { recursive: true, force: true });
});

// Each role lands on the page for its work: an applicant on their own pages, staff on /hem.
async function userPage(username) {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.newPage();
  await signIn(page, server.url, username);
  const start = username.startsWith('sokande') ? '/mina-sidor' : '/hem';
  assert.equal(new URL(page.url()).pathname, start, `${username} signed in`);
  return page;
}

test('apply, decide, pay with two people, read the decision', async () => {
  // 1. The applicant applies for next month (this month's application is already in), with a bank statement.
  const applicant = await userPage('sokande1');
  await applicant.click('nav >> text=Ansök om ekonomiskt bistånd');
  assert.deepEqual(await seriousViolations(applicant), []);
  await applicant.selectOption('#month', '2026-12');
  await applicant.fill('#rent', '5400');
  await applicant.fill('#electricity', '350');
  await applicant.fill('#home_insurance', '120');
  await applicant.setInputFiles('#file_1', statement);
  await applicant.selectOption('#kind_1', 'underlag');
  await applicant.click('button:has-text("Skicka ansökan")');
  // The receipt (e2e/tests/receipt.test.mjs checks it), then Mina sidor.
  if (!/^\/mina-sidor\/ansokan\/\d+$/.test(new URL(applicant.url()).pathname)) {
    console.error(await applicant.textContent('main'));
  }
  assert.match(new URL(applicant.url()).pathname, /^\/mina-sidor\/ansokan\/\d+$/);
  await applicant.goto(server.url + '/mina-sidor');
  const december = applicant.locator('tbody tr', { hasText: '2026-12' });
  assert.match(await december.textContent(), /Inkommen/);
  assert.match(await december.textContent(), /kontoutdrag-november\.pdf/);
  assert.deepEqual(await seriousViolations(applicant), []);

  // 2. The caseworker finds it (all in the unit, newest first), investigates and decides.
  const caseworker = await userPage('handlaggare');
  await caseworker.goto(server.url + '/arenden?vy=alla&sortera=inkommen');
  await caseworker.locator('tbody tr:has(a[href^="/ansokan/"])', { hasText: '2026-12' }).first()
    .locator('a[href^="/ansokan/"]').click();
  assert.match(new URL(caseworker.url()).pathname, /^\/ansokan\/\d+$/);
  assert.match(await caseworker.textContent('main'), /Hyra/);
  // The attachment is listed with its kind, and links to its download.
  const attachment = caseworker.locator('tbody tr', { hasText: 'kontoutdrag-november.pdf' });
  assert.match(await attachment.textContent(), /Underlag/);
  assert.match(await attachment.locator('a').getAttribute('href'), /^\/dokument\/\d+$/);
  assert.deepEqual(await seriousViolations(caseworker), []);
  await caseworker.click('button:has-text("Påbörja utredning")');
  // The investigation: a salary the applicant did not declare, established from the employer's statement.
  await caseworker.selectOption('#fact', 'income');
  await caseworker.selectOption('#member', '0');
  await caseworker.selectOption('#income_kind', 'salary');
  await caseworker.fill('#value', '2 000 kr');
  await caseworker.fill('#reason', 'Lön för november enligt arbetsgivarens intyg.');
  await caseworker.selectOption('#source', 'register');
  await caseworker.fill('#source_detail', 'Arbetsgivarintyg 1 december');
  await caseworker.click('button:has-text("Spara uppgiften")');
  const facts = await caseworker.textContent('main');
  assert.match(facts, /\(ändrad\)/);
  assert.match(facts, /arbetsgivarens intyg/);
  assert.deepEqual(await seriousViolations(caseworker), []);
  // The whole decision: as calculated, plus dental care (livsföring i övrigt).
  await caseworker.check('input[name=outcome][value=bifall]');
  await caseworker.selectOption('#purpose_1', 'tandvard');
  await caseworker.fill('#what_1', 'Akut tandvård enligt kostnadsförslag');
  await caseworker.fill('#applied_1', '1 800');
  await caseworker.fill('#granted_1', '1 800');
  await caseworker.fill('#item_reasons_1', 'Akut behandling är en del av skälig levnadsnivå.');
  await caseworker.click('button:has-text("Besluta")');
  assert.match(new URL(caseworker.url()).pathname, /^\/beslut\/\d+$/);
  const decided = await caseworker.textContent('main');
  assert.match(decided, /Så räknades beloppet fram/);
  assert.match(decided, /Akut tandvård enligt kostnadsförslag/);
  assert.match(decided, /Uppgifter som ändrats i utredningen/);

  // 3. The caseworker prepares the payment run; above the limit they may not approve it themselves.
  await caseworker.click('nav >> text=Utbetalningar');
  await caseworker.fill('#pay_date', TODAY);
  await caseworker.click('button:has-text("Skapa omgång")');
  const runUrl = caseworker.url();
  assert.match(new URL(runUrl).pathname, /^\/utbetalningar\/\d+$/);
  assert.deepEqual(await seriousViolations(caseworker), []);
  await caseworker.click('button:has-text("Attestera")');
  assert.match(await caseworker.textContent('main'), /annan person/);

  // 4. The unit manager approves and exports.
  const manager = await userPage('chef');
  await manager.goto(runUrl);
  await manager.click('button:has-text("Attestera")');
  await manager.click('button:has-text("Exportera till banken")');
  assert.match(await manager.textContent('dl.facts'), /Skickad till banken/);
  // The bank confirms the run: only now is the money paid.
  await manager.click('button:has-text("Banken har betalat ut")');
  assert.match(await manager.textContent('dl.facts'), /Utbetald/);

  // 5. The applicant reads the decision, line by line, with how to appeal.
  await applicant.goto(server.url + '/mina-sidor');
  await applicant.locator('tbody tr', { hasText: '2026-12' }).locator('a', { hasText: 'Visa beslutet' }).click();
  const text = await applicant.textContent('main');
  assert.match(text, /Så räknades beloppet fram/);
  assert.match(text, /Hyra/);
  assert.match(text, /Så överklagar du/);
  assert.deepEqual(await seriousViolations(applicant), []);
  // The letter, as the applicant downloads it.
  const letterHref = await applicant.locator('a[href$="/brev.pdf"]').getAttribute('href');
  const letter = await applicant.request.get(server.url + letterHref);
  assert.equal(letter.status(), 200);
  assert.equal(letter.headers()['content-type'], 'application/pdf');
  assert.ok((await letter.body()).subarray(0, 5).toString() === '%PDF-');

  // 6. …and appeals it in the e-service, within the three weeks.
  await applicant.fill('#grounds', 'Hyran ska godtas i sin helhet.');
  await applicant.click('button:has-text("Skicka överklagandet")');
  assert.match(await applicant.textContent('main'), /Inkommet i tid/);
});
