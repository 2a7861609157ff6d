// Sightings on the hub: what a stored sighting says, the per-object
// aggregate a reader sees ("seen N times by these organisations"), and the
// multi-organisation alert ("seen by N organisations in your channels in the
// last 24 h"). The folds are pure and are handed only sightings the reader
// may read; the store-backed functions apply `policy` themselves. A sighting
// the reader may not read never contributes a count, a time or an
// organisation. Thread-safe (the Store is; ArrivalContext is immutable).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::intel {

// The alert window: a sighting seen at t counts at `now` when
// now - kAlertWindow <= t <= now (both ends included).
inline constexpr Micros kAlertWindow = 24LL * 3600 * 1'000'000;
inline bool InAlertWindow(Micros t, Micros now) { return t >= now - kAlertWindow && t <= now; }

// The organisation a sighting counts for. `identity_id` is "" when unknown
// (an operator import without created_by_ref): such a sighting adds to the
// counts but not to the organisations.
struct SightingOrg {
  std::string identity_id;
  std::string name;  // the member's name; "" for an identity that is no member
  friend bool operator==(const SightingOrg&, const SightingOrg&) = default;
};

// The network's member organisations, by id and by identity.
class OrgDirectory {
 public:
  explicit OrgDirectory(std::vector<store::Organisation> orgs);
  // The organisation a sighting counts for: the member that shared it (the
  // hub recorded it and Publish let no member speak for another), else the
  // one its created_by_ref names. `where_sighted_refs` is the submitter's
  // own claim and is not trusted for counting organisations.
  SightingOrg OrgOf(const store::StoredObject& row, std::string_view created_by) const;

 private:
  std::vector<store::Organisation> orgs_;
  std::map<int64_t, size_t> by_id_;
  std::map<std::string, size_t, std::less<>> by_identity_;
};

// One stored version of a sighting, as the aggregate and the alert use it.
struct Sighting {
  int64_t pk = 0;
  std::string id;
  std::string of;  // sighting_of_ref
  Micros modified = 0;
  Micros date_added = 0;
  int64_t count = 1;  // `count` (1 when absent)
  std::optional<Micros> first_seen;
  std::optional<Micros> last_seen;
  // When it was last seen, as far as the hub trusts it: last_seen, else
  // first_seen, else created, and never later than date_added (a sensor
  // cannot place a sighting in the future).
  Micros seen_at = 0;
  SightingOrg org;
};

// nullopt when `row` is not a sighting with a sighting_of_ref or is not JSON.
std::optional<Sighting> ParseSighting(const store::StoredObject& row, const OrgDirectory& orgs);

// What a reader sees of the sightings of one object.
struct SightingAggregate {
  int64_t total_count = 0;  // sum of `count`
  int64_t sightings = 0;    // distinct sighting ids
  std::optional<Micros> first_seen;
  std::optional<Micros> last_seen;
  std::vector<SightingOrg> organisations;  // distinct (by identity), sorted by name then identity
  size_t organisations_last_24h = 0;       // of them, those with a sighting in the window at `now`
};

// Folds the newest version of each sighting id in `readable` (which must
// hold only sightings the reader may read).
SightingAggregate Aggregate(std::span<const Sighting> readable, Micros now);

// "Seen by N organisations in your channels in the last 24 h".
struct MultiOrgAlert {
  std::string object_id;  // the sighted object (sighting_of_ref)
  std::string object_type;
  std::string object_name;                 // "" when it has none
  std::vector<SightingOrg> organisations;  // N = organisations.size() >= 2, sorted as above
  int64_t total_count = 0;                 // of the sightings in the window
  int64_t sightings = 0;
  Micros first_seen = 0;  // earliest seen_at in the window
  Micros last_seen = 0;   // latest seen_at in the window
};

// The JSON of an alert, as GET /api/v1/alerts lists it and the live stream
// sends it (docs/rest-api.md): object {id, type, name}, organisations
// [{identity, name}], count, sightings, first_seen, last_seen,
// organisation_count (last, in this order).
boost::json::object AlertJson(const MultiOrgAlert& alert);
// [{identity, name}] (name null for an identity that is no member).
boost::json::array OrgsJson(std::span<const SightingOrg> orgs);

// Alerts over `readable` (sightings the reader may read, of any objects):
// one per sighted object whose newest sighting versions seen in
// [now - 24 h, now] come from two or more organisations; object_type and
// object_name are left for the caller. Sorted by last_seen, newest first.
std::vector<MultiOrgAlert> AlertsAt(std::span<const Sighting> readable, Micros now);

// The alert rule for a sighting version as it arrives (the live stream).
// `readable` holds the versions of sightings of the same object the reader
// may read (`arrived` among them or not). With `now` = arrived.date_added,
// an alert is due when `arrived` is seen in the window, its organisation is
// new there (no readable version stored before it, by pk, from the same
// organisation is seen in the window), and the window then holds two or
// more organisations. So one organisation sighting again, or a new version
// of a sighting, raises nothing; a second, third, ... organisation does.
std::optional<MultiOrgAlert> AlertOnArrival(std::span<const Sighting> readable,
                                            const Sighting& arrived);

// The sightings of `object_id` that `p` may read (every version when
// `all_versions`, else the newest readable one of each id).
Result<std::vector<Sighting>> ReadableSightingsOf(store::Store& store, const policy::Principal& p,
                                                  const std::string& object_id,
                                                  const OrgDirectory& orgs, bool all_versions);

// GET /api/v1/alerts: the alerts of the window ending at `now` over the
// sightings `p` may read, for sighted objects `p` may read (named and
// typed). kNotFound never; store errors pass through.
Result<std::vector<MultiOrgAlert>> CurrentAlerts(store::Store& store, const policy::Principal& p,
                                                 Micros now);

// What the live stream needs to decide, for each of its readers, whether
// one arriving sighting version raises an alert: every stored version of
// the sightings of its object and of the object itself, with the facts that
// decide who reads them. Loaded once per arrival (not once per reader); its
// contents are reachable only through AlertFor, which filters them with
// policy::CanRead for the reader, like intel::KeepReadable does.
class ArrivalContext {
 public:
  // nullopt when `row` is not a sighting; `recipients` are its RED
  // recipients (as the event bus hands them over).
  static Result<std::optional<ArrivalContext>> Load(store::Store& store,
                                                    const store::StoredObject& row,
                                                    std::span<const int64_t> recipients);

  // The alert `p` gets, if any (AlertOnArrival over what `p` may read;
  // none when `p` may not read the arrived sighting or the sighted object).
  std::optional<MultiOrgAlert> AlertFor(const policy::Principal& p) const;

  const std::string& object_id() const { return arrived_.of; }

 private:
  struct Guarded {
    int64_t channel_id = 0;
    std::string tlp;
    std::vector<int64_t> recipients;
  };
  struct GuardedSighting {
    Sighting sighting;
    Guarded guard;
  };
  struct GuardedObject {
    Micros modified = 0;
    Micros date_added = 0;
    std::string type;
    std::string name;
    Guarded guard;
  };
  static bool Readable(const policy::Principal& p, const Guarded& g);

  Sighting arrived_;
  Guarded arrived_guard_;
  std::vector<GuardedSighting> sightings_;
  std::vector<GuardedObject> object_;
};

}  // namespace ecrn::intel
