// Private to evidence/: a case's hash chain (custody log or timeline) as the
// JSON file in a package, read back exactly (the detail is kept as its text,
// times as integer microseconds, so every entry's hash recomputes), and the
// chain check shared by building and verifying. Pure; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"

namespace ecrn::evidence {

// {"incident":..., "log":"custody"|"timeline", "entries":[{seq, time,
//  time_utc, actor_user_id, actor_org_id, actor, remote_addr, action,
//  target, subject_org_id, outcome, detail, prev_hash, hash}, ...]}
std::string ChainDocument(std::string_view incident_id, std::string_view log,
                          const std::vector<AuditEntry>& entries);

struct ParsedChain {
  std::string incident_id;
  std::string log;
  std::vector<AuditEntry> entries;
};
// kInvalidArgument naming the entry ("entry 4: ...") or the field at fault.
Result<ParsedChain> ParseChainDocument(std::string_view text);

// The first problem of a chain as "entry N: what is wrong", or nullopt when
// seq runs 1, 2, ... without gaps, each prev_hash is the previous entry's
// hash (kAuditGenesisHash for the first) and each hash is AuditEntryHash.
std::optional<std::string> ChainProblem(const std::vector<AuditEntry>& entries);

// The first kAcquireAction entry of each target ("evidence:<id>") in a custody
// log. The pointers and keys point into `custody`, which must outlive the map.
std::map<std::string_view, const AuditEntry*> FirstAcquisitions(
    const std::vector<AuditEntry>& custody);

}  // namespace ecrn::evidence
