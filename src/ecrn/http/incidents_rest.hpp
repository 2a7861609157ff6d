// The incident routes of the REST API (issue 5): reporting, the case list
// and page, changes through the workflow, comments, participants, evidence
// with its custody log, crime-report packages and their acknowledgement,
// publishing from a case, STIX export and import, reporting-clock rules, the
// notification inbox and webhooks. Every read goes through `policy`: a case
// the caller takes no part in answers 404, like one that does not exist.
// Handlers are thread-safe.
#pragma once

#include <memory>

#include "ecrn/http/rest_support.hpp"

namespace ecrn::http {

// Largest evidence file accepted in one upload.
inline constexpr size_t kMaxEvidenceBytes = size_t{64} << 20;

// The name of the server secret that seeds the hub's package-signing key.
inline constexpr std::string_view kPackageKeySecret = "package-signing-seed";

void AddIncidentRoutes(Router& router, std::shared_ptr<api::Rest> rest);

}  // namespace ecrn::http
