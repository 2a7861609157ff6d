// The reporting-clock scheduler: a worker in every `ecrn serve` that
// periodically finds the open cases with a warning due (a quarter of a
// clock's span or one hour left, or the deadline passed; incident/clocks.hpp)
// and tells their owner, once per warning across every server on the
// database (IncidentStore::ClaimOnce on the warning's key). Thread-safe:
// Start and Stop may be called from any thread, and passes never overlap.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/incident/clocks.hpp"
#include "ecrn/notify/dispatcher.hpp"
#include "ecrn/notify/worker.hpp"
#include "ecrn/store/store.hpp"

namespace ecrn::notify {

// The reporting-clock rules the operators configured. A rule is checked when
// it is stored; a row that cannot be read all the same is reported to
// `log` and left out.
Result<std::vector<incident::ClockRule>> ConfiguredClockRules(store::IncidentStore& store,
                                                              const DispatchLog& log);

struct ClockWarningOptions {
  // How often the worker looks. A warning goes out at most this long after
  // its threshold is crossed.
  std::chrono::milliseconds interval{30'000};
  size_t page = 200;  // cases read per query
};

// What one pass did.
struct ClockPass {
  bool full = false;  // every open case was read (the first pass, or the rules changed)
  int cases = 0;      // cases read
  int warnings = 0;   // warnings sent by this pass (claimed first here)
};

class ClockWarnings {
 public:
  // `store` and `clock` (thread-safe) must outlive the scheduler.
  ClockWarnings(store::Store& store, Clock& clock, ClockWarningOptions options = {},
                DispatchLog log = {});
  // Stops the worker (as Stop).
  ~ClockWarnings();
  ClockWarnings(const ClockWarnings&) = delete;
  ClockWarnings& operator=(const ClockWarnings&) = delete;

  // Starts the worker thread: a pass at once, then one per interval
  // (nothing when it runs already).
  void Start();
  // Stops the worker after the pass in progress, if any (nothing when it is
  // not running).
  void Stop();

  // One pass on the caller's thread at the clock's now. Reads the open
  // cases whose next deadline is within the rules' warning lead
  // (incident::WarningLead) of now, or every open case on the first pass
  // and after the rules changed (a case's stored next deadline follows the
  // rule of when it was last written); for each warning due, claims its key
  // and, when this server claimed it first, tells:
  //  * the owner's analysts and org admins in-app, and the owner's webhooks
  //    and e-mail endpoints ("clock.due-soon", or "clock.overdue");
  //  * the assignee in-app, when not among them and of the owner or a
  //    participant;
  //  * on "clock.overdue", the analysts, org admins and endpoints of
  //    participants with the national-cert role (the authority the report is
  //    owed to, when it takes part).
  // A warning is claimed before it is sent, so it is never sent twice; a
  // server that dies in between loses it (logged when the sending fails).
  // Fails (and the pass stops) when the database cannot be read; the next
  // pass starts over, and keys already claimed stay claimed.
  Result<ClockPass> RunOnce();

 private:
  // A round of the worker: RunOnce (failures logged), then the interval.
  std::chrono::milliseconds Round();
  void Log(LogLevel level, const std::string& message) const;
  void Warn(const store::IncidentRow& row, const incident::Case& c, const incident::ClockRule& rule,
            const incident::DueWarning& w, Micros now);

  store::Store& store_;
  Clock& clock_;
  const ClockWarningOptions options_;
  const DispatchLog log_;

  std::mutex round_mu_;  // held for the whole of RunOnce
  // The rules (id, updated) the last pass used; a change means a full pass.
  std::optional<std::vector<std::pair<int64_t, Micros>>> rules_seen_;  // guarded by round_mu_
  // Keys the last pass found claimed: not claimed again while they stay due.
  std::set<std::string> claimed_;  // guarded by round_mu_

  Worker worker_;  // last: its thread stops before the rest goes
};

}  // namespace ecrn::notify
