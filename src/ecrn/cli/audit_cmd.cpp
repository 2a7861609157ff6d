// `ecrn audit verify` (check the hash chains of the audit log and of every
// incident, and the stored evidence and packages; name what was altered) and
// `ecrn audit list` (entries as JSON lines, for operators).
#include <iostream>

#include <boost/json/serialize.hpp>

#include "ecrn/audit/record.hpp"
#include "ecrn/audit/verify.hpp"
#include "ecrn/cli/command.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn::cli {

void AddAuditCommands(CLI::App& app, Context& ctx) {
  auto* audit = app.add_subcommand("audit", "The hash-chained audit log");
  audit->require_subcommand(1);

  auto* verify = audit->add_subcommand(
      "verify",
      "Check the audit chain, every incident's timeline and custody chains, and the stored "
      "evidence files and packages against their hashes; exit 1 naming what was altered, 2 on "
      "errors");
  AddDbOption(verify, ctx);
  RunWithDatabase(
      verify, ctx,
      [](store::Store& s) {
        auto v = audit::VerifyAuditLog(s);
        if (!v) return Fail(v.error(), kExitUsage);
        auto incidents = audit::VerifyIncidents(s);
        if (!incidents) return Fail(incidents.error(), kExitUsage);
        if (v->intact()) {
          std::cout << "audit log intact: " << v->entries << " entries\n";
        } else {
          const audit::ChainBreak& b = *v->first_break;
          std::cout << "audit log BROKEN"
                    << (b.seq > 0 ? " at entry " + std::to_string(b.seq) : std::string()) << " ("
                    << audit::BreakKindName(b.kind) << "): " << b.message << "\n";
        }
        const audit::IncidentVerification& i = *incidents;
        if (i.intact()) {
          std::cout << "incidents intact: " << i.cases << " cases, " << i.timeline_entries
                    << " timeline entries, " << i.custody_entries << " custody entries, "
                    << i.evidence_files << " evidence files, " << i.packages << " packages\n";
        } else {
          std::cout << "incidents BROKEN: " << i.problems.size()
                    << (i.problems.size() == 1 ? " problem" : " problems") << "\n";
          for (const auto& problem : i.problems) std::cout << "  " << problem << "\n";
        }
        std::cout << std::flush;
        return v->intact() && i.intact() ? kExitOk : kExitFailed;
      },
      DbUse::kExisting);

  auto* list = audit->add_subcommand("list", "Print audit entries as JSON lines, oldest first");
  AddDbOption(list, ctx);
  struct Args {
    size_t limit = 100;
    std::string action;
    int64_t after = 0;
  };
  auto a = std::make_shared<Args>();
  list->add_option("--limit", a->limit, "At most this many entries")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  list->add_option("--action", a->action, "Only this action, e.g. login.failure");
  list->add_option("--after", a->after, "Only entries after this seq")
      ->check(CLI::Range(int64_t{0}, INT64_MAX));
  RunWithDatabase(
      list, ctx,
      [a](store::Store& s) {
        store::AuditQuery q;
        q.after_seq = a->after;
        q.limit = a->limit;
        if (!a->action.empty()) q.action = a->action;
        auto entries = s.ListAudit(q);
        if (!entries) return Fail(entries.error(), kExitUsage);
        for (const auto& e : *entries)
          std::cout << boost::json::serialize(audit::EntryJson(e)) << "\n";
        std::cout << std::flush;
        return std::cout ? kExitOk : Fail("cannot write to standard output");
      },
      DbUse::kExisting);
}

}  // namespace ecrn::cli
