// `ecrn scan`: the sensor. Reads logs (files, stdin, or followed like
// `tail -F`), matches them against indicators (a STIX bundle with
// --indicators, or pulled from a hub with --hub/--api-key and refreshed while
// following), prints one JSON line per match on stdout and a summary on
// stderr, and with a hub posts what it saw as STIX sightings, surviving
// outages and restarts without losing or repeating a sighting (the state
// directory, scan/sensor_state.hpp).
//
// Threads: the reading thread (and, with --threads, parse workers) matches
// and counts; with a hub, one hub thread pulls indicators, swaps the matcher,
// seals counts into batches, saves the state and sends. The shared state is
// under one mutex.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>
#include <pthread.h>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/net/http_client.hpp"
#include "ecrn/net/taxii_client.hpp"
#include "ecrn/scan/hub.hpp"
#include "ecrn/scan/indicators.hpp"
#include "ecrn/scan/matcher.hpp"
#include "ecrn/scan/pipeline.hpp"
#include "ecrn/scan/sensor_state.hpp"
#include "ecrn/scan/sightings.hpp"
#include "ecrn/stix/tlp.hpp"

namespace ecrn::cli {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct ScanArgs {
  std::vector<std::string> files;
  std::string format = "auto";
  std::vector<std::string> fields;
  int syslog_year = 0;
  int threads = 1;
  bool follow = false;
  bool from_end = false;
  int poll_ms = 250;
  bool subdomains = false;
  std::string indicators;
  std::string hub;
  std::string api_key;
  std::string ca_file;
  std::string collection;
  std::string tlp = "amber";
  std::string state_dir;
  double batch_seconds = 10;
  double refresh_seconds = 300;
  bool quiet = false;
};

Micros Now() { return SystemClock().Now(); }

std::string DefaultStateDir() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::string(xdg) + "/ecrn/scan";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.local/state/ecrn/scan";
  }
  return "ecrn-scan-state";
}

void Say(const std::string& line) { std::cerr << "ecrn scan: " << line << "\n" << std::flush; }

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

// The matcher in use; the hub thread replaces it when the indicators change.
class MatcherSlot {
 public:
  void Set(std::shared_ptr<const scan::Matcher> m) {
    std::lock_guard lock(mu_);
    matcher_ = std::move(m);
    generation_.fetch_add(1, std::memory_order_release);
  }
  std::shared_ptr<const scan::Matcher> Get() const {
    std::lock_guard lock(mu_);
    return matcher_;
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const scan::Matcher> matcher_;
  std::atomic<uint64_t> generation_{0};
};

// What one chunk produced: its output lines and its counts per indicator.
struct MatchChunk : scan::ChunkOutput {
  std::string text;
  scan::SeenByIndicator seen;
  uint64_t matches = 0;
};

class MatchSink : public scan::RecordSink {
 public:
  MatchSink(const MatcherSlot& slot, bool quiet) : slot_(slot), quiet_(quiet) {
    out_ = std::make_unique<MatchChunk>();
  }

  void OnRecord(const scan::Record& record) override {
    if (record.observables.empty()) return;
    if (slot_.generation() != generation_) {
      generation_ = slot_.generation();
      matcher_ = slot_.Get();
    }
    if (!matcher_) return;
    hits_.clear();
    // Lines without a time of their own are observed "now": read the clock
    // once per 1,024 such lines (milliseconds apart at most), not per line.
    if (!record.timestamp && (now_ == 0 || (++untimed_ & 1023) == 0)) now_ = Now();
    const Micros now = now_;
    matcher_->Match(record, hits_, now);
    if (hits_.empty()) return;
    // A match is rare: give it the exact time (the cached one may be old
    // when lines arrive slowly).
    const Micros at = record.timestamp ? *record.timestamp : (now_ = Now());
    const auto& set = matcher_->indicators();
    for (const auto& hit : hits_) {
      if (auto from = set.ValidFrom(hit.indicator); from && at < *from) continue;
      if (auto until = set.ValidUntil(hit.indicator); until && at >= *until) continue;
      std::string id = set.Id(hit.indicator);
      ++out_->matches;
      if (!quiet_) {
        json::object line;
        line["indicator"] = id;
        line["name"] = set.Name(hit.indicator);
        line["type"] = scan::ScoTypeOf(hit.observable.kind);
        line["value"] = hit.observable.value;
        line["source"] = record.source;
        line["line"] = record.line_no;
        if (record.timestamp) line["timestamp"] = FormatTimestamp(*record.timestamp, 3);
        out_->text += json::serialize(line);
        out_->text += '\n';
      }
      out_->seen[std::move(id)].Add(at);
    }
  }

