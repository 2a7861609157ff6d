// One incident case: its summary, the workflow actions the user may take
// (the view's `can`), the reporting clocks counting down in the user's time
// zone, tasks, comments and the timeline, evidence with its upload and
// download, participants, linked intelligence, crime-report packages and
// the STIX export. Every write answers with the case as it now is; the
// lists that depend on it (timeline, evidence, packages) are read again.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api, queryString, request } from '../api';
import type { Items } from '../api';
import { objectPath } from '../components/ObjectList';
import { Countdown, useNow } from '../components/Countdown';
import {
  DataTable,
  DateTime,
  ErrorMessage,
  Fact,
  FormProblems,
  LoadState,
  Loading,
  PageHeading,
  TlpBadge,
  useLoad,
  useWrite,
} from '../components/common';
import { LabelledSelect, TextAreaField, TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/i18n';
import { formatBytes, impactKey, incidentApi, kVocabularyPath, label, localInputToUtc } from '../incidents';
import type {
  CaseClock,
  CrimePackage,
  Evidence,
  IncidentView,
  LogEntry,
  LogPage,
  Person,
  Task,
  Vocabulary,
} from '../incidents';
import { Link } from '../router';
import { useUser } from '../session';
import { isStixId } from '../stix';

type Write = ReturnType<typeof useWrite>;
type Change = (change: Record<string, unknown>, rev?: number) => Promise<IncidentView>;

interface Ctx {
  id: string;
  view: IncidentView;
  vocab: Vocabulary;
  change: Change;
  // Runs a write that answers with the case, and shows the case it returns.
  apply: (write: () => Promise<IncidentView>) => Promise<IncidentView>;
  // Read the lists again after a write that is not a change (evidence, packages).
  refresh: () => void;
  generation: number;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="panel">
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

function WriteError({ write }: { write: Write }) {
  return <ErrorMessage error={write.error} />;
}

// The end of a form: what went wrong with its last write, and its button.
function FormEnd({ write, label, disabled = false }: { write: Write; label: string; disabled?: boolean }) {
  return (
    <>
      <WriteError write={write} />
      <div className="actions">
        <button type="submit" disabled={write.busy || disabled}>
          {label}
        </button>
      </div>
    </>
  );
}

function personName(people: Person[], id: string | null | undefined): string {
  if (!id) return '';
  const p = people.find((x) => x.id === id);
  return p ? `${p.username} (${p.org.name})` : id;
}

function PeopleOptions({ people }: { people: Person[] }) {
  return (
    <>
      {people.map((p) => (
        <option key={p.id} value={p.id}>
          {p.username} ({p.org.name})
        </option>
      ))}
    </>
  );
}

function Summary({ view, vocab }: { view: IncidentView; vocab: Vocabulary }) {
  const { t } = useI18n();
  const c = view.case;
  return (
    <dl className="facts">
      <Fact term={t('incidents.status')}>{label(vocab.statuses, c.status)}</Fact>
      <Fact term={t('incidents.severity')}>
        <span className={`severity severity-${c.severity}`}>{label(vocab.severities, c.severity)}</span>
      </Fact>
      <Fact term={t('incidents.category')}>{label(vocab.categories, c.category)}</Fact>
      <Fact term={t('report.tlp')}>
        <TlpBadge tlp={c.tlp} />
      </Fact>
      <Fact term={t('incidents.reportedBy')}>{view.owner.name}</Fact>
      <Fact term={t('case.assignee')}>{personName(view.people, c.assignee) || t('case.nobody')}</Fact>
      <Fact term={t('report.detected')}>
        <DateTime iso={c.detected} />
      </Fact>
      {c.started && (
        <Fact term={t('report.started')}>
          <DateTime iso={c.started} />
        </Fact>
      )}
      <Fact term={t('report.targets')}>
        {c.election_targets.map((x) => label(vocab.election_targets, x)).join(', ') || '—'}
        {c.disinformation_kind && ` (${label(vocab.disinformation_kinds, c.disinformation_kind)})`}
      </Fact>
      <Fact term={t('report.systems')}>{c.affected_systems.join(', ') || '—'}</Fact>
      <Fact term={t('report.election')}>
        {[c.election, label(vocab.election_phases, c.phase)].filter(Boolean).join(' — ') || '—'}
      </Fact>
      <Fact term={t('report.impact')}>
        {vocab.impact_dimensions
          .map((d) => `${d.label}: ${label(vocab.impact_levels, c.impacts[impactKey(d.token)])}`)
          .join(', ')}
      </Fact>
      {view.my_part && view.my_part !== 'owner' && (
        <Fact term={t('case.myPart')}>{label(vocab.participant_roles, view.my_part)}</Fact>
      )}
      <Fact term={t('case.stixId')}>
        <span className="mono">{c.id}</span>
      </Fact>
      <Fact term={t('report.description')} wide>
        <span className="prewrap">{c.description}</span>
      </Fact>
    </dl>
  );
}

function Workflow({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const { view, vocab, change } = ctx;
  const user = useUser();
  const write = useWrite(() => undefined);
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [assignee, setAssignee] = useState(view.case.assignee ?? '');
  const moves = vocab.transitions[view.case.status] ?? [];
  // A participant organisation acknowledges the case once.
  const mine = view.participants.find((p) => p.org.id === user.org.id);
  const canAck = view.can.contribute && mine !== undefined && user.org.id !== view.owner.id;
  const move = (status: string) => {
    const body: Record<string, unknown> = { type: 'status', status };
    if (reason.trim()) body.reason = reason.trim();
    if (status === 'duplicate') body.duplicate_of = duplicateOf.trim();
    return write.run(() => change(body, view.rev)).then((ok) => ok && setReason(''));
  };
  if (!view.can.manage && !canAck) return null;
  return (
    <Section id="case-actions" title={t('case.actions')}>
      {view.can.manage && (
        <>
          <p>{t('case.statusNow', { status: label(vocab.statuses, view.case.status) })}</p>
          {moves.length > 0 && (
            <>
              <div className="form inline-form">
                <TextField id="status-reason" label={t('case.reason')} value={reason} onChange={setReason} />
                {moves.includes('duplicate') && (
                  <TextField
                    id="status-duplicate"
                    label={t('case.duplicateOf')}
                    value={duplicateOf}
                    onChange={setDuplicateOf}
                  />
                )}
              </div>
              <div className="actions" role="group" aria-label={t('case.moveTo')}>
                {moves.map((m) => (
                  <button key={m} type="button" disabled={write.busy} onClick={() => void move(m)}>
                    {t('case.moveToStatus', { status: label(vocab.statuses, m) })}
                  </button>
                ))}
              </div>
            </>
          )}
          <form
            className="form inline-form"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              void write.run(() => change({ type: 'assign', assignee: assignee || null }));
            }}
          >
            <div className="field">
              <label htmlFor="case-assignee">{t('case.assignee')}</label>
              <select id="case-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
                <option value="">{t('case.nobody')}</option>
                <PeopleOptions people={view.people} />
              </select>
            </div>
            <div className="actions">
              <button type="submit" disabled={write.busy}>
                {t('case.assign')}
              </button>
            </div>
          </form>
        </>
      )}
      {canAck &&
        (mine?.acknowledged ? (
          <p>
            {t('case.acknowledgedAt')} <DateTime iso={mine.acknowledged} />
          </p>
        ) : (
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={write.busy}
              onClick={() => void write.run(() => change({ type: 'acknowledge' }))}
            >
              {t('case.acknowledge')}
            </button>
          </div>
        ))}
      <WriteError write={write} />
    </Section>
  );
}

function ClockRow({ clock, now }: { clock: CaseClock; now: number }) {
  const { t } = useI18n();
  return (
    <li className={`clock clock-${clock.state}`} data-testid="clock">
      <strong>{clock.label}</strong>{' '}
      <span>
        {t('clock.deadline')} <DateTime iso={clock.deadline} />
      </span>{' '}
      {clock.met_at ? (
        <span className="met">
          {t(clock.late ? 'clock.metLate' : 'clock.met')} <DateTime iso={clock.met_at} />
        </span>
      ) : (
        <Countdown deadline={clock.deadline} now={now} />
      )}
    </li>
  );
}

function Clocks({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const now = useNow();
  const { view, vocab, change } = ctx;
  const write = useWrite(() => undefined);
  return (
    <Section id="case-clocks" title={t('case.clocks')}>
      {view.clocks.length === 0 ? (
        <p className="muted">{t('case.noClocks')}</p>
      ) : (
        <>
          <p className="hint">{t('case.clockRule', { rule: view.clock_rule })}</p>
          <ul className="plain-list">
            {view.clocks.map((k) => (
              <ClockRow key={k.token} clock={k} now={now} />
            ))}
          </ul>
        </>
      )}
      {view.can.manage && view.clocks.some((k) => !k.met_at) && (
        <div className="actions">
          {view.clocks
            .filter((k) => !k.met_at)
            .map((k) => (
              <button
                key={k.token}
                type="button"
                disabled={write.busy}
                onClick={() => void write.run(() => change({ type: 'milestone', milestone: k.token }))}
              >
                {t('case.markMilestone', { milestone: label(vocab.milestones, k.token) })}
              </button>
            ))}
        </div>
      )}
      <WriteError write={write} />
    </Section>
  );
}

function TaskRow({ task, ctx }: { task: Task; ctx: Ctx }) {
  const { t } = useI18n();
  const { view, vocab, change } = ctx;
  const user = useUser();
  const write = useWrite(() => undefined);
  // Participants work on their own tasks and take unowned ones.
  const mine = task.owner === String(user.id);
  const mayWork = view.can.manage || (view.can.contribute && (!task.owner || mine));
  const update = (fields: Record<string, unknown>) =>
    void write.run(() => change({ type: 'update_task', task_id: task.id, ...fields }));
  return (
    <tr>
      <th scope="row">{task.title}</th>
      <td>
        {mayWork ? (
          <select
            aria-label={t('case.taskStatusOf', { task: task.title })}
            value={task.status}
            disabled={write.busy}
            onChange={(e) => update({ status: e.target.value })}
          >
            {vocab.task_statuses.map((s) => (
              <option key={s.token} value={s.token}>
                {s.label}
              </option>
            ))}
          </select>
        ) : (
          label(vocab.task_statuses, task.status)
        )}
      </td>
      <td>
        {view.can.manage ? (
          <select
            aria-label={t('case.taskOwnerOf', { task: task.title })}
            value={task.owner ?? ''}
            disabled={write.busy}
            onChange={(e) => update({ owner: e.target.value || null })}
          >
            <option value="">{t('case.nobody')}</option>
            <PeopleOptions people={view.people} />
          </select>
        ) : task.owner ? (
          personName(view.people, task.owner)
        ) : mayWork ? (
          <button type="button" disabled={write.busy} onClick={() => update({ owner: String(user.id) })}>
            {t('case.takeTask', { task: task.title })}
          </button>
        ) : (
          t('case.nobody')
        )}
      </td>
      <td>
        <DateTime iso={task.due} />
        <WriteError write={write} />
      </td>
    </tr>
  );
}

function Tasks({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const { view, change } = ctx;
  const write = useWrite(() => undefined);
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (!title.trim()) return setProblem(t('case.needTaskTitle'));
    const body: Record<string, unknown> = { type: 'add_task', title: title.trim() };
    if (owner) body.owner = owner;
    if (due) {
      const utc = localInputToUtc(due);
      if (!utc) return setProblem(t('submit.badDate'));
      body.due = utc;
    }
    if (await write.run(() => change(body))) {
      setTitle('');
      setOwner('');
      setDue('');
    }
  };
  const tasks = view.case.tasks;
  return (
    <Section id="case-tasks" title={t('case.tasks')}>
      {tasks.length === 0 ? (
        <p className="muted">{t('case.noTasks')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('case.tasks')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('case.task')}</th>
                <th scope="col">{t('incidents.status')}</th>
                <th scope="col">{t('case.owner')}</th>
                <th scope="col">{t('case.due')}</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((task) => (
                <TaskRow key={task.id} task={task} ctx={ctx} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {view.can.manage && (
        <form className="form inline-form" onSubmit={add} noValidate>
          <h3>{t('case.addTask')}</h3>
          <TextField id="task-title" label={t('case.task')} value={title} onChange={setTitle} />
          <div className="field">
            <label htmlFor="task-owner">{t('case.owner')}</label>
            <select id="task-owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
              <option value="">{t('case.nobody')}</option>
              <PeopleOptions people={view.people} />
            </select>
          </div>
          <TextField
            id="task-due"
            type="datetime-local"
            label={t('case.due')}
            value={due}
            onChange={setDue}
          />
          <FormProblems messages={problem ? [problem] : []} />
          <FormEnd write={write} label={t('case.addTask')} />
        </form>
      )}
    </Section>
  );
}

const kActionText: Record<string, MessageKey> = {
  'incident.report': 'timeline.report',
  'incident.import': 'timeline.import',
  'incident.status': 'timeline.status',
  'incident.assign': 'timeline.assign',
  'incident.edit': 'timeline.edit',
  'incident.milestone': 'timeline.milestone',
  'incident.export': 'timeline.export',
  'task.add': 'timeline.taskAdd',
  'task.update': 'timeline.taskUpdate',
  'link.add': 'timeline.linkAdd',
  'link.remove': 'timeline.linkRemove',
  'participant.add': 'timeline.participantAdd',
  'participant.remove': 'timeline.participantRemove',
  'participant.ack': 'timeline.participantAck',
  'playbook.apply': 'timeline.playbook',
  'evidence.add': 'timeline.evidenceAdd',
  comment: 'timeline.comment',
  'package.create': 'timeline.packageCreate',
  'package.acknowledge': 'timeline.packageAck',
};

function str(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

// What an entry's detail adds to its action, in words.
function entryDetail(e: LogEntry, vocab: Vocabulary): string {
  const d = e.detail;
  switch (e.action) {
    case 'incident.status':
      return `${label(vocab.statuses, str(d.before))} → ${label(vocab.statuses, str(d.after))}${
        d.reason ? ` (${str(d.reason)})` : ''
      }`;
    case 'task.add':
      return str((d.task as Record<string, unknown> | undefined)?.title);
    case 'participant.add':
      return `${str(d.org_name)} (${label(vocab.participant_roles, str(d.role))})`;
    case 'incident.milestone':
      return label(vocab.milestones, str(d.milestone));
    case 'link.add':
    case 'link.remove':
      return str(d.object_id);
    case 'evidence.add':
      return str(d.file_name);
    case 'package.create':
      return str(d.recipient);
    case 'playbook.apply':
      return label(
        vocab.playbooks.map((p) => ({ token: p.token, label: p.title, definition: '' })),
        str(d.playbook),
      );
    default:
      return '';
  }
}

function Timeline({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const [page] = useLoad(
    () => api.get<LogPage>(incidentApi(ctx.id, '/timeline')),
    `timeline-${ctx.id}-${ctx.generation}-${ctx.view.rev}`,
  );
  const write = useWrite(ctx.refresh);
  const [text, setText] = useState('');
  const comment = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    if (await write.run(() => api.post(incidentApi(ctx.id, '/comments'), { text: text.trim() }))) setText('');
  };
  return (
    <Section id="case-timeline" title={t('case.timeline')}>
      {ctx.view.can.contribute && (
        <form className="form" onSubmit={comment}>
          <TextAreaField id="case-comment" label={t('case.comment')} value={text} onChange={setText} />
          <FormEnd write={write} label={t('case.addComment')} disabled={!text.trim()} />
        </form>
      )}
      <LoadState state={page}>
        {(data) => (
          <ol className="plain-list timeline" aria-label={t('case.timeline')}>
            {[...data.items].reverse().map((e) => {
              const key = kActionText[e.action];
              const detail = entryDetail(e, ctx.vocab);
              return (
                <li key={e.seq} data-testid="timeline-entry">
                  <DateTime iso={e.time} />{' '}
                  <strong>
                    {e.actor}
                    {e.actor_org ? ` (${e.actor_org.name})` : ''}
                  </strong>{' '}
                  {key ? t(key) : e.action}
                  {detail && `: ${detail}`}
                  {e.action === 'comment' && <p className="prewrap comment">{str(e.detail.text)}</p>}
                </li>
              );
            })}
          </ol>
        )}
      </LoadState>
    </Section>
  );
}

function EvidenceSection({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const [list] = useLoad(
    () => api.get<Items<Evidence>>(incidentApi(ctx.id, '/evidence')),
    `evidence-${ctx.id}-${ctx.generation}`,
  );
  const write = useWrite(ctx.refresh);
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [reason, setReason] = useState('');
  const [inputKey, setInputKey] = useState(0);
  const canContribute = ctx.view.can.contribute;
  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    const query = queryString({
      file_name: file.name,
      description: description.trim(),
      reason: reason.trim(),
    });
    if (await write.run(() => api.upload(incidentApi(ctx.id, `/evidence${query}`), file))) {
      setFile(null);
      setDescription('');
      setReason('');
      setInputKey((k) => k + 1);
    }
  };
  return (
    <Section id="case-evidence" title={t('case.evidence')}>
      <LoadState state={list}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="muted">{t('case.noEvidence')}</p>
          ) : (
            <DataTable
              label={t('case.evidence')}
              columns={[t('case.fileName'), t('case.fileSize'), t('case.acquired'), t('case.sha256'), '']}
              rows={data.items.map((ev) => ({
                key: ev.id,
                cells: [
                  <>
                    {ev.file_name}
                    {ev.description && <span className="hint">{ev.description}</span>}
                  </>,
                  formatBytes(ev.size),
                  <>
                    <DateTime iso={ev.acquired} /> {t('case.by', { who: ev.acquired_by })}
                  </>,
                  <span className="mono">{ev.sha256}</span>,
                  canContribute ? (
                    <a
                      href={incidentApi(
                        ctx.id,
                        `/evidence/${encodeURIComponent(ev.id)}?reason=web%20download`,
                      )}
                      download={ev.file_name}
                    >
                      {t('case.download', { name: ev.file_name })}
                    </a>
                  ) : (
                    ''
                  ),
                ],
              }))}
            />
          )
        }
      </LoadState>
      {canContribute && (
        <form className="form inline-form" onSubmit={upload}>
          <h3>{t('case.addEvidence')}</h3>
          <div className="field">
            <label htmlFor="evidence-file">{t('case.file')}</label>
            <input
              key={inputKey}
              id="evidence-file"
              type="file"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
          </div>
          <TextField
            id="evidence-description"
            label={t('report.fileDescription')}
            value={description}
            onChange={setDescription}
          />
          <TextField
            id="evidence-reason"
            label={t('case.reasonAcquired')}
            value={reason}
            onChange={setReason}
          />
          <p className="hint">{t('case.custodyHint')}</p>
          <FormEnd write={write} label={t('case.upload')} disabled={!file} />
        </form>
      )}
    </Section>
  );
}

function Participants({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const { view, vocab, apply } = ctx;
  const write = useWrite(() => undefined);
  const [org, setOrg] = useState('');
  const [role, setRole] = useState(vocab.participant_roles[0]?.token ?? '');
  const invite = async (e: FormEvent) => {
    e.preventDefault();
    if (!org.trim()) return;
    const body = { org: org.trim(), role };
    if (
      await write.run(() => apply(() => api.post<IncidentView>(incidentApi(ctx.id, '/participants'), body)))
    ) {
      setOrg('');
    }
  };
  const remove = (orgId: number) =>
    void write.run(() =>
      apply(() => request<IncidentView>('DELETE', incidentApi(ctx.id, `/participants/${orgId}`))),
    );
  return (
    <Section id="case-participants" title={t('case.participants')}>
      {view.participants.length === 0 ? (
        <p className="muted">{t('case.noParticipants')}</p>
      ) : (
        <DataTable
          label={t('case.participants')}
          columns={[t('case.organisation'), t('case.role'), t('case.invited'), t('case.acknowledged'), '']}
          rows={view.participants.map((p) => ({
            key: p.org.id,
            cells: [
              p.org.name,
              label(vocab.participant_roles, p.role),
              <DateTime iso={p.added} />,
              p.acknowledged ? <DateTime iso={p.acknowledged} /> : t('case.notYet'),
              view.can.manage ? (
                <button type="button" disabled={write.busy} onClick={() => remove(p.org.id)}>
                  {t('case.remove', { name: p.org.name })}
                </button>
              ) : (
                ''
              ),
            ],
          }))}
        />
      )}
      {view.can.manage && (
        <form className="form inline-form" onSubmit={invite}>
          <h3>{t('case.invite')}</h3>
          <div className="field">
            <label htmlFor="invite-org">{t('case.organisation')}</label>
            <input
              id="invite-org"
              value={org}
              aria-describedby="invite-org-hint"
              onChange={(e) => setOrg(e.target.value)}
            />
            <p className="hint" id="invite-org-hint">
              {t('case.inviteHint')}
            </p>
          </div>
          <LabelledSelect
            id="invite-role"
            label={t('case.role')}
            options={vocab.participant_roles}
            value={role}
            onChange={setRole}
          />
          <FormEnd write={write} label={t('case.inviteButton')} disabled={!org.trim()} />
        </form>
      )}
    </Section>
  );
}

function Links({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const { view, vocab, change } = ctx;
  const write = useWrite(() => undefined);
  const [objectId, setObjectId] = useState('');
  const [kind, setKind] = useState(vocab.link_kinds[0]?.token ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const link = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (!isStixId(objectId.trim())) return setProblem(t('case.badObjectId'));
    if (await write.run(() => change({ type: 'link', object_id: objectId.trim(), kind }))) setObjectId('');
  };
  return (
    <Section id="case-links" title={t('case.links')}>
      {view.case.links.length === 0 ? (
        <p className="muted">{t('case.noLinks')}</p>
      ) : (
        <ul className="plain-list">
          {view.case.links.map((l) => (
            <li key={l.object_id}>
              <Link to={objectPath(l.object_id)} className="mono">
                {l.object_id}
              </Link>{' '}
              <span className="muted">({label(vocab.link_kinds, l.kind)})</span>{' '}
              {view.can.manage && (
                <button
                  type="button"
                  disabled={write.busy}
                  onClick={() => void write.run(() => change({ type: 'unlink', object_id: l.object_id }))}
                >
                  {t('case.unlink', { id: l.object_id })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {view.can.manage && (
        <form className="form inline-form" onSubmit={link} noValidate>
          <h3>{t('case.link')}</h3>
          <TextField id="link-object" label={t('case.objectId')} value={objectId} onChange={setObjectId} />
          <LabelledSelect
            id="link-kind"
            label={t('case.linkKind')}
            options={vocab.link_kinds}
            value={kind}
            onChange={setKind}
          />
          <FormProblems messages={problem ? [problem] : []} />
          <FormEnd write={write} label={t('case.linkButton')} />
        </form>
      )}
    </Section>
  );
}

export const kRecipientRoles = ['police', 'prosecutor'];

function Packages({ ctx }: { ctx: Ctx }) {
  const { t } = useI18n();
  const { view, vocab } = ctx;
  const [list] = useLoad(
    () => api.get<Items<CrimePackage>>(`/api/v1/packages${queryString({ incident: ctx.id })}`),
    `packages-${ctx.id}-${ctx.generation}`,
  );
  const write = useWrite(ctx.refresh);
  const recipients = view.participants.filter((p) => kRecipientRoles.includes(p.role));
  const [recipient, setRecipient] = useState('');
  const chosen = recipient || String(recipients[0]?.org.id ?? '');
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    void write.run(() => api.post(incidentApi(ctx.id, '/packages'), { recipient: chosen }));
  };
  if (!view.can.manage) return null;
  return (
    <Section id="case-packages" title={t('case.packages')}>
      <LoadState state={list}>
        {(data) =>
          data.items.length === 0 ? (
            <p className="muted">{t('case.noPackages')}</p>
          ) : (
            <DataTable
              label={t('case.packages')}
              columns={[
                t('packages.recipient'),
                t('packages.created'),
                t('packages.state'),
                t('case.sha256'),
              ]}
              rows={data.items.map((p) => ({
                key: p.id,
                cells: [
                  p.recipient.name,
                  <>
                    <DateTime iso={p.created} /> {t('case.by', { who: p.created_by })}
                  </>,
                  p.acknowledged ? (
                    <span className="state-ok">
                      {t('packages.acknowledgedBy', { who: p.acknowledged_by ?? '' })}{' '}
                      <DateTime iso={p.acknowledged} />
                    </span>
                  ) : (
                    <span className="state-waiting">{t('packages.waiting')}</span>
                  ),
                  <span className="mono">{p.sha256}</span>,
                ],
              }))}
            />
          )
        }
      </LoadState>
      {recipients.length === 0 ? (
        <p className="hint">{t('case.packageNeedsPolice')}</p>
      ) : (
        <form className="form inline-form" onSubmit={create}>
          <h3>{t('case.createPackage')}</h3>
          <LabelledSelect
            id="package-recipient"
            label={t('packages.recipient')}
            options={recipients.map((p) => ({
              token: String(p.org.id),
              label: `${p.org.name} (${label(vocab.participant_roles, p.role)})`,
            }))}
            value={chosen}
            onChange={setRecipient}
          />
          <p className="hint">{t('case.packageHint')}</p>
          <FormEnd write={write} label={t('case.createPackageButton')} />
        </form>
      )}
    </Section>
  );
}

function CaseBody({ id, initial, vocab }: { id: string; initial: IncidentView; vocab: Vocabulary }) {
  const { t } = useI18n();
  const [view, setView] = useState(initial);
  const [generation, setGeneration] = useState(0);
  const refresh = () => setGeneration((g) => g + 1);
  const apply = async (write: () => Promise<IncidentView>) => {
    const next = await write();
    setView(next);
    refresh();
    return next;
  };
  const change: Change = (body, rev) =>
    apply(() =>
      api.post<IncidentView>(incidentApi(id, '/changes'), {
        change: body,
        ...(rev !== undefined ? { rev } : {}),
      }),
    );
  const ctx: Ctx = { id, view, vocab, change, apply, refresh, generation };
  return (
    <>
      <PageHeading title={view.title}>{view.title}</PageHeading>
      <p className="actions">
        <a href={incidentApi(id, '/stix')} download={`${view.stix_id}.json`}>
          {t('case.stixExport')}
        </a>
        <Link to="/incidents">{t('case.backToList')}</Link>
      </p>
      <Section id="case-summary" title={t('case.summary')}>
        <Summary view={view} vocab={vocab} />
      </Section>
      <Clocks ctx={ctx} />
      <Workflow key={`${view.rev}`} ctx={ctx} />
      <Tasks ctx={ctx} />
      <Participants ctx={ctx} />
      <Packages ctx={ctx} />
      <EvidenceSection ctx={ctx} />
      <Links ctx={ctx} />
      <Timeline ctx={ctx} />
    </>
  );
}

export function IncidentPage({ id }: { id: string }) {
  const { t } = useI18n();
  const [vocab] = useLoad(() => api.get<Vocabulary>(kVocabularyPath), 'vocabulary');
  const [view] = useLoad(() => api.get<IncidentView>(incidentApi(id)), `incident-${id}`);
  if (vocab.status === 'loading' || view.status === 'loading') return <Loading />;
  if (view.status === 'error') {
    return (
      <>
        <PageHeading title={t('case.title')}>{t('case.title')}</PageHeading>
        <ErrorMessage error={view.error} />
        <p>
          <Link to="/incidents">{t('case.backToList')}</Link>
        </p>
      </>
    );
  }
  return <LoadState state={vocab}>{(v) => <CaseBody id={id} initial={view.data} vocab={v} />}</LoadState>;
}
