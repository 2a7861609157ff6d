// Appending to the audit log from anywhere (the CLI and the hub share this):
// who acted, what they did to what, turned into an AuditRecord with untrusted
// text made storable, and the one JSON shape of an entry that `ecrn audit
// list` prints and GET /api/v1/audit returns. Thread-safe as far as the
// Store is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::audit {

// Who acted.
struct Actor {
  std::optional<int64_t> user_id;
  std::optional<int64_t> org_id;
  std::string label;        // a username, "cli:<OS user>", "anonymous"
  std::string remote_addr;  // "" when local
};

// What they did.
struct Event {
  std::string action;  // dotted token: "login.failure", "object.submit", ...
  std::string target;  // what was acted on: "user:12", "channel:3", a STIX id, or ""
  std::optional<int64_t> subject_org_id;  // the organisation the target belongs to
  std::string outcome = "success";
  boost::json::object detail;
};

// The detail key listing the TLP:RED object ids an entry names (in its
// target or elsewhere in its detail). Readers other than network admins are
// shown such an entry only when they may read every one of those objects
// (see http/audit_trail.hpp); entries naming RED objects must list them here.
inline constexpr std::string_view kRedIdsKey = "red_ids";

// Appends `event` by `actor` at time `now`. Text that is not valid UTF-8
// (or holds NUL) is replaced per AuditSafeText, so untrusted input (a typed
// username) never makes the append fail. Returns the stored entry, or the
// store's error (nothing was appended).
Result<AuditEntry> Record(store::Store& store, Micros now, const Actor& actor, const Event& event);

// The entry as JSON: seq, time (RFC 3339, microseconds), actor_user_id,
// actor_org_id, actor (the label), remote_addr, action, target,
// subject_org_id, outcome, detail (parsed; the raw text when it is not JSON),
// prev_hash, hash.
boost::json::object EntryJson(const AuditEntry& entry);

// The ids listed under kRedIdsKey in an entry's detail (empty when none);
// nullopt when the detail is not a JSON object (a tampered entry), so that
// callers deciding who may see the entry can refuse it.
std::optional<std::vector<std::string>> RedIdsOf(const AuditEntry& entry);

}  // namespace ecrn::audit
