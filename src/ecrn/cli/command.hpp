// Private to cli/: how subcommand groups register with the application.
// Each group lives in its own *_cmd.cpp and adds its subcommands; a command's
// action returns the exit code. Not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::cli {

// Exit codes used by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;  // ran, and the answer is "no" / some input rejected
inline constexpr int kExitUsage = 2;   // bad arguments or unusable input

// Shared state of one invocation.
struct Context {
  std::string db = "var/ecrn.db";  // --db on every command that uses the database
  int exit_code = kExitOk;
  // The action of the chosen subcommand (set by its callback, run by Main).
  std::function<int()> action;
};

// Adds `--db` to a subcommand, bound to ctx.db.
void AddDbOption(CLI::App* cmd, Context& ctx);

// Opens ctx.db and applies migrations. Prints nothing.
Result<std::unique_ptr<store::Store>> OpenDatabase(const Context& ctx);

// Prints "ecrn: <message>" on stderr and returns `code`.
int Fail(const Error& error, int code = kExitFailed);
int Fail(const std::string& message, int code = kExitFailed);

// Makes `body(store)` the action of `cmd`: it runs with ctx.db opened and
// migrated, and a database that cannot be opened is reported by Fail.
template <typename F>
void RunWithDatabase(CLI::App* cmd, Context& ctx, F body) {
  cmd->callback([&ctx, body]() {
    ctx.action = [&ctx, body]() -> int {
      auto db = OpenDatabase(ctx);
      if (!db) return Fail(db.error(), kExitFailed);
      return body(**db);
    };
  });
}

// Each group of subcommands.
void AddAdminCommands(CLI::App& app, Context& ctx);  // db, org, user, channel, apikey
void AddStixCommands(CLI::App& app, Context& ctx);   // stix validate
void AddIntelCommands(CLI::App& app, Context& ctx);  // import, export
void AddServeCommand(CLI::App& app, Context& ctx);   // serve
void AddDemoCommands(CLI::App& app, Context& ctx);   // demo seed

}  // namespace ecrn::cli
