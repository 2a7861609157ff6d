// bench/incidents: incident intake under load, whole program over loopback
// (issue 5). Sets up one election commission with R reporters (one user and
// API key each) with the admin CLI, starts the real `ecrn serve` on
// 127.0.0.1:0 and measures, through HTTP only:
//   intake  R reporters at once, each filing K incidents, each with one
//           evidence file of B bytes (default 100 x 1 x 1 MiB): the time
//           from sending the report to the server's acknowledgement of the
//           evidence (201 with its SHA-256), p50/p90/p99/max;
//   crash   the same reporters filing without pause; after A acknowledged
//           evidence uploads the server gets SIGKILL; it is restarted on the
//           same database and every acknowledged incident and evidence file
//           must be there, downloaded and checked against the hash the
//           server acknowledged, and `ecrn audit verify` (every case's
//           timeline and custody chains, evidence bytes) must pass;
//   peer    the storage floor in the same run: R threads each writing B
//           bytes to a new file and fdatasync-ing it (what "acknowledged
//           means committed to disk" costs at the least on this disk).
// Driver program; not a library.
#include <atomic>
#include <barrier>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <fcntl.h>
#include <unistd.h>

#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
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

struct Args {
  std::string ecrn = ECRN_BIN_DEFAULT;
  bool pg = false;
  size_t reporters = 100;
  size_t per_reporter = 1;          // incidents each reporter files in the intake
  size_t evidence_bytes = 1 << 20;  // per incident
  size_t kill_after = 0;            // acknowledged uploads before SIGKILL (0: reporters * 3 / 2)
  int server_threads = 2;           // ecrn serve --threads (I/O)
  bool json = false;
  std::string workdir;
};

// --- setup ---------------------------------------------------------------------------

struct Reporter {
  std::string username;
  std::string key;
};

std::vector<Reporter> SetUp(const Args& a, const std::string& db) {
  Admin(a.ecrn, db, {"db", "migrate"});
  Admin(a.ecrn, db,
        {"org", "add", "--name", "Bench Commission", "--kind", "election-commission", "--country",
         "TL"});
  std::vector<Reporter> out;
  for (size_t i = 0; i < a.reporters; ++i) {
    Reporter r;
    r.username = "officer" + std::to_string(i);
    Admin(
        a.ecrn, db,
        {"user", "add", "--org", "Bench Commission", "--username", r.username, "--role", "analyst"},
        {"ECRN_PASSWORD=bench password, not secret"});
    r.key = Trim(Admin(a.ecrn, db, {"apikey", "create", "--user", r.username}));
    if (r.key.empty()) Die("no API key for " + r.username);
    out.push_back(std::move(r));
  }
  return out;
}

// Evidence bytes for reporter `r`, incident `k` of a phase: random (so no
// two hash alike and nothing compresses), made before any clock starts.
std::string EvidenceBytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t v = rng();
    for (size_t b = 0; b < 8 && i + b < size; ++b) out[i + b] = static_cast<char>(v >> (8 * b));
  }
  return out;
}

std::string ReportBody(const std::string& title) {
  json::object o;
  o["title"] = title;
  o["description"] =
      "The results website stopped answering; traffic is forty times normal. Logs attached.";
  o["detected"] = FormatTimestamp(SystemClock().Now() - 600LL * 1'000'000, 3);
  o["category"] = "availability";
  o["election_targets"] = json::array{"results-publication"};
  o["phase"] = "results";
  o["severity"] = "high";
  o["tlp"] = "amber";
  o["impacts"] = json::object{{"availability", "high"}, {"public_trust", "medium"}};
  return json::serialize(o);
}

// One acknowledged evidence upload.
struct Acked {
  std::string incident;
  std::string evidence;
  std::string sha256;
  size_t reporter = 0;
};

