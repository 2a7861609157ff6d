// The storage of incident cases (issue 5): cases and their participants, two
// hash chains per case (the timeline of every change and the evidence
// custody log), evidence files, crime-report packages, reporting-clock rules,
// the in-app notification inbox, webhooks and the outgoing delivery queue.
// Reached through Store::Incidents(); both backends implement it on the same
// database as the rest of the Store. Thread-safe like Store, and like Store
// every write commits before it returns OK ("acknowledged means durable"):
// evidence bytes are written in the same transaction as their metadata and
// their custody entry.
//
// The store keeps what the domain module (`incident`) decides: the case
// document is opaque JSON here, with the columns lists and filters need
// copied beside it. Who may see what is `policy`'s decision; the store only
// applies the filter it is given (IncidentQuery::visible_to_org).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn::store {

// An organisation taking part in a case besides its owner.
struct IncidentParticipant {
  int64_t org_id = 0;
  std::string role;  // incident::kParticipantRoles token, e.g. "police"
  Micros added = 0;
};

// Each case has two append-only hash chains of ecrn::AuditEntry, linked and
// hashed exactly like the audit log (AuditEntryHash; seq 1, 2, ... per case
// and chain; the first prev_hash is kAuditGenesisHash): the timeline (every
// change, comment, task update, acknowledgement) and the custody log (every
// acquisition, access, download and export of evidence).
enum class IncidentLog { kTimeline, kCustody };

// The head of one chain: seq 0 and hash "" while it is empty.
struct ChainHead {
  int64_t seq = 0;
  std::string hash;
};

struct IncidentRow {
  int64_t id = 0;         // assigned by CreateIncident
  std::string stix_id;    // "incident--<uuid>", unique
  int64_t owner_org = 0;  // the reporting organisation
  int64_t reporter_user = 0;
  // Copies of case-document fields, for lists and filters.
  std::string title;
  std::string status;  // incident workflow token
  std::string severity;
  std::string category;
  std::string tlp;  // TLP token of the case
  std::optional<int64_t> assignee_user;
  // The earliest reporting deadline not yet met (UTC), for the overdue list
  // and the clock scheduler; nullopt when none is pending.
  std::optional<Micros> next_deadline;
  Micros created = 0;
  Micros updated = 0;
  // Optimistic concurrency: 1 after CreateIncident, +1 per UpdateIncident.
  int64_t rev = 0;
  std::string json;                               // the case document (incident::Case as JSON)
  std::vector<IncidentParticipant> participants;  // in org_id order
  // Read-only here: the chain heads as stored (ignored on writes).
  ChainHead timeline_head;
  ChainHead custody_head;
};

// Which cases to list. Empty / unset fields do not filter.
struct IncidentQuery {
  // Cases this organisation owns or takes part in (policy sets it for
  // everyone but the network admin).
  std::optional<int64_t> visible_to_org;
  std::optional<int64_t> owner_org;
  std::vector<std::string> statuses;
  std::vector<std::string> severities;
  std::vector<std::string> categories;
  std::optional<int64_t> assignee_user;
  // next_deadline < this (overdue when `now`, due soon when now + window).
  std::optional<Micros> deadline_before;
  // Case-insensitive substring of the title (ASCII case folding).
  std::optional<std::string> text;
  // In id order, newest (highest id) first unless oldest_first; paging
  // continues after `after_id` in that order.
  bool oldest_first = false;
  std::optional<int64_t> after_id;
  size_t limit = 100;
};

struct EvidenceMeta {
  int64_t id = 0;  // assigned by AddEvidence
  int64_t incident_id = 0;
  std::string uuid;  // assigned by AddEvidence when empty; unique
  std::string file_name;
  std::string media_type;
  std::string description;
  int64_t size = 0;    // bytes; AddEvidence checks it against the data
  std::string sha256;  // lower-case hex, computed at acquisition
  Micros acquired = 0;
  int64_t acquired_by_user = 0;
  int64_t acquired_by_org = 0;
};

struct EvidenceFile {
  EvidenceMeta meta;
  std::string data;  // the bytes as stored (callers verify them against meta.sha256)
};

// A crime-report package (a zip) built for a receiving organisation.
struct PackageRow {
  int64_t id = 0;  // assigned by AddPackage
  int64_t incident_id = 0;
  std::string uuid;  // unique; assigned when empty
  int64_t recipient_org = 0;
  int64_t created_by_user = 0;
  Micros created = 0;
  std::string sha256;  // of the zip
  int64_t size = 0;
  std::string manifest_json;  // the signed manifest, as in the zip
  std::optional<Micros> acknowledged;
  std::optional<int64_t> acknowledged_by_user;
};

