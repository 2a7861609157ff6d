// Incident reporting and coordination over HTTP against a real `ecrn serve`
// (issue 5): a commission reports an incident with a playbook, invites the
// police, works the case through the workflow, adds evidence whose custody
// is logged on every access, exports it as STIX; and organisations that
// take no part see nothing of it on any path.
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/notify/webhook.hpp"
#include "integration/hub_process.hpp"
#include "testing/http_client.hpp"
#include "testing/http_receiver.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

namespace json = boost::json;

constexpr char kPassword[] = "incident-flow-password";

class IncidentFlowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = dir_->File("hub.db");
    Admin({"org", "add", "--name", "CEC", "--kind", "election-commission", "--country", "TL"});
    Admin({"org", "add", "--name", "Police", "--kind", "law-enforcement", "--country", "TL"});
    Admin({"org", "add", "--name", "CERT", "--kind", "cert", "--country", "TL"});
    Admin({"org", "add", "--name", "Other", "--kind", "election-commission", "--country", "XR"});
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> users = {
        {"cec-analyst", {"CEC", "analyst"}},       {"cec-viewer", {"CEC", "viewer"}},
        {"police-liaison", {"Police", "liaison"}}, {"police-viewer", {"Police", "viewer"}},
        {"cert-analyst", {"CERT", "analyst"}},     {"other-analyst", {"Other", "analyst"}},
        {"other-admin", {"Other", "org-admin"}},   {"police-admin", {"Police", "org-admin"}},
    };
    for (const auto& [name, org_role] : users) {
      Admin({"user", "add", "--org", org_role.first, "--username", name, "--role", org_role.second},
            {std::string("ECRN_PASSWORD=") + kPassword});
      keys_[name] = WithoutNewline(Admin({"apikey", "create", "--user", name}));
    }
    // A channel of the commission's own, and one the network shares.
    private_channel_ = std::stoll(Admin({"channel", "add", "--name", "cec-private"}));
    Admin({"channel", "grant", "--channel", "cec-private", "--org", "CEC", "--read", "--write"});
    network_channel_ =
        std::stoll(Admin({"channel", "add", "--name", "network", "--default-tlp", "green"}));
    for (const char* org : {"CEC", "CERT"}) {
      Admin({"channel", "grant", "--channel", "network", "--org", org, "--read", "--write"});
    }
    server_ = new Hub(db_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override {
    ASSERT_NE(server_->port, 0) << "ecrn serve did not start: " << server_->process.Stderr();
  }

  static std::string Admin(std::vector<std::string> args, std::vector<std::string> env = {}) {
    return RunAdmin(db_, std::move(args), std::move(env));
  }

  static HttpResponse Call(const std::string& user, const std::string& method,
                           const std::string& target, const std::string& body = "",
                           const std::string& type = "application/json") {
    HttpClient client(server_->port);
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + keys_[user]}};
    if (!body.empty()) headers.emplace_back("Content-Type", type);
    auto r = client.Request(method, target, headers, body);
    EXPECT_TRUE(r.has_value()) << method << " " << target;
    return r.value_or(HttpResponse{});
  }

  static json::value Parse(const HttpResponse& r) {
    boost::system::error_code ec;
    auto v = json::parse(r.body, ec);
    EXPECT_FALSE(ec) << r.body;
    return ec ? json::value() : v;
  }

  // A valid report form, detected an hour ago.
  static json::object Report(const std::string& title) {
    json::object o;
    o["title"] = title;
    o["description"] = "The results website stopped answering at 20:05; traffic is 40x normal.";
    o["detected"] = FormatTimestamp(SystemClock().Now() - 3600LL * 1'000'000, 3);
    o["category"] = "availability";
    o["election_targets"] = json::array{"results-publication"};
    o["phase"] = "results";
    o["severity"] = "high";
    o["tlp"] = "amber";
    o["impacts"] = json::object{{"availability", "high"}, {"public_trust", "medium"}};
    return o;
  }

  // Reports an incident as cec-analyst; returns its view.
  static json::object NewCase(const std::string& title, const std::string& playbook = "") {
    auto form = Report(title);
    if (!playbook.empty()) form["playbook"] = playbook;
    auto r = Call("cec-analyst", "POST", "/api/v1/incidents", json::serialize(form));
    EXPECT_EQ(r.status, 201) << r.body;
    auto v = Parse(r);
    return v.is_object() ? v.as_object() : json::object();
  }

  static HttpResponse Change(const std::string& user, const std::string& id,
                             const json::object& change, std::optional<int64_t> rev = {}) {
    json::object body{{"change", change}};
    if (rev) body["rev"] = *rev;
    return Call(user, "POST", "/api/v1/incidents/" + id + "/changes", json::serialize(body));
  }

  static HttpResponse Invite(const std::string& id, const std::string& org,
                             const std::string& role) {
    return Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/participants",
                json::serialize(json::object{{"org", org}, {"role", role}}));
  }

  static std::string UserId(const json::object& view, const std::string& username) {
    for (const auto& p : view.at("people").as_array()) {
      if (p.at("username").as_string() == username) return std::string(p.at("id").as_string());
    }
    return "";
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string db_;
  static inline Hub* server_ = nullptr;
  static inline std::map<std::string, std::string> keys_;
  static inline int64_t private_channel_ = 0;
  static inline int64_t network_channel_ = 0;
};

