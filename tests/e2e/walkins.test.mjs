// walkins.test.mjs: workflow 2B at the front desk: a new person walks in, the page answers whether the Mayor can
// see them now (no: an engagement is on), the clerk turns the walk-in into an appointment request with one action
// and the request shows what was typed; the walk-in page once in English.
//
// As in tests/http/test_walkins.py the server has no test clock, so the set-up makes today open all day (every
// period of the weekly plan deleted, today an exception 00:00-23:59) and puts an engagement on from 30 minutes ago
// to 45 minutes ahead: the answer is then "no, busy with that engagement" whatever the time of day.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => { k = await startKalem(import.meta.url); });
after(() => k?.stop());

const SEC = { username: 'danisma.e2e', name: 'Derya Danışman', role: 'Özel Kalem personeli',
  password: 'Danisma-Parola-2026' };
const ENGAGEMENT = 'Meclis hazırlık toplantısı (e2e)';
const VISITOR = { name: 'Gülizar Öztürkmen', phone: '0532 111 22 33', subject: 'Mahalle parkının aydınlatması',
  preferred: 'Pazartesi sabah' };

/* Today in Europe/Istanbul as YYYY-MM-DD. */
function today() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
}

/* t as an ISO 8601 time in Istanbul (+03:00, no daylight saving), to the minute. */
function isoIstanbul(t) {
  const local = new Date(t.getTime() + 3 * 3600 * 1000);
  return `${local.toISOString().slice(0, 16)}:00+03:00`;
}

/* A JSON API session of user (POST /api/v1/session); returns call(method, path, body) -> {status, json, text}. */
async function apiSession(username, password) {
  let cookie = '';
  let csrf = '';
  const call = async (method, p, body) => {
    const headers = { Accept: 'application/json' };
    if (cookie) headers.Cookie = cookie;
    if (csrf) headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(k.url(p), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const c of res.headers.getSetCookie()) if (c.startsWith('kalem_session=')) [cookie] = c.split(';');
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, json, text };
  };
  const r = await call('POST', '/api/v1/session', { username, password });
  if (r.status !== 201) throw new Error(`API sign-in of ${username} failed: ${r.status} ${r.text}`);
  csrf = r.json.csrf_token;
  return call;
}

/* The request page's record as {term: description}. */
async function record(page) {
  return page.locator('dl.record').first().evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')]
    .map((dt) => [dt.innerText.trim(), dt.nextElementSibling?.innerText.trim()])));
}

test('set-up: a front-desk clerk, today open all day, an engagement on now', (t) => k.run(t, async (page) => {
  await k.login(page);
  await k.addUser(page, SEC);

  // The weekly plan: delete every period (no breaks today), then open today from 00:00 to 23:59.
  await page.goto(k.url('/agenda/plan'));
  const periods = page.locator('form[action^="/agenda/plan/periods/"][action$="/delete"] button');
  for (let n = await periods.count(); n > 0; n--) {
    await Promise.all([page.waitForNavigation(), periods.first().click()]);
    assert.equal(await periods.count(), n - 1, 'one period fewer');
  }
  const exception = page.locator('form:has(#f-x_date)');
  await exception.getByLabel('Tarih', { exact: true }).fill(today());
  await exception.getByLabel('Farklı çalışma saatleri').check();
  await exception.getByLabel('Başlangıç saati').fill('00:00');
  await exception.getByLabel('Bitiş saati').fill('23:59');
  await Promise.all([page.waitForNavigation(), exception.getByRole('button', { name: 'Kaydet' }).click()]);
  assert.equal(await page.locator('p.error').count(), 0, 'the exception is accepted');

  const sec = await apiSession(SEC.username, SEC.password);
  const now = new Date();
  const r = await sec('POST', '/api/v1/engagements', {
    start: isoIstanbul(new Date(now.getTime() - 30 * 60000)), end: isoIstanbul(new Date(now.getTime() + 45 * 60000)),
    category: 'meeting', title: ENGAGEMENT, public: true,
  });
  assert.equal(r.status, 201, r.text);
}));

