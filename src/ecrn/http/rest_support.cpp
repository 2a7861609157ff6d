#include "ecrn/http/rest_support.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json/serialize.hpp>

#include "ecrn/audit/record.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::http::api {

namespace json = boost::json;

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

// Requires a JSON body (a browser cannot send that cross-site without a
// CORS preflight, which we never grant).
Result<json::object> JsonBody(const Request& request, size_t max_bytes) {
  auto ct = request.Header("Content-Type");
  if (!ct || ct->substr(0, kJsonType.size()) != kJsonType) {
    return Error{ErrorCode::kUnsupportedMedia, "send application/json", {}};
  }
  stix::ParseLimits limits;
  limits.max_bytes = max_bytes;
  limits.max_depth = 64;
  ECRN_ASSIGN_OR_RETURN(auto value, stix::ParseJson(request.body, limits));
  if (!value.is_object()) return Error::Invalid("the body must be a JSON object");
  return std::move(value.as_object());
}

std::string StringField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<Caller> Require(Rest& rest, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto who, rest.auth.Identify(ctx.request));
  if (!who) return Error{ErrorCode::kUnauthenticated, "log in first", {}};
  return std::move(*who);
}

Error Forbidden(std::string message) {
  return Error{ErrorCode::kPermissionDenied, std::move(message), {}};
}

// Appends what the caller did in this request to the audit log (after the
// change committed: a failure fails the request, see AuditTrail).
Result<void> Audit(Rest& rest, const Caller& c, const RouteContext& ctx, std::string action,
                   std::string target, std::optional<int64_t> subject_org, json::object detail) {
  audit::Event e;
  e.action = std::move(action);
  e.target = std::move(target);
  e.subject_org_id = subject_org;
  e.detail = std::move(detail);
  return rest.auth.Audit().Record(ctx.request, &c.principal, std::move(e));
}

void SetTlp(stix::Object& o, stix::Tlp tlp) {
  json::array refs;
  if (auto* existing = o.json().if_contains("object_marking_refs");
      existing && existing->is_array()) {
    for (const auto& r : existing->as_array()) {
      if (r.is_string() && stix::IsTlpMarkingId(r.as_string())) continue;
      refs.push_back(r);
    }
  }
  refs.emplace_back(stix::TlpMarkingId(tlp));
  o.json()["object_marking_refs"] = std::move(refs);
}

Result<std::optional<stix::Tlp>> TlpField(const json::object& body) {
  const auto* t = body.if_contains("tlp");
  if (!t || t->is_null()) return std::optional<stix::Tlp>();
  std::optional<stix::Tlp> tlp;
  if (t->is_string()) tlp = stix::TlpFromName(t->as_string());
  if (!tlp) return Error::Invalid("tlp: use clear, green, amber, amber+strict or red");
  return tlp;
}

Result<store::Channel> VisibleChannel(Rest& rest, const Caller& c, int64_t id) {
  auto ch = rest.store.FindChannel(std::to_string(id));
  if (!ch.ok() || !policy::CanSeeChannel(c.principal, ch->id)) {
    return Error::NotFound("no such channel");
  }
  return std::move(*ch);
}

Result<json::array> PublishObjects(Rest& rest, const Caller& c, const Request& request,
                                   const store::Channel& channel,
                                   const std::vector<stix::Object>& objects,
                                   const intel::PublishOptions& options, std::string_view via) {
  ECRN_ASSIGN_OR_RETURN(
      auto summary, intel::Publish(rest.store, rest.clock, c.principal, channel, objects, options));
  ECRN_TRY(
      rest.auth.Audit().RecordSubmission(request, c.principal, channel, objects, summary, via));
  std::vector<json::object> results(objects.size());
  for (const auto& a : summary.accepted) {
    results[a.index]["id"] = a.id;
    results[a.index]["status"] = a.added ? "added" : "duplicate";
  }
  for (const auto& r : summary.rejected) {
    results[r.index]["id"] = r.id;
    results[r.index]["status"] = "rejected";
    results[r.index]["message"] = r.reason;
  }
  json::array out;
  for (auto& r : results) out.push_back(std::move(r));
  return out;
}

Result<int64_t> IdParam(const RouteContext& ctx, std::string_view name) {
  auto text = ctx.Param(name);
  int64_t id = 0;
  if (!text || text->empty() || text->size() > 18 ||
      std::from_chars(text->data(), text->data() + text->size(), id).ptr !=
          text->data() + text->size()) {
    return Error::NotFound("not found");
  }
  return id;
}

json::value NullableString(const std::string& s) {
  return s.empty() ? json::value(nullptr) : json::value(s);
}

std::string Truncated(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  // Do not split a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s + "…";
}

// A `limit` query value: a positive integer, lowered to `max`.
Result<size_t> PageLimit(std::string_view value, size_t max) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr != value.data() + value.size() || n < 1) {
    return Error::Invalid("limit must be a positive integer");
  }
  return std::min(static_cast<size_t>(n), max);
}

}  // namespace ecrn::http::api
