// A Store that forwards every call and counts the changes made through it to
// who may do what (organisations, users and their passwords, second factors
// and sessions, API keys, channels and memberships), so that a cache of
// callers' rights in the same process (the hub's principal cache, see
// http::Authenticator) can drop what it holds the moment one of them changes.
// Changes made by another process (the `ecrn` CLI, another server on the same
// database) are not seen here; such caches bound their age for those.
// Thread-safe when the inner store is.
//
// A new Store method that changes any of the above must be overridden here
// with Counted(); otherwise a change through the hub reaches callers only
// after the cache's time-to-live.
#pragma once

#include <atomic>
#include <cstdint>

#include "ecrn/store/forwarding_store.hpp"

namespace ecrn::store {

class RightsWatchingStore : public ForwardingStore {
 public:
  // `inner` must outlive this object.
  explicit RightsWatchingStore(Store& inner) : ForwardingStore(inner) {}

  // How many rights-changing calls have finished so far. It grows after the
  // call has returned (committed or failed), never before: a reader that
  // took the version before reading rights from the store and finds it
  // unchanged afterwards read no row that a counted change had replaced.
  uint64_t RightsVersion() const { return version_.load(std::memory_order_acquire); }

  Result<int64_t> AddOrganisation(const Organisation& org) override {
    return Counted(inner_.AddOrganisation(org));
  }
  Result<int64_t> AddUser(const User& user) override { return Counted(inner_.AddUser(user)); }
  Result<void> SetPassword(int64_t user_id, std::string_view password_hash) override {
    return Counted(inner_.SetPassword(user_id, password_hash));
  }
  Result<void> SetTotp(int64_t user_id, std::string_view secret) override {
    return Counted(inner_.SetTotp(user_id, secret));
  }
  Result<int64_t> AddApiKey(const ApiKey& key) override { return Counted(inner_.AddApiKey(key)); }
  Result<void> RevokeApiKey(int64_t key_id) override {
    return Counted(inner_.RevokeApiKey(key_id));
  }
  Result<int64_t> AddChannel(const Channel& channel) override {
    return Counted(inner_.AddChannel(channel));
  }
  Result<void> Grant(const Membership& membership) override {
    return Counted(inner_.Grant(membership));
  }
  Result<int64_t> DeleteUserSessions(int64_t user_id) override {
    return Counted(inner_.DeleteUserSessions(user_id));
  }

 private:
  template <typename T>
  T Counted(T result) {
    version_.fetch_add(1, std::memory_order_acq_rel);
    return result;
  }

  std::atomic<uint64_t> version_{0};
};

}  // namespace ecrn::store
