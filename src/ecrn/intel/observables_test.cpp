#include "ecrn/intel/observables.hpp"

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/intel/ingest.hpp"

namespace ecrn::intel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Pattern(std::string_view pattern) {
  std::vector<store::Observable> out;
  ExtractPatternObservables(pattern, out);
  std::vector<std::string> flat;
  flat.reserve(out.size());
  for (const auto& o : out) flat.push_back(o.kind + "=" + o.value);
  return flat;
}

std::vector<std::string> OfObject(std::string_view json) {
  std::vector<store::Observable> out;
  ExtractObservables(stix::Object(boost::json::parse(json).as_object()), out);
  std::vector<std::string> flat;
  flat.reserve(out.size());
  for (const auto& o : out) flat.push_back(o.kind + "=" + o.value);
  return flat;
}

TEST(PatternObservables, EqualityComparisonsOnKnownPaths) {
  EXPECT_THAT(Pattern("[ipv4-addr:value = '198.51.100.1']"), ElementsAre("ipv4-addr=198.51.100.1"));
  EXPECT_THAT(Pattern("[domain-name:value = 'Evil.EXAMPLE'] OR [url:value = 'http://x.test/a?b']"),
              ElementsAre("domain-name=evil.example", "url=http://x.test/a?b"));
  EXPECT_THAT(Pattern("[file:hashes.'SHA-256' = 'ABCDEF'] AND [file:hashes.MD5 = '00ff']"),
              ElementsAre("file-hash=SHA-256:abcdef", "file-hash=MD5:00ff"));
  EXPECT_THAT(Pattern("[ipv6-addr:value IN ('2001:DB8::1', '2001:db8::2')]"),
              ElementsAre("ipv6-addr=2001:db8::1", "ipv6-addr=2001:db8::2"));
  EXPECT_THAT(Pattern("[email-addr:value = 'a\\'b@x.test']"), ElementsAre("email-addr=a'b@x.test"));
  EXPECT_THAT(Pattern("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"), IsEmpty())
      << "only equality and IN are indexed";
}

TEST(PatternObservables, IgnoresOtherPathsAndLiteralsThatLookLikePaths) {
  EXPECT_THAT(Pattern("[process:name = 'domain-name:value = \\'x.test\\'']"), IsEmpty());
  EXPECT_THAT(Pattern("[network-traffic:dst_ref.value = '203.0.113.5']"), IsEmpty());
  EXPECT_THAT(Pattern("[domain-name:value != 'x.test']"), IsEmpty());
  EXPECT_THAT(Pattern("[domain-name:value = "), IsEmpty()) << "truncated pattern";
  EXPECT_THAT(Pattern(""), IsEmpty());
}

TEST(ObjectObservables, ScosIndicatorsAndOthers) {
  EXPECT_THAT(OfObject(R"({"type":"domain-name","id":"domain-name--1","value":"Ex.ORG"})"),
              ElementsAre("domain-name=ex.org"));
  EXPECT_THAT(OfObject(R"({"type":"file","hashes":{"sha256":"AA","MD5":"bb"}})"),
              UnorderedElementsAre("file-hash=SHA-256:aa", "file-hash=MD5:bb"));
  EXPECT_THAT(
      OfObject(
          R"({"type":"indicator","pattern_type":"stix","pattern":"[url:value = 'http://a.test/']"})"),
      ElementsAre("url=http://a.test/"));
  EXPECT_THAT(
      OfObject(
          R"({"type":"indicator","pattern_type":"sigma","pattern":"[url:value = 'http://a.test/']"})"),
      IsEmpty());
  EXPECT_THAT(OfObject(R"({"type":"malware","name":"x.test"})"), IsEmpty());
  EXPECT_EQ(NormaliseHashAlgorithm("sha-1"), "SHA-1");
  EXPECT_EQ(NormaliseHashAlgorithm("Sha512"), "SHA-512");
}

