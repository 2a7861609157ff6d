import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseView, kCaseId, kVocab } from '../test-incidents';
import { blobText, errorBody, mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import type { RecordedCall, Reply } from '../test-utils';
import { IncidentReportPage } from './IncidentReportPage';

// Times are entered in the user's zone: Kyiv is UTC+2 in November.
// (Node reads TZ again when it changes; the web project has no Node types.)
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const kZone = env.TZ;
beforeAll(() => {
  env.TZ = 'Europe/Kyiv';
});
afterAll(() => {
  if (kZone === undefined) delete env.TZ;
  else env.TZ = kZone;
});

function routes(report: (c: RecordedCall) => Reply) {
  return mockFetch([
    sessionRoute(undefined, 'csrf-inc'),
    { method: 'GET', path: '/api/v1/incident-vocabulary', reply: () => ({ status: 200, body: kVocab }) },
    { method: 'POST', path: '/api/v1/incidents', reply: report },
    {
      method: 'POST',
      path: /^\/api\/v1\/incidents\/incident--[^/]+\/evidence\?/,
      reply: () => ({ status: 201, body: { id: 'ev-1' } }),
    },
  ]);
}

type User = ReturnType<typeof userEvent.setup>;

async function next(user: User, step: string) {
  await user.click(screen.getByRole('button', { name: 'Next' }));
  await screen.findByRole('heading', { level: 2, name: new RegExp(`: ${step}$`) });
}

// Fills every step up to the review.
async function fillToReview(user: User) {
  await screen.findByRole('heading', { level: 2, name: 'Step 1 of 6: What happened' });
  await user.type(screen.getByLabelText('Short title'), 'Results site DDoS');
  await user.type(screen.getByLabelText('What happened'), 'Down since 20:05.');
  fireEvent.change(screen.getByLabelText('When was it noticed?'), { target: { value: '2026-11-21T20:05' } });
  await next(user, 'What kind');
  await user.click(screen.getByRole('radio', { name: 'Service disruption' }));
  await user.click(screen.getByRole('checkbox', { name: 'Results publication' }));
  await next(user, 'Where');
  await user.type(
    screen.getByLabelText('Affected systems'),
    'results.example.org{enter} {enter}cdn.example.org',
  );
  await user.type(screen.getByLabelText('Which election? (if any)'), '2026 parliamentary');
  await user.selectOptions(screen.getByLabelText('Election phase'), 'results');
  await next(user, 'Impact');
  await user.selectOptions(screen.getByLabelText('Availability'), 'high');
  await user.selectOptions(screen.getByLabelText('Public trust'), 'medium');
  await user.click(screen.getByRole('radio', { name: 'High' }));
  await next(user, 'Playbook and files');
  await user.selectOptions(screen.getByLabelText('Playbook (optional)'), 'ddos-results-site');
  expect(screen.getByText('Keep results online.')).toBeTruthy();
  await user.upload(
    screen.getByLabelText('Evidence files (optional)'),
    new File(['GET / 503\n'], 'access log.txt', { type: 'text/plain' }),
  );
  await user.type(screen.getByLabelText('What the files are'), 'Edge logs');
  await next(user, 'Check and send');
}

describe('incident report wizard', () => {
  it('walks through the steps, files the report in UTC, uploads the evidence and opens the case', async () => {
    let reported: RecordedCall | null = null;
    const calls = routes((c) => {
      reported = c;
      return { status: 201, body: caseView() };
    });
    const user = userEvent.setup();
    renderWithProviders(<IncidentReportPage />, { path: '/incidents/new', signedIn: true });
    await screen.findByRole('heading', { level: 2, name: 'Step 1 of 6: What happened' });

    // Each step says what is missing before it lets the user on.
    await user.click(screen.getByRole('button', { name: 'Next' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Enter a short title.');
    expect(alert.textContent).toContain('Describe what happened.');
    await fillToReview(user);

    // Reaching the review sends nothing yet.
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    const review = screen.getByText('Results site DDoS').closest('dl') as HTMLElement;
    expect(review.textContent).toContain('Service disruption');
    expect(review.textContent).toContain('DDoS on the results site');
    expect(review.textContent).toContain('access log.txt');
    await user.click(screen.getByRole('button', { name: 'Send the report' }));

    await waitFor(() => expect(window.location.pathname).toBe(`/incidents/${kCaseId}`));
    const call = reported as unknown as RecordedCall;
    expect(call.headers['x-csrf-token']).toBe('csrf-inc');
    expect(call.body).toEqual({
      title: 'Results site DDoS',
      description: 'Down since 20:05.',
      detected: '2026-11-21T18:05:00.000Z',
      category: 'availability',
      election_targets: ['results-publication'],
      affected_systems: ['results.example.org', 'cdn.example.org'],
      impacts: { confidentiality: 'none', integrity: 'none', availability: 'high', public_trust: 'medium' },
      severity: 'high',
      tlp: 'amber',
      election: '2026 parliamentary',
      phase: 'results',
      playbook: 'ddos-results-site',
    });
    const upload = calls.find((c) => c.path.includes('/evidence?')) as RecordedCall;
    expect(upload.path).toBe(
      `/api/v1/incidents/${kCaseId}/evidence?file_name=access+log.txt&description=Edge+logs&reason=Attached+to+the+incident+report`,
    );
    expect(upload.headers['content-type']).toBe('text/plain');
    expect(upload.headers['x-csrf-token']).toBe('csrf-inc');
    expect(await blobText(upload.raw)).toBe('GET / 503\n');
  });

  it('asks for the disinformation kind and a severity, and shows the problems the server names', async () => {
    const calls = routes(() => ({
      status: 400,
      body: {
        ...errorBody(400, 'invalid-argument', 'detected: must not be in the future'),
        problems: [{ field: 'detected', message: 'must not be in the future' }],
      },
    }));
    const user = userEvent.setup();
    renderWithProviders(<IncidentReportPage />, { path: '/incidents/new', signedIn: true });
    await screen.findByRole('heading', { level: 2, name: 'Step 1 of 6: What happened' });
    await user.type(screen.getByLabelText('Short title'), 'Deepfake of the chair');
    await user.type(screen.getByLabelText('What happened'), 'A video.');
    await next(user, 'What kind');
    await user.click(screen.getByRole('radio', { name: 'Fraud or impersonation' }));
    await user.click(screen.getByRole('checkbox', { name: 'Disinformation' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Choose what kind of disinformation it is.');
    await user.click(screen.getByRole('radio', { name: 'Deepfake' }));
    await next(user, 'Where');
    await next(user, 'Impact');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Choose how serious it is.');
    await user.click(screen.getByRole('radio', { name: 'Low' }));
    await next(user, 'Playbook and files');
    await next(user, 'Check and send');
    await user.click(screen.getByRole('button', { name: 'Send the report' }));
    expect((await screen.findByRole('alert')).textContent).toBe('detected: must not be in the future');
    const body = calls.find((c) => c.method === 'POST')?.body as Record<string, unknown>;
    expect(body.election_targets).toEqual(['disinformation']);
    expect(body.disinformation_kind).toBe('deepfake');
    expect(body).not.toHaveProperty('playbook');
    expect(window.location.pathname).toBe('/incidents/new');
  });
});
