// bench/scan_extract: throughput of the sensor's input side. Generates,
// deterministically, a mixed corpus of DNS, web, proxy, firewall and endpoint
// log lines (and one corpus per structured format), then times, on this
// machine: free-text extraction alone (one core), each format's parser, and
// the whole input pipeline (read the file, split lines, parse, deliver to a
// counting sink) with 1 and 2 threads. Prints MB/s (10^6 bytes per second).
// Single-threaded driver apart from the pipeline's own workers; not a library.
//
//   ecrn_bench_scan_extract [--mb N | --file CORPUS] [--dir DIR] [--extract-only]
#include <array>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format.hpp"
#include "ecrn/scan/pipeline.hpp"

namespace ecrn::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// xorshift64*: deterministic and cheap.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 2685821657736338717ULL;
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }

 private:
  uint64_t s_;
};

constexpr std::array<const char*, 8> kTlds = {"org", "com", "net",  "example",
                                              "io",  "gov", "info", "eu"};
constexpr std::array<const char*, 8> kWords = {"results", "vote",  "cdn",    "mail",
                                               "portal",  "login", "static", "api"};

std::string Domain(Rng& r) {
  std::string d = kWords[r.Below(8)];
  d += std::to_string(r.Below(5000));
  if (r.Below(2)) d = std::string(kWords[r.Below(8)]) + "." + d;
  return d + "." + kTlds[r.Below(8)];
}

std::string Ipv4(Rng& r) {
  return std::to_string(1 + r.Below(223)) + "." + std::to_string(r.Below(256)) + "." +
         std::to_string(r.Below(256)) + "." + std::to_string(r.Below(256));
}

std::string Ipv6(Rng& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "2001:db8:%x:%x::%x", r.Below(0x10000), r.Below(0x10000),
                r.Below(0x10000));
  return buf;
}

std::string Hex(Rng& r, int n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kDigits[r.Below(16)];
  return s;
}

// One line of a mixed security log stream.
std::string MixedLine(Rng& r, uint64_t i) {
  const std::string ts = "2026-11-21T10:" + std::to_string(10 + (i / 60000) % 50) + ":" +
                         std::to_string(10 + (i / 1000) % 50) + "Z";
  switch (r.Below(5)) {
    case 0:  // DNS resolver
      return ts + " dns01 named[812]: client @0x7f3c2c0a1b20 " + Ipv4(r) + "#" +
             std::to_string(1024 + r.Below(60000)) + " (" + Domain(r) + "): query: " + Domain(r) +
             " IN " + (r.Below(2) ? "A" : "AAAA") + " +E(0)K (192.0.2.53)";
    case 1:  // web server
      return Ipv4(r) + " - - [21/Nov/2026:10:00:00 +0000] \"GET /results/region/" +
             std::to_string(r.Below(500)) + "/index.html?lang=en HTTP/1.1\" 200 " +
             std::to_string(r.Below(90000)) + " \"https://" + Domain(r) +
             "/start\" \"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\"";
    case 2:  // proxy
      return ts + " squid[311]: " + std::to_string(r.Below(3000)) + " " + Ipv4(r) +
             " TCP_MISS/200 " + std::to_string(r.Below(90000)) + " GET https://" + Domain(r) +
             "/assets/app." + Hex(r, 8) + ".js - HIER_DIRECT/" + Ipv4(r) +
             " application/javascript user=" + kWords[r.Below(8)] + "@" + Domain(r);
    case 3:  // firewall
      return ts +
             " fw01 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:1a:2b:3c:4d:5e:00:1a:2b:3c:4d:5f "
             "SRC=" +
             (r.Below(4) == 0 ? Ipv6(r) : Ipv4(r)) + " DST=" + Ipv4(r) +
             " LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=" + std::to_string(r.Below(65536)) +
             " PROTO=TCP SPT=" + std::to_string(r.Below(65536)) + " DPT=443 WINDOW=29200";
    default:  // endpoint
      return ts + " edr agent=pc-" + std::to_string(r.Below(900)) +
             " event=process_start image=C:\\Windows\\Temp\\upd" + std::to_string(r.Below(99)) +
             ".exe sha256=" + Hex(r, 64) + " parent=explorer.exe user=CORP\\" + kWords[r.Below(8)] +
             " remote=" + Domain(r) + ":" + std::to_string(r.Below(65536));
  }
}

