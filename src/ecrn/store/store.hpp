// The one storage interface of ECRN, with SQLite and PostgreSQL backends
// (chosen by OpenStore from the --db value). Everything that must outlive a
// process lives behind it. A Store is thread-safe: backends serialise or pool
// connections internally. Every write method commits before it returns OK
// ("acknowledged means durable").
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/store/incident_store.hpp"

namespace ecrn::store {

// Organisation kinds (DESIGN.md tokens).
inline constexpr std::string_view kOrgKinds[] = {
    "election-commission", "civil-society", "industry", "cert", "isac",
    "law-enforcement",     "coordinator"};
// User roles.
inline constexpr std::string_view kRoles[] = {"network-admin", "org-admin", "analyst", "liaison",
                                              "viewer"};

struct Organisation {
  int64_t id = 0;
  std::string name;
  std::string kind;         // one of kOrgKinds
  std::string country;      // ISO 3166-1 alpha-2
  std::string region;       // free text, may be empty
  std::string identity_id;  // the STIX identity ("identity--uuid") standing for it
  Micros created = 0;
};

struct User {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string username;
  std::string role;           // one of kRoles
  std::string password_hash;  // libsodium crypto_pwhash_str output (Argon2id)
  bool disabled = false;
  Micros created = 0;
  // TOTP (RFC 6238) second factor: the Base32 secret, "" when not enrolled;
  // the last time step accepted (a code is never accepted twice).
  std::string totp_secret;
  int64_t totp_last_step = 0;
};

struct ApiKey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string prefix;    // the public first characters, to find the row
  std::string key_hash;  // hash of the whole key; the key itself is never stored
  bool read_only = false;
  std::optional<Micros> expires;
  bool revoked = false;
  Micros created = 0;
};

struct Channel {
  int64_t id = 0;
  std::string name;
  std::string description;
  std::string default_tlp = "amber";  // a TLP token
  Micros created = 0;
  // The TAXII collection id (a UUID). AddChannel generates one when empty.
  std::string uuid;
};

struct Membership {
  int64_t channel_id = 0;
  int64_t org_id = 0;
  bool can_read = false;
  bool can_write = false;
};

// A value an object names, for search and correlation.
// kind: "domain-name", "ipv4-addr", "ipv6-addr" (value may be a CIDR),
// "url", "email-addr", "file-hash" (value "ALGO:hex", algorithm upper case,
// hex lower case).
struct Observable {
  std::string kind;
  std::string value;
};

// An object to store: the serialised STIX JSON plus the columns that index it.
struct NewObject {
  std::string stix_id;
  std::string type;
  std::string spec_version;  // "2.1" when absent in the JSON
  Micros created = 0;
  Micros modified = 0;        // version key; for objects without "modified" (SCOs) = created or 0
  std::string modified_text;  // the version as given, "" when the object has no modified
  std::string created_by;     // created_by_ref or ""
  std::string tlp;            // TLP token of the object's markings, "" when unmarked
  std::string json;           // compact JSON text of the object
  std::vector<Observable> observables;
  std::vector<int64_t> red_recipients;  // user ids; only meaningful for RED objects
  // Who shared it (0: not recorded, e.g. an operator import).
  int64_t submitter_org = 0;
  int64_t submitter_user = 0;
};

enum class InsertOutcome { kAdded, kDuplicate };

// A stored version of an object in one channel.
struct StoredObject {
  int64_t pk = 0;
  int64_t channel_id = 0;
  std::string stix_id;
  std::string type;
  std::string spec_version;
  Micros created = 0;
  Micros modified = 0;
  std::string modified_text;
  std::string created_by;
  std::string tlp;
  Micros date_added = 0;  // server time it entered the channel, strictly increasing per channel
  std::string json;
  int64_t submitter_org = 0;  // 0: not recorded
  int64_t submitter_user = 0;
};

