import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CrimePackage } from '../incidents';
import { kCaseId } from '../test-incidents';
import { errorBody, mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import type { RecordedCall } from '../test-utils';
import { PackagesPage } from './PackagesPage';

const kLiaison = {
  id: 12,
  username: 'police-liaison',
  role: 'liaison',
  org: { id: 11, name: 'Police Cyber Unit', kind: 'law-enforcement', country: 'MD' },
};
const kKey = 'ab'.repeat(32);

function pkg(n: number, title: string, created: string, acknowledged: string | null): CrimePackage {
  return {
    id: `00000000-0000-4000-8000-00000000000${n}`,
    incident: {
      id: n,
      stix_id: n === 1 ? kCaseId : `incident--00000000-0000-4000-8000-00000000000${n}`,
      title,
      owner: { id: 3, name: 'Central Election Commission', kind: 'election-commission' },
    },
    recipient: { id: 11, name: 'Police Cyber Unit', kind: 'law-enforcement' },
    created,
    created_by: 'ana',
    sha256: String(n).repeat(64),
    size: 4096,
    acknowledged,
    acknowledged_by: acknowledged ? 'police-liaison' : null,
  };
}

const kOld = pkg(1, 'Voter data offered for sale', '2026-11-20T10:00:00.000000Z', null);
const kDone = pkg(2, 'Deepfake of the chair', '2026-11-21T10:00:00.000000Z', '2026-11-21T11:00:00.000000Z');
const kNew = pkg(3, 'Results site DDoS', '2026-11-21T12:00:00.000000Z', null);

function routes(ack: (c: RecordedCall) => { status: number; body: unknown }) {
  return mockFetch([
    sessionRoute(kLiaison, 'csrf-pkg'),
    {
      method: 'GET',
      path: '/api/v1/packages',
      reply: () => ({ status: 200, body: { items: [kDone, kOld, kNew] } }),
    },
    {
      method: 'GET',
      path: '/api/v1/packages/key',
      reply: () => ({ status: 200, body: { algorithm: 'Ed25519', public_key: kKey } }),
    },
    { method: 'POST', path: /\/acknowledge$/, reply: ack },
  ]);
}

function titles(): string[] {
  return screen.getAllByTestId('package').map((li) => li.querySelector('.object-name')?.textContent ?? '');
}

describe('crime reports received', () => {
  it('lists unacknowledged packages first, opens one with its key, and acknowledges it', async () => {
    let acked: RecordedCall | null = null;
    routes((c) => {
      acked = c;
      return {
        status: 200,
        body: { ...kOld, acknowledged: '2026-11-22T01:00:00.000000Z', acknowledged_by: 'police-liaison' },
      };
    });
    const user = userEvent.setup();
    renderWithProviders(<PackagesPage />, { signedIn: true });
    await screen.findByText('2 waiting for acknowledgement');
    expect(titles()).toEqual(['Results site DDoS', 'Voter data offered for sale', 'Deepfake of the chair']);

    const item = screen.getAllByTestId('package')[1] as HTMLElement;
    expect(within(item).getByText('New')).toBeTruthy();
    const open = within(item).getByRole('button', { name: 'Open “Voter data offered for sale”' });
    expect(open.getAttribute('aria-expanded')).toBe('false');
    await user.click(open);
    expect(open.getAttribute('aria-expanded')).toBe('true');
    expect(within(item).getByRole('link', { name: 'Voter data offered for sale' }).getAttribute('href')).toBe(
      `/incidents/${kCaseId}`,
    );
    const download = within(item).getByRole('link', { name: `Download crime-report-${kOld.id}.zip` });
    expect(download.getAttribute('href')).toBe(`/api/v1/packages/${kOld.id}`);
    expect((await within(item).findByTestId('package-key')).textContent).toBe(kKey);
    expect(
      within(item).getByText(`ecrn evidence verify crime-report-${kOld.id}.zip --key ${kKey}`),
    ).toBeTruthy();

    await user.click(within(item).getByRole('button', { name: 'Acknowledge receipt' }));
    await screen.findByText('1 waiting for acknowledgement');
    const call = acked as unknown as RecordedCall;
    expect(call.path).toBe(`/api/v1/packages/${kOld.id}/acknowledge`);
    expect(call.headers['x-csrf-token']).toBe('csrf-pkg');
    // Acknowledged, it moves below the one still waiting and the newer acknowledged one.
    expect(titles()).toEqual(['Results site DDoS', 'Deepfake of the chair', 'Voter data offered for sale']);
    const done = screen.getAllByTestId('package')[2] as HTMLElement;
    expect(within(done).getByText(/Acknowledged by police-liaison/)).toBeTruthy();
    expect(within(done).queryByRole('button', { name: 'Acknowledge receipt' })).toBeNull();
  });

  it('says so when acknowledging fails', async () => {
    routes(() => ({ status: 409, body: errorBody(409, 'conflict', 'already acknowledged') }));
    const user = userEvent.setup();
    renderWithProviders(<PackagesPage />, { signedIn: true });
    await user.click(await screen.findByRole('button', { name: 'Open “Results site DDoS”' }));
    await user.click(screen.getByRole('button', { name: 'Acknowledge receipt' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('already acknowledged');
    await waitFor(() => expect(screen.getByText('2 waiting for acknowledgement')).toBeTruthy());
  });
});