std::string JsonLine(Rng& r, uint64_t i) {
  return "{\"ts\":\"2026-11-21T10:00:" + std::to_string(10 + i % 50) + "Z\",\"client\":{\"ip\":\"" +
         Ipv4(r) + "\",\"port\":" + std::to_string(r.Below(65536)) +
         "},\"dns\":{\"question\":{\"name\":\"" + Domain(r) + "\",\"type\":\"A\"},\"answers\":[\"" +
         Ipv4(r) + "\"]},\"agent\":\"resolver-3\"}";
}

std::string ZeekLine(Rng& r, uint64_t i) {
  return std::to_string(1732183200 + i / 100) + ".123456\tC" + Hex(r, 17) + "\t" + Ipv4(r) + "\t" +
         std::to_string(r.Below(65536)) + "\t192.0.2.53\t53\tudp\t" +
         std::to_string(r.Below(65536)) + "\t0.01\t" + Domain(r) +
         "\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t" + Ipv4(r) + "," + Ipv4(r) +
         "\t60.0,60.0\tF";
}

std::string Corpus(size_t bytes, std::string (*line)(Rng&, uint64_t), const std::string& header,
                   uint64_t seed) {
  Rng r(seed);
  std::string out = header;
  out.reserve(bytes + 4096);
  for (uint64_t i = 0; out.size() < bytes; ++i) {
    out += line(r, i);
    out += '\n';
  }
  return out;
}

double Seconds(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

double Mbps(size_t bytes, double seconds) { return static_cast<double>(bytes) / seconds / 1e6; }

// CPU time of the calling thread: on a shared machine wall time also counts
// the time other processes held the core.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

template <typename F>
void ForEachLine(const std::string& corpus, F&& f) {
  const char* p = corpus.data();
  const char* const end = p + corpus.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) nl = end;
    f(std::string_view(p, static_cast<size_t>(nl - p)));
    p = nl + 1;
  }
}

void BenchExtract(const std::string& corpus) {
  std::vector<scan::Observable> out;
  out.reserve(64);
  uint64_t found = 0;
  // Best of three passes.
  double best = 1e9, best_cpu = 1e9;
  for (int pass = 0; pass < 3; ++pass) {
    found = 0;
    const auto start = SteadyClock::now();
    const double cpu = ThreadCpuSeconds();
    ForEachLine(corpus, [&](std::string_view line) {
      out.clear();
      scan::ExtractObservables(line, out);
      found += out.size();
    });
    best = std::min(best, Seconds(start));
    best_cpu = std::min(best_cpu, ThreadCpuSeconds() - cpu);
  }
  std::printf("extract  text (free-text extraction only)  %8.1f MB/s wall %8.1f MB/s cpu  %" PRIu64
              " observables in %.1f MB\n",
              Mbps(corpus.size(), best), Mbps(corpus.size(), best_cpu), found,
              static_cast<double>(corpus.size()) / 1e6);
}

void BenchParser(const char* name, scan::Format format, const std::string& corpus,
                 std::vector<scan::FieldMapping> fields = {}) {
  scan::FormatOptions options;
  options.format = format;
  options.fields = std::move(fields);
  options.syslog_year = 2026;
  double best = 1e9, best_cpu = 1e9;
  uint64_t found = 0, skipped = 0;
  for (int pass = 0; pass < 3; ++pass) {
    auto parser = scan::MakeParser(options);
    if (!parser) {
      std::fprintf(stderr, "%s\n", parser.error().message.c_str());
      std::exit(1);
    }
    scan::Record rec;
    found = skipped = 0;
    const auto start = SteadyClock::now();
    const double cpu = ThreadCpuSeconds();
    ForEachLine(corpus, [&](std::string_view line) {
      rec.line = line;
      rec.observables.clear();
      rec.timestamp.reset();
      if ((*parser)->Parse(rec).outcome == scan::LineOutcome::kSkip) ++skipped;
      found += rec.observables.size();
    });
    best = std::min(best, Seconds(start));
    best_cpu = std::min(best_cpu, ThreadCpuSeconds() - cpu);
  }
  std::printf("parse    %-8s                          %8.1f MB/s wall %8.1f MB/s cpu  %" PRIu64
              " observables, %" PRIu64 " skipped\n",
              name, Mbps(corpus.size(), best), Mbps(corpus.size(), best_cpu), found, skipped);
}