  std::unique_ptr<scan::ChunkOutput> EndChunk() override {
    if (out_->matches == 0) return nullptr;
    auto done = std::move(out_);
    out_ = std::make_unique<MatchChunk>();
    return done;
  }

 private:
  const MatcherSlot& slot_;
  bool quiet_;
  uint64_t generation_ = ~uint64_t{0};
  std::shared_ptr<const scan::Matcher> matcher_;
  std::vector<scan::Hit> hits_;
  std::unique_ptr<MatchChunk> out_;
  Micros now_ = 0;
  uint64_t untimed_ = 0;
};

// The state shared by the reading thread and the hub thread.
struct Shared {
  std::mutex mu;
  std::condition_variable wake;
  scan::SensorState state;
  bool dirty = false;  // state changed since it was last saved
  std::optional<scan::StateDir> dir;
  uint64_t matches = 0;
  scan::SeenByIndicator seen_total;  // for the summary
  uint64_t batches_sent = 0;
  uint64_t batches_rejected = 0;
  std::string last_hub_error;
};

class MatchTarget : public scan::ScanTarget {
 public:
  MatchTarget(const MatcherSlot& slot, Shared& shared, bool quiet)
      : slot_(slot), shared_(shared), quiet_(quiet) {}

  std::unique_ptr<scan::RecordSink> NewSink() override {
    return std::make_unique<MatchSink>(slot_, quiet_);
  }

  void Commit(std::unique_ptr<scan::ChunkOutput> output) override {
    auto* chunk = static_cast<MatchChunk*>(output.get());
    if (chunk == nullptr) return;
    if (!chunk->text.empty()) {
      std::fwrite(chunk->text.data(), 1, chunk->text.size(), stdout);
      std::fflush(stdout);
    }
    for (auto& [id, seen] : chunk->seen) pending_[id].Merge(seen);
    pending_matches_ += chunk->matches;
  }

  // Moves what was committed since the last call into the shared state,
  // together with where reading stands, so the two are saved as one.
  void Checkpoint(const std::map<std::string, scan::SourcePosition>* positions) {
    std::lock_guard lock(shared_.mu);
    for (auto& [id, seen] : pending_) {
      shared_.state.open[id].Merge(seen);
      shared_.seen_total[id].Merge(seen);
    }
    shared_.matches += pending_matches_;
    if (!pending_.empty() || positions != nullptr) shared_.dirty = true;
    if (positions != nullptr) shared_.state.sources = *positions;
    pending_.clear();
    pending_matches_ = 0;
  }

