// `ecrn demo seed` (the network `make run` shows) driven through the real
// binary: a second run adds nothing; the network has a coordinator, members
// of several kinds in three countries, the four kinds of channel, a user for
// every role and 200+ valid STIX objects of the required types at every TLP
// level; and `ecrn serve` then answers TAXII for a demo user.
#include <chrono>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/http_client.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

// The TLP 2.0 marking-definition ids (published by FIRST).
const std::map<std::string, std::string> kTlpByMarking = {
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red"},
};
const char* const kChannels[] = {"Region: Northern Exemplar", "Global disinformation",
                                 "Testland coordination cell", "CERT-Testland private"};

class Demo : public ::testing::Test {
 protected:
  RunResult Ecrn(std::vector<std::string> args) {
    args.insert(args.begin(), EcrnBin());
    args.push_back("--db");
    args.push_back(db_);
    return ecrn::testing::Run(args);
  }
  std::string Ok(std::vector<std::string> args) {
    auto r = Ecrn(std::move(args));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // Tab-separated rows of a `list` command.
  static std::vector<std::vector<std::string>> Rows(const std::string& out) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      std::vector<std::string> cells;
      std::istringstream fields(line);
      for (std::string cell; std::getline(fields, cell, '\t');) cells.push_back(cell);
      rows.push_back(cells);
    }
    return rows;
  }
  // Everything a run could change, as the operator commands show it.
  std::string Snapshot() {
    std::string s = Ok({"org", "list"}) + Ok({"user", "list"}) + Ok({"channel", "list"});
    for (const char* c : kChannels) {
      // The bundle id is random per export; the objects are what count.
      auto v = json::parse(Ok({"export", "--channel", c, "--all-versions"}));
      s += json::serialize(v.as_object().at("objects"));
    }
    return s;
  }

  TempDir dir_;
  std::string db_ = dir_.File("demo.db");
};

