import { act, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MockEventSource,
  errorBody,
  installEventSource,
  kUser,
  mockFetch,
  renderWithProviders,
  sessionRoute,
} from '../test-utils';
import { DashboardPage } from './DashboardPage';

function item(n: number, extra: Record<string, unknown> = {}) {
  return {
    id: `indicator--00000000-0000-4000-8000-00000000000${n}`,
    type: 'indicator',
    name: `Item ${n}`,
    tlp: 'green',
    channel: { id: 1, name: 'Region' },
    date_added: `2026-11-21T10:0${n}:00.000Z`,
    ...extra,
  };
}

function alert(n: number, orgs: string[], lastSeen: string, name: string | null = `Alert ${n}`) {
  return {
    object: { id: `indicator--00000000-0000-4000-8000-0000000000a${n}`, type: 'indicator', name },
    organisations: orgs.map((o, i) => ({
      identity: `identity--00000000-0000-4000-8000-00000000000${i}`,
      name: o,
    })),
    organisation_count: orgs.length,
    count: 7,
    sightings: orgs.length,
    first_seen: '2026-11-21T08:00:00.000Z',
    last_seen: lastSeen,
  };
}

// The session, no objects, and GET /api/v1/alerts answered by `reply`.
function alertsRoutes(reply: () => { status: number; body: unknown }) {
  mockFetch([
    sessionRoute(),
    { method: 'GET', path: '/api/v1/objects?limit=50', reply: () => ({ status: 200, body: { items: [] } }) },
    { method: 'GET', path: '/api/v1/alerts', reply },
  ]);
}

function alertTexts(): string[] {
  const panel = screen.getByRole('region', { name: 'Seen by several organisations' });
  return within(panel)
    .queryAllByTestId('alert')
    .map((li) => li.textContent ?? '');
}

function names(): string[] {
  const list = screen.getByRole('list', { name: 'Latest intelligence in my channels' });
  return within(list)
    .getAllByRole('link')
    .map((a) => a.textContent ?? '');
}

