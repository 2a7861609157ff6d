// Browser test of TLP:RED sharing end to end: three people, each in their
// own browser context, on the real `ecrn serve` (127.0.0.1, port 0,
// throwaway SQLite database set up with the `ecrn` admin CLI).
//
//   sender     analyst of CERT-Exemplar: signs in through the login page,
//              finds an existing indicator through the search page, submits
//              an indicator as TLP:RED to exactly one named recipient, then
//              (keyboard only) a TLP:GREEN one
//   recipient  analyst of the Exemplar Election Commission, dashboard open
//              before the submission: the RED indicator appears live
//   bystander  another analyst of the same commission, who reads the same
//              channel, dashboard open too: the GREEN indicator arrives, the
//              RED one never does (the stream delivers events in order, so
//              once the later GREEN one is on the page the RED one would be
//              too); search and the object's own page answer "not found",
//              exactly as for an id that does not exist
//
// TLP:RED is for named individuals: the bystander belongs to the very
// organisation of the recipient and still must not see it.
import assert from 'node:assert/strict';
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

const kPassword = 'e2e-only-password-1';
const kChannel = 'Region: Exemplar (e2e)';
const kSender = 'cert-analyst';
const kRecipient = 'cec-analyst';
const kBystander = 'cec-analyst-2';
const kRecipientOrg = 'Exemplar Election Commission';
// An indicator in the channel before anyone signs in (found by search).
const kExisting = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--0b6f4d52-3e8a-4c1b-9d7e-2f5a6c8b9e01',
  created: '2026-05-01T08:00:00.000Z',
  modified: '2026-05-01T08:00:00.000Z',
  name: 'Fake results portal results-cec.example',
  description: 'Look-alike of the commission results site (e2e fixture).',
  indicator_types: ['malicious-activity'],
  pattern: "[domain-name:value = 'results-cec.example']",
  pattern_type: 'stix',
  valid_from: '2026-05-01T08:00:00.000Z',
  object_marking_refs: ['marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb'],
};
const kRedName = 'Ballot-upload phishing kit (RED, e2e)';
const kRedPattern = "[url:value = 'https://upload-ballots.example/login']";
const kGreenName = 'Scanner hitting the voter register (GREEN, e2e)';
const kGreenPattern = "[ipv4-addr:value = '198.51.100.23']";
// A well-formed id that no object has: what "hidden" must look like.
const kMissingId = 'indicator--6a1c2e9d-4b7f-4e3a-8c5d-1f0e9b8a7c6d';

let tmp;
let server;
let base;
let browser;
const people = {}; // name → { context, problems, page, expected }

// The organisations, users and channel, made with the admin CLI (as an
// operator's script would) before the server starts.
function seed(dir) {
  const run = (...args) => ecrn(dir, args, { env: { ECRN_PASSWORD: kPassword } });
  run('org', 'add', '--name', 'CERT-Exemplar', '--kind', 'cert', '--country', 'XE');
  run('org', 'add', '--name', kRecipientOrg, '--kind', 'election-commission', '--country', 'XE');
  run('user', 'add', '--org', 'CERT-Exemplar', '--username', kSender, '--role', 'analyst');
  run('user', 'add', '--org', kRecipientOrg, '--username', kRecipient, '--role', 'analyst');
  run('user', 'add', '--org', kRecipientOrg, '--username', kBystander, '--role', 'analyst');
  run('channel', 'add', '--name', kChannel, '--default-tlp', 'amber');
  run('channel', 'grant', '--channel', kChannel, '--org', 'CERT-Exemplar', '--read', '--write');
  run('channel', 'grant', '--channel', kChannel, '--org', kRecipientOrg, '--read', '--write');
  ecrn(dir, ['import', '-', '--channel', kChannel, '--quiet'], { input: JSON.stringify(kExisting) });
}

