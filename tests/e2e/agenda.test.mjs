// agenda.test.mjs: an engagement entered through the agenda pages appears in the week grid and on the printable day
// page; a time typed by hand that conflicts with the programme is flagged, for an engagement and for an
// appointment, and nothing is booked until a free time is given.
//
// The day used is a Wednesday about two months ahead: beyond the fortnight of engagements `kalem demo` brings, so
// nothing else is on it. The tests run in order and share that day.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => { k = await startKalem(import.meta.url); });
after(() => k?.stop());

const CHIEF = { username: 'mudur.e2e', name: 'Cemile Kalemşef', role: 'Özel Kalem Müdürü',
  password: 'Mudur-Parola-2026x' };
const VISIT = { title: 'Organize sanayi bölgesi ziyareti (e2e)', place: 'Meram OSB', start: '10:00', end: '11:30' };

/* YYYY-MM-DD of the n-th Wednesday from the 60th day after today (Europe/Istanbul). */
function farWednesday(n) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 60);
  while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1);
  d.setUTCDate(d.getUTCDate() + 7 * n);
  return d.toISOString().slice(0, 10);
}
let DAY = ''; // set by the set-up: a Wednesday with working hours (not a holiday)

/* Rows of the day programme as arrays of cell texts (items only, not free time or breaks). */
async function programme(page) {
  return page.locator('table.programme tr.item').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())));
}

test('set-up: the admin adds the head of the secretariat', (t) => k.run(t, async (page) => {
  await k.login(page);
  await k.addUser(page, CHIEF);
  // The day: the first of those Wednesdays that is a whole working day (an official holiday has no free slots).
  const api = await k.adminApi();
  for (let n = 0; n < 8 && !DAY; n++) {
    const r = await api.call('GET', `/api/v1/slots?date=${farWednesday(n)}&duration=30`);
    assert.equal(r.status, 200, r.text);
    if (r.json.slots.length >= 4 && !r.json.reason) DAY = farWednesday(n);
  }
  assert.ok(DAY, 'a working Wednesday two months ahead');
}));

test('an engagement added through the agenda pages is in the day, the week grid and the printout', (t) =>
  k.run(t, async (page) => {
    await k.login(page, CHIEF.username, CHIEF.password);
    await page.getByRole('navigation', { name: 'Ana menü' }).getByRole('link', { name: 'Ajanda' }).click();
    await page.getByRole('heading', { level: 1, name: /Başkanın programı/ }).waitFor();
    await page.getByLabel('Tarihe git').fill(DAY);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Göster' }).click()]);
    assert.equal(new URL(page.url()).searchParams.get('date'), DAY);
    assert.deepEqual(await programme(page), [], 'nothing is on that day yet');

    await page.getByRole('link', { name: 'Program ekle', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Yeni program' }).waitFor();
    assert.equal(await page.getByLabel('Tarih', { exact: true }).inputValue(), DAY, 'the form starts on that day');
    await page.getByLabel('Konu').fill(VISIT.title);
    await page.getByLabel('Türü').selectOption({ label: 'Saha ziyareti' });
    await page.getByLabel('Başlangıç saati').fill(VISIT.start);
    await page.getByLabel('Bitiş saati').fill(VISIT.end);
    await page.getByLabel(/^Yer/).fill(VISIT.place);
    await page.getByLabel('Kamuya açık').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);

    // Back on the day, with the engagement.
    assert.equal(new URL(page.url()).pathname, '/agenda/day');
    assert.equal(new URL(page.url()).searchParams.get('date'), DAY);
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Kaydedildi.');
    const rows = await programme(page);
    assert.equal(rows.length, 1, JSON.stringify(rows));
    assert.equal(rows[0][0], `${VISIT.start}–${VISIT.end}`);
    assert.equal(rows[0][1], VISIT.title);
    assert.equal(rows[0][2], VISIT.place);
    assert.equal(rows[0][3], 'Saha ziyareti');

    // The printable day: navigation, the date picker and free time are not printed; the engagement and the note are.
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].some((e) => getComputedStyle(e).display !== 'none');
      return { nav: shown('nav.main'), agendaNav: shown('.agenda-nav'), goto: shown('.agenda-goto'),
        free: shown('tr.free'), header: shown('header.top'), item: shown('table.programme tr.item'),
        note: shown('.printed-note'), addButton: shown('a.button') };
    });
    assert.deepEqual(printed, { nav: false, agendaNav: false, goto: false, free: false, header: false, item: true,
      note: true, addButton: false });
    assert.equal((await page.locator('.printed-note').innerText()).trim(), 'Kalem ajandasından yazdırılmıştır.');
    const pdf = await page.pdf({ format: 'A4' });
    assert.ok(pdf.length > 1000 && pdf.subarray(0, 5).toString() === '%PDF-', 'the page prints to a PDF');
    await page.emulateMedia({ media: 'screen' });
    assert.equal(await page.locator('.printed-note').evaluate((e) => getComputedStyle(e).display), 'none',
      'the print note is only on paper');

    // The week grid: the engagement sits in that day's column, in the rows of its time.
    await page.getByRole('link', { name: 'Haftalık görünüm' }).click();
    await page.getByRole('heading', { level: 1, name: /Haftalık program/ }).waitFor();
    const grid = await page.evaluate(({ day, title }) => {
      const heads = [...document.querySelectorAll('table.week thead th')];
      const column = heads.findIndex((th) => th.querySelector(`a[href="/agenda/day?date=${day}"]`));
      const hits = [];
      for (const tr of document.querySelectorAll('table.week tbody tr')) {
        const cells = [...tr.children];
        cells.forEach((c, i) => {
          for (const a of c.querySelectorAll('a.witem')) {
            if (a.innerText.includes(title)) hits.push({ row: cells[0].innerText.trim(), column: i,
              text: a.innerText.trim(), busy: c.classList.contains('busy') });
          }
        });
      }
      return { column, hits };
    }, { day: DAY, title: VISIT.title });
    assert.ok(grid.column > 0, `the week has a column for ${DAY}`);
    assert.ok(grid.hits.length >= 1, 'the engagement is in the grid');
    for (const h of grid.hits) assert.equal(h.column, grid.column, `in the column of ${DAY}: ${JSON.stringify(h)}`);
    assert.ok(grid.hits[0].text.startsWith(VISIT.start), `it shows its start: ${grid.hits[0].text}`);
    assert.ok(grid.hits.every((h) => h.row >= VISIT.start && h.row < VISIT.end),
      `only in rows of 10:00-11:30: ${JSON.stringify(grid.hits.map((h) => h.row))}`);
    assert.ok(grid.hits.some((h) => h.busy), 'its cell is marked busy');
  }));