TEST_F(IncidentFlowTest, AReportWithProblemsNamesEachFieldAndStoresNothing) {
  json::object bad = Report("");
  bad["severity"] = "apocalyptic";
  bad["detected"] = "yesterday";
  bad.erase("category");
  auto r = Call("cec-analyst", "POST", "/api/v1/incidents", json::serialize(bad));
  ASSERT_EQ(r.status, 400) << r.body;
  std::set<std::string> fields;
  const auto problems = Parse(r);
  for (const auto& p : problems.at("problems").as_array()) {
    fields.insert(std::string(p.at("field").as_string()));
  }
  EXPECT_TRUE(fields.count("title")) << r.body;
  EXPECT_TRUE(fields.count("severity")) << r.body;
  EXPECT_TRUE(fields.count("detected")) << r.body;
  EXPECT_TRUE(fields.count("category")) << r.body;

  auto before = Parse(Call("cec-analyst", "GET", "/api/v1/incidents?limit=500"));
  auto again = Call("cec-analyst", "POST", "/api/v1/incidents", json::serialize(bad));
  EXPECT_EQ(again.status, 400);
  auto after = Parse(Call("cec-analyst", "GET", "/api/v1/incidents?limit=500"));
  EXPECT_EQ(before.at("items").as_array().size(), after.at("items").as_array().size());

  // Not JSON at all; a viewer; a read-only caller's organisation-less key.
  EXPECT_EQ(Call("cec-analyst", "POST", "/api/v1/incidents", "{", "application/json").status, 400);
  EXPECT_EQ(
      Call("cec-viewer", "POST", "/api/v1/incidents", json::serialize(Report("viewer report")))
          .status,
      403);
}

