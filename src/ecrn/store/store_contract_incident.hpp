// The Store contract, continued: the incident store (incident_store.hpp) —
// cases and their visibility, the two hash chains per case, evidence and
// package bytes, clock rules, notifications, once keys, webhooks and the
// delivery queue. Included by each backend's test file next to
// store_contract.hpp. Tests only.
#pragma once

#include <cctype>
#include <map>
#include <mutex>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/store/store_contract.hpp"

namespace ecrn::store::contract {

// The time the helpers below stamp (StoreContract::kT0).
inline constexpr Micros kCaseT0 = 1'700'000'000'000'000;

// A case of organisation `owner` with stix id "incident--<n>".
inline IncidentRow Case(int64_t owner, const std::string& n, const std::string& title = "case") {
  IncidentRow r;
  r.stix_id = "incident--" + n;
  r.owner_org = owner;
  r.reporter_user = 7;
  r.title = title;
  r.status = "reported";
  r.severity = "high";
  r.category = "ddos";
  r.tlp = "amber";
  r.created = kCaseT0;
  r.updated = kCaseT0;
  r.json = R"({"title":")" + title + R"(","n":")" + n + R"("})";
  return r;
}

// The metadata of evidence `data` for case `incident`, with its true hash.
inline EvidenceMeta Meta(int64_t incident, const std::string& data,
                         const std::string& name = "report.txt") {
  EvidenceMeta m;
  m.incident_id = incident;
  m.file_name = name;
  m.media_type = "text/plain";
  m.description = "what the officer saw";
  m.size = static_cast<int64_t>(data.size());
  m.sha256 = Sha256Hex(data);
  m.acquired = kCaseT0 + 5;
  m.acquired_by_user = 7;
  m.acquired_by_org = 1;
  return m;
}

// Creates a case; fails the test on error.
inline IncidentRow CreateCase(IncidentStore& inc, const IncidentRow& row) {
  auto r = inc.CreateIncident(row, Record("incident.create", kCaseT0, row.owner_org));
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : IncidentRow{};
}

// The stix ids ListIncidents returns for `q`, in its order.
inline std::vector<std::string> ListIds(IncidentStore& inc, const IncidentQuery& q) {
  std::vector<std::string> out;
  auto r = inc.ListIncidents(q);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  if (r.ok()) {
    for (const auto& row : *r) out.push_back(row.stix_id);
  }
  return out;
}

// A whole chain of a case.
inline std::vector<AuditEntry> Log(IncidentStore& inc, int64_t incident, IncidentLog log) {
  auto r = inc.ListIncidentLog(incident, log, std::nullopt, 100000);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? *r : std::vector<AuditEntry>{};
}

// A webhook delivery of `event`, due at `next_attempt`.
inline DeliveryRow Delivery(const std::string& event, Micros next_attempt) {
  DeliveryRow d;
  d.channel = "webhook";
  d.target = "https://chat.example/hook";
  d.webhook_id = 3;
  d.subject = "subject " + event;
  d.body = R"({"event":")" + event + R"("})";
  d.event_id = event;
  d.event_kind = "incident.created";
  d.next_attempt = next_attempt;
  d.created = kCaseT0;
  return d;
}

// --- cases ---------------------------------------------------------------------

TEST_P(StoreContract, IncidentCreateAssignsIdRevHeadAndRoundTripsEveryField) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  const int64_t cert = AddOrg("CERT");
  IncidentRow row = Case(owner, "1", "Results site down");
  row.assignee_user = 42;
  row.next_deadline = kT0 + 3600;
  row.participants = {{cert, "cert", kT0 + 1}};
  auto created = inc.CreateIncident(row, Record("incident.create", kT0, owner));
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->rev, 1);
  EXPECT_EQ(created->timeline_head.seq, 1);
  EXPECT_EQ(created->custody_head.seq, 0);
  EXPECT_EQ(created->custody_head.hash, "");

  for (const std::string& key : {std::to_string(created->id), std::string("incident--1")}) {
    auto got = inc.GetIncident(key);
    ASSERT_TRUE(got.ok()) << key << ": " << got.error().ToString();
    EXPECT_EQ(got->id, created->id);
    EXPECT_EQ(got->stix_id, "incident--1");
    EXPECT_EQ(got->owner_org, owner);
    EXPECT_EQ(got->reporter_user, 7);
    EXPECT_EQ(got->title, "Results site down");
    EXPECT_EQ(got->status, "reported");
    EXPECT_EQ(got->severity, "high");
    EXPECT_EQ(got->category, "ddos");
    EXPECT_EQ(got->tlp, "amber");
    EXPECT_EQ(got->assignee_user, std::optional<int64_t>(42));
    EXPECT_EQ(got->next_deadline, std::optional<Micros>(kT0 + 3600));
    EXPECT_EQ(got->created, kT0);
    EXPECT_EQ(got->updated, kT0);
    EXPECT_EQ(got->rev, 1);
    EXPECT_EQ(got->json, row.json);
    ASSERT_EQ(got->participants.size(), 1u);
    EXPECT_EQ(got->participants[0].org_id, cert);
    EXPECT_EQ(got->participants[0].role, "cert");
    EXPECT_EQ(got->participants[0].added, kT0 + 1);
    EXPECT_EQ(got->timeline_head.hash, created->timeline_head.hash);
  }
  auto timeline = Log(inc, created->id, IncidentLog::kTimeline);
  ASSERT_EQ(timeline.size(), 1u);
  EXPECT_EQ(timeline[0].action, "incident.create");
  EXPECT_EQ(timeline[0].prev_hash, kAuditGenesisHash);
  EXPECT_EQ(timeline[0].hash, AuditEntryHash(timeline[0]));
  EXPECT_EQ(timeline[0].hash, created->timeline_head.hash);

  EXPECT_EQ(inc.GetIncident("incident--nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(inc.GetIncident("99999").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(inc.GetIncident("").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, IncidentCreateRefusesTakenIdsBadRecordsAndUnknownOrganisations) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  CreateCase(inc, Case(owner, "1"));
  auto again = inc.CreateIncident(Case(owner, "1"), Record("incident.create", kT0));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);

  AuditRecord bad = Record("incident.create", kT0);
  bad.detail = "[1]";
  auto invalid = inc.CreateIncident(Case(owner, "2"), bad);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(inc.GetIncident("incident--2").error().code, ErrorCode::kNotFound)
      << "nothing stored when the record is refused";

  auto no_owner = inc.CreateIncident(Case(owner + 100, "3"), Record("incident.create", kT0));
  ASSERT_FALSE(no_owner.ok());
  EXPECT_EQ(no_owner.error().code, ErrorCode::kNotFound);
  IncidentRow stranger = Case(owner, "4");
  stranger.participants = {{owner + 100, "police", kT0}};
  auto no_participant = inc.CreateIncident(stranger, Record("incident.create", kT0));
  ASSERT_FALSE(no_participant.ok());
  EXPECT_EQ(no_participant.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(inc.GetIncident("incident--4").error().code, ErrorCode::kNotFound);

  IncidentRow unnamed = Case(owner, "5");
  unnamed.stix_id.clear();
  EXPECT_EQ(inc.CreateIncident(unnamed, Record("incident.create", kT0)).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(StoreContract, IncidentListFiltersAndPages) {
  IncidentStore& inc = store_->Incidents();
  const int64_t a = AddOrg("A");
  const int64_t b = AddOrg("B");
  IncidentRow r1 = Case(a, "1", "DDoS on the RESULTS site");
  IncidentRow r2 = Case(a, "2", "Phishing of staff");
  r2.status = "triaged";
  r2.severity = "low";
  r2.category = "phishing";
  r2.assignee_user = 5;
  r2.next_deadline = kT0 + 100;
  IncidentRow r3 = Case(b, "3", "Deepfake of the chair");
  r3.status = "closed";
  r3.next_deadline = kT0 + 300;
  for (const auto& r : {r1, r2, r3}) CreateCase(inc, r);

  IncidentQuery q;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--3", "incident--2", "incident--1"))
      << "newest first";
  q.oldest_first = true;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--1", "incident--2", "incident--3"));
  q = {};
  q.owner_org = a;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--2", "incident--1"));
  q = {};
  q.statuses = {"triaged", "closed"};
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--3", "incident--2"));
  q = {};
  q.severities = {"low"};
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--2"));
  q = {};
  q.categories = {"ddos"};
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--3", "incident--1"));
  q = {};
  q.assignee_user = 5;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--2"));
  q = {};
  q.deadline_before = kT0 + 300;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--2")) << "strictly before; none is never due";
  q = {};
  q.text = "results";
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--1")) << "case-insensitive";
  q.text = "OF THE";
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--3"));
  q.text = "%";
  EXPECT_THAT(ListIds(inc, q), IsEmpty()) << "no pattern characters";
  q = {};
  q.statuses = {"reported", "closed"};
  q.owner_org = b;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--3")) << "filters combine";

  // Paging in both orders.
  auto all = inc.ListIncidents({});
  ASSERT_TRUE(all.ok());
  q = {};
  q.limit = 2;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--3", "incident--2"));
  q.after_id = (*all)[1].id;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--1"));
  q = {};
  q.oldest_first = true;
  q.limit = 1;
  q.after_id = (*all)[2].id;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--2"));
  q.limit = 0;
  EXPECT_THAT(ListIds(inc, q), IsEmpty());
}

// visible_to_org: the cases an organisation owns or takes part in, and
// nothing of any other case.
TEST_P(StoreContract, IncidentVisibleToOrgIsOwnerOrParticipantOnly) {
  IncidentStore& inc = store_->Incidents();
  const int64_t cec = AddOrg("CEC");
  const int64_t police = AddOrg("Police");
  const int64_t cert = AddOrg("CERT");
  const int64_t other = AddOrg("Other");
  IncidentRow shared = Case(cec, "shared");
  shared.participants = {{police, "police", kT0}, {cert, "cert", kT0}};
  CreateCase(inc, shared);
  CreateCase(inc, Case(cec, "private"));
  IncidentRow theirs = Case(other, "theirs");
  theirs.participants = {{cert, "cert", kT0}};
  CreateCase(inc, theirs);

  IncidentQuery q;
  q.visible_to_org = cec;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--private", "incident--shared"));
  q.visible_to_org = police;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--shared"));
  q.visible_to_org = cert;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--theirs", "incident--shared"));
  q.visible_to_org = other;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--theirs"));
  q.visible_to_org = AddOrg("Nobody");
  EXPECT_THAT(ListIds(inc, q), IsEmpty());
  q.visible_to_org = police;
  q.statuses = {"closed"};
  EXPECT_THAT(ListIds(inc, q), IsEmpty()) << "other filters still apply";

  auto listed = inc.ListIncidents({});
  ASSERT_TRUE(listed.ok());
  for (const auto& row : *listed) {
    if (row.stix_id == "incident--shared") {
      ASSERT_EQ(row.participants.size(), 2u) << "lists carry participants too";
      EXPECT_EQ(row.participants[0].org_id, std::min(police, cert));
    }
  }
}

TEST_P(StoreContract, IncidentUpdateReplacesColumnsAndParticipantsAndAppendsEvents) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  const int64_t police = AddOrg("Police");
  const int64_t cert = AddOrg("CERT");
  IncidentRow row = Case(owner, "1");
  row.participants = {{cert, "cert", kT0}};
  IncidentRow stored = CreateCase(inc, row);

  IncidentRow change = stored;
  change.title = "Now with police";
  change.status = "investigating";
  change.severity = "critical";
  change.category = "ransomware";
  change.tlp = "red";
  change.assignee_user = std::nullopt;
  change.next_deadline = kT0 + 99;
  change.updated = kT0 + 50;
  change.json = R"({"changed":true})";
  change.participants = {{police, "police", kT0 + 50}};
  // Fields that never change through an update.
  change.owner_org = police;
  change.reporter_user = 99;
  change.stix_id = "incident--other";
  change.created = kT0 + 1000;
  std::vector<AuditRecord> events = {Record("incident.status", kT0 + 50, owner),
                                     Record("participant.add", kT0 + 50, owner)};
  auto updated = inc.UpdateIncident(change, events);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->rev, 2);
  EXPECT_EQ(updated->title, "Now with police");
  EXPECT_EQ(updated->status, "investigating");
  EXPECT_EQ(updated->severity, "critical");
  EXPECT_EQ(updated->category, "ransomware");
  EXPECT_EQ(updated->tlp, "red");
  EXPECT_EQ(updated->assignee_user, std::nullopt);
  EXPECT_EQ(updated->next_deadline, std::optional<Micros>(kT0 + 99));
  EXPECT_EQ(updated->updated, kT0 + 50);
  EXPECT_EQ(updated->json, R"({"changed":true})");
  ASSERT_EQ(updated->participants.size(), 1u);
  EXPECT_EQ(updated->participants[0].org_id, police);
  EXPECT_EQ(updated->owner_org, owner);
  EXPECT_EQ(updated->reporter_user, 7);
  EXPECT_EQ(updated->stix_id, "incident--1");
  EXPECT_EQ(updated->created, kT0);
  EXPECT_EQ(updated->timeline_head.seq, 3);
  auto timeline = Log(inc, stored.id, IncidentLog::kTimeline);
  ASSERT_EQ(timeline.size(), 3u);
  ExpectOneChain(timeline);
  EXPECT_EQ(timeline[1].action, "incident.status");
  EXPECT_EQ(timeline[2].action, "participant.add");
  EXPECT_EQ(timeline[2].hash, updated->timeline_head.hash);
  IncidentQuery q;
  q.visible_to_org = cert;
  EXPECT_THAT(ListIds(inc, q), IsEmpty()) << "a removed participant sees the case no more";
  q.visible_to_org = police;
  EXPECT_THAT(ListIds(inc, q), ElementsAre("incident--1"));
}

TEST_P(StoreContract, IncidentUpdateWithAStaleRevChangesNothing) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  IncidentRow stored = CreateCase(inc, Case(owner, "1"));
  IncidentRow first = stored;
  first.title = "first writer";
  ASSERT_TRUE(inc.UpdateIncident(first, std::vector{Record("edit", kT0)}).ok());

  IncidentRow stale = stored;  // still rev 1
  stale.title = "second writer";
  stale.participants = {{AddOrg("Police"), "police", kT0}};
  auto conflict = inc.UpdateIncident(stale, std::vector{Record("edit", kT0)});
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  auto now = inc.GetIncident("incident--1");
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->title, "first writer");
  EXPECT_EQ(now->rev, 2);
  EXPECT_THAT(now->participants, IsEmpty());
  EXPECT_EQ(now->timeline_head.seq, 2) << "no event of the refused update";
  EXPECT_EQ(Log(inc, stored.id, IncidentLog::kTimeline).size(), 2u);

  IncidentRow bad = *now;
  AuditRecord invalid = Record("edit", kT0);
  invalid.action.clear();
  bad.title = "with a bad event";
  EXPECT_EQ(inc.UpdateIncident(bad, std::vector{Record("ok", kT0), invalid}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(inc.GetIncident("incident--1")->title, "first writer") << "all or nothing";
  EXPECT_EQ(inc.GetIncident("incident--1")->timeline_head.seq, 2);

  IncidentRow missing = *now;
  missing.id = now->id + 1000;
  EXPECT_EQ(inc.UpdateIncident(missing, {}).error().code, ErrorCode::kNotFound);
}

// --- the two chains -------------------------------------------------------------

TEST_P(StoreContract, IncidentChainsArePerCaseAndLog) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  IncidentRow one = CreateCase(inc, Case(owner, "1"));
  IncidentRow two = CreateCase(inc, Case(owner, "2"));
  auto c1 = inc.AppendIncidentLog(one.id, IncidentLog::kCustody, Record("evidence.read", kT0));
  ASSERT_TRUE(c1.ok()) << c1.error().ToString();
  EXPECT_EQ(c1->seq, 1);
  EXPECT_EQ(c1->prev_hash, kAuditGenesisHash);
  EXPECT_EQ(c1->hash, AuditEntryHash(*c1));
  auto t2 = inc.AppendIncidentLog(one.id, IncidentLog::kTimeline, Record("comment", kT0 + 9));
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ(t2->seq, 2);
  auto late = inc.AppendIncidentLog(one.id, IncidentLog::kTimeline, Record("comment", kT0 + 1));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->time, kT0 + 9) << "time never goes back along a chain";
  EXPECT_EQ(late->hash, AuditEntryHash(*late));
  auto other = inc.AppendIncidentLog(two.id, IncidentLog::kTimeline, Record("comment", kT0));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->seq, 2) << "each case has its own chain";

  auto timeline = Log(inc, one.id, IncidentLog::kTimeline);
  ASSERT_EQ(timeline.size(), 3u);
  ExpectOneChain(timeline);
  EXPECT_EQ(timeline[2].detail, Record("comment", kT0).detail);
  EXPECT_EQ(timeline[2].actor_label, Record("comment", kT0).actor_label);
  auto custody = Log(inc, one.id, IncidentLog::kCustody);
  ASSERT_EQ(custody.size(), 1u);
  EXPECT_EQ(custody[0].action, "evidence.read");
  auto row = inc.GetIncident(std::to_string(one.id));
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->timeline_head.seq, 3);
  EXPECT_EQ(row->timeline_head.hash, timeline.back().hash);
  EXPECT_EQ(row->custody_head.seq, 1);
  EXPECT_EQ(row->custody_head.hash, custody[0].hash);

  auto page = inc.ListIncidentLog(one.id, IncidentLog::kTimeline, 1, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].seq, 2);

  AuditRecord bad = Record("comment", kT0);
  bad.remote_addr = std::string("a\0b", 3);
  EXPECT_EQ(inc.AppendIncidentLog(one.id, IncidentLog::kTimeline, bad).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(Log(inc, one.id, IncidentLog::kTimeline).size(), 3u);
  EXPECT_EQ(
      inc.AppendIncidentLog(two.id + 1000, IncidentLog::kTimeline, Record("x", kT0)).error().code,
      ErrorCode::kNotFound);
  EXPECT_EQ(
      inc.ListIncidentLog(two.id + 1000, IncidentLog::kCustody, std::nullopt, 10).error().code,
      ErrorCode::kNotFound);
}

