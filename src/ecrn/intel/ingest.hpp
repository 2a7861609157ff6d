// Ingest: validates STIX objects, derives the columns and observables the
// store indexes, and stores them in a channel in batches (each batch one
// transaction, so an interrupted import leaves whole objects only and a
// re-run adds just what is missing). Ingestor is not thread-safe; it uses
// one helper thread internally to prepare the next batch while the current
// one is written.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/validate.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

// Why one object was not stored.
struct Rejection {
  size_t index = 0;  // position in the input
  std::string id;    // the object's id, "" when it has none
  std::string reason;
};

// One stored (or already present) object, when IngestOptions::record_outcomes.
struct Accepted {
  size_t index = 0;     // position in the input
  std::string id;       // the object's id
  std::string version;  // its modified (or created) timestamp as given, "" when none
  bool added = false;   // false: the channel already held this version
};

struct IngestSummary {
  size_t received = 0;
  size_t added = 0;
  size_t duplicates = 0;  // versions the channel already held
  size_t warnings = 0;    // objects stored with validation warnings
  std::vector<Rejection> rejected;
  std::vector<Accepted> accepted;  // only with IngestOptions::record_outcomes
};

struct IngestOptions {
  // Objects per transaction. Large batches matter on SQLite: every commit
  // rewrites the index pages the batch touched, and ids are random.
  size_t batch_size = 50000;
  stix::ValidationOptions validation;
  // Named recipients (user ids) attached to the TLP:RED objects.
  std::vector<int64_t> red_recipients;
  // The TLP token that governs objects without a TLP marking (the channel's
  // default); stored as their level. "" keeps them unmarked.
  std::string default_tlp;
  // Who shares the objects (0: an operator import).
  int64_t submitter_org = 0;
  int64_t submitter_user = 0;
  // Optional last check of each batch's valid rows before they are stored:
  // set vetoes[i] to a reason to reject rows[i] (vetoes has rows.size()
  // entries, all empty). Called on the calling thread.
  std::function<void(std::span<const store::NewObject> rows, std::vector<std::string>& vetoes)>
      screen;
  // Fill IngestSummary::accepted.
  bool record_outcomes = false;
  // Called after each batch is committed with (objects done, objects total).
  std::function<void(size_t, size_t)> progress;
};

// The storable form of one object, or why it cannot be stored.
struct PreparedObject {
  bool ok = false;
  store::NewObject row;
  std::string reason;  // when !ok
  bool has_warnings = false;
};

// Validates one object and derives its storage row. Pure; thread-safe.
PreparedObject PrepareObject(const stix::Object& object, const stix::ValidationOptions& options);

class Ingestor {
 public:
  // `store` and `clock` must outlive the Ingestor.
  Ingestor(store::Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // Stores `objects` into `channel_id`. Invalid objects are rejected (listed in
  // the summary) without affecting the others. Fails only when the store
  // fails; batches committed before the failure stay committed.
  Result<IngestSummary> Ingest(int64_t channel_id, const std::vector<stix::Object>& objects,
                               const IngestOptions& options);

 private:
  store::Store& store_;
  Clock& clock_;
};

}  // namespace ecrn::intel
