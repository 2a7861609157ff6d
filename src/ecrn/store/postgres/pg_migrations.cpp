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
