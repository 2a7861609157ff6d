// The PostgreSQL Store: a pool of libpq connections, parameterised SQL only.
// Thread-safe (each call borrows a connection from the pool).
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <poll.h>

#include "ecrn/core/uuid.hpp"
#include "ecrn/store/audit_append.hpp"
#include "ecrn/store/backends.hpp"
#include "ecrn/store/postgres/pg_access.hpp"
#include "ecrn/store/postgres/pg_connection.hpp"
#include "ecrn/store/postgres/pg_migrations.hpp"

namespace ecrn::store {
namespace {

using postgres::AffectedRows;
using postgres::AllRows;
using postgres::PgArray;
using postgres::PgBool;
using postgres::PgConnection;
using postgres::PgInt;
using postgres::PgIsNull;
using postgres::PgParams;
using postgres::PgPool;
using postgres::PgResult;
using postgres::PgText;
using postgres::Rows;

// InsertObjects sends objects in statements of at most this many rows / bytes.
constexpr size_t kMaxBatchRows = 2000;
constexpr size_t kMaxBatchBytes = size_t{16} << 20;

constexpr char kOrgColumns[] = "id, name, kind, country, region, identity_id, created";
constexpr char kUserColumns[] =
    "id, org_id, username, role, password_hash, disabled, created, totp_secret, totp_last_step";
constexpr char kKeyColumns[] =
    "id, user_id, prefix, key_hash, read_only, expires, revoked, created";
constexpr char kChannelColumns[] = "id, name, description, default_tlp, created, uuid";
constexpr char kObjectColumns[] =
    "o.pk, o.channel_id, o.stix_id, o.type, o.spec_version, o.created, o.modified, "
    "o.modified_text, o.created_by, o.tlp, o.date_added, o.json, "
    "COALESCE(o.submitter_org, 0), COALESCE(o.submitter_user, 0)";

// A decimal id (what Find* try before a name).
bool IsDecimalId(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Organisation OrgAt(const PGresult* r, int i) {
  return {PgInt(r, i, 0),  PgText(r, i, 1), PgText(r, i, 2), PgText(r, i, 3),
          PgText(r, i, 4), PgText(r, i, 5), PgInt(r, i, 6)};
}

User UserAt(const PGresult* r, int i) {
  return {PgInt(r, i, 0),  PgInt(r, i, 1), PgText(r, i, 2), PgText(r, i, 3), PgText(r, i, 4),
          PgBool(r, i, 5), PgInt(r, i, 6), PgText(r, i, 7), PgInt(r, i, 8)};
}

ApiKey KeyAt(const PGresult* r, int i) {
  ApiKey k;
  k.id = PgInt(r, i, 0);
  k.user_id = PgInt(r, i, 1);
  k.prefix = PgText(r, i, 2);
  k.key_hash = PgText(r, i, 3);
  k.read_only = PgBool(r, i, 4);
  if (!PgIsNull(r, i, 5)) k.expires = PgInt(r, i, 5);
  k.revoked = PgBool(r, i, 6);
  k.created = PgInt(r, i, 7);
  return k;
}

Channel ChannelAt(const PGresult* r, int i) {
  return {PgInt(r, i, 0),  PgText(r, i, 1), PgText(r, i, 2),
          PgText(r, i, 3), PgInt(r, i, 4),  PgText(r, i, 5)};
}

StoredObject ObjectAt(const PGresult* r, int i) {
  StoredObject o;
  o.pk = PgInt(r, i, 0);
  o.channel_id = PgInt(r, i, 1);
  o.stix_id = PgText(r, i, 2);
  o.type = PgText(r, i, 3);
  o.spec_version = PgText(r, i, 4);
  o.created = PgInt(r, i, 5);
  o.modified = PgInt(r, i, 6);
  o.modified_text = PgText(r, i, 7);
  o.created_by = PgText(r, i, 8);
  o.tlp = PgText(r, i, 9);
  o.date_added = PgInt(r, i, 10);
  o.json = PgText(r, i, 11);
  o.submitter_org = PgInt(r, i, 12);
  o.submitter_user = PgInt(r, i, 13);
  return o;
}

AuditEntry AuditAt(const PGresult* r, int i) { return postgres::AuditAt(r, i); }

constexpr char kUniqueViolation[] = "23505";
// The NOTIFY channel that announces committed object rows ("<min pk>-<max pk>").
constexpr char kObjectChannel[] = "ecrn_objects";
constexpr char kForeignKeyViolation[] = "23503";

// Gives a constraint violation (`sqlstate`, as reported by `conn` for the
// failed statement) the code and client message the caller knows fit; other
// errors pass unchanged.
Error Explain(const PgConnection& conn, Error e, std::string_view sqlstate, ErrorCode code,
              std::string message) {
  if (conn.sqlstate() == sqlstate) {
    e.code = code;
    e.message = std::move(message);
  }
  return e;
}

std::string Quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// The key that identifies a version within a channel.
std::string VersionKey(std::string_view stix_id, Micros modified) {
  std::string key(stix_id);
  key.push_back('\x1f');
  key += std::to_string(modified);
  return key;
}

class PostgresStore final : public Store {
 public:
  explicit PostgresStore(std::unique_ptr<PgPool> pool)
      : pool_(std::move(pool)), incidents_(postgres::NewIncidentStore(*pool_)) {}

  std::string_view Backend() const override { return "postgresql"; }

  Result<void> Migrate() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return postgres::ApplyMigrations(*conn);
  }

  Result<int> SchemaVersion() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    return postgres::AppliedSchemaVersion(*conn);
  }

