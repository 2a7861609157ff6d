// The Store contract: one parameterised GoogleTest suite that every backend
// must pass. A backend's test file includes this header once and instantiates
// StoreContract with a StoreContractParam. Tests only; not thread-safe (each
// test spawns its own threads where it says so).
#pragma once

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/store/store.hpp"
#include "testing/testing.hpp"

namespace ecrn::store::contract {

// How to reach a backend.
struct StoreContractParam {
  std::string name;  // "sqlite" / "postgresql": also Store::Backend()
  // Returns the --db value of a fresh, empty database; `scratch` is a
  // directory that lives as long as the test.
  std::function<std::string(const ecrn::testing::TempDir& scratch)> fresh_db;
};

// Names the backend in test output (instead of a byte dump).
inline void PrintTo(const StoreContractParam& param, std::ostream* os) { *os << param.name; }

inline std::string ParamName(const ::testing::TestParamInfo<StoreContractParam>& info) {
  return info.param.name;
}

// Fixture: store_ is an open, migrated store on a fresh database db_.
class StoreContract : public ::testing::TestWithParam<StoreContractParam> {
 protected:
  static constexpr Micros kT0 = 1'700'000'000'000'000;  // 2023-11-14

  void SetUp() override {
    db_ = GetParam().fresh_db(scratch_);
    store_ = Open(db_);
    ASSERT_NE(store_, nullptr);
    auto m = store_->Migrate();
    ASSERT_TRUE(m.ok()) << m.error().ToString();
  }

  // Opens another store on `db` (not migrated); fails the test on error.
  std::unique_ptr<Store> Open(const std::string& db) {
    auto s = OpenStore(db);
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  int64_t AddOrg(const std::string& name) {
    Organisation o;
    o.name = name;
    o.kind = "cert";
    o.country = "MD";
    o.region = "Eastern Partnership";
    o.identity_id = "identity--" + name;
    o.created = kT0;
    auto id = store_->AddOrganisation(o);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  int64_t AddUser(int64_t org_id, const std::string& name, const std::string& role = "analyst") {
    User u;
    u.org_id = org_id;
    u.username = name;
    u.role = role;
    u.password_hash = "$argon2id$hash-of-" + name;
    u.created = kT0 + 1;
    auto id = store_->AddUser(u);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  int64_t AddChannel(const std::string& name) {
    Channel c;
    c.name = name;
    c.description = "about " + name;
    c.created = kT0 + 2;
    auto id = store_->AddChannel(c);
    EXPECT_TRUE(id.ok()) << id.error().ToString();
    return id.ok() ? *id : 0;
  }

  // An indicator version: id "indicator--<n>", modified kT0 + version seconds.
  static NewObject Indicator(const std::string& n, int version = 0,
                             const std::string& creator = "identity--a",
                             const std::string& tlp = "green") {
    NewObject o;
    o.stix_id = "indicator--" + n;
    o.type = "indicator";
    o.spec_version = "2.1";
    o.created = kT0;
    o.modified = kT0 + int64_t{version} * 1'000'000;
    o.modified_text = FormatTimestamp(o.modified, 3);
    o.created_by = creator;
    o.tlp = tlp;
    o.json = R"({"type":"indicator","id":")" + o.stix_id + R"(","modified":")" + o.modified_text +
             R"(","name":"quote \" and backslash \\ and {braces}, commas"})";
    o.observables.push_back({"domain-name", n + ".example"});
    return o;
  }

  // An SCO (no modified): id "domain-name--<n>".
  static NewObject Domain(const std::string& n) {
    NewObject o;
    o.stix_id = "domain-name--" + n;
    o.type = "domain-name";
    o.spec_version = "2.1";
    o.json = R"({"type":"domain-name","id":")" + o.stix_id + R"(","value":")" + n + R"("})";
    o.observables.push_back({"domain-name", n});
    return o;
  }

  std::vector<InsertOutcome> Insert(int64_t channel, std::vector<NewObject> objects, Micros now) {
    auto r = store_->InsertObjects(channel, objects, now);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : std::vector<InsertOutcome>{};
  }

  std::vector<StoredObject> Query(const ObjectQuery& q) {
    auto r = store_->QueryObjects(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : std::vector<StoredObject>{};
  }

  static std::vector<std::string> Ids(const std::vector<StoredObject>& objects) {
    std::vector<std::string> out;
    for (const auto& o : objects) out.push_back(o.stix_id);
    return out;
  }

  int64_t Count(std::optional<int64_t> channel = std::nullopt) {
    auto n = store_->CountObjects(channel);
    EXPECT_TRUE(n.ok()) << n.error().ToString();
    return n.ok() ? *n : -1;
  }

  ecrn::testing::TempDir scratch_;
  std::string db_;
  std::unique_ptr<Store> store_;
};

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr auto kAdded = InsertOutcome::kAdded;
constexpr auto kDuplicate = InsertOutcome::kDuplicate;

// --- schema -----------------------------------------------------------------

TEST_P(StoreContract, MigrateTwiceIsANoOp) {
  EXPECT_EQ(store_->Backend(), GetParam().name);
  auto v1 = store_->SchemaVersion();
  ASSERT_TRUE(v1.ok()) << v1.error().ToString();
  EXPECT_GE(*v1, 1);
  AddOrg("kept");
  ASSERT_TRUE(store_->Migrate().ok());
  auto v2 = store_->SchemaVersion();
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, *v1);
  EXPECT_TRUE(store_->FindOrganisation("kept").ok()) << "data survives a second Migrate";
}

TEST_P(StoreContract, FreshDatabaseHasSchemaVersionZeroUntilMigrated) {
  auto other = Open(GetParam().fresh_db(scratch_));
  ASSERT_NE(other, nullptr);
  auto v = other->SchemaVersion();
  ASSERT_TRUE(v.ok()) << v.error().ToString();
  EXPECT_EQ(*v, 0);
}

TEST_P(StoreContract, ConcurrentMigrationsFromTwoStoresBothSucceed) {
  std::string db = GetParam().fresh_db(scratch_);
  auto a = Open(db);
  auto b = Open(db);
  ASSERT_TRUE(a && b);
  Result<void> ra, rb;
  std::thread ta([&] { ra = a->Migrate(); });
  std::thread tb([&] { rb = b->Migrate(); });
  ta.join();
  tb.join();
  ASSERT_TRUE(ra.ok()) << ra.error().ToString();
  ASSERT_TRUE(rb.ok()) << rb.error().ToString();
  EXPECT_EQ(*a->SchemaVersion(), *store_->SchemaVersion());
}

// --- organisations, users, keys, channels ---------------------------------

TEST_P(StoreContract, OrganisationsAddListFind) {
  Organisation o;
  o.name = "Central Election Commission";
  o.kind = "election-commission";
  o.country = "GE";
  o.identity_id = "identity--0a8f";
  o.created = kT0;
  auto id = store_->AddOrganisation(o);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  int64_t other = AddOrg("CERT-MD");
  EXPECT_NE(*id, other);

  auto list = store_->ListOrganisations();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *id);
  EXPECT_EQ((*list)[0].name, o.name);
  EXPECT_EQ((*list)[0].kind, "election-commission");
  EXPECT_EQ((*list)[0].country, "GE");
  EXPECT_EQ((*list)[0].region, "");
  EXPECT_EQ((*list)[0].identity_id, "identity--0a8f");
  EXPECT_EQ((*list)[0].created, kT0);
  EXPECT_EQ((*list)[1].region, "Eastern Partnership");

