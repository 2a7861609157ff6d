#include "ecrn/pattern/validate.hpp"

#include <string>

#include "ecrn/pattern/parse.hpp"
#include "ecrn/pattern/values.hpp"

namespace ecrn::pattern {
namespace {

constexpr size_t kMaxNameLength = 250;

// STIX 2.1 object type names: a-z, 0-9 and '-', 3 to 250 characters.
bool IsTypeName(std::string_view s) {
  if (s.size() < 3 || s.size() > kMaxNameLength) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Property names: ASCII letters, digits and '_', up to 250 characters.
bool IsPropertyName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  for (char c : s) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// Dictionary keys (hashes, extensions, ...) may also hold '-'.
bool IsDictionaryKey(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  for (char c : s) {
    if (!IsNameChar(c) && c != '-') return false;
  }
  return true;
}

// Literal kinds that may share one set (numbers mix; the rest do not).
int KindClass(LiteralKind k) {
  return k == LiteralKind::kFloat ? static_cast<int>(LiteralKind::kInt) : static_cast<int>(k);
}

const char* KindName(LiteralKind k) {
  switch (k) {
    case LiteralKind::kString:
      return "string";
    case LiteralKind::kInt:
    case LiteralKind::kFloat:
      return "number";
    case LiteralKind::kBool:
      return "boolean";
    case LiteralKind::kBinary:
      return "binary";
    case LiteralKind::kHex:
      return "hex";
    case LiteralKind::kTimestamp:
      return "timestamp";
  }
  return "?";
}

Result<void> CheckPath(const ObjectPath& path) {
  if (!IsTypeName(path.type)) {
    return PatternErrorAt(path.pos, "'" + path.type +
                                        "' is not a STIX object type name (3-250 characters: "
                                        "a-z, 0-9 and '-')");
  }
  for (size_t i = 0; i < path.steps.size(); ++i) {
    const PathStep& s = path.steps[i];
    if (s.kind == PathStep::Kind::kIndex && s.index < 0) {
      return PatternErrorAt(s.pos, "a list index must not be negative");
    }
    if (s.kind != PathStep::Kind::kKey) continue;
    if (i == 0 && !IsPropertyName(s.key)) {
      return PatternErrorAt(s.pos, "'" + s.key +
                                       "' is not a STIX property name (1-250 characters: "
                                       "letters, digits and '_')");
    }
    if (i > 0 && !IsDictionaryKey(s.key)) {
      return PatternErrorAt(s.pos, "'" + s.key +
                                       "' is not a STIX property name or dictionary key (1-250 "
                                       "characters: letters, digits, '_' and '-')");
    }
  }
  return Ok();
}

Result<void> CheckComparison(const Comparison& c) {
  ECRN_TRY(CheckPath(c.path));
  switch (c.op) {
    case CompareOp::kMatches: {
      auto re = Regex::Compile(c.values.at(0).text);
      if (!re) return PatternErrorAt(c.values[0].pos, "MATCHES: " + re.error().message);
      break;
    }
    case CompareOp::kIsSubset:
    case CompareOp::kIsSuperset:
      if (!ParseIpNet(c.values.at(0).text)) {
        return PatternErrorAt(c.values[0].pos,
                              std::string(CompareOpName(c.op)) +
                                  " needs an IPv4 or IPv6 address or CIDR network, not '" +
                                  c.values[0].text + "'");
      }
      break;
    case CompareOp::kIn:
      for (const Literal& v : c.values) {
        if (KindClass(v.kind) != KindClass(c.values[0].kind)) {
          return PatternErrorAt(v.pos, std::string("every value of a set must have one type: ") +
                                           KindName(v.kind) + " in a set of " +
                                           KindName(c.values[0].kind) + " values");
        }
      }
      break;
    default:
      break;
  }
  return Ok();
}

Result<void> CheckComparisonExpr(const ComparisonExpr& e) {
  if (e.kind == ComparisonExpr::Kind::kComparison) return CheckComparison(e.comparison);
  for (const auto& o : e.operands) ECRN_TRY(CheckComparisonExpr(o));
  return Ok();
}

Result<void> CheckObservation(const ObservationExpr& e) {
  if (e.kind == ObservationExpr::Kind::kSimple) {
    ECRN_TRY(CheckComparisonExpr(e.comparison));
  } else {
    for (const auto& o : e.operands) ECRN_TRY(CheckObservation(o));
  }
  for (const Qualifier& q : e.qualifiers) {
    switch (q.kind) {
      case Qualifier::Kind::kWithin:
        if (!(q.seconds > 0)) {
          return PatternErrorAt(q.value_pos, "WITHIN needs a positive number of seconds");
        }
        break;
      case Qualifier::Kind::kRepeats:
        if (q.times <= 0) return PatternErrorAt(q.value_pos, "REPEATS needs a positive integer");
        break;
      case Qualifier::Kind::kStartStop:
        if (q.start >= q.stop) {
          return PatternErrorAt(q.value_pos, "START must be earlier than STOP");
        }
        break;
    }
  }
  return Ok();
}

}  // namespace

Result<void> ValidatePattern(const Pattern& pattern) { return CheckObservation(pattern.root); }

Result<Pattern> ParseAndValidatePattern(std::string_view text) {
  ECRN_ASSIGN_OR_RETURN(Pattern p, ParsePattern(text));
  ECRN_TRY(ValidatePattern(p));
  return p;
}

}  // namespace ecrn::pattern
