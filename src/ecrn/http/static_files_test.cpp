#include "ecrn/http/static_files.hpp"

#include <filesystem>
#include <string>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

namespace fs = std::filesystem;
using ecrn::testing::TempDir;
using ecrn::testing::WriteFile;

constexpr std::string_view kIndex = "<!DOCTYPE html><title>ECRN web</title>";
constexpr std::string_view kSecret = "the secret outside the web root";

Request Get(std::string target, std::string method = "GET") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  return r;
}

// A web root like Vite's output, beside a directory that must never be served.
class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    root_ = dir_.path() / "dist";
    outside_ = dir_.path() / "outside";
    fs::create_directories(root_ / "assets");
    fs::create_directories(outside_);
    WriteFile(root_ / "index.html", std::string(kIndex));
    WriteFile(root_ / "assets" / "index-3f2a1b.js", "console.log(1)");
    WriteFile(root_ / "assets" / "index-9c8d7e.css", "body{}");
    WriteFile(root_ / "favicon.svg", "<svg/>");
    WriteFile(root_ / ".env", "KEY=1");
    WriteFile(outside_ / "secret.txt", std::string(kSecret));
    WriteFile(dir_.path() / "dist-secret.txt", std::string(kSecret));
    fs::create_symlink(outside_ / "secret.txt", root_ / "leak.txt");
    fs::create_symlink(outside_, root_ / "leakdir");
    fs::create_symlink(root_ / "favicon.svg", root_ / "alias.svg");
    auto files = StaticFiles::Open(root_);
    EXPECT_TRUE(files) << files.error().ToString();
    router_.Add("GET", "/healthz", [](const RouteContext&) {
      return MakeResponse(200, kJsonType, R"({"status":"ok"})");
    });
    if (files) AddStaticFileRoutes(router_, std::move(*files));
  }

  // Asserts a JSON 404 that reveals nothing from outside the root.
  void ExpectNotFound(const std::string& target) {
    SCOPED_TRACE(target);
    Response r = router_.Handle(Get(target));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.Header("Content-Type").value_or(""), kJsonType);
    EXPECT_EQ(boost::json::parse(r.body).as_object().at("http_status"), "404");
    EXPECT_EQ(r.body.find(kSecret), std::string::npos);
  }

  void ExpectIndex(const std::string& target) {
    SCOPED_TRACE(target);
    Response r = router_.Handle(Get(target));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, kIndex);
    EXPECT_EQ(r.Header("Content-Type").value_or(""), "text/html; charset=utf-8");
    EXPECT_EQ(r.Header("Cache-Control").value_or(""), "no-cache");
    EXPECT_EQ(r.Header("Content-Security-Policy").value_or(""), "default-src 'self'");
  }

  TempDir dir_;
  fs::path root_;
  fs::path outside_;
  Router router_;
};

TEST_F(StaticFilesTest, RootServesIndexWithoutCaching) { ExpectIndex("/"); }

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirType) {
  Response js = router_.Handle(Get("/assets/index-3f2a1b.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.Header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("Cache-Control").value_or(""), kImmutableCache);
  EXPECT_EQ(js.Header("X-Content-Type-Options").value_or(""), "nosniff");
  Response css = router_.Handle(Get("/assets/index-9c8d7e.css?v=1"));
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.Header("Content-Type").value_or(""), "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, OtherFilesAreRevalidated) {
  Response r = router_.Handle(Get("/favicon.svg"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type").value_or(""), "image/svg+xml");
  EXPECT_EQ(r.Header("Cache-Control").value_or(""), "no-cache");
  ExpectIndex("/index.html");
}

TEST_F(StaticFilesTest, HeadIsServedToo) {
  Response r = router_.Handle(Get("/assets/index-3f2a1b.js", "HEAD"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, ClientSideRoutesFallBackToIndex) {
  ExpectIndex("/login");
  ExpectIndex("/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ExpectIndex("/admin/channels?tab=members");
}

TEST_F(StaticFilesTest, ServerPathsNeverFallBack) {
  for (const char* target : {"/api/v1/nope", "/api", "/api/", "/taxii2/", "/taxii2/x/collections/",
                             "/healthz/x", "/metrics", "/metrics/x"}) {
    ExpectNotFound(target);
  }
  // Routes the router has still win over the fallback.
  EXPECT_EQ(router_.Handle(Get("/healthz")).status, 200);
}

TEST_F(StaticFilesTest, OtherMethodsAreNotServed) {
  EXPECT_EQ(router_.Handle(Get("/", "POST")).status, 404);
  EXPECT_EQ(router_.Handle(Get("/assets/index-3f2a1b.js", "DELETE")).status, 404);
}

TEST_F(StaticFilesTest, MissingAssetsAndFilesAre404) {
  ExpectNotFound("/assets/index-000000.js");
  ExpectNotFound("/robots.txt");
  ExpectNotFound("/deep/missing.png");
}

TEST_F(StaticFilesTest, NoDirectoryListing) {
  ExpectNotFound("/assets");
  ExpectNotFound("/assets/");
  ExpectNotFound("//");
}

TEST_F(StaticFilesTest, TraversalIsImpossible) {
  for (const char* target :
       {"/../outside/secret.txt", "/assets/../../outside/secret.txt", "/%2e%2e/outside/secret.txt",
        "/%2E%2E/dist-secret.txt", "/assets/%2e%2e/%2e%2e/outside/secret.txt",
        "/..%2foutside%2fsecret.txt", "/%2e%2e%2f%2e%2e%2foutside/secret.txt",
        "/assets/..%5c..%5coutside%5csecret.txt", "/./index.html", "/%00", "/index.html%00.js"}) {
    ExpectNotFound(target);
  }
}

TEST_F(StaticFilesTest, DotFilesAreHidden) {
  ExpectNotFound("/.env");
  ExpectNotFound("/%2eenv");
}

TEST_F(StaticFilesTest, SymlinksMayNotLeadOutside) {
  ExpectNotFound("/leak.txt");
  ExpectNotFound("/leakdir/secret.txt");
  ExpectNotFound("/leakdir");
  Response inside = router_.Handle(Get("/alias.svg"));
  EXPECT_EQ(inside.status, 200);
  EXPECT_EQ(inside.body, "<svg/>");
}

TEST(StaticFilesOpenTest, RootMustBeADirectoryWithIndex) {
  TempDir dir;
  auto missing = StaticFiles::Open(dir.path() / "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
  EXPECT_FALSE(StaticFiles::Open(dir.path()));  // no index.html
  WriteFile(dir.path() / "index.html", "x");
  auto ok = StaticFiles::Open(dir.path());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->root(), fs::canonical(dir.path()));
  WriteFile(dir.path() / "file", "x");
  EXPECT_FALSE(StaticFiles::Open(dir.path() / "file"));
}

TEST(StaticFilesOpenTest, RootBehindASymlinkServesItsFiles) {
  TempDir dir;
  fs::create_directories(dir.path() / "real");
  WriteFile(dir.path() / "real" / "index.html", "hello");
  fs::create_symlink(dir.path() / "real", dir.path() / "link");
  auto files = StaticFiles::Open(dir.path() / "link");
  ASSERT_TRUE(files);
  Response r = files->Serve({});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
}

TEST(ContentTypeTest, ByExtensionCaseInsensitive) {
  EXPECT_EQ(ContentTypeFor("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("index-1.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_EQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_EQ(ContentTypeFor("a.exe"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("README"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("a."), "application/octet-stream");
}

}  // namespace
}  // namespace ecrn::http