// Threads on two Store instances (as with several servers) append to one
// case's chains at once: each chain stays gapless and linked.
TEST_P(StoreContract, IncidentConcurrentAppendsKeepEachChainGapless) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  IncidentRow row = CreateCase(inc, Case(owner, "1"));
  auto second = Open(db_);
  ASSERT_NE(second, nullptr);
  constexpr int kThreads = 6;
  constexpr int kPerThread = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 ? second.get() : store_.get();
    threads.emplace_back([&, t, store] {
      for (int i = 0; i < kPerThread; ++i) {
        AuditRecord r = Record("comment", kT0 + i, t);
        r.target = std::to_string(t) + "/" + std::to_string(i);
        const IncidentLog log = i % 3 == 0 ? IncidentLog::kCustody : IncidentLog::kTimeline;
        auto a = store->Incidents().AppendIncidentLog(row.id, log, r);
        if (!a.ok()) {
          ++failures;
          ADD_FAILURE() << a.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto timeline = Log(inc, row.id, IncidentLog::kTimeline);
  auto custody = Log(inc, row.id, IncidentLog::kCustody);
  ASSERT_EQ(timeline.size(), size_t{1 + kThreads * 10});
  ASSERT_EQ(custody.size(), size_t{kThreads * 5});
  ExpectOneChain(timeline);
  ExpectOneChain(custody);
  std::set<std::string> targets;
  for (const auto& e : timeline) targets.insert(e.target);
  for (const auto& e : custody) targets.insert(e.target);
  EXPECT_EQ(targets.size(), size_t{kThreads * kPerThread + 1}) << "every append stored once";
  auto stored = inc.GetIncident("incident--1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->timeline_head.hash, timeline.back().hash);
  EXPECT_EQ(stored->custody_head.hash, custody.back().hash);
}

// --- evidence ------------------------------------------------------------------

TEST_P(StoreContract, IncidentEvidenceRoundTripsByteExactWithItsCustodyEntry) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  IncidentRow row = CreateCase(inc, Case(owner, "1"));
  const std::string data = std::string("line one\n\0binary\xff\x00tail", 22);
  EvidenceMeta meta = Meta(row.id, data);
  meta.uuid = "0d9c6a52-5c4b-4f0b-9d8e-1c2b3a4d5e6f";
  AuditRecord custody = Record("evidence.acquire", kT0 + 5, owner);
  custody.target = meta.uuid;
  auto added = inc.AddEvidence(meta, data, custody, Record("evidence.add", kT0 + 5, owner));
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->uuid, meta.uuid);
  EXPECT_EQ(added->sha256, Sha256Hex(data));

  for (const std::string& key : {std::to_string(added->id), meta.uuid}) {
    auto file = inc.ReadEvidence(key);
    ASSERT_TRUE(file.ok()) << file.error().ToString();
    EXPECT_EQ(file->data, data) << "byte-exact, NULs included";
    EXPECT_EQ(file->meta.id, added->id);
    EXPECT_EQ(file->meta.incident_id, row.id);
    EXPECT_EQ(file->meta.file_name, "report.txt");
    EXPECT_EQ(file->meta.media_type, "text/plain");
    EXPECT_EQ(file->meta.description, "what the officer saw");
    EXPECT_EQ(file->meta.size, 22);
    EXPECT_EQ(file->meta.sha256, Sha256Hex(data));
    EXPECT_EQ(file->meta.acquired, kT0 + 5);
    EXPECT_EQ(file->meta.acquired_by_user, 7);
    EXPECT_EQ(file->meta.acquired_by_org, 1);
  }
  EXPECT_EQ(inc.ReadEvidence("no-such-uuid").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(inc.ReadEvidence("424242").error().code, ErrorCode::kNotFound);

  auto custody_log = Log(inc, row.id, IncidentLog::kCustody);
  ASSERT_EQ(custody_log.size(), 1u);
  EXPECT_EQ(custody_log[0].action, "evidence.acquire");
  EXPECT_EQ(custody_log[0].target, meta.uuid);
  auto timeline = Log(inc, row.id, IncidentLog::kTimeline);
  ASSERT_EQ(timeline.size(), 2u);
  EXPECT_EQ(timeline[1].action, "evidence.add");
  auto stored = inc.GetIncident("incident--1");
  EXPECT_EQ(stored->custody_head.hash, custody_log[0].hash);
  EXPECT_EQ(stored->timeline_head.hash, timeline[1].hash);

  // A second file gets a uuid; the list holds metadata in id order.
  const std::string empty;
  auto second = inc.AddEvidence(Meta(row.id, empty, "empty.bin"), empty,
                                Record("evidence.acquire", kT0), Record("evidence.add", kT0));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_TRUE(IsUuid(second->uuid));
  auto listed = inc.ListEvidence(row.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].uuid, meta.uuid);
  EXPECT_EQ((*listed)[1].file_name, "empty.bin");
  EXPECT_EQ((*listed)[1].size, 0);
  EXPECT_EQ(inc.ReadEvidence(second->uuid)->data, "");
  EXPECT_THAT(*inc.ListEvidence(CreateCase(inc, Case(owner, "2")).id), IsEmpty());
  EXPECT_EQ(inc.ListEvidence(row.id + 1000).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, IncidentEvidenceThatDoesNotMatchItsHashOrSizeIsRefusedAndNothingStored) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  IncidentRow row = CreateCase(inc, Case(owner, "1"));
  const std::string data = "the real bytes";
  EvidenceMeta wrong_hash = Meta(row.id, data);
  wrong_hash.sha256 = Sha256Hex("other bytes");
  EvidenceMeta wrong_size = Meta(row.id, data);
  wrong_size.size += 1;
  EvidenceMeta taken = Meta(row.id, data);
  for (const EvidenceMeta& m : {wrong_hash, wrong_size}) {
    auto r = inc.AddEvidence(m, data, Record("evidence.acquire", kT0), Record("add", kT0));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
  AuditRecord bad = Record("evidence.acquire", kT0);
  bad.detail = "not json";
  EXPECT_EQ(inc.AddEvidence(taken, data, bad, Record("add", kT0)).error().code,
            ErrorCode::kInvalidArgument);
  EvidenceMeta orphan = Meta(row.id + 1000, data);
  EXPECT_EQ(inc.AddEvidence(orphan, data, Record("evidence.acquire", kT0), Record("add", kT0))
                .error()
                .code,
            ErrorCode::kNotFound);
  EXPECT_THAT(*inc.ListEvidence(row.id), IsEmpty());
  EXPECT_THAT(Log(inc, row.id, IncidentLog::kCustody), IsEmpty());
  EXPECT_EQ(Log(inc, row.id, IncidentLog::kTimeline).size(), 1u);

  // Upper-case hex is the same hash; it is stored lower case.
  EvidenceMeta upper = Meta(row.id, data);
  std::transform(upper.sha256.begin(), upper.sha256.end(), upper.sha256.begin(), ::toupper);
  upper.uuid = "4a5b6c7d-1111-4222-8333-944455566677";
  auto ok = inc.AddEvidence(upper, data, Record("evidence.acquire", kT0), Record("add", kT0));
  ASSERT_TRUE(ok.ok()) << ok.error().ToString();
  EXPECT_EQ(inc.ReadEvidence(upper.uuid)->meta.sha256, Sha256Hex(data));
  auto dup = inc.AddEvidence(upper, data, Record("evidence.acquire", kT0), Record("add", kT0));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(inc.ListEvidence(row.id)->size(), 1u);
  EXPECT_EQ(Log(inc, row.id, IncidentLog::kCustody).size(), 1u);
}

TEST_P(StoreContract, IncidentLargeEvidenceRoundTrips) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  IncidentRow row = CreateCase(inc, Case(owner, "1"));
  std::string data(5 * 1024 * 1024, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131) ^ (i >> 9));
  auto added = inc.AddEvidence(Meta(row.id, data, "capture.pcap"), data,
                               Record("evidence.acquire", kT0), Record("add", kT0));
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  auto file = inc.ReadEvidence(added->uuid);
  ASSERT_TRUE(file.ok()) << file.error().ToString();
  EXPECT_EQ(file->data.size(), data.size());
  EXPECT_TRUE(file->data == data);
  EXPECT_EQ(Sha256Hex(file->data), added->sha256);
}

// --- packages ----------------------------------------------------------------

TEST_P(StoreContract, IncidentPackagesStoreTheirZipAndAreAcknowledgedOnce) {
  IncidentStore& inc = store_->Incidents();
  const int64_t owner = AddOrg("CEC");
  const int64_t police = AddOrg("Police");
  IncidentRow row = CreateCase(inc, Case(owner, "1"));
  const std::string zip = std::string("PK\x03\x04\0\0zip bytes", 16);
  PackageRow p;
  p.incident_id = row.id;
  p.recipient_org = police;
  p.created_by_user = 7;
  p.created = kT0 + 10;
  p.sha256 = Sha256Hex(zip);
  p.manifest_json = R"({"files":[]})";
  std::vector<AuditRecord> custody = {Record("evidence.export", kT0 + 10, owner),
                                      Record("evidence.export", kT0 + 10, owner)};
  auto added = inc.AddPackage(p, zip, custody, Record("package.create", kT0 + 10, owner));
  ASSERT_TRUE(added.ok()) << added.error().ToString();
  EXPECT_GT(added->id, 0);
  EXPECT_TRUE(IsUuid(added->uuid));
  EXPECT_EQ(added->size, 16);
  EXPECT_EQ(Log(inc, row.id, IncidentLog::kCustody).size(), 2u);
  EXPECT_EQ(Log(inc, row.id, IncidentLog::kTimeline).size(), 2u);

  for (const std::string& key : {std::to_string(added->id), added->uuid}) {
    auto file = inc.ReadPackage(key);
    ASSERT_TRUE(file.ok()) << file.error().ToString();
    EXPECT_EQ(file->zip, zip);
    EXPECT_EQ(file->row.incident_id, row.id);
    EXPECT_EQ(file->row.recipient_org, police);
    EXPECT_EQ(file->row.created_by_user, 7);
    EXPECT_EQ(file->row.created, kT0 + 10);
    EXPECT_EQ(file->row.sha256, Sha256Hex(zip));
    EXPECT_EQ(file->row.manifest_json, R"({"files":[]})");
    EXPECT_FALSE(file->row.acknowledged);
  }
  EXPECT_EQ(inc.ReadPackage("nope").error().code, ErrorCode::kNotFound);

  PackageRow mismatched = p;
  mismatched.sha256 = Sha256Hex("another zip");
  EXPECT_EQ(inc.AddPackage(mismatched, zip, {}, Record("package.create", kT0)).error().code,
            ErrorCode::kInvalidArgument);
  PackageRow second = p;
  second.sha256.clear();  // computed
  auto other = inc.AddPackage(second, "zip two", {}, Record("package.create", kT0));
  ASSERT_TRUE(other.ok()) << other.error().ToString();
  EXPECT_EQ(other->sha256, Sha256Hex("zip two"));

  PackageQuery q;
  auto ids = [&](const PackageQuery& query) {
    std::vector<int64_t> out;
    auto r = inc.ListPackages(query);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (r.ok()) {
      for (const auto& row : *r) out.push_back(row.id);
    }
    return out;
  };
  EXPECT_THAT(ids(q), ElementsAre(other->id, added->id)) << "newest first";
  q.recipient_org = owner;
  EXPECT_THAT(ids(q), IsEmpty());
  q.recipient_org = police;
  q.acknowledged = false;
  EXPECT_THAT(ids(q), ElementsAre(other->id, added->id));

  auto ack = inc.AcknowledgePackage(added->id, 55, kT0 + 20,
                                    Record("package.acknowledge", kT0 + 20, police));
  ASSERT_TRUE(ack.ok()) << ack.error().ToString();
  EXPECT_EQ(ack->acknowledged, std::optional<Micros>(kT0 + 20));
  EXPECT_EQ(ack->acknowledged_by_user, std::optional<int64_t>(55));
  EXPECT_THAT(ids(q), ElementsAre(other->id));
  q.acknowledged = true;
  EXPECT_THAT(ids(q), ElementsAre(added->id));
  q = {};
  q.incident_id = row.id;
  q.limit = 1;
  EXPECT_THAT(ids(q), ElementsAre(other->id));
  auto timeline = Log(inc, row.id, IncidentLog::kTimeline);
  ASSERT_EQ(timeline.size(), 4u);
  EXPECT_EQ(timeline.back().action, "package.acknowledge");
  ExpectOneChain(timeline);

  auto twice = inc.AcknowledgePackage(added->id, 56, kT0 + 30, Record("again", kT0 + 30));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, ErrorCode::kConflict);
  EXPECT_EQ(inc.ReadPackage(added->uuid)->row.acknowledged_by_user, std::optional<int64_t>(55));
  EXPECT_EQ(Log(inc, row.id, IncidentLog::kTimeline).size(), 4u);
  EXPECT_EQ(inc.AcknowledgePackage(999999, 1, kT0, Record("x", kT0)).error().code,
            ErrorCode::kNotFound);
}

