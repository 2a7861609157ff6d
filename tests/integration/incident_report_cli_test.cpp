// `ecrn incident report` against a real `ecrn serve`: a report from flags
// with evidence that arrives byte for byte (checked by SHA-256 and by
// download), a report from a JSON file with flags on top and JSON output,
// the hub's own words for a bad report, evidence the hub refuses after the
// report was filed, and an unreachable hub or a refused key.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "integration/hub_process.hpp"
#include "testing/http_client.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

namespace json = boost::json;

class IncidentReportCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("hub.db");
    RunAdmin(db_,
             {"org", "add", "--name", "CEC", "--kind", "election-commission", "--country", "TL"});
    for (const auto& [name, role] :
         std::map<std::string, std::string>{{"cec-analyst", "analyst"}, {"cec-viewer", "viewer"}}) {
      RunAdmin(db_, {"user", "add", "--org", "CEC", "--username", name, "--role", role},
               {"ECRN_PASSWORD=incident-report-cli-password"});
      keys_[name] = WithoutNewline(RunAdmin(db_, {"apikey", "create", "--user", name}));
    }
    hub_ = new Hub(db_);
  }
  static void TearDownTestSuite() {
    delete hub_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(hub_->port, 0) << "ecrn serve did not start: " << hub_->process.Stderr();
  }

  // `ecrn incident report --hub ... ARGS` with the analyst's key in the
  // environment.
  static RunResult Report(std::vector<std::string> args, const std::string& user = "cec-analyst",
                          const std::string& hub = "") {
    args.insert(args.begin(),
                {EcrnBin(), "incident", "report", "--hub", hub.empty() ? hub_->Url() : hub});
    return ecrn::testing::Run(args, "", {"ECRN_API_KEY=" + keys_[user]});
  }

  static HttpResponse Get(const std::string& target) {
    HttpClient client(hub_->port);
    auto r = client.Request("GET", target, {{"Authorization", "Bearer " + keys_["cec-analyst"]}});
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(HttpResponse{});
  }
  static json::value GetJson(const std::string& target) {
    auto r = Get(target);
    EXPECT_EQ(r.status, 200) << target << " " << r.body;
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    return ec ? json::value() : v;
  }
  static size_t CaseCount() {
    return GetJson("/api/v1/incidents?limit=500").at("items").as_array().size();
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline Hub* hub_ = nullptr;
  static inline std::map<std::string, std::string> keys_;
};

