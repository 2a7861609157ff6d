// The SQLite backend of Store: one writer connection (guarded by a mutex;
// BEGIN IMMEDIATE serialises writers across processes), a pool of reader
// connections (WAL lets them read while a write is in progress), and a
// checkpointer thread that copies the WAL into the database file beside the
// writer instead of in its commits.
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "ecrn/core/uuid.hpp"
#include "ecrn/store/audit_append.hpp"
#include "ecrn/store/backends.hpp"
#include "ecrn/store/sqlite/migrations.hpp"
#include "ecrn/store/sqlite/sqlite_access.hpp"
#include "ecrn/store/sqlite/sqlite_db.hpp"

namespace ecrn::store {
namespace {

using sqlite::All;
using sqlite::Connection;
using sqlite::OptInt;
using sqlite::Statement;

AuditEntry ReadAudit(const Statement& s) { return sqlite::ReadAudit(s); }

bool AllDigits(std::string_view s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Runs `body` inside BEGIN IMMEDIATE ... COMMIT, rolling back on error.
template <typename F>
auto InTransaction(Connection& c, F&& body) -> decltype(body()) {
  ECRN_TRY(c.Exec("BEGIN IMMEDIATE"));
  auto r = body();
  if (!r.ok()) {
    (void)c.Exec("ROLLBACK");
    return r;
  }
  auto commit = c.Exec("COMMIT");
  if (!commit.ok()) {
    (void)c.Exec("ROLLBACK");
    return std::move(commit).error();
  }
  return r;
}

// Replaces the generic message of a constraint failure with one that names
// the thing: `exists` for a unique violation, `missing` for a dangling reference.
Error WithMessage(Error e, std::string exists, std::string missing = {}) {
  if (e.code == ErrorCode::kAlreadyExists && !exists.empty()) e.message = std::move(exists);
  if (e.code == ErrorCode::kNotFound && !missing.empty()) e.message = std::move(missing);
  return e;
}

constexpr const char* kOrgCols = "id, name, kind, country, region, identity_id, created";
constexpr const char* kUserCols =
    "id, org_id, username, role, password_hash, disabled, created, totp_secret, totp_last_step";
constexpr const char* kKeyCols =
    "id, user_id, prefix, key_hash, read_only, expires, revoked, created";
constexpr const char* kChannelCols = "id, name, description, default_tlp, created, uuid";
constexpr const char* kObjectCols =
    "o.pk, o.channel_id, o.stix_id, o.type, o.spec_version, o.created, o.modified, "
    "o.modified_text, o.created_by, o.tlp, o.date_added, o.json, o.submitter_org, "
    "o.submitter_user";

Organisation ReadOrg(const Statement& s) {
  return {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Int(6)};
}
User ReadUser(const Statement& s) {
  return {s.Int(0),      s.Int(1), s.Text(2), s.Text(3), s.Text(4),
          s.Int(5) != 0, s.Int(6), s.Text(7), s.Int(8)};
}
ApiKey ReadKey(const Statement& s) {
  ApiKey k{s.Int(0),      s.Int(1),     s.Text(2),     s.Text(3),
           s.Int(4) != 0, std::nullopt, s.Int(6) != 0, s.Int(7)};
  if (!s.IsNull(5)) k.expires = s.Int(5);
  return k;
}
Channel ReadChannel(const Statement& s) {
  return {s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Int(4), s.Text(5)};
}
StoredObject ReadObject(const Statement& s) {
  return {s.Int(0),  s.Int(1),  s.Text(2), s.Text(3), s.Text(4),  s.Int(5),  s.Int(6),
          s.Text(7), s.Text(8), s.Text(9), s.Int(10), s.Text(11), s.Int(12), s.Int(13)};
}

class SqliteStore final : public Store, private sqlite::Transactions {
 public:
  SqliteStore(std::string path, const StoreOptions& options, std::unique_ptr<Connection> writer)
      : path_(std::move(path)),
        options_(options),
        writer_(std::move(writer)),
        incidents_(sqlite::NewIncidentStore(*this)) {
    // Replaces the writer's automatic checkpoint (which runs inside COMMIT,
    // on the writing thread) with a signal to the checkpointer thread.
    int64_t page_size = 16384;
    if (auto q = writer_->PrepareOnce("PRAGMA page_size"); q.ok()) {
      if (auto row = (*q)->Step(); row.ok() && *row)
        page_size = std::max<int64_t>(512, (*q)->Int(0));
    }
    checkpoint_frames_ = std::max<int64_t>(1, options_.wal_checkpoint_bytes / page_size);
    sqlite3_wal_hook(writer_->raw(), &SqliteStore::OnWalCommit, this);
  }
  ~SqliteStore() override {
    {
      std::lock_guard lock(ckpt_mu_);
      ckpt_stopping_ = true;
    }
    ckpt_cv_.notify_one();
    if (checkpointer_.joinable()) checkpointer_.join();
    // Closing the last connection checkpoints whatever is left.
  }

  std::string_view Backend() const override { return "sqlite"; }

  Result<void> Migrate() override {
    std::lock_guard lock(write_mu_);
    return InTransaction(*writer_, [&]() -> Result<void> {
      ECRN_TRY(writer_->Exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
          "applied_at INTEGER NOT NULL)"));
      ECRN_ASSIGN_OR_RETURN(int current, CurrentVersion(*writer_));
      for (const auto& m : sqlite::Migrations()) {
        if (m.version <= current) continue;
        ECRN_TRY(writer_->Exec(m.sql));
        ECRN_ASSIGN_OR_RETURN(auto* ins,
                              writer_->Prepare("INSERT INTO schema_migrations VALUES (?, "
                                               "CAST(strftime('%s','now') AS INTEGER) * 1000000)"));
        ECRN_TRY(ins->Bind(1, int64_t{m.version}).Run());
      }
      // A bulk load that did not finish left its indexes dropped.
      return BuildMissingIndexes(*writer_);
    });
  }

  Result<bool> BeginBulkLoad() override {
    return Write([&](Connection& c) -> Result<bool> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT EXISTS (SELECT 1 FROM objects)"));
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      const bool empty = row && s->Int(0) == 0;
      s->Reset();
      if (!empty) return false;
      for (const auto& index : sqlite::ObjectSecondaryIndexes()) {
        ECRN_TRY(c.Exec("DROP INDEX IF EXISTS " + std::string(index.name)));
      }
      return true;
    });
  }

