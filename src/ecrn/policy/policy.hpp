// Who may see and do what: the sharing model of DESIGN.md decided in one
// place. Pure functions over values (no I/O); thread-safe. Every read path
// of the hub (TAXII, REST, the live stream, exports, correlations, counts)
// asks these functions, or restricts its store query with VisibilityFor().
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ecrn/stix/tlp.hpp"
#include "ecrn/store/incident_store.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::policy {

enum class Role { kNetworkAdmin, kOrgAdmin, kAnalyst, kLiaison, kViewer };

// "network-admin" ... "viewer"; nullopt for anything else.
std::optional<Role> RoleFromName(std::string_view name);
std::string_view RoleName(Role role);

// An organisation's rights on one channel.
struct ChannelRights {
  bool read = false;
  bool write = false;
};

// Who is asking: one user, with the rights of their organisation.
struct Principal {
  int64_t user_id = 0;
  std::string username;
  Role role = Role::kViewer;
  int64_t org_id = 0;
  std::string org_kind;      // store::kOrgKinds token
  std::string org_identity;  // the organisation's STIX identity id
  // Set when the request came with a read-only API key.
  bool read_only = false;
  // The organisation's memberships, by channel id.
  std::map<int64_t, ChannelRights> channels;
};

// Builds a Principal from a user, their organisation and its memberships.
Principal MakePrincipal(const store::User& user, const store::Organisation& org,
                        std::span<const store::Membership> memberships, bool read_only);

// --- intel -------------------------------------------------------------------

// Roles that may publish intel (analyst, org-admin, network-admin).
bool RoleMayPublish(Role role);

bool CanReadChannel(const Principal& p, int64_t channel_id);
// Publishing into a channel: the organisation has write on it, the role may
// publish, and the credential is not read-only.
bool CanWriteChannel(const Principal& p, int64_t channel_id);
// A channel is listed to the caller (as a TAXII collection) when they may
// read or write it.
bool CanSeeChannel(const Principal& p, int64_t channel_id);

// The facts about a stored object version that decide who may read it.
struct ObjectFacts {
  int64_t channel_id = 0;
  stix::Tlp tlp = stix::Tlp::kAmber;        // effective level (see EffectiveTlp)
  std::span<const int64_t> red_recipients;  // consulted only for RED
};

// Readers of the channel may read CLEAR, GREEN, AMBER and AMBER+STRICT;
// RED only the named individual recipients (who must still read the channel).
bool CanRead(const Principal& p, const ObjectFacts& object);

// The store filter equal to CanRead for every row: the readable channels and
// the user for the RED test.
store::Visibility VisibilityFor(const Principal& p);

// The level that governs an object: its own TLP marking, else the channel's
// default (a TLP token; AMBER when empty or unknown).
stix::Tlp EffectiveTlp(std::optional<stix::Tlp> marked, std::string_view channel_default);

// Deleting a shared object (every version of it) from a channel: a writer of
// the channel from the organisation that shared it, or a network admin who
// can write the channel.
bool CanDelete(const Principal& p, int64_t channel_id, int64_t submitter_org);

// Publishing a new version of an object id that already exists in a channel:
// only the organisation that shared it first (STIX: only the creator
// versions an object). `existing_submitter_org` 0 means an operator import,
// which any writer may version.
bool MayVersion(const Principal& p, int64_t existing_submitter_org);

// --- administration ---------------------------------------------------------

// Organisations, channels and memberships: network admins only.
bool CanAdministerNetwork(const Principal& p);
// Users of an organisation (add, disable, reset): network admins, and org
// admins of that organisation.
bool CanAdministerUsersOf(const Principal& p, int64_t org_id);
// Seeing a user's name and organisation (recipient pickers, member lists):
// anyone sharing a readable channel with that user's organisation.
bool CanSeeUsersOf(const Principal& p, std::span<const int64_t> channels_of_their_org);

// Reading an audit entry: network admins all, org admins the entries about
// their organisation (as actor or subject), others none.
bool CanReadAudit(const Principal& p, std::optional<int64_t> actor_org,
                  std::optional<int64_t> subject_org);

// --- incidents ---------------------------------------------------------------
// A case belongs to the organisation that reported it and is shared
// explicitly with participant organisations (DESIGN.md). Nobody else learns
// that it exists: not other members, not the network admin. Within an
// organisation that takes part, viewers read; analysts, liaisons and org
// admins act. The case's TLP governs what participants may pass on (it is
// carried on everything they export), not who inside the case may read.

// The facts about a case that decide who may see and act on it.
struct IncidentFacts {
  int64_t owner_org = 0;
  std::span<const store::IncidentParticipant> participants;
};

// The caller's organisation's part in the case: "owner", a participant role
// token, or nullopt when it takes no part.
std::optional<std::string> IncidentPartOf(const Principal& p, const IncidentFacts& incident);
// Reading a case and everything in it (timeline, tasks, clocks, evidence
// list, custody log): users of the owner and of participant organisations.
bool CanReadIncident(const Principal& p, const IncidentFacts& incident);
// Reporting a new incident for one's organisation: analysts, liaisons and
// org admins (not viewers, not read-only keys).
bool CanReportIncident(const Principal& p);
// Managing a case (status, fields, assignment, playbooks, links,
// participants, packages, publishing from it): the owner organisation's
// analysts and org admins.
bool CanManageIncident(const Principal& p, const IncidentFacts& incident);
// Taking part (comments, tasks, acknowledgements, evidence upload and
// download): analysts, liaisons and org admins of the owner or of a
// participant organisation.
bool CanContributeToIncident(const Principal& p, const IncidentFacts& incident);
// A crime-report package addressed to `recipient_org`: its liaisons and
// org admins may read and acknowledge it; the case's managers may read it.
bool CanReadPackage(const Principal& p, const IncidentFacts& incident, int64_t recipient_org);
bool CanAcknowledgePackage(const Principal& p, const IncidentFacts& incident,
                           int64_t recipient_org);
// The store filter equal to CanReadIncident for every case.
store::IncidentQuery IncidentVisibilityFor(const Principal& p);

// --- federation ------------------------------------------------------------

// Whether an object may leave the hub to a peer (`ecrn sync`): never RED or
// AMBER+STRICT; AMBER only inside the community; GREEN and CLEAR when the
// peer is configured to receive them.
bool MayLeaveHub(stix::Tlp tlp, bool peer_in_community, bool peer_takes_green);

}  // namespace ecrn::policy
