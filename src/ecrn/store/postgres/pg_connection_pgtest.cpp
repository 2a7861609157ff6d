// The libpq connection layer against the throwaway test cluster.
#include <gtest/gtest.h>

#include "ecrn/store/postgres/pg_connection.hpp"
#include "testing/testing.hpp"

namespace ecrn::store::postgres {
namespace {

TEST(PgConnection, StatementsArePreparedOnceAndReused) {
  auto pool = PgPool::Open(testing::FreshPgDatabase(), 1, 5000);
  ASSERT_TRUE(pool.ok()) << pool.error().ToString();
  auto conn = (*pool)->Acquire();
  ASSERT_TRUE(conn.ok()) << conn.error().ToString();
  const char* count = "SELECT count(*) FROM pg_prepared_statements";
  for (int i = 0; i < 3; ++i) {
    auto r = (*conn)->Exec("SELECT $1::bigint + 1", PgParams().Int(i));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
    EXPECT_EQ(PgInt(r->get(), 0, 0), i + 1);
  }
  // Two texts were run on this session: the sum, and the count itself.
  auto n = (*conn)->Exec(count);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(PgInt(n->get(), 0, 0), 2);
  auto again = (*conn)->Exec(count);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(PgInt(again->get(), 0, 0), 2) << "a second run reuses the prepared statement";
  // Each execution is still planned for its own values.
  auto mode = (*conn)->Exec("SELECT current_setting('plan_cache_mode')");
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(PgText(mode->get(), 0, 0), "force_custom_plan");
  // A statement that cannot be prepared fails cleanly and leaves the
  // connection usable.
  auto bad = (*conn)->Exec("SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.find("SELEKT"), std::string::npos) << "no SQL in client text";
  EXPECT_TRUE((*conn)->Exec("SELECT 1").ok());
}

}  // namespace
}  // namespace ecrn::store::postgres
