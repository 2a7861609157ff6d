// Sightings and the multi-organisation alert on PostgreSQL with two `ecrn
// serve` processes on one database: sightings posted to one server raise the
// alert on the other's streams (the sightings arrive there by LISTEN/NOTIFY;
// each server computes the alert per reader from the database), and its
// GET /api/v1/alerts agrees (see sighting_alerts_cases.hpp).
#include "integration/sighting_alerts_cases.hpp"

namespace ecrn::testing::sightings {
namespace {

TEST(SightingAlertsPg, TwoServersOneDatabase) {
  Network net(FreshPgDatabase());
  Hub writer(net.db);
  Hub reader(net.db);
  ASSERT_NE(writer.port, 0) << writer.process.Stderr();
  ASSERT_NE(reader.port, 0) << reader.process.Stderr();
  TwoOrganisationsRaiseTheAlertForTheirReadersOnly(net, writer.port, reader.port);
}

}  // namespace
}  // namespace ecrn::testing::sightings
