#include "ecrn/notify/store_queue.hpp"

#include <algorithm>

namespace ecrn::notify {

Result<std::vector<Delivery>> StoreDeliveryQueue::Claim(Micros now, int limit, Micros lease) {
  ECRN_ASSIGN_OR_RETURN(
      std::vector<store::DeliveryRow> rows,
      store_.ClaimDeliveries(now, static_cast<size_t>(std::max(limit, 0)), now + lease));
  std::vector<Delivery> out;
  out.reserve(rows.size());
  for (store::DeliveryRow& row : rows) {
    Delivery d;
    d.id = row.id;
    d.channel = std::move(row.channel);
    d.target = std::move(row.target);
    d.subject = std::move(row.subject);
    d.event_kind = std::move(row.event_kind);
    d.body = std::move(row.body);
    d.event_id = std::move(row.event_id);
    d.webhook_id = row.webhook_id;
    d.attempts = row.attempts;
    d.next_attempt = row.next_attempt;
    d.last_error = std::move(row.last_error);
    out.push_back(std::move(d));
  }
  return out;
}

Result<void> StoreDeliveryQueue::Succeeded(int64_t id, Micros /*now*/) {
  return store_.CompleteDelivery(id, true, "", std::nullopt);
}

Result<void> StoreDeliveryQueue::Failed(int64_t id, std::string_view error,
                                        std::optional<Micros> next_attempt, Micros /*now*/) {
  return store_.CompleteDelivery(id, false, error, next_attempt);
}

WebhookSender::SecretFor StoreWebhookSecrets(store::IncidentStore& store) {
  return [&store](const Delivery& d) -> Result<std::string> {
    ECRN_ASSIGN_OR_RETURN(std::vector<store::Webhook> hooks, store.ListWebhooks(std::nullopt));
    for (store::Webhook& hook : hooks) {
      if (hook.id == d.webhook_id && hook.enabled) return std::move(hook.secret);
    }
    return Error::NotFound("webhook " + std::to_string(d.webhook_id) + " was removed or disabled");
  };
}

}  // namespace ecrn::notify