TEST_F(IncidentFlowTest, ReportInvitePoliceWorkTheCaseAndKeepCustody) {
  // Filed with a playbook: its tasks are there, and the NIS2 clocks run.
  auto view = NewCase("Results site DDoS", "ddos-results-site");
  const std::string id(view.at("stix_id").as_string());
  ASSERT_TRUE(id.rfind("incident--", 0) == 0);
  const auto& kase = view.at("case").as_object();
  EXPECT_EQ(kase.at("status").as_string(), "reported");
  EXPECT_GE(kase.at("tasks").as_array().size(), 5u);
  const auto& clocks = view.at("clocks").as_array();
  ASSERT_EQ(clocks.size(), 3u) << json::serialize(clocks);
  EXPECT_EQ(clocks[0].at("token").as_string(), "early-warning");
  auto detected = ParseTimestamp(kase.at("detected").as_string())->micros;
  auto deadline = ParseTimestamp(clocks[0].at("deadline").as_string())->micros;
  EXPECT_EQ(deadline - detected, 24LL * 3600 * 1'000'000);
  EXPECT_EQ(clocks[0].at("state").as_string(), "pending");
  EXPECT_FALSE(view.at("next_deadline").is_null());

  // Before the invitation the police know nothing of it.
  EXPECT_EQ(Call("police-liaison", "GET", "/api/v1/incidents/" + id).status, 404);
  ASSERT_EQ(Invite(id, "Police", "police").status, 200);
  auto police_view = Call("police-liaison", "GET", "/api/v1/incidents/" + id);
  ASSERT_EQ(police_view.status, 200) << police_view.body;
  EXPECT_EQ(Parse(police_view).at("my_part").as_string(), "police");
  EXPECT_FALSE(Parse(police_view).at("can").at("manage").as_bool());
  EXPECT_EQ(Invite(id, "CEC", "police").status, 400);  // the owner is not a participant
  EXPECT_EQ(Invite(id, "Nowhere", "police").status, 400);
  EXPECT_EQ(Invite(id, "CERT", "sheriff").status, 400);

  // The workflow, with optimistic concurrency.
  int64_t rev = Parse(Call("cec-analyst", "GET", "/api/v1/incidents/" + id)).at("rev").as_int64();
  auto triaged = Change("cec-analyst", id, {{"type", "status"}, {"status", "triaged"}}, rev);
  ASSERT_EQ(triaged.status, 200) << triaged.body;
  EXPECT_EQ(Parse(triaged).at("case").at("status").as_string(), "triaged");
  auto stale = Change("cec-analyst", id, {{"type", "status"}, {"status", "investigating"}}, rev);
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(Change("cec-analyst", id, {{"type", "status"}, {"status", "closed"}}).status, 409)
      << "closing with open tasks";
  EXPECT_EQ(Change("cec-analyst", id, {{"type", "status"}, {"status", "bogus"}}).status, 400);
  EXPECT_EQ(Change("police-liaison", id, {{"type", "status"}, {"status", "investigating"}}).status,
            403);
  EXPECT_EQ(Change("cec-viewer", id, {{"type", "status"}, {"status", "investigating"}}).status,
            403);

  // Assignment and tasks: the police take an unowned task for themselves.
  auto assigned = Change("cec-analyst", id, {{"type", "assign"}, {"assignee", "cec-analyst"}});
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  auto av = Parse(assigned).as_object();
  EXPECT_EQ(av.at("case").at("assignee").as_string(), UserId(av, "cec-analyst"));
  EXPECT_EQ(Change("cec-analyst", id, {{"type", "assign"}, {"assignee", "other-analyst"}}).status,
            400);
  auto added =
      Change("cec-analyst", id, {{"type", "add_task"}, {"title", "Preserve web server logs"}});
  ASSERT_EQ(added.status, 200) << added.body;
  const auto added_view = Parse(added);
  const auto& tasks = added_view.at("case").at("tasks").as_array();
  const std::string task_id(tasks.back().at("id").as_string());
  auto taken = Change("police-liaison", id,
                      {{"type", "update_task"},
                       {"task_id", task_id},
                       {"owner", "police-liaison"},
                       {"status", "in-progress"}});
  ASSERT_EQ(taken.status, 200) << taken.body;
  EXPECT_EQ(Change("police-liaison", id,
                   {{"type", "update_task"}, {"task_id", task_id}, {"title", "renamed"}})
                .status,
            403);
  EXPECT_EQ(Change("police-viewer", id,
                   {{"type", "update_task"}, {"task_id", task_id}, {"status", "done"}})
                .status,
            403);

  // Comments and an acknowledgement from the police.
  auto comment = Call("police-liaison", "POST", "/api/v1/incidents/" + id + "/comments",
                      json::serialize(json::object{{"text", "Case opened at the cyber unit."}}));
  ASSERT_EQ(comment.status, 201) << comment.body;
  auto ack = Change("police-liaison", id, {{"type", "acknowledge"}});
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_FALSE(Parse(ack).at("participants").at(0).at("acknowledged").is_null());
  EXPECT_EQ(Change("cec-analyst", id, {{"type", "acknowledge"}}).status, 403);

  // The early warning went out: its clock is met.
  auto met = Change("cec-analyst", id, {{"type", "milestone"}, {"milestone", "early-warning"}});
  ASSERT_EQ(met.status, 200) << met.body;
  EXPECT_EQ(Parse(met).at("clocks").at(0).at("state").as_string(), "met");

  // Evidence: stored byte for byte (NULs and all), hashed at acquisition,
  // every download on the custody log, verified on the way out.
  std::string bytes = "GET / HTTP/1.1\r\n";
  bytes.push_back('\0');
  bytes += std::string(100'000, 'x');
  auto up = Call("cec-analyst", "POST",
                 "/api/v1/incidents/" + id +
                     "/evidence?file_name=access%20log.txt&description=edge%20logs&reason=seized",
                 bytes, "text/plain");
  ASSERT_EQ(up.status, 201) << up.body;
  auto ev = Parse(up).as_object();
  EXPECT_EQ(ev.at("sha256").as_string(), Sha256Hex(bytes));
  EXPECT_EQ(ev.at("size").as_int64(), static_cast<int64_t>(bytes.size()));
  const std::string eid(ev.at("id").as_string());
  auto down = Call("police-liaison", "GET",
                   "/api/v1/incidents/" + id + "/evidence/" + eid + "?reason=analysis");
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, bytes);
  EXPECT_EQ(down.Header("x-content-sha256"), Sha256Hex(bytes));
  EXPECT_NE(down.Header("content-disposition").find("access_log.txt"), std::string::npos);
  EXPECT_EQ(Call("cec-viewer", "GET", "/api/v1/incidents/" + id + "/evidence/" + eid).status, 403);
  EXPECT_EQ(
      Call("cec-analyst", "POST",
           "/api/v1/incidents/" + id + "/evidence?file_name=..%2Fetc%2Fpasswd", "x", "text/plain")
          .status,
      400);
  auto custody = Parse(Call("cec-analyst", "GET", "/api/v1/incidents/" + id + "/custody"));
  const auto& centries = custody.at("items").as_array();
  ASSERT_EQ(centries.size(), 2u) << json::serialize(custody);
  EXPECT_EQ(centries[0].at("action").as_string(), "evidence.acquire");
  EXPECT_EQ(centries[0].at("detail").at("sha256").as_string(), Sha256Hex(bytes));
  EXPECT_EQ(centries[1].at("action").as_string(), "evidence.download");
  EXPECT_EQ(centries[1].at("actor").as_string(), "police-liaison");
  EXPECT_EQ(centries[1].at("detail").at("reason").as_string(), "analysis");
  EXPECT_EQ(centries[1].at("prev_hash").as_string(), centries[0].at("hash").as_string());

  // The timeline holds every change, in a gapless hash chain.
  auto timeline = Parse(Call("cec-viewer", "GET", "/api/v1/incidents/" + id + "/timeline"));
  std::vector<std::string> actions;
  std::string prev(64, '0');
  int64_t seq = 0;
  for (const auto& e : timeline.at("items").as_array()) {
    actions.emplace_back(e.at("action").as_string());
    EXPECT_EQ(e.at("seq").as_int64(), ++seq);
    EXPECT_EQ(e.at("prev_hash").as_string(), prev);
    prev = std::string(e.at("hash").as_string());
  }
  EXPECT_EQ(timeline.at("head").at("hash").as_string(), prev);
  for (const char* a :
       {"incident.report", "task.add", "participant.add", "incident.status", "incident.assign",
        "task.update", "comment", "participant.ack", "incident.milestone", "evidence.add"}) {
    EXPECT_NE(std::find(actions.begin(), actions.end(), a), actions.end()) << a;
  }

  // STIX export: a valid bundle with the incident; importing it again
  // would clash with the case on the hub.
  auto stix = Call("police-liaison", "GET", "/api/v1/incidents/" + id + "/stix");
  ASSERT_EQ(stix.status, 200) << stix.body;
  TempDir out;
  WriteFile(out.File("case.json"), stix.body);
  auto valid = ecrn::testing::Run({EcrnBin(), "stix", "validate", out.File("case.json")});
  EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
  EXPECT_NE(stix.body.find(id), std::string::npos);
  EXPECT_EQ(
      Call("other-analyst", "POST", "/api/v1/incidents/import", stix.body, "application/stix+json")
          .status,
      409);

  // Lists and filters.
  auto mine = Parse(Call("police-liaison", "GET", "/api/v1/incidents?status=triaged"));
  bool listed = false;
  for (const auto& item : mine.at("items").as_array()) {
    listed |= item.at("stix_id").as_string() == id;
    EXPECT_EQ(item.at("status").as_string(), "triaged");
  }
  EXPECT_TRUE(listed);
  EXPECT_EQ(Call("cec-analyst", "GET", "/api/v1/incidents?colour=red").status, 400);
}

