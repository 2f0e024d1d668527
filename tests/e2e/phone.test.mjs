// phone.test.mjs: on a phone-sized screen (390x844) lists become cards and no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => {
  k = await startKalem(import.meta.url, { viewport: { width: 390, height: 844 } });
  // A row with long unbroken values: the usual cause of sideways scrolling.
  const api = await k.adminApi();
  const r = await api.call('POST', '/api/v1/directorates', {
    code: 'UZUN', name: 'Destek Hizmetleri ve Bilgi İşlem Koordinasyon Müdürlüğü',
    manager: 'Abdurrahman Çağrı Büyükşahinoğlu', email: 'destek.hizmetleri.koordinasyon@belediye.example.org',
    phone: '0212 555 99 88',
  });
  assert.equal(r.status, 201, r.text);
});
after(() => k?.stop());

async function noSideways(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
    wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right >
      window.innerWidth + 0.5).map((e) => e.tagName.toLowerCase() + (e.className ? `.${e.className}` : '')).slice(0, 5),
  }));
  assert.ok(m.scroll <= m.inner, `${what}: scrollWidth ${m.scroll} > innerWidth ${m.inner}; too wide: ${m.wide}`);
}

/* Asserts the list's rows render as cards: blocks, header hidden, each labelled cell shows its label. */
async function cards(page, what) {
  const rows = page.locator('table.list tbody tr');
  assert.ok(await rows.count() >= 1, `${what}: the list has rows`);
  const look = await page.evaluate(() => {
    const tr = document.querySelector('table.list tbody tr');
    const td = tr.querySelector('td[data-label]');
    const thead = document.querySelector('table.list thead').getBoundingClientRect();
    return {
      tr: getComputedStyle(tr).display, td: getComputedStyle(td).display,
      before: getComputedStyle(td, '::before').content, label: td.dataset.label,
      theadVisible: thead.right > 0 && thead.left < window.innerWidth,
    };
  });
  assert.equal(look.tr, 'block', `${what}: rows are cards`);
  assert.equal(look.td, 'block', `${what}: cells stack`);
  assert.equal(look.before, `"${look.label}: "`, `${what}: each cell shows its label`);
  assert.equal(look.theadVisible, false, `${what}: the column headings are moved off screen`);
}

test('the directorates list renders as cards without sideways scrolling', (t) => k.run(t, async (page) => {
  await k.login(page);
  await noSideways(page, 'home');
  await page.goto(k.url('/directorates'));
  await cards(page, 'directorates');
  await noSideways(page, 'directorates');
  await page.goto(k.url('/directorates?q=uzun'));
  await cards(page, 'directorates search');
  await noSideways(page, 'directorates search');
}));

test('forms and the login page fit the phone', (t) => k.run(t, async (page) => {
  await page.goto(k.url('/login'));
  await noSideways(page, 'login');
  await k.login(page);
  await page.goto(k.url('/directorates/new'));
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  await noSideways(page, 'directorate form with errors');
}));

test('the parties list renders as cards without sideways scrolling', (t) => k.run(t, async (page) => {
  await k.login(page);
  const resp = await page.goto(k.url('/parties'));
  assert.equal(resp.status(), 200, 'the parties list exists');
  if (await page.locator('table.list tbody tr').count() === 0) {
    // No demo data: add one person through the API so there is a card to look at.
    const api = await k.adminApi();
    const r = await api.call('POST', '/api/v1/parties', { kind: 'citizen', name: 'Ayşe Yılmaz',
      phone: '0532 111 22 33', kvkk_notice: true });
    assert.ok(r.status === 201, `cannot create a party: ${r.status} ${r.text}`);
    await page.reload();
  }
  await cards(page, 'parties');
  await noSideways(page, 'parties');
}));
