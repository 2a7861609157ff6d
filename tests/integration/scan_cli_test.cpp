// `ecrn scan` as an operator runs it: offline against a STIX bundle (exact
// tokens, subdomains, formats, errors), and as a sensor that follows a
// growing log against a running hub — sightings arrive, only the right
// organisations see them, and killing and restarting the sensor, or taking
// the hub away for a while, loses and repeats no sighting (issue 4).
#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/net/taxii_client.hpp"
#include "integration/hub_process.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr char kPassword[] = "correct horse battery staple";

std::string Indicator(int n, const std::string& pattern) {
  char id[64];
  std::snprintf(id, sizeof id, "indicator--5c4a0000-0000-4000-8000-%012d", n);
  boost::json::object o{{"type", "indicator"},
                        {"spec_version", "2.1"},
                        {"id", id},
                        {"created", "2026-01-01T00:00:00.000Z"},
                        {"modified", "2026-01-01T00:00:00.000Z"},
                        {"name", "indicator " + std::to_string(n)},
                        {"pattern", pattern},
                        {"pattern_type", "stix"},
                        {"valid_from", "2020-01-01T00:00:00Z"}};
  return boost::json::serialize(o);
}

std::string Bundle(const std::vector<std::string>& objects) {
  std::string list;
  for (const auto& o : objects) list += (list.empty() ? "" : ",") + o;
  return R"({"type":"bundle","id":"bundle--5c4a0000-0000-4000-8000-000000000000","objects":[)" +
         list + "]}";
}

void Append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

std::vector<boost::json::object> JsonLines(const std::string& text) {
  std::vector<boost::json::object> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(boost::json::parse(text.substr(start, end - start)).as_object());
    start = end + 1;
  }
  return out;
}

