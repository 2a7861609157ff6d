// bench/ingest: the ingest benchmark. Generates a deterministic STIX 2.1 bundle
// of N indicators, each with the SCO it names, then on SQLite (and on
// PostgreSQL when given a URI) times the real `ecrn import` binary (the full
// path: read, parse, validate, index, insert) against a bare loop inserting the
// same prepared rows with Store::InsertObjects (the floor). Every measured run
// is its own child process, so each peak RSS (wait4's ru_maxrss) is its own.
// Single-threaded driver; not a library.
#include "ecrn/intel/ingest.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ecrn/core/time.hpp"
#include "ecrn/intel/observables.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"
#include "ecrn/stix/validate.hpp"
#include "ecrn/store/store.hpp"
#include "indicators.hpp"

#ifndef ECRN_BIN_DEFAULT
#define ECRN_BIN_DEFAULT "ecrn"
#endif

namespace ecrn::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr uint64_t kSeed = 20240515;
constexpr std::string_view kChannel = "bench";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "ecrn_bench_ingest: %s\n", message.c_str());
  std::exit(1);
}

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double CpuSeconds(const struct rusage& u) {
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double SelfCpuSeconds() {
  struct rusage u {};
  getrusage(RUSAGE_SELF, &u);
  return CpuSeconds(u);
}

// ---------------------------------------------------------------------------
// The bundle.

// Writes the bundle (one identity, then N indicators each followed by its
// SCO) to `path`; returns the number of objects in it. Deterministic.
size_t GenerateBundle(const fs::path& path, size_t indicators) {
  IndicatorGenerator gen(kSeed);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) Die("cannot write " + path.string());
  out << R"({"type":"bundle","id":"bundle--)" << gen.NextUuid() << R"(","objects":[)"
      << "\n"
      << json::serialize(gen.identity());
  size_t objects = 1;
  for (size_t i = 0; i < indicators; ++i) {
    auto [indicator, sco] = gen.Next();
    out << ",\n" << json::serialize(indicator) << ",\n" << json::serialize(sco);
    objects += 2;
  }
  out << "\n]}\n";
  out.close();
  if (!out) Die("error writing " + path.string());
  return objects;
}

// ---------------------------------------------------------------------------
// Child processes.

struct ChildResult {
  int status = 0;  // as from wait4
  struct rusage usage {};
  double seconds = 0;  // fork to reaped
  std::string output;  // what the child wrote to its result pipe
  bool Ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
};

// Runs `body` in a forked child; what it returns is sent back through a pipe.
// The child exits 0 on success, 1 when `body` throws or dies.
ChildResult RunInChild(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) Die("pipe failed");
  std::fflush(nullptr);
  const auto t0 = SteadyClock::now();
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    close(fds[0]);
    std::string out = body();
    size_t done = 0;
    while (done < out.size()) {
      ssize_t w = write(fds[1], out.data() + done, out.size() - done);
      if (w <= 0) _exit(1);
      done += static_cast<size_t>(w);
    }
    close(fds[1]);
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  ChildResult r;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) r.output.append(buf, n);
  close(fds[0]);
  if (wait4(pid, &r.status, 0, &r.usage) != pid) Die("wait4 failed");
  r.seconds = Seconds(t0, SteadyClock::now());
  return r;
}

// Runs `argv` with stdout and stderr sent to files; the result's output holds
// stdout, and stderr follows it when the program fails.
ChildResult RunProgram(const std::vector<std::string>& argv, const fs::path& out_file) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string err_file = out_file.string() + ".err";
  std::fflush(nullptr);
  const auto t0 = SteadyClock::now();
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid == 0) {
    int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0) _exit(127);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    execv(args[0], args.data());
    _exit(127);
  }
  ChildResult r;
  if (wait4(pid, &r.status, 0, &r.usage) != pid) Die("wait4 failed");
  r.seconds = Seconds(t0, SteadyClock::now());
  auto slurp = [](const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  };
  r.output = slurp(out_file.string());
  if (!r.Ok()) r.output += slurp(err_file);
  return r;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Peak RSS of this process in KiB (VmHWM), or -1.
long PeakRssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

