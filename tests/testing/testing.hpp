// Helpers shared by tests: temporary directories, running the ecrn binary,
// files, and the throwaway PostgreSQL cluster's URI. Not thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

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

// The repository root (ECRN_SOURCE_DIR, else the current directory).
std::filesystem::path SourceDir();
// ../shared beside the repository root.
std::filesystem::path SharedDir();
// The ecrn binary under test (ECRN_BIN).
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

// The URI of the throwaway PostgreSQL cluster started by the test harness
// (from the file named by ECRN_PG_INFO). Fails the calling test (via an
// exception) when there is none.
std::string PgUri();

// A fresh, empty database on the throwaway cluster; returns its URI.
std::string FreshPgDatabase();

}  // namespace ecrn::testing
