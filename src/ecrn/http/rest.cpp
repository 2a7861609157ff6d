#include "ecrn/http/rest.hpp"

#include <memory>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/stix/object.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

struct Rest {
  store::Store& store;
  Authenticator& auth;
  Clock& clock;
  LogSink log;
};

// REST errors: JSON bodies; 401 with a Bearer challenge (never Basic, which
// would make browsers show their own login dialog).
Response RestError(const Error& e) {
  Response r = ErrorResponse(e);
  if (r.status == 401) r.SetHeader("WWW-Authenticate", "Bearer realm=\"ECRN\"");
  return r;
}

Response Json(int status, const json::value& body) {
  return MakeResponse(status, kJsonType, json::serialize(body));
}

json::object UserJson(const Rest& rest, const policy::Principal& p) {
  json::object org;
  org["id"] = p.org_id;
  auto found = rest.store.FindOrganisation(std::to_string(p.org_id));
  if (found.ok()) {
    org["name"] = found->name;
    org["kind"] = found->kind;
    org["country"] = found->country;
  }
  json::object user;
  user["id"] = p.user_id;
  user["username"] = p.username;
  user["role"] = policy::RoleName(p.role);
  user["org"] = std::move(org);
  return user;
}

json::object SessionJson(const Rest& rest, const Caller& c) {
  json::object o;
  o["user"] = UserJson(rest, c.principal);
  o["csrf_token"] = c.csrf_token;
  return o;
}

// Requires a JSON body (a browser cannot send that cross-site without a
// CORS preflight, which we never grant).
Result<json::object> JsonBody(const Request& request) {
  auto ct = request.Header("Content-Type");
  if (!ct || ct->substr(0, kJsonType.size()) != kJsonType) {
    return Error{ErrorCode::kUnsupportedMedia, "send application/json", {}};
  }
  stix::ParseLimits limits;
  limits.max_bytes = 64 * 1024;
  limits.max_depth = 16;
  ECRN_ASSIGN_OR_RETURN(auto value, stix::ParseJson(request.body, limits));
  if (!value.is_object()) return Error::Invalid("the body must be a JSON object");
  return std::move(value.as_object());
}

std::string StringField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Response Login(Rest& rest, const RouteContext& ctx) {
  auto body = JsonBody(ctx.request);
  if (!body.ok()) return RestError(body.error());
  const std::string username = StringField(*body, "username");
  const std::string password = StringField(*body, "password");
  if (username.empty() || password.empty()) {
    return RestError(Error::Invalid("username and password are required"));
  }
  auto login = rest.auth.Login(username, password, StringField(*body, "totp"), ctx.request);
  if (!login.ok()) {
    Response r = RestError(login.error());
    if (login.error().code == ErrorCode::kTooManyRequests) r.SetHeader("Retry-After", "60");
    return r;
  }
  Response r = Json(200, SessionJson(rest, login->caller));
  r.headers.emplace_back("Set-Cookie", login->cookie);
  return r;
}

Response Current(Rest& rest, const RouteContext& ctx) {
  auto who = rest.auth.Identify(ctx.request);
  if (!who.ok()) return RestError(who.error());
  if (!*who) return RestError(Error{ErrorCode::kUnauthenticated, "not logged in", {}});
  return Json(200, SessionJson(rest, **who));
}

Response Logout(Rest& rest, const RouteContext& ctx) {
  // Logging out needs the CSRF token like any other cookie write (Identify
  // checks it), so another site cannot end a user's session.
  auto who = rest.auth.Identify(ctx.request);
  if (!who.ok() && who.error().code != ErrorCode::kUnauthenticated) return RestError(who.error());
  Response r;
  r.status = 204;
  r.headers.emplace_back("Set-Cookie", rest.auth.Logout(ctx.request));
  return r;
}

}  // namespace

void AddRestRoutes(Router& router, store::Store& store, Authenticator& auth, Clock& clock,
                   LogSink log) {
  auto rest = std::make_shared<Rest>(Rest{store, auth, clock, std::move(log)});
  router.Add("POST", "/api/v1/session",
             [rest](const RouteContext& ctx) { return Login(*rest, ctx); });
  router.Add("GET", "/api/v1/session",
             [rest](const RouteContext& ctx) { return Current(*rest, ctx); });
  router.Add("DELETE", "/api/v1/session",
             [rest](const RouteContext& ctx) { return Logout(*rest, ctx); });
}

}  // namespace ecrn::http
