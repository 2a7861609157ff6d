#include "ecrn/notify/smtp.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include <boost/url/parse.hpp>
#include <curl/curl.h>

#include "ecrn/core/secrets.hpp"

namespace ecrn::notify {

namespace {

constexpr size_t kMaxSubjectBytes = 250;
constexpr size_t kQpLineLimit = 76;       // RFC 2045 6.7: encoded lines at most 76 characters
constexpr size_t kEncodedWordInput = 39;  // bytes per encoded-word: 52 base64 chars, a 73-char line

// The length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no
// overlongs, surrogates or code points above U+10FFFF), or 0.
size_t Utf8SequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3;
    if (lead == 0xE0) lo = 0xA0;
    if (lead == 0xED) hi = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4;
    if (lead == 0xF0) lo = 0x90;
    if (lead == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size() || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
  }
  return len;
}

bool IsUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = Utf8SequenceAt(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool IsPlainAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string Base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t group = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) group |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (i + 2 < data.size()) group |= static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += i + 1 < data.size() ? kAlphabet[(group >> 6) & 63] : '=';
    out += i + 2 < data.size() ? kAlphabet[group & 63] : '=';
  }
  return out;
}

// RFC 2047 "B" encoded-words of valid UTF-8 `text`, each whole characters
// only, folded onto continuation lines.
std::string EncodedWords(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = start;
    while (end < text.size()) {
      const size_t n = Utf8SequenceAt(text, end);
      if (end + n - start > kEncodedWordInput) break;
      end += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

// `text` cut to at most `limit` bytes at a character boundary, with "…"
// (3 bytes) when cut.
std::string Shorten(std::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t end = 0;
  while (end < text.size()) {
    const size_t n = Utf8SequenceAt(text, end);
    if (end + n > limit - 3) break;
    end += n;
  }
  return std::string(text.substr(0, end)) + "\xE2\x80\xA6";
}

// A header value: as it is when plain ASCII without "=?" that fits a line
// beside its name, else encoded-words.
std::string HeaderText(std::string_view name, std::string_view text) {
  if (IsPlainAscii(text) && text.find("=?") == std::string_view::npos &&
      name.size() + 2 + text.size() <= 78) {
    return std::string(text);
  }
  return EncodedWords(text);
}

// The From header's value: "name <address>" with the name quoted or encoded.
std::string Mailbox(std::string_view name, std::string_view address) {
  if (name.empty()) return "<" + std::string(address) + ">";
  std::string phrase;
  if (IsPlainAscii(name) && name.find("=?") == std::string_view::npos) {
    phrase = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') phrase += '\\';
      phrase += c;
    }
    phrase += "\"";
  } else {
    phrase = EncodedWords(name);
  }
  return phrase + " <" + std::string(address) + ">";
}

// RFC 5322 date-time in UTC: "Sat, 21 Nov 2026 23:16:24 +0000".
std::string MailDate(Micros now) {
  const time_t seconds = static_cast<time_t>(now / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return out;
}

// One line (no line end) quoted-printable encoded with soft breaks.
void AppendQuotedPrintableLine(std::string_view line, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    char token[4] = {static_cast<char>(c), 0, 0, 0};
    if (c == '=' || c > 126 || (c < 32 && c != '\t') || ((c == ' ' || c == '\t') && last)) {
      token[0] = '=';
      token[1] = kHex[c >> 4];
      token[2] = kHex[c & 15];
    }
    const size_t width = std::strlen(token);
    // Leave room for the '=' of a soft break unless this is the line's end.
    if (column + width > (last ? kQpLineLimit : kQpLineLimit - 1)) {
      out += "=\r\n";
      column = 0;
    }
    out += token;
    column += width;
  }
}

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find_first_of("\r\n", start);
    const std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    AppendQuotedPrintableLine(line, out);
    out += "\r\n";
    if (end == std::string_view::npos) break;
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    if (start == text.size()) break;  // a final line end adds no empty line
  }
  return out;
}

std::string DomainOf(std::string_view address) {
  return std::string(address.substr(address.rfind('@') + 1));
}

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "[::1]" || host == "::1" || host == "localhost";
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// Feeds the message to curl.
struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

}  // namespace

Result<StartTls> ParseStartTls(std::string_view text) {
  if (text == "required") return StartTls::kRequired;
  if (text == "opportunistic") return StartTls::kOpportunistic;
  if (text == "off") return StartTls::kOff;
  return Error::Invalid("STARTTLS must be 'required', 'opportunistic' or 'off', not '" +
                        std::string(text) + "'");
}

bool IsMailAddress(std::string_view address) {
  const size_t at = address.rfind('@');
  if (address.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@') != at) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char c) {
    return c > 0x20 && c < 0x7f && std::strchr("\"<>(),;:\\[]", c) == nullptr;
  });
}

