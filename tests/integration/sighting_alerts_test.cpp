// Sightings and the multi-organisation alert on SQLite, one server (see
// sighting_alerts_cases.hpp).
#include "integration/sighting_alerts_cases.hpp"

namespace ecrn::testing::sightings {
namespace {

TEST(SightingAlerts, TwoOrganisationsOverTaxiiAlertTheirReadersOnly) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  Hub hub(net.db);
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();
  TwoOrganisationsRaiseTheAlertForTheirReadersOnly(net, hub.port, hub.port);
}

TEST(SightingAlerts, AlertsNeedAuthenticationAndTakeNoParameters) {
  TempDir dir;
  Network net(dir.File("hub.db"));
  Hub hub(net.db);
  ASSERT_NE(hub.port, 0) << hub.process.Stderr();
  HttpClient c(hub.port);
  auto r = c.Request("GET", "/api/v1/alerts");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  r = c.Request("GET", "/api/v1/alerts?since=2020-01-01T00:00:00Z",
                {{"Authorization", "Bearer " + net.keys.at("carol")}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  auto empty = Get(net, hub.port, "carol", "/api/v1/alerts");
  EXPECT_TRUE(empty.at("items").as_array().empty());
  EXPECT_TRUE(empty.at("window_start").is_string());
}

}  // namespace
}  // namespace ecrn::testing::sightings
