// a11y.test.mjs: axe-core on the main pages; any "serious" or "critical" violation fails, the rest is printed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axe, checkA11y, startKalem } from './harness.mjs';

let k;
// bypassCSP: page.addScriptTag inserts axe-core as an inline script, which the server's CSP (rightly) blocks.
before(async () => { k = await startKalem(import.meta.url, { bypassCSP: true }); });
after(() => k?.stop());

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
  await checkA11y(t, page, 'login');
  await k.login(page, 'admin', 'yanlis-parola-1');
  await page.getByRole('alert').waitFor();
  await checkA11y(t, page, 'login with error');
}));

test('the home page', (t) => k.run(t, async (page) => {
  await k.login(page);
  await checkA11y(t, page, 'home');
}));

test('the directorates list and search', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/directorates');
  await checkA11y(t, page, 'directorates');
  await visit(page, '/directorates?q=zzzyok');
  await checkA11y(t, page, 'directorates (empty search)');
}));

test('the directorate form, empty and with errors', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/directorates/new');
  await checkA11y(t, page, 'directorate form');
  await page.getByLabel(/E-posta/).fill('not-an-address');
  await page.getByLabel(/Telefon/).fill('12');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  assert.ok(await page.locator('p.error').count() >= 3, 'several errors are shown');
  await checkA11y(t, page, 'directorate form with errors');
}));

test('the parties list and form', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/parties');
  await checkA11y(t, page, 'parties');
  await visit(page, '/parties/new');
  await checkA11y(t, page, 'party form');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  await checkA11y(t, page, 'party form with errors');
}));

test('the English pages', (t) => k.run(t, async (page) => {
  await k.login(page);
  await visit(page, '/directorates?lang=en');
  await checkA11y(t, page, 'directorates (en)');
  await visit(page, '/directorates/new');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').waitFor();
  await checkA11y(t, page, 'directorate form with errors (en)');
}));
