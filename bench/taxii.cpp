// bench/taxii: the TAXII 2.1 server benchmark, whole program over loopback.
// Sets up a network with the admin CLI (one organisation, one analyst, one
// API key, one channel), starts the real `ecrn serve` on 127.0.0.1:0 and
// measures, through HTTP only:
//   ingest  POST envelopes totalling N indicators and poll each status until
//           complete, at several store sizes (the store is filled between
//           stages with `ecrn import`), to show whether ingest stays flat;
//   walk    a limit/next walk of the whole collection (every page checked);
//   wrk     `wrk` at C connections on /healthz (the peer: no auth, no
//           database), on a small authenticated TAXII GET, and on a page of
//           `objects/?limit=100`.
// Single-threaded driver; not a library.
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <unistd.h>

#include "indicators.hpp"
#include "support.hpp"
#include "testing/http_client.hpp"
#include "testing/testing.hpp"

#ifndef ECRN_BIN_DEFAULT
#define ECRN_BIN_DEFAULT "ecrn"
#endif

namespace ecrn::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::HttpClient;
using testing::HttpResponse;

constexpr char kTaxii[] = "application/taxii+json;version=2.1";
constexpr uint64_t kPostSeed = 7001;  // + stage: the POSTed indicators
constexpr uint64_t kFillSeed = 9001;  // + stage: the imported fill

struct Args {
  std::string ecrn = ECRN_BIN_DEFAULT;
  bool pg = false;                  // PostgreSQL (the cluster of $ECRN_PG_INFO) instead of SQLite
  size_t post_indicators = 10'000;  // per ingest stage
  size_t envelope = 10'000;         // objects per POST
  std::vector<size_t> stages = {0, 50'000, 90'000};  // objects stored before each ingest
  size_t walk_total = 100'000;  // objects in the collection for the walk and wrk
  std::vector<size_t> walk_limits = {1000, 100};
  int wrk_seconds = 10;
  int connections = 16;
  int wrk_threads = 2;
  int server_threads = 2;  // ecrn serve --threads (I/O threads)
  bool json = false;
  std::string workdir;
};

// --- setup -------------------------------------------------------------------

struct Network {
  std::string db;
  std::string key;         // the analyst's API key
  std::string collection;  // the channel's UUID
};

Network SetUp(const Args& a, const std::string& db) {
  Network n;
  n.db = db;
  Admin(a.ecrn, db, {"db", "migrate"});
  Admin(a.ecrn, db, {"org", "add", "--name", "Bench CERT", "--kind", "cert", "--country", "TL"});
  Admin(a.ecrn, db,
        {"user", "add", "--org", "Bench CERT", "--username", "analyst", "--role", "analyst"},
        {"ECRN_PASSWORD=bench password, not secret"});
  Admin(a.ecrn, db, {"channel", "add", "--name", "bench", "--default-tlp", "green"});
  Admin(a.ecrn, db,
        {"channel", "grant", "--channel", "bench", "--org", "Bench CERT", "--read", "--write"});
  n.key = Trim(Admin(a.ecrn, db, {"apikey", "create", "--user", "analyst"}));
  // channel list: id \t name \t default TLP \t uuid \t ...
  const std::string list = Admin(a.ecrn, db, {"channel", "list"});
  for (std::string_view rest = list; !rest.empty();) {
    const auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    std::vector<std::string_view> cols;
    for (size_t tab; (tab = line.find('\t')) != std::string_view::npos;
         line.remove_prefix(tab + 1)) {
      cols.push_back(line.substr(0, tab));
    }
    cols.push_back(line);
    if (cols.size() >= 4 && cols[1] == "bench") n.collection = std::string(cols[3]);
  }
  if (n.key.empty() || n.collection.size() != 36) Die("cannot read the API key or channel UUID");
  return n;
}

