#include "ecrn/intel/sightings.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "ecrn/intel/observables.hpp"
#include "ecrn/intel/read.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::intel {
namespace {

namespace json = boost::json;

// Sightings read per page by CurrentAlerts.
constexpr size_t kAlertPage = 10'000;

std::optional<Micros> TimeField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  auto t = ParseTimestamp(v->as_string());
  if (!t.ok()) return std::nullopt;
  return t->micros;
}

bool OrgLess(const SightingOrg& a, const SightingOrg& b) {
  return a.name != b.name ? a.name < b.name : a.identity_id < b.identity_id;
}

// The newest version (modified, then pk) of each sighting id.
std::vector<const Sighting*> Newest(std::span<const Sighting> sightings) {
  std::map<std::string_view, const Sighting*> best;
  for (const auto& s : sightings) {
    auto [it, added] = best.emplace(s.id, &s);
    if (!added && (s.modified > it->second->modified ||
                   (s.modified == it->second->modified && s.pk > it->second->pk))) {
      it->second = &s;
    }
  }
  std::vector<const Sighting*> out;
  out.reserve(best.size());
  for (const auto& [id, s] : best) out.push_back(s);
  return out;
}

// The alert over `newest` (sightings of one object) in the window at `now`,
// when two or more organisations are in it.
std::optional<MultiOrgAlert> WindowAlert(std::span<const Sighting* const> newest, Micros now) {
  MultiOrgAlert a;
  std::map<std::string, SightingOrg> orgs;
  for (const Sighting* s : newest) {
    if (!InAlertWindow(s->seen_at, now)) continue;
    if (a.sightings == 0) {
      a.object_id = s->of;
      a.first_seen = a.last_seen = s->seen_at;
    }
    a.sightings += 1;
    a.total_count += s->count;
    a.first_seen = std::min(a.first_seen, s->seen_at);
    a.last_seen = std::max(a.last_seen, s->seen_at);
    if (!s->org.identity_id.empty()) orgs.emplace(s->org.identity_id, s->org);
  }
  if (orgs.size() < 2) return std::nullopt;
  for (auto& [id, org] : orgs) a.organisations.push_back(std::move(org));
  std::sort(a.organisations.begin(), a.organisations.end(), OrgLess);
  return a;
}

}  // namespace

boost::json::array OrgsJson(std::span<const SightingOrg> orgs) {
  json::array out;
  for (const auto& o : orgs) {
    out.push_back(
        json::object{{"identity", o.identity_id},
                     {"name", o.name.empty() ? json::value(nullptr) : json::value(o.name)}});
  }
  return out;
}

boost::json::object AlertJson(const MultiOrgAlert& a) {
  json::object j;
  j["object"] = json::object{
      {"id", a.object_id},
      {"type", a.object_type},
      {"name", a.object_name.empty() ? json::value(nullptr) : json::value(a.object_name)}};
  j["organisations"] = OrgsJson(a.organisations);
  j["count"] = a.total_count;
  j["sightings"] = a.sightings;
  j["first_seen"] = FormatTimestamp(a.first_seen, 3);
  j["last_seen"] = FormatTimestamp(a.last_seen, 3);
  j["organisation_count"] = a.organisations.size();
  return j;
}

OrgDirectory::OrgDirectory(std::vector<store::Organisation> orgs) : orgs_(std::move(orgs)) {
  for (size_t i = 0; i < orgs_.size(); ++i) {
    by_id_.emplace(orgs_[i].id, i);
    if (!orgs_[i].identity_id.empty()) by_identity_.emplace(orgs_[i].identity_id, i);
  }
}

SightingOrg OrgDirectory::OrgOf(const store::StoredObject& row, std::string_view created_by) const {
  if (row.submitter_org != 0) {
    if (auto it = by_id_.find(row.submitter_org); it != by_id_.end()) {
      const auto& o = orgs_[it->second];
      // A member without an identity still counts once, under its id.
      return {o.identity_id.empty() ? "organisation:" + std::to_string(o.id) : o.identity_id,
              o.name};
    }
  }
  if (created_by.empty()) return {};
  if (auto it = by_identity_.find(created_by); it != by_identity_.end()) {
    return {std::string(created_by), orgs_[it->second].name};
  }
  return {std::string(created_by), ""};
}

