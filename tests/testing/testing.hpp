// Helpers shared by tests: temporary directories, running the ecrn binary,
// files, and the throwaway PostgreSQL cluster's URI. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace ecrn::testing {

// A fresh directory removed (recursively) when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// The repository root (ECRN_SOURCE_DIR, else the one this build was configured from).
std::filesystem::path SourceDir();
// ../shared beside the repository root.
std::filesystem::path SharedDir();
// The ecrn binary under test (ECRN_BIN, else the one in this build directory).
std::string EcrnBin();

std::string ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, const std::string& content);

// The result of running a command.
struct RunResult {
  int exit_code = -1;  // -1 if killed by a signal
  std::string out;
  std::string err;
};

// Runs argv (argv[0] searched in PATH) with `stdin_data` on its standard
// input, extra environment entries ("K=V") added, and waits for it.
RunResult Run(const std::vector<std::string>& argv, const std::string& stdin_data = "",
              const std::vector<std::string>& env = {});

// The samples of a Prometheus text exposition, "series{labels}" -> value as
// written; comment and blank lines are skipped, lines without a value too.
std::map<std::string, std::string> PrometheusSamples(const std::string& text);

// A TCP socket connected to 127.0.0.1:port with a receive time-out, or -1.
// The caller closes it.
int ConnectLoopback(uint16_t port, int receive_timeout_seconds);

// The URI of the throwaway PostgreSQL cluster started by the test harness
// (from the file named by ECRN_PG_INFO). Fails the calling test (via an
// exception) when there is none.
std::string PgUri();

// A fresh, empty database on the throwaway cluster; returns its URI.
std::string FreshPgDatabase();

// A long-running child process (e.g. `ecrn serve`): its stdout is a pipe read
// line by line, its stderr goes to a temporary file. The destructor kills
// (SIGKILL) and reaps it if it is still running.
class ChildProcess {
 public:
  // Starts argv (argv[0] searched in PATH) with extra environment entries
  // ("K=V"). Throws std::runtime_error when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::vector<std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The next line of stdout (without '\n'), or nullopt on EOF or when
  // `timeout` passes first.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Sends `signal` (if still running).
  void Signal(int signal);
  // Waits up to `timeout` for the exit; returns the exit code, -1 when killed
  // by a signal, or nullopt on time-out (the process is left running).
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  // Everything written to stderr so far.
  std::string Stderr() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
  int out_fd_ = -1;
  std::string out_buffer_;
  TempDir dir_;
};

}  // namespace ecrn::testing
