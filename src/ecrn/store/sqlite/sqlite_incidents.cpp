// The SQLite IncidentStore: on the SqliteStore's connections (writes on its
// writer inside BEGIN IMMEDIATE, which serialises every append to a chain
// across threads and processes; reads in one snapshot on a pooled reader).
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ecrn/store/audit_append.hpp"
#include "ecrn/store/incident_rules.hpp"
#include "ecrn/store/sqlite/sqlite_access.hpp"

namespace ecrn::store::sqlite {
namespace {

constexpr const char* kIncidentCols =
    "id, stix_id, owner_org, reporter_user, title, status, severity, category, tlp, "
    "assignee_user, next_deadline, created, updated, rev, json, timeline_seq, timeline_hash, "
    "custody_seq, custody_hash";
constexpr const char* kEvidenceCols =
    "e.id, e.incident_id, e.uuid, e.file_name, e.media_type, e.description, e.size, e.sha256, "
    "e.acquired, e.acquired_by_user, e.acquired_by_org";
constexpr const char* kPackageCols =
    "p.id, p.incident_id, p.uuid, p.recipient_org, p.created_by_user, p.created, p.sha256, "
    "p.size, p.manifest_json, p.acknowledged, p.acknowledged_by_user";
constexpr const char* kNotificationCols =
    "id, user_id, created, kind, subject_id, title, json, read";
constexpr const char* kWebhookCols = "id, org_id, url, secret, events, enabled, created";
constexpr const char* kDeliveryCols =
    "id, channel, target, webhook_id, subject, body, event_id, event_kind, attempts, "
    "next_attempt, status, last_error, created";

int64_t Limit(size_t limit) { return static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)); }

IncidentRow ReadIncident(const Statement& s) {
  IncidentRow r;
  r.id = s.Int(0);
  r.stix_id = s.Text(1);
  r.owner_org = s.Int(2);
  r.reporter_user = s.Int(3);
  r.title = s.Text(4);
  r.status = s.Text(5);
  r.severity = s.Text(6);
  r.category = s.Text(7);
  r.tlp = s.Text(8);
  r.assignee_user = OptInt(s, 9);
  r.next_deadline = OptInt(s, 10);
  r.created = s.Int(11);
  r.updated = s.Int(12);
  r.rev = s.Int(13);
  r.json = s.Text(14);
  r.timeline_head = {s.Int(15), s.Text(16)};
  r.custody_head = {s.Int(17), s.Text(18)};
  return r;
}

EvidenceMeta ReadEvidenceMeta(const Statement& s) {
  return {s.Int(0), s.Int(1),  s.Text(2), s.Text(3), s.Text(4), s.Text(5),
          s.Int(6), s.Text(7), s.Int(8),  s.Int(9),  s.Int(10)};
}

PackageRow ReadPackageRow(const Statement& s) {
  PackageRow p;
  p.id = s.Int(0);
  p.incident_id = s.Int(1);
  p.uuid = s.Text(2);
  p.recipient_org = s.Int(3);
  p.created_by_user = s.Int(4);
  p.created = s.Int(5);
  p.sha256 = s.Text(6);
  p.size = s.Int(7);
  p.manifest_json = s.Text(8);
  p.acknowledged = OptInt(s, 9);
  p.acknowledged_by_user = OptInt(s, 10);
  return p;
}

Notification ReadNotification(const Statement& s) {
  return {s.Int(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6), OptInt(s, 7)};
}

Webhook ReadWebhook(const Statement& s) {
  return {s.Int(0),      s.Int(1), s.Text(2), s.Text(3), EventsFromJson(s.Text(4)),
          s.Int(5) != 0, s.Int(6)};
}

DeliveryRow ReadDelivery(const Statement& s) {
  DeliveryRow d;
  d.id = s.Int(0);
  d.channel = s.Text(1);
  d.target = s.Text(2);
  d.webhook_id = s.Int(3);
  d.subject = s.Text(4);
  d.body = s.Text(5);
  d.event_id = s.Text(6);
  d.event_kind = s.Text(7);
  d.attempts = static_cast<int>(s.Int(8));
  d.next_attempt = s.Int(9);
  d.status = s.Text(10);
  d.last_error = s.Text(11);
  d.created = s.Int(12);
  return d;
}

// Gives a constraint failure a message naming the thing.
Error Named(Error e, const std::string& exists, const std::string& missing) {
  if (e.code == ErrorCode::kAlreadyExists) e.message = exists;
  if (e.code == ErrorCode::kNotFound) e.message = missing;
  return e;
}

