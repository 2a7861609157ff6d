// A Store that forwards every call to another Store. Tests derive from it
// to inject faults or count calls while a real backend does the work (in the
// spirit of LevelDB's EnvWrapper). Thread-safe when the inner store is and
// the overrides are.
#pragma once

#include "ecrn/store/store.hpp"

namespace ecrn::store {

class ForwardingStore : public Store {
 public:
  // `inner` must outlive this object.
  explicit ForwardingStore(Store& inner) : inner_(inner) {}

  std::string_view Backend() const override { return inner_.Backend(); }
  Result<void> Migrate() override { return inner_.Migrate(); }
  Result<int> SchemaVersion() override { return inner_.SchemaVersion(); }
  Result<int64_t> AddOrganisation(const Organisation& org) override {
    return inner_.AddOrganisation(org);
  }
  Result<std::vector<Organisation>> ListOrganisations() override {
    return inner_.ListOrganisations();
  }
  Result<Organisation> FindOrganisation(std::string_view name_or_id) override {
    return inner_.FindOrganisation(name_or_id);
  }
  Result<int64_t> AddUser(const User& user) override { return inner_.AddUser(user); }
  Result<std::vector<User>> ListUsers(std::optional<int64_t> org_id) override {
    return inner_.ListUsers(org_id);
  }
  Result<User> FindUser(std::string_view name_or_id) override {
    return inner_.FindUser(name_or_id);
  }
  Result<void> SetPassword(int64_t user_id, std::string_view password_hash) override {
    return inner_.SetPassword(user_id, password_hash);
  }
  Result<void> SetTotp(int64_t user_id, std::string_view secret) override {
    return inner_.SetTotp(user_id, secret);
  }
  Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) override {
    return inner_.ClaimTotpStep(user_id, step);
  }
  Result<int64_t> AddApiKey(const ApiKey& key) override { return inner_.AddApiKey(key); }
  Result<std::vector<ApiKey>> FindApiKeysByPrefix(std::string_view prefix) override {
    return inner_.FindApiKeysByPrefix(prefix);
  }
  Result<std::vector<ApiKey>> ListApiKeys(int64_t user_id) override {
    return inner_.ListApiKeys(user_id);
  }
  Result<void> RevokeApiKey(int64_t key_id) override { return inner_.RevokeApiKey(key_id); }
  Result<int64_t> AddChannel(const Channel& channel) override { return inner_.AddChannel(channel); }
  Result<std::vector<Channel>> ListChannels() override { return inner_.ListChannels(); }
  Result<Channel> FindChannel(std::string_view name_or_id) override {
    return inner_.FindChannel(name_or_id);
  }
  Result<void> Grant(const Membership& membership) override { return inner_.Grant(membership); }
  Result<std::vector<Membership>> ListMemberships(std::optional<int64_t> channel_id) override {
    return inner_.ListMemberships(channel_id);
  }
  Result<std::vector<Membership>> ListOrgMemberships(int64_t org_id) override {
    return inner_.ListOrgMemberships(org_id);
  }
  Result<std::vector<InsertOutcome>> InsertObjects(int64_t channel_id,
                                                   std::span<const NewObject> objects,
                                                   Micros now) override {
    return inner_.InsertObjects(channel_id, objects, now);
  }
  Result<bool> BeginBulkLoad() override { return inner_.BeginBulkLoad(); }
  Result<void> EndBulkLoad() override { return inner_.EndBulkLoad(); }
  Result<std::vector<StoredObject>> QueryObjects(const ObjectQuery& query) override {
    return inner_.QueryObjects(query);
  }
  Result<int64_t> CountObjects(std::optional<int64_t> channel_id) override {
    return inner_.CountObjects(channel_id);
  }
  Result<std::vector<ObservableHit>> FindObservable(std::string_view kind,
                                                    std::string_view value) override {
    return inner_.FindObservable(kind, value);
  }
  Result<std::vector<int64_t>> RedRecipients(int64_t object_pk) override {
    return inner_.RedRecipients(object_pk);
  }
  Result<int64_t> DeleteObject(int64_t channel_id, std::string_view stix_id) override {
    return inner_.DeleteObject(channel_id, stix_id);
  }
  Result<int64_t> DeleteVersions(std::span<const int64_t> pks) override {
    return inner_.DeleteVersions(pks);
  }
  Result<void> CreateSession(const Session& session) override {
    return inner_.CreateSession(session);
  }
  Result<Session> FindSession(std::string_view id_hash) override {
    return inner_.FindSession(id_hash);
  }
  Result<void> TouchSession(std::string_view id_hash, Micros last_seen) override {
    return inner_.TouchSession(id_hash, last_seen);
  }
  Result<void> DeleteSession(std::string_view id_hash) override {
    return inner_.DeleteSession(id_hash);
  }
  Result<int64_t> DeleteUserSessions(int64_t user_id) override {
    return inner_.DeleteUserSessions(user_id);
  }
  Result<int64_t> DeleteExpiredSessions(Micros now) override {
    return inner_.DeleteExpiredSessions(now);
  }
  Result<void> PutTaxiiStatus(const TaxiiStatus& status) override {
    return inner_.PutTaxiiStatus(status);
  }
  Result<TaxiiStatus> GetTaxiiStatus(std::string_view id) override {
    return inner_.GetTaxiiStatus(id);
  }
  Result<std::unique_ptr<ObjectFeed>> OpenObjectFeed() override { return inner_.OpenObjectFeed(); }
  Result<std::string> ServerSecret(std::string_view name, std::string_view candidate) override {
    return inner_.ServerSecret(name, candidate);
  }
  Result<AuditEntry> AppendAudit(const AuditRecord& record) override {
    return inner_.AppendAudit(record);
  }
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) override {
    return inner_.ListAudit(query);
  }
  Result<std::optional<AuditHead>> AuditChainHead() override { return inner_.AuditChainHead(); }
  // The inner store's, undecorated: a subclass that wants to watch incident
  // calls overrides this and wraps it.
  IncidentStore& Incidents() override { return inner_.Incidents(); }

 protected:
  Store& inner_;
};

}  // namespace ecrn::store
