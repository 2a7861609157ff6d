#include "ecrn/cli/cli.hpp"

#include <cstdlib>
#include <exception>
#include <iostream>

#include <spdlog/spdlog.h>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/version.hpp"

namespace ecrn::cli {

void AddDbOption(CLI::App* cmd, Context& ctx) {
  cmd->add_option("--db", ctx.db, "SQLite file path or postgresql:// URI")
      ->envname("ECRN_DB")
      ->capture_default_str();
}

Result<std::unique_ptr<store::Store>> OpenDatabase(const Context& ctx) {
  ECRN_ASSIGN_OR_RETURN(auto db, store::OpenStore(ctx.db));
  ECRN_TRY(db->Migrate());
  return db;
}

int Fail(const Error& error, int code) {
  // The operator sees the message; the internal detail only when asked for.
  const bool debug = std::getenv("ECRN_DEBUG") != nullptr;
  std::cerr << "ecrn: " << (debug ? error.ToString() : error.message) << "\n";
  return code;
}

int Fail(const std::string& message, int code) {
  std::cerr << "ecrn: " << message << "\n";
  return code;
}

int Main(int argc, char** argv) {
  CLI::App app{"ECRN — Elections Cyber Readiness Network platform", "ecrn"};
  app.set_version_flag("--version", std::string("ecrn ") + kVersion);
  app.require_subcommand(1);
  Context ctx;
  AddAdminCommands(app, ctx);
  AddStixCommands(app, ctx);
  AddIntelCommands(app, ctx);
  AddServeCommand(app, ctx);
  AddDemoCommands(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  if (!ctx.action) return kExitUsage;
  try {
    return ctx.action();
  } catch (const std::exception& e) {
    std::cerr << "ecrn: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace ecrn::cli
