// applications.test.mjs: workflow 3 in the browser, one complaint end to end: the front desk records it with a
// scanned petition, routes it to a directorate; the directorate finds it in its inbox (and not another
// directorate's), takes it on and answers; the secretariat gives the applicant feedback by SMS, which a recording
// gateway on loopback receives; the citizen tracks it by code and the last four digits of the phone. Then a citizen
// applies from a phone-sized window; axe on the pages of the story.
//
// The tests run in order and share what they make (node --test runs a file's top-level tests one by one). The
// citizens use a second browser, each in a fresh context (no cookies), as someone at home would.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { checkA11y, CHROMIUM, startKalem } from './harness.mjs';

const require = createRequire(import.meta.url);

const FRONT = { username: 'onburo.e2e', name: 'Filiz Önbüro', role: 'Özel Kalem personeli',
  password: 'Onburo-Parola-2026' };
const FEN = { username: 'fen.e2e', name: 'Kemal Fenci', role: 'Müdürlük personeli',
  directorate: 'Fen İşleri Müdürlüğü', password: 'Fen-Isleri-Parola-2026' };
const CITIZEN = { name: 'Şükrü Çağlayan', phone: '0532 987 65 43', e164: '+905329876543', last4: '6543' };
const COMPLAINT = {
  category: 'Yol ve kaldırım bozukluğu', size: 'Orta (1-5 m²)', neighbourhood: 'Havzan',
  subject: 'Okul önündeki çukur (e2e)',
  description: 'İlkokulun önündeki yolda derin bir çukur var; çocuklar her sabah yürürken düşme tehlikesi yaşıyor.',
  petition: 'dilekce-caglayan.pdf',
};
const ANSWER = 'Çukur 3 gün içinde asfaltla kapatılacaktır. Fen İşleri Müdürlüğü.';
const OTHER_SUBJECT = 'Kaldırım işgali eden seyyar satıcılar (e2e)'; // routed to Zabıta: not Fen İşleri's business
const PUBLIC = { name: 'Gülay Yıldırım', phone: '0543 222 33 44', category: 'Park ve yeşil alan',
  subject: 'Parktaki kırık salıncak (e2e)', description: 'Çocuk parkındaki salıncaklardan biri kırık, zincirleri sarkıyor.' };

let k;
let citizens; // a second browser for the citizens: fresh contexts without cookies
let gateway; // the recording SMS gateway
let app = { id: 0, code: '' }; // the complaint the story follows
let otherId = 0; // the application routed to Zabıta
let serverCwd = ''; // where the server runs: its ./var holds the uploaded files

/* The harness does not give the server a KALEM_VAR (it drops every KALEM_* variable), so uploads go to ./var/files
   under the server's working directory, which must exist and must not be the source tree: the server is started
   from a private directory with a var/ in it (node --test runs each file in its own process). */
async function startKalemWithVar() {
  for (const v of ['KALEM_BIN', 'KALEM_E2E_ARTIFACTS']) if (process.env[v]) process.env[v] = path.resolve(process.env[v]);
  const cwd = process.cwd();
  serverCwd = mkdtempSync(path.join(os.tmpdir(), 'kalem-e2e-applications-cwd-'));
  mkdirSync(path.join(serverCwd, 'var'));
  process.chdir(serverCwd);
  try {
    return await startKalem(import.meta.url, { bypassCSP: true });
  } finally {
    process.chdir(cwd);
  }
}

// bypassCSP: axe-core is injected as an inline script, which the server's CSP (rightly) blocks.
before(async () => {
  gateway = await startGateway();
  k = await startKalemWithVar();
  const { chromium } = require('playwright-core');
  citizens = await chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
});
after(async () => {
  await citizens?.close().catch(() => {});
  await k?.stop();
  if (serverCwd) rmSync(serverCwd, { recursive: true, force: true });
  gateway?.server.closeAllConnections();
  await new Promise((r) => (gateway ? gateway.server.close(r) : r()));
});

/* An SMS provider's HTTP API on loopback: records every request {method, url, headers, body} and accepts it with
   a message id, as a Turkish provider answers. */
