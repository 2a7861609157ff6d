// Intel search: the filters live in the URL (so a search can be shared and
// the back button works); results page with the server's cursor.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, queryString } from '../api';
import type { Channel, Items, ObjectPage, ObjectSummary } from '../api';
import { ObjectList } from '../components/ObjectList';
import { ErrorMessage, Loading, PageHeading, TlpOptions, useLoad } from '../components/common';
import { TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import { useLocation } from '../router';
import { kSearchTypes } from '../stix';

const kFilterNames = ['q', 'type', 'tlp', 'channel', 'observable', 'since', 'until'] as const;
type Filters = Record<(typeof kFilterNames)[number], string>;
export const kSearchPageSize = 50;

function filtersFrom(search: URLSearchParams): Filters {
  const f = {} as Filters;
  for (const name of kFilterNames) f[name] = search.get(name) ?? '';
  return f;
}

// A date input value ("2026-11-21") as the start of that day in the user's
// time zone, in ISO form; "" when empty or invalid. `endOfDay` gives the
// last millisecond of the day instead.
export function dayToIso(day: string, endOfDay = false): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return '';
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = endOfDay ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function SearchPage() {
  const { t, formatNumber } = useI18n();
  const { search, navigate } = useLocation();
  const applied = filtersFrom(search);
  const appliedKey = queryString(applied);
  const [form, setForm] = useState<Filters>(applied);
  const [channels] = useLoad(() => api.get<Items<Channel>>('/api/v1/channels'), 'channels');
  const hasQuery = kFilterNames.some((n) => applied[n]);
  const [results, setResults] = useState<ObjectSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [more, setMore] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });

  const params = {
    q: applied.q,
    type: applied.type,
    tlp: applied.tlp,
    channel: applied.channel,
    observable: applied.observable,
    since: dayToIso(applied.since),
    until: dayToIso(applied.until, true),
  };
  const [first] = useLoad(
    () =>
      hasQuery
        ? api.get<ObjectPage>(`/api/v1/objects${queryString({ ...params, limit: kSearchPageSize })}`)
        : Promise.resolve<ObjectPage>({ items: [], next_cursor: null }),
    appliedKey,
  );

  useEffect(() => setForm(filtersFrom(new URLSearchParams(appliedKey))), [appliedKey]);
  useEffect(() => {
    if (first.status !== 'ok') return;
    setResults(first.data.items);
    setCursor(first.data.next_cursor ?? null);
  }, [first]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/search${queryString(form)}`);
  };
  const loadMore = async () => {
    if (!cursor) return;
    setMore({ busy: true, error: null });
    try {
      const page = await api.get<ObjectPage>(
        `/api/v1/objects${queryString({ ...params, limit: kSearchPageSize, cursor })}`,
      );
      setResults((r) => [...r, ...page.items]);
      setCursor(page.next_cursor ?? null);
      setMore({ busy: false, error: null });
    } catch (error) {
      setMore({ busy: false, error });
    }
  };
  const set = (name: keyof Filters) => (value: string) => setForm((f) => ({ ...f, [name]: value }));

  return (
    <>
      <PageHeading title={t('search.title')}>{t('search.title')}</PageHeading>
      <form role="search" onSubmit={onSubmit} className="form search-form" aria-label={t('search.title')}>
        <div className="field field-wide">
          <label htmlFor="search-q">{t('search.query')}</label>
          <input id="search-q" type="search" value={form.q} onChange={(e) => set('q')(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="search-type">{t('search.type')}</label>
          <select id="search-type" value={form.type} onChange={(e) => set('type')(e.target.value)}>
            <option value="">{t('search.any')}</option>
            {kSearchTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-tlp">{t('search.tlp')}</label>
          <select id="search-tlp" value={form.tlp} onChange={(e) => set('tlp')(e.target.value)}>
            <option value="">{t('search.any')}</option>
            <TlpOptions />
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-channel">{t('search.channel')}</label>
          <select id="search-channel" value={form.channel} onChange={(e) => set('channel')(e.target.value)}>
            <option value="">{t('search.any')}</option>
            {channels.status === 'ok' &&
              channels.data.items
                .filter((c) => c.can_read)
                .map((c) => (
                  <option key={c.id} value={String(c.id)}>
                    {c.name}
                  </option>
                ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="search-observable">{t('search.observable')}</label>
          <input
            id="search-observable"
            value={form.observable}
            onChange={(e) => set('observable')(e.target.value)}
            aria-describedby="search-observable-hint"
          />
          <p id="search-observable-hint" className="hint">
            {t('search.observableHint')}
          </p>
        </div>
        <TextField
          id="search-since"
          label={t('search.since')}
          type="date"
          value={form.since}
          onChange={set('since')}
        />
        <TextField
          id="search-until"
          label={t('search.until')}
          type="date"
          value={form.until}
          onChange={set('until')}
        />
        <div className="actions">
          <button type="submit" className="primary">
            {t('search.submit')}
          </button>
          <button type="button" onClick={() => navigate('/search')}>
            {t('search.clear')}
          </button>
        </div>
      </form>
      <section aria-labelledby="results-heading">
        <h2 id="results-heading">{t('search.results')}</h2>
        <p role="status" className="muted">
          {first.status === 'ok' && hasQuery
            ? t(cursor ? 'search.countMore' : 'search.count', { count: formatNumber(results.length) })
            : ''}
        </p>
        {!hasQuery && <p className="muted">{t('search.prompt')}</p>}
        {first.status === 'loading' && <Loading />}
        {first.status === 'error' && <ErrorMessage error={first.error} />}
        {first.status === 'ok' && hasQuery && results.length === 0 && (
          <p className="muted">{t('search.none')}</p>
        )}
        {results.length > 0 && <ObjectList items={results} labelledBy="results-heading" />}
        <ErrorMessage error={more.error} />
        {cursor && (
          <button type="button" onClick={loadMore} disabled={more.busy}>
            {more.busy ? t('common.loading') : t('search.more')}
          </button>
        )}
      </section>
    </>
  );
}
