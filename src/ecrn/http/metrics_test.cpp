// Tests of Metrics (counting, histogram buckets, registered gauges and
// counters, the text format), the /metrics route's access rule, and the
// router's route templates that label the metrics.
#include "ecrn/http/metrics.hpp"

#include <cmath>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "ecrn/http/router.hpp"
#include "ecrn/http/service_routes.hpp"
#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

using namespace std::chrono_literals;

using ecrn::testing::PrometheusSamples;

TEST(MetricsTest, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.RecordRequest("/healthz", "GET", 200, 1ms);
  metrics.RecordRequest("/healthz", "GET", 200, 2ms);
  metrics.RecordRequest("/healthz", "GET", 503, 3ms);
  metrics.RecordRequest("unmatched", "FROB", 405, 1ms);
  EXPECT_EQ(metrics.RequestCount("/healthz", "GET", 200), 2u);
  EXPECT_EQ(metrics.RequestCount("/healthz", "GET", 503), 1u);
  EXPECT_EQ(metrics.RequestCount("/healthz", "POST", 200), 0u);
  EXPECT_EQ(metrics.RequestCount("unmatched", "other", 405), 1u);
  auto samples = PrometheusSamples(metrics.Exposition());
  EXPECT_EQ(samples["ecrn_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"],
            "2");
  EXPECT_EQ(
      samples["ecrn_http_requests_total{route=\"unmatched\",method=\"other\",status=\"405\"}"],
      "1");
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  metrics.RecordRequest("/a", "GET", 200, 1ms);     // <= 0.005
  metrics.RecordRequest("/a", "GET", 200, 20ms);    // <= 0.025
  metrics.RecordRequest("/a", "GET", 200, 20s);     // only +Inf
  metrics.RecordRequest("/a", "GET", 200, 5000ms);  // <= 5 (bounds are inclusive)
  auto samples = PrometheusSamples(metrics.Exposition());
  auto bucket = [&](const std::string& le) {
    return samples["ecrn_http_request_duration_seconds_bucket{route=\"/a\",le=\"" + le + "\"}"];
  };
  EXPECT_EQ(bucket("0.005"), "1");
  EXPECT_EQ(bucket("0.01"), "1");
  EXPECT_EQ(bucket("0.025"), "2");
  EXPECT_EQ(bucket("2.5"), "2");
  EXPECT_EQ(bucket("5"), "3");
  EXPECT_EQ(bucket("10"), "3");
  EXPECT_EQ(bucket("+Inf"), "4");
  EXPECT_EQ(samples["ecrn_http_request_duration_seconds_count{route=\"/a\"}"], "4");
  EXPECT_DOUBLE_EQ(std::stod(samples["ecrn_http_request_duration_seconds_sum{route=\"/a\"}"]),
                   25.021);
}

TEST(MetricsTest, TextFormatHasHelpTypeAndEscapedLabels) {
  Metrics metrics;
  metrics.RecordRequest("/x/\"q\"\\", "GET", 200, 1ms);
  std::string text = metrics.Exposition();
  EXPECT_NE(text.find("# TYPE ecrn_http_requests_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE ecrn_http_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("# HELP ecrn_http_requests_total "), std::string::npos);
  EXPECT_NE(text.find("route=\"/x/\\\"q\\\"\\\\\""), std::string::npos) << text;
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, RegisteredGaugesAndCounters) {
  Metrics metrics;
  double stored = 3;
  metrics.AddGauge("ecrn_objects_stored", "Objects stored.", [&] { return stored; });
  Counter& streamed = metrics.AddCounter("ecrn_events_streamed_total", "Events streamed.");
  EXPECT_EQ(&metrics.AddCounter("ecrn_events_streamed_total", "again"), &streamed);
  streamed.Increment();
  streamed.Increment(4);
  std::string text = metrics.Exposition();
  EXPECT_NE(text.find("# HELP ecrn_objects_stored Objects stored.\n"
                      "# TYPE ecrn_objects_stored gauge\necrn_objects_stored 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE ecrn_events_streamed_total counter\n"
                      "ecrn_events_streamed_total 5\n"),
            std::string::npos)
      << text;
  stored = 7.5;
  metrics.AddGauge("ecrn_objects_stored", "Objects stored.", [&] { return stored * 2; });
  auto samples = PrometheusSamples(metrics.Exposition());
  EXPECT_EQ(samples["ecrn_objects_stored"], "15");
  EXPECT_EQ(samples["ecrn_events_streamed_total"], "5");
  metrics.AddGauge("ecrn_broken", "Fails.", [] { return std::nan(""); });
  EXPECT_EQ(PrometheusSamples(metrics.Exposition())["ecrn_broken"], "NaN");
}

TEST(MetricsTest, ConcurrentRecordingLosesNothing) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordRequest(i % 2 ? "/a" : "/b", "GET", 200 + t, 1ms);
      }
    });
  }
  for (auto& t : threads) t.join();
  uint64_t total = 0;
  for (int t = 0; t < 4; ++t) {
    total +=
        metrics.RequestCount("/a", "GET", 200 + t) + metrics.RequestCount("/b", "GET", 200 + t);
  }
  EXPECT_EQ(total, 4000u);
  EXPECT_EQ(PrometheusSamples(
                metrics.Exposition())["ecrn_http_request_duration_seconds_count{route=\"/a\"}"],
            "2000");
}

