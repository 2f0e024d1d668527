// directorate.test.mjs: adding a directorate through the form, errors beside fields and in the summary, search.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => { k = await startKalem(import.meta.url); });
after(() => k?.stop());

/* Cells of the list's rows as trimmed text, one array per row. */
async function rows(page) {
  return page.locator('table.list tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
}

test('add a directorate through the form and find it in the list', (t) => k.run(t, async (page) => {
  await k.login(page);
  await page.getByRole('navigation', { name: 'Ana menü' }).getByRole('link', { name: 'Müdürlükler' }).click();
  await page.getByRole('heading', { level: 1, name: 'Müdürlükler' }).waitFor();
  await page.getByRole('link', { name: 'Müdürlük ekle' }).click();
  await page.getByRole('heading', { level: 1, name: 'Yeni müdürlük' }).waitFor();

  await page.getByLabel('Kod').fill('BLG');
  await page.getByLabel('Ad', { exact: true }).fill('Bilgi İşlem Müdürlüğü');
  await page.getByLabel(/Müdür/).fill('Gülşen Yıldırım');
  await page.getByLabel(/Telefon/).fill('0212 555 44 33');
  await page.getByLabel(/E-posta/).fill('bilgi@example.org');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);

  assert.equal(new URL(page.url()).pathname, '/directorates');
  assert.equal((await page.getByRole('status').innerText()).trim(), 'Kaydedildi.');
  const row = (await rows(page)).find((r) => r[0] === 'BLG');
  assert.ok(row, 'the new directorate is listed');
  assert.equal(row[1], 'Bilgi İşlem Müdürlüğü');
  assert.equal(row[2], 'Gülşen Yıldırım');
  assert.match(row[3], /555/);
  assert.equal(row[4], 'bilgi@example.org');

  // It really is stored: the JSON API sees it.
  const api = await k.adminApi();
  const found = await api.call('GET', '/api/v1/directorates?q=BLG');
  assert.ok(JSON.stringify(found.json).includes('Bilgi İşlem Müdürlüğü'));
}));

test('an empty code shows the error beside the field and the summary at the top', (t) => k.run(t, async (page) => {
  await k.login(page);
  await page.goto(k.url('/directorates/new'));
  await page.getByLabel('Ad', { exact: true }).fill('Kodsuz Müdürlük');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();

  // Beside the field: the message, the field marked invalid and described by it.
  const code = page.getByLabel('Kod');
  assert.equal(await code.getAttribute('aria-invalid'), 'true');
  const describedBy = await code.getAttribute('aria-describedby');
  assert.ok(describedBy, 'the code field points at its error');
  const beside = (await page.locator(`#${describedBy}`).innerText()).trim();
  assert.equal(beside, 'Kod zorunludur');
  assert.equal(await page.locator('p.error').count(), 1, 'only the code field has an error');
  assert.equal(await page.getByLabel('Ad', { exact: true }).inputValue(), 'Kodsuz Müdürlük', 'input is kept');

  // At the top: the summary, titled, linking to the field, focused by the script.
  const summary = page.getByRole('alert');
  assert.match(await summary.innerText(), /Bir sorun var/);
  const link = summary.getByRole('link', { name: 'Kod zorunludur' });
  assert.equal(await link.getAttribute('href'), '#f-code');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'error-summary');
  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-code', 'the summary link reaches the field');

  // Nothing was saved.
  await page.goto(k.url('/directorates?q=Kodsuz'));
  assert.equal((await rows(page)).length, 0);
  assert.equal((await page.locator('p.empty').innerText()).trim(), 'Kayıtlı müdürlük yok.');
}));

test('a duplicate code is refused beside the code field', (t) => k.run(t, async (page) => {
  await k.login(page);
  await page.goto(k.url('/directorates/new'));
  await page.getByLabel('Kod').fill('FEN');
  await page.getByLabel('Ad', { exact: true }).fill('İkinci Fen');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByLabel('Kod').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('p.error').count(), 1);
  assert.equal((await page.locator('#e-code').innerText()).trim(), 'Bu Kod ile kayıtlı bir kayıt zaten var.');
}));

test('the search box folds Turkish letters: "fen isleri" finds "Fen İşleri"', (t) => k.run(t, async (page) => {
  await k.login(page);
  await page.goto(k.url('/directorates'));
  const box = page.getByRole('searchbox', { name: 'Müdürlük ara' });
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'q', 'the search box is focused on load');
  await box.fill('fen isleri');
  await Promise.all([page.waitForNavigation(), box.press('Enter')]);
  const found = await rows(page);
  assert.ok(found.length >= 1, 'something is found');
  assert.ok(found.every((r) => /Fen İşleri/.test(r[1])), `only Fen İşleri matches: ${JSON.stringify(found)}`);
  assert.equal(await box.inputValue(), 'fen isleri', 'the query stays in the box');

  // Upper-case dotted İ and ş in the query work too; and a query that matches nothing shows the empty message.
  await page.goto(k.url(`/directorates?q=${encodeURIComponent('FEN İŞLERİ')}`));
  assert.ok((await rows(page)).some((r) => /Fen İşleri/.test(r[1])));
  await page.goto(k.url('/directorates?q=zzzyok'));
  assert.equal((await rows(page)).length, 0);
  await page.locator('p.empty').waitFor();
}));
