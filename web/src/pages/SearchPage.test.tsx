import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { mockFetch, renderWithProviders, sessionRoute } from '../test-utils';
import { SearchPage } from './SearchPage';

function item(n: number) {
  return {
    id: `indicator--00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
    type: 'indicator',
    name: `Result ${n}`,
    tlp: 'amber',
    channel: { id: 5, name: 'Region' },
    date_added: '2026-11-21T10:00:00.000Z',
  };
}

describe('search', () => {
  it('searches with the chosen filters, keeps them in the URL and pages on', async () => {
    const calls = mockFetch([
      sessionRoute(),
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
                description: '',
                default_tlp: 'amber',
                can_read: true,
                can_write: false,
              },
            ],
          },
        }),
      },
      {
        method: 'GET',
        path: /^\/api\/v1\/objects\?/,
        reply: (c) =>
          c.path.includes('cursor=c2')
            ? { status: 200, body: { items: [item(3)], next_cursor: null } }
            : { status: 200, body: { items: [item(1), item(2)], next_cursor: 'c2' } },
      },
    ]);
    const user = userEvent.setup();
    renderWithProviders(<SearchPage />, { path: '/search', signedIn: true });
    expect(await screen.findByText('Enter a search or choose a filter.')).toBeTruthy();
    await user.type(screen.getByLabelText('Text'), 'phishing');
    await user.selectOptions(screen.getByLabelText('TLP'), 'amber');
    await waitFor(() => expect(screen.getByRole('option', { name: 'Region' })).toBeTruthy());
    await user.selectOptions(screen.getByLabelText('Channel'), '5');
    await user.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByText('Result 2')).toBeTruthy();
    expect(window.location.pathname + window.location.search).toBe('/search?q=phishing&tlp=amber&channel=5');
    const first = calls.find((c) => c.path.startsWith('/api/v1/objects'));
    expect(first?.path).toBe('/api/v1/objects?q=phishing&tlp=amber&channel=5&limit=50');
    expect(screen.getByText('2 results shown; more are available')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Show more' }));
    expect(await screen.findByText('Result 3')).toBeTruthy();
    expect(
      calls.some((c) => c.path === '/api/v1/objects?q=phishing&tlp=amber&channel=5&limit=50&cursor=c2'),
    ).toBe(true);
    expect(screen.getByText('3 results')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();
  });
});
