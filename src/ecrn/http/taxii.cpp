#include "ecrn/http/taxii.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/audit/record.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/http/paging.hpp"
#include "ecrn/intel/publish.hpp"
#include "ecrn/intel/read.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

// What one TAXII request needs, shared by the handlers.
struct Taxii {
  store::Store& store;
  Authenticator& auth;
  Clock& clock;
  std::string secret;
  TaxiiOptions options;
  LogSink log;
};

// An error with a TAXII error body; 401 carries the Basic challenge.
Response TaxiiError(const Error& e) {
  Response r = ErrorResponse(e);
  r.SetHeader("Content-Type", std::string(kTaxiiType));
  if (r.status == 401)
    r.SetHeader("WWW-Authenticate", "Basic realm=\"ECRN TAXII\", charset=\"UTF-8\"");
  return r;
}

Error NotFoundError(std::string what) { return Error::NotFound(std::move(what)); }

Error Forbidden(std::string message) {
  return Error{ErrorCode::kPermissionDenied, std::move(message), {}};
}

Response TaxiiJson(int status, std::string body) {
  return MakeResponse(status, kTaxiiType, std::move(body));
}

constexpr std::string_view kTaxiiBase = "application/taxii+json";

// A media type (or range) with spaces removed, lower case.
std::string CompactLower(std::string_view text) {
  std::string m;
  for (char c : text) {
    if (c != ' ' && c != '\t') m += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return m;
}

// The parameters after "application/taxii+json" in a compacted media type,
// or nullopt when it is another type.
std::optional<std::string_view> TaxiiParams(std::string_view m) {
  if (m.rfind(kTaxiiBase, 0) != 0) return std::nullopt;
  return m.substr(kTaxiiBase.size());
}

// True when the Accept header admits the TAXII 2.1 media type (or is absent).
bool AcceptsTaxii(const Request& request) {
  auto accept = request.Header("Accept");
  if (!accept) return true;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    const std::string m = CompactLower(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (m.rfind("*/*", 0) == 0 || m.rfind("application/*", 0) == 0) return true;
    // No version, or version 2.1 (q values and other parameters allowed).
    auto params = TaxiiParams(m);
    if (params && (params->find("version=") == std::string_view::npos ||
                   params->find("version=2.1") != std::string_view::npos)) {
      return true;
    }
  }
  return false;
}

bool IsTaxiiContentType(const Request& request) {
  auto ct = request.Header("Content-Type");
  if (!ct) return false;
  const std::string m = CompactLower(*ct);
  auto params = TaxiiParams(m);
  return params && (params->empty() || params->find("version=2.1") != std::string_view::npos);
}

std::vector<std::string> SplitCommas(std::string_view s) {
  std::vector<std::string> out;
  while (true) {
    size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// The filters of a request, parsed, plus the canonical text that binds a
// `next` token to them.
struct Filters {
  store::ObjectQuery query;
  size_t limit = 0;
  std::optional<std::string> next;
  std::string fingerprint;
};

// Parses added_after, limit, next and match[...] for `endpoint` ("objects",
// "manifest", "object", "versions"); which match[] fields are allowed
// depends on it.
Result<Filters> ParseFilters(const RouteContext& ctx, std::string_view endpoint,
                             const TaxiiOptions& options) {
  Filters f;
  f.limit = options.default_limit;
  auto& q = f.query;
  const bool by_id = endpoint == "object" || endpoint == "versions";
  if (endpoint == "versions") q.all_versions = true;
  bool version_given = false;
  std::set<std::string> canonical;
  for (const auto& [key, value] : ctx.query) {
    if (key == "next") {
      if (f.next) return Error::Invalid("next is given twice");
      f.next = value;
      continue;
    }
    if (key == "limit") {
      int64_t n = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || p != value.data() + value.size() || n < 1) {
        return Error::Invalid("limit must be a positive integer");
      }
      f.limit = std::min<size_t>(static_cast<size_t>(n), options.max_limit);
      continue;
    }
    canonical.insert(key + "=" + value);
    if (key == "added_after") {
      auto t = ParseTimestamp(value);
      if (!t.ok()) return Error::Invalid("added_after: " + t.error().message);
      q.added_after = t->micros;
    } else if (key == "match[id]" && !by_id) {
      for (auto& id : SplitCommas(value)) q.ids.push_back(std::move(id));
    } else if (key == "match[type]" && !by_id) {
      for (auto& t : SplitCommas(value)) q.types.push_back(std::move(t));
    } else if (key == "match[spec_version]") {
      for (auto& v : SplitCommas(value)) q.spec_versions.push_back(std::move(v));
    } else if (key == "match[version]" && endpoint != "versions") {
      if (!version_given) {
        q.last_version = false;
        version_given = true;
      }
      for (const auto& v : SplitCommas(value)) {
        if (v == "all") {
          q.all_versions = true;
        } else if (v == "last") {
          q.last_version = true;
        } else if (v == "first") {
          q.first_version = true;
        } else {
          auto t = ParseTimestamp(v);
          if (!t.ok()) {
            return Error::Invalid("match[version] takes first, last, all or timestamps: " +
                                  t.error().message);
          }
          q.versions.push_back(t->micros);
        }
      }
    } else if (key.rfind("match[", 0) == 0) {
      return Error::Invalid("unsupported filter " + key + " on this endpoint");
    }
    // Other parameters are ignored, as TAXII allows.
  }
  for (const auto& c : canonical) {
    f.fingerprint += c;
    f.fingerprint += '\n';
  }
  return f;
}

// --- next tokens ---------------------------------------------------------

PageScope ScopeOf(int64_t user_id, std::string_view resource, const Filters& f) {
  return {user_id, std::string(resource), f.fingerprint};
}

// --- helpers ----------------------------------------------------------------

Result<Caller> Authenticate(Taxii& t, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto who, t.auth.Identify(ctx.request));
  if (!who) {
    return Error{ErrorCode::kUnauthenticated, "authentication required (HTTP Basic or Bearer)", {}};
  }
  return std::move(*who);
}

// The channel behind a collection id, if the caller may see it (else 404).
Result<store::Channel> Collection(Taxii& t, const Caller& c, std::string_view id) {
  auto ch = t.store.FindChannel(id);
  if (!ch.ok()) {
    if (ch.error().code != ErrorCode::kNotFound) return ch.error();
    return NotFoundError("no such collection");
  }
  // Only the collection id (a UUID) names a collection, never a name or number.
  if (ch->uuid != id || !policy::CanSeeChannel(c.principal, ch->id)) {
    return NotFoundError("no such collection");
  }
  return std::move(ch).value();
}

json::object CollectionJson(const store::Channel& ch, const policy::Principal& p) {
  json::object o;
  o["id"] = ch.uuid;
  o["title"] = ch.name;
  if (!ch.description.empty()) o["description"] = ch.description;
  o["can_read"] = policy::CanReadChannel(p, ch.id);
  o["can_write"] = policy::CanWriteChannel(p, ch.id);
  json::array media;
  media.emplace_back(kStixType);
  o["media_types"] = std::move(media);
  return o;
}

// The TAXII "version" of a stored row: modified, else created, else date_added.
std::string VersionOf(const store::StoredObject& o) {
  if (!o.modified_text.empty()) return o.modified_text;
  if (o.created != 0) return FormatTimestamp(o.created, 3);
  return FormatTimestamp(o.date_added, 6);
}

// Defence in depth: the store filtered with the policy; check each row again
// and log (as an error) any that should not have come back.
Result<std::vector<store::StoredObject>> KeepReadable(Taxii& t, const policy::Principal& p,
                                                      std::vector<store::StoredObject> rows) {
  return intel::KeepReadable(t.store, p, std::move(rows), [&t](const std::string& m) {
    if (t.log) t.log(LogLevel::kError, m);
  });
}

// One page of rows for `f` in channel `ch`, with `more` and the `next` token.
struct Page {
  std::vector<store::StoredObject> rows;
  bool more = false;
  std::string next;
};

// `endpoint` names the read in the audit log ("taxii.objects", ...): a page
// that holds TLP:RED objects is recorded there before it is returned.
Result<Page> FetchPage(Taxii& t, const Caller& c, const RouteContext& ctx, const store::Channel& ch,
                       std::string_view endpoint, std::string_view resource, Filters& f) {
  auto& q = f.query;
  q.channel_id = ch.id;
  q.visible_to = policy::VisibilityFor(c.principal);
  if (f.next) {
    ECRN_ASSIGN_OR_RETURN(
        int64_t after, ReadPageToken(t.secret, ScopeOf(c.principal.user_id, resource, f), *f.next,
                                     t.clock.Now(), t.options.next_ttl));
    q.after_pk = after;
  }
  q.limit = f.limit + 1;
  ECRN_ASSIGN_OR_RETURN(auto rows, t.store.QueryObjects(q));
  Page page;
  if (rows.size() > f.limit) {
    page.more = true;
    rows.resize(f.limit);
  }
  const int64_t last_pk = rows.empty() ? 0 : rows.back().pk;
  ECRN_ASSIGN_OR_RETURN(page.rows, KeepReadable(t, c.principal, std::move(rows)));
  ECRN_TRY(t.auth.Audit().RecordRedReads(ctx.request, c.principal, page.rows, endpoint,
                                         "channel:" + std::to_string(ch.id)));
  if (page.more) {
    page.next =
        MakePageToken(t.secret, ScopeOf(c.principal.user_id, resource, f), last_pk, t.clock.Now());
  }
  return page;
}

void SetDateAddedHeaders(Response& r, const std::vector<store::StoredObject>& rows) {
  if (rows.empty()) return;
  r.SetHeader("X-TAXII-Date-Added-First", FormatTimestamp(rows.front().date_added, 6));
  r.SetHeader("X-TAXII-Date-Added-Last", FormatTimestamp(rows.back().date_added, 6));
}

// {"more":..,"next":..,"objects":[<stored JSON>...]} without re-parsing.
std::string Envelope(const Page& page) {
  std::string body = page.more
                         ? R"({"more":true,"next":)" + json::serialize(json::value(page.next)) + ","
                         : std::string(R"({"more":false,)");
  size_t size = body.size() + 16;
  for (const auto& row : page.rows) size += row.json.size() + 1;
  body.reserve(size);  // one allocation for a page of any size
  body += R"("objects":[)";
  for (size_t i = 0; i < page.rows.size(); ++i) {
    if (i) body += ',';
    body += page.rows[i].json;
  }
  body += "]}";
  return body;
}

// Runs a handler body, turning errors into TAXII error responses and
// checking Accept first.
template <typename F>
Handler Wrap(std::shared_ptr<Taxii> t, F body) {
  return [t, body](const RouteContext& ctx) -> Response {
    if (!AcceptsTaxii(ctx.request)) {
      return TaxiiError(Error{ErrorCode::kNotAcceptable,
                              "this endpoint answers application/taxii+json;version=2.1",
                              {}});
    }
    auto caller = Authenticate(*t, ctx);
    if (!caller.ok()) return TaxiiError(caller.error());
    if (auto root = ctx.Param("api_root"); root && *root != t->options.api_root) {
      return TaxiiError(Error::NotFound("no such API root"));
    }
    Result<Response> r = body(*t, *caller, ctx);
    if (!r.ok()) {
      if (r.error().code == ErrorCode::kInternal || r.error().code == ErrorCode::kUnavailable) {
        if (t->log) t->log(LogLevel::kError, "taxii: " + r.error().ToString());
      }
      return TaxiiError(r.error());
    }
    return std::move(r).value();
  };
}

// The QuickHandler of a route whose `body` needs no store: it answers only a
// caller the principal cache knows (IdentifyFromCache), and leaves every
// other case (no or unknown credentials, errors) to the Wrap of the route.
template <typename F>
RouteOptions Quick(std::shared_ptr<Taxii> t, F body) {
  RouteOptions options;
  options.quick = [t, body](const RouteContext& ctx) -> std::optional<Response> {
    if (!AcceptsTaxii(ctx.request)) return std::nullopt;
    auto caller = t->auth.IdentifyFromCache(ctx.request);
    if (!caller) return std::nullopt;
    if (auto root = ctx.Param("api_root"); root && *root != t->options.api_root) {
      return std::nullopt;
    }
    Result<Response> r = body(*t, *caller, ctx);
    if (!r.ok()) return std::nullopt;
    return std::move(r).value();
  };
  return options;
}

// --- handlers ----------------------------------------------------------------

Result<Response> Discovery(Taxii& t, const Caller&, const RouteContext&) {
  json::object o;
  o["title"] = t.options.title;
  o["description"] = t.options.description;
  const std::string root = "/taxii2/" + t.options.api_root + "/";
  o["default"] = root;
  json::array roots;
  roots.emplace_back(root);
  o["api_roots"] = std::move(roots);
  return TaxiiJson(200, json::serialize(o));
}

Result<Response> ApiRoot(Taxii& t, const Caller&, const RouteContext&) {
  json::object o;
  o["title"] = t.options.title;
  o["description"] = t.options.description;
  json::array versions;
  versions.emplace_back(kTaxiiType);
  o["versions"] = std::move(versions);
  o["max_content_length"] = t.options.max_content_length;
  return TaxiiJson(200, json::serialize(o));
}

Result<Response> Collections(Taxii& t, const Caller& c, const RouteContext&) {
  ECRN_ASSIGN_OR_RETURN(auto channels, t.store.ListChannels());
  json::array list;
  for (const auto& ch : channels) {
    if (policy::CanSeeChannel(c.principal, ch.id)) list.push_back(CollectionJson(ch, c.principal));
  }
  json::object o;
  if (!list.empty()) o["collections"] = std::move(list);
  return TaxiiJson(200, json::serialize(o));
}

Result<Response> OneCollection(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, Collection(t, c, *ctx.Param("id")));
  return TaxiiJson(200, json::serialize(CollectionJson(ch, c.principal)));
}

