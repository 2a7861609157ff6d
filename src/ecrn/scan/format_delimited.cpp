// Formats whose lines are fields under a header: CSV (RFC 4180 quoting, one
// record per line) and Zeek's TSV logs.
#include <string>
#include <vector>

#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format_parsers.hpp"
#include "ecrn/scan/log_time.hpp"

namespace ecrn::scan::internal {
namespace {

// What to do with one column's values.
struct Column {
  std::optional<Kind> kind;  // a typed value
  bool time = false;         // the line's timestamp
  bool free_text = false;    // every observable in the value
  bool set = false;          // Zeek: a set of hosts split at the set separator
};

constexpr const char* kCsvFieldCount = "CSV row has a different number of fields than the header";
constexpr const char* kCsvQuote = "CSV row has an unterminated or misplaced quote";

// Splits a CSV line into `fields`; quoted fields with doubled quotes are
// decoded into `scratch`. Returns a skip reason, or nullptr.
const char* SplitCsv(std::string_view line, Scratch& scratch,
                     std::vector<std::string_view>& fields) {
  fields.clear();
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      const size_t begin = ++i;
      bool doubled = false;
      while (true) {
        const size_t q = line.find('"', i);
        if (q == std::string_view::npos) return kCsvQuote;
        if (q + 1 < line.size() && line[q + 1] == '"') {
          doubled = true;
          i = q + 2;
          continue;
        }
        i = q;
        break;
      }
      std::string_view raw = line.substr(begin, i - begin);
      ++i;  // closing quote
      if (i < line.size() && line[i] != ',') return kCsvQuote;
      if (doubled) {
        char* w = scratch.Begin();
        size_t n = 0;
        for (size_t k = 0; k < raw.size(); ++k) {
          w[n++] = raw[k];
          if (raw[k] == '"') ++k;  // the second of a pair
        }
        raw = scratch.Commit(n);
      }
      fields.push_back(raw);
    } else {
      size_t end = line.find(',', i);
      if (end == std::string_view::npos) end = line.size();
      const std::string_view raw = line.substr(i, end - i);
      if (raw.find('"') != std::string_view::npos) return kCsvQuote;
      fields.push_back(raw);
      i = end;
    }
    if (i >= line.size()) return nullptr;
    ++i;  // ','
    if (i == line.size()) {
      fields.emplace_back();
      return nullptr;
    }
  }
}

void ApplyColumn(const Column& column, std::string_view value, char set_separator, Record& record) {
  if (column.time) {
    if (!record.timestamp) record.timestamp = ParseAnyTime(value);
  } else if (column.free_text) {
    ExtractObservables(value, record.observables);
  } else if (column.kind) {
    if (!column.set) {
      AppendTyped(*column.kind, value, record.observables);
      return;
    }
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(set_separator, start);
      if (end == std::string_view::npos) end = value.size();
      const std::string_view item = value.substr(start, end - start);
      if (!item.empty()) AppendTyped(*column.kind, item, record.observables);
      start = end + 1;
    }
  }
}

class CsvParser final : public LineParser {
 public:
  explicit CsvParser(std::vector<FieldMapping> mappings) : mappings_(std::move(mappings)) {}

  bool IsHeader(std::string_view line) const override {
    (void)line;
    return !have_header_;
  }

  LineResult Parse(Record& record) override {
    scratch_.Reset(record.line.size());
    if (const char* bad = SplitCsv(record.line, scratch_, fields_)) {
      if (!have_header_) {
        have_header_ = true;
        header_error_ = "CSV header line is malformed";
        return {LineOutcome::kSkip, header_error_};
      }
      return {LineOutcome::kSkip, bad};
    }
    if (!have_header_) return ReadHeader();
    if (header_error_ != nullptr) return {LineOutcome::kSkip, header_error_};
    if (fields_.size() != columns_.size()) return {LineOutcome::kSkip, kCsvFieldCount};
    for (size_t i = 0; i < fields_.size(); ++i) {
      ApplyColumn(columns_[i], fields_[i], ',', record);
    }
    return {};
  }

  std::unique_ptr<LineParser> Clone() const override {
    auto copy = std::make_unique<CsvParser>(mappings_);
    copy->have_header_ = have_header_;
    copy->header_error_ = header_error_;
    copy->columns_ = columns_;
    return copy;
  }

 private:
  LineResult ReadHeader() {
    have_header_ = true;
    columns_.assign(fields_.size(), Column{});
    bool kind_mapped = false, time_mapped = false;
    for (const FieldMapping& m : mappings_) {
      bool found = false;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i] != m.field) continue;
        found = true;
        if (m.kind) {
          columns_[i].kind = m.kind;
          kind_mapped = true;
        } else {
          columns_[i].time = true;
          time_mapped = true;
        }
      }
      if (!found) {
        header_error_ = "CSV header lacks a column the field mapping names";
        return {LineOutcome::kSkip, header_error_};
      }
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (!kind_mapped && !columns_[i].time) columns_[i].free_text = true;
      if (!time_mapped && IsDefaultTimeField(fields_[i])) {
        columns_[i].time = true;
        time_mapped = true;
        columns_[i].free_text = false;
      }
    }
    return {LineOutcome::kHeader, {}};
  }

  std::vector<FieldMapping> mappings_;
  bool have_header_ = false;
  const char* header_error_ = nullptr;
  std::vector<Column> columns_;
  std::vector<std::string_view> fields_;
  Scratch scratch_;
};

