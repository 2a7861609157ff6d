// The incident cases the user's organisation reported or takes part in:
// filters (kept in the URL, so a filtered list can be shared and the back
// button works) mapped to GET /api/v1/incidents, and each case's next
// reporting deadline counting down, overdue ones flagged.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, queryString } from '../api';
import { Countdown, useNow } from '../components/Countdown';
import { DataTable, ErrorMessage, LoadState, Loading, PageHeading, useLoad } from '../components/common';
import { LabelledSelect, TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import { incidentPath, kVocabularyPath, label } from '../incidents';
import type { IncidentList, IncidentSummary, Vocabulary } from '../incidents';
import { Link, useLocation } from '../router';
import { useUser } from '../session';
import { canReport } from './IncidentReportPage';

const kFilterNames = ['status', 'severity', 'category', 'q', 'overdue', 'mine'] as const;
type Filters = Record<(typeof kFilterNames)[number], string>;
export const kIncidentPageSize = 50;

function filtersFrom(search: URLSearchParams): Filters {
  const f = {} as Filters;
  for (const name of kFilterNames) f[name] = search.get(name) ?? '';
  return f;
}

function Rows({ items, vocab, next }: { items: IncidentSummary[]; vocab: Vocabulary; next: boolean }) {
  const { t, formatDate } = useI18n();
  const now = useNow();
  if (items.length === 0) return <p className="muted">{t('incidents.none')}</p>;
  return (
    <>
      <DataTable
        label={t('incidents.results')}
        columns={[
          t('incidents.caseTitle'),
          t('incidents.status'),
          t('incidents.severity'),
          t('incidents.category'),
          t('incidents.reportedBy'),
          t('incidents.nextDeadline'),
        ]}
        rows={items.map((i) => ({
          key: i.id,
          cells: [
            <Link to={incidentPath(i.stix_id)}>{i.title}</Link>,
            label(vocab.statuses, i.status),
            <span className={`severity severity-${i.severity}`}>{label(vocab.severities, i.severity)}</span>,
            label(vocab.categories, i.category),
            i.owner.name,
            i.next_deadline ? (
              <span className={i.overdue ? 'deadline deadline-overdue' : 'deadline'}>
                <time dateTime={i.next_deadline}>{formatDate(i.next_deadline)}</time>{' '}
                <Countdown deadline={i.next_deadline} now={now} />
              </span>
            ) : (
              <span className="muted">{t('incidents.noDeadline')}</span>
            ),
          ],
        }))}
      />
      {next && <p className="muted">{t('incidents.more', { count: items.length })}</p>}
    </>
  );
}

export function IncidentListPage() {
  const { t } = useI18n();
  const user = useUser();
  const { search, navigate } = useLocation();
  const applied = filtersFrom(search);
  const appliedKey = queryString(applied);
  const [form, setForm] = useState<Filters>(applied);
  const [vocab] = useLoad(() => api.get<Vocabulary>(kVocabularyPath), 'vocabulary');
  const [list] = useLoad(
    () =>
      api.get<IncidentList>(
        `/api/v1/incidents${queryString({
          status: applied.status,
          severity: applied.severity,
          category: applied.category,
          q: applied.q,
          overdue: applied.overdue === 'true' ? 'true' : '',
          mine: applied.mine === 'true' ? 'true' : '',
          limit: kIncidentPageSize,
        })}`,
      ),
    appliedKey,
  );
  useEffect(() => setForm(filtersFrom(new URLSearchParams(appliedKey))), [appliedKey]);
  const set = (name: keyof Filters) => (value: string) => setForm((f) => ({ ...f, [name]: value }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/incidents${queryString(form)}`);
  };

  if (vocab.status === 'loading') return <Loading />;
  return (
    <>
      <PageHeading title={t('incidents.title')}>{t('incidents.title')}</PageHeading>
      {canReport(user) && (
        <p>
          <Link to="/incidents/new" className="button-link primary">
            {t('incidents.report')}
          </Link>
        </p>
      )}
      <LoadState state={vocab}>
        {(v) => (
          <>
            <form className="form search-form" onSubmit={onSubmit} aria-label={t('incidents.filters')}>
              {(
                [
                  ['status', t('incidents.status'), v.statuses],
                  ['severity', t('incidents.severity'), v.severities],
                  ['category', t('incidents.category'), v.categories],
                ] as const
              ).map(([name, text, options]) => (
                <LabelledSelect
                  key={name}
                  id={`filter-${name}`}
                  label={text}
                  empty={t('incidents.any')}
                  value={form[name]}
                  options={options}
                  onChange={set(name)}
                />
              ))}
              <TextField id="filter-q" label={t('incidents.text')} value={form.q} onChange={set('q')} />
              {(
                [
                  ['overdue', t('incidents.overdueOnly')],
                  ['mine', t('incidents.mine')],
                ] as const
              ).map(([name, text]) => (
                <div className="check" key={name}>
                  <input
                    type="checkbox"
                    id={`filter-${name}`}
                    checked={form[name] === 'true'}
                    onChange={(e) => set(name)(e.target.checked ? 'true' : '')}
                  />
                  <label htmlFor={`filter-${name}`}>{text}</label>
                </div>
              ))}
              <div className="actions">
                <button type="submit" className="primary">
                  {t('incidents.apply')}
                </button>
                <button type="button" onClick={() => navigate('/incidents')}>
                  {t('search.clear')}
                </button>
              </div>
            </form>
            <section aria-labelledby="incident-results">
              <h2 id="incident-results">{t('incidents.results')}</h2>
              {list.status === 'loading' && <Loading />}
              {list.status === 'error' && <ErrorMessage error={list.error} />}
              {list.status === 'ok' && (
                <Rows items={list.data.items} vocab={v} next={list.data.next_after !== null} />
              )}
            </section>
          </>
        )}
      </LoadState>
    </>
  );
}
