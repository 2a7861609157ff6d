#include "ecrn/scan/format.hpp"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/scan/log_time.hpp"

namespace ecrn::scan {
namespace {

using Found = std::vector<std::pair<std::string, std::string>>;  // kind name, value

struct Parsed {
  LineOutcome outcome = LineOutcome::kRecord;
  std::string reason;
  Found found;
  std::optional<Micros> timestamp;
};

// Parses `lines` in order with one parser; returns what each line gave.
std::vector<Parsed> ParseAll(const FormatOptions& options, const std::vector<std::string>& lines) {
  auto parser = MakeParser(options);
  EXPECT_TRUE(parser.ok()) << (parser.ok() ? "" : parser.error().message);
  std::vector<Parsed> out;
  if (!parser.ok()) return out;
  for (const std::string& line : lines) {
    Record rec;
    rec.line = line;
    const LineResult r = (*parser)->Parse(rec);
    Parsed p{r.outcome, std::string(r.reason), {}, rec.timestamp};
    for (const Observable& o : rec.observables) {
      p.found.emplace_back(std::string(KindName(o.kind)), std::string(o.value));
    }
    out.push_back(std::move(p));
  }
  return out;
}

Parsed ParseOne(Format format, const std::string& line, std::vector<std::string> mapping = {}) {
  FormatOptions options;
  options.format = format;
  for (const std::string& m : mapping) {
    auto f = ParseFieldMapping(m);
    EXPECT_TRUE(f.ok()) << m;
    if (f.ok()) options.fields.push_back(*f);
  }
  auto all = ParseAll(options, {line});
  return all.empty() ? Parsed{} : all.front();
}

Micros Utc(std::string_view iso) {
  auto t = ParseIsoTime(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return t.value_or(0);
}

TEST(ScanLogTime, Spellings) {
  EXPECT_EQ(ParseIsoTime("2000-10-10T20:55:36Z"), 971211336 * int64_t{1000000});
  EXPECT_EQ(ParseClfTime("10/Oct/2000:13:55:36 -0700"), Utc("2000-10-10T20:55:36Z"));
  EXPECT_EQ(ParseIsoTime("2026-11-21 12:00:00.25+02:00"), Utc("2026-11-21T10:00:00.250Z"));
  EXPECT_EQ(ParseEpochTime("1732183200.123456"), 1732183200123456);
  EXPECT_EQ(ParseEpochTime("1732183200123"), 1732183200123000);
  EXPECT_EQ(ParseBindTime("21-Nov-2026 10:00:00.123"), Utc("2026-11-21T10:00:00.123Z"));
  EXPECT_EQ(ParseSyslogTime("Nov  1 10:00:00", 2026), Utc("2026-11-01T10:00:00Z"));
  EXPECT_EQ(ParseSyslogTime("Nov 21 10:00:00", 0), std::nullopt);
  EXPECT_EQ(ParseIsoTime("2026-02-30T10:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseClfTime("10/Foo/2000:13:55:36 -0700"), std::nullopt);
  EXPECT_EQ(ParseEpochTime("12345"), std::nullopt);
}

TEST(ScanFormat, TextFindsEverythingAndALeadingTimestamp) {
  const Parsed p = ParseOne(Format::kText,
                            "2026-11-21T10:00:00Z fw01 DROP src=203.0.113.5 dst=192.0.2.10 "
                            "host=bad.example.net");
  EXPECT_EQ(p.outcome, LineOutcome::kRecord);
  EXPECT_EQ(p.timestamp, Utc("2026-11-21T10:00:00Z"));
  EXPECT_EQ(
      p.found,
      (Found{{"ipv4", "203.0.113.5"}, {"ipv4", "192.0.2.10"}, {"domain", "bad.example.net"}}));
}

TEST(ScanFormat, JsonWithAMappingOfNestedFields) {
  const Parsed p = ParseOne(
      Format::kJson,
      R"({"ts":"2026-11-21T10:00:00.5Z","client":{"ip":"198.51.100.4","port":5353},)"
      R"("dns":{"question":{"name":"c2.example.org"},"answers":["203.0.113.9","2001:db8::9"]},)"
      R"("note":"also 192.0.2.99 here","url":"http:\/\/x.example.com\/a\u002db"})",
      {"client.ip=ipv4", "dns.question.name=domain", "dns.answers=ipv4", "url=url", "ts=time"});
  EXPECT_EQ(p.outcome, LineOutcome::kRecord) << p.reason;
  EXPECT_EQ(p.timestamp, Utc("2026-11-21T10:00:00.5Z"));
  // "note" is not mapped; the escaped URL is decoded.
  EXPECT_EQ(p.found, (Found{{"ipv4", "198.51.100.4"},
                            {"domain", "c2.example.org"},
                            {"ipv4", "203.0.113.9"},
                            {"ipv6", "2001:db8::9"},
                            {"url", "http://x.example.com/a-b"},
                            {"domain", "x.example.com"}}));
}

TEST(ScanFormat, JsonWithoutAMappingReadsEveryStringAndTheDefaultTimeField) {
  const Parsed p =
      ParseOne(Format::kJson,
               R"({"@timestamp":1732183200,"msg":"login from 192.0.2.1","user":"eve@example.org",)"
               R"("n":12,"ok":true,"x":null,"k.example.com":1})");
  EXPECT_EQ(p.outcome, LineOutcome::kRecord) << p.reason;
  EXPECT_EQ(p.timestamp, int64_t{1732183200} * 1000000);
  EXPECT_EQ(
      p.found,
      (Found{{"ipv4", "192.0.2.1"}, {"email", "eve@example.org"}, {"domain", "example.org"}}));
}

TEST(ScanFormat, JsonMalformedLinesAreSkippedWithAReason) {
  EXPECT_EQ(ParseOne(Format::kJson, "plain text").reason, "not a JSON object");
  EXPECT_EQ(ParseOne(Format::kJson, R"({"a":"b")").reason, "JSON object cut short");
  EXPECT_EQ(ParseOne(Format::kJson, R"({"a":"b})").reason, "unterminated JSON string");
  EXPECT_EQ(ParseOne(Format::kJson, R"({"a":"\q"})").reason, "invalid escape in a JSON string");
  EXPECT_EQ(ParseOne(Format::kJson, R"({"a":1} x)").reason, "text after the JSON object");
  EXPECT_EQ(ParseOne(Format::kJson, R"({"a" 1})").reason, "expected ':' after a JSON member name");
  EXPECT_EQ(ParseOne(Format::kJson, std::string(100, '[')).reason, "not a JSON object");
  EXPECT_EQ(ParseOne(Format::kJson, "{\"a\":" + std::string(100, '[')).reason,
            "JSON nested deeper than 64 levels");
  EXPECT_EQ(ParseOne(Format::kJson, R"({"a":"b"})").outcome, LineOutcome::kRecord);
}

TEST(ScanFormat, CsvMapsColumnsByName) {
  FormatOptions options{Format::kCsv, {}, 0};
  ASSERT_FALSE(ParseFieldMapping("src").ok());
  options.fields = {*ParseFieldMapping("src=ipv4"), *ParseFieldMapping("site=url"),
                    *ParseFieldMapping("when=time")};
  const auto all =
      ParseAll(options, {"when,src,action,site",
                         "2026-11-21T10:00:00Z,192.0.2.5,allow,\"http://a.example.org/x,y\"",
                         R"(2026-11-21T10:00:01Z,192.0.2.6,"deny ""now""",-)", "1,2"});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].outcome, LineOutcome::kHeader);
  EXPECT_EQ(all[1].timestamp, Utc("2026-11-21T10:00:00Z"));
  EXPECT_EQ(all[1].found, (Found{{"ipv4", "192.0.2.5"},
                                 {"url", "http://a.example.org/x,y"},
                                 {"domain", "a.example.org"}}));
  EXPECT_EQ(all[2].found, (Found{{"ipv4", "192.0.2.6"}}));
  EXPECT_EQ(all[3].outcome, LineOutcome::kSkip);
  EXPECT_EQ(all[3].reason, "CSV row has a different number of fields than the header");
}

TEST(ScanFormat, CsvWithoutAMappingReadsEveryColumnAsFreeText) {
  const auto all = ParseAll({Format::kCsv, {}, 0}, {"timestamp,host,detail",
                                                    "1732183200,pc-17,\"beacon to c2.example.net\"",
                                                    "1732183200,pc-18,\"unterminated"});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].timestamp, int64_t{1732183200} * 1000000);
  EXPECT_EQ(all[1].found, (Found{{"domain", "c2.example.net"}}));
  EXPECT_EQ(all[2].reason, "CSV row has an unterminated or misplaced quote");
}

TEST(ScanFormat, CsvHeaderWithoutTheMappedColumnSkipsEveryRow) {
  FormatOptions options{Format::kCsv, {*ParseFieldMapping("client=ipv4")}, 0};
  const auto all = ParseAll(options, {"a,b", "1,2"});
  EXPECT_EQ(all[0].reason, "CSV header lacks a column the field mapping names");
  EXPECT_EQ(all[1].reason, "CSV header lacks a column the field mapping names");
}

TEST(ScanFormat, CombinedWebLog) {
  const Parsed p = ParseOne(
      Format::kWeb,
      R"x(203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET http://proxy.example.org/a.gif HTTP/1.0" 200 2326 "http://ref.example.com/start.html" "Mozilla/4.08 (+http://bot.example.net/)")x");
  EXPECT_EQ(p.outcome, LineOutcome::kRecord) << p.reason;
  EXPECT_EQ(p.timestamp, Utc("2000-10-10T20:55:36Z"));
  EXPECT_EQ(p.found, (Found{{"ipv4", "203.0.113.7"},
                            {"url", "http://proxy.example.org/a.gif"},
                            {"domain", "proxy.example.org"},
                            {"url", "http://ref.example.com/start.html"},
                            {"domain", "ref.example.com"},
                            {"url", "http://bot.example.net/"},
                            {"domain", "bot.example.net"}}));
}

TEST(ScanFormat, CommonLogVhostAndConnect) {
  EXPECT_EQ(
      ParseOne(Format::kWeb,
               R"(2001:db8::7 - - [21/Nov/2026:10:00:00 +0000] "GET /results HTTP/1.1" 200 512)")
          .found,
      (Found{{"ipv6", "2001:db8::7"}}));
  EXPECT_EQ(
      ParseOne(
          Format::kWeb,
          R"(results.example.org:443 192.0.2.8 - - [21/Nov/2026:10:00:00 +0000] "GET /r?x=1 HTTP/1.1" 200 5 "-" "curl/8.0")")
          .found,
      (Found{{"ipv4", "192.0.2.8"},
             {"url", "https://results.example.org/r?x=1"},
             {"domain", "results.example.org"}}));
  EXPECT_EQ(
      ParseOne(
          Format::kWeb,
          R"(192.0.2.9 - - [21/Nov/2026:10:00:00 +0000] "CONNECT tunnel.example.net:443 HTTP/1.1" 200 0)")
          .found,
      (Found{{"ipv4", "192.0.2.9"}, {"domain", "tunnel.example.net"}}));
}

TEST(ScanFormat, WebMalformedLines) {
  EXPECT_EQ(ParseOne(Format::kWeb, "just some text").outcome, LineOutcome::kSkip);
  EXPECT_EQ(
      ParseOne(Format::kWeb, R"(1.2.3.4 - - [99/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)")
          .reason,
      "common/combined log line has an invalid [timestamp]");
  EXPECT_EQ(
      ParseOne(Format::kWeb, R"(1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0 200 1)")
          .reason,
      "common/combined log line has an unterminated request quote");
}

TEST(ScanFormat, BindQueryLog) {
  const Parsed p =
      ParseOne(Format::kBind,
               "21-Nov-2026 10:00:00.123 queries: info: client @0x7f3c2c0a1b20 192.0.2.10#53211 "
               "(www.example.org): query: www.example.org IN A +E(0)K (192.0.2.53)");
  EXPECT_EQ(p.outcome, LineOutcome::kRecord) << p.reason;
  EXPECT_EQ(p.timestamp, Utc("2026-11-21T10:00:00.123Z"));
  EXPECT_EQ(p.found,
            (Found{{"ipv4", "192.0.2.10"}, {"domain", "www.example.org"}, {"ipv4", "192.0.2.53"}}));
  EXPECT_EQ(
      ParseOne(Format::kBind,
               "client 2001:db8::10#5353: query: evil.example.net IN AAAA + (2001:db8::53)")
          .found,
      (Found{{"ipv6", "2001:db8::10"}, {"domain", "evil.example.net"}, {"ipv6", "2001:db8::53"}}));
  EXPECT_EQ(ParseOne(Format::kBind, "21-Nov-2026 10:00:00.123 general: info: zone loaded").reason,
            "not a BIND query line (no 'query: ')");
}

TEST(ScanFormat, DnsmasqLines) {
  FormatOptions options{Format::kDnsmasq, {}, 2026};
  const auto all = ParseAll(
      options, {"Nov 21 10:00:00 dnsmasq[811]: query[A] tracker.example.com from 192.168.1.20",
                "Nov 21 10:00:00 dnsmasq[811]: forwarded tracker.example.com to 192.0.2.53",
                "Nov 21 10:00:00 dnsmasq[811]: reply tracker.example.com is 203.0.113.80",
                "Nov 21 10:00:01 dnsmasq[811]: 17 192.168.1.21/41000 query[AAAA] v6.example.com "
                "from 192.168.1.21",
                "Nov 21 10:00:02 dnsmasq[811]: started, version 2.89 cachesize 150"});
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].timestamp, Utc("2026-11-21T10:00:00Z"));
  EXPECT_EQ(all[0].found, (Found{{"domain", "tracker.example.com"}, {"ipv4", "192.168.1.20"}}));
  EXPECT_EQ(all[1].found, (Found{{"domain", "tracker.example.com"}, {"ipv4", "192.0.2.53"}}));
  EXPECT_EQ(all[2].found, (Found{{"domain", "tracker.example.com"}, {"ipv4", "203.0.113.80"}}));
  EXPECT_EQ(
      all[3].found,
      (Found{{"ipv4", "192.168.1.21"}, {"domain", "v6.example.com"}, {"ipv4", "192.168.1.21"}}));
  EXPECT_EQ(all[4].reason, "not a dnsmasq query, forwarded, reply or cached line");
}

TEST(ScanFormat, ZeekDnsLog) {
  const auto all = ParseAll(
      {Format::kZeek, {}, 0},
      {"#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-",
       "#path\tdns",
       "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers",
       "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tvector[string]",
       "1732183200.250000\tCx1\t192.0.2.10\t5353\t192.0.2.53\t53\tudp\tcdn.example.org\t"
       "alias.example.net,203.0.113.4,2001:db8::4",
       "1732183201.000000\tCx2\t192.0.2.11\t5353\t192.0.2.53\t53\tudp\t-\t(empty)",
       "1732183201.000000\tCx3\t192.0.2.11", "#close\t2026-11-21-10-00-00"});
  ASSERT_EQ(all.size(), 11u);
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(all[i].outcome, LineOutcome::kHeader) << i;
  EXPECT_EQ(all[7].timestamp, int64_t{1732183200250000});
  EXPECT_EQ(all[7].found, (Found{{"ipv4", "192.0.2.10"},
                                 {"ipv4", "192.0.2.53"},
                                 {"domain", "cdn.example.org"},
                                 {"domain", "alias.example.net"},
                                 {"ipv4", "203.0.113.4"},
                                 {"ipv6", "2001:db8::4"}}));
  EXPECT_EQ(all[8].found, (Found{{"ipv4", "192.0.2.11"}, {"ipv4", "192.0.2.53"}}));
  EXPECT_EQ(all[9].reason, "Zeek row has fewer fields than #fields names");
  EXPECT_EQ(all[10].outcome, LineOutcome::kHeader);
  EXPECT_EQ(ParseAll({Format::kZeek, {}, 0}, {"1\t2"})[0].reason,
            "Zeek row before the #fields header");
}

TEST(ScanFormat, EveryFormatTakesInvalidUtf8AndBinaryWithoutHarm) {
  const std::vector<std::string> lines = {
      "\xff\xfe{\"a\":\"\xc3\x28 192.0.2.1\"}",
      "{\"a\":\"\xed\xa0\x80\",\"b\":\"\\ud800\"}",
      std::string("a,\0b,\"c\x80\"", 9),
      "#fields\tquery",
      "\x80\x81.example.org\t\xc0",
      "[\xff/Oct/2000:13:55:36 -0700] \"GET \xff HTTP/1.0\" 200 1"};
  for (int f = 0; f < 7; ++f) {
    const auto all = ParseAll({static_cast<Format>(f), {}, 2026}, lines);
    ASSERT_EQ(all.size(), lines.size()) << f;
    for (const Parsed& p : all) {
      if (p.outcome == LineOutcome::kSkip) {
        EXPECT_FALSE(p.reason.empty()) << f;
      }
      for (const auto& [kind, value] : p.found) {
        // Whatever is found is ASCII: bytes >= 0x80 spoil a token.
        for (char c : value) {
          EXPECT_LT(static_cast<unsigned char>(c), 0x80) << kind << " " << f;
        }
      }
    }
  }
}

TEST(ScanFormat, MappingOptionsAreChecked) {
  EXPECT_FALSE(ParseFieldMapping("a=sha-256").ok());
  EXPECT_FALSE(ParseFieldMapping("=ipv4").ok());
  FormatOptions options{Format::kBind, {*ParseFieldMapping("a=ipv4")}, 0};
  EXPECT_FALSE(MakeParser(options).ok());
  options.format = Format::kJson;
  options.fields = {*ParseFieldMapping("a..b=ipv4")};
  EXPECT_FALSE(MakeParser(options).ok());
  EXPECT_EQ(FormatFromName("zeek"), Format::kZeek);
  EXPECT_EQ(FormatFromName("auto"), std::nullopt);
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(FormatFromName(FormatName(static_cast<Format>(i))), static_cast<Format>(i));
  }
}

Detection Detect(std::vector<std::string_view> lines) { return DetectFormat(lines); }

TEST(ScanFormat, AutoDetectionSaysWhatAndWhy) {
  Detection d = Detect({"#separator \\x09", "#set_separator\t,"});
  EXPECT_EQ(d.format, Format::kZeek);
  EXPECT_NE(d.reason.find("Zeek"), std::string::npos);
  d = Detect({R"({"a":1})", R"({"b":2})"});
  EXPECT_EQ(d.format, Format::kJson);
  EXPECT_EQ(d.reason, "2 of 2 lines are JSON objects");
  EXPECT_EQ(Detect({R"(192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)"}).format,
            Format::kWeb);
  EXPECT_EQ(Detect({"21-Nov-2026 10:00:00.123 queries: info: client @0x1 192.0.2.1#5 (a.org): "
                    "query: a.org IN A + (192.0.2.53)"})
                .format,
            Format::kBind);
  EXPECT_EQ(Detect({"Nov 21 10:00:00 dnsmasq[1]: query[A] a.org from 192.0.2.1",
                    "Nov 21 10:00:00 dnsmasq[1]: reply a.org is 192.0.2.2"})
                .format,
            Format::kDnsmasq);
  d = Detect({"time,src,dst", "1,192.0.2.1,192.0.2.2", "2,192.0.2.3,192.0.2.4"});
  EXPECT_EQ(d.format, Format::kCsv);
  EXPECT_NE(d.reason.find("3 columns"), std::string::npos);
  d = Detect({"kernel: eth0 link up", "sshd: accepted from 192.0.2.1"});
  EXPECT_EQ(d.format, Format::kText);
  EXPECT_NE(d.reason.find("free text"), std::string::npos);
  EXPECT_EQ(Detect({}).format, Format::kText);
}

}  // namespace
}  // namespace ecrn::scan