TEST_F(IncidentReportCliTest, FilesAReportFromFlagsAndAddsEvidenceByteForByte) {
  TempDir files;
  std::string log = "GET / HTTP/1.1\r\n";
  log.push_back('\0');
  log += std::string(200'000, 'x');
  WriteFile(files.File("edge access.log"), log);
  const std::string shot = "\x89PNG\r\n\x1a\n screenshot bytes";
  WriteFile(files.File("defaced.png"), shot);

  auto r = Report({"--title",
                   "Results site DDoS",
                   "--description",
                   "The results website stopped answering at 20:05.",
                   "--detected",
                   "2024-05-12T20:10:00Z",
                   "--started",
                   "2024-05-12T20:05:00Z",
                   "--category",
                   "availability",
                   "--target",
                   "results-publication",
                   "--affected-system",
                   "results.example",
                   "--affected-system",
                   "cdn edge",
                   "--election",
                   "Parliament 2024",
                   "--phase",
                   "results",
                   "--impact",
                   "availability=high",
                   "--impact",
                   "public-trust=medium",
                   "--severity",
                   "high",
                   "--tlp",
                   "amber",
                   "--playbook",
                   "ddos-results-site",
                   "--evidence",
                   files.File("edge access.log"),
                   "--evidence",
                   files.File("defaced.png"),
                   "--evidence-reason",
                   "collected by the web team"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string id = WithoutNewline(r.out);
  ASSERT_EQ(id.rfind("incident--", 0), 0u) << r.out;
  EXPECT_EQ(id.find('\n'), std::string::npos) << "only the id on stdout: " << r.out;

  // The case holds what the flags said.
  auto view = GetJson("/api/v1/incidents/" + id);
  const auto& c = view.at("case").as_object();
  EXPECT_EQ(c.at("title").as_string(), "Results site DDoS");
  EXPECT_EQ(c.at("category").as_string(), "availability");
  EXPECT_EQ(c.at("severity").as_string(), "high");
  EXPECT_EQ(c.at("tlp").as_string(), "amber");
  EXPECT_EQ(c.at("phase").as_string(), "results");
  EXPECT_EQ(c.at("election").as_string(), "Parliament 2024");
  EXPECT_EQ(std::string(c.at("detected").as_string()).substr(0, 19), "2024-05-12T20:10:00");
  EXPECT_EQ(std::string(c.at("started").as_string()).substr(0, 19), "2024-05-12T20:05:00");
  EXPECT_EQ(c.at("election_targets"), (json::array{"results-publication"}));
  EXPECT_EQ(c.at("affected_systems"), (json::array{"results.example", "cdn edge"}));
  EXPECT_EQ(c.at("impacts").at("availability").as_string(), "high");
  EXPECT_EQ(c.at("impacts").at("public_trust").as_string(), "medium");
  EXPECT_FALSE(c.at("tasks").as_array().empty()) << "the playbook's tasks";

  // Both files, hashed by the hub as they are here, and the same bytes
  // come back.
  std::map<std::string, std::string> by_name = {{"edge access.log", log}, {"defaced.png", shot}};
  auto evidence = GetJson("/api/v1/incidents/" + id + "/evidence");
  ASSERT_EQ(evidence.at("items").as_array().size(), 2u) << json::serialize(evidence);
  for (const auto& e : evidence.at("items").as_array()) {
    const std::string name(e.at("file_name").as_string());
    ASSERT_TRUE(by_name.count(name)) << name;
    EXPECT_EQ(e.at("sha256").as_string(), Sha256Hex(by_name[name])) << name;
    EXPECT_NE(r.err.find(Sha256Hex(by_name[name])), std::string::npos) << r.err;
    auto down = Get("/api/v1/incidents/" + id + "/evidence/" + std::string(e.at("id").as_string()));
    ASSERT_EQ(down.status, 200);
    EXPECT_EQ(down.body, by_name[name]) << name;
  }
  // The media type follows the extension.
  EXPECT_NE(json::serialize(evidence).find("image/png"), std::string::npos);
  auto custody = Get("/api/v1/incidents/" + id + "/custody");
  EXPECT_NE(custody.body.find("collected by the web team"), std::string::npos) << custody.body;
}

TEST_F(IncidentReportCliTest, FilesAReportFromJsonWithFlagsOnTopAndPrintsJson) {
  TempDir files;
  json::object body{{"title", "from the file"},
                    {"description", "Forged letters tell voters their polling station moved."},
                    {"category", "information-content-security"},
                    {"election_targets", json::array{"disinformation"}},
                    {"disinformation_kind", "false-narrative"},
                    {"phase", "voting"},
                    {"severity", "low"},
                    {"tlp", "green"},
                    {"impacts", json::object{{"public_trust", "high"}}}};
  WriteFile(files.File("report.json"), json::serialize(body));
  WriteFile(files.File("letter.txt"), "Dear voter, your polling station has moved.");
  auto r = Report({"--from-json", files.File("report.json"), "--title", "Forged voter letters",
                   "--severity", "medium", "--impact", "integrity=low", "--evidence",
                   files.File("letter.txt"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  boost::system::error_code ec;
  auto out = json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  const std::string id(out.at("id").as_string());
  EXPECT_TRUE(out.at("number").is_int64());
  EXPECT_EQ(out.at("url").as_string(), hub_->Url() + "/api/v1/incidents/" + id);
  ASSERT_EQ(out.at("evidence").as_array().size(), 1u);
  EXPECT_EQ(out.at("evidence").at(0).at("sha256").as_string(),
            Sha256Hex("Dear voter, your polling station has moved."));
  EXPECT_TRUE(out.at("evidence_failed").as_array().empty());

  auto c = GetJson("/api/v1/incidents/" + id).at("case");
  EXPECT_EQ(c.at("title").as_string(), "Forged voter letters");  // the flag wins
  EXPECT_EQ(c.at("severity").as_string(), "medium");
  EXPECT_EQ(c.at("category").as_string(), "information-content-security");  // from the file
  EXPECT_EQ(c.at("disinformation_kind").as_string(), "false-narrative");
  EXPECT_EQ(c.at("impacts").at("public_trust").as_string(), "high");
  EXPECT_EQ(c.at("impacts").at("integrity").as_string(), "low");
}

TEST_F(IncidentReportCliTest, ABadReportGetsTheHubsWordsAndNothingIsFiled) {
  const size_t before = CaseCount();
  auto r = Report({"--title", "Something", "--description", "Something happened.", "--category",
                   "alien-invasion", "--severity", "high", "--tlp", "amber"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("the hub refused the report"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("category: "), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  // Unusable input found before anything is sent.
  TempDir files;
  WriteFile(files.File("empty.log"), "");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--title", "x", "--evidence", files.File("missing.log")},
           {"--title", "x", "--evidence", files.File("empty.log")},
           {"--title", "x", "--impact", "availability"},
           {"--from-json", files.File("missing.json")},
       }) {
    auto bad = Report(args);
    EXPECT_EQ(bad.exit_code, 2) << args.back() << ": " << bad.err;
    EXPECT_NE(bad.err.find("ecrn: "), std::string::npos) << bad.err;
  }
  WriteFile(files.File("list.json"), "[1, 2]");
  auto not_object = Report({"--from-json", files.File("list.json")});
  EXPECT_EQ(not_object.exit_code, 2);
  EXPECT_NE(not_object.err.find("not a JSON object"), std::string::npos) << not_object.err;

  // A viewer may not report: the hub says so.
  auto viewer = Report({"--title", "Viewer report", "--description", "x", "--category",
                        "availability", "--severity", "low", "--tlp", "green"},
                       "cec-viewer");
  EXPECT_EQ(viewer.exit_code, 1) << viewer.err;
  EXPECT_NE(viewer.err.find("only analysts, liaisons and org admins report incidents"),
            std::string::npos)
      << viewer.err;
  EXPECT_EQ(CaseCount(), before);
}

TEST_F(IncidentReportCliTest, EvidenceRefusedAfterFilingSaysTheReportExistsAndWhichFilesFailed) {
  TempDir files;
  WriteFile(files.File("good.log"), "good evidence");
  // The hub refuses file names with control characters; the report is
  // filed before the file is sent.
  const std::string bad = files.File(std::string("bad\x01name.log"));
  WriteFile(bad, "refused evidence");
  auto r = Report({"--title", "Phishing of staff", "--description", "Mails with a fake login.",
                   "--category", "fraud", "--severity", "medium", "--tlp", "amber", "--evidence",
                   files.File("good.log"), "--evidence", bad});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string id = WithoutNewline(r.out);
  ASSERT_EQ(id.rfind("incident--", 0), 0u) << r.out << r.err;
  EXPECT_NE(r.err.find("the report was filed as " + id), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 of 2 evidence files were not added"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad + ": the hub refused it: file_name"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("good.log:"), std::string::npos) << r.err;
  auto evidence = GetJson("/api/v1/incidents/" + id + "/evidence");
  ASSERT_EQ(evidence.at("items").as_array().size(), 1u);
  EXPECT_EQ(evidence.at("items").at(0).at("sha256").as_string(), Sha256Hex("good evidence"));
}

TEST_F(IncidentReportCliTest, AnUnreachableHubOrARefusedKeyIsAClearFailure) {
  const std::vector<std::string> form = {"--title",    "x",     "--description", "x",
                                         "--category", "fraud", "--severity",    "low",
                                         "--tlp",      "green"};
  auto gone =
      Report(form, "cec-analyst", "http://127.0.0.1:" + std::to_string(PortNobodyListensOn()));
  EXPECT_EQ(gone.exit_code, 1) << gone.err;
  EXPECT_NE(gone.err.find("could not file the report with http://127.0.0.1:"), std::string::npos)
      << gone.err;
  keys_["nobody"] = "ecrn_not-a-key";
  auto refused = Report(form, "nobody");
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("refused the API key"), std::string::npos) << refused.err;
  auto no_key =
      ecrn::testing::Run({EcrnBin(), "incident", "report", "--hub", hub_->Url(), "--title", "x"});
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_NE(no_key.err.find("ECRN_API_KEY"), std::string::npos) << no_key.err;
  auto bad_url = Report(form, "cec-analyst", "ftp://127.0.0.1/");
  EXPECT_EQ(bad_url.exit_code, 2) << bad_url.err;
}

}  // namespace
}  // namespace ecrn::testing
