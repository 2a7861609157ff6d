// Authentication for the hub: who sent a request (session cookie, HTTP Basic,
// or a bearer API key), password login into a session with CSRF protection,
// and rate limiting of failed logins per account and per address. Logins,
// failed logins and API key use are appended to the audit log (see
// Authenticator::Audit, which the routes use for everything else).
// Authenticator is thread-safe (its caches and limiter lock internally; the
// Store is thread-safe).
//
// The principal cache: with a store::RightsWatchingStore and a non-zero
// AuthOptions::principal_cache_ttl, a caller resolved from an API key or
// HTTP Basic credentials is remembered (without the secret: a hash of it,
// compared in constant time at each use) for at most that long, so repeated
// requests with the same credentials need no database query. A key's expiry
// is still checked at every use; any change to rights made through the same
// RightsWatchingStore (this hub process) empties it at once; changes made by
// other processes on the database take effect within the time-to-live.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/http/audit_trail.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/store/rights_watching_store.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

// Counts failures per key in a sliding window; a key with `max_failures` in
// the window is refused until the oldest of them leaves it. Thread-safe.
class RateLimiter {
 public:
  RateLimiter(int max_failures, Micros window);
  // Micros until `key` may try again (0: it may try now).
  Micros RetryAfter(const std::string& key, Micros now);
  void RecordFailure(const std::string& key, Micros now);
  void Reset(const std::string& key);

 private:
  struct Entry {
    std::vector<Micros> failures;  // times inside the window, oldest first
  };
  void Prune(Entry& e, Micros now) const;

  int max_failures_;
  Micros window_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

struct AuthOptions {
  Micros session_idle = 30LL * 60 * 1'000'000;        // 30 minutes without a request
  Micros session_absolute = 12LL * 3600 * 1'000'000;  // 12 hours after login
  int max_failures_per_account = 5;                   // in `failure_window`
  int max_failures_per_address = 20;
  Micros failure_window = 15LL * 60 * 1'000'000;
  // How long a verified HTTP Basic password is remembered (Argon2id is
  // deliberately slow; TAXII clients send Basic on every request).
  Micros basic_cache_ttl = 5LL * 60 * 1'000'000;
  // How long a resolved API-key or Basic caller is remembered (the principal
  // cache; 0: not at all). Used only by the Authenticator constructed with a
  // store::RightsWatchingStore.
  Micros principal_cache_ttl = 0;
  // Callers remembered at most (the oldest are dropped beyond).
  size_t principal_cache_entries = 10'000;
};

// Whether Identify may answer from the principal cache.
enum class Freshness {
  kMayBeCached,  // a remembered caller is good enough
  kFromStore,    // re-read the credentials' rights from the store (they are then remembered)
};

// How the caller proved who they are.
enum class AuthMethod { kSession, kBasic, kApiKey };

// An authenticated caller.
struct Caller {
  policy::Principal principal;
  AuthMethod method = AuthMethod::kSession;
  std::string session_hash;  // kSession: the session's id hash
  std::string csrf_token;    // kSession: the token cookie-authenticated writes must echo
  int64_t api_key_id = 0;    // kApiKey
};

// A successful login.
struct LoginResult {
  Caller caller;
  std::string cookie;  // the Set-Cookie header value for the new session
};

// The session cookie's name: "__Host-ecrn_session" over TLS, else "ecrn_session".
std::string_view SessionCookieName(bool secure);

class Authenticator {
 public:
  // `store` and `clock` must outlive the Authenticator. Without a
  // RightsWatchingStore there is no principal cache (principal_cache_ttl is
  // ignored).
  Authenticator(store::Store& store, Clock& clock, AuthOptions options = {});
  // With the principal cache (when options.principal_cache_ttl > 0), emptied
  // by every rights change made through `store`.
  Authenticator(store::RightsWatchingStore& store, Clock& clock, AuthOptions options);

  // Who sent `request`: nullopt when it carries no credentials at all;
  // kUnauthenticated when they are wrong, expired or revoked (and for a
  // cookie-authenticated unsafe method without the right X-CSRF-Token:
  // kPermissionDenied); kTooManyRequests while rate limited; kUnavailable
  // when the audit log cannot record the use of an API key or a checked
  // HTTP Basic password (the request is then refused).
  // Audited: "login.success" (via "basic") when a Basic password is checked
  // (not while remembered, see AuthOptions::basic_cache_ttl), "login.failure"
  // for a wrong Basic password or TOTP-account refusal, "apikey.used" and
  // refusals of a known key (revoked, expired, disabled user) once per key
  // per AuditTrail window. Unknown keys and refusals while rate limited are
  // not recorded (they would let anyone grow the log without bound).
  // With kMayBeCached an API key or Basic caller may come from the
  // principal cache (see above); kFromStore always reads the store.
  Result<std::optional<Caller>> Identify(const Request& request,
                                         Freshness freshness = Freshness::kMayBeCached);

