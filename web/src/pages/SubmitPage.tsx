// Submit an indicator or a report: built as STIX 2.1 here, posted with its
// channel, TLP and (for TLP:RED) the named recipients.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { Channel, ChannelMember, Items, SubmitResult } from '../api';
import { objectPath } from '../components/ObjectList';
import { ErrorMessage, LoadState, Loading, PageHeading, TlpOptions, useLoad } from '../components/common';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';
import { Link } from '../router';
import { useUser } from '../session';
import {
  buildIndicator,
  buildReport,
  isTlpLevel,
  kIndicatorTypes,
  kReportTypes,
  parseObjectRefs,
  toLocalInput,
} from '../stix';
import type { TlpLevel } from '../stix';

type Kind = 'indicator' | 'report';

const kStatusText: Record<SubmitResult['status'], MessageKey> = {
  added: 'submit.status.added',
  duplicate: 'submit.status.duplicate',
  rejected: 'submit.status.rejected',
};

function RecipientPicker({
  channel,
  selected,
  onChange,
}: {
  channel: number;
  selected: number[];
  onChange: (ids: number[]) => void;
}) {
  const { t } = useI18n();
  const me = useUser();
  const [members] = useLoad(
    () => api.get<Items<ChannelMember>>(`/api/v1/channels/${channel}/members`),
    `members-${channel}`,
  );
  return (
    <fieldset className="field">
      <legend>{t('submit.recipients')}</legend>
      <p className="hint" id="recipients-hint">
        {t('submit.recipientsHint')}
      </p>
      <LoadState state={members}>
        {(data) =>
          data.items
            .filter((m) => m.user_id !== me.id)
            .map((m) => (
              <div key={m.user_id} className="check">
                <input
                  type="checkbox"
                  id={`recipient-${m.user_id}`}
                  checked={selected.includes(m.user_id)}
                  onChange={(e) =>
                    onChange(
                      e.target.checked ? [...selected, m.user_id] : selected.filter((id) => id !== m.user_id),
                    )
                  }
                />
                <label htmlFor={`recipient-${m.user_id}`}>
                  {t('submit.recipientLabel', { user: m.username, org: m.org.name })}
                </label>
              </div>
            ))
        }
      </LoadState>
    </fieldset>
  );
}

function Checklist({
  legend,
  options,
  selected,
  onChange,
  idPrefix,
}: {
  legend: string;
  options: readonly string[];
  selected: string[];
  onChange: (v: string[]) => void;
  idPrefix: string;
}) {
  return (
    <fieldset className="field checklist">
      <legend>{legend}</legend>
      {options.map((o) => (
        <div key={o} className="check">
          <input
            type="checkbox"
            id={`${idPrefix}-${o}`}
            checked={selected.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...selected, o] : selected.filter((x) => x !== o))}
          />
          <label htmlFor={`${idPrefix}-${o}`}>{o}</label>
        </div>
      ))}
    </fieldset>
  );
}

