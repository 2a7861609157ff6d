// The background worker that sends queued notifications: it claims due
// deliveries from a DeliveryQueue, hands each to the Sender of its channel
// (e-mail, webhook), and records the outcome with the RetryPolicy's next
// attempt. One worker thread per server; several servers on one database
// share the queue through its leases. Thread-safe: Start, Stop and Wake may
// be called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/notify/delivery.hpp"
#include "ecrn/notify/sender.hpp"
#include "ecrn/notify/worker.hpp"

namespace ecrn::notify {

enum class LogLevel { kInfo, kWarning, kError };

// Receives the dispatcher's log lines (no secrets, no message bodies, webhook
// URLs cut to their origin). Called on the worker thread; must not block long.
using DispatchLog = std::function<void(LogLevel, const std::string&)>;

struct DispatcherOptions {
  int batch = 16;  // deliveries claimed per round
  // How long a claim holds a delivery. Must exceed the slowest sender's
  // time-out, or another server may send it again while this one still is.
  Micros lease = 300'000'000;
  // How long the worker sleeps when nothing is due (Wake cuts it short).
  std::chrono::milliseconds idle_poll{2000};
  // How long it waits after the queue itself failed (database down).
  std::chrono::milliseconds error_pause{5000};
  RetryPolicy retry;
};

class Dispatcher {
 public:
  // `queue` and `clock` (thread-safe) must outlive the dispatcher.
  Dispatcher(DeliveryQueue& queue, Clock& clock, DispatcherOptions options = {},
             DispatchLog log = {});
  // Stops the worker (as Stop).
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // The sender for deliveries of `channel` (kChannelEmail, kChannelWebhook);
  // it must outlive the dispatcher. Call before Start. A delivery whose
  // channel has no sender is given up with an error saying so.
  void SetSender(std::string channel, Sender& sender);

  // Starts the worker thread (nothing when it runs already).
  void Start();
  // Stops the worker: a send in progress finishes (bounded by its sender's
  // time-out); deliveries claimed but not yet attempted go back to the
  // queue, due at once (their claim counts as an attempt). Nothing when it
  // is not running.
  void Stop();
  // Something was queued: look now instead of at the next poll.
  void Wake();
  // True from Stop until the next Start.
  bool stopping() const;

  // One round on the caller's thread: claims up to `batch` due deliveries and
  // attempts each once, in turn. Returns how many were attempted (given-up
  // ones included); fails when the queue cannot be read. Rounds never
  // overlap (a second caller waits), so a claimed delivery is sent by one
  // thread only. The worker thread calls this; tests call it directly.
  Result<int> RunOnce();

 private:
  // A round of the worker: RunOnce, then how long to pause.
  std::chrono::milliseconds Round();
  // Attempts one claimed delivery and records the outcome.
  void Attempt(const Delivery& delivery);
  void Log(LogLevel level, const std::string& message) const;

  DeliveryQueue& queue_;
  Clock& clock_;
  const DispatcherOptions options_;
  const DispatchLog log_;
  std::map<std::string, Sender*, std::less<>> senders_;  // set before Start

  std::mutex round_mu_;  // held for the whole of RunOnce
  Worker worker_;        // last: its thread stops before the rest goes
};

// How a delivery's target appears in logs: an e-mail address as it is, a
// webhook URL cut to its origin (chat webhook paths hold tokens).
std::string DescribeTarget(const Delivery& delivery);

}  // namespace ecrn::notify
