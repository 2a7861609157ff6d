// Timestamps as log formats write them, turned into UTC microseconds. Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "ecrn/core/time.hpp"

namespace ecrn::scan {

// RFC 3339 / ISO 8601: "2026-11-21T10:00:00Z", "2026-11-21 10:00:00.5+02:00",
// "2026-11-21T10:00:00" (no offset: UTC).
std::optional<Micros> ParseIsoTime(std::string_view text);
// Seconds since the epoch with an optional fraction ("1732183200.123456"), as
// Zeek writes them; also milliseconds when the integer part has 13 digits.
std::optional<Micros> ParseEpochTime(std::string_view text);
// Common Log Format: "10/Oct/2000:13:55:36 -0700" (without the brackets).
std::optional<Micros> ParseClfTime(std::string_view text);
// BIND: "21-Nov-2026 10:00:00.123" (the server's local time; taken as UTC).
std::optional<Micros> ParseBindTime(std::string_view text);
// Syslog: "Nov 21 10:00:00" (no year: `year` supplies it; local time taken as
// UTC).
std::optional<Micros> ParseSyslogTime(std::string_view text, int year);
// Any of ISO, epoch and CLF (what a JSON or CSV time field may hold).
std::optional<Micros> ParseAnyTime(std::string_view text);

}  // namespace ecrn::scan
