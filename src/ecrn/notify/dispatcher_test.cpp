// The dispatcher over the in-memory queue: routing by channel, the retry
// schedule with a test clock (500 then success, 410 given up, Retry-After
// honoured) against a real loopback webhook receiver, giving up, and the
// worker thread's start / wake / stop with claimed work handed back.
#include "ecrn/notify/dispatcher.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ecrn/notify/webhook.hpp"
#include "testing/http_receiver.hpp"

namespace ecrn::notify {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using State = MemoryDeliveryQueue::State;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kT0 = Micros{1'800'000'000} * kSecond;

// A clock several threads may read.
class TestClock final : public Clock {
 public:
  Micros Now() override { return now_.load(); }
  void Set(Micros now) { now_ = now; }

 private:
  std::atomic<Micros> now_{kT0};
};

// A sender that answers from a script (then "delivered") and records what
// it was given.
class ScriptedSender final : public Sender {
 public:
  explicit ScriptedSender(std::vector<SendResult> script = {}) : script_(std::move(script)) {}
  SendResult Send(const Delivery& d) override {
    std::lock_guard lock(mu_);
    sent_.push_back(d);
    if (script_.empty()) return SendResult::Delivered();
    SendResult r = script_.front();
    if (script_.size() > 1 || !repeat_last_) script_.erase(script_.begin());
    return r;
  }
  std::vector<Delivery> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  void RepeatLast() { repeat_last_ = true; }

 private:
  mutable std::mutex mu_;
  std::vector<SendResult> script_;
  bool repeat_last_ = false;
  std::vector<Delivery> sent_;
};

Delivery Email(const std::string& event_id) {
  Delivery d;
  d.channel = std::string(kChannelEmail);
  d.target = "officer@cec.example";
  d.subject = "Incident reported";
  d.body = "A DDoS on the results site.";
  d.event_id = event_id;
  d.event_kind = "incident.created";
  d.next_attempt = kT0;
  return d;
}

Delivery Hook(const std::string& url, const std::string& event_id) {
  Delivery d;
  d.channel = std::string(kChannelWebhook);
  d.target = url;
  d.webhook_id = 42;
  d.body = R"({"type":"incident.created"})";
  d.event_id = event_id;
  d.event_kind = "incident.created";
  d.next_attempt = kT0;
  return d;
}

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest()
      : webhooks_([](const Delivery&) -> Result<std::string> { return std::string("whsec_x"); },
                  clock_, WebhookOptions{{}, 10s}) {}

  std::vector<std::string> logs_;
  DispatchLog Logger() {
    return [this](LogLevel, const std::string& line) { logs_.push_back(line); };
  }

  TestClock clock_;
  MemoryDeliveryQueue queue_;
  testing::HttpReceiver receiver_;
  WebhookSender webhooks_;
};

TEST_F(DispatcherTest, SendsEachDeliveryThroughItsChannelsSender) {
  ScriptedSender email;
  Dispatcher dispatcher(queue_, clock_, {}, Logger());
  dispatcher.SetSender(std::string(kChannelEmail), email);
  dispatcher.SetSender(std::string(kChannelWebhook), webhooks_);
  const int64_t mail = queue_.Enqueue(Email("e1"));
  const int64_t hook = queue_.Enqueue(Hook(receiver_.Url("/hook"), "e2"));

  auto n = dispatcher.RunOnce();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(queue_.Get(mail)->state, State::kDelivered);
  EXPECT_EQ(queue_.Get(hook)->state, State::kDelivered);
  ASSERT_EQ(email.sent().size(), 1u);
  EXPECT_EQ(email.sent()[0].event_id, "e1");
  ASSERT_EQ(receiver_.requests().size(), 1u);
  EXPECT_EQ(receiver_.requests()[0].Header("x-ecrn-delivery"), "e2");
  // Nothing is due any more.
  EXPECT_EQ(*dispatcher.RunOnce(), 0);
}

TEST_F(DispatcherTest, AServerErrorIsRetriedOnScheduleThenDelivered) {
  receiver_.Script({{500, {}, "oops"}});
  Dispatcher dispatcher(queue_, clock_, {}, Logger());
  dispatcher.SetSender(std::string(kChannelWebhook), webhooks_);
  const int64_t id = queue_.Enqueue(Hook(receiver_.Url("/hook"), "e1"));

  EXPECT_EQ(*dispatcher.RunOnce(), 1);
  auto entry = queue_.Get(id);
  EXPECT_EQ(entry->state, State::kPending);
  EXPECT_EQ(entry->delivery.attempts, 1);
  EXPECT_EQ(entry->delivery.next_attempt, kT0 + 30 * kSecond);
  EXPECT_THAT(entry->delivery.last_error, HasSubstr("HTTP 500"));
  // The log names the origin, never the path (which may hold a token).
  ASSERT_FALSE(logs_.empty());
  EXPECT_THAT(logs_.back(), HasSubstr("http://127.0.0.1:"));
  EXPECT_THAT(logs_.back(), ::testing::Not(HasSubstr("/hook")));

  clock_.Set(kT0 + 29 * kSecond);
  EXPECT_EQ(*dispatcher.RunOnce(), 0);
  clock_.Set(kT0 + 30 * kSecond);
  EXPECT_EQ(*dispatcher.RunOnce(), 1);
  entry = queue_.Get(id);
  EXPECT_EQ(entry->state, State::kDelivered);
  EXPECT_EQ(entry->delivery.attempts, 2);
  auto requests = receiver_.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("x-ecrn-delivery"), requests[1].Header("x-ecrn-delivery"));
}