// --- reporting-clock rules ------------------------------------------------------

TEST_P(StoreContract, IncidentReportingRulesAreReplacedPerCountryAndCategory) {
  IncidentStore& inc = store_->Incidents();
  auto id1 = inc.PutReportingRule({0, "", "", R"({"early":24})", kT0});
  auto id2 = inc.PutReportingRule({0, "MD", "", R"({"early":12})", kT0});
  auto id3 = inc.PutReportingRule({0, "MD", "ddos", R"({"early":6})", kT0});
  ASSERT_TRUE(id1.ok() && id2.ok() && id3.ok());
  auto replaced = inc.PutReportingRule({0, "MD", "", R"({"early":8})", kT0 + 1});
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(*replaced, *id2) << "same (country, category): same rule";
  auto rules = inc.ListReportingRules();
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 3u);
  std::map<std::string, ReportingRuleRow> by_key;
  for (const auto& r : *rules) by_key[r.country + "/" + r.category] = r;
  EXPECT_EQ(by_key["MD/"].json, R"({"early":8})");
  EXPECT_EQ(by_key["MD/"].updated, kT0 + 1);
  EXPECT_EQ(by_key["/"].json, R"({"early":24})");
  EXPECT_EQ(by_key["MD/ddos"].id, *id3);
  ASSERT_TRUE(inc.DeleteReportingRule(*id3).ok());
  EXPECT_EQ(inc.ListReportingRules()->size(), 2u);
  EXPECT_EQ(inc.DeleteReportingRule(*id3).error().code, ErrorCode::kNotFound);
}

