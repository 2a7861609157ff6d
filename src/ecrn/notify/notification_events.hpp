// The live feed of in-app notifications of one server: a worker follows the
// store's notifications (IncidentStore::NotificationsAfter, so those added
// by any server on the database arrive) and hands each to every subscriber;
// the SSE route passes on only those addressed to its caller. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "ecrn/notify/subscribers.hpp"
#include "ecrn/notify/worker.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::notify {

struct NotificationEventsOptions {
  // How often the store is asked for new notifications.
  std::chrono::milliseconds poll{500};
  // How long to wait after the store failed.
  std::chrono::milliseconds error_pause{2000};
  size_t page = 500;  // notifications read per query
};

class NotificationEvents {
 public:
  // Called on the worker thread for each new notification, in id order.
  // Return false to unsubscribe. Must not block.
  using Sink = Subscribers<store::Notification>::Sink;
  using ErrorLog = std::function<void(const std::string&)>;

  // `store` must outlive this object.
  explicit NotificationEvents(store::Store& store, NotificationEventsOptions options = {},
                              ErrorLog log = {});
  // Stops the worker (as Stop).
  ~NotificationEvents();
  NotificationEvents(const NotificationEvents&) = delete;
  NotificationEvents& operator=(const NotificationEvents&) = delete;

  // Notes where the feed stands (unless a round did already) and starts the
  // worker, which follows it from there (nothing when it runs already).
  void Start();
  // Stops the worker after the round in progress.
  void Stop();

  // Returns an id for Unsubscribe.
  int64_t Subscribe(Sink sink) { return sinks_.Add(std::move(sink)); }
  void Unsubscribe(int64_t id) { sinks_.Remove(id); }
  size_t subscribers() const { return sinks_.size(); }

  // One round on the caller's thread: reads what was added since the last
  // round (the first round only notes where the feed stands) and hands it
  // out. Returns how many were handed out; fails when the store cannot be
  // read (the next round reads the same again). The worker calls this;
  // tests call it directly.
  Result<size_t> RunOnce();

 private:
  std::chrono::milliseconds Round();

  store::Store& store_;
  const NotificationEventsOptions options_;
  const ErrorLog log_;
  std::mutex round_mu_;           // held for the whole of RunOnce
  std::optional<int64_t> after_;  // guarded by round_mu_: the last id handed out
  Subscribers<store::Notification> sinks_;
  Worker worker_;  // last: its thread stops before the rest goes
};

}  // namespace ecrn::notify
