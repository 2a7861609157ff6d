#include "ecrn/scan/hub.hpp"

#include <thread>

#include "ecrn/core/time.hpp"

namespace ecrn::scan {
namespace {

// True when version `a` is newer than `b` (by `modified`, as instants).
bool Newer(const stix::Object& a, const stix::Object& b) {
  auto ta = ParseTimestamp(a.modified());
  auto tb = ParseTimestamp(b.modified());
  if (ta.ok() && tb.ok()) return ta->micros > tb->micros;
  return ta.ok() && !tb.ok();
}

}  // namespace

HubFeed::HubFeed(net::TaxiiClient& client, size_t page_size)
    : client_(client), page_size_(page_size) {}

Result<bool> HubFeed::Pull() {
  ECRN_ASSIGN_OR_RETURN(auto list, client_.Collections());
  collections_.clear();
  for (auto& c : list) collections_.emplace(c.id, std::move(c));
  bool changed = false;
  for (const auto& [id, collection] : collections_) {
    if (!collection.can_read) continue;
    net::ObjectsQuery query;
    query.types = {"indicator"};
    query.limit = page_size_;
    auto after = added_after_.find(id);
    if (after != added_after_.end()) query.added_after = after->second;
    std::string last_added;
    for (;;) {
      ECRN_ASSIGN_OR_RETURN(auto page, client_.GetObjects(id, query));
      for (auto& object : page.objects) {
        if (object.type() != "indicator" || object.id().empty()) continue;
        const std::string key(object.id());
        auto [it, added] = known_.try_emplace(key, Known{latest_.size(), id});
        if (added) {
          latest_.push_back(std::move(object));
          changed = true;
        } else if (Newer(object, latest_[it->second.index])) {
          latest_[it->second.index] = std::move(object);
          changed = true;
        }
      }
      if (!page.date_added_last.empty()) last_added = page.date_added_last;
      if (!page.more) break;
      query.next = page.next;
    }
    // Only a walk that reached the end moves the mark, so an interrupted
    // pull is repeated in full next time (versions are merged, not doubled).
    if (!last_added.empty()) added_after_[id] = last_added;
  }
  return changed;
}

Result<std::string> HubFeed::FallbackCollection(const std::string& id_or_title) const {
  std::vector<const net::TaxiiCollection*> writable;
  for (const auto& [id, c] : collections_) {
    if (c.can_write) writable.push_back(&c);
  }
  if (writable.empty()) {
    return Error::Invalid(
        "the API key may not write to any collection, so sightings cannot be sent");
  }
  if (id_or_title.empty()) return writable.size() == 1 ? writable.front()->id : std::string();
  for (const auto* c : writable) {
    if (c->id == id_or_title || c->title == id_or_title) return c->id;
  }
  return Error::Invalid("no collection '" + id_or_title + "' that the API key may write to");
}

std::string HubFeed::CollectionOf(const std::string& id) const {
  auto it = known_.find(id);
  return it == known_.end() ? std::string() : it->second.collection;
}

std::string HubFeed::SightingTarget(const std::string& indicator_id,
                                    const std::string& fallback) const {
  auto it = known_.find(indicator_id);
  if (it == known_.end()) return fallback;
  auto c = collections_.find(it->second.collection);
  return c != collections_.end() && c->second.can_write ? it->second.collection : fallback;
}

Result<SendResult> SendBatch(net::TaxiiClient& client, const SealedBatch& batch,
                             const SightingSource& source, std::chrono::milliseconds wait) {
  if (batch.collection.empty()) {
    SendResult r;
    r.outcome = SendOutcome::kRejected;
    r.detail =
        "no collection to send these sightings to (their indicators' collections are read-only "
        "for this key; name a writable one with --collection)";
    return r;
  }
  auto posted = client.AddObjects(batch.collection, SightingEnvelope(batch, source));
  if (!posted.ok()) {
    const ErrorCode code = posted.error().code;
    // The hub answered and refused: resending the same objects cannot help.
    if (code == ErrorCode::kInvalidArgument || code == ErrorCode::kPermissionDenied ||
        code == ErrorCode::kNotFound || code == ErrorCode::kTooLarge ||
        code == ErrorCode::kUnsupportedMedia) {
      SendResult r;
      r.outcome = SendOutcome::kRejected;
      r.detail = posted.error().message;
      return r;
    }
    return std::move(posted).error();
  }
  net::TaxiiStatus status = std::move(posted).value();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  auto pause = std::chrono::milliseconds(20);
  while (status.status != "complete") {
    if (std::chrono::steady_clock::now() >= deadline) {
      return Error{ErrorCode::kUnavailable,
                   "the hub has not finished storing sightings batch " +
                       std::to_string(batch.number) + " (status " + status.id + ")",
                   {}};
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
    ECRN_ASSIGN_OR_RETURN(status, client.GetStatus(status.id));
  }
  SendResult r;
  if (status.failure_count > 0) {
    r.outcome = SendOutcome::kRejected;
    r.detail = std::to_string(status.failure_count) + " of " + std::to_string(status.total_count) +
               " sightings refused";
    for (const auto& [id, message] : status.failures) {
      r.detail += "; " + id + ": " + message;
    }
  }
  return r;
}

}  // namespace ecrn::scan