TEST_F(IncidentFlowTest, OrganisationsThatTakeNoPartSeeNothingOnAnyPath) {
  auto view = NewCase("Staff mailbox compromise", "compromised-staff-account");
  const std::string id(view.at("stix_id").as_string());
  const std::string num = std::to_string(view.at("id").as_int64());
  ASSERT_EQ(Invite(id, "CERT", "national-cert").status, 200);
  auto up = Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/evidence?file_name=mail.eml",
                 "From: attacker@example.org\r\n\r\nhello", "message/rfc822");
  ASSERT_EQ(up.status, 201) << up.body;
  const std::string eid(Parse(up).at("id").as_string());

  // A second case the CERT does not take part in.
  auto other = NewCase("Defaced regional page", "website-defacement");
  const std::string other_id(other.at("stix_id").as_string());

  const std::vector<std::string> reads = {
      "/api/v1/incidents/" + id,
      "/api/v1/incidents/" + num,
      "/api/v1/incidents/" + id + "/timeline",
      "/api/v1/incidents/" + id + "/custody",
      "/api/v1/incidents/" + id + "/evidence",
      "/api/v1/incidents/" + id + "/evidence/" + eid,
      "/api/v1/incidents/" + id + "/stix",
  };
  for (const std::string user : {"other-analyst", "other-admin", "police-liaison"}) {
    for (const auto& target : reads) {
      auto r = Call(user, "GET", target);
      EXPECT_EQ(r.status, 404) << user << " " << target << " " << r.body;
      EXPECT_EQ(r.body.find("Staff mailbox"), std::string::npos);
    }
    auto list = Call(user, "GET", "/api/v1/incidents?limit=500&q=Staff");
    EXPECT_EQ(list.body.find(id), std::string::npos) << user;
    EXPECT_EQ(Change(user, id, {{"type", "acknowledge"}}).status, 404) << user;
    EXPECT_EQ(Call(user, "POST", "/api/v1/incidents/" + id + "/comments",
                   json::serialize(json::object{{"text", "probe"}}))
                  .status,
              404)
        << user;
    EXPECT_EQ(
        Call(user, "POST", "/api/v1/incidents/" + id + "/evidence?file_name=x", "x", "text/plain")
            .status,
        404)
        << user;
  }
  // The CERT sees the case it takes part in, and nothing of the other one.
  EXPECT_EQ(Call("cert-analyst", "GET", "/api/v1/incidents/" + id).status, 200);
  EXPECT_EQ(Call("cert-analyst", "GET", "/api/v1/incidents/" + other_id).status, 404);
  auto list = Call("cert-analyst", "GET", "/api/v1/incidents?limit=500");
  EXPECT_NE(list.body.find(id), std::string::npos);
  EXPECT_EQ(list.body.find(other_id), std::string::npos);
  // Marking another case as a duplicate of one the caller cannot see is
  // the same 404 as for a case that does not exist.
  auto dup = Change("cec-analyst", other_id,
                    {{"type", "status"},
                     {"status", "duplicate"},
                     {"duplicate_of", "incident--00000000-0000-4000-8000-000000000000"}});
  EXPECT_EQ(dup.status, 404) << dup.body;
}

