#include "ecrn/incident/playbooks.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "ecrn/incident/vocab.hpp"

namespace ecrn::incident {
namespace {

constexpr Micros kMinute = 60LL * 1'000'000;
constexpr Micros kHour = 60 * kMinute;
constexpr Micros kDay = 24 * kHour;

constexpr std::array<PlaybookTask, 9> kDdos = {{
    {"Confirm the outage from outside the commission network and note the start time",
     15 * kMinute},
    {"Ask the hosting or DDoS-protection provider to enable mitigation or under-attack mode",
     30 * kMinute},
    {"Switch results publication to the static mirror or CDN fallback", kHour},
    {"Publish a short notice on official channels where voters can find results meanwhile", kHour},
    {"Collect firewall, CDN and web server logs for the attack window (keep originals)", 2 * kHour},
    {"Share attacking addresses and patterns as indicators with the national CERT", 4 * kHour},
    {"Send the early warning to the national authority", 24 * kHour},
    {"Confirm results data was not altered: compare published figures with the tabulation system",
     24 * kHour},
    {"Write the after-action note: timeline, what worked, what to change", 7 * kDay},
}};

constexpr std::array<PlaybookTask, 8> kStaffAccount = {{
    {"Disable the account or reset its password and revoke all sessions and tokens", 30 * kMinute},
    {"Check and remove mailbox forwarding rules, app passwords and new MFA devices", kHour},
    {"Review sign-in logs for the account: addresses, times, countries", 2 * kHour},
    {"Find what the attacker read or sent: mailbox audit log, shared files, sent items", 4 * kHour},
    {"Warn colleagues and partners about messages sent from the account", 4 * kHour},
    {"Check other accounts for sign-ins from the same addresses", 8 * kHour},
    {"Re-enroll the user with phishing-resistant MFA after a briefing", 2 * kDay},
    {"Decide whether personal data was exposed and whether the data protection authority must be "
     "told",
     3 * kDay},
}};

constexpr std::array<PlaybookTask, 9> kVoterData = {{
    {"Secure a copy of the leaked data and where it was found (URL, forum post, screenshots)",
     kHour},
    {"Compare the sample with the voter register to confirm it is ours and find its export date",
     4 * kHour},
    {"Identify which system and account exported the data: query and access logs", 8 * kHour},
    {"Close the access path: revoke the account, fix the permission or patch the system",
     8 * kHour},
    {"Request takedown from the hosting provider or platform", 12 * kHour},
    {"Prepare a public statement and advice for voters on phishing using their data", 2 * kDay},
    {"Report the crime to the police with the evidence package", 2 * kDay},
    {"Notify the data protection authority (72 hours from awareness under GDPR)", 72 * kHour},
    {"Review who may export register data and log every export", 14 * kDay},
}};

constexpr std::array<PlaybookTask, 8> kDefacement = {{
    {"Take screenshots and save the defaced pages with their URLs and times", 15 * kMinute},
    {"Take the site offline or show a maintenance page", 30 * kMinute},
    {"Tell the public on social accounts that the site was defaced and the message is not ours",
     kHour},
    {"Keep a copy of the web server, CMS and logs before cleaning anything", 2 * kHour},
    {"Find how the attacker got in: CMS accounts, plugins, hosting panel credentials", 8 * kHour},
    {"Restore the site from a known-good backup and patch the entry point", 12 * kHour},
    {"Change every administrative password of the site and hosting", 12 * kHour},
    {"Share indicators and the defacement message with the national CERT and peers", kDay},
}};

constexpr std::array<PlaybookTask, 8> kDeepfake = {{
    {"Archive the content: links, copies of the media, account names, first-seen times", kHour},
    {"Confirm with the official concerned that the statement or video is not genuine", 2 * kHour},
    {"Report the content and accounts to the platforms through their election channels", 2 * kHour},
    {"Publish a correction on official channels, linking to the genuine source", 4 * kHour},
    {"Brief spokespeople and the hotline on what to answer", 4 * kHour},
    {"Track where the content spreads and link the narrative to this case", kDay},
    {"Share the narrative with fact-checkers and peer commissions (DISARM-tagged)", kDay},
    {"Consider a crime report (impersonation, election interference) with the evidence", 3 * kDay},
}};

constexpr std::array<PlaybookTask, 10> kRansomware = {{
    {"Disconnect the affected computers from the network (do not switch them off)", 30 * kMinute},
    {"Block the regional office's connections to central election systems", kHour},
    {"Photograph the ransom note and record the file extension of encrypted files", kHour},
    {"Check whether backups are intact and offline", 4 * kHour},
    {"Identify the malware and its entry point with the national CERT", 8 * kHour},
    {"Check central systems and other offices for the same indicators", 12 * kHour},
    {"Send the early warning to the national authority", 24 * kHour},
    {"Plan how the office keeps working for the election: spare laptops, paper fallback",
     24 * kHour},
    {"Report the crime to the police; do not pay or contact the attackers without legal advice",
     2 * kDay},
    {"Rebuild affected machines from clean images and restore data from backup", 5 * kDay},
}};

constexpr std::array<Playbook, 6> kPlaybooks = {{
    {"ddos-results-site", "DDoS on the results site",
     "The results website is flooded with traffic and slow or down.", "availability", kDdos},
    {"compromised-staff-account", "Compromised staff account",
     "Someone else is using a staff member's account or mailbox.", "intrusions", kStaffAccount},
    {"voter-data-leak", "Leak of voter data",
     "Voter register data has been published or offered for sale.", "information-content-security",
     kVoterData},
    {"website-defacement", "Website defacement",
     "A commission website shows content the commission did not publish.", "intrusions",
     kDefacement},
    {"deepfake-impersonation", "Deepfake or impersonation of an official",
     "Fabricated media or fake accounts speak in the name of the commission or an official.",
     "fraud", kDeepfake},
    {"ransomware-regional-office", "Ransomware at a regional office",
     "Files at a regional office are encrypted and a ransom is demanded.", "malicious-code",
     kRansomware},
}};

}  // namespace

std::span<const Playbook> Playbooks() { return kPlaybooks; }

const Playbook* FindPlaybook(std::string_view token) {
  for (const Playbook& p : kPlaybooks) {
    if (p.token == token) return &p;
  }
  return nullptr;
}

Result<ChangeOutcome> ApplyPlaybook(const Case& c, std::string_view token, std::string_view actor,
                                    Micros now) {
  const Playbook* playbook = FindPlaybook(token);
  if (!playbook) return Error::NotFound("no such playbook");
  if (IsFinalStatus(c.status)) {
    return Error{ErrorCode::kConflict, "the case is " + c.status + "; reopen it to change it", {}};
  }
  bool active = std::any_of(c.tasks.begin(), c.tasks.end(), [&](const Task& t) {
    return t.playbook == token && t.status != "cancelled";
  });
  if (active) {
    return Error{ErrorCode::kConflict, "the playbook's tasks are already in this case", {}};
  }
  ChangeOutcome out{c, {}};
  out.events.push_back(
      {"playbook.apply",
       {{"playbook", playbook->token}, {"tasks", static_cast<int64_t>(playbook->tasks.size())}}});
  for (const PlaybookTask& pt : playbook->tasks) {
    Task task;
    task.id = TaskIdFor(out.updated, out.updated.tasks.size());
    task.title = std::string(pt.title);
    task.due = now + pt.due_after;
    task.created = now;
    task.created_by = std::string(actor);
    task.playbook = std::string(playbook->token);
    out.events.push_back({"task.add", {{"task", TaskToJson(task)}}});
    out.updated.tasks.push_back(std::move(task));
  }
  out.updated.modified = std::max(now, c.modified);
  std::vector<FieldProblem> problems = ValidateCase(out.updated);
  if (!problems.empty()) return ProblemsError(problems);
  return out;
}

}  // namespace ecrn::incident
