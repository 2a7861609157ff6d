// The hub's side of the audit log: entries for what callers of the hub do
// (logins, key use, administration, submissions, deletions, exports, reads
// of TLP:RED objects), naming the acting user and organisation, the peer
// address and the request id. Callers append after the store has committed
// the change and fail the request when the append fails, so no write is
// acknowledged unaudited and no audited read is served unaudited.
// Thread-safe (the Store is; the key-use table locks).
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "ecrn/audit/record.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/intel/ingest.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

class AuditTrail {
 public:
  // `store` and `clock` must outlive the trail. Uses of one API key are
  // recorded at most once per `key_use_window` by this process.
  AuditTrail(store::Store& store, Clock& clock, Micros key_use_window = kDefaultKeyUseWindow);

  static constexpr Micros kDefaultKeyUseWindow = 10LL * 60 * 1'000'000;

  // Appends `event` done by `who` (nullptr: a caller who is not
  // authenticated, labelled "anonymous") in `request`: the peer address and
  // the request id (detail "request_id") come from it. Fails with
  // kUnavailable when the store refuses the entry (its error in the detail);
  // the caller must then fail the request.
  Result<void> Record(const Request& request, const policy::Principal* who, audit::Event event);

  // Records that `who` was shown the TLP:RED rows among `rows` (nothing when
  // there are none): one "red.read" entry per submitting organisation
  // (subject), target the object id when the entry names one object, else
  // `target`; detail {"endpoint": endpoint, "red_ids": [...]}.
  Result<void> RecordRedReads(const Request& request, const policy::Principal& who,
                              std::span<const store::StoredObject> rows, std::string_view endpoint,
                              std::string_view target);

  // "object.submit" for one submission of `objects` into `channel` by `who`
  // (`via`: "rest" or "taxii"): target "channel:<id>", subject the
  // submitter's organisation, detail {via, channel_id, added: [ids of the
  // versions stored], duplicates, rejected, red_ids: [the added ones that are
  // TLP:RED]}.
  Result<void> RecordSubmission(const Request& request, const policy::Principal& who,
                                const store::Channel& channel,
                                const std::vector<stix::Object>& objects,
                                const intel::IngestSummary& summary, std::string_view via);

  // "apikey.used" (or, with `refusal` set, "login.failure" for that reason)
  // for API key `key_id` of `owner`, unless this process recorded the same
  // for the key within the window. A failed append is retried at the next use.
  Result<void> RecordKeyUse(const Request& request, const store::User& owner, int64_t key_id,
                            std::string_view refusal = {});
  // True when RecordKeyUse(.., key_id) would write nothing now (this
  // process recorded the key's use within the window). Never blocks on I/O.
  bool KeyUseRecorded(int64_t key_id);

 private:
  store::Store& store_;
  Clock& clock_;
  Micros key_use_window_;
  std::mutex mu_;
  std::unordered_map<std::string, Micros> key_uses_;  // guarded by mu_: "used:ID" -> when
};

// True when a stored row is TLP:RED (its TLP token; unmarked rows carry
// their channel's default from ingest).
bool IsRed(const store::StoredObject& row);

}  // namespace ecrn::http
