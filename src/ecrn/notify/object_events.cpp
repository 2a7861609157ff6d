#include "ecrn/notify/object_events.hpp"

#include <chrono>

namespace ecrn::notify {

ObjectEvents::ObjectEvents(store::Store& store, ErrorLog log)
    : store_(store), log_(std::move(log)), thread_([this] { Run(); }) {}

ObjectEvents::~ObjectEvents() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
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
      sinks_.Publish(row, recipients);
    }
  }
}

}  // namespace ecrn::notify
