// The live notification feed on SQLite stores: it starts from what is
// stored when it first looks, hands every later notification (added through
// any store on the database) to each subscriber once, in id order, and drops
// a subscriber that returns false.
#include "ecrn/notify/notification_events.hpp"

#include <condition_variable>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/testing.hpp"

namespace ecrn::notify {
namespace {

using ::testing::ElementsAre;

class NotificationEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = Open();
    ASSERT_TRUE(store_->Migrate().ok());
    store::Organisation o;
    o.name = "CEC";
    o.kind = "election-commission";
    o.country = "EE";
    o.identity_id = "identity--00000000-0000-4000-8000-000000000001";
    org_ = store_->AddOrganisation(o).value();
    for (const char* name : {"ana", "bob"}) {
      store::User u;
      u.org_id = org_;
      u.username = name;
      u.role = "analyst";
      u.password_hash = "x";
      users_.push_back(store_->AddUser(u).value());
    }
  }
  std::unique_ptr<store::Store> Open() {
    auto s = store::OpenStore(dir_.File("hub.db"));
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  void Add(store::Store& store, int64_t user, const std::string& title) {
    store::Notification n;
    n.user_id = user;
    n.created = 1;
    n.kind = "incident.reported";
    n.title = title;
    auto r = store.Incidents().AddNotifications(std::span(&n, 1));
    ASSERT_TRUE(r.ok()) << r.error().ToString();
  }
  size_t Round(NotificationEvents& bus) {
    auto r = bus.RunOnce();
    EXPECT_TRUE(r.ok()) << r.error().ToString();
    return r.ok() ? *r : 0;
  }

  ecrn::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  int64_t org_ = 0;
  std::vector<int64_t> users_;
};

TEST_F(NotificationEventsTest, HandsOutWhatIsAddedLaterToEverySubscriberInOrder) {
  Add(*store_, users_[0], "before");
  NotificationEvents bus(*store_);
  std::vector<std::string> first, second;
  bus.Subscribe([&](const store::Notification& n) {
    first.push_back(n.title + "@" + std::to_string(n.user_id == users_[0]));
    return true;
  });
  bus.Subscribe([&](const store::Notification& n) {
    second.push_back(n.title);
    return true;
  });
  EXPECT_EQ(Round(bus), 0u) << "the first round notes where the feed stands";
  auto other = Open();  // another server on the database
  Add(*store_, users_[0], "one");
  Add(*other, users_[1], "two");
  Add(*store_, users_[0], "three");
  EXPECT_EQ(Round(bus), 3u);
  EXPECT_EQ(Round(bus), 0u) << "nothing twice";
  EXPECT_THAT(first, ElementsAre("one@1", "two@0", "three@1"));
  EXPECT_THAT(second, ElementsAre("one", "two", "three"));
}

TEST_F(NotificationEventsTest, ASubscriberThatReturnsFalseIsDropped) {
  NotificationEvents bus(*store_, {.page = 2});
  Round(bus);
  int calls = 0;
  bus.Subscribe([&](const store::Notification&) {
    ++calls;
    return false;
  });
  std::vector<std::string> kept;
  bus.Subscribe([&](const store::Notification& n) {
    kept.push_back(n.title);
    return true;
  });
  for (const char* t : {"a", "b", "c"}) Add(*store_, users_[0], t);
  EXPECT_EQ(Round(bus), 2u) << "a page at a time";
  EXPECT_EQ(Round(bus), 1u);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bus.subscribers(), 1u);
  EXPECT_THAT(kept, ElementsAre("a", "b", "c"));
}

TEST_F(NotificationEventsTest, TheWorkerFollowsTheFeedUntilStopped) {
  NotificationEvents bus(*store_, {.poll = std::chrono::milliseconds(10)});
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> got;
  bus.Subscribe([&](const store::Notification& n) {
    std::lock_guard lock(mu);
    got.push_back(n.title);
    cv.notify_all();
    return true;
  });
  bus.Start();
  Add(*store_, users_[1], "live");
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return !got.empty(); }));
  }
  bus.Stop();
  EXPECT_THAT(got, ElementsAre("live"));
  Add(*store_, users_[1], "after");
  EXPECT_EQ(Round(bus), 1u) << "stopped: left for the next round";
  std::lock_guard lock(mu);
  EXPECT_THAT(got, ElementsAre("live", "after"));
}

}  // namespace
}  // namespace ecrn::notify