TEST_F(IncidentFlowTest, ACrimeReportPackageReachesThePoliceAndIsAcknowledged) {
  auto view = NewCase("Voter data offered for sale", "voter-data-leak");
  const std::string id(view.at("stix_id").as_string());
  ASSERT_EQ(Invite(id, "Police", "police").status, 200);
  ASSERT_EQ(Invite(id, "CERT", "national-cert").status, 200);
  const std::string bytes = "forum post screenshot bytes \x01\x02";
  ASSERT_EQ(Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/evidence?file_name=post.png",
                 bytes, "image/png")
                .status,
            201);

  // Only to an organisation taking part as police or prosecutor.
  EXPECT_EQ(Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/packages",
                 json::serialize(json::object{{"recipient", "CERT"}}))
                .status,
            400);
  EXPECT_EQ(Call("police-liaison", "POST", "/api/v1/incidents/" + id + "/packages",
                 json::serialize(json::object{{"recipient", "Police"}}))
                .status,
            403);
  auto made = Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/packages",
                   json::serialize(json::object{{"recipient", "Police"}}));
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string pid(Parse(made).at("id").as_string());

  // The police liaison sees it waiting, with a notification.
  auto waiting = Parse(Call("police-liaison", "GET", "/api/v1/packages?acknowledged=false"));
  bool found = false;
  for (const auto& p : waiting.at("items").as_array()) found |= p.at("id").as_string() == pid;
  EXPECT_TRUE(found) << json::serialize(waiting);
  auto inbox = Call("police-liaison", "GET", "/api/v1/notifications?unread=true");
  EXPECT_NE(inbox.body.find("package.received"), std::string::npos) << inbox.body;
  // Not the CERT, not a police viewer, not another organisation.
  for (const std::string user : {"cert-analyst", "police-viewer", "other-analyst"}) {
    EXPECT_EQ(Call(user, "GET", "/api/v1/packages/" + pid).status, 404) << user;
    EXPECT_EQ(Call(user, "POST", "/api/v1/packages/" + pid + "/acknowledge").status, 404) << user;
    EXPECT_EQ(Call(user, "GET", "/api/v1/packages").body.find(pid), std::string::npos) << user;
  }

  // Downloaded, it verifies offline against the hub's pinned key.
  auto zip = Call("police-liaison", "GET", "/api/v1/packages/" + pid);
  ASSERT_EQ(zip.status, 200);
  EXPECT_EQ(zip.Header("x-content-sha256"), Sha256Hex(zip.body));
  auto key = Parse(Call("police-liaison", "GET", "/api/v1/packages/key"));
  TempDir out;
  WriteFile(out.File("package.zip"), zip.body);
  auto ok = ecrn::testing::Run({EcrnBin(), "evidence", "verify", out.File("package.zip"), "--key",
                                std::string(key.at("public_key").as_string())});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  std::string tampered = zip.body;
  const size_t at = tampered.size() / 2;  // inside some entry's data
  tampered[at] = static_cast<char>(tampered[at] ^ 0x20);
  WriteFile(out.File("tampered.zip"), tampered);
  auto bad = ecrn::testing::Run({EcrnBin(), "evidence", "verify", out.File("tampered.zip")});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;

  // Acknowledged once, on the case's timeline; the sender is told.
  auto ack = Call("police-liaison", "POST", "/api/v1/packages/" + pid + "/acknowledge");
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_FALSE(Parse(ack).at("acknowledged").is_null());
  EXPECT_EQ(Parse(ack).at("created_by").as_string(), "cec-analyst") << ack.body;
  // Both sides see who sent it and who acknowledged it by name.
  for (const auto& [user, query] : std::vector<std::pair<std::string, std::string>>{
           {"cec-analyst", "?incident=" + id}, {"police-liaison", ""}}) {
    auto list = Parse(Call(user, "GET", "/api/v1/packages" + query));
    bool seen = false;
    for (const auto& p : list.at("items").as_array()) {
      if (p.at("id").as_string() != pid) continue;
      seen = true;
      EXPECT_EQ(p.at("created_by").as_string(), "cec-analyst") << user;
      EXPECT_EQ(p.at("acknowledged_by").as_string(), "police-liaison") << user;
    }
    EXPECT_TRUE(seen) << user << " " << json::serialize(list);
  }
  EXPECT_EQ(Call("police-liaison", "POST", "/api/v1/packages/" + pid + "/acknowledge").status, 409);
  auto timeline = Call("cec-analyst", "GET", "/api/v1/incidents/" + id + "/timeline");
  EXPECT_NE(timeline.body.find("package.acknowledge"), std::string::npos);
  EXPECT_NE(timeline.body.find("package.create"), std::string::npos);
  auto custody = Call("cec-analyst", "GET", "/api/v1/incidents/" + id + "/custody");
  EXPECT_NE(custody.body.find("evidence.export"), std::string::npos);
  EXPECT_NE(custody.body.find("package.download"), std::string::npos);
  EXPECT_NE(Call("cec-analyst", "GET", "/api/v1/notifications").body.find("package.acknowledged"),
            std::string::npos);
}

