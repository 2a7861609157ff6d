// What the whole-program benchmarks (bench/taxii.cpp, bench/incidents.cpp)
// share: failing loudly (killing the server under test first), timing,
// quantiles, the load average and a process's CPU time and peak memory, the
// admin CLI, and starting the real `ecrn serve` on 127.0.0.1:0. Benchmark
// drivers only, not a library; Die and the watched server are process-wide,
// the rest is thread-safe.
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "testing/testing.hpp"

namespace ecrn::bench {

using SteadyClock = std::chrono::steady_clock;

// Names the program in Die and Log messages ("bench-taxii").
void SetToolName(std::string name);
// The server Die kills first (-1: none).
void WatchServer(pid_t pid);

// Prints "<tool>: message" to stderr, kills the watched server, exits 1.
[[noreturn]] void Die(const std::string& message);
// Prints "<tool>: message" to stderr.
void Log(const std::string& message);

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b);
// The value at quantile q (0..1) of `v` (0 when empty).
double Quantile(std::vector<double> v, double q);
// "0.52 0.61 0.70" from /proc/loadavg.
std::string LoadAverage();
// CPU seconds (user + system) `pid` has used so far, from /proc/PID/stat.
double ProcessCpuSeconds(pid_t pid);
// Peak resident memory of `pid` in MiB (VmHWM), 0 when unknown.
double ProcessPeakMiB(pid_t pid);
// `s` without trailing newlines, carriage returns and spaces.
std::string Trim(std::string s);

// snprintf into a std::string (up to 511 characters).
template <typename... A>
std::string Fmt(const char* format, A... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

// Runs `ecrn ARGS --db DB` with extra environment entries; its stdout, or
// Die with its stderr when it fails.
std::string Admin(const std::string& ecrn, const std::string& db, std::vector<std::string> args,
                  std::vector<std::string> env = {});

// Walks a bench's command line: while (r.Next()) { if (r.arg() == "--x")
// x = r.Number(); ... }. Value() and Number() take the argument after the
// current one, Die-ing when it is missing or (Number) not a positive integer.
class ArgReader {
 public:
  ArgReader(int argc, char** argv) : argc_(argc), argv_(argv) {}
  bool Next() { return ++i_ < argc_; }
  std::string_view arg() const { return argv_[i_]; }
  std::string Value();
  size_t Number();
  // For an argument no branch took: `usage` and exit 0 for -h/--help,
  // else `usage` and Die naming it.
  [[noreturn]] void Other(void (*usage)()) const;

 private:
  int argc_;
  char** argv_;
  int i_ = 0;
};

// Where a bench keeps its files and its database.
struct Workspace {
  std::unique_ptr<testing::TempDir> temp;  // when no --workdir was given
  std::filesystem::path dir;
  std::string db;       // a SQLite file in `dir`, or a postgresql:// URI
  std::string backend;  // "sqlite" or "postgresql"
};
// Checks that `ecrn` is executable, then makes `workdir` (or a new temporary
// directory) and the database: with `pg` a fresh one on the cluster of
// $ECRN_PG_INFO, else `file` in the directory, removed first with its -wal
// and -shm.
Workspace OpenWorkspace(const std::string& ecrn, bool pg, const std::string& workdir,
                        const std::string& file);

// A running `ecrn serve`, watched by Die until Stop or Kill.
struct Server {
  std::unique_ptr<testing::ChildProcess> process;
  uint16_t port = 0;

  // SIGTERM and wait (up to 30 s).
  void Stop();
  // SIGKILL and reap.
  void Kill();
};

// Starts `ecrn serve --db DB --listen 127.0.0.1:0 EXTRA...` and waits for
// its "listening on" line.
Server StartServer(const std::string& ecrn, const std::string& db,
                   const std::vector<std::string>& extra = {});

}  // namespace ecrn::bench
