#include "ecrn/scan/matcher.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include <boost/json/object.hpp>

#include "ecrn/pattern/evaluate.hpp"
#include "ecrn/scan/normalise.hpp"
#include "ecrn/scan/reading.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::scan {
namespace {

namespace json = boost::json;

__extension__ using Uint128 = unsigned __int128;

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint32_t kChainFlag = 0x80000000U;
constexpr int kTypeCount = 6;  // ipv4-addr, ipv6-addr, domain-name, url, email-addr, file

int TypeBit(Kind kind) {
  const int k = static_cast<int>(kind);
  return k < 5 ? k : 5;
}

int TypeBitOfName(std::string_view type) {
  static constexpr std::string_view kTypes[kTypeCount] = {"ipv4-addr", "ipv6-addr",  "domain-name",
                                                          "url",       "email-addr", "file"};
  for (int i = 0; i < kTypeCount; ++i) {
    if (kTypes[i] == type) return i;
  }
  return -1;
}

void CollectTypes(const pattern::ComparisonExpr& e, uint8_t& mask) {
  if (e.kind == pattern::ComparisonExpr::Kind::kComparison) {
    if (int b = TypeBitOfName(e.comparison.path.type); b >= 0) mask |= 1U << b;
    return;
  }
  for (const auto& o : e.operands) CollectTypes(o, mask);
}

void CollectTypes(const pattern::ObservationExpr& e, uint8_t& mask) {
  if (e.kind == pattern::ObservationExpr::Kind::kSimple) return CollectTypes(e.comparison, mask);
  for (const auto& o : e.operands) CollectTypes(o, mask);
}

// Calls f(parent) for each parent domain of a domain key ("b.x.org" and
// "x.org" and "org" for "a.b.x.org").
template <typename F>
void ForEachParent(std::string_view domain, F&& f) {
  for (size_t dot = domain.find('.'); dot != std::string_view::npos;
       dot = domain.find('.', dot + 1)) {
    if (dot + 1 < domain.size()) f(domain.substr(dot + 1));
  }
}

std::string_view HashName(Kind kind) {
  const std::string_view path = ObjectPathOf(kind);  // file:hashes.'SHA-256' / file:hashes.MD5
  std::string_view name = path.substr(path.find('.') + 1);
  if (name.front() == '\'') name = name.substr(1, name.size() - 2);
  return name;
}

// The observations of one record for the general evaluator, built on first use.
class Observations {
 public:
  Observations(const Record& record, Micros time, bool subdomains)
      : record_(record), subdomains_(subdomains) {
    time_ = FormatTimestamp(record.timestamp.value_or(time), 6);
    KeyBuffer key;
    for (size_t j = 0; j < record.observables.size(); ++j) {
      const Observable& o = record.observables[j];
      if (!ObservedKey(o.kind, o.value, key)) continue;
      valid_.push_back({j, KeyText(o.kind, key.view())});
    }
    single_.resize(valid_.size());
  }

  struct Valid {
    size_t index;  // in the record
    std::string text;
  };
  const std::vector<Valid>& valid() const { return valid_; }
  const Record& record() const { return record_; }

  std::span<const stix::Object> Whole() {
    if (!whole_) {
      std::vector<const Valid*> all;
      for (const Valid& v : valid_) all.push_back(&v);
      whole_ = Build(all);
    }
    return {&*whole_, 1};
  }

  std::span<const stix::Object> Single(size_t v) {
    if (!single_[v]) single_[v] = Build({&valid_[v]});
    return {&*single_[v], 1};
  }

 private:
  void AddSco(Kind kind, std::string_view text, json::object& objects) {
    json::object sco;
    if (kind >= Kind::kMd5) {
      sco["type"] = "file";
      json::object hashes;
      hashes[HashName(kind)] = text;
      sco["hashes"] = std::move(hashes);
    } else {
      sco["type"] = ScoTypeOf(kind);
      sco["value"] = text;
    }
    objects[std::to_string(objects.size())] = std::move(sco);
  }

  stix::Object Build(const std::vector<const Valid*>& observables) {
    json::object objects;
    for (const Valid* v : observables) {
      const Kind kind = record_.observables[v->index].kind;
      AddSco(kind, v->text, objects);
      if (kind == Kind::kDomain && subdomains_) {
        ForEachParent(v->text, [&](std::string_view parent) { AddSco(kind, parent, objects); });
      }
    }
    json::object od;
    od["type"] = "observed-data";
    od["id"] = "observed-data--00000000-0000-4000-8000-000000000000";
    od["first_observed"] = time_;
    od["last_observed"] = time_;
    od["number_observed"] = 1;
    od["objects"] = std::move(objects);
    return stix::Object(std::move(od));
  }

