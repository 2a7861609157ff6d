#include "ecrn/pattern/parse.hpp"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/pattern/values.hpp"

namespace ecrn::pattern {

const char* CompareOpName(CompareOp op) {
  switch (op) {
    case CompareOp::kEqual:
      return "=";
    case CompareOp::kNotEqual:
      return "!=";
    case CompareOp::kLess:
      return "<";
    case CompareOp::kLessEqual:
      return "<=";
    case CompareOp::kGreater:
      return ">";
    case CompareOp::kGreaterEqual:
      return ">=";
    case CompareOp::kIn:
      return "IN";
    case CompareOp::kLike:
      return "LIKE";
    case CompareOp::kMatches:
      return "MATCHES";
    case CompareOp::kIsSubset:
      return "ISSUBSET";
    case CompareOp::kIsSuperset:
      return "ISSUPERSET";
    case CompareOp::kExists:
      return "EXISTS";
  }
  return "?";
}

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      *bad_offset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) {
        *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong =
        (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

Position PositionOf(std::string_view text, size_t offset) {
  Position pos;
  pos.offset = offset;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++pos.column;
  }
  return pos;
}

Error PatternErrorAt(Position pos, std::string_view reason) {
  Error e = Error::Invalid("column " + std::to_string(pos.column) + ": " + std::string(reason));
  e.detail = "offset " + std::to_string(pos.offset);
  return e;
}

namespace {

enum class Tok {
  kEnd,
  kIdent,
  kString,
  kInt,
  kFloat,
  kBool,
  kBinary,
  kHex,
  kTimestamp,
  kLBrack,
  kRBrack,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kAsterisk,
  // Keywords (case-sensitive, as in the grammar).
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSuperset,
  kIsSubset,
  kExists,
  kLast,
  kIn,
  kStart,
  kStop,
  kSeconds,
  kWithin,
  kRepeats,
  kTimes,
};

struct Keyword {
  std::string_view text;
  Tok tok;
};
constexpr Keyword kKeywords[] = {
    {"AND", Tok::kAnd},
    {"OR", Tok::kOr},
    {"NOT", Tok::kNot},
    {"FOLLOWEDBY", Tok::kFollowedBy},
    {"LIKE", Tok::kLike},
    {"MATCHES", Tok::kMatches},
    {"ISSUPERSET", Tok::kIsSuperset},
    {"ISSUBSET", Tok::kIsSubset},
    {"EXISTS", Tok::kExists},
    {"LAST", Tok::kLast},
    {"IN", Tok::kIn},
    {"START", Tok::kStart},
    {"STOP", Tok::kStop},
    {"SECONDS", Tok::kSeconds},
    {"WITHIN", Tok::kWithin},
    {"REPEATS", Tok::kRepeats},
    {"TIMES", Tok::kTimes},
};

struct Token {
  Tok tok = Tok::kEnd;
  size_t begin = 0;
  size_t end = 0;
  Position pos;             // of `begin`
  bool has_hyphen = false;  // kIdent
  Literal literal;          // literal tokens
};

std::string Describe(const Token& t, std::string_view text) {
  if (t.tok == Tok::kEnd) return "end of pattern";
  std::string_view s = text.substr(t.begin, t.end - t.begin);
  if (s.size() > 40) return "'" + std::string(s.substr(0, 37)) + "...'";
  return "'" + std::string(s) + "'";
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsBase64Char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '+' || c == '/';
}

// Byte length of grammar white space (ASCII and the Unicode spaces the
// grammar lists) at `i`, or 0.
size_t WhiteSpaceAt(std::string_view s, size_t i) {
  const char c = s[i];
  if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
  auto starts = [&](std::string_view u) { return s.substr(i, u.size()) == u; };
  // U+0085 U+00A0 (2 bytes); U+1680, U+2000-U+200A, U+2028, U+2029, U+202F,
  // U+205F, U+3000 (3 bytes).
  if (starts("\xC2\x85") || starts("\xC2\xA0")) return 2;
  if (starts("\xE1\x9A\x80") || starts("\xE2\x80\xA8") || starts("\xE2\x80\xA9") ||
      starts("\xE2\x80\xAF") || starts("\xE2\x81\x9F") || starts("\xE3\x80\x80")) {
    return 3;
  }
  if (i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x80') {
    const auto c2 = static_cast<unsigned char>(s[i + 2]);
    if (c2 >= 0x80 && c2 <= 0x8A) return 3;
  }
  return 0;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> out;
    Position at;  // advanced incrementally: columns in linear time
    for (;;) {
      ECRN_TRY(SkipSpaceAndComments());
      Token t;
      t.begin = i_;
      for (; at.offset < t.begin; ++at.offset) {
        if ((static_cast<unsigned char>(text_[at.offset]) & 0xC0) != 0x80) ++at.column;
      }
      t.pos = at;
      if (i_ >= text_.size()) {
        t.tok = Tok::kEnd;
        t.end = i_;
        out.push_back(std::move(t));
        return out;
      }
      ECRN_TRY(Next(t));
      t.end = i_;
      t.literal.pos = t.pos;
      out.push_back(std::move(t));
    }
  }

 private:
  Error Fail(size_t at, std::string_view reason) const {
    return PatternErrorAt(PositionOf(text_, at), reason);
  }

  Result<void> SkipSpaceAndComments() {
    while (i_ < text_.size()) {
      if (size_t ws = WhiteSpaceAt(text_, i_); ws > 0) {
        i_ += ws;
      } else if (text_.substr(i_, 2) == "/*") {
        const size_t close = text_.find("*/", i_ + 2);
        if (close == std::string_view::npos) return Fail(i_, "unterminated comment");
        i_ = close + 2;
      } else if (text_.substr(i_, 2) == "//") {
        while (i_ < text_.size() && text_[i_] != '\r' && text_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
    return Ok();
  }

  // The text between quotes starting at `open` (the opening quote), raw;
  // advances past the closing quote. Escapes are checked, not resolved.
  Result<std::string_view> QuotedBody(size_t open, std::string_view what) {
    size_t j = open + 1;
    while (j < text_.size() && text_[j] != '\'') {
      if (text_[j] == '\\') {
        if (j + 1 >= text_.size()) break;
        if (text_[j + 1] != '\'' && text_[j + 1] != '\\') {
          return Fail(j,
                      "invalid escape in " + std::string(what) + ": only \\' and \\\\ are allowed");
        }
        j += 2;
        continue;
      }
      ++j;
    }
    if (j >= text_.size()) return Fail(open, "unterminated " + std::string(what));
    std::string_view body = text_.substr(open + 1, j - open - 1);
    i_ = j + 1;
    return body;
  }

  Result<void> Next(Token& t) {
    const char c = text_[i_];
    const char n = i_ + 1 < text_.size() ? text_[i_ + 1] : '\0';
    // Prefixed literals: h'..', b'..', t'..'.
    if ((c == 'h' || c == 'b' || c == 't') && n == '\'') return PrefixedLiteral(t, c);
    if (IsIdentStart(c)) return Identifier(t);
    if (c == '\'') return StringLit(t);
    if (IsDigit(c) || ((c == '+' || c == '-') && (IsDigit(n) || n == '.')) ||
        (c == '.' && IsDigit(n))) {
      return Number(t);
    }
    auto single = [&](Tok tok, size_t len = 1) {
      t.tok = tok;
      i_ += len;
      return Ok();
    };
    switch (c) {
      case '[':
        return single(Tok::kLBrack);
      case ']':
        return single(Tok::kRBrack);
      case '(':
        return single(Tok::kLParen);
      case ')':
        return single(Tok::kRParen);
      case ':':
        return single(Tok::kColon);
      case '.':
        return single(Tok::kDot);
      case ',':
        return single(Tok::kComma);
      case '*':
        return single(Tok::kAsterisk);
      case '=':
        return single(Tok::kEq, n == '=' ? 2 : 1);
      case '!':
        if (n == '=') return single(Tok::kNe, 2);
        return Fail(i_, "unexpected '!' (did you mean '!=' or NOT?)");
      case '<':
        if (n == '>') return single(Tok::kNe, 2);
        if (n == '=') return single(Tok::kLe, 2);
        return single(Tok::kLt);
      case '>':
        if (n == '=') return single(Tok::kGe, 2);
        return single(Tok::kGt);
      default:
        break;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      return Fail(i_, "unexpected character (only quoted strings may hold non-ASCII text)");
    }
    if (c == '"') return Fail(i_, "unexpected '\"': string literals use single quotes");
    return Fail(i_, std::string("unexpected character '") + c + "'");
  }

  Result<void> Identifier(Token& t) {
    size_t j = i_;
    while (j < text_.size() && (IsIdentChar(text_[j]) || text_[j] == '-')) {
      if (text_[j] == '-') t.has_hyphen = true;
      ++j;
    }
    std::string_view word = text_.substr(i_, j - i_);
    i_ = j;
    t.tok = Tok::kIdent;
    if (t.has_hyphen) return Ok();
    if (word == "true" || word == "false") {
      t.tok = Tok::kBool;
      t.literal.kind = LiteralKind::kBool;
      t.literal.bool_value = word == "true";
      return Ok();
    }
    for (const auto& k : kKeywords) {
      if (k.text == word) t.tok = k.tok;
    }
    return Ok();
  }

  Result<void> StringLit(Token& t) {
    const size_t open = i_;
    ECRN_ASSIGN_OR_RETURN(std::string_view body, QuotedBody(open, "string literal"));
    std::string value;
    value.reserve(body.size());
    for (size_t k = 0; k < body.size(); ++k) {
      if (body[k] == '\\') ++k;
      value.push_back(body[k]);
    }
    t.tok = Tok::kString;
    t.literal.kind = LiteralKind::kString;
    t.literal.text = std::move(value);
    return Ok();
  }

  Result<void> PrefixedLiteral(Token& t, char prefix) {
    const size_t start = i_;
    const char* what = prefix == 'h'   ? "hex literal"
                       : prefix == 'b' ? "binary literal"
                                       : "timestamp literal";
    ECRN_ASSIGN_OR_RETURN(std::string_view body, QuotedBody(start + 1, what));
    const size_t body_at = start + 2;
    if (prefix == 'h') {
      for (size_t k = 0; k < body.size(); ++k) {
        if (!IsHexDigit(body[k])) return Fail(body_at + k, "hex literal holds a non-hex digit");
      }
      if (body.size() % 2 != 0) return Fail(start, "hex literal needs an even number of digits");
      std::string bytes = DecodeHex(body).value_or(std::string());
      t.tok = Tok::kHex;
      t.literal.kind = LiteralKind::kHex;
      t.literal.text = std::move(bytes);
      return Ok();
    }
    if (prefix == 'b') {
      size_t pad = 0;
      for (size_t k = 0; k < body.size(); ++k) {
        if (body[k] == '=') {
          ++pad;
        } else if (!IsBase64Char(body[k]) || pad > 0) {
          return Fail(body_at + k, "binary literal holds a character that is not base64");
        }
      }
      if (body.empty() || body.size() % 4 != 0 || pad > 2) {
        return Fail(start, "binary literal must be padded base64 (groups of 4 characters)");
      }
      auto bytes = DecodeBase64(body);
      if (!bytes) return Fail(start, "binary literal is not valid base64");
      t.tok = Tok::kBinary;
      t.literal.kind = LiteralKind::kBinary;
      t.literal.text = std::move(*bytes);
      return Ok();
    }
    // Timestamps: the grammar's form (fraction optional, 'Z' required), then
    // a real calendar date.
    auto ts = ParseTimestamp(body);
    if (!ts) return Fail(start, "invalid timestamp literal: " + ts.error().message);
    t.tok = Tok::kTimestamp;
    t.literal.kind = LiteralKind::kTimestamp;
    t.literal.timestamp = ts->micros;
    t.literal.text = std::string(body);
    return Ok();
  }

  Result<void> Number(Token& t) {
    const size_t start = i_;
    size_t j = i_;
    bool negative = false;
    if (text_[j] == '+' || text_[j] == '-') {
      negative = text_[j] == '-';
      ++j;
    }
    const size_t digits_at = j;
    while (j < text_.size() && IsDigit(text_[j])) ++j;
    const size_t int_digits = j - digits_at;
    bool is_float = false;
    if (j + 1 < text_.size() && text_[j] == '.' && IsDigit(text_[j + 1])) {
      is_float = true;
      ++j;
      while (j < text_.size() && IsDigit(text_[j])) ++j;
    }
    i_ = j;
    if (!is_float) {
      if (int_digits > 1 && text_[digits_at] == '0') {
        return Fail(start, "integer literal with a leading zero");
      }
      int64_t v = 0;
      std::string_view digits = text_.substr(digits_at, int_digits);
      // Parse the magnitude as unsigned so INT64_MIN is representable.
      uint64_t mag = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), mag);
      const uint64_t limit =
          negative ? uint64_t{1} << 63 : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
      if (ec != std::errc() || p != digits.data() + digits.size() || mag > limit) {
        return Fail(start, "integer literal out of range (64-bit)");
      }
      v = negative ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
      t.tok = Tok::kInt;
      t.literal.kind = LiteralKind::kInt;
      t.literal.int_value = v;
      t.literal.text = std::string(text_.substr(start, j - start));
      return Ok();
    }
    std::string_view num = text_.substr(digits_at, j - digits_at);
    double d = 0;
    auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), d);
    if (ec != std::errc() || p != num.data() + num.size()) {
      return Fail(start, "float literal out of range");
    }
    t.tok = Tok::kFloat;
    t.literal.kind = LiteralKind::kFloat;
    t.literal.float_value = negative ? -d : d;
    t.literal.text = std::string(text_.substr(start, j - start));
    return Ok();
  }

  std::string_view text_;
  size_t i_ = 0;
};

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)) {}

  Result<Pattern> Run() {
    Pattern p;
    ECRN_ASSIGN_OR_RETURN(p.root, FollowedBy());
    if (Peek().tok != Tok::kEnd) {
      return Fail(Peek(),
                  "expected AND, OR, FOLLOWEDBY or a qualifier, found " + Describe(Peek(), text_));
    }
    return p;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Take() {
    const Token& t = tokens_[pos_];
    if (t.tok != Tok::kEnd) ++pos_;
    return t;
  }
  bool Accept(Tok tok) {
    if (Peek().tok != tok) return false;
    Take();
    return true;
  }
  static Position Here(const Token& t) { return t.pos; }
  Error Fail(const Token& t, std::string_view reason) const {
    return PatternErrorAt(Here(t), reason);
  }
  Result<void> Expect(Tok tok, std::string_view what) {
    if (Accept(tok)) return Ok();
    return Fail(Peek(), "expected " + std::string(what) + ", found " + Describe(Peek(), text_));
  }

  // Depth guard for nested parentheses and brackets.
  Result<void> Enter(const Token& t) {
    if (++depth_ > kMaxNesting) return Fail(t, "pattern nested too deeply");
    return Ok();
  }

  // observationExpressions: FOLLOWEDBY is the loosest, then OR, then AND.
  Result<ObservationExpr> FollowedBy() { return ObsChain(Tok::kFollowedBy); }

  Result<ObservationExpr> ObsChain(Tok op) {
    const Token& first = Peek();
    auto operand = [&]() -> Result<ObservationExpr> {
      if (op == Tok::kFollowedBy) return ObsChain(Tok::kOr);
      if (op == Tok::kOr) return ObsChain(Tok::kAnd);
      return ObsUnit();
    };
    ECRN_ASSIGN_OR_RETURN(ObservationExpr left, operand());
    if (Peek().tok != op) return left;
    ObservationExpr node;
    node.kind = op == Tok::kFollowedBy ? ObservationExpr::Kind::kFollowedBy
                : op == Tok::kOr       ? ObservationExpr::Kind::kOr
                                       : ObservationExpr::Kind::kAnd;
    node.pos = Here(first);
    node.operands.push_back(std::move(left));
    while (Accept(op)) {
      ECRN_ASSIGN_OR_RETURN(ObservationExpr right, operand());
      node.operands.push_back(std::move(right));
    }
    return node;
  }

  Result<ObservationExpr> ObsUnit() {
    const Token& open = Peek();
    ObservationExpr node;
    if (Accept(Tok::kLBrack)) {
      ECRN_TRY(Enter(open));
      node.kind = ObservationExpr::Kind::kSimple;
      node.pos = Here(open);
      ECRN_ASSIGN_OR_RETURN(node.comparison, CompOr());
      ECRN_TRY(Expect(Tok::kRBrack, "']' or AND / OR"));
      --depth_;
    } else if (Accept(Tok::kLParen)) {
      ECRN_TRY(Enter(open));
      ECRN_ASSIGN_OR_RETURN(node, FollowedBy());
      ECRN_TRY(Expect(Tok::kRParen, "')' or AND / OR / FOLLOWEDBY"));
      --depth_;
      node.pos = Here(open);
    } else {
      return Fail(open, "expected '[' or '(' to start an observation expression, found " +
                            Describe(open, text_));
    }
    for (;;) {
      const Token& q = Peek();
      Qualifier qual;
      qual.pos = Here(q);
      if (Accept(Tok::kWithin)) {
        qual.kind = Qualifier::Kind::kWithin;
        const Token& num = Take();
        qual.value_pos = Here(num);
        if (num.tok == Tok::kInt) {
          qual.seconds = static_cast<double>(num.literal.int_value);
        } else if (num.tok == Tok::kFloat) {
          qual.seconds = num.literal.float_value;
        } else {
          return Fail(num, "WITHIN needs a number of seconds, found " + Describe(num, text_));
        }
        if (num.literal.text.starts_with('-')) {
          return Fail(num, "WITHIN needs a positive number of seconds");
        }
        ECRN_TRY(Expect(Tok::kSeconds, "SECONDS after the WITHIN duration"));
      } else if (Accept(Tok::kRepeats)) {
        qual.kind = Qualifier::Kind::kRepeats;
        const Token& num = Take();
        qual.value_pos = Here(num);
        if (num.tok != Tok::kInt || num.literal.text.starts_with('-')) {
          return Fail(num, "REPEATS needs a positive integer, found " + Describe(num, text_));
        }
        qual.times = num.literal.int_value;
        ECRN_TRY(Expect(Tok::kTimes, "TIMES after the REPEATS count"));
      } else if (Accept(Tok::kStart)) {
        qual.kind = Qualifier::Kind::kStartStop;
        const Token& start = Take();
        qual.value_pos = Here(start);
        if (start.tok != Tok::kTimestamp) {
          return Fail(start,
                      "START needs a timestamp literal t'...', found " + Describe(start, text_));
        }
        qual.start = start.literal.timestamp;
        ECRN_TRY(Expect(Tok::kStop, "STOP after the START timestamp"));
        const Token& stop = Take();
        if (stop.tok != Tok::kTimestamp) {
          return Fail(stop,
                      "STOP needs a timestamp literal t'...', found " + Describe(stop, text_));
        }
        qual.stop = stop.literal.timestamp;
      } else {
        break;
      }
      node.qualifiers.push_back(qual);
    }
    return node;
  }

  Result<ComparisonExpr> CompOr() { return CompChain(Tok::kOr); }

  Result<ComparisonExpr> CompChain(Tok op) {
    const Token& first = Peek();
    auto operand = [&]() -> Result<ComparisonExpr> {
      return op == Tok::kOr ? CompChain(Tok::kAnd) : PropTest();
    };
    ECRN_ASSIGN_OR_RETURN(ComparisonExpr left, operand());
    if (Peek().tok != op) return left;
    ComparisonExpr node;
    node.kind = op == Tok::kOr ? ComparisonExpr::Kind::kOr : ComparisonExpr::Kind::kAnd;
    node.pos = Here(first);
    node.operands.push_back(std::move(left));
    while (Accept(op)) {
      ECRN_ASSIGN_OR_RETURN(ComparisonExpr right, operand());
      node.operands.push_back(std::move(right));
    }
    return node;
  }

  Result<ComparisonExpr> PropTest() {
    const Token& first = Peek();
    if (Accept(Tok::kLParen)) {
      ECRN_TRY(Enter(first));
      ECRN_ASSIGN_OR_RETURN(ComparisonExpr inner, CompOr());
      ECRN_TRY(Expect(Tok::kRParen, "')' or AND / OR"));
      --depth_;
      return inner;
    }
    ComparisonExpr node;
    node.kind = ComparisonExpr::Kind::kComparison;
    node.pos = Here(first);
    Comparison& c = node.comparison;
    c.pos = node.pos;
    if (first.tok == Tok::kNot || first.tok == Tok::kExists) {
      c.negated = Accept(Tok::kNot);
      if (!Accept(Tok::kExists)) {
        return Fail(Peek(),
                    "NOT before an object path is only allowed as NOT EXISTS; write "
                    "the NOT after the path (path NOT = ...)");
      }
      c.op = CompareOp::kExists;
      ECRN_ASSIGN_OR_RETURN(c.path, Path());
      return node;
    }
    ECRN_ASSIGN_OR_RETURN(c.path, Path());
    c.negated = Accept(Tok::kNot);
    const Token& op = Take();
    switch (op.tok) {
      case Tok::kEq:
      case Tok::kNe: {
        c.op = op.tok == Tok::kEq ? CompareOp::kEqual : CompareOp::kNotEqual;
        ECRN_ASSIGN_OR_RETURN(Literal lit, PrimitiveLiteral(op, true));
        c.values.push_back(std::move(lit));
        return node;
      }
      case Tok::kLt:
      case Tok::kLe:
      case Tok::kGt:
      case Tok::kGe: {
        c.op = op.tok == Tok::kLt   ? CompareOp::kLess
               : op.tok == Tok::kLe ? CompareOp::kLessEqual
               : op.tok == Tok::kGt ? CompareOp::kGreater
                                    : CompareOp::kGreaterEqual;
        ECRN_ASSIGN_OR_RETURN(Literal lit, PrimitiveLiteral(op, false));
        c.values.push_back(std::move(lit));
        return node;
      }
      case Tok::kIn: {
        c.op = CompareOp::kIn;
        const Token& open = Peek();
        if (!Accept(Tok::kLParen)) {
          return Fail(open,
                      "IN needs a set literal like ('a', 'b'), found " + Describe(open, text_));
        }
        if (Accept(Tok::kRParen)) return node;
        for (;;) {
          ECRN_ASSIGN_OR_RETURN(Literal lit, PrimitiveLiteral(op, true));
          c.values.push_back(std::move(lit));
          if (Accept(Tok::kRParen)) return node;
          ECRN_TRY(Expect(Tok::kComma, "',' or ')' in the set literal"));
        }
      }
      case Tok::kLike:
      case Tok::kMatches:
      case Tok::kIsSubset:
      case Tok::kIsSuperset: {
        c.op = op.tok == Tok::kLike       ? CompareOp::kLike
               : op.tok == Tok::kMatches  ? CompareOp::kMatches
               : op.tok == Tok::kIsSubset ? CompareOp::kIsSubset
                                          : CompareOp::kIsSuperset;
        const Token& lit = Take();
        if (lit.tok != Tok::kString) {
          return Fail(lit, std::string(CompareOpName(c.op)) + " needs a string literal, found " +
                               Describe(lit, text_));
        }
        c.values.push_back(lit.literal);
        return node;
      }
      case Tok::kExists:
        return Fail(op, "EXISTS comes before the object path (EXISTS type:property)");
      default:
        return Fail(op,
                    "expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, "
                    "ISSUBSET, ISSUPERSET) after the object path, found " +
                        Describe(op, text_));
    }
  }

  static bool IsLiteral(Tok t) {
    return t == Tok::kString || t == Tok::kInt || t == Tok::kFloat || t == Tok::kBool ||
           t == Tok::kBinary || t == Tok::kHex || t == Tok::kTimestamp;
  }

  Result<Literal> PrimitiveLiteral(const Token& op, bool bool_ok) {
    const Token& t = Take();
    if (t.tok == Tok::kLParen && op.tok != Tok::kIn) {
      return Fail(t, "a set literal needs IN, not " + Describe(op, text_));
    }
    if (!IsLiteral(t.tok)) return Fail(t, "expected a literal, found " + Describe(t, text_));
    if (t.tok == Tok::kBool && !bool_ok) {
      return Fail(t, Describe(op, text_) + " cannot order booleans");
    }
    return t.literal;
  }

  Result<ObjectPath> Path() {
    const Token& type = Take();
    ObjectPath path;
    path.pos = Here(type);
    if (type.tok != Tok::kIdent) {
      return Fail(type, "expected an object path (type:property), found " + Describe(type, text_));
    }
    path.type = std::string(text_.substr(type.begin, type.end - type.begin));
    ECRN_TRY(Expect(Tok::kColon, "':' after the object type"));
    const Token& first = Take();
    PathStep step;
    step.pos = Here(first);
    if (first.tok == Tok::kIdent && !first.has_hyphen) {
      step.key = std::string(text_.substr(first.begin, first.end - first.begin));
    } else if (first.tok == Tok::kString) {
      step.key = first.literal.text;
      step.quoted = true;
    } else if (first.tok == Tok::kIdent) {
      return Fail(first, "a property name with '-' must be quoted ('" +
                             std::string(text_.substr(first.begin, first.end - first.begin)) +
                             "')");
    } else {
      return Fail(first, "expected a property name after ':', found " + Describe(first, text_));
    }
    path.steps.push_back(std::move(step));
    for (;;) {
      const Token& t = Peek();
      if (Accept(Tok::kDot)) {
        const Token& key = Take();
        PathStep s;
        s.pos = Here(key);
        if (key.tok == Tok::kIdent && !key.has_hyphen) {
          s.key = std::string(text_.substr(key.begin, key.end - key.begin));
        } else if (key.tok == Tok::kString) {
          s.key = key.literal.text;
          s.quoted = true;
        } else if (key.tok == Tok::kIdent) {
          return Fail(key, "a path component with '-' must be quoted ('" +
                               std::string(text_.substr(key.begin, key.end - key.begin)) + "')");
        } else {
          return Fail(key, "expected a property name after '.', found " + Describe(key, text_));
        }
        path.steps.push_back(std::move(s));
      } else if (t.tok == Tok::kFloat && text_[t.begin] == '.') {
        return Fail(t, "a path component cannot start with a digit");
      } else if (Accept(Tok::kLBrack)) {
        const Token& idx = Take();
        PathStep s;
        s.pos = Here(idx);
        if (idx.tok == Tok::kAsterisk) {
          s.kind = PathStep::Kind::kAnyIndex;
        } else if (idx.tok == Tok::kInt) {
          s.kind = PathStep::Kind::kIndex;
          s.index = idx.literal.int_value;
        } else {
          return Fail(idx,
                      "expected a list index (an integer or *), found " + Describe(idx, text_));
        }
        ECRN_TRY(Expect(Tok::kRBrack, "']' after the list index"));
        path.steps.push_back(std::move(s));
      } else {
        return path;
      }
    }
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t depth_ = 0;
};

}  // namespace

Result<Pattern> ParsePattern(std::string_view text) {
  if (text.size() > kMaxPatternBytes) {
    return PatternErrorAt(Position{},
                          "pattern longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  size_t bad = 0;
  if (!IsValidUtf8(text, &bad)) {
    return PatternErrorAt(PositionOf(text, bad), "the pattern is not valid UTF-8");
  }
  ECRN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Lexer(text).Run());
  if (tokens.size() == 1) return PatternErrorAt(Position{}, "empty pattern");
  return Parser(text, std::move(tokens)).Run();
}

}  // namespace ecrn::pattern
