// appointments.test.mjs: workflow 1 in the browser: the secretary takes an institution's phone request and
// forwards it, the Mayor accepts it in a phone-sized window, the secretary books a proposed slot (seen in the day
// programme) and logs the phone call that informed the requester; axe on the form, the queue and the request page.
//
// The tests run in order and share the request they make (node --test runs a file's top-level tests one by one).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { checkA11y, CHROMIUM, startKalem } from './harness.mjs';

const require = createRequire(import.meta.url);

let k;
let phone; // the Mayor's phone: a second browser with a touch screen of 360x740
// bypassCSP: axe-core is injected as an inline script, which the server's CSP (rightly) blocks.
before(async () => {
  k = await startKalem(import.meta.url, { bypassCSP: true });
  const { chromium } = require('playwright-core');
  phone = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
});
after(async () => {
  await phone?.close().catch(() => {});
  await k?.stop();
});

const SEC = { username: 'sekreter.e2e', name: 'Seda Kalemci', role: 'Özel Kalem personeli',
  password: 'Sekreter-Parola-2026' };
const MAYOR = { username: 'baskan.e2e', name: 'Mustafa Başkanoğlu', role: 'Belediye Başkanı',
  password: 'Baskan-Parola-2026x' };
const REQUEST = {
  requester: 'Konya Ticaret Odası', contact: 'Hasan Uçar', phone: '0332 123 45 67', attendees: '5',
  subject: 'Çarşı esnafının otopark talebi (e2e)', preferred: 'Salı ya da çarşamba sabah',
};
let requestPath = ''; // /appointments/ID of the request made by the first test

/* The request page's facts: the state line, the record as {term: description}, the history lines. */
async function requestFacts(page) {
  return page.evaluate(() => {
    const record = {};
    const dl = document.querySelector('dl.record');
    if (dl) {
      for (const dt of dl.querySelectorAll('dt')) record[dt.innerText.trim()] = dt.nextElementSibling?.innerText.trim();
    }
    return {
      state: document.querySelector('h1 + p')?.innerText.trim() || '',
      record,
      history: [...document.querySelectorAll('ul.history li')].map((li) => li.innerText.trim()),
      current: document.querySelector('ol.chart li[aria-current="step"]')?.innerText.trim() || '',
    };
  });
}

/* Index in lines of the first line after `from` that contains every one of parts, or -1. */
function findLine(lines, from, ...parts) {
  for (let i = from; i < lines.length; i++) if (parts.every((p) => lines[i].includes(p))) return i;
  return -1;
}

test('the admin adds a secretary and a Mayor through the admin pages', (t) => k.run(t, async (page) => {
  await k.login(page);
  await k.addUser(page, SEC);
  await k.addUser(page, MAYOR);
  // Both can sign in and are who they say they are.
  for (const u of [SEC, MAYOR]) {
    await k.context.clearCookies();
    await k.login(page, u.username, u.password);
    assert.equal(new URL(page.url()).pathname, '/', `${u.username} signs in`);
    assert.match(await page.locator('header .who').innerText(), new RegExp(u.name));
  }
}));

