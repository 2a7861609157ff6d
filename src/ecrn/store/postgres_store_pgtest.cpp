// The store contract (store_contract.hpp) on PostgreSQL, against the
// throwaway cluster ctest starts (ECRN_PG_INFO), plus PostgreSQL-only checks.
#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/store/store.hpp"
#include "ecrn/store/store_contract.hpp"
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

}  // namespace
}  // namespace ecrn::store::contract
