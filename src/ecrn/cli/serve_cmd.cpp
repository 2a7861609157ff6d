// `ecrn serve`: opens and migrates the database, wires the router to the
// store, and runs the HTTP(S) server until SIGTERM/SIGINT. Logs (one JSON
// object per line by default, including one access-log line per request) go
// to stderr; stdout carries only the "listening on" line.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/fmt/fmt.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/metrics.hpp"
#include "ecrn/http/rest.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/http/server.hpp"
#include "ecrn/http/service_routes.hpp"
#include "ecrn/http/static_files.hpp"
#include "ecrn/http/stream.hpp"
#include "ecrn/http/taxii.hpp"
#include "ecrn/notify/clock_warnings.hpp"
#include "ecrn/notify/dispatcher.hpp"
#include "ecrn/notify/notification_events.hpp"
#include "ecrn/notify/object_events.hpp"
#include "ecrn/notify/smtp.hpp"
#include "ecrn/notify/store_queue.hpp"
#include "ecrn/notify/webhook.hpp"

namespace ecrn::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8443";
  std::string web_root;  // the built front end (web/dist); empty: placeholder page
  int threads = 2;
  bool insecure_http = false;
  bool verbose = false;
  std::string tls_cert;
  std::string tls_key;
  std::string metrics_token;
  std::string log_format = "json";
  int stream_recheck_ms = 5000;
  int auth_cache_ms = 1000;
  // Outgoing e-mail (docs/notifications.md); no --smtp-url: e-mail
  // deliveries are given up with a reason, webhooks still go out.
  std::string smtp_url;
  std::string smtp_from;
  std::string smtp_from_name = "ECRN";
  std::string smtp_user;
  int smtp_timeout_s = 30;
  std::string smtp_starttls = "required";
  std::string smtp_ca_file;
  bool no_deliveries = false;
  // Reporting-clock warnings (notify/clock_warnings.hpp).
  int clock_interval_ms = 30'000;
  bool no_clock_warnings = false;
};

spdlog::level::level_enum ToSpdlog(http::LogLevel level) {
  switch (level) {
    case http::LogLevel::kDebug:
      return spdlog::level::debug;
    case http::LogLevel::kInfo:
      return spdlog::level::info;
    case http::LogLevel::kWarning:
      return spdlog::level::warn;
    case http::LogLevel::kError:
      break;
  }
  return spdlog::level::err;
}

// Formats log lines as JSON objects ({"time","level",...fields}) or as text.
class LogFormat {
 public:
  LogFormat(std::shared_ptr<spdlog::logger> logger, bool json)
      : logger_(std::move(logger)), json_(json) {
    if (json_) {
      logger_->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                           spdlog::pattern_time_type::utc);
    } else {
      logger_->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    }
  }

  void Message(spdlog::level::level_enum level, const std::string& message) const {
    if (!logger_->should_log(level)) return;
    if (json_) {
      boost::json::object fields;
      fields["msg"] = message;
      logger_->log(level, "{}", Members(fields));
    } else {
      logger_->log(level, "{}", message);
    }
  }

  void Access(const http::AccessRecord& r) const {
    if (json_) {
      // Written directly (no JSON object per request: this runs for every
      // request); the same members, in the same order, as Message's objects.
      std::string line = R"("type":"access","request_id":)";
      line.reserve(256);
      AppendJsonString(line, r.request_id);
      line += R"(,"remote":)";
      AppendJsonString(line, r.remote_address);
      line += R"(,"method":)";
      AppendJsonString(line, r.method);
      line += R"(,"route":)";
      AppendJsonString(line, r.route);
      // Fixed-point milliseconds (Boost.JSON would write 1.2345E0).
      fmt::format_to(std::back_inserter(line),
                     R"(,"status":{},"bytes_out":{},"tls":{}{},"duration_ms":{:.3f})", r.status,
                     r.bytes_out, r.secure, r.streamed ? R"(,"streamed":true)" : "",
                     static_cast<double>(r.duration.count()) / 1000.0);
      logger_->info(line);
    } else {
      logger_->info("access {} {} {} {} {} {:.3f}ms {}B{}", r.request_id, r.remote_address,
                    r.method, r.route, r.status, static_cast<double>(r.duration.count()) / 1000.0,
                    r.bytes_out, r.streamed ? " streamed" : "");
    }
  }

  http::LogSink Sink() const {
    return [this](http::LogLevel level, const std::string& message) {
      Message(ToSpdlog(level), message);
    };
  }

 private:
  // Appends `text` as a JSON string (quoted and escaped).
  static void AppendJsonString(std::string& out, std::string_view text) {
    const bool plain = std::none_of(text.begin(), text.end(), [](char c) {
      return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 ||
             static_cast<unsigned char>(c) >= 0x7f;
    });
    if (plain) {
      out += '"';
      out += text;
      out += '"';
    } else {
      out += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
    }
  }

  // The object's members without the braces, to follow the pattern's fields.
  static std::string Members(const boost::json::object& fields) {
    std::string text = boost::json::serialize(fields);
    return text.substr(1, text.size() - 2);
  }

  std::shared_ptr<spdlog::logger> logger_;
  bool json_;
};