// Files one incident with its evidence as `reporter` over `client`. The
// acknowledged upload, or nullopt when the server did not acknowledge (the
// incident id, if the report was acknowledged, goes to `incident`). Dies on
// an answer that is wrong rather than missing, unless `tolerate` (the crash
// phase, where the server may vanish mid-exchange).
std::optional<Acked> FileOne(HttpClient& client, const Reporter& reporter, size_t index,
                             const std::string& title, const std::string& bytes,
                             const std::string& sha, bool tolerate, std::string* incident) {
  const std::vector<std::pair<std::string, std::string>> json_headers = {
      {"Authorization", "Bearer " + reporter.key}, {"Content-Type", "application/json"}};
  auto created = client.Request("POST", "/api/v1/incidents", json_headers, ReportBody(title));
  if (!created || created->status != 201) {
    if (tolerate) return std::nullopt;
    Die("report by " + reporter.username + " returned " +
        (created ? std::to_string(created->status) + ": " + created->body : "nothing"));
  }
  std::error_code ec;
  auto view = json::parse(created->body, ec);
  if (ec || !view.is_object() || !view.as_object().contains("stix_id")) {
    Die("report answer is not a case: " + created->body);
  }
  Acked ack;
  ack.reporter = index;
  ack.incident = std::string(view.at("stix_id").as_string());
  if (incident) *incident = ack.incident;
  const std::vector<std::pair<std::string, std::string>> bin_headers = {
      {"Authorization", "Bearer " + reporter.key}, {"Content-Type", "application/octet-stream"}};
  auto up = client.Request("POST",
                           "/api/v1/incidents/" + ack.incident +
                               "/evidence?file_name=capture.pcap&description=edge%20capture"
                               "&reason=acquired%20at%20the%20edge",
                           bin_headers, bytes);
  if (!up || up->status != 201) {
    if (tolerate) return std::nullopt;
    Die("evidence upload by " + reporter.username + " returned " +
        (up ? std::to_string(up->status) + ": " + up->body : "nothing"));
  }
  auto ev = json::parse(up->body, ec);
  if (ec || !ev.is_object()) Die("evidence answer is not JSON: " + up->body);
  ack.evidence = std::string(ev.at("id").as_string());
  ack.sha256 = std::string(ev.at("sha256").as_string());
  if (ack.sha256 != sha) Die("the server acknowledged hash " + ack.sha256 + ", sent " + sha);
  return ack;
}

// --- intake ---------------------------------------------------------------------------

struct IntakeResult {
  size_t incidents = 0;
  double seconds = 0;
  double server_cpu = 0;
  double server_peak_mib = 0;
  std::vector<double> ack_ms;  // report sent -> evidence acknowledged
  std::string load;
};

IntakeResult Intake(const Args& a, const std::vector<Reporter>& reporters, const Server& s) {
  // Every body is made before the clock starts.
  std::vector<std::vector<std::pair<std::string, std::string>>> bodies(reporters.size());
  for (size_t r = 0; r < reporters.size(); ++r) {
    for (size_t k = 0; k < a.per_reporter; ++k) {
      auto bytes = EvidenceBytes(a.evidence_bytes, 1000 * r + k + 1);
      auto sha = Sha256Hex(bytes);
      bodies[r].emplace_back(std::move(bytes), std::move(sha));
    }
  }
  IntakeResult out;
  std::mutex mu;
  std::barrier start(static_cast<std::ptrdiff_t>(reporters.size() + 1));
  std::vector<std::thread> threads;
  for (size_t r = 0; r < reporters.size(); ++r) {
    threads.emplace_back([&, r] {
      HttpClient client(s.port, 120);
      start.arrive_and_wait();
      for (size_t k = 0; k < a.per_reporter; ++k) {
        const auto t0 = SteadyClock::now();
        const auto& [bytes, sha] = bodies[r][k];
        FileOne(client, reporters[r], r, "Bench " + std::to_string(r) + "-" + std::to_string(k),
                bytes, sha, false, nullptr);
        const auto t1 = SteadyClock::now();
        std::lock_guard lock(mu);
        out.ack_ms.push_back(Seconds(t0, t1) * 1000);
        ++out.incidents;
      }
    });
  }
  out.load = LoadAverage();
  const double cpu0 = ProcessCpuSeconds(s.process->pid());
  const auto t0 = SteadyClock::now();
  start.arrive_and_wait();
  for (auto& t : threads) t.join();
  out.seconds = Seconds(t0, SteadyClock::now());
  out.server_cpu = ProcessCpuSeconds(s.process->pid()) - cpu0;
  out.server_peak_mib = ProcessPeakMiB(s.process->pid());
  return out;
}

// --- crash ----------------------------------------------------------------------------

