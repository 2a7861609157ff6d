#include "ecrn/cli/cli.hpp"

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "ecrn/audit/record.hpp"
#include "ecrn/cli/command.hpp"
#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/core/version.hpp"

namespace ecrn::cli {

void AddDbOption(CLI::App* cmd, Context& ctx) {
  cmd->add_option("--db", ctx.db, "SQLite file path or postgresql:// URI")
      ->envname("ECRN_DB")
      ->capture_default_str();
}

Result<std::unique_ptr<store::Store>> OpenDatabase(const Context& ctx, DbUse use) {
  const bool postgres =
      ctx.db.rfind("postgresql://", 0) == 0 || ctx.db.rfind("postgres://", 0) == 0;
  std::error_code ec;
  if (use == DbUse::kExisting && !postgres && !std::filesystem::is_regular_file(ctx.db, ec)) {
    return Error::Invalid("no database file at '" + ctx.db + "'");
  }
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

Result<std::string> ReadInputFile(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (path != "-" && std::filesystem::is_directory(status)) {
    return Error::Invalid("'" + path + "' is a directory, not a STIX file");
  }
  if (path == "-" || (!ec && !std::filesystem::is_regular_file(status))) {
    // Standard input, pipes and devices: read to the end.
    std::ifstream file;
    if (path != "-") file.open(path, std::ios::binary);
    std::istream& src = path == "-" ? std::cin : file;
    if (!src) return Error::Invalid("cannot read '" + path + "'");
    std::ostringstream ss;
    ss << src.rdbuf();
    return ss.str();
  }
  // A regular file: one sized read (bundles run to hundreds of megabytes).
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Error::Invalid("cannot read '" + path + "'");
  const std::streamsize size = in.tellg();
  if (size < 0) return Error::Invalid("cannot read '" + path + "' (not a regular file?)");
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(data.data(), size)) return Error::Invalid("error reading '" + path + "'");
  return data;
}

std::string CliActor() {
  std::string name;
  passwd pw{};
  passwd* found = nullptr;
  char buffer[4096];
  if (getpwuid_r(geteuid(), &pw, buffer, sizeof buffer, &found) == 0 && found && found->pw_name) {
    name = found->pw_name;
  } else if (const char* user = std::getenv("USER"); user && *user) {
    name = user;
  }
  return name.empty() ? "cli" : "cli:" + AuditSafeText(name);
}

int RecordCli(store::Store& store, std::string_view action, std::string_view target,
              std::optional<int64_t> subject_org_id, const boost::json::object& detail) {
  audit::Actor actor;
  actor.label = CliActor();
  audit::Event event;
  event.action = std::string(action);
  event.target = std::string(target);
  event.subject_org_id = subject_org_id;
  event.detail = detail;
  auto appended = audit::Record(store, SystemClock().Now(), actor, event);
  if (!appended) {
    return Fail("the change was made but could not be recorded in the audit log: " +
                appended.error().message);
  }
  return kExitOk;
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
  AddAuditCommands(app, ctx);
  AddDemoCommands(app, ctx);
  AddPatternCommands(app, ctx);
  AddScanCommand(app, ctx);
  AddEvidenceCommands(app, ctx);
  AddIncidentCommands(app, ctx);
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