// Logs go to stderr: stdout carries only the "listening on" line.
std::shared_ptr<spdlog::logger> StderrLogger(bool verbose) {
  auto logger = spdlog::get("ecrn");
  if (!logger) logger = spdlog::stderr_logger_mt("ecrn");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  return logger;
}

int Serve(const Context& ctx, const ServeArgs& args) {
  auto listen = http::ParseListenAddress(args.listen);
  if (!listen) return Fail(listen.error(), kExitUsage);
  const bool tls = !args.tls_cert.empty() || !args.tls_key.empty();
  if (!tls && !listen->loopback && !args.insecure_http) {
    return Fail("refusing to serve plain HTTP on non-loopback address " + listen->host +
                    "; give --tls-cert and --tls-key, listen on 127.0.0.1 or ::1, or pass "
                    "--insecure-http to accept the risk",
                kExitUsage);
  }
  if (args.threads < 1 || args.threads > 256) return Fail("--threads must be 1-256", kExitUsage);

  LogFormat log_format(StderrLogger(args.verbose), args.log_format == "json");
  auto log = log_format.Sink();
  http::Metrics metrics;
  http::Router router(log);

  http::ServerOptions options;
  options.listen = *listen;
  options.io_threads = args.threads;
  options.tls_cert_file = args.tls_cert;
  options.tls_key_file = args.tls_key;
  options.metrics = &metrics;
  options.access_log = [&log_format](const http::AccessRecord& r) { log_format.Access(r); };
  options.log = log;
  // Listen first: a bad certificate or a busy port fails before the database
  // is touched. Routes are added below, before Run serves anything.
  http::Server server(router, options);
  if (auto r = server.Listen(); !r) {
    return Fail(r.error(),
                r.error().code == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailed);
  }

  auto db = OpenDatabase(ctx);
  if (!db) return Fail(db.error());
  // Every route writes through `watched`, so the principal cache forgets a
  // caller as soon as a change to rights is made through this server.
  store::RightsWatchingStore watched(**db);
  store::Store& store = watched;

  // The key of TAXII `next` tokens: one per database, so every server on it
  // accepts the tokens of the others.
  auto paging_secret = store.ServerSecret("taxii-paging", RandomToken(32));
  if (!paging_secret) return Fail(paging_secret.error());

  SystemClock clock;
  http::AuthOptions auth_options;
  auth_options.principal_cache_ttl = int64_t{args.auth_cache_ms} * 1000;
  http::Authenticator auth(watched, clock, auth_options);
  std::optional<http::StaticFiles> web;
  if (!args.web_root.empty()) {
    auto files = http::StaticFiles::Open(args.web_root, log);
    if (files) {
      web = std::move(*files);
    } else {
      log_format.Message(spdlog::level::warn,
                         files.error().message +
                             "; serving the placeholder page at / (build the front end: make run)");
    }
  }
  http::AddServiceRoutes(router, store, log, /*home_page=*/!web);
  http::AddTaxiiRoutes(router, store, auth, clock, *paging_secret, {}, log);
  http::AddRestRoutes(router, store, auth, clock, *paging_secret, log);
  // Live events: versions committed by this or any other server on the database.
  notify::ObjectEvents events(store,
                              [log](const std::string& m) { log(http::LogLevel::kWarning, m); });
  // In-app notifications added by this or any other server, for the stream.
  notify::NotificationEvents notifications(
      store, {}, [log](const std::string& m) { log(http::LogLevel::kWarning, m); });
  notifications.Start();
  http::Counter& streamed =
      metrics.AddCounter("ecrn_events_streamed_total", "Live events written to SSE clients.");
  http::StreamOptions stream_options;
  stream_options.recheck_every = int64_t{args.stream_recheck_ms} * 1000;
  stream_options.on_sent = [&streamed] { streamed.Increment(); };
  stream_options.on_error = [log](const std::string& m) { log(http::LogLevel::kWarning, m); };
  stream_options.notifications = &notifications;
  http::AddStreamRoute(router, store, auth, events, std::move(stream_options));
  http::AddMetricsRoute(router, metrics, args.metrics_token);
  // Outgoing notifications: one worker per server takes due deliveries from
  // the database's queue (claims with leases, so servers never send one twice).
  notify::StoreDeliveryQueue delivery_queue(store.Incidents());
  auto dispatch_log = [log](notify::LogLevel level, const std::string& m) {
    log(level == notify::LogLevel::kError     ? http::LogLevel::kError
        : level == notify::LogLevel::kWarning ? http::LogLevel::kWarning
                                              : http::LogLevel::kInfo,
        "notify: " + m);
  };
  // The senders outlive the dispatcher that uses them (declared first).
  notify::WebhookSender webhooks(notify::StoreWebhookSecrets(store.Incidents()), clock);
  std::unique_ptr<notify::SmtpSender> mail;
  if (!args.smtp_url.empty()) {
    notify::SmtpConfig smtp;
    smtp.url = args.smtp_url;
    smtp.from = args.smtp_from;
    smtp.from_name = args.smtp_from_name;
    smtp.username = args.smtp_user;
    if (const char* password = std::getenv("ECRN_SMTP_PASSWORD")) smtp.password = password;
    smtp.timeout = std::chrono::seconds(args.smtp_timeout_s);
    smtp.ca_file = args.smtp_ca_file;
    auto starttls = notify::ParseStartTls(args.smtp_starttls);
    if (!starttls) return Fail(starttls.error(), kExitUsage);
    smtp.starttls = *starttls;
    auto sender = notify::SmtpSender::Create(smtp, clock);
    if (!sender) return Fail(sender.error(), kExitUsage);
    mail = std::move(*sender);
  }
  notify::Dispatcher dispatcher(delivery_queue, clock, {}, dispatch_log);
  dispatcher.SetSender(std::string(notify::kChannelWebhook), webhooks);
  if (mail) dispatcher.SetSender(std::string(notify::kChannelEmail), *mail);
  if (!args.no_deliveries) dispatcher.Start();
  // Reporting-clock warnings: every server looks; each warning's key is
  // claimed on the database, so only one of them sends it.
  notify::ClockWarningOptions clock_options;
  clock_options.interval = std::chrono::milliseconds(args.clock_interval_ms);
  notify::ClockWarnings clock_warnings(store, clock, clock_options, dispatch_log);
  if (!args.no_clock_warnings) clock_warnings.Start();
  metrics.AddGauge("ecrn_objects_stored", "STIX object versions stored, over all channels.",
                   [&store, log] {
                     auto count = store.CountObjects(std::nullopt);
                     if (!count) {
                       log(http::LogLevel::kWarning,
                           "metrics: cannot count objects: " + count.error().ToString());
                       return std::numeric_limits<double>::quiet_NaN();
                     }
                     return static_cast<double>(*count);
                   });
  if (web) {
    log_format.Message(spdlog::level::info,
                       "serving the web front end from " + web->root().string());
    http::AddStaticFileRoutes(router, std::move(*web));
  }

  std::string host =
      listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::string url =
      (server.secure() ? "https://" : "http://") + host + ":" + std::to_string(server.port());
  std::cout << "listening on " << url << std::endl;
  log_format.Message(spdlog::level::info,
                     "serving " + std::string(store.Backend()) + " database " + ctx.db + " on " +
                         url + (tls || listen->loopback ? "" : " (plain HTTP: --insecure-http)"));
  server.Run();
  log_format.Message(spdlog::level::info, "stopped");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, Context& ctx) {
  auto* serve = app.add_subcommand("serve", "Run the ECRN hub (HTTP API and web UI)");
  AddDbOption(serve, ctx);
  auto args = std::make_shared<ServeArgs>();
  serve->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--web-root", args->web_root,
                    "Directory of the built web front end (web/dist) served at /; when missing, "
                    "/ is a placeholder page");
  serve->add_option("--threads", args->threads, "Network I/O threads")->capture_default_str();
  serve
      ->add_option("--stream-recheck-ms", args->stream_recheck_ms,
                   "How old an open live stream's view of its caller's rights may get before "
                   "the next event re-reads them (a revoked key or ended session ends the "
                   "stream); 0: before every event")
      ->check(CLI::Range(0, 3'600'000))
      ->capture_default_str();
  serve
      ->add_option("--auth-cache-ms", args->auth_cache_ms,
                   "How long a caller resolved from an API key or HTTP Basic credentials is "
                   "remembered (no database query while remembered). Changes made through this "
                   "server (revoked key, changed membership, password or user) apply at once; "
                   "changes made by the ecrn CLI or another server on the database apply within "
                   "this time; an API key's expiry is always exact. 0: never remembered")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  serve->add_option("--tls-cert", args->tls_cert,
                    "PEM certificate chain: serve HTTPS (TLS 1.2+) with --tls-key");
  serve->add_option("--tls-key", args->tls_key, "PEM private key of --tls-cert");
  serve->add_flag("--insecure-http", args->insecure_http,
                  "Allow plain HTTP (no TLS) on a non-loopback address");
  serve
      ->add_option("--metrics-token", args->metrics_token,
                   "Bearer token that /metrics requires (else it answers loopback peers only)")
      ->envname("ECRN_METRICS_TOKEN");
  serve->add_option("--log-format", args->log_format, "Log lines on stderr: json or text")
      ->check(CLI::IsMember({"json", "text"}))
      ->capture_default_str();
  serve->add_option(
      "--smtp-url", args->smtp_url,
      "SMTP relay for e-mail notifications: smtp://host[:port] or smtps://host[:port]");
  serve->add_option("--smtp-from", args->smtp_from, "From address of notification e-mail");
  serve->add_option("--smtp-from-name", args->smtp_from_name, "Display name in From")
      ->capture_default_str();
  serve->add_option("--smtp-user", args->smtp_user,
                    "SMTP AUTH user name (password from ECRN_SMTP_PASSWORD)");
  serve
      ->add_option("--smtp-timeout", args->smtp_timeout_s,
                   "Seconds for connecting to the SMTP relay and for the whole exchange")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  serve
      ->add_option("--smtp-starttls", args->smtp_starttls,
                   "STARTTLS: required, opportunistic or off")
      ->check(CLI::IsMember({"required", "opportunistic", "off"}))
      ->capture_default_str();
  serve->add_option("--smtp-ca-file", args->smtp_ca_file,
                    "PEM certificate authorities to trust for the SMTP relay");
  serve->add_flag("--no-deliveries", args->no_deliveries,
                  "Do not send queued e-mail and webhook notifications from this server");
  serve
      ->add_option("--clock-interval-ms", args->clock_interval_ms,
                   "How often this server looks for reporting-clock warnings that are due "
                   "(a warning goes out at most this long after it is due)")
      ->check(CLI::Range(10, 3'600'000))
      ->capture_default_str();
  serve->add_flag("--no-clock-warnings", args->no_clock_warnings,
                  "Do not look for due reporting-clock warnings on this server");
  serve->add_flag("-v,--verbose", args->verbose, "Debug logging (to stderr)");
  serve->callback([&ctx, args]() { ctx.action = [&ctx, args]() { return Serve(ctx, *args); }; });
}

}  // namespace ecrn::cli
