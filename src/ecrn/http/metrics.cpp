#include "ecrn/http/metrics.hpp"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>

namespace ecrn::http {
namespace {

std::string_view NormalMethod(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

[[maybe_unused]] bool ValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// `text` with '\\' and newline escaped, and '"' too in a label value (HELP
// text leaves it as is).
std::string Escape(std::string_view text, bool label_value) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && label_value) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 64> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return ec == std::errc() ? std::string(buf.data(), end) : "NaN";
}

void Header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += Escape(help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            std::chrono::nanoseconds duration) {
  std::string_view normal = NormalMethod(method);
  auto key = std::make_tuple(route, normal, status);
  Counter* counter = nullptr;
  Histogram* histogram = nullptr;
  {
    std::shared_lock lock(mu_);
    if (auto it = requests_.find(key); it != requests_.end()) counter = it->second.get();
    if (auto it = latency_.find(route); it != latency_.end()) histogram = it->second.get();
  }
  if (!counter || !histogram) {
    std::unique_lock lock(mu_);
    auto& c = requests_[RequestKey(route, normal, status)];
    if (!c) c = std::make_unique<Counter>();
    counter = c.get();
    auto it = latency_.find(route);
    if (it == latency_.end()) {
      it = latency_.emplace(std::string(route), std::make_unique<Histogram>()).first;
    }
    histogram = it->second.get();
  }
  counter->Increment();
  double seconds = std::chrono::duration<double>(duration).count();
  for (size_t i = 0; i < std::size(kLatencyBuckets); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      histogram->buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;  // buckets are stored non-cumulative; Exposition adds them up
    }
  }
  histogram->count.fetch_add(1, std::memory_order_relaxed);
  histogram->sum_ns.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, duration.count())),
                              std::memory_order_relaxed);
}

uint64_t Metrics::RequestCount(std::string_view route, std::string_view method, int status) const {
  std::shared_lock lock(mu_);
  auto it = requests_.find(std::make_tuple(route, NormalMethod(method), status));
  return it == requests_.end() ? 0 : it->second->Value();
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  assert(ValidMetricName(name) && read);
  std::lock_guard lock(registry_mu_);
  for (auto& r : registered_) {
    if (r.name != name) continue;
    // A counter's reference may be held elsewhere: it is never replaced.
    assert(!r.counter && "metric name already registered as a counter");
    if (r.counter) return;
    r.help = std::move(help);
    r.gauge = std::move(read);
    return;
  }
  registered_.push_back({std::move(name), std::move(help), std::move(read), nullptr});
}

Counter& Metrics::AddCounter(std::string name, std::string help) {
  assert(ValidMetricName(name));
  std::lock_guard lock(registry_mu_);
  for (auto& r : registered_) {
    if (r.name != name) continue;
    assert(r.counter && "metric name already registered as a gauge");
    if (!r.counter) {
      r.gauge = {};
      r.counter = std::make_unique<Counter>();
    }
    r.help = std::move(help);
    return *r.counter;
  }
  registered_.push_back({std::move(name), std::move(help), {}, std::make_unique<Counter>()});
  return *registered_.back().counter;
}

std::string Metrics::Exposition() const {
  std::string out;
  {
    std::shared_lock lock(mu_);
    Header(out, "ecrn_http_requests_total",
           "HTTP requests answered, by route template, method and status.", "counter");
    for (const auto& [key, counter] : requests_) {
      const auto& [route, method, status] = key;
      out += "ecrn_http_requests_total{route=\"" + Escape(route, true) + "\",method=\"" + method +
             "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(counter->Value()) +
             "\n";
    }
    Header(out, "ecrn_http_request_duration_seconds",
           "Time from a request's header to the end of its response, by route template.",
           "histogram");
    for (const auto& [route, h] : latency_) {
      std::string label = "route=\"" + Escape(route, true) + "\"";
      // Read count first: concurrent requests may add to buckets meanwhile, so
      // +Inf is the larger of the bucket total and the count read.
      uint64_t count = h->count.load(std::memory_order_relaxed);
      uint64_t cumulative = 0;
      for (size_t i = 0; i < std::size(kLatencyBuckets); ++i) {
        cumulative += h->buckets[i].load(std::memory_order_relaxed);
        out += "ecrn_http_request_duration_seconds_bucket{" + label + ",le=\"" +
               Number(kLatencyBuckets[i]) + "\"} " + std::to_string(cumulative) + "\n";
      }
      count = std::max(count, cumulative);
      out += "ecrn_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " +
             std::to_string(count) + "\n";
      out += "ecrn_http_request_duration_seconds_sum{" + label + "} " +
             Number(static_cast<double>(h->sum_ns.load(std::memory_order_relaxed)) / 1e9) + "\n";
      out +=
          "ecrn_http_request_duration_seconds_count{" + label + "} " + std::to_string(count) + "\n";
    }
  }
  // Copy the gauges' readers so none runs under the lock (they may be slow).
  struct Snapshot {
    std::string name, help;
    std::function<double()> gauge;
    const Counter* counter;
  };
  std::vector<Snapshot> snapshot;
  {
    std::lock_guard lock(registry_mu_);
    for (const auto& r : registered_) {
      snapshot.push_back({r.name, r.help, r.gauge, r.counter.get()});
    }
  }
  for (const auto& s : snapshot) {
    Header(out, s.name, s.help, s.counter ? "counter" : "gauge");
    double value = s.counter ? static_cast<double>(s.counter->Value()) : s.gauge();
    out += s.name + " " + Number(value) + "\n";
  }
  return out;
}

}  // namespace ecrn::http
