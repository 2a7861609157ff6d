#include "ecrn/http/rest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <set>
#include <span>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/audit/record.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/http/incidents_rest.hpp"
#include "ecrn/http/openapi.hpp"
#include "ecrn/http/paging.hpp"
#include "ecrn/http/rest_support.hpp"
#include "ecrn/intel/observables.hpp"
#include "ecrn/intel/publish.hpp"
#include "ecrn/intel/read.hpp"
#include "ecrn/intel/sightings.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;
using namespace api;  // NOLINT(google-build-using-namespace): the shared REST helpers

constexpr size_t kMaxSubmitBytes = size_t{8} << 20;
constexpr Micros kCursorTtl = 24LL * 3600 * 1'000'000;
constexpr size_t kMinPasswordLength = 12;
constexpr size_t kMaxExportObjects = 100'000;

json::object UserJson(const Rest& rest, const policy::Principal& p) {
  json::object org;
  org["id"] = p.org_id;
  auto found = rest.store.FindOrganisation(std::to_string(p.org_id));
  if (found.ok()) {
    org["name"] = found->name;
    org["kind"] = found->kind;
    org["country"] = found->country;
    org["identity_id"] = found->identity_id;
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
  if (who.ok() && *who && (*who)->method == AuthMethod::kSession) {
    const policy::Principal& p = (*who)->principal;
    audit::Event e;
    e.action = "logout";
    e.target = "user:" + std::to_string(p.user_id);
    e.subject_org_id = p.org_id;
    // The session has ended either way (the cookie is cleared too); only
    // the acknowledgement waits for the audit log.
    if (auto recorded = rest.auth.Audit().Record(ctx.request, &p, std::move(e)); !recorded.ok()) {
      Response failed = RestError(recorded.error());
      failed.headers.emplace_back("Set-Cookie", r.headers.back().second);
      return failed;
    }
  }
  return r;
}

// --- helpers for authenticated routes -----------------------------------------

json::object ChannelRef(const store::Channel& ch) {
  json::object o;
  o["id"] = ch.id;
  o["name"] = ch.name;
  return o;
}

// Channel names by id (for list items).
Result<std::map<int64_t, store::Channel>> ChannelsById(Rest& rest) {
  ECRN_ASSIGN_OR_RETURN(auto list, rest.store.ListChannels());
  std::map<int64_t, store::Channel> out;
  for (auto& c : list) out.emplace(c.id, std::move(c));
  return out;
}

// --- channels -----------------------------------------------------------------

Result<Response> ListChannels(Rest& rest, const Caller& c, const RouteContext&) {
  ECRN_ASSIGN_OR_RETURN(auto channels, rest.store.ListChannels());
  const auto& p = c.principal;
  json::array items;
  for (const auto& ch : channels) {
    if (!policy::CanSeeChannel(p, ch.id) && !policy::CanAdministerNetwork(p)) continue;
    json::object o = ChannelRef(ch);
    o["description"] = ch.description;
    o["default_tlp"] = ch.default_tlp;
    o["can_read"] = policy::CanReadChannel(p, ch.id);
    o["can_write"] = policy::CanWriteChannel(p, ch.id);
    items.push_back(std::move(o));
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

// The channel in the path, if the caller may read it (else 404).
Result<store::Channel> ReadableChannel(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  auto ch = rest.store.FindChannel(std::to_string(id));
  if (!ch.ok() || !policy::CanReadChannel(c.principal, ch->id)) {
    if (!ch.ok() && ch.error().code != ErrorCode::kNotFound) return ch.error();
    return Error::NotFound("no such channel");
  }
  return std::move(ch).value();
}

Result<Response> ChannelMembers(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, ReadableChannel(rest, c, ctx));
  ECRN_ASSIGN_OR_RETURN(auto memberships, rest.store.ListMemberships(ch.id));
  json::array items;
  for (const auto& m : memberships) {
    if (!m.can_read) continue;
    ECRN_ASSIGN_OR_RETURN(auto org, rest.store.FindOrganisation(std::to_string(m.org_id)));
    ECRN_ASSIGN_OR_RETURN(auto users, rest.store.ListUsers(m.org_id));
    for (const auto& u : users) {
      if (u.disabled) continue;
      json::object o;
      o["user_id"] = u.id;
      o["username"] = u.username;
      o["org"] = json::object{{"id", org.id}, {"name", org.name}};
      items.push_back(std::move(o));
    }
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

// --- intel ------------------------------------------------------------------------

Result<Response> SearchObjects(Rest& rest, const Caller& c, const RouteContext& ctx) {
  store::ObjectQuery q;
  q.visible_to = policy::VisibilityFor(c.principal);
  q.newest_first = true;
  size_t limit = 50;
  std::string fingerprint;
  std::optional<std::string_view> cursor;
  for (const auto& [key, value] : ctx.query) {
    if (key == "cursor") {
      cursor = value;
      continue;
    }
    if (key == "limit") {
      ECRN_ASSIGN_OR_RETURN(limit, PageLimit(value, 1000));
      continue;
    }
    if (value.empty()) continue;
    fingerprint += key + "=" + value + "\n";
    if (key == "q") {
      q.text = value;
    } else if (key == "type") {
      q.types.push_back(value);
    } else if (key == "tlp") {
      auto tlp = stix::TlpFromName(value);
      if (!tlp) return Error::Invalid("tlp: unknown level '" + value + "'");
      q.tlps.emplace_back(stix::TlpToken(*tlp));
    } else if (key == "channel") {
      int64_t id = 0;
      if (std::from_chars(value.data(), value.data() + value.size(), id).ptr !=
          value.data() + value.size()) {
        return Error::Invalid("channel must be a channel id");
      }
      q.channel_id = id;
    } else if (key == "creator") {
      if (value.rfind("identity--", 0) == 0) {
        q.created_by = value;
      } else {
        auto org = rest.store.FindOrganisation(value);
        if (!org.ok()) return Error::Invalid("creator: no such organisation");
        q.created_by = org->identity_id;
      }
    } else if (key == "observable") {
      q.observables = intel::ObservableCandidates(value);
    } else if (key == "since" || key == "until") {
      auto t = ParseTimestamp(value);
      if (!t.ok()) return Error::Invalid(key + ": " + t.error().message);
      if (key == "since") {
        q.added_after = t->micros - 1;
      } else {
        q.added_until = t->micros;
      }
    } else {
      return Error::Invalid("unknown parameter " + key);
    }
  }
  const PageScope scope{c.principal.user_id, "api:objects", fingerprint};
  if (cursor) {
    ECRN_ASSIGN_OR_RETURN(q.after_pk, ReadPageToken(rest.paging_secret, scope, *cursor,
                                                    rest.clock.Now(), kCursorTtl));
  }
  q.limit = limit + 1;
  ECRN_ASSIGN_OR_RETURN(auto rows, rest.store.QueryObjects(q));
  const bool more = rows.size() > limit;
  if (more) rows.resize(limit);
  const int64_t last_pk = rows.empty() ? 0 : rows.back().pk;
  ECRN_ASSIGN_OR_RETURN(rows, intel::KeepReadable(rest.store, c.principal, std::move(rows),
                                                  [&rest](const std::string& m) {
                                                    if (rest.log) rest.log(LogLevel::kError, m);
                                                  }));
  ECRN_TRY(
      rest.auth.Audit().RecordRedReads(ctx.request, c.principal, rows, "rest.search", "search"));
  ECRN_ASSIGN_OR_RETURN(auto channels, ChannelsById(rest));
  json::array items;
  for (const auto& r : rows) {
    json::object o;
    o["id"] = r.stix_id;
    o["type"] = r.type;
    const intel::Texts texts = intel::TextsOf(r);
    o["name"] = NullableString(texts.name);
    o["tlp"] = r.tlp.empty() ? "amber" : r.tlp;
    auto ch = channels.find(r.channel_id);
    o["channel"] =
        ch == channels.end() ? json::object{{"id", r.channel_id}} : ChannelRef(ch->second);
    o["created_by"] = NullableString(r.created_by);
    o["modified"] = r.modified_text.empty() ? json::value(nullptr) : json::value(r.modified_text);
    o["date_added"] = FormatTimestamp(r.date_added, 6);
    o["description"] = NullableString(Truncated(texts.description, 300));
    items.push_back(std::move(o));
  }
  json::object body;
  body["items"] = std::move(items);
  body["next_cursor"] =
      more ? json::value(MakePageToken(rest.paging_secret, scope, last_pk, rest.clock.Now()))
           : json::value(nullptr);
  return Json(200, body);
}

json::object RelatedJson(const intel::RelatedObject& o,
                         const std::map<int64_t, store::Channel>& channels) {
  json::object j;
  j["id"] = o.id;
  j["type"] = o.type;
  j["name"] = NullableString(o.name);
  auto ch = channels.find(o.channel_id);
  if (ch != channels.end()) j["channel"] = ChannelRef(ch->second);
  return j;
}

json::value OptionalTime(const std::optional<Micros>& t) {
  return t ? json::value(FormatTimestamp(*t, 3)) : json::value(nullptr);
}

json::object SightingsJson(const intel::SightingAggregate& a) {
  json::object j;
  j["count"] = a.total_count;
  j["sightings"] = a.sightings;
  j["first_seen"] = OptionalTime(a.first_seen);
  j["last_seen"] = OptionalTime(a.last_seen);
  j["organisations"] = intel::OrgsJson(a.organisations);
  j["organisations_last_24h"] = a.organisations_last_24h;
  return j;
}

Result<Response> ObjectDetail(Rest& rest, const Caller& c, const RouteContext& ctx) {
  const std::string id(*ctx.Param("stix_id"));
  ECRN_ASSIGN_OR_RETURN(auto d, intel::Describe(rest.store, c.principal, id, rest.clock.Now()));
  ECRN_TRY(rest.auth.Audit().RecordRedReads(ctx.request, c.principal, std::span(&d.latest, 1),
                                            "rest.detail", d.latest.stix_id));
  ECRN_ASSIGN_OR_RETURN(auto channels, ChannelsById(rest));
  json::object body;
  boost::system::error_code ec;
  body["object"] = json::parse(d.latest.json, ec);
  auto ch = channels.find(d.latest.channel_id);
  if (ch != channels.end()) body["channel"] = ChannelRef(ch->second);
  body["tlp"] = d.latest.tlp.empty() ? "amber" : d.latest.tlp;
  body["date_added"] = FormatTimestamp(d.latest.date_added, 6);
  json::array versions;
  for (const auto& v : d.versions) versions.emplace_back(v);
  body["versions"] = std::move(versions);
  json::array rels;
  for (const auto& r : d.relationships) {
    json::object o;
    o["id"] = r.id;
    o["relationship_type"] = r.relationship_type;
    o["direction"] = r.outgoing ? "out" : "in";
    o["other"] = RelatedJson(r.other, channels);
    rels.push_back(std::move(o));
  }
  body["relationships"] = std::move(rels);
  json::array corr;
  for (const auto& k : d.correlations) {
    json::array objects;
    for (const auto& o : k.objects) objects.push_back(RelatedJson(o, channels));
    corr.push_back(
        json::object{{"kind", k.kind}, {"value", k.value}, {"objects", std::move(objects)}});
  }
  body["correlations"] = std::move(corr);
  body["sightings"] = SightingsJson(d.sightings);
  return Json(200, body);
}

// GET /api/v1/alerts: the multi-organisation alerts of the last 24 hours
// over what the caller may read.
Result<Response> ListAlerts(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!ctx.query.empty()) return Error::Invalid("unknown parameter " + ctx.query.front().first);
  const Micros now = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(auto alerts, intel::CurrentAlerts(rest.store, c.principal, now));
  json::array items;
  for (const auto& a : alerts) items.push_back(intel::AlertJson(a));
  json::object body;
  body["items"] = std::move(items);
  body["window_start"] = FormatTimestamp(now - intel::kAlertWindow, 6);
  body["window_end"] = FormatTimestamp(now, 6);
  return Json(200, body);
}

Result<Response> SubmitObjects(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request, kMaxSubmitBytes));
  const auto* channel_v = body.if_contains("channel");
  const auto* objects_v = body.if_contains("objects");
  if (!channel_v || !channel_v->is_int64() || !objects_v || !objects_v->is_array()) {
    return Error::Invalid(
        "send {\"channel\": <id>, \"objects\": [...]} (and optionally tlp, "
        "red_recipients)");
  }
  ECRN_ASSIGN_OR_RETURN(auto ch, VisibleChannel(rest, c, channel_v->as_int64()));
  ECRN_ASSIGN_OR_RETURN(auto tlp, TlpField(body));
  intel::PublishOptions options;
  if (const auto* r = body.if_contains("red_recipients"); r && !r->is_null()) {
    if (!r->is_array()) return Error::Invalid("red_recipients must be a list of user ids");
    for (const auto& id : r->as_array()) {
      if (!id.is_int64()) return Error::Invalid("red_recipients must be a list of user ids");
      options.red_recipients.push_back(id.as_int64());
    }
    if (!options.red_recipients.empty() && tlp != stix::Tlp::kRed) {
      return Error::Invalid("red_recipients are only for tlp red");
    }
  }
  std::vector<stix::Object> objects;
  for (const auto& v : objects_v->as_array()) {
    if (!v.is_object()) return Error::Invalid("every element of objects must be a STIX object");
    objects.emplace_back(v.as_object());
    if (tlp) SetTlp(objects.back(), *tlp);
  }
  ECRN_ASSIGN_OR_RETURN(auto results,
                        PublishObjects(rest, c, ctx.request, ch, objects, options, "rest"));
  return Json(201, json::object{{"results", std::move(results)}});
}

// A STIX bundle of the latest versions the caller may read in one channel
// (optionally one type, added since a time). Exports are security-relevant
// reads: the audit log records them.
Result<Response> Export(Rest& rest, const Caller& c, const RouteContext& ctx) {
  auto channel = ctx.Query("channel");
  if (!channel) return Error::Invalid("channel is required");
  auto ch = rest.store.FindChannel(*channel);
  if (!ch.ok() || !policy::CanReadChannel(c.principal, ch->id)) {
    return Error::NotFound("no such channel");
  }
  store::ObjectQuery q;
  q.channel_id = ch->id;
  q.visible_to = policy::VisibilityFor(c.principal);
  if (auto type = ctx.Query("type")) q.types.emplace_back(*type);
  if (auto since = ctx.Query("since")) {
    auto t = ParseTimestamp(*since);
    if (!t.ok()) return Error::Invalid("since: " + t.error().message);
    q.added_after = t->micros - 1;
  }
  q.limit = kMaxExportObjects + 1;
  ECRN_ASSIGN_OR_RETURN(auto rows, rest.store.QueryObjects(q));
  if (rows.size() > kMaxExportObjects) {
    return Error{ErrorCode::kTooLarge,
                 "more than " + std::to_string(kMaxExportObjects) +
                     " objects: narrow the export with type or since, or use TAXII paging",
                 {}};
  }
  ECRN_ASSIGN_OR_RETURN(rows, intel::KeepReadable(rest.store, c.principal, std::move(rows)));
  json::object detail{{"channel_id", ch->id}, {"objects", rows.size()}};
  if (auto type = ctx.Query("type")) detail["type"] = *type;
  if (auto since = ctx.Query("since")) detail["since"] = *since;
  json::array red;
  for (const auto& row : rows) {
    if (IsRed(row)) red.emplace_back(row.stix_id);
  }
  if (!red.empty()) detail[audit::kRedIdsKey] = std::move(red);
  ECRN_TRY(
      Audit(rest, c, ctx, "export", "channel:" + std::to_string(ch->id), {}, std::move(detail)));
  std::string body = R"({"type":"bundle","id":"bundle--)" + UuidV4() + R"(","objects":[)";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) body += ',';
    body += rows[i].json;
  }
  body += "]}";
  Response r = MakeResponse(200, "application/stix+json;version=2.1", std::move(body));
  r.SetHeader("Content-Disposition", "attachment; filename=\"ecrn-export.json\"");
  return r;
}

