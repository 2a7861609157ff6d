#include "support.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <signal.h>
#include <unistd.h>

namespace ecrn::bench {
namespace {

std::string g_tool = "bench";
pid_t g_server_pid = -1;

}  // namespace

void SetToolName(std::string name) { g_tool = std::move(name); }

void WatchServer(pid_t pid) { g_server_pid = pid; }

void Die(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", g_tool.c_str(), message.c_str());
  if (g_server_pid > 0) kill(g_server_pid, SIGKILL);
  std::exit(1);
}

void Log(const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", g_tool.c_str(), message.c_str());
}

double Seconds(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after ") ".
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields;
  std::string field;
  for (char c : stat.substr(close + 2)) {
    if (c == ' ') {
      fields.push_back(std::move(field));
      field.clear();
    } else {
      field += c;
    }
  }
  // Fields 14 and 15 of the file (utime, stime) are 11 and 12 here.
  if (fields.size() < 13) return 0;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

double ProcessPeakMiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024;
  }
  return 0;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string Admin(const std::string& ecrn, const std::string& db, std::vector<std::string> args,
                  std::vector<std::string> env) {
  args.insert(args.begin(), ecrn);
  args.push_back("--db");
  args.push_back(db);
  auto r = testing::Run(args, "", env);
  if (r.exit_code != 0) Die("`" + args[1] + " " + args[2] + "` failed: " + r.err);
  return r.out;
}

std::string ArgReader::Value() {
  if (i_ + 1 >= argc_) Die(std::string(arg()) + " needs a value");
  ++i_;
  return argv_[i_];
}

size_t ArgReader::Number() {
  const std::string name(arg());
  const std::string v = Value();
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
  if (v.empty() || *end || n == 0) Die(name + ": not a positive number: " + v);
  return n;
}

void ArgReader::Other(void (*usage)()) const {
  usage();
  if (arg() == "-h" || arg() == "--help") std::exit(0);
  Die("unknown argument " + std::string(arg()));
}

Workspace OpenWorkspace(const std::string& ecrn, bool pg, const std::string& workdir,
                        const std::string& file) {
  if (access(ecrn.c_str(), X_OK) != 0) Die("not an executable: " + ecrn + " (use --ecrn)");
  Workspace w;
  if (workdir.empty()) {
    w.temp = std::make_unique<testing::TempDir>();
    w.dir = w.temp->path();
  } else {
    w.dir = workdir;
    std::filesystem::create_directories(w.dir);
  }
  w.backend = pg ? "postgresql" : "sqlite";
  if (pg) {
    w.db = testing::FreshPgDatabase();
  } else {
    w.db = (w.dir / file).string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(w.db + suffix);
  }
  return w;
}

void Server::Stop() {
  process->Signal(SIGTERM);
  process->Wait(std::chrono::seconds(30));
  WatchServer(-1);  // reaped here, or killed by ~ChildProcess
}

void Server::Kill() {
  process->Signal(SIGKILL);
  process->Wait(std::chrono::seconds(30));
  WatchServer(-1);
}

Server StartServer(const std::string& ecrn, const std::string& db,
                   const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {ecrn, "serve", "--db", db, "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  Server s;
  s.process = std::make_unique<testing::ChildProcess>(argv);
  WatchServer(s.process->pid());
  const std::string line = s.process->ReadLine(std::chrono::seconds(60)).value_or("");
  const auto colon = line.rfind(':');
  if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos) {
    Die("ecrn serve did not start: " + s.process->Stderr());
  }
  s.port = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
  return s;
}

}  // namespace ecrn::bench
