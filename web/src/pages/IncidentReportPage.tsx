// The incident report wizard: a few short steps a commission officer can
// finish in two minutes (what happened, what kind, where, impact and
// severity, playbook and evidence, review). Words come from the server's
// vocabulary with their plain-language definitions; times are entered in
// the user's zone and sent in UTC. On submit the report is filed (POST
// /api/v1/incidents), then each evidence file is uploaded to the new case,
// and the case page opens.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { ApiError, api, queryString } from '../api';
import type { User } from '../api';
import {
  ErrorMessage,
  Fact,
  FormProblems,
  LoadState,
  Loading,
  PageHeading,
  TlpBadge,
  TlpOptions,
  useLoad,
} from '../components/common';
import { LabelledSelect, TextAreaField, TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';
import {
  formatBytes,
  impactKey,
  incidentApi,
  incidentPath,
  kVocabularyPath,
  label,
  localInputToUtc,
} from '../incidents';
import type { Evidence, Impacts, IncidentView, VocabEntry, Vocabulary } from '../incidents';
import { Link, useLocation } from '../router';
import { useUser } from '../session';
import { isTlpLevel, toLocalInput } from '../stix';
import type { TlpLevel } from '../stix';

// Who may file a report (policy: analysts, liaisons and administrators).
export function canReport(user: User): boolean {
  return ['analyst', 'liaison', 'org-admin', 'network-admin'].includes(user.role);
}

export interface ReportForm {
  title: string;
  description: string;
  detected: string; // datetime-local, the user's zone
  started: string;
  category: string;
  targets: string[];
  disinformationKind: string;
  systems: string; // one per line
  election: string;
  phase: string;
  impacts: Impacts;
  severity: string;
  tlp: TlpLevel;
  playbook: string;
  files: File[];
  fileDescription: string;
}

export function emptyForm(now: Date): ReportForm {
  return {
    title: '',
    description: '',
    detected: toLocalInput(now),
    started: '',
    category: '',
    targets: [],
    disinformationKind: '',
    systems: '',
    election: '',
    phase: '',
    impacts: { confidentiality: 'none', integrity: 'none', availability: 'none', public_trust: 'none' },
    severity: '',
    tlp: 'amber',
    playbook: '',
    files: [],
    fileDescription: '',
  };
}

// The affected systems, one a line, without blanks.
function systemsOf(f: ReportForm): string[] {
  return f.systems
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

// The body of POST /api/v1/incidents for a form (times in UTC).
export function reportBody(f: ReportForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: f.title.trim(),
    description: f.description.trim(),
    detected: localInputToUtc(f.detected),
    category: f.category,
    election_targets: f.targets,
    affected_systems: systemsOf(f),
    impacts: f.impacts,
    severity: f.severity,
    tlp: f.tlp,
  };
  const started = localInputToUtc(f.started);
  if (started) body.started = started;
  if (f.targets.includes('disinformation')) body.disinformation_kind = f.disinformationKind;
  if (f.election.trim()) body.election = f.election.trim();
  if (f.phase) body.phase = f.phase;
  if (f.playbook) body.playbook = f.playbook;
  return body;
}

const kSteps: MessageKey[] = [
  'report.step.what',
  'report.step.kind',
  'report.step.where',
  'report.step.impact',
  'report.step.extras',
  'report.step.review',
];

// The problems of one step that keep the user from going on (translated).
function stepProblems(step: number, f: ReportForm, t: (k: MessageKey) => string): string[] {
  const out: string[] = [];
  if (step === 0) {
    if (!f.title.trim()) out.push(t('report.need.title'));
    if (!f.description.trim()) out.push(t('report.need.description'));
    const detected = localInputToUtc(f.detected);
    if (!detected) out.push(t('report.need.detected'));
    else if (Date.parse(detected) > Date.now() + 5 * 60_000) out.push(t('report.need.notFuture'));
    if (f.started) {
      const started = localInputToUtc(f.started);
      if (!started) out.push(t('report.need.started'));
      else if (detected && started > detected) out.push(t('report.need.startedBefore'));
    }
  } else if (step === 1) {
    if (!f.category) out.push(t('report.need.category'));
    if (f.targets.includes('disinformation') && !f.disinformationKind)
      out.push(t('report.need.disinformation'));
  } else if (step === 3) {
    if (!f.severity) out.push(t('report.need.severity'));
  }
  return out;
}

// Radio buttons (or with `multiple`, checkboxes) over vocabulary entries,
// each with its plain-language definition.
function VocabChoices({
  name,
  legend,
  entries,
  selected,
  onChange,
  multiple = false,
}: {
  name: string;
  legend: string;
  entries: VocabEntry[];
  selected: readonly string[];
  onChange: (v: string[]) => void;
  multiple?: boolean;
}) {
  return (
    <fieldset className="field choices">
      <legend>{legend}</legend>
      {entries.map((e) => (
        <div key={e.token} className="check choice">
          <input
            type={multiple ? 'checkbox' : 'radio'}
            id={`${name}-${e.token}`}
            name={name}
            value={e.token}
            checked={selected.includes(e.token)}
            aria-describedby={`${name}-${e.token}-def`}
            onChange={(ev) =>
              onChange(
                !multiple
                  ? [e.token]
                  : ev.target.checked
                    ? [...selected, e.token]
                    : selected.filter((x) => x !== e.token),
              )
            }
          />
          <div>
            <label htmlFor={`${name}-${e.token}`}>{e.label}</label>
            <p className="hint" id={`${name}-${e.token}-def`}>
              {e.definition}
            </p>
          </div>
        </div>
      ))}
    </fieldset>
  );
}

function Review({ f, v }: { f: ReportForm; v: Vocabulary }) {
  const { t, formatDate } = useI18n();
  const when = (local: string) => {
    const utc = localInputToUtc(local);
    return utc ? formatDate(utc) : '—';
  };
  return (
    <dl className="facts">
      <Fact term={t('report.title')}>{f.title}</Fact>
      <Fact term={t('report.detected')}>{when(f.detected)}</Fact>
      <Fact term={t('report.started')}>{f.started ? when(f.started) : '—'}</Fact>
      <Fact term={t('report.category')}>{label(v.categories, f.category)}</Fact>
      <Fact term={t('report.targets')}>
        {f.targets.map((x) => label(v.election_targets, x)).join(', ') || '—'}
        {f.targets.includes('disinformation') && ` (${label(v.disinformation_kinds, f.disinformationKind)})`}
      </Fact>
      <Fact term={t('report.systems')}>{systemsOf(f).join(', ') || '—'}</Fact>
      <Fact term={t('report.election')}>
        {[f.election.trim(), label(v.election_phases, f.phase)].filter(Boolean).join(' — ') || '—'}
      </Fact>
      <Fact term={t('report.impact')}>
        {v.impact_dimensions
          .map((d) => `${d.label}: ${label(v.impact_levels, f.impacts[impactKey(d.token)])}`)
          .join(', ')}
      </Fact>
      <Fact term={t('report.severity')}>{label(v.severities, f.severity)}</Fact>
      <Fact term={t('report.tlp')}>
        <TlpBadge tlp={f.tlp} />
      </Fact>
      <Fact term={t('report.playbook')}>
        {f.playbook ? (v.playbooks.find((p) => p.token === f.playbook)?.title ?? f.playbook) : '—'}
      </Fact>
      <Fact term={t('report.files')}>
        {f.files.map((file) => `${file.name} (${formatBytes(file.size)})`).join(', ') || '—'}
      </Fact>
      <Fact term={t('report.description')}>
        <span className="prewrap">{f.description}</span>
      </Fact>
    </dl>
  );
}

function Wizard({ v }: { v: Vocabulary }) {
  const { t } = useI18n();
  const { navigate } = useLocation();
  const [form, setForm] = useState<ReportForm>(() => emptyForm(new Date()));
  const [step, setStep] = useState(0);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Filed, but a file did not upload: the case exists, the user is told.
  const [partial, setPartial] = useState<{ id: string; file: string; error: unknown } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    heading.current?.focus();
  }, [step]);

  const set =
    <K extends keyof ReportForm>(key: K) =>
    (value: ReportForm[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const last = kSteps.length - 1;

  const next = () => {
    const p = stepProblems(step, form, t);
    setProblems(p);
    if (p.length === 0) setStep((s) => Math.min(s + 1, last));
  };
  const back = () => {
    setProblems([]);
    setStep((s) => Math.max(s - 1, 0));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (step !== last) return next();
    for (let s = 0; s < last; s++) {
      const p = stepProblems(s, form, t);
      if (p.length) {
        setStep(s);
        setProblems(p);
        return;
      }
    }
    setBusy(true);
    setError(null);
    setProblems([]);
    let view: IncidentView;
    try {
      view = await api.post<IncidentView>('/api/v1/incidents', reportBody(form));
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.problems.length) {
        setProblems(err.problems.map((p) => `${p.field}: ${p.message}`));
      } else {
        setError(err);
      }
      return;
    }
    for (const file of form.files) {
      try {
        await api.upload<Evidence>(
          incidentApi(
            view.stix_id,
            `/evidence${queryString({
              file_name: file.name,
              description: form.fileDescription.trim(),
              reason: t('report.evidenceReason'),
            })}`,
          ),
          file,
        );
      } catch (err) {
        setBusy(false);
        setPartial({ id: view.stix_id, file: file.name, error: err });
        return;
      }
    }
    navigate(incidentPath(view.stix_id));
  };

  if (partial) {
    return (
      <div role="alert" className="error">
        <p>{t('report.uploadFailed', { file: partial.file })}</p>
        <ErrorMessage error={partial.error} />
        <p>
          <Link to={incidentPath(partial.id)}>{t('report.openCase')}</Link>
        </p>
      </div>
    );
  }

  const impactLevels = v.impact_levels;
  return (
    <form className="form wizard" onSubmit={submit} noValidate>
      <ol className="steps" aria-label={t('report.progress')}>
        {kSteps.map((k, i) => (
          <li
            key={k}
            aria-current={i === step ? 'step' : undefined}
            className={i < step ? 'done' : undefined}
          >
            {t(k)}
          </li>
        ))}
      </ol>
      <h2 ref={heading} tabIndex={-1}>
        {t('report.stepOf', {
          n: step + 1,
          total: kSteps.length,
          name: t(kSteps[step] ?? 'report.step.what'),
        })}
      </h2>

      {step === 0 && (
        <>
          <TextField id="report-title" label={t('report.title')} value={form.title} onChange={set('title')} />
          <TextAreaField
            id="report-description"
            rows={5}
            label={t('report.description')}
            hint={t('report.descriptionHint')}
            value={form.description}
            onChange={set('description')}
          />
          <TextField
            id="report-detected"
            type="datetime-local"
            label={t('report.detected')}
            value={form.detected}
            onChange={set('detected')}
          />
          <TextField
            id="report-started"
            type="datetime-local"
            label={t('report.startedOptional')}
            value={form.started}
            onChange={set('started')}
          />
          <p className="hint">{t('report.timeZoneHint')}</p>
        </>
      )}

      {step === 1 && (
        <>
          <VocabChoices
            name="category"
            legend={t('report.category')}
            entries={v.categories}
            selected={[form.category]}
            onChange={(v) => set('category')(v[0] ?? '')}
          />
          <VocabChoices
            multiple
            name="target"
            legend={t('report.targets')}
            entries={v.election_targets}
            selected={form.targets}
            onChange={set('targets')}
          />
          {form.targets.includes('disinformation') && (
            <VocabChoices
              name="disinformation"
              legend={t('report.disinformationKind')}
              entries={v.disinformation_kinds}
              selected={[form.disinformationKind]}
              onChange={(v) => set('disinformationKind')(v[0] ?? '')}
            />
          )}
        </>
      )}

      {step === 2 && (
        <>
          <TextAreaField
            id="report-systems"
            label={t('report.systems')}
            hint={t('report.systemsHint')}
            value={form.systems}
            onChange={set('systems')}
          />
          <TextField
            id="report-election"
            label={t('report.electionName')}
            value={form.election}
            onChange={set('election')}
          />
          <LabelledSelect
            id="report-phase"
            label={t('report.phase')}
            empty={t('report.phaseNone')}
            options={v.election_phases}
            value={form.phase}
            onChange={set('phase')}
          />
        </>
      )}

      {step === 3 && (
        <>
          <fieldset className="field">
            <legend>{t('report.impact')}</legend>
            {v.impact_dimensions.map((d) => (
              <div className="field" key={d.token}>
                <label htmlFor={`impact-${d.token}`}>{d.label}</label>
                <select
                  id={`impact-${d.token}`}
                  aria-describedby={`impact-${d.token}-def`}
                  value={form.impacts[impactKey(d.token)]}
                  onChange={(e) => set('impacts')({ ...form.impacts, [impactKey(d.token)]: e.target.value })}
                >
                  {impactLevels.map((l) => (
                    <option key={l.token} value={l.token}>
                      {l.label}
                    </option>
                  ))}
                </select>
                <p className="hint" id={`impact-${d.token}-def`}>
                  {d.definition}
                </p>
              </div>
            ))}
          </fieldset>
          <VocabChoices
            name="severity"
            legend={t('report.severity')}
            entries={v.severities}
            selected={[form.severity]}
            onChange={(v) => set('severity')(v[0] ?? '')}
          />
          <div className="field">
            <label htmlFor="report-tlp">{t('report.tlp')}</label>
            <select
              id="report-tlp"
              aria-describedby="report-tlp-hint"
              value={form.tlp}
              onChange={(e) => isTlpLevel(e.target.value) && set('tlp')(e.target.value)}
            >
              <TlpOptions />
            </select>
            <p className="hint" id="report-tlp-hint">
              {t('report.tlpHint')}
            </p>
          </div>
        </>
      )}

      {step === 4 && (
        <>
          <LabelledSelect
            id="report-playbook"
            label={t('report.playbookOptional')}
            empty={t('report.playbookNone')}
            options={v.playbooks.map((p) => ({ token: p.token, label: p.title }))}
            value={form.playbook}
            onChange={set('playbook')}
            hint={v.playbooks.find((p) => p.token === form.playbook)?.description ?? t('report.playbookHint')}
          />
          <div className="field">
            <label htmlFor="report-files">{t('report.filesOptional')}</label>
            <input
              id="report-files"
              type="file"
              multiple
              aria-describedby="report-files-hint"
              onChange={(e) => set('files')(Array.from(e.target.files ?? []))}
            />
            <p className="hint" id="report-files-hint">
              {t('report.filesHint')}
            </p>
          </div>
          {form.files.length > 0 && (
            <TextField
              id="report-file-description"
              label={t('report.fileDescription')}
              value={form.fileDescription}
              onChange={set('fileDescription')}
            />
          )}
        </>
      )}

      {step === last && <Review f={form} v={v} />}

      <FormProblems messages={problems} />
      <ErrorMessage error={error} />
      <div className="actions">
        {step > 0 && (
          <button type="button" onClick={back} disabled={busy}>
            {t('report.back')}
          </button>
        )}
        {step < last ? (
          // Keys keep React from turning this very button into the submit
          // button while its click is still being handled (which would send
          // the report before the user has reviewed it).
          <button key="next" type="button" className="primary" onClick={next}>
            {t('report.next')}
          </button>
        ) : (
          <button key="submit" type="submit" className="primary" disabled={busy}>
            {busy ? t('submit.submitting') : t('report.submit')}
          </button>
        )}
      </div>
    </form>
  );
}

export function IncidentReportPage() {
  const { t } = useI18n();
  const user = useUser();
  const [vocab] = useLoad(() => api.get<Vocabulary>(kVocabularyPath), 'vocabulary');
  if (vocab.status === 'loading') return <Loading />;
  return (
    <>
      <PageHeading title={t('report.pageTitle')}>{t('report.pageTitle')}</PageHeading>
      {!canReport(user) ? (
        <p className="muted">{t('report.notAllowed')}</p>
      ) : (
        <LoadState state={vocab}>{(v) => <Wizard v={v} />}</LoadState>
      )}
    </>
  );
}