function startGateway() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: `gw-${requests.length}` }));
    });
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, requests, port: server.address().port }));
  });
}

/* The messages the gateway got, as the {to, text} of their JSON bodies. */
function smsReceived() {
  return gateway.requests.filter((q) => q.method === 'POST' && q.url === '/send').map((q) => JSON.parse(q.body));
}

/* Waits (up to ms) until the gateway has got a message satisfying pred; returns it. */
async function waitForSms(pred, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const found = smsReceived().find(pred);
    if (found) return found;
    if (Date.now() > end) {
      assert.fail(`no such SMS reached the gateway in ${ms / 1000} s; it got:\n` +
        JSON.stringify(smsReceived(), null, 1));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/* A small, real, one-page PDF (a scanned petition stands in): header, catalogue, page, content, xref, trailer. */
function petitionPdf() {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null, // the content stream, below
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = 'BT /F1 14 Tf 72 770 Td (Meram Belediye Baskanligina - dilekce) Tj ET';
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let pdf = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) pdf += `${String(o).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

/* Submits the form the button belongs to and waits for the page that answers. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

/* The case page's facts: the state line, the current chart step, both records as {term: description}, the clocks,
   the routes, the files and the contacts as lines of text. */
async function caseFacts(page) {
  return page.evaluate(() => {
    const text = (el) => (el ? el.innerText.replace(/\s+/g, ' ').trim() : '');
    const record = {};
    for (const dl of document.querySelectorAll('dl.record')) {
      for (const dt of dl.querySelectorAll('dt')) record[text(dt)] = text(dt.nextElementSibling);
    }
    const rows = (sel) => [...document.querySelectorAll(`${sel} tbody tr`)].map((tr) => text(tr));
    return {
      h1: text(document.querySelector('h1')),
      state: text(document.querySelector('.heading-row + p')),
      current: text(document.querySelector('ol.chart li[aria-current="step"]')),
      done: [...document.querySelectorAll('ol.chart li.done')].map(text),
      clocks: [...document.querySelectorAll('.clocks .clock')].map(text),
      record,
      routes: rows('table.routes'),
      files: rows('table.files'),
      contacts: rows('table.contacts'),
      flash: text(document.querySelector('.flash[role="status"]')),
    };
  });
}

/* Opens the action form (a <details>) of the case page and returns it. */
async function actionForm(page, id) {
  const form = page.locator(`details#form-${id}`);
  assert.equal(await form.count(), 1, `the case page offers the form ${id}`);
  if ((await form.getAttribute('open')) === null) await form.locator('summary').click();
  return form;
}

/* A citizen's page in a fresh context of the second browser (no cookies); close the context after use. */
async function citizenPage(viewport) {
  const context = await citizens.newContext({ viewport, locale: 'tr-TR', bypassCSP: true,
    isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/.test(m.text())) page.problems.push(m.text());
  });
  return { context, page };
}

/* Runs fn with a citizen's page, keeping a screenshot and the server log when it fails. */
async function asCitizen(t, viewport, fn) {
  const { context, page } = await citizenPage(viewport);
  return k.runOn(t, page, fn, () => context.close());
}

