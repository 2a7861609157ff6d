#include "ecrn/intel/ingest.hpp"

#include <algorithm>
#include <future>
#include <iterator>

#include "ecrn/intel/observables.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::intel {
namespace {

std::string Reason(const std::vector<stix::Finding>& findings) {
  std::string out;
  int shown = 0;
  for (const auto& f : findings) {
    if (f.severity != stix::Severity::kError) continue;
    if (shown == 3) {
      out += "; ...";
      break;
    }
    if (shown++) out += "; ";
    out += f.property.empty() ? f.message : f.property + ": " + f.message;
  }
  return out;
}

using Batch = std::vector<PreparedObject>;

Batch PrepareRange(const std::vector<stix::Object>& objects, size_t begin, size_t end,
                   const stix::ValidationOptions& options) {
  Batch batch;
  batch.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) batch.push_back(PrepareObject(objects[i], options));
  return batch;
}

// The first batch: nothing can be written before it is ready, so both
// threads prepare it, half each.
Batch PrepareFirst(const std::vector<stix::Object>& objects, size_t end,
                   const stix::ValidationOptions& options) {
  const size_t mid = end / 2;
  auto head =
      std::async(std::launch::async, PrepareRange, std::cref(objects), 0, mid, std::cref(options));
  Batch tail = PrepareRange(objects, mid, end, options);
  Batch batch = head.get();
  batch.insert(batch.end(), std::make_move_iterator(tail.begin()),
               std::make_move_iterator(tail.end()));
  return batch;
}

}  // namespace

PreparedObject PrepareObject(const stix::Object& object, const stix::ValidationOptions& options) {
  PreparedObject p;
  auto findings = stix::Validate(object, options);
  if (stix::HasErrors(findings)) {
    p.reason = Reason(findings);
    return p;
  }
  p.has_warnings = !findings.empty();
  auto& row = p.row;
  row.stix_id = std::string(object.id());
  row.type = std::string(object.type());
  row.spec_version = object.spec_version().empty() ? "2.1" : std::string(object.spec_version());
  if (auto created = object.created(); !created.empty()) {
    auto t = ParseTimestamp(created);
    if (t.ok()) row.created = t->micros;
  }
  if (auto modified = object.modified(); !modified.empty()) {
    auto t = ParseTimestamp(modified);
    if (t.ok()) row.modified = t->micros;
    row.modified_text = std::string(modified);
  } else {
    // Objects without versions (SCOs, marking definitions) are keyed by
    // `created` when they have one, else 0: one version per id.
    row.modified = row.created;
  }
  row.created_by = std::string(object.created_by_ref());
  if (auto tlp = stix::ObjectTlp(object)) row.tlp = std::string(stix::TlpToken(*tlp));
  row.json = stix::Serialize(object);
  ExtractObservables(object, row.observables);
  p.ok = true;
  return p;
}

Result<IngestSummary> Ingestor::Ingest(int64_t channel_id, const std::vector<stix::Object>& objects,
                                       const IngestOptions& options) {
  IngestSummary summary;
  summary.received = objects.size();
  const size_t batch_size = std::max<size_t>(1, options.batch_size);
  auto prepare = [&](size_t begin) {
    return std::async(std::launch::async, PrepareRange, std::cref(objects), begin,
                      std::min(objects.size(), begin + batch_size), std::cref(options.validation));
  };
  std::future<Batch> next;
  if (!objects.empty()) {
    std::promise<Batch> first;
    first.set_value(
        PrepareFirst(objects, std::min(objects.size(), batch_size), options.validation));
    next = first.get_future();
  }
  std::vector<store::NewObject> rows;
  std::vector<size_t> row_index;
  std::vector<bool> warned;  // per row: stored with validation warnings
  for (size_t begin = 0; begin < objects.size(); begin += batch_size) {
    Batch batch = next.get();
    // Prepare the following batch while this one is written.
    if (begin + batch_size < objects.size()) next = prepare(begin + batch_size);
    rows.clear();
    row_index.clear();
    warned.clear();
    for (size_t k = 0; k < batch.size(); ++k) {
      auto& p = batch[k];
      if (!p.ok) {
        summary.rejected.push_back({begin + k, std::string(objects[begin + k].id()), p.reason});
        continue;
      }
      if (p.row.tlp.empty()) p.row.tlp = options.default_tlp;
      if (p.row.tlp == "red") p.row.red_recipients = options.red_recipients;
      p.row.submitter_org = options.submitter_org;
      p.row.submitter_user = options.submitter_user;
      rows.push_back(std::move(p.row));
      row_index.push_back(begin + k);
      warned.push_back(p.has_warnings);
    }
    if (options.screen && !rows.empty()) {
      std::vector<std::string> vetoes(rows.size());
      options.screen(rows, vetoes);
      size_t kept = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!vetoes[i].empty()) {
          summary.rejected.push_back({row_index[i], rows[i].stix_id, std::move(vetoes[i])});
          continue;
        }
        if (kept != i) {
          rows[kept] = std::move(rows[i]);
          row_index[kept] = row_index[i];
          warned[kept] = warned[i];
        }
        ++kept;
      }
      rows.resize(kept);
      row_index.resize(kept);
      warned.resize(kept);
    }
    for (bool w : warned) summary.warnings += w ? 1 : 0;
    auto outcomes = store_.InsertObjects(channel_id, rows, clock_.Now());
    if (!outcomes.ok()) {
      if (next.valid()) next.wait();
      return std::move(outcomes).error();
    }
    for (size_t i = 0; i < outcomes->size(); ++i) {
      const bool added = (*outcomes)[i] == store::InsertOutcome::kAdded;
      ++(added ? summary.added : summary.duplicates);
      if (options.record_outcomes) {
        summary.accepted.push_back({row_index[i], rows[i].stix_id, rows[i].modified_text, added});
      }
    }
    if (options.progress) {
      options.progress(std::min(objects.size(), begin + batch_size), objects.size());
    }
  }
  std::stable_sort(summary.rejected.begin(), summary.rejected.end(),
                   [](const Rejection& x, const Rejection& y) { return x.index < y.index; });
  return summary;
}

}  // namespace ecrn::intel
