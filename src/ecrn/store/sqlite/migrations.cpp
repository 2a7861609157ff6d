#include "ecrn/store/sqlite/migrations.hpp"

namespace ecrn::store::sqlite {
namespace {

// Times are microseconds since the Unix epoch (INTEGER). Never edit a
// migration once released: add a new one.
//
// objects: created_by and tlp are NULL when the object has none, so their
// partial indexes hold only the objects that have one. obs_kind/obs_value
// hold an object's first observable (most objects name exactly one: an SCO
// its value, an indicator the one its pattern compares); the table
// observables holds the others: per object one row, one B-tree insert and
// one statement fewer than an observables row for each (BENCHMARKS.md).
// Lookups and the index that serves each: docs/ARCHITECTURE.md.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  country TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  identity_id TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  read_only INTEGER NOT NULL,
  expires INTEGER,
  revoked INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE INDEX api_keys_prefix ON api_keys(prefix);
CREATE INDEX api_keys_user ON api_keys(user_id);
CREATE TABLE channels (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  default_tlp TEXT NOT NULL DEFAULT 'amber',
  last_added INTEGER NOT NULL DEFAULT 0,
  created INTEGER NOT NULL
);
CREATE TABLE memberships (
  channel_id INTEGER NOT NULL REFERENCES channels(id),
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  can_read INTEGER NOT NULL,
  can_write INTEGER NOT NULL,
  PRIMARY KEY (channel_id, org_id)
) WITHOUT ROWID;
CREATE INDEX memberships_org ON memberships(org_id);
CREATE TABLE objects (
  pk INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: streams resume "after pk N"
  channel_id INTEGER NOT NULL REFERENCES channels(id),
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  modified_text TEXT NOT NULL,
  created_by TEXT,
  tlp TEXT,
  date_added INTEGER NOT NULL,
  obs_kind TEXT,
  obs_value TEXT,
  json TEXT NOT NULL,
  UNIQUE (stix_id, channel_id, modified)
);
CREATE INDEX objects_added ON objects(channel_id, date_added);
CREATE INDEX objects_type ON objects(type, date_added);
CREATE INDEX objects_modified ON objects(modified);
CREATE INDEX objects_creator ON objects(created_by) WHERE created_by IS NOT NULL;
CREATE INDEX objects_tlp ON objects(tlp) WHERE tlp IS NOT NULL;
CREATE INDEX objects_observable ON objects(obs_kind, obs_value) WHERE obs_kind IS NOT NULL;
CREATE TABLE observables (
  object_pk INTEGER NOT NULL REFERENCES objects(pk) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (object_pk, kind, value)
) WITHOUT ROWID;
CREATE INDEX observables_value ON observables(kind, value);
CREATE TABLE red_recipients (
  object_pk INTEGER NOT NULL REFERENCES objects(pk) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (object_pk, user_id)
) WITHOUT ROWID;
CREATE INDEX red_recipients_user ON red_recipients(user_id);
)sql"},
    // The hub: TAXII collection ids, TOTP, who shared each object, sessions,
    // TAXII status resources, server-wide secrets.
    {2, R"sql(
ALTER TABLE channels ADD COLUMN uuid TEXT;
UPDATE channels SET uuid = hex(randomblob(16));
UPDATE channels SET uuid = lower(substr(uuid, 1, 8) || '-' || substr(uuid, 9, 4) || '-4' ||
  substr(uuid, 14, 3) || '-8' || substr(uuid, 18, 3) || '-' || substr(uuid, 21, 12));
CREATE UNIQUE INDEX channels_uuid ON channels(uuid);
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
ALTER TABLE objects ADD COLUMN submitter_org INTEGER REFERENCES organisations(id);
ALTER TABLE objects ADD COLUMN submitter_user INTEGER REFERENCES users(id);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  expires INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE taxii_status (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created INTEGER NOT NULL,
  json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
    // The audit log: entries chained by hash (core/audit_chain.hpp), seq
    // assigned by AppendAudit; audit_head (one row) holds the last entry so
    // deletions from the end are detectable. No foreign keys: entries outlive
    // the users and organisations they name.
    {3, R"sql(
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  actor_user_id INTEGER,
  actor_org_id INTEGER,
  actor_label TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  subject_org_id INTEGER,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_actor_org ON audit_log(actor_org_id, seq);
CREATE INDEX audit_log_subject_org ON audit_log(subject_org_id, seq);
CREATE INDEX audit_log_time ON audit_log(time);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  time INTEGER NOT NULL
);
INSERT INTO audit_head (id, seq, hash, time) VALUES (1, 0, '', 0);
)sql"},
    // Incidents (issue 5; store/incident_store.hpp). Each case keeps the
    // heads of its two chains (timeline, custody) in its own row, updated in
    // the same transaction as each append to incident_log. Evidence and
    // package bytes live in tables of their own, so that lists never read
    // them. User ids are not foreign keys (the CLI acts without a user: 0).
    {4, R"sql(
CREATE TABLE incidents (
  id INTEGER PRIMARY KEY,
  stix_id TEXT NOT NULL UNIQUE,
  owner_org INTEGER NOT NULL REFERENCES organisations(id),
  reporter_user INTEGER NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  category TEXT NOT NULL,
  tlp TEXT NOT NULL,
  assignee_user INTEGER,
  next_deadline INTEGER,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  rev INTEGER NOT NULL,
  json TEXT NOT NULL,
  timeline_seq INTEGER NOT NULL DEFAULT 0,
  timeline_hash TEXT NOT NULL DEFAULT '',
  timeline_time INTEGER NOT NULL DEFAULT 0,
  custody_seq INTEGER NOT NULL DEFAULT 0,
  custody_hash TEXT NOT NULL DEFAULT '',
  custody_time INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX incidents_owner ON incidents(owner_org, id);
CREATE INDEX incidents_status ON incidents(status, id);
CREATE INDEX incidents_assignee ON incidents(assignee_user, id) WHERE assignee_user IS NOT NULL;
CREATE INDEX incidents_deadline ON incidents(next_deadline) WHERE next_deadline IS NOT NULL;
CREATE TABLE incident_participants (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,
  added INTEGER NOT NULL,
  PRIMARY KEY (incident_id, org_id)
) WITHOUT ROWID;
CREATE INDEX incident_participants_org ON incident_participants(org_id, incident_id);
CREATE TABLE incident_log (
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  log TEXT NOT NULL CHECK (log IN ('timeline', 'custody')),
  seq INTEGER NOT NULL,
  time INTEGER NOT NULL,
  actor_user_id INTEGER,
  actor_org_id INTEGER,
  actor_label TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  subject_org_id INTEGER,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (incident_id, log, seq)
) WITHOUT ROWID;
CREATE TABLE evidence (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  uuid TEXT NOT NULL UNIQUE,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  description TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  acquired INTEGER NOT NULL,
  acquired_by_user INTEGER NOT NULL,
  acquired_by_org INTEGER NOT NULL
);
CREATE INDEX evidence_incident ON evidence(incident_id, id);
CREATE TABLE evidence_data (
  evidence_id INTEGER PRIMARY KEY REFERENCES evidence(id),
  data BLOB NOT NULL
);
CREATE TABLE packages (
  id INTEGER PRIMARY KEY,
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  uuid TEXT NOT NULL UNIQUE,
  recipient_org INTEGER NOT NULL REFERENCES organisations(id),
  created_by_user INTEGER NOT NULL,
  created INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  manifest_json TEXT NOT NULL,
  acknowledged INTEGER,
  acknowledged_by_user INTEGER
);
CREATE INDEX packages_incident ON packages(incident_id, id);
CREATE INDEX packages_recipient ON packages(recipient_org, id);
CREATE TABLE package_data (
  package_id INTEGER PRIMARY KEY REFERENCES packages(id),
  zip BLOB NOT NULL
);
CREATE TABLE reporting_rules (
  id INTEGER PRIMARY KEY,
  country TEXT NOT NULL,
  category TEXT NOT NULL,
  json TEXT NOT NULL,
  updated INTEGER NOT NULL,
  UNIQUE (country, category)
);
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  created INTEGER NOT NULL,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  title TEXT NOT NULL,
  json TEXT NOT NULL,
  read INTEGER
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read IS NULL;
CREATE TABLE once_keys (
  key TEXT PRIMARY KEY,
  claimed INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(org_id);
CREATE TABLE deliveries (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,
  webhook_id INTEGER NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_kind TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt, id);
CREATE INDEX deliveries_status ON deliveries(status, id);
)sql"},
};

}  // namespace

std::span<const SecondaryIndex> ObjectSecondaryIndexes() {
  // Must match the schema the migrations build (a test compares them).
  static constexpr SecondaryIndex kIndexes[] = {
      {"objects_added", "ON objects(channel_id, date_added)"},
      {"objects_type", "ON objects(type, date_added)"},
      {"objects_modified", "ON objects(modified)"},
      {"objects_creator", "ON objects(created_by) WHERE created_by IS NOT NULL"},
      {"objects_tlp", "ON objects(tlp) WHERE tlp IS NOT NULL"},
      {"objects_observable", "ON objects(obs_kind, obs_value) WHERE obs_kind IS NOT NULL"},
      {"observables_value", "ON observables(kind, value)"},
  };
  return kIndexes;
}

std::span<const Migration> Migrations() { return kMigrations; }

}  // namespace ecrn::store::sqlite
