// `ecrn import` and `ecrn export`: STIX bundles in and out of a channel.
#include <cstdio>
#include <iostream>

#include <boost/json/array.hpp>
#include <unistd.h>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/core/uuid.hpp"
#include "ecrn/intel/ingest.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::cli {
namespace {

// A one-line progress bar on a terminal's stderr.
void Progress(const std::string& label, size_t done, size_t total) {
  const int width = 30;
  const int filled = total ? static_cast<int>(width * done / total) : width;
  std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", label.c_str(), filled,
               "##############################", width - filled, "", done, total);
  if (done == total) std::fputc('\n', stderr);
  std::fflush(stderr);
}

struct ImportArgs {
  std::vector<std::string> files;
  std::string channel;
  std::vector<std::string> red_recipients;
  size_t batch_size = intel::IngestOptions{}.batch_size;
  bool strict = false;
  bool quiet = false;
};

int ImportFiles(store::Store& db, const ImportArgs& a) {
  auto channel = db.FindChannel(a.channel);
  if (!channel) return Fail(channel.error(), kExitUsage);
  intel::IngestOptions options;
  options.batch_size = a.batch_size;
  options.validation.strict_vocabularies = a.strict;
  // Unmarked objects take the channel's default TLP (policy::EffectiveTlp).
  options.default_tlp =
      std::string(stix::TlpToken(policy::EffectiveTlp(std::nullopt, channel->default_tlp)));
  for (const auto& name : a.red_recipients) {
    auto user = db.FindUser(name);
    if (!user) return Fail(user.error(), kExitUsage);
    options.red_recipients.push_back(user->id);
  }
  const bool tty = isatty(STDERR_FILENO) && !a.quiet;
  SystemClock clock;
  intel::Ingestor ingestor(db, clock);
  int rc = kExitOk;
  size_t total_added = 0, total_dup = 0, total_rejected = 0;
  for (const auto& file : a.files) {
    auto text = ReadInputFile(file);
    if (!text) {
      Fail(text.error());
      rc = kExitUsage;
      continue;
    }
    auto doc = stix::ParseDocument(*text);
    if (!doc) {
      Fail(file + ": " + doc.error().message);
      rc = kExitUsage;
      continue;
    }
    text->clear();
    text->shrink_to_fit();
    if (tty) {
      options.progress = [&file](size_t done, size_t total) { Progress(file, done, total); };
    }
    auto summary = ingestor.Ingest(channel->id, doc->objects, options);
    if (!summary) {
      // Batches committed before the failure stay; a re-run adds the rest.
      return Fail(file + ": " + summary.error().message +
                  " (objects stored so far are kept; "
                  "run the import again to add the rest)");
    }
    const size_t rejected = summary->rejected.size() + doc->problems.size();
    std::cout << file << ": " << summary->received + doc->problems.size() << " received, "
              << summary->added << " added, " << summary->duplicates << " already present, "
              << rejected << " rejected";
    if (summary->warnings) std::cout << ", " << summary->warnings << " with warnings";
    std::cout << "\n";
    for (const auto& p : doc->problems) {
      std::cout << "  rejected #" << p.index << (p.id.empty() ? "" : " " + p.id) << ": "
                << p.message << "\n";
    }
    for (const auto& r : summary->rejected) {
      std::cout << "  rejected #" << r.index << (r.id.empty() ? "" : " " + r.id) << ": " << r.reason
                << "\n";
    }
    total_added += summary->added;
    total_dup += summary->duplicates;
    total_rejected += rejected;
    if (rejected > 0 && rc == kExitOk) rc = kExitFailed;
    if (RecordCli(db, "import", "channel:" + std::to_string(channel->id), std::nullopt,
                  {{"channel", channel->name},
                   {"file", file},
                   {"added", summary->added},
                   {"duplicates", summary->duplicates},
                   {"rejected", rejected}}) != kExitOk) {
      rc = kExitFailed;
    }
  }
  if (a.files.size() > 1) {
    std::cout << "total: " << total_added << " added, " << total_dup << " already present, "
              << total_rejected << " rejected\n";
  }
  return rc;
}

