// Log formats the sensor understands, and the parsers that turn one log line
// into a Record (observables and, when the line has one, a timestamp).
// Parsers are not thread-safe (they keep scratch buffers and, for CSV and
// Zeek, the header); give each thread its own Clone(). Format detection is a
// pure function.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/scan/record.hpp"

namespace ecrn::scan {

enum class Format : uint8_t {
  kText,     // free text: every observable anywhere in the line
  kJson,     // JSON lines (one object per line), with an optional field mapping
  kCsv,      // CSV with a header line, columns mapped by name
  kWeb,      // common / combined web-server log (also Apache vhost_combined)
  kBind,     // BIND query log lines
  kDnsmasq,  // dnsmasq query / reply / forwarded / cached lines
  kZeek,     // Zeek TSV logs (dns.log and others) with their '#' header
};

// "text", "json", "csv", "web", "bind", "dnsmasq", "zeek".
std::string_view FormatName(Format format);
// The inverse of FormatName; nullopt for anything else (including "auto").
std::optional<Format> FormatFromName(std::string_view name);

// One entry of a field mapping, written "path=KIND" where KIND is a kind name
// (ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512) or "time". For
// JSON the path names nested members with dots ("client.ip"); for CSV it is a
// column name.
struct FieldMapping {
  std::string field;
  std::optional<Kind> kind;  // nullopt: the field is the line's timestamp
};
// Fails with kInvalidArgument and a message naming the problem.
Result<FieldMapping> ParseFieldMapping(std::string_view text);

struct FormatOptions {
  Format format = Format::kText;
  // JSON and CSV: which fields hold what. Without any kind mapping every
  // string value (JSON) or every column (CSV) is read as free text; without
  // a time mapping the fields "@timestamp", "timestamp", "time", "ts",
  // "date" and "datetime" are tried for the timestamp.
  std::vector<FieldMapping> fields;
  // The year of timestamps written without one (syslog-style "Nov 21
  // 10:00:00", as dnsmasq writes them). 0: such lines carry no timestamp.
  int syslog_year = 0;
};

enum class LineOutcome : uint8_t {
  kRecord,  // the line is a record (it may hold no observable)
  kHeader,  // the line was a header or comment the parser consumed
  kSkip,    // the line is malformed for the format; `reason` says why
};

struct LineResult {
  LineOutcome outcome = LineOutcome::kRecord;
  std::string_view reason;  // static text, for kSkip
};

class LineParser {
 public:
  virtual ~LineParser() = default;
  // Parses `record.line`: appends to `record.observables` (the caller clears
  // it) and sets `record.timestamp`. The observables' views point into the
  // line or into this parser's scratch space, valid until the next Parse.
  virtual LineResult Parse(Record& record) = 0;
  // Whether `line` is a header line this parser must see in order before any
  // record line that follows it (CSV's first line, Zeek's '#' lines). The
  // pipeline feeds such lines to the source's parser before it hands clones to
  // worker threads.
  virtual bool IsHeader(std::string_view line) const {
    (void)line;
    return false;
  }
  // The first byte of header lines that may appear anywhere in a source
  // (Zeek's '#'), 0 when headers only come first. The pipeline cuts chunks
  // before such lines so every copy of the parser sees the header in force.
  virtual char HeaderPrefix() const { return 0; }
  // A parser in the same state (header included), for another thread.
  virtual std::unique_ptr<LineParser> Clone() const = 0;
};

// A fresh parser for one source. Fails with kInvalidArgument when the options
// do not fit the format (a field mapping for a format that has fixed fields).
Result<std::unique_ptr<LineParser>> MakeParser(const FormatOptions& options);

// What --format auto chose, and why (a sentence the CLI can print).
struct Detection {
  Format format = Format::kText;
  std::string reason;
};
// Guesses the format from the first lines of a source (empty lines ignored;
// about ten lines are plenty). Falls back to free text.
Detection DetectFormat(std::span<const std::string_view> first_lines);

}  // namespace ecrn::scan
