// Common and combined web-server logs (NCSA / Apache / nginx), and Apache's
// vhost_combined (a "vhost:port" field before the client):
//   client ident user [10/Oct/2000:13:55:36 -0700] "GET /a HTTP/1.1" 200 2326 "referer" "agent"
#include <cstring>

#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format_parsers.hpp"
#include "ecrn/scan/log_time.hpp"

namespace ecrn::scan::internal {
namespace {

constexpr const char* kNoTime =
    "not a common/combined log line: no [dd/Mon/yyyy:hh:mm:ss +zone] after the client fields";

// At an opening quote: the quoted text (Apache writes '"' inside as '\"');
// advances `pos` past the closing quote. False when unterminated.
bool Quoted(std::string_view line, size_t& pos, std::string_view& out) {
  const size_t begin = ++pos;
  while (pos < line.size() && line[pos] != '"') {
    if (line[pos] == '\\') ++pos;
    ++pos;
  }
  if (pos >= line.size()) return false;
  out = line.substr(begin, pos - begin);
  ++pos;
  return true;
}

class WebParser final : public LineParser {
 public:
  LineResult Parse(Record& record) override {
    const std::string_view line = record.line;
    std::string_view fields[4];
    size_t pos = 0;
    int n = 0;
    while (n < 5) {
      if (pos >= line.size()) return {LineOutcome::kSkip, kNoTime};
      if (line[pos] == '[') break;
      size_t end = line.find(' ', pos);
      if (end == std::string_view::npos || n == 4) return {LineOutcome::kSkip, kNoTime};
      fields[n++] = line.substr(pos, end - pos);
      pos = end + 1;
    }
    if (n != 3 && n != 4) return {LineOutcome::kSkip, kNoTime};
    const bool vhost = n == 4;
    const size_t close = line.find(']', pos);
    if (close == std::string_view::npos) return {LineOutcome::kSkip, kNoTime};
    record.timestamp = ParseClfTime(line.substr(pos + 1, close - pos - 1));
    if (!record.timestamp) {
      return {LineOutcome::kSkip, "common/combined log line has an invalid [timestamp]"};
    }
    AppendTyped(Kind::kIpv4, fields[vhost ? 1 : 0], record.observables);
    pos = close + 1;
    if (pos + 1 >= line.size() || line[pos] != ' ' || line[pos + 1] != '"') {
      return {LineOutcome::kSkip, "common/combined log line has no quoted request"};
    }
    ++pos;
    std::string_view request;
    if (!Quoted(line, pos, request)) {
      return {LineOutcome::kSkip, "common/combined log line has an unterminated request quote"};
    }
    Request(request, vhost ? fields[0] : std::string_view(), record);
    // Combined: status, bytes, then "referer" "agent".
    const size_t ref = line.find('"', pos);
    if (ref == std::string_view::npos) return {};
    size_t p = ref;
    std::string_view referer, agent;
    if (!Quoted(line, p, referer)) {
      return {LineOutcome::kSkip, "combined log line has an unterminated referer quote"};
    }
    if (referer != "-") AppendTyped(Kind::kUrl, referer, record.observables);
    const size_t ua = line.find('"', p);
    if (ua != std::string_view::npos) {
      p = ua;
      if (!Quoted(line, p, agent)) {
        return {LineOutcome::kSkip, "combined log line has an unterminated user-agent quote"};
      }
      ExtractObservables(agent, record.observables);
    }
    return {};
  }

  std::unique_ptr<LineParser> Clone() const override { return std::make_unique<WebParser>(); }

 private:
  // "METHOD target PROTOCOL": an absolute target is a URL; CONNECT names a
  // host; a path with a known vhost becomes http(s)://vhost[:port]/path.
  void Request(std::string_view request, std::string_view vhost, Record& record) {
    const size_t sp1 = request.find(' ');
    if (sp1 == std::string_view::npos) return;
    const std::string_view method = request.substr(0, sp1);
    std::string_view target = request.substr(sp1 + 1);
    target = target.substr(0, target.find(' '));
    if (target.empty()) return;
    if (target.find("://") != std::string_view::npos) {
      AppendTyped(Kind::kUrl, target, record.observables);
      return;
    }
    if (method == "CONNECT") {
      std::string_view host = target;
      if (!host.empty() && host.front() == '[') {
        host = host.substr(0, host.find(']') + 1);
      } else {
        host = host.substr(0, host.rfind(':'));
      }
      AppendTyped(Kind::kDomain, host, record.observables);
      return;
    }
    if (vhost.empty() || target.front() != '/') return;
    std::string_view name = vhost, port;
    if (const size_t colon = vhost.rfind(':');
        colon != std::string_view::npos && vhost.back() != ']' && vhost.find(':') == colon) {
      name = vhost.substr(0, colon);
      port = vhost.substr(colon + 1);
    }
    if (!HostKind(name)) return;
    const bool https = port == "443";
    const bool default_port = port.empty() || port == "80" || https;
    url_.assign(https ? "https://" : "http://");
    url_.append(name);
    if (!default_port) {
      url_ += ':';
      url_.append(port);
    }
    url_.append(target);
    AppendTyped(Kind::kUrl, url_, record.observables);
  }

  std::string url_;
};

}  // namespace

std::unique_ptr<LineParser> MakeWebParser() { return std::make_unique<WebParser>(); }

}  // namespace ecrn::scan::internal