class SqliteIncidentStore final : public IncidentStore {
 public:
  explicit SqliteIncidentStore(Transactions& db) : db_(db) {}

  // --- cases -----------------------------------------------------------------
  Result<IncidentRow> CreateIncident(const IncidentRow& row, const AuditRecord& created) override {
    if (row.stix_id.empty()) return Error::Invalid("an incident needs a STIX id");
    return Write([&](Connection& c) -> Result<IncidentRow> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("INSERT INTO incidents (stix_id, owner_org, reporter_user, title, "
                             "status, severity, category, tlp, assignee_user, next_deadline, "
                             "created, updated, rev, json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?)"));
      s->Bind(1, row.stix_id).Bind(2, row.owner_org).Bind(3, row.reporter_user);
      BindColumns(*s, row, 4);
      s->Bind(11, row.created).Bind(12, row.updated).Bind(13, row.json);
      auto r = s->Run();
      if (!r) {
        return Named(std::move(r).error(), "an incident '" + row.stix_id + "' already exists",
                     "the owning organisation does not exist");
      }
      const int64_t id = c.LastInsertRowid();
      ECRN_TRY(PutParticipants(c, id, row.participants));
      StoredChainHead head;
      ECRN_TRY(Append(c, id, IncidentLog::kTimeline, head, std::span(&created, 1)));
      return Load(c, std::to_string(id));
    });
  }

  Result<IncidentRow> GetIncident(std::string_view id_or_stix_id) override {
    return Read([&](Connection& c) { return Load(c, id_or_stix_id); });
  }

  Result<std::vector<IncidentRow>> ListIncidents(const IncidentQuery& q) override {
    std::string sql = std::string("SELECT ") + kIncidentCols + " FROM incidents WHERE 1=1";
    struct Param {
      bool is_text;
      int64_t i;
      std::string s;
    };
    std::vector<Param> params;
    auto add_int = [&](int64_t v) { params.push_back({false, v, {}}); };
    auto add_text = [&](std::string_view v) { params.push_back({true, 0, std::string(v)}); };
    auto add_list = [&](const char* col, const std::vector<std::string>& values) {
      if (values.empty()) return;
      sql += std::string(" AND ") + col + " IN (";
      for (size_t i = 0; i < values.size(); ++i) {
        sql += i ? ",?" : "?";
        add_text(values[i]);
      }
      sql += ")";
    };
    if (q.visible_to_org) {
      sql +=
          " AND (owner_org = ? OR id IN (SELECT incident_id FROM incident_participants "
          "WHERE org_id = ?))";
      add_int(*q.visible_to_org);
      add_int(*q.visible_to_org);
    }
    if (q.owner_org) {
      sql += " AND owner_org = ?";
      add_int(*q.owner_org);
    }
    add_list("status", q.statuses);
    add_list("severity", q.severities);
    add_list("category", q.categories);
    if (q.assignee_user) {
      sql += " AND assignee_user = ?";
      add_int(*q.assignee_user);
    }
    if (q.deadline_before) {
      sql += " AND next_deadline < ?";
      add_int(*q.deadline_before);
    }
    if (q.text) {
      // lower() folds ASCII only (SQLite without ICU), as the contract says.
      sql += " AND instr(lower(title), lower(?)) > 0";
      add_text(*q.text);
    }
    if (q.after_id) {
      sql += q.oldest_first ? " AND id > ?" : " AND id < ?";
      add_int(*q.after_id);
    }
    sql += q.oldest_first ? " ORDER BY id LIMIT ?" : " ORDER BY id DESC LIMIT ?";
    add_int(Limit(q.limit));
    return Read([&](Connection& c) -> Result<std::vector<IncidentRow>> {
      ECRN_ASSIGN_OR_RETURN(Statement * s, c.PrepareRuntime(sql));
      for (size_t i = 0; i < params.size(); ++i) {
        const int pos = static_cast<int>(i + 1);
        if (params[i].is_text) {
          s->Bind(pos, params[i].s);
        } else {
          s->Bind(pos, params[i].i);
        }
      }
      ECRN_ASSIGN_OR_RETURN(auto rows, All<IncidentRow>(*s, ReadIncident));
      for (auto& r : rows) ECRN_TRY(LoadParticipants(c, r));
      return rows;
    });
  }

  Result<IncidentRow> UpdateIncident(const IncidentRow& row,
                                     std::span<const AuditRecord> events) override {
    return Write([&](Connection& c) -> Result<IncidentRow> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("SELECT rev, timeline_seq, timeline_hash, timeline_time "
                                      "FROM incidents WHERE id = ?"));
      s->Bind(1, row.id);
      ECRN_ASSIGN_OR_RETURN(bool found, s->Step());
      if (!found) return NoSuchIncident(std::to_string(row.id));
      const int64_t rev = s->Int(0);
      StoredChainHead head{s->Int(1), s->Text(2), s->Int(3)};
      s->Reset();
      if (rev != row.rev) {
        return Error{ErrorCode::kConflict,
                     "the incident was changed by someone else (revision " + std::to_string(rev) +
                         ", not " + std::to_string(row.rev) + "); reload it",
                     {}};
      }
      ECRN_ASSIGN_OR_RETURN(auto* u, c.Prepare("UPDATE incidents SET title = ?, status = ?, "
                                               "severity = ?, category = ?, tlp = ?, "
                                               "assignee_user = ?, next_deadline = ?, "
                                               "updated = ?, rev = rev + 1, json = ? "
                                               "WHERE id = ?"));
      s->Reset();
      BindColumns(*u, row, 1);
      u->Bind(8, row.updated).Bind(9, row.json).Bind(10, row.id);
      ECRN_TRY(u->Run());
      ECRN_ASSIGN_OR_RETURN(auto* del,
                            c.Prepare("DELETE FROM incident_participants WHERE incident_id = ?"));
      ECRN_TRY(del->Bind(1, row.id).Run());
      ECRN_TRY(PutParticipants(c, row.id, row.participants));
      ECRN_TRY(Append(c, row.id, IncidentLog::kTimeline, head, events));
      return Load(c, std::to_string(row.id));
    });
  }

  // --- the two chains --------------------------------------------------------
  Result<AuditEntry> AppendIncidentLog(int64_t incident_id, IncidentLog log,
                                       const AuditRecord& record) override {
    return Write([&](Connection& c) -> Result<AuditEntry> {
      ECRN_ASSIGN_OR_RETURN(StoredChainHead head, Head(c, incident_id, log));
      ECRN_ASSIGN_OR_RETURN(auto entries, Append(c, incident_id, log, head, std::span(&record, 1)));
      return std::move(entries.front());
    });
  }

  Result<std::vector<AuditEntry>> ListIncidentLog(int64_t incident_id, IncidentLog log,
                                                  std::optional<int64_t> after_seq,
                                                  size_t limit) override {
    return Read([&](Connection& c) -> Result<std::vector<AuditEntry>> {
      ECRN_TRY(Head(c, incident_id, log));
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kAuditColumns +
                                               " FROM incident_log WHERE incident_id = ? AND "
                                               "log = ? AND seq > ? ORDER BY seq LIMIT ?"));
      s->Bind(1, incident_id)
          .Bind(2, IncidentLogName(log))
          .Bind(3, after_seq.value_or(INT64_MIN))
          .Bind(4, Limit(limit));
      return All<AuditEntry>(*s, [](const Statement& st) { return ReadAudit(st); });
    });
  }

  // --- evidence --------------------------------------------------------------
  Result<EvidenceMeta> AddEvidence(const EvidenceMeta& meta, std::string_view data,
                                   const AuditRecord& custody,
                                   const AuditRecord& timeline) override {
    ECRN_ASSIGN_OR_RETURN(EvidenceMeta m, CheckedEvidence(meta, data));
    return Write([&](Connection& c) -> Result<EvidenceMeta> {
      ECRN_ASSIGN_OR_RETURN(StoredChainHead custody_head,
                            Head(c, m.incident_id, IncidentLog::kCustody));
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("INSERT INTO evidence (incident_id, uuid, file_name, "
                                      "media_type, description, size, sha256, acquired, "
                                      "acquired_by_user, acquired_by_org) "
                                      "VALUES (?,?,?,?,?,?,?,?,?,?)"));
      auto r = s->Bind(1, m.incident_id)
                   .Bind(2, m.uuid)
                   .Bind(3, m.file_name)
                   .Bind(4, m.media_type)
                   .Bind(5, m.description)
                   .Bind(6, m.size)
                   .Bind(7, m.sha256)
                   .Bind(8, m.acquired)
                   .Bind(9, m.acquired_by_user)
                   .Bind(10, m.acquired_by_org)
                   .Run();
      if (!r) {
        return Named(std::move(r).error(), "evidence '" + m.uuid + "' already exists",
                     "no such incident");
      }
      m.id = c.LastInsertRowid();
      ECRN_ASSIGN_OR_RETURN(
          auto* d, c.Prepare("INSERT INTO evidence_data (evidence_id, data) VALUES (?,?)"));
      ECRN_TRY(d->Bind(1, m.id).BindBlobStatic(2, data).Run());
      ECRN_TRY(
          Append(c, m.incident_id, IncidentLog::kCustody, custody_head, std::span(&custody, 1)));
      ECRN_ASSIGN_OR_RETURN(StoredChainHead timeline_head,
                            Head(c, m.incident_id, IncidentLog::kTimeline));
      ECRN_TRY(
          Append(c, m.incident_id, IncidentLog::kTimeline, timeline_head, std::span(&timeline, 1)));
      return m;
    });
  }

  Result<std::vector<EvidenceMeta>> ListEvidence(int64_t incident_id) override {
    return Read([&](Connection& c) -> Result<std::vector<EvidenceMeta>> {
      ECRN_TRY(Head(c, incident_id, IncidentLog::kCustody));
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kEvidenceCols +
                                               " FROM evidence e WHERE e.incident_id = ? "
                                               "ORDER BY e.id"));
      s->Bind(1, incident_id);
      return All<EvidenceMeta>(*s, ReadEvidenceMeta);
    });
  }

  Result<EvidenceFile> ReadEvidence(std::string_view id_or_uuid) override {
    return Read([&](Connection& c) -> Result<EvidenceFile> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare(std::string("SELECT ") + kEvidenceCols +
                             ", d.data FROM evidence e JOIN evidence_data d ON d.evidence_id = "
                             "e.id WHERE e.uuid = ?1 OR (?2 AND e.id = CAST(?1 AS INTEGER)) "
                             "ORDER BY e.uuid = ?1 LIMIT 1"));
      s->Bind(1, id_or_uuid).Bind(2, int64_t{IsNumericId(id_or_uuid)});
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Error::NotFound("no evidence '" + std::string(id_or_uuid) + "'");
      EvidenceFile f{ReadEvidenceMeta(*s), s->Blob(11)};
      s->Reset();
      return f;
    });
  }

  // --- packages --------------------------------------------------------------
  Result<PackageRow> AddPackage(const PackageRow& row, std::string_view zip,
                                std::span<const AuditRecord> custody,
                                const AuditRecord& timeline) override {
    ECRN_ASSIGN_OR_RETURN(PackageRow p, CheckedPackage(row, zip));
    return Write([&](Connection& c) -> Result<PackageRow> {
      ECRN_ASSIGN_OR_RETURN(StoredChainHead custody_head,
                            Head(c, p.incident_id, IncidentLog::kCustody));
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("INSERT INTO packages (incident_id, uuid, recipient_org, "
                                      "created_by_user, created, sha256, size, manifest_json, "
                                      "acknowledged, acknowledged_by_user) "
                                      "VALUES (?,?,?,?,?,?,?,?,?,?)"));
      s->Bind(1, p.incident_id)
          .Bind(2, p.uuid)
          .Bind(3, p.recipient_org)
          .Bind(4, p.created_by_user)
          .Bind(5, p.created)
          .Bind(6, p.sha256)
          .Bind(7, p.size)
          .Bind(8, p.manifest_json);
      if (p.acknowledged) s->Bind(9, *p.acknowledged);
      if (p.acknowledged_by_user) s->Bind(10, *p.acknowledged_by_user);
      auto r = s->Run();
      if (!r) {
        return Named(std::move(r).error(), "package '" + p.uuid + "' already exists",
                     "the receiving organisation does not exist");
      }
      p.id = c.LastInsertRowid();
      ECRN_ASSIGN_OR_RETURN(auto* d,
                            c.Prepare("INSERT INTO package_data (package_id, zip) VALUES (?,?)"));
      ECRN_TRY(d->Bind(1, p.id).BindBlobStatic(2, zip).Run());
      ECRN_TRY(Append(c, p.incident_id, IncidentLog::kCustody, custody_head, custody));
      ECRN_ASSIGN_OR_RETURN(StoredChainHead timeline_head,
                            Head(c, p.incident_id, IncidentLog::kTimeline));
      ECRN_TRY(
          Append(c, p.incident_id, IncidentLog::kTimeline, timeline_head, std::span(&timeline, 1)));
      return p;
    });
  }

  Result<std::vector<PackageRow>> ListPackages(const PackageQuery& q) override {
    return Read([&](Connection& c) -> Result<std::vector<PackageRow>> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare(std::string("SELECT ") + kPackageCols +
                             " FROM packages p WHERE (?1 IS NULL OR p.incident_id = ?1) AND "
                             "(?2 IS NULL OR p.recipient_org = ?2) AND (?3 IS NULL OR "
                             "(p.acknowledged IS NOT NULL) = ?3) ORDER BY p.id DESC LIMIT ?4"));
      if (q.incident_id) s->Bind(1, *q.incident_id);
      if (q.recipient_org) s->Bind(2, *q.recipient_org);
      if (q.acknowledged) s->Bind(3, int64_t{*q.acknowledged});
      s->Bind(4, Limit(q.limit));
      return All<PackageRow>(*s, ReadPackageRow);
    });
  }

  Result<PackageFile> ReadPackage(std::string_view id_or_uuid) override {
    return Read([&](Connection& c) -> Result<PackageFile> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare(std::string("SELECT ") + kPackageCols +
                             ", d.zip FROM packages p JOIN package_data d ON d.package_id = p.id "
                             "WHERE p.uuid = ?1 OR (?2 AND p.id = CAST(?1 AS INTEGER)) "
                             "ORDER BY p.uuid = ?1 LIMIT 1"));
      s->Bind(1, id_or_uuid).Bind(2, int64_t{IsNumericId(id_or_uuid)});
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Error::NotFound("no package '" + std::string(id_or_uuid) + "'");
      PackageFile f{ReadPackageRow(*s), s->Blob(11)};
      s->Reset();
      return f;
    });
  }

  Result<PackageRow> AcknowledgePackage(int64_t package_id, int64_t user_id, Micros at,
                                        const AuditRecord& timeline) override {
    return Write([&](Connection& c) -> Result<PackageRow> {
      ECRN_ASSIGN_OR_RETURN(PackageRow p, LoadPackage(c, package_id));
      if (p.acknowledged) {
        return Error{ErrorCode::kConflict, "the package was already acknowledged", {}};
      }
      ECRN_ASSIGN_OR_RETURN(auto* u, c.Prepare("UPDATE packages SET acknowledged = ?, "
                                               "acknowledged_by_user = ? WHERE id = ?"));
      ECRN_TRY(u->Bind(1, at).Bind(2, user_id).Bind(3, package_id).Run());
      ECRN_ASSIGN_OR_RETURN(StoredChainHead head, Head(c, p.incident_id, IncidentLog::kTimeline));
      ECRN_TRY(Append(c, p.incident_id, IncidentLog::kTimeline, head, std::span(&timeline, 1)));
      p.acknowledged = at;
      p.acknowledged_by_user = user_id;
      return p;
    });
  }

  // --- reporting-clock rules -------------------------------------------------
  Result<int64_t> PutReportingRule(const ReportingRuleRow& rule) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("INSERT INTO reporting_rules (country, category, json, updated) "
                             "VALUES (?,?,?,?) ON CONFLICT (country, category) DO UPDATE SET "
                             "json = excluded.json, updated = excluded.updated RETURNING id"));
      s->Bind(1, rule.country).Bind(2, rule.category).Bind(3, rule.json).Bind(4, rule.updated);
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Error::Internal("the reporting rule was not stored");
      const int64_t id = s->Int(0);
      ECRN_TRY(s->Run());
      return id;
    });
  }

  Result<std::vector<ReportingRuleRow>> ListReportingRules() override {
    return Read([&](Connection& c) -> Result<std::vector<ReportingRuleRow>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT id, country, category, json, updated FROM "
                                               "reporting_rules ORDER BY id"));
      return All<ReportingRuleRow>(*s, [](const Statement& st) {
        return ReportingRuleRow{st.Int(0), st.Text(1), st.Text(2), st.Text(3), st.Int(4)};
      });
    });
  }

  Result<void> DeleteReportingRule(int64_t id) override {
    return DeleteById("reporting_rules", id, "reporting rule");
  }

  // --- notifications ---------------------------------------------------------
  Result<std::vector<int64_t>> AddNotifications(std::span<const Notification> items) override {
    return Write([&](Connection& c) -> Result<std::vector<int64_t>> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("INSERT INTO notifications (user_id, created, kind, "
                                      "subject_id, title, json, read) VALUES (?,?,?,?,?,?,?)"));
      std::vector<int64_t> ids;
      ids.reserve(items.size());
      for (const auto& n : items) {
        s->Reset();
        s->Bind(1, n.user_id)
            .Bind(2, n.created)
            .Bind(3, n.kind)
            .Bind(4, n.subject_id)
            .Bind(5, n.title)
            .Bind(6, n.json.empty() ? std::string_view("{}") : std::string_view(n.json));
        if (n.read) s->Bind(7, *n.read);
        auto r = s->Run();
        if (!r) {
          return Named(std::move(r).error(), "notification exists",
                       "no user with id " + std::to_string(n.user_id));
        }
        ids.push_back(c.LastInsertRowid());
      }
      return ids;
    });
  }

  Result<std::vector<Notification>> ListNotifications(int64_t user_id, bool unread_only,
                                                      std::optional<int64_t> after_id,
                                                      size_t limit) override {
    return Read([&](Connection& c) -> Result<std::vector<Notification>> {
      const std::string where = std::string(" FROM notifications WHERE user_id = ?1") +
                                (unread_only ? " AND read IS NULL" : "");
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kNotificationCols + where +
                                               (after_id ? " AND id > ?2 ORDER BY id LIMIT ?3"
                                                         : " ORDER BY id DESC LIMIT ?3")));
      s->Bind(1, user_id).Bind(3, Limit(limit));
      if (after_id) s->Bind(2, *after_id);
      return All<Notification>(*s, ReadNotification);
    });
  }

  Result<std::vector<Notification>> NotificationsAfter(int64_t after_id, size_t limit) override {
    return Read([&](Connection& c) -> Result<std::vector<Notification>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kNotificationCols +
                                               " FROM notifications WHERE id > ?1 "
                                               "ORDER BY id LIMIT ?2"));
      s->Bind(1, after_id).Bind(2, Limit(limit));
      return All<Notification>(*s, ReadNotification);
    });
  }

  Result<int64_t> LastNotificationId() override {
    return Read([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT COALESCE(MAX(id), 0) FROM notifications"));
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      const int64_t id = row ? s->Int(0) : 0;
      s->Reset();
      return id;
    });
  }

  Result<void> MarkNotificationRead(int64_t user_id, int64_t notification_id, Micros at) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("UPDATE notifications SET read = COALESCE(read, ?) "
                                               "WHERE id = ? AND user_id = ?"));
      ECRN_TRY(s->Bind(1, at).Bind(2, notification_id).Bind(3, user_id).Run());
      if (c.Changes() == 0) return Error::NotFound("no such notification");
      return Ok();
    });
  }

  Result<bool> ClaimOnce(std::string_view key, Micros now) override {
    return Write([&](Connection& c) -> Result<bool> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("INSERT OR IGNORE INTO once_keys (key, claimed) VALUES (?,?)"));
      ECRN_TRY(s->Bind(1, key).Bind(2, now).Run());
      return c.Changes() > 0;
    });
  }

  // --- webhooks and deliveries -----------------------------------------------
  Result<int64_t> AddWebhook(const Webhook& hook) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("INSERT INTO webhooks (org_id, url, secret, events, "
                                               "enabled, created) VALUES (?,?,?,?,?,?)"));
      auto r = s->Bind(1, hook.org_id)
                   .Bind(2, hook.url)
                   .Bind(3, hook.secret)
                   .Bind(4, EventsJson(hook.events))
                   .Bind(5, int64_t{hook.enabled})
                   .Bind(6, hook.created)
                   .Run();
      if (!r) return Named(std::move(r).error(), "webhook exists", "no such organisation");
      return c.LastInsertRowid();
    });
  }

  Result<std::vector<Webhook>> ListWebhooks(std::optional<int64_t> org_id) override {
    return Read([&](Connection& c) -> Result<std::vector<Webhook>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kWebhookCols +
                                               " FROM webhooks WHERE (?1 IS NULL OR org_id = ?1) "
                                               "ORDER BY id"));
      if (org_id) s->Bind(1, *org_id);
      return All<Webhook>(*s, ReadWebhook);
    });
  }

  Result<void> DeleteWebhook(int64_t id) override { return DeleteById("webhooks", id, "webhook"); }

  Result<std::vector<int64_t>> EnqueueDeliveries(std::span<const DeliveryRow> rows) override {
    return Write([&](Connection& c) -> Result<std::vector<int64_t>> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("INSERT INTO deliveries (channel, target, webhook_id, subject, body, "
                             "event_id, event_kind, attempts, next_attempt, status, last_error, "
                             "created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
      std::vector<int64_t> ids;
      ids.reserve(rows.size());
      for (const auto& d : rows) {
        s->Reset();
        ECRN_TRY(s->Bind(1, d.channel)
                     .Bind(2, d.target)
                     .Bind(3, d.webhook_id)
                     .Bind(4, d.subject)
                     .Bind(5, d.body)
                     .Bind(6, d.event_id)
                     .Bind(7, d.event_kind)
                     .Bind(8, int64_t{d.attempts})
                     .Bind(9, d.next_attempt)
                     .Bind(10, d.status.empty() ? std::string_view("pending") : d.status)
                     .Bind(11, d.last_error)
                     .Bind(12, d.created)
                     .Run());
        ids.push_back(c.LastInsertRowid());
      }
      return ids;
    });
  }

  Result<std::vector<DeliveryRow>> ClaimDeliveries(Micros now, size_t limit,
                                                   Micros lease_until) override {
    // The writer's BEGIN IMMEDIATE makes the choice and the lease one step:
    // no other claimer (thread or process) sees the rows in between.
    return Write([&](Connection& c) -> Result<std::vector<DeliveryRow>> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare(std::string("UPDATE deliveries SET attempts = attempts + 1, "
                                                  "next_attempt = ?1 WHERE id IN (SELECT id FROM "
                                                  "deliveries WHERE status = 'pending' AND "
                                                  "next_attempt <= ?2 ORDER BY next_attempt, id "
                                                  "LIMIT ?3) RETURNING ") +
                                      kDeliveryCols));
      s->Bind(1, lease_until).Bind(2, now).Bind(3, Limit(limit));
      ECRN_ASSIGN_OR_RETURN(auto rows, All<DeliveryRow>(*s, ReadDelivery));
      std::sort(rows.begin(), rows.end(),
                [](const DeliveryRow& a, const DeliveryRow& b) { return a.id < b.id; });
      return rows;
    });
  }

  Result<void> CompleteDelivery(int64_t id, bool sent, std::string_view error,
                                std::optional<Micros> retry_at) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("UPDATE deliveries SET status = ?, last_error = ?, "
                                               "next_attempt = COALESCE(?, next_attempt) "
                                               "WHERE id = ?"));
      const char* status = sent ? "sent" : retry_at ? "pending" : "failed";
      s->Bind(1, std::string_view(status)).Bind(2, sent ? std::string_view("") : error).Bind(4, id);
      if (!sent && retry_at) s->Bind(3, *retry_at);
      ECRN_TRY(s->Run());
      if (c.Changes() == 0) return Error::NotFound("no delivery with id " + std::to_string(id));
      return Ok();
    });
  }

  Result<std::vector<DeliveryRow>> ListDeliveries(std::string_view status, size_t limit) override {
    return Read([&](Connection& c) -> Result<std::vector<DeliveryRow>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kDeliveryCols +
                                               " FROM deliveries WHERE (?1 = '' OR status = ?1) "
                                               "ORDER BY id DESC LIMIT ?2"));
      s->Bind(1, status).Bind(2, Limit(limit));
      return All<DeliveryRow>(*s, ReadDelivery);
    });
  }

 private:
  // Runs `body` through db_.Write / db_.Read, passing its value out.
  template <typename F>
  auto Run(bool write, F&& body) -> decltype(body(std::declval<Connection&>())) {
    using R = decltype(body(std::declval<Connection&>()));
    std::optional<R> out;
    auto wrapped = [&](Connection& c) -> Result<void> {
      out.emplace(body(c));
      if (!out->ok()) return out->error();
      return Ok();
    };
    auto r = write ? db_.Write(wrapped) : db_.Read(wrapped);
    if (!r.ok()) return std::move(r).error();
    return std::move(*out);
  }
  template <typename F>
  auto Write(F&& body) -> decltype(body(std::declval<Connection&>())) {
    return Run(true, std::forward<F>(body));
  }
  template <typename F>
  auto Read(F&& body) -> decltype(body(std::declval<Connection&>())) {
    return Run(false, std::forward<F>(body));
  }

  // Binds title, status, severity, category, tlp, assignee_user and
  // next_deadline from parameter `first` on.
  static void BindColumns(Statement& s, const IncidentRow& row, int first) {
    s.Bind(first, row.title)
        .Bind(first + 1, row.status)
        .Bind(first + 2, row.severity)
        .Bind(first + 3, row.category)
        .Bind(first + 4, row.tlp);
    if (row.assignee_user) s.Bind(first + 5, *row.assignee_user);
    if (row.next_deadline) s.Bind(first + 6, *row.next_deadline);
  }

  static Result<void> PutParticipants(Connection& c, int64_t incident_id,
                                      const std::vector<IncidentParticipant>& participants) {
    ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("INSERT INTO incident_participants (incident_id, "
                                             "org_id, role, added) VALUES (?,?,?,?)"));
    for (const auto& p : participants) {
      s->Reset();
      auto r = s->Bind(1, incident_id).Bind(2, p.org_id).Bind(3, p.role).Bind(4, p.added).Run();
      if (!r) {
        return Named(std::move(r).error(),
                     "organisation " + std::to_string(p.org_id) + " takes part twice",
                     "participant organisation " + std::to_string(p.org_id) + " does not exist");
      }
    }
    return Ok();
  }

  static Result<void> LoadParticipants(Connection& c, IncidentRow& row) {
    ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT org_id, role, added FROM "
                                             "incident_participants WHERE incident_id = ? "
                                             "ORDER BY org_id"));
    s->Bind(1, row.id);
    ECRN_ASSIGN_OR_RETURN(row.participants, All<IncidentParticipant>(*s, [](const Statement& st) {
                            return IncidentParticipant{st.Int(0), st.Text(1), st.Int(2)};
                          }));
    return Ok();
  }

  // A case by numeric id or stix id, with its participants.
  static Result<IncidentRow> Load(Connection& c, std::string_view id_or_stix_id) {
    ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kIncidentCols +
                                             " FROM incidents WHERE stix_id = ?1 OR "
                                             "(?2 AND id = CAST(?1 AS INTEGER)) LIMIT 1"));
    s->Bind(1, id_or_stix_id).Bind(2, int64_t{IsNumericId(id_or_stix_id)});
    ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return NoSuchIncident(id_or_stix_id);
    IncidentRow r = ReadIncident(*s);
    s->Reset();
    ECRN_TRY(LoadParticipants(c, r));
    return r;
  }

  static Result<PackageRow> LoadPackage(Connection& c, int64_t id) {
    ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kPackageCols +
                                             " FROM packages p WHERE id = ?"));
    s->Bind(1, id);
    ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Error::NotFound("no package with id " + std::to_string(id));
    PackageRow p = ReadPackageRow(*s);
    s->Reset();
    return p;
  }

  // The stored head of one chain of a case; kNotFound when the case is absent.
  static Result<StoredChainHead> Head(Connection& c, int64_t incident_id, IncidentLog log) {
    ECRN_ASSIGN_OR_RETURN(auto* s,
                          c.Prepare(log == IncidentLog::kTimeline
                                        ? "SELECT timeline_seq, timeline_hash, timeline_time FROM "
                                          "incidents WHERE id = ?"
                                        : "SELECT custody_seq, custody_hash, custody_time FROM "
                                          "incidents WHERE id = ?"));
    s->Bind(1, incident_id);
    ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return NoSuchIncident(std::to_string(incident_id));
    StoredChainHead head{s->Int(0), s->Text(1), s->Int(2)};
    s->Reset();
    return head;
  }

  // Appends `records` to a chain whose head is `head` (read in this
  // transaction) and stores the new head. Returns the entries.
  static Result<std::vector<AuditEntry>> Append(Connection& c, int64_t incident_id, IncidentLog log,
                                                StoredChainHead& head,
                                                std::span<const AuditRecord> records) {
    ECRN_ASSIGN_OR_RETURN(auto* ins,
                          c.Prepare(std::string("INSERT INTO incident_log "
                                                "(incident_id, log, ") +
                                    kAuditColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    std::vector<AuditEntry> out;
    out.reserve(records.size());
    for (const auto& record : records) {
      ECRN_ASSIGN_OR_RETURN(AuditEntry e, NextChainEntry(record, head));
      ins->Reset();
      ins->Bind(1, incident_id).Bind(2, IncidentLogName(log));
      BindAudit(*ins, e, 3);
      ECRN_TRY(ins->Run());
      out.push_back(std::move(e));
    }
    ECRN_ASSIGN_OR_RETURN(
        auto* upd, c.Prepare(log == IncidentLog::kTimeline
                                 ? "UPDATE incidents SET timeline_seq = ?, timeline_hash = ?, "
                                   "timeline_time = ? WHERE id = ?"
                                 : "UPDATE incidents SET custody_seq = ?, custody_hash = ?, "
                                   "custody_time = ? WHERE id = ?"));
    ECRN_TRY(
        upd->Bind(1, head.seq).Bind(2, head.hash).Bind(3, head.time).Bind(4, incident_id).Run());
    return out;
  }

  Result<void> DeleteById(const char* table, int64_t id, const char* what) {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare(std::string("DELETE FROM ") + table + " WHERE id = ?"));
      ECRN_TRY(s->Bind(1, id).Run());
      if (c.Changes() == 0) {
        return Error::NotFound(std::string("no ") + what + " with id " + std::to_string(id));
      }
      return Ok();
    });
  }

  Transactions& db_;
};

}  // namespace

std::unique_ptr<IncidentStore> NewIncidentStore(Transactions& db) {
  return std::make_unique<SqliteIncidentStore>(db);
}

}  // namespace ecrn::store::sqlite
