// The REST API under /api/v1 (JSON): sessions (password + TOTP login into a
// cookie session), and, as the hub grows, intel search, object detail and
// administration. Every read goes through `policy`. Handlers are
// thread-safe.
#pragma once

#include <string>

#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

// Adds the /api/v1 routes, including GET /api/v1/openapi.json (openapi.hpp),
// which describes them all. `store`, `auth` and `clock` must outlive the
// router; `paging_secret` signs search cursors (see paging.hpp).
void AddRestRoutes(Router& router, store::Store& store, Authenticator& auth, Clock& clock,
                   std::string paging_secret, LogSink log = {});

}  // namespace ecrn::http