  auto by_name = store_->FindOrganisation("CERT-MD");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, other);
  auto by_id = store_->FindOrganisation(std::to_string(*id));
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->name, o.name);
}

TEST_P(StoreContract, OrganisationUniquenessAndNotFound) {
  AddOrg("CERT-MD");
  Organisation dup_name;
  dup_name.name = "CERT-MD";
  dup_name.kind = "cert";
  dup_name.country = "MD";
  dup_name.identity_id = "identity--other";
  auto r1 = store_->AddOrganisation(dup_name);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(r1.error().message, HasSubstr("CERT-MD"));

  Organisation dup_identity = dup_name;
  dup_identity.name = "Another";
  dup_identity.identity_id = "identity--CERT-MD";
  auto r2 = store_->AddOrganisation(dup_identity);
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().code, ErrorCode::kAlreadyExists);

  auto missing = store_->FindOrganisation("Nobody");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("Nobody"));
  auto missing_id = store_->FindOrganisation("999999");
  ASSERT_FALSE(missing_id.ok());
  EXPECT_EQ(missing_id.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->ListOrganisations()->size(), 1u);
}

// Find* try an all-digits argument as an id first, then as a name.
TEST_P(StoreContract, FindTriesDigitsAsIdFirst) {
  int64_t first = AddOrg("first");
  int64_t named_digits = AddOrg(std::to_string(first));  // a name that looks like an id
  auto by_digits = store_->FindOrganisation(std::to_string(first));
  ASSERT_TRUE(by_digits.ok());
  EXPECT_EQ(by_digits->id, first);
  // Digits that are no id fall back to the name.
  int64_t big = AddOrg("9999999");
  EXPECT_EQ(store_->FindOrganisation("9999999")->id, big);
  EXPECT_EQ(store_->FindOrganisation(std::to_string(named_digits))->id, named_digits);
}

TEST_P(StoreContract, UsersAddListFindAndPassword) {
  int64_t org_a = AddOrg("A");
  int64_t org_b = AddOrg("B");
  int64_t alice = AddUser(org_a, "alice", "org-admin");
  int64_t bob = AddUser(org_b, "bob");
  int64_t carol = AddUser(org_a, "carol", "viewer");

  auto all = store_->ListUsers(std::nullopt);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, alice);
  EXPECT_EQ((*all)[0].org_id, org_a);
  EXPECT_EQ((*all)[0].role, "org-admin");
  EXPECT_EQ((*all)[0].password_hash, "$argon2id$hash-of-alice");
  EXPECT_FALSE((*all)[0].disabled);
  EXPECT_EQ((*all)[0].created, kT0 + 1);

  auto in_a = store_->ListUsers(org_a);
  ASSERT_TRUE(in_a.ok());
  ASSERT_EQ(in_a->size(), 2u);
  EXPECT_EQ((*in_a)[0].id, alice);
  EXPECT_EQ((*in_a)[1].id, carol);

  auto by_name = store_->FindUser("bob");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, bob);
  auto by_id = store_->FindUser(std::to_string(carol));
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->username, "carol");

  ASSERT_TRUE(store_->SetPassword(bob, "$argon2id$new").ok());
  EXPECT_EQ(store_->FindUser("bob")->password_hash, "$argon2id$new");
  EXPECT_EQ(store_->FindUser("alice")->password_hash, "$argon2id$hash-of-alice");
}