TEST(ScanCli, OfflineMatchesWholeTokensOnly) {
  TempDir dir;
  WriteFile(dir.File("ind.json"),
            Bundle({Indicator(1, "[domain-name:value = 'x.org']"),
                    Indicator(2, "[ipv4-addr:value = '198.51.100.0/24']"),
                    Indicator(3, "[url:value = 'http://bad.example/login']")}));
  WriteFile(dir.File("log.txt"),
            "query for bx.org from 10.0.0.1\n"           // not x.org
            "query for x.org from 10.0.0.2\n"            // x.org
            "query for sub.x.org from 10.0.0.3\n"        // only with --subdomains
            "conn 198.51.100.77 -> 10.0.0.4\n"           // in the /24
            "conn 198.51.10.7 -> 10.0.0.4\n"             // not
            "GET http://bad.example/login HTTP/1.1\n");  // the URL
  auto r = ecrn::testing::Run({EcrnBin(), "scan", "--indicators", dir.File("ind.json"), "--format",
                               "text", dir.File("log.txt")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = JsonLines(r.out);
  std::multiset<std::pair<int64_t, std::string>> got;
  for (const auto& l : lines) {
    got.emplace(l.at("line").as_int64(), std::string(l.at("value").as_string()));
    EXPECT_EQ(l.at("source").as_string(), dir.File("log.txt"));
    EXPECT_EQ(std::string(l.at("indicator").as_string()).rfind("indicator--5c4a", 0), 0u);
  }
  EXPECT_EQ(got, (std::multiset<std::pair<int64_t, std::string>>{
                     {2, "x.org"}, {4, "198.51.100.77"}, {6, "http://bad.example/login"}}))
      << r.out;
  EXPECT_THAT(r.err, HasSubstr("3 matches of 3 indicators"));
  EXPECT_THAT(r.err, HasSubstr("indicators: 3 loaded"));

  auto sub =
      ecrn::testing::Run({EcrnBin(), "scan", "--indicators", dir.File("ind.json"), "--subdomains",
                          "--format", "text", "--quiet", dir.File("log.txt")});
  ASSERT_EQ(sub.exit_code, 0) << sub.err;
  EXPECT_EQ(sub.out, "");
  EXPECT_THAT(sub.err, HasSubstr("4 matches"));

  // Standard input, and the format guessed and named.
  auto piped =
      ecrn::testing::Run({EcrnBin(), "scan", "--indicators", dir.File("ind.json")},
                         "10.1.1.1 - - [21/Nov/2026:10:00:00 +0000] \"GET /login HTTP/1.1\" 200 12 "
                         "\"http://bad.example/login\" \"curl/8\"\n");
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_THAT(piped.err, HasSubstr("format web"));
  auto piped_lines = JsonLines(piped.out);
  ASSERT_EQ(piped_lines.size(), 1u) << piped.out;
  EXPECT_EQ(piped_lines[0].at("timestamp"), "2026-11-21T10:00:00.000Z");
  EXPECT_EQ(piped_lines[0].at("type"), "url");
}

TEST(ScanCli, BadInvocationsSayWhatIsWrong) {
  TempDir dir;
  WriteFile(dir.File("ind.json"), Bundle({Indicator(1, "[domain-name:value = 'x.org']")}));
  WriteFile(dir.File("broken.json"), "{\"type\":\"bundle\",\"objects\":[");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"scan"}, "--indicators"},
           {{"scan", "--indicators", dir.File("missing.json")}, "missing.json"},
           {{"scan", "--indicators", dir.File("broken.json")}, "broken.json"},
           {{"scan", "--indicators", dir.File("ind.json"), "--format", "syslog"}, "syslog"},
           {{"scan", "--indicators", dir.File("ind.json"), "--field", "nokind"}, "nokind"},
           {{"scan", "--hub", "http://127.0.0.1:1"}, "--api-key"},
           {{"scan", "--indicators", dir.File("ind.json"), "--hub", "http://127.0.0.1:1"},
            "either"},
       }) {
    std::vector<std::string> argv = {EcrnBin()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = ecrn::testing::Run(argv, "", {"ECRN_API_KEY="});
    EXPECT_EQ(r.exit_code, 2) << c.args.back() << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
  // An unreadable log among readable ones: the others are still scanned.
  WriteFile(dir.File("log.txt"), "x.org\n");
  auto r = ecrn::testing::Run({EcrnBin(), "scan", "--indicators", dir.File("ind.json"),
                               dir.File("nope.log"), dir.File("log.txt")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("nope.log"));
  EXPECT_EQ(JsonLines(r.out).size(), 1u);
}

// A hub with CEC-A (runs the sensor), CERT-B (shares the regional channel)
// and Other (not in it).
class ScanSensorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.File("hub.db");
    Admin({"org", "add", "--name", "CEC-A", "--kind", "election-commission", "--country", "TL"});
    Admin({"org", "add", "--name", "CERT-B", "--kind", "cert", "--country", "TL"});
    Admin({"org", "add", "--name", "Other", "--kind", "civil-society", "--country", "XR"});
    for (auto [user, org] :
         {std::pair{"sensor", "CEC-A"}, std::pair{"bob", "CERT-B"}, std::pair{"carol", "Other"}}) {
      Admin({"user", "add", "--org", org, "--username", user, "--role", "analyst"},
            {std::string("ECRN_PASSWORD=") + kPassword});
    }
    Admin({"channel", "add", "--name", "regional"});
    Admin({"channel", "add", "--name", "other-news"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CEC-A", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "regional", "--org", "CERT-B", "--read", "--write"});
    Admin({"channel", "grant", "--channel", "other-news", "--org", "Other", "--read", "--write"});
    for (auto user : {"sensor", "bob", "carol"}) {
      keys_[user] = WithoutNewline(Admin({"apikey", "create", "--user", user}));
    }
    StartHub("127.0.0.1:0");
    ASSERT_NE(port_, 0);
    // Bob shares the indicators the sensor will look for.
    auto bob = Client("bob");
    auto status = bob.AddObjects(
        CollectionId(bob, "regional"),
        R"({"objects":[)" + Indicator(1, "[domain-name:value = 'evil-results.example']") + "," +
            Indicator(2, "[ipv4-addr:value = '203.0.113.9']") + "]}");
    ASSERT_TRUE(status.ok()) << status.error().ToString();
    ASSERT_EQ(status->success_count, 2);
  }

  void StartHub(const std::string& listen) {
    hub_.reset();
    hub_ = std::make_unique<Hub>(db_, std::vector<std::string>{}, listen);
    port_ = hub_->port;
  }

  void StopHub() {
    hub_->process.Signal(SIGTERM);
    EXPECT_EQ(hub_->process.Wait(60s).value_or(-2), 0);
    hub_.reset();
  }

  std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return RunAdmin(db_, std::move(args), std::move(env));
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  net::TaxiiClient Client(const std::string& user) {
    auto c = net::TaxiiClient::Create(Url(), keys_[user]);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }

  std::string CollectionId(net::TaxiiClient& client, const std::string& title) {
    auto list = client.Collections();
    EXPECT_TRUE(list.ok()) << list.error().ToString();
    for (const auto& c : list.ok() ? *list : std::vector<net::TaxiiCollection>{}) {
      if (c.title == title) return c.id;
    }
    return "";
  }

  // Sum of the sighting counts `user` can read, per indicator number; and
  // the number of sighting objects.
  std::pair<std::map<int, int64_t>, size_t> Sighted(const std::string& user) {
    std::map<int, int64_t> sums;
    size_t objects = 0;
    auto client = Client(user);
    auto list = client.Collections();
    if (!list.ok()) return {sums, 0};
    for (const auto& c : *list) {
      net::ObjectsQuery q;
      q.types = {"sighting"};
      for (;;) {
        auto page = client.GetObjects(c.id, q);
        if (!page.ok()) break;
        for (const auto& s : page->objects) {
          ++objects;
          const std::string of(s.json().at("sighting_of_ref").as_string());
          sums[std::stoi(of.substr(of.size() - 12))] += s.json().at("count").as_int64();
        }
        if (!page->more) break;
        q.next = page->next;
      }
    }
    return {sums, objects};
  }

  // Waits until `user` reads exactly `want`; false on time-out.
  bool WaitForSightings(const std::string& user, const std::map<int, int64_t>& want,
                        std::chrono::seconds limit = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Sighted(user).first == want) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  std::unique_ptr<ChildProcess> Sensor(const std::string& log) {
    return std::make_unique<ChildProcess>(std::vector<std::string>{
        EcrnBin(), "scan", "--follow", "--hub", Url(), "--api-key", keys_["sensor"], "--state",
        dir_.File("sensor-state"), "--format", "text", "--poll-ms", "20", "--batch-seconds", "0.2",
        "--refresh-seconds", "1", log});
  }

  TempDir dir_;
  std::string db_;
  std::map<std::string, std::string> keys_;
  std::unique_ptr<Hub> hub_;
  uint16_t port_ = 0;  // kept across StopHub, to start it again on the same port
};

TEST_F(ScanSensorTest, FollowsAGrowingLogAndReportsToTheRightOrganisations) {
  const std::string log = dir_.File("resolver.log");
  Append(log, "client 10.0.0.5 query evil-results.example A\n");
  auto sensor = Sensor(log);
  ASSERT_TRUE(WaitForSightings("bob", {{1, 1}})) << sensor->Stderr();
  Append(log,
         "client 10.0.0.6 query evil-results.example A\n"
         "client 10.0.0.7 query bevil-results.example A\n"  // not a match
         "conn 203.0.113.9:443 from 10.0.0.8\n");
  ASSERT_TRUE(WaitForSightings("bob", {{1, 2}, {2, 1}})) << sensor->Stderr();
  // The sensor's own organisation reads them too; Other, outside the
  // channel, reads none.
  EXPECT_EQ(Sighted("sensor").first, (std::map<int, int64_t>{{1, 2}, {2, 1}}));
  EXPECT_EQ(Sighted("carol").second, 0u);
  // The match lines on stdout.
  auto first = sensor->ReadLine(10s);
  ASSERT_TRUE(first.has_value());
  EXPECT_THAT(*first, HasSubstr("evil-results.example"));
  sensor->Signal(SIGTERM);
  EXPECT_EQ(sensor->Wait(60s).value_or(-2), 0) << sensor->Stderr();
  EXPECT_THAT(sensor->Stderr(), HasSubstr("matches"));
}

TEST_F(ScanSensorTest, KillsRestartsAndOutagesLoseAndRepeatNothing) {
  const std::string log = dir_.File("resolver.log");
  std::mt19937 rng(7);
  std::map<int, int64_t> want;
  auto plant = [&](int lines) {
    std::string text;
    for (int i = 0; i < lines; ++i) {
      const int which = 1 + static_cast<int>(rng() % 2);
      text +=
          which == 1 ? "q evil-results.example from 10.9.9.9\n" : "deny 203.0.113.9 -> 10.0.0.1\n";
      text += "noise line with nothing in it " + std::to_string(rng()) + "\n";
      ++want[which];
    }
    Append(log, text);
  };
  auto total = [](const std::map<int, int64_t>& sums) {
    int64_t n = 0;
    for (const auto& [which, count] : sums) n += count;
    return n;
  };
  auto sensor = Sensor(log);
  for (int round = 0; round < 6; ++round) {
    const int64_t before = total(want);
    plant(5 + static_cast<int>(rng() % 20));
    // Kill only once the sensor is reading this round (a match line out),
    // and in every other round only after some of it reached the hub, so
    // that both "counted, not yet sent" and "sent" are cut short.
    ASSERT_TRUE(sensor->ReadLine(120s).has_value()) << sensor->Stderr();
    if (round % 2 == 0) {
      const auto deadline = std::chrono::steady_clock::now() + 60s;
      while (total(Sighted("bob").first) <= before && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
      }
      ASSERT_GT(total(Sighted("bob").first), before) << sensor->Stderr();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
    sensor->Signal(SIGKILL);
    sensor->Wait(30s);
    if (round % 2 == 1) plant(3);  // written while no sensor runs
    sensor = Sensor(log);
  }
  ASSERT_TRUE(WaitForSightings("bob", want)) << sensor->Stderr();

  // The hub goes away; the sensor keeps counting and sends when it is back.
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  StopHub();
  plant(4);
  std::this_thread::sleep_for(1s);
  StartHub(listen);
  ASSERT_NE(hub_, nullptr);
  ASSERT_TRUE(WaitForSightings("bob", want)) << sensor->Stderr();
  // And nothing arrives twice, even later.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(Sighted("bob").first, want);
  sensor->Signal(SIGTERM);
  EXPECT_EQ(sensor->Wait(60s).value_or(-2), 0) << sensor->Stderr();
  EXPECT_EQ(Sighted("bob").first, want);
}

}  // namespace
}  // namespace ecrn::testing