// --- notifications -------------------------------------------------------------

TEST_P(StoreContract, IncidentNotificationsAreListedPerUserAndMarkedRead) {
  IncidentStore& inc = store_->Incidents();
  const int64_t org = AddOrg("CEC");
  const int64_t ana = AddUser(org, "ana");
  const int64_t bob = AddUser(org, "bob");
  std::vector<Notification> items(3);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].user_id = i == 1 ? bob : ana;
    items[i].created = kT0 + static_cast<Micros>(i);
    items[i].kind = "incident.assigned";
    items[i].subject_id = "incident--" + std::to_string(i);
    items[i].title = "Case " + std::to_string(i);
    items[i].json = R"({"i":)" + std::to_string(i) + "}";
  }
  items[2].json = "";  // stored as {}
  auto ids = inc.AddNotifications(items);
  ASSERT_TRUE(ids.ok()) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_LT((*ids)[0], (*ids)[1]);
  EXPECT_LT((*ids)[1], (*ids)[2]);

  auto mine = inc.ListNotifications(ana, false, std::nullopt, 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].id, (*ids)[2]) << "newest first";
  EXPECT_EQ((*mine)[0].json, "{}");
  EXPECT_EQ((*mine)[1].title, "Case 0");
  EXPECT_EQ((*mine)[1].kind, "incident.assigned");
  EXPECT_EQ((*mine)[1].subject_id, "incident--0");
  EXPECT_EQ((*mine)[1].json, R"({"i":0})");
  EXPECT_EQ((*mine)[1].created, kT0);
  EXPECT_FALSE((*mine)[1].read);

  ASSERT_TRUE(inc.MarkNotificationRead(ana, (*ids)[0], kT0 + 50).ok());
  ASSERT_TRUE(inc.MarkNotificationRead(ana, (*ids)[0], kT0 + 60).ok()) << "again is fine";
  auto unread = inc.ListNotifications(ana, true, std::nullopt, 10);
  ASSERT_TRUE(unread.ok());
  ASSERT_EQ(unread->size(), 1u);
  EXPECT_EQ((*unread)[0].id, (*ids)[2]);
  auto read = inc.ListNotifications(ana, false, std::nullopt, 10);
  EXPECT_EQ((*read)[1].read, std::optional<Micros>(kT0 + 50)) << "the first read time stays";

  EXPECT_EQ(inc.MarkNotificationRead(ana, (*ids)[1], kT0).error().code, ErrorCode::kNotFound)
      << "another user's";
  EXPECT_FALSE(inc.ListNotifications(bob, false, std::nullopt, 10)->front().read);
  EXPECT_EQ(inc.MarkNotificationRead(ana, 999999, kT0).error().code, ErrorCode::kNotFound);

  // after_id: only newer ones, oldest first (a stream catching up).
  std::vector<Notification> more(2, items[0]);
  auto more_ids = inc.AddNotifications(more);
  ASSERT_TRUE(more_ids.ok());
  auto after = inc.ListNotifications(ana, false, (*ids)[0], 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0].id, (*ids)[2]);
  EXPECT_EQ((*after)[1].id, (*more_ids)[0]);
  EXPECT_EQ((*after)[2].id, (*more_ids)[1]);
  auto limited = inc.ListNotifications(ana, false, std::nullopt, 1);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ(limited->front().id, (*more_ids)[1]);

  std::vector<Notification> orphan(1, items[0]);
  orphan[0].user_id = 999999;
  EXPECT_FALSE(inc.AddNotifications(orphan).ok());
  EXPECT_EQ(inc.ListNotifications(ana, false, std::nullopt, 100)->size(), 4u)
      << "a refused batch stores nothing";
}