// Resets this process's peak RSS to its current RSS (Linux >= 4.0).
bool ResetPeakRss() {
  int fd = open("/proc/self/clear_refs", O_WRONLY);
  if (fd < 0) return false;
  bool ok = write(fd, "5", 1) == 1;
  close(fd);
  return ok;
}

// ---------------------------------------------------------------------------
// Databases.

struct Backend {
  std::string name;    // "sqlite" or "postgresql"
  std::string pg_uri;  // server to create databases on (PostgreSQL)
  fs::path workdir;
};

// A fresh, empty database named `name` on the backend; returns its --db value.
std::string FreshDatabase(const Backend& b, const std::string& name) {
  if (b.name == "sqlite") {
    fs::path p = b.workdir / (name + ".db");
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(p.string() + suffix);
    return p.string();
  }
  const std::string db = "ecrn_bench_" + name;
  auto r = RunProgram({"/usr/bin/env", "psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", b.pg_uri, "-c",
                       "DROP DATABASE IF EXISTS " + db, "-c", "CREATE DATABASE " + db},
                      b.workdir / "psql.out");
  if (!r.Ok()) Die("cannot create database " + db + ": " + r.output);
  // Replace the database name in the URI: postgresql://user@host/dbname?params.
  const auto q = b.pg_uri.find('?');
  const std::string head = b.pg_uri.substr(0, q);
  const std::string tail = q == std::string::npos ? "" : b.pg_uri.substr(q);
  const auto slash = head.find('/', head.find("://") + 3);
  return (slash == std::string::npos ? head + "/" : head.substr(0, slash + 1)) + db + tail;
}

void DropDatabase(const Backend& b, const std::string& db) {
  if (b.name == "sqlite") {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(db + suffix);
    return;
  }
  const auto q = db.find('?');
  const std::string head = db.substr(0, q);
  const std::string name = head.substr(head.rfind('/') + 1);
  RunProgram(
      {"/usr/bin/env", "psql", "-q", "-d", b.pg_uri, "-c", "DROP DATABASE IF EXISTS " + name},
      b.workdir / "psql.out");
}

// Migrates `db` and adds the bench channel, in a child process.
void PrepareDatabase(const std::string& db) {
  auto r = RunInChild([&db]() -> std::string {
    auto s = store::OpenStore(db);
    if (!s) return "error: " + s.error().ToString();
    if (auto m = (*s)->Migrate(); !m) return "error: " + m.error().ToString();
    store::Channel c;
    c.name = std::string(kChannel);
    c.description = "ingest benchmark";
    auto id = (*s)->AddChannel(c);
    if (!id) return "error: " + id.error().ToString();
    return "ok";
  });
  if (!r.Ok() || r.output != "ok") Die("preparing " + db + ": " + r.output);
}

// ---------------------------------------------------------------------------
// Runs.

struct Measurement {
  std::string backend;
  std::string run;  // "full", "floor", "re-import"
  size_t objects = 0;
  double seconds = 0;
  double cpu_seconds = 0;       // user + system, all threads (floor: the loop only)
  long peak_rss_kib = 0;        // whole process
  long loop_peak_rss_kib = -1;  // floor only: peak during the insert loop
  std::string note;
  double PerSecond() const { return seconds > 0 ? objects / seconds : 0; }
};

// "<file>: R received, A added, D already present, X rejected" → {R, A, D, X}.
std::optional<std::array<size_t, 4>> ParseImportSummary(const std::string& out) {
  const auto pos = out.rfind(": ", out.find(" received, "));
  if (pos == std::string::npos) return std::nullopt;
  std::array<size_t, 4> v{};
  if (std::sscanf(out.c_str() + pos + 2,
                  "%zu received, %zu added, %zu already present, %zu rejected", &v[0], &v[1], &v[2],
                  &v[3]) != 4) {
    return std::nullopt;
  }
  return v;
}

