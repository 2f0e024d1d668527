// login.test.mjs: signing in through the form, landing on the home page, signing out; a wrong password is refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => { k = await startKalem(import.meta.url); });
after(() => k?.stop());

test('admin signs in through the form, lands on the home page and signs out', (t) => k.run(t, async (page) => {
  await page.goto(k.url('/'));
  assert.match(new URL(page.url()).pathname, /^\/login$/, 'a signed-out visitor is sent to the login page');
  await k.login(page);
  assert.equal(new URL(page.url()).pathname, '/');
  await page.getByRole('heading', { level: 1, name: /Hoş geldiniz/ }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'tr');
  const nav = page.getByRole('navigation', { name: 'Ana menü' });
  assert.equal(await nav.getByRole('link', { name: 'Müdürlükler' }).count(), 1);
  assert.equal(await page.getByRole('link', { name: 'Ana sayfa' }).getAttribute('aria-current'), 'page');

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Çıkış yap' }).click()]);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.getByRole('button', { name: 'Çıkış yap' }).count(), 0);
  // The session is really gone: the home page asks for a login again.
  await page.goto(k.url('/'));
  assert.equal(new URL(page.url()).pathname, '/login');
}));

test('a wrong password shows the Turkish error and does not sign in', (t) => k.run(t, async (page) => {
  await k.login(page, 'admin', 'yanlis-parola-123');
  assert.equal(new URL(page.url()).pathname, '/login');
  const alert = page.getByRole('alert');
  assert.equal((await alert.innerText()).trim(), 'Kullanıcı adı veya parola hatalı.');
  assert.equal(await page.getByLabel('Kullanıcı adı').inputValue(), 'admin', 'the user name is kept');
  assert.equal(await page.getByLabel('Parola').inputValue(), '', 'the password is never echoed back');
  await page.goto(k.url('/directorates'));
  assert.equal(new URL(page.url()).pathname, '/login', 'still signed out');
}));

test('an unknown user gets the same error as a wrong password', (t) => k.run(t, async (page) => {
  await k.login(page, 'kimse-yok', 'Bir-parola-123');
  assert.equal((await page.getByRole('alert').innerText()).trim(), 'Kullanıcı adı veya parola hatalı.');
}));
