// The user's notifications, newest first: what happened (its kind in plain
// words and the server's title), when (in the user's zone), a link to what
// it is about, and "Mark as read" for the unread ones. Read again whenever
// the live stream brings a new one.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import type { Items } from '../api';
import { DateTime, ErrorMessage, LoadState, PageHeading, useLoad, useWrite } from '../components/common';
import { useI18n } from '../i18n/i18n';
import { kindKey, markRead, notificationPath, notificationsQuery, useNotifications } from '../notifications';
import type { Notification } from '../notifications';
import { Link } from '../router';

export const kNotificationsPageLimit = 200;

function NotificationItem({ n }: { n: Notification }) {
  const { t } = useI18n();
  const { refresh } = useNotifications();
  const write = useWrite(refresh);
  const key = kindKey(n.kind);
  const to = notificationPath(n);
  return (
    <li className={n.read ? 'object-item' : 'object-item unread'} data-testid="notification">
      <div className="object-title">
        {!n.read && <span className="badge badge-new">{t('notifications.unread')}</span>}
        <span className="object-name">{key ? t(key) : n.kind}</span>
        <span className="muted">
          <DateTime iso={n.created} />
        </span>
      </div>
      <p>{to ? <Link to={to}>{n.title}</Link> : n.title}</p>
      {n.read ? (
        <p className="muted">
          {t('notifications.readAt')} <DateTime iso={n.read} />
        </p>
      ) : (
        <div className="actions">
          <button type="button" disabled={write.busy} onClick={() => void write.run(() => markRead(n.id))}>
            {t('notifications.markRead', { title: n.title })}
          </button>
        </div>
      )}
      <ErrorMessage error={write.error} />
    </li>
  );
}

export function NotificationsPage() {
  const { t } = useI18n();
  const { version } = useNotifications();
  const [list] = useLoad(
    () => api.get<Items<Notification>>(notificationsQuery(false, kNotificationsPageLimit)),
    'notifications',
  );
  // Later reads (a new notification, one marked read) replace the list in
  // place, without "Loading…" in between.
  const [fresh, setFresh] = useState<Notification[] | null>(null);
  const first = useRef(version);
  useEffect(() => {
    if (version === first.current) return;
    let live = true;
    api
      .get<Items<Notification>>(notificationsQuery(false, kNotificationsPageLimit))
      .then((page) => live && setFresh(page.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [version]);
  return (
    <>
      <PageHeading title={t('notifications.title')}>{t('notifications.title')}</PageHeading>
      <LoadState state={list}>
        {(data) => {
          const items = fresh ?? data.items;
          return items.length === 0 ? (
            <p className="muted">{t('notifications.none')}</p>
          ) : (
            <ul className="object-list" aria-label={t('notifications.title')}>
              {items.map((n) => (
                <NotificationItem key={n.id} n={n} />
              ))}
            </ul>
          );
        }}
      </LoadState>
    </>
  );
}
