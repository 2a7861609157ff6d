// The sensor's side of a hub connection (`ecrn scan --hub URL --api-key
// KEY`): HubFeed pulls the indicators the key may read from every readable
// TAXII collection, first all of them and then, incrementally, what was added
// since (added_after per collection), keeping the latest version of each and
// the collection it came from; SendBatch posts a sealed batch of sightings
// and waits for the hub's status. Not thread-safe (one TaxiiClient).
#pragma once

#include <chrono>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/net/taxii_client.hpp"
#include "ecrn/scan/sightings.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::scan {

class HubFeed {
 public:
  // `client` must outlive the feed.
  explicit HubFeed(net::TaxiiClient& client, size_t page_size = 1000);

  // Fetches what is new in every readable collection (everything on the
  // first call). True when an indicator was added or changed. On an error
  // the feed keeps what it had and the next call starts where it stopped.
  Result<bool> Pull();

  // The latest version of each indicator (revoked ones included: the
  // matcher's loader drops them), in the order first received. Valid until
  // the next Pull.
  std::span<const stix::Object> Indicators() const { return latest_; }
  // The collection indicator `id` was read from (the first one, when several
  // collections hold it); empty for an indicator the feed does not know.
  std::string CollectionOf(const std::string& id) const;
  // The collections the key can read and write (after a Pull), by id.
  const std::map<std::string, net::TaxiiCollection>& collections() const { return collections_; }

  // The writable collection named `id_or_title`; when empty, the only
  // writable collection, or "" when there are several (then only indicators
  // from writable collections can be reported). kInvalidArgument when the
  // name matches no writable collection, or the key can write none.
  Result<std::string> FallbackCollection(const std::string& id_or_title) const;
  // Where the sightings of `indicator_id` go: the collection it came from
  // when the key may write it, else `fallback`.
  std::string SightingTarget(const std::string& indicator_id, const std::string& fallback) const;

 private:
  net::TaxiiClient& client_;
  size_t page_size_;
  std::map<std::string, std::string> added_after_;  // collection id → date added of the last seen
  struct Known {
    size_t index = 0;        // in latest_
    std::string collection;  // where it was first read
  };
  std::vector<stix::Object> latest_;    // the latest version of each indicator
  std::map<std::string, Known> known_;  // by indicator id
  std::map<std::string, net::TaxiiCollection> collections_;
};

// What became of a batch sent to the hub.
enum class SendOutcome {
  kAccepted,  // stored (or already stored: a resend)
  kRejected,  // the hub refused the objects for good (reasons in `detail`)
};

struct SendResult {
  SendOutcome outcome = SendOutcome::kAccepted;
  std::string detail;
};

// Posts the batch's sightings to its collection and waits (up to `wait`)
// for the status to complete. Errors (kUnavailable and the like) mean "try
// again later": the batch may or may not have arrived, and resending it is
// safe.
Result<SendResult> SendBatch(net::TaxiiClient& client, const SealedBatch& batch,
                             const SightingSource& source,
                             std::chrono::milliseconds wait = std::chrono::seconds(60));

}  // namespace ecrn::scan
