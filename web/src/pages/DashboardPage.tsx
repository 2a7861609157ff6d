// The latest intel in my channels: the newest 50 on load, then every object
// the server streams (SSE, event "object") prepended live and announced in a
// polite live region.
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../api';
import type { ObjectPage, ObjectSummary } from '../api';
import { ObjectList } from '../components/ObjectList';
import { ErrorMessage, Loading, PageHeading, useLoad } from '../components/common';
import { useI18n } from '../i18n/i18n';
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

export function DashboardPage() {
  const { t } = useI18n();
  const [initial] = useLoad(
    () => api.get<ObjectPage>(`/api/v1/objects?limit=${kDashboardLimit}`),
    'dashboard',
  );
  const [items, setItems] = useState<ObjectSummary[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [stream, setStream] = useState<StreamStatus>('connecting');
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
    source.onopen = () => setStream('live');
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
    source.addEventListener('object', onObject as EventListener);
    return () => {
      source.removeEventListener('object', onObject as EventListener);
      source.close();
    };
  }, []);

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
