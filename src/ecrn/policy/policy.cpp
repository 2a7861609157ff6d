#include "ecrn/policy/policy.hpp"

#include <algorithm>

namespace ecrn::policy {
namespace {

constexpr std::pair<Role, std::string_view> kRoleNames[] = {
    {Role::kNetworkAdmin, "network-admin"},
    {Role::kOrgAdmin, "org-admin"},
    {Role::kAnalyst, "analyst"},
    {Role::kLiaison, "liaison"},
    {Role::kViewer, "viewer"},
};

ChannelRights RightsOn(const Principal& p, int64_t channel_id) {
  auto it = p.channels.find(channel_id);
  return it == p.channels.end() ? ChannelRights{} : it->second;
}

}  // namespace

std::optional<Role> RoleFromName(std::string_view name) {
  for (const auto& [role, text] : kRoleNames) {
    if (text == name) return role;
  }
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  for (const auto& [r, text] : kRoleNames) {
    if (r == role) return text;
  }
  return "viewer";
}

Principal MakePrincipal(const store::User& user, const store::Organisation& org,
                        std::span<const store::Membership> memberships, bool read_only) {
  Principal p;
  p.user_id = user.id;
  p.username = user.username;
  // An unknown role string grants the least.
  p.role = RoleFromName(user.role).value_or(Role::kViewer);
  // network-admin belongs to the coordinator only (DESIGN.md).
  if (p.role == Role::kNetworkAdmin && org.kind != "coordinator") p.role = Role::kViewer;
  p.org_id = org.id;
  p.org_kind = org.kind;
  p.org_identity = org.identity_id;
  p.read_only = read_only;
  for (const auto& m : memberships) {
    if (m.org_id != org.id) continue;
    p.channels[m.channel_id] = {m.can_read, m.can_write};
  }
  return p;
}

bool RoleMayPublish(Role role) {
  return role == Role::kAnalyst || role == Role::kOrgAdmin || role == Role::kNetworkAdmin;
}

bool CanReadChannel(const Principal& p, int64_t channel_id) { return RightsOn(p, channel_id).read; }

bool CanWriteChannel(const Principal& p, int64_t channel_id) {
  return !p.read_only && RoleMayPublish(p.role) && RightsOn(p, channel_id).write;
}

bool CanSeeChannel(const Principal& p, int64_t channel_id) {
  auto r = RightsOn(p, channel_id);
  return r.read || r.write;
}

bool CanRead(const Principal& p, const ObjectFacts& object) {
  if (!CanReadChannel(p, object.channel_id)) return false;
  if (object.tlp != stix::Tlp::kRed) return true;
  return p.user_id != 0 && std::find(object.red_recipients.begin(), object.red_recipients.end(),
                                     p.user_id) != object.red_recipients.end();
}

store::Visibility VisibilityFor(const Principal& p) {
  store::Visibility v;
  v.user_id = p.user_id;
  for (const auto& [id, rights] : p.channels) {
    if (rights.read) v.channel_ids.push_back(id);
  }
  return v;
}

stix::Tlp EffectiveTlp(std::optional<stix::Tlp> marked, std::string_view channel_default) {
  if (marked) return *marked;
  return stix::TlpFromName(channel_default).value_or(stix::Tlp::kAmber);
}

bool CanDelete(const Principal& p, int64_t channel_id, int64_t submitter_org) {
  if (!CanWriteChannel(p, channel_id)) return false;
  return p.role == Role::kNetworkAdmin || (submitter_org != 0 && submitter_org == p.org_id);
}

bool MayVersion(const Principal& p, int64_t existing_submitter_org) {
  return existing_submitter_org == 0 || existing_submitter_org == p.org_id;
}

bool CanAdministerNetwork(const Principal& p) {
  return !p.read_only && p.role == Role::kNetworkAdmin;
}

bool CanAdministerUsersOf(const Principal& p, int64_t org_id) {
  if (p.read_only) return false;
  return p.role == Role::kNetworkAdmin || (p.role == Role::kOrgAdmin && p.org_id == org_id);
}

bool CanSeeUsersOf(const Principal& p, std::span<const int64_t> channels_of_their_org) {
  if (p.role == Role::kNetworkAdmin) return true;
  return std::any_of(channels_of_their_org.begin(), channels_of_their_org.end(),
                     [&](int64_t c) { return CanReadChannel(p, c); });
}

bool CanReadAudit(const Principal& p, std::optional<int64_t> actor_org,
                  std::optional<int64_t> subject_org) {
  if (p.role == Role::kNetworkAdmin) return true;
  if (p.role != Role::kOrgAdmin) return false;
  return (actor_org && *actor_org == p.org_id) || (subject_org && *subject_org == p.org_id);
}

bool MayLeaveHub(stix::Tlp tlp, bool peer_in_community, bool peer_takes_green) {
  switch (tlp) {
    case stix::Tlp::kRed:
    case stix::Tlp::kAmberStrict:
      return false;
    case stix::Tlp::kAmber:
      return peer_in_community;
    case stix::Tlp::kGreen:
    case stix::Tlp::kClear:
      return peer_takes_green;
  }
  return false;
}

// --- incidents ---------------------------------------------------------------

namespace {

bool RoleActsOnIncidents(Role role) {
  return role == Role::kAnalyst || role == Role::kLiaison || role == Role::kOrgAdmin ||
         role == Role::kNetworkAdmin;
}

}  // namespace

std::optional<std::string> IncidentPartOf(const Principal& p, const IncidentFacts& incident) {
  if (p.org_id == 0) return std::nullopt;
  if (p.org_id == incident.owner_org) return std::string("owner");
  for (const auto& part : incident.participants) {
    if (part.org_id == p.org_id) return part.role;
  }
  return std::nullopt;
}

bool CanReadIncident(const Principal& p, const IncidentFacts& incident) {
  return IncidentPartOf(p, incident).has_value();
}

bool CanReportIncident(const Principal& p) {
  return !p.read_only && p.org_id != 0 && RoleActsOnIncidents(p.role);
}

bool CanManageIncident(const Principal& p, const IncidentFacts& incident) {
  return !p.read_only && p.org_id != 0 && p.org_id == incident.owner_org &&
         (p.role == Role::kAnalyst || p.role == Role::kOrgAdmin || p.role == Role::kNetworkAdmin);
}

bool CanContributeToIncident(const Principal& p, const IncidentFacts& incident) {
  return !p.read_only && RoleActsOnIncidents(p.role) && CanReadIncident(p, incident);
}

bool CanReadPackage(const Principal& p, const IncidentFacts& incident, int64_t recipient_org) {
  if (!CanReadIncident(p, incident)) return false;
  if (p.org_id == recipient_org) {
    return p.role == Role::kLiaison || p.role == Role::kOrgAdmin || p.role == Role::kNetworkAdmin;
  }
  return p.org_id == incident.owner_org &&
         (p.role == Role::kAnalyst || p.role == Role::kOrgAdmin || p.role == Role::kNetworkAdmin);
}

bool CanAcknowledgePackage(const Principal& p, const IncidentFacts& incident,
                           int64_t recipient_org) {
  return !p.read_only && p.org_id == recipient_org && CanReadIncident(p, incident) &&
         (p.role == Role::kLiaison || p.role == Role::kOrgAdmin || p.role == Role::kNetworkAdmin);
}

store::IncidentQuery IncidentVisibilityFor(const Principal& p) {
  store::IncidentQuery q;
  // Organisation 0 takes part in nothing: -1 matches no case.
  q.visible_to_org = p.org_id != 0 ? p.org_id : -1;
  return q;
}

}  // namespace ecrn::policy
