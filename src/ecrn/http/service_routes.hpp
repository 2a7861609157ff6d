// The routes that describe the service itself: GET /healthz (liveness plus a
// cheap database check), GET /metrics (Prometheus) and GET / (a placeholder
// page until the web UI lands). Handlers are thread-safe (the Store and
// Metrics are).
#pragma once

#include <string>

#include "ecrn/http/message.hpp"
#include "ecrn/http/metrics.hpp"
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

// Adds GET /metrics: metrics.Exposition() as text/plain; version=0.0.4.
// Counts reveal activity, so: when `token` is empty only loopback peers get
// an answer; otherwise only requests with "Authorization: Bearer <token>"
// (compared in constant time), from any peer. Everyone else gets 404, as if
// there were no such resource. `metrics` must outlive the router.
void AddMetricsRoute(Router& router, const Metrics& metrics, std::string token);

}  // namespace ecrn::http