TEST(ObservableCandidates, EveryKindAValueMayBeIndexedAs) {
  auto flat = [](std::string_view value) {
    std::vector<std::string> out;
    for (const auto& o : ObservableCandidates(value)) out.push_back(o.kind + "=" + o.value);
    return out;
  };
  EXPECT_THAT(flat("  Results.Example.ORG "),
              UnorderedElementsAre("domain-name=results.example.org",
                                   "ipv4-addr=Results.Example.ORG", "ipv6-addr=results.example.org",
                                   "url=Results.Example.ORG", "email-addr=results.example.org"));
  const std::string sha256(64, 'A');
  const std::string lower(64, 'a');
  auto hashes = [&](std::string_view value) {
    std::vector<std::string> out;
    for (const auto& o : ObservableCandidates(value)) {
      if (o.kind == "file-hash") out.push_back(o.value);
    }
    return out;
  };
  EXPECT_THAT(hashes(sha256), ElementsAre("SHA-256:" + lower, "SHA3-256:" + lower));
  EXPECT_THAT(hashes("sha256:" + sha256), ElementsAre("SHA-256:" + lower));
  EXPECT_THAT(hashes(std::string(32, 'f')), ElementsAre("MD5:" + std::string(32, 'f')));
  EXPECT_THAT(hashes(std::string(33, 'f')), IsEmpty()) << "no hash has 33 hex digits";
  EXPECT_THAT(hashes("results.example"), IsEmpty());
  EXPECT_THAT(ObservableCandidates("   "), IsEmpty());
  for (const auto& o : ObservableCandidates("indicator--1")) EXPECT_FALSE(IsReferenceKind(o.kind));
}

// A value the index holds is found under the candidates of what a user types.
TEST(ObservableCandidates, IncludeWhatExtractionStores) {
  for (
      std::string_view json :
      {R"({"type":"domain-name","id":"domain-name--1","value":"Vote.Example"})",
       R"({"type":"file","id":"file--1","hashes":{"SHA-256":"0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"}})",
       R"({"type":"ipv6-addr","id":"ipv6-addr--1","value":"2001:DB8::1"})"}) {
    std::vector<store::Observable> stored;
    ExtractObservables(stix::Object(boost::json::parse(json).as_object()), stored);
    ASSERT_EQ(stored.size(), 1u) << json;
    const auto typed = boost::json::parse(json).as_object();
    std::string value = typed.contains("value")
                            ? std::string(typed.at("value").as_string())
                            : std::string(typed.at("hashes").at("SHA-256").as_string());
    bool found = false;
    for (const auto& c : ObservableCandidates(value)) {
      found = found || (c.kind == stored[0].kind && c.value == stored[0].value);
    }
    EXPECT_TRUE(found) << json;
  }
}

TEST(ObjectObservables, RelationshipsAndSightingsIndexTheirReferences) {
  EXPECT_THAT(OfObject(R"({"type":"relationship","source_ref":"indicator--1",)"
                       R"("target_ref":"malware--2","relationship_type":"indicates"})"),
              ElementsAre("ref:source=indicator--1", "ref:target=malware--2"));
  EXPECT_THAT(OfObject(R"({"type":"sighting","sighting_of_ref":"indicator--1","count":3})"),
              ElementsAre("ref:sighting-of=indicator--1"));
  EXPECT_TRUE(IsReferenceKind(kSightingOfKind));
  EXPECT_FALSE(IsReferenceKind("domain-name"));
}

TEST(PrepareObject, DerivesColumnsOrRejectsWithReason) {
  auto ok = PrepareObject(
      stix::Object(
          boost::json::parse(
              R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-02T00:00:00.000Z","created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"],"pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"})")
              .as_object()),
      {});
  ASSERT_TRUE(ok.ok) << ok.reason;
  EXPECT_EQ(ok.row.type, "indicator");
  EXPECT_EQ(ok.row.tlp, "red");
  EXPECT_EQ(ok.row.created_by, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff");
  EXPECT_EQ(ok.row.modified - ok.row.created, int64_t{86400} * 1000000);
  EXPECT_EQ(ok.row.modified_text, "2024-01-02T00:00:00.000Z");
  ASSERT_EQ(ok.row.observables.size(), 1u);
  EXPECT_EQ(ok.row.observables[0].value, "198.51.100.7");
  EXPECT_EQ(boost::json::parse(ok.row.json).as_object().at("pattern_type").as_string(), "stix");

  auto bad = PrepareObject(
      stix::Object(
          boost::json::parse(R"({"type":"indicator","id":"indicator--nope"})").as_object()),
      {});
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.reason.find("id"), std::string::npos) << bad.reason;
}

}  // namespace
}  // namespace ecrn::intel