before(async () => {
  tmp = scratch();
  seed(tmp.dir);
  server = await startServer(tmp.dir);
  base = server.base;
  browser = await launchSharedBrowser(base);
  for (const name of [kSender, kRecipient, kBystander]) {
    const { context, problems } = await browser.newContext();
    // Before signing in GET /api/v1/session is 401; the statuses of any
    // other fetch the test provokes on purpose are added to `expected`.
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

// Signs `name` in through the login page and waits for the dashboard.
function signIn(name) {
  return signInAs(people[name].page, base, name, kPassword);
}

// The dashboard's list of objects, and a link in it by name.
function dashboardItem(page, name) {
  return page.getByRole('list', { name: 'Latest intelligence in my channels' }).getByRole('link', { name });
}

// Opens the dashboard and waits until its live stream is connected (the
// server has subscribed it to new objects before it answers).
async function openLiveDashboard(name) {
  const { page } = people[name];
  await page.goto(`${base}/`);
  await page.getByText('Live: new items appear here as they are shared.').waitFor();
  await dashboardItem(page, kExisting.name).waitFor();
  // Survives only as long as the page is not reloaded or left.
  await page.evaluate(() => (window.__sameDocument = true));
}

// Moves the focus with `key` (Tab or Shift+Tab) until `target` has it, as
// a keyboard user does; `target` is "#id" or "button:Its text". Fails if it
// is not reached.
async function tabTo(page, target, key = 'Tab') {
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el?.id ? `#${el.id}` : `${el?.tagName.toLowerCase()}:${el?.textContent?.trim()}`;
    });
  for (let i = 0; i < 40; i++) {
    if ((await focused()) === target) return;
    await page.keyboard.press(key);
  }
  assert.fail(`${key} never reached ${target} (stopped at ${await focused()})`);
}

// Runs a search as the URL query `query` on `page` and returns the number
// of results it reports.
async function searchCount(page, query) {
  await page.goto(`${base}/search?${query}`);
  const status = page.getByRole('status').filter({ hasText: /^\d+ results$/ });
  await status.waitFor();
  return Number(/^(\d+)/.exec(await status.innerText())[1]);
}

// The id of the one object in the submit page's results, after "Added: ".
async function submittedId(page) {
  const results = page.getByRole('status').filter({ has: page.getByRole('heading', { name: 'Result' }) });
  const link = results.getByRole('link', { name: /^indicator--/ });
  await link.waitFor();
  assert.equal(await results.getByRole('listitem').count(), 1);
  assert.match(await results.getByRole('listitem').innerText(), /^Added: indicator--/);
  return link.innerText();
}

async function assertClean(name) {
  const { page, problems } = people[name];
  assert.deepEqual(await cspViolations(page), [], `CSP violations for ${name}`);
  assert.deepEqual(problems, [], `problems for ${name}`);
}

let redId;
let greenId;

test('the sender signs in and finds an existing indicator through search', async () => {
  await signIn(kSender);
  const { page } = people[kSender];
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click();
  await page.getByRole('heading', { level: 1, name: 'Search intelligence' }).waitFor();
  await page.getByLabel('Text', { exact: true }).fill('results portal');
  await page.getByLabel('Object type').selectOption('indicator');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: /^1 results$/ })
    .waitFor();
  const url = new URL(page.url());
  assert.equal(url.pathname, '/search');
  assert.equal(url.searchParams.get('q'), 'results portal');
  assert.equal(url.searchParams.get('type'), 'indicator');
  const results = page.getByRole('list', { name: 'Results' });
  assert.equal(await results.getByRole('listitem').count(), 1);
  await results.getByRole('link', { name: kExisting.name }).click();
  await page.getByRole('heading', { level: 1, name: `TLP:GREEN ${kExisting.name}` }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/objects/${kExisting.id}`);
  await page.getByText(kExisting.pattern, { exact: true }).waitFor();
  await assertClean(kSender);
});

test('the recipient and the bystander sign in and watch their dashboards', async () => {
  for (const name of [kRecipient, kBystander]) {
    await signIn(name);
    await openLiveDashboard(name);
    assert.equal(await dashboardItem(people[name].page, kRedName).count(), 0);
    await assertClean(name);
  }
});

test('the sender shares an indicator as TLP:RED with exactly one named recipient', async () => {
  const { page } = people[kSender];
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Submit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Submit intelligence' }).waitFor();
  assert.ok(await page.getByLabel('Indicator', { exact: true }).isChecked());
  await page.getByLabel('Channel', { exact: true }).selectOption({ label: kChannel });
  await page.getByLabel('TLP marking').selectOption('red');

  // Everyone who may read the channel but the sender can be named; name one.
  const recipients = page.getByRole('group', { name: 'TLP:RED recipients' });
  const recipient = recipients.getByLabel(`${kRecipient} (${kRecipientOrg})`, { exact: true });
  await recipient.waitFor();
  assert.deepEqual(
    (
      await recipients.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => b.labels[0].textContent))
    ).sort(),
    [`${kRecipient} (${kRecipientOrg})`, `${kBystander} (${kRecipientOrg})`],
  );
  await recipient.check();
  assert.equal(await recipients.getByRole('checkbox', { checked: true }).count(), 1);

  await page.getByLabel('Name', { exact: true }).fill(kRedName);
  await page.getByLabel('Description', { exact: true }).fill('Only for the commission analyst named (e2e).');
  await page.getByLabel('STIX pattern', { exact: true }).fill(kRedPattern);
  await page.getByLabel('malicious-activity', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  redId = await submittedId(page);
  assert.match(redId, /^indicator--[0-9a-f-]{36}$/);
  // The form is cleared for the next one.
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), '');
  await assertClean(kSender);
});

test('the named recipient sees it arrive live, without reloading', async () => {
  assert.ok(redId, 'the RED submission ran');
  const { page } = people[kRecipient];
  const item = dashboardItem(page, kRedName);
  await item.waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the dashboard was not reloaded');
  await page
    .getByTestId('live-region')
    .filter({ hasText: `New indicator in ${kChannel}: ${kRedName}` })
    .waitFor({ state: 'attached' });
  const entry = page
    .getByRole('list', { name: 'Latest intelligence in my channels' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: kRedName }) });
  assert.equal(await entry.locator('.tlp').innerText(), 'TLP:RED');
  await item.click();
  await page.getByRole('heading', { level: 1, name: `TLP:RED ${kRedName}` }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/objects/${redId}`);
  await page.getByText(kRedPattern, { exact: true }).waitFor();
  await assertClean(kRecipient);
});

