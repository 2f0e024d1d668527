// screenshots.mjs: signs in to a private demo server and saves the README's screenshots to docs/screenshots/.
// Run: KALEM_BIN=build/kalem node tests/e2e/screenshots.mjs   (not a test; 1280x800 PNGs, Turkish pages)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKalem } from './harness.mjs';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const k = await startKalem(import.meta.url, { viewport: { width: 1280, height: 800 } });
let failed = false;
try {
  const page = await k.newPage();
  const shot = async (name) => {
    await page.evaluate(() => document.activeElement?.blur());
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    console.log(`saved docs/screenshots/${name}.png (${page.url().replace(k.base, '')})`);
  };
  const go = async (p) => {
    const r = await page.goto(k.url(p));
    if (r.status() !== 200) throw new Error(`${p} answered ${r.status()}`);
  };

  await go('/login');
  await page.getByLabel('Kullanıcı adı').fill('admin');
  await shot('login');
  await k.login(page);
  await shot('home');
  await go('/directorates');
  await shot('directorates');
  await go('/directorates/new');
  await page.getByLabel('Ad', { exact: true }).fill('Yazı İşleri Müdürlüğü');
  await page.getByLabel(/E-posta/).fill('yazi-isleri@');
  await page.getByRole('button', { name: 'Kaydet' }).click();
  await page.getByRole('alert').waitFor();
  await shot('form_errors');
  await go('/parties');
  await shot('parties');
} catch (err) {
  failed = true;
  console.error(`screenshots: ${err.message}`);
} finally {
  await k.stop();
}
process.exit(failed ? 1 : 0);
