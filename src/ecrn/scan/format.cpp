#include "ecrn/scan/format.hpp"

#include <array>
#include <cstring>

#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format_parsers.hpp"
#include "ecrn/scan/log_time.hpp"

namespace ecrn::scan {
namespace {

constexpr std::array<std::string_view, 7> kFormatNames = {"text", "json",    "csv", "web",
                                                          "bind", "dnsmasq", "zeek"};

class TextParser final : public LineParser {
 public:
  explicit TextParser(int syslog_year) : syslog_year_(syslog_year) {}
  LineResult Parse(Record& record) override {
    record.timestamp = internal::LeadingTime(record.line, syslog_year_);
    ExtractObservables(record.line, record.observables);
    return {};
  }
  std::unique_ptr<LineParser> Clone() const override { return std::make_unique<TextParser>(*this); }

 private:
  int syslog_year_;
};

bool Contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

bool LooksLikeClf(std::string_view line) {
  // host ident user [dd/Mon/yyyy:hh:mm:ss +zzzz] "..." (optionally after a
  // vhost field).
  for (int attempt = 0; attempt < 2; ++attempt) {
    size_t pos = 0;
    for (int field = 0; field < 3 + attempt; ++field) {
      pos = line.find(' ', pos);
      if (pos == std::string_view::npos) return false;
      ++pos;
    }
    if (pos + 30 <= line.size() && line[pos] == '[' &&
        ParseClfTime(line.substr(pos + 1, 26)).has_value() && line[pos + 27] == ']' &&
        line[pos + 29] == '"') {
      return true;
    }
  }
  return false;
}

size_t CountCsvFields(std::string_view line) {
  size_t fields = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) ++fields;
  }
  return fields;
}

}  // namespace

namespace internal {

bool IsDefaultTimeField(std::string_view name) {
  return name == "@timestamp" || name == "timestamp" || name == "time" || name == "ts" ||
         name == "date" || name == "datetime";
}

std::optional<Micros> LeadingTime(std::string_view line, int syslog_year) {
  if (line.size() < 15) return std::nullopt;
  const char c0 = line[0];
  if (c0 >= '0' && c0 <= '9') {
    if (line.size() >= 19 && line[4] == '-') {
      // ISO: up to the first space after the time part.
      size_t end = 19;
      while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
      return ParseIsoTime(line.substr(0, end));
    }
    if (line.size() >= 20 && line[2] == '-') {
      size_t end = line.find(' ', 20);
      if (end == std::string_view::npos) end = line.size();
      return ParseBindTime(line.substr(0, end));
    }
    return std::nullopt;
  }
  if (syslog_year > 0 && c0 >= 'A' && c0 <= 'Z')
    return ParseSyslogTime(line.substr(0, 15), syslog_year);
  return std::nullopt;
}

std::unique_ptr<LineParser> MakeTextParser(int syslog_year) {
  return std::make_unique<TextParser>(syslog_year);
}

}  // namespace internal

std::string_view FormatName(Format format) { return kFormatNames[static_cast<size_t>(format)]; }

std::optional<Format> FormatFromName(std::string_view name) {
  for (size_t i = 0; i < kFormatNames.size(); ++i) {
    if (kFormatNames[i] == name) return static_cast<Format>(i);
  }
  return std::nullopt;
}

Result<FieldMapping> ParseFieldMapping(std::string_view text) {
  const size_t eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) {
    return Error::Invalid("field mapping '" + std::string(text) +
                          "' is not of the form FIELD=KIND");
  }
  FieldMapping mapping;
  mapping.field = std::string(text.substr(0, eq));
  const std::string_view kind = text.substr(eq + 1);
  if (kind != "time") {
    mapping.kind = KindFromName(kind);
    if (!mapping.kind) {
      return Error::Invalid("field mapping '" + std::string(text) + "': unknown kind '" +
                            std::string(kind) +
                            "' (ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, time)");
    }
  }
  return mapping;
}

Result<std::unique_ptr<LineParser>> MakeParser(const FormatOptions& options) {
  if (!options.fields.empty() && options.format != Format::kJson &&
      options.format != Format::kCsv) {
    return Error::Invalid("a field mapping applies only to the json and csv formats, not " +
                          std::string(FormatName(options.format)));
  }
  switch (options.format) {
    case Format::kText:
      return internal::MakeTextParser(options.syslog_year);
    case Format::kJson:
      return internal::MakeJsonParser(options);
    case Format::kCsv:
      return internal::MakeCsvParser(options);
    case Format::kWeb:
      return internal::MakeWebParser();
    case Format::kBind:
      return internal::MakeBindParser(options.syslog_year);
    case Format::kDnsmasq:
      return internal::MakeDnsmasqParser(options.syslog_year);
    case Format::kZeek:
      return internal::MakeZeekParser();
  }
  return Error::Invalid("unknown format");
}

Detection DetectFormat(std::span<const std::string_view> first_lines) {
  std::vector<std::string_view> lines;
  for (std::string_view line : first_lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) return {Format::kText, "no lines to look at; reading free text"};
  const std::string_view first = lines.front();
  if (first.starts_with("#separator") || first.starts_with("#fields")) {
    return {Format::kZeek, "the first line is a Zeek '" +
                               std::string(first.substr(0, first.find_first_of(" \t"))) +
                               "' header"};
  }
  size_t json = 0, clf = 0, bind = 0, dnsmasq = 0;
  for (std::string_view line : lines) {
    if (line.front() == '{' && line.back() == '}') ++json;
    if (LooksLikeClf(line)) ++clf;
    if (Contains(line, "client ") && Contains(line, "query: ")) ++bind;
    if (Contains(line, "dnsmasq[") &&
        (Contains(line, "]: query[") || Contains(line, " reply ") || Contains(line, " cached ") ||
         Contains(line, " forwarded "))) {
      ++dnsmasq;
    }
  }
  const size_t n = lines.size();
  const std::string of = " of " + std::to_string(n) + " line" + (n == 1 ? "" : "s");
  // A format wins when most lines fit it (logs may begin with a stray line).
  auto most = [n](size_t k) { return k * 2 > n; };
  if (most(json)) return {Format::kJson, std::to_string(json) + of + " are JSON objects"};
  if (most(clf)) {
    return {Format::kWeb,
            std::to_string(clf) + of + " look like common/combined web-server log lines"};
  }
  if (most(bind)) {
    return {Format::kBind, std::to_string(bind) + of + " are BIND 'client ... query:' lines"};
  }
  if (most(dnsmasq)) {
    return {Format::kDnsmasq, std::to_string(dnsmasq) + of + " are dnsmasq query/reply lines"};
  }
  if (n >= 2) {
    const size_t fields = CountCsvFields(first);
    bool header_ok = fields >= 2 && first.find_first_of("{}[]") == std::string_view::npos;
    size_t same = 0;
    for (size_t i = 1; i < n; ++i) same += CountCsvFields(lines[i]) == fields;
    if (header_ok && same * 2 > n - 1 && same >= 1) {
      return {Format::kCsv, "the first line reads as a CSV header of " + std::to_string(fields) +
                                " columns and " + std::to_string(same) + " of the next " +
                                std::to_string(n - 1) + " lines have as many fields"};
    }
  }
  return {Format::kText, "no structured format fits the first " + std::to_string(n) + " line" +
                             (n == 1 ? "" : "s") + "; reading free text"};
}

}  // namespace ecrn::scan
