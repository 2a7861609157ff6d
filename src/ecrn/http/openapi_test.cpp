#include "ecrn/http/openapi.hpp"

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/rest.hpp"
#include "ecrn/http/stream.hpp"
#include "ecrn/http/taxii.hpp"
#include "ecrn/notify/object_events.hpp"
#include "ecrn/store/store.hpp"
#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

using RouteList = std::vector<std::pair<std::string, std::string>>;

// Routes under these prefixes must be documented, and the document describes
// nothing else.
constexpr std::string_view kDocumentedPrefixes[] = {"/api/v1/", "/taxii2/"};

// Operations the document describes ahead of their routes, which other
// branches are adding. Remove an entry when its route lands: the test then
// checks it both ways like every other route (and fails while a landed route
// is still listed here).
const std::set<std::pair<std::string, std::string>> kPendingRoutes = {};

constexpr std::string_view kHttpMethods[] = {"get",     "put",  "post",  "delete",
                                             "options", "head", "patch", "trace"};

bool Documented(std::string_view path) {
  return std::any_of(std::begin(kDocumentedPrefixes), std::end(kDocumentedPrefixes),
                     [path](std::string_view p) { return path.substr(0, p.size()) == p; });
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The {name}s of a path template, in order.
std::vector<std::string> TemplateParams(std::string_view path) {
  std::vector<std::string> out;
  size_t open = 0;
  while ((open = path.find('{', open)) != std::string_view::npos) {
    size_t close = path.find('}', open);
    if (close == std::string_view::npos) break;
    out.emplace_back(path.substr(open + 1, close - open - 1));
    open = close + 1;
  }
  return out;
}

// The JSON value a local "$ref" ("#/a/b") points at, or null.
const json::value* Resolve(const json::object& doc, std::string_view ref) {
  if (ref.substr(0, 2) != "#/") return nullptr;
  const json::value* at = nullptr;
  const json::object* obj = &doc;
  size_t pos = 2;
  while (pos <= ref.size()) {
    size_t next = ref.find('/', pos);
    std::string_view key = ref.substr(pos, next == std::string_view::npos ? next : next - pos);
    if (!obj) return nullptr;
    at = obj->if_contains(key);
    if (!at) return nullptr;
    obj = at->if_object();
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  return at;
}

// A parameter object, following one "$ref".
const json::object* ParameterObject(const json::object& doc, const json::value& v) {
  const json::object* p = v.if_object();
  if (p && p->contains("$ref") && p->at("$ref").is_string()) {
    const json::value* target = Resolve(doc, p->at("$ref").as_string());
    p = target ? target->if_object() : nullptr;
  }
  return p;
}

// Everything wrong between the routes and the document, one line each; empty
// when they match both ways.
std::vector<std::string> Mismatches(const RouteList& routes, const json::object& doc,
                                    const std::set<std::pair<std::string, std::string>>& pending) {
  std::vector<std::string> out;
  const json::object* paths = doc.contains("paths") ? doc.at("paths").if_object() : nullptr;
  if (!paths) return {"the document has no paths object"};
  std::set<std::pair<std::string, std::string>> routed;

  // (1) Every route is documented.
  for (const auto& [method, path] : routes) {
    if (!Documented(path)) continue;
    routed.emplace(method, path);
    const json::value* item = paths->if_contains(path);
    if (!item || !item->is_object() || !item->as_object().contains(Lower(method))) {
      out.push_back("route " + method + " " + path + " is not in the document");
    }
  }

  // (2) Every documented operation is a route (or pending), with its path
  // parameters declared exactly.
  for (const auto& [path_key, item_value] : *paths) {
    const std::string path(path_key);
    if (!Documented(path)) out.push_back("documented path " + path + " is outside the API");
    const json::object* item = item_value.if_object();
    if (!item) {
      out.push_back("path " + path + " is not an object");
      continue;
    }
    const std::vector<std::string> names = TemplateParams(path);
    const std::set<std::string> wanted(names.begin(), names.end());
    for (std::string_view m : kHttpMethods) {
      const json::value* operation = item->if_contains(m);
      if (!operation) continue;
      const std::string method = Upper(std::string(m));
      const bool is_route = routed.count({method, path}) > 0;
      const bool is_pending = pending.count({method, path}) > 0;
      if (is_route && is_pending) {
        out.push_back(method + " " + path + " is a route now: remove it from kPendingRoutes");
      } else if (!is_route && !is_pending) {
        out.push_back("documented " + method + " " + path + " is not a route");
      }
      if (!operation->is_object() || !operation->as_object().contains("responses")) {
        out.push_back(method + " " + path + " has no responses");
        continue;
      }
      // Path parameters: the path item's and the operation's.
      std::set<std::string> declared;
      for (const json::object* holder : {item, &operation->as_object()}) {
        const json::value* params = holder->if_contains("parameters");
        if (!params) continue;
        if (!params->is_array()) {
          out.push_back(method + " " + path + ": parameters is not an array");
          continue;
        }
        for (const auto& v : params->as_array()) {
          const json::object* p = ParameterObject(doc, v);
          if (!p || !p->contains("name") || !p->contains("in") || !p->at("name").is_string()) {
            out.push_back(method + " " + path + ": a parameter without name or in");
            continue;
          }
          const std::string name(p->at("name").as_string());
          const json::value* schema = p->if_contains("schema");
          if (!schema || !schema->is_object() ||
              !(schema->as_object().contains("type") || schema->as_object().contains("$ref"))) {
            out.push_back(method + " " + path + ": parameter " + name + " has no typed schema");
          }
          if (p->at("in") != "path") continue;
          declared.insert(name);
          const json::value* required = p->if_contains("required");
          if (!required || *required != true) {
            out.push_back(method + " " + path + ": path parameter " + name + " is not required");
          }
        }
      }
      for (const auto& name : wanted) {
        if (!declared.count(name)) {
          out.push_back(method + " " + path + ": path parameter " + name + " is not declared");
        }
      }
      for (const auto& name : declared) {
        if (!wanted.count(name)) {
          out.push_back(method + " " + path + ": declares path parameter " + name +
                        " the template does not have");
        }
      }
    }
  }
  return out;
}

// Every "$ref" under `v` that does not resolve within `doc`.
void CollectBrokenRefs(const json::object& doc, const json::value& v,
                       std::vector<std::string>* broken) {
  if (const auto* o = v.if_object()) {
    for (const auto& [key, child] : *o) {
      if (key == "$ref" && child.is_string()) {
        if (!Resolve(doc, child.as_string())) broken->emplace_back(child.as_string());
      } else {
        CollectBrokenRefs(doc, child, broken);
      }
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& child : *a) CollectBrokenRefs(doc, child, broken);
  }
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

// The router `ecrn serve` builds (see cli/serve_cmd.cpp), on a real SQLite
// store in a temporary directory.
class OpenApiTest : public ::testing::Test {
 protected:
  OpenApiTest() {
    store_ = store::OpenStore(dir_.File("hub.db")).value();
    EXPECT_TRUE(store_->Migrate().ok());
    auth_ = std::make_unique<Authenticator>(*store_, clock_);
    AddTaxiiRoutes(router_, *store_, *auth_, clock_, "paging-secret");
    AddRestRoutes(router_, *store_, *auth_, clock_, "paging-secret");
    events_ = std::make_unique<notify::ObjectEvents>(*store_);
    AddStreamRoute(router_, *store_, *auth_, *events_);
  }

  static json::object Document() {
    json::value v = json::parse(OpenApiDocument());
    return v.as_object();
  }

  ecrn::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  FixedClock clock_{1'700'000'000'000'000};
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<notify::ObjectEvents> events_;
  Router router_;
};

TEST_F(OpenApiTest, DocumentIsJsonDeclaringOpenApi31) {
  boost::system::error_code ec;
  json::value v = json::parse(OpenApiDocument(), ec);
  ASSERT_FALSE(ec) << ec.message();
  ASSERT_TRUE(v.is_object());
  EXPECT_EQ(v.at("openapi"), "3.1.0");
  EXPECT_TRUE(v.at("info").as_object().contains("title"));
  const auto& schemes = v.at("components").at("securitySchemes").as_object();
  EXPECT_EQ(schemes.at("csrfToken").at("name"), "X-CSRF-Token");
  EXPECT_EQ(schemes.at("bearerApiKey").at("scheme"), "bearer");
  EXPECT_EQ(schemes.at("sessionCookie").at("in"), "cookie");
  const auto& error = v.at("components").at("schemas").at("Error").as_object();
  for (std::string_view field : {"title", "description", "error_code", "http_status"}) {
    EXPECT_TRUE(error.at("properties").as_object().contains(field)) << field;
  }
}

TEST_F(OpenApiTest, EmbeddedDocumentIsTheFileInTheRepository) {
  EXPECT_EQ(OpenApiDocument(),
            ecrn::testing::ReadFile(ecrn::testing::SourceDir() / "src/ecrn/http/openapi.json"));
}

TEST_F(OpenApiTest, EveryRefResolves) {
  json::object doc = Document();
  std::vector<std::string> broken;
  CollectBrokenRefs(doc, doc, &broken);
  EXPECT_TRUE(broken.empty()) << Join(broken);
}

TEST_F(OpenApiTest, RoutesAndDocumentMatchBothWays) {
  RouteList routes = router_.Routes();
  // The router really has the REST and TAXII routes (so an empty list cannot
  // pass vacuously).
  EXPECT_NE(std::find(routes.begin(), routes.end(),
                      std::pair<std::string, std::string>("GET", "/api/v1/objects/{stix_id}")),
            routes.end());
  EXPECT_NE(std::find(routes.begin(), routes.end(),
                      std::pair<std::string, std::string>("GET", "/taxii2/")),
            routes.end());
  std::vector<std::string> problems = Mismatches(routes, Document(), kPendingRoutes);
  EXPECT_TRUE(problems.empty()) << "the routes and src/ecrn/http/openapi.json differ:\n"
                                << Join(problems);
}

TEST_F(OpenApiTest, AnUndocumentedRouteIsCaught) {
  router_.Add("PATCH", "/api/v1/orgs/{org_id}", [](const RouteContext&) { return Response{}; });
  std::vector<std::string> problems = Mismatches(router_.Routes(), Document(), kPendingRoutes);
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_EQ(problems[0], "route PATCH /api/v1/orgs/{org_id} is not in the document");
}

TEST_F(OpenApiTest, ADocumentedOperationWithoutRouteIsCaught) {
  RouteList routes = router_.Routes();
  const std::pair<std::string, std::string> gone("DELETE", "/api/v1/session");
  routes.erase(std::remove(routes.begin(), routes.end(), gone), routes.end());
  std::vector<std::string> problems = Mismatches(routes, Document(), kPendingRoutes);
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_EQ(problems[0], "documented DELETE /api/v1/session is not a route");
}

TEST_F(OpenApiTest, APendingRouteThatLandedIsCaught) {
  // GET /api/v1/users is a route; pretend it is still listed as pending.
  auto pending = kPendingRoutes;
  pending.emplace("GET", "/api/v1/users");
  std::vector<std::string> problems = Mismatches(router_.Routes(), Document(), pending);
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_EQ(problems[0], "GET /api/v1/users is a route now: remove it from kPendingRoutes");
}

TEST_F(OpenApiTest, UndeclaredPathParameterIsCaught) {
  json::object doc = Document();
  // Drop the declaration of {org_id}.
  auto& item = doc.at("paths").at("/api/v1/channels/{id}/members/{org_id}").as_object();
  item["parameters"].as_array().pop_back();
  std::vector<std::string> problems = Mismatches(router_.Routes(), doc, kPendingRoutes);
  ASSERT_EQ(problems.size(), 1u) << Join(problems);
  EXPECT_EQ(problems[0],
            "PUT /api/v1/channels/{id}/members/{org_id}: path parameter org_id is not declared");
}

TEST_F(OpenApiTest, ServedWithoutAuthenticationAsJson) {
  for (std::string method : {"GET", "HEAD"}) {
    Response r = router_.Handle(Request{method, std::string(kOpenApiPath), {}, {}});
    EXPECT_EQ(r.status, 200) << method;
    EXPECT_EQ(r.Header("Content-Type").value_or(""), kJsonType) << method;
  }
  Response r = router_.Handle(Request{"GET", std::string(kOpenApiPath), {}, {}});
  EXPECT_EQ(r.body, OpenApiDocument());
  // Other methods are not allowed.
  EXPECT_EQ(router_.Handle(Request{"POST", std::string(kOpenApiPath), {}, {}}).status, 405);
}

}  // namespace
}  // namespace ecrn::http
