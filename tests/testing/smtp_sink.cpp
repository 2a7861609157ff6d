#include "testing/smtp_sink.hpp"

#include <algorithm>
#include <cctype>

#include <openssl/evp.h>

namespace ecrn::testing {

namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && Upper(text.substr(0, prefix.size())) == Upper(prefix);
}

// Standard base64 decoded (padding respected); "" when malformed.
std::string Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return "";
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return "";
  size_t padding = 0;
  if (text.back() == '=') ++padding;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "<addr> params" -> "addr"; "" when there are no angle brackets.
std::string AngleAddress(std::string_view argument) {
  const size_t open = argument.find('<');
  const size_t close = argument.find('>', open);
  if (open == std::string_view::npos || close == std::string_view::npos) return "";
  return std::string(argument.substr(open + 1, close - open - 1));
}

// One encoded-word at text[pos] ("=?charset?B|Q?payload?="): its decoded
// bytes and its length, or length 0 when there is none.
std::pair<std::string, size_t> EncodedWordAt(std::string_view text, size_t pos) {
  if (text.compare(pos, 2, "=?") != 0) return {"", 0};
  const size_t q1 = text.find('?', pos + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= text.size() || text[q1 + 2] != '?') return {"", 0};
  const char encoding = static_cast<char>(std::toupper(static_cast<unsigned char>(text[q1 + 1])));
  const size_t end = text.find("?=", q1 + 3);
  if (end == std::string_view::npos || Upper(text.substr(pos + 2, q1 - pos - 2)) != "UTF-8") {
    return {"", 0};
  }
  const std::string_view payload = text.substr(q1 + 3, end - q1 - 3);
  std::string decoded;
  if (encoding == 'B') {
    decoded = Base64Decode(payload);
  } else if (encoding == 'Q') {
    for (size_t i = 0; i < payload.size(); ++i) {
      if (payload[i] == '_') {
        decoded += ' ';
      } else if (payload[i] == '=' && i + 2 < payload.size() && HexValue(payload[i + 1]) >= 0 &&
                 HexValue(payload[i + 2]) >= 0) {
        decoded += static_cast<char>(HexValue(payload[i + 1]) * 16 + HexValue(payload[i + 2]));
        i += 2;
      } else {
        decoded += payload[i];
      }
    }
  } else {
    return {"", 0};
  }
  return {decoded, end + 2 - pos};
}

}  // namespace

std::vector<std::string> SmtpMessage::HeaderLines() const {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t end = data.find("\r\n", pos);
    if (end == std::string::npos) end = data.size();
    const std::string line = data.substr(pos, end - pos);
    pos = end + 2;
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !lines.empty()) {
      lines.back() += line;
    } else {
      lines.push_back(line);
    }
  }
  return lines;
}

std::string SmtpMessage::Header(std::string_view name) const {
  for (const std::string& line : HeaderLines()) {
    const size_t colon = line.find(':');
    if (colon != std::string::npos && Upper(line.substr(0, colon)) == Upper(name)) {
      size_t start = colon + 1;
      while (start < line.size() && line[start] == ' ') ++start;
      return line.substr(start);
    }
  }
  return "";
}

std::string SmtpMessage::Body() const {
  const size_t blank = data.find("\r\n\r\n");
  return blank == std::string::npos ? "" : data.substr(blank + 4);
}

SmtpSink::SmtpSink(SmtpSinkOptions options)
    : options_(std::move(options)), server_([this](LoopbackConnection& c) { Serve(c); }) {}

std::string SmtpSink::url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }

std::vector<SmtpMessage> SmtpSink::messages() const {
  std::lock_guard lock(mu_);
  return messages_;
}

std::vector<SmtpMessage> SmtpSink::WaitForMessages(size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
  return messages_;
}

int SmtpSink::sessions() const {
  std::lock_guard lock(mu_);
  return sessions_;
}