TEST_F(IncidentFlowTest, AWebhookOfTheRecipientIsCalledSignedWhenAPackageArrives) {
  HttpReceiver receiver;
  auto hook = Call("police-admin", "POST", "/api/v1/webhooks",
                   json::serialize(json::object{{"url", receiver.Url("/ecrn")},
                                                {"events", json::array{"package.received"}}}));
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string secret(Parse(hook).at("secret").as_string());
  EXPECT_EQ(Call("police-liaison", "POST", "/api/v1/webhooks",
                 json::serialize(json::object{{"url", receiver.Url("/x")}}))
                .status,
            403);
  EXPECT_EQ(Call("police-admin", "POST", "/api/v1/webhooks",
                 json::serialize(json::object{{"url", "ftp://example.org/"}}))
                .status,
            400);

  auto view = NewCase("Deepfake of the chairperson", "deepfake-impersonation");
  const std::string id(view.at("stix_id").as_string());
  ASSERT_EQ(Invite(id, "Police", "prosecutor").status, 200);
  auto made = Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/packages",
                   json::serialize(json::object{{"recipient", "Police"}}));
  ASSERT_EQ(made.status, 201) << made.body;

  // The hub's dispatcher delivers it (it polls the queue every 2 s).
  std::vector<ReceivedRequest> got;
  for (int i = 0; i < 300 && got.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    got = receiver.requests();
  }
  ASSERT_EQ(got.size(), 1u) << server_->process.Stderr();
  const auto& r = got[0];
  EXPECT_EQ(r.Header("x-ecrn-event"), "package.received");
  EXPECT_NE(r.body.find(id), std::string::npos) << r.body;
  auto verified = notify::VerifyWebhookSignature(secret, r.Header("x-ecrn-timestamp"), r.body,
                                                 r.Header("x-ecrn-signature"), SystemClock().Now());
  EXPECT_TRUE(verified.ok()) << verified.error().ToString();
  EXPECT_FALSE(notify::VerifyWebhookSignature("wrong", r.Header("x-ecrn-timestamp"), r.body,
                                              r.Header("x-ecrn-signature"), SystemClock().Now())
                   .ok());
}

