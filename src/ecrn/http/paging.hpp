// Page tokens (TAXII `next`, REST `cursor`): an opaque position signed with
// a server secret and bound to the caller, the resource and the filters, so
// a token cannot be forged, used by someone else, or reused to ask another
// question. Pure apart from reading the clock; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn::http {

// What a token is bound to.
struct PageScope {
  int64_t user_id = 0;
  std::string resource;     // e.g. "objects:<collection uuid>"
  std::string fingerprint;  // canonical text of the filters
};

// A token for "continue after row `after_pk`", issued at `now`.
std::string MakePageToken(std::string_view secret, const PageScope& scope, int64_t after_pk,
                          Micros now);

// The row a token continues after; kInvalidArgument when it was not made
// for this scope with this secret, or is older than `ttl`.
Result<int64_t> ReadPageToken(std::string_view secret, const PageScope& scope,
                              std::string_view token, Micros now, Micros ttl);

}  // namespace ecrn::http
