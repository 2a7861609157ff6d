// Authentication for the hub: who sent a request (session cookie, HTTP Basic,
// or a bearer API key), password login into a session with CSRF protection,
// and rate limiting of failed logins per account and per address. Logins,
// failed logins and API key use are appended to the audit log (see
// Authenticator::Audit, which the routes use for everything else).
// Authenticator is thread-safe (its caches and limiter lock internally; the
// Store is thread-safe).
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
  // `store` and `clock` must outlive the Authenticator.
  Authenticator(store::Store& store, Clock& clock, AuthOptions options = {});

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
  Result<std::optional<Caller>> Identify(const Request& request);

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
                            const Request& request);
  Result<Caller> FromBasic(std::string_view username, std::string_view password,
                           const Request& request);
  Result<std::optional<Caller>> FromSession(const Request& request);
  // Checks a password (rate limited, timing-equalised for unknown users).
  Result<store::User> CheckPassword(std::string_view username, std::string_view password,
                                    const Request& request);
  // Checks a TOTP code for a user who has a secret (rate limited like
  // passwords; each time step is accepted once).
  Result<void> CheckTotp(const store::User& user, std::string_view code, const Request& request);
  Error Limited(Micros retry_after) const;

  store::Store& store_;
  Clock& clock_;
  AuthOptions options_;
  RateLimiter per_account_;
  RateLimiter per_address_;
  std::string cache_salt_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, std::pair<int64_t, Micros>> basic_cache_;  // -> user, expiry
  AuditTrail audit_;
};

// The value of cookie `name` in the request's Cookie headers, or nullopt.
std::optional<std::string> RequestCookie(const Request& request, std::string_view name);

}  // namespace ecrn::http