test('a walk-in arrives, the Mayor cannot see them now, and one action makes an appointment request', (t) =>
  k.run(t, async (page) => {
    await k.login(page, SEC.username, SEC.password);
    await page.getByRole('navigation', { name: 'Ana menü' }).getByRole('link', { name: 'Randevusuz ziyaretçiler' })
      .click();
    assert.equal(new URL(page.url()).pathname, '/walk-ins');
    await page.getByRole('heading', { level: 1, name: `Randevusuz ziyaretçiler · ${today()}` }).waitFor();

    // The answer before the arrival: no, and why.
    const answer = page.locator('section.walkin-answer');
    assert.equal((await answer.getByRole('heading', { level: 2 }).innerText()).replace(/\s+/g, ' ').trim(),
      'Başkan şimdi görüşebilir mi? Hayır');
    assert.equal(await answer.locator('[data-can-now]').getAttribute('data-can-now'), 'no');
    const reason = answer.locator('p.walkin-reason');
    assert.equal(await reason.getAttribute('data-reason'), 'busy');
    const escaped = ENGAGEMENT.replace(/[()]/g, '\\$&');
    assert.match(await reason.innerText(), new RegExp(`^Başkan meşgul: ${escaped}; bitiş \\d\\d:\\d\\d\\.$`));

    // Registering the arrival: the person is not on record, so a new one with name and phone.
    await page.getByRole('link', { name: 'Ziyaretçi kaydı' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ziyaretçi kaydı' }).waitFor();
    const search = page.getByLabel('Kişi ara (ad, telefon veya T.C. kimlik no)');
    await search.fill(VISITOR.name);
    await Promise.all([page.waitForNavigation(), search.press('Enter')]);
    assert.equal((await page.locator('p.empty').innerText()).trim(),
      'Kayıt bulunamadı; yeni kişinin bilgilerini aşağıya yazın.', 'nobody of that name is on record');
    await page.getByLabel('Ad soyad', { exact: true }).fill(VISITOR.name);
    await page.getByLabel(/^Telefon/).fill(VISITOR.phone);
    await page.getByLabel('Konu').fill(VISITOR.subject);
    await page.getByLabel('Kişi kaydı da oluşturulsun (ad ve telefon gerekir)').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/walk-ins');
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Kaydedildi.');
    const row = page.locator('table.walkins tbody tr', { hasText: VISITOR.name });
    assert.equal(await row.count(), 1, 'the arrival is listed');
    assert.equal(await row.getAttribute('data-state'), 'waiting');
    assert.match(await row.innerText(), /Bekliyor/);
    assert.match(await row.innerText(), new RegExp(VISITOR.subject));
    assert.equal(await page.locator('[data-can-now]').getAttribute('data-can-now'), 'no', 'still no');
    // The new person is in the register now, found by name next time.
    await page.goto(k.url(`/parties?q=${encodeURIComponent(VISITOR.name)}`));
    const found = await page.locator('table.list tbody tr').allInnerTexts();
    assert.equal(found.length, 1, `the person was registered once: ${JSON.stringify(found)}`);
    assert.ok(found[0].replace(/\D/g, '').includes('5321112233'), `with the phone: ${found[0]}`);
    await page.goto(k.url('/walk-ins'));

    // The meeting cannot happen now: one action turns the walk-in into an appointment request.
    await row.getByRole('link', { name: VISITOR.name }).click();
    await page.getByRole('heading', { level: 1, name: `Randevusuz ziyaret: ${VISITOR.name}` }).waitFor();
    await page.getByLabel(/^Tercih edilen gün ve saatler/).fill(VISITOR.preferred);
    await Promise.all([page.waitForNavigation(),
      page.getByRole('button', { name: 'Randevu talebine dönüştür' }).click()]);
    const m = new URL(page.url()).pathname.match(/^\/appointments\/(\d+)$/);
    assert.ok(m, `the new request's page opens: ${page.url()}`);
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Randevu talebi oluşturuldu.');
    assert.match(await page.locator('h1 + p').innerText(), /^Talep alındı/);

    // Everything typed at the desk is on the request, and its channel is the walk-in: stored (the API) ...
    const api = await k.adminApi();
    const stored = (await api.call('GET', `/api/v1/appointment-requests/${m[1]}`)).json;
    assert.deepEqual([stored.requester_name, stored.phone, stored.subject, stored.channel, stored.preferred],
      [VISITOR.name, '+905321112233', VISITOR.subject, 'walk_in', VISITOR.preferred]);
    // ... and shown on the request page.
    const rec = await record(page);
    assert.equal(rec['Talep sahibi'], VISITOR.name);
    assert.equal(rec.Konu, VISITOR.subject);
    assert.equal(rec['Tercih edilen gün ve saatler'], VISITOR.preferred);
    assert.ok('Telefon' in rec, `the request page shows the phone: ${JSON.stringify(rec)}`);
    assert.equal(rec.Telefon.replace(/\D/g, '').slice(-10), '5321112233', `the phone typed: ${rec.Telefon}`);
    assert.equal(rec['Başvuru kanalı'], 'Randevusuz gelen', `the channel is the walk-in: ${JSON.stringify(rec)}`);

    // The walk-in links to its request and cannot be converted twice.
    await page.goBack();
    await page.reload();
    assert.match(await page.locator('h1 + p').innerText(), /Randevu talebine dönüştü/);
    assert.equal(await page.locator(`a[href="/appointments/${m[1]}"]`).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Randevu talebine dönüştür' }).count(), 0);
  }));

test('the walk-ins page in English', (t) => k.run(t, async (page) => {
  await k.login(page, SEC.username, SEC.password);
  await page.goto(k.url('/walk-ins'));
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'English' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/walk-ins');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByRole('heading', { level: 1, name: `Walk-ins · ${today()}` }).waitFor();
  assert.match(await page.title(), /^Walk-ins · Kalem$/);
  assert.equal((await page.locator('section.walkin-answer h2').innerText()).replace(/\s+/g, ' ').trim(),
    'Can the Mayor see them now? No');
  assert.match(await page.locator('p.walkin-reason').innerText(), new RegExp(`^The Mayor is busy with ${ENGAGEMENT
    .replace(/[()]/g, '\\$&')} until \\d\\d:\\d\\d\\.$`));
  assert.equal(await page.getByRole('link', { name: 'Register an arrival' }).count(), 1);
}));
