// `ecrn audit verify` / `audit list` on PostgreSQL (the throwaway test
// cluster); the cases are in audit_verify_cases.hpp and incident_verify_cases.hpp.
#include "integration/audit_verify_cases.hpp"
#include "integration/incident_verify_cases.hpp"

namespace ecrn::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, AuditVerify, ::testing::Values(PostgresAuditBackend()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Postgres, IncidentVerify, ::testing::Values(PostgresAuditBackend()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ecrn::testing
