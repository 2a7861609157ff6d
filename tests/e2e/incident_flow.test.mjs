// Browser test of incident reporting end to end (issue 5): two people, each
// in their own browser context, on the real `ecrn serve` (127.0.0.1, port 0,
// throwaway SQLite database set up with the `ecrn` admin CLI).
//
//   officer  analyst of the Exemplar Election Commission: files a report
//            with an evidence file through the wizard, sees the case's
//            reporting clock counting down in her time zone, invites the
//            police and sends them a crime-report package
//   police   liaison of the Exemplar Police Cyber Unit: finds the package
//            among the crime reports received, opens it (hub key, download)
//            and acknowledges it
//
// The officer's case page then shows the acknowledgement on its timeline and
// on the package.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  cspViolations,
  ecrn,
  launchSharedBrowser,
  openPage,
  scratch,
  signIn as signInAs,
  startServer,
  teardown,
} from './harness.mjs';

const kPassword = 'e2e-only-password-2';
const kCommission = 'Exemplar Election Commission';
const kPolice = 'Exemplar Police Cyber Unit';
const kOfficer = 'cec-officer';
const kLiaison = 'police-liaison';
const kTitle = 'Results website down on election night (e2e)';
const kFileName = 'edge-access.log';
const kFile = Buffer.from('203.0.113.9 - - [21/Nov/2026:20:05:01] "GET / HTTP/1.1" 503 0\n'.repeat(50));
const kTimeZone = 'Europe/Chisinau'; // the harness's browser zone

let tmp;
let server;
let base;
let browser;
const people = {}; // name → { context, problems, page, expected }
let caseUrl; // the case page, once filed

function seed(dir) {
  const run = (...args) => ecrn(dir, args, { env: { ECRN_PASSWORD: kPassword } });
  run('org', 'add', '--name', kCommission, '--kind', 'election-commission', '--country', 'XE');
  run('org', 'add', '--name', kPolice, '--kind', 'law-enforcement', '--country', 'XE');
  run('user', 'add', '--org', kCommission, '--username', kOfficer, '--role', 'analyst');
  run('user', 'add', '--org', kPolice, '--username', kLiaison, '--role', 'liaison');
}

before(async () => {
  tmp = scratch();
  seed(tmp.dir);
  server = await startServer(tmp.dir);
  base = server.base;
  browser = await launchSharedBrowser(base);
  for (const name of [kOfficer, kLiaison]) {
    const { context, problems } = await browser.newContext();
    const expected = { '/api/v1/session': /^401$/ };
    const page = await openPage(context, problems, base, expected);
    people[name] = { context, problems, page, expected };
  }
});

after(() =>
  teardown(
    () => browser?.close(),
    () => server?.stop(),
    () => tmp?.remove(),
  ),
);

function signIn(name) {
  return signInAs(people[name].page, base, name, kPassword);
}

async function assertClean(name) {
  const { page, problems } = people[name];
  assert.deepEqual(await cspViolations(page), []);
  assert.deepEqual(problems, []);
}

// The wizard's step heading, e.g. "Step 2 of 6: What kind".
function step(page, n, name) {
  return page.getByRole('heading', { level: 2, name: `Step ${n} of 6: ${name}` });
}

// A time as the UI writes it in the browser's zone ("22 Nov 2026, 04:05 EET").
function shown(iso) {
  return new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: kTimeZone,
  }).format(new Date(iso));
}

