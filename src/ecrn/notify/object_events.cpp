#include "ecrn/notify/object_events.hpp"

#include <chrono>

namespace ecrn::notify {

ObjectEvents::ObjectEvents(store::Store& store, ErrorLog log)
    : store_(store), log_(std::move(log)), thread_([this] { Run(); }) {}

ObjectEvents::~ObjectEvents() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

int64_t ObjectEvents::Subscribe(Sink sink) {
  std::lock_guard lock(mu_);
  const int64_t id = next_id_++;
  sinks_.emplace(id, std::move(sink));
  return id;
}

void ObjectEvents::Unsubscribe(int64_t id) {
  std::lock_guard lock(mu_);
  sinks_.erase(id);
}

size_t ObjectEvents::subscribers() const {
  std::lock_guard lock(mu_);
  return sinks_.size();
}

void ObjectEvents::Run() {
  using namespace std::chrono_literals;
  std::unique_ptr<store::ObjectFeed> feed;
  while (!stop_) {
    if (!feed) {
      auto opened = store_.OpenObjectFeed();
      if (!opened.ok()) {
        if (log_) log_("live events: cannot follow the database: " + opened.error().ToString());
        std::this_thread::sleep_for(1s);
        continue;
      }
      feed = std::move(opened).value();
    }
    auto rows = feed->Next(250ms, 1000);
    if (!rows.ok()) {
      if (log_) log_("live events: " + rows.error().ToString() + "; reconnecting");
      feed.reset();
      std::this_thread::sleep_for(1s);
      continue;
    }
    for (const auto& row : *rows) {
      std::vector<int64_t> recipients;
      if (row.tlp == "red") {
        auto r = store_.RedRecipients(row.pk);
        // Without its recipients a RED version goes to no one.
        if (!r.ok()) {
          if (log_) {
            log_("live events: RED version " + std::to_string(row.pk) +
                 " not sent, its recipients could not be read: " + r.error().ToString());
          }
          continue;
        }
        recipients = std::move(r).value();
      }
      std::map<int64_t, Sink> sinks;
      {
        std::lock_guard lock(mu_);
        sinks = sinks_;
      }
      for (auto& [id, sink] : sinks) {
        if (!sink(row, recipients)) Unsubscribe(id);
      }
    }
  }
}

}  // namespace ecrn::notify
