// `ecrn serve`: opens and migrates the database, wires the router to the
// store, and runs the HTTP server until SIGTERM/SIGINT.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/http/rest.hpp"
#include "ecrn/http/router.hpp"
#include "ecrn/http/server.hpp"
#include "ecrn/http/service_routes.hpp"
#include "ecrn/http/static_files.hpp"
#include "ecrn/http/taxii.hpp"

namespace ecrn::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8443";
  std::string web_root;  // the built front end (web/dist); empty: placeholder page
  int threads = 2;
  bool insecure_http = false;
  bool verbose = false;
};

// Logs go to stderr: stdout carries only the "listening on" line.
std::shared_ptr<spdlog::logger> StderrLogger(bool verbose) {
  auto logger = spdlog::get("ecrn");
  if (!logger) logger = spdlog::stderr_logger_mt("ecrn");
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  return logger;
}

http::LogSink SinkFor(const std::shared_ptr<spdlog::logger>& logger) {
  return [logger](http::LogLevel level, const std::string& message) {
    switch (level) {
      case http::LogLevel::kDebug:
        logger->debug("{}", message);
        break;
      case http::LogLevel::kInfo:
        logger->info("{}", message);
        break;
      case http::LogLevel::kWarning:
        logger->warn("{}", message);
        break;
      case http::LogLevel::kError:
        logger->error("{}", message);
        break;
    }
  };
}

int Serve(const Context& ctx, const ServeArgs& args) {
  auto listen = http::ParseListenAddress(args.listen);
  if (!listen) return Fail(listen.error(), kExitUsage);
  if (!listen->loopback && !args.insecure_http) {
    return Fail("refusing to serve plain HTTP on non-loopback address " + listen->host +
                    "; listen on 127.0.0.1 or ::1, or pass --insecure-http to accept the risk",
                kExitUsage);
  }
  if (args.threads < 1 || args.threads > 256) return Fail("--threads must be 1-256", kExitUsage);

  auto logger = StderrLogger(args.verbose);
  auto log = SinkFor(logger);
  auto db = OpenDatabase(ctx);
  if (!db) return Fail(db.error());
  store::Store& store = **db;

  // The key of TAXII `next` tokens: one per database, so every server on it
  // accepts the tokens of the others.
  auto paging_secret = store.ServerSecret("taxii-paging", RandomToken(32));
  if (!paging_secret) return Fail(paging_secret.error());

  SystemClock clock;
  http::Authenticator auth(store, clock);
  http::Router router(log);
  std::optional<http::StaticFiles> web;
  if (!args.web_root.empty()) {
    auto files = http::StaticFiles::Open(args.web_root, log);
    if (files) {
      web = std::move(*files);
    } else {
      logger->warn("{}; serving the placeholder page at / (build the front end: make run)",
                   files.error().message);
    }
  }
  http::AddServiceRoutes(router, store, log, /*home_page=*/!web);
  http::AddTaxiiRoutes(router, store, auth, clock, *paging_secret, {}, log);
  http::AddRestRoutes(router, store, auth, clock, *paging_secret, log);
  if (web) {
    logger->info("serving the web front end from {}", web->root().string());
    http::AddStaticFileRoutes(router, std::move(*web));
  }

  http::ServerOptions options;
  options.listen = *listen;
  options.io_threads = args.threads;
  options.log = log;
  http::Server server(router, options);
  if (auto r = server.Listen(); !r) return Fail(r.error());

  std::string host =
      listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::cout << "listening on http://" << host << ":" << server.port() << std::endl;
  logger->info("serving {} database {} on {}:{}{}", store.Backend(), ctx.db, host, server.port(),
               listen->loopback ? "" : " (plain HTTP: --insecure-http)");
  server.Run();
  logger->info("stopped");
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
  serve->add_flag("--insecure-http", args->insecure_http,
                  "Allow plain HTTP on a non-loopback address (no TLS yet)");
  serve->add_flag("-v,--verbose", args->verbose, "Log every request (to stderr)");
  serve->callback([&ctx, args]() { ctx.action = [&ctx, args]() { return Serve(ctx, *args); }; });
}

}  // namespace ecrn::cli