TEST_F(IncidentFlowTest, SanitisedIndicatorsAndARequestForAssistanceLeaveTheCaseBehind) {
  // A private indicator whose description names a member of staff.
  json::object indicator{{"type", "indicator"},
                         {"spec_version", "2.1"},
                         {"id", "indicator--6d3c1a2b-4e5f-4a6b-9c7d-8e9f0a1b2c3d"},
                         {"created", "2026-05-10T21:20:00.000Z"},
                         {"modified", "2026-05-10T21:20:00.000Z"},
                         {"name", "Sender seen by the chairperson's assistant"},
                         {"description", "Mailed to m.ivanova@cec.example; internal ticket 5512."},
                         {"indicator_types", json::array{"malicious-activity"}},
                         {"pattern", "[email-addr:value = 'results@cec-verify.example']"},
                         {"pattern_type", "stix"},
                         {"valid_from", "2026-05-10T21:20:00Z"}};
  const std::string original(indicator.at("id").as_string());
  auto submitted = Call("cec-analyst", "POST", "/api/v1/objects",
                        json::serialize(json::object{{"channel", private_channel_},
                                                     {"objects", json::array{indicator}}}));
  ASSERT_EQ(submitted.status, 201) << submitted.body;

  const auto view = NewCase("Phishing of the chairperson's office");
  const std::string id(view.at("stix_id").as_string());
  const std::string title(view.at("title").as_string());
  auto publish = [&](const std::string& user, const json::object& body) {
    return Call(user, "POST", "/api/v1/incidents/" + id + "/publish", json::serialize(body));
  };
  const json::object request{
      {"channel", network_channel_},
      {"indicators", json::array{json::object{{"id", original}, {"name", "Fake results sender"}}}},
      {"tlp", "green"}};
  // Only what is linked to the case can leave it.
  auto unlinked = publish("cec-analyst", request);
  EXPECT_EQ(unlinked.status, 400) << unlinked.body;
  EXPECT_NE(unlinked.body.find("not linked"), std::string::npos) << unlinked.body;
  auto linked =
      Change("cec-analyst", id, {{"type", "link"}, {"object_id", original}, {"kind", "indicator"}});
  ASSERT_EQ(linked.status, 200) << linked.body;

  // Viewers and organisations outside the case cannot publish from it.
  EXPECT_EQ(publish("cec-viewer", request).status, 403);
  EXPECT_EQ(publish("cert-analyst", request).status, 404);
  json::object hidden_channel = request;
  hidden_channel["channel"] = private_channel_ + network_channel_ + 100;
  EXPECT_EQ(publish("cec-analyst", hidden_channel).status, 404);

  auto published = publish("cec-analyst", request);
  ASSERT_EQ(published.status, 201) << published.body;
  const auto results = Parse(published);
  const auto& result = results.at("results").at(0).as_object();
  EXPECT_EQ(result.at("status").as_string(), "added") << published.body;
  EXPECT_EQ(result.at("from").as_string(), original);
  const std::string copy_id(result.at("id").as_string());
  EXPECT_NE(copy_id, original);

  // The CERT reads the copy in the network channel: the pattern, the new
  // name, none of the case's words; not the original, not the case.
  auto copy = Call("cert-analyst", "GET", "/api/v1/objects/" + copy_id);
  ASSERT_EQ(copy.status, 200) << copy.body;
  EXPECT_NE(copy.body.find("results@cec-verify.example"), std::string::npos);
  EXPECT_NE(copy.body.find("Fake results sender"), std::string::npos);
  EXPECT_EQ(Parse(copy).at("tlp").as_string(), "green");
  for (const std::string& secret :
       {std::string("ivanova"), std::string("5512"), std::string("chairperson"), id, title}) {
    EXPECT_EQ(copy.body.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(Call("cert-analyst", "GET", "/api/v1/objects/" + original).status, 404);
  EXPECT_EQ(Call("cert-analyst", "GET", "/api/v1/incidents/" + id).status, 404);

  // A request for assistance: a note in the channel with the request's own
  // words and the case's vocabulary, nothing else.
  auto ask = [&](const json::object& body) {
    return Call("cec-analyst", "POST", "/api/v1/incidents/" + id + "/assistance",
                json::serialize(body));
  };
  auto no_needs = ask({{"channel", network_channel_}, {"summary", "Phishing wave"}});
  EXPECT_EQ(no_needs.status, 400);
  EXPECT_NE(no_needs.body.find("needs"), std::string::npos) << no_needs.body;
  auto asked = ask({{"channel", network_channel_},
                    {"summary", "A phishing wave imitates our results verification."},
                    {"needs", "Takedown contacts for the sending domain's registrar."}});
  ASSERT_EQ(asked.status, 201) << asked.body;
  const std::string note_id(Parse(asked).at("id").as_string());
  ASSERT_EQ(note_id.rfind("note--", 0), 0u) << asked.body;
  auto note = Call("cert-analyst", "GET", "/api/v1/objects/" + note_id);
  ASSERT_EQ(note.status, 200) << note.body;
  EXPECT_NE(note.body.find("Request for assistance: A phishing wave"), std::string::npos);
  EXPECT_NE(note.body.find("Takedown contacts"), std::string::npos);
  EXPECT_NE(note.body.find("request-for-assistance"), std::string::npos);
  EXPECT_EQ(note.body.find(title), std::string::npos);
  EXPECT_EQ(note.body.find(id), std::string::npos);

  // The case's timeline says what left it, and where to.
  auto timeline = Parse(Call("cec-analyst", "GET", "/api/v1/incidents/" + id + "/timeline"));
  std::map<std::string, json::object> by_action;
  for (const auto& e : timeline.at("items").as_array()) {
    by_action[std::string(e.at("action").as_string())] = e.as_object();
  }
  ASSERT_TRUE(by_action.count("intel.publish")) << json::serialize(timeline);
  EXPECT_EQ(by_action["intel.publish"].at("detail").at("objects").at(0).at("id").as_string(),
            copy_id);
  EXPECT_EQ(by_action["intel.publish"].at("detail").at("channel").at("name").as_string(),
            "network");
  ASSERT_TRUE(by_action.count("assistance.request"));
  EXPECT_EQ(by_action["assistance.request"].at("detail").at("objects").at(0).at("id").as_string(),
            note_id);
}

}  // namespace
}  // namespace ecrn::testing