// Imports `objects` generated objects (identity first when odd, then
// indicator + SCO pairs) into the channel with `ecrn import`.
void Fill(const Args& a, const Network& n, const fs::path& dir, size_t objects, uint64_t seed,
          uint64_t first_index) {
  IndicatorGenerator gen(seed, first_index);
  const fs::path bundle = dir / ("fill-" + std::to_string(seed) + ".json");
  {
    std::ofstream out(bundle, std::ios::binary | std::ios::trunc);
    out << R"({"type":"bundle","id":"bundle--)" << gen.NextUuid() << R"(","objects":[)";
    bool first = true;
    auto put = [&](const json::object& o) {
      out << (first ? "\n" : ",\n") << json::serialize(o);
      first = false;
    };
    if (objects % 2) put(gen.identity());
    for (size_t i = 0; i < objects / 2; ++i) {
      auto [indicator, sco] = gen.Next();
      put(indicator);
      put(sco);
    }
    out << "\n]}\n";
    if (!out) Die("cannot write " + bundle.string());
  }
  auto r = testing::Run({a.ecrn, "import", bundle.string(), "--channel", "bench", "--db", n.db});
  if (r.exit_code != 0) Die("ecrn import failed: " + r.err);
  const std::string expect = std::to_string(objects) + " added";
  if (r.out.find(expect) == std::string::npos && r.err.find(expect) == std::string::npos) {
    Die("ecrn import did not add " + std::to_string(objects) + ": " + r.out + r.err);
  }
  fs::remove(bundle);
}

// --- the server ----------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> AuthHeaders(const Network& n) {
  return {{"Authorization", "Bearer " + n.key}, {"Accept", kTaxii}};
}

// --- ingest ------------------------------------------------------------------------

struct IngestResult {
  size_t stored_before = 0;
  size_t objects = 0;
  size_t posts = 0;
  size_t status_polls = 0;
  double seconds = 0;
  double server_cpu = 0;
  double post_p50_ms = 0, post_max_ms = 0;
  std::string load;
  double PerSecond() const { return seconds > 0 ? static_cast<double>(objects) / seconds : 0; }
};

IngestResult Ingest(const Args& a, const Network& n, const Server& s, size_t stored_before,
                    uint64_t seed, uint64_t first_index) {
  // The envelopes are built before the clock starts.
  IndicatorGenerator gen(seed, first_index);
  std::vector<std::string> bodies;
  for (size_t done = 0; done < a.post_indicators;) {
    const size_t k = std::min(a.envelope, a.post_indicators - done);
    std::string body = R"({"objects":[)";
    for (size_t i = 0; i < k; ++i) {
      if (i) body += ',';
      body += json::serialize(gen.Next().indicator);
    }
    body += "]}";
    bodies.push_back(std::move(body));
    done += k;
  }
  auto headers = AuthHeaders(n);
  auto post_headers = headers;
  post_headers.emplace_back("Content-Type", kTaxii);
  const std::string status_base = "/taxii2/ecrn/status/";  // + id + "/"
  const std::string objects_url = "/taxii2/ecrn/collections/" + n.collection + "/objects/";
  HttpClient client(s.port, 300);
  IngestResult r;
  r.stored_before = stored_before;
  r.load = LoadAverage();
  std::vector<double> post_ms;
  const double cpu0 = ProcessCpuSeconds(s.process->pid());
  const auto t0 = SteadyClock::now();
  for (size_t e = 0; e < bodies.size(); ++e) {
    const auto p0 = SteadyClock::now();
    auto res = client.Request("POST", objects_url, post_headers, bodies[e]);
    post_ms.push_back(Seconds(p0, SteadyClock::now()) * 1000);
    if (!res || res->status != 202) {
      Die("POST returned " + (res ? std::to_string(res->status) + ": " + res->body : "nothing"));
    }
    auto st = json::parse(res->body).as_object();
    const std::string id(st.at("id").as_string());
    // Poll the status until it is complete (this server completes before
    // answering, so the first poll normally sees it).
    for (;;) {
      auto poll = client.Request("GET", status_base + id + "/", headers);
      ++r.status_polls;
      if (!poll || poll->status != 200) Die("status poll failed");
      st = json::parse(poll->body).as_object();
      if (st.at("status").as_string() == "complete") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    const size_t ok = static_cast<size_t>(st.at("success_count").to_number<int64_t>());
    if (st.at("failure_count").to_number<int64_t>() != 0 || ok == 0) {
      Die("envelope " + std::to_string(e) + " was not fully accepted: " + json::serialize(st));
    }
    r.objects += ok;
    ++r.posts;
  }
  r.seconds = Seconds(t0, SteadyClock::now());
  r.server_cpu = ProcessCpuSeconds(s.process->pid()) - cpu0;
  r.post_p50_ms = Quantile(post_ms, 0.5);
  r.post_max_ms = *std::max_element(post_ms.begin(), post_ms.end());
  if (r.objects != a.post_indicators) Die("ingest stored " + std::to_string(r.objects));
  return r;
}

// --- walk --------------------------------------------------------------------------

struct WalkResult {
  size_t limit = 0;
  size_t pages = 0;
  size_t objects = 0;
  double seconds = 0;
  double server_cpu = 0;
  double page_p50_ms = 0, page_p99_ms = 0;
  std::string load;
};

// The `next` token of a page that starts {"more":true,"next":"...", or "".
std::string NextToken(const std::string& body) {
  constexpr std::string_view kHead = R"({"more":true,"next":")";
  if (body.compare(0, kHead.size(), kHead) != 0) return "";
  const auto end = body.find('"', kHead.size());
  return end == std::string::npos ? "" : body.substr(kHead.size(), end - kHead.size());
}

