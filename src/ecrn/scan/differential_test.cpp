// The compiled matcher against the general evaluator (ReferenceMatcher) on
// a generated sample (fixed seed): indicators of every kind, networks,
// respellings, near misses and patterns only the evaluator handles; records
// with values drawn from the same pools. Every record must give the same
// (indicator, observable) hits on both.
#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "ecrn/scan/matcher.hpp"

namespace ecrn::scan {
namespace {

class Sample {
 public:
  explicit Sample(uint64_t seed) : rng_(seed) {
    for (int i = 0; i < 12; ++i) {
      domains_.push_back(Word() + "." + Word() + (i % 2 ? ".org" : ".example"));
      v4_.push_back("10." + Num(256) + "." + Num(256) + "." + Num(256));
      v4_.push_back("192.0.2." + Num(256));
      v6_.push_back("2001:db8:" + Hex(4) + "::" + Hex(3));
      urls_.push_back("http://" + domains_.back() + "/" + Word() + "?id=" + Num(100));
      emails_.push_back(Word() + "@" + domains_.back());
      md5_.push_back(Hex(32));
      sha1_.push_back(Hex(40));
      sha256_.push_back(Hex(64));
      sha512_.push_back(Hex(128));
    }
  }

  // A pattern of any shape the sensor meets.
  std::string Pattern() {
    switch (rng_() % 22) {
      case 0:
        return "[domain-name:value = '" + Variant(Pick(domains_)) + "']";
      case 1:
        return "[domain-name:value IN ('" + Variant(Pick(domains_)) + "', '" + Pick(domains_) +
               "')]";
      case 2:
        return "[ipv4-addr:value = '" + Pick(v4_) + "']";
      case 3:
        return "[ipv4-addr:value = '" + Pick(v4_) + "/" + std::to_string(8 + rng_() % 25) + "']";
      case 4:
        return "[ipv4-addr:value ISSUBSET '" + Pick(v4_) + "/" + std::to_string(rng_() % 33) + "']";
      case 5:
        return "[ipv6-addr:value = '" + Respell(Pick(v6_)) + "']";
      case 6:
        return "[ipv6-addr:value = '" + Pick(v6_) + "/" + std::to_string(32 + rng_() % 97) + "']";
      case 7:
        return "[url:value = '" + Variant(Pick(urls_)) + "']";
      case 8:
        return "[email-addr:value = '" + Variant(Pick(emails_)) + "'] OR [file:hashes.MD5 = '" +
               Variant(Pick(md5_)) + "']";
      case 9:
        return "[file:hashes.'SHA-1' = '" + Variant(Pick(sha1_)) +
               "' OR file:hashes.'SHA-256' = '" + Variant(Pick(sha256_)) + "']";
      case 10:
        return "[file:hashes.'SHA-512' IN ('" + Variant(Pick(sha512_)) + "')]";
      case 11:
        return "([domain-name:value = '" + Pick(domains_) + "'])";
      // Only the general evaluator:
      case 12:
        return "[domain-name:value = '" + Pick(domains_) + "' AND domain-name:value LIKE '%.org']";
      case 13:
        return "[domain-name:value != '" + Variant(Pick(domains_)) + "']";
      case 14:
        return "[domain-name:value MATCHES '^" + Pick(domains_).substr(0, 2) + "']";
      case 15:
        return "[domain-name:value = '" + Pick(domains_) +
               "' AND ipv4-addr:value ISSUBSET '10.0.0.0/8']";
      case 16:
        return "[domain-name:value = '" + Pick(domains_) + "'] FOLLOWEDBY [ipv4-addr:value = '" +
               Pick(v4_) + "']";
      case 17:
        return "[ipv4-addr:value NOT IN ('" + Pick(v4_) + "', '10.0.0.0/9')]";
      case 18:
        return "[url:value = '" + Pick(urls_) +
               "'] START t'2024-01-01T00:00:00Z' STOP t'2024-01-01T12:00:00Z'";
      case 19:
        return "[email-addr:value LIKE '%" + Pick(emails_).substr(Pick(emails_).find('@')) +
               "'] WITHIN 5 SECONDS";
      case 20:
        return "[ipv6-addr:value NOT = '" + Pick(v6_) + "/64']";
      default:
        return "[domain-name:value = '" + Pick(domains_) + "'] REPEATS 2 TIMES";
    }
  }

