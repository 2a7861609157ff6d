// STIX commands: `ecrn stix validate [--json] [--strict] [FILE...]` checks
// STIX 2.1 documents (bundles, lists or single objects) against the
// specification and lists every finding, one per line, on stdout.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "ecrn/cli/command.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/validate.hpp"

namespace ecrn::cli {
namespace {

struct ValidateArgs {
  std::vector<std::string> files;
  bool json = false;
  bool strict = false;
};

Result<std::string> ReadInput(const std::string& name) {
  if (name == "-") {
    std::ostringstream buf;
    buf << std::cin.rdbuf();
    if (std::cin.bad()) return Error::Invalid("cannot read standard input");
    return buf.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(name, ec)) {
    return Error::Invalid("cannot read " + name + ": it is a directory");
  }
  std::ifstream in(name, std::ios::binary);
  if (!in) return Error::Invalid("cannot read " + name + ": no such file or permission denied");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error::Invalid("cannot read " + name);
  return text;
}

struct Totals {
  size_t objects = 0;
  size_t errors = 0;
  size_t warnings = 0;
};

void Print(const ValidateArgs& args, const std::string& file, std::string_view id,
           std::string_view property, stix::Severity severity, std::string_view message) {
  std::string_view sev = severity == stix::Severity::kError ? "error" : "warning";
  if (args.json) {
    boost::json::object line;
    line["file"] = file;
    line["id"] = id;
    line["property"] = property;
    line["severity"] = sev;
    line["message"] = message;
    std::cout << boost::json::serialize(line) << "\n";
  } else {
    std::cout << file << ": " << (id.empty() ? std::string_view("(no id)") : id) << ": "
              << (property.empty() ? std::string_view("-") : property) << ": " << sev << ": "
              << message << "\n";
  }
}

// Validates one input; returns false when it could not be read or parsed.
bool ValidateInput(const ValidateArgs& args, const std::string& name, Totals& totals) {
  const std::string label = name == "-" ? "<stdin>" : name;
  auto text = ReadInput(name);
  if (!text) {
    Fail(text.error(), kExitUsage);
    return false;
  }
  auto doc = stix::ParseDocument(*text);
  if (!doc) {
    Fail(label + ": " + doc.error().message, kExitUsage);
    return false;
  }
  stix::ValidationOptions options;
  options.strict_vocabularies = args.strict;
  for (const auto& p : doc->problems) {
    ++totals.errors;
    Print(args, label, p.id, "", stix::Severity::kError,
          "element " + std::to_string(p.index) + ": " + p.message);
  }
  for (const auto& object : doc->objects) {
    ++totals.objects;
    for (const auto& f : stix::Validate(object, options)) {
      if (f.severity == stix::Severity::kError) {
        ++totals.errors;
      } else {
        ++totals.warnings;
      }
      Print(args, label, f.object_id, f.property, f.severity, f.message);
    }
  }
  return true;
}

}  // namespace

void AddStixCommands(CLI::App& app, Context& ctx) {
  auto* stix = app.add_subcommand("stix", "STIX 2.1 tools");
  stix->require_subcommand(1);
  auto* validate = stix->add_subcommand(
      "validate",
      "Check STIX 2.1 documents; exit 0 if every object conforms, 1 if not, 2 if unreadable");
  auto args = std::make_shared<ValidateArgs>();
  validate->add_option("files", args->files, "STIX JSON files ('-' or none: standard input)");
  validate->add_flag("--json", args->json, "Print findings as JSON lines");
  validate->add_flag("--strict", args->strict,
                     "Treat values outside open vocabularies as errors, not warnings");
  validate->callback([&ctx, args]() {
    ctx.action = [args]() -> int {
      std::vector<std::string> inputs = args->files;
      if (inputs.empty()) inputs.push_back("-");
      Totals totals;
      bool unreadable = false;
      for (const auto& name : inputs) {
        if (!ValidateInput(*args, name, totals)) unreadable = true;
      }
      std::cout.flush();
      std::cerr << totals.objects << " objects checked: " << totals.errors << " errors, "
                << totals.warnings << " warnings\n";
      if (unreadable) return kExitUsage;
      return totals.errors > 0 ? kExitFailed : kExitOk;
    };
  });
}

}  // namespace ecrn::cli