TEST_P(StoreContract, UserUniquenessAndNotFound) {
  int64_t org = AddOrg("A");
  AddUser(org, "alice");
  User dup;
  dup.org_id = org;
  dup.username = "alice";
  dup.role = "viewer";
  dup.password_hash = "x";
  auto r = store_->AddUser(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(r.error().message, HasSubstr("alice"));

  User orphan = dup;
  orphan.username = "orphan";
  orphan.org_id = org + 1000;
  auto orphaned = store_->AddUser(orphan);
  ASSERT_FALSE(orphaned.ok()) << "a user needs an existing organisation";
  EXPECT_EQ(orphaned.error().code, ErrorCode::kNotFound);

  auto missing = store_->FindUser("mallory");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("mallory"));
  auto no_user = store_->SetPassword(999999, "x");
  ASSERT_FALSE(no_user.ok());
  EXPECT_EQ(no_user.error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, ApiKeysAddFindListRevoke) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t bob = AddUser(org, "bob");
  ApiKey k1;
  k1.user_id = alice;
  k1.prefix = "ecrn_abc";
  k1.key_hash = "hash1";
  k1.read_only = true;
  k1.expires = kT0 + 86'400'000'000;
  k1.created = kT0;
  ApiKey k2 = k1;
  k2.key_hash = "hash2";
  k2.read_only = false;
  k2.expires.reset();
  ApiKey k3 = k2;
  k3.user_id = bob;
  k3.prefix = "ecrn_xyz";
  auto id1 = store_->AddApiKey(k1);
  auto id2 = store_->AddApiKey(k2);
  auto id3 = store_->AddApiKey(k3);
  ASSERT_TRUE(id1.ok() && id2.ok() && id3.ok());

  auto found = store_->FindApiKeysByPrefix("ecrn_abc");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  const ApiKey& f1 = (*found)[0].id == *id1 ? (*found)[0] : (*found)[1];
  const ApiKey& f2 = (*found)[0].id == *id1 ? (*found)[1] : (*found)[0];
  EXPECT_EQ(f1.user_id, alice);
  EXPECT_EQ(f1.key_hash, "hash1");
  EXPECT_TRUE(f1.read_only);
  EXPECT_EQ(f1.expires, std::optional<Micros>(kT0 + 86'400'000'000));
  EXPECT_FALSE(f1.revoked);
  EXPECT_EQ(f1.created, kT0);
  EXPECT_EQ(f2.id, *id2);
  EXPECT_FALSE(f2.read_only);
  EXPECT_FALSE(f2.expires.has_value());
  EXPECT_THAT(*store_->FindApiKeysByPrefix("ecrn_nope"), IsEmpty());

  auto of_bob = store_->ListApiKeys(bob);
  ASSERT_TRUE(of_bob.ok());
  ASSERT_EQ(of_bob->size(), 1u);
  EXPECT_EQ((*of_bob)[0].id, *id3);
  EXPECT_EQ(store_->ListApiKeys(alice)->size(), 2u);

  ASSERT_TRUE(store_->RevokeApiKey(*id1).ok());
  auto after_revoke = store_->ListApiKeys(alice);
  ASSERT_TRUE(after_revoke.ok());
  for (const auto& k : *after_revoke) {
    EXPECT_EQ(k.revoked, k.id == *id1);
  }
  auto missing = store_->RevokeApiKey(999999);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  ApiKey orphan = k1;
  orphan.user_id = 999999;
  EXPECT_FALSE(store_->AddApiKey(orphan).ok()) << "a key needs an existing user";
}

TEST_P(StoreContract, ChannelsAddListFind) {
  Channel c;
  c.name = "Region: Eastern Partnership";
  c.created = kT0;
  auto id = store_->AddChannel(c);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  Channel red;
  red.name = "Country X coordination cell";
  red.description = "cell";
  red.default_tlp = "red";
  red.created = kT0 + 5;
  auto red_id = store_->AddChannel(red);
  ASSERT_TRUE(red_id.ok());

  auto list = store_->ListChannels();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, *id);
  EXPECT_EQ((*list)[0].name, c.name);
  EXPECT_EQ((*list)[0].description, "");
  EXPECT_EQ((*list)[0].default_tlp, "amber");
  EXPECT_EQ((*list)[0].created, kT0);
  EXPECT_EQ((*list)[1].default_tlp, "red");
  EXPECT_EQ((*list)[1].description, "cell");

  EXPECT_EQ(store_->FindChannel("Country X coordination cell")->id, *red_id);
  EXPECT_EQ(store_->FindChannel(std::to_string(*id))->name, c.name);

  auto dup = store_->AddChannel(c);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(dup.error().message, HasSubstr("Eastern Partnership"));
  auto missing = store_->FindChannel("Nowhere");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("Nowhere"));
  EXPECT_EQ(store_->FindChannel("424242").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreContract, GrantReplacesRights) {
  int64_t a = AddOrg("A");
  int64_t b = AddOrg("B");
  int64_t c1 = AddChannel("one");
  int64_t c2 = AddChannel("two");
  ASSERT_TRUE(store_->Grant({c1, a, true, true}).ok());
  ASSERT_TRUE(store_->Grant({c1, b, true, false}).ok());
  ASSERT_TRUE(store_->Grant({c2, a, false, true}).ok());
  ASSERT_TRUE(store_->Grant({c1, a, true, false}).ok());  // replaces read+write

  auto in_c1 = store_->ListMemberships(c1);
  ASSERT_TRUE(in_c1.ok());
  ASSERT_EQ(in_c1->size(), 2u);
  for (const auto& m : *in_c1) {
    EXPECT_EQ(m.channel_id, c1);
    EXPECT_TRUE(m.can_read);
    EXPECT_FALSE(m.can_write) << "org " << m.org_id;
  }
  auto all = store_->ListMemberships(std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);

  ASSERT_TRUE(store_->Grant({c2, a, false, false}).ok());
  auto in_c2 = store_->ListMemberships(c2);
  ASSERT_EQ(in_c2->size(), 1u);
  EXPECT_FALSE((*in_c2)[0].can_read);
  EXPECT_FALSE((*in_c2)[0].can_write);

  EXPECT_FALSE(store_->Grant({c1 + 1000, a, true, true}).ok()) << "unknown channel";
  EXPECT_FALSE(store_->Grant({c1, a + 1000, true, true}).ok()) << "unknown organisation";
  EXPECT_EQ(store_->ListMemberships(std::nullopt)->size(), 3u);
}

// --- objects ----------------------------------------------------------------

TEST_P(StoreContract, InsertStoresEveryColumn) {
  int64_t ch = AddChannel("c");
  NewObject ind = Indicator("1", 2, "identity--maker", "amber+strict");
  NewObject dom = Domain("evil.example");
  ASSERT_THAT(Insert(ch, {ind, dom}, kT0 + 50), ElementsAre(kAdded, kAdded));
  auto all = Query({});
  ASSERT_EQ(all.size(), 2u);
  const StoredObject& s = all[0];
  EXPECT_GT(s.pk, 0);
  EXPECT_EQ(s.channel_id, ch);
  EXPECT_EQ(s.stix_id, ind.stix_id);
  EXPECT_EQ(s.type, "indicator");
  EXPECT_EQ(s.spec_version, "2.1");
  EXPECT_EQ(s.created, ind.created);
  EXPECT_EQ(s.modified, ind.modified);
  EXPECT_EQ(s.modified_text, ind.modified_text);
  EXPECT_EQ(s.created_by, "identity--maker");
  EXPECT_EQ(s.tlp, "amber+strict");
  EXPECT_EQ(s.date_added, kT0 + 50);
  EXPECT_EQ(s.json, ind.json);
  EXPECT_EQ(all[1].stix_id, dom.stix_id);
  EXPECT_EQ(all[1].modified, 0);
  EXPECT_EQ(all[1].modified_text, "");
  EXPECT_EQ(all[1].created_by, "");
  EXPECT_EQ(all[1].tlp, "");
  EXPECT_EQ(all[1].json, dom.json);
  EXPECT_EQ(all[1].date_added, kT0 + 51);
}

TEST_P(StoreContract, InsertAddedVersusDuplicate) {
  int64_t ch = AddChannel("c");
  EXPECT_THAT(Insert(ch, {Indicator("1"), Indicator("2")}, kT0), ElementsAre(kAdded, kAdded));
  EXPECT_EQ(Count(), 2);
  // Same versions again: nothing added.
  EXPECT_THAT(Insert(ch, {Indicator("1"), Indicator("2")}, kT0 + 10),
              ElementsAre(kDuplicate, kDuplicate));
  EXPECT_EQ(Count(), 2);
  // A new modified is a new version; a repeat within one batch is a duplicate.
  EXPECT_THAT(Insert(ch, {Indicator("1", 1), Indicator("1", 1), Indicator("1")}, kT0 + 20),
              ElementsAre(kAdded, kDuplicate, kDuplicate));
  EXPECT_EQ(Count(), 3);
  EXPECT_EQ(Count(ch), 3);
  ObjectQuery q;
  q.ids = {"indicator--1"};
  q.all_versions = true;
  auto versions = Query(q);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].modified, kT0);
  EXPECT_EQ(versions[1].modified, kT0 + 1'000'000);
  // Empty batches are fine.
  EXPECT_THAT(Insert(ch, {}, kT0 + 30), IsEmpty());
}