struct CrashResult {
  size_t acked = 0;          // evidence uploads acknowledged before the kill
  size_t reports_acked = 0;  // reports acknowledged (with or without evidence)
  size_t verified = 0;       // evidence files downloaded after restart, hash matching
  size_t cases_present = 0;  // acknowledged reports found after restart
  double seconds_to_kill = 0;
  double restart_seconds = 0;
  std::string audit;  // `ecrn audit verify` output (first line)
};

CrashResult Crash(const Args& a, const std::vector<Reporter>& reporters, Server& s,
                  const std::string& db) {
  const size_t kill_after = a.kill_after ? a.kill_after : reporters.size() * 3 / 2;
  // Each reporter cycles through a few prepared files (distinct per reporter).
  constexpr size_t kFilesEach = 3;
  std::vector<std::vector<std::pair<std::string, std::string>>> files(reporters.size());
  for (size_t r = 0; r < reporters.size(); ++r) {
    for (size_t k = 0; k < kFilesEach; ++k) {
      auto bytes = EvidenceBytes(a.evidence_bytes, 7'000'000 + 1000 * r + k);
      auto sha = Sha256Hex(bytes);
      files[r].emplace_back(std::move(bytes), std::move(sha));
    }
  }
  std::mutex mu;
  std::vector<Acked> acked;
  std::vector<std::string> reports;  // every acknowledged report id
  std::atomic<bool> killed{false};
  std::barrier start(static_cast<std::ptrdiff_t>(reporters.size() + 1));
  std::vector<std::thread> threads;
  for (size_t r = 0; r < reporters.size(); ++r) {
    threads.emplace_back([&, r] {
      HttpClient client(s.port, 60);
      start.arrive_and_wait();
      for (size_t k = 0; !killed.load(); ++k) {
        const auto& [bytes, sha] = files[r][k % kFilesEach];
        std::string incident;
        auto ack =
            FileOne(client, reporters[r], r, "Crash " + std::to_string(r) + "-" + std::to_string(k),
                    bytes, sha, true, &incident);
        std::lock_guard lock(mu);
        if (!incident.empty()) reports.push_back(incident);
        if (!ack) break;  // the server went away
        acked.push_back(std::move(*ack));
      }
    });
  }
  const auto t0 = SteadyClock::now();
  start.arrive_and_wait();
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (acked.size() >= kill_after) break;
    }
    if (Seconds(t0, SteadyClock::now()) > 600) Die("the crash phase made no progress in 600 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  s.Kill();
  killed = true;
  CrashResult out;
  out.seconds_to_kill = Seconds(t0, SteadyClock::now());
  for (auto& t : threads) t.join();
  out.acked = acked.size();
  out.reports_acked = reports.size();
  Log("killed the server after " + std::to_string(out.acked) + " acknowledged uploads; restarting");

  const auto r0 = SteadyClock::now();
  s = StartServer(a.ecrn, db, {"--threads", std::to_string(a.server_threads)});
  out.restart_seconds = Seconds(r0, SteadyClock::now());
  HttpClient client(s.port, 120);
  const auto auth = [&](size_t r) {
    return std::vector<std::pair<std::string, std::string>>{
        {"Authorization", "Bearer " + reporters[r].key}};
  };
  for (const auto& id : reports) {
    auto got = client.Request("GET", "/api/v1/incidents/" + id, auth(0));
    if (!got || got->status != 200) {
      Die("acknowledged incident " + id +
          " is missing after the restart: " + (got ? std::to_string(got->status) : "no answer"));
    }
    ++out.cases_present;
  }
  for (const auto& ack : acked) {
    auto got = client.Request(
        "GET", "/api/v1/incidents/" + ack.incident + "/evidence/" + ack.evidence + "?reason=bench",
        auth(ack.reporter));
    if (!got || got->status != 200) {
      Die("acknowledged evidence " + ack.evidence + " of " + ack.incident +
          " is missing after the restart: " + (got ? std::to_string(got->status) : "no answer"));
    }
    if (Sha256Hex(got->body) != ack.sha256) {
      Die("evidence " + ack.evidence + " came back with another hash after the restart");
    }
    ++out.verified;
  }
  s.Stop();
  auto audit = testing::Run({a.ecrn, "audit", "verify", "--db", db});
  if (audit.exit_code != 0)
    Die("ecrn audit verify failed after the crash: " + audit.out + audit.err);
  const std::string text = Trim(audit.out);
  for (std::string_view rest = text; !rest.empty();) {
    const auto nl = rest.find('\n');
    out.audit += (out.audit.empty() ? "" : "; ") + std::string(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  return out;
}

// --- peer -----------------------------------------------------------------------------

struct PeerResult {
  double seconds = 0;
  std::vector<double> write_ms;
};

PeerResult Peer(const Args& a, const fs::path& dir) {
  const std::string bytes = EvidenceBytes(a.evidence_bytes, 99);
  fs::create_directories(dir / "peer");
  PeerResult out;
  std::mutex mu;
  std::barrier start(static_cast<std::ptrdiff_t>(a.reporters + 1));
  std::vector<std::thread> threads;
  for (size_t r = 0; r < a.reporters; ++r) {
    threads.emplace_back([&, r] {
      const std::string path = (dir / "peer" / std::to_string(r)).string();
      start.arrive_and_wait();
      const auto t0 = SteadyClock::now();
      const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fd < 0) Die("cannot create " + path);
      for (size_t done = 0; done < bytes.size();) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) Die("cannot write " + path);
        done += static_cast<size_t>(n);
      }
      if (::fdatasync(fd) != 0) Die("cannot sync " + path);
      ::close(fd);
      const auto t1 = SteadyClock::now();
      std::lock_guard lock(mu);
      out.write_ms.push_back(Seconds(t0, t1) * 1000);
    });
  }
  const auto t0 = SteadyClock::now();
  start.arrive_and_wait();
  for (auto& t : threads) t.join();
  out.seconds = Seconds(t0, SteadyClock::now());
  fs::remove_all(dir / "peer");
  return out;
}