// Zeek's "\x09"-style escapes in header values.
std::string ZeekUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x') {
      auto hex = [](char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      const int hi = hex(s[i + 2]), lo = hex(s[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

class ZeekParser final : public LineParser {
 public:
  bool IsHeader(std::string_view line) const override {
    return !line.empty() && line.front() == '#';
  }
  char HeaderPrefix() const override { return '#'; }

  LineResult Parse(Record& record) override {
    const std::string_view line = record.line;
    if (IsHeader(line)) return ReadHeader(line);
    if (columns_.empty()) return {LineOutcome::kSkip, "Zeek row before the #fields header"};
    size_t start = 0, column = 0;
    while (true) {
      size_t end = line.find(separator_, start);
      if (end == std::string_view::npos) end = line.size();
      if (column == columns_.size()) {
        return {LineOutcome::kSkip, "Zeek row has more fields than #fields names"};
      }
      const std::string_view value = line.substr(start, end - start);
      if (value != unset_ && value != empty_) {
        ApplyColumn(columns_[column], value, set_separator_, record);
      }
      ++column;
      if (end == line.size()) break;
      start = end + 1;
    }
    if (column != columns_.size()) {
      return {LineOutcome::kSkip, "Zeek row has fewer fields than #fields names"};
    }
    return {};
  }

  std::unique_ptr<LineParser> Clone() const override { return std::make_unique<ZeekParser>(*this); }

 private:
  LineResult ReadHeader(std::string_view line) {
    // "#separator \x09" uses a space; the other directives use the separator.
    if (line.starts_with("#separator ")) {
      const std::string sep = ZeekUnescape(line.substr(11));
      if (sep.size() != 1) return {LineOutcome::kSkip, "Zeek #separator is not one byte"};
      separator_ = sep[0];
      return {LineOutcome::kHeader, {}};
    }
    const size_t cut = line.find(separator_);
    const std::string_view directive = line.substr(0, cut);
    const std::string_view rest = cut == std::string_view::npos ? "" : line.substr(cut + 1);
    if (directive == "#set_separator") {
      const std::string sep = ZeekUnescape(rest);
      if (sep.size() != 1) return {LineOutcome::kSkip, "Zeek #set_separator is not one byte"};
      set_separator_ = sep[0];
    } else if (directive == "#empty_field") {
      empty_ = ZeekUnescape(rest);
    } else if (directive == "#unset_field") {
      unset_ = ZeekUnescape(rest);
    } else if (directive == "#fields") {
      columns_.clear();
      size_t start = 0;
      while (start <= rest.size()) {
        size_t end = rest.find(separator_, start);
        if (end == std::string_view::npos) end = rest.size();
        columns_.push_back(ColumnFor(rest.substr(start, end - start)));
        start = end + 1;
      }
    }
    return {LineOutcome::kHeader, {}};
  }

  // The columns of Zeek's logs that name hosts, hashes and URLs (dns.log's
  // query and answers; conn, http, ssl, files, smtp, x509 logs alike).
  static Column ColumnFor(std::string_view name) {
    Column c;
    if (name == "ts") {
      c.time = true;
    } else if (name == "id.orig_h" || name == "id.resp_h" || name == "query" || name == "host" ||
               name == "server_name" || name == "tx_hosts" || name == "rx_hosts" ||
               name == "answers") {
      c.kind = Kind::kDomain;  // any host kind (AppendTyped)
      c.set = name == "answers" || name == "tx_hosts" || name == "rx_hosts";
    } else if (name == "md5") {
      c.kind = Kind::kMd5;
    } else if (name == "sha1") {
      c.kind = Kind::kSha1;
    } else if (name == "sha256") {
      c.kind = Kind::kSha256;
    } else if (name == "referrer") {
      c.kind = Kind::kUrl;
    } else if (name == "mailfrom" || name == "rcptto" || name == "from" || name == "to") {
      c.free_text = true;
    }
    return c;
  }

  char separator_ = '\t';
  char set_separator_ = ',';
  std::string empty_ = "(empty)";
  std::string unset_ = "-";
  std::vector<Column> columns_;
};

}  // namespace

Result<std::unique_ptr<LineParser>> MakeCsvParser(const FormatOptions& options) {
  return std::unique_ptr<LineParser>(std::make_unique<CsvParser>(options.fields));
}

std::unique_ptr<LineParser> MakeZeekParser() { return std::make_unique<ZeekParser>(); }

}  // namespace ecrn::scan::internal