WalkResult Walk(const Network& n, const Server& s, size_t limit, size_t expect) {
  const auto headers = AuthHeaders(n);
  const std::string base =
      "/taxii2/ecrn/collections/" + n.collection + "/objects/?limit=" + std::to_string(limit);
  HttpClient client(s.port, 300);
  WalkResult w;
  w.limit = limit;
  w.load = LoadAverage();
  std::vector<std::string> pages;
  std::vector<double> page_ms;
  const double cpu0 = ProcessCpuSeconds(s.process->pid());
  const auto t0 = SteadyClock::now();
  std::string next;
  do {
    const auto p0 = SteadyClock::now();
    auto res = client.Request("GET", next.empty() ? base : base + "&next=" + next, headers);
    page_ms.push_back(Seconds(p0, SteadyClock::now()) * 1000);
    if (!res || res->status != 200) {
      Die("page " + std::to_string(pages.size()) + " returned " +
          (res ? std::to_string(res->status) + ": " + res->body : "nothing"));
    }
    next = NextToken(res->body);
    pages.push_back(std::move(res->body));
  } while (!next.empty());
  w.seconds = Seconds(t0, SteadyClock::now());
  w.server_cpu = ProcessCpuSeconds(s.process->pid()) - cpu0;
  w.pages = pages.size();
  w.page_p50_ms = Quantile(page_ms, 0.5);
  w.page_p99_ms = Quantile(page_ms, 0.99);
  // Checked after the clock: every object once, none missing.
  std::set<std::string> seen;
  for (const auto& body : pages) {
    auto page = json::parse(body).as_object();
    for (const auto& o : page.at("objects").as_array()) {
      const auto& obj = o.as_object();
      seen.insert(std::string(obj.at("id").as_string()) + "@" +
                  (obj.contains("modified") ? std::string(obj.at("modified").as_string()) : ""));
      ++w.objects;
    }
  }
  if (w.objects != expect || seen.size() != expect) {
    Die("the walk saw " + std::to_string(w.objects) + " objects (" + std::to_string(seen.size()) +
        " distinct), expected " + std::to_string(expect));
  }
  return w;
}

// --- wrk -----------------------------------------------------------------------------

struct WrkResult {
  std::string name;
  std::string target;
  double requests_per_second = 0;
  double p50_ms = 0, p90_ms = 0, p99_ms = 0;
  uint64_t requests = 0;
  uint64_t errors = 0;  // non-2xx/3xx, socket errors
  double server_cpu = 0;
  double seconds = 0;
  std::string load;
};

// "635.91us", "1.20ms", "2.01s" -> milliseconds.
double WrkMillis(const std::string& text) {
  double v = std::strtod(text.c_str(), nullptr);
  if (text.ends_with("us")) return v / 1000;
  if (text.ends_with("ms")) return v;
  if (text.ends_with("s")) return v * 1000;
  return v;
}

