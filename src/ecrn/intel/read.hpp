// Reading stored intel on behalf of a caller: the defence-in-depth filter
// every read path applies to store results, and the object detail (versions,
// relationships, correlations, sighting counts) computed only over objects
// the caller may read. Thread-safe (the Store is).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/intel/sightings.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

// Keeps the rows `p` may read (policy::CanRead, RED recipients looked up).
// Store queries already filter with policy::VisibilityFor; a row dropped
// here means that filter failed, and `on_leak` (if set) is told.
Result<std::vector<store::StoredObject>> KeepReadable(
    store::Store& store, const policy::Principal& p, std::vector<store::StoredObject> rows,
    const std::function<void(const std::string&)>& on_leak = {});

// Whether `p` may read a stored version in `channel_id` whose TLP token is
// `tlp` ("" when unmarked) with these RED recipients: the test KeepReadable
// applies to each row (policy::CanRead).
bool MayReadRow(const policy::Principal& p, int64_t channel_id, std::string_view tlp,
                std::span<const int64_t> recipients);

// The stored rows of `ids` (every channel; every version when
// `all_versions`), restricted by `visible_to`, queried in chunks the store's
// parameter limits allow. nullopt reads every row: only for a caller that
// then applies MayReadRow per reader itself (intel::ArrivalContext).
Result<std::vector<store::StoredObject>> RowsOfIds(store::Store& store,
                                                   std::vector<std::string> ids, bool all_versions,
                                                   std::optional<store::Visibility> visible_to);

// The latest version `p` may read of each of `ids` (in any channel; one row
// per id: the one with the newest `modified`, then the newest date_added).
Result<std::vector<store::StoredObject>> ReadableLatest(store::Store& store,
                                                        const policy::Principal& p,
                                                        std::vector<std::string> ids);

// Another object as a detail page names it.
struct RelatedObject {
  std::string id;
  std::string type;
  std::string name;  // "" when it has none
  int64_t channel_id = 0;
};

struct RelationshipView {
  std::string id;
  std::string relationship_type;
  bool outgoing = true;  // this object is the source
  RelatedObject other;
};

struct Correlation {
  std::string kind;
  std::string value;
  std::vector<RelatedObject> objects;  // other readable objects naming the value
};

struct ObjectDetail {
  store::StoredObject latest;         // the version shown
  std::vector<std::string> versions;  // every readable modified, newest first
  std::vector<RelationshipView> relationships;
  std::vector<Correlation> correlations;
  // The readable sightings of it, folded (intel/sightings.hpp) at the
  // store's clock time `now` passed to Describe.
  SightingAggregate sightings;
};

// kNotFound when `p` can read no version of `stix_id`.
// `now` places the aggregate's 24-hour window.
Result<ObjectDetail> Describe(store::Store& store, const policy::Principal& p,
                              const std::string& stix_id, Micros now);

// The "name" of a stored object's JSON ("" when absent).
std::string NameOf(const store::StoredObject& o);
// Its "name" and "description" ("" when absent), from one parse.
struct Texts {
  std::string name;
  std::string description;
};
Texts TextsOf(const store::StoredObject& o);

}  // namespace ecrn::intel
