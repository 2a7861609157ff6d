// Administration for org-admins and network-admins: organisations, users,
// channels and which organisations may read or write each channel. The
// server decides what each role may do; this page offers the forms.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api } from '../api';
import type { AdminUser, Channel, Items, Membership, Org } from '../api';
import {
  DataTable,
  ErrorMessage,
  LoadState,
  PageHeading,
  TlpBadge,
  TlpOptions,
  useLoad,
  useWrite,
} from '../components/common';
import { ChoiceField, Field, TextField } from '../components/fields';
import { useI18n } from '../i18n/i18n';
import { useUser } from '../session';

export const kOrgKinds = [
  'election-commission',
  'civil-society',
  'industry',
  'cert',
  'isac',
  'law-enforcement',
  'coordinator',
] as const;
export const kRoles = ['network-admin', 'org-admin', 'analyst', 'liaison', 'viewer'] as const;

// Runs a write and reports success or failure next to the form.
function WriteStatus({ error, done }: { error: unknown; done: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <ErrorMessage error={error} />
      <p role="status" className="ok">
        {done ? t('admin.saved') : ''}
      </p>
    </>
  );
}

// A form that adds something: a heading, its fields, the submit button and
// the outcome.
function AddForm({
  id,
  title,
  write,
  onSubmit,
  children,
}: {
  id: string;
  title: string;
  write: { busy: boolean; error: unknown; done: boolean };
  onSubmit: (e: FormEvent) => void;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <form onSubmit={onSubmit} className="form inline-form" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
      <div className="actions">
        <button type="submit" className="primary" disabled={write.busy}>
          {t('admin.add')}
        </button>
      </div>
      <WriteStatus error={write.error} done={write.done} />
    </form>
  );
}

function Organisations({ canAdd }: { canAdd: boolean }) {
  const { t } = useI18n();
  const [orgs, reload] = useLoad(() => api.get<Items<Org>>('/api/v1/orgs'), 'orgs');
  const [form, setForm] = useState({ name: '', kind: 'election-commission', country: '', region: '' });
  const write = useWrite(reload);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { ...form, country: form.country.trim().toUpperCase() };
    if (await write.run(() => api.post('/api/v1/orgs', body))) {
      setForm({ name: '', kind: form.kind, country: '', region: '' });
    }
  };
  return (
    <section aria-labelledby="orgs-heading" className="panel">
      <h2 id="orgs-heading">{t('admin.orgs')}</h2>
      <LoadState state={orgs}>
        {(data) => (
          <DataTable
            label={t('admin.orgs')}
            columns={[t('admin.name'), t('admin.kind'), t('admin.country'), t('admin.region')]}
            rows={data.items.map((o) => ({ key: o.id, cells: [o.name, o.kind, o.country, o.region] }))}
          />
        )}
      </LoadState>
      {canAdd && (
        <AddForm id="org-add-heading" title={t('admin.addOrg')} write={write} onSubmit={onSubmit}>
          <TextField
            id="org-name"
            label={t('admin.name')}
            required
            value={form.name}
            onChange={(name) => setForm({ ...form, name })}
          />
          <ChoiceField
            id="org-kind"
            label={t('admin.kind')}
            value={form.kind}
            options={kOrgKinds}
            onChange={(kind) => setForm({ ...form, kind })}
          />
          <TextField
            id="org-country"
            label={t('admin.country')}
            required
            pattern="[A-Za-z]{2}"
            maxLength={2}
            value={form.country}
            onChange={(country) => setForm({ ...form, country })}
          />
          <TextField
            id="org-region"
            label={t('admin.region')}
            value={form.region}
            onChange={(region) => setForm({ ...form, region })}
          />
        </AddForm>
      )}
    </section>
  );
}

