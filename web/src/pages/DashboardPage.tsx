// The latest intel in my channels: the newest 50 on load, then every object
// the server streams (SSE, event "object") prepended live and announced in a
// polite live region; above it, the sighting alerts ("seen by N
// organisations in your channels in the last 24 h"): GET /api/v1/alerts on
// load and whenever the stream (re)connects, and each streamed "alert"
// event merged in and announced. The server computes N for this user over
// the sightings they may read; the page only shows what it is given.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, orgLabel } from '../api';
import type { Items, ObjectPage, ObjectSummary, SightingAlert } from '../api';
import { ObjectList, objectPath } from '../components/ObjectList';
import { Link } from '../router';
import { ErrorMessage, Loading, PageHeading, useLoad } from '../components/common';
import { useI18n } from '../i18n/i18n';
import type { IncidentList } from '../incidents';
import { useSession } from '../session';

export const kDashboardLimit = 50;
type StreamStatus = 'connecting' | 'live' | 'reconnecting';

// Parses one streamed event's data; null when it is not a usable summary.
export function parseStreamedObject(data: string): ObjectSummary | null {
  try {
    const v = JSON.parse(data) as Partial<ObjectSummary>;
    if (
      typeof v.id !== 'string' ||
      typeof v.type !== 'string' ||
      typeof v.tlp !== 'string' ||
      typeof v.date_added !== 'string' ||
      !v.channel ||
      typeof v.channel.name !== 'string'
    ) {
      return null;
    }
    return v as ObjectSummary;
  } catch {
    return null;
  }
}

// `items` with `item` first, without an older entry for the same object in
// the same channel, at most `limit` long.
export function prepend(items: ObjectSummary[], item: ObjectSummary, limit: number): ObjectSummary[] {
  const rest = items.filter((i) => !(i.id === item.id && i.channel.id === item.channel.id));
  return [item, ...rest].slice(0, limit);
}

// Parses one streamed alert's data; null when it is not a usable alert.
export function parseStreamedAlert(data: string): SightingAlert | null {
  try {
    const v = JSON.parse(data) as Partial<SightingAlert>;
    if (
      !v.object ||
      typeof v.object.id !== 'string' ||
      typeof v.object.type !== 'string' ||
      !Array.isArray(v.organisations) ||
      typeof v.organisation_count !== 'number' ||
      typeof v.last_seen !== 'string'
    ) {
      return null;
    }
    return v as SightingAlert;
  } catch {
    return null;
  }
}

// `alerts` with `alert` in place of any older one about the same object,
// newest last_seen first.
export function mergeAlert(alerts: SightingAlert[], alert: SightingAlert): SightingAlert[] {
  const rest = alerts.filter((a) => a.object.id !== alert.object.id);
  return [alert, ...rest].sort((a, b) =>
    a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : 0,
  );
}

export const kOverdueLimit = 500;

// The incident cases visible to the user with a reporting deadline passed,
// counted, flagged, and linked to the filtered incident list.
function OverduePanel() {
  const { t, formatNumber } = useI18n();
  const [overdue] = useLoad(
    () => api.get<IncidentList>(`/api/v1/incidents?overdue=true&limit=${kOverdueLimit}`),
    'overdue',
  );
  if (overdue.status === 'loading') return null;
  if (overdue.status === 'error') return <p className="muted">{t('dashboard.overdueFailed')}</p>;
  const n = overdue.data.items.length;
  const count = overdue.data.next_after !== null ? `${formatNumber(n)}+` : formatNumber(n);
  return (
    <section aria-labelledby="overdue-heading" className={n > 0 ? 'panel overdue-panel' : 'panel'}>
      <h2 id="overdue-heading">{t('dashboard.overdueTitle')}</h2>
      {n === 0 ? (
        <p>{t('dashboard.noOverdue')}</p>
      ) : (
        <p className="overdue" data-testid="overdue-count">
          <span aria-hidden="true">⚠ </span>
          <Link to="/incidents?overdue=true">{t('dashboard.overdue', { count })}</Link>
        </p>
      )}
    </section>
  );
}

type AlertsState = { status: 'loading' } | { status: 'ok' } | { status: 'error' };