 private:
  const MatcherSlot& slot_;
  Shared& shared_;
  bool quiet_;
  scan::SeenByIndicator pending_;
  uint64_t pending_matches_ = 0;
};

Result<std::shared_ptr<const scan::Matcher>> BuildMatcher(scan::IndicatorSet set,
                                                          const ScanArgs& args, double seconds,
                                                          bool announce) {
  scan::MatcherOptions options;
  options.subdomains = args.subdomains;
  auto shared_set = std::make_shared<const scan::IndicatorSet>(std::move(set));
  auto matcher = std::make_shared<const scan::Matcher>(scan::Matcher::Build(shared_set, options));
  if (announce) {
    const auto& load = shared_set->stats();
    const auto& built = matcher->stats();
    char took[32];
    std::snprintf(took, sizeof took, "%.2f", seconds);
    Say("indicators: " + Thousands(load.indicators) + " loaded in " + took + " s (" +
        Thousands(built.lookups) + " as lookups, " + Thousands(built.fallback) + " evaluated, " +
        Thousands(load.rejected.size() + built.rejected.size()) + " rejected, " +
        Thousands(load.revoked) + " revoked)");
    for (size_t i = 0; i < load.rejected.size() && i < 5; ++i) {
      Say("rejected " + load.rejected[i].id + ": " + load.rejected[i].reason);
    }
  }
  return matcher;
}

// Seals the open counts into batches (under shared.mu).
void SealLocked(Shared& shared, const scan::HubFeed* feed, const std::string& fallback) {
  if (shared.state.open.empty()) return;
  auto target = [&](const std::string& id) {
    return feed != nullptr ? feed->SightingTarget(id, fallback) : fallback;
  };
  auto batches = scan::SealBatches(shared.state.open, target, shared.state.next_batch, Now());
  for (auto& b : batches) shared.state.sealed.push_back(std::move(b));
  shared.dirty = true;
}

Result<void> SaveLocked(Shared& shared) {
  if (!shared.dir || !shared.dirty) return Ok();
  ECRN_TRY(shared.dir->Save(shared.state));
  shared.dirty = false;
  return Ok();
}

// The organisation identity the key belongs to (GET /api/v1/session).
Result<std::string> KeyIdentity(const ScanArgs& args) {
  net::ClientOptions options;
  options.ca_file = args.ca_file;
  options.timeout = std::chrono::seconds(15);
  ECRN_ASSIGN_OR_RETURN(auto http, net::HttpClient::Create(args.hub, options));
  ECRN_ASSIGN_OR_RETURN(auto r, http.Send("GET", "/api/v1/session",
                                          {{"Authorization", "Bearer " + args.api_key},
                                           {"Accept", "application/json"}}));
  if (r.status == 401) {
    return Error{ErrorCode::kUnauthenticated, args.hub + " refused the API key", {}};
  }
  if (r.status != 200) {
    return Error{ErrorCode::kUnavailable,
                 args.hub + ": GET /api/v1/session answered " + std::to_string(r.status),
                 {}};
  }
  auto body = stix::ParseJson(r.body);
  if (body && body->is_object()) {
    const auto* user = body->as_object().if_contains("user");
    const auto* org =
        user != nullptr && user->is_object() ? user->as_object().if_contains("org") : nullptr;
    const auto* identity =
        org != nullptr && org->is_object() ? org->as_object().if_contains("identity_id") : nullptr;
    if (identity != nullptr && identity->is_string()) return std::string(identity->as_string());
  }
  return Error{
      ErrorCode::kUnavailable, args.hub + " did not say which organisation the key is of", {}};
}

// Everything the hub thread does. Owns the TAXII client and the feed.
class HubWorker {
 public:
  HubWorker(const ScanArgs& args, net::TaxiiClient client, scan::SightingSource source,
            MatcherSlot& slot, Shared& shared)
      : args_(args),
        client_(std::move(client)),
        feed_(client_),
        source_(std::move(source)),
        slot_(slot),
        shared_(shared) {}

  // The first pull, before reading starts.
  Result<void> Start() {
    const auto started = Clock::now();
    ECRN_TRY(feed_.Pull());
    auto fallback = feed_.FallbackCollection(args_.collection);
    if (!fallback) return std::move(fallback).error();
    fallback_ = *fallback;
    last_pull_ = Clock::now();
    return Rebuild(std::chrono::duration<double>(Clock::now() - started).count());
  }

  // Runs until `stop`; then seals, saves and makes one last attempt to send.
  void Run(std::stop_token stop) {
    auto last_seal = Clock::now();
    while (!stop.stop_requested()) {
      const auto now = Clock::now();
      if (args_.follow &&
          now - last_pull_ >= std::chrono::duration<double>(args_.refresh_seconds)) {
        Refresh();
      }
      if (now - last_seal >= std::chrono::duration<double>(args_.batch_seconds)) {
        std::lock_guard lock(shared_.mu);
        SealLocked(shared_, &feed_, fallback_);
        Report(SaveLocked(shared_));
        last_seal = now;
      }
      SendPending(stop);
      std::unique_lock lock(shared_.mu);
      shared_.wake.wait_for(lock, std::chrono::milliseconds(200),
                            [&] { return stop.stop_requested(); });
    }
  }

  // After reading ended: seal everything, save, and try to send it all
  // (giving up after `patience`; what is left waits in the state).
  void Finish(std::chrono::milliseconds patience) {
    {
      std::lock_guard lock(shared_.mu);
      SealLocked(shared_, &feed_, fallback_);
      Report(SaveLocked(shared_));
    }
    std::stop_source never;
    const auto deadline = Clock::now() + patience;
    while (Clock::now() < deadline) {
      if (!SendPending(never.get_token())) break;
    }
  }