// --- output ---------------------------------------------------------------------------

struct Results {
  std::string backend;
  IntakeResult intake;
  CrashResult crash;
  PeerResult peer;
};

std::string Markdown(const Args& a, const Results& r) {
  const auto& in = r.intake;
  const double mib = static_cast<double>(a.evidence_bytes) / (1 << 20);
  std::string out =
      Fmt("backend %s; %zu reporters at once, %zu incident(s) each with %.2f MiB of evidence; "
          "ecrn serve --threads %d\n\n",
          r.backend.c_str(), a.reporters, a.per_reporter, mib, a.server_threads);
  out +=
      "| phase | incidents | wall s | incidents/s | MiB/s | p50 ms | p90 ms | p99 ms | max ms | "
      "server CPU s | server peak MiB | load |\n"
      "|-------|----------:|-------:|------------:|------:|-------:|-------:|-------:|-------:|"
      "-------------:|----------------:|------|\n";
  const double n = static_cast<double>(in.incidents);
  out +=
      Fmt("| report + evidence to ack | %zu | %.2f | %.1f | %.1f | %.0f | %.0f | %.0f | %.0f | "
          "%.2f | %.0f | %s |\n",
          in.incidents, in.seconds, n / in.seconds, n * mib / in.seconds, Quantile(in.ack_ms, 0.5),
          Quantile(in.ack_ms, 0.9), Quantile(in.ack_ms, 0.99), Quantile(in.ack_ms, 1),
          in.server_cpu, in.server_peak_mib, in.load.c_str());
  const auto& p = r.peer;
  const double pn = static_cast<double>(p.write_ms.size());
  out +=
      Fmt("| peer: write + fdatasync %.2f MiB files | %zu | %.2f | %.1f | %.1f | %.0f | %.0f | "
          "%.0f | %.0f | - | - | |\n",
          mib, p.write_ms.size(), p.seconds, pn / p.seconds, pn * mib / p.seconds,
          Quantile(p.write_ms, 0.5), Quantile(p.write_ms, 0.9), Quantile(p.write_ms, 0.99),
          Quantile(p.write_ms, 1));
  const auto& c = r.crash;
  out +=
      Fmt("\ncrash: SIGKILL after %zu acknowledged uploads (%.1f s into the load); restart %.2f s; "
          "after it %zu/%zu acknowledged reports present, %zu/%zu acknowledged evidence files "
          "downloaded with the acknowledged SHA-256; `ecrn audit verify`: %s\n",
          c.acked, c.seconds_to_kill, c.restart_seconds, c.cases_present, c.reports_acked,
          c.verified, c.acked, c.audit.c_str());
  const double p99 = Quantile(in.ack_ms, 0.99);
  out += Fmt("\n- p99 report-to-acknowledgement %.0f ms (target < 1000 ms on SQLite: %s)\n", p99,
             p99 < 1000 ? "met" : "MISSED");
  return out;
}