function AlertsPanel({ alerts, state }: { alerts: SightingAlert[]; state: AlertsState }) {
  const { t, formatNumber } = useI18n();
  return (
    <section aria-labelledby="alerts-heading">
      <h2 id="alerts-heading">{t('dashboard.alerts')}</h2>
      {alerts.length === 0 && state.status === 'error' && (
        <p className="muted">{t('dashboard.alertsFailed')}</p>
      )}
      {alerts.length === 0 && state.status === 'ok' && <p className="muted">{t('dashboard.noAlerts')}</p>}
      {alerts.length > 0 && (
        <ul className="plain-list" aria-labelledby="alerts-heading">
          {alerts.map((a) => (
            <li key={a.object.id} data-testid="alert">
              <Link to={objectPath(a.object.id)}>{a.object.name || a.object.id}</Link>{' '}
              <span className="muted">({a.object.type})</span> —{' '}
              {t('dashboard.alert', { count: formatNumber(a.organisation_count) })}:{' '}
              {a.organisations.map(orgLabel).join(', ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function DashboardPage() {
  const { t } = useI18n();
  const [initial] = useLoad(
    () => api.get<ObjectPage>(`/api/v1/objects?limit=${kDashboardLimit}`),
    'dashboard',
  );
  const [items, setItems] = useState<ObjectSummary[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [stream, setStream] = useState<StreamStatus>('connecting');
  const [alerts, setAlerts] = useState<SightingAlert[]>([]);
  const [alertsState, setAlertsState] = useState<AlertsState>({ status: 'loading' });
  // The current alerts replace the list; streamed ones that arrive while
  // the request is under way are merged in on top of its answer.
  const loadAlerts = useCallback(() => {
    api
      .get<Items<SightingAlert>>('/api/v1/alerts')
      .then((page) => {
        setAlerts((list) => list.reduce((all, a) => mergeAlert(all, a), page.items));
        setAlertsState({ status: 'ok' });
      })
      .catch(() => setAlertsState({ status: 'error' }));
  }, []);
  const streamed = useRef<ObjectSummary[]>([]);
  // The stream outlives language switches: announcements use the current t.
  const tRef = useRef(t);
  tRef.current = t;
  const { expired } = useSession();
  const expiredRef = useRef(expired);
  expiredRef.current = expired;

  useEffect(() => {
    if (initial.status !== 'ok') return;
    let list = initial.data.items.slice(0, kDashboardLimit);
    // Events that arrived before the first page keep their place on top.
    for (const item of [...streamed.current].reverse()) list = prepend(list, item, kDashboardLimit);
    setItems(list);
  }, [initial]);

  useEffect(() => {
    const source = new EventSource('/api/v1/stream', { withCredentials: true });
    source.onopen = () => {
      setStream('live');
      // Alerts are not replayed on the stream: read the current ones.
      loadAlerts();
    };
    source.onerror = () => {
      setStream('reconnecting');
      // The browser gives up (CLOSED) on a non-stream answer such as 401:
      // if the session has ended, go back to the sign-in page.
      if (source.readyState !== EventSource.CLOSED) return;
      api.get('/api/v1/session').catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 401) expiredRef.current();
      });
    };
    const onObject = (event: MessageEvent<string>) => {
      const item = parseStreamedObject(event.data);
      if (!item) return;
      streamed.current = [item, ...streamed.current].slice(0, kDashboardLimit);
      setItems((list) => prepend(list, item, kDashboardLimit));
      setAnnouncement(
        tRef.current('dashboard.arrived', {
          name: item.name || item.id,
          type: item.type,
          channel: item.channel.name,
        }),
      );
    };
    const onAlert = (event: MessageEvent<string>) => {
      const alert = parseStreamedAlert(event.data);
      if (!alert) return;
      setAlerts((list) => mergeAlert(list, alert));
      setAnnouncement(
        tRef.current('dashboard.alertArrived', {
          name: alert.object.name || alert.object.id,
          count: String(alert.organisation_count),
        }),
      );
    };
    source.addEventListener('object', onObject as EventListener);
    source.addEventListener('alert', onAlert as EventListener);
    return () => {
      source.removeEventListener('object', onObject as EventListener);
      source.removeEventListener('alert', onAlert as EventListener);
      source.close();
    };
  }, [loadAlerts]);

  useEffect(() => loadAlerts(), [loadAlerts]);

  const streamText =
    stream === 'live'
      ? t('dashboard.live')
      : stream === 'connecting'
        ? t('dashboard.connecting')
        : t('dashboard.reconnecting');
  return (
    <>
      <PageHeading title={t('dashboard.title')}>{t('dashboard.title')}</PageHeading>
      <p className={`stream-status stream-${stream}`}>
        <span aria-hidden="true" className="dot" /> {streamText}
      </p>
      <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="live-region">
        {announcement}
      </div>
      <OverduePanel />
      <AlertsPanel alerts={alerts} state={alertsState} />
      <section aria-labelledby="latest-heading">
        <h2 id="latest-heading">{t('dashboard.latest')}</h2>
        {initial.status === 'loading' && items.length === 0 && <Loading />}
        {initial.status === 'error' && <ErrorMessage error={initial.error} />}
        {initial.status !== 'loading' && items.length === 0 && initial.status === 'ok' && (
          <p className="muted">{t('dashboard.empty')}</p>
        )}
        {items.length > 0 && <ObjectList items={items} labelledBy="latest-heading" />}
      </section>
    </>
  );
}