TEST_P(StoreContract, InsertIntoUnknownChannelIsNotFound) {
  std::vector<NewObject> objects = {Indicator("1")};
  auto r = store_->InsertObjects(424242, objects, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Count(), 0);
}

TEST_P(StoreContract, DateAddedStrictlyIncreasesPerChannel) {
  int64_t ch = AddChannel("c");
  int64_t other = AddChannel("other");
  Insert(ch, {Indicator("1"), Indicator("2"), Indicator("3")}, kT0 + 100);
  Insert(ch, {Indicator("4")}, kT0 + 100);  // now repeats
  Insert(ch, {Indicator("5")}, kT0 + 50);   // now goes backwards
  Insert(ch, {Indicator("1")}, kT0 + 10);   // duplicate: does not advance
  Insert(ch, {Indicator("6")}, kT0 + 1000);
  Insert(other, {Indicator("7")}, kT0 + 10);  // another channel has its own sequence
  ObjectQuery q;
  q.channel_id = ch;
  std::vector<Micros> added;
  for (const auto& o : Query(q)) added.push_back(o.date_added);
  EXPECT_THAT(added,
              ElementsAre(kT0 + 100, kT0 + 101, kT0 + 102, kT0 + 103, kT0 + 104, kT0 + 1000));
  q.channel_id = other;
  auto in_other = Query(q);
  ASSERT_EQ(in_other.size(), 1u);
  EXPECT_EQ(in_other[0].date_added, kT0 + 10);
}

TEST_P(StoreContract, SameObjectInTwoChannelsIsIndependent) {
  int64_t c1 = AddChannel("one");
  int64_t c2 = AddChannel("two");
  EXPECT_THAT(Insert(c1, {Indicator("1")}, kT0), ElementsAre(kAdded));
  EXPECT_THAT(Insert(c2, {Indicator("1")}, kT0 + 5), ElementsAre(kAdded));
  EXPECT_EQ(Count(c1), 1);
  EXPECT_EQ(Count(c2), 1);
  EXPECT_EQ(Count(), 2);
  auto hits = store_->FindObservable("domain-name", "1.example");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2u);
  std::set<int64_t> channels;
  for (const auto& h : *hits) channels.insert(h.channel_id);
  EXPECT_EQ(channels, (std::set<int64_t>{c1, c2}));

  auto deleted = store_->DeleteObject(c1, "indicator--1");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(Count(c1), 0);
  EXPECT_EQ(Count(c2), 1);
  ObjectQuery q;
  q.channel_id = c2;
  auto left = Query(q);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].date_added, kT0 + 5);
}

TEST_P(StoreContract, QueryFilters) {
  int64_t c1 = AddChannel("one");
  int64_t c2 = AddChannel("two");
  Insert(c1, {Indicator("a", 0, "identity--x", "green"), Indicator("b", 0, "identity--y", "red")},
         kT0 + 100);                                                   // 100, 101
  Insert(c1, {Domain("d.example")}, kT0 + 200);                        // 200
  Insert(c1, {Indicator("a", 1, "identity--x", "amber")}, kT0 + 300);  // 300
  Insert(c2, {Indicator("c", 0, "identity--x", "clear")}, kT0 + 150);  // 150 in c2
  auto ids = [&](ObjectQuery q) { return Ids(Query(q)); };

  ObjectQuery q;
  EXPECT_THAT(ids(q), ElementsAre("indicator--b", "indicator--c", "domain-name--d.example",
                                  "indicator--a"));
  q.all_versions = true;
  EXPECT_THAT(ids(q), ElementsAre("indicator--a", "indicator--b", "indicator--c",
                                  "domain-name--d.example", "indicator--a"));

  q = {};
  q.channel_id = c1;
  q.types = {"domain-name"};
  EXPECT_THAT(ids(q), ElementsAre("domain-name--d.example"));
  q.types = {"domain-name", "indicator"};
  EXPECT_EQ(ids(q).size(), 3u);

  q = {};
  q.ids = {"indicator--a", "indicator--c"};
  auto latest = Query(q);
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0].stix_id, "indicator--c");
  EXPECT_EQ(latest[1].stix_id, "indicator--a");
  EXPECT_EQ(latest[1].modified, kT0 + 1'000'000) << "latest version only";

  q = {};
  q.channel_id = c1;
  q.added_after = kT0 + 101;
  EXPECT_THAT(ids(q), ElementsAre("domain-name--d.example", "indicator--a"));
  q.added_until = kT0 + 200;
  EXPECT_THAT(ids(q), ElementsAre("domain-name--d.example"));

  q = {};
  q.created_by = "identity--x";
  q.all_versions = true;
  EXPECT_THAT(ids(q), ElementsAre("indicator--a", "indicator--c", "indicator--a"));

  q = {};
  q.tlps = {"red", "clear"};
  EXPECT_THAT(ids(q), ElementsAre("indicator--b", "indicator--c"));

  q = {};
  q.modified_since = kT0 + 1;
  EXPECT_THAT(ids(q), ElementsAre("indicator--a"));

  q = {};
  q.channel_id = c2;
  q.types = {"domain-name"};
  EXPECT_THAT(ids(q), IsEmpty());
  q = {};
  q.limit = 2;
  EXPECT_THAT(ids(q), ElementsAre("indicator--b", "indicator--c"));
}