TEST_F(Demo, SeedTwiceAddsNothingTheSecondTime) {
  auto first = Ecrn({"demo", "seed"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("0 already present, 0 rejected"));
  EXPECT_THAT(first.out, HasSubstr("FOR THE DEMO ONLY"));
  EXPECT_THAT(first.out, HasSubstr("password of every demo user: ecrn-demo-only"));
  EXPECT_THAT(first.out, HasSubstr("otpauth://totp/ECRN:demo-netadmin?secret="));
  std::string before = Snapshot();

  auto second = Ecrn({"demo", "seed"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, HasSubstr("(0 new), users: 14 (0 new), channels: 4 (0 new)"));
  EXPECT_THAT(second.out, HasSubstr("objects: 0 added, "));
  EXPECT_EQ(Snapshot(), before);
  // The logins are printed on every run, the TOTP secret unchanged.
  auto secret = [](const std::string& out) {
    std::smatch m;
    std::regex_search(out, m, std::regex("secret: ([A-Z2-7]+)"));
    return m.size() > 1 ? m[1].str() : std::string();
  };
  // The fixed demo secret the README gives.
  EXPECT_EQ(secret(first.out), "IVBVETRNMRSW23ZNKRHVIUBNONSWKZBB");
  EXPECT_THAT(first.out, HasSubstr("otpauth://totp/ECRN:demo-netadmin?secret="
                                   "IVBVETRNMRSW23ZNKRHVIUBNONSWKZBB&issuer=ECRN"));
  EXPECT_EQ(secret(second.out), secret(first.out));
  EXPECT_THAT(second.out, HasSubstr("tl-police-liaison"));
}

TEST_F(Demo, NetworkHasEveryKindRoleChannelTypeAndTlpLevel) {
  auto seed = Ecrn({"demo", "seed"});
  ASSERT_EQ(seed.exit_code, 0) << seed.err;

  std::set<std::string> kinds, countries, identities;
  std::map<std::string, std::string> org_kind_by_id;
  auto orgs = Rows(Ok({"org", "list"}));
  EXPECT_GE(orgs.size(), 7u);
  for (const auto& o : orgs) {
    ASSERT_EQ(o.size(), 6u);
    kinds.insert(o[2]);
    countries.insert(o[3]);
    identities.insert(o[5]);
    org_kind_by_id[o[0]] = o[2];
  }
  EXPECT_TRUE(kinds.count("coordinator"));
  EXPECT_GE(kinds.size(), 5u) << "members of different kinds";
  EXPECT_GE(countries.size(), 3u);

  std::set<std::string> roles;
  for (const auto& u : Rows(Ok({"user", "list"}))) {
    ASSERT_GE(u.size(), 4u);
    roles.insert(u[2]);
    if (u[2] == "network-admin") {
      EXPECT_EQ(org_kind_by_id[u[3]], "coordinator") << u[1];
    }
  }
  EXPECT_THAT(roles,
              UnorderedElementsAre("network-admin", "org-admin", "analyst", "liaison", "viewer"));

  std::set<std::string> channel_names;
  for (const auto& c : Rows(Ok({"channel", "list"}))) channel_names.insert(c.at(1));
  for (const char* c : kChannels) EXPECT_TRUE(channel_names.count(c)) << c;

  size_t total = 0;
  std::set<std::string> types, tlps;
  std::map<std::string, std::set<std::string>> tlps_by_channel;
  for (const char* c : kChannels) {
    std::string bundle = Ok({"export", "--channel", c});
    std::string file = dir_.File(std::string("export-") + std::to_string(total) + ".json");
    WriteFile(file, bundle);
    // Every stored object passes the STIX validator.
    auto valid = ecrn::testing::Run({EcrnBin(), "stix", "validate", file});
    EXPECT_EQ(valid.exit_code, 0) << c << ": " << valid.out << valid.err;
    const json::value parsed = json::parse(bundle);
    const auto& objects = parsed.as_object().at("objects").as_array();
    EXPECT_FALSE(objects.empty()) << c;
    total += objects.size();
    for (const auto& v : objects) {
      const auto& o = v.as_object();
      std::string type(o.at("type").as_string());
      types.insert(type);
      // Every object is one of the member organisations'.
      EXPECT_TRUE(identities.count(std::string(o.at("created_by_ref").as_string()))) << o.at("id");
      const auto& markings = o.at("object_marking_refs").as_array();
      ASSERT_EQ(markings.size(), 1u);
      std::string tlp = kTlpByMarking.at(std::string(markings[0].as_string()));
      tlps.insert(tlp);
      tlps_by_channel[c].insert(tlp);
      if (type == "sighting") {
        EXPECT_GE(o.at("count").as_int64(), 1);
        const auto& where = o.at("where_sighted_refs").as_array();
        ASSERT_EQ(where.size(), 1u);
        EXPECT_TRUE(identities.count(std::string(where[0].as_string())));
        EXPECT_EQ(where[0], o.at("created_by_ref")) << "sighted by the organisation itself";
      }
      if (type == "indicator") {
        EXPECT_EQ(o.at("pattern_type"), "stix");
        EXPECT_EQ(o.at("pattern").as_string().front(), '[');
      }
      if (type == "note" || type == "report") {
        EXPECT_FALSE(o.at("object_refs").as_array().empty());
      }
    }
  }
  EXPECT_GE(total, 200u);
  for (const char* t : {"identity", "indicator", "malware", "threat-actor", "campaign",
                        "attack-pattern", "report", "note", "sighting", "relationship"}) {
    EXPECT_TRUE(types.count(t)) << t;
  }
  EXPECT_THAT(tlps, UnorderedElementsAre("clear", "green", "amber", "amber+strict", "red"));
  EXPECT_TRUE(tlps_by_channel["Testland coordination cell"].count("red"));
  EXPECT_TRUE(tlps_by_channel["CERT-Testland private"].count("red"));
}

TEST_F(Demo, ExistingUserOfAnotherOrganisationIsRefusedClearly) {
  ASSERT_EQ(
      Ecrn({"org", "add", "--name", "Elsewhere", "--kind", "cert", "--country", "XQ"}).exit_code,
      0);
  auto add = ecrn::testing::Run({EcrnBin(), "user", "add", "--org", "Elsewhere", "--username",
                                 "hub-analyst", "--role", "analyst", "--db", db_},
                                "", {"ECRN_PASSWORD=not-the-demo-one"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto seed = Ecrn({"demo", "seed"});
  EXPECT_EQ(seed.exit_code, 1);
  EXPECT_THAT(seed.err, HasSubstr("user 'hub-analyst' already exists in another organisation"));
}

TEST_F(Demo, ServeAnswersTaxiiForADemoUser) {
  auto seed = Ecrn({"demo", "seed"});
  ASSERT_EQ(seed.exit_code, 0) << seed.err;
  std::string key = Ok({"apikey", "create", "--user", "xe-fact-analyst"});
  while (!key.empty() && key.back() == '\n') key.pop_back();
  std::string cell_key = Ok({"apikey", "create", "--user", "tl-police-liaison"});
  while (!cell_key.empty() && cell_key.back() == '\n') cell_key.pop_back();

  ChildProcess server({EcrnBin(), "serve", "--db", db_, "--listen", "127.0.0.1:0"});
  std::string line = server.ReadLine(120s).value_or("");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(:(\d+)$)"))) << line << server.Stderr();
  HttpClient client(static_cast<uint16_t>(std::stoi(m[1])));

  auto get = [&](const std::string& k, const std::string& target) {
    auto r = client.Request(
        "GET", target,
        {{"Authorization", "Bearer " + k}, {"Accept", "application/taxii+json;version=2.1"}});
    EXPECT_TRUE(r.has_value()) << target;
    return r.value_or(HttpResponse{});
  };
  auto titles = [&](const std::string& k) {
    auto r = get(k, "/taxii2/ecrn/collections/");
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::string> out;  // title -> id
    auto v = json::parse(r.body).as_object();
    if (const auto* list = v.if_contains("collections")) {
      for (const auto& c : list->as_array()) {
        out[std::string(c.at("title").as_string())] = std::string(c.at("id").as_string());
      }
    }
    return out;
  };
  // The fact-checkers are members of the regional and disinformation channels.
  auto fact = titles(key);
  std::set<std::string> names;
  for (const auto& [t, id] : fact) names.insert(t);
  EXPECT_THAT(names, UnorderedElementsAre("Region: Northern Exemplar", "Global disinformation"));
  // The police are in the regional channel and Testland's coordination cell.
  std::set<std::string> police;
  for (const auto& [t, id] : titles(cell_key)) police.insert(t);
  EXPECT_THAT(police,
              UnorderedElementsAre("Region: Northern Exemplar", "Testland coordination cell"));

  // The disinformation channel's objects are readable over TAXII.
  auto objects =
      get(key, "/taxii2/ecrn/collections/" + fact["Global disinformation"] + "/objects/");
  ASSERT_EQ(objects.status, 200) << objects.body;
  auto envelope = json::parse(objects.body).as_object();
  ASSERT_TRUE(envelope.contains("objects")) << objects.body;
  std::set<std::string> types;
  for (const auto& o : envelope.at("objects").as_array()) {
    types.insert(std::string(o.at("type").as_string()));
  }
  EXPECT_TRUE(types.count("attack-pattern"));
  EXPECT_TRUE(types.count("campaign"));
  EXPECT_TRUE(types.count("sighting"));

  // The police liaison is a named RED recipient of one note in the cell.
  auto cell =
      get(cell_key, "/taxii2/ecrn/collections/" + titles(cell_key)["Testland coordination cell"] +
                        "/objects/?match[type]=note");
  ASSERT_EQ(cell.status, 200) << cell.body;
  std::set<std::string> abstracts;
  const json::value notes = json::parse(cell.body);
  for (const auto& o : notes.as_object().at("objects").as_array()) {
    abstracts.insert(std::string(o.at("abstract").as_string()));
  }
  EXPECT_THAT(abstracts, UnorderedElementsAre("Status for the cell",
                                              "Compromised mailbox of a district election officer"))
      << "RED to named recipients: the CERT's attribution note is not for the police";
}

}  // namespace
}  // namespace ecrn::testing
