#include "ecrn/http/auth.hpp"

#include <algorithm>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/totp.hpp"

namespace ecrn::http {
namespace {

constexpr Micros kSecond = 1'000'000;
// A session's last_seen is written at most this often (it only needs to be
// precise to within the idle time-out).
constexpr Micros kTouchEvery = 60 * kSecond;

Error Unauthenticated(std::string message, std::string reason = {}) {
  Error e{ErrorCode::kUnauthenticated, std::move(message), {}};
  e.reason = std::move(reason);
  return e;
}

Error BadCredentials() { return Unauthenticated("wrong username or password", "bad-credentials"); }

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A hash that only makes timing equal for unknown users (never matches).
const std::string& DummyHash() {
  static const std::string hash = HashPassword("not a real password").value();
  return hash;
}

std::string SetCookie(std::string_view name, std::string_view value, Micros max_age, bool secure) {
  std::string c(name);
  c += '=';
  c += value;
  c += "; Path=/; HttpOnly; SameSite=Strict; Max-Age=";
  c += std::to_string(max_age / kSecond);
  if (secure) c += "; Secure";
  return c;
}

// The credentials of an Authorization header.
struct Credentials {
  bool api_key = false;                 // else a password
  std::optional<std::string> username;  // HTTP Basic
  std::string secret;                   // the API key or password
};

// nullopt without an Authorization header; kUnauthenticated when it is
// malformed or names another scheme.
Result<std::optional<Credentials>> ParseAuthorization(const Request& request) {
  auto authz = request.Header("Authorization");
  if (!authz) return std::optional<Credentials>();
  std::string_view value = Trim(*authz);
  size_t space = value.find(' ');
  std::string_view scheme = value.substr(0, space);
  std::string_view credentials =
      space == std::string_view::npos ? std::string_view() : Trim(value.substr(space + 1));
  Credentials c;
  if (EqualsIgnoreCase(scheme, "Bearer")) {
    c.api_key = true;
    c.secret = credentials;
    return std::optional<Credentials>(std::move(c));
  }
  if (EqualsIgnoreCase(scheme, "Basic")) {
    auto decoded = DecodeBase64(credentials);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (!decoded || colon == std::string::npos) {
      return Unauthenticated("malformed HTTP Basic credentials", "bad-credentials");
    }
    c.username = decoded->substr(0, colon);
    c.secret = decoded->substr(colon + 1);
    c.api_key = !ApiKeyPrefix(c.secret).empty();
    return std::optional<Credentials>(std::move(c));
  }
  return Unauthenticated("unsupported Authorization scheme (use Basic or Bearer)",
                         "bad-credentials");
}

}  // namespace

// --- RateLimiter -----------------------------------------------------------

RateLimiter::RateLimiter(int max_failures, Micros window)
    : max_failures_(std::max(1, max_failures)), window_(window) {}

void RateLimiter::Prune(Entry& e, Micros now) const {
  auto keep = std::find_if(e.failures.begin(), e.failures.end(),
                           [&](Micros t) { return t > now - window_; });
  e.failures.erase(e.failures.begin(), keep);
}

Micros RateLimiter::RetryAfter(const std::string& key, Micros now) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return 0;
  Prune(it->second, now);
  const auto& f = it->second.failures;
  if (static_cast<int>(f.size()) < max_failures_) return 0;
  // Free again when the failure that completed the limit leaves the window.
  return f[f.size() - static_cast<size_t>(max_failures_)] + window_ - now;
}

void RateLimiter::RecordFailure(const std::string& key, Micros now) {
  std::lock_guard lock(mu_);
  Entry& e = entries_[key];
  Prune(e, now);
  e.failures.push_back(now);
  // Bound memory per key: only the newest max_failures_ matter.
  if (static_cast<int>(e.failures.size()) > max_failures_) e.failures.erase(e.failures.begin());
  // Bound the table: drop keys with nothing left in the window.
  if (entries_.size() > 100'000) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      Prune(it->second, now);
      it = it->second.failures.empty() ? entries_.erase(it) : std::next(it);
    }
  }
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  entries_.erase(key);
}