  // --- organisations -------------------------------------------------------

  Result<int64_t> AddOrganisation(const Organisation& org) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO organisations (name, kind, country, region, identity_id, created) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        PgParams()
            .Text(org.name)
            .Text(org.kind)
            .Text(org.country)
            .Text(org.region)
            .Text(org.identity_id)
            .Int(org.created));
    if (!res.ok()) {
      std::string what = conn->constraint().find("identity") != std::string::npos
                             ? "an organisation with identity " + Quoted(org.identity_id)
                             : "an organisation named " + Quoted(org.name);
      return Explain(*conn, std::move(res).error(), kUniqueViolation, ErrorCode::kAlreadyExists,
                     what + " already exists");
    }
    return PgInt(res->get(), 0, 0);
  }

  Result<std::vector<Organisation>> ListOrganisations() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res,
        conn->Exec(
            (std::string("SELECT ") + kOrgColumns + " FROM organisations ORDER BY id").c_str()));
    return AllRows<Organisation>(res, OrgAt);
  }

  Result<Organisation> FindOrganisation(std::string_view name_or_id) override {
    ECRN_ASSIGN_OR_RETURN(auto res, FindRow("organisations", kOrgColumns, "name", name_or_id));
    if (Rows(res) == 0) return Error::NotFound("no organisation named " + Quoted(name_or_id));
    return OrgAt(res.get(), 0);
  }

  // --- users ---------------------------------------------------------------

  Result<int64_t> AddUser(const User& user) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO users (org_id, username, role, password_hash, disabled, created) "
        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        PgParams()
            .Int(user.org_id)
            .Text(user.username)
            .Text(user.role)
            .Text(user.password_hash)
            .Bool(user.disabled)
            .Int(user.created));
    if (!res.ok()) {
      Error e = Explain(*conn, std::move(res).error(), kUniqueViolation, ErrorCode::kAlreadyExists,
                        "a user named " + Quoted(user.username) + " already exists");
      return Explain(*conn, std::move(e), kForeignKeyViolation, ErrorCode::kNotFound,
                     "no organisation with id " + std::to_string(user.org_id));
    }
    return PgInt(res->get(), 0, 0);
  }

  Result<std::vector<User>> ListUsers(std::optional<int64_t> org_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    std::string sql = std::string("SELECT ") + kUserColumns +
                      " FROM users WHERE ($1::bigint IS NULL OR org_id = $1) ORDER BY id";
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), PgParams().OptInt(org_id)));
    return AllRows<User>(res, UserAt);
  }

  Result<User> FindUser(std::string_view name_or_id) override {
    ECRN_ASSIGN_OR_RETURN(auto res, FindRow("users", kUserColumns, "username", name_or_id));
    if (Rows(res) == 0) return Error::NotFound("no user named " + Quoted(name_or_id));
    return UserAt(res.get(), 0);
  }

  Result<void> SetPassword(int64_t user_id, std::string_view password_hash) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("UPDATE users SET password_hash = $2 WHERE id = $1",
                                               PgParams().Int(user_id).Text(password_hash)));
    if (AffectedRows(res) == 0) {
      return Error::NotFound("no user with id " + std::to_string(user_id));
    }
    return Ok();
  }

  // --- API keys ------------------------------------------------------------

  Result<int64_t> AddApiKey(const ApiKey& key) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO api_keys (user_id, prefix, key_hash, read_only, expires, revoked, created) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        PgParams()
            .Int(key.user_id)
            .Text(key.prefix)
            .Text(key.key_hash)
            .Bool(key.read_only)
            .OptInt(key.expires)
            .Bool(key.revoked)
            .Int(key.created));
    if (!res.ok()) {
      return Explain(*conn, std::move(res).error(), kForeignKeyViolation, ErrorCode::kNotFound,
                     "no user with id " + std::to_string(key.user_id));
    }
    return PgInt(res->get(), 0, 0);
  }

  Result<std::vector<ApiKey>> FindApiKeysByPrefix(std::string_view prefix) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    std::string sql =
        std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE prefix = $1 ORDER BY id";
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), PgParams().Text(prefix)));
    return AllRows<ApiKey>(res, KeyAt);
  }

  Result<std::vector<ApiKey>> ListApiKeys(int64_t user_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    std::string sql =
        std::string("SELECT ") + kKeyColumns + " FROM api_keys WHERE user_id = $1 ORDER BY id";
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), PgParams().Int(user_id)));
    return AllRows<ApiKey>(res, KeyAt);
  }

  Result<void> RevokeApiKey(int64_t key_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("UPDATE api_keys SET revoked = true WHERE id = $1",
                                               PgParams().Int(key_id)));
    if (AffectedRows(res) == 0) {
      return Error::NotFound("no API key with id " + std::to_string(key_id));
    }
    return Ok();
  }

  // --- channels and memberships -------------------------------------------

  Result<int64_t> AddChannel(const Channel& channel) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO channels (name, description, default_tlp, created, uuid) "
        "VALUES ($1, $2, $3, $4, $5) RETURNING id",
        PgParams()
            .Text(channel.name)
            .Text(channel.description)
            .Text(channel.default_tlp.empty() ? "amber" : channel.default_tlp)
            .Int(channel.created)
            .Text(channel.uuid.empty() ? UuidV4() : channel.uuid));
    if (!res.ok()) {
      return Explain(*conn, std::move(res).error(), kUniqueViolation, ErrorCode::kAlreadyExists,
                     "a channel named " + Quoted(channel.name) + " already exists");
    }
    return PgInt(res->get(), 0, 0);
  }

  Result<std::vector<Channel>> ListChannels() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    std::string sql = std::string("SELECT ") + kChannelColumns + " FROM channels ORDER BY id";
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str()));
    return AllRows<Channel>(res, ChannelAt);
  }

  Result<Channel> FindChannel(std::string_view name_or_id) override {
    ECRN_ASSIGN_OR_RETURN(auto res,
                          FindRow("channels", kChannelColumns, "name", name_or_id, "uuid"));
    if (Rows(res) == 0) return Error::NotFound("no channel named " + Quoted(name_or_id));
    return ChannelAt(res.get(), 0);
  }

  Result<void> Grant(const Membership& m) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO memberships (channel_id, org_id, can_read, can_write) "
        "VALUES ($1, $2, $3, $4) ON CONFLICT (channel_id, org_id) "
        "DO UPDATE SET can_read = EXCLUDED.can_read, can_write = EXCLUDED.can_write",
        PgParams().Int(m.channel_id).Int(m.org_id).Bool(m.can_read).Bool(m.can_write));
    if (!res.ok()) {
      return Explain(*conn, std::move(res).error(), kForeignKeyViolation, ErrorCode::kNotFound,
                     "no channel with id " + std::to_string(m.channel_id) +
                         " or no organisation with id " + std::to_string(m.org_id));
    }
    return Ok();
  }

  Result<std::vector<Membership>> ListMemberships(std::optional<int64_t> channel_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec("SELECT channel_id, org_id, can_read, can_write FROM memberships "
                             "WHERE ($1::bigint IS NULL OR channel_id = $1) "
                             "ORDER BY channel_id, org_id",
                             PgParams().OptInt(channel_id)));
    return AllRows<Membership>(res, [](const PGresult* r, int i) {
      return Membership{PgInt(r, i, 0), PgInt(r, i, 1), PgBool(r, i, 2), PgBool(r, i, 3)};
    });
  }

  // --- objects -------------------------------------------------------------

  // PostgreSQL keeps its indexes during loads (several servers share it).
  Result<bool> BeginBulkLoad() override { return false; }
  Result<void> EndBulkLoad() override { return Ok(); }

  Result<std::vector<InsertOutcome>> InsertObjects(int64_t channel_id,
                                                   std::span<const NewObject> objects,
                                                   Micros now) override {
    return InTransaction([&](PgConnection& conn) -> Result<std::vector<InsertOutcome>> {
      // The channel row lock serialises writers of this channel across every
      // server sharing the database, so date_added is strictly increasing.
      ECRN_ASSIGN_OR_RETURN(
          auto channel, conn.Exec("SELECT last_added FROM channels WHERE id = $1 FOR NO KEY UPDATE",
                                  PgParams().Int(channel_id)));
      if (Rows(channel) == 0) {
        return Error::NotFound("no channel with id " + std::to_string(channel_id));
      }
      const Micros first_last = PgInt(channel.get(), 0, 0);
      Micros last = first_last;
      std::vector<InsertOutcome> outcomes(objects.size(), InsertOutcome::kDuplicate);
      std::unordered_set<std::string> added_keys;
      int64_t min_pk = 0, max_pk = 0;  // of the rows added
      size_t begin = 0;
      while (begin < objects.size()) {
        size_t end = begin;
        size_t bytes = 0;
        while (end < objects.size() && end - begin < kMaxBatchRows && bytes < kMaxBatchBytes) {
          bytes += objects[end].json.size();
          ++end;
        }
        ECRN_TRY(InsertBatch(conn, channel_id, objects.subspan(begin, end - begin), now, last,
                             added_keys, std::span(outcomes).subspan(begin, end - begin), min_pk,
                             max_pk));
        begin = end;
      }
      if (last != first_last) {
        ECRN_TRY(conn.Exec("UPDATE channels SET last_added = $2 WHERE id = $1",
                           PgParams().Int(channel_id).Int(last)));
      }
      // Delivered at commit, in commit order, to every server's object feed.
      if (max_pk != 0) {
        ECRN_TRY(conn.Exec("SELECT pg_notify($1, $2)",
                           PgParams()
                               .Text(kObjectChannel)
                               .Text(std::to_string(min_pk) + "-" + std::to_string(max_pk))));
      }
      return outcomes;
    });
  }

  Result<std::vector<StoredObject>> QueryObjects(const ObjectQuery& q) override {
    PgParams params;
    auto next = [&params] { return "$" + std::to_string(params.size()); };
    // Filters as (column, "op $n"); applied to the row and, for the latest
    // version test, to the newer versions it is compared with.
    std::vector<std::pair<std::string, std::string>> filters;
    auto text_array = [](const std::vector<std::string>& values) {
      PgArray a;
      for (const auto& v : values) a.Text(v);
      return a.Take();
    };
    if (q.channel_id) {
      params.Int(*q.channel_id);
      filters.emplace_back("channel_id", "= " + next());
    }
    if (!q.types.empty()) {
      params.Text(text_array(q.types));
      filters.emplace_back("type", "= ANY(" + next() + "::text[])");
    }
    if (!q.ids.empty()) {
      params.Text(text_array(q.ids));
      filters.emplace_back("stix_id", "= ANY(" + next() + "::text[])");
    }
    if (q.added_after) {
      params.Int(*q.added_after);
      filters.emplace_back("date_added", "> " + next());
    }
    if (q.added_until) {
      params.Int(*q.added_until);
      filters.emplace_back("date_added", "<= " + next());
    }
    if (q.modified_since) {
      params.Int(*q.modified_since);
      filters.emplace_back("modified", ">= " + next());
    }
    if (q.created_by) {
      params.Text(*q.created_by);
      filters.emplace_back("created_by", "= " + next());
    }
    if (!q.tlps.empty()) {
      params.Text(text_array(q.tlps));
      filters.emplace_back("tlp", "= ANY(" + next() + "::text[])");
    }
    if (q.text) {
      params.Text(*q.text);
      filters.emplace_back("text_contains", next());
    }
    if (q.observables) {
      std::vector<std::string> kinds, values;
      for (const auto& o : *q.observables) {
        kinds.push_back(o.kind);
        values.push_back(o.value);
      }
      params.Text(text_array(kinds));
      const std::string kinds_param = next();
      params.Text(text_array(values));
      filters.emplace_back("pk",
                           "IN (SELECT object_pk FROM observables WHERE (kind, value) IN "
                           "(SELECT * FROM unnest(" +
                               kinds_param + "::text[], " + next() + "::text[])))");
    }
    if (q.pk_above) {
      params.Int(*q.pk_above);
      filters.emplace_back("pk", "> " + next());
    }
    if (!q.spec_versions.empty()) {
      params.Text(text_array(q.spec_versions));
      filters.emplace_back("spec_version", "= ANY(" + next() + "::text[])");
    }
    // Visibility: the rendered filter is "<alias>.<column> <rest>", so the
    // RED test is written to start with the column.
    if (q.visible_to) {
      PgArray channels;
      for (int64_t id : q.visible_to->channel_ids) channels.Int(id);
      params.Text(channels.Take());
      filters.emplace_back("channel_id", "= ANY(" + next() + "::bigint[])");
      params.Int(q.visible_to->user_id);
      filters.emplace_back("red_visible", next());
    }
    auto render = [&filters](std::string_view alias) {
      std::string out;
      for (const auto& [column, rest] : filters) {
        out += " AND ";
        if (column == "text_contains") {
          const std::string j = std::string(alias) + ".json::json";
          out += "(strpos(lower(" + j + "->>'name'), lower(" + rest + ")) > 0 OR strpos(lower(" +
                 j + "->>'description'), lower(" + rest + ")) > 0)";
          continue;
        }
        if (column == "red_visible") {
          out += "(" + std::string(alias) +
                 ".tlp <> 'red' OR EXISTS (SELECT 1 FROM "
                 "red_recipients r WHERE r.object_pk = " +
                 std::string(alias) + ".pk AND r.user_id = " + rest + "))";
          continue;
        }
        out += alias;
        out += '.';
        out += column;
        out += ' ';
        out += rest;
      }
      return out;
    };
    std::string sql = std::string("SELECT ") + kObjectColumns + " FROM objects o WHERE true";
    sql += render("o");
    if (!q.all_versions) {
      // Which versions: the latest and/or earliest among the matching rows,
      // and any named one. No selector at all matches nothing.
      std::vector<std::string> picks;
      if (q.last_version) {
        picks.push_back(
            "NOT EXISTS (SELECT 1 FROM objects n WHERE n.stix_id = o.stix_id"
            " AND n.channel_id = o.channel_id AND n.modified > o.modified" +
            render("n") + ")");
      }
      if (q.first_version) {
        picks.push_back(
            "NOT EXISTS (SELECT 1 FROM objects n WHERE n.stix_id = o.stix_id"
            " AND n.channel_id = o.channel_id AND n.modified < o.modified" +
            render("n") + ")");
      }
      if (!q.versions.empty()) {
        PgArray versions;
        for (Micros v : q.versions) versions.Int(v);
        params.Text(versions.Take());
        picks.push_back("o.modified = ANY(" + next() + "::bigint[])");
      }
      sql += " AND (";
      for (size_t i = 0; i < picks.size(); ++i) sql += (i ? " OR " : "") + picks[i];
      sql += picks.empty() ? "false)" : ")";
    }
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    if (q.after_pk) {
      // Looked up first so that the planner sees the actual bound and walks
      // the (channel_id, date_added) index instead of sorting the channel.
      ECRN_ASSIGN_OR_RETURN(auto after, conn->Exec("SELECT date_added FROM objects WHERE pk = $1",
                                                   PgParams().Int(*q.after_pk)));
      // The row paged from is gone (deleted): its place is unknown, so the
      // page is empty rather than possibly repeating rows.
      if (Rows(after) == 0) return std::vector<StoredObject>{};
      params.Int(PgInt(after.get(), 0, 0));
      std::string added = next();
      params.Int(*q.after_pk);
      if (q.newest_first) {
        sql += " AND o.date_added <= " + added + " AND (o.date_added < " + added + " OR o.pk < " +
               next() + ")";
      } else {
        sql += " AND o.date_added >= " + added + " AND (o.date_added > " + added + " OR o.pk > " +
               next() + ")";
      }
    }
    params.Int(static_cast<int64_t>(std::min<size_t>(q.limit, size_t{INT64_MAX})));
    sql += q.newest_first ? " ORDER BY o.date_added DESC, o.pk DESC LIMIT " + next()
                          : " ORDER BY o.date_added, o.pk LIMIT " + next();
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), params));
    return AllRows<StoredObject>(res, ObjectAt);
  }

  Result<int64_t> CountObjects(std::optional<int64_t> channel_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("SELECT count(*) FROM objects WHERE ($1::bigint IS NULL OR "
                                     "channel_id = $1)",
                                     PgParams().OptInt(channel_id)));
    return PgInt(res.get(), 0, 0);
  }

  Result<std::vector<ObservableHit>> FindObservable(std::string_view kind,
                                                    std::string_view value) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("SELECT b.object_pk, o.channel_id, o.stix_id, b.kind, b.value "
                                     "FROM observables b JOIN objects o ON o.pk = b.object_pk "
                                     "WHERE b.kind = $1 AND b.value = $2 ORDER BY b.object_pk",
                                     PgParams().Text(kind).Text(value)));
    return AllRows<ObservableHit>(res, [](const PGresult* r, int i) {
      return ObservableHit{PgInt(r, i, 0), PgInt(r, i, 1), PgText(r, i, 2), PgText(r, i, 3),
                           PgText(r, i, 4)};
    });
  }

  Result<std::vector<int64_t>> RedRecipients(int64_t object_pk) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("SELECT user_id FROM red_recipients WHERE object_pk = $1 "
                                     "ORDER BY user_id",
                                     PgParams().Int(object_pk)));
    return AllRows<int64_t>(res, [](const PGresult* r, int i) { return PgInt(r, i, 0); });
  }

  Result<int64_t> DeleteObject(int64_t channel_id, std::string_view stix_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("DELETE FROM objects WHERE channel_id = $1 AND stix_id = $2",
                                     PgParams().Int(channel_id).Text(stix_id)));
    return AffectedRows(res);
  }

  Result<int64_t> DeleteVersions(std::span<const int64_t> pks) override {
    PgArray list;
    for (int64_t pk : pks) list.Int(pk);
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("DELETE FROM objects WHERE pk = ANY($1::bigint[])",
                                               PgParams().Text(list.Take())));
    return AffectedRows(res);
  }

  // --- TOTP, memberships by organisation -------------------------------------

  Result<void> SetTotp(int64_t user_id, std::string_view secret) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec("UPDATE users SET totp_secret = $2, totp_last_step = 0 WHERE id = $1",
                             PgParams().Int(user_id).Text(secret)));
    if (AffectedRows(res) == 0) {
      return Error::NotFound("no user with id " + std::to_string(user_id));
    }
    return Ok();
  }

  Result<bool> ClaimTotpStep(int64_t user_id, int64_t step) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("UPDATE users SET totp_last_step = $2 WHERE id = $1 "
                                               "AND totp_last_step < $2",
                                               PgParams().Int(user_id).Int(step)));
    return AffectedRows(res) > 0;
  }

  Result<std::vector<Membership>> ListOrgMemberships(int64_t org_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("SELECT channel_id, org_id, can_read, can_write FROM "
                                     "memberships WHERE org_id = $1 ORDER BY channel_id",
                                     PgParams().Int(org_id)));
    return AllRows<Membership>(res, [](const PGresult* r, int i) {
      return Membership{PgInt(r, i, 0), PgInt(r, i, 1), PgBool(r, i, 2), PgBool(r, i, 3)};
    });
  }

  // --- sessions ------------------------------------------------------------

  Result<void> CreateSession(const Session& s) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created, last_seen, expires) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        PgParams()
            .Text(s.id_hash)
            .Int(s.user_id)
            .Text(s.csrf_token)
            .Int(s.created)
            .Int(s.last_seen)
            .Int(s.expires));
    if (!res.ok()) {
      return Explain(*conn, std::move(res).error(), kForeignKeyViolation, ErrorCode::kNotFound,
                     "no such user");
    }
    return Ok();
  }

  Result<Session> FindSession(std::string_view id_hash) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("SELECT id_hash, user_id, csrf_token, created, "
                                               "last_seen, expires FROM sessions "
                                               "WHERE id_hash = $1",
                                               PgParams().Text(id_hash)));
    if (Rows(res) == 0) return Error::NotFound("no such session");
    const PGresult* r = res.get();
    return Session{PgText(r, 0, 0), PgInt(r, 0, 1), PgText(r, 0, 2),
                   PgInt(r, 0, 3),  PgInt(r, 0, 4), PgInt(r, 0, 5)};
  }

  Result<void> TouchSession(std::string_view id_hash, Micros last_seen) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("UPDATE sessions SET last_seen = $2 WHERE id_hash = $1",
                                     PgParams().Text(id_hash).Int(last_seen)));
    if (AffectedRows(res) == 0) return Error::NotFound("no such session");
    return Ok();
  }

  Result<void> DeleteSession(std::string_view id_hash) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_TRY(conn->Exec("DELETE FROM sessions WHERE id_hash = $1", PgParams().Text(id_hash)));
    return Ok();
  }

  Result<int64_t> DeleteUserSessions(int64_t user_id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec("DELETE FROM sessions WHERE user_id = $1", PgParams().Int(user_id)));
    return AffectedRows(res);
  }

  Result<int64_t> DeleteExpiredSessions(Micros now) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec("DELETE FROM sessions WHERE expires <= $1", PgParams().Int(now)));
    return AffectedRows(res);
  }

  // --- TAXII status, server secrets ------------------------------------------

  Result<void> PutTaxiiStatus(const TaxiiStatus& st) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    auto res = conn->Exec(
        "INSERT INTO taxii_status (id, user_id, created, json) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (id) DO UPDATE SET json = EXCLUDED.json",
        PgParams().Text(st.id).Int(st.user_id).Int(st.created).Text(st.json));
    if (!res.ok()) {
      return Explain(*conn, std::move(res).error(), kForeignKeyViolation, ErrorCode::kNotFound,
                     "no such user");
    }
    return Ok();
  }

  Result<TaxiiStatus> GetTaxiiStatus(std::string_view id) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(
        auto res, conn->Exec("SELECT id, user_id, created, json FROM taxii_status WHERE id = $1",
                             PgParams().Text(id)));
    if (Rows(res) == 0) return Error::NotFound("no such status");
    const PGresult* r = res.get();
    return TaxiiStatus{PgText(r, 0, 0), PgInt(r, 0, 1), PgInt(r, 0, 2), PgText(r, 0, 3)};
  }

  Result<std::unique_ptr<ObjectFeed>> OpenObjectFeed() override;

  // Rows with pk in [low, high], in pk order.
  Result<std::vector<StoredObject>> RowsBetween(int64_t low, int64_t high) {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    std::string sql = std::string("SELECT ") + kObjectColumns +
                      " FROM objects o WHERE o.pk BETWEEN $1 AND $2 ORDER BY o.pk";
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), PgParams().Int(low).Int(high)));
    return AllRows<StoredObject>(res, ObjectAt);
  }

  Result<std::string> ServerSecret(std::string_view name, std::string_view candidate) override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_TRY(
        conn->Exec("INSERT INTO server_secrets (name, value) VALUES ($1, $2) "
                   "ON CONFLICT (name) DO NOTHING",
                   PgParams().Text(name).Text(candidate)));
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec("SELECT value FROM server_secrets WHERE name = $1",
                                               PgParams().Text(name)));
    if (Rows(res) == 0) return Error::Internal("server secret vanished");
    return PgText(res.get(), 0, 0);
  }

  // --- audit log -----------------------------------------------------------

  Result<AuditEntry> AppendAudit(const AuditRecord& record) override {
    return InTransaction([&](PgConnection& conn) -> Result<AuditEntry> {
      // The head row lock serialises appends across every server sharing the
      // database; a waiting append reads the head its predecessor committed.
      ECRN_ASSIGN_OR_RETURN(
          auto res, conn.Exec("SELECT seq, hash, time FROM audit_head WHERE id = 1 FOR UPDATE"));
      const std::optional<AuditHead> head = HeadFrom(res);
      if (!head) return HeadMissing();
      ECRN_ASSIGN_OR_RETURN(AuditEntry e, NextAuditEntry(record, *head));
      const std::string insert =
          std::string("INSERT INTO audit_log (") + kAuditColumns +
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
      PgParams params;
      ECRN_TRY(conn.Exec(insert.c_str(), postgres::AuditParams(params, e)));
      ECRN_TRY(conn.Exec("UPDATE audit_head SET seq = $1, hash = $2, time = $3 WHERE id = 1",
                         PgParams().Int(e.seq).Text(e.hash).Int(e.time)));
      return e;
    });
  }

  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& q) override {
    const AuditSql sql = AuditQuerySql(q, [](int n) { return "$" + std::to_string(n); });
    PgParams params;
    for (const auto& p : sql.params) {
      if (const auto* v = std::get_if<int64_t>(&p)) {
        params.Int(*v);
      } else {
        params.Text(std::get<std::string>(p));
      }
    }
    const std::string text = std::string("SELECT ") + kAuditColumns + " FROM audit_log" + sql.tail;
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(text.c_str(), params));
    return AllRows<AuditEntry>(res, AuditAt);
  }

  IncidentStore& Incidents() override { return *incidents_; }

  Result<std::optional<AuditHead>> AuditChainHead() override {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    ECRN_ASSIGN_OR_RETURN(auto res,
                          conn->Exec("SELECT seq, hash, time FROM audit_head WHERE id = 1"));
    return HeadFrom(res);
  }

 private:
  static std::optional<AuditHead> HeadFrom(const PgResult& res) {
    if (Rows(res) == 0) return std::nullopt;
    return AuditHead{PgInt(res.get(), 0, 0), PgText(res.get(), 0, 1), PgInt(res.get(), 0, 2)};
  }

  // Runs `fn` between BEGIN and COMMIT on one pooled connection; rolls back
  // when it fails.
  template <typename Fn>
  auto InTransaction(Fn&& fn) -> decltype(fn(std::declval<PgConnection&>())) {
    return postgres::InTransaction(*pool_, std::forward<Fn>(fn));
  }

  // One row of `table` by decimal id (when `name_or_id` is all digits) or
  // else by `name_column`; an empty result when there is none.
  Result<PgResult> FindRow(const char* table, const char* columns, const char* name_column,
                           std::string_view name_or_id, const char* alt_column = nullptr) {
    ECRN_ASSIGN_OR_RETURN(auto conn, pool_->Acquire());
    std::string select = std::string("SELECT ") + columns + " FROM " + table + " WHERE ";
    if (IsDecimalId(name_or_id)) {
      std::string sql = select + "id = $1::bigint";
      ECRN_ASSIGN_OR_RETURN(auto res, conn->Exec(sql.c_str(), PgParams().Text(name_or_id)));
      if (Rows(res) > 0) return res;
    }
    std::string sql = select + name_column + " = $1";
    if (alt_column) sql += std::string(" OR ") + alt_column + " = $1";
    return conn->Exec(sql.c_str(), PgParams().Text(name_or_id));
  }

  // Inserts one batch of InsertObjects inside its transaction. `last` is the
  // channel's latest date_added so far; `added_keys` the versions added by
  // this call; `outcomes` is this batch's slice of the results.
  static Result<void> InsertBatch(PgConnection& conn, int64_t channel_id,
                                  std::span<const NewObject> batch, Micros now, Micros& last,
                                  std::unordered_set<std::string>& added_keys,
                                  std::span<InsertOutcome> outcomes, int64_t& min_pk,
                                  int64_t& max_pk) {
    // Versions already stored (the channel lock keeps this answer valid), as
    // 1-based positions in the batch. One probe of the unique index
    // (stix_id, channel_id, modified) per row: the probe is a scalar subquery
    // with LIMIT, which the planner never turns into a join, so the plan does
    // not depend on statistics. (A join let the planner, on statistics that
    // are stale right after a bulk load, hash every object of the channel for
    // each batch: quadratic, and the cause of slow and erratic re-imports.)
    PgArray ids, mods;
    for (const auto& o : batch) {
      ids.Text(o.stix_id);
      mods.Int(o.modified);
    }
    ECRN_ASSIGN_OR_RETURN(
        auto existing,
        conn.Exec("SELECT u.ord FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY "
                  "AS u(stix_id, modified, ord) "
                  "WHERE (SELECT true FROM objects o WHERE o.stix_id = u.stix_id "
                  "AND o.channel_id = $1 AND o.modified = u.modified LIMIT 1)",
                  PgParams().Int(channel_id).Text(ids.Take()).Text(mods.Take())));
    std::vector<bool> stored(batch.size(), false);
    for (int i = 0; i < Rows(existing); ++i) {
      const int64_t ord = PgInt(existing.get(), i, 0);
      if (ord >= 1 && static_cast<size_t>(ord) <= batch.size()) {
        stored[static_cast<size_t>(ord - 1)] = true;
      }
    }

    // The rows to add get consecutive date_added values from `first_added`
    // (max(now, last + 1), then + 1 each), so the date_added a row comes back
    // with names its place in `pending`.
    PgArray stix_id, type, spec, created, modified, modified_text, created_by, tlp, added, json,
        sub_org, sub_user;
    std::vector<size_t> pending;  // batch indices, in date_added order
    const Micros first_added = std::max(now, last + 1);
    for (size_t i = 0; i < batch.size(); ++i) {
      const NewObject& o = batch[i];
      if (stored[i] || !added_keys.insert(VersionKey(o.stix_id, o.modified)).second) continue;
      last = std::max(now, last + 1);
      pending.push_back(i);
      stix_id.Text(o.stix_id);
      type.Text(o.type);
      spec.Text(o.spec_version.empty() ? std::string_view("2.1") : o.spec_version);
      created.Int(o.created);
      modified.Int(o.modified);
      modified_text.Text(o.modified_text);
      created_by.Text(o.created_by);
      tlp.Text(o.tlp);
      added.Int(last);
      json.Text(o.json);
      sub_org.Int(o.submitter_org);
      sub_user.Int(o.submitter_user);
    }
    if (pending.empty()) return Ok();

    ECRN_ASSIGN_OR_RETURN(
        auto inserted,
        conn.Exec("INSERT INTO objects (channel_id, stix_id, type, spec_version, created, "
                  "modified, modified_text, created_by, tlp, date_added, json, submitter_org, "
                  "submitter_user) "
                  "SELECT $1, u.stix_id, u.type, u.spec_version, u.created, u.modified, "
                  "u.modified_text, u.created_by, u.tlp, u.date_added, u.json, "
                  "NULLIF(u.sub_org, 0), NULLIF(u.sub_user, 0) "
                  "FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], "
                  "$7::text[], $8::text[], $9::text[], $10::bigint[], $11::text[], "
                  "$12::bigint[], $13::bigint[]) "
                  "WITH ORDINALITY AS u(stix_id, type, spec_version, created, modified, "
                  "modified_text, created_by, tlp, date_added, json, sub_org, sub_user, ord) "
                  "ORDER BY u.ord "
                  "ON CONFLICT (stix_id, channel_id, modified) DO NOTHING "
                  "RETURNING pk, date_added",
                  PgParams()
                      .Int(channel_id)
                      .Text(stix_id.Take())
                      .Text(type.Take())
                      .Text(spec.Take())
                      .Text(created.Take())
                      .Text(modified.Take())
                      .Text(modified_text.Take())
                      .Text(created_by.Take())
                      .Text(tlp.Take())
                      .Text(added.Take())
                      .Text(json.Take())
                      .Text(sub_org.Take())
                      .Text(sub_user.Take())));

    PgArray obs_pk, obs_kind, obs_value, red_pk, red_user;
    for (int r = 0; r < Rows(inserted); ++r) {
      const Micros offset = PgInt(inserted.get(), r, 1) - first_added;
      if (offset < 0 || static_cast<uint64_t>(offset) >= pending.size()) continue;
      const size_t index = pending[static_cast<size_t>(offset)];
      const int64_t pk = PgInt(inserted.get(), r, 0);
      min_pk = min_pk == 0 ? pk : std::min(min_pk, pk);
      max_pk = std::max(max_pk, pk);
      const NewObject& o = batch[index];
      outcomes[index] = InsertOutcome::kAdded;
      for (const auto& ob : o.observables) {
        obs_pk.Int(pk);
        obs_kind.Text(ob.kind);
        obs_value.Text(ob.value);
      }
      for (int64_t user : o.red_recipients) {
        red_pk.Int(pk);
        red_user.Int(user);
      }
    }
    if (!obs_pk.empty()) {
      ECRN_TRY(conn.Exec(
          "INSERT INTO observables (object_pk, kind, value) "
          "SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
          PgParams().Text(obs_pk.Take()).Text(obs_kind.Take()).Text(obs_value.Take())));
    }
    if (!red_pk.empty()) {
      auto res = conn.Exec(
          "INSERT INTO red_recipients (object_pk, user_id) "
          "SELECT * FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING",
          PgParams().Text(red_pk.Take()).Text(red_user.Take()));
      if (!res.ok()) {
        return Explain(conn, std::move(res).error(), kForeignKeyViolation, ErrorCode::kNotFound,
                       "a RED recipient is not a known user");
      }
    }
    return Ok();
  }

  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<IncidentStore> incidents_;  // on pool_

  friend class PgObjectFeed;
};

