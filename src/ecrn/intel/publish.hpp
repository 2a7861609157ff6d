// Publishing intel into a channel on behalf of a network user (TAXII POST,
// REST submissions): the policy checks around Ingestor. Thread-safe (each
// call uses its own Ingestor; the Store is thread-safe).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/intel/ingest.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

struct PublishOptions {
  // Users who may read the TLP:RED objects besides the submitter (who always
  // may). Each must belong to an organisation that reads the channel.
  std::vector<int64_t> red_recipients;
  stix::ValidationOptions validation;
};

// Stores `objects` in `channel` as `submitter`: each object is validated;
// unmarked objects take the channel's default TLP; RED objects go to the
// submitter and the named recipients; an object whose created_by_ref names
// another member organisation's identity, or that adds a version to an
// object another organisation shared, is rejected (with a reason) without
// affecting the others.
// Fails: kPermissionDenied when the submitter may not write the channel,
// kInvalidArgument for a recipient who cannot read it (nothing is stored),
// or the store's error.
Result<IngestSummary> Publish(store::Store& store, Clock& clock, const policy::Principal& submitter,
                              const store::Channel& channel,
                              const std::vector<stix::Object>& objects,
                              const PublishOptions& options);

}  // namespace ecrn::intel
