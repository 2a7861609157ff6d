// Tests of pattern evaluation against observed-data: every operator and
// literal type matching and not matching, type mismatches, missing and empty
// properties, list indexes, reference traversal (2.1 object_refs and 2.0
// embedded objects), and the observation operators and qualifiers.
#include "ecrn/pattern/evaluate.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/stix/object.hpp"

namespace ecrn::pattern {
namespace {

// A 2.0-style observed-data with embedded objects (a JSON object text).
std::string Obs20(const std::string& id, const std::string& first, const std::string& objects,
                  int number = 1, const std::string& last = "") {
  return R"({"type":"observed-data","id":"observed-data--)" + id + R"(","first_observed":")" +
         first + R"(","last_observed":")" + (last.empty() ? first : last) +
         R"(","number_observed":)" + std::to_string(number) + R"(,"objects":)" + objects + "}";
}

std::vector<stix::Object> Doc(const std::vector<std::string>& objects) {
  std::string text = "[";
  for (size_t i = 0; i < objects.size(); ++i) text += (i ? "," : "") + objects[i];
  text += "]";
  auto doc = stix::ParseDocument(text);
  EXPECT_TRUE(doc.ok()) << text;
  return doc.ok() ? doc->objects : std::vector<stix::Object>{};
}

MatchResult Evaluate(const std::string& pattern, const std::vector<stix::Object>& objects) {
  auto p = CompiledPattern::Compile(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << (p.ok() ? "" : p.error().message);
  if (!p.ok()) return {};
  return p->Match(objects);
}

bool Matches(const std::string& pattern, const std::vector<stix::Object>& objects) {
  return Evaluate(pattern, objects).matched;
}

constexpr const char* kT0 = "2024-05-01T10:00:00Z";

// One observation holding a file, an address, a network flow and an e-mail.
std::vector<stix::Object> Sample() {
  return Doc({Obs20("00000000-0000-4000-8000-000000000001", kT0, R"({
    "0": {"type": "file", "name": "report.exe", "size": 2048, "name_enc": "",
          "hashes": {"SHA-256": "ab12", "MD5": "cd34"}, "ratio": 0.75,
          "mime_type": "", "is_encrypted": true, "magic_number_hex": "4D5A",
          "created": "2024-04-30T08:00:00.000Z",
          "extensions": {"windows-pebinary-ext": {"sections": [
              {"name": ".text", "entropy": 6.2}, {"name": ".rsrc", "entropy": 7.9}]}},
          "x_tags": ["alpha", "beta"]},
    "1": {"type": "ipv4-addr", "value": "198.51.100.7"},
    "2": {"type": "ipv6-addr", "value": "2001:db8:1::5"},
    "3": {"type": "email-addr", "value": "mallory@example.com"},
    "4": {"type": "email-addr", "value": "alice@example.org"},
    "5": {"type": "email-message", "is_multipart": false, "subject": "Résultats du vote",
          "from_ref": "3", "to_refs": ["4", "3"]},
    "6": {"type": "network-traffic", "src_ref": "1", "dst_port": 443,
          "protocols": ["ipv4", "tcp"]},
    "7": {"type": "artifact", "payload_bin": "aGVsbG8gd29ybGQ="},
    "8": {"type": "ipv4-addr", "value": "10.1.0.0/16"}
  })")});
}

struct Case {
  std::string pattern;
  bool expected;
};

void ExpectAll(const std::vector<Case>& cases, const std::vector<stix::Object>& objects) {
  for (const auto& c : cases) {
    EXPECT_EQ(Matches(c.pattern, objects), c.expected) << c.pattern;
  }
}

TEST(Evaluate, EqualityAndInequality) {
  ExpectAll({{"[file:name = 'report.exe']", true},
             {"[file:name = 'report.EXE']", false},
             {"[file:name != 'other.exe']", true},
             {"[file:name != 'report.exe']", false},
             {"[file:name NOT = 'report.exe']", false},
             {"[file:name NOT = 'other']", true},
             {"[file:size = 2048]", true},
             {"[file:size = 2048.0]", true},
             {"[file:size = 2049]", false},
             {"[file:ratio = 0.75]", true},
             {"[file:is_encrypted = true]", true},
             {"[file:is_encrypted = false]", false},
             {"[email-message:is_multipart = false]", true},
             {"[file:mime_type = '']", true},  // empty but present
             {"[file:mime_type != 'x']", true}},
            Sample());
}

TEST(Evaluate, Ordering) {
  ExpectAll({{"[file:size > 2000]", true},
             {"[file:size > 2048]", false},
             {"[file:size >= 2048]", true},
             {"[file:size < 2048]", false},
             {"[file:size <= 2048]", true},
             {"[file:size < 2048.5]", true},
             {"[file:size NOT < 4096]", false},
             {"[file:ratio < 1]", true},
             {"[file:ratio > 0.8]", false},
             {"[file:name > 'a']", true},  // code point order
             {"[file:name < 'a']", false},
             {"[file:created > t'2024-04-30T07:59:59Z']", true},
             {"[file:created < t'2024-04-30T07:59:59Z']", false},
             {"[file:created = t'2024-04-30T08:00:00Z']", true}},
            Sample());
}

TEST(Evaluate, SetMembership) {
  ExpectAll({{"[file:size IN (1, 2048, 3)]", true},
             {"[file:size IN (1, 2, 3)]", false},
             {"[file:name IN ('a', 'report.exe')]", true},
             {"[file:name NOT IN ('a', 'b')]", true},
             {"[file:name NOT IN ('report.exe')]", false},
             {"[file:name IN ()]", false},
             {"[file:name NOT IN ()]", true},
             {"[file:name IN (1, 2)]", false},  // no value of the property's type
             {"[file:name NOT IN (1, 2)]", false}},
            Sample());
}

TEST(Evaluate, LikeAndMatches) {
  ExpectAll({{"[file:name LIKE 'report.%']", true},
             {"[file:name LIKE 'rep_rt.exe']", true},
             {"[file:name LIKE 'report']", false},
             {"[file:name NOT LIKE '%.dll']", true},
             {"[file:name NOT LIKE '%.exe']", false},
             {"[email-message:subject LIKE 'R_sultats%']", true},
             {"[file:name MATCHES '^rep.*\\\\.exe$']", true},
             {"[file:name MATCHES '^\\\\.exe']", false},
             {"[file:name NOT MATCHES 'dll$']", true},
             {"[email-message:subject MATCHES '^R\\\\w\\\\wsultats']", false},
             {"[email-message:subject MATCHES '^R\\\\wsultats']", true},  // é is one \w
             {"[artifact:payload_bin MATCHES '^hello w']", true},  // binary: the decoded bytes
             {"[artifact:payload_bin MATCHES '^aGVs']", false},
             {"[file:size LIKE '2048']", false},  // not a string
             {"[file:size MATCHES '2048']", false}},
            Sample());
}

TEST(Evaluate, UnicodeNormalisation) {
  // The observed subject is composed (é = U+00E9); the pattern writes it
  // decomposed (e + U+0301): equal after NFC.
  ExpectAll({{"[email-message:subject = 'Re\xCC\x81sultats du vote']", true},
             {"[email-message:subject LIKE 'Re\xCC\x81sultats%']", true},
             {"[email-message:subject = 'Resultats du vote']", false}},
            Sample());
}

TEST(Evaluate, CidrSubsetAndSuperset) {
  ExpectAll({{"[ipv4-addr:value ISSUBSET '198.51.100.0/24']", true},
             {"[ipv4-addr:value ISSUBSET '198.51.101.0/24']", false},
             {"[ipv4-addr:value NOT ISSUBSET '203.0.113.0/24']", true},
             {"[ipv4-addr:value ISSUBSET '10.0.0.0/8']", true},  // 10.1.0.0/16 in 10/8
             {"[ipv4-addr:value ISSUPERSET '10.1.2.3']", true},
             {"[ipv4-addr:value ISSUPERSET '10.2.0.0/16']", false},
             {"[ipv6-addr:value ISSUBSET '2001:db8::/32']", true},
             {"[ipv6-addr:value ISSUBSET '2001:db8:2::/48']", false},
             {"[ipv6-addr:value ISSUBSET '198.51.100.0/24']", false},
             {"[file:name ISSUBSET '0.0.0.0/0']", false}},  // not an address
            Sample());
}

TEST(Evaluate, BinaryAndHexLiterals) {
  ExpectAll({{"[artifact:payload_bin = b'aGVsbG8gd29ybGQ=']", true},
             {"[artifact:payload_bin = h'68656c6c6f20776f726c64']", true},
             {"[artifact:payload_bin = h'68656c6c6f']", false},
             {"[artifact:payload_bin > h'68']", true},
             {"[file:magic_number_hex = h'4d5a']", true},
             {"[file:magic_number_hex = b'TVo=']", true},
             {"[file:magic_number_hex = h'4d5b']", false},
             {"[file:name = h'7265706f72742e657865']", true},  // text property: its UTF-8 bytes
             {"[file:size = h'00']", false}},
            Sample());
}

TEST(Evaluate, ExistsMissingAndMismatchedTypes) {
  ExpectAll({{"[EXISTS file:name]", true},
             {"[EXISTS file:mime_type]", true},
             {"[EXISTS file:nothing]", false},
             {"[NOT EXISTS file:nothing]", true},
             {"[NOT EXISTS file:name]", false},
             {"[NOT EXISTS x-absent:anything]", false},  // no such object at all
             {"[file:nothing = 'x']", false},
             {"[file:nothing != 'x']", false},
             {"[file:nothing NOT = 'x']", false},
             {"[file:size = '2048']", false},
             {"[file:size != '2048']", false},
             {"[file:name = 5]", false},
             {"[file:name NOT > 5]", false},
             {"[file:is_encrypted = 'true']", false},
             {"[file:created = 'nope']", false},
             {"[file:name > t'2024-01-01T00:00:00Z']", false}},
            Sample());
}

TEST(Evaluate, PathsIndexesAndDictionaries) {
  ExpectAll({{"[file:hashes.'SHA-256' = 'ab12']", true},
             {"[file:hashes.MD5 = 'cd34']", true},
             {"[file:hashes.'SHA-1' = 'ab12']", false},
             {"[file:x_tags[0] = 'alpha']", true},
             {"[file:x_tags[1] = 'alpha']", false},
             {"[file:x_tags[2] = 'alpha']", false},  // out of range
             {"[file:x_tags[*] = 'beta']", true},
             {"[file:x_tags[*] = 'gamma']", false},
             {"[file:x_tags = 'alpha']", false},  // a list is not a string
             {"[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.5]", true},
             {"[file:extensions.'windows-pebinary-ext'.sections[0].entropy > 7.5]", false},
             {"[file:extensions.'windows-pebinary-ext'.sections[1].name = '.rsrc']", true},
             {"[network-traffic:protocols[*] = 'tcp']", true},
             {"[network-traffic:protocols[0] = 'tcp']", false}},
            Sample());
}

TEST(Evaluate, ReferenceTraversal20) {
  ExpectAll({{"[email-message:from_ref.value = 'mallory@example.com']", true},
             {"[email-message:from_ref.value = 'alice@example.org']", false},
             {"[email-message:to_refs[*].value = 'alice@example.org']", true},
             {"[email-message:to_refs[0].value = 'mallory@example.com']", false},
             {"[email-message:to_refs[1].value = 'mallory@example.com']", true},
             {"[network-traffic:src_ref.value ISSUBSET '198.51.100.0/24']", true},
             {"[network-traffic:dst_ref.value = '198.51.100.7']", false},
             {"[email-message:from_ref = '3']", true}},  // the reference itself
            Sample());
}

TEST(Evaluate, ReferenceTraversal21ObjectRefs) {
  auto objects = Doc({
      R"({"type":"email-addr","id":"email-addr--a1","value":"mallory@example.com"})",
      R"({"type":"email-addr","id":"email-addr--a2","value":"eve@example.com"})",
      R"({"type":"email-message","id":"email-message--m1","is_multipart":false,
          "from_ref":"email-addr--a1","to_refs":["email-addr--a2"]})",
      R"({"type":"observed-data","id":"observed-data--o1","first_observed":"2024-05-01T00:00:00Z",
          "last_observed":"2024-05-01T00:00:00Z","number_observed":1,
          "object_refs":["email-message--m1","email-addr--a1","email-addr--missing"]})",
  });
  ExpectAll({{"[email-message:from_ref.value = 'mallory@example.com']", true},
             // email-addr--a2 is not in this observed-data's object_refs.
             {"[email-message:to_refs[*].value = 'eve@example.com']", false},
             {"[email-addr:value = 'mallory@example.com']", true},
             {"[email-addr:value = 'eve@example.com']", false}},
            objects);
  auto r = Evaluate("[email-addr:value = 'mallory@example.com']", objects);
  EXPECT_EQ(r.observed_data_ids, std::vector<std::string>{"observed-data--o1"});
}

