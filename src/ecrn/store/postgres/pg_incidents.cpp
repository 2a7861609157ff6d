// The PostgreSQL IncidentStore: on the PostgresStore's connection pool.
// Appends to a case's chains are serialised by a row lock on the case
// (SELECT ... FOR UPDATE), so several servers on one database extend one
// chain; deliveries are claimed with FOR UPDATE SKIP LOCKED, once keys with
// INSERT ... ON CONFLICT DO NOTHING. Thread-safe.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ecrn/store/audit_append.hpp"
#include "ecrn/store/incident_rules.hpp"
#include "ecrn/store/postgres/pg_access.hpp"

namespace ecrn::store::postgres {
namespace {

constexpr char kIncidentCols[] =
    "id, stix_id, owner_org, reporter_user, title, status, severity, category, tlp, "
    "assignee_user, next_deadline, created, updated, rev, json, timeline_seq, timeline_hash, "
    "custody_seq, custody_hash";
constexpr char kEvidenceCols[] =
    "e.id, e.incident_id, e.uuid, e.file_name, e.media_type, e.description, e.size, e.sha256, "
    "e.acquired, e.acquired_by_user, e.acquired_by_org";
constexpr char kPackageCols[] =
    "p.id, p.incident_id, p.uuid, p.recipient_org, p.created_by_user, p.created, p.sha256, "
    "p.size, p.manifest_json, p.acknowledged, p.acknowledged_by_user";
constexpr char kNotificationCols[] = "id, user_id, created, kind, subject_id, title, json, read";
constexpr char kWebhookCols[] = "id, org_id, url, secret, events, enabled, created";
constexpr char kDeliveryCols[] =
    "id, channel, target, webhook_id, subject, body, event_id, event_kind, attempts, "
    "next_attempt, status, last_error, created";

constexpr char kForeignKeyViolation[] = "23503";
// The advisory lock AddNotifications takes ("ECRNNOTI").
constexpr int64_t kNotificationLockKey = 0x4543524E4E4F5449;

int64_t Limit(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)); }

IncidentRow IncidentAt(const PGresult* r, int i) {
  IncidentRow row;
  row.id = PgInt(r, i, 0);
  row.stix_id = PgText(r, i, 1);
  row.owner_org = PgInt(r, i, 2);
  row.reporter_user = PgInt(r, i, 3);
  row.title = PgText(r, i, 4);
  row.status = PgText(r, i, 5);
  row.severity = PgText(r, i, 6);
  row.category = PgText(r, i, 7);
  row.tlp = PgText(r, i, 8);
  row.assignee_user = OptIntAt(r, i, 9);
  row.next_deadline = OptIntAt(r, i, 10);
  row.created = PgInt(r, i, 11);
  row.updated = PgInt(r, i, 12);
  row.rev = PgInt(r, i, 13);
  row.json = PgText(r, i, 14);
  row.timeline_head = {PgInt(r, i, 15), PgText(r, i, 16)};
  row.custody_head = {PgInt(r, i, 17), PgText(r, i, 18)};
  return row;
}

EvidenceMeta EvidenceAt(const PGresult* r, int i) {
  return {PgInt(r, i, 0),  PgInt(r, i, 1),  PgText(r, i, 2), PgText(r, i, 3),
          PgText(r, i, 4), PgText(r, i, 5), PgInt(r, i, 6),  PgText(r, i, 7),
          PgInt(r, i, 8),  PgInt(r, i, 9),  PgInt(r, i, 10)};
}

PackageRow PackageAt(const PGresult* r, int i) {
  PackageRow p;
  p.id = PgInt(r, i, 0);
  p.incident_id = PgInt(r, i, 1);
  p.uuid = PgText(r, i, 2);
  p.recipient_org = PgInt(r, i, 3);
  p.created_by_user = PgInt(r, i, 4);
  p.created = PgInt(r, i, 5);
  p.sha256 = PgText(r, i, 6);
  p.size = PgInt(r, i, 7);
  p.manifest_json = PgText(r, i, 8);
  p.acknowledged = OptIntAt(r, i, 9);
  p.acknowledged_by_user = OptIntAt(r, i, 10);
  return p;
}

Notification NotificationAt(const PGresult* r, int i) {
  return {PgInt(r, i, 0),  PgInt(r, i, 1),  PgInt(r, i, 2),  PgText(r, i, 3),
          PgText(r, i, 4), PgText(r, i, 5), PgText(r, i, 6), OptIntAt(r, i, 7)};
}

