// Telling people and systems about something that happened to an incident:
// in-app notifications for chosen users, and the organisation's webhooks and
// e-mail endpoints queued for the dispatcher. One path for the REST routes
// and the clock scheduler. Thread-safe (as the Store it is given).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::notify {

// What to tell.
struct Notice {
  std::string kind;            // "incident.reported", "clock.overdue", ...: webhooks filter on it
  std::string subject;         // what it is about (an incident's STIX id)
  std::string title;           // one line for people; the e-mail subject after "[ECRN] "
  boost::json::object detail;  // more, for programs: the in-app item's JSON and the webhook's
                               // "detail" member (left out when empty)
  // The deliveries' stable id (X-ECRN-Delivery, the e-mail's Message-ID);
  // empty: a new UUID. Give one when the same notice may be built again
  // (a clock warning's once key), so receivers can drop repeats.
  std::string event_id;
};

// Adds `notice` to the in-app inbox of each of `user_ids` (in one
// transaction; unknown ids fail it).
Result<void> NotifyUsers(store::Store& store, std::span<const int64_t> user_ids,
                         const Notice& notice, Micros now);

// Tells the enabled users of `org` who hold one of `roles` (in-app), and
// queues a delivery to each of the organisation's enabled webhooks and
// e-mail endpoints that want `notice.kind`. Each step is its own
// transaction: on failure the steps before it have happened; returns the
// first error (callers log it: what they tell about has committed already).
Result<void> NotifyOrg(store::Store& store, int64_t org, std::span<const std::string_view> roles,
                       const Notice& notice, Micros now);

// An in-app notification as the API shows it (GET /api/v1/notifications and
// the live stream): id, kind, subject, title, created, read (null while
// unread) and detail (the stored JSON object; {} when it is not one).
boost::json::object NotificationJson(const store::Notification& n);

// The in-app users NotifyOrg would tell: enabled users of `org` with one of `roles`.
Result<std::vector<int64_t>> OrgRecipients(store::Store& store, int64_t org,
                                           std::span<const std::string_view> roles);

}  // namespace ecrn::notify