struct PackageFile {
  PackageRow row;
  std::string zip;
};

struct PackageQuery {
  std::optional<int64_t> incident_id;
  std::optional<int64_t> recipient_org;
  std::optional<bool> acknowledged;
  size_t limit = 100;  // newest first
};

// A reporting-clock rule; country and category "" mean any. One rule per
// (country, category): PutReportingRule replaces.
struct ReportingRuleRow {
  int64_t id = 0;
  std::string country;
  std::string category;
  std::string json;  // incident::ClockRule as JSON
  Micros updated = 0;
};

// An entry of a user's in-app inbox.
struct Notification {
  int64_t id = 0;  // assigned by AddNotifications
  int64_t user_id = 0;
  Micros created = 0;
  std::string kind;         // "incident.assigned", "clock.due-soon", ...
  std::string subject_id;   // what it is about (an incident's stix id), may be ""
  std::string title;        // one line for the user
  std::string json = "{}";  // details (a JSON object)
  std::optional<Micros> read;
};

// An organisation's outgoing webhook (chat, SOAR).
struct Webhook {
  int64_t id = 0;
  int64_t org_id = 0;
  std::string url;
  std::string secret;               // HMAC key, shown once at creation
  std::vector<std::string> events;  // event kinds it wants; empty: all
  bool enabled = true;
  Micros created = 0;
};

// One message in the outgoing queue (e-mail or webhook call).
struct DeliveryRow {
  int64_t id = 0;          // assigned by EnqueueDeliveries
  std::string channel;     // "email" or "webhook"
  std::string target;      // e-mail address or webhook URL
  int64_t webhook_id = 0;  // 0 for e-mail
  std::string subject;
  std::string body;
  std::string event_id;  // stable id of what is delivered (idempotency)
  std::string event_kind;
  int attempts = 0;
  Micros next_attempt = 0;
  std::string status = "pending";  // "pending", "sent", "failed" (gave up)
  std::string last_error;
  Micros created = 0;
};

class IncidentStore {
 public:
  virtual ~IncidentStore() = default;

  // --- cases -----------------------------------------------------------------
  // Stores a new case (row.id, rev and the heads are assigned) with `created` as timeline entry 1,
  // in one transaction. kAlreadyExists when the stix_id is taken; kInvalidArgument for a bad audit
  // record (as Store::AppendAudit) or an empty stix_id; kNotFound when the owner or a participant
  // organisation does not exist. Returns the stored row.
  virtual Result<IncidentRow> CreateIncident(const IncidentRow& row,
                                             const AuditRecord& created) = 0;
  // By numeric id or stix id; kNotFound when absent.
  virtual Result<IncidentRow> GetIncident(std::string_view id_or_stix_id) = 0;
  virtual Result<std::vector<IncidentRow>> ListIncidents(const IncidentQuery& query) = 0;
  // Replaces the case's columns, document and participants with `row`'s
  // when the stored rev equals row.rev (else kConflict, nothing changes),
  // sets rev + 1 and `updated`, and appends `events` to the timeline, all in
  // one transaction. kNotFound when the case does not exist. owner_org,
  // reporter_user, stix_id and created never change. Returns the stored row.
  virtual Result<IncidentRow> UpdateIncident(const IncidentRow& row,
                                             std::span<const AuditRecord> events) = 0;

  // --- the two chains ----------------------------------------------------------
  // Appends one entry (a comment, an acknowledgement, an evidence access)
  // to a chain of the case, atomically with every other append to it.
  virtual Result<AuditEntry> AppendIncidentLog(int64_t incident_id, IncidentLog log,
                                               const AuditRecord& record) = 0;
  // Entries in seq order, after `after_seq`, at most `limit`; kNotFound when the case is absent.
  virtual Result<std::vector<AuditEntry>> ListIncidentLog(int64_t incident_id, IncidentLog log,
                                                          std::optional<int64_t> after_seq,
                                                          size_t limit) = 0;

  // --- evidence ------------------------------------------------------------------
  // Stores the bytes with their metadata, appends `custody` (the acquisition)
  // to the custody log and `timeline` to the timeline, in one transaction.
  // kInvalidArgument when meta.size or meta.sha256 does not match `data`.
  virtual Result<EvidenceMeta> AddEvidence(const EvidenceMeta& meta, std::string_view data,
                                           const AuditRecord& custody,
                                           const AuditRecord& timeline) = 0;
  // A case's evidence, in id order (metadata only); kNotFound when the case is absent.
  virtual Result<std::vector<EvidenceMeta>> ListEvidence(int64_t incident_id) = 0;
  // By numeric id or uuid; kNotFound when absent.
  virtual Result<EvidenceFile> ReadEvidence(std::string_view id_or_uuid) = 0;

