// What every /api/v1 route file shares: the dependencies of the handlers,
// JSON responses and errors, request parsing helpers, the audit call and the
// Authed() wrapper that identifies the caller. Stateless functions;
// thread-safe as far as the store and authenticator are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/intel/publish.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http::api {

// The dependencies of the REST handlers (all outlive the router).
struct Rest {
  store::Store& store;
  Authenticator& auth;
  Clock& clock;
  std::string paging_secret;
  LogSink log;
};

// REST errors: JSON bodies; 401 with a Bearer challenge (never Basic, which
// would make browsers show their own login dialog).
Response RestError(const Error& e);
Response Json(int status, const boost::json::value& body);

// Requires a JSON object body (a browser cannot send application/json
// cross-site without a CORS preflight, which we never grant).
Result<boost::json::object> JsonBody(const Request& request, size_t max_bytes = 64 * 1024);
// The string at `key`, or "" when absent or not a string.
std::string StringField(const boost::json::object& o, std::string_view key);

// The logged-in caller, or kUnauthenticated.
Result<Caller> Require(Rest& rest, const RouteContext& ctx);
Error Forbidden(std::string message);

// Appends what the caller did in this request to the audit log (after the
// change committed: a failure fails the request, see AuditTrail).
Result<void> Audit(Rest& rest, const Caller& c, const RouteContext& ctx, std::string action,
                   std::string target, std::optional<int64_t> subject_org,
                   boost::json::object detail);

// Replaces the TLP markings of `o` with `tlp` (other markings stay).
void SetTlp(stix::Object& o, stix::Tlp tlp);
// The optional "tlp" of a request body; kInvalidArgument naming the levels
// when it is not one.
Result<std::optional<stix::Tlp>> TlpField(const boost::json::object& body);
// The channel `id` when the caller may see it; otherwise kNotFound ("no such
// channel"), the same as for a channel that does not exist.
Result<store::Channel> VisibleChannel(Rest& rest, const Caller& c, int64_t id);
// Publishes `objects` into `channel` as the caller (intel::Publish: its
// policy checks and validation), records the submission in the audit log
// (`via`: "rest", ...), and returns one result per object, in order:
// {"id", "status": "added" | "duplicate" | "rejected", "message" when rejected}.
Result<boost::json::array> PublishObjects(Rest& rest, const Caller& c, const Request& request,
                                          const store::Channel& channel,
                                          const std::vector<stix::Object>& objects,
                                          const intel::PublishOptions& options,
                                          std::string_view via);

// A numeric {name} path parameter; kNotFound when it is not one.
Result<int64_t> IdParam(const RouteContext& ctx, std::string_view name);
boost::json::value NullableString(const std::string& s);
// `s` cut to at most `max` bytes (plus an ellipsis) on a UTF-8 boundary.
std::string Truncated(std::string s, size_t max);
// A `limit` query value: a positive integer, lowered to `max`.
Result<size_t> PageLimit(std::string_view value, size_t max);

// Runs `body(rest, caller, ctx) -> Result<Response>` for a logged-in
// caller, turning errors into JSON responses (internal ones logged).
template <typename F>
Handler Authed(std::shared_ptr<Rest> rest, F body) {
  return [rest, body](const RouteContext& ctx) -> Response {
    auto caller = Require(*rest, ctx);
    if (!caller.ok()) return RestError(caller.error());
    Result<Response> r = body(*rest, *caller, ctx);
    if (!r.ok()) {
      if (rest->log &&
          (r.error().code == ErrorCode::kInternal || r.error().code == ErrorCode::kUnavailable)) {
        rest->log(LogLevel::kError, "api: " + r.error().ToString());
      }
      return RestError(r.error());
    }
    return std::move(r).value();
  };
}

}  // namespace ecrn::http::api
