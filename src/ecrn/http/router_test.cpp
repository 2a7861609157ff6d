#include "ecrn/http/router.hpp"

#include <stdexcept>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/version.hpp"
#include "ecrn/http/service_routes.hpp"
#include "ecrn/store/forwarding_store.hpp"
#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

// Owns the real store a FakeStore forwards to (a base, so it is built first).
struct RealStoreHolder {
  ecrn::testing::TempDir dir;
  std::unique_ptr<store::Store> real = store::OpenStore(dir.File("fake.db")).value();
};

// A real SQLite store whose SchemaVersion can be made to fail, counting calls.
class FakeStore final : private RealStoreHolder, public store::ForwardingStore {
 public:
  FakeStore() : ForwardingStore(*real) {}
  bool healthy = true;
  int schema_version_calls = 0;

  Result<int> SchemaVersion() override {
    ++schema_version_calls;
    if (!healthy) return Error{ErrorCode::kUnavailable, "database is locked", "SQLITE_BUSY"};
    return 3;
  }
};

Request Get(std::string target, std::string method = "GET") {
  return Request{std::move(method), std::move(target), {}, {}};
}

void ExpectSecurityHeaders(const Response& r) {
  EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff");
  EXPECT_EQ(r.Header("Content-Security-Policy").value_or(""), "default-src 'self'");
  EXPECT_EQ(r.Header("Cache-Control").value_or(""), "no-store");
}

class ServiceRoutesTest : public ::testing::Test {
 protected:
  ServiceRoutesTest() { AddServiceRoutes(router_, store_); }
  FakeStore store_;
  Router router_;
};

TEST_F(ServiceRoutesTest, HealthzReportsOkVersionAndBackend) {
  Response r = router_.Handle(Get("/healthz"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type").value_or(""), kJsonType);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status"), "ok");
  EXPECT_EQ(body.at("version"), kVersion);
  EXPECT_EQ(body.at("database"), "sqlite");
  EXPECT_EQ(store_.schema_version_calls, 1);
  ExpectSecurityHeaders(r);
}

TEST_F(ServiceRoutesTest, HealthzIs503WithoutLeakingTheStoreError) {
  store_.healthy = false;
  Response r = router_.Handle(Get("/healthz"));
  EXPECT_EQ(r.status, 503);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("status"), "unavailable");
  EXPECT_EQ(r.body.find("SQLITE_BUSY"), std::string::npos);
  EXPECT_EQ(r.body.find("locked"), std::string::npos);
  ExpectSecurityHeaders(r);
}

TEST_F(ServiceRoutesTest, HealthzIgnoresQueryString) {
  EXPECT_EQ(router_.Handle(Get("/healthz?verbose=1")).status, 200);
}

TEST_F(ServiceRoutesTest, HomePageIsHtml) {
  Response r = router_.Handle(Get("/"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type").value_or(""), kHtmlType);
  EXPECT_NE(r.body.find("ECRN is running"), std::string::npos);
  ExpectSecurityHeaders(r);
}

TEST_F(ServiceRoutesTest, HeadIsAnsweredByGetRoute) {
  Response r = router_.Handle(Get("/healthz", "HEAD"));
  EXPECT_EQ(r.status, 200);
}

TEST_F(ServiceRoutesTest, UnknownRouteIs404Json) {
  for (const char* target :
       {"/nope", "/healthz/", "/healthz/x", "/HEALTHZ", "/api/v1/", "/index.html"}) {
    SCOPED_TRACE(target);
    Response r = router_.Handle(Get(target));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.Header("Content-Type").value_or(""), kJsonType);
    auto body = json::parse(r.body).as_object();
    EXPECT_EQ(body.at("http_status"), "404");
    EXPECT_EQ(body.at("title"), "Not Found");
    ExpectSecurityHeaders(r);
  }
  EXPECT_EQ(store_.schema_version_calls, 0);
}

TEST_F(ServiceRoutesTest, WrongMethodIs405WithAllow) {
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    SCOPED_TRACE(method);
    Response r = router_.Handle(Get("/healthz", method));
    EXPECT_EQ(r.status, 405);
    EXPECT_EQ(r.Header("Allow").value_or(""), "GET, HEAD");
    EXPECT_EQ(json::parse(r.body).as_object().at("http_status"), "405");
    ExpectSecurityHeaders(r);
  }
  EXPECT_EQ(store_.schema_version_calls, 0);
}