/* The horizontal overflow of the page in CSS pixels (0 when nothing scrolls sideways). */
function sidewaysScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test('set-up: the SMS gateway in the settings, a front-desk clerk, a Fen İşleri user, another directorate\'s case',
  (t) => k.run(t, async (page) => {
    await k.login(page);
    // The SMS provider: our recording gateway, a JSON body (as tests/http/test_notify.py does).
    await page.goto(k.url('/admin/settings'));
    await page.locator('#f-sms_url').fill(`http://127.0.0.1:${gateway.port}/send`);
    await page.locator('#f-sms_method').selectOption('POST');
    await page.locator('#f-sms_body_template').fill('{"to":"{to}","text":"{text}","sender":"{sender}"}');
    await page.locator('#f-sms_sender_id').fill('MERAMBLD');
    await submit(page, page.getByRole('button', { name: 'Kaydet' }));
    assert.equal(await page.locator('p.error').count(), 0, 'the settings are accepted');
    await page.goto(k.url('/admin/settings'));
    assert.equal(await page.locator('#f-sms_url').inputValue(), `http://127.0.0.1:${gateway.port}/send`);

    await k.addUser(page, FRONT);
    await k.addUser(page, FEN);

    // Reference data the story needs, whether or not `kalem demo` ran.
    const api = await k.adminApi();
    const hoods = await api.call('GET', `/api/v1/neighbourhoods?q=${encodeURIComponent(COMPLAINT.neighbourhood)}`);
    assert.equal(hoods.status, 200, hoods.text);
    if (!hoods.text.includes(COMPLAINT.neighbourhood)) {
      const r = await api.call('POST', '/api/v1/neighbourhoods', { name: COMPLAINT.neighbourhood });
      assert.ok([201, 409].includes(r.status), r.text);
    }
    // Another complaint, routed to Zabıta (no phone: nothing for the gateway); Fen İşleri must not see it.
    const dirs = await api.call('GET', `/api/v1/directorates?q=${encodeURIComponent('Zabıta')}`);
    const zab = dirs.json.items.find((d) => d.name === 'Zabıta Müdürlüğü');
    assert.ok(zab, `Zabıta is a directorate: ${dirs.text}`);
    const other = await api.call('POST', '/api/v1/applications', {
      kind: 'complaint', channel: 'phone', applicant_name: 'Nermin Aktaş', preferred_channel: 'none',
      category_code: 'police_occupation', subject: OTHER_SUBJECT,
    });
    assert.equal(other.status, 201, other.text);
    otherId = other.json.id;
    const routed = await api.call('POST', `/api/v1/applications/${otherId}/transitions`,
      { action: 'route', directorates: [zab.id] });
    assert.equal(routed.status, 200, routed.text);
    assert.equal(routed.json.state, 'routed');
    // It is in Zabıta's inbox (as the office sees it), so its absence from Fen İşleri's below means something.
    await page.goto(k.url('/inbox'));
    await page.getByLabel('Müdürlük').selectOption({ label: 'Zabıta Müdürlüğü' });
    await submit(page, page.getByRole('button', { name: 'Göster' }));
    assert.equal(await page.locator('table.list tbody tr', { hasText: OTHER_SUBJECT }).count(), 1,
      'the other complaint waits at Zabıta');
  }));

