// The subscribers of an event bus (ObjectEvents, NotificationEvents): sinks
// added and removed from any thread, each handed every event published
// after it was added until it returns false. Thread-safe; a sink is called
// without the lock held, so it may subscribe or unsubscribe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace ecrn::notify {

template <typename... Event>
class Subscribers {
 public:
  // Return false to be removed. Called on the publishing thread; must not block.
  using Sink = std::function<bool(const Event&...)>;

  // Returns an id for Remove.
  int64_t Add(Sink sink) {
    std::lock_guard lock(mu_);
    const int64_t id = next_id_++;
    sinks_.emplace(id, std::move(sink));
    return id;
  }
  void Remove(int64_t id) {
    std::lock_guard lock(mu_);
    sinks_.erase(id);
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return sinks_.size();
  }
  // Hands `event` to every sink (those added meanwhile from the next event on).
  void Publish(const Event&... event) {
    std::map<int64_t, Sink> sinks;
    {
      std::lock_guard lock(mu_);
      sinks = sinks_;
    }
    for (auto& [id, sink] : sinks) {
      if (!sink(event...)) Remove(id);
    }
  }

 private:
  mutable std::mutex mu_;
  std::map<int64_t, Sink> sinks_;  // guarded by mu_
  int64_t next_id_ = 1;            // guarded by mu_
};

}  // namespace ecrn::notify