int RunImport(store::Store& db, const ImportArgs& a) {
  // Into an empty store, the indexes are built once at the end; whatever
  // happens in between, they are rebuilt here (or by the next open).
  auto bulk = db.BeginBulkLoad();
  if (!bulk) return Fail(bulk.error());
  int rc = ImportFiles(db, a);
  if (*bulk) {
    if (auto built = db.EndBulkLoad(); !built) {
      Fail("building the indexes after the import: " + built.error().message +
           " (the objects are stored; the next `ecrn` command on this database builds them)");
      if (rc == kExitOk) rc = kExitFailed;
    }
  }
  return rc;
}

struct ExportArgs {
  std::string channel;
  std::vector<std::string> types;
  std::string since;
  bool all_versions = false;
};

int RunExport(store::Store& db, const ExportArgs& a) {
  auto channel = db.FindChannel(a.channel);
  if (!channel) return Fail(channel.error(), kExitUsage);
  store::ObjectQuery q;
  q.channel_id = channel->id;
  q.types = a.types;
  q.all_versions = a.all_versions;
  q.limit = 5000;
  if (!a.since.empty()) {
    auto t = ParseTimestamp(a.since);
    if (!t) return Fail("--since: " + t.error().message, kExitUsage);
    q.added_after = t->micros;
  }
  // Streams page by page: the bundle is never held whole in memory.
  std::string out = R"({"type":"bundle","id":"bundle--)" + UuidV4() + R"(","objects":[)";
  bool first = true;
  int64_t exported = 0, red = 0;
  for (;;) {
    auto page = db.QueryObjects(q);
    if (!page) return Fail(page.error());
    for (const auto& o : *page) {
      if (!first) out += ',';
      first = false;
      out += o.json;
      ++exported;
      if (o.tlp == stix::TlpToken(stix::Tlp::kRed)) ++red;
    }
    std::cout << out;
    out.clear();
    if (page->size() < q.limit) break;
    q.after_pk = page->back().pk;
  }
  std::cout << "]}\n" << std::flush;
  if (!std::cout) return Fail("cannot write the bundle to standard output");
  boost::json::array types(a.types.begin(), a.types.end());
  return RecordCli(db, "export", "channel:" + std::to_string(channel->id), std::nullopt,
                   {{"channel", channel->name},
                    {"objects", exported},
                    {"red_objects", red},
                    {"types", std::move(types)},
                    {"since", a.since},
                    {"all_versions", a.all_versions}});
}

}  // namespace

void AddIntelCommands(CLI::App& app, Context& ctx) {
  auto* import = app.add_subcommand("import", "Import STIX 2.1 bundles into a channel");
  AddDbOption(import, ctx);
  auto ia = std::make_shared<ImportArgs>();
  import->add_option("files", ia->files, "STIX JSON files (bundles, lists or objects); - for stdin")
      ->required();
  import->add_option("--channel", ia->channel, "Channel name or id")->required();
  import->add_option("--red-recipient", ia->red_recipients,
                     "User (name or id) who may read the TLP:RED objects; repeatable");
  import->add_option("--batch-size", ia->batch_size, "Objects per transaction")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  import->add_flag("--strict", ia->strict, "Reject values outside the open vocabularies");
  import->add_flag("--quiet", ia->quiet, "No progress bar");
  RunWithDatabase(import, ctx, [ia](store::Store& db) { return RunImport(db, *ia); });

  auto* exp = app.add_subcommand("export", "Export a channel as a STIX 2.1 bundle on stdout");
  AddDbOption(exp, ctx);
  auto ea = std::make_shared<ExportArgs>();
  exp->add_option("--channel", ea->channel, "Channel name or id")->required();
  exp->add_option("--type", ea->types, "Only objects of this STIX type; repeatable");
  exp->add_option("--since", ea->since, "Only objects added to the channel after this timestamp");
  exp->add_flag("--all-versions", ea->all_versions, "Every stored version, not only the latest");
  RunWithDatabase(exp, ctx, [ea](store::Store& db) { return RunExport(db, *ea); });
}

}  // namespace ecrn::cli
