// Regression (spotted in review, reproduced with fuzz_timestamp, which did not
// reach it unaided in 90 s): "9999-12-31T23:59:60Z" was accepted, the leap
// second folding it into 10000-01-01T00:00:00Z, which FormatTimestamp writes
// with five year digits and ParseTimestamp then rejects: a stored timestamp
// that could not be read back.
#include <gtest/gtest.h>

#include "ecrn/core/time.hpp"

namespace ecrn {
namespace {

TEST(RegressTimestamp, LeapSecondAtEndOfYear9999IsRejected) {
  auto parsed = ParseTimestamp("9999-12-31T23:59:60Z");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(ParseTimestamp("9999-12-31T23:59:60.999999Z").ok());
}

TEST(RegressTimestamp, LastRepresentableInstantsStillRoundTrip) {
  for (const char* text : {"9999-12-31T23:59:59.999999Z", "9998-12-31T23:59:60Z",
                           "0000-01-01T00:00:00Z", "2016-12-31T23:59:60.5Z"}) {
    SCOPED_TRACE(text);
    auto parsed = ParseTimestamp(text);
    ASSERT_TRUE(parsed.ok());
    auto again = ParseTimestamp(FormatTimestamp(parsed->micros, 6));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->micros, parsed->micros);
  }
}

}  // namespace
}  // namespace ecrn
