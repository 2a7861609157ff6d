// The Store contract, continued: what the hub needs (TAXII collection ids,
// visibility filtering, version selection, submitters, TOTP steps, sessions,
// TAXII status resources, server secrets). Included by each backend's test
// file next to store_contract.hpp. Tests only.
#pragma once

#include "ecrn/store/store_contract.hpp"

namespace ecrn::store::contract {

// --- channels as TAXII collections -------------------------------------------

TEST_P(StoreContract, ChannelsGetAUniqueCollectionUuidAndAreFoundByIt) {
  int64_t a = AddChannel("a");
  int64_t b = AddChannel("b");
  auto ca = store_->FindChannel("a");
  auto cb = store_->FindChannel("b");
  ASSERT_TRUE(ca.ok() && cb.ok());
  EXPECT_EQ(ca->uuid.size(), 36u);
  EXPECT_NE(ca->uuid, cb->uuid);
  auto by_uuid = store_->FindChannel(cb->uuid);
  ASSERT_TRUE(by_uuid.ok()) << by_uuid.error().ToString();
  EXPECT_EQ(by_uuid->id, b);
  EXPECT_EQ(store_->FindChannel(ca->uuid)->id, a);

  Channel given;
  given.name = "given";
  given.uuid = "6f1a3c1e-3d7b-4c1e-9a4e-2f8c0b5d7e90";
  given.created = kT0;
  ASSERT_TRUE(store_->AddChannel(given).ok());
  EXPECT_EQ(store_->FindChannel("given")->uuid, given.uuid);
  given.name = "clash";
  EXPECT_EQ(store_->AddChannel(given).error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(store_->FindChannel("00000000-0000-4000-8000-000000000000").error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContract, MembershipsOfOneOrganisation) {
  int64_t a = AddOrg("A");
  int64_t b = AddOrg("B");
  int64_t c1 = AddChannel("c1");
  int64_t c2 = AddChannel("c2");
  ASSERT_TRUE(store_->Grant({c1, a, true, false}).ok());
  ASSERT_TRUE(store_->Grant({c2, a, true, true}).ok());
  ASSERT_TRUE(store_->Grant({c2, b, true, false}).ok());
  auto m = store_->ListOrgMemberships(a);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].channel_id, c1);
  EXPECT_FALSE((*m)[0].can_write);
  EXPECT_EQ((*m)[1].channel_id, c2);
  EXPECT_TRUE((*m)[1].can_write);
  EXPECT_THAT(*store_->ListOrgMemberships(AddOrg("C")), IsEmpty());
}

// --- visibility --------------------------------------------------------------

TEST_P(StoreContract, VisibilityLimitsChannelsAndRedToRecipients) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t bob = AddUser(org, "bob");
  int64_t a = AddChannel("a");
  int64_t b = AddChannel("b");
  NewObject red = Indicator("red", 0, "identity--A", "red");
  red.red_recipients = {alice};
  Insert(a, {Indicator("green-a"), red}, kT0);
  Insert(b, {Indicator("green-b")}, kT0);

  ObjectQuery q;
  q.visible_to = Visibility{{a}, alice};
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--green-a", "indicator--red"));
  q.visible_to = Visibility{{a}, bob};
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--green-a"));
  q.visible_to = Visibility{{a, b}, bob};
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--green-a", "indicator--green-b"));
  q.visible_to = Visibility{{}, alice};
  EXPECT_THAT(Query(q), IsEmpty());
  // Asking for the RED object by id or by TLP does not reveal it either.
  q.visible_to = Visibility{{a, b}, bob};
  q.ids = {"indicator--red"};
  EXPECT_THAT(Query(q), IsEmpty());
  q.ids.clear();
  q.tlps = {"red"};
  EXPECT_THAT(Query(q), IsEmpty());
}

TEST_P(StoreContract, LatestVersionIsTheLatestVisibleOne) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t bob = AddUser(org, "bob");
  int64_t ch = AddChannel("c");
  NewObject v1 = Indicator("x", 1, "identity--A", "green");
  NewObject v2 = Indicator("x", 2, "identity--A", "red");
  v2.red_recipients = {alice};
  Insert(ch, {v1, v2}, kT0);
  ObjectQuery q;
  q.visible_to = Visibility{{ch}, bob};
  auto rows = Query(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].modified, v1.modified);
  q.visible_to = Visibility{{ch}, alice};
  rows = Query(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].modified, v2.modified);
}

