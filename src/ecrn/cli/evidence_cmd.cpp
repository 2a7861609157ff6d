// `ecrn evidence verify PACKAGE [--key HEX] [--json]`: checks a crime-report
// package offline (signature, every file's size and SHA-256, no unlisted
// file, evidence hashes against their custody acquisition entries, both hash
// chains) and names the first thing that does not match. Exit 0 valid, 1 not
// valid, 2 unreadable file or bad arguments.
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "ecrn/cli/command.hpp"
#include "ecrn/evidence/package.hpp"

namespace ecrn::cli {
namespace {

struct VerifyArgs {
  std::string package;
  std::string key;
  bool json = false;
};

void PrintJson(const evidence::VerifyReport& r) {
  boost::json::array files;
  for (const auto& f : r.files) {
    files.push_back(boost::json::object{{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
  }
  boost::json::object out{
      {"valid", r.valid},
      {"problem", r.valid ? boost::json::value(nullptr) : boost::json::value(r.problem)},
      {"problem_file", r.valid ? boost::json::value(nullptr) : boost::json::value(r.problem_file)},
      {"package", r.package_uuid},
      {"hub", r.hub},
      {"created", r.created},
      {"sender", r.sender_org},
      {"recipient", r.recipient_org},
      {"incident", r.incident_id},
      {"title", r.incident_title},
      {"public_key", r.public_key_hex},
      {"key_pinned", r.key_pinned},
      {"manifest_sha256", r.manifest_sha256},
      {"content_digest", r.content_digest},
      {"custody", boost::json::object{{"entries", r.custody_entries}, {"head", r.custody_head}}},
      {"timeline", boost::json::object{{"entries", r.timeline_entries}, {"head", r.timeline_head}}},
      {"files", std::move(files)},
  };
  std::cout << boost::json::serialize(out) << "\n";
}

void PrintText(const std::string& path, const evidence::VerifyReport& r) {
  if (!r.valid) {
    std::cout << "package NOT valid: " << r.problem << "\n";
    return;
  }
  std::cout << "package valid: " << path << "\n"
            << "  package         " << r.package_uuid << "\n"
            << "  hub             " << r.hub << "\n"
            << "  created         " << r.created << "\n"
            << "  from            " << r.sender_org << "\n"
            << "  to              " << r.recipient_org << "\n"
            << "  incident        " << r.incident_id << " " << r.incident_title << "\n"
            << "  files           " << r.files.size() << ", every size and SHA-256 as listed\n"
            << "  custody log     " << r.custody_entries << " entries, head " << r.custody_head
            << "\n"
            << "  timeline        " << r.timeline_entries << " entries, head " << r.timeline_head
            << "\n"
            << "  manifest        SHA-256 " << r.manifest_sha256 << "\n"
            << "  content digest  " << r.content_digest << "\n"
            << "  signed by       Ed25519 key " << r.public_key_hex << "\n";
  if (r.key_pinned) {
    std::cout << "  key             pinned: the package is signed with the key given by --key\n";
  } else {
    std::cout << "  key             NOT pinned: the package is consistent with the key it "
                 "carries; pass --key with the hub's published key to check who signed it\n";
  }
}

int Verify(const VerifyArgs& args) {
  std::optional<std::string_view> pinned;
  if (!args.key.empty()) pinned = args.key;
  auto report = evidence::VerifyPackageFile(args.package, pinned);
  if (!report) return Fail(report.error(), kExitUsage);
  if (args.json) {
    PrintJson(*report);
  } else {
    PrintText(args.package, *report);
  }
  std::cout << std::flush;
  if (!std::cout) return Fail("cannot write to standard output", kExitUsage);
  return report->valid ? kExitOk : kExitFailed;
}

}  // namespace

void AddEvidenceCommands(CLI::App& app, Context& ctx) {
  auto* evidence = app.add_subcommand("evidence", "Crime-report packages");
  evidence->require_subcommand(1);
  auto args = std::make_shared<VerifyArgs>();
  auto* verify = evidence->add_subcommand(
      "verify",
      "Check a crime-report package offline; exit 0 valid, 1 not valid (naming the first "
      "problem), 2 unreadable");
  verify->add_option("PACKAGE", args->package, "The package (zip) file")->required();
  verify->add_option(
      "--key", args->key,
      "The hub's Ed25519 public key (64 hex digits) the package must be signed with");
  verify->add_flag("--json", args->json, "Print the result as one JSON object");
  verify->callback([&ctx, args]() { ctx.action = [args]() { return Verify(*args); }; });
}

}  // namespace ecrn::cli
