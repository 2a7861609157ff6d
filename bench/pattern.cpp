// bench/pattern: evaluations per second of a compiled simple pattern (the
// sensor's compiled matcher, and pattern::CompiledPattern over one
// observed-data) and of parse-and-evaluate; then the matcher alone at
// 10k / 100k / 1M generated indicators: load time of a STIX bundle file
// (streamed), peak RSS, table memory and lookups per second. Each size runs
// in a child process so its peak RSS is its own. Prints Markdown.
//   ecrn_bench_pattern [--sizes 10000,100000,1000000] [--workdir DIR] [--seconds S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ecrn/core/time.hpp"
#include "ecrn/pattern/evaluate.hpp"
#include "ecrn/scan/indicators.hpp"
#include "ecrn/scan/matcher.hpp"
#include "ecrn/stix/object.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using ecrn::scan::Hit;
using ecrn::scan::Kind;
using ecrn::scan::Observable;
using ecrn::scan::Record;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds this process has used (user + system): on a shared machine
// far steadier than wall time.
double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// Runs f() in batches until `seconds` of CPU time have passed; returns
// calls per CPU second.
template <typename F>
double Rate(double seconds, F&& f) {
  uint64_t calls = 0;
  const double start = CpuSeconds();
  do {
    for (int i = 0; i < 1000; ++i) f(i);
    calls += 1000;
  } while (CpuSeconds() - start < seconds);
  return static_cast<double>(calls) / (CpuSeconds() - start);
}

std::string Hex(std::mt19937_64& rng, int digits) {
  std::string out;
  for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[rng() % 16];
  return out;
}

// The value of generated indicator i (kinds in rotation: domain, ipv4,
// ipv6, sha256, url, and one CIDR in 50).
struct Generated {
  Kind kind;
  std::string value;    // as a log would show it
  std::string literal;  // as the pattern has it
};

Generated ValueOf(uint64_t i, std::mt19937_64& rng) {
  if (i % 50 == 49) {
    const std::string net =
        "10." + std::to_string((i / 50) % 256) + "." + std::to_string((i / 12800) % 256);
    return {Kind::kIpv4, net + ".7", net + ".0/24"};
  }
  switch (i % 5) {
    case 0: {
      const std::string d = "h" + std::to_string(i) + ".vote-" + Hex(rng, 6) + ".example";
      return {Kind::kDomain, d, d};
    }
    case 1: {
      const std::string a = std::to_string(100 + (i >> 16) % 100) + "." +
                            std::to_string((i >> 8) % 256) + "." + std::to_string(i % 256) + ".1";
      return {Kind::kIpv4, a, a};
    }
    case 2: {
      char a[64];
      std::snprintf(a, sizeof a, "2001:db8:%x:%x::1", static_cast<unsigned>(i >> 16),
                    static_cast<unsigned>(i & 0xffff));
      return {Kind::kIpv6, a, a};
    }
    case 3: {
      const std::string h = Hex(rng, 64);
      return {Kind::kSha256, h, h};
    }
    default: {
      const std::string u =
          "https://results-" + std::to_string(i) + ".example/login?s=" + Hex(rng, 8);
      return {Kind::kUrl, u, u};
    }
  }
}

std::string PathOf(Kind k) { return std::string(ecrn::scan::ObjectPathOf(k)); }

// Writes a bundle of `n` compact, valid STIX 2.1 indicators; returns its size.
size_t WriteBundle(const std::string& path, uint64_t n) {
  std::mt19937_64 rng(7);
  std::ofstream f(path, std::ios::binary);
  f << R"({"type":"bundle","id":"bundle--5a0c6f52-9b1c-4a51-8d5e-3f1b2a7c9d00","objects":[)";
  for (uint64_t i = 0; i < n; ++i) {
    const Generated g = ValueOf(i, rng);
    char id[64];
    std::snprintf(id, sizeof id, "indicator--%08llx-%04x-4%03x-8%03x-%012llx",
                  static_cast<unsigned long long>(rng() & 0xffffffff),
                  static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned>(rng() & 0xfff),
                  static_cast<unsigned>(rng() & 0xfff), static_cast<unsigned long long>(i));
    const bool net = g.kind == Kind::kIpv4 && g.literal.find('/') != std::string::npos;
    f << (i ? "," : "") << R"({"type":"indicator","spec_version":"2.1","id":")" << id
      << R"(","created":"2024-05-01T10:00:00.000Z","modified":"2024-05-01T10:00:00.000Z","name":"bench )"
      << i << R"(","pattern":"[)" << PathOf(g.kind) << (net ? " ISSUBSET '" : " = '") << g.literal
      << R"(']","pattern_type":"stix","valid_from":"2024-05-01T10:00:00Z"})";
  }
  f << "]}";
  return static_cast<size_t>(f.tellp());
}

long PeakRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