Measurement FullRun(const Backend& b, const std::string& ecrn, const std::string& db,
                    const fs::path& bundle, size_t objects, size_t batch, bool reimport) {
  auto r = RunProgram({ecrn, "import", bundle.string(), "--channel", std::string(kChannel), "--db",
                       db, "--quiet", "--batch-size", std::to_string(batch)},
                      b.workdir / "import.out");
  if (!r.Ok()) Die("ecrn import failed on " + b.name + ":\n" + r.output);
  auto summary = ParseImportSummary(r.output);
  if (!summary) Die("cannot read the import summary: " + r.output);
  const size_t expect_added = reimport ? 0 : objects;
  if ((*summary)[0] != objects || (*summary)[1] != expect_added || (*summary)[3] != 0) {
    Die("unexpected import result on " + b.name + ": " + r.output);
  }
  Measurement m;
  m.backend = b.name;
  m.run = reimport ? "re-import" : "full";
  m.objects = objects;
  m.seconds = r.seconds;
  m.cpu_seconds = CpuSeconds(r.usage);
  m.peak_rss_kib = r.usage.ru_maxrss;
  return m;
}

Measurement FloorRun(const Backend& b, const std::string& db, const fs::path& bundle,
                     size_t objects, size_t batch) {
  auto r = RunInChild([&]() -> std::string {
    auto s = store::OpenStore(db);
    if (!s) return "error: " + s.error().ToString();
    auto channel = (*s)->FindChannel(kChannel);
    if (!channel) return "error: " + channel.error().ToString();
    // Build the rows before the clock starts: parse, validate, derive.
    std::vector<store::NewObject> rows;
    {
      std::string text = ReadFile(bundle);
      auto doc = stix::ParseDocument(text);
      if (!doc) return "error: " + doc.error().ToString();
      text = std::string();
      rows.reserve(doc->objects.size());
      stix::ValidationOptions options;
      for (const auto& o : doc->objects) {
        auto p = intel::PrepareObject(o, options);
        if (!p.ok) return "error: rejected " + std::string(o.id()) + ": " + p.reason;
        rows.push_back(std::move(p.row));
      }
    }
    malloc_trim(0);
    const bool reset = ResetPeakRss();
    SystemClock clock;
    const double cpu0 = SelfCpuSeconds();
    const auto t0 = SteadyClock::now();
    size_t added = 0;
    for (size_t begin = 0; begin < rows.size(); begin += batch) {
      std::span<const store::NewObject> part(rows.data() + begin,
                                             std::min(batch, rows.size() - begin));
      auto outcomes = (*s)->InsertObjects(channel->id, part, clock.Now());
      if (!outcomes) return "error: " + outcomes.error().ToString();
      added += std::count(outcomes->begin(), outcomes->end(), store::InsertOutcome::kAdded);
    }
    const auto t1 = SteadyClock::now();
    const double cpu = SelfCpuSeconds() - cpu0;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%zu %.6f %ld %.6f", added, Seconds(t0, t1),
                  reset ? PeakRssKib() : -1L, cpu);
    return buf;
  });
  if (!r.Ok() || r.output.rfind("error", 0) == 0)
    Die("floor run failed on " + b.name + ": " + r.output);
  Measurement m;
  m.backend = b.name;
  m.run = "floor";
  if (std::sscanf(r.output.c_str(), "%zu %lf %ld %lf", &m.objects, &m.seconds, &m.loop_peak_rss_kib,
                  &m.cpu_seconds) != 4) {
    Die("floor run: bad report '" + r.output + "'");
  }
  if (m.objects != objects) Die("floor run added " + std::to_string(m.objects) + " objects");
  m.peak_rss_kib = r.usage.ru_maxrss;
  return m;
}