WrkResult RunWrk(const Args& a, const Server& s, const std::string& name, const std::string& path,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::string> argv = {"wrk",
                                   "-t" + std::to_string(a.wrk_threads),
                                   "-c" + std::to_string(a.connections),
                                   "-d" + std::to_string(a.wrk_seconds) + "s",
                                   "--latency",
                                   "--timeout",
                                   "5s"};
  for (const auto& [k, v] : headers) {
    argv.push_back("-H");
    argv.push_back(k + ": " + v);
  }
  argv.push_back("http://127.0.0.1:" + std::to_string(s.port) + path);
  WrkResult w;
  w.name = name;
  w.target = path;
  w.load = LoadAverage();
  const double cpu0 = ProcessCpuSeconds(s.process->pid());
  const auto t0 = SteadyClock::now();
  auto r = testing::Run(argv);
  w.seconds = Seconds(t0, SteadyClock::now());
  w.server_cpu = ProcessCpuSeconds(s.process->pid()) - cpu0;
  if (r.exit_code != 0) Die("wrk failed (is it installed? scripts/install-deps): " + r.err);
  std::string_view out = r.out;
  auto after = [&](std::string_view label) -> std::string {
    const auto p = out.find(label);
    if (p == std::string_view::npos) return "";
    size_t b = p + label.size();
    while (b < out.size() && out[b] == ' ') ++b;
    size_t e = b;
    while (e < out.size() && out[e] != ' ' && out[e] != '\n') ++e;
    return std::string(out.substr(b, e - b));
  };
  w.requests_per_second = std::strtod(after("Requests/sec:").c_str(), nullptr);
  w.p50_ms = WrkMillis(after("\n     50%"));
  w.p90_ms = WrkMillis(after("\n     90%"));
  w.p99_ms = WrkMillis(after("\n     99%"));
  // "  123456 requests in 10.00s, ..."
  if (auto p = out.find(" requests in "); p != std::string_view::npos) {
    auto b = out.rfind('\n', p);
    w.requests = std::strtoull(std::string(out.substr(b + 1, p - b - 1)).c_str(), nullptr, 10);
  }
  w.errors = std::strtoull(after("Non-2xx or 3xx responses:").c_str(), nullptr, 10);
  if (auto p = out.find("Socket errors:"); p != std::string_view::npos) {
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    std::string line(out.substr(p, out.find('\n', p) - p));
    unsigned long long c = 0, rd = 0, wr = 0, to = 0;
    if (std::sscanf(line.c_str(),
                    "Socket errors: connect %llu, read %llu, write %llu, timeout %llu", &c, &rd,
                    &wr, &to) == 4) {
      w.errors += c + rd + wr + to;
    }
  }
  // (0 requests/s is a result: nothing finished within the run.)
  if (after("Requests/sec:").empty()) Die("cannot read wrk's output:\n" + r.out);
  return w;
}

// --- output --------------------------------------------------------------------------

struct Results {
  std::string backend;
  std::vector<IngestResult> ingest;
  std::vector<WalkResult> walks;
  std::vector<WrkResult> wrk;
};