Result<store::Channel> ReadableCollection(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, Collection(t, c, *ctx.Param("id")));
  if (!policy::CanReadChannel(c.principal, ch.id)) {
    return Forbidden("you may not read this collection");
  }
  return ch;
}

Response EnvelopeResponse(const Page& page) {
  Response r = TaxiiJson(200, Envelope(page));
  SetDateAddedHeaders(r, page.rows);
  return r;
}

Result<Response> GetObjects(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, ReadableCollection(t, c, ctx));
  ECRN_ASSIGN_OR_RETURN(auto f, ParseFilters(ctx, "objects", t.options));
  ECRN_ASSIGN_OR_RETURN(auto page,
                        FetchPage(t, c, ctx, ch, "taxii.objects", "objects:" + ch.uuid, f));
  return EnvelopeResponse(page);
}

// A page about the one object in the path, for `endpoint` ("object" or
// "versions"); 404 when the caller can see no version of it.
Result<Page> OneObjectPage(Taxii& t, const Caller& c, const RouteContext& ctx,
                           std::string_view endpoint) {
  ECRN_ASSIGN_OR_RETURN(auto ch, ReadableCollection(t, c, ctx));
  const std::string id(*ctx.Param("object_id"));
  ECRN_ASSIGN_OR_RETURN(auto f, ParseFilters(ctx, endpoint, t.options));
  f.query.ids = {id};
  ECRN_ASSIGN_OR_RETURN(auto page, FetchPage(t, c, ctx, ch, "taxii." + std::string(endpoint),
                                             std::string(endpoint) + ":" + ch.uuid + ":" + id, f));
  if (page.rows.empty() && !f.next) return NotFoundError("no such object");
  return page;
}

