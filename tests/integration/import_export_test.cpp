// Import/export round trips on SQLite.
#include "integration/import_export_cases.hpp"

namespace ecrn::testing {
namespace {

TEST(ImportExportSqlite, Apt1RoundTrip) {
  TempDir dir;
  CheckApt1RoundTrip(dir.File("ecrn.db"));
}

TEST(ImportExportSqlite, RejectionsAndFilters) {
  TempDir dir;
  CheckRejectionsAndFilters(dir.File("ecrn.db"));
}

}  // namespace
}  // namespace ecrn::testing
