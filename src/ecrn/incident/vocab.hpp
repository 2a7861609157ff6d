// The built-in vocabularies of incident cases: each entry a stable token (what
// is stored and sent over the API), an English label and a one-sentence
// plain-language definition (what the UI shows a commission officer; the web
// front end translates them by token). Pure constant data; thread-safe.
//
// How a case is classified:
//  * `category`: exactly one class of the Reference Security Incident Taxonomy
//    (RSIT), with RSIT's own tokens ("availability", "intrusions", ...), so
//    cases compare with what CERTs already count;
//  * `election_targets`: zero or more election systems or processes that were
//    hit ("results-publication", "voter-register", ...);
//  * `disinformation_kind`: when "disinformation" is among the targets, exactly
//    one of "false-narrative", "impersonation", "deepfake"; otherwise empty.
#pragma once

#include <span>
#include <string_view>

namespace ecrn::incident {

// One vocabulary entry. The views point to static storage (valid forever).
struct VocabEntry {
  std::string_view token;
  std::string_view label;
  std::string_view definition;
};

// RSIT classes (abusive-content ... test), in RSIT order.
std::span<const VocabEntry> Categories();
// Election systems and processes an incident can target (includes "disinformation").
std::span<const VocabEntry> ElectionTargets();
// Kinds of disinformation: false-narrative, impersonation, deepfake.
std::span<const VocabEntry> DisinformationKinds();
// Election phases, in calendar order (pre-election-planning ... post-election-disputes).
std::span<const VocabEntry> ElectionPhases();
// Severities, least to most severe: low, medium, high, critical.
std::span<const VocabEntry> Severities();
// Impact dimensions: confidentiality, integrity, availability, public-trust.
std::span<const VocabEntry> ImpactDimensions();
// Impact levels, least to most: none, low, medium, high.
std::span<const VocabEntry> ImpactLevels();
// Roles an invited participant organisation can have (national-cert, police,
// prosecutor, vendor, peer-commission). The reporting organisation's implicit
// role, kOwnerRole, is not among them: it cannot be given by invitation.
std::span<const VocabEntry> ParticipantRoles();
inline constexpr std::string_view kOwnerRole = "owner";
// Task statuses: open, in-progress, done, cancelled.
std::span<const VocabEntry> TaskStatuses();
// Case statuses (see workflow.hpp for the transitions): reported, triaged,
// investigating, contained, recovered, closed, rejected, duplicate.
std::span<const VocabEntry> CaseStatuses();
// How a linked STIX object relates to a case: indicator, observed-data,
// narrative, attack-pattern, other.
std::span<const VocabEntry> LinkKinds();
// Reporting milestones a case records (clocks.hpp): early-warning,
// notification, final-report.
std::span<const VocabEntry> Milestones();

// The entry with `token` in `vocabulary`, or nullptr. Tokens are exact
// (lower case); nothing is normalised.
const VocabEntry* FindEntry(std::span<const VocabEntry> vocabulary, std::string_view token);
// The position of `token` in `vocabulary` (its order: severities and impact
// levels are ordered least to most), or -1.
int Rank(std::span<const VocabEntry> vocabulary, std::string_view token);

inline bool IsCategory(std::string_view t) { return FindEntry(Categories(), t) != nullptr; }
inline bool IsElectionTarget(std::string_view t) {
  return FindEntry(ElectionTargets(), t) != nullptr;
}
inline bool IsDisinformationKind(std::string_view t) {
  return FindEntry(DisinformationKinds(), t) != nullptr;
}
inline bool IsElectionPhase(std::string_view t) {
  return FindEntry(ElectionPhases(), t) != nullptr;
}
inline bool IsSeverity(std::string_view t) { return FindEntry(Severities(), t) != nullptr; }
inline bool IsImpactDimension(std::string_view t) {
  return FindEntry(ImpactDimensions(), t) != nullptr;
}
inline bool IsImpactLevel(std::string_view t) { return FindEntry(ImpactLevels(), t) != nullptr; }
// An invitable role (not "owner").
inline bool IsParticipantRole(std::string_view t) {
  return FindEntry(ParticipantRoles(), t) != nullptr;
}
inline bool IsTaskStatus(std::string_view t) { return FindEntry(TaskStatuses(), t) != nullptr; }
inline bool IsCaseStatus(std::string_view t) { return FindEntry(CaseStatuses(), t) != nullptr; }
inline bool IsLinkKind(std::string_view t) { return FindEntry(LinkKinds(), t) != nullptr; }
inline bool IsMilestone(std::string_view t) { return FindEntry(Milestones(), t) != nullptr; }

}  // namespace ecrn::incident
