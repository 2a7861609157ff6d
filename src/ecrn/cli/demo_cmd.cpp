// `ecrn demo seed`: the demo network `make run` shows. A coordinator hub and
// eight member organisations in three fictional countries, the four kinds of
// channel (regional, global disinformation, country coordination cell,
// organisation-private), a user for every role, and a few hundred fictional
// STIX objects at every TLP level, published through intel::Publish as each
// organisation's own users (so the hub's policy rules hold for them).
// Idempotent: organisations, users and channels are found by name, and every
// object has a fixed id (UUIDv5) and fixed timestamps, so a second run adds
// nothing. All names, domains (.example/.test) and addresses (documentation
// ranges) are made up.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/core/totp.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/intel/publish.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::cli {
namespace {

namespace json = boost::json;
using stix::Tlp;

// The namespace of every demo UUIDv5 (organisation identities and objects).
constexpr std::string_view kDemoNamespace = "5d1e3c2a-7b4f-5e8d-9a60-ec4d3e0de300";
// The fixed, published password of every demo user. Demo only.
constexpr std::string_view kDemoPassword = "ecrn-demo-only";
// The raw bytes of the demo network admin's TOTP secret (20 bytes). Demo only.
constexpr std::string_view kDemoTotpBytes = "ECRN-demo-TOTP-seed!";
// Every object's timestamps count from here (the fictional 2026 election
// season; polling day in Testland is 2026-05-17).
constexpr std::string_view kDemoEpoch = "2026-04-06T07:30:00.000Z";

struct DemoOrg {
  std::string_view key, name, kind, country, region;
};
constexpr std::string_view kRegion = "Northern Exemplar Region";
constexpr DemoOrg kOrgs[] = {
    {"hub", "Exemplar Election Resilience Hub", "coordinator", "XE", kRegion},
    {"tl-cec", "Central Election Commission of Testland", "election-commission", "XT", kRegion},
    {"tl-cert", "CERT-Testland", "cert", "XT", kRegion},
    {"tl-police", "Testland Police Cybercrime Unit", "law-enforcement", "XT", kRegion},
    {"xe-ea", "Examplia Electoral Authority", "election-commission", "XE", kRegion},
    {"xe-fact", "Examplia FactCheck Collective", "civil-society", "XE", kRegion},
    {"xs-ec", "Sampleburg Electoral Commission", "election-commission", "XS", kRegion},
    {"xs-isac", "Sampleburg Elections ISAC", "isac", "XS", kRegion},
    {"nw", "Northwind Secure Hosting", "industry", "XS", kRegion},
};

struct DemoUser {
  std::string_view username, org, role;
};
constexpr std::string_view kNetAdmin = "demo-netadmin";
constexpr DemoUser kUsers[] = {
    {kNetAdmin, "hub", "network-admin"},       {"hub-analyst", "hub", "analyst"},
    {"tl-cec-admin", "tl-cec", "org-admin"},   {"tl-cec-analyst", "tl-cec", "analyst"},
    {"tl-cec-viewer", "tl-cec", "viewer"},     {"tl-cert-admin", "tl-cert", "org-admin"},
    {"tl-cert-analyst", "tl-cert", "analyst"}, {"tl-police-liaison", "tl-police", "liaison"},
    {"xe-ea-analyst", "xe-ea", "analyst"},     {"xe-fact-analyst", "xe-fact", "analyst"},
    {"xs-ec-analyst", "xs-ec", "analyst"},     {"xs-ec-viewer", "xs-ec", "viewer"},
    {"xs-isac-analyst", "xs-isac", "analyst"}, {"nw-analyst", "nw", "analyst"},
};

struct DemoChannel {
  std::string_view name, description, default_tlp;
};
constexpr std::string_view kRegional = "Region: Northern Exemplar";
constexpr std::string_view kDisinfo = "Global disinformation";
constexpr std::string_view kCell = "Testland coordination cell";
constexpr std::string_view kPrivate = "CERT-Testland private";
constexpr DemoChannel kChannels[] = {
    {kRegional,
     "Regional channel: election bodies, CERTs, ISAC, police and partners of Testland, Examplia "
     "and Sampleburg (demo)",
     "amber"},
    {kDisinfo, "Disinformation narratives and DISARM-tagged campaigns about elections (demo)",
     "green"},
    {kCell, "Country coordination cell: Testland's commission, CERT and police (demo)", "amber"},
    {kPrivate, "Organisation-private working channel of CERT-Testland (demo)", "amber+strict"},
};

struct DemoGrant {
  std::string_view channel, org;
  bool read, write;
};
constexpr DemoGrant kGrants[] = {
    {kRegional, "hub", true, true},     {kRegional, "tl-cec", true, true},
    {kRegional, "tl-cert", true, true}, {kRegional, "tl-police", true, false},
    {kRegional, "xe-ea", true, true},   {kRegional, "xe-fact", true, true},
    {kRegional, "xs-ec", true, true},   {kRegional, "xs-isac", true, true},
    {kRegional, "nw", true, true},      {kDisinfo, "hub", true, true},
    {kDisinfo, "tl-cec", true, true},   {kDisinfo, "tl-cert", true, false},
    {kDisinfo, "xe-ea", true, true},    {kDisinfo, "xe-fact", true, true},
    {kDisinfo, "xs-ec", true, true},    {kDisinfo, "xs-isac", true, false},
    {kDisinfo, "nw", true, true},       {kCell, "hub", true, false},
    {kCell, "tl-cec", true, true},      {kCell, "tl-cert", true, true},
    {kCell, "tl-police", true, true},   {kPrivate, "tl-cert", true, true},
};

// One intel::Publish call: objects an organisation's user shares in a channel.
struct Batch {
  std::string org;                          // kOrgs key
  std::string user;                         // submitting username
  std::string channel;                      // channel name
  std::vector<std::string> red_recipients;  // usernames
  std::vector<stix::Object> objects;
};

// Builds the demo's STIX objects (pure: ids and timestamps are fixed).
class DemoIntel {
 public:
  // identities: kOrgs key -> the organisation's STIX identity id.
  explicit DemoIntel(std::map<std::string, std::string, std::less<>> identities)
      : identities_(std::move(identities)) {
    epoch_ = ParseTimestamp(kDemoEpoch)->micros;
  }

  std::vector<Batch> Take() { return std::move(batches_); }

