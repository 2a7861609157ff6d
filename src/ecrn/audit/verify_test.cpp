// VerifyAuditLog on a SQLite store: the answer does not depend on the page
// size (pages are how a large log is read), an empty log is intact, and a
// tampered entry is found whichever page it falls in.
#include "ecrn/audit/verify.hpp"

#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::audit {
namespace {

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::OpenStore(db_);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
  }

  void Append(int n) {
    for (int i = 0; i < n; ++i) {
      AuditRecord r;
      r.time = 1'700'000'000'000'000 + i;
      r.actor_label = "tester";
      r.action = i % 2 ? "login.success" : "export";
      r.target = "t" + std::to_string(i);
      r.outcome = "success";
      auto a = store_->AppendAudit(r);
      ASSERT_TRUE(a.ok()) << a.error().ToString();
    }
  }

  ecrn::testing::TempDir dir_;
  std::string db_ = dir_.File("verify.db");
  std::unique_ptr<store::Store> store_;
};

TEST_F(VerifyTest, EmptyLogIsIntact) {
  auto v = VerifyAuditLog(*store_);
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_TRUE(v->intact());
  EXPECT_EQ(v->entries, 0);
}

TEST_F(VerifyTest, EveryPageSizeReadsTheWholeLog) {
  Append(7);
  for (size_t page :
       {size_t{1}, size_t{2}, size_t{3}, size_t{6}, size_t{7}, size_t{8}, size_t{1000}}) {
    auto v = VerifyAuditLog(*store_, page);
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    EXPECT_TRUE(v->intact()) << page << ": " << v->first_break->message;
    EXPECT_EQ(v->entries, 7) << page;
  }
}

TEST_F(VerifyTest, TamperingIsFoundOnAnyPage) {
  Append(9);
  auto r = ecrn::testing::Run(
      {"sqlite3", "-bail", db_, "UPDATE audit_log SET target = 'changed' WHERE seq = 5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (size_t page : {size_t{1}, size_t{2}, size_t{4}, size_t{5}, size_t{100}}) {
    auto v = VerifyAuditLog(*store_, page);
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    ASSERT_FALSE(v->intact()) << page;
    EXPECT_EQ(v->first_break->seq, 5) << page;
    EXPECT_EQ(v->first_break->kind, BreakKind::kAltered) << page;
    EXPECT_EQ(v->entries, 4) << "entries before the break";
  }
}

TEST(BreakKind, Names) {
  EXPECT_EQ(BreakKindName(BreakKind::kAltered), "altered");
  EXPECT_EQ(BreakKindName(BreakKind::kMissing), "missing");
  EXPECT_EQ(BreakKindName(BreakKind::kOutOfOrder), "out of order");
  EXPECT_EQ(BreakKindName(BreakKind::kBrokenLink), "broken link");
}

}  // namespace
}  // namespace ecrn::audit