 private:
  void Report(const Result<void>& r) {
    if (!r.ok()) Say("cannot save the sensor state: " + r.error().ToString());
  }

  Result<void> Rebuild(double pull_seconds) {
    const auto started = Clock::now();
    ECRN_ASSIGN_OR_RETURN(auto set, scan::LoadIndicators(feed_.Indicators()));
    const double seconds =
        pull_seconds + std::chrono::duration<double>(Clock::now() - started).count();
    ECRN_ASSIGN_OR_RETURN(auto matcher, BuildMatcher(std::move(set), args_, seconds, true));
    slot_.Set(std::move(matcher));
    return Ok();
  }

  void Refresh() {
    last_pull_ = Clock::now();
    auto changed = feed_.Pull();
    if (!changed) {
      NoteError("cannot refresh the indicators: " + changed.error().message);
      return;
    }
    if (*changed) {
      auto rebuilt = Rebuild(0);
      if (!rebuilt.ok()) NoteError("cannot use the new indicators: " + rebuilt.error().message);
    }
  }

  void NoteError(const std::string& message) {
    std::lock_guard lock(shared_.mu);
    if (shared_.last_hub_error != message) Say(message + " (will retry)");
    shared_.last_hub_error = message;
  }

  // Sends sealed batches, oldest first, until none is left or one fails to
  // go (the hub is unreachable). True when something was sent or dropped.
  bool SendPending(std::stop_token stop) {
    bool progressed = false;
    while (!stop.stop_requested()) {
      scan::SealedBatch batch;
      {
        std::lock_guard lock(shared_.mu);
        if (shared_.state.sealed.empty()) return progressed;
        batch = shared_.state.sealed.front();
      }
      if (Clock::now() < retry_at_) return progressed;
      auto sent = scan::SendBatch(client_, batch, source_, std::chrono::seconds(30));
      if (!sent.ok()) {
        NoteError("cannot send sightings: " + sent.error().message);
        retry_at_ = Clock::now() + backoff_;
        backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(30000));
        return progressed;
      }
      backoff_ = std::chrono::milliseconds(500);
      std::lock_guard lock(shared_.mu);
      if (!shared_.last_hub_error.empty()) {
        Say("the hub is reachable again");
        shared_.last_hub_error.clear();
      }
      if (sent->outcome == scan::SendOutcome::kRejected) {
        Say("the hub refused sightings batch " + std::to_string(batch.number) + ": " +
            sent->detail);
        ++shared_.batches_rejected;
      } else {
        ++shared_.batches_sent;
      }
      auto& sealed = shared_.state.sealed;
      for (auto it = sealed.begin(); it != sealed.end(); ++it) {
        if (it->number == batch.number) {
          sealed.erase(it);
          break;
        }
      }
      shared_.dirty = true;
      Report(SaveLocked(shared_));
      progressed = true;
    }
    return progressed;
  }

  const ScanArgs& args_;
  net::TaxiiClient client_;
  scan::HubFeed feed_;
  scan::SightingSource source_;
  MatcherSlot& slot_;
  Shared& shared_;
  std::string fallback_;
  Clock::time_point last_pull_;
  Clock::time_point retry_at_;
  std::chrono::milliseconds backoff_{500};
};

// SIGINT / SIGTERM end a follow: a thread waits for them and requests stop.
class StopOnSignal {
 public:
  explicit StopOnSignal(std::stop_source& source) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGUSR2);  // our own wake-up at the end
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, &source] {
      int sig = 0;
      if (sigwait(&set_, &sig) == 0 && sig != SIGUSR2) source.request_stop();
    });
  }
  ~StopOnSignal() {
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  sigset_t set_;
  std::thread thread_;
};

