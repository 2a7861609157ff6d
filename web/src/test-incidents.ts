// Fixtures for the incident pages' unit tests: a vocabulary shaped like GET
// /api/v1/incident-vocabulary (a subset of each list) and a case view.
import type { IncidentSummary, IncidentView, Vocabulary } from './incidents';

const e = (token: string, label: string, definition = `${label} (definition)`) => ({
  token,
  label,
  definition,
});

export const kVocab: Vocabulary = {
  categories: [
    e('availability', 'Service disruption', 'A website or system is slow or down.'),
    e('fraud', 'Fraud or impersonation', 'Someone pretends to be us.'),
  ],
  election_targets: [e('results-publication', 'Results publication'), e('disinformation', 'Disinformation')],
  disinformation_kinds: [e('deepfake', 'Deepfake'), e('impersonation', 'Impersonation')],
  election_phases: [e('voting', 'Voting'), e('results', 'Results')],
  severities: [
    e('low', 'Low', 'No effect on the election.'),
    e('high', 'High', 'An important election service is disrupted; act today.'),
  ],
  impact_dimensions: [
    e('confidentiality', 'Confidentiality'),
    e('integrity', 'Integrity'),
    e('availability', 'Availability'),
    e('public-trust', 'Public trust'),
  ],
  impact_levels: [e('none', 'None'), e('low', 'Low'), e('medium', 'Medium'), e('high', 'High')],
  participant_roles: [e('national-cert', 'National CERT'), e('police', 'Police cybercrime unit')],
  task_statuses: [e('open', 'Open'), e('in-progress', 'In progress'), e('done', 'Done')],
  statuses: [
    e('reported', 'Reported'),
    e('triaged', 'Triaged'),
    e('investigating', 'Investigating'),
    e('rejected', 'Rejected'),
  ],
  link_kinds: [e('indicator', 'Indicator'), e('other', 'Other')],
  milestones: [e('early-warning', 'Early warning sent'), e('notification', 'Incident notification sent')],
  transitions: {
    reported: ['triaged', 'investigating', 'rejected'],
    triaged: ['investigating', 'rejected'],
    investigating: [],
    rejected: ['triaged'],
  },
  playbooks: [
    {
      token: 'ddos-results-site',
      title: 'DDoS on the results site',
      description: 'Keep results online.',
      suggested_category: 'availability',
      tasks: ['Call the hosting provider'],
    },
  ],
};

export const kCaseId = 'incident--5b1f3c1e-8d2a-4f6b-9c3d-7e8f9a0b1c2d';

const kHour = 3600_000;

// An ISO time `hours` from now (negative: in the past), plus `extraMs`.
export function fromNow(hours: number, extraMs = 0): string {
  return new Date(Date.now() + hours * kHour + extraMs).toISOString();
}

export function summary(over: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id: 1,
    stix_id: kCaseId,
    title: 'Results site DDoS',
    status: 'reported',
    severity: 'high',
    category: 'availability',
    tlp: 'amber',
    owner: { id: 3, name: 'Central Election Commission', kind: 'election-commission' },
    created: fromNow(-1),
    updated: fromNow(-1),
    next_deadline: fromNow(23),
    overdue: false,
    my_part: 'owner',
    rev: 4,
    ...over,
  };
}

export function caseView(over: Partial<IncidentView> = {}): IncidentView {
  return {
    ...summary(),
    case: {
      id: kCaseId,
      title: 'Results site DDoS',
      description: 'The results site stopped answering.',
      created: fromNow(-1),
      modified: fromNow(-1),
      detected: fromNow(-1),
      category: 'availability',
      election_targets: ['results-publication'],
      affected_systems: ['results.example.org'],
      phase: 'results',
      impacts: { confidentiality: 'none', integrity: 'none', availability: 'high', public_trust: 'medium' },
      severity: 'high',
      tlp: 'amber',
      status: 'reported',
      tasks: [
        {
          id: 't1',
          title: 'Call the hosting provider',
          status: 'open',
          created: fromNow(-1),
          created_by: '7',
          playbook: 'ddos-results-site',
        },
      ],
      links: [],
    },
    clocks: [
      {
        token: 'early-warning',
        label: 'NIS2 early warning (24 h)',
        starts: fromNow(-26),
        deadline: fromNow(-2, -30_000),
        met_at: null,
        state: 'overdue',
        late: false,
      },
      {
        token: 'notification',
        label: 'NIS2 incident notification (72 h)',
        starts: fromNow(-26),
        deadline: fromNow(46, 30_000),
        met_at: null,
        state: 'pending',
        late: false,
      },
    ],
    clock_rule: 'NIS2',
    participants: [],
    people: [
      {
        id: '7',
        username: 'ana',
        role: 'analyst',
        org: { id: 3, name: 'Central Election Commission', kind: 'election-commission' },
      },
    ],
    can: { manage: true, contribute: true },
    timeline_entries: 2,
    custody_entries: 0,
    ...over,
  };
}