// What a caller may see, as decided by `policy` (the store only applies it):
// rows of the listed channels, and of those the TLP:RED ones only when
// `user_id` is a named recipient.
struct Visibility {
  std::vector<int64_t> channel_ids;
  int64_t user_id = 0;
};

// Which stored objects to return. Empty / unset fields do not filter.
struct ObjectQuery {
  std::optional<int64_t> channel_id;
  std::vector<std::string> types;
  std::vector<std::string> ids;
  std::optional<Micros> added_after;     // date_added > this
  std::optional<Micros> added_until;     // date_added <= this
  std::optional<Micros> modified_since;  // modified >= this
  std::optional<std::string> created_by;
  std::vector<std::string> tlps;
  std::vector<std::string> spec_versions;
  // Restricts rows to what a caller may read; nullopt: everything (operator
  // commands only — every network read path sets it through policy).
  std::optional<Visibility> visible_to;
  // Versions: all versions when true. Otherwise a row is returned when it is
  // the latest (last_version) or earliest (first_version) of its id among the
  // rows the other filters match, or its `modified` is in `versions`.
  bool all_versions = false;
  bool last_version = true;
  bool first_version = false;
  std::vector<Micros> versions;
  // Case-insensitive substring of the object's "name" or "description"
  // (not indexed: a scan of the rows the other filters leave).
  std::optional<std::string> text;
  // Objects indexed with any of these (kind, value) pairs (an empty list
  // matches nothing). intel::ObservableCandidates turns a value a user typed
  // into the pairs it may be stored as.
  std::optional<std::vector<Observable>> observables;
  // Rows stored after the row with this pk (pk > this), e.g. to replay a
  // live stream from a Last-Event-ID.
  std::optional<int64_t> pk_above;
  // Paging by (date_added, pk) order, ascending unless newest_first.
  bool newest_first = false;
  size_t limit = 1000;
  std::optional<int64_t> after_pk;  // continue after this pk in that order
};

// Objects that carry an observable value.
struct ObservableHit {
  int64_t object_pk = 0;
  int64_t channel_id = 0;
  std::string stix_id;
  std::string kind;
  std::string value;
};

// A logged-in browser session. The cookie value is never stored: `id_hash`
// is its SHA-256.
struct Session {
  std::string id_hash;
  int64_t user_id = 0;
  std::string csrf_token;
  Micros created = 0;
  Micros last_seen = 0;
  Micros expires = 0;  // absolute end
};

// The status resource of one TAXII POST (json: the TAXII status object).
struct TaxiiStatus {
  std::string id;  // UUID
  int64_t user_id = 0;
  Micros created = 0;
  std::string json;
};

// Which audit entries to return (ListAudit), in seq order. Empty / unset
// fields do not filter.
struct AuditQuery {
  std::optional<int64_t> after_seq;  // seq > this (paging)
  size_t limit = 1000;
  std::optional<std::string> action;  // exact match
  std::optional<int64_t> actor_user_id;
  std::optional<int64_t> actor_org_id;
  std::optional<int64_t> subject_org_id;
  // Entries whose actor OR subject organisation is this one (what an
  // org-admin may read; the policy module decides who gets which filter).
  std::optional<int64_t> involving_org_id;
  std::optional<Micros> since;      // time >= this
  std::optional<Micros> until;      // time < this
  std::optional<std::string> hash;  // the entry with this hash (verification)
};

// The head of the audit chain, kept in its own row and updated in the same
// transaction as each append: the last seq, its hash and its time. It lets a
// verifier notice entries deleted from the end, which the chain alone cannot.
struct AuditHead {
  int64_t seq = 0;   // 0 when the log is empty
  std::string hash;  // the last entry's hash; "" when the log is empty
  Micros time = 0;   // the last entry's time
};

