#include "ecrn/http/router.hpp"

#include <cassert>
#include <exception>

#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url_view.hpp>

namespace ecrn::http {
namespace {

// The decoded path segments and query of an origin-form target
// ("/path?query"), or an error for anything else (absolute-form, "*", junk).
struct ParsedTarget {
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> query;
};

// The segments of an absolute path: "/" has none; otherwise every '/' starts
// one, possibly empty ("/a/" is {"a", ""}). Views into `path`.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.size() <= 1) return out;
  size_t pos = 1;
  while (true) {
    size_t next = path.find('/', pos);
    out.push_back(path.substr(pos, next == std::string_view::npos ? next : next - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return out;
}

Result<ParsedTarget> ParseTarget(std::string_view target) {
  if (target.size() > kMaxTargetBytes) {
    return Error{ErrorCode::kTooLarge, "request target is too long", {}};
  }
  // TAXII filters are named match[...]; many clients send the brackets
  // unencoded, which RFC 3986 does not allow in a query. Encode them there.
  std::string escaped;
  if (size_t q = target.find('?');
      q != std::string_view::npos && target.find_first_of("[]", q) != std::string_view::npos) {
    escaped.reserve(target.size() + 16);
    escaped.append(target.substr(0, q));
    for (char c : target.substr(q)) {
      if (c == '[') {
        escaped += "%5B";
      } else if (c == ']') {
        escaped += "%5D";
      } else {
        escaped += c;
      }
    }
    target = escaped;
  }
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return Error::Invalid("malformed request target");
  ParsedTarget out;
  // Split the encoded path ourselves: Boost.URL's segment views elide a
  // leading "." segment, and routes must see the path exactly as sent.
  std::string_view path = url->encoded_path();
  if (path.empty() || path.front() != '/') return Error::Invalid("malformed request target");
  for (std::string_view raw : SplitPath(path)) {
    auto piece = boost::urls::make_pct_string_view(raw);
    if (!piece) return Error::Invalid("malformed request target");
    out.segments.push_back(piece->decode());
  }
  if (url->has_query()) {
    for (auto param : url->params()) {
      out.query.emplace_back(std::string(param.key), std::string(param.value));
    }
  }
  return out;
}

}  // namespace

std::optional<std::string_view> RouteContext::Param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> RouteContext::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Router::Router(LogSink log) : log_(std::move(log)) {}

void Router::Add(std::string_view method, std::string_view path_template, Handler handler,
                 RouteOptions options) {
  // Templates are written by programmers: a malformed one is a bug.
  assert(!path_template.empty() && path_template.front() == '/');
  Route route{std::string(method), std::string(path_template), {}, std::move(handler), options};
  for (std::string_view piece : SplitPath(path_template)) {
    std::string text(piece);
    bool is_param = text.size() >= 2 && text.front() == '{' && text.back() == '}';
    if (is_param) text = text.substr(1, text.size() - 2);
    route.segments.push_back({std::move(text), is_param});
  }
  routes_.push_back(std::move(route));
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const auto& route : routes_) out.emplace_back(route.method, route.path_template);
  return out;
}

void Router::SetFallback(Handler handler) { fallback_ = std::move(handler); }

bool Router::MatchPath(const Route& route, const std::vector<std::string>& segments,
                       std::vector<std::pair<std::string, std::string>>* params) {
  if (route.segments.size() != segments.size()) return false;
  std::vector<std::pair<std::string, std::string>> found;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& want = route.segments[i];
    const std::string& got = segments[i];
    if (want.is_param) {
      if (got.empty() || got == "." || got == "..") return false;
      found.emplace_back(want.text, got);
    } else if (want.text != got) {
      return false;
    }
  }
  if (params) *params = std::move(found);
  return true;
}

Router::Match Router::Find(std::string_view method,
                           const std::vector<std::string>& segments) const {
  Match match;
  // HEAD is answered by the GET route.
  std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const auto& route : routes_) {
    if (!MatchPath(route, segments, nullptr)) continue;
    if (!match.first_path) match.first_path = &route;
    if (match.allow.find(route.method) == std::string::npos) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += route.method;
      if (route.method == "GET") match.allow += ", HEAD";
    }
    if (!match.route && route.method == wanted) {
      match.route = &route;
      MatchPath(route, segments, &match.params);
    }
  }
  return match;
}

Response Router::Handle(const Request& request) const {
  Response response;
  auto target = ParseTarget(request.target);
  if (!target) {
    response = ErrorResponse(target.error().code == ErrorCode::kTooLarge ? 414 : 400,
                             target.error().message);
  } else {
    Match match = Find(request.method, target->segments);
    if (match.route) {
      RouteContext ctx{request, std::move(target->segments), std::move(match.params),
                       std::move(target->query), match.route->path_template};
      response = Run(match.route->handler, ctx);
    } else if (match.first_path) {
      response = ErrorResponse(405, "method not allowed for this resource");
      response.SetHeader("Allow", match.allow);
    } else if (fallback_ && (request.method == "GET" || request.method == "HEAD")) {
      RouteContext ctx{
          request, std::move(target->segments), {}, std::move(target->query), kFallbackRoute};
      response = Run(fallback_, ctx);
    } else {
      response = ErrorResponse(404, "no such resource");
    }
  }
  AddSecurityHeaders(response);
  return response;
}

std::optional<Response> Router::TryQuick(const Request& request) const {
  auto target = ParseTarget(request.target);
  if (!target) return std::nullopt;
  Match match = Find(request.method, target->segments);
  if (!match.route || !match.route->options.quick) return std::nullopt;
  RouteContext ctx{request, std::move(target->segments), std::move(match.params),
                   std::move(target->query), match.route->path_template};
  std::optional<Response> response;
  try {
    response = match.route->options.quick(ctx);
  } catch (...) {
    return std::nullopt;  // the Handler runs (and reports) on the worker pool
  }
  if (response) AddSecurityHeaders(*response);
  return response;
}

Response Router::Run(const Handler& handler, const RouteContext& ctx) const {
  std::string what;
  try {
    return handler(ctx);
  } catch (const std::exception& e) {
    what = std::string(": ") + e.what();
  } catch (...) {
  }
  if (log_) {
    log_(LogLevel::kError, "request " + ctx.request.request_id + ": handler for " +
                               ctx.request.method + " " + std::string(ctx.route_template) +
                               " failed" + what);
  }
  return ErrorResponse(500, "internal server error");
}

size_t Router::BodyLimit(std::string_view method, std::string_view target) const {
  return Lookup(method, target).max_body;
}

RouteInfo Router::Lookup(std::string_view method, std::string_view target) const {
  RouteInfo info;
  auto parsed = ParseTarget(target);
  if (!parsed) return info;
  Match match = Find(method, parsed->segments);
  if (match.route) {
    info.max_body = match.route->options.max_body;
    info.path_template = match.route->path_template;
    info.quick = static_cast<bool>(match.route->options.quick);
  } else if (match.first_path) {
    info.path_template = match.first_path->path_template;
  } else if (fallback_ && (method == "GET" || method == "HEAD")) {
    info.path_template = kFallbackRoute;
  }
  return info;
}

}  // namespace ecrn::http