Webhook WebhookAt(const PGresult* r, int i) {
  return {PgInt(r, i, 0),
          PgInt(r, i, 1),
          PgText(r, i, 2),
          PgText(r, i, 3),
          EventsFromJson(PgText(r, i, 4)),
          PgBool(r, i, 5),
          PgInt(r, i, 6)};
}

DeliveryRow DeliveryAt(const PGresult* r, int i) {
  DeliveryRow d;
  d.id = PgInt(r, i, 0);
  d.channel = PgText(r, i, 1);
  d.target = PgText(r, i, 2);
  d.webhook_id = PgInt(r, i, 3);
  d.subject = PgText(r, i, 4);
  d.body = PgText(r, i, 5);
  d.event_id = PgText(r, i, 6);
  d.event_kind = PgText(r, i, 7);
  d.attempts = static_cast<int>(PgInt(r, i, 8));
  d.next_attempt = PgInt(r, i, 9);
  d.status = PgText(r, i, 10);
  d.last_error = PgText(r, i, 11);
  d.created = PgInt(r, i, 12);
  return d;
}

// Gives a constraint failure the code and message the SQLite backend gives
// it: a taken key is kAlreadyExists `exists`, a dangling reference
// kNotFound `missing`.
Error Named(const PgConnection& conn, Error e, const std::string& exists,
            const std::string& missing) {
  if (e.code == ErrorCode::kAlreadyExists) e.message = exists;
  if (conn.sqlstate() == kForeignKeyViolation) {
    e.code = ErrorCode::kNotFound;
    e.message = missing;
  }
  return e;
}

// The id of `text` as a parameter when it is numeric, else NULL.
PgParams& IdOrNull(PgParams& params, std::string_view text) {
  return IsNumericId(text) ? params.Text(text) : params.Null();
}

class PgIncidentStore final : public IncidentStore {
 public:
  explicit PgIncidentStore(PgPool& pool) : pool_(pool) {}

  // --- cases -----------------------------------------------------------------
  Result<IncidentRow> CreateIncident(const IncidentRow& row, const AuditRecord& created) override {
    if (row.stix_id.empty()) return Error::Invalid("an incident needs a STIX id");
    return InTransaction(pool_, [&](PgConnection& c) -> Result<IncidentRow> {
      PgParams params;
      params.Text(row.stix_id).Int(row.owner_org).Int(row.reporter_user);
      ColumnParams(params, row).Int(row.created).Int(row.updated).Text(row.json);
      auto res = c.Exec(
          "INSERT INTO incidents (stix_id, owner_org, reporter_user, title, status, severity, "
          "category, tlp, assignee_user, next_deadline, created, updated, rev, json) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13) RETURNING id",
          params);
      if (!res.ok()) {
        return Named(c, std::move(res).error(), "an incident '" + row.stix_id + "' already exists",
                     "the owning organisation does not exist");
      }
      const int64_t id = PgInt(res->get(), 0, 0);
      ECRN_TRY(PutParticipants(c, id, row.participants));
      StoredChainHead head;
      ECRN_TRY(Append(c, id, IncidentLog::kTimeline, head, std::span(&created, 1)));
      return Load(c, std::to_string(id));
    });
  }

  Result<IncidentRow> GetIncident(std::string_view id_or_stix_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    return Load(*conn, id_or_stix_id);
  }

  Result<std::vector<IncidentRow>> ListIncidents(const IncidentQuery& q) override {
    std::string sql = std::string("SELECT ") + kIncidentCols + " FROM incidents WHERE true";
    PgParams params;
    auto next = [&] { return "$" + std::to_string(params.size() + 1); };
    auto add_list = [&](const char* col, const std::vector<std::string>& values) {
      if (values.empty()) return;
      PgArray a;
      for (const auto& v : values) a.Text(v);
      sql += std::string(" AND ") + col + " = ANY(" + next() + "::text[])";
      params.Text(a.Take());
    };
    if (q.visible_to_org) {
      const std::string p = next();
      sql +=
          " AND (owner_org = " + p +
          "::bigint OR id IN (SELECT incident_id FROM incident_participants WHERE org_id = " + p +
          "::bigint))";
      params.Int(*q.visible_to_org);
    }
    if (q.owner_org) {
      sql += " AND owner_org = " + next() + "::bigint";
      params.Int(*q.owner_org);
    }
    add_list("status", q.statuses);
    add_list("severity", q.severities);
    add_list("category", q.categories);
    if (q.assignee_user) {
      sql += " AND assignee_user = " + next() + "::bigint";
      params.Int(*q.assignee_user);
    }
    if (q.deadline_before) {
      sql += " AND next_deadline < " + next() + "::bigint";
      params.Int(*q.deadline_before);
    }
    if (q.text) {
      // ASCII case folding only, as on SQLite (lower() would follow the locale).
      constexpr char kFold[] = "'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'";
      sql += std::string(" AND strpos(translate(title, ") + kFold + "), translate(" + next() +
             "::text, " + kFold + ")) > 0";
      params.Text(*q.text);
    }
    if (q.after_id) {
      sql += std::string(" AND id ") + (q.oldest_first ? ">" : "<") + " " + next() + "::bigint";
      params.Int(*q.after_id);
    }
    sql += std::string(q.oldest_first ? " ORDER BY id" : " ORDER BY id DESC") + " LIMIT " + next() +
           "::bigint";
    params.Int(Limit(q.limit));
    return InTransaction(pool_, [&](PgConnection& c) -> Result<std::vector<IncidentRow>> {
      ECRN_ASSIGN_OR_RETURN(auto res, c.Exec(sql.c_str(), params));
      auto rows = AllRows<IncidentRow>(res, IncidentAt);
      ECRN_TRY(LoadParticipants(c, rows));
      return rows;
    });
  }

