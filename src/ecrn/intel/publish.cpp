#include "ecrn/intel/publish.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace ecrn::intel {
namespace {

// Ids per existence query (well under SQLite's bound-parameter limit).
constexpr size_t kIdsPerQuery = 500;

// The organisation that first shared each id already in the channel (0 for
// an operator import), for the ids of `rows`.
Result<std::map<std::string, int64_t, std::less<>>> ExistingSubmitters(
    store::Store& store, int64_t channel_id, std::span<const store::NewObject> rows) {
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.stix_id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::string, int64_t, std::less<>> out;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerQuery) {
    store::ObjectQuery q;
    q.channel_id = channel_id;
    q.ids.assign(ids.begin() + static_cast<ptrdiff_t>(begin),
                 ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), begin + kIdsPerQuery)));
    q.last_version = false;
    q.first_version = true;
    q.limit = q.ids.size();
    ECRN_ASSIGN_OR_RETURN(auto found, store.QueryObjects(q));
    for (const auto& o : found) out.emplace(o.stix_id, o.submitter_org);
  }
  return out;
}

}  // namespace

Result<IngestSummary> Publish(store::Store& store, Clock& clock, const policy::Principal& submitter,
                              const store::Channel& channel,
                              const std::vector<stix::Object>& objects,
                              const PublishOptions& options) {
  if (!policy::CanWriteChannel(submitter, channel.id)) {
    return Error{ErrorCode::kPermissionDenied, "you may not publish into this channel", {}};
  }
  IngestOptions ingest;
  ingest.validation = options.validation;
  ingest.default_tlp =
      std::string(stix::TlpToken(policy::EffectiveTlp(std::nullopt, channel.default_tlp)));
  ingest.submitter_org = submitter.org_id;
  ingest.submitter_user = submitter.user_id;
  ingest.record_outcomes = true;

  // RED recipients: the submitter, plus named users who read the channel.
  ingest.red_recipients.push_back(submitter.user_id);
  for (int64_t id : options.red_recipients) {
    auto user = store.FindUser(std::to_string(id));
    bool ok = user.ok() && !user->disabled;
    if (ok) {
      ECRN_ASSIGN_OR_RETURN(auto memberships, store.ListOrgMemberships(user->org_id));
      ok = std::any_of(memberships.begin(), memberships.end(), [&](const store::Membership& m) {
        return m.channel_id == channel.id && m.can_read;
      });
    }
    if (!ok) {
      return Error::Invalid("RED recipient " + std::to_string(id) +
                            " is not a user who can read this channel");
    }
    if (std::find(ingest.red_recipients.begin(), ingest.red_recipients.end(), id) ==
        ingest.red_recipients.end()) {
      ingest.red_recipients.push_back(id);
    }
  }

  // Identities of member organisations other than the submitter's.
  ECRN_ASSIGN_OR_RETURN(auto orgs, store.ListOrganisations());
  std::map<std::string, std::string, std::less<>> foreign_identities;  // identity -> org name
  for (const auto& o : orgs) {
    if (o.id != submitter.org_id) foreign_identities.emplace(o.identity_id, o.name);
  }

  Error screen_error;
  bool screen_failed = false;
  ingest.screen = [&](std::span<const store::NewObject> rows, std::vector<std::string>& vetoes) {
    auto existing = ExistingSubmitters(store, channel.id, rows);
    if (!existing.ok()) {
      screen_failed = true;
      screen_error = existing.error();
      for (auto& v : vetoes) v = "the store could not be read";
      return;
    }
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      if (auto it = foreign_identities.find(r.created_by); it != foreign_identities.end()) {
        vetoes[i] =
            "created_by_ref names the identity of another member organisation (" + it->second + ")";
        continue;
      }
      if (r.type == "identity" && foreign_identities.count(r.stix_id)) {
        vetoes[i] = "this identity stands for another member organisation";
        continue;
      }
      auto it = existing->find(r.stix_id);
      if (it != existing->end() && !policy::MayVersion(submitter, it->second)) {
        vetoes[i] = "only the organisation that shared " + r.stix_id + " may add versions of it";
      }
    }
  };
  Ingestor ingestor(store, clock);
  auto summary = ingestor.Ingest(channel.id, objects, ingest);
  if (screen_failed) return screen_error;
  return summary;
}

}  // namespace ecrn::intel