// New object versions as they are committed, by this process or any other
// writing to the same database, in commit order. Not thread-safe: one
// consumer calls Next.
class ObjectFeed {
 public:
  virtual ~ObjectFeed() = default;
  // Versions committed since the previous call (the first call: since the
  // feed was opened), at most `limit`; waits up to `timeout` when there are
  // none yet (then returns an empty list).
  virtual Result<std::vector<StoredObject>> Next(std::chrono::milliseconds timeout,
                                                 size_t limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view Backend() const = 0;
  // Applies pending numbered migrations; safe to call on every start.
  virtual Result<void> Migrate() = 0;
  // The highest migration applied.
  virtual Result<int> SchemaVersion() = 0;

  // Organisations. Names are unique (case-sensitive). Find* take a name or a
  // numeric id; kNotFound when absent.
  virtual Result<int64_t> AddOrganisation(const Organisation& org) = 0;
  virtual Result<std::vector<Organisation>> ListOrganisations() = 0;
  virtual Result<Organisation> FindOrganisation(std::string_view name_or_id) = 0;

  // Users. Usernames are unique across the network.
  virtual Result<int64_t> AddUser(const User& user) = 0;
  virtual Result<std::vector<User>> ListUsers(std::optional<int64_t> org_id) = 0;
  virtual Result<User> FindUser(std::string_view name_or_id) = 0;
  virtual Result<void> SetPassword(int64_t user_id, std::string_view password_hash) = 0;
  // Sets (or with "" removes) a user's TOTP secret; resets the last step.
  virtual Result<void> SetTotp(int64_t user_id, std::string_view secret) = 0;
  // Records that TOTP time step `step` was used: true when it is newer than
  // every step used before (atomically, across servers), false for a replay.
  virtual Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) = 0;

  // API keys.
  virtual Result<int64_t> AddApiKey(const ApiKey& key) = 0;
  virtual Result<std::vector<ApiKey>> FindApiKeysByPrefix(std::string_view prefix) = 0;
  virtual Result<std::vector<ApiKey>> ListApiKeys(int64_t user_id) = 0;
  virtual Result<void> RevokeApiKey(int64_t key_id) = 0;

  // Channels and memberships. Grant replaces the org's rights on the channel.
  virtual Result<int64_t> AddChannel(const Channel& channel) = 0;
  virtual Result<std::vector<Channel>> ListChannels() = 0;
  // By name, numeric id or TAXII collection uuid.
  virtual Result<Channel> FindChannel(std::string_view name_or_id) = 0;
  virtual Result<void> Grant(const Membership& membership) = 0;
  virtual Result<std::vector<Membership>> ListMemberships(std::optional<int64_t> channel_id) = 0;
  // The memberships of one organisation, by channel id.
  virtual Result<std::vector<Membership>> ListOrgMemberships(int64_t org_id) = 0;

  // Stores objects in `channel_id`, all in one transaction (all or nothing).
  // A version already in the channel (same stix_id and modified) is a
  // kDuplicate and changes nothing. date_added is taken from `now`, made
  // strictly increasing within the channel. Returns one outcome per input.
  virtual Result<std::vector<InsertOutcome>> InsertObjects(int64_t channel_id,
                                                           std::span<const NewObject> objects,
                                                           Micros now) = 0;
  // Bulk loading. While the store holds no objects at all, building the
  // secondary indexes once after a large load costs much less than keeping
  // them up to date row by row: BeginBulkLoad drops them then (true) or does
  // nothing (false: objects exist, or the backend has no such mode), and
  // EndBulkLoad builds whatever is missing. Queries stay correct in between,
  // only slower; Migrate() also rebuilds them, so a load that was
  // interrupted leaves nothing behind. For `ecrn import`.
  virtual Result<bool> BeginBulkLoad() = 0;
  virtual Result<void> EndBulkLoad() = 0;
  // Stored versions matching `query`, in (date_added, pk) order.
  virtual Result<std::vector<StoredObject>> QueryObjects(const ObjectQuery& query) = 0;
  // Number of stored versions (all channels) — for metrics and tests.
  virtual Result<int64_t> CountObjects(std::optional<int64_t> channel_id) = 0;
  // Objects naming an observable value (exact match on kind and value).
  virtual Result<std::vector<ObservableHit>> FindObservable(std::string_view kind,
                                                            std::string_view value) = 0;
  // The named RED recipients (user ids) of a stored version.
  virtual Result<std::vector<int64_t>> RedRecipients(int64_t object_pk) = 0;
  // Deletes every version of `stix_id` in the channel (TAXII DELETE); returns how many.
  virtual Result<int64_t> DeleteObject(int64_t channel_id, std::string_view stix_id) = 0;
  // Deletes the stored versions with these pks (one transaction); returns how many.
  virtual Result<int64_t> DeleteVersions(std::span<const int64_t> pks) = 0;