// --- administration -------------------------------------------------------------

json::object OrgJson(const store::Organisation& o) {
  return {{"id", o.id},           {"name", o.name},     {"kind", o.kind},
          {"country", o.country}, {"region", o.region}, {"identity_id", o.identity_id}};
}

Result<Response> ListOrgs(Rest& rest, const Caller& c, const RouteContext&) {
  ECRN_ASSIGN_OR_RETURN(auto orgs, rest.store.ListOrganisations());
  json::array items;
  for (const auto& o : orgs) {
    if (policy::CanAdministerNetwork(c.principal) || o.id == c.principal.org_id) {
      items.push_back(OrgJson(o));
    }
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

Result<Response> AddOrg(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerNetwork(c.principal)) return Forbidden("network admins only");
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  store::Organisation o;
  o.name = StringField(body, "name");
  o.kind = StringField(body, "kind");
  o.country = StringField(body, "country");
  o.region = StringField(body, "region");
  for (auto& ch : o.country) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (o.name.empty()) return Error::Invalid("name is required");
  if (std::find(std::begin(store::kOrgKinds), std::end(store::kOrgKinds), o.kind) ==
      std::end(store::kOrgKinds)) {
    return Error::Invalid(
        "kind must be one of election-commission, civil-society, industry, "
        "cert, isac, law-enforcement, coordinator");
  }
  if (o.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(o.country[0])) ||
      !std::isalpha(static_cast<unsigned char>(o.country[1]))) {
    return Error::Invalid("country must be an ISO 3166-1 alpha-2 code");
  }
  o.identity_id = "identity--" + UuidV4();
  o.created = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(int64_t id, rest.store.AddOrganisation(o));
  ECRN_TRY(Audit(rest, c, ctx, "org.create", "org:" + std::to_string(id), id,
                 {{"name", o.name}, {"kind", o.kind}, {"country", o.country}}));
  return Json(201, json::object{{"id", id}});
}