  static std::string Id(std::string_view type, std::string_view key) {
    return std::string(type) + "--" +
           UuidV5(kDemoNamespace, std::string(type) + ":" + std::string(key));
  }
  std::string Identity(std::string_view org) const { return identities_.at(std::string(org)); }

  // Later objects go to a new batch.
  void Begin(std::string_view org, std::string_view user, std::string_view channel,
             std::vector<std::string> red_recipients = {}) {
    batches_.push_back(
        {std::string(org), std::string(user), std::string(channel), std::move(red_recipients), {}});
  }

  // An object of the current batch's organisation: `fields` plus the common
  // properties; created = modified = `hour` hours after the demo epoch.
  std::string Add(std::string_view type, std::string_view key, Tlp tlp, int hour,
                  json::object fields) {
    std::string id = Id(type, key);
    AddWithId(type, id, tlp, hour, std::move(fields));
    return id;
  }

  std::string At(int hour) const {
    return FormatTimestamp(epoch_ + static_cast<Micros>(hour) * 3'600'000'000LL, 3);
  }

  // The organisation's own identity object.
  void IdentityObject(std::string_view name, std::string_view description,
                      std::initializer_list<std::string_view> sectors) {
    json::array s;
    for (auto x : sectors) s.emplace_back(x);
    json::object f{{"name", name},
                   {"description", description},
                   {"identity_class", "organization"},
                   {"sectors", std::move(s)}};
    AddWithId("identity", Identity(batches_.back().org), Tlp::kClear, 0, std::move(f));
  }

  // A campaign first seen `first_seen_hour` hours after the epoch.
  std::string Campaign(std::string_view name, std::string_view description, Tlp tlp, int hour,
                       int first_seen_hour, std::string_view objective = {}) {
    json::object f{
        {"name", name}, {"description", description}, {"first_seen", At(first_seen_hour)}};
    if (!objective.empty()) f["objective"] = objective;
    return Add("campaign", name, tlp, hour, std::move(f));
  }

  std::string Rel(std::string_view type, const std::string& source, const std::string& target,
                  Tlp tlp, int hour) {
    return Add("relationship", source + " " + std::string(type) + " " + target, tlp, hour,
               {{"relationship_type", type}, {"source_ref", source}, {"target_ref", target}});
  }

  // An indicator with its "indicates" relationship to `indicates`.
  std::string Indicator(std::string_view key, std::string_view name, std::string_view description,
                        std::string_view pattern, std::string_view indicator_type, Tlp tlp,
                        int hour, const std::string& indicates) {
    std::string id = Add("indicator", key, tlp, hour,
                         {{"name", name},
                          {"description", description},
                          {"indicator_types", json::array{indicator_type}},
                          {"pattern", pattern},
                          {"pattern_type", "stix"},
                          {"pattern_version", "2.1"},
                          {"valid_from", At(hour)}});
    Rel("indicates", id, indicates, tlp, hour);
    return id;
  }

  // What a run of sightings looks like: the i-th (from 0) is seen `count +
  // i * count_step` times between `first_hour + i * hour_step` and
  // `last_hour + i * hour_step`.
  struct SightingPlan {
    int count = 1, count_step = 0;
    int first_hour = 0, last_hour = 0, hour_step = 0;
    Tlp tlp = Tlp::kAmber;
    std::string_view description;
  };

  // Sightings by the current batch's organisation (where_sighted_refs: its
  // identity) of of[from] .. of[to - 1]; returns their ids.
  std::vector<std::string> Sightings(const std::vector<std::string>& of, size_t from, size_t to,
                                     const SightingPlan& plan) {
    const std::string& org = batches_.back().org;
    std::vector<std::string> ids;
    for (size_t n = from; n < to; ++n) {
      const int i = static_cast<int>(n - from);
      const int shift = i * plan.hour_step;
      ids.push_back(Add("sighting", org + " saw " + of[n] + " in " + batches_.back().channel,
                        plan.tlp, plan.last_hour + shift,
                        {{"sighting_of_ref", of[n]},
                         {"count", plan.count + i * plan.count_step},
                         {"first_seen", At(plan.first_hour + shift)},
                         {"last_seen", At(plan.last_hour + shift)},
                         {"where_sighted_refs", json::array{Identity(org)}},
                         {"description", plan.description}}));
    }
    return ids;
  }

  std::string Note(std::string_view key, std::string_view abstract, std::string_view content,
                   std::initializer_list<std::string> refs, Tlp tlp, int hour) {
    return Add("note", key, tlp, hour,
               {{"abstract", abstract}, {"content", content}, {"object_refs", Refs(refs)}});
  }

  std::string Report(std::string_view key, std::string_view name, std::string_view description,
                     std::string_view report_type, const std::vector<std::string>& refs, Tlp tlp,
                     int hour) {
    json::array r;
    for (const auto& x : refs) r.emplace_back(x);
    return Add("report", key, tlp, hour,
               {{"name", name},
                {"description", description},
                {"report_types", json::array{report_type}},
                {"published", At(hour)},
                {"object_refs", std::move(r)}});
  }

  // ATT&CK-style or DISARM attack patterns carry their framework's id.
  std::string AttackPattern(std::string_view framework, std::string_view external_id,
                            std::string_view name, std::string_view phase,
                            std::string_view description) {
    const bool disarm = framework == "DISARM";
    return Add("attack-pattern", std::string(framework) + ":" + std::string(external_id),
               Tlp::kClear, 1,
               {{"name", name},
                {"description", description},
                {"kill_chain_phases",
                 json::array{json::object{{"kill_chain_name", disarm ? "disarm" : "mitre-attack"},
                                          {"phase_name", phase}}}},
                {"external_references",
                 json::array{json::object{{"source_name", disarm ? "DISARM" : "mitre-attack"},
                                          {"external_id", external_id}}}}});
  }

  // A fixed fictional SHA-256 value derived from `key`.
  static std::string FakeSha256(std::string_view key) {
    std::string hex = UuidV5(kDemoNamespace, "sha256-a:" + std::string(key)) +
                      UuidV5(kDemoNamespace, "sha256-b:" + std::string(key));
    hex.erase(std::remove(hex.begin(), hex.end(), '-'), hex.end());
    return hex;
  }

 private:
  static json::array Refs(std::initializer_list<std::string> refs) {
    json::array r;
    for (const auto& x : refs) r.emplace_back(x);
    return r;
  }

  void AddWithId(std::string_view type, const std::string& id, Tlp tlp, int hour,
                 json::object fields) {
    json::object o{{"type", type},
                   {"spec_version", "2.1"},
                   {"id", id},
                   {"created", At(hour)},
                   {"modified", At(hour)},
                   {"created_by_ref", Identity(batches_.back().org)},
                   {"object_marking_refs", json::array{stix::TlpMarkingId(tlp)}}};
    for (auto& kv : fields) o[kv.key()] = std::move(kv.value());
    batches_.back().objects.emplace_back(std::move(o));
  }

  std::map<std::string, std::string, std::less<>> identities_;
  Micros epoch_ = 0;
  std::vector<Batch> batches_;
};

// --- the demo's story ---------------------------------------------------------

struct Actors {
  std::string grey_heron, ballot_phantoms, fenwick;
  std::string phishing_link, phishing_attachment, credential_stuffing, network_dos, defacement,
      valid_accounts, web_shell;
  std::string narratives, conspiracy, reframe, bots, fake_news, cheap_fakes, trolls, seo;
};

void Identities(DemoIntel& d) {
  struct Text {
    std::string_view org, user, description;
    std::initializer_list<std::string_view> sectors;
  };
  const Text texts[] = {
      {"hub",
       "hub-analyst",
       "Fictional coordinator of the demo network: vets members, runs channels and exercises",
       {"non-profit"}},
      {"tl-cec",
       "tl-cec-analyst",
       "Fictional national election management body of Testland",
       {"government-national"}},
      {"tl-cert",
       "tl-cert-analyst",
       "Fictional national CERT of Testland",
       {"government-national"}},
      {"xe-ea",
       "xe-ea-analyst",
       "Fictional election management body of Examplia",
       {"government-national"}},
      {"xe-fact", "xe-fact-analyst", "Fictional fact-checking network in Examplia", {"non-profit"}},
      {"xs-ec",
       "xs-ec-analyst",
       "Fictional election commission of Sampleburg",
       {"government-national"}},
      {"xs-isac",
       "xs-isac-analyst",
       "Fictional ISAC of Sampleburg's election suppliers",
       {"non-profit"}},
      {"nw",
       "nw-analyst",
       "Fictional hosting provider of several results websites",
       {"technology"}},
  };
  // In every channel the organisation shares in.
  for (const auto& t : texts) {
    auto org = std::find_if(std::begin(kOrgs), std::end(kOrgs),
                            [&](const DemoOrg& o) { return o.key == t.org; });
    for (const auto& g : kGrants) {
      if (g.org != t.org || !g.write) continue;
      d.Begin(t.org, t.user, g.channel);
      d.IdentityObject(org->name, t.description, t.sectors);
    }
  }
}

// The hub: threat actor profiles, the ATT&CK-style techniques and a regional
// landscape report (regional channel); the DISARM techniques (disinformation).
void Hub(DemoIntel& d, Actors& a) {
  d.Begin("hub", "hub-analyst", kRegional);
  a.phishing_link =
      d.AttackPattern("mitre-attack", "T1566.002", "Spearphishing Link", "initial-access",
                      "E-mails to polling-station and district staff with links to "
                      "look-alike login pages");
  a.phishing_attachment = d.AttackPattern(
      "mitre-attack", "T1566.001", "Spearphishing Attachment", "initial-access",
      "Fake 'polling staff payroll' and 'ballot logistics' documents with a loader");
  a.credential_stuffing =
      d.AttackPattern("mitre-attack", "T1110.004", "Credential Stuffing", "credential-access",
                      "Leaked e-mail/password pairs tried against voter-registration portals");
  a.network_dos = d.AttackPattern("mitre-attack", "T1498", "Network Denial of Service", "impact",
                                  "Floods against results-publication websites on election night");
  a.defacement = d.AttackPattern("mitre-attack", "T1491.002", "External Defacement", "impact",
                                 "Municipal election pages replaced with false results");
  a.valid_accounts = d.AttackPattern("mitre-attack", "T1078", "Valid Accounts", "initial-access",
                                     "Stolen staff credentials reused on webmail and VPN");
  a.web_shell = d.AttackPattern("mitre-attack", "T1505.003", "Web Shell", "persistence",
                                "Web shells on outdated municipal CMS installations");

  a.grey_heron =
      d.Add("threat-actor", "GREY HERON", Tlp::kGreen, 10,
            {{"name", "GREY HERON"},
             {"description",
              "Fictional state-aligned intrusion group targeting election staff in the region with "
              "credential phishing since 2025"},
             {"threat_actor_types", json::array{"nation-state"}},
             {"aliases", json::array{"Heron Bay", "TA-EX-01"}},
             {"sophistication", "advanced"},
             {"resource_level", "government"},
             {"primary_motivation", "ideology"},
             {"first_seen", d.At(-4000)}});
  a.ballot_phantoms = d.Add("threat-actor", "BALLOT PHANTOMS", Tlp::kGreen, 11,
                            {{"name", "BALLOT PHANTOMS"},
                             {"description",
                              "Fictional hacktivist crew that defaces election websites and "
                              "floods results pages, announcing it on messaging channels"},
                             {"threat_actor_types", json::array{"activist", "hacker"}},
                             {"sophistication", "intermediate"},
                             {"resource_level", "club"},
                             {"primary_motivation", "notoriety"},
                             {"first_seen", d.At(-2000)}});
  for (const auto* ap : {&a.phishing_link, &a.phishing_attachment, &a.valid_accounts}) {
    d.Rel("uses", a.grey_heron, *ap, Tlp::kGreen, 12);
  }
  for (const auto* ap : {&a.network_dos, &a.defacement, &a.web_shell}) {
    d.Rel("uses", a.ballot_phantoms, *ap, Tlp::kGreen, 12);
  }
  d.Report("landscape", "Regional threat landscape ahead of the 2026 elections",
           "Fictional overview for the demo network: staff phishing, DDoS on results sites, "
           "defacement, credential stuffing and ballot narratives expected in Testland, Examplia "
           "and Sampleburg",
           "threat-report",
           {a.grey_heron, a.ballot_phantoms, a.phishing_link, a.credential_stuffing, a.network_dos,
            a.defacement},
           Tlp::kClear, 14);

  d.Begin("hub", "hub-analyst", kDisinfo);
  a.narratives =
      d.AttackPattern("DISARM", "T0003", "Leverage Existing Narratives", "develop-narratives",
                      "Old claims of 'ghost voters' reused for the 2026 vote");
  a.conspiracy =
      d.AttackPattern("DISARM", "T0022.001", "Amplify Existing Conspiracy Theory Narratives",
                      "develop-narratives", "Claims that ballots are pre-marked");
  a.reframe = d.AttackPattern("DISARM", "T0023.001", "Reframe Context", "develop-content",
                              "Training videos of ballot counting presented as fraud");
  a.fake_news = d.AttackPattern("DISARM", "T0085.003", "Develop Inauthentic News Articles",
                                "develop-content", "Look-alike news sites with fake results");
  a.cheap_fakes = d.AttackPattern("DISARM", "T0086.003", "Deceptively Edit Images (Cheap Fakes)",
                                  "develop-content", "Edited photos of 'burnt ballots'");
  a.trolls = d.AttackPattern("DISARM", "T0049.001", "Trolls Amplify and Manipulate",
                             "maximise-exposure", "Coordinated replies under commission posts");
  a.bots =
      d.AttackPattern("DISARM", "T0049.003", "Bots Amplify via Automated Forwarding and Reposting",
                      "maximise-exposure", "Bot networks reposting the ballot narratives");
  a.seo = d.AttackPattern("DISARM", "T0046", "Use Search Engine Optimisation",
                          "conduct-pump-priming", "Fake 'how to check your ballot' pages");
}

// CERT-Testland: the phishing campaign against election staff and the DDoS on
// results sites, with indicators, a report and a note.
void CertTestland(DemoIntel& d, Actors& a, std::string& quiet_ballot, std::string& flood,
                  std::vector<std::string>& phishing, std::vector<std::string>& ddos) {
  d.Begin("tl-cert", "tl-cert-analyst", kRegional);
  std::string inkdrop = d.Add("malware", "InkDrop", Tlp::kGreen, 20,
                              {{"name", "InkDrop"},
                               {"description",
                                "Fictional loader delivered in 'polling staff payroll' documents; "
                                "fetches TallyStealer"},
                               {"is_family", true},
                               {"malware_types", json::array{"dropper", "downloader"}},
                               {"capabilities", json::array{"evades-av"}}});
  std::string tally = d.Add("malware", "TallyStealer", Tlp::kGreen, 20,
                            {{"name", "TallyStealer"},
                             {"description",
                              "Fictional credential stealer taking webmail and VPN passwords of "
                              "district election officers"},
                             {"is_family", true},
                             {"malware_types", json::array{"spyware"}},
                             {"capabilities", json::array{"steals-authentication-credentials"}}});
  quiet_ballot =
      d.Campaign("Operation Quiet Ballot",
                 "Fictional spear-phishing of polling-station and district election staff "
                 "in Testland before polling day",
                 Tlp::kAmber, 22, 0, "Access to staff mailboxes and the results-transmission VPN");
  flood =
      d.Campaign("Results Night Flood",
                 "Fictional DDoS against the results-publication sites of Testland and Examplia "
                 "announced for election night",
                 Tlp::kGreen, 22, 200);
  d.Rel("attributed-to", quiet_ballot, a.grey_heron, Tlp::kAmber, 23);
  d.Rel("attributed-to", flood, a.ballot_phantoms, Tlp::kGreen, 23);
  d.Rel("uses", quiet_ballot, a.phishing_link, Tlp::kAmber, 23);
  d.Rel("uses", quiet_ballot, a.phishing_attachment, Tlp::kAmber, 23);
  d.Rel("uses", quiet_ballot, inkdrop, Tlp::kAmber, 23);
  d.Rel("uses", quiet_ballot, tally, Tlp::kAmber, 23);
  d.Rel("uses", flood, a.network_dos, Tlp::kGreen, 23);
  d.Rel("uses", inkdrop, a.phishing_attachment, Tlp::kGreen, 23);
  d.Rel("uses", tally, a.valid_accounts, Tlp::kGreen, 23);

  const std::string_view domains[] = {
      "cec-testland-login.example",    "testland-elections-portal.test",
      "polling-staff-payroll.example", "cec-tl-webmail.example",
      "district-officer-verify.test",  "ballot-logistics-schedule.example",
      "secure-cec-testland.example",   "testland-vote-staff.test",
      "results-vpn-testland.example",  "cec-testland-hr.example",
      "staff-training-cec.test",       "tl-election-office365.example",
  };
  int hour = 30;
  for (auto dom : domains) {
    phishing.push_back(
        d.Indicator(dom, "Phishing domain " + std::string(dom),
                    "Look-alike domain used in Operation Quiet Ballot e-mails to election staff",
                    "[domain-name:value = '" + std::string(dom) + "']", "malicious-activity",
                    Tlp::kAmber, hour++, quiet_ballot));
  }
  const std::string_view senders[] = {
      "payroll@polling-staff-payroll.example",
      "it-support@cec-tl-webmail.example",
      "training@staff-training-cec.test",
      "logistics@ballot-logistics-schedule.example",
      "hr@cec-testland-hr.example",
      "noreply@district-officer-verify.test",
  };
  for (auto s : senders) {
    phishing.push_back(d.Indicator(s, "Phishing sender " + std::string(s),
                                   "Sender address of Operation Quiet Ballot e-mails",
                                   "[email-addr:value = '" + std::string(s) + "']",
                                   "malicious-activity", Tlp::kAmber, hour++, quiet_ballot));
  }
  const std::string_view urls[] = {
      "https://cec-testland-login.example/owa/auth.php",
      "https://district-officer-verify.test/verify?step=2",
      "https://polling-staff-payroll.example/docs/payroll-may.doc",
      "https://results-vpn-testland.example/remote/login",
      "https://secure-cec-testland.example/sso/",
      "https://ballot-logistics-schedule.example/schedule.zip",
  };
  for (auto u : urls) {
    phishing.push_back(d.Indicator(u, "Phishing URL", "Credential-harvesting or payload URL",
                                   "[url:value = '" + std::string(u) + "']", "malicious-activity",
                                   Tlp::kAmber, hour++, quiet_ballot));
  }
  const std::string_view files[] = {
      "payroll-may.doc", "ballot-logistics.docm", "schedule.zip",    "inkdrop.dll",
      "tally.exe",       "tally-cfg.bin",         "staff-list.xlsm", "update.js"};
  for (auto f : files) {
    const bool stealer = std::string_view(f).starts_with("tally");
    std::string hex = DemoIntel::FakeSha256(f);
    d.Indicator(std::string("sha256:") + std::string(f), "Malicious file " + std::string(f),
                stealer ? "TallyStealer sample" : "InkDrop loader or lure document",
                "[file:hashes.'SHA-256' = '" + hex + "']", "malicious-activity", Tlp::kGreen,
                hour++, stealer ? tally : inkdrop);
  }
  for (int i = 0; i < 16; ++i) {
    std::string ip = "198.51.100." + std::to_string(17 + i * 7);
    ddos.push_back(d.Indicator(
        ip, "DDoS source " + ip, "Source of the Results Night Flood test waves (HTTP GET flood)",
        "[ipv4-addr:value = '" + ip + "']", "malicious-activity", Tlp::kGreen, 200 + i, flood));
  }
  for (std::string_view cidr : {"198.51.100.192/27", "203.0.113.224/28"}) {
    ddos.push_back(d.Indicator(cidr, "DDoS source range " + std::string(cidr),
                               "Rented servers used for Results Night Flood",
                               "[ipv4-addr:value = '" + std::string(cidr) + "']",
                               "malicious-activity", Tlp::kGreen, 220, flood));
  }
  for (std::string_view v6 :
       {"2001:db8:4f2a::15", "2001:db8:4f2a::2c", "2001:db8:77::/48", "2001:db8:ab:1::9"}) {
    ddos.push_back(d.Indicator(v6, "DDoS source " + std::string(v6),
                               "IPv6 source of Results Night Flood",
                               "[ipv6-addr:value = '" + std::string(v6) + "']",
                               "malicious-activity", Tlp::kGreen, 221, flood));
  }
  std::vector<std::string> refs = {quiet_ballot, inkdrop, tally, a.grey_heron};
  refs.insert(refs.end(), phishing.begin(), phishing.begin() + 8);
  d.Report("quiet-ballot", "Operation Quiet Ballot: phishing of election staff",
           "Fictional CERT-Testland analysis of the spear-phishing wave against polling-station "
           "staff: lures, infrastructure, malware and advice",
           "campaign", refs, Tlp::kAmber, 60);
  d.Report("results-flood", "Results Night Flood: what to expect on election night",
           "Fictional advisory: DDoS sources, expected volumes and mitigations for results sites",
           "threat-report", {flood, a.ballot_phantoms, ddos[0], ddos[1], ddos[16]}, Tlp::kGreen,
           230);
  d.Note("quiet-ballot-advice", "Block and reset",
         "Block the listed domains at the mail gateway, reset passwords of staff who clicked, and "
         "enforce MFA on webmail before polling day.",
         {quiet_ballot}, Tlp::kAmber, 61);
}

// The Sampleburg ISAC: credential stuffing against voter-registration portals.
std::string IsacSampleburg(DemoIntel& d, const Actors& a, std::vector<std::string>& stuffing) {
  d.Begin("xs-isac", "xs-isac-analyst", kRegional);
  std::string campaign = d.Campaign(
      "Voter Roll Stuffing",
      "Fictional credential stuffing against the voter-registration portals of Sampleburg "
      "and Examplia, using combo lists from an unrelated breach",
      Tlp::kAmber, 100, 90, "Take over voter accounts and change polling-station assignments");
  d.Rel("uses", campaign, a.credential_stuffing, Tlp::kAmber, 100);
  for (int i = 0; i < 14; ++i) {
    std::string ip = "203.0.113." + std::to_string(11 + i * 13);
    stuffing.push_back(d.Indicator(ip, "Credential stuffing source " + ip,
                                   "Thousands of failed logins per hour on voter-registration "
                                   "portals from this address",
                                   "[ipv4-addr:value = '" + ip + "']", "malicious-activity",
                                   Tlp::kAmber, 101 + i, campaign));
  }
  for (std::string_view u : {"https://paste.combo-lists.test/raw/XS2026",
                             "https://voter-check-sampleburg.example/login"}) {
    stuffing.push_back(d.Indicator(u, "Credential stuffing infrastructure",
                                   "Combo-list paste or look-alike voter portal",
                                   "[url:value = '" + std::string(u) + "']", "malicious-activity",
                                   Tlp::kAmber, 116, campaign));
  }
  d.Report("voter-roll-stuffing", "Credential stuffing against voter-registration portals",
           "Fictional ISAC bulletin: sources, volumes, and rate-limiting advice for portal "
           "operators",
           "threat-report", {campaign, a.credential_stuffing, stuffing[0], stuffing[1]},
           Tlp::kAmber, 120);
  return campaign;
}

// Sampleburg's commission: defacement of municipal results pages, and what it
// saw of the credential stuffing; a sighting of a ballot narrative.
void CommissionSampleburg(DemoIntel& d, const Actors& a, const std::vector<std::string>& stuffing,
                          const std::vector<std::string>& narrative_sites) {
  d.Begin("xs-ec", "xs-ec-analyst", kRegional);
  std::string pollpanel = d.Add("malware", "PollPanel", Tlp::kGreen, 300,
                                {{"name", "PollPanel"},
                                 {"description",
                                  "Fictional PHP web shell found on defaced municipal election "
                                  "pages"},
                                 {"is_family", true},
                                 {"malware_types", json::array{"webshell"}}});
  std::string deface = d.Campaign("Municipal Pages Defacement",
                                  "Fictional defacement of six municipal election pages in "
                                  "Sampleburg with false turnout figures",
                                  Tlp::kGreen, 300, 280);
  d.Rel("attributed-to", deface, a.ballot_phantoms, Tlp::kGreen, 301);
  d.Rel("uses", deface, a.defacement, Tlp::kGreen, 301);
  d.Rel("uses", deface, a.web_shell, Tlp::kGreen, 301);
  d.Rel("uses", deface, pollpanel, Tlp::kGreen, 301);
  std::vector<std::string> iocs;
  for (int i = 0; i < 6; ++i) {
    std::string ip = "192.0.2." + std::to_string(40 + i * 11);
    iocs.push_back(d.Indicator(ip, "Defacer source " + ip, "Uploaded PollPanel to municipal CMS",
                               "[ipv4-addr:value = '" + ip + "']", "malicious-activity",
                               Tlp::kGreen, 302 + i, deface));
  }
  for (std::string_view f : {"pollpanel.php", "pp-upload.php", "index-defaced.html"}) {
    iocs.push_back(d.Indicator(std::string("sha256:") + std::string(f),
                               "PollPanel file " + std::string(f), "Web shell or defacement page",
                               "[file:hashes.'SHA-256' = '" + DemoIntel::FakeSha256(f) + "']",
                               "malicious-activity", Tlp::kGreen, 310, pollpanel));
  }
  iocs.push_back(d.Indicator("deface-pair", "Defacement upload",
                             "Defacer address fetching the web shell",
                             "[ipv4-addr:value = '192.0.2.40'] AND [url:value = "
                             "'http://cdn-phantoms.example/pp.txt']",
                             "malicious-activity", Tlp::kGreen, 311, deface));
  std::vector<std::string> refs = {deface, pollpanel, a.ballot_phantoms};
  refs.insert(refs.end(), iocs.begin(), iocs.end());
  d.Report("municipal-defacement", "Defacement of Sampleburg municipal results pages",
           "Fictional incident summary: entry through an outdated CMS plug-in, PollPanel web "
           "shell, false turnout figures; pages restored within 40 minutes",
           "campaign", refs, Tlp::kGreen, 330);
  d.Sightings(stuffing, 0, 6,
              {.count = 1200,
               .count_step = 310,
               .first_hour = 100,
               .last_hour = 130,
               .hour_step = 1,
               .tlp = Tlp::kAmber,
               .description = "Failed logins on the Sampleburg voter-registration portal"});
  d.Begin("xs-ec", "xs-ec-analyst", kDisinfo);
  d.Sightings(narrative_sites, 0, 4,
              {.count = 3,
               .count_step = 1,
               .first_hour = 400,
               .last_hour = 420,
               .tlp = Tlp::kGreen,
               .description = "Shared in Sampleburg community groups"});
}

// The fact-checkers: the disinformation actor, narratives and debunks.
std::vector<std::string> FactCheckExamplia(DemoIntel& d, const Actors& a) {
  d.Begin("xe-fact", "xe-fact-analyst", kDisinfo);
  std::string fenwick = d.Add("threat-actor", "Fenwick Media Group", Tlp::kGreen, 380,
                              {{"name", "Fenwick Media Group"},
                               {"description",
                                "Fictional content farm running look-alike news sites and troll "
                                "accounts about the 2026 elections"},
                               {"threat_actor_types", json::array{"sensationalist"}},
                               {"primary_motivation", "personal-gain"}});
  std::string premarked =
      d.Campaign("Pre-marked Ballots",
                 "Fictional narrative: ballots are delivered already marked for "
                 "the ruling party; pushed with edited photos and bots",
                 Tlp::kClear, 385, 370);
  std::string vanishing = d.Campaign("Vanishing Ink",
                                     "Fictional narrative: pens at polling stations use ink that "
                                     "disappears; urges voters to bring their own",
                                     Tlp::kClear, 386, 375);
  std::string ghost =
      d.Campaign("Ghost Voters",
                 "Fictional narrative: the voter roll is full of dead voters; reuses "
                 "2021 claims already debunked",
                 Tlp::kGreen, 387, 360);
  for (const auto& c : {premarked, vanishing, ghost}) {
    d.Rel("attributed-to", c, fenwick, Tlp::kGreen, 388);
  }
  d.Rel("uses", premarked, a.conspiracy, Tlp::kClear, 388);
  d.Rel("uses", premarked, a.cheap_fakes, Tlp::kClear, 388);
  d.Rel("uses", premarked, a.bots, Tlp::kClear, 388);
  d.Rel("uses", vanishing, a.reframe, Tlp::kClear, 388);
  d.Rel("uses", vanishing, a.seo, Tlp::kClear, 388);
  d.Rel("uses", ghost, a.narratives, Tlp::kClear, 388);
  d.Rel("uses", fenwick, a.fake_news, Tlp::kGreen, 388);
  d.Rel("uses", fenwick, a.trolls, Tlp::kGreen, 388);
  std::vector<std::string> sites;
  const std::string_view domains[] = {
      "ballot-truth-news.example", "examplia-daily-facts.test",   "real-vote-count.example",
      "testland-insider.example",  "check-your-ballot.test",      "sampleburg-leaks.example",
      "honest-elections-now.test", "vote-watch-examplia.example", "ink-scandal.example",
      "dead-voters-list.test",
  };
  int hour = 390;
  for (size_t i = 0; i < std::size(domains); ++i) {
    const std::string& campaign = i % 3 == 0 ? premarked : i % 3 == 1 ? vanishing : ghost;
    sites.push_back(d.Indicator(domains[i], "Inauthentic news site " + std::string(domains[i]),
                                "Look-alike news site of Fenwick Media Group spreading the "
                                "narrative",
                                "[domain-name:value = '" + std::string(domains[i]) + "']",
                                "attribution", i < 5 ? Tlp::kClear : Tlp::kGreen, hour++,
                                campaign));
  }
  for (int i = 0; i < 4; ++i) {
    std::string u = "https://social.example/@ballot_watch_" + std::to_string(i + 1);
    sites.push_back(d.Indicator(u, "Bot account", "Account reposting the ballot narratives",
                                "[url:value = '" + u + "']", "anomalous-activity", Tlp::kGreen,
                                hour++, premarked));
  }
  d.Note("debunk-premarked", "Fact-check: ballots are not pre-marked",
         "The photo circulating since 14 April shows a training ballot from a 2019 exercise; the "
         "commission's ballots are printed blank and sealed.",
         {premarked}, Tlp::kClear, 392);
  d.Note("debunk-ink", "Fact-check: polling-station pens use permanent ink",
         "The video uses a thermochromic pen bought online; polling stations use standard "
         "ballpoint pens.",
         {vanishing}, Tlp::kClear, 393);
  d.Note("debunk-ghost", "Fact-check: 'dead voters' list",
         "The list matches a 2021 snapshot; the deceased were removed in the 2023 revision.",
         {ghost}, Tlp::kClear, 394);
  d.Report("narratives-weekly", "Election narratives: weekly brief",
           "Fictional weekly brief of the Examplia FactCheck Collective: three narratives, their "
           "sites and amplifiers, and the debunks",
           "threat-actor", {fenwick, premarked, vanishing, ghost, sites[0], sites[1], sites[2]},
           Tlp::kClear, 400);
  return sites;
}

// Sightings and notes of the other members in the regional channel.
void RegionalSightings(DemoIntel& d, const std::vector<std::string>& phishing,
                       const std::vector<std::string>& ddos, const std::string& flood) {
  d.Begin("tl-cec", "tl-cec-analyst", kRegional);
  d.Sightings(phishing, 0, 8,
              {.count = 4,
               .count_step = 3,
               .first_hour = 40,
               .last_hour = 50,
               .hour_step = 1,
               .tlp = Tlp::kAmber,
               .description = "Received by district election staff"});
  d.Begin("nw", "nw-analyst", kRegional);
  d.Sightings(ddos, 0, 10,
              {.count = 150000,
               .count_step = 23000,
               .first_hour = 984,
               .last_hour = 988,
               .tlp = Tlp::kGreen,
               .description = "HTTP requests per minute at peak against a hosted results site"});
  d.Note("flood-takedown", "Takedown outcome",
         "Upstream providers null-routed 11 of the 16 sources within two hours; the results site "
         "stayed available behind the scrubbing service.",
         {flood}, Tlp::kGreen, 990);
  d.Begin("xe-ea", "xe-ea-analyst", kRegional);
  d.Sightings(ddos, 10, 16,
              {.count = 50000,
               .count_step = 1000,
               .first_hour = 985,
               .last_hour = 987,
               .tlp = Tlp::kGreen,
               .description = "Requests against the Examplia results site on election night"});
  d.Note("results-site-lessons", "Results site resilience: what worked",
         "Static results pages on a CDN, a 30-second cache and a pre-arranged scrubbing service "
         "kept the site up; publish the fallback address before election night.",
         {flood}, Tlp::kClear, 995);
}

// The Testland coordination cell (AMBER+STRICT and RED) and CERT-Testland's
// private channel.
void TestlandCell(DemoIntel& d, const std::string& quiet_ballot,
                  const std::vector<std::string>& phishing) {
  d.Begin("tl-cec", "tl-cec-analyst", kCell);
  std::vector<std::string> refs = {quiet_ballot};
  for (auto& id : d.Sightings(phishing, 0, 3,
                              {.count = 2,
                              .count_step = 1,
                              .first_hour = 45,
                              .last_hour = 46,
                              .hour_step = 1,
                              .tlp = Tlp::kAmberStrict,
                              .description = "Staff credentials entered on the phishing page"})) {
    refs.push_back(std::move(id));
  }
  d.Note("cell-status", "Status for the cell",
         "Three district officers entered credentials; accounts locked, VPN tokens re-issued.",
         {quiet_ballot}, Tlp::kAmberStrict, 47);
  d.Begin("tl-cec", "tl-cec-analyst", kCell, {"tl-cert-analyst", "tl-police-liaison"});
  d.Note("cell-mailbox", "Compromised mailbox of a district election officer",
         "The mailbox of the District 4 officer forwarded all mail to an outside address for "
         "two days; evidence preserved for the police. Named recipients only.",
         {quiet_ballot}, Tlp::kRed, 48);
  d.Begin("tl-cert", "tl-cert-analyst", kCell);
  d.Report("cell-incident", "Incident coordination: staff phishing wave",
           "Fictional joint timeline of the commission, CERT and police for the phishing "
           "wave; actions and owners",
           "threat-report", refs, Tlp::kAmberStrict, 52);
  d.Begin("tl-cert", "tl-cert-analyst", kCell, {"tl-cec-analyst"});
  d.Note("cell-attribution", "Attribution assessment",
         "Moderate confidence: infrastructure overlaps GREY HERON's 2025 activity. Do not share "
         "outside the named recipients.",
         {quiet_ballot}, Tlp::kRed, 53);

  d.Begin("tl-cert", "tl-cert-analyst", kPrivate);
  std::vector<std::string> triage;
  for (int i = 0; i < 4; ++i) {
    std::string dom = "cdn-update-" + std::to_string(i + 1) + ".tl-mirror.test";
    triage.push_back(d.Indicator(dom, "Suspected staging domain " + dom,
                                 "Under triage; not yet confirmed",
                                 "[domain-name:value = '" + dom + "']", "anomalous-activity",
                                 Tlp::kAmberStrict, 55 + i, quiet_ballot));
  }
  d.Begin("tl-cert", "tl-cert-analyst", kPrivate, {"tl-cert-admin"});
  d.Note("private-source", "Source of the staging domains",
         "Provided by a partner under TLP:RED; share with the CERT duty officer only.", {triage[0]},
         Tlp::kRed, 59);
}

std::vector<Batch> DemoBatches(std::map<std::string, std::string, std::less<>> identities) {
  DemoIntel d(std::move(identities));
  Actors a;
  Identities(d);
  Hub(d, a);
  std::string quiet_ballot, flood;
  std::vector<std::string> phishing, ddos, stuffing;
  CertTestland(d, a, quiet_ballot, flood, phishing, ddos);
  IsacSampleburg(d, a, stuffing);
  std::vector<std::string> sites = FactCheckExamplia(d, a);
  CommissionSampleburg(d, a, stuffing, sites);
  RegionalSightings(d, phishing, ddos, flood);
  TestlandCell(d, quiet_ballot, phishing);
  return d.Take();
}

// --- applying it to a store ---------------------------------------------------

struct SeedCounts {
  int orgs_new = 0, users_new = 0, channels_new = 0, grants_new = 0;
  size_t added = 0, present = 0, rejected = 0;
};

Result<store::Organisation> EnsureOrg(store::Store& s, const DemoOrg& o, SeedCounts& n) {
  auto found = s.FindOrganisation(o.name);
  if (found || found.error().code != ErrorCode::kNotFound) return found;
  store::Organisation org;
  org.name = o.name;
  org.kind = o.kind;
  org.country = o.country;
  org.region = o.region;
  org.identity_id = "identity--" + UuidV5(kDemoNamespace, "organisation:" + org.name);
  org.created = SystemClock().Now();
  ECRN_ASSIGN_OR_RETURN(org.id, s.AddOrganisation(org));
  ++n.orgs_new;
  return org;
}

Result<store::User> EnsureUser(store::Store& s, const DemoUser& u, const store::Organisation& org,
                               SeedCounts& n) {
  auto found = s.FindUser(u.username);
  if (found) {
    if (found->org_id != org.id) {
      return Error::Invalid("user '" + std::string(u.username) +
                            "' already exists in another organisation; seed the demo into a "
                            "fresh database");
    }
    return found;
  }
  if (found.error().code != ErrorCode::kNotFound) return found.error();
  store::User user;
  user.org_id = org.id;
  user.username = u.username;
  user.role = u.role;
  ECRN_ASSIGN_OR_RETURN(user.password_hash, HashPassword(kDemoPassword));
  user.created = SystemClock().Now();
  ECRN_ASSIGN_OR_RETURN(user.id, s.AddUser(user));
  ++n.users_new;
  return user;
}

Result<store::Channel> EnsureChannel(store::Store& s, const DemoChannel& c, SeedCounts& n) {
  auto found = s.FindChannel(c.name);
  if (found || found.error().code != ErrorCode::kNotFound) return found;
  store::Channel channel;
  channel.name = c.name;
  channel.description = c.description;
  channel.default_tlp = c.default_tlp;
  channel.created = SystemClock().Now();
  channel.uuid = UuidV5(kDemoNamespace, "channel:" + channel.name);
  ECRN_ASSIGN_OR_RETURN(channel.id, s.AddChannel(channel));
  ++n.channels_new;
  return channel;
}

// The demo network itself: what was found or created, by key / name.
struct Network {
  std::map<std::string, store::Organisation, std::less<>> orgs;  // by kOrgs key
  std::map<std::string, store::User, std::less<>> users;         // by username
  std::map<std::string, store::Channel, std::less<>> channels;   // by name
};

Result<Network> EnsureNetwork(store::Store& s, SeedCounts& n) {
  Network net;
  for (const auto& o : kOrgs) {
    ECRN_ASSIGN_OR_RETURN(auto org, EnsureOrg(s, o, n));
    net.orgs.emplace(o.key, std::move(org));
  }
  for (const auto& u : kUsers) {
    ECRN_ASSIGN_OR_RETURN(auto user, EnsureUser(s, u, net.orgs.at(std::string(u.org)), n));
    net.users.emplace(u.username, std::move(user));
  }
  // The network admin's second factor (a fixed demo secret).
  auto& admin = net.users.at(std::string(kNetAdmin));
  if (admin.totp_secret.empty()) {
    admin.totp_secret = Base32Encode(kDemoTotpBytes);
    ECRN_TRY(s.SetTotp(admin.id, admin.totp_secret));
  }
  for (const auto& c : kChannels) {
    ECRN_ASSIGN_OR_RETURN(auto channel, EnsureChannel(s, c, n));
    net.channels.emplace(c.name, std::move(channel));
  }
  // Grants only where the organisation has no membership yet, so rights an
  // administrator changed are left alone.
  for (const auto& g : kGrants) {
    const auto& channel = net.channels.at(std::string(g.channel));
    const auto& org = net.orgs.at(std::string(g.org));
    ECRN_ASSIGN_OR_RETURN(auto members, s.ListMemberships(channel.id));
    bool member = std::any_of(members.begin(), members.end(),
                              [&](const store::Membership& m) { return m.org_id == org.id; });
    if (member) continue;
    ECRN_TRY(s.Grant({channel.id, org.id, g.read, g.write}));
    ++n.grants_new;
  }
  return net;
}

Result<void> PublishIntel(store::Store& s, const Network& net, SeedCounts& n) {
  std::map<std::string, std::string, std::less<>> identities;
  for (const auto& [key, org] : net.orgs) identities.emplace(key, org.identity_id);
  SystemClock clock;
  for (const auto& batch : DemoBatches(std::move(identities))) {
    const auto& org = net.orgs.at(batch.org);
    const auto& user = net.users.at(batch.user);
    const auto& channel = net.channels.at(batch.channel);
    ECRN_ASSIGN_OR_RETURN(auto memberships, s.ListOrgMemberships(org.id));
    auto principal = policy::MakePrincipal(user, org, memberships, false);
    intel::PublishOptions options;
    for (const auto& r : batch.red_recipients) options.red_recipients.push_back(net.users.at(r).id);
    auto summary = intel::Publish(s, clock, principal, channel, batch.objects, options);
    if (!summary) {
      return Error{summary.error().code,
                   user.username + " could not publish into '" + channel.name +
                       "': " + summary.error().message,
                   summary.error().detail};
    }
    n.added += summary->added;
    n.present += summary->duplicates;
    n.rejected += summary->rejected.size();
    for (const auto& r : summary->rejected) {
      std::cerr << "ecrn: demo object " << r.id << " rejected in '" << channel.name
                << "': " << r.reason << "\n";
    }
  }
  return Ok();
}

void PrintLogins(const Network& net, const SeedCounts& n) {
  std::cout << "ECRN demo network (all organisations, people, domains and addresses are "
               "fictional)\n"
            << "  organisations: " << net.orgs.size() << " (" << n.orgs_new
            << " new), users: " << net.users.size() << " (" << n.users_new
            << " new), channels: " << net.channels.size() << " (" << n.channels_new << " new)\n"
            << "  objects: " << n.added << " added, " << n.present << " already present, "
            << n.rejected << " rejected\n\n"
            << "Demo logins -- FOR THE DEMO ONLY: these passwords are published in the README;\n"
            << "never use them, or this database, for a real network.\n"
            << "  password of every demo user: " << kDemoPassword
            << "   (accounts that already existed keep their password)\n";
  for (const auto& u : kUsers) {
    const auto& user = net.users.at(std::string(u.username));
    const auto& org = net.orgs.at(std::string(u.org));
    std::cout << "  " << std::left << std::setw(19) << user.username << std::setw(15) << user.role
              << org.name << " (" << org.country << ")\n";
  }
  const auto& admin = net.users.at(std::string(kNetAdmin));
  std::cout << "\n"
            << kNetAdmin << " is a network admin and must log in with a TOTP code. Add this demo\n"
            << "secret to an authenticator app (it is the same in every demo database):\n"
            << "  secret: " << admin.totp_secret << "\n";
  // The URI carries the raw secret (Base32 again); the store keeps Base32.
  if (auto raw = Base32Decode(admin.totp_secret)) {
    std::cout << "  uri:    " << TotpUri(admin.username, *raw) << "\n";
  }
}

}  // namespace

void AddDemoCommands(CLI::App& app, Context& ctx) {
  auto* demo = app.add_subcommand("demo", "The fictional demo network that `make run` shows");
  demo->require_subcommand(1);
  auto* seed = demo->add_subcommand(
      "seed",
      "Create the demo network (organisations, users, channels, intel) if missing and print "
      "the demo logins; running it again adds nothing");
  AddDbOption(seed, ctx);
  RunWithDatabase(seed, ctx, [](store::Store& s) {
    SeedCounts counts;
    auto net = EnsureNetwork(s, counts);
    if (!net) return Fail(net.error());
    if (auto r = PublishIntel(s, *net, counts); !r) return Fail(r.error());
    PrintLogins(*net, counts);
    return counts.rejected == 0 ? kExitOk : kExitFailed;
  });
}

}  // namespace ecrn::cli