void PrintSummary(const scan::ScanSummary& summary, double seconds, const Shared& shared,
                  bool hub) {
  for (const auto& e : summary.source_errors) Say(e);
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s (%.1f MB/s)", seconds,
                seconds > 0 ? static_cast<double>(summary.bytes) / seconds / 1e6 : 0.0);
  Say(Thousands(summary.lines) + " lines (" + Thousands(summary.bytes) + " bytes) in " + rate +
      "; " + Thousands(summary.records) + " records, " + Thousands(summary.observables) +
      " observables; " + Thousands(shared.matches) + " matches of " +
      Thousands(shared.seen_total.size()) + " indicators");
  if (summary.skipped > 0) {
    std::string reasons;
    for (const auto& [reason, n] : summary.skip_reasons) {
      reasons += (reasons.empty() ? "" : "; ") + reason + ": " + Thousands(n);
    }
    Say(Thousands(summary.skipped) + " lines skipped (" + reasons + ")");
  }
  if (hub) {
    Say("sightings: " + Thousands(shared.batches_sent) + " batches sent, " +
        Thousands(shared.batches_rejected) + " refused, " +
        Thousands(shared.state.sealed.size() + (shared.state.open.empty() ? 0 : 1)) +
        " waiting for the hub");
  }
}

int RunScan(ScanArgs args) {
  if (args.indicators.empty() == args.hub.empty()) {
    return Fail("give either --indicators FILE or --hub URL (with --api-key)", kExitUsage);
  }
  if (!args.hub.empty() && args.api_key.empty()) {
    if (const char* key = std::getenv("ECRN_API_KEY"); key != nullptr) args.api_key = key;
    if (args.api_key.empty()) return Fail("--hub needs --api-key or ECRN_API_KEY", kExitUsage);
  }
  auto tlp = stix::TlpFromName(args.tlp);
  if (!tlp) return Fail("unknown TLP level '" + args.tlp + "'", kExitUsage);
  if (args.files.empty()) args.files.push_back("-");

  scan::ScanOptions options;
  options.sources = args.files;
  options.threads = args.follow ? 1 : args.threads;
  if (args.format != "auto") {
    auto format = scan::FormatFromName(args.format);
    if (!format) return Fail("unknown format '" + args.format + "'", kExitUsage);
    options.format = *format;
  }
  for (const auto& f : args.fields) {
    auto mapping = scan::ParseFieldMapping(f);
    if (!mapping) return Fail(mapping.error(), kExitUsage);
    options.format_options.fields.push_back(*mapping);
  }
  // Lines that carry no year (dnsmasq, syslog) are taken to be from this
  // year unless told otherwise.
  options.format_options.syslog_year =
      args.syslog_year != 0 ? args.syslog_year : std::stoi(FormatTimestamp(Now(), 0).substr(0, 4));
  options.on_source = [&args](const scan::SourceInfo& info) {
    if (!info.detection.empty()) {
      Say(info.source + ": format " + std::string(scan::FormatName(info.format)) + " (" +
          info.detection + ")");
    } else if (args.format == "auto") {
      Say(info.source + ": format " + std::string(scan::FormatName(info.format)));
    }
  };

  // Signals are blocked before any thread starts (Asio's resolver makes
  // one), so that only the signal thread ever takes them.
  std::stop_source stop;
  std::optional<StopOnSignal> signals;
  if (args.follow) signals.emplace(stop);

  MatcherSlot slot;
  Shared shared;
  std::unique_ptr<HubWorker> hub;
  if (!args.indicators.empty()) {
    const auto started = Clock::now();
    auto set = scan::LoadIndicatorFile(args.indicators);
    if (!set) return Fail(args.indicators + ": " + set.error().message, kExitUsage);
    auto matcher =
        BuildMatcher(std::move(set).value(), args,
                     std::chrono::duration<double>(Clock::now() - started).count(), true);
    if (!matcher) return Fail(matcher.error(), kExitUsage);
    slot.Set(std::move(matcher).value());
  } else {
    const std::string dir = args.state_dir.empty() ? DefaultStateDir() : args.state_dir;
    auto state_dir = scan::StateDir::Open(dir);
    if (!state_dir) return Fail(state_dir.error(), kExitUsage);
    auto state = state_dir->Load();
    if (!state) return Fail(state.error(), kExitUsage);
    shared.state = std::move(state).value();
    shared.dir = std::move(state_dir).value();
    auto identity = KeyIdentity(args);
    if (!identity) return Fail(identity.error(), kExitFailed);
    net::ClientOptions client_options;
    client_options.ca_file = args.ca_file;
    auto client = net::TaxiiClient::Create(args.hub, args.api_key, client_options);
    if (!client) return Fail(client.error(), kExitUsage);
    scan::SightingSource source{shared.state.sensor_id, *identity, *tlp};
    hub = std::make_unique<HubWorker>(args, std::move(client).value(), source, slot, shared);
    if (auto started = hub->Start(); !started.ok()) return Fail(started.error(), kExitFailed);
  }

  MatchTarget target(slot, shared, args.quiet);
  const auto started = Clock::now();
  Result<scan::ScanSummary> summary = scan::ScanSummary{};
  if (args.follow) {
    std::jthread hub_thread;
    if (hub) hub_thread = std::jthread([&](std::stop_token t) { hub->Run(t); });
    scan::FollowOptions follow;
    follow.poll_interval = std::chrono::milliseconds(args.poll_ms);
    follow.start_at_end = args.from_end;
    follow.resume = shared.state.sources;
    follow.on_checkpoint = [&](const std::map<std::string, scan::SourcePosition>& positions) {
      target.Checkpoint(&positions);
    };
    summary = scan::Follow(options, follow, target, stop.get_token());
    target.Checkpoint(nullptr);
    if (hub_thread.joinable()) {
      hub_thread.request_stop();
      shared.wake.notify_all();
      hub_thread.join();
    }
  } else {
    summary = scan::Scan(options, target);
    target.Checkpoint(nullptr);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (hub) hub->Finish(std::chrono::seconds(30));
  if (!summary) return Fail(summary.error(), kExitUsage);
  std::lock_guard lock(shared.mu);
  PrintSummary(*summary, seconds, shared, hub != nullptr);
  if (!summary->source_errors.empty()) return kExitFailed;
  if (hub && !shared.state.sealed.empty()) return kExitFailed;
  return kExitOk;
}

}  // namespace

void AddScanCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scan",
      "Match logs against the network's indicators; print one JSON line per match and, with "
      "--hub, report sightings");
  cmd->add_option("files", args->files, "log files to read ('-' or none: standard input)");
  cmd->add_option("--format", args->format,
                  "auto, text, json, csv, web, bind, dnsmasq or zeek (default: auto)");
  cmd->add_option("--field", args->fields,
                  "JSON/CSV field mapping PATH=KIND (KIND: ipv4, ipv6, domain, url, email, md5, "
                  "sha1, sha256, sha512 or time); repeatable");
  cmd->add_option("--syslog-year", args->syslog_year,
                  "year of timestamps written without one (dnsmasq, syslog; default: this year)");
  cmd->add_option("--threads", args->threads, "parsing threads (default 1; not with --follow)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("-F,--follow", args->follow,
                "keep reading the files as they grow, like tail -F (survives rotation)");
  cmd->add_flag("--from-end", args->from_end, "with --follow: start at the end of each file");
  cmd->add_option("--poll-ms", args->poll_ms, "with --follow: how often to look for new lines")
      ->check(CLI::Range(10, 60000));
  cmd->add_flag("--subdomains", args->subdomains, "a domain indicator also matches its subdomains");
  cmd->add_option("--indicators", args->indicators, "STIX bundle of indicators (offline)");
  cmd->add_option("--hub", args->hub, "hub URL: pull indicators and send sightings over TAXII");
  cmd->add_option("--api-key", args->api_key, "API key for --hub (or ECRN_API_KEY)");
  cmd->add_option("--ca-file", args->ca_file, "PEM certificates to trust for an https hub");
  cmd->add_option("--collection", args->collection,
                  "writable collection for sightings of indicators from read-only collections");
  cmd->add_option("--tlp", args->tlp, "TLP of the sightings sent (default amber)");
  cmd->add_option("--state", args->state_dir,
                  "state directory (default $XDG_STATE_HOME/ecrn/scan or "
                  "~/.local/state/ecrn/scan)");
  cmd->add_option("--batch-seconds", args->batch_seconds,
                  "how often sightings are sealed and sent (default 10)")
      ->check(CLI::Range(0.05, 86400.0));
  cmd->add_option("--refresh-seconds", args->refresh_seconds,
                  "with --follow and --hub: how often to pull new indicators (default 300)")
      ->check(CLI::Range(0.05, 86400.0));
  cmd->add_flag("-q,--quiet", args->quiet, "print no match lines, only the summary");
  cmd->callback([&ctx, args]() { ctx.action = [args]() { return RunScan(*args); }; });
}

}  // namespace ecrn::cli
