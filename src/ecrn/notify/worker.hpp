// A background thread that runs rounds of work until stopped, pausing
// between rounds for as long as each round asks; the dispatcher and the
// clock scheduler run on one each. Thread-safe: Start, Stop, Wake and
// stopping may be called from any thread (Start and Stop not from a round).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace ecrn::notify {

class Worker {
 public:
  // One round of work; returns how long to pause before the next (0: none).
  using Round = std::function<std::chrono::milliseconds()>;

  explicit Worker(Round round) : round_(std::move(round)) {}
  // Stops the thread (as Stop).
  ~Worker() { Stop(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Starts the thread, which runs a round at once (nothing when it runs already).
  void Start();
  // Waits for the round in progress, if any, and ends the thread (nothing
  // when it is not running).
  void Stop();
  // Cuts the current pause short.
  void Wake();
  // True from Stop until the next Start (a long round checks it to end early).
  bool stopping() const;

 private:
  void Run();

  const Round round_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;    // guarded by mu_
  bool woken_ = false;       // guarded by mu_
  std::thread thread_;       // guarded by mu_ (started and joined under lifecycle_mu_)
  std::mutex lifecycle_mu_;  // serialises Start and Stop
};

}  // namespace ecrn::notify