  const Record& record_;
  bool subdomains_;
  std::string time_;
  std::vector<Valid> valid_;
  std::optional<stix::Object> whole_;
  std::vector<std::optional<stix::Object>> single_;
};

// A pattern for the general evaluator and the SCO types it names.
struct General {
  uint32_t indicator = 0;
  uint8_t types = 0;
  pattern::CompiledPattern pattern;
};

// Compiles indicator i's pattern as the sensor reads it.
Result<General> CompileGeneral(const IndicatorSet& set, uint32_t i) {
  ECRN_ASSIGN_OR_RETURN(pattern::Pattern p, ReadPattern(set.PatternText(i)));
  uint8_t types = 0;
  CollectTypes(p.root, types);
  ECRN_ASSIGN_OR_RETURN(pattern::CompiledPattern compiled,
                        pattern::CompiledPattern::Compile(std::move(p)));
  return General{i, types, std::move(compiled)};
}

// The Hit rule for a general pattern: nullopt when it does not match, else
// the record index of the observable to report.
std::optional<size_t> EvaluateGeneral(const General& g, Observations& obs) {
  if (!g.pattern.Match(obs.Whole()).matched) return std::nullopt;
  const auto& valid = obs.valid();
  auto named = [&](size_t v) {
    return (g.types >> TypeBit(obs.record().observables[valid[v].index].kind)) & 1U;
  };
  for (size_t v = 0; v < valid.size(); ++v) {
    if (named(v) && g.pattern.Match(obs.Single(v)).matched) return valid[v].index;
  }
  for (size_t v = 0; v < valid.size(); ++v) {
    if (named(v)) return valid[v].index;
  }
  return std::nullopt;
}

void AddHit(std::vector<Hit>& out, size_t start, uint32_t indicator, const Observable& o) {
  for (size_t k = start; k < out.size(); ++k) {
    if (out[k].indicator == indicator) return;
  }
  out.push_back({indicator, o});
}

// Open addressing over 64-bit hashes of keys that live in the IndicatorSet's
// arena. A slot holds the key's tag (hash bits), offset and length, and
// either its one indicator or (kChainFlag) the head of a chain.
class Table {
 public:
  struct Slot {
    uint32_t tag = 0;
    uint32_t offset = 0;
    uint32_t len = 0;
    uint32_t value = kNone;
  };
  struct Link {
    uint32_t indicator;
    uint32_t next;
  };

  void Reserve(size_t keys, const char* arena) {
    arena_ = arena;
    slots_.assign(std::max<size_t>(16, keys + keys / 4 + 1), Slot{});
  }

  void Insert(std::string_view key, uint32_t offset, uint32_t indicator) {
    const uint64_t h = HashBytes(key);
    for (size_t i = Index(h);; i = Next(i)) {
      Slot& s = slots_[i];
      if (s.value == kNone) {
        s = {Tag(h), offset, static_cast<uint32_t>(key.size()), indicator};
        ++keys_;
        return;
      }
      if (s.tag == Tag(h) && KeyOf(s) == key) {
        const uint32_t head = (s.value & kChainFlag) ? s.value & ~kChainFlag : Push(s.value, kNone);
        s.value = Push(indicator, head) | kChainFlag;
        return;
      }
    }
  }

  // Calls f(indicator) for each indicator of `key`.
  template <typename F>
  void Find(std::string_view key, F&& f) const {
    if (keys_ == 0) return;
    const uint64_t h = HashBytes(key);
    for (size_t i = Index(h);; i = Next(i)) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return;
      if (s.tag != Tag(h) || s.len != key.size() ||
          std::memcmp(arena_ + s.offset, key.data(), key.size()) != 0) {
        continue;
      }
      if (!(s.value & kChainFlag)) return f(s.value);
      for (uint32_t l = s.value & ~kChainFlag; l != kNone; l = links_[l].next) {
        f(links_[l].indicator);
      }
      return;
    }
  }

  size_t keys() const { return keys_; }
  size_t MemoryBytes() const {
    return slots_.capacity() * sizeof(Slot) + links_.capacity() * sizeof(Link);
  }

