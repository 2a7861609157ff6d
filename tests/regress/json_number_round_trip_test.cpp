// Regression (fuzz_stix_parse): Boost.JSON 1.81 converts some decimal numbers
// one ulp off (-2.5e64 became -2.5000000000000003E64), so an object's numbers
// changed on every store/export round trip and parse(Serialize(o)) != o; and a
// number beyond double range (1e400) became infinity, serialised as the
// non-JSON text "Infinity" that could not be parsed back.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "ecrn/stix/object.hpp"

namespace ecrn::stix {
namespace {

// The input fuzz_stix_parse reported, reduced to the number that drifted.
constexpr const char* kFuzzObject =
    R"({"type":"identit311b2d2d-f010-4473-83ec-1edf84858f4c","created":"2024-01-01T00:00:00.1-02nd1e400-41711c77-904c-4dc1-aff5-5c38f3a2c55c","x_custom":{"n":[1,-2.5e64,true,null]}})";

TEST(RegressJsonNumbers, DecimalsAreConvertedExactly) {
  for (const char* number : {"-2.5e64", "2.5e64", "48.8566", "0.1", "1e23", "5e-324",
                             "1.7976931348623157e308", "-0.0", "123456789012345678901234567890"}) {
    SCOPED_TRACE(number);
    auto v = ParseJson(std::string("[") + number + "]");
    ASSERT_TRUE(v.ok()) << v.error().ToString();
    EXPECT_EQ(v->as_array()[0].to_number<double>(), std::strtod(number, nullptr));
  }
}

TEST(RegressJsonNumbers, FuzzObjectSurvivesRepeatedRoundTrips) {
  auto doc = ParseDocument(kFuzzObject);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->objects.size(), 1u);
  Object current = doc->objects[0];
  for (int i = 0; i < 3; ++i) {
    auto again = ParseDocument(Serialize(current));
    ASSERT_TRUE(again.ok());
    ASSERT_EQ(again->objects.size(), 1u);
    EXPECT_EQ(again->objects[0], doc->objects[0]) << Serialize(again->objects[0]);
    current = again->objects[0];
  }
}

TEST(RegressJsonNumbers, NumbersBeyondDoubleRangeAreRejected) {
  for (const char* text : {R"({"type":"x","n":1e400})", R"({"type":"x","n":-1e400})"}) {
    SCOPED_TRACE(text);
    auto doc = ParseDocument(text);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(doc.error().message.find("out of range"), std::string::npos) << doc.error().message;
  }
  // Underflow is a zero, which round-trips.
  auto tiny = ParseJson("[1e-400]");
  ASSERT_TRUE(tiny.ok());
  EXPECT_EQ(tiny->as_array()[0].as_double(), 0.0);
}

TEST(RegressJsonNumbers, ParserKeepsItsOtherRules) {
  EXPECT_FALSE(ParseJson("{} x").ok());
  EXPECT_TRUE(ParseJson(" {}\n").ok());
  EXPECT_FALSE(ParseJson("{\"a\":").ok());
  EXPECT_EQ(ParseJson(std::string(100, '[') + std::string(100, ']')).error().code,
            ErrorCode::kTooLarge);
  auto big = ParseJson("[18446744073709551615, -9223372036854775808]");
  ASSERT_TRUE(big.ok());
  EXPECT_TRUE(big->as_array()[0].is_uint64());
  EXPECT_TRUE(big->as_array()[1].is_int64());
  auto error = ParseJson("{\n  \"a\": tru }");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().message.find("line 2"), std::string::npos) << error.error().message;
}

}  // namespace
}  // namespace ecrn::stix
