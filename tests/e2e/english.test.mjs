// english.test.mjs: the header link switches the pages to English and the choice persists (cookie).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startKalem } from './harness.mjs';

let k;
before(async () => { k = await startKalem(import.meta.url); });
after(() => k?.stop());

test('the header link switches to English and the choice persists across pages', (t) => k.run(t, async (page) => {
  await k.login(page);
  await page.goto(k.url('/directorates'));
  assert.equal(await page.locator('html').getAttribute('lang'), 'tr');
  const toEnglish = page.getByRole('link', { name: 'English' });
  assert.equal(await toEnglish.getAttribute('hreflang'), 'en');
  await Promise.all([page.waitForNavigation(), toEnglish.click()]);

  // The same page, now in English.
  assert.equal(new URL(page.url()).pathname, '/directorates');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.getByRole('heading', { level: 1, name: 'Directorates' }).waitFor();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Çıkış yap' }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Add a directorate' }).count(), 1);
  const cookies = await page.context().cookies(k.base);
  assert.equal(cookies.find((c) => c.name === 'kalem_lang')?.value, 'en');

  // Other pages, reached without ?lang, stay English.
  await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Home' }).click();
  await page.getByRole('heading', { level: 1, name: /^Welcome/ }).waitFor();
  assert.equal(new URL(page.url()).search, '');
  await page.goto(k.url('/directorates/new'));
  await page.getByRole('heading', { level: 1, name: 'New directorate' }).waitFor();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /There is a problem/);
  assert.equal((await page.locator('#e-code').innerText()).trim(), 'Code is required');

  // And back to Turkish with the same link, now labelled "Türkçe".
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Türkçe' }).click()]);
  assert.equal(await page.locator('html').getAttribute('lang'), 'tr');
  await page.goto(k.url('/'));
  await page.getByRole('heading', { level: 1, name: /^Hoş geldiniz/ }).waitFor();
}));

test('the login page can be switched to English before signing in', (t) => k.run(t, async (page) => {
  await page.goto(k.url('/login'));
  await page.getByRole('button', { name: 'Giriş yap' }).waitFor();
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'English' }).click()]);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('wrong-password-1');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
  assert.equal((await page.getByRole('alert').innerText()).trim(), 'Wrong user name or password.');
}));