Result<Response> GetObject(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto page, OneObjectPage(t, c, ctx, "object"));
  return EnvelopeResponse(page);
}

Result<Response> GetVersions(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto page, OneObjectPage(t, c, ctx, "versions"));
  json::object o;
  o["more"] = page.more;
  if (page.more) o["next"] = page.next;
  json::array versions;
  for (const auto& row : page.rows) versions.emplace_back(VersionOf(row));
  o["versions"] = std::move(versions);
  Response r = TaxiiJson(200, json::serialize(o));
  SetDateAddedHeaders(r, page.rows);
  return r;
}

Result<Response> GetManifest(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, ReadableCollection(t, c, ctx));
  ECRN_ASSIGN_OR_RETURN(auto f, ParseFilters(ctx, "manifest", t.options));
  ECRN_ASSIGN_OR_RETURN(auto page,
                        FetchPage(t, c, ctx, ch, "taxii.manifest", "manifest:" + ch.uuid, f));
  json::object o;
  o["more"] = page.more;
  if (page.more) o["next"] = page.next;
  json::array items;
  for (const auto& row : page.rows) {
    json::object m;
    m["id"] = row.stix_id;
    m["date_added"] = FormatTimestamp(row.date_added, 6);
    m["version"] = VersionOf(row);
    m["media_type"] = kStixType;
    items.push_back(std::move(m));
  }
  o["objects"] = std::move(items);
  Response r = TaxiiJson(200, json::serialize(o));
  SetDateAddedHeaders(r, page.rows);
  return r;
}

