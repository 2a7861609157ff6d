// The TAXII 2.1 server: discovery, the API root, status, collections (the
// channels the caller may see), objects GET/POST/DELETE, one object, its
// versions, and the manifest. Every read goes through `policy`; what the
// caller may not read is invisible (404). Handlers are thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::http {

inline constexpr std::string_view kTaxiiType = "application/taxii+json;version=2.1";
inline constexpr std::string_view kStixType = "application/stix+json;version=2.1";

struct TaxiiOptions {
  std::string api_root = "ecrn";  // the path segment: /taxii2/<api_root>/
  std::string title = "ECRN";
  std::string description = "Elections Cyber Readiness Network: shared threat intelligence";
  size_t max_content_length = size_t{64} << 20;  // POST body limit (413 beyond)
  size_t default_limit = 1000;                   // objects per page without ?limit
  size_t max_limit = 10000;                      // larger limits are lowered to this
  Micros next_ttl = 24LL * 3600 * 1'000'000;     // how long a `next` token stays valid
};

// Adds the TAXII routes under /taxii2/. `paging_secret` keys the HMAC of
// `next` tokens (the same on every server sharing the database: see
// Store::ServerSecret). `store`, `auth` and `clock` must outlive the router.
void AddTaxiiRoutes(Router& router, store::Store& store, Authenticator& auth, Clock& clock,
                    std::string paging_secret, TaxiiOptions options = {}, LogSink log = {});

}  // namespace ecrn::http