// The feed the live stream follows: every user's notifications after an id,
// in id order.
TEST_P(StoreContract, IncidentNotificationsAfterFollowsEveryUsersInIdOrder) {
  IncidentStore& inc = store_->Incidents();
  auto last = inc.LastNotificationId();
  ASSERT_TRUE(last.ok()) << last.error().ToString();
  EXPECT_EQ(*last, 0) << "none yet";
  EXPECT_THAT(*inc.NotificationsAfter(0, 10), IsEmpty());
  const int64_t org = AddOrg("CEC");
  const int64_t ana = AddUser(org, "ana");
  const int64_t bob = AddUser(org, "bob");
  std::vector<Notification> items(4);
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].user_id = i % 2 ? bob : ana;
    items[i].created = kT0;
    items[i].kind = "incident.reported";
    items[i].title = "N" + std::to_string(i);
  }
  auto ids = inc.AddNotifications(items);
  ASSERT_TRUE(ids.ok()) << ids.error().ToString();
  EXPECT_EQ(*inc.LastNotificationId(), (*ids)[3]);
  auto all = inc.NotificationsAfter(0, 10);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*all)[i].id, (*ids)[i]);
    EXPECT_EQ((*all)[i].user_id, items[i].user_id) << "every user's";
    EXPECT_EQ((*all)[i].title, items[i].title);
  }
  auto page = inc.NotificationsAfter((*ids)[0], 2);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, (*ids)[1]);
  EXPECT_EQ((*page)[1].id, (*ids)[2]);
  EXPECT_THAT(*inc.NotificationsAfter((*ids)[3], 10), IsEmpty());
}

