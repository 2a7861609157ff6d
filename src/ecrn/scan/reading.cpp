#include "ecrn/scan/reading.hpp"

#include <utility>

#include "ecrn/pattern/parse.hpp"
#include "ecrn/pattern/validate.hpp"
#include "ecrn/scan/normalise.hpp"

namespace ecrn::scan {
namespace {

using pattern::CompareOp;
using pattern::Comparison;
using pattern::ComparisonExpr;
using pattern::LiteralKind;
using pattern::ObservationExpr;

bool IsIp(Kind kind) { return kind == Kind::kIpv4 || kind == Kind::kIpv6; }

bool AllStrings(const Comparison& c) {
  for (const auto& lit : c.values) {
    if (lit.kind != LiteralKind::kString) return false;
  }
  return !c.values.empty();
}

// --- the rewriting of ReadPattern -----------------------------------------

void RewriteComparison(ComparisonExpr& e) {
  Comparison& c = e.comparison;
  const auto kind = KindOfPath(c.path);
  if (!kind) return;
  if (c.op != CompareOp::kEqual && c.op != CompareOp::kNotEqual && c.op != CompareOp::kIn) return;
  if (!AllStrings(c)) return;
  std::vector<bool> network(c.values.size(), false);
  bool any_network = false;
  for (size_t i = 0; i < c.values.size(); ++i) {
    auto key = LiteralKey(*kind, c.values[i].text);
    if (!key) continue;  // equal to no value of the kind; compared as written
    c.values[i].text = KeyText(*kind, *key);
    if (IsIp(*kind) && KeyPrefix(*key) != FullPrefix(*kind)) {
      network[i] = true;
      any_network = true;
    }
  }
  if (!any_network) return;
  if (c.op == CompareOp::kEqual) {
    c.op = CompareOp::kIsSubset;
    return;
  }
  if (c.op == CompareOp::kNotEqual) {
    c.op = CompareOp::kIsSubset;
    c.negated = !c.negated;
    return;
  }
  // IN: an OR of the members (NOT IN: an AND of their negations).
  ComparisonExpr out;
  out.kind = c.negated ? ComparisonExpr::Kind::kAnd : ComparisonExpr::Kind::kOr;
  out.pos = e.pos;
  for (size_t i = 0; i < c.values.size(); ++i) {
    ComparisonExpr member;
    member.kind = ComparisonExpr::Kind::kComparison;
    member.pos = e.pos;
    member.comparison.path = c.path;
    member.comparison.op = network[i] ? CompareOp::kIsSubset : CompareOp::kEqual;
    member.comparison.negated = c.negated;
    member.comparison.values = {c.values[i]};
    member.comparison.pos = c.pos;
    out.operands.push_back(std::move(member));
  }
  if (out.operands.size() == 1) {
    ComparisonExpr only = std::move(out.operands[0]);
    e = std::move(only);
  } else {
    e = std::move(out);
  }
}

void Rewrite(ComparisonExpr& e) {
  if (e.kind == ComparisonExpr::Kind::kComparison) {
    RewriteComparison(e);
    return;
  }
  for (auto& o : e.operands) Rewrite(o);
}

void Rewrite(ObservationExpr& e) {
  if (e.kind == ObservationExpr::Kind::kSimple) {
    Rewrite(e.comparison);
    return;
  }
  for (auto& o : e.operands) Rewrite(o);
}

// --- LookupTermsOf ----------------------------------------------------------

bool Collect(const Comparison& c, std::vector<LookupTerm>& out) {
  if (c.negated) return false;
  const auto kind = KindOfPath(c.path);
  if (!kind || !AllStrings(c)) return false;
  if (c.op != CompareOp::kEqual && c.op != CompareOp::kIn &&
      !(c.op == CompareOp::kIsSubset && IsIp(*kind))) {
    return false;
  }
  for (const auto& lit : c.values) {
    if (auto key = LiteralKey(*kind, lit.text)) out.push_back({*kind, std::move(*key)});
  }
  return true;
}

bool Collect(const ComparisonExpr& e, std::vector<LookupTerm>& out) {
  switch (e.kind) {
    case ComparisonExpr::Kind::kComparison:
      return Collect(e.comparison, out);
    case ComparisonExpr::Kind::kOr:
      for (const auto& o : e.operands) {
        if (!Collect(o, out)) return false;
      }
      return true;
    case ComparisonExpr::Kind::kAnd:
      return false;
  }
  return false;
}

bool Collect(const ObservationExpr& e, std::vector<LookupTerm>& out) {
  if (!e.qualifiers.empty()) return false;
  switch (e.kind) {
    case ObservationExpr::Kind::kSimple:
      return Collect(e.comparison, out);
    case ObservationExpr::Kind::kOr:
      for (const auto& o : e.operands) {
        if (!Collect(o, out)) return false;
      }
      return true;
    default:
      return false;
  }
}

// --- RecogniseSimplePattern -------------------------------------------------

class Recogniser {
 public:
  explicit Recogniser(std::string_view text) : s_(text) {}