 private:
  static uint32_t Tag(uint64_t h) { return static_cast<uint32_t>(h >> 32); }
  size_t Index(uint64_t h) const {
    return static_cast<size_t>((static_cast<Uint128>(h) * slots_.size()) >> 64);
  }
  size_t Next(size_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }
  std::string_view KeyOf(const Slot& s) const { return {arena_ + s.offset, s.len}; }
  uint32_t Push(uint32_t indicator, uint32_t next) {
    links_.push_back({indicator, next});
    return static_cast<uint32_t>(links_.size() - 1);
  }

  const char* arena_ = nullptr;
  std::vector<Slot> slots_;
  std::vector<Link> links_;
  size_t keys_ = 0;
};

}  // namespace

// --- Matcher ------------------------------------------------------------------

struct Matcher::State {
  std::shared_ptr<const IndicatorSet> set;
  MatcherOptions options;
  MatcherStats stats;
  std::array<Table, kKindCount> tables;
  // Prefix lengths with networks in the ipv4 / ipv6 table, longest first.
  std::vector<uint8_t> v4_prefixes, v6_prefixes;
  std::vector<General> general;
  std::array<std::vector<uint32_t>, kTypeCount> general_by_type;  // indexes into general

  template <typename F>
  void LookupIp(Kind kind, std::string_view key, F&& f) const {
    const auto& prefixes = kind == Kind::kIpv4 ? v4_prefixes : v6_prefixes;
    const size_t bytes = key.size() - 1;
    std::array<char, 17> masked{};
    for (uint8_t prefix : prefixes) {
      for (size_t i = 0; i < bytes; ++i) {
        const int bits = prefix - static_cast<int>(8 * i);
        const auto mask = bits >= 8   ? uint8_t{0xFF}
                          : bits <= 0 ? uint8_t{0}
                                      : static_cast<uint8_t>(0xFF << (8 - bits));
        masked[i] = static_cast<char>(static_cast<uint8_t>(key[i]) & mask);
      }
      masked[bytes] = static_cast<char>(prefix);
      tables[static_cast<size_t>(kind)].Find({masked.data(), bytes + 1}, f);
    }
  }
};

Matcher::Matcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;
Matcher::~Matcher() = default;

Matcher Matcher::Build(std::shared_ptr<const IndicatorSet> indicators,
                       const MatcherOptions& options) {
  auto st = std::make_unique<State>();
  st->options = options;
  const IndicatorSet& set = *indicators;
  MatcherStats& stats = st->stats;
  stats.indicators = set.size();
  std::array<size_t, kKindCount> counts{};
  std::array<std::array<bool, 129>, 2> prefixes{};
  for (size_t i = 0; i < set.size(); ++i) {
    if (set.form(i) != IndicatorSet::Form::kLookups) continue;
    for (const auto& t : set.Terms(i)) {
      ++counts[static_cast<size_t>(t.kind)];
      if (t.kind == Kind::kIpv4 || t.kind == Kind::kIpv6) {
        prefixes[t.kind == Kind::kIpv6][KeyPrefix(t.key)] = true;
      }
    }
  }
  for (int k = 0; k < kKindCount; ++k) st->tables[k].Reserve(counts[k], set.Arena());
  for (int p = 128; p >= 0; --p) {
    if (p <= 32 && prefixes[0][p]) st->v4_prefixes.push_back(static_cast<uint8_t>(p));
    if (prefixes[1][p]) st->v6_prefixes.push_back(static_cast<uint8_t>(p));
  }
  for (uint32_t i = 0; i < set.size(); ++i) {
    if (set.form(i) == IndicatorSet::Form::kLookups) {
      const auto terms = set.Terms(i);
      if (terms.empty()) {
        ++stats.never;
        continue;
      }
      ++stats.lookups;
      for (const auto& t : terms) {
        st->tables[static_cast<size_t>(t.kind)].Insert(t.key, t.offset, i);
        ++stats.lookup_terms;
      }
      continue;
    }
    auto g = CompileGeneral(set, i);
    if (!g) {
      stats.rejected.push_back({set.Id(i), "pattern: " + g.error().message});
      continue;
    }
    if (g->types == 0) {
      ++stats.never;
      continue;
    }
    ++stats.fallback;
    const auto index = static_cast<uint32_t>(st->general.size());
    for (int b = 0; b < kTypeCount; ++b) {
      if ((g->types >> b) & 1U) st->general_by_type[b].push_back(index);
    }
    st->general.push_back(std::move(*g));
  }
  st->set = std::move(indicators);
  return Matcher(std::move(st));
}

