#include "ecrn/notify/dispatcher.hpp"

#include <utility>
#include <vector>

#include "ecrn/notify/webhook.hpp"

namespace ecrn::notify {

namespace {

constexpr char kNotAttempted[] = "not attempted: the server was stopping";

}  // namespace

std::string DescribeTarget(const Delivery& delivery) {
  if (delivery.channel == kChannelWebhook) return "webhook " + WebhookOrigin(delivery.target);
  return delivery.channel + " to " + delivery.target;
}

Dispatcher::Dispatcher(DeliveryQueue& queue, Clock& clock, DispatcherOptions options,
                       DispatchLog log)
    : queue_(queue),
      clock_(clock),
      options_(std::move(options)),
      log_(std::move(log)),
      worker_([this] { return Round(); }) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::SetSender(std::string channel, Sender& sender) {
  senders_[std::move(channel)] = &sender;
}

void Dispatcher::Start() { worker_.Start(); }
void Dispatcher::Stop() { worker_.Stop(); }
void Dispatcher::Wake() { worker_.Wake(); }
bool Dispatcher::stopping() const { return worker_.stopping(); }

void Dispatcher::Log(LogLevel level, const std::string& message) const {
  if (log_) log_(level, message);
}

Result<int> Dispatcher::RunOnce() {
  std::lock_guard round(round_mu_);
  ECRN_ASSIGN_OR_RETURN(std::vector<Delivery> claimed,
                        queue_.Claim(clock_.Now(), options_.batch, options_.lease));
  int attempted = 0;
  for (size_t i = 0; i < claimed.size(); ++i) {
    if (worker_.stopping()) {
      // Back to the queue, due now (the claim counted as an attempt).
      for (size_t k = i; k < claimed.size(); ++k) {
        const Micros now = clock_.Now();
        if (auto r = queue_.Failed(claimed[k].id, kNotAttempted, now, now); !r.ok()) {
          Log(LogLevel::kError, "delivery " + std::to_string(claimed[k].id) +
                                    " could not be handed back: " + r.error().ToString());
        }
      }
      break;
    }
    Attempt(claimed[i]);
    ++attempted;
  }
  return attempted;
}

void Dispatcher::Attempt(const Delivery& d) {
  const std::string what = "delivery " + std::to_string(d.id) + " (" + DescribeTarget(d) + ")";
  auto record = [&](Result<void> r) {
    if (!r.ok()) {
      Log(LogLevel::kError, what +
                                ": the outcome could not be recorded (it will be retried "
                                "after its lease): " +
                                r.error().ToString());
    }
  };
  if (d.attempts > options_.retry.max_attempts) {
    // Claimed again after earlier claims ended without an outcome (crashes).
    const std::string error = "given up after " + std::to_string(d.attempts - 1) +
                              " attempts without an outcome; last error: " + d.last_error;
    Log(LogLevel::kWarning, what + " " + error);
    record(queue_.Failed(d.id, error, std::nullopt, clock_.Now()));
    return;
  }
  auto sender = senders_.find(d.channel);
  if (sender == senders_.end()) {
    const std::string error = "no sender is configured for channel '" + d.channel + "'";
    Log(LogLevel::kWarning, what + " given up: " + error);
    record(queue_.Failed(d.id, error, std::nullopt, clock_.Now()));
    return;
  }
  const SendResult result = sender->second->Send(d);
  const Micros now = clock_.Now();
  if (result.status == SendStatus::kDelivered) {
    Log(LogLevel::kInfo, what + " delivered on attempt " + std::to_string(d.attempts));
    record(queue_.Succeeded(d.id, now));
    return;
  }
  const auto next = options_.retry.NextAttempt(d.attempts, result, now);
  if (next) {
    Log(LogLevel::kWarning, what + " attempt " + std::to_string(d.attempts) + " failed: " +
                                result.error + "; next attempt at " + FormatTimestamp(*next, 0));
  } else {
    Log(LogLevel::kWarning,
        what + " given up after attempt " + std::to_string(d.attempts) + ": " + result.error);
  }
  record(queue_.Failed(d.id, result.error, next, now));
}

std::chrono::milliseconds Dispatcher::Round() {
  auto attempted = RunOnce();
  if (!attempted.ok()) {
    Log(LogLevel::kError,
        "notifications: the delivery queue cannot be read: " + attempted.error().ToString());
    return options_.error_pause;
  }
  return *attempted == 0 ? options_.idle_poll : std::chrono::milliseconds(0);
}

}  // namespace ecrn::notify