std::string Markdown(const Args& a, const Results& r) {
  std::string out;
  out += Fmt("backend %s; ingest: %zu indicators per stage in envelopes of %zu objects\n\n",
             r.backend.c_str(), a.post_indicators, a.envelope);
  out +=
      "| stored before | objects | POSTs | status polls | wall s | objects/s | server CPU s | "
      "CPU µs/object | POST p50 ms | POST max ms | load |\n"
      "|--------------:|--------:|------:|-------------:|-------:|----------:|-------------:|"
      "--------------:|------------:|------------:|------|\n";
  for (const auto& i : r.ingest) {
    out += Fmt("| %zu | %zu | %zu | %zu | %.3f | %.0f | %.2f | %.1f | %.1f | %.1f | %s |\n",
               i.stored_before, i.objects, i.posts, i.status_polls, i.seconds, i.PerSecond(),
               i.server_cpu, 1e6 * i.server_cpu / static_cast<double>(i.objects), i.post_p50_ms,
               i.post_max_ms, i.load.c_str());
  }
  out +=
      "\n| walk limit | pages | objects | wall s | pages/s | objects/s | page p50 ms | page p99 "
      "ms | server CPU s | CPU µs/page | load |\n"
      "|-----------:|------:|--------:|-------:|--------:|----------:|------------:|------------:|"
      "-------------:|------------:|------|\n";
  for (const auto& w : r.walks) {
    out += Fmt("| %zu | %zu | %zu | %.3f | %.0f | %.0f | %.2f | %.2f | %.2f | %.0f | %s |\n",
               w.limit, w.pages, w.objects, w.seconds, static_cast<double>(w.pages) / w.seconds,
               static_cast<double>(w.objects) / w.seconds, w.page_p50_ms, w.page_p99_ms,
               w.server_cpu, 1e6 * w.server_cpu / static_cast<double>(w.pages), w.load.c_str());
  }
  out +=
      Fmt("\nwrk -t%d -c%d -d%ds --latency (server CPU s: of the ecrn process during the run; wrk "
          "shares the %ld CPUs)\n\n",
          a.wrk_threads, a.connections, a.wrk_seconds, sysconf(_SC_NPROCESSORS_ONLN));
  out +=
      "| route | requests/s | p50 ms | p90 ms | p99 ms | requests | errors | server CPU s | "
      "CPU µs/request | load |\n"
      "|-------|-----------:|-------:|-------:|-------:|---------:|-------:|-------------:|"
      "---------------:|------|\n";
  for (const auto& w : r.wrk) {
    out += Fmt(
        "| %s `%s` | %.0f | %.2f | %.2f | %.2f | %" PRIu64 " | %" PRIu64 " | %.2f | %.0f | %s |\n",
        w.name.c_str(), w.target.c_str(), w.requests_per_second, w.p50_ms, w.p90_ms, w.p99_ms,
        w.requests, w.errors, w.server_cpu,
        w.requests ? 1e6 * w.server_cpu / static_cast<double>(w.requests) : 0.0, w.load.c_str());
  }
  // The targets of issue 3.
  out += "\n";
  double min_rate = 0, max_rate = 0;
  for (const auto& i : r.ingest) {
    min_rate = min_rate == 0 ? i.PerSecond() : std::min(min_rate, i.PerSecond());
    max_rate = std::max(max_rate, i.PerSecond());
  }
  out += Fmt("- ingest: %.0f-%.0f objects/s (target >= 100000: %s); last/first stage %.2f\n",
             min_rate, max_rate, min_rate >= 100'000 ? "met" : "MISSED",
             r.ingest.empty() ? 0.0 : r.ingest.back().PerSecond() / r.ingest.front().PerSecond());
  for (const auto& w : r.wrk) {
    if (w.name == "limit=100") {
      out +=
          Fmt("- objects?limit=100 p99 %.2f ms at %zu stored (target <= 10 ms: %s)\n", w.p99_ms,
              a.walk_total, w.requests > 0 && w.errors == 0 && w.p99_ms <= 10 ? "met" : "MISSED");
    } else if (w.name == "small") {
      out += Fmt("- small authenticated GET %.0f requests/s (target >= 20000: %s)\n",
                 w.requests_per_second,
                 w.errors == 0 && w.requests_per_second >= 20'000 ? "met" : "MISSED");
    }
  }
  return out;
}

std::string Json(const Args& a, const Results& r) {
  json::array ingest, walks, wrk;
  for (const auto& i : r.ingest) {
    ingest.push_back({{"stored_before", i.stored_before},
                      {"objects", i.objects},
                      {"posts", i.posts},
                      {"seconds", i.seconds},
                      {"objects_per_second", i.PerSecond()},
                      {"server_cpu_seconds", i.server_cpu},
                      {"load", i.load}});
  }
  for (const auto& w : r.walks) {
    walks.push_back({{"limit", w.limit},
                     {"pages", w.pages},
                     {"objects", w.objects},
                     {"seconds", w.seconds},
                     {"page_p50_ms", w.page_p50_ms},
                     {"page_p99_ms", w.page_p99_ms},
                     {"server_cpu_seconds", w.server_cpu},
                     {"load", w.load}});
  }
  for (const auto& w : r.wrk) {
    wrk.push_back({{"name", w.name},
                   {"target", w.target},
                   {"requests_per_second", w.requests_per_second},
                   {"p50_ms", w.p50_ms},
                   {"p90_ms", w.p90_ms},
                   {"p99_ms", w.p99_ms},
                   {"requests", w.requests},
                   {"errors", w.errors},
                   {"server_cpu_seconds", w.server_cpu},
                   {"load", w.load}});
  }
  json::object top = {{"backend", r.backend},         {"envelope", a.envelope},
                      {"connections", a.connections}, {"ingest", std::move(ingest)},
                      {"walks", std::move(walks)},    {"wrk", std::move(wrk)}};
  return json::serialize(top) + "\n";
}

// --- main ----------------------------------------------------------------------------

void Usage() {
  std::puts(
      "usage: ecrn_bench_taxii [--ecrn PATH] [--pg] [--indicators N] [--envelope N]\n"
      "                        [--stages A,B,...] [--walk-total N] [--wrk-seconds S]\n"
      "                        [--connections C] [--server-threads T] [--json] [--workdir DIR]\n"
      "  --pg              PostgreSQL: a fresh database on the cluster named by $ECRN_PG_INFO\n"
      "                    (scripts/pg-test-cluster), instead of a SQLite file\n"
      "  --indicators N    indicators POSTed at each ingest stage (default 10000)\n"
      "  --envelope N      objects per POSTed envelope (default 10000: one POST per stage)\n"
      "  --stages LIST     objects stored before each ingest stage (default 0,50000,90000);\n"
      "                    the store is filled to each with `ecrn import`\n"
      "  --walk-total N    objects in the collection for the walk and wrk (default 100000)\n"
      "  --wrk-seconds S   duration of each wrk run (default 10)\n"
      "  --connections C   wrk connections (default 16; wrk threads 2)\n"
      "  --server-threads  ecrn serve --threads (default 2)\n"
      "  --json            print JSON instead of Markdown\n"
      "  --workdir DIR     where the SQLite database and bundles go (default: a new /tmp dir)");
}

std::vector<size_t> NumberList(const std::string& text) {
  std::vector<size_t> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string part = text.substr(pos, comma - pos);
    char* end = nullptr;
    const unsigned long long n = std::strtoull(part.c_str(), &end, 10);
    if (part.empty() || *end) Die("not a number list: " + text);
    out.push_back(n);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  ArgReader r(argc, argv);
  while (r.Next()) {
    const std::string_view arg = r.arg();
    if (arg == "--ecrn") {
      a.ecrn = r.Value();
    } else if (arg == "--pg") {
      a.pg = true;
    } else if (arg == "--indicators") {
      a.post_indicators = r.Number();
    } else if (arg == "--envelope") {
      a.envelope = r.Number();
    } else if (arg == "--stages") {
      a.stages = NumberList(r.Value());
    } else if (arg == "--walk-total") {
      a.walk_total = r.Number();
    } else if (arg == "--wrk-seconds") {
      a.wrk_seconds = static_cast<int>(r.Number());
    } else if (arg == "--connections") {
      a.connections = static_cast<int>(r.Number());
    } else if (arg == "--server-threads") {
      a.server_threads = static_cast<int>(r.Number());
    } else if (arg == "--json") {
      a.json = true;
    } else if (arg == "--workdir") {
      a.workdir = r.Value();
    } else {
      r.Other(Usage);
    }
  }
  if (!std::is_sorted(a.stages.begin(), a.stages.end())) Die("--stages must be ascending");
  if (!a.stages.empty() && a.stages.back() + a.post_indicators > a.walk_total) {
    Die("--walk-total must be at least the last stage plus --indicators");
  }
  return a;
}

int Main(int argc, char** argv) {
  SetToolName("bench-taxii");
  const Args a = ParseArgs(argc, argv);
  Workspace w = OpenWorkspace(a.ecrn, a.pg, a.workdir, "taxii.db");
  const fs::path& dir = w.dir;
  const std::string& db = w.db;
  Results results;
  results.backend = w.backend;
  Log("setting up " + results.backend + " database " + db);
  const Network n = SetUp(a, db);
  Server s = StartServer(a.ecrn, n.db, {"--threads", std::to_string(a.server_threads)});
  Log("ecrn serve on port " + std::to_string(s.port));

  size_t stored = 0;
  uint64_t next_index = 0;  // SCO values stay unique across every generated set
  for (size_t stage = 0; stage < a.stages.size(); ++stage) {
    if (a.stages[stage] > stored) {
      const size_t k = a.stages[stage] - stored;
      Log("filling to " + std::to_string(a.stages[stage]) + " objects (ecrn import)");
      Fill(a, n, dir, k, kFillSeed + stage, next_index);
      next_index += k;
      stored += k;
    }
    Log("ingest stage " + std::to_string(stage + 1) + ": " + std::to_string(stored) + " stored");
    results.ingest.push_back(Ingest(a, n, s, stored, kPostSeed + stage, next_index));
    next_index += a.post_indicators;
    stored += a.post_indicators;
  }
  if (stored < a.walk_total) {
    Log("filling to " + std::to_string(a.walk_total) + " objects (ecrn import)");
    Fill(a, n, dir, a.walk_total - stored, kFillSeed + a.stages.size(), next_index);
    stored = a.walk_total;
  }
  for (size_t limit : a.walk_limits) {
    Log("walk with limit=" + std::to_string(limit));
    results.walks.push_back(Walk(n, s, limit, stored));
  }
  const auto auth = AuthHeaders(n);
  const std::string page = "/taxii2/ecrn/collections/" + n.collection + "/objects/?limit=100";
  Log("wrk: /healthz (peer), /taxii2/ (small), objects?limit=100");
  results.wrk.push_back(RunWrk(a, s, "healthz (peer)", "/healthz", {}));
  results.wrk.push_back(RunWrk(a, s, "small", "/taxii2/", auth));
  results.wrk.push_back(RunWrk(a, s, "limit=100", page, auth));

  s.Stop();
  std::fputs((a.json ? Json(a, results) : Markdown(a, results)).c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace ecrn::bench

int main(int argc, char** argv) { return ecrn::bench::Main(argc, argv); }