// --- cookies -----------------------------------------------------------------

std::string_view SessionCookieName(bool secure) {
  return secure ? "__Host-ecrn_session" : "ecrn_session";
}

std::optional<std::string> RequestCookie(const Request& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (!EqualsIgnoreCase(k, "Cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (Trim(pair.substr(0, eq)) == name) return std::string(Trim(pair.substr(eq + 1)));
    }
  }
  return std::nullopt;
}

// --- Authenticator -----------------------------------------------------------

Authenticator::Authenticator(store::Store& store, Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      per_account_(options.max_failures_per_account, options.failure_window),
      per_address_(options.max_failures_per_address, options.failure_window),
      cache_salt_(RandomToken(32)),
      audit_(store, clock) {}

Authenticator::Authenticator(store::RightsWatchingStore& store, Clock& clock, AuthOptions options)
    : Authenticator(static_cast<store::Store&>(store), clock, options) {
  rights_ = &store;
}

// --- the principal cache -------------------------------------------------------

uint64_t Authenticator::RightsVersion() const { return rights_ ? rights_->RightsVersion() : 0; }

std::string Authenticator::BasicSecretHash(std::string_view username,
                                           std::string_view password) const {
  std::string text = cache_salt_;
  text += '\0';
  text += username;
  text += '\0';
  text += password;
  return Sha256Hex(text);
}

std::optional<Authenticator::CacheProbe> Authenticator::ProbeOf(const Request& request) const {
  auto credentials = ParseAuthorization(request);
  if (!credentials.ok() || !*credentials) return std::nullopt;
  const Credentials& c = **credentials;
  CacheProbe probe;
  probe.username = c.username;
  if (c.api_key) {
    const std::string prefix = ApiKeyPrefix(c.secret);
    if (prefix.empty()) return std::nullopt;
    probe.cache_key = "k:" + prefix;
    probe.secret_hash = HashApiKey(c.secret);
  } else {
    probe.cache_key = "b:" + *c.username;
    probe.secret_hash = BasicSecretHash(*c.username, c.secret);
  }
  return probe;
}

std::optional<Authenticator::CachedCaller> Authenticator::FindCached(const CacheProbe& probe,
                                                                     Micros now) {
  std::lock_guard lock(principal_mu_);
  auto it = principal_cache_.find(probe.cache_key);
  if (it == principal_cache_.end()) return std::nullopt;
  const CachedCaller& e = it->second;
  // A wrong secret never matches (and does not evict the right one's entry).
  if (!ConstantTimeEquals(e.secret_hash, probe.secret_hash)) return std::nullopt;
  const bool stale = e.rights_version != RightsVersion() || now < e.cached_at ||
                     now - e.cached_at >= options_.principal_cache_ttl ||
                     (e.key_expires && *e.key_expires <= now);
  if (stale) {
    principal_cache_.erase(it);
    return std::nullopt;
  }
  if (probe.username && *probe.username != e.owner.username) return std::nullopt;
  return e;
}

void Authenticator::Remember(std::string cache_key, CachedCaller entry) {
  std::lock_guard lock(principal_mu_);
  const uint64_t version = RightsVersion();
  // Rights changed while this caller was being read: it may be out of date.
  if (entry.rights_version != version) return;
  const size_t limit = std::max<size_t>(1, options_.principal_cache_entries);
  if (principal_cache_.size() >= limit && principal_cache_.count(cache_key) == 0) {
    const Micros now = entry.cached_at;
    std::erase_if(principal_cache_, [&](const auto& kv) {
      const CachedCaller& e = kv.second;
      return e.rights_version != version || now < e.cached_at ||
             now - e.cached_at >= options_.principal_cache_ttl;
    });
    // Everything still fresh: drop an arbitrary one.
    if (principal_cache_.size() >= limit) principal_cache_.erase(principal_cache_.begin());
  }
  principal_cache_.insert_or_assign(std::move(cache_key), std::move(entry));
}

std::optional<Caller> Authenticator::IdentifyFromCache(const Request& request) {
  if (!CacheEnabled()) return std::nullopt;
  auto probe = ProbeOf(request);
  if (!probe) return std::nullopt;
  auto hit = FindCached(*probe, clock_.Now());
  if (!hit) return std::nullopt;
  // The key's use still has to be written to the audit log: not here.
  if (hit->caller.method == AuthMethod::kApiKey && !audit_.KeyUseRecorded(hit->caller.api_key_id)) {
    return std::nullopt;
  }
  return std::move(hit->caller);
}

Error Authenticator::Limited(Micros retry_after) const {
  const Micros seconds = std::max<Micros>(1, (retry_after + kSecond - 1) / kSecond);
  Error e{ErrorCode::kTooManyRequests,
          "too many failed logins; try again in " + std::to_string(seconds) + " seconds",
          {}};
  e.reason = "rate-limited";
  return e;
}

Result<policy::Principal> Authenticator::PrincipalOf(const store::User& user, bool read_only) {
  ECRN_ASSIGN_OR_RETURN(auto org, store_.FindOrganisation(std::to_string(user.org_id)));
  ECRN_ASSIGN_OR_RETURN(auto memberships, store_.ListOrgMemberships(org.id));
  return policy::MakePrincipal(user, org, memberships, read_only);
}

Result<store::User> Authenticator::CheckPassword(std::string_view username,
                                                 std::string_view password,
                                                 const Request& request) {
  const Micros now = clock_.Now();
  const std::string account_key = "account:" + std::string(username);
  const std::string address_key = "address:" + request.remote_address;
  const Micros wait = std::max(per_account_.RetryAfter(account_key, now),
                               per_address_.RetryAfter(address_key, now));
  if (wait > 0) return Limited(wait);

  auto fail = [&]() -> Error {
    per_account_.RecordFailure(account_key, now);
    per_address_.RecordFailure(address_key, now);
    return BadCredentials();
  };
  auto user = store_.FindUser(username);
  // FindUser also takes numeric ids: a login must name the user.
  if (!user.ok() || user->username != username || user->disabled) {
    if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
    (void)VerifyPassword(password, DummyHash());
    return fail();
  }
  if (!VerifyPassword(password, user->password_hash)) return fail();
  // The account's failure count is reset only after the whole login
  // (including a second factor) succeeds, so TOTP guesses stay limited.
  return std::move(user).value();
}

Result<void> Authenticator::CheckTotp(const store::User& user, std::string_view code,
                                      const Request& request) {
  if (code.empty()) {
    return Unauthenticated("enter the code from your authenticator app", "totp-required");
  }
  const Micros now = clock_.Now();
  const std::string account_key = "account:" + user.username;
  const std::string address_key = "address:" + request.remote_address;
  auto fail = [&]() -> Error {
    per_account_.RecordFailure(account_key, now);
    per_address_.RecordFailure(address_key, now);
    return Unauthenticated("wrong or already used authenticator code", "bad-totp");
  };
  auto secret = Base32Decode(user.totp_secret);
  if (!secret.ok())
    return Error::Internal("cannot read the user's TOTP secret", secret.error().message);
  auto step = VerifyTotp(
      *secret, code, now,
      user.totp_last_step > 0 ? std::optional<int64_t>(user.totp_last_step) : std::nullopt);
  if (!step.ok()) return fail();
  // Claimed in the database so a code is never accepted twice, even by
  // another server or a concurrent login.
  ECRN_ASSIGN_OR_RETURN(bool fresh, store_.ClaimTotpStep(user.id, *step));
  if (!fresh) return fail();
  return Ok();
}

Result<Caller> Authenticator::FromApiKey(std::string_view key,
                                         std::optional<std::string_view> username,
                                         const Request& request, Freshness freshness) {
  const std::string prefix = ApiKeyPrefix(key);
  if (prefix.empty()) return Unauthenticated("invalid API key", "bad-credentials");
  const std::string hash = HashApiKey(key);
  const Micros now = clock_.Now();
  if (CacheEnabled() && freshness == Freshness::kMayBeCached) {
    CacheProbe probe{"k:" + prefix, hash, std::nullopt};
    if (username) probe.username = std::string(*username);
    if (auto hit = FindCached(probe, now)) {
      ECRN_TRY(audit_.RecordKeyUse(request, hit->owner, hit->caller.api_key_id));
      return std::move(hit->caller);
    }
  }
  // Taken before the reads, so a change made meanwhile keeps them out of the cache.
  const uint64_t version = RightsVersion();
  ECRN_ASSIGN_OR_RETURN(auto rows, store_.FindApiKeysByPrefix(prefix));
  for (const auto& row : rows) {
    if (!ConstantTimeEquals(row.key_hash, hash)) continue;
    auto user = store_.FindUser(std::to_string(row.user_id));
    if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
    // A known key refused: recorded (once per key and reason per window).
    auto refuse = [&](std::string message, std::string_view reason) -> Result<Caller> {
      if (user.ok()) {
        ECRN_TRY(audit_.RecordKeyUse(request, *user, row.id, reason));
      }
      return Unauthenticated(std::move(message), "bad-credentials");
    };
    if (row.revoked) return refuse("the API key was revoked", "apikey-revoked");
    if (row.expires && *row.expires <= now) {
      return refuse("the API key has expired", "apikey-expired");
    }
    if (!user.ok() || user->disabled) return refuse("invalid API key", "user-disabled");
    if (username && *username != user->username) {
      return refuse("invalid API key", "username-mismatch");
    }
    Caller c;
    ECRN_ASSIGN_OR_RETURN(c.principal, PrincipalOf(*user, row.read_only));
    c.method = AuthMethod::kApiKey;
    c.api_key_id = row.id;
    ECRN_TRY(audit_.RecordKeyUse(request, *user, row.id));
    if (CacheEnabled()) Remember("k:" + prefix, {hash, c, *user, row.expires, now, version});
    return c;
  }
  return Unauthenticated("invalid API key", "bad-credentials");
}

Result<Caller> Authenticator::FromBasic(std::string_view username, std::string_view password,
                                        const Request& request, Freshness freshness) {
  const Micros now = clock_.Now();
  std::string secret_hash;  // set: the principal cache is used
  if (CacheEnabled()) {
    secret_hash = BasicSecretHash(username, password);
    CacheProbe probe{"b:" + std::string(username), secret_hash, std::string(username)};
    if (freshness == Freshness::kMayBeCached) {
      if (auto hit = FindCached(probe, now)) return std::move(hit->caller);
    }
  }
  const uint64_t version = RightsVersion();
  auto remember = [&](const Caller& c, const store::User& u) {
    if (!secret_hash.empty()) {
      Remember("b:" + std::string(username), {secret_hash, c, u, std::nullopt, now, version});
    }
  };
  auto refuse_second_factor = [](const store::User& u) -> std::optional<Error> {
    if (!u.totp_secret.empty() || u.role == "network-admin") {
      return Unauthenticated(
          "this account uses a second factor: authenticate with an API key instead of the "
          "password",
          "api-key-required");
    }
    return std::nullopt;
  };
  // A remembered verification: keyed by the stored hash too, so a password
  // change forgets it.
  auto user = store_.FindUser(username);
  if (user.ok() && user->username == username && !user->disabled) {
    const std::string key =
        Sha256Hex(cache_salt_ + '\0' + user->password_hash + '\0' + std::string(password));
    bool cached = false;
    {
      std::lock_guard lock(cache_mu_);
      auto it = basic_cache_.find(key);
      cached = it != basic_cache_.end() && it->second.first == user->id && it->second.second > now;
    }
    if (cached) {
      if (auto e = refuse_second_factor(*user)) return *e;
      Caller c;
      ECRN_ASSIGN_OR_RETURN(c.principal, PrincipalOf(*user, false));
      c.method = AuthMethod::kBasic;
      remember(c, *user);
      return c;
    }
  }
  auto checked = CheckPassword(username, password, request);
  if (!checked.ok()) {
    ECRN_TRY(RecordLoginFailure(request, username, checked.error(), "basic"));
    return checked.error();
  }
  if (auto e = refuse_second_factor(*checked)) {
    ECRN_TRY(RecordLoginFailure(request, username, *e, "basic"));
    return *e;
  }
  per_account_.Reset("account:" + checked->username);
  {
    std::lock_guard lock(cache_mu_);
    if (basic_cache_.size() > 10'000) basic_cache_.clear();
    basic_cache_[Sha256Hex(cache_salt_ + '\0' + checked->password_hash + '\0' +
                           std::string(password))] = {checked->id, now + options_.basic_cache_ttl};
  }
  Caller c;
  ECRN_ASSIGN_OR_RETURN(c.principal, PrincipalOf(*checked, false));
  c.method = AuthMethod::kBasic;
  audit::Event e;
  e.action = "login.success";
  e.target = "user:" + std::to_string(checked->id);
  e.subject_org_id = checked->org_id;
  e.detail["via"] = "basic";
  if (auto recorded = audit_.Record(request, &c.principal, std::move(e)); !recorded.ok()) {
    // Forget the verification, so the next request checks (and records) again.
    std::lock_guard lock(cache_mu_);
    basic_cache_.clear();
    return recorded.error();
  }
  remember(c, *checked);
  return c;
}

Result<std::optional<Caller>> Authenticator::FromSession(const Request& request) {
  auto cookie = RequestCookie(request, SessionCookieName(request.secure));
  if (!cookie || cookie->empty()) return std::optional<Caller>();
  const std::string hash = Sha256Hex(*cookie);
  auto session = store_.FindSession(hash);
  if (!session.ok()) {
    if (session.error().code != ErrorCode::kNotFound) return session.error();
    return Unauthenticated("the session has ended; log in again", "session-expired");
  }
  const Micros now = clock_.Now();
  if (now >= session->expires || now - session->last_seen > options_.session_idle) {
    (void)store_.DeleteSession(hash);
    return Unauthenticated("the session has ended; log in again", "session-expired");
  }
  if (!IsSafeMethod(request.method)) {
    auto token = request.Header("X-CSRF-Token");
    if (!token || !ConstantTimeEquals(*token, session->csrf_token)) {
      Error e{ErrorCode::kPermissionDenied, "missing or wrong X-CSRF-Token header", {}};
      e.reason = "csrf-mismatch";
      return e;
    }
  }
  auto user = store_.FindUser(std::to_string(session->user_id));
  if (!user.ok() || user->disabled) {
    (void)store_.DeleteSession(hash);
    return Unauthenticated("the session has ended; log in again", "session-expired");
  }
  if (now - session->last_seen >= kTouchEvery) (void)store_.TouchSession(hash, now);
  Caller c;
  ECRN_ASSIGN_OR_RETURN(c.principal, PrincipalOf(*user, false));
  c.method = AuthMethod::kSession;
  c.session_hash = hash;
  c.csrf_token = session->csrf_token;
  return std::optional<Caller>(std::move(c));
}

Result<std::optional<Caller>> Authenticator::Identify(const Request& request, Freshness freshness) {
  ECRN_ASSIGN_OR_RETURN(auto credentials, ParseAuthorization(request));
  if (!credentials) return FromSession(request);
  const Credentials& c = *credentials;
  std::optional<std::string_view> username;
  if (c.username) username = *c.username;
  if (c.api_key) {
    ECRN_ASSIGN_OR_RETURN(auto caller, FromApiKey(c.secret, username, request, freshness));
    return std::optional<Caller>(std::move(caller));
  }
  ECRN_ASSIGN_OR_RETURN(auto caller, FromBasic(*username, c.secret, request, freshness));
  return std::optional<Caller>(std::move(caller));
}

Result<void> Authenticator::RecordLoginFailure(const Request& request, std::string_view username,
                                               const Error& refusal, std::string_view via) {
  if (refusal.code != ErrorCode::kUnauthenticated) return Ok();
  audit::Event e;
  e.action = "login.failure";
  e.outcome = "failure";
  e.detail["username"] = username;
  e.detail["reason"] = refusal.reason.empty() ? "bad-credentials" : refusal.reason;
  e.detail["via"] = via;
  // The account tried, when it exists (its organisation's admins see the entry).
  auto user = store_.FindUser(username);
  if (user.ok() && user->username == username) {
    e.target = "user:" + std::to_string(user->id);
    e.subject_org_id = user->org_id;
  } else if (!user.ok() && user.error().code != ErrorCode::kNotFound) {
    return user.error();
  }
  return audit_.Record(request, nullptr, std::move(e));
}

Result<LoginResult> Authenticator::Login(std::string_view username, std::string_view password,
                                         std::string_view totp, const Request& request) {
  auto login = LoginUnaudited(username, password, totp, request);
  if (!login.ok()) {
    ECRN_TRY(RecordLoginFailure(request, username, login.error(), "session"));
    return login.error();
  }
  audit::Event e;
  e.action = "login.success";
  const policy::Principal& p = login->caller.principal;
  e.target = "user:" + std::to_string(p.user_id);
  e.subject_org_id = p.org_id;
  e.detail["via"] = "session";
  if (auto recorded = audit_.Record(request, &p, std::move(e)); !recorded.ok()) {
    (void)store_.DeleteSession(login->caller.session_hash);
    return recorded.error();
  }
  return login;
}

Result<LoginResult> Authenticator::LoginUnaudited(std::string_view username,
                                                  std::string_view password, std::string_view totp,
                                                  const Request& request) {
  ECRN_ASSIGN_OR_RETURN(auto user, CheckPassword(username, password, request));
  if (user.totp_secret.empty() && user.role == "network-admin") {
    return Unauthenticated(
        "network admins must enrol a second factor first (ecrn user totp --user NAME)",
        "totp-enrolment-required");
  }
  if (!user.totp_secret.empty()) {
    ECRN_TRY(CheckTotp(user, totp, request));
  }
  per_account_.Reset("account:" + user.username);
  const Micros now = clock_.Now();
  // Rotation: whatever session the browser had ends; the new one gets a new id.
  if (auto old = RequestCookie(request, SessionCookieName(request.secure))) {
    (void)store_.DeleteSession(Sha256Hex(*old));
  }
  const std::string cookie_value = RandomToken(32);
  store::Session s;
  s.id_hash = Sha256Hex(cookie_value);
  s.user_id = user.id;
  s.csrf_token = RandomToken(32);
  s.created = now;
  s.last_seen = now;
  s.expires = now + options_.session_absolute;
  ECRN_TRY(store_.CreateSession(s));
  LoginResult out;
  ECRN_ASSIGN_OR_RETURN(out.caller.principal, PrincipalOf(user, false));
  out.caller.method = AuthMethod::kSession;
  out.caller.session_hash = s.id_hash;
  out.caller.csrf_token = s.csrf_token;
  out.cookie = SetCookie(SessionCookieName(request.secure), cookie_value, options_.session_absolute,
                         request.secure);
  return out;
}

std::string Authenticator::Logout(const Request& request) {
  if (auto cookie = RequestCookie(request, SessionCookieName(request.secure))) {
    (void)store_.DeleteSession(Sha256Hex(*cookie));
  }
  return SetCookie(SessionCookieName(request.secure), "", 0, request.secure);
}

}  // namespace ecrn::http
