#include "ecrn/net/taxii_client.hpp"

#include <boost/json.hpp>

namespace ecrn::net {
namespace {

namespace json = boost::json;

// A response body is JSON from another server: parse it under limits.
stix::ParseLimits ResponseLimits() {
  stix::ParseLimits limits;
  limits.max_bytes = size_t{256} << 20;
  return limits;
}

std::string StringOf(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

int64_t IntOf(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : 0;
}

ErrorCode CodeForStatus(int status) {
  switch (status) {
    case 400:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 406:
      return ErrorCode::kNotAcceptable;
    case 413:
      return ErrorCode::kTooLarge;
    case 415:
      return ErrorCode::kUnsupportedMedia;
    case 429:
      return ErrorCode::kTooManyRequests;
    default:
      return status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kInvalidArgument;
  }
}

// The path of a URL the server gave (absolute on the same origin, or a path).
Result<std::string> PathOnOrigin(std::string_view url, const std::string& origin) {
  if (!url.empty() && url.front() == '/') return std::string(url);
  if (url.substr(0, origin.size()) == origin && url.size() > origin.size() &&
      url[origin.size()] == '/') {
    return std::string(url.substr(origin.size()));
  }
  return Error::Invalid("the hub's API root '" + std::string(url) + "' is not on " + origin);
}

}  // namespace

TaxiiClient::TaxiiClient(HttpClient http, std::string discovery_path, std::string api_key)
    : http_(std::move(http)),
      discovery_path_(std::move(discovery_path)),
      api_key_(std::move(api_key)) {}

Result<TaxiiClient> TaxiiClient::Create(std::string_view hub_url, std::string api_key,
                                        ClientOptions options) {
  if (api_key.empty()) return Error::Invalid("an API key is required");
  ECRN_ASSIGN_OR_RETURN(auto http, HttpClient::Create(hub_url, std::move(options)));
  std::string discovery = http.base_path();
  if (discovery.size() < 8 || discovery.compare(discovery.size() - 8, 8, "/taxii2/") != 0) {
    discovery += "taxii2/";
  }
  return TaxiiClient(std::move(http), std::move(discovery), std::move(api_key));
}

Result<json::value> TaxiiClient::Call(std::string_view method, std::string_view target,
                                      std::string_view body, HttpResponse* raw) {
  Headers headers = {{"Accept", std::string(kTaxiiMediaType)},
                     {"Authorization", "Bearer " + api_key_}};
  if (!body.empty()) headers.emplace_back("Content-Type", std::string(kTaxiiMediaType));
  ECRN_ASSIGN_OR_RETURN(auto response, http_.Send(method, target, headers, body));
  const std::string what = std::string(method) + " " + std::string(target);
  if (response.status < 200 || response.status >= 300) {
    std::string message = origin() + ": " + what + " answered " + std::to_string(response.status);
    auto parsed = stix::ParseJson(response.body, ResponseLimits());
    if (parsed && parsed->is_object()) {
      const std::string title = StringOf(parsed->as_object(), "title");
      const std::string description = StringOf(parsed->as_object(), "description");
      if (!title.empty()) message += ": " + title;
      if (!description.empty()) message += " (" + description + ")";
    }
    if (response.status == 401) message += "; check the API key";
    return Error{CodeForStatus(response.status), std::move(message), {}};
  }
  auto parsed = stix::ParseJson(response.body, ResponseLimits());
  if (!parsed || !parsed->is_object()) {
    return Error::Internal(origin() + ": " + what + " answered something that is not TAXII JSON",
                           parsed ? std::string() : parsed.error().message);
  }
  if (raw != nullptr) *raw = std::move(response);
  return std::move(parsed).value();
}

Result<std::string> TaxiiClient::ApiRoot() {
  if (!api_root_.empty()) return api_root_;
  ECRN_ASSIGN_OR_RETURN(auto discovery, Call("GET", discovery_path_, {}));
  const auto& o = discovery.as_object();
  std::string root = StringOf(o, "default");
  if (root.empty()) {
    const auto* roots = o.if_contains("api_roots");
    if (roots != nullptr && roots->is_array() && roots->as_array().size() == 1 &&
        roots->as_array()[0].is_string()) {
      root = std::string(roots->as_array()[0].as_string());
    }
  }
  if (root.empty()) {
    return Error::Invalid(origin() +
                          ": the hub names no default API root and not exactly one root");
  }
  ECRN_ASSIGN_OR_RETURN(auto path, PathOnOrigin(root, origin()));
  if (path.back() != '/') path += '/';
  api_root_ = std::move(path);
  return api_root_;
}

Result<std::vector<TaxiiCollection>> TaxiiClient::Collections() {
  ECRN_ASSIGN_OR_RETURN(auto root, ApiRoot());
  ECRN_ASSIGN_OR_RETURN(auto body, Call("GET", root + "collections/", {}));
  std::vector<TaxiiCollection> out;
  const auto* list = body.as_object().if_contains("collections");
  if (list == nullptr) return out;
  if (!list->is_array()) return Error::Internal(origin() + ": malformed collections list");
  for (const auto& v : list->as_array()) {
    if (!v.is_object()) continue;
    const auto& c = v.as_object();
    TaxiiCollection col;
    col.id = StringOf(c, "id");
    col.title = StringOf(c, "title");
    const auto* r = c.if_contains("can_read");
    const auto* w = c.if_contains("can_write");
    col.can_read = r != nullptr && r->is_bool() && r->as_bool();
    col.can_write = w != nullptr && w->is_bool() && w->as_bool();
    if (!col.id.empty()) out.push_back(std::move(col));
  }
  return out;
}

Result<ObjectsPage> TaxiiClient::GetObjects(std::string_view collection_id,
                                            const ObjectsQuery& query) {
  ECRN_ASSIGN_OR_RETURN(auto root, ApiRoot());
  std::string target = root + "collections/" + PercentEncode(collection_id) + "/objects/";
  char sep = '?';
  auto add = [&](std::string_view key, std::string_view value) {
    target += sep;
    target += key;
    target += '=';
    target += PercentEncode(value);
    sep = '&';
  };
  if (!query.added_after.empty()) add("added_after", query.added_after);
  if (!query.types.empty()) {
    std::string types;
    for (const auto& t : query.types) types += (types.empty() ? "" : ",") + t;
    add("match%5Btype%5D", types);
  }
  if (query.limit != 0) add("limit", std::to_string(query.limit));
  if (!query.next.empty()) add("next", query.next);
  HttpResponse raw;
  ECRN_ASSIGN_OR_RETURN(auto body, Call("GET", target, {}, &raw));
  ObjectsPage page;
  auto& o = body.as_object();
  if (const auto* more = o.if_contains("more"); more != nullptr && more->is_bool()) {
    page.more = more->as_bool();
  }
  page.next = StringOf(o, "next");
  if (page.more && page.next.empty()) {
    return Error::Internal(origin() + ": a page says there is more but gives no next token");
  }
  if (auto* objects = o.if_contains("objects"); objects != nullptr) {
    if (!objects->is_array()) return Error::Internal(origin() + ": malformed objects list");
    for (auto& v : objects->as_array()) {
      if (v.is_object()) page.objects.emplace_back(std::move(v.as_object()));
    }
  }
  page.date_added_first = std::string(raw.Header("x-taxii-date-added-first").value_or(""));
  page.date_added_last = std::string(raw.Header("x-taxii-date-added-last").value_or(""));
  return page;
}

namespace {

TaxiiStatus StatusFromJson(const json::object& o) {
  TaxiiStatus s;
  s.id = StringOf(o, "id");
  s.status = StringOf(o, "status");
  s.total_count = IntOf(o, "total_count");
  s.success_count = IntOf(o, "success_count");
  s.failure_count = IntOf(o, "failure_count");
  s.pending_count = IntOf(o, "pending_count");
  if (const auto* list = o.if_contains("failures"); list != nullptr && list->is_array()) {
    for (const auto& f : list->as_array()) {
      if (f.is_object()) {
        s.failures.emplace_back(StringOf(f.as_object(), "id"), StringOf(f.as_object(), "message"));
      }
    }
  }
  if (const auto* list = o.if_contains("successes"); list != nullptr && list->is_array()) {
    for (const auto& f : list->as_array()) {
      if (f.is_object()) s.successes.push_back(StringOf(f.as_object(), "id"));
    }
  }
  return s;
}

}  // namespace

Result<TaxiiStatus> TaxiiClient::AddObjects(std::string_view collection_id,
                                            std::string_view envelope_json) {
  ECRN_ASSIGN_OR_RETURN(auto root, ApiRoot());
  ECRN_ASSIGN_OR_RETURN(
      auto body, Call("POST", root + "collections/" + PercentEncode(collection_id) + "/objects/",
                      envelope_json));
  return StatusFromJson(body.as_object());
}

Result<TaxiiStatus> TaxiiClient::GetStatus(std::string_view status_id) {
  ECRN_ASSIGN_OR_RETURN(auto root, ApiRoot());
  ECRN_ASSIGN_OR_RETURN(auto body,
                        Call("GET", root + "status/" + PercentEncode(status_id) + "/", {}));
  return StatusFromJson(body.as_object());
}

}  // namespace ecrn::net