  Result<IncidentRow> UpdateIncident(const IncidentRow& row,
                                     std::span<const AuditRecord> events) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<IncidentRow> {
      ECRN_ASSIGN_OR_RETURN(auto cur, c.Exec("SELECT rev, timeline_seq, timeline_hash, "
                                             "timeline_time FROM incidents WHERE id = $1 "
                                             "FOR UPDATE",
                                             PgParams().Int(row.id)));
      if (Rows(cur) == 0) return NoSuchIncident(std::to_string(row.id));
      const int64_t rev = PgInt(cur.get(), 0, 0);
      StoredChainHead head{PgInt(cur.get(), 0, 1), PgText(cur.get(), 0, 2), PgInt(cur.get(), 0, 3)};
      if (rev != row.rev) {
        return Error{ErrorCode::kConflict,
                     "the incident was changed by someone else (revision " + std::to_string(rev) +
                         ", not " + std::to_string(row.rev) + "); reload it",
                     {}};
      }
      PgParams params;
      ColumnParams(params, row).Int(row.updated).Text(row.json).Int(row.id);
      ECRN_TRY(
          c.Exec("UPDATE incidents SET title = $1, status = $2, severity = $3, "
                 "category = $4, tlp = $5, assignee_user = $6, next_deadline = $7, "
                 "updated = $8, rev = rev + 1, json = $9 WHERE id = $10",
                 params));
      ECRN_TRY(c.Exec("DELETE FROM incident_participants WHERE incident_id = $1",
                      PgParams().Int(row.id)));
      ECRN_TRY(PutParticipants(c, row.id, row.participants));
      ECRN_TRY(Append(c, row.id, IncidentLog::kTimeline, head, events));
      return Load(c, std::to_string(row.id));
    });
  }

  // --- the two chains --------------------------------------------------------
  Result<AuditEntry> AppendIncidentLog(int64_t incident_id, IncidentLog log,
                                       const AuditRecord& record) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<AuditEntry> {
      ECRN_ASSIGN_OR_RETURN(StoredChainHead head, LockHead(c, incident_id, log));
      ECRN_ASSIGN_OR_RETURN(auto entries, Append(c, incident_id, log, head, std::span(&record, 1)));
      return std::move(entries.front());
    });
  }

  Result<std::vector<AuditEntry>> ListIncidentLog(int64_t incident_id, IncidentLog log,
                                                  std::optional<int64_t> after_seq,
                                                  size_t limit) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<std::vector<AuditEntry>> {
      ECRN_TRY(ReadHead(c, incident_id, log, false));
      const std::string sql = std::string("SELECT ") + kAuditColumns +
                              " FROM incident_log WHERE incident_id = $1 AND log = $2 AND "
                              "seq > $3 ORDER BY seq LIMIT $4";
      ECRN_ASSIGN_OR_RETURN(auto res, c.Exec(sql.c_str(), PgParams()
                                                              .Int(incident_id)
                                                              .Text(IncidentLogName(log))
                                                              .Int(after_seq.value_or(INT64_MIN))
                                                              .Int(Limit(limit))));
      return AllRows<AuditEntry>(res, [](const PGresult* r, int i) { return AuditAt(r, i); });
    });
  }

  // --- evidence --------------------------------------------------------------
  Result<EvidenceMeta> AddEvidence(const EvidenceMeta& meta, std::string_view data,
                                   const AuditRecord& custody,
                                   const AuditRecord& timeline) override {
    ECRN_ASSIGN_OR_RETURN(EvidenceMeta m, CheckedEvidence(meta, data));
    return InTransaction(pool_, [&](PgConnection& c) -> Result<EvidenceMeta> {
      ECRN_ASSIGN_OR_RETURN(auto heads, LockHeads(c, m.incident_id));
      auto res = c.Exec(
          "INSERT INTO evidence (incident_id, uuid, file_name, media_type, description, size, "
          "sha256, acquired, acquired_by_user, acquired_by_org) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          PgParams()
              .Int(m.incident_id)
              .Text(m.uuid)
              .Text(m.file_name)
              .Text(m.media_type)
              .Text(m.description)
              .Int(m.size)
              .Text(m.sha256)
              .Int(m.acquired)
              .Int(m.acquired_by_user)
              .Int(m.acquired_by_org));
      if (!res.ok()) {
        return Named(c, std::move(res).error(), "evidence '" + m.uuid + "' already exists",
                     "no such incident");
      }
      m.id = PgInt(res->get(), 0, 0);
      ECRN_TRY(c.Exec("INSERT INTO evidence_data (evidence_id, data) VALUES ($1, $2)",
                      PgParams().Int(m.id).Bytes(data)));
      ECRN_TRY(
          Append(c, m.incident_id, IncidentLog::kCustody, heads.second, std::span(&custody, 1)));
      ECRN_TRY(
          Append(c, m.incident_id, IncidentLog::kTimeline, heads.first, std::span(&timeline, 1)));
      return m;
    });
  }

  Result<std::vector<EvidenceMeta>> ListEvidence(int64_t incident_id) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<std::vector<EvidenceMeta>> {
      ECRN_TRY(ReadHead(c, incident_id, IncidentLog::kCustody, false));
      const std::string sql = std::string("SELECT ") + kEvidenceCols +
                              " FROM evidence e WHERE e.incident_id = $1 ORDER BY e.id";
      ECRN_ASSIGN_OR_RETURN(auto res, c.Exec(sql.c_str(), PgParams().Int(incident_id)));
      return AllRows<EvidenceMeta>(res, EvidenceAt);
    });
  }

  Result<EvidenceFile> ReadEvidence(std::string_view id_or_uuid) override {
    const std::string sql = std::string("SELECT ") + kEvidenceCols +
                            ", d.data FROM evidence e JOIN evidence_data d ON d.evidence_id = "
                            "e.id WHERE e.uuid = $1 OR e.id = $2::bigint "
                            "ORDER BY e.uuid = $1 DESC LIMIT 1";
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    PgParams params;
    params.Text(id_or_uuid);
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), IdOrNull(params, id_or_uuid)));
    if (Rows(res) == 0) return Error::NotFound("no evidence '" + std::string(id_or_uuid) + "'");
    return EvidenceFile{EvidenceAt(res.get(), 0), PgBytes(res.get(), 0, 11)};
  }

  // --- packages --------------------------------------------------------------
  Result<PackageRow> AddPackage(const PackageRow& row, std::string_view zip,
                                std::span<const AuditRecord> custody,
                                const AuditRecord& timeline) override {
    ECRN_ASSIGN_OR_RETURN(PackageRow p, CheckedPackage(row, zip));
    return InTransaction(pool_, [&](PgConnection& c) -> Result<PackageRow> {
      ECRN_ASSIGN_OR_RETURN(auto heads, LockHeads(c, p.incident_id));
      auto res = c.Exec(
          "INSERT INTO packages (incident_id, uuid, recipient_org, created_by_user, created, "
          "sha256, size, manifest_json, acknowledged, acknowledged_by_user) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
          PgParams()
              .Int(p.incident_id)
              .Text(p.uuid)
              .Int(p.recipient_org)
              .Int(p.created_by_user)
              .Int(p.created)
              .Text(p.sha256)
              .Int(p.size)
              .Text(p.manifest_json)
              .OptInt(p.acknowledged)
              .OptInt(p.acknowledged_by_user));
      if (!res.ok()) {
        return Named(c, std::move(res).error(), "package '" + p.uuid + "' already exists",
                     "the receiving organisation does not exist");
      }
      p.id = PgInt(res->get(), 0, 0);
      ECRN_TRY(c.Exec("INSERT INTO package_data (package_id, zip) VALUES ($1, $2)",
                      PgParams().Int(p.id).Bytes(zip)));
      ECRN_TRY(Append(c, p.incident_id, IncidentLog::kCustody, heads.second, custody));
      ECRN_TRY(
          Append(c, p.incident_id, IncidentLog::kTimeline, heads.first, std::span(&timeline, 1)));
      return p;
    });
  }

  Result<std::vector<PackageRow>> ListPackages(const PackageQuery& q) override {
    const std::string sql = std::string("SELECT ") + kPackageCols +
                            " FROM packages p WHERE ($1::bigint IS NULL OR p.incident_id = $1) "
                            "AND ($2::bigint IS NULL OR p.recipient_org = $2) AND "
                            "($3::boolean IS NULL OR (p.acknowledged IS NOT NULL) = $3) "
                            "ORDER BY p.id DESC LIMIT $4";
    PgParams params;
    params.OptInt(q.incident_id).OptInt(q.recipient_org);
    if (q.acknowledged) {
      params.Bool(*q.acknowledged);
    } else {
      params.Null();
    }
    params.Int(Limit(q.limit));
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), params));
    return AllRows<PackageRow>(res, PackageAt);
  }

  Result<PackageFile> ReadPackage(std::string_view id_or_uuid) override {
    const std::string sql = std::string("SELECT ") + kPackageCols +
                            ", d.zip FROM packages p JOIN package_data d ON d.package_id = p.id "
                            "WHERE p.uuid = $1 OR p.id = $2::bigint "
                            "ORDER BY p.uuid = $1 DESC LIMIT 1";
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    PgParams params;
    params.Text(id_or_uuid);
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), IdOrNull(params, id_or_uuid)));
    if (Rows(res) == 0) return Error::NotFound("no package '" + std::string(id_or_uuid) + "'");
    return PackageFile{PackageAt(res.get(), 0), PgBytes(res.get(), 0, 11)};
  }

  Result<PackageRow> AcknowledgePackage(int64_t package_id, int64_t user_id, Micros at,
                                        const AuditRecord& timeline) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<PackageRow> {
      const std::string sql =
          std::string("SELECT ") + kPackageCols + " FROM packages p WHERE p.id = $1 FOR UPDATE";
      ECRN_ASSIGN_OR_RETURN(auto res, c.Exec(sql.c_str(), PgParams().Int(package_id)));
      if (Rows(res) == 0)
        return Error::NotFound("no package with id " + std::to_string(package_id));
      PackageRow p = PackageAt(res.get(), 0);
      if (p.acknowledged) {
        return Error{ErrorCode::kConflict, "the package was already acknowledged", {}};
      }
      ECRN_ASSIGN_OR_RETURN(StoredChainHead head,
                            LockHead(c, p.incident_id, IncidentLog::kTimeline));
      ECRN_TRY(
          c.Exec("UPDATE packages SET acknowledged = $1, acknowledged_by_user = $2 "
                 "WHERE id = $3",
                 PgParams().Int(at).Int(user_id).Int(package_id)));
      ECRN_TRY(Append(c, p.incident_id, IncidentLog::kTimeline, head, std::span(&timeline, 1)));
      p.acknowledged = at;
      p.acknowledged_by_user = user_id;
      return p;
    });
  }

  // --- reporting-clock rules -------------------------------------------------
  Result<int64_t> PutReportingRule(const ReportingRuleRow& rule) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res,
        conn->Exec(
            "INSERT INTO reporting_rules (country, category, json, updated) "
            "VALUES ($1, $2, $3, $4) ON CONFLICT (country, category) DO UPDATE SET "
            "json = excluded.json, updated = excluded.updated RETURNING id",
            PgParams().Text(rule.country).Text(rule.category).Text(rule.json).Int(rule.updated)));
    return PgInt(res.get(), 0, 0);
  }

  Result<std::vector<ReportingRuleRow>> ListReportingRules() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("SELECT id, country, category, json, updated "
                                               "FROM reporting_rules ORDER BY id"));
    return AllRows<ReportingRuleRow>(res, [](const PGresult* r, int i) {
      return ReportingRuleRow{PgInt(r, i, 0), PgText(r, i, 1), PgText(r, i, 2), PgText(r, i, 3),
                              PgInt(r, i, 4)};
    });
  }

  Result<void> DeleteReportingRule(int64_t id) override {
    return DeleteById("DELETE FROM reporting_rules WHERE id = $1", id, "reporting rule");
  }

  // --- notifications ---------------------------------------------------------
  Result<std::vector<int64_t>> AddNotifications(std::span<const Notification> items) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<std::vector<int64_t>> {
      // Serialises the inserts of every server, so ids become visible in
      // increasing order and NotificationsAfter never passes over one that
      // commits late (the lock is held until this transaction has committed).
      ECRN_TRY(
          c.Exec("SELECT pg_advisory_xact_lock($1::bigint)", PgParams().Int(kNotificationLockKey)));
      std::vector<int64_t> ids;
      ids.reserve(items.size());
      for (const auto& n : items) {
        auto res = c.Exec(
            "INSERT INTO notifications (user_id, created, kind, subject_id, title, json, read) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            PgParams()
                .Int(n.user_id)
                .Int(n.created)
                .Text(n.kind)
                .Text(n.subject_id)
                .Text(n.title)
                .Text(n.json.empty() ? std::string_view("{}") : std::string_view(n.json))
                .OptInt(n.read));
        if (!res.ok()) {
          return Named(c, std::move(res).error(), "notification exists",
                       "no user with id " + std::to_string(n.user_id));
        }
        ids.push_back(PgInt(res->get(), 0, 0));
      }
      return ids;
    });
  }

  Result<std::vector<Notification>> ListNotifications(int64_t user_id, bool unread_only,
                                                      std::optional<int64_t> after_id,
                                                      size_t limit) override {
    const std::string sql =
        std::string("SELECT ") + kNotificationCols + " FROM notifications WHERE user_id = $1" +
        (unread_only ? " AND read IS NULL" : "") +
        (after_id ? " AND id > $3 ORDER BY id LIMIT $2" : " ORDER BY id DESC LIMIT $2");
    PgParams params;
    params.Int(user_id).Int(Limit(limit));
    if (after_id) params.Int(*after_id);
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), params));
    return AllRows<Notification>(res, NotificationAt);
  }

  Result<std::vector<Notification>> NotificationsAfter(int64_t after_id, size_t limit) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    const std::string sql = std::string("SELECT ") + kNotificationCols +
                            " FROM notifications WHERE id > $1 ORDER BY id LIMIT $2";
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec(sql.c_str(), PgParams().Int(after_id).Int(Limit(limit))));
    return AllRows<Notification>(res, NotificationAt);
  }

  Result<int64_t> LastNotificationId() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("SELECT COALESCE(MAX(id), 0) FROM notifications"));
    return PgInt(res.get(), 0, 0);
  }

  Result<void> MarkNotificationRead(int64_t user_id, int64_t notification_id, Micros at) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("UPDATE notifications SET read = COALESCE(read, $1) "
                                     "WHERE id = $2 AND user_id = $3",
                                     PgParams().Int(at).Int(notification_id).Int(user_id)));
    if (AffectedRows(res) == 0) return Error::NotFound("no such notification");
    return Ok();
  }

  Result<bool> ClaimOnce(std::string_view key, Micros now) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("INSERT INTO once_keys (key, claimed) VALUES "
                                               "($1, $2) ON CONFLICT (key) DO NOTHING",
                                               PgParams().Text(key).Int(now)));
    return AffectedRows(res) > 0;
  }

  // --- webhooks and deliveries -----------------------------------------------
  Result<int64_t> AddWebhook(const Webhook& hook) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    auto res = conn->Exec(
        "INSERT INTO webhooks (org_id, url, secret, events, enabled, created) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        PgParams()
            .Int(hook.org_id)
            .Text(hook.url)
            .Text(hook.secret)
            .Text(EventsJson(hook.events))
            .Bool(hook.enabled)
            .Int(hook.created));
    if (!res.ok()) {
      return Named(*conn, std::move(res).error(), "webhook exists", "no such organisation");
    }
    return PgInt(res->get(), 0, 0);
  }

  Result<std::vector<Webhook>> ListWebhooks(std::optional<int64_t> org_id) override {
    const std::string sql = std::string("SELECT ") + kWebhookCols +
                            " FROM webhooks WHERE ($1::bigint IS NULL OR org_id = $1) ORDER BY id";
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), PgParams().OptInt(org_id)));
    return AllRows<Webhook>(res, WebhookAt);
  }

  Result<void> DeleteWebhook(int64_t id) override {
    return DeleteById("DELETE FROM webhooks WHERE id = $1", id, "webhook");
  }

  Result<std::vector<int64_t>> EnqueueDeliveries(std::span<const DeliveryRow> rows) override {
    return InTransaction(pool_, [&](PgConnection& c) -> Result<std::vector<int64_t>> {
      std::vector<int64_t> ids;
      ids.reserve(rows.size());
      for (const auto& d : rows) {
        ECRN_ASSIGN_OR_RETURN(
            auto res,
            c.Exec("INSERT INTO deliveries (channel, target, webhook_id, subject, body, "
                   "event_id, event_kind, attempts, next_attempt, status, last_error, created) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                   PgParams()
                       .Text(d.channel)
                       .Text(d.target)
                       .Int(d.webhook_id)
                       .Text(d.subject)
                       .Text(d.body)
                       .Text(d.event_id)
                       .Text(d.event_kind)
                       .Int(d.attempts)
                       .Int(d.next_attempt)
                       .Text(d.status.empty() ? std::string_view("pending") : d.status)
                       .Text(d.last_error)
                       .Int(d.created)));
        ids.push_back(PgInt(res.get(), 0, 0));
      }
      return ids;
    });
  }

  Result<std::vector<DeliveryRow>> ClaimDeliveries(Micros now, size_t limit,
                                                   Micros lease_until) override {
    // SKIP LOCKED: rows another server is claiming right now are passed
    // over, not waited for; its lease moves them out of reach afterwards.
    const std::string sql =
        std::string(
            "UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt = $1 "
            "FROM (SELECT id FROM deliveries WHERE status = 'pending' AND "
            "next_attempt <= $2 ORDER BY next_attempt, id LIMIT $3 "
            "FOR UPDATE SKIP LOCKED) c WHERE d.id = c.id RETURNING ") +
        "d.id, d.channel, d.target, d.webhook_id, d.subject, d.body, d.event_id, "
        "d.event_kind, d.attempts, d.next_attempt, d.status, d.last_error, d.created";
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec(sql.c_str(), PgParams().Int(lease_until).Int(now).Int(Limit(limit))));
    auto rows = AllRows<DeliveryRow>(res, DeliveryAt);
    std::sort(rows.begin(), rows.end(),
              [](const DeliveryRow& a, const DeliveryRow& b) { return a.id < b.id; });
    return rows;
  }

  Result<void> CompleteDelivery(int64_t id, bool sent, std::string_view error,
                                std::optional<Micros> retry_at) override {
    const char* status = sent ? "sent" : retry_at ? "pending" : "failed";
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec("UPDATE deliveries SET status = $1, last_error = $2, "
                             "next_attempt = COALESCE($3::bigint, next_attempt) WHERE id = $4",
                             PgParams()
                                 .Text(status)
                                 .Text(sent ? std::string_view() : error)
                                 .OptInt(!sent && retry_at ? retry_at : std::nullopt)
                                 .Int(id)));
    if (AffectedRows(res) == 0) return Error::NotFound("no delivery with id " + std::to_string(id));
    return Ok();
  }

  Result<std::vector<DeliveryRow>> ListDeliveries(std::string_view status, size_t limit) override {
    const std::string sql = std::string("SELECT ") + kDeliveryCols +
                            " FROM deliveries WHERE ($1 = '' OR status = $1) "
                            "ORDER BY id DESC LIMIT $2";
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec(sql.c_str(), PgParams().Text(status).Int(Limit(limit))));
    return AllRows<DeliveryRow>(res, DeliveryAt);
  }

 private:
  // Adds title, status, severity, category, tlp, assignee_user and next_deadline.
  static PgParams& ColumnParams(PgParams& params, const IncidentRow& row) {
    return params.Text(row.title)
        .Text(row.status)
        .Text(row.severity)
        .Text(row.category)
        .Text(row.tlp)
        .OptInt(row.assignee_user)
        .OptInt(row.next_deadline);
  }

  static Result<void> PutParticipants(PgConnection& c, int64_t incident_id,
                                      const std::vector<IncidentParticipant>& participants) {
    for (const auto& p : participants) {
      auto res = c.Exec(
          "INSERT INTO incident_participants (incident_id, org_id, role, added) "
          "VALUES ($1, $2, $3, $4)",
          PgParams().Int(incident_id).Int(p.org_id).Text(p.role).Int(p.added));
      if (!res.ok()) {
        return Named(c, std::move(res).error(),
                     "organisation " + std::to_string(p.org_id) + " takes part twice",
                     "participant organisation " + std::to_string(p.org_id) + " does not exist");
      }
    }
    return Ok();
  }

  // Fills in the participants of `rows` (one query).
  static Result<void> LoadParticipants(PgConnection& c, std::vector<IncidentRow>& rows) {
    if (rows.empty()) return Ok();
    PgArray ids;
    for (const auto& r : rows) ids.Int(r.id);
    ECRN_ASSIGN_OR_RETURN(auto res, c.Exec("SELECT incident_id, org_id, role, added FROM "
                                           "incident_participants WHERE incident_id = "
                                           "ANY($1::bigint[]) ORDER BY incident_id, org_id",
                                           PgParams().Text(ids.Take())));
    for (int i = 0; i < Rows(res); ++i) {
      const int64_t incident = PgInt(res.get(), i, 0);
      for (auto& r : rows) {
        if (r.id != incident) continue;
        r.participants.push_back(
            {PgInt(res.get(), i, 1), PgText(res.get(), i, 2), PgInt(res.get(), i, 3)});
      }
    }
    return Ok();
  }

  // A case by numeric id or stix id, with its participants.
  static Result<IncidentRow> Load(PgConnection& c, std::string_view id_or_stix_id) {
    const std::string sql = std::string("SELECT ") + kIncidentCols +
                            " FROM incidents WHERE stix_id = $1 OR id = $2::bigint "
                            "ORDER BY stix_id = $1 DESC LIMIT 1";
    PgParams params;
    params.Text(id_or_stix_id);
    ECRN_ASSIGN_OR_RETURN(auto res, c.Exec(sql.c_str(), IdOrNull(params, id_or_stix_id)));
    if (Rows(res) == 0) return NoSuchIncident(id_or_stix_id);
    std::vector<IncidentRow> rows{IncidentAt(res.get(), 0)};
    ECRN_TRY(LoadParticipants(c, rows));
    return std::move(rows.front());
  }

  // The stored head of one chain of a case, locking the case row when
  // `lock`; kNotFound when the case is absent.
  static Result<StoredChainHead> ReadHead(PgConnection& c, int64_t incident_id, IncidentLog log,
                                          bool lock) {
    const std::string name(IncidentLogName(log));
    const std::string sql = "SELECT " + name + "_seq, " + name + "_hash, " + name +
                            "_time FROM incidents WHERE id = $1" + (lock ? " FOR UPDATE" : "");
    ECRN_ASSIGN_OR_RETURN(auto res, c.Exec(sql.c_str(), PgParams().Int(incident_id)));
    if (Rows(res) == 0) return NoSuchIncident(std::to_string(incident_id));
    return StoredChainHead{PgInt(res.get(), 0, 0), PgText(res.get(), 0, 1), PgInt(res.get(), 0, 2)};
  }
  static Result<StoredChainHead> LockHead(PgConnection& c, int64_t incident_id, IncidentLog log) {
    return ReadHead(c, incident_id, log, true);
  }
  // Both heads (timeline, custody), with the case row locked.
  static Result<std::pair<StoredChainHead, StoredChainHead>> LockHeads(PgConnection& c,
                                                                       int64_t incident_id) {
    ECRN_ASSIGN_OR_RETURN(StoredChainHead timeline,
                          LockHead(c, incident_id, IncidentLog::kTimeline));
    ECRN_ASSIGN_OR_RETURN(StoredChainHead custody,
                          ReadHead(c, incident_id, IncidentLog::kCustody, false));
    return std::make_pair(std::move(timeline), std::move(custody));
  }

  // Appends `records` to a chain whose head is `head` (read under the case
  // row's lock in this transaction) and stores the new head.
  static Result<std::vector<AuditEntry>> Append(PgConnection& c, int64_t incident_id,
                                                IncidentLog log, StoredChainHead& head,
                                                std::span<const AuditRecord> records) {
    const std::string insert = std::string("INSERT INTO incident_log (incident_id, log, ") +
                               kAuditColumns +
                               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                               "$13, $14, $15)";
    std::vector<AuditEntry> out;
    out.reserve(records.size());
    for (const auto& record : records) {
      ECRN_ASSIGN_OR_RETURN(AuditEntry e, NextChainEntry(record, head));
      PgParams params;
      params.Int(incident_id).Text(IncidentLogName(log));
      ECRN_TRY(c.Exec(insert.c_str(), AuditParams(params, e)));
      out.push_back(std::move(e));
    }
    const std::string name(IncidentLogName(log));
    const std::string update = "UPDATE incidents SET " + name + "_seq = $1, " + name +
                               "_hash = $2, " + name + "_time = $3 WHERE id = $4";
    ECRN_TRY(c.Exec(update.c_str(),
                    PgParams().Int(head.seq).Text(head.hash).Int(head.time).Int(incident_id)));
    return out;
  }

  Result<void> DeleteById(const char* sql, int64_t id, const char* what) {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_.Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql, PgParams().Int(id)));
    if (AffectedRows(res) == 0) {
      return Error::NotFound(std::string("no ") + what + " with id " + std::to_string(id));
    }
    return Ok();
  }

  PgPool& pool_;
};

}  // namespace

std::unique_ptr<IncidentStore> NewIncidentStore(PgPool& pool) {
  return std::make_unique<PgIncidentStore>(pool);
}

}  // namespace ecrn::store::postgres
