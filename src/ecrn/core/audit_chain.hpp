// The audit log's entry values and the one definition of its hash chain:
// hash = SHA-256 over a canonical, length-prefixed encoding of every field of
// an entry, its sequence number and its predecessor's hash included. Lives in
// core so that the store (which assigns seq and prev_hash inside its append
// transaction) and the audit verifier share it. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ecrn/core/time.hpp"

namespace ecrn {

// What a caller appends to the audit log.
struct AuditRecord {
  Micros time = 0;                        // when it happened (server clock)
  std::optional<int64_t> actor_user_id;   // the acting user, when known
  std::optional<int64_t> actor_org_id;    // the acting user's organisation, when known
  std::string actor_label;                // e.g. a username, "cli:root", "anonymous"
  std::string remote_addr;                // client address, "" when local
  std::string action;                     // dotted token: "login.failure", "object.create", ...
  std::string target;                     // what was acted on (an id), may be empty
  std::optional<int64_t> subject_org_id;  // the organisation the target belongs to, when any
  std::string outcome;                    // "success", "failure", "denied", ...
  std::string detail = "{}";              // a JSON object (text); "" is stored as "{}"
};

// A stored entry: the record plus its place in the chain.
struct AuditEntry : AuditRecord {
  int64_t seq = 0;        // 1, 2, 3, ... without gaps
  std::string prev_hash;  // the hash of entry seq-1; kAuditGenesisHash for seq 1
  std::string hash;       // AuditEntryHash(*this), lower-case hex
};

// The prev_hash of the first entry: 64 zeros (no entry's hash can be it).
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The canonical encoding hashed for an entry (every field but `hash`):
//   "ECRN-AUDIT-1"                       (domain separation and version)
//   then, in this order, each field encoded as
//     integer:          'i' + 8 bytes big-endian two's complement
//     optional integer: 'n' when absent, else 'i' + 8 bytes as above
//     text:             's' + 8 bytes big-endian byte length + the bytes
//   seq, time, actor_user_id, actor_org_id, actor_label, remote_addr, action,
//   target, subject_org_id, outcome, detail, prev_hash.
// No two different entries share an encoding. Returned by value.
std::string AuditCanonicalEncoding(const AuditEntry& entry);

// SHA-256 of AuditCanonicalEncoding(entry), as 64 lower-case hex digits.
// `entry.hash` is ignored.
std::string AuditEntryHash(const AuditEntry& entry);

// True when `text` may be stored in an audit field: valid UTF-8 without NUL
// bytes (so both backends store exactly the bytes that were hashed).
bool AuditTextIsValid(std::string_view text);
// `text` with every invalid UTF-8 sequence and every NUL replaced by U+FFFD:
// for logging untrusted input (a typed username) without rejecting the entry.
std::string AuditSafeText(std::string_view text);

}  // namespace ecrn