describe('dashboard', () => {
  beforeEach(() => installEventSource());

  it('loads the latest items, then prepends streamed ones and announces them', async () => {
    const calls = mockFetch([
      sessionRoute(),
      {
        method: 'GET',
        path: '/api/v1/objects?limit=50',
        reply: () => ({ status: 200, body: { items: [item(2), item(1)], next_cursor: null } }),
      },
    ]);
    const { unmount } = renderWithProviders(<DashboardPage />, { signedIn: true });
    await screen.findByText('Item 2');
    expect(names()).toEqual(['Item 2', 'Item 1']);
    expect(calls.some((c) => c.path === '/api/v1/objects?limit=50')).toBe(true);

    expect(MockEventSource.instances).toHaveLength(1);
    const source = MockEventSource.instances[0] as MockEventSource;
    expect(source.url).toBe('/api/v1/stream');
    act(() => source.open());
    expect(screen.getByText(/Live: new items appear/)).toBeTruthy();

    act(() =>
      source.emit(
        'object',
        JSON.stringify(item(3, { name: 'Fresh <b>one</b>', tlp: 'red', channel: { id: 1, name: 'Region' } })),
      ),
    );
    await waitFor(() => expect(names()).toEqual(['Fresh <b>one</b>', 'Item 2', 'Item 1']));
    expect(screen.getByTestId('live-region').textContent).toBe('New indicator in Region: Fresh <b>one</b>');
    expect(screen.getByTestId('live-region').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByText('TLP:RED')).toBeTruthy();

    // A new version of a listed object moves it to the top instead of repeating it.
    act(() => source.emit('object', JSON.stringify(item(1, { name: 'Item 1 v2' }))));
    await waitFor(() => expect(names()).toEqual(['Item 1 v2', 'Fresh <b>one</b>', 'Item 2']));

    // Junk on the stream is ignored.
    act(() => source.emit('object', 'not json'));
    act(() => source.emit('object', JSON.stringify({ id: 'x' })));
    expect(names()).toHaveLength(3);

    act(() => source.fail(false));
    expect(screen.getByText(/reconnecting/)).toBeTruthy();
    act(() => source.open());
    expect(screen.getByText(/Live: new items appear/)).toBeTruthy();

    unmount();
    expect(source.closed).toBe(true);
  });

  it('keeps events that arrive before the first page on top', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    mockFetch([sessionRoute()]);
    const base = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).startsWith('/api/v1/objects')) {
        await gate;
        return new Response(JSON.stringify({ items: [item(1)], next_cursor: null }), { status: 200 });
      }
      return base(input, init);
    });
    renderWithProviders(<DashboardPage />, { signedIn: true });
    await waitFor(() => expect(MockEventSource.instances).toHaveLength(1));
    act(() => (MockEventSource.instances[0] as MockEventSource).emit('object', JSON.stringify(item(2))));
    await screen.findByText('Item 2');
    release();
    await screen.findByText('Item 1');
    expect(names()).toEqual(['Item 2', 'Item 1']);
  });

  it('goes back to sign-in when the stream closes because the session ended', async () => {
    let signedIn = true;
    mockFetch([
      {
        method: 'GET',
        path: '/api/v1/session',
        reply: () =>
          signedIn
            ? { status: 200, body: { user: kUser, csrf_token: 't' } }
            : { status: 401, body: errorBody(401, 'unauthenticated') },
      },
      {
        method: 'GET',
        path: '/api/v1/objects?limit=50',
        reply: () => ({ status: 200, body: { items: [] } }),
      },
    ]);
    renderWithProviders(<DashboardPage />, { signedIn: true });
    await screen.findByText('Nothing has been shared in your channels yet.');
    const source = MockEventSource.instances[0] as MockEventSource;
    // A passing interruption (the browser retries) does not end the session.
    act(() => source.fail(false));
    expect(screen.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeTruthy();
    signedIn = false;
    act(() => source.fail(true));
    await waitFor(() => expect(screen.queryByRole('heading', { level: 1, name: 'Dashboard' })).toBeNull());
  });

  it('says so when nothing has been shared', async () => {
    mockFetch([
      sessionRoute(),
      {
        method: 'GET',
        path: '/api/v1/objects?limit=50',
        reply: () => ({ status: 200, body: { items: [] } }),
      },
    ]);
    renderWithProviders(<DashboardPage />, { signedIn: true });
    expect(await screen.findByText('Nothing has been shared in your channels yet.')).toBeTruthy();
  });

  it('shows the sighting alerts, merges streamed ones and announces them', async () => {
    let alertCalls = 0;
    alertsRoutes(() => {
      alertCalls += 1;
      return {
        status: 200,
        body: { items: [alert(1, ['CEC <b>x</b>', 'CERT'], '2026-11-21T09:00:00.000Z')] },
      };
    });
    const { container } = renderWithProviders(<DashboardPage />, { signedIn: true });
    await waitFor(() =>
      expect(alertTexts()).toEqual([
        'Alert 1 (indicator) — seen by 2 organisations in your channels in the last 24 h: CEC <b>x</b>, CERT',
      ]),
    );
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByRole('link', { name: 'Alert 1' }).getAttribute('href')).toBe(
      '/objects/indicator--00000000-0000-4000-8000-0000000000a1',
    );

    // The stream (re)connecting reads the current alerts again.
    const source = MockEventSource.instances[0] as MockEventSource;
    const before = alertCalls;
    act(() => source.open());
    await waitFor(() => expect(alertCalls).toBe(before + 1));

    // A third organisation: the same object's alert is replaced, not repeated.
    act(() =>
      source.emit('alert', JSON.stringify(alert(1, ['CEC', 'CERT', 'Watch'], '2026-11-21T10:00:00.000Z'))),
    );
    await waitFor(() => expect(alertTexts()).toHaveLength(1));
    expect(alertTexts()[0]).toContain('seen by 3 organisations');
    expect(screen.getByTestId('live-region').textContent).toBe(
      'Alert 1 was seen by 3 organisations in your channels in the last 24 h',
    );
    // Another object, seen earlier, goes below; an unnamed one shows its id.
    act(() =>
      source.emit('alert', JSON.stringify(alert(2, ['CEC', 'Watch'], '2026-11-21T09:30:00.000Z', null))),
    );
    await waitFor(() => expect(alertTexts()).toHaveLength(2));
    expect(alertTexts()[1]).toContain('indicator--00000000-0000-4000-8000-0000000000a2');
    // Junk is ignored.
    act(() => source.emit('alert', 'not json'));
    act(() => source.emit('alert', JSON.stringify({ object: { id: 'x' } })));
    expect(alertTexts()).toHaveLength(2);
  });

  it('says when no alert is current, and when alerts cannot be loaded', async () => {
    let fail = false;
    alertsRoutes(() =>
      fail ? { status: 500, body: errorBody(500, 'internal') } : { status: 200, body: { items: [] } },
    );
    const first = renderWithProviders(<DashboardPage />, { signedIn: true });
    expect(
      await screen.findByText(
        'No indicator has been sighted by two or more organisations in your channels in the last 24 h.',
      ),
    ).toBeTruthy();
    first.unmount();
    fail = true;
    renderWithProviders(<DashboardPage />, { signedIn: true });
    expect(await screen.findByText('Sighting alerts could not be loaded.')).toBeTruthy();
  });

  it('counts the incidents past a reporting deadline, flagged, with a link to them', async () => {
    let overdue: unknown[] = [];
    const calls = mockFetch([
      sessionRoute(),
      {
        method: 'GET',
        path: '/api/v1/objects?limit=50',
        reply: () => ({ status: 200, body: { items: [] } }),
      },
      { method: 'GET', path: '/api/v1/alerts', reply: () => ({ status: 200, body: { items: [] } }) },
      {
        method: 'GET',
        path: '/api/v1/incidents?overdue=true&limit=500',
        reply: () => ({ status: 200, body: { items: overdue, next_after: null } }),
      },
    ]);
    const first = renderWithProviders(<DashboardPage />, { signedIn: true });
    expect(await screen.findByText('No incident you can see is past a reporting deadline.')).toBeTruthy();
    expect(calls.filter((c) => c.path.startsWith('/api/v1/incidents'))).toHaveLength(1);
    first.unmount();
    overdue = [{ id: 1 }, { id: 2 }, { id: 3 }];
    renderWithProviders(<DashboardPage />, { signedIn: true });
    const link = await screen.findByRole('link', { name: '3 incidents are past a reporting deadline' });
    expect(link.getAttribute('href')).toBe('/incidents?overdue=true');
    expect(screen.getByTestId('overdue-count').className).toBe('overdue');
    expect(screen.getByRole('region', { name: 'Reporting deadlines' }).className).toContain('overdue-panel');
  });
});