  // --- crime-report packages ------------------------------------------------------
  // Stores the zip with its row (sha256 and size computed; kInvalidArgument when set and wrong),
  // appends `custody` (one per evidence file exported) and `timeline`, in one transaction.
  virtual Result<PackageRow> AddPackage(const PackageRow& row, std::string_view zip,
                                        std::span<const AuditRecord> custody,
                                        const AuditRecord& timeline) = 0;
  virtual Result<std::vector<PackageRow>> ListPackages(const PackageQuery& query) = 0;
  // By numeric id or uuid; kNotFound when absent.
  virtual Result<PackageFile> ReadPackage(std::string_view id_or_uuid) = 0;
  // Records the receipt and appends `timeline`, in one transaction.
  // kConflict when the package was already acknowledged.
  virtual Result<PackageRow> AcknowledgePackage(int64_t package_id, int64_t user_id, Micros at,
                                                const AuditRecord& timeline) = 0;

  // --- reporting-clock rules -------------------------------------------------------
  // Inserts or replaces the rule for (country, category); returns its id.
  virtual Result<int64_t> PutReportingRule(const ReportingRuleRow& rule) = 0;
  virtual Result<std::vector<ReportingRuleRow>> ListReportingRules() = 0;
  // kNotFound when absent.
  virtual Result<void> DeleteReportingRule(int64_t id) = 0;

  // --- in-app notifications ----------------------------------------------------------
  // Stores them in one transaction; returns their ids in input order.
  virtual Result<std::vector<int64_t>> AddNotifications(std::span<const Notification> items) = 0;
  // A user's notifications, newest first; with after_id, only those with a
  // higher id (oldest first then, for a live stream to catch up).
  virtual Result<std::vector<Notification>> ListNotifications(int64_t user_id, bool unread_only,
                                                              std::optional<int64_t> after_id,
                                                              size_t limit) = 0;
  // Every user's notifications with an id above `after_id`, in id order, at
  // most `limit`: the feed the live stream follows. Ids become visible in
  // increasing order (SQLite serialises writers; PostgreSQL serialises
  // AddNotifications with a transaction-level lock), so a reader that goes
  // on from the highest id it has seen misses none.
  virtual Result<std::vector<Notification>> NotificationsAfter(int64_t after_id, size_t limit) = 0;
  // The highest notification id stored, 0 when none: where a feed starts.
  virtual Result<int64_t> LastNotificationId() = 0;
  // kNotFound when the notification is not that user's.
  virtual Result<void> MarkNotificationRead(int64_t user_id, int64_t notification_id,
                                            Micros at) = 0;
  // True the first time `key` is claimed on the database (by any server),
  // false afterwards: sends a clock warning once.
  virtual Result<bool> ClaimOnce(std::string_view key, Micros now) = 0;

  // --- webhooks and the delivery queue ------------------------------------------------
  virtual Result<int64_t> AddWebhook(const Webhook& hook) = 0;
  // All webhooks, or one organisation's.
  virtual Result<std::vector<Webhook>> ListWebhooks(std::optional<int64_t> org_id) = 0;
  // kNotFound when absent.
  virtual Result<void> DeleteWebhook(int64_t id) = 0;
  // Queues deliveries in one transaction; returns their ids.
  virtual Result<std::vector<int64_t>> EnqueueDeliveries(std::span<const DeliveryRow> rows) = 0;
  // Takes up to `limit` pending deliveries due at `now` (next_attempt <=
  // now) that no other claimer holds: each gets attempts + 1 and is held
  // until `lease_until` (its next_attempt is set to it, so a claimer that
  // dies releases it then). Safe with several servers on one database.
  virtual Result<std::vector<DeliveryRow>> ClaimDeliveries(Micros now, size_t limit,
                                                           Micros lease_until) = 0;
  // Ends an attempt: sent; or failed with `error` and retried at
  // `retry_at`, or given up (status "failed") without one.
  virtual Result<void> CompleteDelivery(int64_t id, bool sent, std::string_view error,
                                        std::optional<Micros> retry_at) = 0;
  // Deliveries by status ("" for all), newest first — for operators and tests.
  virtual Result<std::vector<DeliveryRow>> ListDeliveries(std::string_view status,
                                                          size_t limit) = 0;
};

}  // namespace ecrn::store