Result<Response> DeleteObject(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, ReadableCollection(t, c, ctx));
  const std::string id(*ctx.Param("object_id"));
  ECRN_ASSIGN_OR_RETURN(auto f, ParseFilters(ctx, "object", t.options));
  auto& q = f.query;
  // Without match[version], every version goes.
  if (!ctx.Query("match[version]")) q.all_versions = true;
  q.ids = {id};
  q.channel_id = ch.id;
  q.visible_to = policy::VisibilityFor(c.principal);
  q.limit = 100'000;
  ECRN_ASSIGN_OR_RETURN(auto rows, t.store.QueryObjects(q));
  ECRN_ASSIGN_OR_RETURN(rows, KeepReadable(t, c.principal, std::move(rows)));
  if (rows.empty()) return NotFoundError("no such object");
  std::vector<int64_t> pks;
  for (const auto& row : rows) {
    if (!policy::CanDelete(c.principal, ch.id, row.submitter_org)) {
      return Forbidden("only the organisation that shared this object may delete it");
    }
    pks.push_back(row.pk);
  }
  ECRN_ASSIGN_OR_RETURN(int64_t deleted, t.store.DeleteVersions(pks));
  audit::Event e;
  e.action = "object.delete";
  e.target = id;
  if (rows.front().submitter_org != 0) e.subject_org_id = rows.front().submitter_org;
  e.detail["channel_id"] = ch.id;
  e.detail["versions"] = deleted;
  if (std::any_of(rows.begin(), rows.end(), IsRed)) {
    e.detail[audit::kRedIdsKey] = json::array{json::value(id)};
  }
  ECRN_TRY(t.auth.Audit().Record(ctx.request, &c.principal, std::move(e)));
  Response r;
  r.status = 200;
  return r;
}