test('the officer files a report with an evidence file through the wizard', async () => {
  await signIn(kOfficer);
  const { page } = people[kOfficer];
  // The dashboard counts overdue incidents: none yet.
  await page.getByText('No incident you can see is past a reporting deadline.').waitFor();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Incidents' }).click();
  await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor();
  await page.getByText('No incident matches.').waitFor();
  await page.getByRole('link', { name: 'Report an incident' }).click();

  await step(page, 1, 'What happened').waitFor();
  // Going on without the required answers says what is missing.
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('alert').filter({ hasText: 'Enter a short title.' }).waitFor();
  await page.getByLabel('Short title').fill(kTitle);
  await page
    .getByLabel('What happened')
    .fill('The results site stopped answering at 20:05; traffic is forty times normal.');
  // "When was it noticed?" starts at now, in the user's zone.
  assert.match(await page.getByLabel('When was it noticed?').inputValue(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  await page.getByRole('button', { name: 'Next' }).click();

  await step(page, 2, 'What kind').waitFor();
  await page.getByRole('radio', { name: 'Service disruption' }).check();
  await page.getByRole('checkbox', { name: 'Results publication' }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await step(page, 3, 'Where').waitFor();
  await page.getByLabel('Affected systems').fill('results.example.org');
  await page.getByLabel('Election phase').selectOption({ label: 'Results' });
  await page.getByRole('button', { name: 'Next' }).click();

  await step(page, 4, 'Impact').waitFor();
  await page.getByLabel('Availability', { exact: true }).selectOption({ label: 'High' });
  await page.getByLabel('Public trust', { exact: true }).selectOption({ label: 'Medium' });
  // Severity comes with its plain-language definition.
  await page.getByText('An important election service is disrupted or data is at risk; act today.').waitFor();
  await page.getByRole('radio', { name: 'High' }).check();
  await page.getByRole('button', { name: 'Next' }).click();

  await step(page, 5, 'Playbook and files').waitFor();
  await page.getByLabel('Evidence files (optional)').setInputFiles({
    name: kFileName,
    mimeType: 'text/plain',
    buffer: kFile,
  });
  await page.getByLabel('What the files are').fill('Edge proxy log from the results site');
  await page.getByRole('button', { name: 'Next' }).click();

  await step(page, 6, 'Check and send').waitFor();
  const review = page.locator('form.wizard dl');
  assert.match(await review.innerText(), new RegExp(`${kFileName} \\(`));
  assert.match(await review.innerText(), /Service disruption/);
  await page.getByRole('button', { name: 'Send the report' }).click();

  await page.getByRole('heading', { level: 1, name: kTitle }).waitFor();
  assert.match(page.url(), /\/incidents\/incident--[0-9a-f-]{36}$/);
  caseUrl = page.url();
  await assertClean(kOfficer);
});

test('the case page shows the reporting clocks and the evidence', async () => {
  assert.ok(caseUrl, 'the report was filed');
  const { page } = people[kOfficer];
  const id = caseUrl.split('/').pop();
  const view = await (await page.request.get(`${base}/api/v1/incidents/${id}`)).json();
  const early = view.clocks.find((c) => c.token === 'early-warning');
  assert.ok(early, JSON.stringify(view.clocks));

  // The early-warning clock: its deadline in the user's zone, counting down
  // from just under 24 hours.
  const clocks = page.getByRole('region', { name: 'Reporting clocks' });
  const row = clocks.getByTestId('clock').filter({ hasText: early.label });
  await row.waitFor();
  assert.equal(await row.locator(`time[datetime="${early.deadline}"]`).innerText(), shown(early.deadline));
  assert.match(await row.innerText(), /23 h \d+ min left/);
  assert.equal(await clocks.getByText(/^Overdue by/).count(), 0);

  // The file is there with the hash the hub computed when it arrived.
  const evidence = page.getByRole('region', { name: 'Evidence' });
  await evidence.getByRole('rowheader', { name: new RegExp(`^${kFileName}`) }).waitFor();
  const sha = createHash('sha256').update(kFile).digest('hex');
  await evidence.getByText(sha).waitFor();
  const link = evidence.getByRole('link', { name: `Download ${kFileName}` });
  const download = await page.request.get(new URL(await link.getAttribute('href'), base).href);
  assert.equal(download.status(), 200);
  assert.equal(download.headers()['x-content-sha256'], sha);
  assert.deepEqual(Buffer.from(await download.body()), kFile);

  // The summary and the timeline tell what was reported.
  const summary = page.getByRole('region', { name: 'Summary' });
  assert.match(await summary.innerText(), /Service disruption/);
  assert.match(await summary.innerText(), /results\.example\.org/);
  const timeline = page.getByRole('list', { name: 'Timeline' });
  await timeline.getByText(`${kOfficer} (${kCommission}) reported the incident`).waitFor();
  await timeline.getByText(`added evidence: ${kFileName}`).waitFor();
  await assertClean(kOfficer);
});

test('the officer invites the police and sends them a crime report', async () => {
  assert.ok(caseUrl, 'the report was filed');
  const { page } = people[kOfficer];
  const participants = page.getByRole('region', { name: 'Participating organisations' });
  await participants.getByText('Only your organisation works on this case.').waitFor();
  await page.getByLabel('Organisation', { exact: true }).fill(kPolice);
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Police cybercrime unit' });
  await page.getByRole('button', { name: 'Invite' }).click();
  await participants.getByRole('rowheader', { name: kPolice }).waitFor();

  const packages = page.getByRole('region', { name: 'Crime reports' });
  await packages.getByText('No crime report has been sent.').waitFor();
  assert.match(await packages.getByLabel('Recipient').innerText(), new RegExp(kPolice));
  await packages.getByRole('button', { name: 'Build and send the package' }).click();
  const sent = packages.getByRole('row').filter({ hasText: kPolice });
  await sent.getByText('Not acknowledged yet').waitFor();
  await page
    .getByRole('list', { name: 'Timeline' })
    .getByText(`sent a crime report to: ${kPolice}`)
    .waitFor();
  await assertClean(kOfficer);
});

test('the police liaison finds the package, checks it and acknowledges it', async () => {
  await signIn(kLiaison);
  const { page } = people[kLiaison];
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Crime reports' }).click();
  await page.getByRole('heading', { level: 1, name: 'Crime reports received' }).waitFor();
  await page.getByText('1 waiting for acknowledgement').waitFor();
  const item = page.getByTestId('package').filter({ hasText: kTitle });
  await item.getByText('New', { exact: true }).waitFor();
  await item.getByText(`from ${kCommission}`).waitFor();
  await item.getByRole('button', { name: `Open “${kTitle}”` }).click();

  // The hub's key to pin, as the API publishes it, and the package itself.
  const key = await (await page.request.get(`${base}/api/v1/packages/key`)).json();
  assert.equal(await item.getByTestId('package-key').innerText(), key.public_key);
  await item.getByText(`ecrn evidence verify crime-report-`).waitFor();
  const href = await item.getByRole('link', { name: /^Download crime-report-.*\.zip$/ }).getAttribute('href');
  const zip = await page.request.get(new URL(href, base).href);
  assert.equal(zip.status(), 200);
  assert.equal(zip.headers()['content-type'], 'application/zip');
  const body = Buffer.from(await zip.body());
  assert.equal(zip.headers()['x-content-sha256'], createHash('sha256').update(body).digest('hex'));
  await item.getByText(zip.headers()['x-content-sha256']).waitFor();

  await item.getByRole('button', { name: 'Acknowledge receipt' }).click();
  await item.getByText(`Acknowledged by ${kLiaison}`).waitFor();
  await page.getByText('0 waiting for acknowledgement').waitFor();
  assert.equal(await item.getByRole('button', { name: 'Acknowledge receipt' }).count(), 0);
  await assertClean(kLiaison);
});

test("the officer's case timeline shows the acknowledgement", async () => {
  assert.ok(caseUrl, 'the report was filed');
  const { page } = people[kOfficer];
  await page.reload();
  await page.getByRole('heading', { level: 1, name: kTitle }).waitFor();
  await page
    .getByRole('list', { name: 'Timeline' })
    .getByText(`${kLiaison} (${kPolice}) acknowledged the crime report`)
    .waitFor();
  const packages = page.getByRole('region', { name: 'Crime reports' });
  await packages.getByText(`Acknowledged by ${kLiaison}`).waitFor();

  // The incident list shows the case with its next deadline counting down.
  await page.getByRole('link', { name: 'All incidents' }).click();
  const row = page.getByRole('row').filter({ hasText: kTitle });
  await row.getByText(/\d+ h \d+ min left/).waitFor();
  assert.match(await row.innerText(), new RegExp(kCommission));
  await assertClean(kOfficer);
});
