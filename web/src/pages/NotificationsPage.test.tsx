import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { App } from '../App';
import { NotificationBadge } from '../components/NotificationBadge';
import {
  NotificationsProvider,
  kindKey,
  notificationPath,
  parseStreamedNotification,
} from '../notifications';
import type { Notification } from '../notifications';
import { kCaseId } from '../test-incidents';
import {
  MockEventSource,
  installEventSource,
  mockFetch,
  renderWithProviders,
  sessionRoute,
} from '../test-utils';
import type { RecordedCall } from '../test-utils';
import { NotificationsPage } from './NotificationsPage';

function note(id: number, kind: string, title: string, read: string | null = null): Notification {
  return { id, kind, subject: kCaseId, title, created: `2026-11-21T1${id}:00:00.000Z`, read };
}

// The notifications as the server keeps them; writes mark them read.
function notificationRoutes(list: Notification[]) {
  const reads: RecordedCall[] = [];
  const calls = mockFetch([
    sessionRoute(undefined, 'csrf-n'),
    {
      method: 'GET',
      path: '/api/v1/notifications?unread=true&limit=100',
      reply: () => ({ status: 200, body: { items: list.filter((n) => !n.read) } }),
    },
    {
      method: 'GET',
      path: '/api/v1/notifications?limit=200',
      reply: () => ({ status: 200, body: { items: list } }),
    },
    {
      method: 'POST',
      path: /^\/api\/v1\/notifications\/\d+\/read$/,
      reply: (c) => {
        reads.push(c);
        const id = Number(c.path.split('/')[4]);
        const n = list.find((x) => x.id === id);
        if (n) n.read = '2026-11-22T03:00:00.000Z';
        return { status: 204 };
      },
    },
    { method: 'GET', path: '/api/v1/objects?limit=50', reply: () => ({ status: 200, body: { items: [] } }) },
    { method: 'GET', path: '/api/v1/alerts', reply: () => ({ status: 200, body: { items: [] } }) },
  ]);
  return { reads, calls };
}

function unreadCount(): string | null {
  return screen.queryByTestId('unread-count')?.textContent ?? null;
}

function renderPage() {
  return renderWithProviders(
    <NotificationsProvider>
      <NotificationBadge />
      <NotificationsPage />
    </NotificationsProvider>,
    { signedIn: true, path: '/notifications' },
  );
}

