#include "ecrn/scan/record.hpp"

#include <gtest/gtest.h>

namespace ecrn::scan {
namespace {

TEST(ScanRecord, EveryKindHasADistinctNameThatRoundTrips) {
  for (int i = 0; i < kKindCount; ++i) {
    const auto kind = static_cast<Kind>(i);
    const auto back = KindFromName(KindName(kind));
    ASSERT_TRUE(back.has_value()) << KindName(kind);
    EXPECT_EQ(*back, kind);
    EXPECT_EQ(ObjectPathOf(kind).substr(0, ScoTypeOf(kind).size()), ScoTypeOf(kind));
  }
  EXPECT_FALSE(KindFromName("sha-256").has_value());
  EXPECT_FALSE(KindFromName("").has_value());
}

TEST(ScanRecord, PathsAreTheStixPaths) {
  EXPECT_EQ(ObjectPathOf(Kind::kDomain), "domain-name:value");
  EXPECT_EQ(ObjectPathOf(Kind::kSha256), "file:hashes.'SHA-256'");
  EXPECT_EQ(ScoTypeOf(Kind::kIpv6), "ipv6-addr");
}

}  // namespace
}  // namespace ecrn::scan