  // An observable: a pool value, a respelling, or a near miss.
  Observable Value(std::vector<std::string>& keep) {
    static constexpr Kind kKinds[] = {Kind::kDomain, Kind::kDomain, Kind::kIpv4,  Kind::kIpv4,
                                      Kind::kIpv6,   Kind::kUrl,    Kind::kEmail, Kind::kMd5,
                                      Kind::kSha1,   Kind::kSha256, Kind::kSha512};
    const Kind kind = kKinds[rng_() % std::size(kKinds)];
    std::string v;
    switch (kind) {
      case Kind::kDomain:
        v = NearMiss(Pick(domains_));
        break;
      case Kind::kIpv4:
        v = rng_() % 3 ? Pick(v4_) : "10." + Num(256) + "." + Num(256) + "." + Num(256);
        break;
      case Kind::kIpv6:
        v = rng_() % 4 ? Respell(Pick(v6_)) : "2001:db8:" + Hex(4) + ":1::" + Hex(2);
        break;
      case Kind::kUrl:
        v = NearMiss(Pick(urls_));
        break;
      case Kind::kEmail:
        v = Variant(Pick(emails_));
        break;
      case Kind::kMd5:
        v = Variant(Pick(md5_));
        break;
      case Kind::kSha1:
        v = Variant(Pick(sha1_));
        break;
      case Kind::kSha256:
        v = rng_() % 5 ? Variant(Pick(sha256_)) : Pick(sha256_).substr(1);
        break;
      default:
        v = Variant(Pick(sha512_));
        break;
    }
    keep.push_back(v);
    return {kind, {}};
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::string Num(int n) { return std::to_string(rng_() % n); }
  std::string Hex(int digits) {
    std::string out;
    for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[rng_() % 16];
    if (digits <= 4) out.erase(0, std::min(out.find_first_not_of('0'), out.size() - 1));
    return out;
  }
  std::string Word() {
    static constexpr const char* kWords[] = {"vote", "ballot", "x",      "bx",
                                             "poll", "count",  "results"};
    return kWords[rng_() % std::size(kWords)] + std::to_string(rng_() % 3);
  }
  const std::string& Pick(const std::vector<std::string>& pool) {
    return pool[rng_() % pool.size()];
  }

  // Case changes (and a trailing dot for domains).
  std::string Variant(std::string v) {
    if (rng_() % 3 == 0) {
      for (auto& c : v) {
        if (rng_() % 2) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
    }
    return v;
  }
  std::string NearMiss(const std::string& v) {
    switch (rng_() % 8) {
      case 0:
        return "b" + v;
      case 1:
        return "sub." + v;
      case 2:
        return "a.sub." + v;
      case 3:
        return v + ".";
      case 4:
        return v.substr(v.find('.') + 1);
      default:
        return Variant(v);
    }
  }
  std::string Respell(const std::string& v6) {
    // The full form with leading zeros, upper case, or as generated.
    switch (rng_() % 3) {
      case 0: {
        std::string head = v6.substr(0, v6.find("::"));
        std::string tail = v6.substr(v6.find("::") + 2);
        std::vector<std::string> groups;
        size_t start = 0;
        for (size_t c = head.find(':'); c != std::string::npos; c = head.find(':', start)) {
          groups.push_back(head.substr(start, c - start));
          start = c + 1;
        }
        groups.push_back(head.substr(start));
        while (groups.size() < 7) groups.push_back("0");
        groups.push_back(tail);
        std::string out;
        for (size_t i = 0; i < groups.size(); ++i) {
          out += (i ? ":" : "") + std::string(4 - groups[i].size(), '0') + groups[i];
        }
        return out;
      }
      case 1:
        return Variant(v6);
      default:
        return v6;
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> domains_, v4_, v6_, urls_, emails_, md5_, sha1_, sha256_, sha512_;
};

std::vector<std::pair<uint32_t, std::string>> Sorted(const std::vector<Hit>& hits) {
  std::vector<std::pair<uint32_t, std::string>> out;
  for (const Hit& h : hits) out.emplace_back(h.indicator, std::string(h.observable.value));
  std::sort(out.begin(), out.end());
  return out;
}

void RunDifferential(bool subdomains) {
  Sample sample(20241121);
  std::string json =
      R"({"type":"bundle","id":"bundle--11111111-1111-4111-8111-111111111111","objects":[)";
  constexpr int kIndicators = 120;
  for (int i = 0; i < kIndicators; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08x-0000-4000-8000-000000000000", i);
    json += std::string(i ? "," : "") + R"({"type":"indicator","id":")" + id +
            R"(","modified":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":")" +
            sample.Pattern() + "\"}";
  }
  json += "]}";
  LoadOptions load;
  load.keep_pattern_text = true;  // the reference evaluates the patterns as written
  auto loaded = LoadIndicatorJson(json, load);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  ASSERT_EQ(loaded->size(), size_t{kIndicators})
      << (loaded->stats().rejected.empty() ? "" : loaded->stats().rejected[0].reason);
  auto set = std::make_shared<const IndicatorSet>(std::move(*loaded));
  MatcherOptions options;
  options.subdomains = subdomains;
  const Matcher compiled = Matcher::Build(set, options);
  const ReferenceMatcher reference = ReferenceMatcher::Build(set, options);
  ASSERT_TRUE(compiled.stats().rejected.empty());
  EXPECT_GT(compiled.stats().lookups, 50u);
  EXPECT_GT(compiled.stats().fallback, 40u);

  const Micros base = ParseTimestamp("2024-01-01T06:00:00Z")->micros;
  size_t total = 0;
  size_t lookup_hits = 0;
  std::set<uint32_t> fallback_hit;
  for (int r = 0; r < 700; ++r) {
    std::vector<std::string> values;
    std::vector<Observable> observables;
    const int n = 1 + static_cast<int>(sample.rng()() % 4);
    for (int k = 0; k < n; ++k) observables.push_back(sample.Value(values));
    for (int k = 0; k < n; ++k) observables[k].value = values[k];
    Record record;
    record.source = "sample.log";
    record.line_no = static_cast<uint64_t>(r + 1);
    if (r % 3) record.timestamp = base + static_cast<Micros>(sample.rng()() % 86400) * 1'000'000;
    record.observables = observables;
    std::vector<Hit> a, b;
    compiled.Match(record, a, base);
    reference.Match(record, b, base);
    const auto sa = Sorted(a), sb = Sorted(b);
    if (sa != sb) {
      std::string detail;
      for (const auto& o : observables)
        detail += " " + std::string(KindName(o.kind)) + "=" + std::string(o.value);
      for (const auto& [i, v] : sa)
        detail += "\n compiled  " + std::to_string(i) + " " + set->PatternText(i) + " on " + v;
      for (const auto& [i, v] : sb)
        detail += "\n reference " + std::to_string(i) + " " + set->PatternText(i) + " on " + v;
      ADD_FAILURE() << "record " << r << ":" << detail;
      return;
    }
    total += sa.size();
    for (const auto& [i, v] : sa) {
      if (set->form(i) == IndicatorSet::Form::kGeneral) {
        fallback_hit.insert(i);
      } else {
        ++lookup_hits;
      }
    }
  }
  std::printf(
      "differential: %zu hits (%zu by lookups), %zu general indicators hit, %llu lookups, %llu "
      "fallback\n",
      total, lookup_hits, fallback_hit.size(),
      static_cast<unsigned long long>(compiled.stats().lookups),
      static_cast<unsigned long long>(compiled.stats().fallback));
  // The sample must exercise both paths, or agreeing says little.
  EXPECT_GT(lookup_hits, 300u);
  EXPECT_GT(fallback_hit.size(), 20u);
}

TEST(ScanDifferential, CompiledAgreesWithTheEvaluatorOnEveryRecord) { RunDifferential(false); }

TEST(ScanDifferential, CompiledAgreesWithTheEvaluatorWithSubdomains) { RunDifferential(true); }

}  // namespace
}  // namespace ecrn::scan