// Writers on two stores add notifications while a reader follows the feed
// from the highest id it has seen: it sees every one, none twice.
TEST_P(StoreContract, IncidentNotificationsAfterMissesNoneWhileOthersWrite) {
  const int64_t org = AddOrg("CEC");
  const int64_t ana = AddUser(org, "ana");
  auto second = Open(db_);
  ASSERT_NE(second, nullptr);
  constexpr int kPerWriter = 40;
  std::atomic<int> writing{4};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    Store* store = t % 2 ? second.get() : store_.get();
    writers.emplace_back([&, store] {
      Notification n;
      n.user_id = ana;
      n.created = kT0;
      n.kind = "incident.reported";
      n.title = "race";
      for (int i = 0; i < kPerWriter; ++i) {
        auto r = store->Incidents().AddNotifications(std::span(&n, 1));
        if (!r.ok()) ADD_FAILURE() << r.error().ToString();
      }
      --writing;
    });
  }
  std::set<int64_t> seen;
  int64_t after = 0;
  bool done = false;
  while (!done) {
    done = writing.load() == 0;  // one more round after the writers finish
    auto got = store_->Incidents().NotificationsAfter(after, 7);
    ASSERT_TRUE(got.ok()) << got.error().ToString();
    for (const auto& n : *got) {
      EXPECT_TRUE(seen.insert(n.id).second) << "twice: " << n.id;
      EXPECT_GT(n.id, after);
      after = n.id;
    }
    if (got->size() == 7) done = false;
  }
  for (auto& t : writers) t.join();
  EXPECT_EQ(seen.size(), size_t{4 * kPerWriter});
}

