// JSON lines: a single forward scan of each object that visits every member,
// tracks the dotted path of the current member, and looks only at the values
// a mapping names (or, without a kind mapping, at every string value). Strings
// without escapes are handed out as views into the line; escaped ones are
// decoded into scratch space.
#include <cstdint>

#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format_parsers.hpp"
#include "ecrn/scan/log_time.hpp"

namespace ecrn::scan::internal {
namespace {

constexpr int kMaxDepth = 64;

class JsonParser final : public LineParser {
 public:
  explicit JsonParser(std::vector<FieldMapping> fields) : fields_(std::move(fields)) {
    for (const FieldMapping& f : fields_) {
      if (f.kind) free_text_ = false;
      if (!f.kind) time_mapped_ = true;
    }
  }

  LineResult Parse(Record& record) override {
    record_ = &record;
    scratch_.Reset(record.line.size());
    path_.clear();
    p_ = record.line.data();
    end_ = p_ + record.line.size();
    error_ = nullptr;
    SkipSpace();
    if (p_ == end_ || *p_ != '{') return Skip("not a JSON object");
    if (!Value(0)) return Skip(error_);
    SkipSpace();
    if (p_ != end_) return Skip("text after the JSON object");
    return {};
  }

  std::unique_ptr<LineParser> Clone() const override {
    return std::make_unique<JsonParser>(fields_);
  }

 private:
  static LineResult Skip(const char* reason) { return {LineOutcome::kSkip, reason}; }

  bool Fail(const char* reason) {
    if (error_ == nullptr) error_ = reason;
    return false;
  }

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }

  bool Value(int depth) {
    if (depth > kMaxDepth) return Fail("JSON nested deeper than 64 levels");
    SkipSpace();
    if (p_ == end_) return Fail("JSON object cut short");
    switch (*p_) {
      case '{':
        return Object(depth);
      case '[':
        return Array(depth);
      case '"': {
        std::string_view s;
        if (!String(Wanted(), s)) return false;
        OnScalar(s, true, depth);
        return true;
      }
      default: {
        const char* begin = p_;
        while (p_ < end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '-' || *p_ == '+' || *p_ == '.' ||
                             *p_ == 'e' || *p_ == 'E' || (*p_ >= 'a' && *p_ <= 'z'))) {
          ++p_;
        }
        const std::string_view lit(begin, p_ - begin);
        if (lit.empty()) return Fail("invalid JSON value");
        if (lit == "true" || lit == "false" || lit == "null") return true;
        if (!((lit[0] >= '0' && lit[0] <= '9') || lit[0] == '-')) {
          return Fail("invalid JSON value");
        }
        OnScalar(lit, false, depth);
        return true;
      }
    }
  }

