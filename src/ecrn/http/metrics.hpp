// Service metrics in the Prometheus text exposition format 0.0.4: HTTP
// requests by route template, method and status, a latency histogram per
// route, and gauges and counters other modules register by name. Thread-safe;
// recording a request takes a shared lock and a few atomic increments.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace ecrn::http {

// The Content-Type of the exposition text.
inline constexpr std::string_view kPrometheusTextType = "text/plain; version=0.0.4; charset=utf-8";

// Upper bounds (seconds) of the request latency histogram buckets (the
// Prometheus client defaults); +Inf is implied.
inline constexpr double kLatencyBuckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                             0.5,   1,    2.5,   5,    10};

// A monotonically increasing count. Thread-safe, lock-free.
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one answered request: `route` is the matched route template or
  // kUnmatchedRoute (never a raw path, so the label set stays bounded);
  // methods other than the standard ones are counted as "other".
  void RecordRequest(std::string_view route, std::string_view method, int status,
                     std::chrono::nanoseconds duration);

  // Registers a gauge read by calling `read` at each scrape (from a worker
  // thread; `read` must be thread-safe and may touch the database). `name`
  // must be a valid Prometheus metric name (a programming error otherwise);
  // registering a name again replaces the earlier gauge.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // Registers a counter and returns it; the reference stays valid as long as
  // this Metrics. Registering a name again returns the existing counter.
  Counter& AddCounter(std::string name, std::string help);

  // The requests counted so far for (route, method, status): for tests and
  // the exposition.
  uint64_t RequestCount(std::string_view route, std::string_view method, int status) const;

  // Everything, in the text exposition format 0.0.4 (ecrn_http_requests_total,
  // ecrn_http_request_duration_seconds, then the registered metrics in the
  // order added). Calls the gauges.
  std::string Exposition() const;

 private:
  struct Histogram {
    std::atomic<uint64_t> buckets[std::size(kLatencyBuckets)] = {};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_ns{0};
  };
  struct Registered {
    std::string name;
    std::string help;
    std::function<double()> gauge;     // set for gauges
    std::unique_ptr<Counter> counter;  // set for counters
  };
  using RequestKey = std::tuple<std::string, std::string, int>;  // route, method, status

  mutable std::shared_mutex mu_;  // guards the maps' structure (values are atomic)
  std::map<RequestKey, std::unique_ptr<Counter>, std::less<>> requests_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> latency_;
  mutable std::mutex registry_mu_;  // guards registered_
  std::vector<Registered> registered_;
};

}  // namespace ecrn::http
