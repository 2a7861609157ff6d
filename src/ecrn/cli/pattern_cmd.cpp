// Pattern commands: `ecrn pattern validate PATTERN` (exit 0 valid, 2 invalid
// with the reason on stderr) and `ecrn pattern match PATTERN [--json]
// [FILE...]` (evaluates against the observed-data in STIX JSON from files
// or stdin: exit 0 matched, 1 not matched, 2 invalid pattern or input).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/cli/command.hpp"
#include "ecrn/pattern/evaluate.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::cli {
namespace {

struct PatternArgs {
  std::string pattern;
  std::vector<std::string> files;
  bool json = false;
};

// The whole of a file, or of stdin for "-".
Result<std::string> Slurp(const std::string& name) {
  std::ostringstream buf;
  if (name == "-") {
    buf << std::cin.rdbuf();
    if (std::cin.bad()) return Error::Invalid("cannot read standard input");
    return buf.str();
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(name, ec)) {
    return Error::Invalid("cannot read " + name + ": not a readable file");
  }
  std::ifstream in(name, std::ios::binary);
  if (!in || !(buf << in.rdbuf()) || in.bad()) return Error::Invalid("cannot read " + name);
  return buf.str();
}

Result<pattern::CompiledPattern> CompileArg(const std::string& text) {
  auto p = pattern::CompiledPattern::Compile(text);
  if (!p) return Error::Invalid("invalid pattern: " + p.error().message);
  return p;
}

int Match(const PatternArgs& args) {
  auto compiled = CompileArg(args.pattern);
  if (!compiled) return Fail(compiled.error(), kExitUsage);
  std::vector<std::string> inputs = args.files;
  if (inputs.empty()) inputs.push_back("-");
  std::vector<stix::Object> objects;
  for (const auto& name : inputs) {
    const std::string label = name == "-" ? "<stdin>" : name;
    auto text = Slurp(name);
    if (!text) return Fail(text.error(), kExitUsage);
    auto doc = stix::ParseDocument(*text);
    if (!doc) return Fail(label + ": " + doc.error().message, kExitUsage);
    if (!doc->problems.empty()) {
      const auto& p = doc->problems.front();
      return Fail(label + ": element " + std::to_string(p.index) + ": " + p.message, kExitUsage);
    }
    for (auto& o : doc->objects) objects.push_back(std::move(o));
  }
  const pattern::MatchResult result = compiled->Match(objects);
  if (args.json) {
    boost::json::array ids;
    for (const auto& id : result.observed_data_ids) ids.emplace_back(id);
    std::cout << boost::json::serialize(ids) << "\n";
  } else {
    for (const auto& id : result.observed_data_ids) std::cout << id << "\n";
  }
  return result.matched ? kExitOk : kExitFailed;
}

}  // namespace

void AddPatternCommands(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("pattern", "STIX 2.1 patterns");
  group->require_subcommand(1);

  auto* validate = group->add_subcommand(
      "validate", "Check a STIX pattern; exit 0 if valid, 2 if not (reason on stderr)");
  auto vargs = std::make_shared<PatternArgs>();
  validate->add_option("pattern", vargs->pattern, "The pattern, e.g. \"[file:name = 'x']\"")
      ->required();
  validate->callback([&ctx, vargs]() {
    ctx.action = [vargs]() -> int {
      auto compiled = CompileArg(vargs->pattern);
      if (!compiled) return Fail(compiled.error(), kExitUsage);
      return kExitOk;
    };
  });

  auto* match = group->add_subcommand(
      "match",
      "Evaluate a pattern against the observed-data in STIX JSON; exit 0 if it matches, 1 if "
      "not, 2 on an invalid pattern or input");
  auto margs = std::make_shared<PatternArgs>();
  match->add_option("pattern", margs->pattern, "The pattern")->required();
  match->add_option("files", margs->files, "STIX JSON files ('-' or none: standard input)");
  match->add_flag("--json", margs->json, "Print the matching observed-data ids as a JSON array");
  match->callback([&ctx, margs]() { ctx.action = [margs]() -> int { return Match(*margs); }; });
}

}  // namespace ecrn::cli
