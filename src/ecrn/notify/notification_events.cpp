#include "ecrn/notify/notification_events.hpp"

namespace ecrn::notify {

NotificationEvents::NotificationEvents(store::Store& store, NotificationEventsOptions options,
                                       ErrorLog log)
    : store_(store), options_(options), log_(std::move(log)), worker_([this] { return Round(); }) {}

NotificationEvents::~NotificationEvents() { Stop(); }

void NotificationEvents::Start() {
  // The starting point first, so what is added from now on is not missed
  // (when the store is down, the worker's rounds retry).
  if (auto first = RunOnce(); !first.ok() && log_) {
    log_("live notifications: " + first.error().ToString());
  }
  worker_.Start();
}

void NotificationEvents::Stop() { worker_.Stop(); }

Result<size_t> NotificationEvents::RunOnce() {
  std::lock_guard round(round_mu_);
  if (!after_) {
    ECRN_ASSIGN_OR_RETURN(int64_t last, store_.Incidents().LastNotificationId());
    after_ = last;
    return size_t{0};
  }
  ECRN_ASSIGN_OR_RETURN(auto added, store_.Incidents().NotificationsAfter(*after_, options_.page));
  if (added.empty()) return size_t{0};
  for (const auto& n : added) sinks_.Publish(n);
  after_ = added.back().id;
  return added.size();
}

std::chrono::milliseconds NotificationEvents::Round() {
  auto handed = RunOnce();
  if (!handed.ok()) {
    if (log_) log_("live notifications: " + handed.error().ToString());
    return options_.error_pause;
  }
  // A full page: more are waiting.
  return *handed == options_.page ? std::chrono::milliseconds(0) : options_.poll;
}

}  // namespace ecrn::notify