TEST_P(StoreContract, IncidentClaimOnceIsTrueOnceAcrossStores) {
  IncidentStore& inc = store_->Incidents();
  auto second = Open(db_);
  ASSERT_NE(second, nullptr);
  auto first = inc.ClaimOnce("clock:incident--1:early:due-soon", kT0);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*inc.ClaimOnce("clock:incident--1:early:due-soon", kT0 + 1));
  EXPECT_FALSE(*second->Incidents().ClaimOnce("clock:incident--1:early:due-soon", kT0 + 2));
  EXPECT_TRUE(*second->Incidents().ClaimOnce("clock:incident--1:final:due-soon", kT0));

  // Many threads race for one key: exactly one wins.
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    Store* store = t % 2 ? second.get() : store_.get();
    threads.emplace_back([&, store] {
      auto r = store->Incidents().ClaimOnce("race", kT0);
      if (r.ok() && *r) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

// --- webhooks and deliveries -----------------------------------------------------

TEST_P(StoreContract, IncidentWebhooksPerOrganisation) {
  IncidentStore& inc = store_->Incidents();
  const int64_t a = AddOrg("A");
  const int64_t b = AddOrg("B");
  Webhook hook{0,    a,  "https://chat.example/a", "s3cret", {"incident.created", "clock.overdue"},
               true, kT0};
  auto h1 = inc.AddWebhook(hook);
  ASSERT_TRUE(h1.ok()) << h1.error().ToString();
  hook.org_id = b;
  hook.events = {};
  hook.enabled = false;
  hook.url = "https://soar.example/b";
  auto h2 = inc.AddWebhook(hook);
  ASSERT_TRUE(h2.ok());
  auto all = inc.ListWebhooks(std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *h1);
  EXPECT_EQ((*all)[0].url, "https://chat.example/a");
  EXPECT_EQ((*all)[0].secret, "s3cret");
  EXPECT_THAT((*all)[0].events, ElementsAre("incident.created", "clock.overdue"));
  EXPECT_TRUE((*all)[0].enabled);
  EXPECT_EQ((*all)[0].created, kT0);
  EXPECT_THAT((*all)[1].events, IsEmpty());
  EXPECT_FALSE((*all)[1].enabled);
  auto of_b = inc.ListWebhooks(b);
  ASSERT_EQ(of_b->size(), 1u);
  EXPECT_EQ(of_b->front().id, *h2);
  ASSERT_TRUE(inc.DeleteWebhook(*h1).ok());
  EXPECT_THAT(*inc.ListWebhooks(a), IsEmpty());
  EXPECT_EQ(inc.DeleteWebhook(*h1).error().code, ErrorCode::kNotFound);
  hook.org_id = b + 100;
  EXPECT_EQ(inc.AddWebhook(hook).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, IncidentDeliveriesAreClaimedLeasedCompletedRetriedAndGivenUp) {
  IncidentStore& inc = store_->Incidents();
  std::vector<DeliveryRow> rows = {Delivery("e1", kT0), Delivery("e2", kT0 + 10),
                                   Delivery("e3", kT0 + 1000)};
  rows[1].channel = "email";
  rows[1].target = "officer@cec.example";
  rows[1].webhook_id = 0;
  auto ids = inc.EnqueueDeliveries(rows);
  ASSERT_TRUE(ids.ok()) << ids.error().ToString();
  ASSERT_EQ(ids->size(), 3u);

  auto claimed = inc.ClaimDeliveries(kT0 + 10, 10, kT0 + 500);
  ASSERT_TRUE(claimed.ok()) << claimed.error().ToString();
  ASSERT_EQ(claimed->size(), 2u) << "only those due";
  EXPECT_EQ((*claimed)[0].id, (*ids)[0]);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_EQ((*claimed)[0].next_attempt, kT0 + 500) << "held until the lease ends";
  EXPECT_EQ((*claimed)[0].body, R"({"event":"e1"})");
  EXPECT_EQ((*claimed)[0].event_id, "e1");
  EXPECT_EQ((*claimed)[0].event_kind, "incident.created");
  EXPECT_EQ((*claimed)[0].subject, "subject e1");
  EXPECT_EQ((*claimed)[0].status, "pending");
  EXPECT_EQ((*claimed)[1].channel, "email");
  EXPECT_EQ((*claimed)[1].target, "officer@cec.example");
  EXPECT_EQ((*claimed)[1].webhook_id, 0);
  EXPECT_THAT(*inc.ClaimDeliveries(kT0 + 20, 10, kT0 + 600), IsEmpty()) << "held by a lease";

  // A claimer that died: the lease runs out and the row comes back.
  auto again = inc.ClaimDeliveries(kT0 + 500, 1, kT0 + 900);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].id, (*ids)[0]);
  EXPECT_EQ((*again)[0].attempts, 2);

  ASSERT_TRUE(inc.CompleteDelivery((*ids)[0], true, "", std::nullopt).ok());
  ASSERT_TRUE(inc.CompleteDelivery((*ids)[1], false, "connection refused", kT0 + 700).ok());
  auto sent = inc.ListDeliveries("sent", 10);
  ASSERT_EQ(sent->size(), 1u);
  EXPECT_EQ(sent->front().id, (*ids)[0]);
  EXPECT_EQ(sent->front().last_error, "");
  auto pending = inc.ListDeliveries("pending", 10);
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].id, (*ids)[2]) << "newest first";
  EXPECT_EQ((*pending)[1].last_error, "connection refused");
  EXPECT_EQ((*pending)[1].next_attempt, kT0 + 700);
  EXPECT_THAT(*inc.ClaimDeliveries(kT0 + 699, 10, kT0 + 2000), IsEmpty());
  auto retry = inc.ClaimDeliveries(kT0 + 700, 10, kT0 + 2000);
  ASSERT_EQ(retry->size(), 1u);
  EXPECT_EQ((*retry)[0].id, (*ids)[1]);
  EXPECT_EQ((*retry)[0].attempts, 2);

  ASSERT_TRUE(inc.CompleteDelivery((*ids)[1], false, "mailbox full", std::nullopt).ok());
  auto failed = inc.ListDeliveries("failed", 10);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ(failed->front().last_error, "mailbox full");
  EXPECT_THAT(*inc.ClaimDeliveries(kT0 + 100000, 10, kT0 + 200000),
              ElementsAre(::testing::Field(&DeliveryRow::id, (*ids)[2])))
      << "a given-up delivery is never claimed again";
  EXPECT_EQ(inc.ListDeliveries("", 10)->size(), 3u);
  EXPECT_EQ(inc.ListDeliveries("", 2)->size(), 2u);
  EXPECT_EQ(inc.CompleteDelivery(999999, true, "", std::nullopt).error().code,
            ErrorCode::kNotFound);
}