Result<Response> ListUsers(Rest& rest, const Caller& c, const RouteContext&) {
  const auto& p = c.principal;
  if (!policy::CanAdministerUsersOf(p, p.org_id)) return Forbidden("administrators only");
  const bool all = policy::CanAdministerNetwork(p);
  ECRN_ASSIGN_OR_RETURN(auto users,
                        rest.store.ListUsers(all ? std::nullopt : std::optional(p.org_id)));
  ECRN_ASSIGN_OR_RETURN(auto orgs, rest.store.ListOrganisations());
  std::map<int64_t, std::string> org_names;
  for (const auto& o : orgs) org_names[o.id] = o.name;
  json::array items;
  for (const auto& u : users) {
    json::object o;
    o["id"] = u.id;
    o["username"] = u.username;
    o["role"] = u.role;
    o["org"] = json::object{{"id", u.org_id}, {"name", org_names[u.org_id]}};
    o["disabled"] = u.disabled;
    items.push_back(std::move(o));
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

Result<Response> AddUser(Rest& rest, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  const auto* org_v = body.if_contains("org");
  if (!org_v || !org_v->is_int64()) return Error::Invalid("org must be an organisation id");
  if (!policy::CanAdministerUsersOf(c.principal, org_v->as_int64())) {
    return Forbidden("you may not add users to this organisation");
  }
  ECRN_ASSIGN_OR_RETURN(auto org, rest.store.FindOrganisation(std::to_string(org_v->as_int64())));
  store::User u;
  u.org_id = org.id;
  u.username = StringField(body, "username");
  u.role = StringField(body, "role");
  const std::string password = StringField(body, "password");
  if (u.username.empty() || u.username.size() > 64) {
    return Error::Invalid("username is required (at most 64 characters)");
  }
  auto role = policy::RoleFromName(u.role);
  if (!role)
    return Error::Invalid("role must be network-admin, org-admin, analyst, liaison or viewer");
  if (*role == policy::Role::kNetworkAdmin &&
      (org.kind != "coordinator" || !policy::CanAdministerNetwork(c.principal))) {
    return Error::Invalid("network-admin is for users of the coordinator, made by network admins");
  }
  if (password.size() < kMinPasswordLength) {
    return Error::Invalid("the password must have at least " + std::to_string(kMinPasswordLength) +
                          " characters");
  }
  ECRN_ASSIGN_OR_RETURN(u.password_hash, HashPassword(password));
  u.created = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(int64_t id, rest.store.AddUser(u));
  ECRN_TRY(Audit(rest, c, ctx, "user.create", "user:" + std::to_string(id), org.id,
                 {{"username", u.username}, {"role", u.role}}));
  return Json(201, json::object{{"id", id}});
}

Result<Response> AddChannel(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerNetwork(c.principal)) return Forbidden("network admins only");
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  store::Channel ch;
  ch.name = StringField(body, "name");
  ch.description = StringField(body, "description");
  if (ch.name.empty()) return Error::Invalid("name is required");
  std::string tlp = StringField(body, "default_tlp");
  auto level = tlp.empty() ? std::optional(stix::Tlp::kAmber) : stix::TlpFromName(tlp);
  if (!level) return Error::Invalid("default_tlp: use clear, green, amber, amber+strict or red");
  ch.default_tlp = std::string(stix::TlpToken(*level));
  ch.created = rest.clock.Now();
  ECRN_ASSIGN_OR_RETURN(int64_t id, rest.store.AddChannel(ch));
  ECRN_TRY(Audit(rest, c, ctx, "channel.create", "channel:" + std::to_string(id), {},
                 {{"name", ch.name}, {"default_tlp", ch.default_tlp}}));
  return Json(201, json::object{{"id", id}});
}

Result<Response> ListMemberships(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerNetwork(c.principal)) return Forbidden("network admins only");
  ECRN_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id"));
  ECRN_ASSIGN_OR_RETURN(auto ch, rest.store.FindChannel(std::to_string(id)));
  ECRN_ASSIGN_OR_RETURN(auto memberships, rest.store.ListMemberships(ch.id));
  json::array items;
  for (const auto& m : memberships) {
    if (!m.can_read && !m.can_write) continue;
    ECRN_ASSIGN_OR_RETURN(auto org, rest.store.FindOrganisation(std::to_string(m.org_id)));
    items.push_back(json::object{{"org", json::object{{"id", org.id}, {"name", org.name}}},
                                 {"can_read", m.can_read},
                                 {"can_write", m.can_write}});
  }
  return Json(200, json::object{{"items", std::move(items)}});
}

