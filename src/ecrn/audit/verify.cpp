#include "ecrn/audit/verify.hpp"

#include "ecrn/core/audit_chain.hpp"

namespace ecrn::audit {
namespace {

std::string Seq(int64_t seq) { return std::to_string(seq); }

ChainBreak Break(int64_t seq, BreakKind kind, std::string message) {
  return ChainBreak{seq, kind, std::move(message)};
}

// The stored entry whose hash is `hash`, if any.
Result<std::optional<AuditEntry>> FindByHash(store::Store& store, const std::string& hash) {
  store::AuditQuery q;
  q.hash = hash;
  q.limit = 1;
  ECRN_ASSIGN_OR_RETURN(auto found, store.ListAudit(q));
  if (found.empty()) return std::optional<AuditEntry>();
  return std::optional<AuditEntry>(std::move(found.front()));
}

// Explains an entry whose hash does not match its content. An entry that was
// only moved (its seq changed) still links into the chain: its prev_hash is
// the hash of a stored entry other than its current predecessor. When the
// seq it was hashed with can be confirmed, the message names it.
Result<ChainBreak> ExplainMismatch(store::Store& store, const AuditEntry& e,
                                   const std::string& expected_prev) {
  if (e.prev_hash != expected_prev) {
    std::optional<int64_t> predecessor;
    if (e.prev_hash == kAuditGenesisHash) {
      predecessor = 0;
    } else {
      ECRN_ASSIGN_OR_RETURN(auto pred, FindByHash(store, e.prev_hash));
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
                   "entry " + Seq(e.seq) + " is out of order: it follows the entry now at seq " +
                       Seq(*predecessor) + ", not entry " + Seq(e.seq - 1) + where);
    }
  }
  return Break(e.seq, BreakKind::kAltered,
               "entry " + Seq(e.seq) + " was altered: its hash does not match its content");
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
  Verification v;
  std::string prev_hash(kAuditGenesisHash);
  int64_t last_seq = 0;
  store::AuditQuery q;
  q.limit = page_size == 0 ? 1 : page_size;
  for (;;) {
    if (last_seq > 0) q.after_seq = last_seq;
    ECRN_ASSIGN_OR_RETURN(auto page, store.ListAudit(q));
    for (const AuditEntry& e : page) {
      const int64_t expected = last_seq + 1;
      if (e.seq < expected) {
        // Only seqs below 1 can come first: nothing may precede entry 1.
        v.first_break = Break(e.seq, BreakKind::kOutOfOrder,
                              "entry " + Seq(e.seq) + " is out of order: the log starts at 1");
        return v;
      }
      if (e.seq > expected) {
        v.first_break = Break(
            expected, BreakKind::kMissing,
            e.seq == expected + 1
                ? "entry " + Seq(expected) + " is missing (deleted)"
                : "entries " + Seq(expected) + " to " + Seq(e.seq - 1) + " are missing (deleted)");
        return v;
      }
      if (AuditEntryHash(e) != e.hash) {
        ECRN_ASSIGN_OR_RETURN(auto broken, ExplainMismatch(store, e, prev_hash));
        v.first_break = std::move(broken);
        return v;
      }
      if (e.prev_hash != prev_hash) {
        v.first_break = Break(e.seq, BreakKind::kBrokenLink,
                              "entry " + Seq(e.seq) + " does not follow entry " + Seq(e.seq - 1) +
                                  ": its prev_hash is not that entry's hash (entry " +
                                  Seq(e.seq - 1) + " was altered and re-hashed, or this link was)");
        return v;
      }
      prev_hash = e.hash;
      last_seq = e.seq;
      ++v.entries;
    }
    if (page.size() < q.limit) break;
  }
  ECRN_ASSIGN_OR_RETURN(auto head, store.AuditChainHead());
  if (!head) {
    v.first_break = Break(0, BreakKind::kHeadMissing,
                          "the chain head record (audit_head) is missing; entries deleted from "
                          "the end cannot be ruled out");
  } else if (head->seq > last_seq) {
    v.first_break = Break(last_seq + 1, BreakKind::kMissing,
                          "entry " + Seq(last_seq + 1) + " is missing: the chain head records " +
                              Seq(head->seq) + " entries (entries were deleted from the end)");
  } else if (head->seq < last_seq) {
    v.first_break = Break(head->seq + 1, BreakKind::kUnrecorded,
                          "entry " + Seq(head->seq + 1) +
                              " is not recorded in the chain head, which ends at entry " +
                              Seq(head->seq) + " (entries were added outside the audit log)");
  } else if (last_seq > 0 && head->hash != prev_hash) {
    v.first_break = Break(last_seq, BreakKind::kAltered,
                          "entry " + Seq(last_seq) +
                              " was altered: its hash differs from the one the chain head records");
  }
  return v;
}

}  // namespace ecrn::audit