void SimplePattern(double seconds) {
  const std::string text = "[domain-name:value = 'evil.example']";
  auto set = ecrn::scan::LoadIndicatorJson(
      R"({"type":"indicator","id":"indicator--5a0c6f52-9b1c-4a51-8d5e-3f1b2a7c9d01","modified":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":")" +
      text + "\"}");
  if (!set.ok() || set->size() != 1) std::abort();
  const auto shared = std::make_shared<const ecrn::scan::IndicatorSet>(std::move(*set));
  const auto matcher = ecrn::scan::Matcher::Build(shared);
  Record hit, miss;
  hit.observables = {{Kind::kDomain, "Evil.Example"}};
  miss.observables = {{Kind::kDomain, "good.example"}};
  std::vector<Hit> out;
  uint64_t hits = 0;
  const double compiled = Rate(seconds, [&](int i) {
    out.clear();
    matcher.Match(i & 1 ? hit : miss, out);
    hits += out.size();
  });
  if (hits == 0) std::abort();

  auto compiled_pattern = ecrn::pattern::CompiledPattern::Compile(text);
  if (!compiled_pattern.ok()) std::abort();
  auto od = ecrn::stix::ParseDocument(
      R"({"type":"observed-data","id":"observed-data--5a0c6f52-9b1c-4a51-8d5e-3f1b2a7c9d02","first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,"objects":{"0":{"type":"domain-name","value":"evil.example"}}})");
  if (!od.ok()) std::abort();
  uint64_t matched = 0;
  const double evaluator =
      Rate(seconds / 2, [&](int) { matched += compiled_pattern->Match(od->objects).matched; });
  const double parse_eval = Rate(seconds / 2, [&](int) {
    auto p = ecrn::pattern::CompiledPattern::Compile(text);
    matched += p.ok() && p->Match(od->objects).matched;
  });
  if (matched == 0) std::abort();
  std::printf("| pattern `%s` | evaluations/s |\n|---|---:|\n", text.c_str());
  std::printf("| compiled: `scan::Matcher::Match` on a one-domain record (half match) | %.0f |\n",
              compiled);
  std::printf("| compiled: `pattern::CompiledPattern::Match` on one observed-data | %.0f |\n",
              evaluator);
  std::printf("| parse and evaluate: `CompiledPattern::Compile` + `Match` | %.0f |\n\n",
              parse_eval);
}

// One size, in a child process; prints a table row.
void MatcherAlone(uint64_t n, const std::string& workdir, double seconds) {
  const std::string path = workdir + "/indicators-" + std::to_string(n) + ".json";
  const size_t bytes = WriteBundle(path, n);
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const long before = PeakRssKb();
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds();
    auto set = ecrn::scan::LoadIndicatorFile(path);
    if (!set.ok()) {
      std::fprintf(stderr, "%s\n", set.error().ToString().c_str());
      _exit(1);
    }
    const double load = Seconds(start);
    const double load_cpu = CpuSeconds() - cpu_start;
    const auto shared = std::make_shared<const ecrn::scan::IndicatorSet>(std::move(*set));
    const double build_start = CpuSeconds();
    const auto matcher = ecrn::scan::Matcher::Build(shared);
    const double build = CpuSeconds() - build_start;
    const long after = PeakRssKb();
    // Records of four observables: one in ten holds a value from the set.
    std::mt19937_64 rng(7), pick(11);
    std::vector<Generated> known;
    for (uint64_t i = 0; i < std::min<uint64_t>(n, 100000); ++i) known.push_back(ValueOf(i, rng));
    std::vector<Generated> unknown;
    std::mt19937_64 other(99);
    for (uint64_t i = 0; i < 4096; ++i) {
      Generated g = ValueOf(i + n + 1000, other);
      if (g.kind == Kind::kIpv4) g.value = "172.16." + std::to_string(i % 256) + ".9";
      unknown.push_back(g);
    }
    std::vector<Record> records(4096);
    for (size_t r = 0; r < records.size(); ++r) {
      for (int k = 0; k < 4; ++k) {
        const Generated& g =
            (pick() % 40 == 0) ? known[pick() % known.size()] : unknown[pick() % unknown.size()];
        records[r].observables.push_back({g.kind, g.value});
      }
    }
    // Keep the values alive: the Records point into known/unknown.
    std::vector<Hit> out;
    uint64_t hits = 0;
    const double per_s = Rate(seconds, [&](int i) {
      out.clear();
      matcher.Match(records[static_cast<size_t>(i) & 4095], out);
      hits += out.size();
    });
    std::printf(
        "| %llu | %.1f MiB | %.3f s (%.3f s) | %.3f s | %.1f MiB | %.1f MiB | %.1f MiB | %.2f M | "
        "%.2f M | "
        "%llu / %llu / %llu |\n",
        static_cast<unsigned long long>(n), bytes / 1048576.0, load_cpu, load, build,
        (after - before) / 1024.0, shared->MemoryBytes() / 1048576.0,
        matcher.MemoryBytes() / 1048576.0, per_s / 1e6, per_s * 4 / 1e6,
        static_cast<unsigned long long>(shared->stats().fast_path),
        static_cast<unsigned long long>(matcher.stats().lookups),
        static_cast<unsigned long long>(matcher.stats().fallback));
    std::fflush(stdout);
    _exit(hits > 0 ? 0 : 2);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::remove(path.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench-pattern: size %llu failed (status %d)\n",
                 static_cast<unsigned long long>(n), status);
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint64_t> sizes = {10000, 100000, 1000000};
  std::string workdir = "/tmp";
  double seconds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--sizes") {
      sizes.clear();
      for (const char* p = argv[i + 1]; *p;) {
        char* end = nullptr;
        sizes.push_back(std::strtoull(p, &end, 10));
        p = *end ? end + 1 : end;
      }
    } else if (a == "--workdir") {
      workdir = argv[i + 1];
    } else if (a == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else {
      std::fprintf(stderr,
                   "usage: ecrn_bench_pattern [--sizes N,N] [--workdir DIR] [--seconds S]\n");
      return 2;
    }
  }
  SimplePattern(seconds);
  std::printf(
      "| indicators | bundle | load CPU (wall) | build matcher CPU | peak RSS growth "
      "| IndicatorSet | matcher tables | records/s (4 observables) | lookups/s | fast path / "
      "lookups / fallback |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  for (uint64_t n : sizes) MatcherAlone(n, workdir, seconds);
  return 0;
}