export function SubmitPage() {
  const { t } = useI18n();
  const [channels] = useLoad(() => api.get<Items<Channel>>('/api/v1/channels'), 'channels');
  const writable = channels.status === 'ok' ? channels.data.items.filter((c) => c.can_write) : [];
  const [kind, setKind] = useState<Kind>('indicator');
  const [channelId, setChannelId] = useState<number | null>(null);
  const [tlp, setTlp] = useState<TlpLevel>('amber');
  const [recipients, setRecipients] = useState<number[]>([]);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [pattern, setPattern] = useState('');
  const [when, setWhen] = useState(() => toLocalInput(new Date()));
  const [types, setTypes] = useState<string[]>([]);
  const [refs, setRefs] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<SubmitResult[] | null>(null);

  // The first writable channel, with its default TLP, until the user picks.
  useEffect(() => {
    const first = writable[0];
    if (channelId === null && first) {
      setChannelId(first.id);
      if (isTlpLevel(first.default_tlp)) setTlp(first.default_tlp);
    }
  }, [writable, channelId]);

  const chooseChannel = (id: number) => {
    setChannelId(id);
    setRecipients([]);
    const c = writable.find((x) => x.id === id);
    if (c && isTlpLevel(c.default_tlp)) setTlp(c.default_tlp);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setError(null);
    setResults(null);
    if (channelId === null) return setFormError(t('submit.needChannel'));
    if (!name.trim()) return setFormError(t('submit.needName'));
    const date = new Date(when);
    if (Number.isNaN(date.getTime())) return setFormError(t('submit.badDate'));
    let object: object;
    if (kind === 'indicator') {
      if (!pattern.trim()) return setFormError(t('submit.needPattern'));
      object = buildIndicator({ name, description, pattern, validFrom: date, indicatorTypes: types, tlp });
    } else {
      const parsed = parseObjectRefs(refs);
      if (parsed.invalid.length)
        return setFormError(t('submit.badRefs', { refs: parsed.invalid.join(', ') }));
      if (!parsed.ids.length) return setFormError(t('submit.needRefs'));
      object = buildReport({
        name,
        description,
        published: date,
        reportTypes: types,
        objectRefs: parsed.ids,
        tlp,
      });
    }
    setBusy(true);
    try {
      const body = {
        channel: channelId,
        tlp,
        red_recipients: tlp === 'red' ? recipients : [],
        objects: [object],
      };
      const answer = await api.post<{ results: SubmitResult[] }>('/api/v1/objects', body);
      setResults(answer.results);
      if (answer.results.every((r) => r.status !== 'rejected')) {
        // The next submission starts from the channel's default marking
        // again: a RED choice must never carry over to it unnoticed.
        const c = writable.find((x) => x.id === channelId);
        setTlp(c && isTlpLevel(c.default_tlp) ? c.default_tlp : 'amber');
        setRecipients([]);
        setName('');
        setDescription('');
        setPattern('');
        setRefs('');
        setTypes([]);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (channels.status === 'loading') return <Loading />;
  return (
    <>
      <PageHeading title={t('submit.title')}>{t('submit.title')}</PageHeading>
      {channels.status === 'error' && <ErrorMessage error={channels.error} />}
      {channels.status === 'ok' && writable.length === 0 && <p className="muted">{t('submit.noChannels')}</p>}
      {writable.length > 0 && (
        <form onSubmit={onSubmit} className="form" noValidate>
          <fieldset className="field">
            <legend>{t('submit.kind')}</legend>
            {(['indicator', 'report'] as const).map((k) => (
              <div key={k} className="check">
                <input
                  type="radio"
                  id={`kind-${k}`}
                  name="kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => {
                    setKind(k);
                    setTypes([]);
                  }}
                />
                <label htmlFor={`kind-${k}`}>
                  {t(k === 'indicator' ? 'submit.kindIndicator' : 'submit.kindReport')}
                </label>
              </div>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="submit-channel">{t('submit.channel')}</label>
            <select
              id="submit-channel"
              value={channelId ?? ''}
              onChange={(e) => chooseChannel(Number(e.target.value))}
            >
              {writable.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="submit-tlp">{t('submit.tlp')}</label>
            <select
              id="submit-tlp"
              value={tlp}
              onChange={(e) => isTlpLevel(e.target.value) && setTlp(e.target.value)}
            >
              <TlpOptions />
            </select>
          </div>
          {tlp === 'red' && channelId !== null && (
            <RecipientPicker channel={channelId} selected={recipients} onChange={setRecipients} />
          )}
          <div className="field">
            <label htmlFor="submit-name">{t('submit.name')}</label>
            <input id="submit-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="submit-description">{t('submit.description')}</label>
            <textarea
              id="submit-description"
              rows={4}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="submit-when">
              {t(kind === 'indicator' ? 'submit.validFrom' : 'submit.published')}
            </label>
            <input
              id="submit-when"
              type="datetime-local"
              value={when}
              onChange={(e) => setWhen(e.target.value)}
            />
          </div>
          {kind === 'indicator' ? (
            <>
              <div className="field">
                <label htmlFor="submit-pattern">{t('submit.pattern')}</label>
                <textarea
                  id="submit-pattern"
                  className="mono"
                  rows={3}
                  required
                  aria-describedby="submit-pattern-hint"
                  value={pattern}
                  onChange={(e) => setPattern(e.target.value)}
                />
                <p id="submit-pattern-hint" className="hint">
                  {t('submit.patternHint')}
                </p>
              </div>
              <Checklist
                legend={t('submit.indicatorTypes')}
                options={kIndicatorTypes}
                selected={types}
                onChange={setTypes}
                idPrefix="itype"
              />
            </>
          ) : (
            <>
              <div className="field">
                <label htmlFor="submit-refs">{t('submit.objectRefs')}</label>
                <textarea
                  id="submit-refs"
                  className="mono"
                  rows={3}
                  aria-describedby="submit-refs-hint"
                  value={refs}
                  onChange={(e) => setRefs(e.target.value)}
                />
                <p id="submit-refs-hint" className="hint">
                  {t('submit.objectRefsHint')}
                </p>
              </div>
              <Checklist
                legend={t('submit.reportTypes')}
                options={kReportTypes}
                selected={types}
                onChange={setTypes}
                idPrefix="rtype"
              />
            </>
          )}
          {formError && (
            <div className="error" role="alert">
              <p>{formError}</p>
            </div>
          )}
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? t('submit.submitting') : t('submit.submit')}
            </button>
          </div>
        </form>
      )}
      {results && (
        <section aria-labelledby="submit-results" role="status">
          <h2 id="submit-results">{t('submit.results')}</h2>
          <ul className="plain-list">
            {results.map((r) => (
              <li key={r.id}>
                {t(kStatusText[r.status] ?? 'submit.status.rejected')}:{' '}
                {r.status === 'rejected' ? (
                  <span className="mono">{r.id}</span>
                ) : (
                  <Link to={objectPath(r.id)}>{r.id}</Link>
                )}
                {r.message && <span className="muted"> — {r.message}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