function Users({ networkAdmin }: { networkAdmin: boolean }) {
  const { t } = useI18n();
  const me = useUser();
  const [users, reload] = useLoad(() => api.get<Items<AdminUser>>('/api/v1/users'), 'users');
  const [orgs] = useLoad(
    () => (networkAdmin ? api.get<Items<Org>>('/api/v1/orgs') : Promise.resolve({ items: [me.org] })),
    `user-orgs-${networkAdmin}`,
  );
  const [form, setForm] = useState({ org: me.org.id, username: '', role: 'analyst', password: '' });
  const write = useWrite(reload);
  const roles = networkAdmin ? kRoles : kRoles.filter((r) => r !== 'network-admin');
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await write.run(() => api.post('/api/v1/users', form))) {
      setForm({ ...form, username: '', password: '' });
    }
  };
  return (
    <section aria-labelledby="users-heading" className="panel">
      <h2 id="users-heading">{t('admin.users')}</h2>
      <LoadState state={users}>
        {(data) => (
          <DataTable
            label={t('admin.users')}
            columns={[t('admin.username'), t('admin.role'), t('admin.org')]}
            rows={data.items.map((u) => ({
              key: u.id,
              cells: [u.disabled ? `${u.username} (${t('admin.disabled')})` : u.username, u.role, u.org.name],
            }))}
          />
        )}
      </LoadState>
      <AddForm id="user-add-heading" title={t('admin.addUser')} write={write} onSubmit={onSubmit}>
        <Field id="user-org" label={t('admin.org')}>
          <select
            id="user-org"
            value={form.org}
            onChange={(e) => setForm({ ...form, org: Number(e.target.value) })}
          >
            {orgs.status === 'ok' &&
              orgs.data.items.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
          </select>
        </Field>
        <TextField
          id="user-name"
          label={t('admin.username')}
          required
          autoComplete="off"
          value={form.username}
          onChange={(username) => setForm({ ...form, username })}
        />
        <ChoiceField
          id="user-role"
          label={t('admin.role')}
          value={form.role}
          options={roles}
          onChange={(role) => setForm({ ...form, role })}
        />
        <TextField
          id="user-password"
          label={t('admin.password')}
          type="password"
          required
          minLength={12}
          autoComplete="new-password"
          aria-describedby="user-password-hint"
          value={form.password}
          onChange={(password) => setForm({ ...form, password })}
        />
        <p id="user-password-hint" className="hint">
          {t('admin.passwordHint')}
        </p>
      </AddForm>
    </section>
  );
}

function Memberships({ channel, orgs }: { channel: Channel; orgs: Org[] }) {
  const { t } = useI18n();
  const [members, reload] = useLoad(
    () => api.get<Items<Membership>>(`/api/v1/channels/${channel.id}/memberships`),
    `memberships-${channel.id}`,
  );
  const write = useWrite(reload);
  const [adding, setAdding] = useState({ org: '', can_read: true, can_write: false });
  const put = (org: number, can_read: boolean, can_write: boolean) =>
    write.run(() => api.put(`/api/v1/channels/${channel.id}/members/${org}`, { can_read, can_write }));
  const memberIds = new Set(members.status === 'ok' ? members.data.items.map((m) => m.org.id) : []);
  return (
    <div className="memberships">
      <h3 id={`members-${channel.id}`}>{t('admin.membersOf', { channel: channel.name })}</h3>
      <LoadState state={members}>
        {(data) => (
          <DataTable
            label={t('admin.membersOf', { channel: channel.name })}
            columns={[t('admin.org'), t('admin.canRead'), t('admin.canWrite')]}
            rows={data.items.map((m) => ({
              key: m.org.id,
              cells: [
                m.org.name,
                <input
                  type="checkbox"
                  aria-label={t('admin.canReadFor', { org: m.org.name })}
                  checked={m.can_read}
                  disabled={write.busy}
                  onChange={(e) => put(m.org.id, e.target.checked, m.can_write)}
                />,
                <input
                  type="checkbox"
                  aria-label={t('admin.canWriteFor', { org: m.org.name })}
                  checked={m.can_write}
                  disabled={write.busy}
                  onChange={(e) => put(m.org.id, m.can_read, e.target.checked)}
                />,
              ],
            }))}
          />
        )}
      </LoadState>
      <form
        className="form inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (adding.org && (await put(Number(adding.org), adding.can_read, adding.can_write))) {
            setAdding({ ...adding, org: '' });
          }
        }}
      >
        <Field id={`grant-org-${channel.id}`} label={t('admin.grantOrg')}>
          <select
            id={`grant-org-${channel.id}`}
            required
            value={adding.org}
            onChange={(e) => setAdding({ ...adding, org: e.target.value })}
          >
            <option value="">{t('admin.chooseOrg')}</option>
            {orgs
              .filter((o) => !memberIds.has(o.id))
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
          </select>
        </Field>
        <div className="check">
          <input
            type="checkbox"
            id={`grant-read-${channel.id}`}
            checked={adding.can_read}
            onChange={(e) => setAdding({ ...adding, can_read: e.target.checked })}
          />
          <label htmlFor={`grant-read-${channel.id}`}>{t('admin.canRead')}</label>
        </div>
        <div className="check">
          <input
            type="checkbox"
            id={`grant-write-${channel.id}`}
            checked={adding.can_write}
            onChange={(e) => setAdding({ ...adding, can_write: e.target.checked })}
          />
          <label htmlFor={`grant-write-${channel.id}`}>{t('admin.canWrite')}</label>
        </div>
        <div className="actions">
          <button type="submit" disabled={write.busy}>
            {t('admin.grant')}
          </button>
        </div>
      </form>
      <WriteStatus error={write.error} done={write.done} />
    </div>
  );
}