// Single-threaded timings of each step of the full path over the bundle (in a
// child), for finding where the time goes. Not part of the targets.
std::string Breakdown(const fs::path& bundle) {
  auto r = RunInChild([&]() -> std::string {
    // (step, seconds); printed once the object count is known.
    std::vector<std::pair<const char*, double>> laps;
    // CPU time of this (single-threaded) process: steadier than wall time
    // on a machine shared with other work.
    double t = SelfCpuSeconds();
    auto lap = [&](const char* what) {
      const double now = SelfCpuSeconds();
      laps.emplace_back(what, now - t);
      t = now;
    };
    std::string text = ReadFile(bundle);
    lap("read file (istreambuf_iterator; comparison)");
    {
      std::ifstream in(bundle, std::ios::binary);
      std::string sized(fs::file_size(bundle), '\0');
      in.read(sized.data(), static_cast<std::streamsize>(sized.size()));
      if (sized != text) return "error: sized read differs";
    }
    lap("read file (one sized read, as the CLI)");
    auto value = stix::ParseJson(text);
    if (!value) return "error: " + value.error().ToString();
    lap("ParseJson (Boost.JSON)");
    auto doc = stix::ObjectsFromJson(std::move(*value));
    if (!doc) return "error: " + doc.error().ToString();
    const auto& objs = doc->objects;
    const size_t n = objs.size();
    lap("ObjectsFromJson");
    stix::ValidationOptions options;
    size_t findings = 0;
    for (const auto& o : objs) findings += stix::Validate(o, options).size();
    lap("Validate");
    size_t bytes = 0;
    for (const auto& o : objs) {
      auto c = ParseTimestamp(o.created());
      auto m = ParseTimestamp(o.modified().empty() ? o.created() : o.modified());
      bytes += (c.ok() ? 1 : 0) + (m.ok() ? 1 : 0);
    }
    lap("ParseTimestamp x2");
    for (const auto& o : objs) bytes += stix::ObjectTlp(o).has_value();
    lap("ObjectTlp");
    for (const auto& o : objs) bytes += stix::Serialize(o).size();
    lap("Serialize");
    std::vector<store::Observable> observables;
    for (const auto& o : objs) {
      observables.clear();
      intel::ExtractObservables(o, observables);
      bytes += observables.size();
    }
    lap("ExtractObservables");
    for (const auto& o : objs) bytes += intel::PrepareObject(o, options).row.json.size();
    lap("PrepareObject (all of the above)");
    std::string out;
    for (const auto& [what, seconds] : laps) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "| %-45s | %10.1f | %12.0f |\n", what, seconds * 1000,
                    n / seconds);
      out += buf;
    }
    if (findings) out += "(validation findings: " + std::to_string(findings) + ")\n";
    return out + (bytes ? "" : " ");
  });
  if (!r.Ok()) Die("breakdown failed: " + r.output);
  return "| step (one thread, CPU time)                   |    ms      |  objects/s   |\n"
         "|-----------------------------------------------|-----------:|-------------:|\n" +
         r.output;
}

// ---------------------------------------------------------------------------
// Output.

double Mib(long kib) { return kib / 1024.0; }

std::string MarkdownTable(const std::vector<Measurement>& ms) {
  std::string out =
      "| backend    | run       | objects | wall s | CPU s | objects/s | peak RSS (MiB) | vs floor "
      "|\n"
      "|------------|-----------|--------:|-------:|------:|----------:|---------------:|---------:"
      "|\n";
  for (const auto& m : ms) {
    double floor_rate = 0;
    for (const auto& f : ms) {
      if (f.backend == m.backend && f.run == "floor") floor_rate = f.PerSecond();
    }
    char rss[64];
    if (m.loop_peak_rss_kib >= 0) {
      std::snprintf(rss, sizeof rss, "%.0f (loop %.0f)", Mib(m.peak_rss_kib),
                    Mib(m.loop_peak_rss_kib));
    } else {
      std::snprintf(rss, sizeof rss, "%.0f", Mib(m.peak_rss_kib));
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "| %-10s | %-9s | %7zu | %6.2f | %5.2f | %9.0f | %14s | %7.0f%% |\n",
                  m.backend.c_str(), m.run.c_str(), m.objects, m.seconds, m.cpu_seconds,
                  m.PerSecond(), rss, floor_rate > 0 ? 100 * m.PerSecond() / floor_rate : 0.0);
    out += line;
  }
  return out;
}

