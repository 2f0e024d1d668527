// a11y.test.mjs: axe-core on the main pages; any "serious" or "critical" violation fails, the rest is printed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, startKalem } from './harness.mjs';

let k;
// bypassCSP: page.addScriptTag inserts axe-core as an inline script, which the server's CSP (rightly) blocks.
before(async () => { k = await startKalem(import.meta.url, { bypassCSP: true }); });
after(() => k?.stop());

/* Runs axe on the page as it is now; fails on serious/critical violations, reports the others as diagnostics. */
async function check(t, page, what) {
  const violations = await axe(page);
  const line = (v) => `${what}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes.slice(0, 5).map((n) => `    ${n.target}: ${n.html.slice(0, 160)}`).join('\n');
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((x) => !blocking.includes(x))) t.diagnostic(line(v));
  assert.equal(blocking.length, 0, `accessibility violations:\n${blocking.map(line).join('\n')}`);
}

async function visit(page, p) {
  const resp = await page.goto(k.url(p));
  assert.equal(resp.status(), 200, `${p} answers 200`);
}

test('axe runs and catches a planted violation (the check itself can fail)', (t) => k.run(t, async (page) => {
  await visit(page, '/login');
  await page.evaluate(() => {
    const i = document.createElement('input');
    i.id = 'planted';
    document.querySelector('main').append(i);
  });
  const ids = (await axe(page)).filter((v) => v.impact === 'critical').map((v) => v.id);
  assert.ok(ids.includes('label'), `an unlabelled input is reported: ${ids}`);
}));

test('the login page, also with an error', (t) => k.run(t, async (page) => {
  await visit(page, '/login');
  await check(t, page, 'login');
  await k.login(page, 'admin', 'yanlis-parola-1');
  await page.getByRole('alert').waitFor();
  await check(t, page, 'login with error');
}));

test('the home page', (t) => k.run(t, async (page) => {
  await k.login(page);
  await check(t, page, 'home');
}));

test('the directorates list and search', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/directorates');
  await check(t, page, 'directorates');
  await visit(page, '/directorates?q=zzzyok');
  await check(t, page, 'directorates (empty search)');
}));

test('the directorate form, empty and with errors', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/directorates/new');
  await check(t, page, 'directorate form');
  await page.getByLabel(/E-posta/).fill('not-an-address');
  await page.getByLabel(/Telefon/).fill('12');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  assert.ok(await page.locator('p.error').count() >= 3, 'several errors are shown');
  await check(t, page, 'directorate form with errors');
}));

test('the parties list and form', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/parties');
  await check(t, page, 'parties');
  await visit(page, '/parties/new');
  await check(t, page, 'party form');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  await check(t, page, 'party form with errors');
}));

test('the English pages', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/directorates?lang=en');
  await check(t, page, 'directorates (en)');
  await visit(page, '/directorates/new');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').waitFor();
  await check(t, page, 'directorate form with errors (en)');
}));
