// Private to cli/: how subcommand groups register with the application.
// Each group lives in its own *_cmd.cpp and adds its subcommands; a command's
// action returns the exit code. Not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>

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

// How a command treats its --db.
enum class DbUse {
  kCreate,    // a SQLite file is created when missing; open failures exit kExitFailed
  kExisting,  // the database must exist (a SQLite file is never created); failures exit kExitUsage
};

// Opens ctx.db and applies migrations. Prints nothing. With kExisting, a
// SQLite path that is not a file is kInvalidArgument.
Result<std::unique_ptr<store::Store>> OpenDatabase(const Context& ctx, DbUse use = DbUse::kCreate);

// Prints "ecrn: <message>" on stderr and returns `code`.
int Fail(const Error& error, int code = kExitFailed);
int Fail(const std::string& message, int code = kExitFailed);

// The whole of file `path` ("-": standard input; pipes and devices are read
// to the end). kInvalidArgument naming the file when it is a directory or
// cannot be read.
Result<std::string> ReadInputFile(const std::string& path);

// The audit actor label of this process: "cli:<OS user>" ("cli" when the
// user cannot be named).
std::string CliActor();

// Appends an audit entry for a change the CLI made (actor CliActor(), no
// remote address, outcome "success"). Returns kExitOk, or reports on stderr
// that the change was made but not recorded and returns kExitFailed.
int RecordCli(store::Store& store, std::string_view action, std::string_view target,
              std::optional<int64_t> subject_org_id, const boost::json::object& detail);

// Makes `body(store)` the action of `cmd`: it runs with ctx.db opened and
// migrated, and a database that cannot be opened is reported by Fail (exit
// kExitFailed, or kExitUsage for DbUse::kExisting).
template <typename F>
void RunWithDatabase(CLI::App* cmd, Context& ctx, F body, DbUse use = DbUse::kCreate) {
  cmd->callback([&ctx, body, use]() {
    ctx.action = [&ctx, body, use]() -> int {
      auto db = OpenDatabase(ctx, use);
      if (!db) return Fail(db.error(), use == DbUse::kExisting ? kExitUsage : kExitFailed);
      return body(**db);
    };
  });
}

// Each group of subcommands.
void AddAdminCommands(CLI::App& app, Context& ctx);  // db, org, user, channel, apikey
void AddStixCommands(CLI::App& app, Context& ctx);   // stix validate
void AddIntelCommands(CLI::App& app, Context& ctx);  // import, export
void AddServeCommand(CLI::App& app, Context& ctx);   // serve
void AddAuditCommands(CLI::App& app, Context& ctx);  // audit verify, audit list
void AddDemoCommands(CLI::App& app, Context& ctx);   // demo seed
// pattern validate, pattern match
void AddPatternCommands(CLI::App& app, Context& ctx);
void AddScanCommand(CLI::App& app, Context& ctx);  // scan
// evidence verify
void AddEvidenceCommands(CLI::App& app, Context& ctx);
// incident report
void AddIncidentCommands(CLI::App& app, Context& ctx);

}  // namespace ecrn::cli
