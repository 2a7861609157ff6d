// The mapping of DeliveryQueue onto store::IncidentStore's delivery queue
// (claim with a lease end, outcomes) and of webhook secrets onto its
// registered webhooks, checked against a mock store; the queue's own rules
// are the store contract's.
#include "ecrn/notify/store_queue.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecrn::notify {
namespace {

using ecrn::AuditRecord;
using store::IncidentLog;
using ::testing::_;
using ::testing::Eq;
using ::testing::Optional;
using ::testing::Return;

class MockIncidentStore final : public store::IncidentStore {
 public:
  MOCK_METHOD(Result<store::IncidentRow>, CreateIncident,
              (const store::IncidentRow&, const AuditRecord&), (override));
  MOCK_METHOD(Result<store::IncidentRow>, GetIncident, (std::string_view), (override));
  MOCK_METHOD(Result<std::vector<store::IncidentRow>>, ListIncidents, (const store::IncidentQuery&),
              (override));
  MOCK_METHOD(Result<store::IncidentRow>, UpdateIncident,
              (const store::IncidentRow&, std::span<const AuditRecord>), (override));
  MOCK_METHOD(Result<AuditEntry>, AppendIncidentLog, (int64_t, IncidentLog, const AuditRecord&),
              (override));
  MOCK_METHOD(Result<std::vector<AuditEntry>>, ListIncidentLog,
              (int64_t, IncidentLog, std::optional<int64_t>, size_t), (override));
  MOCK_METHOD(Result<store::EvidenceMeta>, AddEvidence,
              (const store::EvidenceMeta&, std::string_view, const AuditRecord&,
               const AuditRecord&),
              (override));
  MOCK_METHOD(Result<std::vector<store::EvidenceMeta>>, ListEvidence, (int64_t), (override));
  MOCK_METHOD(Result<store::EvidenceFile>, ReadEvidence, (std::string_view), (override));
  MOCK_METHOD(Result<store::PackageRow>, AddPackage,
              (const store::PackageRow&, std::string_view, std::span<const AuditRecord>,
               const AuditRecord&),
              (override));
  MOCK_METHOD(Result<std::vector<store::PackageRow>>, ListPackages, (const store::PackageQuery&),
              (override));
  MOCK_METHOD(Result<store::PackageFile>, ReadPackage, (std::string_view), (override));
  MOCK_METHOD(Result<store::PackageRow>, AcknowledgePackage,
              (int64_t, int64_t, Micros, const AuditRecord&), (override));
  MOCK_METHOD(Result<int64_t>, PutReportingRule, (const store::ReportingRuleRow&), (override));
  MOCK_METHOD(Result<std::vector<store::ReportingRuleRow>>, ListReportingRules, (), (override));
  MOCK_METHOD(Result<void>, DeleteReportingRule, (int64_t), (override));
  MOCK_METHOD(Result<std::vector<int64_t>>, AddNotifications,
              (std::span<const store::Notification>), (override));
  MOCK_METHOD(Result<std::vector<store::Notification>>, ListNotifications,
              (int64_t, bool, std::optional<int64_t>, size_t), (override));
  MOCK_METHOD(Result<std::vector<store::Notification>>, NotificationsAfter, (int64_t, size_t),
              (override));
  MOCK_METHOD(Result<int64_t>, LastNotificationId, (), (override));
  MOCK_METHOD(Result<void>, MarkNotificationRead, (int64_t, int64_t, Micros), (override));
  MOCK_METHOD(Result<bool>, ClaimOnce, (std::string_view, Micros), (override));
  MOCK_METHOD(Result<int64_t>, AddWebhook, (const store::Webhook&), (override));
  MOCK_METHOD(Result<std::vector<store::Webhook>>, ListWebhooks, (std::optional<int64_t>),
              (override));
  MOCK_METHOD(Result<void>, DeleteWebhook, (int64_t), (override));
  MOCK_METHOD(Result<std::vector<int64_t>>, EnqueueDeliveries,
              (std::span<const store::DeliveryRow>), (override));
  MOCK_METHOD(Result<std::vector<store::DeliveryRow>>, ClaimDeliveries, (Micros, size_t, Micros),
              (override));
  MOCK_METHOD(Result<void>, CompleteDelivery,
              (int64_t, bool, std::string_view, std::optional<Micros>), (override));
  MOCK_METHOD(Result<std::vector<store::DeliveryRow>>, ListDeliveries, (std::string_view, size_t),
              (override));
};

constexpr Micros kT0 = Micros{1'800'000'000} * 1'000'000;

TEST(StoreDeliveryQueue, ClaimAsksForTheLeaseEndAndCopiesEveryField) {
  MockIncidentStore store;
  store::DeliveryRow row;
  row.id = 9;
  row.channel = "webhook";
  row.target = "https://soar.example/hook";
  row.webhook_id = 4;
  row.subject = "s";
  row.body = "{}";
  row.event_id = "incident--1:created";
  row.event_kind = "incident.created";
  row.attempts = 2;
  row.next_attempt = kT0 + 300;
  row.last_error = "HTTP 500";
  EXPECT_CALL(store, ClaimDeliveries(kT0, 16u, kT0 + 300))
      .WillOnce(Return(Result<std::vector<store::DeliveryRow>>(std::vector{row})));
  StoreDeliveryQueue queue(store);
  auto claimed = queue.Claim(kT0, 16, 300);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 1u);
  const Delivery& d = (*claimed)[0];
  EXPECT_EQ(d.id, 9);
  EXPECT_EQ(d.channel, "webhook");
  EXPECT_EQ(d.target, row.target);
  EXPECT_EQ(d.webhook_id, 4);
  EXPECT_EQ(d.subject, "s");
  EXPECT_EQ(d.body, "{}");
  EXPECT_EQ(d.event_id, row.event_id);
  EXPECT_EQ(d.event_kind, row.event_kind);
  EXPECT_EQ(d.attempts, 2);
  EXPECT_EQ(d.next_attempt, kT0 + 300);
  EXPECT_EQ(d.last_error, "HTTP 500");
}

TEST(StoreDeliveryQueue, OutcomesBecomeCompleteDelivery) {
  MockIncidentStore store;
  EXPECT_CALL(store, CompleteDelivery(1, true, Eq(""), Eq(std::nullopt)))
      .WillOnce(Return(Result<void>()));
  EXPECT_CALL(store, CompleteDelivery(2, false, Eq("HTTP 500"), Optional(kT0 + 30)))
      .WillOnce(Return(Result<void>()));
  EXPECT_CALL(store, CompleteDelivery(3, false, Eq("HTTP 410"), Eq(std::nullopt)))
      .WillOnce(Return(Result<void>(Error::NotFound("gone"))));
  StoreDeliveryQueue queue(store);
  EXPECT_TRUE(queue.Succeeded(1, kT0).ok());
  EXPECT_TRUE(queue.Failed(2, "HTTP 500", kT0 + 30, kT0).ok());
  EXPECT_EQ(queue.Failed(3, "HTTP 410", std::nullopt, kT0).error().code, ErrorCode::kNotFound);
}

TEST(StoreWebhookSecrets, FindsTheEnabledWebhookOfTheDelivery) {
  MockIncidentStore store;
  store::Webhook on, off;
  on.id = 4;
  on.secret = "whsec_on";
  off.id = 5;
  off.secret = "whsec_off";
  off.enabled = false;
  EXPECT_CALL(store, ListWebhooks(Eq(std::nullopt)))
      .WillRepeatedly(Return(Result<std::vector<store::Webhook>>(std::vector{on, off})));
  auto secret_for = StoreWebhookSecrets(store);
  Delivery d;
  d.webhook_id = 4;
  EXPECT_EQ(*secret_for(d), "whsec_on");
  d.webhook_id = 5;
  EXPECT_EQ(secret_for(d).error().code, ErrorCode::kNotFound);
  d.webhook_id = 6;
  EXPECT_EQ(secret_for(d).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ecrn::notify
