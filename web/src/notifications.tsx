// In-app notifications (docs/incidents.md "Notifications"): the unread count
// for the header (GET /api/v1/notifications?unread=true), read again when
// the signed-in session starts, when the live stream (re)connects or
// announces one ("notification" events) and when the user marks one read; the
// notifications page re-reads its list on the same signal (`version`).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, queryString } from './api';
import type { Items } from './api';
import type { MessageKey } from './i18n/i18n';
import { incidentPath } from './incidents';
import { useSession } from './session';
import { kOpenEvent, useStreamEvent } from './stream';

// One row of GET /api/v1/notifications (and a streamed "notification").
export interface Notification {
  id: number;
  kind: string;
  subject: string;
  title: string;
  created: string;
  read: string | null;
  detail?: unknown;
}

export const kNotificationsPath = '/api/v1/notifications';
// The badge counts at most this many unread notifications ("100+").
export const kUnreadLimit = 100;

export function notificationsQuery(unread: boolean, limit: number): string {
  return `${kNotificationsPath}${queryString({ unread: unread ? 'true' : undefined, limit })}`;
}

export function markReadPath(id: number): string {
  return `${kNotificationsPath}/${encodeURIComponent(String(id))}/read`;
}

const kKindText: Record<string, MessageKey> = {
  'incident.reported': 'notifications.kind.reported',
  'incident.invited': 'notifications.kind.invited',
  'package.received': 'notifications.kind.packageReceived',
  'package.acknowledged': 'notifications.kind.packageAcknowledged',
  'clock.due-soon': 'notifications.kind.clockDueSoon',
  'clock.overdue': 'notifications.kind.clockOverdue',
};

// The translation key of a notification's kind; null for a kind this
// version of the UI does not know (shown as it is).
export function kindKey(kind: string): MessageKey | null {
  return kKindText[kind] ?? null;
}

// Where a notification leads: a received crime report to the packages page,
// anything about an incident to its case page; null when the subject is
// something else.
export function notificationPath(n: Pick<Notification, 'kind' | 'subject'>): string | null {
  if (n.kind === 'package.received') return '/packages';
  if (n.subject.startsWith('incident--')) return incidentPath(n.subject);
  if (n.subject.startsWith('package')) return '/packages';
  return null;
}

// Parses one streamed notification's data; null when it is not usable.
export function parseStreamedNotification(data: string): Notification | null {
  try {
    const v = JSON.parse(data) as Partial<Notification> | null;
    if (
      !v ||
      typeof v.id !== 'number' ||
      typeof v.kind !== 'string' ||
      typeof v.subject !== 'string' ||
      typeof v.title !== 'string' ||
      typeof v.created !== 'string'
    ) {
      return null;
    }
    return { ...v, read: typeof v.read === 'string' ? v.read : null } as Notification;
  } catch {
    return null;
  }
}

export interface NotificationState {
  // Unread notifications counted (at most kUnreadLimit); null until known.
  unread: number | null;
  // The newest notification the stream brought during this visit.
  latest: Notification | null;
  // Changes whenever the notifications may have changed.
  version: number;
  // Read the count (and lists keyed on `version`) again.
  refresh: () => void;
}

const NotificationContext = createContext<NotificationState | null>(null);

export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const signedIn = state.status === 'signed-in';
  const [unread, setUnread] = useState<number | null>(null);
  const [latest, setLatest] = useState<Notification | null>(null);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    if (!signedIn) {
      setUnread(null);
      return;
    }
    let live = true;
    api
      .get<Items<Notification>>(notificationsQuery(true, kUnreadLimit))
      .then((page) => live && setUnread(page.items.length))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [signedIn, version]);
  // A reconnection may have missed some: count again.
  useStreamEvent(kOpenEvent, refresh);
  useStreamEvent('notification', (data) => {
    const n = parseStreamedNotification(data);
    if (!n) return;
    setLatest(n);
    refresh();
  });
  const value = useMemo(() => ({ unread, latest, version, refresh }), [unread, latest, version, refresh]);
  return <NotificationContext.Provider value={value}>{children}</NotificationContext.Provider>;
}

export function useNotifications(): NotificationState {
  const value = useContext(NotificationContext);
  if (!value) throw new Error('useNotifications outside NotificationsProvider');
  return value;
}

export function markRead(id: number): Promise<void> {
  return api.post<void>(markReadPath(id), {});
}