test('the sender then shares a TLP:GREEN indicator using only the keyboard', async () => {
  assert.ok(redId, 'the RED submission ran');
  const { page } = people[kSender];
  await page.goto(`${base}/submit`);
  await page.getByRole('heading', { level: 1, name: 'Submit intelligence' }).waitFor();
  // The page puts the focus on its heading; everything from here on is keys.
  await page.waitForFunction(() => document.activeElement?.textContent === 'Submit intelligence');
  await tabTo(page, '#submit-tlp');
  await page.keyboard.press('Home'); // TLP:CLEAR
  await page.keyboard.press('ArrowDown'); // TLP:GREEN
  assert.equal(await page.getByLabel('TLP marking').inputValue(), 'green');
  assert.equal(await page.getByRole('group', { name: 'TLP:RED recipients' }).count(), 0);
  await tabTo(page, '#submit-name');
  await page.keyboard.type(kGreenName);
  await tabTo(page, '#submit-pattern');
  await page.keyboard.type(kGreenPattern);
  await tabTo(page, '#itype-anomalous-activity');
  await page.keyboard.press('Space');
  assert.ok(await page.getByLabel('anomalous-activity', { exact: true }).isChecked());
  await tabTo(page, 'button:Submit');
  await page.keyboard.press('Enter');
  greenId = await submittedId(page);
  assert.notEqual(greenId, redId);
  await assertClean(kSender);
});

test('the bystander gets the later GREEN indicator live but never the RED one', async () => {
  assert.ok(greenId, 'the GREEN submission ran');
  const { page } = people[kBystander];
  // Events reach a stream in the order they were added: once the GREEN one
  // is here, the RED one would have been drawn before it.
  await dashboardItem(page, kGreenName).waitFor();
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the dashboard was not reloaded');
  assert.equal(await dashboardItem(page, kRedName).count(), 0);
  assert.equal(await page.getByText(kRedName).count(), 0);
  const names = await page
    .getByRole('list', { name: 'Latest intelligence in my channels' })
    .getByRole('link')
    .allInnerTexts();
  assert.deepEqual(names, [kGreenName, kExisting.name]);

  // The recipient got both, RED first.
  const recipient = people[kRecipient].page;
  await recipient.goto(`${base}/`);
  await dashboardItem(recipient, kGreenName).waitFor();
  assert.deepEqual(
    await recipient
      .getByRole('list', { name: 'Latest intelligence in my channels' })
      .getByRole('link')
      .allInnerTexts(),
    [kGreenName, kRedName, kExisting.name],
  );
  await assertClean(kBystander);
  await assertClean(kRecipient);
});

test('for the bystander the RED indicator is not found anywhere', async () => {
  assert.ok(redId && greenId, 'both submissions ran');
  const { page, expected } = people[kBystander];

  // A fresh dashboard (the first page comes from search, not the stream).
  await page.reload();
  await dashboardItem(page, kGreenName).waitFor();
  assert.equal(await dashboardItem(page, kRedName).count(), 0);

  // Search by its words and by its observable: nothing for the bystander,
  // while the same searches find it for the recipient (so they can find it).
  const queries = ['q=phishing+kit', 'observable=https%3A%2F%2Fupload-ballots.example%2Flogin', 'tlp=red'];
  for (const query of queries) {
    assert.equal(await searchCount(people[kRecipient].page, query), 1, `recipient: ${query}`);
    assert.equal(await searchCount(page, query), 0, `bystander: ${query}`);
    await page.getByText('No results.').waitFor();
  }
  assert.equal(await searchCount(page, 'q=voter+register'), 1);

  // Its own page answers exactly like an id that does not exist.
  expected[`/api/v1/objects/${redId}`] = /^404$/;
  expected[`/api/v1/objects/${kMissingId}`] = /^404$/;
  const notFound = async (id) => {
    await page.goto(`${base}/objects/${id}`);
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: 'Not found, or you may not see it.' }).waitFor();
    assert.equal(await page.getByText(kRedName).count(), 0);
    return (await page.locator('main').innerText()).replace(id, '<id>');
  };
  assert.equal(await notFound(redId), await notFound(kMissingId));
  const api = await page.request.get(`${base}/api/v1/objects/${redId}`);
  const missing = await page.request.get(`${base}/api/v1/objects/${kMissingId}`);
  assert.equal(api.status(), 404);
  assert.deepEqual(await api.json(), await missing.json());
  await assertClean(kBystander);
});