// Claimers on two Store instances (as on two servers) race for one queue:
// every delivery is claimed exactly once.
TEST_P(StoreContract, IncidentConcurrentClaimersNeverGetTheSameDelivery) {
  IncidentStore& inc = store_->Incidents();
  constexpr int kRows = 120;
  std::vector<DeliveryRow> rows;
  for (int i = 0; i < kRows; ++i) rows.push_back(Delivery("e" + std::to_string(i), kT0));
  ASSERT_TRUE(inc.EnqueueDeliveries(rows).ok());
  auto second = Open(db_);
  ASSERT_NE(second, nullptr);
  std::mutex mu;
  std::map<int64_t, int> claims;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    Store* store = t % 2 ? second.get() : store_.get();
    threads.emplace_back([&, store] {
      for (;;) {
        auto got = store->Incidents().ClaimDeliveries(kT0, 3, kT0 + 1'000'000);
        if (!got.ok()) {
          ++failures;
          ADD_FAILURE() << got.error().ToString();
          return;
        }
        if (got->empty()) return;
        std::lock_guard lock(mu);
        for (const auto& d : *got) ++claims[d.id];
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(claims.size(), size_t{kRows});
  for (const auto& [id, n] : claims) EXPECT_EQ(n, 1) << "delivery " << id;
}

}  // namespace ecrn::store::contract