// An object without creator or markings reads back with "" and is found by
// filtering for "" (SQLite stores NULL there, to keep them out of the
// partial indexes).
TEST_P(StoreContract, NoCreatorAndUnmarkedAreFoundByEmptyFilters) {
  int64_t ch = AddChannel("c");
  Insert(ch, {Indicator("a", 0, "identity--x", "green"), Indicator("b", 0, "", ""), Domain("d")},
         kT0);
  auto ids = [&](const ObjectQuery& q) {
    std::vector<std::string> out;
    for (const auto& o : Query(q)) out.push_back(o.stix_id);
    return out;
  };
  ObjectQuery q;
  q.ids = {"indicator--b"};
  auto b = Query(q);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].created_by, "");
  EXPECT_EQ(b[0].tlp, "");
  q = {};
  q.created_by = "";
  EXPECT_THAT(ids(q), ElementsAre("indicator--b", "domain-name--d"));
  q = {};
  q.tlps = {""};
  EXPECT_THAT(ids(q), ElementsAre("indicator--b", "domain-name--d"));
  q.tlps = {"green", ""};
  EXPECT_THAT(ids(q), ElementsAre("indicator--a", "indicator--b", "domain-name--d"));
  q.tlps = {"green"};
  EXPECT_THAT(ids(q), ElementsAre("indicator--a"));
  q = {};
  q.created_by = "identity--x";
  EXPECT_THAT(ids(q), ElementsAre("indicator--a"));
}

// Without all_versions, the latest version is chosen among the rows that
// match the other filters (a reader allowed only GREEN still sees the GREEN
// version of an object whose newest version is AMBER).
TEST_P(StoreContract, LatestVersionIsChosenAmongMatchingRows) {
  int64_t ch = AddChannel("c");
  Insert(ch, {Indicator("a", 0, "identity--x", "green")}, kT0 + 100);
  Insert(ch, {Indicator("a", 1, "identity--y", "amber")}, kT0 + 200);
  ObjectQuery q;
  q.tlps = {"green"};
  auto green = Query(q);
  ASSERT_EQ(green.size(), 1u);
  EXPECT_EQ(green[0].modified, kT0);
  q = {};
  q.created_by = "identity--x";
  auto by_x = Query(q);
  ASSERT_EQ(by_x.size(), 1u);
  EXPECT_EQ(by_x[0].modified, kT0);
  q = {};
  q.added_until = kT0 + 150;
  auto early = Query(q);
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].modified, kT0);
  q = {};
  EXPECT_EQ(Query(q).at(0).modified, kT0 + 1'000'000);
}

TEST_P(StoreContract, PagingCoversEverythingExactlyOnce) {
  int64_t c1 = AddChannel("one");
  int64_t c2 = AddChannel("two");
  for (int batch = 0; batch < 5; ++batch) {
    std::vector<NewObject> objects;
    for (int i = 0; i < 7; ++i) objects.push_back(Indicator(std::to_string(i), batch));
    Insert(batch % 2 ? c1 : c2, objects, kT0 + 1000 - batch * 3);
  }
  for (bool all_versions : {true, false}) {
    for (std::optional<int64_t> channel : {std::optional<int64_t>(), std::optional(c1)}) {
      ObjectQuery q;
      q.all_versions = all_versions;
      q.channel_id = channel;
      q.limit = 100000;
      auto expected = Query(q);
      ASSERT_FALSE(expected.empty());
      std::vector<int64_t> seen;
      q.limit = 4;
      for (int page = 0; page < 100; ++page) {
        auto rows = Query(q);
        EXPECT_LE(rows.size(), 4u);
        if (rows.empty()) break;
        for (const auto& r : rows) seen.push_back(r.pk);
        q.after_pk = rows.back().pk;
      }
      std::vector<int64_t> want;
      for (const auto& e : expected) want.push_back(e.pk);
      EXPECT_EQ(seen, want) << "all_versions=" << all_versions
                            << " channel=" << channel.has_value();
      for (size_t i = 1; i < expected.size(); ++i) {
        EXPECT_TRUE(expected[i - 1].date_added < expected[i].date_added ||
                    (expected[i - 1].date_added == expected[i].date_added &&
                     expected[i - 1].pk < expected[i].pk));
      }
    }
  }
  ObjectQuery all;
  all.all_versions = true;
  all.limit = 100000;
  EXPECT_EQ(Query(all).size(), 35u);
  EXPECT_EQ(Count(), 35);
}

