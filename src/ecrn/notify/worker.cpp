#include "ecrn/notify/worker.hpp"

namespace ecrn::notify {

void Worker::Start() {
  std::lock_guard lifecycle(lifecycle_mu_);
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void Worker::Stop() {
  std::lock_guard lifecycle(lifecycle_mu_);
  std::thread worker;
  {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    worker = std::move(thread_);
  }
  cv_.notify_all();
  worker.join();
}

void Worker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

bool Worker::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

void Worker::Run() {
  while (true) {
    const std::chrono::milliseconds pause = round_();
    std::unique_lock lock(mu_);
    if (pause.count() > 0) {
      cv_.wait_for(lock, pause, [this] { return stopping_ || woken_; });
    }
    woken_ = false;
    if (stopping_) return;
  }
}

}  // namespace ecrn::notify