// --- version selection, spec_version ----------------------------------------

TEST_P(StoreContract, VersionSelectors) {
  int64_t ch = AddChannel("c");
  Insert(ch, {Indicator("x", 1), Indicator("x", 2), Indicator("x", 3), Indicator("y", 5)}, kT0);
  auto modified = [&](const ObjectQuery& q) {
    std::vector<std::string> out;
    for (const auto& o : Query(q)) out.push_back(o.stix_id + "@" + std::to_string(o.modified));
    return out;
  };
  auto at = [](const std::string& id, int version) {
    return "indicator--" + id + "@" + std::to_string(kT0 + int64_t{version} * 1'000'000);
  };
  ObjectQuery q;
  EXPECT_THAT(modified(q), ElementsAre(at("x", 3), at("y", 5)));
  q.last_version = false;
  q.first_version = true;
  EXPECT_THAT(modified(q), ElementsAre(at("x", 1), at("y", 5)));
  q.last_version = true;
  EXPECT_THAT(modified(q), ElementsAre(at("x", 1), at("x", 3), at("y", 5)));
  q.first_version = false;
  q.last_version = false;
  q.versions = {kT0 + 2'000'000};
  EXPECT_THAT(modified(q), ElementsAre(at("x", 2)));
  q.versions.clear();
  EXPECT_THAT(modified(q), IsEmpty());
  q.all_versions = true;
  EXPECT_EQ(modified(q).size(), 4u);
}

// The same selectors when ids are named (the lookup TAXII POST's existence
// check and GET of one object make): still per channel and per reader, the
// first and latest among the versions that match.
TEST_P(StoreContract, VersionSelectorsById) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t bob = AddUser(org, "bob");
  int64_t c1 = AddChannel("one");
  int64_t c2 = AddChannel("two");
  NewObject newest = Indicator("x", 4, "identity--a", "red");
  newest.red_recipients = {alice};
  Insert(c1, {Indicator("x", 2), Indicator("x", 3), newest, Indicator("y", 5)}, kT0);
  Insert(c2, {Indicator("x", 1), Indicator("x", 9)}, kT0 + 10);
  auto versions = [&](const ObjectQuery& q) {
    std::vector<std::string> out;
    for (const auto& o : Query(q)) {
      out.push_back(o.stix_id.substr(11) + "@" + std::to_string((o.modified - kT0) / 1'000'000) +
                    (o.channel_id == c1 ? "/one" : "/two"));
    }
    return out;
  };
  ObjectQuery q;
  q.ids = {"indicator--x"};
  q.channel_id = c1;
  EXPECT_THAT(versions(q), ElementsAre("x@4/one"));
  q.visible_to = Visibility{{c1, c2}, bob};  // bob may not read the RED version
  EXPECT_THAT(versions(q), ElementsAre("x@3/one"));
  q.last_version = false;
  q.first_version = true;
  EXPECT_THAT(versions(q), ElementsAre("x@2/one"));
  q.channel_id.reset();
  EXPECT_THAT(versions(q), ElementsAre("x@2/one", "x@1/two"));
  q.visible_to = Visibility{{c2}, bob};
  EXPECT_THAT(versions(q), ElementsAre("x@1/two"));
  q.first_version = false;
  q.last_version = true;
  q.ids = {"indicator--x", "indicator--y"};
  q.visible_to = Visibility{{c1}, alice};
  EXPECT_THAT(versions(q), ElementsAre("x@4/one", "y@5/one"));
}

// Queries built at run time may be reused (SQLite caches their statements):
// each run binds its own values, and many distinct queries in a row still
// answer correctly.
TEST_P(StoreContract, RepeatedAndManyDistinctQueries) {
  int64_t ch = AddChannel("c");
  std::vector<NewObject> objects;
  for (int i = 0; i < 100; ++i) objects.push_back(Indicator(std::to_string(i)));
  Insert(ch, objects, kT0);
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 100; ++i) {
      ObjectQuery q;
      q.channel_id = ch;
      // i + 1 ids: a different SQL text each time.
      for (int k = 0; k <= i; ++k) q.ids.push_back("indicator--" + std::to_string((k + i) % 100));
      ASSERT_EQ(Query(q).size(), static_cast<size_t>(i + 1)) << "round " << round << " i " << i;
      ObjectQuery one;
      one.channel_id = ch;
      one.ids = {"indicator--" + std::to_string(i)};
      EXPECT_THAT(Ids(Query(one)), ElementsAre("indicator--" + std::to_string(i)));
    }
  }
}

