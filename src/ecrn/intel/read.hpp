// Reading stored intel on behalf of a caller: the defence-in-depth filter
// every read path applies to store results, and the object detail (versions,
// relationships, correlations, sighting counts) computed only over objects
// the caller may read. Thread-safe (the Store is).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

// Keeps the rows `p` may read (policy::CanRead, RED recipients looked up).
// Store queries already filter with policy::VisibilityFor; a row dropped
// here means that filter failed, and `on_leak` (if set) is told.
Result<std::vector<store::StoredObject>> KeepReadable(
    store::Store& store, const policy::Principal& p, std::vector<store::StoredObject> rows,
    const std::function<void(const std::string&)>& on_leak = {});

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
  int64_t sightings = 0;  // sum of `count` (1 when absent) over readable sightings of it
};

// kNotFound when `p` can read no version of `stix_id`.
Result<ObjectDetail> Describe(store::Store& store, const policy::Principal& p,
                              const std::string& stix_id);

// The "name" of a stored object's JSON ("" when absent).
std::string NameOf(const store::StoredObject& o);
// Its "name" and "description" ("" when absent), from one parse.
struct Texts {
  std::string name;
  std::string description;
};
Texts TextsOf(const store::StoredObject& o);

}  // namespace ecrn::intel
