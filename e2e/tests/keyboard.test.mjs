// The caseworker's whole flow with the keyboard only: sign in, open an application from "Mina ärenden", start the
// investigation, decide, and read the decision. No mouse click and no `fill`: every control is reached with Tab
// (or Shift+Tab) and used with Enter, Space or typing, as someone who cannot use a mouse works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, seriousViolations } from './helpers.mjs';
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

/**
 * Presses Tab until the focused element satisfies `wanted` (evaluated in the page on `document.activeElement`);
 * fails if it is not reached within `limit` presses: then the control cannot be reached by keyboard.
 */
async function tabTo(page, wanted, what, limit = 250) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(wanted)) return;
  }
  assert.fail(`${what} cannot be reached with Tab`);
}

/** The focused element is visibly marked (an outline or a box shadow), so a keyboard user sees where they are. */
async function focusVisible(page) {
  return page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  });
}

test('a caseworker signs in, investigates and decides with the keyboard only', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '/login');

  await tabTo(page, () => document.activeElement?.id === 'username', 'the username field');
  assert.ok(await focusVisible(page), 'focus is visible on the username field');
  await page.keyboard.type('handlaggare');
  await tabTo(page, () => document.activeElement?.id === 'password', 'the password field');
  await page.keyboard.type('demo');
  await Promise.all([page.waitForURL((u) => u.pathname === '/hem'), page.keyboard.press('Enter')]);

  // "Mina ärenden": the first application assigned to the caseworker.
  await tabTo(page, () => /^\/ansokan\/\d+$/.test(document.activeElement?.getAttribute?.('href') ?? ''),
    'an application in the queue');
  assert.ok(await focusVisible(page), 'focus is visible on the link');
  await Promise.all([page.waitForURL((u) => /^\/ansokan\/\d+$/.test(u.pathname)), page.keyboard.press('Enter')]);
  const application = new URL(page.url()).pathname;

  await tabTo(page, () => document.activeElement?.tagName === 'BUTTON'
    && /Påbörja utredning/.test(document.activeElement.textContent), 'the button that starts the investigation');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.equal(new URL(page.url()).pathname, application);

  // The decision: as calculated, chosen with Space on its radio button.
  await tabTo(page, () => document.activeElement?.name === 'outcome', 'the outcome choice');
  for (let i = 0; i < 4; i += 1) {
    if (await page.evaluate(() => document.activeElement?.value === 'bifall')) break;
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('input[name=outcome][value=bifall]'), 'bifall is chosen by keyboard');
  await tabTo(page, () => document.activeElement?.tagName === 'BUTTON'
    && /^\s*Besluta\s*$/.test(document.activeElement.textContent), 'the decide button');
  await Promise.all([page.waitForURL((u) => /^\/beslut\/\d+$/.test(u.pathname)), page.keyboard.press('Enter')]);
  const decided = await page.textContent('main');
  assert.match(decided, /Så räknades beloppet fram/);
  assert.doesNotMatch(decided, /\(P\d+\)/, 'members are named, not numbered');
  assert.deepEqual(await seriousViolations(page), []);
});