Result<Response> SetMembership(Rest& rest, const Caller& c, const RouteContext& ctx) {
  if (!policy::CanAdministerNetwork(c.principal)) return Forbidden("network admins only");
  ECRN_ASSIGN_OR_RETURN(int64_t channel, IdParam(ctx, "id"));
  ECRN_ASSIGN_OR_RETURN(int64_t org, IdParam(ctx, "org_id"));
  ECRN_ASSIGN_OR_RETURN(auto body, JsonBody(ctx.request));
  const auto* r = body.if_contains("can_read");
  const auto* w = body.if_contains("can_write");
  if (!r || !r->is_bool() || !w || !w->is_bool()) {
    return Error::Invalid("send {\"can_read\": true|false, \"can_write\": true|false}");
  }
  ECRN_ASSIGN_OR_RETURN(auto before, rest.store.ListOrgMemberships(org));
  json::object was{{"read", false}, {"write", false}};
  for (const auto& m : before) {
    if (m.channel_id == channel) was = {{"read", m.can_read}, {"write", m.can_write}};
  }
  ECRN_TRY(rest.store.Grant({channel, org, r->as_bool(), w->as_bool()}));
  ECRN_TRY(Audit(rest, c, ctx, "membership.grant", "channel:" + std::to_string(channel), org,
                 {{"channel_id", channel},
                  {"org_id", org},
                  {"read", r->as_bool()},
                  {"write", w->as_bool()},
                  {"before", std::move(was)}}));
  Response resp;
  resp.status = 204;
  return resp;
}

