// GET /api/v1/stream: Server-Sent Events of the new object versions the
// caller may read (policy::CanRead on each), with Last-Event-ID resume.
// Thread-safe.
#pragma once

#include <functional>

#include "ecrn/http/auth.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/notify/object_events.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

// `store`, `auth` and `events` must outlive the router. `on_sent` (if set)
// is called for every event written to a client (for metrics).
void AddStreamRoute(Router& router, store::Store& store, Authenticator& auth,
                    notify::ObjectEvents& events, std::function<void()> on_sent = {});

}  // namespace ecrn::http