  Result<void> EndBulkLoad() override {
    return Write([&](Connection& c) { return BuildMissingIndexes(c); });
  }

  Result<int> SchemaVersion() override {
    return WithReader([&](Connection& c) { return CurrentVersion(c); });
  }

  // Organisations.
  Result<int64_t> AddOrganisation(const Organisation& org) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("INSERT INTO organisations (name, kind, country, "
                                      "region, identity_id, created) VALUES (?,?,?,?,?,?)"));
      auto r = s->Bind(1, org.name)
                   .Bind(2, org.kind)
                   .Bind(3, org.country)
                   .Bind(4, org.region)
                   .Bind(5, org.identity_id)
                   .Bind(6, org.created)
                   .Run();
      if (!r) {
        const bool identity =
            r.error().detail.find("organisations.identity_id") != std::string::npos;
        return WithMessage(
            std::move(r).error(),
            identity ? "an organisation with identity '" + org.identity_id + "' already exists"
                     : "an organisation named '" + org.name + "' already exists");
      }
      return c.LastInsertRowid();
    });
  }
  Result<std::vector<Organisation>> ListOrganisations() override {
    return WithReader([&](Connection& c) -> Result<std::vector<Organisation>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kOrgCols +
                                               " FROM organisations ORDER BY id"));
      return All<Organisation>(*s, ReadOrg);
    });
  }
  Result<Organisation> FindOrganisation(std::string_view name_or_id) override {
    return FindOne<Organisation>("organisations", kOrgCols, "name", name_or_id, ReadOrg,
                                 "organisation");
  }

  // Users.
  Result<int64_t> AddUser(const User& user) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("INSERT INTO users (org_id, username, role, "
                                      "password_hash, disabled, created) VALUES (?,?,?,?,?,?)"));
      auto r = s->Bind(1, user.org_id)
                   .Bind(2, user.username)
                   .Bind(3, user.role)
                   .Bind(4, user.password_hash)
                   .Bind(5, int64_t{user.disabled})
                   .Bind(6, user.created)
                   .Run();
      if (!r) {
        return WithMessage(
            std::move(r).error(),
            "a user named '" + user.username + "' already exists or the organisation is unknown");
      }
      return c.LastInsertRowid();
    });
  }
  Result<std::vector<User>> ListUsers(std::optional<int64_t> org_id) override {
    return WithReader([&](Connection& c) -> Result<std::vector<User>> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare(std::string("SELECT ") + kUserCols +
                                      " FROM users WHERE (?1 IS NULL OR org_id = ?1) ORDER BY id"));
      if (org_id) s->Bind(1, *org_id);
      return All<User>(*s, ReadUser);
    });
  }
  Result<User> FindUser(std::string_view name_or_id) override {
    return FindOne<User>("users", kUserCols, "username", name_or_id, ReadUser, "user");
  }
  Result<void> SetPassword(int64_t user_id, std::string_view password_hash) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("UPDATE users SET password_hash = ? WHERE id = ?"));
      ECRN_TRY(s->Bind(1, password_hash).Bind(2, user_id).Run());
      if (c.Changes() == 0) return Error::NotFound("no user with id " + std::to_string(user_id));
      return Ok();
    });
  }

  // API keys.
  Result<int64_t> AddApiKey(const ApiKey& key) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("INSERT INTO api_keys (user_id, prefix, key_hash, "
                             "read_only, expires, revoked, created) VALUES (?,?,?,?,?,?,?)"));
      s->Bind(1, key.user_id)
          .Bind(2, key.prefix)
          .Bind(3, key.key_hash)
          .Bind(4, int64_t{key.read_only})
          .Bind(6, int64_t{key.revoked})
          .Bind(7, key.created);
      if (key.expires) s->Bind(5, *key.expires);
      auto r = s->Run();
      if (!r) {
        return WithMessage(std::move(r).error(), "",
                           "no user with id " + std::to_string(key.user_id));
      }
      return c.LastInsertRowid();
    });
  }
  Result<std::vector<ApiKey>> FindApiKeysByPrefix(std::string_view prefix) override {
    return WithReader([&](Connection& c) -> Result<std::vector<ApiKey>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kKeyCols +
                                               " FROM api_keys WHERE prefix = ? ORDER BY id"));
      s->Bind(1, prefix);
      return All<ApiKey>(*s, ReadKey);
    });
  }
  Result<std::vector<ApiKey>> ListApiKeys(int64_t user_id) override {
    return WithReader([&](Connection& c) -> Result<std::vector<ApiKey>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kKeyCols +
                                               " FROM api_keys WHERE user_id = ? ORDER BY id"));
      s->Bind(1, user_id);
      return All<ApiKey>(*s, ReadKey);
    });
  }
  Result<void> RevokeApiKey(int64_t key_id) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("UPDATE api_keys SET revoked = 1 WHERE id = ?"));
      ECRN_TRY(s->Bind(1, key_id).Run());
      if (c.Changes() == 0) return Error::NotFound("no API key with id " + std::to_string(key_id));
      return Ok();
    });
  }

  // Channels.
  Result<int64_t> AddChannel(const Channel& ch) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("INSERT INTO channels (name, description, "
                                               "default_tlp, created, uuid) VALUES (?,?,?,?,?)"));
      auto r = s->Bind(1, ch.name)
                   .Bind(2, ch.description)
                   .Bind(3, ch.default_tlp.empty() ? std::string_view("amber") : ch.default_tlp)
                   .Bind(4, ch.created)
                   .Bind(5, ch.uuid.empty() ? UuidV4() : ch.uuid)
                   .Run();
      if (!r) {
        return WithMessage(std::move(r).error(),
                           "a channel named '" + ch.name + "' already exists");
      }
      return c.LastInsertRowid();
    });
  }
  Result<std::vector<Channel>> ListChannels() override {
    return WithReader([&](Connection& c) -> Result<std::vector<Channel>> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare(std::string("SELECT ") + kChannelCols + " FROM channels ORDER BY id"));
      return All<Channel>(*s, ReadChannel);
    });
  }
  Result<Channel> FindChannel(std::string_view name_or_id) override {
    return FindOne<Channel>("channels", kChannelCols, "name", name_or_id, ReadChannel, "channel",
                            "uuid");
  }
  Result<void> Grant(const Membership& m) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("INSERT INTO memberships (channel_id, org_id, can_read, can_write) "
                             "VALUES (?,?,?,?) ON CONFLICT (channel_id, org_id) DO UPDATE SET "
                             "can_read = excluded.can_read, can_write = excluded.can_write"));
      auto r = s->Bind(1, m.channel_id)
                   .Bind(2, m.org_id)
                   .Bind(3, int64_t{m.can_read})
                   .Bind(4, int64_t{m.can_write})
                   .Run();
      if (!r) return WithMessage(std::move(r).error(), "", "unknown channel or organisation");
      return Ok();
    });
  }
  Result<std::vector<Membership>> ListMemberships(std::optional<int64_t> channel_id) override {
    return WithReader([&](Connection& c) -> Result<std::vector<Membership>> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("SELECT channel_id, org_id, can_read, can_write "
                                      "FROM memberships WHERE (?1 IS NULL OR channel_id = ?1) "
                                      "ORDER BY channel_id, org_id"));
      if (channel_id) s->Bind(1, *channel_id);
      return All<Membership>(*s, [](const Statement& st) {
        return Membership{st.Int(0), st.Int(1), st.Int(2) != 0, st.Int(3) != 0};
      });
    });
  }

  // Objects.
  Result<std::vector<InsertOutcome>> InsertObjects(int64_t channel_id,
                                                   std::span<const NewObject> objects,
                                                   Micros now) override {
    return Write([&](Connection& c) -> Result<std::vector<InsertOutcome>> {
      ECRN_ASSIGN_OR_RETURN(auto* last_q,
                            c.Prepare("SELECT last_added FROM channels WHERE id = ?"));
      last_q->Bind(1, channel_id);
      ECRN_ASSIGN_OR_RETURN(bool found, last_q->Step());
      if (!found) return Error::NotFound("no channel with id " + std::to_string(channel_id));
      Micros last = last_q->Int(0);
      last_q->Reset();
      ECRN_ASSIGN_OR_RETURN(
          auto* ins,
          c.Prepare("INSERT INTO objects (channel_id, stix_id, type, spec_version, created, "
                    "modified, modified_text, created_by, tlp, date_added, obs_kind, obs_value, "
                    "json, submitter_org, submitter_user) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (stix_id, channel_id, modified) DO NOTHING"));
      ECRN_ASSIGN_OR_RETURN(auto* obs,
                            c.Prepare("INSERT OR IGNORE INTO observables (object_pk, kind, value) "
                                      "VALUES (?,?,?)"));
      ECRN_ASSIGN_OR_RETURN(auto* red,
                            c.Prepare("INSERT OR IGNORE INTO red_recipients (object_pk, user_id) "
                                      "VALUES (?,?)"));
      std::vector<InsertOutcome> out;
      out.reserve(objects.size());
      for (const auto& o : objects) {
        Micros date_added = std::max(now, last + 1);
        // Every parameter is bound on each row, so no clearing between rows.
        const Observable* first = o.observables.empty() ? nullptr : &o.observables.front();
        ins->Bind(1, channel_id)
            .BindStatic(2, o.stix_id)
            .BindStatic(3, o.type)
            .BindStatic(4, o.spec_version.empty() ? std::string_view("2.1") : o.spec_version)
            .Bind(5, o.created)
            .Bind(6, o.modified)
            .BindStatic(7, o.modified_text)
            .BindStaticOrNull(8, o.created_by)
            .BindStaticOrNull(9, o.tlp)
            .Bind(10, date_added)
            .BindStaticOrNull(11, first ? std::string_view(first->kind) : std::string_view())
            .BindStaticOrNull(12, first ? std::string_view(first->value) : std::string_view())
            .BindStatic(13, o.json);
        if (o.submitter_org != 0) {
          ins->Bind(14, o.submitter_org);
        } else {
          ins->BindNull(14);
        }
        if (o.submitter_user != 0) {
          ins->Bind(15, o.submitter_user);
        } else {
          ins->BindNull(15);
        }
        ECRN_TRY(ins->Run());
        if (c.Changes() == 0) {
          out.push_back(InsertOutcome::kDuplicate);
          continue;
        }
        const int64_t pk = c.LastInsertRowid();
        last = date_added;
        // The first observable is in the row; the others (minus repeats of
        // the first) in observables.
        for (size_t k = 1; k < o.observables.size(); ++k) {
          const auto& ob = o.observables[k];
          if (ob.kind == first->kind && ob.value == first->value) continue;
          ECRN_TRY(obs->Bind(1, pk).BindStatic(2, ob.kind).BindStatic(3, ob.value).Run());
        }
        for (int64_t user : o.red_recipients) {
          red->Reset();
          auto r = red->Bind(1, pk).Bind(2, user).Run();
          if (!r) {
            return WithMessage(std::move(r).error(), "",
                               "RED recipient user " + std::to_string(user) + " does not exist");
          }
        }
        out.push_back(InsertOutcome::kAdded);
      }
      ECRN_ASSIGN_OR_RETURN(auto* upd,
                            c.Prepare("UPDATE channels SET last_added = ? WHERE id = ?"));
      ECRN_TRY(upd->Bind(1, last).Bind(2, channel_id).Run());
      return out;
    });
  }

  Result<std::vector<StoredObject>> QueryObjects(const ObjectQuery& q) override {
    std::string sql = std::string("SELECT ") + kObjectCols + " FROM objects o WHERE 1=1";
    // Parameters in order: ints and texts bound by position.
    struct Param {
      bool is_text;
      int64_t i;
      std::string s;
    };
    std::vector<Param> params;
    auto add_int = [&](int64_t v) { params.push_back({false, v, {}}); };
    auto add_text = [&](std::string_view v) { params.push_back({true, 0, std::string(v)}); };
    // The filters, written for table alias `t`; applied to the outer rows and,
    // for "latest version only", to the versions competing to be the latest
    // (so the latest is chosen among the rows the caller may match).
    // With ids given, the channel terms are kept off the indexes (unary +):
    // without statistics SQLite would otherwise walk the whole channel in
    // date_added order (objects_added) instead of seeking each id, which
    // made every id lookup (TAXII POST's existence check, GET of one object)
    // cost O(objects in the channel).
    const std::string unindexed = q.ids.empty() ? "" : "+";
    auto add_filters = [&](const std::string& t) {
      auto add_list = [&](const char* col, const std::vector<std::string>& values) {
        if (values.empty()) return;
        sql += " AND " + t + "." + col + " IN (";
        for (size_t i = 0; i < values.size(); ++i) {
          sql += i ? ",?" : "?";
          add_text(values[i]);
        }
        sql += ")";
      };
      if (q.channel_id) {
        sql += " AND " + unindexed + t + ".channel_id = ?";
        add_int(*q.channel_id);
      }
      add_list("type", q.types);
      add_list("stix_id", q.ids);
      if (std::find(q.tlps.begin(), q.tlps.end(), "") == q.tlps.end()) {
        add_list("tlp", q.tlps);
      } else {
        sql += " AND (" + t + ".tlp IS NULL";
        for (const auto& v : q.tlps) {
          if (v.empty()) continue;
          sql += " OR " + t + ".tlp = ?";
          add_text(v);
        }
        sql += ")";
      }
      add_list("spec_version", q.spec_versions);
      if (q.visible_to) {
        sql += " AND " + unindexed + t + ".channel_id IN (";
        for (size_t i = 0; i < q.visible_to->channel_ids.size(); ++i) {
          sql += i ? ",?" : "?";
          add_int(q.visible_to->channel_ids[i]);
        }
        sql += q.visible_to->channel_ids.empty() ? "NULL)" : ")";
        // IS NOT: an unmarked object (tlp NULL) is not RED.
        sql += " AND (" + t + ".tlp IS NOT 'red' OR EXISTS (SELECT 1 FROM red_recipients r " +
               "WHERE r.object_pk = " + t + ".pk AND r.user_id = ?))";
        add_int(q.visible_to->user_id);
      }
      if (q.added_after) {
        sql += " AND " + t + ".date_added > ?";
        add_int(*q.added_after);
      }
      if (q.added_until) {
        sql += " AND " + t + ".date_added <= ?";
        add_int(*q.added_until);
      }
      if (q.modified_since) {
        sql += " AND " + t + ".modified >= ?";
        add_int(*q.modified_since);
      }
      // No creator or no TLP is stored as NULL (partial indexes).
      if (q.created_by && q.created_by->empty()) {
        sql += " AND " + t + ".created_by IS NULL";
      } else if (q.created_by) {
        sql += " AND " + t + ".created_by = ?";
        add_text(*q.created_by);
      }
      if (q.text) {
        sql += " AND (instr(lower(json_extract(" + t + ".json, '$.name')), lower(?)) > 0 OR " +
               "instr(lower(json_extract(" + t + ".json, '$.description')), lower(?)) > 0)";
        add_text(*q.text);
        add_text(*q.text);
      }
      if (q.observables) {
        // The first observable is in the row, the others in observables;
        // each (kind, value) pair is an index probe.
        // (A constant first term would keep SQLite from using the indexes.)
        std::string in_row, in_table;
        for (size_t i = 0; i < q.observables->size(); ++i) {
          in_row += std::string(i ? " OR " : "") + "(obs_kind = ? AND obs_value = ?)";
          in_table += std::string(i ? " OR " : "") + "(kind = ? AND value = ?)";
        }
        if (q.observables->empty()) in_row = in_table = "0";
        sql += " AND " + t + ".pk IN (SELECT pk FROM objects WHERE " + in_row +
               " UNION ALL SELECT object_pk FROM observables WHERE " + in_table + ")";
        for (int pass = 0; pass < 2; ++pass) {
          for (const auto& o : *q.observables) {
            add_text(o.kind);
            add_text(o.value);
          }
        }
      }
      if (q.pk_above) {
        sql += " AND " + t + ".pk > ?";
        add_int(*q.pk_above);
      }
    };
    add_filters("o");
    if (!q.all_versions) {
      // Which versions: the latest and/or earliest among the matching rows,
      // and any named one. No selector at all matches nothing. The outer row
      // matches the filters itself, so it is the latest (earliest) when no
      // matching version of it is newer (older): a range seek on the unique
      // (stix_id, channel_id, modified) index that is empty for an object
      // with one version, where MAX()/MIN() read every version's row.
      std::vector<std::string> picks;
      for (const char* cmp : {">", "<"}) {
        if (std::string_view(cmp) == ">" ? !q.last_version : !q.first_version) continue;
        std::string saved;
        std::swap(saved, sql);
        sql = std::string(
                  "NOT EXISTS (SELECT 1 FROM objects m WHERE m.stix_id = o.stix_id"
                  " AND m.channel_id = o.channel_id AND m.modified ") +
              cmp + " o.modified";
        add_filters("m");
        sql += ")";
        std::swap(saved, sql);
        picks.push_back(std::move(saved));
      }
      if (!q.versions.empty()) {
        std::string in = "o.modified IN (";
        for (size_t i = 0; i < q.versions.size(); ++i) {
          in += i ? ",?" : "?";
          add_int(q.versions[i]);
        }
        picks.push_back(in + ")");
      }
      sql += " AND (";
      for (size_t i = 0; i < picks.size(); ++i) sql += (i ? " OR " : "") + picks[i];
      sql += picks.empty() ? "0)" : ")";
    }
    if (q.after_pk) {
      sql += std::string(" AND (o.date_added, o.pk) ") + (q.newest_first ? "<" : ">") +
             " ((SELECT date_added FROM objects WHERE pk = ?), ?)";
      add_int(*q.after_pk);
      add_int(*q.after_pk);
    }
    sql += q.newest_first ? " ORDER BY o.date_added DESC, o.pk DESC LIMIT ?"
                          : " ORDER BY o.date_added, o.pk LIMIT ?";
    add_int(static_cast<int64_t>(q.limit));
    return WithReader([&](Connection& c) -> Result<std::vector<StoredObject>> {
      // The text varies with the filters and list lengths: a bounded cache.
      ECRN_ASSIGN_OR_RETURN(Statement * s, c.PrepareRuntime(sql));
      for (size_t i = 0; i < params.size(); ++i) {
        const int pos = static_cast<int>(i + 1);
        if (params[i].is_text) {
          s->Bind(pos, params[i].s);
        } else {
          s->Bind(pos, params[i].i);
        }
      }
      return All<StoredObject>(*s, ReadObject);
    });
  }

  Result<int64_t> CountObjects(std::optional<int64_t> channel_id) override {
    return WithReader([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT COUNT(*) FROM objects WHERE "
                                               "(?1 IS NULL OR channel_id = ?1)"));
      if (channel_id) s->Bind(1, *channel_id);
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      int64_t n = row ? s->Int(0) : 0;
      s->Reset();
      return n;
    });
  }

  Result<std::vector<ObservableHit>> FindObservable(std::string_view kind,
                                                    std::string_view value) override {
    return WithReader([&](Connection& c) -> Result<std::vector<ObservableHit>> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("SELECT pk, channel_id, stix_id, obs_kind, obs_value FROM objects "
                             "WHERE obs_kind = ?1 AND obs_value = ?2 UNION ALL "
                             "SELECT b.object_pk, o.channel_id, o.stix_id, b.kind, b.value FROM "
                             "observables b JOIN objects o ON o.pk = b.object_pk WHERE b.kind = ?1 "
                             "AND b.value = ?2 ORDER BY 1"));
      s->Bind(1, kind).Bind(2, value);
      return All<ObservableHit>(*s, [](const Statement& st) {
        return ObservableHit{st.Int(0), st.Int(1), st.Text(2), st.Text(3), st.Text(4)};
      });
    });
  }

  Result<std::vector<int64_t>> RedRecipients(int64_t object_pk) override {
    return WithReader([&](Connection& c) -> Result<std::vector<int64_t>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT user_id FROM red_recipients WHERE "
                                               "object_pk = ? ORDER BY user_id"));
      s->Bind(1, object_pk);
      return All<int64_t>(*s, [](const Statement& st) { return st.Int(0); });
    });
  }

  Result<int64_t> DeleteObject(int64_t channel_id, std::string_view stix_id) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("DELETE FROM objects WHERE channel_id = ? AND "
                                               "stix_id = ?"));
      ECRN_TRY(s->Bind(1, channel_id).Bind(2, stix_id).Run());
      return int64_t{c.Changes()};
    });
  }

  Result<int64_t> DeleteVersions(std::span<const int64_t> pks) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("DELETE FROM objects WHERE pk = ?"));
      int64_t n = 0;
      for (int64_t pk : pks) {
        s->Reset();
        ECRN_TRY(s->Bind(1, pk).Run());
        n += c.Changes();
      }
      return n;
    });
  }

  // Users: TOTP.
  Result<void> SetTotp(int64_t user_id, std::string_view secret) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ?"));
      ECRN_TRY(s->Bind(1, secret).Bind(2, user_id).Run());
      if (c.Changes() == 0) return Error::NotFound("no user with id " + std::to_string(user_id));
      return Ok();
    });
  }
  Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) override {
    return Write([&](Connection& c) -> Result<bool> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("UPDATE users SET totp_last_step = ? WHERE id = ? "
                                               "AND totp_last_step < ?"));
      ECRN_TRY(s->Bind(1, step).Bind(2, user_id).Bind(3, step).Run());
      return c.Changes() > 0;
    });
  }

  Result<std::vector<Membership>> ListOrgMemberships(int64_t org_id) override {
    return WithReader([&](Connection& c) -> Result<std::vector<Membership>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT channel_id, org_id, can_read, can_write "
                                               "FROM memberships WHERE org_id = ? "
                                               "ORDER BY channel_id"));
      s->Bind(1, org_id);
      return All<Membership>(*s, [](const Statement& st) {
        return Membership{st.Int(0), st.Int(1), st.Int(2) != 0, st.Int(3) != 0};
      });
    });
  }

  // Sessions.
  Result<void> CreateSession(const Session& session) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("INSERT INTO sessions (id_hash, user_id, "
                                               "csrf_token, created, last_seen, expires) "
                                               "VALUES (?,?,?,?,?,?)"));
      auto r = s->Bind(1, session.id_hash)
                   .Bind(2, session.user_id)
                   .Bind(3, session.csrf_token)
                   .Bind(4, session.created)
                   .Bind(5, session.last_seen)
                   .Bind(6, session.expires)
                   .Run();
      if (!r) return WithMessage(std::move(r).error(), "session exists", "no such user");
      return Ok();
    });
  }
  Result<Session> FindSession(std::string_view id_hash) override {
    return WithReader([&](Connection& c) -> Result<Session> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT id_hash, user_id, csrf_token, created, "
                                               "last_seen, expires FROM sessions "
                                               "WHERE id_hash = ?"));
      s->Bind(1, id_hash);
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Error::NotFound("no such session");
      Session out{s->Text(0), s->Int(1), s->Text(2), s->Int(3), s->Int(4), s->Int(5)};
      s->Reset();
      return out;
    });
  }
  Result<void> TouchSession(std::string_view id_hash, Micros last_seen) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s,
                            c.Prepare("UPDATE sessions SET last_seen = ? WHERE id_hash = ?"));
      ECRN_TRY(s->Bind(1, last_seen).Bind(2, id_hash).Run());
      if (c.Changes() == 0) return Error::NotFound("no such session");
      return Ok();
    });
  }
  Result<void> DeleteSession(std::string_view id_hash) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("DELETE FROM sessions WHERE id_hash = ?"));
      return s->Bind(1, id_hash).Run();
    });
  }
  Result<int64_t> DeleteUserSessions(int64_t user_id) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("DELETE FROM sessions WHERE user_id = ?"));
      ECRN_TRY(s->Bind(1, user_id).Run());
      return int64_t{c.Changes()};
    });
  }
  Result<int64_t> DeleteExpiredSessions(Micros now) override {
    return Write([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("DELETE FROM sessions WHERE expires <= ?"));
      ECRN_TRY(s->Bind(1, now).Run());
      return int64_t{c.Changes()};
    });
  }

  // TAXII status resources.
  Result<void> PutTaxiiStatus(const TaxiiStatus& st) override {
    return Write([&](Connection& c) -> Result<void> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("INSERT INTO taxii_status (id, user_id, created, "
                                               "json) VALUES (?,?,?,?) ON CONFLICT (id) DO "
                                               "UPDATE SET json = excluded.json"));
      auto r = s->Bind(1, st.id).Bind(2, st.user_id).Bind(3, st.created).Bind(4, st.json).Run();
      if (!r) return WithMessage(std::move(r).error(), "", "no such user");
      return Ok();
    });
  }
  Result<TaxiiStatus> GetTaxiiStatus(std::string_view id) override {
    return WithReader([&](Connection& c) -> Result<TaxiiStatus> {
      ECRN_ASSIGN_OR_RETURN(
          auto* s, c.Prepare("SELECT id, user_id, created, json FROM taxii_status WHERE id = ?"));
      s->Bind(1, id);
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Error::NotFound("no such status");
      TaxiiStatus out{s->Text(0), s->Int(1), s->Int(2), s->Text(3)};
      s->Reset();
      return out;
    });
  }

  Result<std::unique_ptr<ObjectFeed>> OpenObjectFeed() override;

  // Versions with pk above `after`, in pk order (= commit order: SQLite
  // serialises writers and gives each new row the next pk).
  Result<std::vector<StoredObject>> RowsAfterPk(int64_t after, size_t limit) {
    return WithReader([&](Connection& c) -> Result<std::vector<StoredObject>> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(std::string("SELECT ") + kObjectCols +
                                               " FROM objects o WHERE o.pk > ? "
                                               "ORDER BY o.pk LIMIT ?"));
      s->Bind(1, after).Bind(2, static_cast<int64_t>(limit));
      return All<StoredObject>(*s, ReadObject);
    });
  }
  Result<int64_t> MaxPk() {
    return WithReader([&](Connection& c) -> Result<int64_t> {
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT COALESCE(MAX(pk), 0) FROM objects"));
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      int64_t n = row ? s->Int(0) : 0;
      s->Reset();
      return n;
    });
  }

  Result<std::string> ServerSecret(std::string_view name, std::string_view candidate) override {
    return Write([&](Connection& c) -> Result<std::string> {
      ECRN_ASSIGN_OR_RETURN(
          auto* ins, c.Prepare("INSERT OR IGNORE INTO server_secrets (name, value) VALUES (?,?)"));
      ECRN_TRY(ins->Bind(1, name).Bind(2, candidate).Run());
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare("SELECT value FROM server_secrets WHERE name = ?"));
      s->Bind(1, name);
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return Error::Internal("server secret vanished");
      std::string value = s->Text(0);
      s->Reset();
      return value;
    });
  }

  // Audit log. The writer's BEGIN IMMEDIATE makes the head read, the insert
  // and the head update one serialised step across threads and processes.
  Result<AuditEntry> AppendAudit(const AuditRecord& record) override {
    return Write([&](Connection& c) -> Result<AuditEntry> {
      ECRN_ASSIGN_OR_RETURN(auto head, ReadHead(c));
      if (!head) return HeadMissing();
      ECRN_ASSIGN_OR_RETURN(AuditEntry e, NextAuditEntry(record, *head));
      ECRN_ASSIGN_OR_RETURN(auto* ins,
                            c.Prepare(std::string("INSERT INTO audit_log (") + kAuditColumns +
                                      ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"));
      sqlite::BindAudit(*ins, e);
      ECRN_TRY(ins->Run());
      ECRN_ASSIGN_OR_RETURN(auto* upd,
                            c.Prepare("UPDATE audit_head SET seq = ?, hash = ?, time = ? "
                                      "WHERE id = 1"));
      ECRN_TRY(upd->Bind(1, e.seq).Bind(2, e.hash).Bind(3, e.time).Run());
      return e;
    });
  }

  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& q) override {
    const AuditSql sql = AuditQuerySql(q, [](int) { return std::string("?"); });
    return WithReader([&](Connection& c) -> Result<std::vector<AuditEntry>> {
      // The text varies with the filters: not cached.
      ECRN_ASSIGN_OR_RETURN(auto s, c.PrepareOnce(std::string("SELECT ") + kAuditColumns +
                                                  " FROM audit_log" + sql.tail));
      for (size_t i = 0; i < sql.params.size(); ++i) {
        const int pos = static_cast<int>(i + 1);
        if (const auto* v = std::get_if<int64_t>(&sql.params[i])) {
          s->Bind(pos, *v);
        } else {
          s->Bind(pos, std::get<std::string>(sql.params[i]));
        }
      }
      return All<AuditEntry>(*s, ReadAudit);
    });
  }

  Result<std::optional<AuditHead>> AuditChainHead() override {
    return WithReader([&](Connection& c) { return ReadHead(c); });
  }

  IncidentStore& Incidents() override { return *incidents_; }

 private:
  // sqlite::Transactions, for the incident store.
  Result<void> Write(const std::function<Result<void>(Connection&)>& body) override {
    return Write([&](Connection& c) { return body(c); });
  }
  Result<void> Read(const std::function<Result<void>(Connection&)>& body) override {
    return WithReader([&](Connection& c) -> Result<void> {
      ECRN_TRY(c.Exec("BEGIN"));
      auto r = body(c);
      (void)c.Exec(r.ok() ? "COMMIT" : "ROLLBACK");
      return r;
    });
  }

  static Result<std::optional<AuditHead>> ReadHead(Connection& c) {
    ECRN_ASSIGN_OR_RETURN(auto* s,
                          c.Prepare("SELECT seq, hash, time FROM audit_head WHERE id = 1"));
    ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<AuditHead>();
    AuditHead head{s->Int(0), s->Text(1), s->Int(2)};
    s->Reset();
    return std::optional<AuditHead>(std::move(head));
  }

  static Result<int> CurrentVersion(Connection& c) {
    ECRN_ASSIGN_OR_RETURN(auto* t, c.Prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = "
                                             "'table' AND name = 'schema_migrations'"));
    ECRN_ASSIGN_OR_RETURN(bool row, t->Step());
    bool exists = row && t->Int(0) > 0;
    t->Reset();
    if (!exists) return 0;
    // Cached: /healthz asks on every request (preparing was a quarter of its
    // CPU). Reset after the row so no read transaction stays open.
    ECRN_ASSIGN_OR_RETURN(auto* s,
                          c.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    ECRN_ASSIGN_OR_RETURN(bool r2, s->Step());
    const int version = r2 ? static_cast<int>(s->Int(0)) : 0;
    s->Reset();
    return version;
  }

  static Result<void> BuildMissingIndexes(Connection& c) {
    for (const auto& index : sqlite::ObjectSecondaryIndexes()) {
      ECRN_TRY(c.Exec("CREATE INDEX IF NOT EXISTS " + std::string(index.name) + " " +
                      std::string(index.definition)));
    }
    return Ok();
  }

  // Runs a write in one immediate transaction on the writer connection.
  template <typename F>
  auto Write(F&& body) -> decltype(body(std::declval<Connection&>())) {
    std::lock_guard lock(write_mu_);
    return InTransaction(*writer_, [&] { return body(*writer_); });
  }

  // Runs a read on a pooled reader connection.
  template <typename F>
  auto WithReader(F&& body) -> decltype(body(std::declval<Connection&>())) {
    std::unique_ptr<Connection> conn;
    {
      // At most kMaxReaders connections exist; callers beyond that wait.
      std::unique_lock lock(pool_mu_);
      pool_cv_.wait(lock, [&] { return !readers_.empty() || open_readers_ < kMaxReaders; });
      if (!readers_.empty()) {
        conn = std::move(readers_.back());
        readers_.pop_back();
      } else {
        ++open_readers_;
      }
    }
    if (!conn) {
      auto opened = Connection::Open(path_, false, options_.busy_timeout_ms);
      if (!opened) {
        std::lock_guard lock(pool_mu_);
        --open_readers_;
        pool_cv_.notify_one();
        return std::move(opened).error();
      }
      conn = std::move(opened).value();
    }
    auto r = body(*conn);
    {
      std::lock_guard lock(pool_mu_);
      readers_.push_back(std::move(conn));
    }
    pool_cv_.notify_one();
    return r;
  }

  // One row by numeric id, by `name_col` or (when given) by `alt_col`.
  template <typename T, typename Read>
  Result<T> FindOne(const char* table, const char* cols, const char* name_col,
                    std::string_view name_or_id, Read read, const char* what,
                    const char* alt_col = nullptr) {
    return WithReader([&](Connection& c) -> Result<T> {
      std::string sql =
          std::string("SELECT ") + cols + " FROM " + table + " WHERE " + name_col + " = ?1" +
          (alt_col ? std::string(" OR ") + alt_col + " = ?1" : std::string()) +
          (AllDigits(name_or_id)
               ? " OR id = CAST(?1 AS INTEGER) ORDER BY (id = CAST(?1 AS INTEGER)) DESC"
               : "") +
          " LIMIT 1";
      ECRN_ASSIGN_OR_RETURN(auto* s, c.Prepare(sql));
      s->Bind(1, name_or_id);
      ECRN_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) {
        return Error::NotFound(std::string("no ") + what + " named '" + std::string(name_or_id) +
                               "'");
      }
      T value = read(*s);
      s->Reset();
      return value;
    });
  }

  // sqlite3_wal_hook callback, on the writer's thread after each commit.
  static int OnWalCommit(void* arg, sqlite3*, const char*, int frames) {
    auto* self = static_cast<SqliteStore*>(arg);
    if (frames >= self->checkpoint_frames_) self->WakeCheckpointer();
    return SQLITE_OK;
  }
  void WakeCheckpointer() {
    {
      std::lock_guard lock(ckpt_mu_);
      ckpt_wanted_ = true;
      if (!checkpointer_.joinable()) checkpointer_ = std::thread([this] { CheckpointLoop(); });
    }
    ckpt_cv_.notify_one();
  }
  // Runs PASSIVE checkpoints on its own connection: they copy committed
  // frames without blocking the writer or readers. Best effort: a failed or
  // partial checkpoint leaves the frames in the WAL (still durable) for the
  // next one or for the close of the last connection.
  void CheckpointLoop() {
    std::unique_ptr<Connection> conn;
    std::unique_lock lock(ckpt_mu_);
    for (;;) {
      ckpt_cv_.wait(lock, [&] { return ckpt_wanted_ || ckpt_stopping_; });
      if (ckpt_stopping_) return;
      ckpt_wanted_ = false;
      lock.unlock();
      if (!conn) {
        auto opened = Connection::Open(path_, false, options_.busy_timeout_ms);
        if (opened) conn = std::move(opened).value();
      }
      if (conn) {
        (void)sqlite3_wal_checkpoint_v2(conn->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                        nullptr);
      }
      lock.lock();
    }
  }

  std::string path_;
  StoreOptions options_;
  int64_t checkpoint_frames_ = 1;  // WAL frames that wake the checkpointer
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  static constexpr int kMaxReaders = 8;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;  // idle; guarded by pool_mu_
  int open_readers_ = 0;                              // guarded by pool_mu_
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_wanted_ = false;                  // guarded by ckpt_mu_
  bool ckpt_stopping_ = false;                // guarded by ckpt_mu_
  std::thread checkpointer_;                  // started on the first wake; guarded by ckpt_mu_
  std::unique_ptr<IncidentStore> incidents_;  // on this object's transactions
};