void Matcher::Match(const Record& record, std::vector<Hit>& out, Micros time) const {
  const State& st = *state_;
  const size_t start = out.size();
  KeyBuffer key;
  unsigned types = 0;
  for (const Observable& o : record.observables) {
    if (!ObservedKey(o.kind, o.value, key)) continue;
    types |= 1U << TypeBit(o.kind);
    const std::string_view k = key.view();
    auto hit = [&](uint32_t indicator) { AddHit(out, start, indicator, o); };
    switch (o.kind) {
      case Kind::kIpv4:
      case Kind::kIpv6:
        st.LookupIp(o.kind, k, hit);
        break;
      case Kind::kDomain:
        st.tables[static_cast<size_t>(Kind::kDomain)].Find(k, hit);
        if (st.options.subdomains) {
          ForEachParent(k, [&](std::string_view parent) {
            st.tables[static_cast<size_t>(Kind::kDomain)].Find(parent, hit);
          });
        }
        break;
      default:
        st.tables[static_cast<size_t>(o.kind)].Find(k, hit);
        break;
    }
  }
  if (st.general.empty() || types == 0) return;
  bool any = false;
  for (int b = 0; b < kTypeCount; ++b) any |= ((types >> b) & 1U) && !st.general_by_type[b].empty();
  if (!any) return;
  Observations obs(record, time, st.options.subdomains);
  for (int b = 0; b < kTypeCount; ++b) {
    if (!((types >> b) & 1U)) continue;
    const unsigned earlier = types & ((1U << b) - 1);
    for (uint32_t gi : st.general_by_type[b]) {
      const General& g = st.general[gi];
      if (g.types & earlier) continue;  // evaluated under an earlier type
      if (auto j = EvaluateGeneral(g, obs)) AddHit(out, start, g.indicator, record.observables[*j]);
    }
  }
}

const IndicatorSet& Matcher::indicators() const { return *state_->set; }
const MatcherStats& Matcher::stats() const { return state_->stats; }

size_t Matcher::MemoryBytes() const {
  size_t bytes = sizeof(State);
  for (const Table& t : state_->tables) bytes += t.MemoryBytes();
  bytes += state_->general.capacity() * sizeof(General);
  return bytes;
}

// --- ReferenceMatcher -----------------------------------------------------------

struct ReferenceMatcher::State {
  std::shared_ptr<const IndicatorSet> set;
  MatcherOptions options;
  MatcherStats stats;
  std::vector<General> patterns;
};

ReferenceMatcher::ReferenceMatcher(std::unique_ptr<State> state) : state_(std::move(state)) {}
ReferenceMatcher::ReferenceMatcher(ReferenceMatcher&&) noexcept = default;
ReferenceMatcher& ReferenceMatcher::operator=(ReferenceMatcher&&) noexcept = default;
ReferenceMatcher::~ReferenceMatcher() = default;

ReferenceMatcher ReferenceMatcher::Build(std::shared_ptr<const IndicatorSet> indicators,
                                         const MatcherOptions& options) {
  auto st = std::make_unique<State>();
  st->options = options;
  st->stats.indicators = indicators->size();
  for (uint32_t i = 0; i < indicators->size(); ++i) {
    auto g = CompileGeneral(*indicators, i);
    if (!g) {
      st->stats.rejected.push_back({indicators->Id(i), "pattern: " + g.error().message});
      continue;
    }
    ++st->stats.fallback;
    st->patterns.push_back(std::move(*g));
  }
  st->set = std::move(indicators);
  return ReferenceMatcher(std::move(st));
}

void ReferenceMatcher::Match(const Record& record, std::vector<Hit>& out, Micros time) const {
  Observations obs(record, time, state_->options.subdomains);
  const size_t start = out.size();
  for (const General& g : state_->patterns) {
    if (auto j = EvaluateGeneral(g, obs)) AddHit(out, start, g.indicator, record.observables[*j]);
  }
}

const IndicatorSet& ReferenceMatcher::indicators() const { return *state_->set; }
const MatcherStats& ReferenceMatcher::stats() const { return state_->stats; }

}  // namespace ecrn::scan
