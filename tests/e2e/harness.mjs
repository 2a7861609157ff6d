// Shared pieces of the browser tests: the real `ecrn serve` on 127.0.0.1
// (port 0, throwaway SQLite database, the built front end) and Debian's
// Chromium driven by playwright-core, fenced so it can reach only that
// server, with console errors, page errors and CSP violations collected.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const sourceDir = process.env.ECRN_SOURCE_DIR ?? path.resolve(import.meta.dirname ?? '.', '../..');
export const ecrnBin = process.env.ECRN_BIN ?? path.join(sourceDir, 'build/debug/ecrn');
const chromiumPath = process.env.ECRN_CHROMIUM ?? '/usr/bin/chromium';
// playwright-core is a dev dependency of web/.
const { chromium } = createRequire(path.join(sourceDir, 'web', 'package.json'))('playwright-core');

const kChromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// A scratch directory for one test file; remove() deletes it (and so does
// an early exit of the test process, after its servers are killed).
export function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecrn-e2e-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', remove);
  return {
    dir,
    remove: () => {
      process.off('exit', remove);
      remove();
    },
  };
}

// The database of the server that runs in `dir`.
function dbPath(dir) {
  return path.join(dir, 'ecrn.db');
}

// Runs the CLI (`ecrn ARGS --db dir/ecrn.db`) to set up fixtures before the
// server starts; `env` is added to the environment (e.g. ECRN_PASSWORD) and
// `input` goes to stdin. Returns stdout, trimmed; throws with the command's
// stderr when it fails.
export function ecrn(dir, args, { env = {}, input } = {}) {
  try {
    return execFileSync(ecrnBin, [...args, '--db', dbPath(dir)], {
      env: { ...process.env, ...env },
      input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
    }).trim();
  } catch (e) {
    throw new Error(`ecrn ${args.join(' ')} failed (${e.status}): ${e.stderr}`);
  }
}

// Servers still running; killed if this test process exits before a test
// file's teardown got to them (a crash, or a signal from ctest's time-out or
// Ctrl-C). playwright-core does the same for the browsers it launched.
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
]) {
  process.once(signal, () => process.exit(128 + number));
}

// Starts `ecrn serve` on 127.0.0.1:0 over `dir`/ecrn.db with web/dist;
// resolves once it prints its address. If it does not start, the process is
// killed before the promise rejects.
export function startServer(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ecrnBin,
      [
        'serve',
        '--db',
        dbPath(dir),
        '--listen',
        '127.0.0.1:0',
        '--web-root',
        path.join(sourceDir, 'web', 'dist'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.once('exit', r)).then(() => children.delete(child));
    // Stops the server: SIGTERM, then SIGKILL if it has not exited after a
    // grace period (a hung shutdown must not hang the test run).
    const stop = async () => {
      child.off('exit', onExit);
      // No pid: it never started (spawn failed), so there is nothing to stop.
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    };
    const fail = (error) => stop().then(() => reject(error));
    const onExit = (code) => reject(new Error(`ecrn serve exited with ${code}: ${stderr}`));
    child.on('error', fail);
    child.on('exit', onExit);
    createInterface({ input: child.stdout }).once('line', (line) => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!m) return fail(new Error(`unexpected first line: ${line}`));
      resolve({ base: m[1], stderr: () => stderr, stop });
    });
  });
}

// Runs every step of a teardown even when an earlier one fails (so a
// failing test still stops the browser and the server and removes its
// files), then throws the first error.
export async function teardown(...steps) {
  let first;
  for (const step of steps) {
    try {
      await step();
    } catch (e) {
      first ??= e;
    }
  }
  if (first) throw first;
}

// Lets `context` load only from `base` and collects what goes wrong in its
// pages (foreign requests, CSP violations via cspViolations()) in `problems`.
async function fence(context, base, problems) {
  const origin = new URL(base).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    problems.push(`request outside the server under test: ${url}`);
    return route.abort();
  });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

const kContextOptions = {
  viewport: { width: 1280, height: 800 },
  locale: 'en-GB',
  timezoneId: 'Europe/Chisinau',
};

// A fresh Chromium profile under `dir` that may load only from `base`.
// Everything that goes wrong in its pages lands in `problems`.
export async function launchBrowser(dir, base) {
  const problems = [];
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: kChromiumFlags,
    ...kContextOptions,
  });
  await fence(context, base, problems);
  return { context, problems };
}

// One Chromium for several users at once: newContext() gives a context with
// its own cookies and storage (a separate person), fenced to `base`, with
// its own `problems`. close() ends the browser and every context.
export async function launchSharedBrowser(base) {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: kChromiumFlags,
  });
  return {
    async newContext() {
      const problems = [];
      const context = await browser.newContext(kContextOptions);
      // Waits end in a failure after a minute (instead of 30 s): the server
      // under test runs with sanitizers on a machine that may be busy.
      context.setDefaultTimeout(60_000);
      await fence(context, base, problems);
      return { context, problems };
    },
    close: () => browser.close(),
  };
}

// A new page whose console errors and warnings and uncaught exceptions go
// to `problems`, except the statuses in `expectedStatuses` (path → regexp
// of the allowed status codes) that the browser logs for fetches the app
// makes on purpose (e.g. GET /api/v1/session is 401 before signing in).
export async function openPage(context, problems, base, expectedStatuses = {}) {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const where = msg.location()?.url ?? '';
    const status = /status of (\d{3})/.exec(msg.text())?.[1];
    const allowed = status && where && expectedStatuses[new URL(where, base).pathname];
    if (allowed && allowed.test(status)) return;
    problems.push(`console ${msg.type()}: ${msg.text()} (${where})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return page;
}

// The CSP violations the page has seen.
export function cspViolations(page) {
  return page.evaluate(() => window.__csp);
}

// Signs `username` in through the login page of `page` and waits for the
// dashboard that greets them.
export async function signIn(page, base, username, password) {
  await page.goto(`${base}/`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page.getByText(`Signed in as ${username} (`).waitFor();
}