test('the secretary takes a phone request from an institution and forwards it to the Mayor', (t) =>
  k.run(t, async (page) => {
    await k.login(page, SEC.username, SEC.password);
    await page.getByRole('navigation', { name: 'Ana menü' }).getByRole('link', { name: 'Randevular', exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Randevu talepleri' }).waitFor();
    await page.getByRole('link', { name: 'Yeni randevu talebi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Yeni randevu talebi' }).waitFor();
    await checkA11y(t, page, 'request form');
    // The channel of a request taken at the desk defaults to the phone.
    assert.equal(await page.getByLabel('Başvuru kanalı').inputValue(), 'phone');

    await page.getByLabel('Talep türü').selectOption({ label: 'Kurum' });
    await page.getByLabel('Talep sahibi').fill(REQUEST.requester);
    await page.getByLabel(/^İrtibat kişisi/).fill(REQUEST.contact);
    await page.getByLabel(/^Telefon/).fill(REQUEST.phone);
    await page.getByLabel(/^Katılımcı sayısı/).fill(REQUEST.attendees);
    await page.getByLabel('Konu').fill(REQUEST.subject);
    await page.getByLabel('Başvuru kanalı').selectOption({ label: 'Telefon' });
    await page.getByLabel(/^Tercih edilen gün ve saatler/).fill(REQUEST.preferred);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);

    const m = new URL(page.url()).pathname.match(/^\/appointments\/(\d+)$/);
    assert.ok(m, `the new request's page opens: ${page.url()}`);
    requestPath = m[0];
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Kaydedildi.');
    let f = await requestFacts(page);
    assert.match(f.state, /^Talep alındı/);
    assert.equal(f.record['Talep sahibi'], REQUEST.requester);
    assert.equal(f.record['İrtibat kişisi'], REQUEST.contact);
    assert.equal(f.record.Konu, REQUEST.subject);
    assert.equal(f.record['Katılımcı sayısı'], REQUEST.attendees);
    assert.equal(f.record['Tercih edilen gün ve saatler'], REQUEST.preferred);
    assert.match(await page.locator('h1').innerText(), /^Randevu talebi \S+/, 'the heading shows the tracking code');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Başkana ilet' }).click()]);
    assert.equal(new URL(page.url()).pathname, requestPath);
    f = await requestFacts(page);
    assert.match(f.state, /^Başkana iletildi/);
    assert.equal(await page.getByRole('button', { name: 'Başkana ilet' }).count(), 0, 'forwarded only once');
    // The secretary cannot decide for the Mayor: no accept button on the request.
    assert.equal(await page.getByRole('button', { name: 'Kabul et' }).count(), 0);
  }));

test('the Mayor accepts it with high priority in the queue on a phone', async (t) => {
  assert.ok(requestPath, 'the request of the previous test exists');
  const context = await phone.newContext({
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
    locale: 'tr-TR', bypassCSP: true,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error on ${page.url()}: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/.test(msg.text())) problems.push(msg.text());
  });
  try {
    await k.login(page, MAYOR.username, MAYOR.password);
    await Promise.all([page.waitForNavigation(),
      page.getByRole('navigation', { name: 'Ana menü' }).getByRole('link', { name: 'Onay kuyruğu' }).tap()]);
    assert.equal(new URL(page.url()).pathname, '/appointments/queue');
    await page.getByRole('heading', { level: 1, name: 'Başkanın onay kuyruğu' }).waitFor();
    const card = page.locator('li.queue-card', { hasText: REQUEST.subject });
    assert.equal(await card.count(), 1, 'the forwarded request is in the queue');
    const cardText = await card.innerText();
    for (const s of [REQUEST.requester, REQUEST.contact, REQUEST.preferred, 'Kurum'])
      assert.ok(cardText.includes(s), `the card shows "${s}"`);

    const layout = await page.evaluate(() => ({
      scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,
      wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 0.5)
        .map((e) => e.tagName.toLowerCase() + (e.className ? `.${e.className}` : '')).slice(0, 5),
    }));
    assert.equal(layout.inner, 360);
    assert.ok(layout.scroll <= layout.inner,
      `no sideways scrolling: scrollWidth ${layout.scroll} > ${layout.inner}; too wide: ${layout.wide}`);
    const buttons = await card.locator('button').evaluateAll((bs) =>
      bs.map((b) => ({ text: b.innerText.trim(), h: b.getBoundingClientRect().height })));
    assert.ok(buttons.length >= 5, `accept x3, decline and delegate: ${JSON.stringify(buttons)}`);
    for (const b of buttons) assert.ok(b.h >= 44, `"${b.text}" is a touch target of at least 44 px: ${b.h} px`);
    await checkA11y(t, page, 'queue (phone)');

    await Promise.all([page.waitForNavigation(),
      card.getByRole('button', { name: 'Kabul et — yüksek öncelik' }).tap()]);
    assert.equal(new URL(page.url()).pathname, '/appointments/queue', 'back to the queue');
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Kaydedildi.');
    assert.equal(await page.locator('li.queue-card', { hasText: REQUEST.subject }).count(), 0,
      'the accepted request has left the queue');

    await page.goto(k.url(requestPath));
    const f = await requestFacts(page);
    assert.match(f.state, /^Kabul edildi/);
    const i = findLine(f.history, 0, MAYOR.username, 'Kabul et');
    assert.ok(i >= 0, `the history names the Mayor's decision: ${JSON.stringify(f.history)}`);
    const sideways = await page.evaluate(() => document.scrollingElement.scrollWidth <= innerWidth);
    assert.ok(sideways, 'the request page fits the phone too');
    assert.deepEqual(problems, []);
  } catch (err) {
    const stem = await k.saveArtifacts(t.name, page, err);
    err.message += `\n(screenshot and server log: ${stem}.{png,html,log})`;
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
  // The priority is stored as 1 (the page does not show it; the API does).
  const api = await k.adminApi();
  const r = await api.call('GET', `/api/v1/appointment-requests/${requestPath.split('/').pop()}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.priority, 1);
  assert.equal(r.json.state, 'accepted');
});

test('the secretary books a proposed slot, sees it in the day programme and logs the phone call', (t) =>
  k.run(t, async (page) => {
    assert.ok(requestPath, 'the request of the previous tests exists');
    await k.login(page, SEC.username, SEC.password);
    await page.goto(k.url(requestPath));
    assert.match((await requestFacts(page)).state, /^Kabul edildi/, 'the Mayor accepted it (previous test)');
    await page.getByRole('heading', { level: 2, name: 'Önerilen zamanlar' }).waitFor();
    const proposals = page.locator('ul.proposals li');
    assert.ok(await proposals.count() >= 1, 'free slots are proposed');
    const first = proposals.first();
    const startsAt = await first.locator('input[name="starts_at"]').inputValue();
    const shown = (await first.getByRole('button').innerText()).trim();
    const iso = startsAt.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/);
    assert.ok(iso, `the slot is an ISO time: ${startsAt}`);
    const [, date, hhmm] = iso;
    assert.ok(shown.includes(hhmm), `the button "${shown}" shows the time ${hhmm}`);

    await Promise.all([page.waitForNavigation(), first.getByRole('button').click()]);
    assert.equal(new URL(page.url()).pathname, requestPath);
    let f = await requestFacts(page);
    assert.match(f.state, /^Zamanı belirlendi — /);
    assert.ok(f.state.includes(hhmm), `the state line shows the time: ${f.state}`);
    assert.match(f.current, /Uygun zaman belirlendi/, 'the chart marks step 1.3');

    // The day programme of that date lists the booking at that time.
    await page.goto(k.url(`/agenda/day?date=${date}`));
    await page.getByRole('heading', { level: 1, name: /Başkanın programı/ }).waitFor();
    const row = page.locator('table.programme tr.item', { hasText: REQUEST.subject });
    assert.equal(await row.count(), 1, 'the appointment is in the programme of that day');
    const cells = await row.locator('td').allInnerTexts();
    assert.ok(cells[0].trim().startsWith(hhmm), `it starts at ${hhmm}: ${cells[0]}`);
    assert.ok(cells[1].includes(REQUEST.requester), `it names the requester: ${cells[1]}`);
    assert.match(cells[3], /Kurum randevusu/);

    // Informing the requester by a logged phone call.
    await page.goto(k.url(requestPath));
    const inform = page.locator('form:has(input[name="action"][value="inform"])');
    assert.equal(await inform.count(), 1, 'the request offers "inform the requester"');
    const phoneCall = inform.locator('[name="via"][value="phone"], select[name="via"]:has(option[value="phone"])');
    assert.ok(await phoneCall.count() >= 1,
      'the inform form lets the secretary record that the requester was informed by a phone call (a via=phone ' +
      'control); without it the page can only send an SMS/e-mail notification');
    const control = phoneCall.first();
    if (await control.evaluate((e) => e.tagName === 'SELECT')) await control.selectOption('phone');
    else await control.check();
    await Promise.all([page.waitForNavigation(), inform.getByRole('button', { name: 'Talep sahibini bilgilendir' })
      .click()]);
    f = await requestFacts(page);
    assert.match(f.state, /^Talep sahibi bilgilendirildi/);
    assert.match(f.current, /Talep sahibi bilgilendirildi/, 'the chart marks step 1.4');

    // The history: every step, in order, by whom.
    let at = 0;
    for (const [who, what] of [[SEC.username, 'Talep alındı'], [SEC.username, 'Başkana ilet'],
      [MAYOR.username, 'Kabul et'], [SEC.username, 'Zaman belirle'], [SEC.username, 'Talep sahibini bilgilendir']]) {
      const i = findLine(f.history, at, who, what);
      assert.ok(i >= 0, `the history shows "${who}: ${what}" after line ${at}: ${JSON.stringify(f.history)}`);
      at = i + 1;
    }
    await checkA11y(t, page, 'request page');

    // Stored as a phone call: nothing was queued to be sent to the requester.
    const api = await k.adminApi();
    const r = await api.call('GET', `/api/v1/appointment-requests/${requestPath.split('/').pop()}`);
    assert.equal(r.json.state, 'informed');
    assert.equal(r.json.informed_via, 'phone');
  }));