TEST_P(StoreContract, FindObservable) {
  int64_t ch = AddChannel("c");
  NewObject ind = Indicator("1");
  ind.observables = {{"ipv4-addr", "198.51.100.7"},
                     {"file-hash", "SHA-256:" + std::string(64, 'a')},
                     {"ipv4-addr", "198.51.100.7"}};  // repeated: stored once
  Insert(ch, {ind, Domain("evil.example")}, kT0);
  auto ip = store_->FindObservable("ipv4-addr", "198.51.100.7");
  ASSERT_TRUE(ip.ok()) << ip.error().ToString();
  ASSERT_EQ(ip->size(), 1u);
  EXPECT_EQ((*ip)[0].stix_id, "indicator--1");
  EXPECT_EQ((*ip)[0].channel_id, ch);
  EXPECT_EQ((*ip)[0].kind, "ipv4-addr");
  EXPECT_EQ((*ip)[0].value, "198.51.100.7");
  EXPECT_EQ((*ip)[0].object_pk, Query({})[0].pk);
  EXPECT_EQ(store_->FindObservable("file-hash", "SHA-256:" + std::string(64, 'a'))->size(), 1u);
  EXPECT_EQ(store_->FindObservable("domain-name", "evil.example")->size(), 1u);
  EXPECT_THAT(*store_->FindObservable("ipv4-addr", "198.51.100.8"), IsEmpty());
  EXPECT_THAT(*store_->FindObservable("domain-name", "198.51.100.7"), IsEmpty()) << "kind matters";
  // Duplicate inserts add no observables.
  Insert(ch, {ind}, kT0 + 1);
  EXPECT_EQ(store_->FindObservable("ipv4-addr", "198.51.100.7")->size(), 1u);
}

TEST_P(StoreContract, RedRecipients) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t bob = AddUser(org, "bob");
  int64_t ch = AddChannel("c");
  NewObject red = Indicator("r", 0, "identity--A", "red");
  red.red_recipients = {bob, alice};
  NewObject green = Indicator("g");
  Insert(ch, {red, green}, kT0);
  auto rows = Query({});
  ASSERT_EQ(rows.size(), 2u);
  auto r = store_->RedRecipients(rows[0].pk);
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(*r, UnorderedElementsAre(alice, bob));
  EXPECT_THAT(*store_->RedRecipients(rows[1].pk), IsEmpty());
}

TEST_P(StoreContract, DeleteObjectRemovesEveryVersionAndItsRows) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t ch = AddChannel("c");
  NewObject v0 = Indicator("1", 0);
  v0.red_recipients = {alice};
  Insert(ch, {v0, Indicator("1", 1), Indicator("2")}, kT0);
  auto before = Query({});
  ASSERT_EQ(before.size(), 2u);
  int64_t v0_pk = 0;
  ObjectQuery q;
  q.all_versions = true;
  for (const auto& o : Query(q)) {
    if (o.stix_id == "indicator--1" && o.modified == kT0) v0_pk = o.pk;
  }
  ASSERT_NE(v0_pk, 0);

  auto n = store_->DeleteObject(ch, "indicator--1");
  ASSERT_TRUE(n.ok()) << n.error().ToString();
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Count(), 1);
  EXPECT_THAT(Ids(Query({})), ElementsAre("indicator--2"));
  EXPECT_THAT(*store_->FindObservable("domain-name", "1.example"), IsEmpty());
  EXPECT_THAT(*store_->RedRecipients(v0_pk), IsEmpty());
  EXPECT_EQ(*store_->DeleteObject(ch, "indicator--1"), 0);
  EXPECT_EQ(*store_->DeleteObject(ch, "indicator--nope"), 0);
  // Deleted versions can be added again.
  EXPECT_THAT(Insert(ch, {Indicator("1", 0)}, kT0), ElementsAre(kAdded));
}

TEST_P(StoreContract, CountObjects) {
  int64_t c1 = AddChannel("one");
  int64_t c2 = AddChannel("two");
  EXPECT_EQ(Count(), 0);
  Insert(c1, {Indicator("1"), Indicator("1", 1), Indicator("2")}, kT0);
  Insert(c2, {Indicator("1")}, kT0);
  EXPECT_EQ(Count(), 4);
  EXPECT_EQ(Count(c1), 3);
  EXPECT_EQ(Count(c2), 1);
  EXPECT_EQ(Count(c2 + 1000), 0);
}

TEST_P(StoreContract, UnsetFieldsGetTheSameDefaults) {
  Channel c;
  c.name = "no-tlp";
  c.created = kT0;
  auto id = store_->AddChannel(c);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto channel = store_->FindChannel("no-tlp");
  ASSERT_TRUE(channel.ok());
  EXPECT_EQ(channel->default_tlp, "amber");
  NewObject o = Indicator("plain");
  o.spec_version.clear();
  Insert(*id, {o}, kT0);
  auto rows = Query({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].spec_version, "2.1");

  Organisation twin;
  twin.name = "twin";
  twin.kind = "cert";
  twin.country = "TL";
  twin.identity_id = "identity--same";
  ASSERT_TRUE(store_->AddOrganisation(twin).ok());
  twin.name = "other name";
  auto dup = store_->AddOrganisation(twin);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kAlreadyExists);
  EXPECT_THAT(dup.error().message, HasSubstr("identity--same"));
}

TEST_P(StoreContract, FailedBatchLeavesNothingBehind) {
  int64_t org = AddOrg("A");
  int64_t alice = AddUser(org, "alice");
  int64_t ch = AddChannel("c");
  Insert(ch, {Indicator("0")}, kT0);
  std::vector<NewObject> batch;
  for (int i = 1; i <= 5; ++i) batch.push_back(Indicator(std::to_string(i)));
  batch[1].red_recipients = {alice};
  batch[3].red_recipients = {alice, alice + 1000};  // no such user: violates the FK
  auto r = store_->InsertObjects(ch, batch, kT0 + 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound) << "a dangling reference is not-found";
  EXPECT_EQ(Count(), 1);
  EXPECT_THAT(*store_->FindObservable("domain-name", "1.example"), IsEmpty());
  EXPECT_THAT(Ids(Query({})), ElementsAre("indicator--0"));
  // The channel's sequence did not move either: the next insert is at `now`.
  EXPECT_THAT(Insert(ch, {Indicator("1")}, kT0 + 10), ElementsAre(kAdded));
  auto rows = Query({});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].date_added, kT0 + 10);
}

