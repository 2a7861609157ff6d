#include "ecrn/scan/log_time.hpp"

#include <array>
#include <cstdint>

namespace ecrn::scan {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// well-known civil-date algorithm).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

std::optional<Micros> Compose(int y, int mo, int d, int h, int mi, int s, int64_t frac_micros,
                              int offset_seconds) {
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 ||
      s > 60) {
    return std::nullopt;
  }
  const int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_seconds;
  return secs * kMicrosPerSecond + frac_micros;
}

// ".123456" at `pos`: advances `pos`, returns micros (digits past 6 ignored).
int64_t Fraction(std::string_view s, size_t& pos) {
  if (pos >= s.size() || (s[pos] != '.' && s[pos] != ',')) return 0;
  ++pos;
  int64_t micros = 0;
  int digits = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (digits < 6) {
      micros = micros * 10 + (s[pos] - '0');
      ++digits;
    }
    ++pos;
  }
  for (; digits < 6; ++digits) micros *= 10;
  return micros;
}

int MonthFromName(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3) return 0;
  const char lower[3] = {static_cast<char>(name[0] | 0x20), static_cast<char>(name[1] | 0x20),
                         static_cast<char>(name[2] | 0x20)};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (std::string_view(lower, 3) == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

// "HH:MM:SS" at pos.
bool Clock(std::string_view s, size_t pos, int& h, int& mi, int& sec) {
  return Digits(s, pos, 2, h) && pos + 2 < s.size() && s[pos + 2] == ':' &&
         Digits(s, pos + 3, 2, mi) && pos + 5 < s.size() && s[pos + 5] == ':' &&
         Digits(s, pos + 6, 2, sec);
}

}  // namespace

std::optional<Micros> ParseIsoTime(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (!Digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Clock(s, 11, h, mi, sec)) {
    return std::nullopt;
  }
  size_t pos = 19;
  const int64_t frac = Fraction(s, pos);
  int offset = 0;
  if (pos < s.size()) {
    const char c = s[pos];
    if ((c == 'Z' || c == 'z') && pos + 1 == s.size()) {
      // UTC
    } else if (c == '+' || c == '-') {
      int oh, om = 0;
      if (!Digits(s, pos + 1, 2, oh)) return std::nullopt;
      size_t p = pos + 3;
      if (p < s.size() && s[p] == ':') ++p;
      if (p < s.size() && !Digits(s, p, 2, om)) return std::nullopt;
      if (p < s.size()) p += 2;
      if (p != s.size() || oh > 23 || om > 59) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (c == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  return Compose(y, mo, d, h, mi, sec, frac, offset);
}

std::optional<Micros> ParseEpochTime(std::string_view s) {
  size_t pos = 0;
  int64_t whole = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos < 13) {
    whole = whole * 10 + (s[pos] - '0');
    ++pos;
  }
  if (pos != 9 && pos != 10 && pos != 13) return std::nullopt;
  const bool millis = pos == 13;
  const int64_t frac = Fraction(s, pos);
  if (pos != s.size()) return std::nullopt;
  if (millis) return whole * 1000 + frac / 1000;
  return whole * kMicrosPerSecond + frac;
}

std::optional<Micros> ParseClfTime(std::string_view s) {
  // 10/Oct/2000:13:55:36 -0700
  int d, y, h, mi, sec, oh, om;
  if (s.size() != 26 || !Digits(s, 0, 2, d) || s[2] != '/' || s[6] != '/' || !Digits(s, 7, 4, y) ||
      s[11] != ':' || !Clock(s, 12, h, mi, sec) || s[20] != ' ' || (s[21] != '+' && s[21] != '-') ||
      !Digits(s, 22, 2, oh) || !Digits(s, 24, 2, om)) {
    return std::nullopt;
  }
  const int mo = MonthFromName(s.substr(3, 3));
  if (mo == 0 || oh > 23 || om > 59) return std::nullopt;
  return Compose(y, mo, d, h, mi, sec, 0, (oh * 3600 + om * 60) * (s[21] == '-' ? -1 : 1));
}

std::optional<Micros> ParseBindTime(std::string_view s) {
  // 21-Nov-2026 10:00:00.123
  int d, y, h, mi, sec;
  if (s.size() < 20 || !Digits(s, 0, 2, d) || s[2] != '-' || s[6] != '-' || !Digits(s, 7, 4, y) ||
      s[11] != ' ' || !Clock(s, 12, h, mi, sec)) {
    return std::nullopt;
  }
  const int mo = MonthFromName(s.substr(3, 3));
  if (mo == 0) return std::nullopt;
  size_t pos = 20;
  const int64_t frac = Fraction(s, pos);
  if (pos != s.size()) return std::nullopt;
  return Compose(y, mo, d, h, mi, sec, frac, 0);
}

std::optional<Micros> ParseSyslogTime(std::string_view s, int year) {
  // Nov 21 10:00:00 (day space-padded: "Nov  1")
  int d, h, mi, sec;
  if (s.size() != 15 || s[3] != ' ' || s[6] != ' ' || !Clock(s, 7, h, mi, sec)) {
    return std::nullopt;
  }
  if (s[4] == ' ') {
    if (!Digits(s, 5, 1, d)) return std::nullopt;
  } else if (!Digits(s, 4, 2, d)) {
    return std::nullopt;
  }
  const int mo = MonthFromName(s.substr(0, 3));
  if (mo == 0 || year <= 0) return std::nullopt;
  return Compose(year, mo, d, h, mi, sec, 0, 0);
}

std::optional<Micros> ParseAnyTime(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (auto t = ParseIsoTime(s)) return t;
  if (auto t = ParseEpochTime(s)) return t;
  return ParseClfTime(s);
}

}  // namespace ecrn::scan
