#include "indicators.hpp"

#include <cstdio>
#include <iterator>
#include <stdexcept>
#include <string_view>

#include <boost/json/array.hpp>

#include "ecrn/core/time.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/sco_id.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::bench {
namespace {

namespace json = boost::json;

std::string Hex(std::mt19937_64& rng, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digits);
  uint64_t bits = 0;
  for (int i = 0; i < digits; ++i) {
    if (i % 16 == 0) bits = rng();
    out += kDigits[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

std::string UuidV4(std::mt19937_64& rng) {
  std::string h = Hex(rng, 32);
  h[12] = '4';
  h[16] = "89ab"[h[16] % 4];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

std::string Base36(uint64_t v) {
  std::string out;
  do {
    out += "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
    v /= 36;
  } while (v);
  return out;
}

template <size_t N>
std::string_view Pick(std::mt19937_64& rng, const std::string_view (&list)[N]) {
  return list[rng() % N];
}

constexpr std::string_view kWords[] = {
    "vote",    "ballot",   "poll",   "count",   "secure", "verify",   "update",  "official",
    "result",  "register", "portal", "civic",   "elect",  "citizen",  "support", "login",
    "account", "news",     "live",   "station", "voter",  "district", "county",  "tally"};
constexpr std::string_view kTlds[] = {"com", "net",    "org",  "info", "xyz",
                                      "top", "online", "site", "live", "co"};
constexpr std::string_view kPaths[] = {"login", "verify", "wp-admin", "download", "docs",
                                       "auth",  "secure", "update",   "form",     "invoice"};
constexpr std::string_view kFirstOctets[] = {"23",  "45",  "62",  "77",  "91",  "103",
                                             "141", "146", "176", "185", "193", "212"};

// The SCO kinds indicators point at, in rotation.
enum class Kind { kDomain, kIpv4, kIpv6, kUrl, kFileSha256, kEmail };
constexpr Kind kKinds[] = {Kind::kDomain, Kind::kIpv4,       Kind::kUrl,
                           Kind::kIpv6,   Kind::kFileSha256, Kind::kEmail};

struct Sco {
  std::string type;
  std::string pattern;
  json::object json;
  std::string_view name;
};

// A domain unique for `j`.
std::string Domain(std::mt19937_64& rng, uint64_t j) {
  return std::string(Pick(rng, kWords)) + "-" + std::string(Pick(rng, kWords)) + "-" + Base36(j) +
         "." + std::string(Pick(rng, kTlds));
}

// One SCO (unique per `j`, the running index) and the pattern that names it.
Sco MakeSco(std::mt19937_64& rng, Kind kind, uint64_t j) {
  Sco s;
  std::string value;
  switch (kind) {
    case Kind::kDomain:
      s.type = "domain-name";
      value = Domain(rng, j);
      s.name = "Phishing domain impersonating an election authority";
      break;
    case Kind::kIpv4: {
      // The low 24 bits are a bijection of j, so addresses never repeat.
      const uint32_t low = static_cast<uint32_t>(j * 0x9E3779u) & 0xFFFFFFu;
      s.type = "ipv4-addr";
      value = std::string(Pick(rng, kFirstOctets)) + "." + std::to_string(low >> 16) + "." +
              std::to_string((low >> 8) & 0xFF) + "." + std::to_string(low & 0xFF);
      s.name = "Scanner probing a voter registration portal";
      break;
    }
    case Kind::kIpv6: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "2a0%x:%x:%x:%x::%x", static_cast<unsigned>(rng() % 10),
                    static_cast<unsigned>(rng() & 0xFFFF),
                    static_cast<unsigned>((j >> 16) & 0xFFFF), static_cast<unsigned>(j & 0xFFFF),
                    static_cast<unsigned>(1 + rng() % 0xFFFE));
      s.type = "ipv6-addr";
      value = buf;
      s.name = "Command-and-control server (IPv6)";
      break;
    }
    case Kind::kUrl:
      s.type = "url";
      value = std::string(rng() % 4 ? "https://" : "http://") + Domain(rng, j) + "/" +
              std::string(Pick(rng, kPaths)) + "/" + Hex(rng, 8) + ".php?session=" + Hex(rng, 12);
      s.name = "Credential-harvesting URL aimed at poll workers";
      break;
    case Kind::kFileSha256: {
      s.type = "file";
      std::string hash = Hex(rng, 64);
      s.pattern = "[file:hashes.'SHA-256' = '" + hash + "']";
      s.json = {{"type", "file"},
                {"spec_version", "2.1"},
                {"id", ""},
                {"hashes", {{"SHA-256", hash}}},
                {"name", "ballot-update-" + Base36(j) + ".docm"}};
      s.name = "Malicious document attached to results-day phishing";
      break;
    }
    case Kind::kEmail:
      s.type = "email-addr";
      value = std::string(Pick(rng, kWords)) + "." + Base36(j) + "@" + Domain(rng, j);
      s.name = "Spear-phishing sender address";
      break;
  }
  if (s.json.empty()) {
    s.pattern = "[" + s.type + ":value = '" + value + "']";
    s.json = {{"type", s.type}, {"spec_version", "2.1"}, {"id", ""}, {"value", value}};
  }
  auto id = stix::DeterministicScoId(stix::Object(s.json));
  // The generated SCOs always have the properties their ids are derived from.
  if (!id) throw std::logic_error("no deterministic id for a generated " + s.type);
  s.json["id"] = *id;
  return s;
}

}  // namespace

IndicatorGenerator::IndicatorGenerator(uint64_t seed, uint64_t first_index)
    : rng_(seed), index_(first_index) {
  const std::string created =
      FormatTimestamp(ParseTimestamp("2024-01-15T08:00:00.000Z")->micros, 3);
  identity_ = {{"type", "identity"},
               {"spec_version", "2.1"},
               {"id", "identity--" + UuidV4(rng_)},
               {"created", created},
               {"modified", created},
               {"name", "ECRN Benchmark Election Commission CERT"},
               {"identity_class", "organization"},
               {"sectors", {"government"}}};
}

std::string IndicatorGenerator::NextUuid() { return UuidV4(rng_); }

IndicatorGenerator::Pair IndicatorGenerator::Next() {
  constexpr stix::Tlp kTlps[] = {stix::Tlp::kClear, stix::Tlp::kGreen, stix::Tlp::kAmber,
                                 stix::Tlp::kAmberStrict};
  constexpr std::string_view kIndicatorTypes[] = {"malicious-activity", "compromised",
                                                  "anomalous-activity", "attribution"};
  const Micros base = ParseTimestamp("2024-01-15T08:00:00.000Z")->micros;
  const uint64_t i = index_++;
  const Kind kind = kKinds[i % std::size(kKinds)];
  Sco sco = MakeSco(rng_, kind, i);
  const Micros created = base + static_cast<Micros>(i) * 37'000'000 + (rng_() % 1000) * 1000;
  const Micros modified = created + (rng_() % 3 == 0 ? (rng_() % 86'400'000) * 1000 : 0);
  const std::string created_text = FormatTimestamp(created, 3);
  Pair p;
  // (A braced list is evaluated in order: the random draws keep their order.)
  p.indicator = {
      {"type", "indicator"},
      {"spec_version", "2.1"},
      {"id", "indicator--" + UuidV4(rng_)},
      {"created_by_ref", identity_.at("id")},
      {"created", created_text},
      {"modified", FormatTimestamp(modified, 3)},
      {"name", sco.name},
      {"description", "Observed during the 2024 general election; reported by a member CERT."},
      {"indicator_types", {Pick(rng_, kIndicatorTypes)}},
      {"pattern", sco.pattern},
      {"pattern_type", "stix"},
      {"pattern_version", "2.1"},
      {"valid_from", created_text},
      {"confidence", static_cast<int64_t>(50 + rng_() % 50)},
      {"object_marking_refs", {stix::TlpMarkingId(kTlps[rng_() % std::size(kTlps)])}}};
  p.sco = std::move(sco.json);
  return p;
}

}  // namespace ecrn::bench