std::string Verdicts(const std::vector<Measurement>& ms) {
  std::string out;
  for (const auto& m : ms) {
    if (m.run != "full") continue;
    for (const auto& f : ms) {
      if (f.backend != m.backend || f.run != "floor") continue;
      const double ratio = m.PerSecond() / f.PerSecond();
      char line[200];
      std::snprintf(line, sizeof line, "- %s: full/floor = %.2f (target >= 0.50: %s)\n",
                    m.backend.c_str(), ratio, ratio >= 0.5 ? "met" : "MISSED");
      out += line;
    }
    if (m.backend == "sqlite") {
      char line[200];
      std::snprintf(line, sizeof line, "- sqlite: full = %.0f objects/s (target >= 100000: %s)\n",
                    m.PerSecond(), m.PerSecond() >= 100000 ? "met" : "MISSED");
      out += line;
    }
  }
  return out;
}

std::string Json(const std::vector<Measurement>& ms, size_t indicators, size_t batch) {
  json::array runs;
  for (const auto& m : ms) {
    json::object o = {{"backend", m.backend},          {"run", m.run},
                      {"objects", m.objects},          {"seconds", m.seconds},
                      {"cpu_seconds", m.cpu_seconds},  {"objects_per_second", m.PerSecond()},
                      {"peak_rss_kib", m.peak_rss_kib}};
    if (m.loop_peak_rss_kib >= 0) o["loop_peak_rss_kib"] = m.loop_peak_rss_kib;
    runs.push_back(std::move(o));
  }
  json::object ratios;
  for (const auto& m : ms) {
    if (m.run != "full") continue;
    for (const auto& f : ms) {
      if (f.backend == m.backend && f.run == "floor") {
        ratios[m.backend] = m.PerSecond() / f.PerSecond();
      }
    }
  }
  json::object top = {
      {"indicators", indicators}, {"objects", ms.empty() ? size_t{0} : ms.front().objects},
      {"batch_size", batch},      {"seed", kSeed},
      {"runs", std::move(runs)},  {"full_over_floor", std::move(ratios)}};
  return json::serialize(top) + "\n";
}

// ---------------------------------------------------------------------------

struct Args {
  size_t indicators = 100'000;
  size_t batch = ecrn::intel::IngestOptions{}.batch_size;  // the import's default
  std::string ecrn = ECRN_BIN_DEFAULT;
  std::string pg;
  bool sqlite = true;
  bool json = false;
  bool breakdown = false;
  bool keep = false;
  size_t repeat = 1;
  std::string workdir;
};

void Usage() {
  std::puts(
      "usage: ecrn_bench_ingest [--indicators N] [--batch-size N] [--ecrn PATH] [--pg URI]\n"
      "                         [--no-sqlite] [--repeat R] [--json] [--breakdown] [--workdir DIR]\n"
      "                         [--keep]\n"
      "  --indicators N   indicators in the generated bundle (default 100000; each\n"
      "                   comes with its SCO, so the bundle holds 2N+1 objects)\n"
      "  --pg URI         also run on PostgreSQL (default: $ECRN_BENCH_PG); the bench\n"
      "                   creates and drops databases ecrn_bench_* on that server\n"
      "  --ecrn PATH      the ecrn binary whose `import` is timed\n"
      "  --repeat R       run everything R times, report the fastest of each (default 1)\n"
      "  --json           print the results as JSON instead of Markdown\n"
      "  --breakdown      also time each step of the import on one thread\n"
      "  --workdir DIR    where the bundle and SQLite files go (default: a new /tmp dir)\n"
      "  --keep           keep the work directory and databases");
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  if (const char* pg = std::getenv("ECRN_BENCH_PG")) a.pg = pg;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(std::string(arg) + " needs a value");
      return argv[++i];
    };
    auto number = [&]() -> size_t {
      std::string v = value();
      char* end = nullptr;
      unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end || n == 0) Die(std::string(arg) + ": not a positive number: " + v);
      return n;
    };
    if (arg == "--indicators" || arg == "-n") {
      a.indicators = number();
    } else if (arg == "--repeat") {
      a.repeat = number();
    } else if (arg == "--batch-size") {
      a.batch = number();
    } else if (arg == "--ecrn") {
      a.ecrn = value();
    } else if (arg == "--pg") {
      a.pg = value();
    } else if (arg == "--no-sqlite") {
      a.sqlite = false;
    } else if (arg == "--json") {
      a.json = true;
    } else if (arg == "--breakdown") {
      a.breakdown = true;
    } else if (arg == "--workdir") {
      a.workdir = value();
    } else if (arg == "--keep") {
      a.keep = true;
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      std::exit(0);
    } else {
      Usage();
      Die("unknown argument " + std::string(arg));
    }
  }
  return a;
}