Result<Response> PostObjects(Taxii& t, const Caller& c, const RouteContext& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto ch, Collection(t, c, *ctx.Param("id")));
  if (!policy::CanWriteChannel(c.principal, ch.id)) {
    return Forbidden("you may not write to this collection");
  }
  if (!IsTaxiiContentType(ctx.request)) {
    return Error{ErrorCode::kUnsupportedMedia,
                 "send the envelope as application/taxii+json;version=2.1",
                 {}};
  }
  stix::ParseLimits limits;
  limits.max_bytes = t.options.max_content_length;
  ECRN_ASSIGN_OR_RETURN(auto value, stix::ParseJson(ctx.request.body, limits));
  auto* envelope = value.if_object();
  auto* list = envelope ? envelope->if_contains("objects") : nullptr;
  if (!list || !list->is_array()) {
    return Error::Invalid("the body must be a TAXII envelope: {\"objects\": [...]}");
  }
  ECRN_ASSIGN_OR_RETURN(auto doc, stix::ObjectsFromJson(std::move(*list), limits));

  const Micros requested = t.clock.Now();
  intel::PublishOptions options;
  ECRN_ASSIGN_OR_RETURN(auto summary,
                        intel::Publish(t.store, t.clock, c.principal, ch, doc.objects, options));
  ECRN_TRY(
      t.auth.Audit().RecordSubmission(ctx.request, c.principal, ch, doc.objects, summary, "taxii"));

  json::object st;
  st["id"] = UuidV4();
  st["status"] = "complete";
  st["request_timestamp"] = FormatTimestamp(requested, 6);
  json::array successes, failures;
  for (const auto& a : summary.accepted) {
    json::object s;
    s["id"] = a.id;
    if (!a.version.empty()) s["version"] = a.version;
    if (!a.added) s["message"] = "already present";
    successes.push_back(std::move(s));
  }
  for (const auto& r : summary.rejected) {
    json::object f;
    f["id"] = r.id;
    const auto& obj = doc.objects[r.index];
    if (!obj.modified().empty()) f["version"] = obj.modified();
    f["message"] = r.reason;
    failures.push_back(std::move(f));
  }
  for (const auto& p : doc.problems) {
    json::object f;
    f["id"] = p.id;
    f["message"] = p.message;
    failures.push_back(std::move(f));
  }
  st["total_count"] = successes.size() + failures.size();
  st["success_count"] = successes.size();
  st["successes"] = std::move(successes);
  st["failure_count"] = failures.size();
  st["failures"] = std::move(failures);
  st["pending_count"] = 0;
  st["pendings"] = json::array();
  std::string body = json::serialize(st);
  store::TaxiiStatus status{std::string(st["id"].as_string()), c.principal.user_id, requested,
                            body};
  ECRN_TRY(t.store.PutTaxiiStatus(status));
  return TaxiiJson(202, std::move(body));
}

