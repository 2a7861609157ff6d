// GET /api/v1/stream: Server-Sent Events of the new object versions the
// caller may read (policy::CanRead on each), with Last-Event-ID resume, the
// multi-organisation sighting alerts (intel/sightings.hpp) computed for the
// caller over what they may read, and the caller's own in-app notifications
// (with `?notifications_after=ID` resume); the caller's rights are re-read
// while the stream is open. Thread-safe.
#pragma once

#include <functional>

#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/notify/notification_events.hpp"
#include "ecrn/notify/object_events.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

struct StreamOptions {
  // How stale an open stream's view of its caller may get: before sending an
  // event, a stream whose credentials and rights were last checked longer
  // ago than this checks them again (the session may have ended, the key
  // been revoked, the user disabled, the organisation's memberships
  // changed). A caller who is no longer authenticated gets the stream
  // ended; changed rights apply from the next event. 0: before every event.
  Micros recheck_every = 5'000'000;
  // Called for every event written to a client (for metrics), if set.
  std::function<void()> on_sent;
  // Told when the sightings behind an alert could not be read (the alert is
  // then not sent on the stream; GET /api/v1/alerts still lists it).
  std::function<void(const std::string&)> on_error;
  // When set (it must outlive the router), each in-app notification is sent
  // as `event: notification` on the streams of the user it is addressed to,
  // and on no other.
  notify::NotificationEvents* notifications = nullptr;
};

// `store`, `auth` and `events` must outlive the router.
void AddStreamRoute(Router& router, store::Store& store, Authenticator& auth,
                    notify::ObjectEvents& events, StreamOptions options = {});

}  // namespace ecrn::http