TEST_F(ServiceRoutesTest, TraversalAndEncodedSeparatorsDoNotReachRoutes) {
  // Paths are matched segment by segment, never normalised: dot segments and
  // encoded '/' or NUL stay part of a segment and so match nothing.
  for (const char* target :
       {"/x/../healthz", "/./healthz", "/%2e%2e/healthz", "/x%2F..%2Fhealthz", "/%2Fhealthz",
        "/healthz%2F", "/healthz%00", "//healthz", "/healthz/.", "/healthz/..", "/healthz;a=b"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(router_.Handle(Get(target)).status, 404);
  }
  EXPECT_EQ(store_.schema_version_calls, 0);
}

TEST_F(ServiceRoutesTest, PercentEncodedUnreservedCharactersAreDecodedBeforeMatching) {
  // "%68" is 'h': the same resource by RFC 3986, so the same route.
  EXPECT_EQ(router_.Handle(Get("/%68ealthz")).status, 200);
}

TEST_F(ServiceRoutesTest, MalformedTargetsAre400) {
  for (const char* target : {"", "*", "healthz", "http://example.org/healthz", "/a b", "/%zz",
                             "/healthz#frag", "/\x01"}) {
    SCOPED_TRACE(target);
    Response r = router_.Handle(Get(target));
    EXPECT_EQ(r.status, 400);
    ExpectSecurityHeaders(r);
  }
  Response too_long = router_.Handle(Get("/" + std::string(kMaxTargetBytes, 'a')));
  EXPECT_EQ(too_long.status, 414);
}

TEST(RouterTest, TemplateParametersMatchOneDecodedSegment) {
  Router router;
  router.Add("GET", "/taxii2/{root}/collections/{id}/", [](const RouteContext& ctx) {
    return MakeResponse(200, "text/plain",
                        std::string(*ctx.Param("root")) + "|" + std::string(*ctx.Param("id")) +
                            "|" + std::string(ctx.Query("limit").value_or("-")));
  });
  EXPECT_EQ(router.Handle(Get("/taxii2/api1/collections/c%20d/?limit=5")).body, "api1|c d|5");
  EXPECT_EQ(router.Handle(Get("/taxii2/api1/collections/x")).status, 404);
  EXPECT_EQ(router.Handle(Get("/taxii2/api1/collections//")).status, 404);
  EXPECT_EQ(router.Handle(Get("/taxii2/../collections/x/")).status, 404);
  EXPECT_EQ(router.Handle(Get("/taxii2/%2e/collections/x/")).status, 404);
}

TEST(RouterTest, UnencodedBracketsInTheQueryAreAccepted) {
  Router router;
  router.Add("GET", "/objects/", [](const RouteContext& ctx) {
    std::string out;
    for (const auto& [k, v] : ctx.query) out += k + "=" + v + ";";
    return MakeResponse(200, "text/plain", out);
  });
  EXPECT_EQ(router.Handle(Get("/objects/?match[type]=indicator&match%5Bid%5D=x--1")).body,
            "match[type]=indicator;match[id]=x--1;");
  // Brackets stay forbidden in the path.
  EXPECT_EQ(router.Handle(Get("/obj[ects/?a=1")).status, 400);
}

TEST(RouterTest, FirstRouteForMethodWinsAndAllowListsAll) {
  Router router;
  router.Add("GET", "/r", [](const RouteContext&) { return MakeResponse(200, "text/plain", "g"); });
  router.Add("POST", "/r", [](const RouteContext&) { return MakeResponse(201, "text/plain", "p"); },
             {.max_body = 10});
  EXPECT_EQ(router.Handle(Get("/r", "POST")).status, 201);
  Response r = router.Handle(Get("/r", "DELETE"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.Header("Allow").value_or(""), "GET, HEAD, POST");
  EXPECT_EQ(router.BodyLimit("POST", "/r"), 10u);
  EXPECT_EQ(router.BodyLimit("GET", "/r"), kDefaultMaxBody);
  EXPECT_EQ(router.BodyLimit("POST", "/other"), kDefaultMaxBody);
}

TEST(RouterTest, RoutesListsMethodAndTemplateAsAddedInOrder) {
  Router router;
  EXPECT_TRUE(router.Routes().empty());
  auto ok = [](const RouteContext&) { return MakeResponse(200, "text/plain", "ok"); };
  router.Add("GET", "/taxii2/", ok);
  router.Add("PUT", "/api/v1/channels/{id}/members/{org_id}", ok);
  router.Add("GET", "/", ok);
  router.SetFallback(ok);  // not a route
  using Route = std::pair<std::string, std::string>;
  EXPECT_EQ(router.Routes(), (std::vector<Route>{{"GET", "/taxii2/"},
                                                 {"PUT", "/api/v1/channels/{id}/members/{org_id}"},
                                                 {"GET", "/"}}));
}

TEST(RouterTest, ThrowingHandlerIs500WithoutInternalText) {
  std::string logged;
  Router router([&](LogLevel, const std::string& m) { logged = m; });
  router.Add("GET", "/boom", [](const RouteContext&) -> Response {
    throw std::runtime_error("secret internal detail");
  });
  Response r = router.Handle(Get("/boom"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_NE(logged.find("secret internal detail"), std::string::npos);
  ExpectSecurityHeaders(r);
}

TEST(RouterTest, HandlerCacheControlIsKept) {
  Router router;
  router.Add("GET", "/static", [](const RouteContext&) {
    Response r = MakeResponse(200, "text/plain", "x");
    r.SetHeader("Cache-Control", "max-age=60");
    return r;
  });
  Response r = router.Handle(Get("/static"));
  EXPECT_EQ(r.Header("Cache-Control").value_or(""), "max-age=60");
  EXPECT_EQ(r.Header("X-Content-Type-Options").value_or(""), "nosniff");
}

TEST(ErrorResponseTest, UsesErrorTableAndHidesDetail) {
  Response r = ErrorResponse(Error{ErrorCode::kTooLarge, "bundle too big", "row 7 of table x"});
  EXPECT_EQ(r.status, 413);
  auto body = json::parse(r.body).as_object();
  EXPECT_EQ(body.at("error_code"), "too-large");
  EXPECT_EQ(body.at("description"), "bundle too big");
  EXPECT_EQ(r.body.find("row 7"), std::string::npos);
}

TEST(RouterQuick, AnswersOnlyWhenTheQuickHandlerDoesAndWithTheSecurityHeaders) {
  Router router;
  RouteOptions quick;
  quick.quick = [](const RouteContext& ctx) -> std::optional<Response> {
    if (ctx.Query("slow")) return std::nullopt;
    if (ctx.Query("throw")) throw std::runtime_error("bug");
    return MakeResponse(200, kJsonType, "quick " + std::string(*ctx.Param("name")));
  };
  router.Add(
      "GET", "/q/{name}", [](const RouteContext&) { return MakeResponse(200, kJsonType, "slow"); },
      quick);
  router.Add("GET", "/plain",
             [](const RouteContext&) { return MakeResponse(200, kJsonType, "plain"); });
  EXPECT_TRUE(router.Lookup("GET", "/q/a").quick);
  EXPECT_FALSE(router.Lookup("GET", "/plain").quick);
  EXPECT_FALSE(router.Lookup("GET", "/nowhere").quick);

  auto answered = router.TryQuick(Get("/q/a%20b"));
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->body, "quick a b");
  ExpectSecurityHeaders(*answered);
  // HEAD reaches the GET route's quick handler too.
  EXPECT_TRUE(router.TryQuick(Get("/q/a", "HEAD")));
  // Declined, thrown, no quick handler, no route, wrong method, bad target:
  // left to Handle.
  EXPECT_FALSE(router.TryQuick(Get("/q/a?slow")));
  EXPECT_FALSE(router.TryQuick(Get("/q/a?throw")));
  EXPECT_FALSE(router.TryQuick(Get("/plain")));
  EXPECT_FALSE(router.TryQuick(Get("/nowhere")));
  EXPECT_FALSE(router.TryQuick(Get("/q/a", "POST")));
  EXPECT_FALSE(router.TryQuick(Get("/q/%zz")));
  EXPECT_EQ(router.Handle(Get("/q/a?slow")).body, "slow");
}

}  // namespace
}  // namespace ecrn::http
