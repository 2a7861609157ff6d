// A case as STIX 2.1 and back: an `incident` SDO with the Incident Core
// Extension (OASIS cti-stix-common-objects, version 2.0) where its properties
// fit, the rest of the case in the custom property `x_ecrn_case`, and one
// `relationship` per linked object. Pure; thread-safe.
//
// Mapping of the incident (extension properties per the extension's spec):
//   name, description          ← title, description
//   created, modified          ← created, modified (six fractional digits)
//   created_by_ref             ← the exporting organisation's identity
//   object_marking_refs        ← the TLP 2.0 marking of the case's tlp
//   determination              ← status: reported/triaged/duplicate → suspected,
//                                investigating…closed → confirmed,
//                                rejected → false-positive
//   investigation_status       ← reported → new; closed/rejected/duplicate →
//                                closed; otherwise open
//   criticality                ← severity (Appendix B, five-level scale):
//                                low 15, medium 40, high 70, critical 95
//   incident_types             ← category where the event-type-ov has a match
//                                (availability → denial-of-service, ...), plus
//                                "duplicate" for a duplicate
//   x_ecrn_case                ← every other case member, in the JSON of
//                                case.hpp (tasks, impacts, milestones, ...)
// Relationships (deterministic ids, so a re-export gives the same ones):
//   indicator   → indicator --detected--> incident (the extension's relationship)
//   other kinds → incident --related-to--> object
//   duplicate_of→ incident --duplicate-of--> incident
// each with `x_ecrn_link` {kind, added_by}; created = modified = when linked.
//
// The export contains the whole case including user ids of assignee, task
// owners and acknowledgers: deciding who may export is the caller's (policy's)
// job.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/incident/case.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::incident {

inline constexpr std::string_view kIncidentCoreExtensionId =
    "extension-definition--ef765651-680c-498d-9894-99799f2fa126";

// The incident and its relationships, incident first. `identity_id` must be
// an identity--<uuid>; kInvalidArgument otherwise or when the case is invalid.
Result<std::vector<stix::Object>> CaseToStix(const Case& c, std::string_view identity_id);

// CaseToStix as a bundle text with id `bundle_id` ("bundle--<uuid>").
Result<std::string> CaseToBundle(const Case& c, std::string_view identity_id,
                                 std::string_view bundle_id);

// Reads a case from STIX objects: the incident with `incident_id` (or the only
// incident when `incident_id` is empty) and the relationships that touch it.
// With `x_ecrn_case` the case comes back exactly as exported; without it (an
// incident from another tool) the case is derived from the extension: status
// from investigation_status and determination, severity from criticality
// (0-29 low, 30-49 medium, 50-89 high, 90-100 critical; medium when absent),
// category from incident_types (else "other"), detected = created, TLP from
// the markings (amber when none). Fails with kInvalidArgument (no incident,
// several incidents and no id given, a malformed incident) or kNotFound (no
// incident with that id).
Result<Case> CaseFromStix(std::span<const stix::Object> objects, std::string_view incident_id = {});

}  // namespace ecrn::incident