describe('notifications', () => {
  beforeEach(() => installEventSource());

  it('counts the unread ones in the header, lists them all and marks one read', async () => {
    const list = [
      note(5, 'package.received', 'Crime report received: Results site DDoS'),
      note(4, 'incident.invited', 'Your organisation was invited to an incident: Phishing'),
      note(3, 'incident.reported', 'New incident: Results site DDoS', '2026-11-21T14:00:00.000Z'),
      note(2, 'something.new', 'A kind this UI does not know'),
    ];
    const { reads } = notificationRoutes(list);
    const user = userEvent.setup();
    renderPage();
    await waitFor(() => expect(unreadCount()).toBe('3'));
    const badge = screen.getByRole('link', { name: 'Notifications: 3 unread' });
    expect(badge.getAttribute('href')).toBe('/notifications');

    const items = await screen.findAllByTestId('notification');
    expect(items.map((i) => i.querySelector('.object-name')?.textContent)).toEqual([
      'Crime report received',
      'Invitation to an incident',
      'New incident reported',
      'something.new',
    ]);
    // Each leads to what it is about; times are shown in the user's zone with the instant kept.
    const link = (i: number, name: string) =>
      within(items[i] as HTMLElement)
        .getByRole('link', { name })
        .getAttribute('href');
    expect(link(0, 'Crime report received: Results site DDoS')).toBe('/packages');
    expect(link(1, 'Your organisation was invited to an incident: Phishing')).toBe(`/incidents/${kCaseId}`);
    expect(items[0]?.querySelector('time')?.getAttribute('datetime')).toBe('2026-11-21T15:00:00.000Z');
    expect(items[2]?.textContent).toContain('Read');
    expect(within(items[2] as HTMLElement).queryByRole('button')).toBeNull();

    await user.click(
      screen.getByRole('button', {
        name: 'Mark “Your organisation was invited to an incident: Phishing” as read',
      }),
    );
    await waitFor(() => expect(unreadCount()).toBe('2'));
    expect(reads).toHaveLength(1);
    expect(reads[0]?.path).toBe('/api/v1/notifications/4/read');
    expect(reads[0]?.headers['x-csrf-token']).toBe('csrf-n');
    await waitFor(() =>
      expect(
        within(screen.getAllByTestId('notification')[1] as HTMLElement).queryByRole('button'),
      ).toBeNull(),
    );
    // The list stays on screen while it is read again.
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('refreshes the badge and the list when the stream brings a notification, and ignores junk', async () => {
    const list = [note(1, 'incident.reported', 'New incident: First')];
    const { calls } = notificationRoutes(list);
    renderPage();
    await waitFor(() => expect(unreadCount()).toBe('1'));
    await screen.findByText('New incident: First');
    expect(MockEventSource.instances).toHaveLength(1);
    const source = MockEventSource.instances[0] as MockEventSource;
    expect(source.url).toBe('/api/v1/stream');

    const before = calls.length;
    act(() => source.emit('notification', 'not json'));
    act(() => source.emit('notification', JSON.stringify({ id: 'x', title: 3 })));
    expect(calls.length).toBe(before);

    const fresh = note(2, 'package.acknowledged', 'Crime report acknowledged: First');
    list.unshift(fresh);
    act(() => source.emit('notification', JSON.stringify({ ...fresh, detail: {} })));
    await waitFor(() => expect(unreadCount()).toBe('2'));
    await screen.findByText('Crime report acknowledged: First');
    expect(screen.getByTestId('notification-announcement').textContent).toBe(
      'New notification: Crime report acknowledged: First',
    );
    expect(screen.getByTestId('notification-announcement').getAttribute('aria-live')).toBe('polite');
  });

  it('shares one stream between the header and the dashboard in the app', async () => {
    window.history.replaceState(null, '', '/');
    const list: Notification[] = [];
    notificationRoutes(list);
    render(<App />);
    await screen.findByRole('heading', { level: 1, name: 'Dashboard' });
    await waitFor(() => expect(screen.getByRole('link', { name: 'Notifications' })).toBeTruthy());
    expect(unreadCount()).toBeNull();
    expect(MockEventSource.instances).toHaveLength(1);
    const source = MockEventSource.instances[0] as MockEventSource;
    act(() => source.open());
    expect(screen.getByText(/Live: new items appear/)).toBeTruthy();
    list.push(note(7, 'incident.reported', 'New incident: Ballot app outage'));
    act(() => source.emit('notification', JSON.stringify(list[0])));
    await waitFor(() => expect(unreadCount()).toBe('1'));
    await userEvent.setup().click(screen.getByRole('link', { name: 'Notifications: 1 unread' }));
    await screen.findByRole('heading', { level: 1, name: 'Notifications' });
    expect(await screen.findByRole('link', { name: 'New incident: Ballot app outage' })).toBeTruthy();
    // Changing page keeps the same stream.
    expect(MockEventSource.instances).toHaveLength(1);
    expect(source.closed).toBe(false);
  });

  it('says so when there are none', async () => {
    notificationRoutes([]);
    renderPage();
    expect(await screen.findByText('You have no notifications.')).toBeTruthy();
    expect(unreadCount()).toBeNull();
  });
});

describe('notification helpers', () => {
  it('links a received crime report to the packages page and other incident news to the case', () => {
    expect(notificationPath({ kind: 'package.received', subject: kCaseId })).toBe('/packages');
    expect(notificationPath({ kind: 'package.acknowledged', subject: kCaseId })).toBe(
      `/incidents/${kCaseId}`,
    );
    expect(notificationPath({ kind: 'incident.reported', subject: kCaseId })).toBe(`/incidents/${kCaseId}`);
    expect(notificationPath({ kind: 'other', subject: 'note--1' })).toBeNull();
    expect(notificationPath({ kind: 'clock.overdue', subject: kCaseId })).toBe(`/incidents/${kCaseId}`);
    expect(kindKey('clock.overdue')).toBe('notifications.kind.clockOverdue');
    expect(kindKey('clock.due-soon')).toBe('notifications.kind.clockDueSoon');
    expect(kindKey('clock.later')).toBeNull();
  });

  it('parses a streamed notification, and nothing else', () => {
    const n = {
      id: 3,
      kind: 'incident.invited',
      subject: kCaseId,
      title: 'T',
      created: '2026-11-21T10:00:00Z',
    };
    expect(parseStreamedNotification(JSON.stringify({ ...n, read: null, detail: {} }))).toMatchObject({
      ...n,
      read: null,
    });
    expect(parseStreamedNotification(JSON.stringify({ ...n, id: '3' }))).toBeNull();
    expect(parseStreamedNotification('null')).toBeNull();
    expect(parseStreamedNotification('{')).toBeNull();
  });
});