class CountingTarget : public scan::ScanTarget {
  class Sink : public scan::RecordSink {
   public:
    explicit Sink(std::atomic<uint64_t>& n) : n_(n) {}
    void OnRecord(const scan::Record& r) override { local_ += r.observables.size(); }
    std::unique_ptr<scan::ChunkOutput> EndChunk() override {
      n_ += local_;
      local_ = 0;
      return nullptr;
    }

   private:
    std::atomic<uint64_t>& n_;
    uint64_t local_ = 0;
  };

 public:
  std::unique_ptr<scan::RecordSink> NewSink() override { return std::make_unique<Sink>(n_); }
  std::atomic<uint64_t> n_{0};
};

void BenchPipeline(const std::string& path, size_t bytes, int threads) {
  double best = 1e9;
  for (int pass = 0; pass < 3; ++pass) {
    scan::ScanOptions options;
    options.sources = {path};
    options.format = scan::Format::kText;
    options.threads = threads;
    CountingTarget target;
    const auto start = SteadyClock::now();
    auto summary = scan::Scan(options, target);
    best = std::min(best, Seconds(start));
    if (!summary || !summary->source_errors.empty()) {
      std::fprintf(stderr, "scan failed\n");
      std::exit(1);
    }
  }
  std::printf("pipeline text, %d thread%s (file -> records)   %8.1f MB/s\n", threads,
              threads == 1 ? " " : "s", Mbps(bytes, best));
}

}  // namespace
}  // namespace ecrn::bench

int main(int argc, char** argv) {
  using namespace ecrn::bench;
  size_t mb = 256;
  bool extract_only = false;
  std::string file;
  std::string dir = fs::temp_directory_path().string();
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--mb" && i + 1 < argc) {
      mb = static_cast<size_t>(std::strtoull(argv[++i], nullptr, 10));
    } else if (a == "--file" && i + 1 < argc) {
      file = argv[++i];  // e.g. the corpus of bench/scan_corpus instead of ours
    } else if (a == "--extract-only") {
      extract_only = true;  // for profilers (perf, callgrind)
    } else if (a == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--mb N | --file CORPUS] [--dir DIR] [--extract-only]\n",
                   argv[0]);
      return 2;
    }
  }
  const size_t bytes = mb * 1000 * 1000;
  std::string mixed;
  if (file.empty()) {
    mixed = Corpus(bytes, MixedLine, "", 20261121);
  } else {
    std::ifstream in(file, std::ios::binary);
    mixed.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (mixed.empty()) {
      std::fprintf(stderr, "cannot read %s\n", file.c_str());
      return 1;
    }
  }
  BenchExtract(mixed);
  if (extract_only) return 0;
  BenchParser("text", ecrn::scan::Format::kText, mixed);
  const size_t small = std::max<size_t>(bytes / 4, 1000000);
  BenchParser("json", ecrn::scan::Format::kJson, Corpus(small, JsonLine, "", 7));
  BenchParser("json-map", ecrn::scan::Format::kJson, Corpus(small, JsonLine, "", 7),
              {*ecrn::scan::ParseFieldMapping("client.ip=ipv4"),
               *ecrn::scan::ParseFieldMapping("dns.question.name=domain"),
               *ecrn::scan::ParseFieldMapping("dns.answers=ipv4"),
               *ecrn::scan::ParseFieldMapping("ts=time")});
  BenchParser("zeek", ecrn::scan::Format::kZeek,
              Corpus(small, ZeekLine,
                     "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\t"
                     "id.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\t"
                     "qtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected\n",
                     9));
  const std::string path =
      (fs::path(dir) / ("ecrn_bench_scan_" + std::to_string(::getpid()) + ".log")).string();
  {
    std::ofstream out(path, std::ios::binary);
    out.write(mixed.data(), static_cast<std::streamsize>(mixed.size()));
  }
  BenchPipeline(path, mixed.size(), 1);
  BenchPipeline(path, mixed.size(), 2);
  fs::remove(path);
  return 0;
}