test('a conflicting engagement time typed by hand is flagged and not saved until confirmed', (t) =>
  k.run(t, async (page) => {
    await k.login(page, CHIEF.username, CHIEF.password);
    await page.goto(k.url(`/agenda/engagements/new?date=${DAY}`));
    await page.getByLabel('Konu').fill('Basın toplantısı (e2e)');
    await page.getByLabel('Başlangıç saati').fill('11:00');
    await page.getByLabel('Bitiş saati').fill('12:00');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);

    const alert = page.getByRole('alert');
    assert.equal((await alert.getByRole('heading').innerText()).trim(), 'Bu saat programla çakışıyor');
    assert.deepEqual((await alert.locator('li').allInnerTexts()).map((s) => s.trim()),
      [`${VISIT.title} (${VISIT.start}–${VISIT.end}) ile aynı saatte`]);
    assert.equal(await page.getByLabel('Konu').inputValue(), 'Basın toplantısı (e2e)', 'what was typed is kept');
    assert.equal(await page.getByLabel('Başlangıç saati').inputValue(), '11:00');
    const other = await page.context().newPage();
    await other.goto(k.url(`/agenda/day?date=${DAY}`));
    assert.equal((await programme(other)).length, 1, 'nothing was saved');
    await other.close();

    // Saved only when the clerk ticks "I know about the conflict".
    await page.getByLabel('Çakışmayı biliyorum; yine de kaydet').check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Kaydedildi; programda çakışma var.');
    const rows = await programme(page);
    assert.deepEqual(rows.map((r) => r[0]), [`${VISIT.start}–${VISIT.end}`, '11:00–12:00']);
  }));

test('a conflicting appointment time typed by hand is flagged beside the field; a free one books', (t) =>
  k.run(t, async (page) => {
    // An accepted request (the head of the secretariat may decide on the Mayor's word).
    await k.login(page, CHIEF.username, CHIEF.password);
    await page.goto(k.url('/appointments/new'));
    await page.getByLabel('Talep türü').selectOption({ label: 'Vatandaş' });
    await page.getByLabel('Talep sahibi').fill('Rukiye Çağlayan');
    await page.getByLabel('Konu').fill('Ruhsat başvurusu (e2e)');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);
    const path = new URL(page.url()).pathname;
    assert.match(path, /^\/appointments\/\d+$/);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Başkana ilet' }).click()]);
    await page.getByLabel('Öncelik').selectOption('2');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kabul et' }).click()]);
    assert.match(await page.locator('h1 + p').innerText(), /^Kabul edildi/);

    // A time typed by hand during the site visit: refused, the conflict beside the field.
    const when = page.getByLabel('Tarih ve saat');
    await when.fill(`${DAY}T10:30`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Zaman belirle' }).click()]);
    assert.equal(await when.getAttribute('aria-invalid'), 'true');
    const errId = await when.getAttribute('aria-describedby');
    assert.equal((await page.locator(`#${errId}`).innerText()).trim(),
      'Seçilen saat programdaki başka bir kayıtla çakışıyor.');
    assert.match(await page.getByRole('alert').innerText(),
      /Seçilen saat programdaki başka bir kayıtla çakışıyor\./, 'and in the summary at the top');
    assert.equal(await when.inputValue(), `${DAY}T10:30`, 'the typed time is kept');
    assert.match(await page.locator('h1 + p').innerText(), /^Kabul edildi/, 'still not scheduled');
    await page.goto(k.url(`/agenda/day?date=${DAY}`));
    assert.ok((await programme(page)).every((r) => !r[1].includes('Rukiye')), 'not in the programme');

    // A free time of that day typed by hand books it.
    const api = await k.adminApi();
    const free = await api.call('GET', `/api/v1/slots?date=${DAY}&duration=30`);
    assert.equal(free.status, 200, free.text);
    const { slots } = free.json;
    assert.ok(slots.length > 0, `the day has free slots: ${free.text.slice(0, 300)}`);
    const start = slots[slots.length - 1].start.slice(11, 16);
    await page.goto(k.url(path));
    await page.getByLabel('Tarih ve saat').fill(`${DAY}T${start}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Zaman belirle' }).click()]);
    assert.equal(new URL(page.url()).pathname, path);
    const state = await page.locator('h1 + p').innerText();
    assert.match(state, /^Zamanı belirlendi — /);
    assert.ok(state.includes(start), `${state} shows ${start}`);
    await page.goto(k.url(`/agenda/day?date=${DAY}`));
    const row = (await programme(page)).find((r) => r[1].includes('Rukiye Çağlayan'));
    assert.ok(row, 'the appointment is in the programme');
    assert.ok(row[0].startsWith(start), `at ${start}: ${row[0]}`);
  }));
