// Private to store/: what both backends of IncidentStore check and build the
// same way (evidence and package contents, chain entries, webhook event
// lists). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/store/incident_store.hpp"

namespace ecrn::store {

// The token a chain is stored under: "timeline" or "custody".
std::string_view IncidentLogName(IncidentLog log);

// The head of a chain as stored with its case: seq, hash and the time of its
// last entry (times never go back along a chain).
struct StoredChainHead {
  int64_t seq = 0;
  std::string hash;
  Micros time = 0;
};

// The entry that follows `head` (validated like Store::AppendAudit); `head`
// is advanced to it. kInvalidArgument naming the bad field.
Result<AuditEntry> NextChainEntry(const AuditRecord& record, StoredChainHead& head);

// The metadata to store for evidence `data`: size and SHA-256 must match the
// bytes (the SHA-256 compared case-insensitively, stored lower case), the
// case must be named, and the uuid is assigned when empty.
Result<EvidenceMeta> CheckedEvidence(const EvidenceMeta& meta, std::string_view data);

// The row to store for package `zip`: sha256 and size, when given (not ""
// and not 0), must match the zip and are filled in otherwise; the uuid is
// assigned when empty.
Result<PackageRow> CheckedPackage(const PackageRow& row, std::string_view zip);

// Webhook event lists as stored: a JSON array of strings, and back
// (unreadable text gives an empty list).
std::string EventsJson(const std::vector<std::string>& events);
std::vector<std::string> EventsFromJson(std::string_view json);

// True when `text` is a numeric id (what Get*/Read* try before a uuid).
bool IsNumericId(std::string_view text);

// The error for a case that does not exist.
Error NoSuchIncident(std::string_view id);

}  // namespace ecrn::store
