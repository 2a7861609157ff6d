// Private to store/: the factories of the two backends. Not thread-relevant.
#pragma once

#include <memory>
#include <string_view>

#include "ecrn/store/store.hpp"

namespace ecrn::store {

// Opens (creating if missing) a SQLite database file. WAL, synchronous=FULL,
// foreign keys on, busy timeout from options.
Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view path, const StoreOptions& options);

// Connects a pool of libpq connections to a postgresql:// URI.
Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view uri, const StoreOptions& options);

}  // namespace ecrn::store