TEST_F(DispatcherTest, GoneIsGivenUpAtOnce) {
  receiver_.Script({{410, {}, "gone"}});
  Dispatcher dispatcher(queue_, clock_, {}, Logger());
  dispatcher.SetSender(std::string(kChannelWebhook), webhooks_);
  const int64_t id = queue_.Enqueue(Hook(receiver_.Url("/hook"), "e1"));
  EXPECT_EQ(*dispatcher.RunOnce(), 1);
  auto entry = queue_.Get(id);
  EXPECT_EQ(entry->state, State::kGivenUp);
  EXPECT_THAT(entry->delivery.last_error, HasSubstr("HTTP 410"));
  clock_.Set(kT0 + 86400 * kSecond);
  EXPECT_EQ(*dispatcher.RunOnce(), 0);
  EXPECT_EQ(receiver_.requests().size(), 1u);
}

TEST_F(DispatcherTest, RetryAfterIsHonoured) {
  receiver_.Script({{429, {{"Retry-After", "600"}}, ""}, {503, {{"Retry-After", "5"}}, ""}});
  Dispatcher dispatcher(queue_, clock_, {}, Logger());
  dispatcher.SetSender(std::string(kChannelWebhook), webhooks_);
  const int64_t id = queue_.Enqueue(Hook(receiver_.Url("/hook"), "e1"));
  EXPECT_EQ(*dispatcher.RunOnce(), 1);
  // 600 s asked for, longer than the schedule's 30 s.
  EXPECT_EQ(queue_.Get(id)->delivery.next_attempt, kT0 + 600 * kSecond);
  clock_.Set(kT0 + 599 * kSecond);
  EXPECT_EQ(*dispatcher.RunOnce(), 0);
  clock_.Set(kT0 + 600 * kSecond);
  EXPECT_EQ(*dispatcher.RunOnce(), 1);
  // 5 s asked for after attempt 2: the schedule's 2 minutes still apply.
  EXPECT_EQ(queue_.Get(id)->delivery.next_attempt, kT0 + 720 * kSecond);
  clock_.Set(kT0 + 720 * kSecond);
  EXPECT_EQ(*dispatcher.RunOnce(), 1);
  EXPECT_EQ(queue_.Get(id)->state, State::kDelivered);
  EXPECT_EQ(receiver_.requests().size(), 3u);
}

TEST_F(DispatcherTest, GivesUpAfterTheLastAttempt) {
  ScriptedSender email({SendResult::Retry("SMTP: 451 try later")});
  email.RepeatLast();
  DispatcherOptions options;
  options.retry.backoff = {10 * kSecond};
  options.retry.max_attempts = 3;
  Dispatcher dispatcher(queue_, clock_, options, Logger());
  dispatcher.SetSender(std::string(kChannelEmail), email);
  const int64_t id = queue_.Enqueue(Email("e1"));
  for (int round = 0; round < 10; ++round) {
    clock_.Set(kT0 + round * 10 * kSecond);
    ASSERT_TRUE(dispatcher.RunOnce().ok());
  }
  EXPECT_EQ(email.sent().size(), 3u);
  auto entry = queue_.Get(id);
  EXPECT_EQ(entry->state, State::kGivenUp);
  EXPECT_EQ(entry->delivery.last_error, "SMTP: 451 try later");
  EXPECT_THAT(logs_.back(), HasSubstr("given up after attempt 3"));
}

