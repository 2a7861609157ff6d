// Private to store/postgres: the numbered schema migrations of the PostgreSQL
// backend and the routine that applies them. Migrate is safe to run from
// several processes at once (an advisory lock serialises them).
#pragma once

#include <span>

#include "ecrn/core/result.hpp"
#include "ecrn/store/postgres/pg_connection.hpp"

namespace ecrn::store::postgres {

// One schema step. Released migrations are never edited: add a new one.
struct PgMigration {
  int version;
  const char* sql;
};

// All migrations, in increasing version order.
std::span<const PgMigration> PgMigrations();

// Applies every migration not yet recorded in schema_migrations, each in its
// own transaction holding a transaction-scoped advisory lock.
Result<void> ApplyMigrations(PgConnection& conn);

// The highest applied migration; 0 on a database never migrated.
Result<int> AppliedSchemaVersion(PgConnection& conn);

}  // namespace ecrn::store::postgres