TEST_P(StoreContract, SpecVersionFilter) {
  int64_t ch = AddChannel("c");
  NewObject old = Indicator("old");
  old.spec_version = "2.0";
  Insert(ch, {old, Indicator("new")}, kT0);
  ObjectQuery q;
  q.spec_versions = {"2.0"};
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--old"));
  q.spec_versions = {"2.1", "2.0"};
  EXPECT_EQ(Query(q).size(), 2u);
}

// --- search ---------------------------------------------------------------------

TEST_P(StoreContract, TextObservableAndNewestFirst) {
  int64_t ch = AddChannel("c");
  NewObject a = Indicator("a");  // name: "quote \" and backslash \\ and {braces}, commas"
  NewObject b = Domain("Results-Site.example");
  NewObject c = Indicator("c");
  c.json = R"({"type":"indicator","id":"indicator--c","name":"Phishing of the CEC",)"
           R"("description":"Lure mails about POLLING stations"})";
  Insert(ch, {a, b, c}, kT0);
  ObjectQuery q;
  q.text = "polling";
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--c"));
  q.text = "phishing OF";
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--c"));
  q.text = "BRACES";
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--a"));
  q.text = "indicator";  // a key or type, not in a name or description
  EXPECT_THAT(Query(q), IsEmpty());
  q.text.reset();
  q.observables = std::vector<Observable>{{"domain-name", "Results-Site.example"}};
  EXPECT_THAT(Ids(Query(q)), ElementsAre("domain-name--Results-Site.example"));
  q.observables = std::vector<Observable>{{"url", "Results-Site.example"}};  // the kind counts too
  EXPECT_THAT(Query(q), IsEmpty());
  q.observables = std::vector<Observable>{{"ipv4-addr", "192.0.2.1"}, {"domain-name", "c.example"}};
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--c"));
  q.observables = std::vector<Observable>{};
  EXPECT_THAT(Query(q), IsEmpty());
  q.observables.reset();

  q.newest_first = true;
  q.limit = 2;
  auto first = Query(q);
  EXPECT_THAT(Ids(first), ElementsAre("indicator--c", "domain-name--Results-Site.example"));
  q.after_pk = first.back().pk;
  EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--a"));
}

// --- who shared it -------------------------------------------------------------

TEST_P(StoreContract, SubmitterIsStoredAndReturned) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t ch = AddChannel("c");
  NewObject o = Indicator("s");
  o.submitter_org = org;
  o.submitter_user = alice;
  Insert(ch, {o, Indicator("anonymous")}, kT0);
  auto rows = Query({});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].submitter_org, org);
  EXPECT_EQ(rows[0].submitter_user, alice);
  EXPECT_EQ(rows[1].submitter_org, 0);
  EXPECT_EQ(rows[1].submitter_user, 0);
}

TEST_P(StoreContract, DeleteVersionsByPk) {
  int64_t ch = AddChannel("c");
  Insert(ch, {Indicator("x", 1), Indicator("x", 2), Indicator("y")}, kT0);
  ObjectQuery all;
  all.all_versions = true;
  auto rows = Query(all);
  ASSERT_EQ(rows.size(), 3u);
  std::vector<int64_t> pks = {rows[0].pk, rows[2].pk};
  auto n = store_->DeleteVersions(pks);
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(*n, 2);
  auto left = Query(all);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].pk, rows[1].pk);
  EXPECT_EQ(*store_->DeleteVersions(pks), 0);
}

// --- TOTP -----------------------------------------------------------------------

