#include "ecrn/store/postgres/pg_migrations.hpp"

#include <cstdint>
#include <string>

namespace ecrn::store::postgres {
namespace {

// Arbitrary but fixed key of the advisory lock that serialises migrations
// ("ECRNMIGR" in ASCII).
constexpr int64_t kMigrationLockKey = 0x4543524E4D494752;

// Times are microseconds since the Unix epoch (BIGINT).
constexpr PgMigration kMigrations[] = {
    {1, R"sql(
CREATE TABLE organisations (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  country TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  identity_id TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL
);
CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT false,
  created BIGINT NOT NULL
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE api_keys (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  prefix TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  read_only BOOLEAN NOT NULL,
  expires BIGINT,
  revoked BOOLEAN NOT NULL DEFAULT false,
  created BIGINT NOT NULL
);
CREATE INDEX api_keys_prefix ON api_keys(prefix);
CREATE INDEX api_keys_user ON api_keys(user_id);
CREATE TABLE channels (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  default_tlp TEXT NOT NULL DEFAULT 'amber',
  last_added BIGINT NOT NULL DEFAULT 0,
  created BIGINT NOT NULL
);
CREATE TABLE memberships (
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  can_read BOOLEAN NOT NULL,
  can_write BOOLEAN NOT NULL,
  PRIMARY KEY (channel_id, org_id)
);
CREATE INDEX memberships_org ON memberships(org_id);
CREATE TABLE objects (
  pk BIGSERIAL PRIMARY KEY,
  channel_id BIGINT NOT NULL REFERENCES channels(id),
  stix_id TEXT NOT NULL,
  type TEXT NOT NULL,
  spec_version TEXT NOT NULL,
  created BIGINT NOT NULL,
  modified BIGINT NOT NULL,
  modified_text TEXT NOT NULL,
  created_by TEXT NOT NULL,
  tlp TEXT NOT NULL,
  date_added BIGINT NOT NULL,
  json TEXT NOT NULL,
  UNIQUE (stix_id, channel_id, modified)
);
CREATE INDEX objects_added ON objects(channel_id, date_added);
CREATE INDEX objects_type ON objects(type, date_added);
CREATE INDEX objects_modified ON objects(modified);
CREATE INDEX objects_creator ON objects(created_by);
CREATE INDEX objects_tlp ON objects(tlp);
CREATE TABLE observables (
  object_pk BIGINT NOT NULL REFERENCES objects(pk) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (object_pk, kind, value)
);
CREATE INDEX observables_value ON observables(kind, value);
CREATE TABLE red_recipients (
  object_pk BIGINT NOT NULL REFERENCES objects(pk) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users(id),
  PRIMARY KEY (object_pk, user_id)
);
CREATE INDEX red_recipients_user ON red_recipients(user_id);
)sql"},
    // The hub: TAXII collection ids, TOTP, who shared each object, sessions,
    // TAXII status resources, server-wide secrets.
    {2, R"sql(
ALTER TABLE channels ADD COLUMN uuid TEXT;
UPDATE channels SET uuid = gen_random_uuid()::text;
ALTER TABLE channels ALTER COLUMN uuid SET NOT NULL;
CREATE UNIQUE INDEX channels_uuid ON channels(uuid);
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE objects ADD COLUMN submitter_org BIGINT REFERENCES organisations(id);
ALTER TABLE objects ADD COLUMN submitter_user BIGINT REFERENCES users(id);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE taxii_status (
  id TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created BIGINT NOT NULL,
  json TEXT NOT NULL
);
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
    // The audit log: entries chained by hash (core/audit_chain.hpp), seq
    // assigned by AppendAudit under a row lock on audit_head (one row), which
    // also holds the last entry so deletions from the end are detectable. No
    // foreign keys: entries outlive the users and organisations they name.
    {3, R"sql(
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  time BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_org_id BIGINT,
  actor_label TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  subject_org_id BIGINT,
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
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  time BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, time) VALUES (1, 0, '', 0);
)sql"},
    // Incidents (issue 5; store/incident_store.hpp). Each case keeps the
    // heads of its two chains in its own row; appends lock that row
    // (SELECT ... FOR UPDATE), so every server extends one chain per case.
    // Evidence and package bytes (bytea) live in tables of their own, so that
    // lists never read them. User ids are not foreign keys (the CLI acts
    // without a user: 0).
    {4, R"sql(
CREATE TABLE incidents (
  id BIGSERIAL PRIMARY KEY,
  stix_id TEXT NOT NULL UNIQUE,
  owner_org BIGINT NOT NULL REFERENCES organisations(id),
  reporter_user BIGINT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  category TEXT NOT NULL,
  tlp TEXT NOT NULL,
  assignee_user BIGINT,
  next_deadline BIGINT,
  created BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  rev BIGINT NOT NULL,
  json TEXT NOT NULL,
  timeline_seq BIGINT NOT NULL DEFAULT 0,
  timeline_hash TEXT NOT NULL DEFAULT '',
  timeline_time BIGINT NOT NULL DEFAULT 0,
  custody_seq BIGINT NOT NULL DEFAULT 0,
  custody_hash TEXT NOT NULL DEFAULT '',
  custody_time BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX incidents_owner ON incidents(owner_org, id);
CREATE INDEX incidents_status ON incidents(status, id);
CREATE INDEX incidents_assignee ON incidents(assignee_user, id) WHERE assignee_user IS NOT NULL;
CREATE INDEX incidents_deadline ON incidents(next_deadline) WHERE next_deadline IS NOT NULL;
CREATE TABLE incident_participants (
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,
  added BIGINT NOT NULL,
  PRIMARY KEY (incident_id, org_id)
);
CREATE INDEX incident_participants_org ON incident_participants(org_id, incident_id);
CREATE TABLE incident_log (
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  log TEXT NOT NULL CHECK (log IN ('timeline', 'custody')),
  seq BIGINT NOT NULL,
  time BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_org_id BIGINT,
  actor_label TEXT NOT NULL,
  remote_addr TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  subject_org_id BIGINT,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (incident_id, log, seq)
);
CREATE TABLE evidence (
  id BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  uuid TEXT NOT NULL UNIQUE,
  file_name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  description TEXT NOT NULL,
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  acquired BIGINT NOT NULL,
  acquired_by_user BIGINT NOT NULL,
  acquired_by_org BIGINT NOT NULL
);
CREATE INDEX evidence_incident ON evidence(incident_id, id);
CREATE TABLE evidence_data (
  evidence_id BIGINT PRIMARY KEY REFERENCES evidence(id),
  data BYTEA NOT NULL
);
CREATE TABLE packages (
  id BIGSERIAL PRIMARY KEY,
  incident_id BIGINT NOT NULL REFERENCES incidents(id),
  uuid TEXT NOT NULL UNIQUE,
  recipient_org BIGINT NOT NULL REFERENCES organisations(id),
  created_by_user BIGINT NOT NULL,
  created BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  manifest_json TEXT NOT NULL,
  acknowledged BIGINT,
  acknowledged_by_user BIGINT
);
CREATE INDEX packages_incident ON packages(incident_id, id);
CREATE INDEX packages_recipient ON packages(recipient_org, id);
CREATE TABLE package_data (
  package_id BIGINT PRIMARY KEY REFERENCES packages(id),
  zip BYTEA NOT NULL
);
CREATE TABLE reporting_rules (
  id BIGSERIAL PRIMARY KEY,
  country TEXT NOT NULL,
  category TEXT NOT NULL,
  json TEXT NOT NULL,
  updated BIGINT NOT NULL,
  UNIQUE (country, category)
);
CREATE TABLE notifications (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created BIGINT NOT NULL,
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  title TEXT NOT NULL,
  json TEXT NOT NULL,
  read BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read IS NULL;
CREATE TABLE once_keys (
  key TEXT PRIMARY KEY,
  claimed BIGINT NOT NULL
);
CREATE TABLE webhooks (
  id BIGSERIAL PRIMARY KEY,
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  enabled BOOLEAN NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(org_id);
CREATE TABLE deliveries (
  id BIGSERIAL PRIMARY KEY,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,
  webhook_id BIGINT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_kind TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt BIGINT NOT NULL,
  status TEXT NOT NULL,
  last_error TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt, id);
CREATE INDEX deliveries_status ON deliveries(status, id);
)sql"},
};

Result<void> ApplyOne(PgConnection& conn, const PgMigration& m) {
  ECRN_TRY(conn.Exec("BEGIN"));
  ECRN_TRY(
      conn.Exec("SELECT pg_advisory_xact_lock($1::bigint)", PgParams().Int(kMigrationLockKey)));
  ECRN_TRY(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "applied BIGINT NOT NULL)"));
  ECRN_ASSIGN_OR_RETURN(auto done, conn.Exec("SELECT 1 FROM schema_migrations WHERE version = $1",
                                             PgParams().Int(m.version)));
  if (PQntuples(done.get()) == 0) {
    ECRN_TRY(conn.ExecScript(m.sql));
    ECRN_TRY(
        conn.Exec("INSERT INTO schema_migrations (version, applied) "
                  "VALUES ($1, (extract(epoch from clock_timestamp()) * 1000000)::bigint)",
                  PgParams().Int(m.version)));
  }
  ECRN_TRY(conn.Exec("COMMIT"));
  return Ok();
}

}  // namespace

std::span<const PgMigration> PgMigrations() { return kMigrations; }

Result<void> ApplyMigrations(PgConnection& conn) {
  for (const auto& m : kMigrations) {
    auto r = ApplyOne(conn, m);
    if (!r.ok()) {
      conn.ResetTransaction();
      Error e = std::move(r).error();
      e.detail = "migration " + std::to_string(m.version) + ": " + e.detail;
      return e;
    }
  }
  return Ok();
}

Result<int> AppliedSchemaVersion(PgConnection& conn) {
  ECRN_ASSIGN_OR_RETURN(auto exists,
                        conn.Exec("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (!PgBool(exists.get(), 0, 0)) return 0;
  ECRN_ASSIGN_OR_RETURN(auto res,
                        conn.Exec("SELECT COALESCE(max(version), 0) FROM schema_migrations"));
  return static_cast<int>(PgInt(res.get(), 0, 0));
}

}  // namespace ecrn::store::postgres