std::string Json(const Args& a, const Results& r) {
  const auto& in = r.intake;
  json::object top = {{"backend", r.backend},
                      {"reporters", a.reporters},
                      {"per_reporter", a.per_reporter},
                      {"evidence_bytes", a.evidence_bytes},
                      {"intake",
                       {{"incidents", in.incidents},
                        {"seconds", in.seconds},
                        {"p50_ms", Quantile(in.ack_ms, 0.5)},
                        {"p90_ms", Quantile(in.ack_ms, 0.9)},
                        {"p99_ms", Quantile(in.ack_ms, 0.99)},
                        {"max_ms", Quantile(in.ack_ms, 1)},
                        {"server_cpu_seconds", in.server_cpu},
                        {"server_peak_mib", in.server_peak_mib},
                        {"load", in.load}}},
                      {"peer",
                       {{"files", r.peer.write_ms.size()},
                        {"seconds", r.peer.seconds},
                        {"p50_ms", Quantile(r.peer.write_ms, 0.5)},
                        {"p99_ms", Quantile(r.peer.write_ms, 0.99)}}},
                      {"crash",
                       {{"acked", r.crash.acked},
                        {"reports_acked", r.crash.reports_acked},
                        {"verified", r.crash.verified},
                        {"cases_present", r.crash.cases_present},
                        {"restart_seconds", r.crash.restart_seconds},
                        {"audit", r.crash.audit}}}};
  return json::serialize(top) + "\n";
}

// --- main -----------------------------------------------------------------------------

void Usage() {
  std::puts(
      "usage: ecrn_bench_incidents [--ecrn PATH] [--pg] [--reporters R] [--per-reporter K]\n"
      "                            [--evidence-bytes B] [--kill-after A] [--server-threads T]\n"
      "                            [--json] [--workdir DIR]\n"
      "  --pg              PostgreSQL: a fresh database on the cluster named by $ECRN_PG_INFO\n"
      "                    (scripts/pg-test-cluster), instead of a SQLite file\n"
      "  --reporters R     concurrent reporters, one user and API key each (default 100)\n"
      "  --per-reporter K  incidents each files in the timed intake (default 1)\n"
      "  --evidence-bytes  evidence per incident (default 1048576)\n"
      "  --kill-after A    acknowledged uploads in the crash phase before SIGKILL\n"
      "                    (default 1.5 x reporters)\n"
      "  --server-threads  ecrn serve --threads (default 2)\n"
      "  --json            print JSON instead of Markdown\n"
      "  --workdir DIR     where the SQLite database goes (default: a new /tmp dir)");
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
    } else if (arg == "--reporters") {
      a.reporters = r.Number();
    } else if (arg == "--per-reporter") {
      a.per_reporter = r.Number();
    } else if (arg == "--evidence-bytes") {
      a.evidence_bytes = r.Number();
    } else if (arg == "--kill-after") {
      a.kill_after = r.Number();
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
  return a;
}

int Main(int argc, char** argv) {
  SetToolName("bench-incidents");
  const Args a = ParseArgs(argc, argv);
  Workspace w = OpenWorkspace(a.ecrn, a.pg, a.workdir, "incidents.db");
  const fs::path& dir = w.dir;
  const std::string& db = w.db;
  Results results;
  results.backend = w.backend;
  Log("setting up " + results.backend + " database " + db + " with " + std::to_string(a.reporters) +
      " reporters");
  const auto reporters = SetUp(a, db);
  Server s = StartServer(a.ecrn, db, {"--threads", std::to_string(a.server_threads)});
  Log("ecrn serve on port " + std::to_string(s.port) + "; intake");
  results.intake = Intake(a, reporters, s);
  Log("crash phase");
  results.crash = Crash(a, reporters, s, db);
  Log("peer: write + fdatasync");
  results.peer = Peer(a, dir);
  std::fputs((a.json ? Json(a, results) : Markdown(a, results)).c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace ecrn::bench

int main(int argc, char** argv) { return ecrn::bench::Main(argc, argv); }