Request MetricsRequest(std::string remote, std::string authorization = "") {
  Request r;
  r.method = "GET";
  r.target = "/metrics";
  r.remote_address = std::move(remote);
  if (!authorization.empty()) r.headers.emplace_back("Authorization", std::move(authorization));
  return r;
}

TEST(MetricsRouteTest, WithoutATokenOnlyLoopbackPeersAreAnswered) {
  Metrics metrics;
  metrics.RecordRequest("/healthz", "GET", 200, 1ms);
  Router router;
  AddMetricsRoute(router, metrics, "");
  for (const char* peer : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    Response r = router.Handle(MetricsRequest(peer));
    EXPECT_EQ(r.status, 200) << peer;
    EXPECT_EQ(r.Header("Content-Type").value_or(""), kPrometheusTextType);
    EXPECT_NE(r.body.find("ecrn_http_requests_total{"), std::string::npos);
  }
  for (const char* peer : {"10.0.0.1", "192.168.1.5", "::2", "", "junk"}) {
    Response r = router.Handle(MetricsRequest(peer));
    EXPECT_EQ(r.status, 404) << peer;
    EXPECT_EQ(r.body.find("ecrn_"), std::string::npos);
  }
}

TEST(MetricsRouteTest, WithATokenEveryPeerNeedsIt) {
  Metrics metrics;
  Router router;
  AddMetricsRoute(router, metrics, "s3cret-token");
  EXPECT_EQ(router.Handle(MetricsRequest("10.0.0.1", "Bearer s3cret-token")).status, 200);
  EXPECT_EQ(router.Handle(MetricsRequest("10.0.0.1", "bearer s3cret-token")).status, 200);
  EXPECT_EQ(router.Handle(MetricsRequest("127.0.0.1")).status, 404);  // loopback is not enough
  for (const char* bad : {"Bearer s3cret-toke", "Bearer s3cret-token2", "Bearer ",
                          "Basic czNjcmV0LXRva2Vu", "s3cret-token", "Bearer  s3cret-token"}) {
    EXPECT_EQ(router.Handle(MetricsRequest("127.0.0.1", bad)).status, 404) << bad;
  }
}

TEST(RouteLookupTest, NamesTheMatchedTemplateNeverThePath) {
  Router router;
  router.Add("GET", "/taxii2/{api_root}/collections/{id}/objects/", [](const RouteContext& ctx) {
    return MakeResponse(200, "text/plain", std::string(ctx.route_template));
  });
  router.Add("POST", "/taxii2/{api_root}/collections/{id}/objects/",
             [](const RouteContext&) { return MakeResponse(202, "text/plain", ""); },
             {.max_body = 1000});
  auto get = router.Lookup("GET", "/taxii2/r1/collections/c9/objects/?limit=5");
  EXPECT_EQ(get.path_template, "/taxii2/{api_root}/collections/{id}/objects/");
  EXPECT_EQ(get.max_body, kDefaultMaxBody);
  auto post = router.Lookup("POST", "/taxii2/r1/collections/c9/objects/");
  EXPECT_EQ(post.max_body, 1000u);
  EXPECT_EQ(router.BodyLimit("POST", "/taxii2/r1/collections/c9/objects/"), 1000u);
  // 405: the path's template; 404 and malformed: unmatched.
  EXPECT_EQ(router.Lookup("DELETE", "/taxii2/r1/collections/c9/objects/").path_template,
            "/taxii2/{api_root}/collections/{id}/objects/");
  EXPECT_EQ(router.Lookup("GET", "/taxii2/r1/collections/c9/").path_template, kUnmatchedRoute);
  EXPECT_EQ(router.Lookup("GET", "not a target").path_template, kUnmatchedRoute);
  Request request;
  request.method = "GET";
  request.target = "/taxii2/r1/collections/c9/objects/";
  EXPECT_EQ(router.Handle(request).body, "/taxii2/{api_root}/collections/{id}/objects/");
}

TEST(LoopbackTest, RecognisesLoopbackAddressesOnly) {
  for (const char* yes : {"127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.9"}) {
    EXPECT_TRUE(IsLoopbackAddress(yes)) << yes;
  }
  for (const char* no : {"", "128.0.0.1", "10.0.0.1", "::", "::2", "::ffff:10.0.0.1", "localhost",
                         "127.0.0.1 ", "fe80::1", "0.0.0.0"}) {
    EXPECT_FALSE(IsLoopbackAddress(no)) << no;
  }
}

}  // namespace
}  // namespace ecrn::http
