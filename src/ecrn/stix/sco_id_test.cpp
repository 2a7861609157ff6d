// Tests of deterministic SCO identifiers and canonical JSON.
#include "ecrn/stix/sco_id.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace ecrn::stix {
namespace {

Object Obj(const char* json) { return Object(boost::json::parse(json).as_object()); }

TEST(ScoId, MatchesTheSpecificationExample) {
  // STIX 2.1, section 2.9 (identifier), example of a deterministic SCO id.
  EXPECT_EQ(DeterministicScoId(Obj(R"({"type":"ipv4-addr","value":"198.51.100.3"})")),
            "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4");
  // Reproduced by the common STIX libraries for example.com.
  EXPECT_EQ(DeterministicScoId(Obj(R"({"type":"domain-name","value":"example.com"})")),
            "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7");
}

TEST(ScoId, OnlyIdContributingPropertiesCount) {
  auto a = DeterministicScoId(Obj(R"({"type":"ipv4-addr","value":"198.51.100.3"})"));
  auto b = DeterministicScoId(Obj(
      R"({"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--1e4ffad7-0b88-41d4-ba4d-77d27490b956","defanged":true,"value":"198.51.100.3","resolves_to_refs":["mac-addr--65cfcf98-8a6e-5a1b-8f61-379ac4f92d00"]})"));
  EXPECT_EQ(a, b);
}

TEST(ScoId, KeyOrderDoesNotMatter) {
  auto a = DeterministicScoId(Obj(
      R"({"type":"file","name":"foo.dll","hashes":{"SHA-256":"ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a"},"parent_directory_ref":"directory--93c0a9b0-520d-545d-9094-1a08ddf46b05"})"));
  auto b = DeterministicScoId(Obj(
      R"({"parent_directory_ref":"directory--93c0a9b0-520d-545d-9094-1a08ddf46b05","hashes":{"SHA-256":"ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a"},"type":"file","name":"foo.dll"})"));
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->rfind("file--", 0), 0u);
  EXPECT_EQ((*a)[6 + 14], '5');  // a version-5 UUID
}

TEST(ScoId, DifferentValuesGiveDifferentIds) {
  auto a = DeterministicScoId(Obj(R"({"type":"url","value":"https://example.com/a"})"));
  auto b = DeterministicScoId(Obj(R"({"type":"url","value":"https://example.com/b"})"));
  auto c = DeterministicScoId(Obj(R"({"type":"autonomous-system","number":15139})"));
  auto d = DeterministicScoId(Obj(R"({"type":"autonomous-system","number":15140})"));
  ASSERT_TRUE(a && b && c && d);
  EXPECT_NE(a, b);
  EXPECT_NE(c, d);
  // A string and a number with the same digits serialise differently.
  EXPECT_NE(DeterministicScoId(Obj(R"({"type":"autonomous-system","number":"15139"})")), c);
}

TEST(ScoId, OneHashContributesInPreferenceOrder) {
  auto md5_only = DeterministicScoId(
      Obj(R"({"type":"file","hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427e"}})"));
  auto both = DeterministicScoId(Obj(
      R"({"type":"file","hashes":{"SHA-256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","MD5":"d41d8cd98f00b204e9800998ecf8427e"}})"));
  EXPECT_EQ(md5_only, both);
}

TEST(ScoId, NonScoAndEmptyGiveNullopt) {
  EXPECT_EQ(DeterministicScoId(Obj(R"({"type":"indicator","name":"x"})")), std::nullopt);
  EXPECT_EQ(DeterministicScoId(Obj(R"({"type":"process","pid":4})")), std::nullopt);
  EXPECT_EQ(DeterministicScoId(Obj(R"({"type":"file","size":4})")), std::nullopt);
  EXPECT_EQ(DeterministicScoId(Obj(R"({"type":"x-custom","value":"a"})")), std::nullopt);
}

TEST(ScoId, KnowsAllEighteenScoTypes) {
  const char* kTypes[] = {"artifact",
                          "autonomous-system",
                          "directory",
                          "domain-name",
                          "email-addr",
                          "email-message",
                          "file",
                          "ipv4-addr",
                          "ipv6-addr",
                          "mac-addr",
                          "mutex",
                          "network-traffic",
                          "process",
                          "software",
                          "url",
                          "user-account",
                          "windows-registry-key",
                          "x509-certificate"};
  for (const char* t : kTypes) EXPECT_TRUE(IsScoType(t)) << t;
  EXPECT_FALSE(IsScoType("indicator"));
  EXPECT_FALSE(IsScoType("relationship"));
  EXPECT_FALSE(IsScoType(""));
}

TEST(CanonicalJson, SortsKeysAndEscapesMinimally) {
  auto v =
      boost::json::parse(R"({"b":[3,1.5,true,null],"a":{"z":"q\"\\\n\u0001é","y":-2},"A":1e21})");
  EXPECT_EQ(CanonicalJson(v),
            "{\"A\":1e+21,\"a\":{\"y\":-2,\"z\":\"q\\\"\\\\\\n\\u0001\xC3\xA9\"},\"b\":[3,1.5,true,"
            "null]}");
  EXPECT_EQ(CanonicalJson(boost::json::parse("10.0")), "10");
}

}  // namespace
}  // namespace ecrn::stix
