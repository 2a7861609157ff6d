// The header's link to the notifications page with the unread count, and a
// polite announcement of each notification the live stream brings.
import { useI18n } from '../i18n/i18n';
import { kUnreadLimit, useNotifications } from '../notifications';
import { Link, useLocation } from '../router';

export function NotificationBadge() {
  const { t, formatNumber } = useI18n();
  const { path } = useLocation();
  const { unread, latest } = useNotifications();
  const count = unread ? `${formatNumber(unread)}${unread >= kUnreadLimit ? '+' : ''}` : '';
  return (
    <>
      <Link
        to="/notifications"
        className="notification-link"
        aria-current={path === '/notifications' ? 'page' : undefined}
        aria-label={count ? t('nav.notificationsUnread', { count }) : t('nav.notifications')}
      >
        {t('nav.notifications')}
        {count && (
          <span className="badge badge-new" data-testid="unread-count" aria-hidden="true">
            {count}
          </span>
        )}
      </Link>
      <span className="visually-hidden" aria-live="polite" data-testid="notification-announcement">
        {latest ? t('notifications.arrived', { title: latest.title }) : ''}
      </span>
    </>
  );
}