test('the front desk records a complaint with its scanned petition and routes it to Fen İşleri',
  (t) => k.run(t, async (page) => {
    await k.login(page, FRONT.username, FRONT.password);
    await page.goto(k.url('/applications/new'));
    await page.getByRole('heading', { level: 1, name: 'Yeni başvuru' }).waitFor();
    await checkA11y(t, page, '/applications/new');

    // The citizen is not on record: the search says so, and the clerk types the name and the phone.
    const search = page.getByLabel('Kişi ara (ad, telefon veya T.C. kimlik no)');
    await search.fill(CITIZEN.name);
    await submit(page, page.getByRole('button', { name: 'Ara', exact: true }));
    assert.equal((await page.locator('p.empty').innerText()).trim(),
      'Kayıtlı kişi bulunamadı; bilgileri aşağıya yazın.', 'nobody of that name is on record');
    await page.getByLabel('Başvuranın adı').fill(CITIZEN.name);
    await page.getByLabel(/^Telefon/).fill(CITIZEN.phone);
    await page.getByLabel('Başvuru türü').selectOption({ label: 'Şikayet' });
    await page.getByLabel('Başvuru kanalı').selectOption({ label: 'Yüz yüze (makamda)' });
    await page.getByLabel('Kategori', { exact: true }).selectOption({ label: COMPLAINT.category });
    // The category asks its own questions: shown after "show the category's questions", what was typed kept.
    await submit(page, page.getByRole('button', { name: 'Kategorinin sorularını göster' }));
    assert.equal(await page.getByLabel('Başvuranın adı').inputValue(), CITIZEN.name, 'the name is kept');
    assert.equal(await page.getByLabel('Kategori', { exact: true }).locator('option:checked').innerText(),
      COMPLAINT.category);
    await page.getByLabel(/^Hasarın büyüklüğü/).selectOption({ label: COMPLAINT.size });
    await page.getByLabel('Konu', { exact: true }).fill(COMPLAINT.subject);
    await page.getByLabel(/^Açıklama/).fill(COMPLAINT.description);
    await page.getByLabel(/^Mahalle/).selectOption({ label: COMPLAINT.neighbourhood });
    await page.getByLabel(/^Taranmış dilekçe/).setInputFiles({ name: COMPLAINT.petition, mimeType: 'application/pdf',
      buffer: petitionPdf() });
    await submit(page, page.getByRole('button', { name: 'Başvuruyu kaydet' }));

    // The case page: the tracking code, "received" on the chart, the clocks, the petition among the files.
    const m = new URL(page.url()).pathname.match(/^\/applications\/(\d+)$/);
    assert.ok(m, `the case page opens: ${page.url()}`);
    let f = await caseFacts(page);
    const code = f.h1.match(/^Başvuru (\S+)$/)?.[1];
    assert.ok(code && /^[A-Z0-9-]{6,12}$/.test(code), `the heading shows the tracking code: ${f.h1}`);
    app = { id: Number(m[1]), code };
    assert.equal(f.flash, 'Başvuru kaydedildi; başvurana takip kodu gönderildi.');
    assert.match(f.state, /^Başvuru alındı — Şikayet, Yüz yüze \(makamda\) — /);
    assert.match(f.current, /^3 Başvuru alındı/, `the chart stands at "received": ${f.current}`);
    assert.equal(f.done.length, 0, 'no step of the chart is done yet');
    assert.equal(f.clocks.length, 2, `the office target and the legal deadline: ${f.clocks}`);
    assert.match(f.clocks[0], /^Ofis hedefi .*İşliyor — Son gün: \S.* \(\d+ %\)/, `office clock: ${f.clocks[0]}`);
    assert.match(f.clocks[1], /^Yasal süre .*İşliyor — Son gün: \S.* \(\d+ %\)/, `legal clock: ${f.clocks[1]}`);
    assert.equal(f.record['Başvuranın adı'].startsWith(CITIZEN.name), true, JSON.stringify(f.record));
    assert.equal(f.record['Telefon'].replace(/\D/g, '').slice(-10), '5329876543', `the phone: ${f.record.Telefon}`);
    assert.equal(f.record.Kategori, COMPLAINT.category);
    assert.equal(f.record.Konu, COMPLAINT.subject);
    assert.equal(f.record['Açıklama'], COMPLAINT.description);
    assert.equal(f.record['Hasarın büyüklüğü'], COMPLAINT.size, 'the answer to the category\'s question');
    assert.equal(f.record.Mahalle, COMPLAINT.neighbourhood);
    assert.equal(f.files.length, 1, `one file: ${f.files}`);
    assert.match(f.files[0], new RegExp(`^${COMPLAINT.petition.replace(/\./g, '\\.')} Dilekçe `));
    // The petition can be opened again, byte for byte.
    const fileHref = await page.locator('table.files a').first().getAttribute('href');
    const stored = await page.request.get(k.url(fileHref));
    assert.equal(stored.status(), 200);
    assert.deepEqual(await stored.body(), petitionPdf(), 'the stored petition is the one uploaded');

    // The printable receipt is a PDF.
    const receiptHref = await page.getByRole('link', { name: 'Alındı belgesini yazdır' }).first().getAttribute('href');
    assert.equal(receiptHref, `/applications/${app.id}/receipt.pdf`);
    const receipt = await page.request.get(k.url(receiptHref));
    assert.equal(receipt.status(), 200);
    assert.match(receipt.headers()['content-type'], /^application\/pdf/);
    assert.equal((await receipt.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    await checkA11y(t, page, 'the case page');

    // Compliant: routed to Fen İşleri with the route form.
    const route = await actionForm(page, 'route');
    await route.getByLabel('Fen İşleri Müdürlüğü').check();
    await route.getByLabel(/^Not/).fill('Okul önü, öncelikli.');
    await submit(page, route.getByRole('button', { name: 'Müdürlüğe ilet' }));
    assert.equal(new URL(page.url()).pathname, `/applications/${app.id}`);
    f = await caseFacts(page);
    assert.match(f.state, /^İlgili müdürlüğe iletildi — /);
    assert.match(f.current, /^3\.1\.1 İlgili müdürlüğe iletildi/, `the chart: ${f.current}`);
    assert.deepEqual(f.done.map((s) => s.split(' ')[0]), ['3', '3.1'], `received and checked are done: ${f.done}`);
    assert.equal(f.routes.length, 1, `one route: ${f.routes}`);
    assert.match(f.routes[0], /^Fen İşleri Müdürlüğü Okul önü, öncelikli\. Müdürlükte bekliyor/);
  }));

test('Fen İşleri finds it in its inbox (not Zabıta\'s), takes it on and answers', (t) => k.run(t, async (page) => {
  await k.login(page, FEN.username, FEN.password);
  await page.goto(k.url('/inbox'));
  await page.getByRole('heading', { level: 1, name: 'Gelen kutusu · Fen İşleri Müdürlüğü' }).waitFor();
  const row = page.locator('table.list tbody tr', { hasText: app.code });
  assert.equal(await row.count(), 1, 'the complaint is in the inbox');
  assert.match(await row.innerText(), new RegExp(COMPLAINT.subject.replace(/[()]/g, '\\$&')));
  assert.match(await row.innerText(), /Müdürlükte bekliyor/);
  assert.match(await row.innerText(), new RegExp(COMPLAINT.neighbourhood));
  const inbox = await page.locator('main').innerText();
  assert.ok(!inbox.includes(OTHER_SUBJECT), 'Zabıta\'s application is not in Fen İşleri\'s inbox');
  await checkA11y(t, page, '/inbox');
  // Nor can its page be opened by address.
  const peek = await page.request.get(k.url(`/applications/${otherId}`));
  assert.equal(peek.status(), 404, 'another directorate\'s application is not found');

  await submit(page, row.getByRole('link', { name: COMPLAINT.subject }));
  assert.equal(new URL(page.url()).pathname, `/applications/${app.id}`);
  // Only this directorate's own actions; none of the secretariat's.
  assert.equal(await page.locator('details#form-route, details#form-give_feedback, details#form-reject').count(), 0);
  const section = page.locator('section.route-actions');
  assert.equal((await section.locator('h3').innerText()).trim(), 'Müdürlük işlemleri: Fen İşleri Müdürlüğü');
  const rid = (await section.locator('details.action').first().getAttribute('id')).match(/^form-r(\d+)-/)[1];

  const accept = await actionForm(page, `r${rid}-accept`);
  await submit(page, accept.getByRole('button', { name: 'Üstlen' }));
  let f = await caseFacts(page);
  assert.match(f.routes[0], /Müdürlük üstlendi/, `the route is taken on: ${f.routes}`);

  const answer = await actionForm(page, `r${rid}-answer`);
  await answer.getByRole('textbox', { name: /^Cevap/ }).fill(ANSWER);
  await submit(page, answer.getByRole('button', { name: 'Cevapla' }));
  f = await caseFacts(page);
  assert.match(f.routes[0], new RegExp(`Müdürlük cevapladı .*${ANSWER.replace(/\./g, '\\.')}`), `${f.routes}`);
  assert.match(f.state, /^Cevaplandı — /, 'the last open route answered: the application is answered');
  assert.match(f.current, /^3\.2 Cevap sisteme kaydedildi/);
  assert.equal(await section.locator('details.action').count(), 0, 'nothing left to do for the directorate');
}));

test('the secretariat sees it answered and gives feedback by SMS', (t) => k.run(t, async (page) => {
  await k.login(page, FRONT.username, FRONT.password);
  await page.goto(k.url('/applications?state=answered'));
  const row = page.locator('table.applications tbody tr', { hasText: app.code });
  assert.equal(await row.count(), 1, 'the answered list holds the complaint');
  assert.match(await row.innerText(), /Cevaplandı/);
  await submit(page, row.getByRole('link', { name: app.code }));
  let f = await caseFacts(page);
  assert.equal(f.record.Cevap, ANSWER, 'the directorate\'s answer is on the case');

  const sentBefore = smsReceived().length;
  const feedback = await actionForm(page, 'give_feedback');
  const via = feedback.getByLabel('Nasıl bildirildi');
  assert.equal(await via.inputValue(), 'sms', 'SMS, the applicant\'s channel, is proposed');
  assert.equal(await feedback.getByLabel('Metin', { exact: true }).inputValue(), ANSWER, 'the answer is proposed');
  await submit(page, feedback.getByRole('button', { name: 'Başvurana geri dönüş yap' }));
  f = await caseFacts(page);
  assert.match(f.state, /^Başvurana geri dönüş yapıldı — /);
  assert.match(f.current, /^3\.3 Başvurana geri dönüş yapıldı/);
  assert.equal(f.contacts.length, 1, `one contact: ${f.contacts}`);
  assert.match(f.contacts[0], /Sonuç bildirimi SMS/);

  // The outbox worker sends it within seconds: the gateway gets the result, to the phone, with the code.
  const sms = await waitForSms((s) => s.text.includes('sonucu'));
  assert.equal(sms.to, CITIZEN.e164);
  assert.equal(sms.text, `${app.code} kodlu başvurunuzun sonucu: ${ANSWER}`);
  assert.ok(smsReceived().length > sentBefore);
  // The earlier messages went to the same phone: received, then sent to the directorate.
  const mine = smsReceived().filter((s) => s.to === CITIZEN.e164).map((s) => s.text);
  assert.ok(mine.some((s) => s === `Başvurunuz alındı. Takip kodu: ${app.code}`), JSON.stringify(mine));
  assert.ok(mine.some((s) => s.startsWith(`${app.code} kodlu başvurunuz Fen İşleri Müdürlüğü`)), JSON.stringify(mine));
}));

test('the citizen tracks it with the code and the last four digits of the phone', (t) =>
  asCitizen(t, { width: 1280, height: 800 }, async (page) => {
    await page.goto(k.url('/basvuru-takip'));
    await page.getByRole('heading', { level: 1, name: 'Başvurumun durumu' }).waitFor();
    await checkA11y(t, page, '/basvuru-takip');

    // Wrong digits: the neutral message, nothing about the application.
    await page.getByLabel('Takip kodu').fill(app.code);
    await page.getByLabel('Telefonun son dört hanesi').fill('0000');
    await submit(page, page.getByRole('button', { name: 'Ara' }));
    assert.equal((await page.getByRole('alert').innerText()).trim(),
      'Bu bilgilerle bir başvuru bulunamadı. Takip kodunu ve son dört haneyi kontrol edin.');
    const shown = await page.locator('main').innerText();
    assert.ok(!shown.includes(ANSWER) && !shown.includes(COMPLAINT.category), 'nothing of the case is shown');

    await page.getByLabel('Takip kodu').fill(app.code);
    await page.getByLabel('Telefonun son dört hanesi').fill(CITIZEN.last4);
    await submit(page, page.getByRole('button', { name: 'Ara' }));
    assert.equal(await page.getByRole('alert').count(), 0);
    const result = page.locator('section[aria-labelledby="t-title"]');
    assert.equal((await result.locator('h2').innerText()).trim(), app.code);
    const record = await result.locator('dl.record').evaluate((dl) => Object.fromEntries([...dl.querySelectorAll('dt')]
      .map((dt) => [dt.innerText.trim(), dt.nextElementSibling.innerText.trim()])));
    assert.equal(record['Başvuru türü'], 'Şikâyet');
    assert.equal(record['Konu başlığı'], COMPLAINT.category);
    assert.equal(record['Şu anki durum'], 'Başvurana geri dönüş yapıldı');
    const stages = (await result.locator('ol.stages li strong').allInnerTexts()).map((s) => s.trim());
    assert.deepEqual(stages, ['Başvuru alındı', 'İlgili müdürlüğe iletildi', 'Cevaplandı',
      'Başvurana geri dönüş yapıldı'], `the stages: ${stages}`);
    assert.equal((await result.locator('p.answer').innerText()).trim(), ANSWER);
    // Nothing personal on the page: neither the name nor the phone.
    const all = await page.locator('main').innerText();
    assert.ok(!all.includes(CITIZEN.name) && !all.includes('987'), 'no name or phone is shown');
  }));

test('a citizen applies from a phone: the form, the KVKK notice, the code and its QR', (t) =>
  asCitizen(t, { width: 360, height: 740 }, async (page) => {
    await page.goto(k.url('/basvuru'));
    await page.getByRole('heading', { level: 1, name: 'Şikâyet, talep ve öneri başvurusu' }).waitFor();
    assert.ok(await sidewaysScroll(page) <= 0, `the form does not scroll sideways (${await sidewaysScroll(page)} px)`);
    await checkA11y(t, page, '/basvuru');

    await page.getByLabel('Başvuru türü').selectOption({ label: 'Şikâyet' });
    await page.getByLabel('Konu başlığı').selectOption({ label: PUBLIC.category });
    await page.getByLabel('Konu', { exact: true }).fill(PUBLIC.subject);
    await page.getByLabel('Açıklama').fill(PUBLIC.description);
    await page.getByLabel('Adınız ve soyadınız').fill(PUBLIC.name);
    await page.getByLabel('Telefon', { exact: true }).fill(PUBLIC.phone);
    // Without the acknowledgement of the notice nothing is sent.
    await submit(page, page.getByRole('button', { name: 'Başvuruyu gönder' }));
    assert.equal(new URL(page.url()).pathname, '/basvuru');
    assert.equal(await page.locator('#f-consent').getAttribute('aria-invalid'), 'true', 'the notice must be acknowledged');
    assert.equal(await page.getByLabel('Konu', { exact: true }).inputValue(), PUBLIC.subject, 'what was typed is kept');
    await page.getByRole('heading', { name: 'Kişisel verilerin korunması: aydınlatma metni' }).waitFor();
    await page.getByLabel(/^Aydınlatma metnini okudum/).check();
    await submit(page, page.getByRole('button', { name: 'Başvuruyu gönder' }));

    await page.getByRole('heading', { level: 1, name: 'Başvurunuz alındı' }).waitFor();
    const codeEl = page.locator('p.tracking-code strong');
    const code = (await codeEl.innerText()).trim();
    assert.match(code, /^[A-Z0-9-]{6,12}$/, `the tracking code: ${code}`);
    assert.notEqual(code, app.code);
    // Big: well above the text around it, and wholly visible in the window.
    const sizes = await page.evaluate(() => ({
      code: parseFloat(getComputedStyle(document.querySelector('p.tracking-code strong')).fontSize),
      text: parseFloat(getComputedStyle(document.querySelector('main p')).fontSize),
    }));
    assert.ok(sizes.code >= 1.5 * sizes.text,
      `the tracking code is shown big: ${sizes.code}px against ${sizes.text}px for the text`);
    const box = await codeEl.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 360, `the code fits the window: ${JSON.stringify(box)}`);
    // The QR code: an inline <svg> that fits the window.
    const qr = page.locator('figure.qr-code svg');
    assert.equal(await qr.count(), 1, 'a QR code as <svg>');
    const qrBox = await qr.boundingBox();
    assert.ok(qrBox && qrBox.width >= 100 && qrBox.x >= 0 && qrBox.x + qrBox.width <= 360,
      `the QR is readable and fits: ${JSON.stringify(qrBox)}`);
    assert.ok(await sidewaysScroll(page) <= 0, `the answer does not scroll sideways (${await sidewaysScroll(page)} px)`);

    // The tracking link carries the code; with the last four digits the application is found.
    await submit(page, page.getByRole('link', { name: 'Başvurumun durumunu göster' }));
    assert.equal(await page.getByLabel('Takip kodu').inputValue(), code);
    await page.getByLabel('Telefonun son dört hanesi').fill('3344');
    await submit(page, page.getByRole('button', { name: 'Ara' }));
    const record = page.locator('section[aria-labelledby="t-title"] dl.record');
    assert.match(await record.innerText(), /Başvuru alındı/);
    assert.ok(await sidewaysScroll(page) <= 0, 'the tracking page does not scroll sideways');
  }));
