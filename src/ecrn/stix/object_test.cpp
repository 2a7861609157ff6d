#include "ecrn/stix/object.hpp"

#include <filesystem>
#include <string>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "ecrn/stix/tlp.hpp"
#include "testing/testing.hpp"

namespace ecrn::stix {
namespace {

namespace fs = std::filesystem;

TEST(StixObject, EveryFixtureSurvivesParseSerialiseParse) {
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(testing::SharedDir() / "fixtures")) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    auto doc = ParseDocument(testing::ReadFile(entry.path()));
    ASSERT_TRUE(doc.ok()) << entry.path() << ": " << doc.error().message;
    EXPECT_TRUE(doc->problems.empty()) << entry.path();
    ASSERT_FALSE(doc->objects.empty()) << entry.path();
    for (const auto& o : doc->objects) {
      auto again = ParseJson(Serialize(o));
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(Object(again->as_object()), o) << entry.path() << " " << o.id();
    }
    auto bundle = ParseDocument(SerializeBundle(doc->objects, "bundle--1"));
    ASSERT_TRUE(bundle.ok());
    EXPECT_EQ(bundle->objects, doc->objects) << entry.path();
  }
  EXPECT_GE(files, 9);
}

TEST(StixObject, CustomPropertiesAndExtensionsAreKept) {
  const std::string text =
      R"({"type":"x-ecrn-narrative","id":"x-ecrn-narrative--6a6c2a2e-2b3f-4f0e-9d6c-0e1d2c3b4a59",)"
      R"("spec_version":"2.1","x_ecrn_reach":[1,2.5,{"deep":null}],)"
      R"("extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":)"
      R"({"extension_type":"property-extension","rank":3}}})";
  auto doc = ParseDocument(text);
  ASSERT_TRUE(doc.ok());
  ASSERT_EQ(doc->objects.size(), 1u);
  const auto& o = doc->objects[0];
  EXPECT_EQ(o.type(), "x-ecrn-narrative");
  EXPECT_EQ(boost::json::parse(Serialize(o)), boost::json::parse(text));
}

TEST(StixObject, DocumentShapes) {
  const std::string a = R"({"type":"identity","id":"identity--1"})";
  const std::string b = R"({"type":"malware","id":"malware--2"})";
  auto single = ParseDocument(a);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->objects.size(), 1u);
  auto list = ParseDocument("[" + a + R"(,{"type":"bundle","id":"bundle--3","objects":[)" + b +
                            R"(]},7,{"id":"x--4"}])");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->objects.size(), 2u);
  EXPECT_EQ(list->objects[1].id(), "malware--2");
  ASSERT_EQ(list->problems.size(), 2u);
  EXPECT_EQ(list->problems[1].id, "x--4");
  EXPECT_FALSE(ParseDocument("42").ok());
}

TEST(StixObject, LimitsAndSyntaxErrors) {
  ParseLimits limits;
  limits.max_depth = 8;
  auto deep = ParseJson(std::string(20, '[') + std::string(20, ']'), limits);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, ErrorCode::kTooLarge);
  limits.max_bytes = 10;
  auto big = ParseJson(R"({"type":"identity"})", limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kTooLarge);
  limits = {};
  limits.max_objects = 1;
  auto many = ParseDocument(R"([{"type":"a"},{"type":"b"}])", limits);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, ErrorCode::kTooLarge);
  auto bad = ParseJson("{\n  \"type\": \"identity\",\n  oops\n}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("line 3"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(ParseJson(R"({"a":1} {"b":2})").ok()) << "trailing data";
}

TEST(StixIdentifier, Form) {
  EXPECT_TRUE(IsStixIdentifier("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_TRUE(IsStixIdentifier("x-custom-type--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsStixIdentifier("Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsStixIdentifier("indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_FALSE(IsStixIdentifier("indicator--8e2e2d2b-17d4-4cbf-938f"));
  EXPECT_FALSE(IsStixIdentifier("--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"));
  EXPECT_EQ(IdentifierType("malware--x"), "malware");
  EXPECT_EQ(IdentifierType("malware"), "");
}

TEST(Tlp, MarkingIdsNamesAndTheMostRestrictiveWins) {
  for (Tlp t : {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    EXPECT_EQ(TlpFromMarkingId(TlpMarkingId(t)), t);
    EXPECT_EQ(TlpFromName(TlpToken(t)), t);
    EXPECT_EQ(TlpFromName(TlpLabel(t)), t);
  }
  // TLP 1.0 ids map to their 2.0 namesakes, WHITE to CLEAR.
  EXPECT_EQ(TlpFromMarkingId("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Tlp::kClear);
  EXPECT_EQ(TlpFromMarkingId("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
            Tlp::kRed);
  EXPECT_FALSE(TlpFromMarkingId("marking-definition--00000000-0000-4000-8000-000000000000"));
  EXPECT_EQ(TlpFromName("white"), Tlp::kClear);
  EXPECT_FALSE(TlpFromName("purple"));

  auto obj = [](const std::string& json) { return Object(boost::json::parse(json).as_object()); };
  EXPECT_FALSE(ObjectTlp(obj(R"({"type":"indicator"})")));
  EXPECT_EQ(ObjectTlp(obj(R"({"type":"indicator","object_marking_refs":[")" +
                          std::string(TlpMarkingId(Tlp::kGreen)) + R"(",")" +
                          std::string(TlpMarkingId(Tlp::kAmberStrict)) + R"("]})")),
            Tlp::kAmberStrict);
  EXPECT_EQ(ObjectTlp(obj(R"({"type":"indicator","object_marking_refs":[")" +
                          std::string(TlpMarkingId(Tlp::kClear)) +
                          R"("],"granular_markings":[{"marking_ref":")" +
                          std::string(TlpMarkingId(Tlp::kRed)) + R"(","selectors":["name"]}]})")),
            Tlp::kRed)
      << "a RED part makes the object RED for sharing decisions";
}

}  // namespace
}  // namespace ecrn::stix
