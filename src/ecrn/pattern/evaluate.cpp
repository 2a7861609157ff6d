#include "ecrn/pattern/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/pattern/parse.hpp"
#include "ecrn/pattern/validate.hpp"
#include "ecrn/pattern/values.hpp"

namespace ecrn::pattern {

namespace json = boost::json;

namespace {

// One [ ... ] in disjunctive normal form: any conjunct, all its comparisons.
using Conjunct = std::vector<const Comparison*>;
using Dnf = std::vector<Conjunct>;

// How a property's string value is to be read when compared with bytes.
enum class PropertyKind { kText, kBase64, kHex };

// One observed-data, ready for evaluation.
struct Observation {
  std::string_view id;
  Micros first = 0;
  Micros last = 0;
  int64_t count = 1;
  std::vector<const json::object*> roots;
  // Reference targets: 2.1 ids listed in object_refs, or 2.0 object keys.
  std::unordered_map<std::string_view, const json::object*> refs;

  const json::object* Lookup(std::string_view ref) const {
    auto it = refs.find(ref);
    return it == refs.end() ? nullptr : it->second;
  }
};

// A set of observations that together satisfy an observation expression.
struct Binding {
  std::vector<uint32_t> obs;  // indexes into the observations, sorted, distinct
  Micros min_first = 0;
  Micros max_last = 0;
  int64_t count = 1;  // occurrences it stands for (number_observed), for REPEATS
};

bool Disjoint(const Binding& a, const Binding& b) {
  size_t i = 0, j = 0;
  while (i < a.obs.size() && j < b.obs.size()) {
    if (a.obs[i] == b.obs[j]) return false;
    if (a.obs[i] < b.obs[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return true;
}

Binding Merge(const Binding& a, const Binding& b) {
  Binding m;
  m.obs.reserve(a.obs.size() + b.obs.size());
  std::merge(a.obs.begin(), a.obs.end(), b.obs.begin(), b.obs.end(), std::back_inserter(m.obs));
  m.min_first = std::min(a.min_first, b.min_first);
  m.max_last = std::max(a.max_last, b.max_last);
  m.count = 1;
  return m;
}

// Drops bindings that use the same observations as an earlier one.
void Dedupe(std::vector<Binding>& bindings) {
  std::stable_sort(bindings.begin(), bindings.end(),
                   [](const Binding& a, const Binding& b) { return a.obs < b.obs; });
  bindings.erase(std::unique(bindings.begin(), bindings.end(),
                             [](const Binding& a, const Binding& b) { return a.obs == b.obs; }),
                 bindings.end());
}

bool IsRefKey(std::string_view key) { return key.ends_with("_ref") || key.ends_with("_refs"); }

// Collects the values `steps[i..]` reaches from `v` (existential over [*]).
void Walk(const json::value& v, const std::vector<PathStep>& steps, size_t i, bool in_ref,
          const Observation& obs, std::vector<const json::value*>& out) {
  if (i == steps.size()) {
    if (!v.is_null()) out.push_back(&v);
    return;
  }
  const PathStep& step = steps[i];
  switch (step.kind) {
    case PathStep::Kind::kKey: {
      const json::object* o = nullptr;
      if (v.is_object()) {
        o = &v.get_object();
      } else if (v.is_string() && in_ref) {
        o = obs.Lookup(v.get_string());
      }
      if (!o) return;
      const json::value* next = o->if_contains(step.key);
      if (next) Walk(*next, steps, i + 1, IsRefKey(step.key), obs, out);
      return;
    }
    case PathStep::Kind::kIndex:
      if (v.is_array() && step.index >= 0 &&
          static_cast<uint64_t>(step.index) < v.get_array().size()) {
        Walk(v.get_array()[static_cast<size_t>(step.index)], steps, i + 1, in_ref, obs, out);
      }
      return;
    case PathStep::Kind::kAnyIndex:
      if (v.is_array()) {
        for (const auto& e : v.get_array()) Walk(e, steps, i + 1, in_ref, obs, out);
      }
      return;
  }
}

template <typename T>
int Sign(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

std::optional<int> CompareNumber(const json::value& v, const Literal& lit) {
  if (lit.kind == LiteralKind::kInt) {
    if (v.is_int64()) return Sign(v.get_int64(), lit.int_value);
    if (v.is_uint64()) {
      if (lit.int_value < 0) return 1;
      return Sign(v.get_uint64(), static_cast<uint64_t>(lit.int_value));
    }
    if (v.is_double()) {
      if (std::isnan(v.get_double())) return std::nullopt;
      return Sign(v.get_double(), static_cast<double>(lit.int_value));
    }
    return std::nullopt;
  }
  double d = 0;
  if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    d = v.get_double();
  } else {
    return std::nullopt;
  }
  if (std::isnan(d) || std::isnan(lit.float_value)) return std::nullopt;
  return Sign(d, lit.float_value);
}

// The bytes a string property stands for when compared with b'..' / h'..'.
std::optional<std::string> PropertyBytes(std::string_view s, PropertyKind kind) {
  switch (kind) {
    case PropertyKind::kBase64:
      return DecodeBase64(s);
    case PropertyKind::kHex:
      return DecodeHex(s);
    case PropertyKind::kText:
      return std::string(s);
  }
  return std::nullopt;
}

}  // namespace

struct CompiledPattern::State {
  Pattern pattern;
  std::unordered_map<const ObservationExpr*, Dnf> dnf;
  std::unordered_map<const Comparison*, Regex> regexes;
  std::unordered_map<const Comparison*, IpNet> nets;
  std::unordered_map<const Comparison*, PropertyKind> kinds;
  std::unordered_map<const Literal*, std::string> nfc;  // string literals, normalised

  Result<Dnf> ToDnf(const ComparisonExpr& e) {
    switch (e.kind) {
      case ComparisonExpr::Kind::kComparison:
        return Dnf{Conjunct{&e.comparison}};
      case ComparisonExpr::Kind::kOr: {
        Dnf out;
        for (const auto& o : e.operands) {
          ECRN_ASSIGN_OR_RETURN(Dnf d, ToDnf(o));
          out.insert(out.end(), d.begin(), d.end());
          if (out.size() > kMaxConjuncts) return TooComplex(e);
        }
        return out;
      }
      case ComparisonExpr::Kind::kAnd: {
        Dnf out{Conjunct{}};
        for (const auto& o : e.operands) {
          ECRN_ASSIGN_OR_RETURN(Dnf d, ToDnf(o));
          if (out.size() * d.size() > kMaxConjuncts) return TooComplex(e);
          Dnf next;
          for (const auto& a : out) {
            for (const auto& b : d) {
              Conjunct c = a;
              c.insert(c.end(), b.begin(), b.end());
              next.push_back(std::move(c));
            }
          }
          out = std::move(next);
        }
        return out;
      }
    }
    return Dnf{};
  }

  static Error TooComplex(const ComparisonExpr& e) {
    return PatternErrorAt(e.pos, "this [ ... ] expands to more than " +
                                     std::to_string(kMaxConjuncts) + " alternatives; simplify it");
  }

  Result<void> Prepare(const Comparison& c) {
    PropertyKind kind = PropertyKind::kText;
    for (const PathStep& s : c.path.steps) {
      if (s.kind != PathStep::Kind::kKey) continue;
      kind = s.key.ends_with("_bin")   ? PropertyKind::kBase64
             : s.key.ends_with("_hex") ? PropertyKind::kHex
                                       : PropertyKind::kText;
    }
    kinds[&c] = kind;
    for (const Literal& lit : c.values) {
      if (lit.kind == LiteralKind::kString) nfc[&lit] = NormalizeNfc(lit.text);
    }
    if (c.op == CompareOp::kMatches) {
      ECRN_ASSIGN_OR_RETURN(Regex re, Regex::Compile(c.values.at(0).text));
      regexes.emplace(&c, std::move(re));
    }
    if (c.op == CompareOp::kIsSubset || c.op == CompareOp::kIsSuperset) {
      auto net = ParseIpNet(c.values.at(0).text);
      if (!net) return PatternErrorAt(c.values[0].pos, "not an IP network");
      nets.emplace(&c, *net);
    }
    return Ok();
  }

  Result<void> Prepare(const ObservationExpr& e) {
    if (e.kind != ObservationExpr::Kind::kSimple) {
      for (const auto& o : e.operands) ECRN_TRY(Prepare(o));
      return Ok();
    }
    ECRN_ASSIGN_OR_RETURN(Dnf d, ToDnf(e.comparison));
    for (const auto& conj : d) {
      for (const Comparison* c : conj) ECRN_TRY(Prepare(*c));
    }
    dnf.emplace(&e, std::move(d));
    return Ok();
  }

  // -1/0/1, or nullopt when the value and the literal are not comparable.
  std::optional<int> Compare(const json::value& v, const Literal& lit, PropertyKind kind) const {
    switch (lit.kind) {
      case LiteralKind::kString: {
        if (!v.is_string()) return std::nullopt;
        const std::string s = NormalizeNfc(v.get_string());
        return Sign(s.compare(nfc.at(&lit)), 0);
      }
      case LiteralKind::kInt:
      case LiteralKind::kFloat:
        return CompareNumber(v, lit);
      case LiteralKind::kBool:
        if (!v.is_bool()) return std::nullopt;
        return Sign(v.get_bool(), lit.bool_value);
      case LiteralKind::kBinary:
      case LiteralKind::kHex: {
        if (!v.is_string()) return std::nullopt;
        auto bytes = PropertyBytes(v.get_string(), kind);
        if (!bytes) return std::nullopt;
        return Sign(bytes->compare(lit.text), 0);
      }
      case LiteralKind::kTimestamp: {
        if (!v.is_string()) return std::nullopt;
        auto ts = ParseTimestamp(v.get_string());
        if (!ts) return std::nullopt;
        return Sign(ts->micros, lit.timestamp);
      }
    }
    return std::nullopt;
  }

  // The comparison on one value the path reached; nullopt when the value's
  // type does not fit the operator (false whether negated or not).
  std::optional<bool> TestValue(const Comparison& c, const json::value& v) const {
    const PropertyKind kind = kinds.at(&c);
    switch (c.op) {
      case CompareOp::kEqual:
      case CompareOp::kNotEqual:
      case CompareOp::kLess:
      case CompareOp::kLessEqual:
      case CompareOp::kGreater:
      case CompareOp::kGreaterEqual: {
        auto cmp = Compare(v, c.values[0], kind);
        if (!cmp) return std::nullopt;
        switch (c.op) {
          case CompareOp::kEqual:
            return *cmp == 0;
          case CompareOp::kNotEqual:
            return *cmp != 0;
          case CompareOp::kLess:
            return *cmp < 0;
          case CompareOp::kLessEqual:
            return *cmp <= 0;
          case CompareOp::kGreater:
            return *cmp > 0;
          default:
            return *cmp >= 0;
        }
      }
      case CompareOp::kIn: {
        if (c.values.empty()) return false;
        bool comparable = false;
        for (const Literal& lit : c.values) {
          auto cmp = Compare(v, lit, kind);
          if (!cmp) continue;
          comparable = true;
          if (*cmp == 0) return true;
        }
        if (!comparable) return std::nullopt;
        return false;
      }
      case CompareOp::kLike:
        if (!v.is_string()) return std::nullopt;
        return LikeMatch(NormalizeNfc(v.get_string()), nfc.at(&c.values[0]));
      case CompareOp::kMatches: {
        if (!v.is_string()) return std::nullopt;
        const Regex& re = regexes.at(&c);
        if (kind == PropertyKind::kText) return re.Search(v.get_string());
        auto bytes = PropertyBytes(v.get_string(), kind);
        if (!bytes) return std::nullopt;
        return re.Search(Latin1ToUtf8(*bytes));
      }
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset: {
        if (!v.is_string()) return std::nullopt;
        auto net = ParseIpNet(v.get_string());
        if (!net) return std::nullopt;
        const IpNet& lit = nets.at(&c);
        return c.op == CompareOp::kIsSubset ? NetContains(lit, *net) : NetContains(*net, lit);
      }
      case CompareOp::kExists:
        return true;
    }
    return std::nullopt;
  }

  bool Test(const Comparison& c, const json::object& root, const Observation& obs) const {
    const json::value* first = root.if_contains(c.path.steps[0].key);
    std::vector<const json::value*> values;
    if (first) Walk(*first, c.path.steps, 1, IsRefKey(c.path.steps[0].key), obs, values);
    if (c.op == CompareOp::kExists) return c.negated ? values.empty() : !values.empty();
    for (const json::value* v : values) {
      auto r = TestValue(c, *v);
      if (r && *r != c.negated) return true;
    }
    return false;
  }

  // True when one object of each type the conjunct names satisfies all of
  // the conjunct's comparisons on that type.
  bool Satisfies(const Conjunct& conj, const Observation& obs) const {
    std::vector<std::string_view> types;
    for (const Comparison* c : conj) {
      if (std::find(types.begin(), types.end(), c->path.type) == types.end()) {
        types.push_back(c->path.type);
      }
    }
    for (std::string_view type : types) {
      bool found = false;
      for (const json::object* root : obs.roots) {
        const json::value* t = root->if_contains("type");
        if (!t || !t->is_string() || t->get_string() != type) continue;
        bool all = true;
        for (const Comparison* c : conj) {
          if (c->path.type == type && !Test(*c, *root, obs)) {
            all = false;
            break;
          }
        }
        if (all) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }

  std::vector<Binding> Eval(const ObservationExpr& e, const std::vector<Observation>& obs) const {
    std::vector<Binding> out;
    switch (e.kind) {
      case ObservationExpr::Kind::kSimple: {
        const Dnf& d = dnf.at(&e);
        for (uint32_t i = 0; i < obs.size(); ++i) {
          for (const Conjunct& conj : d) {
            if (Satisfies(conj, obs[i])) {
              out.push_back(Binding{{i}, obs[i].first, obs[i].last, obs[i].count});
              break;
            }
          }
        }
        break;
      }
      case ObservationExpr::Kind::kOr:
        for (const auto& o : e.operands) {
          auto b = Eval(o, obs);
          out.insert(out.end(), b.begin(), b.end());
          if (out.size() > kMaxBindings) out.resize(kMaxBindings);
        }
        break;
      case ObservationExpr::Kind::kAnd:
      case ObservationExpr::Kind::kFollowedBy: {
        const bool ordered = e.kind == ObservationExpr::Kind::kFollowedBy;
        out = Eval(e.operands[0], obs);
        for (size_t k = 1; k < e.operands.size() && !out.empty(); ++k) {
          auto right = Eval(e.operands[k], obs);
          std::vector<Binding> next;
          for (const Binding& a : out) {
            for (const Binding& b : right) {
              if (next.size() >= kMaxBindings) break;
              if (ordered && a.max_last > b.min_first) continue;
              if (Disjoint(a, b)) next.push_back(Merge(a, b));
            }
          }
          Dedupe(next);
          out = std::move(next);
        }
        break;
      }
    }
    for (const Qualifier& q : e.qualifiers) out = Qualify(q, std::move(out));
    return out;
  }

  static std::vector<Binding> Qualify(const Qualifier& q, std::vector<Binding> in) {
    std::vector<Binding> out;
    switch (q.kind) {
      case Qualifier::Kind::kWithin:
        for (auto& b : in) {
          if (static_cast<double>(b.max_last - b.min_first) <= q.seconds * 1e6) {
            out.push_back(std::move(b));
          }
        }
        return out;
      case Qualifier::Kind::kStartStop:
        for (auto& b : in) {
          if (b.min_first >= q.start && b.max_last < q.stop) out.push_back(std::move(b));
        }
        return out;
      case Qualifier::Kind::kRepeats: {
        // Windows of bindings in time order, each drawing on observations
        // not used yet, until they stand for `times` occurrences.
        std::stable_sort(in.begin(), in.end(), [](const Binding& a, const Binding& b) {
          return std::tie(a.min_first, a.max_last) < std::tie(b.min_first, b.max_last);
        });
        for (size_t i = 0; i < in.size() && out.size() < kMaxBindings; ++i) {
          Binding acc = in[i];
          int64_t total = in[i].count;
          for (size_t j = i + 1; j < in.size() && total < q.times; ++j) {
            if (!Disjoint(acc, in[j])) continue;
            acc = Merge(acc, in[j]);
            total += in[j].count;
          }
          if (total >= q.times) {
            acc.count = 1;
            out.push_back(std::move(acc));
          }
        }
        Dedupe(out);
        return out;
      }
    }
    return out;
  }
};

namespace {

std::vector<Observation> Gather(std::span<const stix::Object> objects) {
  std::unordered_map<std::string_view, const json::object*> by_id;
  for (const auto& o : objects) {
    if (!o.id().empty()) by_id.emplace(o.id(), &o.json());
  }
  std::vector<Observation> out;
  for (const auto& o : objects) {
    if (o.type() != "observed-data") continue;
    auto first = ParseTimestamp(o.Str("first_observed"));
    auto last = ParseTimestamp(o.Str("last_observed"));
    if (!first || !last) continue;
    Observation obs;
    obs.id = o.id();
    obs.first = first->micros;
    obs.last = std::max(first->micros, last->micros);
    if (const json::value* n = o.json().if_contains("number_observed")) {
      if (n->is_int64() && n->get_int64() >= 1) obs.count = n->get_int64();
      if (n->is_uint64()) obs.count = INT64_MAX;
    }
    if (const json::value* embedded = o.json().if_contains("objects");
        embedded && embedded->is_object()) {
      for (const auto& kv : embedded->get_object()) {
        if (!kv.value().is_object()) continue;
        obs.refs.emplace(kv.key(), &kv.value().get_object());
        obs.roots.push_back(&kv.value().get_object());
      }
    } else if (const json::value* refs = o.json().if_contains("object_refs");
               refs && refs->is_array()) {
      for (const auto& r : refs->get_array()) {
        if (!r.is_string()) continue;
        auto it = by_id.find(r.get_string());
        if (it == by_id.end()) continue;
        obs.refs.emplace(it->first, it->second);
        obs.roots.push_back(it->second);
      }
    }
    out.push_back(std::move(obs));
  }
  return out;
}

}  // namespace

CompiledPattern::CompiledPattern(std::unique_ptr<State> state) : state_(std::move(state)) {}
CompiledPattern::CompiledPattern(CompiledPattern&&) noexcept = default;
CompiledPattern& CompiledPattern::operator=(CompiledPattern&&) noexcept = default;
CompiledPattern::~CompiledPattern() = default;

Result<CompiledPattern> CompiledPattern::Compile(std::string_view text) {
  auto state = std::make_unique<State>();
  ECRN_ASSIGN_OR_RETURN(state->pattern, ParseAndValidatePattern(text));
  ECRN_TRY(state->Prepare(state->pattern.root));
  return CompiledPattern(std::move(state));
}

Result<CompiledPattern> CompiledPattern::Compile(Pattern pattern) {
  ECRN_TRY(ValidatePattern(pattern));
  auto state = std::make_unique<State>();
  state->pattern = std::move(pattern);
  ECRN_TRY(state->Prepare(state->pattern.root));
  return CompiledPattern(std::move(state));
}

const Pattern& CompiledPattern::pattern() const { return state_->pattern; }

MatchResult CompiledPattern::Match(std::span<const stix::Object> objects) const {
  const std::vector<Observation> obs = Gather(objects);
  MatchResult result;
  const std::vector<Binding> bindings = state_->Eval(state_->pattern.root, obs);
  result.matched = !bindings.empty();
  std::vector<bool> used(obs.size(), false);
  for (const Binding& b : bindings) {
    for (uint32_t i : b.obs) used[i] = true;
  }
  for (size_t i = 0; i < obs.size(); ++i) {
    if (used[i]) result.observed_data_ids.emplace_back(obs[i].id);
  }
  return result;
}

}  // namespace ecrn::pattern
