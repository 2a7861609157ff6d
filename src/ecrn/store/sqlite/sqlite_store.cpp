#include "ecrn/store/backends.hpp"

namespace ecrn::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view, const StoreOptions&) {
  return Error{ErrorCode::kUnavailable, "SQLite backend is not available yet", {}};
}

}  // namespace ecrn::store