// --- audit log ----------------------------------------------------------------------

constexpr size_t kDefaultAuditPage = 100;
constexpr size_t kMaxAuditPage = 1000;

// The entries of `entries` `p` may read: every one for a network admin; for
// an org admin those involving their organisation (policy::CanReadAudit)
// that name no TLP:RED object they cannot read themselves (hidden means
// hidden: an entry about a RED object would reveal that it exists), and
// none whose detail is unreadable (tampered).
Result<std::vector<AuditEntry>> ReadableAudit(Rest& rest, const policy::Principal& p,
                                              std::vector<AuditEntry> entries) {
  if (policy::CanReadAudit(p, std::nullopt, std::nullopt)) return entries;
  std::vector<std::pair<AuditEntry, std::vector<std::string>>> candidates;
  std::vector<std::string> red_ids;
  for (auto& e : entries) {
    if (!policy::CanReadAudit(p, e.actor_org_id, e.subject_org_id)) continue;
    auto ids = audit::RedIdsOf(e);
    if (!ids) continue;
    red_ids.insert(red_ids.end(), ids->begin(), ids->end());
    candidates.emplace_back(std::move(e), std::move(*ids));
  }
  std::set<std::string> readable;
  if (!red_ids.empty()) {
    ECRN_ASSIGN_OR_RETURN(auto rows, intel::ReadableLatest(rest.store, p, std::move(red_ids)));
    for (auto& r : rows) readable.insert(std::move(r.stix_id));
  }
  std::vector<AuditEntry> out;
  for (auto& [e, ids] : candidates) {
    if (std::all_of(ids.begin(), ids.end(), [&](const auto& id) { return readable.count(id); })) {
      out.push_back(std::move(e));
    }
  }
  return out;
}

