// The router: maps a parsed Request to the handler of an exact route template
// and returns its Response, without sockets (so HTTP behaviour is testable
// without a network). Add routes before serving; after that Handle and
// BodyLimit are const and thread-safe (handlers must be thread-safe too).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecrn/http/message.hpp"

namespace ecrn::http {

// Limits on requests, checked before any handler runs.
inline constexpr size_t kMaxTargetBytes = 8 * 1024;
// Body limit of routes that do not set one (and of unknown routes).
inline constexpr size_t kDefaultMaxBody = 64 * 1024;
// The route label of a request that matched no route template,
inline constexpr std::string_view kUnmatchedRoute = "unmatched";
// and of one the fallback handler (SetFallback) answers.
inline constexpr std::string_view kFallbackRoute = "fallback";

// What a handler receives: the request, and the decoded parts of its target.
// Views and references stay valid only during the handler call.
struct RouteContext {
  const Request& request;
  // Decoded path segments ("/a%20b/c" -> {"a b", "c"}).
  std::vector<std::string> segments;
  // Values of the template's {name} segments, decoded, in template order.
  std::vector<std::pair<std::string, std::string>> params;
  // Decoded query parameters in order ("?a=1&a=2" -> {a,1},{a,2}); a key
  // without '=' has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  // The template of the matched route as it was added ("/taxii2/{api_root}/"),
  // or kFallbackRoute.
  std::string_view route_template;

  // The value of template parameter `name`, or nullopt.
  std::optional<std::string_view> Param(std::string_view name) const;
  // The first value of query parameter `name`, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// A handler returns the response for one request. It may throw only for bugs:
// the router answers 500 (without the exception text) and logs it.
using Handler = std::function<Response(const RouteContext&)>;

// A handler that may run on a network I/O thread, so it must never block:
// no database, no files, no waiting on locks held across I/O. It answers the
// request, or returns nullopt when answering needs such work (or anything
// unusual, such as an error), and the route's Handler then runs on the
// worker pool as usual. Its answer must be the one the Handler would give.
using QuickHandler = std::function<std::optional<Response>(const RouteContext&)>;

struct RouteOptions {
  // Largest request body accepted, in bytes (413 beyond it).
  size_t max_body = kDefaultMaxBody;
  // Tried first, on the I/O thread, when set (see QuickHandler).
  QuickHandler quick;
};

// What the router would do with a request, known from its method and target
// alone (before the body is read).
struct RouteInfo {
  // The body limit of the route (kDefaultMaxBody when none matched).
  size_t max_body = kDefaultMaxBody;
  // The template of the route that matched (for 405: the first template with
  // this path), kFallbackRoute for the fallback, or kUnmatchedRoute. Never the raw path, so it is a
  // bounded label for metrics and logs. Valid as long as the router.
  std::string_view path_template = kUnmatchedRoute;
  // The matched route has a QuickHandler (TryQuick may answer).
  bool quick = false;
};

class Router {
 public:
  explicit Router(LogSink log = {});

  // Adds a route. `path_template` is an absolute path whose segments are
  // literals matched exactly against decoded request segments, or "{name}"
  // matching any one non-empty segment other than "." and "..". A trailing
  // slash is significant ("/taxii2/" has segments {"taxii2", ""}). Routes are
  // tried in the order added. A GET route also answers HEAD.
  void Add(std::string_view method, std::string_view path_template, Handler handler,
           RouteOptions options = {});

  // Sets the handler of GET and HEAD requests whose path no route has (the
  // web front end's files); without one they get 404. Its context has the
  // decoded segments and query, and no params.
  void SetFallback(Handler handler);

  // The response to `request`: the route's handler, or 400 for a malformed
  // target, the fallback or else 404 (JSON) when no route has the path, 405 (with Allow) when the
  // path exists for other methods, 500 when a handler throws. Every response
  // carries the security headers. Never throws for any input.
  Response Handle(const Request& request) const;

  // The response of the matched route's QuickHandler (with the security
  // headers), or nullopt when the route has none, it declines, it throws, or
  // no route matched. Never blocks unless a QuickHandler breaks its contract.
  std::optional<Response> TryQuick(const Request& request) const;

  // The body limit of the route `method` and `target` would reach
  // (kDefaultMaxBody when none), so the server can refuse a large body before
  // reading it.
  size_t BodyLimit(std::string_view method, std::string_view target) const;

  // The body limit and matched template for `method` and `target`.
  RouteInfo Lookup(std::string_view method, std::string_view target) const;

  // Every route as (method, path template exactly as given to Add, e.g.
  // {"GET", "/api/v1/objects/{stix_id}"}), in the order added. HEAD is not
  // listed (GET routes answer it); the fallback is not a route. A copy.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Segment {
    std::string text;
    bool is_param = false;
  };
  struct Route {
    std::string method;
    std::string path_template;
    std::vector<Segment> segments;
    Handler handler;
    RouteOptions options;
  };
  struct Match {
    const Route* route = nullptr;       // the route to run, or null
    const Route* first_path = nullptr;  // the first route with this path (for 405 vs 404)
    std::string allow;                  // methods the path supports, for 405
    std::vector<std::pair<std::string, std::string>> params;
  };

  static bool MatchPath(const Route& route, const std::vector<std::string>& segments,
                        std::vector<std::pair<std::string, std::string>>* params);
  Match Find(std::string_view method, const std::vector<std::string>& segments) const;

  Response Run(const Handler& handler, const RouteContext& ctx) const;

  std::vector<Route> routes_;
  Handler fallback_;
  LogSink log_;
};

}  // namespace ecrn::http
