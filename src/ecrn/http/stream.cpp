#include "ecrn/http/stream.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "ecrn/intel/read.hpp"
#include "ecrn/intel/sightings.hpp"
#include "ecrn/notify/notices.hpp"
#include "ecrn/policy/policy.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::http {
namespace {

namespace json = boost::json;

// Events replayed after a Last-Event-ID at most: when more were missed, the
// newest are replayed and the older ones skipped (a client that was away that
// long reloads its list anyway).
constexpr size_t kMaxReplay = 1000;

std::string EventText(const store::StoredObject& o, const std::string& channel_name) {
  json::object data;
  data["id"] = o.stix_id;
  data["type"] = o.type;
  std::string name = intel::NameOf(o);
  data["name"] = name.empty() ? json::value(nullptr) : json::value(name);
  data["tlp"] = o.tlp.empty() ? "amber" : o.tlp;
  data["channel"] = json::object{{"id", o.channel_id}, {"name", channel_name}};
  data["date_added"] = FormatTimestamp(o.date_added, 6);
  return "id: " + std::to_string(o.pk) + "\nevent: object\ndata: " + json::serialize(data) + "\n\n";
}

// Alert events carry no `id:` line, so the browser's Last-Event-ID stays
// the last object event's pk (alerts are not replayed; the dashboard reads
// GET /api/v1/alerts on (re)connect).
std::string AlertText(const intel::MultiOrgAlert& a) {
  return "event: alert\ndata: " + json::serialize(intel::AlertJson(a)) + "\n\n";
}

// Notification events carry no `id:` line either: Last-Event-ID stays the
// object events' resume point, and notifications resume by their own id
// (`?notifications_after=`), which the data carries.
std::string NotificationText(const store::Notification& n) {
  return "event: notification\ndata: " + json::serialize(notify::NotificationJson(n)) + "\n\n";
}

// The arrival context of the sighting version the bus is handing out,
// loaded once for all streams: the bus calls every sink for one row before
// the next, on its one thread.
class ArrivalCache {
 public:
  std::shared_ptr<const intel::ArrivalContext> For(
      store::Store& store, const store::StoredObject& row, const std::vector<int64_t>& recipients,
      const std::function<void(const std::string&)>& on_error) {
    std::lock_guard lock(mu_);
    if (pk_ == row.pk) return context_;
    pk_ = row.pk;
    context_.reset();
    auto loaded = intel::ArrivalContext::Load(store, row, recipients);
    if (!loaded.ok()) {
      if (on_error) {
        on_error("live alerts: sightings of " + row.stix_id +
                 " could not be read: " + loaded.error().ToString());
      }
    } else if (*loaded) {
      context_ = std::make_shared<const intel::ArrivalContext>(std::move(**loaded));
    }
    return context_;
  }

 private:
  std::mutex mu_;
  int64_t pk_ = 0;                                        // guarded by mu_
  std::shared_ptr<const intel::ArrivalContext> context_;  // guarded by mu_
};

// The alerts one stream has sent: per sighted object, the highest N and
// when. An alert is sent only for a higher N than the last one sent for the
// object within the window, so one stream never repeats itself.
class SentAlerts {
 public:
  // True (and recorded) when `a` at time `now` is news to this stream.
  bool Claim(const intel::MultiOrgAlert& a, Micros now) {
    std::lock_guard lock(mu_);
    if (sent_.size() > kMaxRemembered) {
      std::erase_if(sent_,
                    [now](const auto& e) { return !intel::InAlertWindow(e.second.at, now); });
    }
    auto& last = sent_[a.object_id];
    if (intel::InAlertWindow(last.at, now) && last.n >= a.organisations.size()) return false;
    last = {a.organisations.size(), now};
    return true;
  }

 private:
  static constexpr size_t kMaxRemembered = 10'000;
  struct Last {
    size_t n = 0;
    Micros at = std::numeric_limits<Micros>::min() / 2;
  };
  std::mutex mu_;
  std::map<std::string, Last> sent_;  // guarded by mu_
};

// One client's stream: events are queued until the server hands over the
// writer, and replayed rows are not sent twice. The caller's rights are
// re-read from the request's credentials when older than the recheck period.
struct Session {
  std::mutex mu;
  std::shared_ptr<StreamWriter> writer;  // guarded by mu
  std::vector<std::string> queued;       // guarded by mu, before the writer exists
  std::set<int64_t> replayed;            // guarded by mu: pks sent in the replay
  std::set<int64_t> notified;            // guarded by mu: notification ids sent
  bool closed = false;                   // guarded by mu
  SentAlerts alerts;

