#include "ecrn/store/backends.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::store {

Result<std::unique_ptr<Store>> OpenStore(std::string_view db, const StoreOptions& options) {
  if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) {
    return OpenPostgresStore(db, options);
  }
  if (db.empty()) return Error::Invalid("--db must name a SQLite file or a postgresql:// URI");
  return OpenSqliteStore(db, options);
}

}  // namespace ecrn::store
