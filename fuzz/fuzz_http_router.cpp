// libFuzzer target: arbitrary methods and request targets through the router
// (Boost.URL parsing, segment decoding, route matching, handlers). Checks the
// invariants every response must keep: a valid status, the security headers,
// and a JSON body on errors.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json/parse.hpp>
#include <stdlib.h>

#include "ecrn/http/router.hpp"
#include "ecrn/http/service_routes.hpp"
#include "ecrn/store/forwarding_store.hpp"
#include "ecrn/store/store.hpp"

namespace {

using namespace ecrn;

// Only SchemaVersion and Backend are reachable from the routes under test;
// anything else would reach a real, empty SQLite store in a temporary directory.
store::Store& RealStore() {
  static std::unique_ptr<store::Store> s = [] {
    char dir[] = "/tmp/ecrn-fuzz-XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    auto opened = store::OpenStore(std::string(dir) + "/fuzz.db");
    if (!opened) std::abort();
    return std::move(opened).value();
  }();
  return *s;
}

class FuzzStore final : public store::ForwardingStore {
 public:
  FuzzStore() : ForwardingStore(RealStore()) {}
  Result<int> SchemaVersion() override { return 1; }
};

const http::Router& TheRouter() {
  static FuzzStore store;
  static const http::Router router = [] {
    http::Router r;
    http::AddServiceRoutes(r, store);
    // A parameterised route shaped like the TAXII ones to come.
    r.Add("GET", "/taxii2/{root}/collections/{id}/objects/", [](const http::RouteContext& ctx) {
      std::string body(ctx.Param("root").value_or(""));
      body += ctx.Param("id").value_or("");
      body += ctx.Query("match[type]").value_or("");
      return http::MakeResponse(200, "text/plain", body);
    });
    r.Add("POST", "/taxii2/{root}/collections/{id}/objects/",
          [](const http::RouteContext& ctx) {
            return http::MakeResponse(202, "text/plain", ctx.request.body);
          },
          {.max_body = 1024});
    return r;
  }();
  return router;
}

[[noreturn]] void Fail(const char* what, const http::Request& request) {
  std::fprintf(stderr, "%s for method '%s' target '%s'\n", what, request.method.c_str(),
               request.target.c_str());
  std::abort();
}

}  // namespace

// Input: METHOD '\n' TARGET ['\n' BODY].
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  http::Request request;
  auto nl = input.find('\n');
  if (nl == std::string_view::npos) {
    request.method = "GET";
    request.target = std::string(input);
  } else {
    request.method = std::string(input.substr(0, nl));
    auto rest = input.substr(nl + 1);
    auto nl2 = rest.find('\n');
    request.target = std::string(rest.substr(0, nl2));
    if (nl2 != std::string_view::npos) request.body = std::string(rest.substr(nl2 + 1));
  }
  const http::Router& router = TheRouter();
  (void)router.BodyLimit(request.method, request.target);
  http::Response response = router.Handle(request);
  if (response.status < 100 || response.status > 599) Fail("bad status", request);
  if (response.Header("X-Content-Type-Options") != "nosniff" ||
      response.Header("Content-Security-Policy") != "default-src 'self'") {
    Fail("missing security headers", request);
  }
  if (response.status >= 400) {
    boost::system::error_code ec;
    auto body = boost::json::parse(response.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("http_status")) {
      Fail("error body is not a JSON error", request);
    }
  }
  return 0;
}