TEST_P(StoreContract, LargeBatchIsStoredInOrder) {
  int64_t ch = AddChannel("c");
  std::vector<NewObject> batch;
  for (int i = 0; i < 5000; ++i) batch.push_back(Indicator(std::to_string(i)));
  batch.push_back(Indicator("17"));  // duplicate at the end
  auto out = Insert(ch, batch, kT0);
  ASSERT_EQ(out.size(), batch.size());
  EXPECT_EQ(std::count(out.begin(), out.end(), kAdded), 5000);
  EXPECT_EQ(out.back(), kDuplicate);
  ObjectQuery q;
  q.limit = 10000;
  auto rows = Query(q);
  ASSERT_EQ(rows.size(), 5000u);
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].stix_id, "indicator--" + std::to_string(i));
    ASSERT_EQ(rows[i].date_added, kT0 + static_cast<Micros>(i));
  }
}

// Several writers (two threads on one store, two on a second store on the same
// database, as with two servers) insert into one channel with the same `now`.
TEST_P(StoreContract, ConcurrentInsertsKeepDateAddedUniqueAndIncreasing) {
  int64_t ch = AddChannel("c");
  auto second = Open(db_);
  ASSERT_NE(second, nullptr);
  constexpr int kThreads = 4;
  constexpr int kBatches = 15;
  constexpr int kPerBatch = 3;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 ? second.get() : store_.get();
    threads.emplace_back([&, t, store] {
      for (int b = 0; b < kBatches; ++b) {
        std::vector<NewObject> objects;
        for (int i = 0; i < kPerBatch; ++i) {
          objects.push_back(
              Indicator(std::to_string(t) + "-" + std::to_string(b) + "-" + std::to_string(i)));
        }
        auto r = store->InsertObjects(ch, objects, kT0);
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << r.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ObjectQuery q;
  q.channel_id = ch;
  q.limit = 100000;
  auto rows = Query(q);
  ASSERT_EQ(rows.size(), size_t{kThreads * kBatches * kPerBatch});
  std::set<Micros> distinct;
  for (size_t i = 0; i < rows.size(); ++i) {
    distinct.insert(rows[i].date_added);
    if (i > 0) {
      EXPECT_LT(rows[i - 1].date_added, rows[i].date_added);
    }
  }
  EXPECT_EQ(distinct.size(), rows.size());
  EXPECT_EQ(*distinct.begin(), kT0);
  EXPECT_EQ(*distinct.rbegin(), kT0 + static_cast<Micros>(rows.size()) - 1);
}

// --- audit log ----------------------------------------------------------------

// A record with every field set; the actor user is actor org * 100.
inline AuditRecord Record(const std::string& action, Micros time,
                          std::optional<int64_t> actor_org = std::nullopt,
                          std::optional<int64_t> subject_org = std::nullopt) {
  AuditRecord r;
  r.time = time;
  r.actor_user_id = actor_org ? std::optional<int64_t>(*actor_org * 100) : std::nullopt;
  r.actor_org_id = actor_org;
  r.actor_label = "ana \xc8\x99i \"quotes\"";
  r.remote_addr = "127.0.0.1";
  r.action = action;
  r.target = "object:indicator--1";
  r.subject_org_id = subject_org;
  r.outcome = "success";
  r.detail = R"({"n":1,"text":"a \"b\" \\ c"})";
  return r;
}

// Checks that `entries` (the whole log, in order) form one chain from seq 1.
inline void ExpectOneChain(const std::vector<AuditEntry>& entries) {
  std::string prev(kAuditGenesisHash);
  for (size_t i = 0; i < entries.size(); ++i) {
    const AuditEntry& e = entries[i];
    ASSERT_EQ(e.seq, static_cast<int64_t>(i + 1)) << "gap-free";
    ASSERT_EQ(e.prev_hash, prev) << "entry " << e.seq << " links to its predecessor";
    ASSERT_EQ(e.hash, AuditEntryHash(e)) << "entry " << e.seq << " hash";
    if (i > 0) {
      ASSERT_GE(e.time, entries[i - 1].time) << "time never goes back";
    }
    prev = e.hash;
  }
}

TEST_P(StoreContract, AuditFreshHeadIsEmpty) {
  auto head = store_->AuditChainHead();
  ASSERT_TRUE(head.ok()) << head.error().ToString();
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->seq, 0);
  EXPECT_EQ((*head)->hash, "");
  auto all = store_->ListAudit({});
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  EXPECT_THAT(*all, IsEmpty());
}

TEST_P(StoreContract, AuditAppendChainsEntriesAndRoundTripsEveryField) {
  auto first = store_->AppendAudit(Record("login.success", kT0, 3, 4));
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->seq, 1);
  EXPECT_EQ(first->prev_hash, kAuditGenesisHash);
  EXPECT_EQ(first->hash, AuditEntryHash(*first));
  AuditRecord bare;
  bare.time = kT0 + 5;
  bare.action = "login.failure";
  bare.detail = "";  // stored as {}
  auto second = store_->AppendAudit(bare);
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->seq, 2);
  EXPECT_EQ(second->prev_hash, first->hash);
  EXPECT_EQ(second->detail, "{}");

  auto all = store_->ListAudit({});
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), 2u);
  ExpectOneChain(*all);
  const AuditEntry& a = (*all)[0];
  const AuditRecord want = Record("login.success", kT0, 3, 4);
  EXPECT_EQ(a.time, kT0);
  EXPECT_EQ(a.actor_user_id, std::optional<int64_t>(300));
  EXPECT_EQ(a.actor_org_id, std::optional<int64_t>(3));
  EXPECT_EQ(a.actor_label, want.actor_label);
  EXPECT_EQ(a.remote_addr, "127.0.0.1");
  EXPECT_EQ(a.action, "login.success");
  EXPECT_EQ(a.target, want.target);
  EXPECT_EQ(a.subject_org_id, std::optional<int64_t>(4));
  EXPECT_EQ(a.outcome, "success");
  EXPECT_EQ(a.detail, want.detail);
  EXPECT_EQ(a.hash, first->hash);
  const AuditEntry& b = (*all)[1];
  EXPECT_FALSE(b.actor_user_id || b.actor_org_id || b.subject_org_id) << "NULLs stay NULL";
  EXPECT_EQ(b.actor_label, "");

  auto head = store_->AuditChainHead();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->seq, 2);
  EXPECT_EQ((*head)->hash, second->hash);
  EXPECT_EQ((*head)->time, kT0 + 5);
}

