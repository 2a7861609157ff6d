import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../incidents';
import { caseView, fromNow, kCaseId, kVocab } from '../test-incidents';
import { blobText, kUser, mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import type { RecordedCall, Route } from '../test-utils';
import { IncidentPage } from './IncidentPage';

const kPolice = { id: 11, name: 'Police Cyber Unit', kind: 'law-enforcement' };
const kApi = `/api/v1/incidents/${kCaseId}`;

const kTimeline = {
  items: [
    {
      seq: 1,
      time: fromNow(-1),
      actor: 'ana',
      actor_user_id: 7,
      actor_org: { id: 3, name: 'Central Election Commission', kind: 'election-commission' },
      action: 'incident.report',
      target: kCaseId,
      outcome: 'success',
      detail: {},
      prev_hash: '0'.repeat(64),
      hash: 'a'.repeat(64),
    },
    {
      seq: 2,
      time: fromNow(-0.5),
      actor: 'police-liaison',
      actor_user_id: 12,
      actor_org: kPolice,
      action: 'package.acknowledge',
      target: kCaseId,
      outcome: 'success',
      detail: { package: 'p1' },
      prev_hash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    },
    {
      seq: 3,
      time: fromNow(-0.25),
      actor: 'police-liaison',
      actor_user_id: 12,
      actor_org: kPolice,
      action: 'comment',
      target: kCaseId,
      outcome: 'success',
      detail: { text: 'Case opened at the cyber unit.' },
      prev_hash: 'b'.repeat(64),
      hash: 'c'.repeat(64),
    },
  ],
  next_after: null,
  head: { seq: 3, hash: 'c'.repeat(64) },
};

const kEvidence = {
  items: [
    {
      id: 'ev-1',
      file_name: 'access.log',
      media_type: 'text/plain',
      description: 'Edge logs',
      size: 2048,
      sha256: 'f'.repeat(64),
      acquired: fromNow(-1),
      acquired_by: 'ana',
      acquired_by_org: { id: 3, name: 'Central Election Commission', kind: 'election-commission' },
    },
  ],
};

const kPackage = {
  id: 'p1',
  incident: { id: 1, stix_id: kCaseId, title: 'Results site DDoS', owner: caseView().owner },
  recipient: kPolice,
  created: fromNow(-0.75),
  created_by: 'ana',
  sha256: 'e'.repeat(64),
  size: 9000,
  acknowledged: fromNow(-0.5),
  acknowledged_by: 'police-liaison',
};

// The case's routes; writes are recorded and answered with `after`.
function routes(view: IncidentView, after: (c: RecordedCall) => IncidentView = () => view, user = kUser) {
  const writes: RecordedCall[] = [];
  const answer = (status: number) => (c: RecordedCall) => {
    writes.push(c);
    return { status, body: after(c) };
  };
  const list: Route[] = [
    sessionRoute(user, 'csrf-case'),
    { method: 'GET', path: '/api/v1/incident-vocabulary', reply: () => ({ status: 200, body: kVocab }) },
    { method: 'GET', path: kApi, reply: () => ({ status: 200, body: view }) },
    { method: 'GET', path: `${kApi}/timeline`, reply: () => ({ status: 200, body: kTimeline }) },
    { method: 'GET', path: `${kApi}/evidence`, reply: () => ({ status: 200, body: kEvidence }) },
    {
      method: 'GET',
      path: `/api/v1/packages?incident=${kCaseId}`,
      reply: () => ({ status: 200, body: { items: [kPackage] } }),
    },
    { method: 'POST', path: `${kApi}/changes`, reply: answer(200) },
    { method: 'POST', path: `${kApi}/participants`, reply: answer(200) },
    { method: 'POST', path: `${kApi}/packages`, reply: answer(201) },
    { method: 'POST', path: /\/evidence\?/, reply: answer(201) },
    { method: 'POST', path: `${kApi}/comments`, reply: answer(201) },
  ];
  mockFetch(list);
  return writes;
}

function region(name: string) {
  return screen.getByRole('region', { name });
}

describe('case page', () => {
  it('shows the summary, the clocks counting down with overdue flagged, and the timeline', async () => {
    const view = caseView();
    routes(view);
    renderWithProviders(<IncidentPage id={kCaseId} />, { signedIn: true });
    await screen.findByRole('heading', { level: 1, name: 'Results site DDoS' });
    const summary = region('Summary').textContent ?? '';
    expect(summary).toContain('Service disruption');
    expect(summary).toContain('Results publication');
    expect(summary).toContain('results.example.org');
    expect(summary).toContain('Availability: High');

    const clocks = within(region('Reporting clocks')).getAllByTestId('clock');
    expect(clocks[0]?.textContent).toMatch(/^NIS2 early warning \(24 h\) due .*Overdue by 2 h 0 min$/);
    expect(within(clocks[0] as HTMLElement).getByText(/Overdue by/).className).toBe('overdue');
    expect(clocks[1]?.textContent).toMatch(/1 d 22 h 0 min left$/);
    // The deadline is shown as a date in the user's zone, with the exact instant in datetime.
    const deadline = view.clocks[1]?.deadline ?? '';
    expect(clocks[1]?.querySelector('time')?.getAttribute('datetime')).toBe(deadline);

    const timeline = await screen.findByRole('list', { name: 'Timeline' });
    const entries = within(timeline)
      .getAllByTestId('timeline-entry')
      .map((e) => e.textContent);
    // Newest first.
    expect(entries[0]).toContain('police-liaison (Police Cyber Unit) commented');
    expect(entries[0]).toContain('Case opened at the cyber unit.');
    expect(entries[1]).toContain('police-liaison (Police Cyber Unit) acknowledged the crime report');
    expect(entries[2]).toContain('ana (Central Election Commission) reported the incident');
    expect(screen.getByRole('link', { name: 'Download as STIX 2.1' }).getAttribute('href')).toBe(
      `${kApi}/stix`,
    );
  });

  it('moves the status with the case revision and shows the case it gets back', async () => {
    const writes = routes(caseView(), () =>
      caseView({ rev: 5, case: { ...caseView().case, status: 'triaged' } }),
    );
    const user = userEvent.setup();
    renderWithProviders(<IncidentPage id={kCaseId} />, { signedIn: true });
    await screen.findByText('The case is now: Reported.');
    const moves = within(screen.getByRole('group', { name: 'Change the status' }))
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(moves).toEqual(['Mark as Triaged', 'Mark as Investigating', 'Mark as Rejected']);
    await user.click(screen.getByRole('button', { name: 'Mark as Triaged' }));
    await screen.findByText('The case is now: Triaged.');
    expect(writes[0]?.body).toEqual({ change: { type: 'status', status: 'triaged' }, rev: 4 });
    expect(writes[0]?.headers['x-csrf-token']).toBe('csrf-case');

    await user.click(screen.getByRole('button', { name: 'Mark “Early warning sent”' }));
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(writes[1]?.body).toEqual({ change: { type: 'milestone', milestone: 'early-warning' } });
  });

  it('adds and updates tasks, invites an organisation and sends it a crime report', async () => {
    const invited = caseView({
      participants: [{ org: kPolice, role: 'police', added: fromNow(0), acknowledged: null }],
    });
    const writes = routes(caseView(), (c) => (c.path.endsWith('/participants') ? invited : invited));
    const user = userEvent.setup();
    renderWithProviders(<IncidentPage id={kCaseId} />, { signedIn: true });
    await screen.findByText('Only your organisation works on this case.');
    expect(region('Crime reports').textContent).toContain('Invite the police or a prosecutor');

    await user.selectOptions(screen.getByLabelText('Status of “Call the hosting provider”'), 'done');
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]?.body).toEqual({ change: { type: 'update_task', task_id: 't1', status: 'done' } });

    const tasks = region('Tasks');
    await user.type(within(tasks).getByLabelText('Task'), 'Preserve web server logs');
    await user.selectOptions(within(tasks).getByLabelText('Owner'), '7');
    await user.click(within(tasks).getByRole('button', { name: 'Add a task' }));
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(writes[1]?.body).toEqual({
      change: { type: 'add_task', title: 'Preserve web server logs', owner: '7' },
    });

    await user.type(screen.getByLabelText('Organisation'), 'Police Cyber Unit');
    await user.selectOptions(screen.getByLabelText('Role'), 'police');
    await user.click(screen.getByRole('button', { name: 'Invite' }));
    await within(region('Participating organisations')).findByRole('rowheader', {
      name: 'Police Cyber Unit',
    });
    expect(writes[2]?.path).toBe(`${kApi}/participants`);
    expect(writes[2]?.body).toEqual({ org: 'Police Cyber Unit', role: 'police' });

    const packages = region('Crime reports');
    expect(within(packages).getByText(/Acknowledged by police-liaison/)).toBeTruthy();
    await user.click(within(packages).getByRole('button', { name: 'Build and send the package' }));
    await waitFor(() => expect(writes).toHaveLength(4));
    expect(writes[3]?.path).toBe(`${kApi}/packages`);
    expect(writes[3]?.body).toEqual({ recipient: '11' });
  });

  it('uploads evidence as the raw file, links intel, and offers downloads', async () => {
    const writes = routes(caseView());
    const user = userEvent.setup();
    renderWithProviders(<IncidentPage id={kCaseId} />, { signedIn: true });
    const evidence = await screen.findByRole('region', { name: 'Evidence' });
    const download = await within(evidence).findByRole('link', { name: 'Download access.log' });
    expect(download.getAttribute('href')).toBe(`${kApi}/evidence/ev-1?reason=web%20download`);
    await user.upload(
      within(evidence).getByLabelText('File'),
      new File(['%PDF'], 'letter.pdf', { type: 'application/pdf' }),
    );
    await user.type(within(evidence).getByLabelText('How it was obtained'), 'sent by the host');
    await user.click(within(evidence).getByRole('button', { name: 'Upload' }));
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]?.path).toBe(`${kApi}/evidence?file_name=letter.pdf&reason=sent+by+the+host`);
    expect(writes[0]?.headers['content-type']).toBe('application/pdf');
    expect(await blobText(writes[0]?.raw)).toBe('%PDF');

    const links = region('Linked intelligence');
    await user.type(within(links).getByLabelText('STIX id'), 'not-an-id');
    await user.click(within(links).getByRole('button', { name: 'Link' }));
    expect((await within(links).findByRole('alert')).textContent).toContain('Enter a STIX id');
    await user.clear(within(links).getByLabelText('STIX id'));
    await user.type(
      within(links).getByLabelText('STIX id'),
      'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
    );
    await user.click(within(links).getByRole('button', { name: 'Link' }));
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(writes[1]?.body).toEqual({
      change: {
        type: 'link',
        object_id: 'indicator--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d',
        kind: 'indicator',
      },
    });
  });

  it('offers a participant only what it may do: acknowledge, take unowned tasks, comment', async () => {
    const liaison = {
      id: 12,
      username: 'police-liaison',
      role: 'liaison',
      org: { ...kPolice, country: 'MD' },
    };
    const view = caseView({
      my_part: 'police',
      can: { manage: false, contribute: true },
      participants: [{ org: kPolice, role: 'police', added: fromNow(-1), acknowledged: null }],
    });
    const writes = routes(view, () => view, liaison);
    const user = userEvent.setup();
    renderWithProviders(<IncidentPage id={kCaseId} />, { signedIn: true });
    await screen.findByRole('heading', { level: 1, name: 'Results site DDoS' });
    expect(screen.queryByRole('group', { name: 'Change the status' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Crime reports' })).toBeNull();
    expect(screen.queryByLabelText('Organisation')).toBeNull();
    expect(screen.queryByRole('button', { name: /Mark “/ })).toBeNull();

    await user.click(screen.getByRole('button', { name: 'Acknowledge the case' }));
    await user.click(screen.getByRole('button', { name: 'Take “Call the hosting provider”' }));
    await user.type(screen.getByLabelText('Comment'), 'On it.');
    await user.click(screen.getByRole('button', { name: 'Add the comment' }));
    await waitFor(() => expect(writes).toHaveLength(3));
    expect(writes.map((w) => w.body)).toEqual([
      { change: { type: 'acknowledge' } },
      { change: { type: 'update_task', task_id: 't1', owner: '12' } },
      { text: 'On it.' },
    ]);
  });
});
