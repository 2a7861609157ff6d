// Import/export round trips on PostgreSQL (the throwaway test cluster).
#include "integration/import_export_cases.hpp"

namespace ecrn::testing {
namespace {

TEST(ImportExportPostgres, Apt1RoundTrip) { CheckApt1RoundTrip(FreshPgDatabase()); }

TEST(ImportExportPostgres, RejectionsAndFilters) { CheckRejectionsAndFilters(FreshPgDatabase()); }

}  // namespace
}  // namespace ecrn::testing