Result<Response> GetStatus(Taxii& t, const Caller& c, const RouteContext& ctx) {
  auto st = t.store.GetTaxiiStatus(*ctx.Param("status_id"));
  if (!st.ok()) {
    if (st.error().code != ErrorCode::kNotFound) return st.error();
    return NotFoundError("no such status");
  }
  // A status lists what one user sent: only they may read it.
  if (st->user_id != c.principal.user_id) return NotFoundError("no such status");
  return TaxiiJson(200, st->json);
}

}  // namespace

void AddTaxiiRoutes(Router& router, store::Store& store, Authenticator& auth, Clock& clock,
                    std::string paging_secret, TaxiiOptions options, LogSink log) {
  auto t = std::make_shared<Taxii>(
      Taxii{store, auth, clock, std::move(paging_secret), std::move(options), std::move(log)});
  // The API root is a parameter so that an unknown one gets a TAXII 404.
  const std::string root = "/taxii2/{api_root}/";
  const std::string coll = root + "collections/{id}/";
  // Discovery and the API root need no store: answered on the I/O thread
  // when the caller is in the principal cache.
  router.Add("GET", "/taxii2/", Wrap(t, Discovery), Quick(t, Discovery));
  router.Add("GET", root, Wrap(t, ApiRoot), Quick(t, ApiRoot));
  router.Add("GET", root + "status/{status_id}/", Wrap(t, GetStatus));
  router.Add("GET", root + "collections/", Wrap(t, Collections));
  router.Add("GET", coll, Wrap(t, OneCollection));
  router.Add("GET", coll + "objects/", Wrap(t, GetObjects));
  RouteOptions post;
  post.max_body = t->options.max_content_length;
  router.Add("POST", coll + "objects/", Wrap(t, PostObjects), post);
  router.Add("GET", coll + "objects/{object_id}/", Wrap(t, GetObject));
  router.Add("DELETE", coll + "objects/{object_id}/", Wrap(t, DeleteObject));
  router.Add("GET", coll + "objects/{object_id}/versions/", Wrap(t, GetVersions));
  router.Add("GET", coll + "manifest/", Wrap(t, GetManifest));
}

}  // namespace ecrn::http