// Polls for rows above the last pk seen.
class SqliteObjectFeed final : public ObjectFeed {
 public:
  SqliteObjectFeed(SqliteStore& store, int64_t last) : store_(store), last_(last) {}
  Result<std::vector<StoredObject>> Next(std::chrono::milliseconds timeout, size_t limit) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      ECRN_ASSIGN_OR_RETURN(auto rows, store_.RowsAfterPk(last_, limit));
      if (!rows.empty()) {
        last_ = rows.back().pk;
        return rows;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return rows;
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(kPollEvery, deadline - now));
    }
  }

 private:
  static constexpr std::chrono::milliseconds kPollEvery{100};
  SqliteStore& store_;
  int64_t last_;
};

Result<std::unique_ptr<ObjectFeed>> SqliteStore::OpenObjectFeed() {
  ECRN_ASSIGN_OR_RETURN(int64_t last, MaxPk());
  return std::unique_ptr<ObjectFeed>(std::make_unique<SqliteObjectFeed>(*this, last));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view path, const StoreOptions& options) {
  std::string p(path);
  ECRN_ASSIGN_OR_RETURN(auto writer, sqlite::Connection::Open(p, true, options.busy_timeout_ms));
  return std::unique_ptr<Store>(new SqliteStore(p, options, std::move(writer)));
}

}  // namespace ecrn::store