function Channels() {
  const { t } = useI18n();
  const [channels, reload] = useLoad(() => api.get<Items<Channel>>('/api/v1/channels'), 'admin-channels');
  const [orgs] = useLoad(() => api.get<Items<Org>>('/api/v1/orgs'), 'channel-orgs');
  const [selected, setSelected] = useState<number | null>(null);
  const [form, setForm] = useState({ name: '', description: '', default_tlp: 'amber' });
  const write = useWrite(reload);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await write.run(() => api.post('/api/v1/channels', form))) {
      setForm({ name: '', description: '', default_tlp: form.default_tlp });
    }
  };
  const channel = channels.status === 'ok' ? channels.data.items.find((c) => c.id === selected) : undefined;
  return (
    <section aria-labelledby="channels-heading" className="panel">
      <h2 id="channels-heading">{t('admin.channels')}</h2>
      <LoadState state={channels}>
        {(data) => (
          <ul className="plain-list">
            {data.items.map((c) => (
              <li key={c.id} className="channel-row">
                <span>
                  <strong>{c.name}</strong> <TlpBadge tlp={c.default_tlp} />
                  {c.description && <span className="muted"> — {c.description}</span>}
                </span>
                <button
                  type="button"
                  aria-expanded={selected === c.id}
                  onClick={() => setSelected(selected === c.id ? null : c.id)}
                >
                  {t('admin.manageMembers', { channel: c.name })}
                </button>
              </li>
            ))}
          </ul>
        )}
      </LoadState>
      {channel && <Memberships channel={channel} orgs={orgs.status === 'ok' ? orgs.data.items : []} />}
      <AddForm id="channel-add-heading" title={t('admin.addChannel')} write={write} onSubmit={onSubmit}>
        <TextField
          id="channel-name"
          label={t('admin.name')}
          required
          value={form.name}
          onChange={(name) => setForm({ ...form, name })}
        />
        <TextField
          id="channel-description"
          label={t('admin.description')}
          value={form.description}
          onChange={(description) => setForm({ ...form, description })}
        />
        <Field id="channel-tlp" label={t('admin.defaultTlp')}>
          <select
            id="channel-tlp"
            value={form.default_tlp}
            onChange={(e) => setForm({ ...form, default_tlp: e.target.value })}
          >
            <TlpOptions />
          </select>
        </Field>
      </AddForm>
    </section>
  );
}

export function AdminPage() {
  const { t } = useI18n();
  const user = useUser();
  const networkAdmin = user.role === 'network-admin';
  if (user.role !== 'network-admin' && user.role !== 'org-admin') {
    return (
      <>
        <PageHeading title={t('admin.title')}>{t('admin.title')}</PageHeading>
        <p>{t('admin.notAllowed')}</p>
      </>
    );
  }
  return (
    <>
      <PageHeading title={t('admin.title')}>{t('admin.title')}</PageHeading>
      {networkAdmin && <Organisations canAdd={networkAdmin} />}
      <Users networkAdmin={networkAdmin} />
      {networkAdmin && <Channels />}
    </>
  );
}