Result<void> SmtpConfig::Validate() const {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return Error::Invalid("the SMTP URL '" + url + "' is not an absolute URL");
  const std::string scheme(parsed->scheme());
  if (scheme != "smtp" && scheme != "smtps") {
    return Error::Invalid("the SMTP URL must start with smtp:// or smtps://, not '" + url + "'");
  }
  if (parsed->host().empty()) return Error::Invalid("the SMTP URL '" + url + "' has no host");
  if (parsed->has_userinfo() || parsed->has_query() || parsed->has_fragment()) {
    return Error::Invalid(
        "the SMTP URL must be smtp(s)://host[:port] (credentials go in the username and "
        "password settings)");
  }
  if (!IsMailAddress(from)) return Error::Invalid("the From address '" + from + "' is not valid");
  if (HasControl(from_name) || !IsUtf8(from_name)) {
    return Error::Invalid("the From display name must be UTF-8 text on one line");
  }
  if (!username.empty() && scheme == "smtp" && starttls != StartTls::kRequired &&
      !IsLoopbackHost(parsed->encoded_host())) {
    return Error::Invalid(
        "SMTP credentials would cross the network unencrypted: use smtps:// or STARTTLS "
        "'required' (or a relay on 127.0.0.1)");
  }
  if (timeout.count() <= 0) return Error::Invalid("the SMTP time-out must be positive");
  return Ok();
}

Result<std::string> BuildEmail(const EmailEnvelope& e, Micros now) {
  if (!IsMailAddress(e.from)) return Error::Invalid("the From address is not valid");
  if (!IsMailAddress(e.to)) return Error::Invalid("the recipient address is not valid");
  if (HasControl(e.subject) || HasControl(e.from_name)) {
    return Error::Invalid("the subject and the sender's name must not contain line breaks");
  }
  if (!IsUtf8(e.subject) || !IsUtf8(e.from_name) || !IsUtf8(e.body)) {
    return Error::Invalid("the e-mail's text is not valid UTF-8");
  }
  ECRN_TRY(ValidateEventId(e.event_id));
  const std::string subject = Shorten(e.subject, kMaxSubjectBytes);
  std::string m;
  m += "Date: " + MailDate(now) + "\r\n";
  m += "From: " + Mailbox(e.from_name, e.from) + "\r\n";
  m += "To: <" + e.to + ">\r\n";
  m += "Subject: " + HeaderText("Subject", subject) + "\r\n";
  m +=
      "Message-ID: <ecrn." + Sha256Hex(e.event_id).substr(0, 32) + "@" + DomainOf(e.from) + ">\r\n";
  m += "X-ECRN-Delivery: " + e.event_id + "\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "\r\n";
  m += QuotedPrintable(e.body);
  return m;
}

Result<std::unique_ptr<SmtpSender>> SmtpSender::Create(SmtpConfig config, Clock& clock) {
  ECRN_TRY(config.Validate());
  InitCurlOnce();
  return std::unique_ptr<SmtpSender>(new SmtpSender(std::move(config), clock));
}

SendResult SmtpSender::Send(const Delivery& delivery) {
  if (delivery.channel != kChannelEmail) {
    return SendResult::Permanent("not an e-mail delivery (channel '" + delivery.channel + "')");
  }
  auto message = BuildEmail({config_.from, config_.from_name, delivery.target, delivery.subject,
                             delivery.body, delivery.event_id},
                            clock_.Now());
  if (!message.ok()) return SendResult::Permanent(message.error().message);

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return SendResult::Retry("cannot start an SMTP client (out of memory)");
  std::unique_ptr<curl_slist, SlistDeleter> recipients(
      curl_slist_append(nullptr, ("<" + delivery.target + ">").c_str()));
  if (!recipients) return SendResult::Retry("cannot start an SMTP client (out of memory)");
  Upload upload{*message};
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string mail_from = "<" + config_.from + ">";
  const long timeout_ms = static_cast<long>(config_.timeout.count());
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!config_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, config_.ca_file.c_str());
  const long use_ssl = config_.starttls == StartTls::kRequired        ? CURLUSESSL_ALL
                       : config_.starttls == StartTls::kOpportunistic ? CURLUSESSL_TRY
                                                                      : CURLUSESSL_NONE;
  curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl);
  if (!config_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return SendResult::Delivered();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  std::string error = "SMTP: ";
  error += error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      return SendResult::Retry(error + " (check the SMTP username and password)");
    case CURLE_USE_SSL_FAILED:
      return SendResult::Retry(error + " (the relay did not offer STARTTLS, which is required)");
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      // The relay refused MAIL, RCPT or the message: its reply decides. (A
      // failed socket write leaves an earlier 2yz here: retry then.)
      if (reply >= 400) return ClassifySmtpReply(static_cast<int>(reply), error);
      return SendResult::Retry(error);
    default:
      return SendResult::Retry(error);
  }
}

}  // namespace ecrn::notify
