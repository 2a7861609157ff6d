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

#include "ecrn/http/router.hpp"
#include "ecrn/http/service_routes.hpp"
#include "ecrn/store/store.hpp"

namespace {

using namespace ecrn;

// Only SchemaVersion and Backend are reachable from the routes under test.
class FuzzStore final : public store::Store {
 public:
  std::string_view Backend() const override { return "sqlite"; }
  Result<void> Migrate() override { return No(); }
  Result<int> SchemaVersion() override { return 1; }
  Result<int64_t> AddOrganisation(const store::Organisation&) override { return No(); }
  Result<std::vector<store::Organisation>> ListOrganisations() override { return No(); }
  Result<store::Organisation> FindOrganisation(std::string_view) override { return No(); }
  Result<int64_t> AddUser(const store::User&) override { return No(); }
  Result<std::vector<store::User>> ListUsers(std::optional<int64_t>) override { return No(); }
  Result<store::User> FindUser(std::string_view) override { return No(); }
  Result<void> SetPassword(int64_t, std::string_view) override { return No(); }
  Result<int64_t> AddApiKey(const store::ApiKey&) override { return No(); }
  Result<std::vector<store::ApiKey>> FindApiKeysByPrefix(std::string_view) override { return No(); }
  Result<std::vector<store::ApiKey>> ListApiKeys(int64_t) override { return No(); }
  Result<void> RevokeApiKey(int64_t) override { return No(); }
  Result<int64_t> AddChannel(const store::Channel&) override { return No(); }
  Result<std::vector<store::Channel>> ListChannels() override { return No(); }
  Result<store::Channel> FindChannel(std::string_view) override { return No(); }
  Result<void> Grant(const store::Membership&) override { return No(); }
  Result<std::vector<store::Membership>> ListMemberships(std::optional<int64_t>) override {
    return No();
  }
  Result<std::vector<store::InsertOutcome>> InsertObjects(int64_t,
                                                          std::span<const store::NewObject>,
                                                          Micros) override {
    return No();
  }
  Result<std::vector<store::StoredObject>> QueryObjects(const store::ObjectQuery&) override {
    return No();
  }
  Result<int64_t> CountObjects(std::optional<int64_t>) override { return No(); }
  Result<std::vector<store::ObservableHit>> FindObservable(std::string_view,
                                                           std::string_view) override {
    return No();
  }
  Result<std::vector<int64_t>> RedRecipients(int64_t) override { return No(); }
  Result<int64_t> DeleteObject(int64_t, std::string_view) override { return No(); }

 private:
  static Error No() { return Error::Internal("unused"); }
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
