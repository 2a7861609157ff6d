// Incident cases as the REST API returns them (docs/incidents.md), and the
// small pure helpers the incident pages share: vocabulary labels, paths,
// times entered in the user's zone sent as UTC, and clock countdowns.
import type { OrgRef } from './api';

export interface IncidentOrg extends OrgRef {
  kind: string;
}

// A row of GET /api/v1/incidents.
export interface IncidentSummary {
  id: number;
  stix_id: string;
  title: string;
  status: string;
  severity: string;
  category: string;
  tlp: string;
  owner: IncidentOrg;
  created: string;
  updated: string;
  next_deadline: string | null;
  overdue: boolean;
  my_part: string | null;
  rev: number;
}

export interface IncidentList {
  items: IncidentSummary[];
  next_after: number | null;
}

export interface Task {
  id: string;
  title: string;
  status: string;
  created: string;
  created_by: string;
  owner?: string;
  due?: string;
  playbook?: string;
}

export interface LinkedObject {
  object_id: string;
  kind: string;
  added: string;
  added_by: string;
}

export interface Impacts {
  confidentiality: string;
  integrity: string;
  availability: string;
  public_trust: string;
}

// The case document (`case` in the view).
export interface CaseDoc {
  id: string;
  title: string;
  description: string;
  created: string;
  modified: string;
  detected: string;
  started?: string;
  category: string;
  election_targets: string[];
  disinformation_kind?: string;
  affected_systems: string[];
  election?: string;
  phase?: string;
  impacts: Impacts;
  severity: string;
  tlp: string;
  status: string;
  assignee?: string;
  tasks: Task[];
  links: LinkedObject[];
  duplicate_of?: string;
}

export interface CaseClock {
  token: string;
  label: string;
  starts: string;
  deadline: string;
  met_at: string | null;
  state: 'pending' | 'due-soon' | 'overdue' | 'met';
  late: boolean;
}

export interface Participant {
  org: IncidentOrg;
  role: string;
  added: string;
  acknowledged: string | null;
}

export interface Person {
  id: string;
  username: string;
  role: string;
  org: IncidentOrg;
}

// GET /api/v1/incidents/{id} and every change's answer.
export interface IncidentView extends IncidentSummary {
  case: CaseDoc;
  clocks: CaseClock[];
  clock_rule: string;
  participants: Participant[];
  people: Person[];
  can: { manage: boolean; contribute: boolean };
  timeline_entries: number;
  custody_entries: number;
}

export interface LogEntry {
  seq: number;
  time: string;
  actor: string;
  actor_user_id: number | null;
  actor_org: IncidentOrg | null;
  action: string;
  target: string;
  outcome: string;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface LogPage {
  items: LogEntry[];
  next_after: number | null;
  head: { seq: number; hash: string };
}

export interface Evidence {
  id: string;
  file_name: string;
  media_type: string;
  description: string;
  size: number;
  sha256: string;
  acquired: string;
  acquired_by: string;
  acquired_by_org: IncidentOrg;
}

export interface CrimePackage {
  id: string;
  incident: { id: number; stix_id: string; title: string; owner: IncidentOrg };
  recipient: IncidentOrg;
  created: string;
  created_by: string;
  sha256: string;
  size: number;
  acknowledged: string | null;
  acknowledged_by: string | null;
}

export interface VocabEntry {
  token: string;
  label: string;
  definition: string;
}

export interface Playbook {
  token: string;
  title: string;
  description: string;
  suggested_category: string;
  tasks: string[];
}

// GET /api/v1/incident-vocabulary.
export interface Vocabulary {
  categories: VocabEntry[];
  election_targets: VocabEntry[];
  disinformation_kinds: VocabEntry[];
  election_phases: VocabEntry[];
  severities: VocabEntry[];
  impact_dimensions: VocabEntry[];
  impact_levels: VocabEntry[];
  participant_roles: VocabEntry[];
  task_statuses: VocabEntry[];
  statuses: VocabEntry[];
  link_kinds: VocabEntry[];
  milestones: VocabEntry[];
  transitions: Record<string, string[]>;
  playbooks: Playbook[];
}

export const kVocabularyPath = '/api/v1/incident-vocabulary';

// The label of `token` in `entries`; the token itself when it is unknown.
export function label(entries: readonly VocabEntry[] | undefined, token: string | null | undefined): string {
  if (!token) return '';
  return entries?.find((e) => e.token === token)?.label ?? token;
}

export function incidentPath(id: string | number): string {
  return `/incidents/${encodeURIComponent(String(id))}`;
}

export function incidentApi(id: string | number, rest = ''): string {
  return `/api/v1/incidents/${encodeURIComponent(String(id))}${rest}`;
}

// The key of an impact dimension in the case's `impacts` ("public-trust" →
// "public_trust").
export function impactKey(dimension: string): keyof Impacts {
  return dimension.replace(/-/g, '_') as keyof Impacts;
}

// A datetime-local value ("2026-11-21T20:05", the user's zone) as an RFC 3339
// UTC time; null when empty or not a time.
export function localInputToUtc(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

// The parts of a span of time for display: whole days, hours and minutes
// (rounded down; at least one minute shows as "0 min").
export interface Span {
  days: number;
  hours: number;
  minutes: number;
}

export function splitSpan(ms: number): Span {
  const total = Math.floor(Math.abs(ms) / 60_000);
  return { days: Math.floor(total / 1440), hours: Math.floor((total % 1440) / 60), minutes: total % 60 };
}

// Where a deadline stands at `now`: how long remains, or how long ago it passed.
export function deadlineState(deadline: string, now: number): { overdue: boolean; span: Span } | null {
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return null;
  return { overdue: at < now, span: splitSpan(at - now) };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
