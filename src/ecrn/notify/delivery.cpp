#include "ecrn/notify/delivery.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace ecrn::notify {

namespace {

constexpr Micros kSecond = 1'000'000;

// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as micros, or nullopt.
std::optional<Micros> ParseImfFixdate(std::string_view text) {
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  auto number = [&](size_t pos, size_t len, int& out) {
    const char* first = text.data() + pos;
    auto [end, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc() && end == first + len;
  };
  std::tm tm{};
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  const size_t month = kMonths.find(text.substr(8, 3));
  if (text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':' ||
      month == std::string_view::npos || month % 3 != 0 || !number(5, 2, day) ||
      !number(12, 4, year) || !number(17, 2, hour) || !number(20, 2, minute) ||
      !number(23, 2, second) || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = static_cast<int>(month / 3);
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const time_t t = timegm(&tm);
  if (t == static_cast<time_t>(-1)) return std::nullopt;
  return static_cast<Micros>(t) * kSecond;
}

}  // namespace

Result<void> ValidateEventId(std::string_view id) {
  const bool ok = !id.empty() && id.size() <= 200 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
  if (!ok) {
    return Error::Invalid(
        "the delivery's event id must be 1 to 200 characters of "
        "A-Z a-z 0-9 . _ : -");
  }
  return Ok();
}

std::optional<Micros> ParseRetryAfter(std::string_view value, Micros now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // Anything beyond ten digits is beyond any cap we apply anyway.
    if (value.size() > 10) return Micros{9'999'999'999} * kSecond;
    int64_t seconds = 0;
    std::from_chars(value.data(), value.data() + value.size(), seconds);
    return seconds * kSecond;
  }
  auto at = ParseImfFixdate(value);
  if (!at) return std::nullopt;
  return std::max<Micros>(0, *at - now);
}

SendResult ClassifyHttpStatus(int status, std::optional<std::string_view> retry_after, Micros now) {
  if (status >= 200 && status < 300) return SendResult::Delivered();
  const std::string error = "HTTP " + std::to_string(status);
  if (status == 429 || status == 503) {
    std::optional<Micros> delay;
    if (retry_after) delay = ParseRetryAfter(*retry_after, now);
    return SendResult::Retry(error, delay);
  }
  if (status == 408 || (status >= 500 && status < 600)) return SendResult::Retry(error);
  if (status >= 300 && status < 400) {
    return SendResult::Permanent(error + " (redirects are not followed: register the final URL)");
  }
  return SendResult::Permanent(error);
}

SendResult ClassifySmtpReply(int code, std::string error) {
  if (code >= 200 && code < 300) return SendResult::Delivered();
  if (code >= 400 && code < 500) return SendResult::Retry(std::move(error));
  return SendResult::Permanent(std::move(error));
}

std::optional<Micros> RetryPolicy::NextAttempt(int attempt, const SendResult& result,
                                               Micros now) const {
  if (result.status != SendStatus::kRetryable || attempt >= max_attempts || backoff.empty()) {
    return std::nullopt;
  }
  const size_t index =
      std::min<size_t>(static_cast<size_t>(std::max(attempt, 1)) - 1, backoff.size() - 1);
  Micros delay = backoff[index];
  if (result.retry_after) delay = std::max(delay, *result.retry_after);
  delay = std::min(delay, max_retry_after);
  return now + delay;
}

int64_t MemoryDeliveryQueue::Enqueue(Delivery delivery) {
  std::lock_guard lock(mu_);
  delivery.id = next_id_++;
  const int64_t id = delivery.id;
  entries_.emplace(id, Entry{std::move(delivery)});
  return id;
}

std::optional<MemoryDeliveryQueue::Entry> MemoryDeliveryQueue::Get(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<Delivery>> MemoryDeliveryQueue::Claim(Micros now, int limit, Micros lease) {
  std::lock_guard lock(mu_);
  std::vector<Entry*> due;
  for (auto& [id, entry] : entries_) {
    if (entry.state == State::kPending && entry.delivery.next_attempt <= now &&
        entry.lease_until <= now) {
      due.push_back(&entry);
    }
  }
  std::stable_sort(due.begin(), due.end(), [](const Entry* a, const Entry* b) {
    return a->delivery.next_attempt < b->delivery.next_attempt;
  });
  std::vector<Delivery> claimed;
  for (Entry* entry : due) {
    if (static_cast<int>(claimed.size()) >= limit) break;
    entry->delivery.attempts += 1;
    entry->lease_until = now + lease;
    claimed.push_back(entry->delivery);
  }
  return claimed;
}

Result<MemoryDeliveryQueue::Entry*> MemoryDeliveryQueue::Held(int64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return Error::NotFound("no delivery " + std::to_string(id));
  if (it->second.state != State::kPending || it->second.lease_until == 0) {
    return Error{ErrorCode::kConflict, "delivery " + std::to_string(id) + " is not claimed", {}};
  }
  return &it->second;
}

Result<void> MemoryDeliveryQueue::Succeeded(int64_t id, Micros now) {
  std::lock_guard lock(mu_);
  ECRN_ASSIGN_OR_RETURN(Entry * entry, Held(id));
  entry->state = State::kDelivered;
  entry->lease_until = 0;
  entry->finished = now;
  entry->delivery.last_error.clear();
  return Ok();
}

Result<void> MemoryDeliveryQueue::Failed(int64_t id, std::string_view error,
                                         std::optional<Micros> next_attempt, Micros now) {
  std::lock_guard lock(mu_);
  ECRN_ASSIGN_OR_RETURN(Entry * entry, Held(id));
  entry->lease_until = 0;
  entry->delivery.last_error = std::string(error);
  if (next_attempt) {
    entry->delivery.next_attempt = *next_attempt;
  } else {
    entry->state = State::kGivenUp;
    entry->finished = now;
  }
  return Ok();
}

}  // namespace ecrn::notify
