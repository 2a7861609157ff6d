// The store contract (store_contract.hpp) on PostgreSQL, against the
// throwaway cluster ctest starts (ECRN_PG_INFO), plus PostgreSQL-only checks.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/store/store.hpp"
#include "ecrn/store/store_contract.hpp"
#include "ecrn/store/store_contract_hub.hpp"
#include "ecrn/store/store_contract_incident.hpp"
#include "testing/testing.hpp"

namespace ecrn::store::contract {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract,
                         ::testing::Values(StoreContractParam{
                             "postgresql",
                             [](const ecrn::testing::TempDir&) {
                               return ecrn::testing::FreshPgDatabase();
                             }}),
                         ParamName);

TEST(PostgresStore, UnreachableServerIsUnavailable) {
  ecrn::testing::TempDir dir;
  StoreOptions options;
  options.busy_timeout_ms = 1000;
  auto s = OpenStore("postgresql://nobody@/ecrn?host=" + dir.path().string() + "&port=1", options);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(s.error().message.find(dir.path().string()), std::string::npos)
      << "the client message does not carry connection details";
  EXPECT_FALSE(s.error().detail.empty());
}

TEST(PostgresStore, MalformedUriIsInvalid) {
  auto s = OpenStore("postgresql://[::1");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().code, ErrorCode::kInternal);
}

TEST(PostgresStore, PoolOfOneServesManyThreads) {
  StoreOptions options;
  options.pool_size = 1;
  auto s = OpenStore(ecrn::testing::FreshPgDatabase(), options);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_TRUE((*s)->Migrate().ok());
  std::vector<std::thread> threads;
  threads.reserve(4);
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!(*s)->ListOrganisations().ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

// Text PostgreSQL refuses (not UTF-8) is the caller's error, not a name clash.
TEST(PostgresStore, InvalidTextIsInvalidArgument) {
  auto s = OpenStore(ecrn::testing::FreshPgDatabase());
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  ASSERT_TRUE((*s)->Migrate().ok());
  Organisation o;
  o.name = "bad \xff name";
  o.kind = "cert";
  o.country = "MD";
  o.identity_id = "identity--bad";
  auto r = (*s)->AddOrganisation(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
  EXPECT_TRUE((*s)->ListOrganisations()->empty());
}

// When the server drops the store's idle connections (restart, failover,
// admin kill), the pool notices and reconnects: the store works again without
// being reopened, and a call that does fail says kUnavailable.
TEST(PostgresStore, RecoversAfterConnectionsAreKilled) {
  StoreOptions options;
  options.pool_size = 2;
  std::string db = ecrn::testing::FreshPgDatabase();
  auto s = OpenStore(db, options);
  ASSERT_TRUE(s.ok()) << s.error().ToString();
  Store& store = **s;
  ASSERT_TRUE(store.Migrate().ok());
  ASSERT_TRUE(store.ListOrganisations().ok());
  std::string name = db.substr(0, db.find('?'));
  name = name.substr(name.rfind('/') + 1);
  auto kill = ecrn::testing::Run(
      {"psql", "-q", "-d", ecrn::testing::PgUri(), "-c",
       "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'"});
  ASSERT_EQ(kill.exit_code, 0) << kill.err;
  // Wait until the killed backends are gone.
  for (int i = 0; i < 100; ++i) {
    auto left = ecrn::testing::Run(
        {"psql", "-qtA", "-d", ecrn::testing::PgUri(), "-c",
         "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + name + "'"});
    if (left.out == "0\n") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int failures = 0;
  bool recovered = false;
  for (int i = 0; i < options.pool_size + 1 && !recovered; ++i) {
    auto r = store.ListOrganisations();
    if (r.ok()) {
      recovered = true;
    } else {
      ++failures;
      EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().ToString();
      EXPECT_EQ(r.error().message.find("terminat"), std::string::npos)
          << "server text stays in the detail";
    }
  }
  EXPECT_TRUE(recovered);
  EXPECT_EQ(failures, 0) << "idle connections the server closed are replaced on Acquire";
  Channel c;
  c.name = "after";
  EXPECT_TRUE(store.AddChannel(c).ok());
}

}  // namespace
}  // namespace ecrn::store::contract
