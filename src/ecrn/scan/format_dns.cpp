// DNS query logs: BIND's query log and dnsmasq's log-queries lines.
#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format_parsers.hpp"
#include "ecrn/scan/log_time.hpp"

namespace ecrn::scan::internal {
namespace {

std::string_view TokenAt(std::string_view s, size_t pos) {
  if (pos >= s.size()) return {};
  const size_t end = s.find(' ', pos);
  return s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
}

// 21-Nov-2026 10:00:00.123 queries: info: client @0x7f3c 192.0.2.10#53211 (www.example.org):
//   query: www.example.org IN A +E(0)K (192.0.2.53)
// (older releases: no "@0x..." and no "(name)"; syslog prefixes are fine).
class BindParser final : public LineParser {
 public:
  explicit BindParser(int syslog_year) : syslog_year_(syslog_year) {}

  LineResult Parse(Record& record) override {
    const std::string_view line = record.line;
    const size_t query = line.find("query: ");
    if (query == std::string_view::npos) {
      return {LineOutcome::kSkip, "not a BIND query line (no 'query: ')"};
    }
    const size_t client = line.find("client ");
    if (client == std::string_view::npos || client > query) {
      return {LineOutcome::kSkip, "BIND query line without 'client ADDRESS#PORT'"};
    }
    record.timestamp = LeadingTime(line, syslog_year_);
    size_t pos = client + 7;
    if (pos < line.size() && line[pos] == '@') {
      pos = line.find(' ', pos);
      if (pos == std::string_view::npos) {
        return {LineOutcome::kSkip, "BIND query line without 'client ADDRESS#PORT'"};
      }
      ++pos;
    }
    std::string_view address = TokenAt(line, pos);
    address = address.substr(0, address.find('#'));
    if (address.size() > 0 && address.back() == ':') address.remove_suffix(1);
    AppendTyped(Kind::kIpv4, address, record.observables);
    const std::string_view name = TokenAt(line, query + 7);
    if (name.empty()) return {LineOutcome::kSkip, "BIND query line without a query name"};
    AppendTyped(Kind::kDomain, name, record.observables);
    // The server address the query arrived on, "(192.0.2.53)" at the end.
    if (line.back() == ')') {
      const size_t open = line.rfind('(');
      if (open != std::string_view::npos && open > query) {
        AppendTyped(Kind::kIpv4, line.substr(open + 1, line.size() - open - 2), record.observables);
      }
    }
    return {};
  }

  std::unique_ptr<LineParser> Clone() const override { return std::make_unique<BindParser>(*this); }

 private:
  int syslog_year_;
};

// Nov 21 10:00:00 dnsmasq[1234]: query[A] www.example.org from 192.0.2.10
// Nov 21 10:00:00 dnsmasq[1234]: forwarded www.example.org to 192.0.2.53
// Nov 21 10:00:00 dnsmasq[1234]: reply www.example.org is 93.184.216.34
// (log-queries=extra adds "<serial> <client>/<port>" before the verb).
class DnsmasqParser final : public LineParser {
 public:
  explicit DnsmasqParser(int syslog_year) : syslog_year_(syslog_year) {}

  LineResult Parse(Record& record) override {
    const std::string_view line = record.line;
    const size_t tag = line.find("dnsmasq");
    const size_t colon = tag == std::string_view::npos ? tag : line.find(": ", tag);
    if (colon == std::string_view::npos) {
      return {LineOutcome::kSkip, "not a dnsmasq line (no 'dnsmasq[pid]: ')"};
    }
    std::string_view rest = line.substr(colon + 2);
    if (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      // extra: serial, then client/port
      const std::string_view serial = TokenAt(rest, 0);
      const std::string_view from = TokenAt(rest, serial.size() + 1);
      rest.remove_prefix(std::min(rest.size(), serial.size() + from.size() + 2));
      AppendTyped(Kind::kIpv4, from.substr(0, from.find('/')), record.observables);
    }
    const std::string_view verb = TokenAt(rest, 0);
    const std::string_view name = TokenAt(rest, verb.size() + 1);
    const std::string_view link = TokenAt(rest, verb.size() + name.size() + 2);
    const std::string_view value = TokenAt(rest, verb.size() + name.size() + link.size() + 3);
    const bool query = verb.starts_with("query[") && link == "from";
    const bool answer =
        (verb == "reply" || verb == "cached" || verb == "config" || verb.starts_with("/")) &&
        link == "is";
    const bool forwarded = verb == "forwarded" && link == "to";
    if (!(query || answer || forwarded) || name.empty() || value.empty()) {
      return {LineOutcome::kSkip, "not a dnsmasq query, forwarded, reply or cached line"};
    }
    record.timestamp = LeadingTime(line, syslog_year_);
    AppendTyped(Kind::kDomain, name, record.observables);
    AppendTyped(Kind::kDomain, value, record.observables);  // any host kind
    return {};
  }

  std::unique_ptr<LineParser> Clone() const override {
    return std::make_unique<DnsmasqParser>(*this);
  }

 private:
  int syslog_year_;
};

}  // namespace

std::unique_ptr<LineParser> MakeBindParser(int syslog_year) {
  return std::make_unique<BindParser>(syslog_year);
}

std::unique_ptr<LineParser> MakeDnsmasqParser(int syslog_year) {
  return std::make_unique<DnsmasqParser>(syslog_year);
}

}  // namespace ecrn::scan::internal
