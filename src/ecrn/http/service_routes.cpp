#include "ecrn/http/service_routes.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/version.hpp"

namespace ecrn::http {
namespace {

constexpr std::string_view kHomePage = R"(<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>ECRN</title></head>
<body>
<h1>ECRN is running</h1>
<p>Elections Cyber Readiness Network hub. Health: <a href="/healthz">/healthz</a>.</p>
</body>
</html>
)";

}  // namespace

void AddServiceRoutes(Router& router, store::Store& store, const LogSink& log, bool home_page) {
  router.Add("GET", "/healthz", [&store, log](const RouteContext&) {
    auto version = store.SchemaVersion();
    boost::json::object body;
    body["status"] = version ? "ok" : "unavailable";
    body["version"] = kVersion;
    body["database"] = store.Backend();
    if (!version && log) {
      log(LogLevel::kWarning, "health check: database unavailable: " + version.error().ToString());
    }
    return MakeResponse(version ? 200 : 503, kJsonType, boost::json::serialize(body));
  });
  if (!home_page) return;
  router.Add("GET", "/", [](const RouteContext&) {
    return MakeResponse(200, kHtmlType, std::string(kHomePage));
  });
}

void AddMetricsRoute(Router& router, const Metrics& metrics, std::string token) {
  router.Add("GET", "/metrics", [&metrics, token = std::move(token)](const RouteContext& ctx) {
    bool allowed = false;
    if (token.empty()) {
      allowed = IsLoopbackAddress(ctx.request.remote_address);
    } else if (auto auth = ctx.request.Header("Authorization")) {
      constexpr std::string_view kBearer = "Bearer ";
      allowed = auth->size() > kBearer.size() &&
                EqualsIgnoreCase(auth->substr(0, kBearer.size()), kBearer) &&
                // Hashing first hides the token's length from the timing too.
                ConstantTimeEquals(HashApiKey(auth->substr(kBearer.size())), HashApiKey(token));
    }
    if (!allowed) return ErrorResponse(404, "no such resource");
    return MakeResponse(200, kPrometheusTextType, metrics.Exposition());
  });
}

}  // namespace ecrn::http