Result<Response> ListAuditEntries(Rest& rest, const Caller& c, const RouteContext& ctx) {
  const auto& p = c.principal;
  store::AuditQuery q;
  if (!policy::CanReadAudit(p, std::nullopt, std::nullopt)) {
    if (!policy::CanReadAudit(p, p.org_id, std::nullopt)) {
      return Forbidden("the audit log is for administrators");
    }
    q.involving_org_id = p.org_id;
  }
  size_t limit = kDefaultAuditPage;
  std::string fingerprint;
  std::optional<std::string_view> cursor;
  for (const auto& [key, value] : ctx.query) {
    if (key == "cursor") {
      cursor = value;
      continue;
    }
    if (key == "limit") {
      ECRN_ASSIGN_OR_RETURN(limit, PageLimit(value, kMaxAuditPage));
      continue;
    }
    if (value.empty()) continue;
    fingerprint += key + "=" + value + "\n";
    if (key == "action") {
      q.action = value;
    } else if (key == "actor") {
      // A username or user id; one that does not exist matches nothing (and
      // is not reported, so the filter cannot probe for usernames).
      auto user = rest.store.FindUser(value);
      if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
      q.actor_user_id = user.ok() ? user->id : -1;
    } else if (key == "since" || key == "until") {
      auto t = ParseTimestamp(value);
      if (!t.ok()) return Error::Invalid(key + ": " + t.error().message);
      (key == "since" ? q.since : q.until) = t->micros;
    } else {
      return Error::Invalid("unknown parameter " + key);
    }
  }
  const PageScope scope{p.user_id, "api:audit", fingerprint};
  if (cursor) {
    ECRN_ASSIGN_OR_RETURN(q.after_seq, ReadPageToken(rest.paging_secret, scope, *cursor,
                                                     rest.clock.Now(), kCursorTtl));
  }
  q.limit = limit + 1;
  ECRN_ASSIGN_OR_RETURN(auto entries, rest.store.ListAudit(q));
  const bool more = entries.size() > limit;
  if (more) entries.resize(limit);
  const int64_t last_seq = entries.empty() ? 0 : entries.back().seq;
  ECRN_ASSIGN_OR_RETURN(entries, ReadableAudit(rest, p, std::move(entries)));
  json::array items;
  for (const auto& e : entries) items.push_back(audit::EntryJson(e));
  json::object body;
  body["items"] = std::move(items);
  body["next_cursor"] =
      more ? json::value(MakePageToken(rest.paging_secret, scope, last_seq, rest.clock.Now()))
           : json::value(nullptr);
  return Json(200, body);
}

}  // namespace

