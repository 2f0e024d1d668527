// citizen_tckn.test.mjs: adding a citizen checks the T.C. kimlik number: a wrong one is refused beside the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => { k = await startKalem(import.meta.url); });
after(() => k?.stop());

const NAME = 'Şükrü Zümrütkaya'; // a surname the demo data does not use

/* Rows of the parties list for a search, as text. */
async function search(page, q) {
  await page.goto(k.url(`/parties?q=${encodeURIComponent(q)}`));
  return page.locator('table.list tbody tr').evaluateAll((trs) => trs.map((tr) => tr.innerText));
}

async function openNewCitizenForm(page) {
  await k.login(page);
  await page.getByRole('navigation', { name: 'Ana menü' }).getByRole('link', { name: 'Kişi ve kurumlar' }).click();
  assert.equal(new URL(page.url()).pathname, '/parties');
  await page.getByRole('link', { name: 'Kişi veya kurum ekle' }).click();
  assert.equal(new URL(page.url()).pathname, '/parties/new');
  await page.getByRole('heading', { level: 1, name: 'Yeni kişi veya kurum' }).waitFor();
  const citizen = page.getByRole('radio', { name: 'Vatandaş' });
  assert.equal(await citizen.isChecked(), true, 'a new record is a citizen by default');
  await citizen.check();
}

const nameField = (page) => page.getByLabel('Ad soyad veya kurum adı');
const tcknField = (page) => page.getByLabel(/^T\.C\. kimlik no/);
const phoneField = (page) => page.getByLabel(/^Telefon/);
const summary = (page) => page.locator('.error-summary').filter({ hasText: 'Bir sorun var' });

test('a wrong TCKN is refused beside its field and nothing is saved; a valid one saves', (t) =>
  k.run(t, async (page) => {
    await openNewCitizenForm(page);
    await nameField(page).fill(NAME);
    await tcknField(page).fill('12345678901');
    await phoneField(page).fill('0532 123 45 67');
    await page.getByRole('button', { name: 'Kaydet' }).click();
    await summary(page).waitFor();

    const tckn = tcknField(page);
    assert.equal(await tckn.getAttribute('aria-invalid'), 'true');
    const errId = await tckn.getAttribute('aria-describedby');
    assert.ok(errId, 'the TCKN field points at its error');
    assert.equal((await page.locator(`#${errId}`).innerText()).trim(), 'Geçersiz T.C. kimlik numarası');
    assert.equal(await page.locator('p.error').count(), 1, 'only the TCKN is wrong');
    assert.equal(await summary(page).getByRole('link', { name: 'Geçersiz T.C. kimlik numarası' })
      .getAttribute('href'), '#f-tckn');
    assert.equal(await nameField(page).inputValue(), NAME, 'what was typed is kept');
    assert.deepEqual(await search(page, NAME), [], 'nothing was saved');

    // Same person with a valid number: saved, listed, the number masked in the list.
    await page.goto(k.url('/parties/new'));
    await page.getByRole('radio', { name: 'Vatandaş' }).check();
    await nameField(page).fill(NAME);
    await tcknField(page).fill('10000000146');
    await phoneField(page).fill('0532 123 45 67');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);
    assert.equal(await page.locator('p.error').count(), 0, 'no errors');
    const found = await search(page, 'sukru zumrut');
    assert.equal(found.length, 1, `the citizen is listed once: ${JSON.stringify(found)}`);
    assert.match(found[0], /Şükrü Zümrütkaya/);
    assert.match(found[0], /100\*{6}46/, 'the list shows the TCKN masked');
    assert.doesNotMatch(found[0], /10000000146/, 'the list never shows the full TCKN');
    const byTckn = await search(page, '10000000146');
    assert.equal(byTckn.length, 1, 'found by the exact TCKN');
    assert.match(byTckn[0], /Şükrü Zümrütkaya/);
  }));

test('the same valid TCKN cannot be registered twice', (t) => k.run(t, async (page) => {
  const api = await k.adminApi();
  const first = await api.call('POST', '/api/v1/parties',
    { kind: 'citizen', name: 'Mehmet Öztaşkın', tckn: '10000000078', phone: '0532 987 65 43', kvkk_notice: true });
  assert.equal(first.status, 201, first.text);
  await openNewCitizenForm(page);
  await nameField(page).fill('Başka Birizade');
  await tcknField(page).fill('10000000078');
  await phoneField(page).fill('0533 222 11 00');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await summary(page).waitFor();
  assert.equal(await tcknField(page).getAttribute('aria-invalid'), 'true');
  assert.equal((await page.locator('#e-tckn').innerText()).trim(),
    'Bu T.C. kimlik no ile kayıtlı bir kayıt zaten var.');
  assert.equal(await page.locator('p.error').count(), 1, 'only the TCKN is refused');
  assert.deepEqual(await search(page, 'Başka Birizade'), []);
}));
