// Built-in response playbooks: templates that add a ready list of tasks to a
// case, each due a fixed time after the playbook is applied. Constant data and
// pure functions; thread-safe.
#pragma once

#include <span>
#include <string_view>

#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/incident/case.hpp"
#include "ecrn/incident/workflow.hpp"

namespace ecrn::incident {

struct PlaybookTask {
  std::string_view title;
  Micros due_after = 0;  // after the moment the playbook is applied
};

struct Playbook {
  std::string_view token;
  std::string_view title;
  std::string_view description;
  std::string_view suggested_category;  // a Categories() token
  std::span<const PlaybookTask> tasks;  // in the order they are added
};

// Every built-in playbook: ddos-results-site, compromised-staff-account,
// voter-data-leak, website-defacement, deepfake-impersonation,
// ransomware-regional-office. Static storage.
std::span<const Playbook> Playbooks();
// The playbook with `token`, or nullptr.
const Playbook* FindPlaybook(std::string_view token);

// Adds the playbook's tasks to the case (status "open", due = now + offset,
// created_by = actor, playbook = token) with one "playbook.apply" event and
// one "task.add" event per task. Same rules as ApplyChange with an
// ApplyPlaybookChange: kNotFound for an unknown playbook, kConflict on a
// closed/rejected/duplicate case or when the playbook's tasks are already
// there and not all cancelled (applying twice would duplicate work).
Result<ChangeOutcome> ApplyPlaybook(const Case& c, std::string_view token, std::string_view actor,
                                    Micros now);

}  // namespace ecrn::incident