int Main(int argc, char** argv) {
  const Args a = ParseArgs(argc, argv);
  if (access(a.ecrn.c_str(), X_OK) != 0) Die("not an executable: " + a.ecrn + " (use --ecrn)");
  fs::path workdir;
  bool made_workdir = false;
  if (a.workdir.empty()) {
    char tmpl[] = "/tmp/ecrn-bench.XXXXXX";
    if (!mkdtemp(tmpl)) Die("mkdtemp failed");
    workdir = tmpl;
    made_workdir = true;
  } else {
    workdir = a.workdir;
    fs::create_directories(workdir);
  }
  auto log = [](const std::string& s) { std::fprintf(stderr, "bench: %s\n", s.c_str()); };

  // Everything heavy runs in children: a child's peak RSS also counts what its
  // parent held at fork time, so this driver stays small.
  const fs::path bundle = workdir / "bundle.json";
  log("generating " + std::to_string(a.indicators) + " indicators in " + bundle.string());
  auto gen = RunInChild([&] { return std::to_string(GenerateBundle(bundle, a.indicators)); });
  if (!gen.Ok()) Die("generating the bundle failed");
  const size_t objects = std::stoul(gen.output);
  log(std::to_string(objects) + " objects, " + std::to_string(fs::file_size(bundle) >> 20) +
      " MiB, in " + std::to_string(gen.seconds) + " s");

  std::vector<Backend> backends;
  if (a.sqlite) backends.push_back({"sqlite", "", workdir});
  if (!a.pg.empty()) backends.push_back({"postgresql", a.pg, workdir});
  if (backends.empty()) Die("no backend to run (--no-sqlite without --pg)");

  // Each run `repeat` times on fresh databases; the fastest (least disturbed
  // by other load) is reported.
  std::vector<Measurement> ms;
  auto keep_best = [&ms](Measurement m) {
    for (auto& old : ms) {
      if (old.backend == m.backend && old.run == m.run) {
        if (m.seconds < old.seconds) old = std::move(m);
        return;
      }
    }
    ms.push_back(std::move(m));
  };
  for (const auto& b : backends) {
    for (size_t rep = 1; rep <= a.repeat; ++rep) {
      const std::string pass = " (" + std::to_string(rep) + "/" + std::to_string(a.repeat) + ")";
      const std::string full_db = FreshDatabase(b, "full");
      PrepareDatabase(full_db);
      log(b.name + ": full import" + pass);
      keep_best(FullRun(b, a.ecrn, full_db, bundle, objects, a.batch, false));
      log(b.name + ": re-import" + pass);
      keep_best(FullRun(b, a.ecrn, full_db, bundle, objects, a.batch, true));
      if (!a.keep) DropDatabase(b, full_db);
      const std::string floor_db = FreshDatabase(b, "floor");
      PrepareDatabase(floor_db);
      log(b.name + ": floor" + pass);
      keep_best(FloorRun(b, floor_db, bundle, objects, a.batch));
      if (!a.keep) DropDatabase(b, floor_db);
    }
  }
  std::string breakdown;
  if (a.breakdown) {
    log("breakdown");
    breakdown = Breakdown(bundle);
  }

  if (a.json) {
    std::fputs(Json(ms, a.indicators, a.batch).c_str(), stdout);
  } else {
    std::printf("%zu indicators + SCOs = %zu objects; batch size %zu; fastest of %zu\n\n",
                a.indicators, objects, a.batch, a.repeat);
    std::fputs(MarkdownTable(ms).c_str(), stdout);
    std::printf("\n%s", Verdicts(ms).c_str());
    if (!breakdown.empty()) std::printf("\n%s", breakdown.c_str());
  }
  if (made_workdir && !a.keep) fs::remove_all(workdir);
  return 0;
}

}  // namespace
}  // namespace ecrn::bench

int main(int argc, char** argv) { return ecrn::bench::Main(argc, argv); }