  // Sessions. FindSession: kNotFound when absent (expiry is the caller's check).
  virtual Result<void> CreateSession(const Session& session) = 0;
  virtual Result<Session> FindSession(std::string_view id_hash) = 0;
  virtual Result<void> TouchSession(std::string_view id_hash, Micros last_seen) = 0;
  virtual Result<void> DeleteSession(std::string_view id_hash) = 0;
  // Ends every session of a user (password change, disabling); returns how many.
  virtual Result<int64_t> DeleteUserSessions(int64_t user_id) = 0;
  // Removes sessions whose absolute end is at or before `now`.
  virtual Result<int64_t> DeleteExpiredSessions(Micros now) = 0;

  // TAXII status resources. GetTaxiiStatus: kNotFound when absent.
  virtual Result<void> PutTaxiiStatus(const TaxiiStatus& status) = 0;
  virtual Result<TaxiiStatus> GetTaxiiStatus(std::string_view id) = 0;

  // A feed of versions committed from now on (SQLite: polls, exact because
  // writers are serialised; PostgreSQL: LISTEN/NOTIFY on a connection of its
  // own, each commit announcing its rows).
  virtual Result<std::unique_ptr<ObjectFeed>> OpenObjectFeed() = 0;

  // A named server-wide secret shared by every server on the database:
  // stores `candidate` when the name has none yet, and returns the stored one.
  virtual Result<std::string> ServerSecret(std::string_view name, std::string_view candidate) = 0;

  // Audit log (hash-chained, append-only through this interface).
  // Appends `record` as the next entry, atomically with respect to every other
  // append on the database (other Store instances and processes included):
  // seq = head.seq + 1, prev_hash = the head's hash (kAuditGenesisHash for the
  // first entry), time = max(record.time, head.time) so times never go back,
  // hash = AuditEntryHash(entry); entry and head are written in one
  // transaction. Returns the stored entry. Fails with kInvalidArgument when a
  // text field is not valid UTF-8 or holds NUL (see AuditTextIsValid), the
  // action is empty, or detail is not a JSON object ("" is stored as "{}").
  virtual Result<AuditEntry> AppendAudit(const AuditRecord& record) = 0;
  // Entries matching `query`, in increasing seq order, at most query.limit.
  // Page through the whole log with after_seq = the last seq seen.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& query) = 0;
  // The chain head row; nullopt when it is missing (the log was tampered with).
  virtual Result<std::optional<AuditHead>> AuditChainHead() = 0;

  // Incident cases, their chains, evidence, packages, clock rules,
  // notifications and deliveries (incident_store.hpp), on this database.
  // The reference lives as long as the Store.
  virtual IncidentStore& Incidents() = 0;
};

struct StoreOptions {
  // SQLite: how long a writer waits for a lock. PostgreSQL: connect timeout.
  int busy_timeout_ms = 10000;
  // PostgreSQL: connections in the pool.
  int pool_size = 4;
  // SQLite: a commit that leaves more than this in the write-ahead log wakes
  // the background checkpoint, which copies the log into the database file.
  int64_t wal_checkpoint_bytes = int64_t{64} << 20;
};

// Opens a store: "postgresql://..." or "postgres://..." selects PostgreSQL,
// anything else is a SQLite file path (created if missing). Does not migrate.
Result<std::unique_ptr<Store>> OpenStore(std::string_view db, const StoreOptions& options = {});

}  // namespace ecrn::store
