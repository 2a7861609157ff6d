// Shared pieces of the browser tests: the real `ecrn serve` on 127.0.0.1
// (port 0, throwaway SQLite database, the built front end) and Debian's
// Chromium driven by playwright-core, fenced so it can reach only that
// server, with console errors, page errors and CSP violations collected.
import { spawn } from 'node:child_process';
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

// A scratch directory for one test file; remove() deletes it.
export function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), 'ecrn-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// Starts `ecrn serve` on 127.0.0.1:0 over `dir`/ecrn.db with web/dist;
// resolves once it prints its address.
export function startServer(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ecrnBin,
      [
        'serve',
        '--db',
        path.join(dir, 'ecrn.db'),
        '--listen',
        '127.0.0.1:0',
        '--web-root',
        path.join(sourceDir, 'web', 'dist'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const onExit = (code) => reject(new Error(`ecrn serve exited with ${code}: ${stderr}`));
    child.on('error', reject);
    child.on('exit', onExit);
    createInterface({ input: child.stdout }).once('line', (line) => {
      const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (!m) return reject(new Error(`unexpected first line: ${line}`));
      resolve({
        base: m[1],
        stderr: () => stderr,
        stop: async () => {
          child.off('exit', onExit);
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
        },
      });
    });
  });
}

// A fresh Chromium profile under `dir` that may load only from `base`.
// Everything that goes wrong in its pages lands in `problems`.
export async function launchBrowser(dir, base) {
  const problems = [];
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: kChromiumFlags,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
    timezoneId: 'Europe/Chisinau',
  });
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
  return { context, problems };
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