  std::mutex rights_mu;
  Request credentials;                               // the request's headers only
  policy::Principal principal;                       // guarded by rights_mu
  std::chrono::steady_clock::time_point checked_at;  // guarded by rights_mu

  // The caller's principal, re-read when older than `recheck_every`;
  // nullopt once the credentials no longer authenticate (session ended, key
  // revoked, user disabled).
  std::optional<policy::Principal> Rights(Authenticator& auth, Micros recheck_every) {
    std::lock_guard lock(rights_mu);
    const auto now = std::chrono::steady_clock::now();
    if (now - checked_at >= std::chrono::microseconds(recheck_every)) {
      // Not from the principal cache: this check is what --stream-recheck-ms bounds.
      auto who = auth.Identify(credentials, Freshness::kFromStore);
      if (!who.ok() || !*who) return std::nullopt;
      principal = (*who)->principal;
      checked_at = now;
    }
    return principal;
  }

  // Ends the response (now, or as soon as the server hands over the writer).
  void End() {
    std::lock_guard lock(mu);
    closed = true;
    queued.clear();
    if (writer) writer->Close();
  }

  bool WasReplayed(int64_t pk) {
    std::lock_guard lock(mu);
    return replayed.count(pk) > 0;
  }
  void MarkReplayed(int64_t pk) {
    std::lock_guard lock(mu);
    replayed.insert(pk);
  }

  // True (and recorded) the first time notification `id` is to be sent.
  bool FirstNotice(int64_t id) {
    std::lock_guard lock(mu);
    return notified.insert(id).second;
  }
  // True once the stream has ended or the client is gone.
  bool Gone() {
    std::lock_guard lock(mu);
    return closed || (writer && !writer->IsOpen());
  }

  // False once the client is gone.
  bool Send(std::string text) {
    std::lock_guard lock(mu);
    if (closed) return false;
    if (!writer) {
      queued.push_back(std::move(text));
      return queued.size() < 10'000;
    }
    if (!writer->Write(std::move(text))) closed = true;
    return !closed;
  }
};

}  // namespace

