#include "ecrn/notify/notices.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "ecrn/core/uuid.hpp"
#include "ecrn/incident/case.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::notify {
namespace {

namespace json = boost::json;

constexpr std::string_view kMailto = "mailto:";

bool Wants(const store::Webhook& hook, std::string_view kind) {
  return hook.events.empty() ||
         std::find(hook.events.begin(), hook.events.end(), kind) != hook.events.end();
}

store::DeliveryRow DeliveryFor(const store::Webhook& hook, const Notice& notice, Micros now) {
  store::DeliveryRow d;
  const bool mail = hook.url.starts_with(kMailto);
  d.channel = mail ? "email" : "webhook";
  d.target = mail ? hook.url.substr(kMailto.size()) : hook.url;
  d.webhook_id = hook.id;
  d.event_id = notice.event_id.empty() ? UuidV4() : notice.event_id;
  d.event_kind = notice.kind;
  d.subject = "[ECRN] " + notice.title;
  if (mail) {
    d.body = notice.title + "\n\nIncident: " + notice.subject + "\nOpen ECRN to see the case.\n";
  } else {
    json::object body{{"event", notice.kind},
                      {"id", d.event_id},
                      {"subject", notice.subject},
                      {"title", notice.title},
                      {"time", incident::TimeText(now)}};
    if (!notice.detail.empty()) body["detail"] = notice.detail;
    d.body = json::serialize(body);
  }
  d.next_attempt = now;
  d.created = now;
  return d;
}

}  // namespace

json::object NotificationJson(const store::Notification& n) {
  json::object o;
  o["id"] = n.id;
  o["kind"] = n.kind;
  o["subject"] = n.subject_id;
  o["title"] = n.title;
  o["created"] = incident::TimeText(n.created);
  o["read"] = n.read ? json::value(incident::TimeText(*n.read)) : json::value(nullptr);
  auto detail = stix::ParseJson(n.json);
  o["detail"] = detail.ok() && detail->is_object() ? std::move(*detail) : json::object();
  return o;
}

Result<void> NotifyUsers(store::Store& store, std::span<const int64_t> user_ids,
                         const Notice& notice, Micros now) {
  if (user_ids.empty()) return Ok();
  const std::string detail = notice.detail.empty() ? "{}" : json::serialize(notice.detail);
  std::vector<store::Notification> items;
  items.reserve(user_ids.size());
  for (int64_t id : user_ids) {
    store::Notification n;
    n.user_id = id;
    n.created = now;
    n.kind = notice.kind;
    n.subject_id = notice.subject;
    n.title = notice.title;
    n.json = detail;
    items.push_back(std::move(n));
  }
  ECRN_TRY(store.Incidents().AddNotifications(items));
  return Ok();
}

Result<std::vector<int64_t>> OrgRecipients(store::Store& store, int64_t org,
                                           std::span<const std::string_view> roles) {
  ECRN_ASSIGN_OR_RETURN(auto users, store.ListUsers(org));
  std::vector<int64_t> ids;
  for (const auto& u : users) {
    if (u.disabled) continue;
    if (std::find(roles.begin(), roles.end(), u.role) == roles.end()) continue;
    ids.push_back(u.id);
  }
  return ids;
}

Result<void> NotifyOrg(store::Store& store, int64_t org, std::span<const std::string_view> roles,
                       const Notice& notice, Micros now) {
  ECRN_ASSIGN_OR_RETURN(auto users, OrgRecipients(store, org, roles));
  // The in-app items and the deliveries are independent: one failing does
  // not hold back the other.
  auto told = NotifyUsers(store, users, notice, now);
  auto hooks = store.Incidents().ListWebhooks(org);
  if (!hooks.ok()) return told.ok() ? Result<void>(hooks.error()) : told;
  std::vector<store::DeliveryRow> rows;
  for (const auto& h : *hooks) {
    if (h.enabled && Wants(h, notice.kind)) rows.push_back(DeliveryFor(h, notice, now));
  }
  if (!rows.empty()) {
    if (auto queued = store.Incidents().EnqueueDeliveries(rows); !queued.ok() && told.ok()) {
      return queued.error();
    }
  }
  return told;
}

}  // namespace ecrn::notify