TEST_P(StoreContract, AuditTimeNeverGoesBack) {
  ASSERT_TRUE(store_->AppendAudit(Record("a", kT0 + 100)).ok());
  auto late = store_->AppendAudit(Record("b", kT0 + 40));
  ASSERT_TRUE(late.ok()) << late.error().ToString();
  EXPECT_EQ(late->time, kT0 + 100);
  EXPECT_EQ(late->hash, AuditEntryHash(*late));
}

TEST_P(StoreContract, AuditRejectsBadRecordsAndAppendsNothing) {
  ASSERT_TRUE(store_->AppendAudit(Record("ok", kT0)).ok());
  std::vector<AuditRecord> bad;
  bad.push_back(Record("", kT0));
  bad.push_back(Record("x", kT0));
  bad.back().actor_label = "bad \xff byte";
  bad.push_back(Record("x", kT0));
  bad.back().target = std::string("nul\0inside", 10);
  bad.push_back(Record("x", kT0));
  bad.back().detail = "[1,2]";
  bad.push_back(Record("x", kT0));
  bad.back().detail = "{not json";
  for (const auto& r : bad) {
    auto a = store_->AppendAudit(r);
    ASSERT_FALSE(a.ok()) << r.action << "/" << r.actor_label << "/" << r.detail;
    EXPECT_EQ(a.error().code, ErrorCode::kInvalidArgument);
  }
  auto all = store_->ListAudit({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  EXPECT_EQ((*store_->AuditChainHead())->seq, 1);
  auto next = store_->AppendAudit(Record("after", kT0));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->seq, 2) << "a rejected record leaves no gap";
}

TEST_P(StoreContract, AuditListFilters) {
  // seq: action, actor org, subject org, time
  ASSERT_TRUE(store_->AppendAudit(Record("login.success", kT0, 1, std::nullopt)).ok());  // 1
  ASSERT_TRUE(store_->AppendAudit(Record("export", kT0 + 10, 2, 2)).ok());               // 2
  ASSERT_TRUE(store_->AppendAudit(Record("membership.grant", kT0 + 20, 2, 1)).ok());     // 3
  ASSERT_TRUE(store_->AppendAudit(Record("export", kT0 + 30, 3, 3)).ok());               // 4
  ASSERT_TRUE(store_->AppendAudit(Record("login.failure", kT0 + 40)).ok());              // 5
  auto seqs = [&](const AuditQuery& q) {
    std::vector<int64_t> out;
    auto r = store_->ListAudit(q);
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    if (r.ok()) {
      for (const auto& e : *r) out.push_back(e.seq);
    }
    return out;
  };
  AuditQuery q;
  EXPECT_THAT(seqs(q), ElementsAre(1, 2, 3, 4, 5));
  q.action = "export";
  EXPECT_THAT(seqs(q), ElementsAre(2, 4));
  q = {};
  q.actor_org_id = 2;
  EXPECT_THAT(seqs(q), ElementsAre(2, 3));
  q = {};
  q.actor_user_id = 200;  // Record(): the actor user is actor org * 100
  EXPECT_THAT(seqs(q), ElementsAre(2, 3));
  q.actor_user_id = 300;
  EXPECT_THAT(seqs(q), ElementsAre(4));
  q = {};
  q.subject_org_id = 1;
  EXPECT_THAT(seqs(q), ElementsAre(3));
  q = {};
  q.involving_org_id = 1;
  EXPECT_THAT(seqs(q), ElementsAre(1, 3)) << "actor or subject";
  q.involving_org_id = 3;
  EXPECT_THAT(seqs(q), ElementsAre(4));
  q.involving_org_id = 9;
  EXPECT_THAT(seqs(q), IsEmpty());
  q = {};
  q.since = kT0 + 10;
  q.until = kT0 + 40;
  EXPECT_THAT(seqs(q), ElementsAre(2, 3, 4)) << "since inclusive, until exclusive";
  q = {};
  q.after_seq = 2;
  q.limit = 2;
  EXPECT_THAT(seqs(q), ElementsAre(3, 4));
  q = {};
  q.action = "export";
  q.involving_org_id = 2;
  q.since = kT0;
  EXPECT_THAT(seqs(q), ElementsAre(2)) << "filters combine";
  auto all = store_->ListAudit({});
  ASSERT_TRUE(all.ok());
  q = {};
  q.hash = (*all)[3].hash;
  EXPECT_THAT(seqs(q), ElementsAre(4));
  q.hash = std::string(kAuditGenesisHash);
  EXPECT_THAT(seqs(q), IsEmpty());
}

// Many threads on two Store instances over one database (as with several
// servers) append at once: one gap-free chain, every entry present once.
TEST_P(StoreContract, AuditConcurrentAppendsFormOneChain) {
  auto second = Open(db_);
  ASSERT_NE(second, nullptr);
  constexpr int kThreads = 6;
  constexpr int kPerThread = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    Store* store = t % 2 ? second.get() : store_.get();
    threads.emplace_back([&, t, store] {
      for (int i = 0; i < kPerThread; ++i) {
        AuditRecord r = Record("object.create", kT0 + i, t);
        r.target = std::to_string(t) + "/" + std::to_string(i);
        auto a = store->AppendAudit(r);
        if (!a.ok()) {
          ++failures;
          ADD_FAILURE() << a.error().ToString();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  AuditQuery q;
  q.limit = 100000;
  auto all = store_->ListAudit(q);
  ASSERT_TRUE(all.ok()) << all.error().ToString();
  ASSERT_EQ(all->size(), size_t{kThreads * kPerThread});
  ExpectOneChain(*all);
  std::set<std::string> targets;
  for (const auto& e : *all) targets.insert(e.target);
  EXPECT_EQ(targets.size(), all->size()) << "every append stored exactly once";
  auto head = store_->AuditChainHead();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->seq, kThreads * kPerThread);
  EXPECT_EQ((*head)->hash, all->back().hash);
}

}  // namespace ecrn::store::contract
