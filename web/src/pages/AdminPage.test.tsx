import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { kUser, mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import type { RecordedCall } from '../test-utils';
import { AdminPage } from './AdminPage';

const kAdmin = {
  ...kUser,
  id: 1,
  username: 'hub',
  role: 'network-admin',
  org: { id: 1, name: 'Hub', kind: 'coordinator', country: 'BE' },
};
const kOrgs = {
  items: [
    { id: 1, name: 'Hub', kind: 'coordinator', country: 'BE', region: '' },
    { id: 3, name: 'CEC <Moldova>', kind: 'election-commission', country: 'MD', region: 'EaP' },
  ],
};

function routes(writes: RecordedCall[]) {
  const record = (status: number, body?: unknown) => (c: RecordedCall) => {
    writes.push(c);
    return { status, body };
  };
  return [
    sessionRoute(kAdmin, 'csrf-admin'),
    { method: 'GET', path: '/api/v1/orgs', reply: () => ({ status: 200, body: kOrgs }) },
    {
      method: 'GET',
      path: '/api/v1/users',
      reply: () => ({
        status: 200,
        body: { items: [{ id: 1, username: 'hub', role: 'network-admin', org: { id: 1, name: 'Hub' } }] },
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/channels',
      reply: () => ({
        status: 200,
        body: {
          items: [
            {
              id: 5,
              name: 'Region',
              description: 'EaP',
              default_tlp: 'amber',
              can_read: true,
              can_write: true,
            },
          ],
        },
      }),
    },
    {
      method: 'GET',
      path: '/api/v1/channels/5/memberships',
      reply: () => ({
        status: 200,
        body: { items: [{ org: { id: 1, name: 'Hub' }, can_read: true, can_write: true }] },
      }),
    },
    { method: 'POST', path: '/api/v1/orgs', reply: record(201, { id: 10 }) },
    { method: 'PUT', path: /^\/api\/v1\/channels\/5\/members\/\d+$/, reply: record(204) },
  ];
}

describe('administration', () => {
  it('lists organisations as text and adds one with the CSRF token', async () => {
    const writes: RecordedCall[] = [];
    mockFetch(routes(writes));
    const user = userEvent.setup();
    renderWithProviders(<AdminPage />, { signedIn: true });
    const orgs = await screen.findByRole('table', { name: 'Organisations' });
    expect(within(orgs).getByText('CEC <Moldova>')).toBeTruthy();

    const form = screen.getByRole('form', { name: 'Add an organisation' });
    await user.type(within(form).getByLabelText('Name'), 'CERT-MD');
    await user.selectOptions(within(form).getByLabelText('Kind'), 'cert');
    await user.type(within(form).getByLabelText('Country (two-letter code)'), 'md');
    await user.click(within(form).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]?.headers['x-csrf-token']).toBe('csrf-admin');
    expect(writes[0]?.body).toEqual({ name: 'CERT-MD', kind: 'cert', country: 'MD', region: '' });
    expect(await within(form).findByText('Saved.')).toBeTruthy();
  });

  it('grants an organisation read access to a channel', async () => {
    const writes: RecordedCall[] = [];
    mockFetch(routes(writes));
    const user = userEvent.setup();
    renderWithProviders(<AdminPage />, { signedIn: true });
    await user.click(await screen.findByRole('button', { name: 'Members of Region' }));
    expect(await screen.findByRole('table', { name: 'Organisations in Region' })).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Add organisation'), '3');
    await user.click(screen.getByRole('button', { name: 'Grant' }));
    await waitFor(() => expect(writes).toHaveLength(1));
    expect(writes[0]?.method).toBe('PUT');
    expect(writes[0]?.path).toBe('/api/v1/channels/5/members/3');
    expect(writes[0]?.body).toEqual({ can_read: true, can_write: false });
    // Revoking write for a listed member sends both flags.
    await user.click(screen.getByLabelText('Hub may write'));
    await waitFor(() => expect(writes).toHaveLength(2));
    expect(writes[1]?.path).toBe('/api/v1/channels/5/members/1');
    expect(writes[1]?.body).toEqual({ can_read: true, can_write: false });
  });

  it('tells other roles the page is not for them', async () => {
    mockFetch([sessionRoute()]);
    renderWithProviders(<AdminPage />, { signedIn: true });
    expect(
      await screen.findByText('Only organisation and network administrators can use this page.'),
    ).toBeTruthy();
  });
});
