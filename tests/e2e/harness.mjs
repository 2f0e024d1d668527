// harness.mjs: starts a private Kalem server (own port, db, temp dir) and Debian's chromium for one test file.
//
// Usage in a test file:
//   let k;
//   before(async () => { k = await startKalem(import.meta.url); });
//   after(() => k?.stop());
//   test('does x', (t) => k.run(t, async (page) => { ... }));
//
// k.run gives each test a fresh page with no cookies; when the test throws it saves a screenshot and the server
// log under the build directory (dirname of KALEM_BIN, or KALEM_E2E_ARTIFACTS) before rethrowing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const CHROMIUM = process.env.KALEM_CHROMIUM || '/usr/bin/chromium';
export const ADMIN = 'admin';
export const AXE_PATH = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');

/* Fails loudly (never skips) when the driver is not installed: a missing driver must not look like a pass. */
function loadPlaywright() {
  try {
    return require('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed in tests/e2e/node_modules: run scripts/deps.sh ' +
      '(or `npm ci` in tests/e2e)');
  }
}

function kalemBin() {
  const bin = process.env.KALEM_BIN || path.resolve(here, '..', '..', 'build', 'kalem');
  if (!existsSync(bin))
    throw new Error(`kalem binary not found at '${bin}': build it and set KALEM_BIN`);
  return bin;
}

function artifactsDir() {
  return process.env.KALEM_E2E_ARTIFACTS || path.join(path.dirname(kalemBin()), 'e2e-artifacts');
}

/* A port the kernel just handed out on loopback; tiny race before kalem binds it, so start() retries. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* The caller's environment without KALEM_* settings (KALEM_DB, KALEM_SECURE_COOKIES...), which would change
   which database is used or how cookies are sent; `extra` is added. */
function serverEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('KALEM_')));
  return { ...env, ...extra };
}

function slug(s) {
  return String(s).normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80);
}

/* Minimal JSON API client with a cookie jar of one session. */
class ApiClient {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  async call(method, p, body) {
    const headers = { Accept: 'application/json' };
    if (this.cookie) headers.Cookie = this.cookie;
    if (this.csrf) headers['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(this.base + p, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual',
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      if (pair.startsWith('kalem_session=')) this.cookie = pair;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, json, text };
  }

  async login(username, password) {
    const r = await this.call('POST', '/api/v1/session', { username, password });
    if (r.status !== 201) throw new Error(`API sign-in failed: ${r.status} ${r.text}`);
    this.csrf = r.json.csrf_token;
    return r.json;
  }
}

class Kalem {
  constructor(name) {
    this.name = name;
    this.tmp = mkdtempSync(path.join(os.tmpdir(), `kalem-e2e-${name}-`));
    this.db = `sqlite:${path.join(this.tmp, 'kalem.db')}`;
    this.password = `E2e-${randomBytes(9).toString('base64url')}-9x`;
    this.log = [];
    this.proc = null;
    this.context = null;
    this.demo = false;
    this.onExit = () => { try { this.proc?.kill('SIGKILL'); } catch { /* already gone */ } };
    process.on('exit', this.onExit);
  }

  cli(...args) {
    const r = spawnSync(kalemBin(), ['--db', this.db, ...args], {
      env: serverEnv({ KALEM_ADMIN_PASSWORD: this.password }), encoding: 'utf8', timeout: 60000,
    });
    this.log.push(`$ kalem ${args.join(' ')} (exit ${r.status})\n${r.stdout || ''}${r.stderr || ''}`);
    return r;
  }

