// The live event bus of one server: a thread follows the store's object feed
// (so versions committed by any server on the database arrive) and hands
// each new version to every subscriber. Subscribers decide what to pass on
// (the SSE route applies `policy`). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "ecrn/notify/subscribers.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::notify {

class ObjectEvents {
 public:
  // Called on the bus thread for each new version, with its RED recipients
  // (empty unless TLP:RED). Return false to unsubscribe. Must not block.
  using Sink = Subscribers<store::StoredObject, std::vector<int64_t>>::Sink;
  using ErrorLog = std::function<void(const std::string&)>;

  // Starts following `store` (which must outlive this object).
  ObjectEvents(store::Store& store, ErrorLog log = {});
  ~ObjectEvents();
  ObjectEvents(const ObjectEvents&) = delete;
  ObjectEvents& operator=(const ObjectEvents&) = delete;

  // Returns an id for Unsubscribe.
  int64_t Subscribe(Sink sink) { return sinks_.Add(std::move(sink)); }
  void Unsubscribe(int64_t id) { sinks_.Remove(id); }
  size_t subscribers() const { return sinks_.size(); }

 private:
  void Run();

  store::Store& store_;
  ErrorLog log_;
  Subscribers<store::StoredObject, std::vector<int64_t>> sinks_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace ecrn::notify