  bool Pattern(std::vector<LookupTerm>& out) {
    if (s_.size() > pattern::kMaxPatternBytes) return false;
    Spaces();
    for (;;) {
      if (!Observation(out)) return false;
      Spaces();
      if (i_ == s_.size()) return true;
      if (!Word("OR")) return false;
      Spaces();
    }
  }

 private:
  bool Observation(std::vector<LookupTerm>& out) {
    if (!Char('[')) return false;
    Spaces();
    for (;;) {
      if (!Comparison(out)) return false;
      Spaces();
      if (Char(']')) return true;
      if (!Word("OR")) return false;
      // An identifier follows: the lexer needs a space to end the keyword.
      if (Spaces() == 0) return false;
    }
  }

  bool Comparison(std::vector<LookupTerm>& out) {
    std::optional<Kind> kind;
    for (int k = 0; k < kKindCount && !kind; ++k) {
      const std::string_view path = ObjectPathOf(static_cast<Kind>(k));
      if (s_.substr(i_, path.size()) == path) {
        kind = static_cast<Kind>(k);
        i_ += path.size();
      }
    }
    if (!kind) return false;
    const size_t spaces = Spaces();
    if (Char('=')) {
      Spaces();
      return Literal(*kind, out);
    }
    if (spaces == 0 || !Word("IN")) return false;
    Spaces();
    if (!Char('(')) return false;
    Spaces();
    for (;;) {
      if (!Literal(*kind, out)) return false;
      Spaces();
      if (Char(')')) return true;
      if (!Char(',')) return false;
      Spaces();
    }
  }

  bool Literal(Kind kind, std::vector<LookupTerm>& out) {
    if (!Char('\'')) return false;
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] != '\'') {
      const char c = s_[i_];
      if (c < 0x20 || c > 0x7E || c == '\\') return false;
      ++i_;
    }
    if (i_ == s_.size()) return false;
    const std::string_view literal = s_.substr(start, i_ - start);
    ++i_;
    if (auto key = LiteralKey(kind, literal)) out.push_back({kind, std::move(*key)});
    return true;
  }

  // A keyword, which must not run on into an identifier.
  bool Word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    const size_t end = i_ + w.size();
    if (end < s_.size()) {
      const char c = s_[end];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-') {
        return false;
      }
    }
    i_ = end;
    return true;
  }

  bool Char(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  size_t Spaces() {
    const size_t start = i_;
    while (i_ < s_.size() && s_[i_] == ' ') ++i_;
    return i_ - start;
  }

  std::string_view s_;
  size_t i_ = 0;
};

void AppendQuoted(std::string_view text, std::string& out) {
  out += '\'';
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
}

}  // namespace

std::optional<Kind> KindOfPath(const pattern::ObjectPath& path) {
  using Step = pattern::PathStep;
  const auto& st = path.steps;
  if (st.size() == 1 && st[0].kind == Step::Kind::kKey && st[0].key == "value") {
    for (Kind k : {Kind::kIpv4, Kind::kIpv6, Kind::kDomain, Kind::kUrl, Kind::kEmail}) {
      if (path.type == ScoTypeOf(k)) return k;
    }
    return std::nullopt;
  }
  if (path.type != "file" || st.size() != 2 || st[0].kind != Step::Kind::kKey ||
      st[0].key != "hashes" || st[1].kind != Step::Kind::kKey) {
    return std::nullopt;
  }
  const std::string& algorithm = st[1].key;
  if (algorithm == "MD5") return Kind::kMd5;
  if (algorithm == "SHA-1") return Kind::kSha1;
  if (algorithm == "SHA-256") return Kind::kSha256;
  if (algorithm == "SHA-512") return Kind::kSha512;
  return std::nullopt;
}

Result<pattern::Pattern> ReadPattern(std::string_view text) {
  ECRN_ASSIGN_OR_RETURN(pattern::Pattern p, pattern::ParseAndValidatePattern(text));
  Rewrite(p.root);
  return p;
}

std::optional<std::vector<LookupTerm>> LookupTermsOf(const pattern::Pattern& p) {
  std::vector<LookupTerm> out;
  if (!Collect(p.root, out)) return std::nullopt;
  return out;
}

std::optional<std::vector<LookupTerm>> RecogniseSimplePattern(std::string_view text) {
  std::vector<LookupTerm> out;
  Recogniser r(text);
  if (!r.Pattern(out)) return std::nullopt;
  return out;
}

std::string PatternOfTerms(std::span<const LookupTerm> terms) {
  std::string out = "[";
  for (size_t i = 0; i < terms.size(); ++i) {
    const LookupTerm& t = terms[i];
    if (i > 0) out += " OR ";
    out += ObjectPathOf(t.kind);
    const bool network = IsIp(t.kind) && KeyPrefix(t.key) != FullPrefix(t.kind);
    out += network ? " ISSUBSET " : " = ";
    AppendQuoted(KeyText(t.kind, t.key), out);
  }
  out += "]";
  return out;
}

}  // namespace ecrn::scan
