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

}  // namespace ecrn::store::sqlite