void AddStreamRoute(Router& router, store::Store& store, Authenticator& auth,
                    notify::ObjectEvents& events, StreamOptions options) {
  auto arrivals = std::make_shared<ArrivalCache>();
  router.Add(
      "GET", "/api/v1/stream",
      [&store, &auth, &events, arrivals, options](const RouteContext& ctx) {
        auto who = auth.Identify(ctx.request);
        if (!who.ok() || !*who) {
          Response r = ErrorResponse(
              who.ok() ? Error{ErrorCode::kUnauthenticated, "log in first", {}} : who.error());
          if (r.status == 401) r.SetHeader("WWW-Authenticate", "Bearer realm=\"ECRN\"");
          return r;
        }
        const policy::Principal principal = (*who)->principal;
        auto channels = store.ListChannels();
        if (!channels.ok()) return ErrorResponse(channels.error());
        auto names = std::make_shared<std::map<int64_t, std::string>>();
        for (const auto& c : *channels) (*names)[c.id] = c.name;

        auto session = std::make_shared<Session>();
        session->credentials.method = ctx.request.method;
        session->credentials.headers = ctx.request.headers;
        session->credentials.secure = ctx.request.secure;
        session->credentials.remote_address = ctx.request.remote_address;
        session->credentials.request_id = ctx.request.request_id;
        session->principal = principal;
        session->checked_at = std::chrono::steady_clock::now();
        // Subscribe before the replay query so nothing committed in between is lost.
        const int64_t sub = events.Subscribe(
            [session, names, &store, &auth, arrivals, options](
                const store::StoredObject& o, const std::vector<int64_t>& recipients) {
              if (session->WasReplayed(o.pk)) return true;
              auto rights = session->Rights(auth, options.recheck_every);
              if (!rights) {
                session->End();
                return false;
              }
              const stix::Tlp tlp = stix::TlpFromName(o.tlp).value_or(stix::Tlp::kAmber);
              if (!policy::CanRead(*rights, {o.channel_id, tlp, recipients})) return true;
              // A RED version is delivered only once its read is recorded (a
              // short write on the bus thread; RED is rare). When that fails the
              // stream ends, and the client's reconnect (with Last-Event-ID)
              // replays it.
              if (!auth.Audit()
                       .RecordRedReads(session->credentials, *rights, std::span(&o, 1), "stream",
                                       o.stix_id)
                       .ok()) {
                session->End();
                return false;
              }
              auto it = names->find(o.channel_id);
              bool open = session->Send(EventText(o, it == names->end() ? "" : it->second));
              if (open && options.on_sent) options.on_sent();
              if (!open || o.type != "sighting") return open;
              // The alert, if this sighting raises one for this reader (computed
              // over what they may read only).
              auto arrival = arrivals->For(store, o, recipients, options.on_error);
              auto alert = arrival ? arrival->AlertFor(*rights) : std::nullopt;
              if (alert && session->alerts.Claim(*alert, o.date_added)) {
                open = session->Send(AlertText(*alert));
                if (open && options.on_sent) options.on_sent();
              }
              return open;
            });

        // The caller's notifications, from the bus (added by any server).
        auto* notices = options.notifications;
        std::optional<int64_t> notices_after;
        for (const auto& [key, value] : ctx.query) {
          if (key != "notifications_after") continue;
          int64_t id = 0;
          auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), id);
          if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || id < 0) {
            events.Unsubscribe(sub);
            return ErrorResponse(Error::Invalid("notifications_after: a notification id"));
          }
          notices_after = id;
        }
        const int64_t notice_sub =
            !notices ? 0
                     : notices->Subscribe([session, &auth, options,
                                           user = principal.user_id](const store::Notification& n) {
                         if (session->Gone()) return false;
                         if (n.user_id != user || !session->FirstNotice(n.id)) return true;
                         // Ended like the object events when the caller no
                         // longer authenticates (disabled, key revoked).
                         if (!session->Rights(auth, options.recheck_every)) {
                           session->End();
                           return false;
                         }
                         bool open = session->Send(NotificationText(n));
                         if (open && options.on_sent) options.on_sent();
                         return open;
                       });
        auto unsubscribe = [&events, sub, notices, notice_sub] {
          events.Unsubscribe(sub);
          if (notices) notices->Unsubscribe(notice_sub);
        };

        std::string replay;
        auto last = ctx.request.Header("Last-Event-ID");
        int64_t last_id = 0;
        if (last &&
            std::from_chars(last->data(), last->data() + last->size(), last_id).ec == std::errc()) {
          store::ObjectQuery q;
          q.visible_to = policy::VisibilityFor(principal);
          q.all_versions = true;
          q.pk_above = last_id;
          q.newest_first = true;
          q.limit = kMaxReplay;
          auto rows = store.QueryObjects(q);
          if (rows.ok()) rows = intel::KeepReadable(store, principal, std::move(rows).value());
          if (!rows.ok()) {
            unsubscribe();
            return ErrorResponse(rows.error());
          }
          // In commit order, so the last id the client sees is the newest.
          std::sort(rows->begin(), rows->end(),
                    [](const auto& a, const auto& b) { return a.pk < b.pk; });
          if (auto recorded =
                  auth.Audit().RecordRedReads(ctx.request, principal, *rows, "stream", "stream");
              !recorded.ok()) {
            unsubscribe();
            return ErrorResponse(recorded.error());
          }
          for (const auto& o : *rows) {
            session->MarkReplayed(o.pk);
            auto it = names->find(o.channel_id);
            replay += EventText(o, it == names->end() ? "" : it->second);
          }
        }

        if (notices && notices_after) {
          // The caller's notifications after the one they saw last, oldest first.
          auto missed = store.Incidents().ListNotifications(principal.user_id, false,
                                                            *notices_after, kMaxReplay);
          if (!missed.ok()) {
            unsubscribe();
            return ErrorResponse(missed.error());
          }
          for (const auto& n : *missed) {
            if (session->FirstNotice(n.id)) replay += NotificationText(n);
          }
        }

        Response r =
            MakeResponse(200, "text/event-stream; charset=utf-8", ": ecrn live\n\n" + replay);
        r.SetHeader("Cache-Control", "no-store");
        r.stream = [session, unsubscribe](std::shared_ptr<StreamWriter> writer) {
          std::lock_guard lock(session->mu);
          session->writer = std::move(writer);
          for (auto& text : session->queued) {
            if (!session->writer->Write(std::move(text))) session->closed = true;
          }
          session->queued.clear();
          if (session->closed) {
            session->writer->Close();
            unsubscribe();
          }
        };
        return r;
      });
}

}  // namespace ecrn::http
