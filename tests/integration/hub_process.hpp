// Driving the real `ecrn` from integration tests: admin commands on a
// database, and `ecrn serve` on a loopback port. Tests only.
#pragma once

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::testing {

// Runs `ecrn ARGS --db DB` (an admin command); expects exit 0, returns stdout.
inline std::string RunAdmin(const std::string& db, std::vector<std::string> args,
                            std::vector<std::string> env = {}) {
  args.insert(args.begin(), EcrnBin());
  args.push_back("--db");
  args.push_back(db);
  auto r = ecrn::testing::Run(args, "", env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// `text` without its trailing line breaks (a printed id or key).
inline std::string WithoutNewline(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// A running `ecrn serve` on `listen` (port 0: any free port), with `extra`
// serve arguments. `port` is 0 when it did not start.
struct Hub {
  explicit Hub(const std::string& db, const std::vector<std::string>& extra = {},
               const std::string& listen = "127.0.0.1:0")
      : process(Command(db, extra, listen)) {
    line = process.ReadLine(std::chrono::seconds(120)).value_or("");
    std::smatch m;
    if (std::regex_search(line, m, std::regex(R"(:(\d+)$)"))) {
      port = static_cast<uint16_t>(std::stoi(m[1]));
    }
  }
  static std::vector<std::string> Command(const std::string& db,
                                          const std::vector<std::string>& extra,
                                          const std::string& listen) {
    std::vector<std::string> args{EcrnBin(), "serve", "--db", db, "--listen", listen};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port); }
  ChildProcess process;
  std::string line;  // what it printed first ("listening on ...")
  uint16_t port = 0;
};

// A loopback port that a server listened on a moment ago and nobody does
// now (a hub started and stopped), for "the hub is unreachable" cases.
inline uint16_t PortNobodyListensOn() {
  TempDir dir;
  Hub gone(dir.File("gone.db"));
  EXPECT_NE(gone.port, 0) << gone.process.Stderr();
  return gone.port;
}

}  // namespace ecrn::testing