std::optional<Sighting> ParseSighting(const store::StoredObject& row, const OrgDirectory& orgs) {
  if (row.type != "sighting") return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(row.json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto& o = v.as_object();
  const auto* of = o.if_contains("sighting_of_ref");
  if (!of || !of->is_string() || of->as_string().empty()) return std::nullopt;
  Sighting s;
  s.pk = row.pk;
  s.id = row.stix_id;
  s.of = std::string(of->as_string());
  s.modified = row.modified;
  s.date_added = row.date_added;
  if (const auto* c = o.if_contains("count"); c && c->is_int64()) {
    s.count = std::max<int64_t>(0, c->as_int64());
  } else if (c && c->is_uint64()) {
    s.count = std::numeric_limits<int64_t>::max();
  }
  s.first_seen = TimeField(o, "first_seen");
  s.last_seen = TimeField(o, "last_seen");
  const Micros claimed = s.last_seen ? *s.last_seen : s.first_seen ? *s.first_seen : row.created;
  s.seen_at = std::min(claimed, row.date_added);
  s.org = orgs.OrgOf(row, row.created_by);
  return s;
}

SightingAggregate Aggregate(std::span<const Sighting> readable, Micros now) {
  SightingAggregate a;
  std::map<std::string, SightingOrg> orgs;
  std::set<std::string> recent;
  for (const Sighting* s : Newest(readable)) {
    a.sightings += 1;
    // Saturating: counts come from outside.
    a.total_count = s->count > std::numeric_limits<int64_t>::max() - a.total_count
                        ? std::numeric_limits<int64_t>::max()
                        : a.total_count + s->count;
    const Micros first = s->first_seen.value_or(s->seen_at);
    const Micros last = s->seen_at;
    a.first_seen = a.first_seen ? std::min(*a.first_seen, first) : first;
    a.last_seen = a.last_seen ? std::max(*a.last_seen, last) : last;
    if (s->org.identity_id.empty()) continue;
    orgs.emplace(s->org.identity_id, s->org);
    if (InAlertWindow(s->seen_at, now)) recent.insert(s->org.identity_id);
  }
  for (auto& [id, org] : orgs) a.organisations.push_back(std::move(org));
  std::sort(a.organisations.begin(), a.organisations.end(), OrgLess);
  a.organisations_last_24h = recent.size();
  return a;
}

std::vector<MultiOrgAlert> AlertsAt(std::span<const Sighting> readable, Micros now) {
  std::map<std::string_view, std::vector<const Sighting*>> by_object;
  for (const Sighting* s : Newest(readable)) by_object[s->of].push_back(s);
  std::vector<MultiOrgAlert> out;
  for (const auto& [object, newest] : by_object) {
    if (auto a = WindowAlert(newest, now)) out.push_back(std::move(*a));
  }
  std::sort(out.begin(), out.end(), [](const MultiOrgAlert& a, const MultiOrgAlert& b) {
    return a.last_seen != b.last_seen ? a.last_seen > b.last_seen : a.object_id < b.object_id;
  });
  return out;
}

std::optional<MultiOrgAlert> AlertOnArrival(std::span<const Sighting> readable,
                                            const Sighting& arrived) {
  const Micros now = arrived.date_added;
  if (arrived.org.identity_id.empty() || !InAlertWindow(arrived.seen_at, now)) return std::nullopt;
  std::vector<Sighting> all;
  all.reserve(readable.size() + 1);
  bool has_arrived = false;
  for (const auto& s : readable) {
    if (s.of != arrived.of) continue;
    if (s.pk == arrived.pk) has_arrived = true;
    if (s.pk < arrived.pk && s.org.identity_id == arrived.org.identity_id &&
        InAlertWindow(s.seen_at, now)) {
      return std::nullopt;  // this organisation was already counted
    }
    all.push_back(s);
  }
  if (!has_arrived) all.push_back(arrived);
  return WindowAlert(Newest(all), now);
}

Result<std::vector<Sighting>> ReadableSightingsOf(store::Store& store, const policy::Principal& p,
                                                  const std::string& object_id,
                                                  const OrgDirectory& orgs, bool all_versions) {
  ECRN_ASSIGN_OR_RETURN(auto hits, store.FindObservable(kSightingOfKind, object_id));
  std::vector<std::string> ids;
  for (auto& h : hits) ids.push_back(std::move(h.stix_id));
  std::vector<store::StoredObject> rows;
  if (all_versions) {
    ECRN_ASSIGN_OR_RETURN(rows, RowsOfIds(store, std::move(ids), true, policy::VisibilityFor(p)));
    ECRN_ASSIGN_OR_RETURN(rows, KeepReadable(store, p, std::move(rows)));
  } else {
    ECRN_ASSIGN_OR_RETURN(rows, ReadableLatest(store, p, std::move(ids)));
  }
  std::vector<Sighting> out;
  for (const auto& r : rows) {
    auto s = ParseSighting(r, orgs);
    if (s && s->of == object_id) out.push_back(std::move(*s));
  }
  return out;
}

Result<std::vector<MultiOrgAlert>> CurrentAlerts(store::Store& store, const policy::Principal& p,
                                                 Micros now) {
  ECRN_ASSIGN_OR_RETURN(auto org_list, store.ListOrganisations());
  const OrgDirectory orgs(std::move(org_list));
  // A sighting seen in the window was added to the hub at or after the
  // window's start (seen_at <= date_added).
  store::ObjectQuery q;
  q.types = {"sighting"};
  q.added_after = now - kAlertWindow - 1;
  q.visible_to = policy::VisibilityFor(p);
  q.all_versions = true;
  q.limit = kAlertPage;
  std::vector<Sighting> readable;
  while (true) {
    ECRN_ASSIGN_OR_RETURN(auto rows, store.QueryObjects(q));
    const bool more = rows.size() == kAlertPage;
    if (!rows.empty()) q.after_pk = rows.back().pk;
    ECRN_ASSIGN_OR_RETURN(rows, KeepReadable(store, p, std::move(rows)));
    for (const auto& r : rows) {
      if (auto s = ParseSighting(r, orgs)) readable.push_back(std::move(*s));
    }
    if (!more) break;
  }
  auto alerts = AlertsAt(readable, now);
  // Only about objects the caller may read.
  std::vector<std::string> object_ids;
  for (const auto& a : alerts) object_ids.push_back(a.object_id);
  ECRN_ASSIGN_OR_RETURN(auto objects, ReadableLatest(store, p, std::move(object_ids)));
  std::map<std::string, const store::StoredObject*> by_id;
  for (const auto& o : objects) by_id.emplace(o.stix_id, &o);
  std::vector<MultiOrgAlert> out;
  for (auto& a : alerts) {
    auto it = by_id.find(a.object_id);
    if (it == by_id.end()) continue;
    a.object_type = it->second->type;
    a.object_name = NameOf(*it->second);
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<ArrivalContext>> ArrivalContext::Load(store::Store& store,
                                                           const store::StoredObject& row,
                                                           std::span<const int64_t> recipients) {
  if (row.type != "sighting") return std::optional<ArrivalContext>();
  ECRN_ASSIGN_OR_RETURN(auto org_list, store.ListOrganisations());
  const OrgDirectory orgs(std::move(org_list));
  auto arrived = ParseSighting(row, orgs);
  if (!arrived) return std::optional<ArrivalContext>();
  ArrivalContext c;
  c.arrived_ = std::move(*arrived);
  c.arrived_guard_ = {row.channel_id, row.tlp, {recipients.begin(), recipients.end()}};
  auto guard = [&store](const store::StoredObject& r) -> Result<Guarded> {
    Guarded g{r.channel_id, r.tlp, {}};
    if (stix::TlpFromName(r.tlp) == stix::Tlp::kRed) {
      ECRN_ASSIGN_OR_RETURN(g.recipients, store.RedRecipients(r.pk));
    }
    return g;
  };
  // Every row, unfiltered: AlertFor applies the reader's policy to each.
  ECRN_ASSIGN_OR_RETURN(auto hits, store.FindObservable(kSightingOfKind, c.arrived_.of));
  std::vector<std::string> ids;
  for (auto& h : hits) ids.push_back(std::move(h.stix_id));
  ECRN_ASSIGN_OR_RETURN(auto rows, RowsOfIds(store, std::move(ids), true, std::nullopt));
  for (const auto& r : rows) {
    auto s = ParseSighting(r, orgs);
    if (!s || s->of != c.arrived_.of) continue;
    ECRN_ASSIGN_OR_RETURN(auto g, guard(r));
    c.sightings_.push_back({std::move(*s), std::move(g)});
  }
  ECRN_ASSIGN_OR_RETURN(auto objects, RowsOfIds(store, {c.arrived_.of}, true, std::nullopt));
  for (const auto& r : objects) {
    ECRN_ASSIGN_OR_RETURN(auto g, guard(r));
    c.object_.push_back({r.modified, r.date_added, r.type, NameOf(r), std::move(g)});
  }
  return std::optional<ArrivalContext>(std::move(c));
}

bool ArrivalContext::Readable(const policy::Principal& p, const Guarded& g) {
  return MayReadRow(p, g.channel_id, g.tlp, g.recipients);
}

std::optional<MultiOrgAlert> ArrivalContext::AlertFor(const policy::Principal& p) const {
  if (!Readable(p, arrived_guard_)) return std::nullopt;
  const GuardedObject* object = nullptr;
  for (const auto& o : object_) {
    if (!Readable(p, o.guard)) continue;
    if (!object || o.modified > object->modified ||
        (o.modified == object->modified && o.date_added > object->date_added)) {
      object = &o;
    }
  }
  if (!object) return std::nullopt;
  std::vector<Sighting> readable;
  for (const auto& s : sightings_) {
    if (Readable(p, s.guard)) readable.push_back(s.sighting);
  }
  auto alert = AlertOnArrival(readable, arrived_);
  if (alert) {
    alert->object_type = object->type;
    alert->object_name = object->name;
  }
  return alert;
}

}  // namespace ecrn::intel