  bool Object(int depth) {
    ++p_;  // '{'
    SkipSpace();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (p_ == end_ || *p_ != '"') return Fail("expected a JSON member name");
      std::string_view key;
      if (!String(true, key)) return false;
      const size_t saved = path_.size();
      if (saved != 0) path_ += '.';
      path_.append(key);
      SkipSpace();
      if (p_ == end_ || *p_ != ':') return Fail("expected ':' after a JSON member name");
      ++p_;
      if (!Value(depth + 1)) return false;
      path_.resize(saved);
      SkipSpace();
      if (p_ == end_) return Fail("JSON object cut short");
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      return Fail("expected ',' or '}' in a JSON object");
    }
  }

  bool Array(int depth) {
    ++p_;  // '['
    SkipSpace();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    while (true) {
      if (!Value(depth + 1)) return false;
      SkipSpace();
      if (p_ == end_) return Fail("JSON array cut short");
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      return Fail("expected ',' or ']' in a JSON array");
    }
  }

  // Whether the value at the current path is looked at.
  bool Wanted() const {
    if (free_text_) return true;
    for (const FieldMapping& f : fields_) {
      if (f.field == path_) return true;
    }
    return !time_mapped_ && IsDefaultTimeField(path_);
  }

  // At '"': reads the string; decodes it into `out` when `decode`.
  bool String(bool decode, std::string_view& out) {
    const char* begin = ++p_;
    bool escaped = false;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ == '\\') {
        escaped = true;
        if (++p_ == end_) break;
      }
      ++p_;
    }
    if (p_ == end_) return Fail("unterminated JSON string");
    const std::string_view raw(begin, p_ - begin);
    ++p_;
    if (!escaped || !decode) {
      out = raw;
      return true;
    }
    return Unescape(raw, out);
  }

  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  static bool Hex4(std::string_view s, size_t i, uint32_t& out) {
    if (i + 4 > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < 4; ++k) {
      const int v = HexValue(s[i + k]);
      if (v < 0) return false;
      out = out * 16 + static_cast<uint32_t>(v);
    }
    return true;
  }

  bool Unescape(std::string_view raw, std::string_view& out) {
    // Decoded text is never longer than the escaped text.
    char* const begin = scratch_.Begin();
    char* w = begin;
    for (size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c != '\\') {
        *w++ = c;
        continue;
      }
      const char e = raw[++i];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          *w++ = e;
          break;
        case 'b':
          *w++ = '\b';
          break;
        case 'f':
          *w++ = '\f';
          break;
        case 'n':
          *w++ = '\n';
          break;
        case 'r':
          *w++ = '\r';
          break;
        case 't':
          *w++ = '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(raw, i + 1, cp)) return Fail("invalid \\u escape in a JSON string");
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u' &&
                Hex4(raw, i + 3, low) && low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              i += 6;
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          if (cp < 0x80) {
            *w++ = static_cast<char>(cp);
          } else if (cp < 0x800) {
            *w++ = static_cast<char>(0xC0 | (cp >> 6));
            *w++ = static_cast<char>(0x80 | (cp & 0x3F));
          } else if (cp < 0x10000) {
            *w++ = static_cast<char>(0xE0 | (cp >> 12));
            *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *w++ = static_cast<char>(0x80 | (cp & 0x3F));
          } else {
            *w++ = static_cast<char>(0xF0 | (cp >> 18));
            *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            *w++ = static_cast<char>(0x80 | (cp & 0x3F));
          }
          break;
        }
        default:
          return Fail("invalid escape in a JSON string");
      }
    }
    out = scratch_.Commit(static_cast<size_t>(w - begin));
    return true;
  }

  void OnScalar(std::string_view value, bool is_string, int depth) {
    Record& r = *record_;
    if (free_text_) {
      if (is_string) ExtractObservables(value, r.observables);
    } else {
      for (const FieldMapping& f : fields_) {
        if (f.field != path_) continue;
        if (f.kind) {
          AppendTyped(*f.kind, value, r.observables);
        } else if (!r.timestamp) {
          r.timestamp = ParseAnyTime(value);
        }
      }
    }
    if (!time_mapped_ && !r.timestamp && depth == 1 && IsDefaultTimeField(path_)) {
      r.timestamp = ParseAnyTime(value);
    }
  }

  std::vector<FieldMapping> fields_;
  bool free_text_ = true;
  bool time_mapped_ = false;
  Scratch scratch_;
  std::string path_;
  Record* record_ = nullptr;
  const char* p_ = nullptr;
  const char* end_ = nullptr;
  const char* error_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<LineParser>> MakeJsonParser(const FormatOptions& options) {
  for (const FieldMapping& f : options.fields) {
    if (f.field.empty() || f.field.front() == '.' || f.field.back() == '.' ||
        f.field.find("..") != std::string::npos) {
      return Error::Invalid("JSON field path '" + f.field + "' is not a dotted member path");
    }
  }
  return std::unique_ptr<LineParser>(std::make_unique<JsonParser>(options.fields));
}

}  // namespace ecrn::scan::internal
