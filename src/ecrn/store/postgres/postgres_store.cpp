#include "ecrn/store/backends.hpp"

namespace ecrn::store {

Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view, const StoreOptions&) {
  return Error{ErrorCode::kUnavailable, "PostgreSQL backend is not available yet", {}};
}

}  // namespace ecrn::store