TEST_P(StoreContract, TotpSecretAndReplayProtection) {
  int64_t alice = AddUser(AddOrg("A"), "alice");
  EXPECT_EQ(store_->FindUser("alice")->totp_secret, "");
  ASSERT_TRUE(store_->SetTotp(alice, "JBSWY3DPEHPK3PXP").ok());
  EXPECT_EQ(store_->FindUser("alice")->totp_secret, "JBSWY3DPEHPK3PXP");
  EXPECT_TRUE(*store_->ClaimTotpStep(alice, 100));
  EXPECT_FALSE(*store_->ClaimTotpStep(alice, 100));
  EXPECT_FALSE(*store_->ClaimTotpStep(alice, 99));
  EXPECT_TRUE(*store_->ClaimTotpStep(alice, 101));
  EXPECT_EQ(store_->FindUser("alice")->totp_last_step, 101);
  ASSERT_TRUE(store_->SetTotp(alice, "").ok());
  EXPECT_EQ(store_->FindUser("alice")->totp_last_step, 0);
  EXPECT_EQ(store_->SetTotp(alice + 100, "X").error().code, ErrorCode::kNotFound);
}

// --- sessions ---------------------------------------------------------------------

TEST_P(StoreContract, SessionsLifecycle) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t bob = AddUser(org, "bob");
  Session s{"hash-1", alice, "csrf-1", kT0, kT0, kT0 + 100};
  ASSERT_TRUE(store_->CreateSession(s).ok());
  ASSERT_TRUE(store_->CreateSession({"hash-2", alice, "csrf-2", kT0, kT0, kT0 + 50}).ok());
  ASSERT_TRUE(store_->CreateSession({"hash-3", bob, "csrf-3", kT0, kT0, kT0 + 500}).ok());
  EXPECT_EQ(store_->CreateSession({"hash-4", bob + 99, "c", kT0, kT0, kT0}).error().code,
            ErrorCode::kNotFound);

  auto found = store_->FindSession("hash-1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user_id, alice);
  EXPECT_EQ(found->csrf_token, "csrf-1");
  EXPECT_EQ(found->expires, kT0 + 100);
  ASSERT_TRUE(store_->TouchSession("hash-1", kT0 + 7).ok());
  EXPECT_EQ(store_->FindSession("hash-1")->last_seen, kT0 + 7);
  EXPECT_EQ(store_->TouchSession("nope", kT0).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->FindSession("nope").error().code, ErrorCode::kNotFound);

  EXPECT_EQ(*store_->DeleteExpiredSessions(kT0 + 50), 1);  // hash-2
  EXPECT_EQ(store_->FindSession("hash-2").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->DeleteSession("hash-3").ok());
  EXPECT_EQ(store_->FindSession("hash-3").error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(store_->CreateSession({"hash-5", alice, "csrf-5", kT0, kT0, kT0 + 900}).ok());
  EXPECT_EQ(*store_->DeleteUserSessions(alice), 2);
  EXPECT_EQ(store_->FindSession("hash-1").error().code, ErrorCode::kNotFound);
}

// --- the object feed ---------------------------------------------------------------

TEST_P(StoreContract, ObjectFeedDeliversCommitsFromAnyStoreInOrderOnce) {
  int64_t a = AddChannel("a");
  int64_t b = AddChannel("b");
  Insert(a, {Indicator("before")}, kT0);
  auto feed = store_->OpenObjectFeed();
  ASSERT_TRUE(feed.ok()) << feed.error().ToString();
  auto none = (*feed)->Next(std::chrono::milliseconds(50), 100);
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(*none, IsEmpty()) << "only what is committed after opening";

  // Another store on the same database stands for another server.
  auto other = Open(db_);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(
      other->InsertObjects(a, std::vector<NewObject>{Indicator("1"), Indicator("2")}, kT0).ok());
  Insert(b, {Indicator("3")}, kT0);
  Insert(a, {Indicator("1")}, kT0);  // a duplicate: nothing committed
  std::vector<std::string> got;
  for (int i = 0; i < 20 && got.size() < 3; ++i) {
    auto rows = (*feed)->Next(std::chrono::milliseconds(500), 2);
    ASSERT_TRUE(rows.ok()) << rows.error().ToString();
    EXPECT_LE(rows->size(), 2u);
    for (const auto& r : *rows) got.push_back(r.stix_id);
  }
  EXPECT_THAT(got, ElementsAre("indicator--1", "indicator--2", "indicator--3"));
  auto after = (*feed)->Next(std::chrono::milliseconds(200), 100);
  ASSERT_TRUE(after.ok());
  EXPECT_THAT(*after, IsEmpty());
}

// Deleting the newest row must not let the next insert take its pk: live
// streams, the feed and Last-Event-ID resume all continue "after pk N".
TEST_P(StoreContract, ObjectPksAreNeverReusedAfterDeletingTheNewest) {
  int64_t a = AddChannel("a");
  Insert(a, {Indicator("old"), Indicator("newest")}, kT0);
  ObjectQuery q;
  q.ids = {"indicator--newest"};
  auto rows = Query(q);
  ASSERT_EQ(rows.size(), 1u);
  const int64_t deleted_pk = rows[0].pk;
  auto feed = store_->OpenObjectFeed();
  ASSERT_TRUE(feed.ok()) << feed.error().ToString();
  const std::vector<int64_t> pks{deleted_pk};
  ASSERT_EQ(*store_->DeleteVersions(pks), 1);
  Insert(a, {Indicator("after")}, kT0);
  q.ids = {"indicator--after"};
  rows = Query(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_GT(rows[0].pk, deleted_pk);
  std::vector<std::string> got;
  for (int i = 0; i < 20 && got.empty(); ++i) {
    auto next = (*feed)->Next(std::chrono::milliseconds(500), 10);
    ASSERT_TRUE(next.ok()) << next.error().ToString();
    for (const auto& r : *next) got.push_back(r.stix_id);
  }
  EXPECT_THAT(got, ElementsAre("indicator--after"));
}

// A bulk load changes nothing a query sees: the same rows before, during and
// after, and only an empty store takes the bulk mode.
TEST_P(StoreContract, BulkLoadKeepsQueriesCorrect) {
  int64_t a = AddChannel("a");
  auto began = store_->BeginBulkLoad();
  ASSERT_TRUE(began.ok()) << began.error().ToString();
  EXPECT_EQ(*began, GetParam().name == "sqlite") << "SQLite drops the indexes of an empty store";
  Insert(a, {Indicator("1", 0, "identity--x", "red"), Domain("bulk.example"), Indicator("2")}, kT0);
  auto check = [&] {
    ObjectQuery q;
    q.types = {"domain-name"};
    EXPECT_THAT(Ids(Query(q)), ElementsAre("domain-name--bulk.example"));
    q.types.clear();
    q.tlps = {"red"};
    EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--1"));
    q.tlps.clear();
    q.created_by = "identity--x";
    EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--1"));
    q.created_by.reset();
    q.observables = std::vector<Observable>{{"domain-name", "2.example"}};
    EXPECT_THAT(Ids(Query(q)), ElementsAre("indicator--2"));
  };
  check();
  ASSERT_TRUE(store_->EndBulkLoad().ok());
  check();
  // Objects exist now: no bulk mode, and ending it again is harmless.
  auto again = store_->BeginBulkLoad();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  ASSERT_TRUE(store_->EndBulkLoad().ok());
  check();
}

// --- TAXII status, server secrets -------------------------------------------------

TEST_P(StoreContract, TaxiiStatusPutGetReplace) {
  int64_t alice = AddUser(AddOrg("A"), "alice");
  TaxiiStatus st{"2d086da7-4bdc-4f91-900e-d77486753710", alice, kT0, R"({"status":"pending"})"};
  ASSERT_TRUE(store_->PutTaxiiStatus(st).ok());
  auto got = store_->GetTaxiiStatus(st.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->user_id, alice);
  EXPECT_EQ(got->json, st.json);
  st.json = R"({"status":"complete"})";
  ASSERT_TRUE(store_->PutTaxiiStatus(st).ok());
  EXPECT_EQ(store_->GetTaxiiStatus(st.id)->json, st.json);
  EXPECT_EQ(store_->GetTaxiiStatus("missing").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, ServerSecretIsCreatedOnceAndSharedAcrossStores) {
  auto first = store_->ServerSecret("paging", "first-candidate");
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(*first, "first-candidate");
  auto other = Open(db_);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(*other->ServerSecret("paging", "second-candidate"), "first-candidate");
  EXPECT_EQ(*store_->ServerSecret("other", "x"), "x");
}

}  // namespace ecrn::store::contract