  // The caller of `request` when it can be told without any blocking work:
  // its API key or Basic credentials are in the principal cache (checked as
  // Identify checks them) and nothing about this use needs to be written to
  // the audit log. nullopt in every other case, including wrong or missing
  // credentials: Identify (on a thread that may touch the database) then
  // gives the answer. Never touches the store.
  std::optional<Caller> IdentifyFromCache(const Request& request);

  // Password (and TOTP) login; creates a session (a new id at every login).
  // Errors: kUnauthenticated with reason "bad-credentials", "totp-required",
  // "bad-totp" or "totp-enrolment-required"; kTooManyRequests (the message
  // says when to retry); kUnavailable when the audit log cannot record the
  // outcome (a session is then not created). Audited: "login.success" or
  // "login.failure" (detail: the username tried and the reason).
  Result<LoginResult> Login(std::string_view username, std::string_view password,
                            std::string_view totp, const Request& request);

  // Ends the session `request` carries (if any); returns the Set-Cookie
  // value that clears the cookie.
  std::string Logout(const Request& request);

  // The principal of a user (memberships loaded), e.g. for a caller whose
  // rights must be re-read.
  Result<policy::Principal> PrincipalOf(const store::User& user, bool read_only);

  // The hub's audit trail (shared by every route that uses this
  // Authenticator); valid as long as the Authenticator.
  AuditTrail& Audit() { return audit_; }

 private:
  Result<LoginResult> LoginUnaudited(std::string_view username, std::string_view password,
                                     std::string_view totp, const Request& request);
  // Appends "login.failure" for a refused login attempt (`via`: "session",
  // "basic") unless it was refused without being checked (rate limited, or
  // a store failure, which is returned as is).
  Result<void> RecordLoginFailure(const Request& request, std::string_view username,
                                  const Error& refusal, std::string_view via);
  Result<Caller> FromApiKey(std::string_view key, std::optional<std::string_view> username,
                            const Request& request, Freshness freshness);
  Result<Caller> FromBasic(std::string_view username, std::string_view password,
                           const Request& request, Freshness freshness);
  Result<std::optional<Caller>> FromSession(const Request& request);
  // Checks a password (rate limited, timing-equalised for unknown users).
  Result<store::User> CheckPassword(std::string_view username, std::string_view password,
                                    const Request& request);
  // Checks a TOTP code for a user who has a secret (rate limited like
  // passwords; each time step is accepted once).
  Result<void> CheckTotp(const store::User& user, std::string_view code, const Request& request);
  Error Limited(Micros retry_after) const;

  // A remembered caller: `secret_hash` is HashApiKey(key) or the salted hash
  // of the Basic username and password.
  struct CachedCaller {
    std::string secret_hash;
    Caller caller;
    store::User owner;                  // the user (for the audit of key use)
    std::optional<Micros> key_expires;  // kApiKey: the key's expiry
    Micros cached_at = 0;
    uint64_t rights_version = 0;  // RightsWatchingStore::RightsVersion() before the reads
  };
  // The parsed Authorization header of a request the cache may answer.
  struct CacheProbe {
    std::string cache_key;                // "k:" + key prefix, or "b:" + username
    std::string secret_hash;              // see CachedCaller
    std::optional<std::string> username;  // Basic: the username sent
  };
  bool CacheEnabled() const { return rights_ != nullptr && options_.principal_cache_ttl > 0; }
  uint64_t RightsVersion() const;
  std::optional<CacheProbe> ProbeOf(const Request& request) const;
  std::string BasicSecretHash(std::string_view username, std::string_view password) const;
  // A copy of the fresh entry for `probe` (secret compared in constant time).
  std::optional<CachedCaller> FindCached(const CacheProbe& probe, Micros now);
  void Remember(std::string cache_key, CachedCaller entry);

  store::Store& store_;
  const store::RightsWatchingStore* rights_ = nullptr;  // set: the principal cache may be used
  Clock& clock_;
  AuthOptions options_;
  RateLimiter per_account_;
  RateLimiter per_address_;
  std::string cache_salt_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::pair<int64_t, Micros>> basic_cache_;  // -> user, expiry
  std::mutex principal_mu_;
  std::unordered_map<std::string, CachedCaller> principal_cache_;  // guarded by principal_mu_
  AuditTrail audit_;
};

// The value of cookie `name` in the request's Cookie headers, or nullopt.
std::optional<std::string> RequestCookie(const Request& request, std::string_view name);

}  // namespace ecrn::http