void AddRestRoutes(Router& router, store::Store& store, Authenticator& auth, Clock& clock,
                   std::string paging_secret, LogSink log) {
  auto rest =
      std::make_shared<Rest>(Rest{store, auth, clock, std::move(paging_secret), std::move(log)});
  AddOpenApiRoute(router);
  router.Add("POST", "/api/v1/session",
             [rest](const RouteContext& ctx) { return Login(*rest, ctx); });
  router.Add("GET", "/api/v1/session",
             [rest](const RouteContext& ctx) { return Current(*rest, ctx); });
  router.Add("DELETE", "/api/v1/session",
             [rest](const RouteContext& ctx) { return Logout(*rest, ctx); });
  router.Add("GET", "/api/v1/channels", Authed(rest, ListChannels));
  router.Add("POST", "/api/v1/channels", Authed(rest, AddChannel));
  router.Add("GET", "/api/v1/channels/{id}/members", Authed(rest, ChannelMembers));
  router.Add("GET", "/api/v1/channels/{id}/memberships", Authed(rest, ListMemberships));
  router.Add("PUT", "/api/v1/channels/{id}/members/{org_id}", Authed(rest, SetMembership));
  router.Add("GET", "/api/v1/objects", Authed(rest, SearchObjects));
  RouteOptions submit;
  submit.max_body = kMaxSubmitBytes;
  router.Add("POST", "/api/v1/objects", Authed(rest, SubmitObjects), submit);
  router.Add("GET", "/api/v1/objects/{stix_id}", Authed(rest, ObjectDetail));
  router.Add("GET", "/api/v1/alerts", Authed(rest, ListAlerts));
  router.Add("GET", "/api/v1/export", Authed(rest, Export));
  router.Add("GET", "/api/v1/orgs", Authed(rest, ListOrgs));
  router.Add("POST", "/api/v1/orgs", Authed(rest, AddOrg));
  router.Add("GET", "/api/v1/users", Authed(rest, ListUsers));
  router.Add("POST", "/api/v1/users", Authed(rest, AddUser));
  router.Add("GET", "/api/v1/audit", Authed(rest, ListAuditEntries));
  AddIncidentRoutes(router, rest);
}

}  // namespace ecrn::http
