#include "ecrn/audit/verify.hpp"

#include <functional>
#include <limits>
#include <map>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/secrets.hpp"

namespace ecrn::audit {
namespace {

std::string Seq(int64_t seq) { return std::to_string(seq); }

ChainBreak Break(int64_t seq, BreakKind kind, std::string message) {
  return ChainBreak{seq, kind, std::move(message)};
}

// One hash chain to walk: the audit log or a chain of a case.
struct Chain {
  // What messages put before "entry N": "" for the audit log,
  // "incident incident--… custody " for a case's chain.
  std::string prefix;
  // Up to `limit` entries with seq > after_seq, in seq order.
  std::function<Result<std::vector<AuditEntry>>(int64_t after_seq, size_t limit)> page;
  // The stored entry of this chain whose hash is `hash`, if any.
  std::function<Result<std::optional<AuditEntry>>(const std::string& hash)> find_by_hash;
  // The head the store records (seq, hash); nullopt when it is missing.
  std::function<Result<std::optional<std::pair<int64_t, std::string>>>()> head;
  std::string head_missing;  // the message when it is
};

// Explains an entry whose hash does not match its content. An entry that was
// only moved (its seq changed) still links into the chain: its prev_hash is
// the hash of a stored entry other than its current predecessor. When the
// seq it was hashed with can be confirmed, the message names it.
Result<ChainBreak> ExplainMismatch(const Chain& chain, const AuditEntry& e,
                                   const std::string& expected_prev) {
  const std::string& p = chain.prefix;
  if (e.prev_hash != expected_prev) {
    std::optional<int64_t> predecessor;
    if (e.prev_hash == kAuditGenesisHash) {
      predecessor = 0;
    } else {
      ECRN_ASSIGN_OR_RETURN(auto pred, chain.find_by_hash(e.prev_hash));
      if (pred) predecessor = pred->seq;
    }
    if (predecessor) {
      std::string where;
      for (int64_t home : {*predecessor + 1, *predecessor}) {
        AuditEntry moved = e;
        moved.seq = home;
        if (home > 0 && home != e.seq && AuditEntryHash(moved) == e.hash) {
          where = "; it was written as entry " + Seq(home);
          break;
        }
      }
      return Break(e.seq, BreakKind::kOutOfOrder,
                   p + "entry " + Seq(e.seq) +
                       " is out of order: it follows the entry now at seq " + Seq(*predecessor) +
                       ", not entry " + Seq(e.seq - 1) + where);
    }
  }
  return Break(e.seq, BreakKind::kAltered,
               p + "entry " + Seq(e.seq) + " was altered: its hash does not match its content");
}

// Walks `chain` in seq order and returns the first break, if any.
Result<Verification> WalkChain(const Chain& chain, size_t page_size) {
  const std::string& p = chain.prefix;
  Verification v;
  std::string prev_hash(kAuditGenesisHash);
  int64_t last_seq = 0;
  const size_t limit = page_size == 0 ? 1 : page_size;
  for (;;) {
    ECRN_ASSIGN_OR_RETURN(
        auto page,
        chain.page(last_seq > 0 ? last_seq : std::numeric_limits<int64_t>::min(), limit));
    for (const AuditEntry& e : page) {
      const int64_t expected = last_seq + 1;
      if (e.seq < expected) {
        // Only seqs below 1 can come first: nothing may precede entry 1.
        v.first_break = Break(e.seq, BreakKind::kOutOfOrder,
                              p + "entry " + Seq(e.seq) + " is out of order: the log starts at 1");
        return v;
      }
      if (e.seq > expected) {
        v.first_break =
            Break(expected, BreakKind::kMissing,
                  e.seq == expected + 1 ? p + "entry " + Seq(expected) + " is missing (deleted)"
                                        : p + "entries " + Seq(expected) + " to " + Seq(e.seq - 1) +
                                              " are missing (deleted)");
        return v;
      }
      if (AuditEntryHash(e) != e.hash) {
        ECRN_ASSIGN_OR_RETURN(auto broken, ExplainMismatch(chain, e, prev_hash));
        v.first_break = std::move(broken);
        return v;
      }
      if (e.prev_hash != prev_hash) {
        v.first_break =
            Break(e.seq, BreakKind::kBrokenLink,
                  p + "entry " + Seq(e.seq) + " does not follow entry " + Seq(e.seq - 1) +
                      ": its prev_hash is not that entry's hash (entry " + Seq(e.seq - 1) +
                      " was altered and re-hashed, or this link was)");
        return v;
      }
      prev_hash = e.hash;
      last_seq = e.seq;
      ++v.entries;
    }
    if (page.size() < limit) break;
  }
  ECRN_ASSIGN_OR_RETURN(auto head, chain.head());
  if (!head) {
    v.first_break = Break(0, BreakKind::kHeadMissing, chain.head_missing);
  } else if (head->first > last_seq) {
    v.first_break =
        Break(last_seq + 1, BreakKind::kMissing,
              p + "entry " + Seq(last_seq + 1) + " is missing: the chain head records " +
                  Seq(head->first) + " entries (entries were deleted from the end)");
  } else if (head->first < last_seq) {
    v.first_break = Break(head->first + 1, BreakKind::kUnrecorded,
                          p + "entry " + Seq(head->first + 1) +
                              " is not recorded in the chain head, which ends at entry " +
                              Seq(head->first) + " (entries were added outside the log)");
  } else if (last_seq > 0 && head->second != prev_hash) {
    v.first_break = Break(last_seq, BreakKind::kAltered,
                          p + "entry " + Seq(last_seq) +
                              " was altered: its hash differs from the one the chain head records");
  }
  return v;
}

// What the acquisition entry of an evidence file recorded.
struct Acquisition {
  int64_t seq = 0;
  std::string sha256;  // "" when the entry names none
  std::optional<int64_t> size;
};

// The evidence uuid an acquisition entry is about (its detail's "evidence",
// else its target), with what it recorded; nullopt for other entries.
std::optional<std::pair<std::string, Acquisition>> AcquisitionOf(const AuditEntry& e) {
  if (e.action != "evidence.acquire") return std::nullopt;
  Acquisition a;
  a.seq = e.seq;
  std::string uuid = e.target;
  boost::json::error_code ec;
  boost::json::value detail = boost::json::parse(e.detail, ec);
  if (!ec && detail.is_object()) {
    const auto& o = detail.as_object();
    if (const auto* u = o.if_contains("evidence"); u && u->is_string()) uuid = u->as_string();
    if (const auto* h = o.if_contains("sha256"); h && h->is_string()) a.sha256 = h->as_string();
    if (const auto* n = o.if_contains("size"); n && n->is_int64()) a.size = n->as_int64();
  }
  return std::make_pair(std::move(uuid), std::move(a));
}

// Every acquisition recorded in a case's custody log, by evidence uuid (the
// first one of each), read whole and whether or not the chain is intact
// (a break is reported on its own).
Result<std::map<std::string, Acquisition>> Acquisitions(store::IncidentStore& inc, int64_t id,
                                                        size_t page_size) {
  std::map<std::string, Acquisition> out;
  std::optional<int64_t> after;
  for (;;) {
    ECRN_ASSIGN_OR_RETURN(auto page,
                          inc.ListIncidentLog(id, store::IncidentLog::kCustody, after, page_size));
    for (const auto& e : page) {
      if (auto a = AcquisitionOf(e)) out.emplace(std::move(*a));
    }
    if (page.size() < page_size || page.empty()) return out;
    after = page.back().seq;
  }
}

// A case's chain for WalkChain. `head` is read again after the walk.
Chain IncidentChain(store::Store& store, const store::IncidentRow& row, store::IncidentLog log,
                    size_t page_size) {
  store::IncidentStore& inc = store.Incidents();
  const std::string name(log == store::IncidentLog::kTimeline ? "timeline" : "custody");
  Chain c;
  c.prefix = "incident " + row.stix_id + " " + name + " ";
  const int64_t id = row.id;
  c.page = [&inc, id, log](int64_t after, size_t limit) {
    return inc.ListIncidentLog(id, log, after, limit);
  };
  c.find_by_hash = [&inc, id, log,
                    page_size](const std::string& hash) -> Result<std::optional<AuditEntry>> {
    std::optional<int64_t> after;
    for (;;) {
      ECRN_ASSIGN_OR_RETURN(auto page, inc.ListIncidentLog(id, log, after, page_size));
      for (auto& e : page) {
        if (e.hash == hash) return std::optional<AuditEntry>(std::move(e));
      }
      if (page.size() < page_size || page.empty()) return std::optional<AuditEntry>();
      after = page.back().seq;
    }
  };
  c.head = [&inc, id, log]() -> Result<std::optional<std::pair<int64_t, std::string>>> {
    ECRN_ASSIGN_OR_RETURN(auto now, inc.GetIncident(std::to_string(id)));
    const store::ChainHead& h =
        log == store::IncidentLog::kTimeline ? now.timeline_head : now.custody_head;
    return std::optional<std::pair<int64_t, std::string>>(std::make_pair(h.seq, h.hash));
  };
  return c;
}

// Checks the evidence files of one case against their acquisition entries.
Result<void> VerifyEvidence(store::IncidentStore& inc, const store::IncidentRow& row,
                            const std::map<std::string, Acquisition>& acquired,
                            IncidentVerification& out) {
  ECRN_ASSIGN_OR_RETURN(auto files, inc.ListEvidence(row.id));
  for (const store::EvidenceMeta& meta : files) {
    ++out.evidence_files;
    const std::string name =
        "evidence " + meta.uuid + " (" + meta.file_name + ") of incident " + row.stix_id + ": ";
    auto file = inc.ReadEvidence(meta.uuid);
    if (!file.ok()) {
      if (file.error().code != ErrorCode::kNotFound) return std::move(file).error();
      out.problems.push_back(name + "its content is missing from the database");
      continue;
    }
    const std::string content = Sha256Hex(file->data);
    const int64_t size = static_cast<int64_t>(file->data.size());
    auto a = acquired.find(meta.uuid);
    if (a == acquired.end() || a->second.sha256.empty()) {
      out.problems.push_back(
          name + (a == acquired.end() ? "no acquisition entry (evidence.acquire) in the custody log"
                                      : "its acquisition entry (custody entry " +
                                            Seq(a->second.seq) + ") records no SHA-256"));
    } else {
      const Acquisition& acq = a->second;
      if (content != acq.sha256) {
        out.problems.push_back(name + "content SHA-256 " + content +
                               " does not match the acquisition hash " + acq.sha256 +
                               " (custody entry " + Seq(acq.seq) + ")");
      }
      if (meta.sha256 != acq.sha256) {
        out.problems.push_back(name + "stored SHA-256 " + meta.sha256 +
                               " does not match the acquisition hash " + acq.sha256 +
                               " (custody entry " + Seq(acq.seq) + ")");
      }
      if (acq.size && *acq.size != size) {
        out.problems.push_back(name + "content is " + Seq(size) + " bytes, the acquisition (" +
                               "custody entry " + Seq(acq.seq) + ") recorded " + Seq(*acq.size));
      }
    }
    if (content != meta.sha256 && (a == acquired.end() || a->second.sha256.empty())) {
      out.problems.push_back(name + "content SHA-256 " + content +
                             " does not match its stored SHA-256 " + meta.sha256);
    }
    if (size != meta.size) {
      out.problems.push_back(name + "content is " + Seq(size) + " bytes, its stored size " +
                             Seq(meta.size));
    }
  }
  return Ok();
}

Result<void> VerifyPackages(store::IncidentStore& inc, const store::IncidentRow& row,
                            IncidentVerification& out) {
  store::PackageQuery q;
  q.incident_id = row.id;
  q.limit = std::numeric_limits<int64_t>::max();
  ECRN_ASSIGN_OR_RETURN(auto packages, inc.ListPackages(q));
  for (const store::PackageRow& p : packages) {
    ++out.packages;
    const std::string name = "package " + p.uuid + " of incident " + row.stix_id + ": ";
    auto file = inc.ReadPackage(p.uuid);
    if (!file.ok()) {
      if (file.error().code != ErrorCode::kNotFound) return std::move(file).error();
      out.problems.push_back(name + "its zip is missing from the database");
      continue;
    }
    const std::string content = Sha256Hex(file->zip);
    if (content != p.sha256) {
      out.problems.push_back(name + "zip SHA-256 " + content +
                             " does not match its stored SHA-256 " + p.sha256);
    }
    if (static_cast<int64_t>(file->zip.size()) != p.size) {
      out.problems.push_back(name + "zip is " + Seq(static_cast<int64_t>(file->zip.size())) +
                             " bytes, its stored size " + Seq(p.size));
    }
  }
  return Ok();
}

}  // namespace

std::string_view BreakKindName(BreakKind kind) {
  switch (kind) {
    case BreakKind::kAltered:
      return "altered";
    case BreakKind::kMissing:
      return "missing";
    case BreakKind::kOutOfOrder:
      return "out of order";
    case BreakKind::kBrokenLink:
      return "broken link";
    case BreakKind::kUnrecorded:
      return "unrecorded";
    case BreakKind::kHeadMissing:
      return "head missing";
  }
  return "unknown";
}

Result<Verification> VerifyAuditLog(store::Store& store, size_t page_size) {
  Chain c;
  c.page = [&store](int64_t after, size_t limit) {
    store::AuditQuery q;
    if (after > 0) q.after_seq = after;
    q.limit = limit;
    return store.ListAudit(q);
  };
  c.find_by_hash = [&store](const std::string& hash) -> Result<std::optional<AuditEntry>> {
    store::AuditQuery q;
    q.hash = hash;
    q.limit = 1;
    ECRN_ASSIGN_OR_RETURN(auto found, store.ListAudit(q));
    if (found.empty()) return std::optional<AuditEntry>();
    return std::optional<AuditEntry>(std::move(found.front()));
  };
  c.head = [&store]() -> Result<std::optional<std::pair<int64_t, std::string>>> {
    ECRN_ASSIGN_OR_RETURN(auto head, store.AuditChainHead());
    if (!head) return std::optional<std::pair<int64_t, std::string>>();
    return std::optional<std::pair<int64_t, std::string>>(std::make_pair(head->seq, head->hash));
  };
  c.head_missing =
      "the chain head record (audit_head) is missing; entries deleted from the end cannot be "
      "ruled out";
  return WalkChain(c, page_size);
}

Result<IncidentVerification> VerifyIncidents(store::Store& store, size_t page_size) {
  IncidentVerification out;
  store::IncidentStore& inc = store.Incidents();
  const size_t page = page_size == 0 ? 1 : page_size;
  store::IncidentQuery q;
  q.oldest_first = true;
  q.limit = 100;
  for (;;) {
    ECRN_ASSIGN_OR_RETURN(auto rows, inc.ListIncidents(q));
    for (const store::IncidentRow& row : rows) {
      ++out.cases;
      for (auto log : {store::IncidentLog::kTimeline, store::IncidentLog::kCustody}) {
        ECRN_ASSIGN_OR_RETURN(Verification v,
                              WalkChain(IncidentChain(store, row, log, page), page_size));
        (log == store::IncidentLog::kTimeline ? out.timeline_entries : out.custody_entries) +=
            v.entries;
        if (v.first_break) out.problems.push_back(v.first_break->message);
      }
      ECRN_ASSIGN_OR_RETURN(auto acquired, Acquisitions(inc, row.id, page));
      ECRN_TRY(VerifyEvidence(inc, row, acquired, out));
      ECRN_TRY(VerifyPackages(inc, row, out));
    }
    if (rows.size() < q.limit) break;
    q.after_id = rows.back().id;
  }
  return out;
}

}  // namespace ecrn::audit
