// Verification of the hash-chained audit log: walks every entry in seq order
// (page by page, so a large log is never loaded whole) and reports the first
// entry that breaks the chain. Likewise every incident's timeline and custody
// chains, and the stored bytes of every evidence file and crime-report
// package against their recorded hashes. Thread-safe as far as the Store is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::audit {

// What is wrong with the first broken entry.
enum class BreakKind {
  kAltered,      // its hash does not match its content (or the chain head's record of it)
  kMissing,      // the entry with this seq is gone (deleted)
  kOutOfOrder,   // an intact entry that belongs elsewhere in the chain (seqs were swapped)
  kBrokenLink,   // its prev_hash is not its predecessor's hash (the predecessor was
                 // altered and re-hashed, or this link was)
  kUnrecorded,   // entries after the one the chain head records (added behind the store's back)
  kHeadMissing,  // the chain head row itself is gone
};

// "altered", "missing", "out of order", "broken link", "unrecorded", "head missing".
std::string_view BreakKindName(BreakKind kind);

struct ChainBreak {
  int64_t seq = 0;  // the first broken entry (0 for kHeadMissing)
  BreakKind kind = BreakKind::kAltered;
  std::string message;  // one sentence for the operator, naming the seq
};

struct Verification {
  int64_t entries = 0;  // entries read
  std::optional<ChainBreak> first_break;
  bool intact() const { return !first_break; }
};

// Checks, for each entry in seq order: seq continuity from 1 (a gap is a
// missing entry), the hash recomputed over its content (core/audit_chain.hpp),
// the link to its predecessor's hash (kAuditGenesisHash for entry 1); then the
// last entry against the chain head (entries deleted from the end). Stops at
// the first break. Fails only when the store fails (the log could not be read).
Result<Verification> VerifyAuditLog(store::Store& store, size_t page_size = 1000);

// What VerifyIncidents found.
struct IncidentVerification {
  int64_t cases = 0;
  int64_t timeline_entries = 0;  // intact entries read
  int64_t custody_entries = 0;
  int64_t evidence_files = 0;
  int64_t packages = 0;
  // One sentence per problem, naming the case, chain and entry, or the
  // evidence file or package, and what does not match.
  std::vector<std::string> problems;
  bool intact() const { return problems.empty(); }
};

// For every case, in id order: both chains (timeline, custody) checked like
// the audit log — seq continuity, recomputed hashes, links, the last entry
// against the head the case row records — reporting the first break of each
// chain. Then each evidence file: the SHA-256 of its stored bytes must equal
// the SHA-256 recorded in its acquisition entry of the custody log (action
// "evidence.acquire", target or detail "evidence" = the file's uuid, detail
// "sha256") and the one in its metadata, and its size the recorded size; so
// altering the bytes and the metadata together is still caught. Each package
// zip must match its recorded SHA-256 and size. Fails only when the store
// fails.
Result<IncidentVerification> VerifyIncidents(store::Store& store, size_t page_size = 1000);

}  // namespace ecrn::audit