// LISTENs on a connection of its own; each notification names the pk range
// of one commit, which is then read. A range may include rows of another
// commit (pks interleave between concurrent transactions); `seen_` drops
// those repeats.
class PgObjectFeed final : public ObjectFeed {
 public:
  PgObjectFeed(PostgresStore& store, std::unique_ptr<PgConnection> conn)
      : store_(store), conn_(std::move(conn)) {}

  Result<std::vector<StoredObject>> Next(std::chrono::milliseconds timeout, size_t limit) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<StoredObject> out;
    for (;;) {
      while (!pending_.empty() && out.size() < limit) {
        out.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      if (!out.empty()) return out;
      ECRN_ASSIGN_OR_RETURN(auto payloads, conn_->TakeNotifications());
      for (const auto& p : payloads) {
        int64_t low = 0, high = 0;
        if (std::sscanf(p.c_str(), "%" SCNd64 "-%" SCNd64, &low, &high) != 2) continue;
        ECRN_ASSIGN_OR_RETURN(auto rows, store_.RowsBetween(low, high));
        for (auto& r : rows) {
          if (!seen_.insert(r.pk).second) continue;
          seen_order_.push_back(r.pk);
          pending_.push_back(std::move(r));
        }
        while (seen_order_.size() > kRemember) {
          seen_.erase(seen_order_.front());
          seen_order_.pop_front();
        }
      }
      if (!pending_.empty()) continue;
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return out;
      pollfd fd{conn_->Socket(), POLLIN, 0};
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
      if (poll(&fd, 1, static_cast<int>(wait.count()) + 1) < 0 && errno != EINTR) {
        return Error{ErrorCode::kUnavailable, "cannot wait for database notifications", {}};
      }
    }
  }

 private:
  static constexpr size_t kRemember = 100'000;
  PostgresStore& store_;
  std::unique_ptr<PgConnection> conn_;
  std::deque<StoredObject> pending_;
  std::unordered_set<int64_t> seen_;
  std::deque<int64_t> seen_order_;
};

Result<std::unique_ptr<ObjectFeed>> PostgresStore::OpenObjectFeed() {
  ECRN_ASSIGN_OR_RETURN(auto conn, pool_->OpenDedicated());
  ECRN_TRY(conn->ExecScript((std::string("LISTEN ") + kObjectChannel).c_str()));
  return std::unique_ptr<ObjectFeed>(std::make_unique<PgObjectFeed>(*this, std::move(conn)));
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view uri,
                                                 const StoreOptions& options) {
  ECRN_ASSIGN_OR_RETURN(auto pool, PgPool::Open(uri, options.pool_size, options.busy_timeout_ms));
  return std::unique_ptr<Store>(std::make_unique<PostgresStore>(std::move(pool)));
}

}  // namespace ecrn::store
