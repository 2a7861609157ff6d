// What a private case may send into a sharing channel: sanitised copies of
// its indicators and a request for assistance. The case itself never leaves:
// nothing here carries its id, title, description, affected systems, people
// or evidence. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/incident/case.hpp"

namespace ecrn::incident {

// Longest request-for-assistance texts, in bytes of UTF-8.
inline constexpr size_t kMaxAssistanceSummaryBytes = 2'000;
inline constexpr size_t kMaxAssistanceNeedsBytes = 4'000;
// Longest name given to a published indicator.
inline constexpr size_t kMaxPublishedNameBytes = 250;

// The copy of `original` (an indicator) that may leave the case: a new id
// ("indicator--" + `new_uuid`), created = modified = `now`, created_by_ref
// `identity`, `name` when not empty; of the original only what detects and
// classifies: pattern, pattern_type, pattern_version, valid_from,
// valid_until, indicator_types, kill_chain_phases. Everything else — the
// description, labels, external references, confidence, markings, custom
// properties, extensions and the original id — stays behind.
// kInvalidArgument when `original` is not an indicator with a pattern, or
// `name` is too long or not valid UTF-8.
Result<boost::json::object> SanitisedIndicator(const boost::json::object& original,
                                               std::string_view new_uuid, Micros now,
                                               std::string_view identity, std::string_view name);

struct AssistanceRequest {
  std::string summary;  // what happened, as the requester wants it told (required)
  std::string needs;    // the help asked for (required)
  // Indicators published with the request (their ids in the channel).
  std::vector<std::string> object_refs;
};

// The request as a STIX 2.1 `note` ("note--" + `new_uuid`, by `identity`):
// abstract "Request for assistance: <first line of summary>", content the
// summary and the needs, label "request-for-assistance", object_refs the
// published indicators or else the requester's identity, and
// `x_ecrn_assistance` with the case's category, severity, election targets,
// disinformation kind and phase (vocabulary tokens only) so helpers can
// judge whether they can help. kInvalidArgument naming the field when the
// summary or needs is empty, too long or not valid UTF-8.
Result<boost::json::object> AssistanceNote(const Case& c, const AssistanceRequest& request,
                                           std::string_view new_uuid, Micros now,
                                           std::string_view identity);

}  // namespace ecrn::incident
