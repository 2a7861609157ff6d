// The hub's delivery queue and webhook secrets on the database: the
// DeliveryQueue interface over store::IncidentStore's queue (its leases make
// it safe for several servers on one PostgreSQL), and the SecretFor a
// WebhookSender reads the registered webhooks' secrets with. Thread-safe as
// the store is.
#pragma once

#include "ecrn/notify/delivery.hpp"
#include "ecrn/notify/webhook.hpp"
#include "ecrn/store/incident_store.hpp"

namespace ecrn::notify {

class StoreDeliveryQueue final : public DeliveryQueue {
 public:
  // `store` must outlive the queue.
  explicit StoreDeliveryQueue(store::IncidentStore& store) : store_(store) {}

  // ClaimDeliveries(now, limit, now + lease).
  Result<std::vector<Delivery>> Claim(Micros now, int limit, Micros lease) override;
  // CompleteDelivery(id, true, "", nullopt).
  Result<void> Succeeded(int64_t id, Micros now) override;
  // CompleteDelivery(id, false, error, next_attempt).
  Result<void> Failed(int64_t id, std::string_view error, std::optional<Micros> next_attempt,
                      Micros now) override;

 private:
  store::IncidentStore& store_;
};

// The secret of the webhook a delivery names (Delivery::webhook_id), read
// from the store on each attempt (so a re-registered secret applies to
// queued deliveries). kNotFound when the webhook was removed or disabled;
// the store's error when it cannot be read. `store` must outlive the result.
WebhookSender::SecretFor StoreWebhookSecrets(store::IncidentStore& store);

}  // namespace ecrn::notify
