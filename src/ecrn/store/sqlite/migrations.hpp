// Private to store/sqlite: the numbered schema migrations of the SQLite
// backend, applied in order. Constants; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace ecrn::store::sqlite {

struct Migration {
  int version;
  std::string_view sql;
};

std::span<const Migration> Migrations();

// A secondary index of the object tables, as the migrations leave it:
// `CREATE INDEX <name> <definition>`. A bulk load into an empty store drops
// these and builds them once at the end (SqliteStore::BeginBulkLoad).
struct SecondaryIndex {
  std::string_view name;
  std::string_view definition;  // "ON table(columns) [WHERE ...]"
};

std::span<const SecondaryIndex> ObjectSecondaryIndexes();

}  // namespace ecrn::store::sqlite
