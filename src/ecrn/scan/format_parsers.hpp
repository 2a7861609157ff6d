// Private to scan/: the constructors of each format's parser, and helpers the
// parsers share. Not thread-safe (see LineParser).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ecrn/scan/format.hpp"

namespace ecrn::scan::internal {

std::unique_ptr<LineParser> MakeTextParser(int syslog_year);
Result<std::unique_ptr<LineParser>> MakeJsonParser(const FormatOptions& options);
Result<std::unique_ptr<LineParser>> MakeCsvParser(const FormatOptions& options);
std::unique_ptr<LineParser> MakeWebParser();
std::unique_ptr<LineParser> MakeBindParser(int syslog_year);
std::unique_ptr<LineParser> MakeDnsmasqParser(int syslog_year);
std::unique_ptr<LineParser> MakeZeekParser();

// Whether `name` is one of the field names tried for a timestamp when no
// mapping names one.
bool IsDefaultTimeField(std::string_view name);

// A timestamp at the start of a line: ISO 8601 ("2026-11-21T10:00:00Z" or
// "2026-11-21 10:00:00,123"), BIND's "21-Nov-2026 10:00:00.123", or syslog's
// "Nov 21 10:00:00" when `syslog_year` is set.
std::optional<Micros> LeadingTime(std::string_view line, int syslog_year);

// Scratch space for values a parser rewrites (JSON escapes, CSV quotes):
// sized once per line so views handed out stay valid for the whole line.
class Scratch {
 public:
  // Makes room for `bytes` bytes in total for this line.
  void Reset(size_t bytes) {
    if (buffer_.size() < bytes) buffer_.resize(bytes);
    used_ = 0;
  }
  // Space for up to `bytes` more bytes; Commit how many were written.
  char* Begin() { return buffer_.data() + used_; }
  size_t Room() const { return buffer_.size() - used_; }
  std::string_view Commit(size_t bytes) {
    std::string_view v(buffer_.data() + used_, bytes);
    used_ += bytes;
    return v;
  }

 private:
  std::string buffer_;
  size_t used_ = 0;
};

}  // namespace ecrn::scan::internal