  async startServer() {
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const proc = spawn(kalemBin(), ['--db', this.db, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '4'],
        { env: serverEnv({ KALEM_VAR: path.join(this.tmp, 'var') }), stdio: ['ignore', 'pipe', 'pipe'] });
      proc.stdout.on('data', (d) => this.log.push(d.toString()));
      proc.stderr.on('data', (d) => this.log.push(d.toString()));
      let exited = false;
      proc.on('exit', () => { exited = true; });
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100 && !exited; i++) {
        try {
          const r = await fetch(`${base}/healthz`);
          if (r.ok) {
            this.proc = proc;
            this.base = base;
            return;
          }
        } catch { /* not listening yet */ }
        await sleep(50);
      }
      proc.kill('SIGKILL');
      this.log.push(`(server on port ${port} did not come up; retrying)\n`);
    }
    throw new Error(`kalem serve did not start:\n${this.log.join('')}`);
  }

  /* Makes sure the records the tests rely on exist, whether or not `kalem demo` made them. */
  async seed() {
    const api = await this.adminApi();
    const wanted = [
      { code: 'FEN', name: 'Fen İşleri Müdürlüğü', manager: 'Ayşe Çelik', phone: '0212 555 10 20',
        email: 'fen@example.org' },
      { code: 'ZAB', name: 'Zabıta Müdürlüğü', manager: 'Mehmet Öztürk', phone: '0212 555 10 30' },
      { code: 'KLT', name: 'Kültür ve Sosyal İşler Müdürlüğü' },
    ];
    for (const d of wanted) {
      const found = await api.call('GET', `/api/v1/directorates?q=${encodeURIComponent(d.name)}`);
      if (found.status !== 200) throw new Error(`directorate list failed: ${found.status} ${found.text}`);
      if (JSON.stringify(found.json).includes(d.name)) continue;
      const r = await api.call('POST', '/api/v1/directorates', d);
      if (r.status !== 201 && r.status !== 409 && r.status !== 422)
        throw new Error(`cannot create directorate ${d.code}: ${r.status} ${r.text}`);
    }
    await api.call('DELETE', '/api/v1/session');
  }

  async adminApi() {
    const api = new ApiClient(this.base);
    await api.login(ADMIN, this.password);
    return api;
  }

  async startBrowser(viewport, bypassCSP) {
    const { chromium } = loadPlaywright();
    if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
    const profile = path.join(this.tmp, 'chromium-profile');
    mkdirSync(profile);
    // launchPersistentContext passes --user-data-dir=profile: a fresh profile per test file.
    this.context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: viewport || { width: 1280, height: 800 },
      locale: 'tr-TR',
      timeout: 30000,
      bypassCSP: !!bypassCSP,
    });
    this.context.setDefaultTimeout(20000);
    this.context.setDefaultNavigationTimeout(30000);
    for (const p of this.context.pages()) await p.close().catch(() => {});
  }

  /* A fresh page without cookies (signed out, Turkish). */
  async newPage() {
    await this.context.clearCookies();
    const page = await this.context.newPage();
    page.problems = [];
    page.on('pageerror', (e) => {
      this.log.push(`(browser) page error: ${e.message}\n`);
      page.problems.push(`script error on ${page.url()}: ${e.message}`);
    });
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      this.log.push(`(browser) console: ${m.text()}\n`);
      if (/Content Security Policy/.test(m.text())) page.problems.push(`CSP violation on ${page.url()}: ${m.text()}`);
    });
    return page;
  }

  url(p) {
    return this.base + p;
  }

  /* Signs in through the login form, as a person would. */
  async login(page, username = ADMIN, password = this.password) {
    await page.goto(this.url('/login'));
    await page.getByLabel('Kullanıcı adı').fill(username);
    await page.getByLabel('Parola').fill(password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Giriş yap' }).click()]);
  }

  async saveArtifacts(testName, page, err) {
    const dir = artifactsDir();
    mkdirSync(dir, { recursive: true });
    const stem = path.join(dir, `${slug(this.name)}--${slug(testName)}`);
    if (page && !page.isClosed()) {
      await page.screenshot({ path: `${stem}.png`, fullPage: true }).catch(() => {});
      writeFileSync(`${stem}.html`, await page.content().catch(() => ''));
    }
    writeFileSync(`${stem}.log`, `${err?.stack || err}\n\n--- url: ${page?.url()}\n--- server log ---\n` +
      this.log.join(''));
    return stem;
  }

  /* Runs one test body with a fresh page; on failure keeps a screenshot, the page and the server log.
     A script error or a Content-Security-Policy violation on any page visited fails the test too. */
  async run(t, fn) {
    const page = await this.newPage();
    return this.runOn(t, page, fn, () => page.close());
  }

  /* As run, on a page the caller made (page.problems set up as newPage does); release() is awaited at the end,
     its failure ignored. */
  async runOn(t, page, fn, release) {
    try {
      await fn(page);
      if (page.problems.length) throw new Error(page.problems.join('\n'));
    } catch (err) {
      const stem = await this.saveArtifacts(t.name, page, err);
      err.message += `\n(screenshot and server log: ${stem}.{png,html,log})`;
      throw err;
    } finally {
      await release().catch(() => {});
    }
  }

  /* The signed-in admin adds a user through the admin pages (Yönetim > Kullanıcılar > Kullanıcı ekle);
     u: {username, name, role (its label), password, directorate (its label, optional)}. */
  async addUser(page, u) {
    await page.goto(this.url('/admin/users/new'));
    await page.getByLabel('Kullanıcı adı', { exact: true }).fill(u.username);
    await page.getByLabel('Adı soyadı').fill(u.name);
    await page.getByLabel('Rol', { exact: true }).selectOption({ label: u.role });
    if (u.directorate) await page.locator('#f-directorate_id').selectOption({ label: u.directorate });
    await page.getByLabel('İlk parola').fill(u.password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kaydet' }).click()]);
    assert.equal(new URL(page.url()).pathname, '/admin/users', `${u.username} was saved`);
    await page.locator('table', { hasText: u.username }).waitFor();
  }

  async stop() {
    await this.context?.close().catch(() => {});
    this.context = null;
    if (this.proc && this.proc.exitCode === null) {
      const gone = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    process.off('exit', this.onExit);
    rmSync(this.tmp, { recursive: true, force: true });
  }

  serverLog() {
    return this.log.join('');
  }
}

/* Starts server and browser for one test file; `who` is import.meta.url of the test (names the artifacts).
   Options: viewport {width,height}; bypassCSP (only for injecting axe-core, which CSP rightly blocks). */
export async function startKalem(who, { viewport, bypassCSP } = {}) {
  const name = path.basename(who ? fileURLToPath(who) : 'e2e', '.mjs').replace(/\.test$/, '');
  loadPlaywright();
  const k = new Kalem(name);
  try {
    const init = k.cli('init');
    if (init.status !== 0) throw new Error(`kalem init failed:\n${k.serverLog()}`);
    k.demo = k.cli('demo').status === 0;
    await k.startServer();
    await k.seed();
    await k.startBrowser(viewport, bypassCSP);
  } catch (err) {
    const dir = artifactsDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${slug(name)}--startup.log`), `${err.stack}\n\n${k.serverLog()}`);
    await k.stop();
    throw err;
  }
  return k;
}

/* Runs axe on the page as it is; fails on serious/critical violations, reports the others as diagnostics of the
   test t; what names the page in the messages. Needs startKalem(..., {bypassCSP: true}) as axe does. */
export async function checkA11y(t, page, what) {
  const violations = await axe(page);
  const line = (v) => `${what}: [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes.slice(0, 5).map((n) => `    ${n.target}: ${n.html.slice(0, 160)}`).join('\n');
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((x) => !blocking.includes(x))) t.diagnostic(line(v));
  assert.equal(blocking.length, 0, `accessibility violations:\n${blocking.map(line).join('\n')}`);
}

/* axe-core on the current page; returns the violations (all impacts). Needs startKalem(..., {bypassCSP: true}):
   addScriptTag inserts an inline script, which the server's script-src 'self' policy blocks otherwise. */
export async function axe(page) {
  if (!existsSync(AXE_PATH)) throw new Error('axe-core is not installed: run scripts/deps.sh');
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
}
