#include "ecrn/intel/read.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <boost/json/parse.hpp>

#include "ecrn/intel/observables.hpp"
#include "ecrn/stix/object.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::intel {
namespace {

// Ids per query (well under the bound-parameter limits).
constexpr size_t kIdsPerQuery = 500;

std::optional<boost::json::object> ParseObject(const store::StoredObject& o) {
  boost::system::error_code ec;
  auto v = boost::json::parse(o.json, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string Field(const store::StoredObject& o, std::string_view key) {
  auto obj = ParseObject(o);
  if (!obj) return {};
  const auto* v = obj->if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

RelatedObject Related(const store::StoredObject& o) {
  return {o.stix_id, o.type, NameOf(o), o.channel_id};
}

// Readable rows of `ids` (all channels), all versions when `all_versions`.
Result<std::vector<store::StoredObject>> ReadableRows(store::Store& store,
                                                      const policy::Principal& p,
                                                      std::vector<std::string> ids,
                                                      bool all_versions) {
  ECRN_ASSIGN_OR_RETURN(auto rows,
                        RowsOfIds(store, std::move(ids), all_versions, policy::VisibilityFor(p)));
  return KeepReadable(store, p, std::move(rows));
}

// Ids of objects indexed under (kind, value), other than `self`.
Result<std::vector<std::string>> IdsNaming(store::Store& store, std::string_view kind,
                                           std::string_view value, std::string_view self) {
  ECRN_ASSIGN_OR_RETURN(auto hits, store.FindObservable(kind, value));
  std::vector<std::string> ids;
  for (auto& h : hits) {
    if (h.stix_id != self) ids.push_back(std::move(h.stix_id));
  }
  return ids;
}

}  // namespace

std::string NameOf(const store::StoredObject& o) { return Field(o, "name"); }
Texts TextsOf(const store::StoredObject& o) {
  Texts t;
  auto obj = ParseObject(o);
  if (!obj) return t;
  auto text = [&](std::string_view key) {
    const auto* v = obj->if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  t.name = text("name");
  t.description = text("description");
  return t;
}

bool MayReadRow(const policy::Principal& p, int64_t channel_id, std::string_view tlp,
                std::span<const int64_t> recipients) {
  const stix::Tlp level = stix::TlpFromName(tlp).value_or(stix::Tlp::kAmber);
  return policy::CanRead(p, {channel_id, level, recipients});
}

Result<std::vector<store::StoredObject>> RowsOfIds(store::Store& store,
                                                   std::vector<std::string> ids, bool all_versions,
                                                   std::optional<store::Visibility> visible_to) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::vector<store::StoredObject> out;
  for (size_t begin = 0; begin < ids.size(); begin += kIdsPerQuery) {
    store::ObjectQuery q;
    q.ids.assign(ids.begin() + static_cast<ptrdiff_t>(begin),
                 ids.begin() + static_cast<ptrdiff_t>(std::min(ids.size(), begin + kIdsPerQuery)));
    q.visible_to = visible_to;
    q.all_versions = all_versions;
    q.limit = 100'000;
    ECRN_ASSIGN_OR_RETURN(auto rows, store.QueryObjects(q));
    for (auto& r : rows) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<store::StoredObject>> KeepReadable(
    store::Store& store, const policy::Principal& p, std::vector<store::StoredObject> rows,
    const std::function<void(const std::string&)>& on_leak) {
  std::vector<store::StoredObject> out;
  out.reserve(rows.size());
  for (auto& row : rows) {
    std::vector<int64_t> recipients;
    if (stix::TlpFromName(row.tlp) == stix::Tlp::kRed) {
      ECRN_ASSIGN_OR_RETURN(recipients, store.RedRecipients(row.pk));
    }
    if (MayReadRow(p, row.channel_id, row.tlp, recipients)) {
      out.push_back(std::move(row));
    } else if (on_leak) {
      on_leak("policy: the store returned row " + std::to_string(row.pk) + " that user " +
              std::to_string(p.user_id) + " may not read");
    }
  }
  return out;
}

Result<std::vector<store::StoredObject>> ReadableLatest(store::Store& store,
                                                        const policy::Principal& p,
                                                        std::vector<std::string> ids) {
  ECRN_ASSIGN_OR_RETURN(auto rows, ReadableRows(store, p, std::move(ids), false));
  std::map<std::string, store::StoredObject> best;
  for (auto& r : rows) {
    auto it = best.find(r.stix_id);
    if (it == best.end() || r.modified > it->second.modified ||
        (r.modified == it->second.modified && r.date_added > it->second.date_added)) {
      best[r.stix_id] = std::move(r);
    }
  }
  std::vector<store::StoredObject> out;
  for (auto& [id, r] : best) out.push_back(std::move(r));
  return out;
}

Result<ObjectDetail> Describe(store::Store& store, const policy::Principal& p,
                              const std::string& stix_id, Micros now) {
  ECRN_ASSIGN_OR_RETURN(auto versions, ReadableRows(store, p, {stix_id}, true));
  if (versions.empty()) return Error::NotFound("no such object");
  ObjectDetail d;
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
    return a.modified != b.modified ? a.modified > b.modified : a.date_added > b.date_added;
  });
  d.latest = versions.front();
  std::set<std::string> seen;
  for (const auto& v : versions) {
    std::string text = v.modified_text.empty() ? FormatTimestamp(v.modified, 3) : v.modified_text;
    if (seen.insert(text).second) d.versions.push_back(std::move(text));
  }

  // Relationships whose source or target is this object, with the other end
  // only when it is readable too.
  ECRN_ASSIGN_OR_RETURN(auto out_ids, IdsNaming(store, kSourceRefKind, stix_id, stix_id));
  ECRN_ASSIGN_OR_RETURN(auto in_ids, IdsNaming(store, kTargetRefKind, stix_id, stix_id));
  std::vector<std::string> rel_ids = out_ids;
  rel_ids.insert(rel_ids.end(), in_ids.begin(), in_ids.end());
  ECRN_ASSIGN_OR_RETURN(auto rels, ReadableLatest(store, p, rel_ids));
  std::vector<std::pair<store::StoredObject, std::string>> ends;  // relationship, other id
  std::vector<std::string> other_ids;
  for (auto& r : rels) {
    if (r.type != "relationship") continue;
    auto obj = ParseObject(r);
    if (!obj) continue;
    auto text = [&](std::string_view k) {
      const auto* v = obj->if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    const bool outgoing = text("source_ref") == stix_id;
    std::string other = outgoing ? text("target_ref") : text("source_ref");
    if (!outgoing && text("target_ref") != stix_id) continue;
    other_ids.push_back(other);
    RelationshipView view;
    view.id = r.stix_id;
    view.relationship_type = text("relationship_type");
    view.outgoing = outgoing;
    view.other.id = other;
    d.relationships.push_back(std::move(view));
  }
  ECRN_ASSIGN_OR_RETURN(auto others, ReadableLatest(store, p, other_ids));
  std::map<std::string, RelatedObject> readable_others;
  for (const auto& o : others) readable_others[o.stix_id] = Related(o);
  std::erase_if(d.relationships, [&](RelationshipView& v) {
    auto it = readable_others.find(v.other.id);
    if (it == readable_others.end()) return true;
    v.other = it->second;
    return false;
  });

  // Correlations: this object's observables named by other readable objects.
  if (auto obj = ParseObject(d.latest)) {
    std::vector<store::Observable> observables;
    ExtractObservables(stix::Object(std::move(*obj)), observables);
    std::set<std::pair<std::string, std::string>> done;
    for (const auto& ob : observables) {
      if (IsReferenceKind(ob.kind) || !done.insert({ob.kind, ob.value}).second) continue;
      ECRN_ASSIGN_OR_RETURN(auto ids, IdsNaming(store, ob.kind, ob.value, stix_id));
      if (ids.empty()) continue;
      ECRN_ASSIGN_OR_RETURN(auto rows, ReadableLatest(store, p, ids));
      if (rows.empty()) continue;
      Correlation c{ob.kind, ob.value, {}};
      for (const auto& r : rows) c.objects.push_back(Related(r));
      d.correlations.push_back(std::move(c));
    }
  }

  // Sightings of it that the caller may read.
  ECRN_ASSIGN_OR_RETURN(auto orgs, store.ListOrganisations());
  ECRN_ASSIGN_OR_RETURN(
      auto sightings, ReadableSightingsOf(store, p, stix_id, OrgDirectory(std::move(orgs)), false));
  d.sightings = Aggregate(sightings, now);
  return d;
}

}  // namespace ecrn::intel
