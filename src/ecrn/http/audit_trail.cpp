#include "ecrn/http/audit_trail.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <boost/json/array.hpp>

#include "ecrn/stix/tlp.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

Error NotRecorded(const Error& cause) {
  return Error{ErrorCode::kUnavailable,
               "the request could not be recorded in the audit log, so it is not acknowledged; "
               "try again later",
               "audit append failed: " + cause.ToString()};
}

}  // namespace

bool IsRed(const store::StoredObject& row) { return stix::TlpFromName(row.tlp) == stix::Tlp::kRed; }

AuditTrail::AuditTrail(store::Store& store, Clock& clock, Micros key_use_window)
    : store_(store), clock_(clock), key_use_window_(key_use_window) {}

Result<void> AuditTrail::Record(const Request& request, const policy::Principal* who,
                                audit::Event event) {
  audit::Actor actor;
  if (who) {
    actor.user_id = who->user_id;
    actor.org_id = who->org_id;
    actor.label = who->username;
  } else {
    actor.label = "anonymous";
  }
  actor.remote_addr = request.remote_address;
  if (!request.request_id.empty()) event.detail["request_id"] = request.request_id;
  auto appended = audit::Record(store_, clock_.Now(), actor, event);
  if (!appended.ok()) return NotRecorded(appended.error());
  return Ok();
}

Result<void> AuditTrail::RecordRedReads(const Request& request, const policy::Principal& who,
                                        std::span<const store::StoredObject> rows,
                                        std::string_view endpoint, std::string_view target) {
  // Ids by submitting organisation (0: not recorded), each id once.
  std::map<int64_t, std::vector<std::string>> by_org;
  for (const auto& row : rows) {
    if (!IsRed(row)) continue;
    auto& ids = by_org[row.submitter_org];
    if (std::find(ids.begin(), ids.end(), row.stix_id) == ids.end()) ids.push_back(row.stix_id);
  }
  for (auto& [org, ids] : by_org) {
    audit::Event e;
    e.action = "red.read";
    e.target = ids.size() == 1 ? ids.front() : std::string(target);
    if (org != 0) e.subject_org_id = org;
    e.detail["endpoint"] = endpoint;
    e.detail[audit::kRedIdsKey] = json::array(ids.begin(), ids.end());
    ECRN_TRY(Record(request, &who, std::move(e)));
  }
  return Ok();
}

Result<void> AuditTrail::RecordSubmission(const Request& request, const policy::Principal& who,
                                          const store::Channel& channel,
                                          const std::vector<stix::Object>& objects,
                                          const intel::IngestSummary& summary,
                                          std::string_view via) {
  json::array added, red;
  for (const auto& a : summary.accepted) {
    if (!a.added) continue;
    added.emplace_back(a.id);
    if (a.index < objects.size() && policy::EffectiveTlp(stix::ObjectTlp(objects[a.index]),
                                                         channel.default_tlp) == stix::Tlp::kRed) {
      red.emplace_back(a.id);
    }
  }
  audit::Event e;
  e.action = "object.submit";
  e.target = "channel:" + std::to_string(channel.id);
  e.subject_org_id = who.org_id;
  e.detail["via"] = via;
  e.detail["channel_id"] = channel.id;
  e.detail["added"] = std::move(added);
  e.detail["duplicates"] = summary.duplicates;
  e.detail["rejected"] = summary.rejected.size();
  if (!red.empty()) e.detail[audit::kRedIdsKey] = std::move(red);
  return Record(request, &who, std::move(e));
}

bool AuditTrail::KeyUseRecorded(int64_t key_id) {
  const Micros now = clock_.Now();
  const std::string key = "used:" + std::to_string(key_id);
  std::lock_guard lock(mu_);
  auto it = key_uses_.find(key);
  return it != key_uses_.end() && now - it->second < key_use_window_;
}

Result<void> AuditTrail::RecordKeyUse(const Request& request, const store::User& owner,
                                      int64_t key_id, std::string_view refusal) {
  const Micros now = clock_.Now();
  const std::string key = (refusal.empty() ? "used:" : "refused:" + std::string(refusal) + ":") +
                          std::to_string(key_id);
  {
    std::lock_guard lock(mu_);
    auto it = key_uses_.find(key);
    if (it != key_uses_.end() && now - it->second < key_use_window_) return Ok();
  }
  audit::Event e;
  e.action = refusal.empty() ? "apikey.used" : "login.failure";
  e.outcome = refusal.empty() ? "success" : "failure";
  e.target = "apikey:" + std::to_string(key_id);
  e.subject_org_id = owner.org_id;
  e.detail["user_id"] = owner.id;
  e.detail["username"] = owner.username;
  e.detail["via"] = "apikey";
  // Not the request path: it can name an object (a TLP:RED one among them)
  // that the readers of this entry may not know of.
  if (!refusal.empty()) e.detail["reason"] = refusal;
  policy::Principal actor;
  actor.user_id = owner.id;
  actor.org_id = owner.org_id;
  actor.username = owner.username;
  // A refused key proves nothing about who sent it: no actor then.
  ECRN_TRY(Record(request, refusal.empty() ? &actor : nullptr, std::move(e)));
  std::lock_guard lock(mu_);
  if (key_uses_.size() > 100'000) {
    for (auto it = key_uses_.begin(); it != key_uses_.end();) {
      it = now - it->second >= key_use_window_ ? key_uses_.erase(it) : std::next(it);
    }
  }
  key_uses_[key] = now;
  return Ok();
}

}  // namespace ecrn::http
