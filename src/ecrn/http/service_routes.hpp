// The routes that describe the service itself: GET /healthz (liveness plus a
// cheap database check) and GET / (a placeholder page until the web UI lands).
// Handlers are thread-safe (the Store is).
#pragma once

#include "ecrn/http/message.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

// Adds GET /healthz and, when `home_page`, the placeholder GET / to `router`
// (pass false when the web front end serves /). `store` must outlive the
// router.
// /healthz answers 200 {"status":"ok","version":...,"database":...} when
// store.SchemaVersion() succeeds, else 503 with "status":"unavailable" (the
// store's error goes to `log`, never to the client).
void AddServiceRoutes(Router& router, store::Store& store, const LogSink& log = {},
                      bool home_page = true);

}  // namespace ecrn::http