TEST_F(DispatcherTest, ADeliveryWithoutASenderOrPastItsAttemptsIsGivenUpUnsent) {
  ScriptedSender email;
  Dispatcher dispatcher(queue_, clock_, {}, Logger());
  dispatcher.SetSender(std::string(kChannelEmail), email);
  Delivery sms = Email("e1");
  sms.channel = "sms";
  const int64_t unknown = queue_.Enqueue(sms);
  // Claimed six times before, each claimer died without an outcome.
  Delivery crashed = Email("e2");
  crashed.attempts = 6;
  crashed.last_error = "HTTP 500";
  const int64_t exhausted = queue_.Enqueue(crashed);
  EXPECT_EQ(*dispatcher.RunOnce(), 2);
  EXPECT_TRUE(email.sent().empty());
  EXPECT_EQ(queue_.Get(unknown)->state, State::kGivenUp);
  EXPECT_THAT(queue_.Get(unknown)->delivery.last_error, HasSubstr("no sender"));
  EXPECT_EQ(queue_.Get(exhausted)->state, State::kGivenUp);
  EXPECT_THAT(queue_.Get(exhausted)->delivery.last_error, HasSubstr("without an outcome"));
}

TEST_F(DispatcherTest, ConcurrentRoundsSendEachDeliveryOnce) {
  ScriptedSender email;
  Dispatcher a(queue_, clock_);
  Dispatcher b(queue_, clock_);  // a second server on the same queue
  a.SetSender(std::string(kChannelEmail), email);
  b.SetSender(std::string(kChannelEmail), email);
  for (int i = 0; i < 200; ++i) queue_.Enqueue(Email("e" + std::to_string(i)));
  auto drain = [](Dispatcher& d) {
    while (true) {
      auto n = d.RunOnce();
      if (!n.ok() || *n == 0) return;
    }
  };
  std::thread ta([&] { drain(a); });
  std::thread tb([&] { drain(b); });
  ta.join();
  tb.join();
  std::multiset<std::string> ids;
  for (const Delivery& d : email.sent()) ids.insert(d.event_id);
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 200u);
}

// Blocks in Send until released; says when it was entered.
class GateSender final : public Sender {
 public:
  SendResult Send(const Delivery&) override {
    std::unique_lock lock(mu_);
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return open_; });
    return SendResult::Delivered();
  }
  bool WaitForCalls(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return calls_ >= n; });
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  bool open_ = false;
};

TEST(DispatcherThread, StartsWorksWhenWokenAndHandsBackClaimedWorkOnStop) {
  TestClock clock;
  MemoryDeliveryQueue queue;
  GateSender gate;
  DispatcherOptions options;
  options.idle_poll = std::chrono::hours(1);  // only Wake gets it going
  Dispatcher dispatcher(queue, clock, options);
  dispatcher.SetSender(std::string(kChannelEmail), gate);
  const int64_t first = queue.Enqueue(Email("e1"));
  const int64_t second = queue.Enqueue(Email("e2"));
  const int64_t third = queue.Enqueue(Email("e3"));
  dispatcher.Start();
  dispatcher.Start();                 // idempotent
  ASSERT_TRUE(gate.WaitForCalls(1));  // the worker holds all three, sending the first

  std::thread stopper([&] { dispatcher.Stop(); });
  for (int i = 0; i < 30000 && !dispatcher.stopping(); ++i) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(dispatcher.stopping());
  gate.Open();
  stopper.join();

  EXPECT_EQ(gate.calls(), 1);
  EXPECT_EQ(queue.Get(first)->state, State::kDelivered);
  for (int64_t id : {second, third}) {
    auto entry = queue.Get(id);
    EXPECT_EQ(entry->state, State::kPending);
    EXPECT_EQ(entry->lease_until, 0);
    EXPECT_LE(entry->delivery.next_attempt, clock.Now());
    EXPECT_THAT(entry->delivery.last_error, HasSubstr("not attempted"));
  }
  dispatcher.Stop();  // idempotent

  // Started again, it sends what was handed back.
  dispatcher.Start();
  dispatcher.Wake();
  ASSERT_TRUE(gate.WaitForCalls(3));
  dispatcher.Stop();
  EXPECT_EQ(queue.Get(second)->state, State::kDelivered);
  EXPECT_EQ(queue.Get(third)->state, State::kDelivered);
}

}  // namespace
}  // namespace ecrn::notify
