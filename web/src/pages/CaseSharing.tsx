// Sharing from a case (docs/incidents.md "Sharing from a case"), for those
// who manage it: publishing sanitised copies of the case's linked
// indicators into a channel they may write (POST .../publish), with the
// result for each, and a request for assistance as a STIX note (POST
// .../assistance). The case itself stays private.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { Channel, Items, SubmitResult } from '../api';
import { objectPath } from '../components/ObjectList';
import { ErrorMessage, FormProblems, LoadState, Section, useLoad, useWrite } from '../components/common';
import { LabelledSelect, TextAreaField, TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';
import { incidentApi } from '../incidents';
import type { IncidentView } from '../incidents';
import { Link } from '../router';
import { isTlpLevel, kTlpLevels } from '../stix';

// One copy's result: SubmitResult plus the linked indicator it came from.
export interface PublishResult extends SubmitResult {
  from: string;
}

// TLP:RED without named recipients reaches no one but the sender, so it is
// not offered for sharing.
export const kShareTlps = kTlpLevels.filter((l) => l !== 'red');

function shareTlp(channel: Channel | undefined): string {
  const d = channel?.default_tlp ?? '';
  return isTlpLevel(d) && d !== 'red' ? d : 'amber';
}

const kResultText: Record<SubmitResult['status'], MessageKey> = {
  added: 'share.added',
  duplicate: 'share.duplicate',
  rejected: 'share.rejected',
};

// The channel and TLP choice of a sharing form (ids prefixed by `prefix`).
function Destination({
  prefix,
  channels,
  channel,
  tlp,
  onChannel,
  onTlp,
}: {
  prefix: string;
  channels: Channel[];
  channel: string;
  tlp: string;
  onChannel: (id: string) => void;
  onTlp: (tlp: string) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <LabelledSelect
        id={`${prefix}-channel`}
        label={t('share.channel')}
        options={channels.map((c) => ({ token: String(c.id), label: c.name }))}
        value={channel}
        onChange={onChannel}
      />
      <LabelledSelect
        id={`${prefix}-tlp`}
        label={t('share.tlp')}
        options={kShareTlps.map((l) => ({ token: l, label: `TLP:${l.toUpperCase()}` }))}
        value={tlp}
        onChange={onTlp}
      />
    </>
  );
}

// A channel and TLP chosen by the user, starting from the first writable
// channel and its default marking.
function useDestination(channels: Channel[]) {
  const [channel, setChannel] = useState('');
  const [tlp, setTlp] = useState('');
  const chosen = channel || String(channels[0]?.id ?? '');
  const marking = tlp || shareTlp(channels.find((c) => String(c.id) === chosen));
  return {
    channel: chosen,
    tlp: marking,
    onChannel: (id: string) => {
      setChannel(id);
      setTlp(shareTlp(channels.find((c) => String(c.id) === id)));
    },
    onTlp: setTlp,
  };
}

function PublishIndicators({
  id,
  view,
  channels,
  onShared,
}: {
  id: string;
  view: IncidentView;
  channels: Channel[];
  onShared: () => void;
}) {
  const { t } = useI18n();
  const destination = useDestination(channels);
  const indicators = view.case.links.filter((l) => l.kind === 'indicator');
  const [selected, setSelected] = useState<string[]>([]);
  const [names, setNames] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [results, setResults] = useState<PublishResult[] | null>(null);
  const write = useWrite(onShared);
  const toggle = (objectId: string, on: boolean) =>
    setSelected((s) => (on ? [...s, objectId] : s.filter((x) => x !== objectId)));
  const publish = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (selected.length === 0) return setProblem(t('share.needIndicator'));
    if (!destination.channel) return setProblem(t('share.needChannel'));
    const body = {
      channel: Number(destination.channel),
      tlp: destination.tlp,
      indicators: indicators
        .filter((l) => selected.includes(l.object_id))
        .map((l) => {
          const name = names[l.object_id]?.trim();
          return name ? { id: l.object_id, name } : { id: l.object_id };
        }),
    };
    setResults(null);
    await write.run(async () => {
      const answer = await api.post<{ results: PublishResult[] }>(incidentApi(id, '/publish'), body);
      setResults(answer.results);
      setSelected([]);
      setNames({});
    });
  };
  return (
    <Section id="case-publish" title={t('share.publishTitle')}>
      <p>{t('share.publishExplain')}</p>
      {indicators.length === 0 ? (
        <p className="muted">{t('share.noIndicators')}</p>
      ) : (
        <form className="form" onSubmit={publish} noValidate>
          <fieldset className="field">
            <legend>{t('share.chooseIndicators')}</legend>
            {indicators.map((l, i) => (
              <div key={l.object_id} className="share-indicator">
                <div className="check">
                  <input
                    id={`publish-pick-${i}`}
                    type="checkbox"
                    checked={selected.includes(l.object_id)}
                    onChange={(e) => toggle(l.object_id, e.target.checked)}
                  />
                  <label htmlFor={`publish-pick-${i}`} className="mono">
                    {l.object_id}
                  </label>
                </div>
                {selected.includes(l.object_id) && (
                  <TextField
                    id={`publish-name-${i}`}
                    label={t('share.newName', { id: l.object_id })}
                    value={names[l.object_id] ?? ''}
                    onChange={(v) => setNames((n) => ({ ...n, [l.object_id]: v }))}
                  />
                )}
              </div>
            ))}
          </fieldset>
          <Destination prefix="publish" channels={channels} {...destination} />
          <FormProblems messages={problem ? [problem] : []} />
          <ErrorMessage error={write.error} />
          <div className="actions">
            <button type="submit" disabled={write.busy}>
              {t('share.publishButton')}
            </button>
          </div>
        </form>
      )}
      {results && (
        <div role="status">
          <ul className="plain-list" aria-label={t('share.results')}>
            {results.map((r) => (
              <li key={`${r.from}-${r.id}`} data-testid="publish-result">
                <span className="mono">{r.from}</span>: {t(kResultText[r.status])}{' '}
                {r.status === 'rejected' ? (
                  r.message
                ) : (
                  <Link to={objectPath(r.id)} className="mono">
                    {r.id}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}

function RequestAssistance({
  id,
  channels,
  onShared,
}: {
  id: string;
  channels: Channel[];
  onShared: () => void;
}) {
  const { t } = useI18n();
  const destination = useDestination(channels);
  const [summary, setSummary] = useState('');
  const [needs, setNeeds] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [sent, setSent] = useState<SubmitResult | null>(null);
  const write = useWrite(onShared);
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    const missing: string[] = [];
    if (!summary.trim()) missing.push(t('share.needSummary'));
    if (!needs.trim()) missing.push(t('share.needNeeds'));
    if (!destination.channel) missing.push(t('share.needChannel'));
    setProblems(missing);
    if (missing.length > 0) return;
    setSent(null);
    await write.run(async () => {
      setSent(
        await api.post<SubmitResult>(incidentApi(id, '/assistance'), {
          channel: Number(destination.channel),
          tlp: destination.tlp,
          summary: summary.trim(),
          needs: needs.trim(),
        }),
      );
      setSummary('');
      setNeeds('');
    });
  };
  return (
    <Section id="case-assistance" title={t('share.assistanceTitle')}>
      <p>{t('share.assistanceExplain')}</p>
      <form className="form" onSubmit={ask} noValidate>
        <TextField id="assistance-summary" label={t('share.summary')} value={summary} onChange={setSummary} />
        <TextAreaField id="assistance-needs" label={t('share.needs')} value={needs} onChange={setNeeds} />
        <Destination prefix="assistance" channels={channels} {...destination} />
        <FormProblems messages={problems} />
        <ErrorMessage error={write.error} />
        <div className="actions">
          <button type="submit" disabled={write.busy}>
            {t('share.assistanceButton')}
          </button>
        </div>
      </form>
      {sent && (
        <p role="status">
          {t('share.assistanceSent')}{' '}
          <Link to={objectPath(sent.id)} className="mono">
            {sent.id}
          </Link>
        </p>
      )}
    </Section>
  );
}

// Shown only to those who may manage the case (the view's can.manage).
export function CaseSharing({
  id,
  view,
  onShared,
}: {
  id: string;
  view: IncidentView;
  onShared: () => void;
}) {
  const { t } = useI18n();
  const [channels] = useLoad(() => api.get<Items<Channel>>('/api/v1/channels'), 'channels');
  return (
    <LoadState state={channels}>
      {(data) => {
        const writable = data.items.filter((c) => c.can_write);
        if (writable.length === 0) {
          return (
            <Section id="case-publish" title={t('share.publishTitle')}>
              <p className="muted">{t('share.noChannels')}</p>
            </Section>
          );
        }
        return (
          <>
            <PublishIndicators id={id} view={view} channels={writable} onShared={onShared} />
            <RequestAssistance id={id} channels={writable} onShared={onShared} />
          </>
        );
      }}
    </LoadState>
  );
}