TEST(Evaluate, ComparisonsOnOneTypeMustHoldForOneObject) {
  auto objects = Doc({Obs20("00000000-0000-4000-8000-000000000002", kT0, R"({
    "0": {"type": "file", "name": "a.exe", "size": 1},
    "1": {"type": "file", "name": "b.exe", "size": 5},
    "2": {"type": "domain-name", "value": "example.com"}})")});
  ExpectAll({{"[file:name = 'a.exe' AND file:size = 5]", false},
             {"[file:name = 'b.exe' AND file:size = 5]", true},
             {"[file:name = 'a.exe' OR file:size = 5]", true},
             {"[file:name = 'a.exe' AND domain-name:value = 'example.com']", true},
             {"[file:name = 'a.exe' AND domain-name:value = 'example.org']", false},
             {"[(file:name = 'a.exe' OR file:name = 'b.exe') AND file:size = 1]", true},
             {"[file:name = 'zzz' OR domain-name:value = 'example.com']", true}},
            objects);
}

// Three observations a minute apart: file x at 10:00 (seen twice), domain
// at 10:01, file y at 10:02.
std::vector<stix::Object> Timeline() {
  return Doc({
      Obs20("00000000-0000-4000-8000-00000000000a", "2024-05-01T10:00:00Z",
            R"({"0": {"type": "file", "name": "x"}})", 2, "2024-05-01T10:00:10Z"),
      Obs20("00000000-0000-4000-8000-00000000000b", "2024-05-01T10:01:00Z",
            R"({"0": {"type": "domain-name", "value": "evil.example"}})"),
      Obs20("00000000-0000-4000-8000-00000000000c", "2024-05-01T10:02:00Z",
            R"({"0": {"type": "file", "name": "y"}})"),
  });
}

TEST(Evaluate, ObservationOperators) {
  ExpectAll({{"[file:name = 'x'] AND [domain-name:value = 'evil.example']", true},
             {"[file:name = 'x'] AND [file:name = 'nope']", false},
             // AND needs two different observations.
             {"[file:name = 'x'] AND [file:name = 'x']", false},
             {"[file:name = 'x'] AND [file:name = 'y']", true},
             {"[file:name = 'nope'] OR [file:name = 'y']", true},
             {"[file:name = 'nope'] OR [file:name = 'nope2']", false},
             {"[file:name = 'x'] FOLLOWEDBY [file:name = 'y']", true},
             {"[file:name = 'y'] FOLLOWEDBY [file:name = 'x']", false},
             {"[file:name = 'x'] FOLLOWEDBY [domain-name:value = 'evil.example'] FOLLOWEDBY "
              "[file:name = 'y']",
              true},
             {"[domain-name:value = 'evil.example'] FOLLOWEDBY [file:name = 'x'] FOLLOWEDBY "
              "[file:name = 'y']",
              false},
             // AND binds tighter than OR, OR tighter than FOLLOWEDBY.
             {"[file:name = 'y'] FOLLOWEDBY [file:name = 'nope'] OR [file:name = 'x']", false},
             {"[file:name = 'x'] FOLLOWEDBY [file:name = 'nope'] OR [file:name = 'y']", true}},
            Timeline());
}

TEST(Evaluate, Qualifiers) {
  ExpectAll(
      {{"([file:name = 'x'] AND [file:name = 'y']) WITHIN 120 SECONDS", true},
       {"([file:name = 'x'] AND [file:name = 'y']) WITHIN 119 SECONDS", false},
       {"([file:name = 'x'] FOLLOWEDBY [domain-name:value = 'evil.example']) WITHIN 60.0 "
        "SECONDS",
        true},
       {"[file:name = 'x'] WITHIN 9.5 SECONDS", false},  // spans 10 s by itself
       {"[file:name = 'x'] WITHIN 10 SECONDS", true},
       {"[file:name = 'y'] START t'2024-05-01T10:02:00Z' STOP t'2024-05-01T10:03:00Z'", true},
       {"[file:name = 'y'] START t'2024-05-01T10:00:00Z' STOP t'2024-05-01T10:02:00Z'", false},
       {"[file:name = 'y'] START t'2024-05-01T10:02:00.001Z' STOP t'2024-05-02T00:00:00Z'", false},
       // number_observed 2 counts as two occurrences.
       {"[file:name = 'x'] REPEATS 2 TIMES", true},
       {"[file:name = 'x'] REPEATS 3 TIMES", false},
       {"[file:name = 'y'] REPEATS 2 TIMES", false},
       {"[file:name LIKE '%'] REPEATS 3 TIMES", true},
       {"[file:name LIKE '%'] REPEATS 3 TIMES WITHIN 60 SECONDS", false},
       {"[file:name LIKE '%'] REPEATS 3 TIMES WITHIN 120 SECONDS", true},
       {"([file:name LIKE '%'] REPEATS 2 TIMES) FOLLOWEDBY [domain-name:value = "
        "'evil.example']",
        true}},
      Timeline());
}

TEST(Evaluate, MatchingIdsAndInputsWithoutObservations) {
  auto r = Evaluate("[file:name = 'x'] OR [file:name = 'y']", Timeline());
  EXPECT_TRUE(r.matched);
  EXPECT_EQ(r.observed_data_ids,
            (std::vector<std::string>{"observed-data--00000000-0000-4000-8000-00000000000a",
                                      "observed-data--00000000-0000-4000-8000-00000000000c"}));
  // A bare SCO outside any observed-data is not an observation.
  auto bare = Doc({R"({"type":"file","id":"file--1","name":"x"})"});
  EXPECT_FALSE(Matches("[file:name = 'x']", bare));
  // Observed-data without valid timestamps is skipped.
  auto untimed = Doc({R"({"type":"observed-data","id":"observed-data--u","first_observed":"x",
      "last_observed":"y","number_observed":1,"objects":{"0":{"type":"file","name":"x"}}})"});
  EXPECT_FALSE(Matches("[file:name = 'x']", untimed));
  EXPECT_FALSE(Matches("[file:name = 'x']", {}));
}

TEST(Evaluate, CompileRejectsInvalidPatterns) {
  auto bad = CompiledPattern::Compile("[file:name = 'a'] REPEATS 0 TIMES");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "column 27: REPEATS needs a positive integer");
  std::string wide = "[";
  for (int i = 0; i < 13; ++i) {
    wide += std::string(i ? " AND " : "") + "(file:a = 1 OR file:b = 2)";
  }
  wide += "]";
  auto complex = CompiledPattern::Compile(wide);
  ASSERT_FALSE(complex.ok());
  EXPECT_NE(complex.error().message.find("more than 4096 alternatives"), std::string::npos);
}

}  // namespace
}  // namespace ecrn::pattern