void SmtpSink::Serve(LoopbackConnection& c) {
  const bool auth_required = !options_.username.empty();
  bool authenticated = false;
  SmtpMessage current;
  std::string line;
  c.Write("220 127.0.0.1 ECRN test sink ESMTP\r\n");
  while (c.ReadLine(&line)) {
    const std::string verb = Upper(line.substr(0, line.find(' ')));
    const std::string argument =
        line.find(' ') == std::string::npos ? std::string() : line.substr(line.find(' ') + 1);
    if (verb == "EHLO") {
      current.helo = argument;
      const bool offer_tls = !options_.tls_cert_file.empty() && !c.tls();
      c.Write(std::string("250-127.0.0.1\r\n") + (auth_required ? "250-AUTH PLAIN\r\n" : "") +
              (offer_tls ? "250-STARTTLS\r\n" : "") + "250-8BITMIME\r\n250 SIZE 10485760\r\n");
    } else if (verb == "STARTTLS" && !options_.tls_cert_file.empty() && !c.tls()) {
      c.Write("220 2.0.0 ready to start TLS\r\n");
      if (!c.StartTls(options_.tls_cert_file, options_.tls_key_file)) break;
      current = SmtpMessage();  // RFC 3207 4.2: forget everything from before
      current.tls = true;
      authenticated = false;
    } else if (verb == "HELO") {
      current.helo = argument;
      c.Write("250 127.0.0.1\r\n");
    } else if (verb == "AUTH" && auth_required && StartsWithNoCase(argument, "PLAIN")) {
      std::string response = argument.size() > 6 ? argument.substr(6) : "";
      if (response.empty()) {
        c.Write("334 \r\n");
        if (!c.ReadLine(&response)) break;
      }
      // authzid NUL authcid NUL passwd
      const std::string decoded = Base64Decode(response);
      const size_t first = decoded.find('\0');
      const size_t second = decoded.find('\0', first == std::string::npos ? 0 : first + 1);
      if (first != std::string::npos && second != std::string::npos &&
          decoded.substr(first + 1, second - first - 1) == options_.username &&
          decoded.substr(second + 1) == options_.password) {
        authenticated = true;
        current.auth_user = options_.username;
        c.Write("235 2.7.0 authenticated\r\n");
      } else {
        c.Write("535 5.7.8 authentication credentials invalid\r\n");
      }
    } else if (verb == "MAIL" && StartsWithNoCase(argument, "FROM:")) {
      if (auth_required && !authenticated) {
        c.Write("530 5.7.0 authentication required\r\n");
        continue;
      }
      current.mail_from = AngleAddress(argument);
      current.rcpt_to.clear();
      c.Write("250 2.1.0 ok\r\n");
    } else if (verb == "RCPT" && StartsWithNoCase(argument, "TO:")) {
      const std::string address = AngleAddress(argument);
      auto scripted = options_.rcpt_replies.find(address);
      const std::string reply =
          scripted == options_.rcpt_replies.end() ? "250 2.1.5 ok" : scripted->second;
      if (reply[0] == '2') current.rcpt_to.push_back(address);
      c.Write(reply + "\r\n");
    } else if (verb == "DATA") {
      if (current.rcpt_to.empty()) {
        c.Write("503 5.5.1 no valid recipients\r\n");
        continue;
      }
      c.Write("354 end data with <CR><LF>.<CR><LF>\r\n");
      std::string data;
      bool complete = false;
      while (c.ReadLine(&line)) {
        if (line == ".") {
          complete = true;
          break;
        }
        if (!line.empty() && line[0] == '.') line.erase(0, 1);  // RFC 5321 4.5.2
        data += line + "\r\n";
      }
      if (!complete) break;
      current.data = std::move(data);
      {
        std::lock_guard lock(mu_);
        messages_.push_back(current);
      }
      cv_.notify_all();
      current.rcpt_to.clear();
      current.mail_from.clear();
      c.Write("250 2.0.0 queued\r\n");
    } else if (verb == "RSET") {
      current.rcpt_to.clear();
      current.mail_from.clear();
      c.Write("250 2.0.0 ok\r\n");
    } else if (verb == "NOOP") {
      c.Write("250 2.0.0 ok\r\n");
    } else if (verb == "QUIT") {
      c.Write("221 2.0.0 bye\r\n");
      break;
    } else {
      c.Write("502 5.5.2 command not recognised\r\n");
    }
  }
  std::lock_guard lock(mu_);
  ++sessions_;
}

std::string DecodeMimeHeader(std::string_view value) {
  std::string out;
  size_t i = 0;
  bool after_word = false;
  while (i < value.size()) {
    auto [decoded, length] = EncodedWordAt(value, i);
    if (length > 0) {
      out += decoded;
      i += length;
      after_word = true;
      continue;
    }
    if (after_word && (value[i] == ' ' || value[i] == '\t')) {
      // White space between two encoded-words is not part of the text.
      size_t next = i;
      while (next < value.size() && (value[next] == ' ' || value[next] == '\t')) ++next;
      if (EncodedWordAt(value, next).second > 0) {
        i = next;
        continue;
      }
    }
    out += value[i++];
    after_word = false;
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
    } else if (text.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;  // soft line break
    } else if (i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace ecrn::testing
