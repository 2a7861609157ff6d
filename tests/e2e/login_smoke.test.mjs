// Browser smoke test: the real `ecrn serve --web-root web/dist` on
// 127.0.0.1 (port 0, throwaway SQLite database), driven by Debian's Chromium
// through playwright-core. Checks that the login page renders (title,
// labelled fields, skip link, keyboard focus), that switching to Ukrainian
// changes the labels and persists, that deep links get the app, that it fits
// 1280 px and phone width, and that there are no console errors or CSP
// violations. The browser may talk only to the server under test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  cspViolations,
  launchBrowser,
  openPage as open,
  scratch,
  startServer,
  teardown,
} from './harness.mjs';

let tmp;
let server;
let base;
let context;
let problems; // console errors, page errors, CSP violations, foreign requests

before(async () => {
  tmp = scratch();
  server = await startServer(tmp.dir);
  base = server.base;
  assert.match(server.stderr(), /serving the web front end from/);
  ({ context, problems } = await launchBrowser(tmp.dir, base));
});

after(() =>
  teardown(
    () => context?.close(),
    () => server?.stop(),
    () => tmp?.remove(),
  ),
);

// Signed out, GET /api/v1/session answers 401 (404 until the API exists);
// the browser logs that status, which is expected and the only one allowed.
function openPage() {
  return open(context, problems, base, { '/api/v1/session': /^40[14]$/ });
}

test('the login page renders, is labelled and keyboard-usable', async () => {
  const page = await openPage();
  const response = await page.goto(`${base}/`);
  assert.equal(response.status(), 200);
  const headers = response.headers();
  assert.equal(headers['content-security-policy'], "default-src 'self'");
  assert.equal(headers['cache-control'], 'no-cache');
  assert.equal(headers['content-type'], 'text/html; charset=utf-8');

  const heading = page.getByRole('heading', {
    level: 1,
    name: 'Sign in to ECRN',
  });
  await heading.waitFor();
  assert.equal(await page.title(), 'Sign in to ECRN — ECRN');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.getByLabel('Username').isVisible());
  assert.equal(await page.getByLabel('Password').getAttribute('type'), 'password');
  assert.ok(await page.getByRole('button', { name: 'Sign in' }).isVisible());
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.textContent?.trim()))
      .map((el) => el.outerHTML),
  );
  assert.deepEqual(unlabelled, []);
  assert.equal(await page.locator('main').count(), 1);
  assert.equal(await page.locator('header').count(), 1);

  // Focus lands on the page's heading; the skip link is the first stop
  // before it (Shift+Tab over the language switch) and moves focus to <main>.
  const active = () =>
    page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`);
  assert.equal(await active(), 'H1 Sign in to ECRN');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await active(), 'A Skip to main content');
  const skip = await page.getByRole('link', { name: 'Skip to main content' }).boundingBox();
  assert.ok(skip && skip.y >= 0, 'the focused skip link is on screen');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await page.getByLabel('Username').focus();
  await page.keyboard.type('ana');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-password');

  // Hashed assets are cacheable forever.
  const script = await page.evaluate(() =>
    document.querySelector('script[type=module]')?.getAttribute('src'),
  );
  assert.match(script, /^\/assets\/index-[\w-]+\.js$/);
  const asset = await page.request.get(`${base}${script}`);
  assert.equal(asset.status(), 200);
  assert.equal(asset.headers()['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(asset.headers()['content-type'], 'text/javascript; charset=utf-8');

  assert.deepEqual(await cspViolations(page), []);
  await page.close();
  assert.deepEqual(problems, []);
});

test('switching to Ukrainian changes the labels and is remembered', async () => {
  const page = await openPage();
  await page.goto(`${base}/`);
  await page.getByLabel('Language').selectOption('uk');
  await page.getByRole('heading', { level: 1, name: 'Вхід до ECRN' }).waitFor();
  assert.ok(await page.getByLabel('Ім’я користувача').isVisible());
  assert.ok(await page.getByLabel('Пароль').isVisible());
  assert.ok(await page.getByRole('button', { name: 'Увійти' }).isVisible());
  assert.equal(await page.getAttribute('html', 'lang'), 'uk');
  assert.equal(await page.getByLabel('Username').count(), 0);

  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Вхід до ECRN' }).waitFor();
  assert.equal(await page.title(), 'Вхід до ECRN — ECRN');
  await page.getByLabel('Мова').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Sign in to ECRN' }).waitFor();
  assert.deepEqual(await cspViolations(page), []);
  await page.close();
  assert.deepEqual(problems, []);
});

test('deep links get the app; API paths never do', async () => {
  const page = await openPage();
  const deep = await page.goto(`${base}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f`);
  assert.equal(deep.status(), 200);
  await page.getByRole('heading', { level: 1, name: 'Sign in to ECRN' }).waitFor();
  const api = await page.request.get(`${base}/api/v1/no-such-thing`);
  assert.equal(api.status(), 404);
  assert.match(api.headers()['content-type'], /^application\/json/);
  const traversal = await page.request.get(`${base}/assets/%2e%2e/%2e%2e/package.json`);
  assert.equal(traversal.status(), 404);
  await page.close();
  assert.deepEqual(problems, []);
});

test('fits 1280 px and phone width without horizontal scrolling', async () => {
  const page = await openPage();
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${base}/`);
    await page.getByLabel('Username').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px at ${width}px`);
    const box = await page.getByLabel('Username').boundingBox();
    assert.ok(
      box && box.x >= 0 && box.x + box.width <= width,
      `username field outside the viewport at ${width}px`,
    );
  }
  await page.close();
  assert.deepEqual(problems, []);
});
