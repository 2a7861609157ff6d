#include "ecrn/incident/vocab.hpp"

#include <array>

namespace ecrn::incident {
namespace {

// RSIT (Reference Security Incident Taxonomy) classes with their tokens.
constexpr std::array<VocabEntry, 11> kCategories = {{
    {"abusive-content", "Abusive content",
     "Spam, hate speech or illegal material sent or published through our channels."},
    {"malicious-code", "Malicious software",
     "A virus, worm, trojan, spyware or ransomware found on our computers."},
    {"information-gathering", "Scanning or spying",
     "Someone probes our systems or tricks staff to learn how to attack us later."},
    {"intrusion-attempts", "Attempted break-in",
     "Someone tried to break into a system or account but did not get in."},
    {"intrusions", "Break-in",
     "Someone got into a system or account they must not have access to."},
    {"availability", "Service disruption",
     "A website or system is slow or down, for example because it is flooded with traffic."},
    {"information-content-security", "Data stolen or altered",
     "Information was read, copied, changed or deleted without permission."},
    {"fraud", "Fraud or impersonation",
     "Someone pretends to be us or misuses our name or resources, e.g. phishing."},
    {"vulnerable", "Weakness found",
     "A weakness was found that could be attacked, but no attack is known yet."},
    {"other", "Something else", "An incident that fits none of the other categories."},
    {"test", "Test", "A test report to check that reporting works. Nothing happened."},
}};

constexpr std::array<VocabEntry, 9> kElectionTargets = {{
    {"voter-register", "Voter register",
     "The list of voters, its database and the services that look voters up."},
    {"candidate-party-registration", "Candidate and party registration",
     "Systems that register candidates, parties and their lists."},
    {"results-transmission", "Results transmission",
     "How results travel from polling stations and counting centres to the commission."},
    {"results-publication", "Results publication",
     "The website or feeds that publish preliminary and final results."},
    {"polling-station-technology", "Polling-station technology",
     "Devices used at polling stations, such as voter identification or ballot scanners."},
    {"electronic-voting-counting", "Electronic voting or counting",
     "Machines or software that record or count votes."},
    {"commission-web-social", "Commission websites and social accounts",
     "The commission's websites and its accounts on social media."},
    {"staff-accounts-email", "Staff accounts and e-mail",
     "The user accounts, mailboxes and devices of commission staff."},
    {"disinformation", "Disinformation",
     "False or misleading content about the election, the vote or the commission."},
}};

constexpr std::array<VocabEntry, 3> kDisinformationKinds = {{
    {"false-narrative", "False narrative about the vote",
     "A false story about how the vote works, its security or its results."},
    {"impersonation", "Impersonation",
     "Someone pretends to be the commission or one of its officials."},
    {"deepfake", "Deepfake",
     "Fabricated audio, video or images that show people saying or doing what they did not."},
}};

constexpr std::array<VocabEntry, 8> kElectionPhases = {{
    {"pre-election-planning", "Pre-election planning",
     "Preparing the election: budgets, procurement, staffing, calendars."},
    {"voter-registration", "Voter registration", "Voters register or update their details."},
    {"candidate-nomination", "Candidate nomination",
     "Parties and candidates are nominated and registered."},
    {"campaign", "Campaign", "Parties and candidates campaign for votes."},
    {"voting", "Voting", "Polling stations are open and people vote."},
    {"counting-and-tabulation", "Counting and tabulation",
     "Votes are counted and the results added up."},
    {"results", "Results", "Preliminary and final results are announced."},
    {"post-election-disputes", "Post-election disputes",
     "Complaints, appeals and recounts after the results."},
}};

constexpr std::array<VocabEntry, 4> kSeverities = {{
    {"low", "Low", "No effect on the election; handled in normal work."},
    {"medium", "Medium", "A limited effect on one service or office; the election runs normally."},
    {"high", "High", "An important election service is disrupted or data is at risk; act today."},
    {"critical", "Critical",
     "The conduct of the election or trust in its results is at stake; act now."},
}};

constexpr std::array<VocabEntry, 4> kImpactDimensions = {{
    {"confidentiality", "Confidentiality",
     "Whether information was seen or taken by people who must not have it."},
    {"integrity", "Integrity", "Whether information or systems were changed or deleted."},
    {"availability", "Availability", "Whether systems or services could not be used."},
    {"public-trust", "Public trust",
     "Whether voters' confidence in the election or the commission suffers."},
}};

constexpr std::array<VocabEntry, 4> kImpactLevels = {{
    {"none", "None", "No effect at all."},
    {"low", "Low", "A small effect that is easily put right."},
    {"medium", "Medium", "A noticeable effect that needs work to put right."},
    {"high", "High", "A serious effect that is hard to put right."},
}};

constexpr std::array<VocabEntry, 5> kParticipantRoles = {{
    {"national-cert", "National CERT",
     "The national computer emergency response team that helps investigate."},
    {"police", "Police cybercrime unit", "Receives crime reports and investigates crimes."},
    {"prosecutor", "Prosecutor", "Decides on prosecution and asks for evidence."},
    {"vendor", "Vendor", "The supplier of an affected system, helping to fix it."},
    {"peer-commission", "Peer commission",
     "Another election commission that shares experience or may be targeted too."},
}};

constexpr std::array<VocabEntry, 4> kTaskStatuses = {{
    {"open", "Open", "Not started yet."},
    {"in-progress", "In progress", "Someone is working on it."},
    {"done", "Done", "The work is finished."},
    {"cancelled", "Cancelled", "No longer needed."},
}};

constexpr std::array<VocabEntry, 8> kCaseStatuses = {{
    {"reported", "Reported", "The report has arrived and nobody has looked at it yet."},
    {"triaged", "Triaged", "Someone has checked the report and decided how urgent it is."},
    {"investigating", "Investigating", "The team is finding out what happened."},
    {"contained", "Contained", "The attack is stopped from spreading or doing more harm."},
    {"recovered", "Recovered", "Affected systems and services work normally again."},
    {"closed", "Closed", "All work on the incident is finished."},
    {"rejected", "Rejected", "Not an incident after all, e.g. a false alarm."},
    {"duplicate", "Duplicate", "The same incident is already handled in another case."},
}};

constexpr std::array<VocabEntry, 5> kLinkKinds = {{
    {"indicator", "Indicator", "A sign of the attack to look for, such as an address."},
    {"observed-data", "Observed data", "Something seen on our systems during the incident."},
    {"narrative", "Narrative", "A disinformation narrative this incident is part of."},
    {"attack-pattern", "Attack technique",
     "A technique the attacker used, e.g. from the DISARM framework."},
    {"other", "Other", "Any other related information."},
}};

constexpr std::array<VocabEntry, 3> kMilestones = {{
    {"early-warning", "Early warning sent",
     "A first short notice to the national authority that an incident happened."},
    {"notification", "Incident notification sent",
     "The formal notification with a first assessment of severity and impact."},
    {"final-report", "Final report sent",
     "The full report: what happened, why, what was done and what is left."},
}};

}  // namespace

std::span<const VocabEntry> Categories() { return kCategories; }
std::span<const VocabEntry> ElectionTargets() { return kElectionTargets; }
std::span<const VocabEntry> DisinformationKinds() { return kDisinformationKinds; }
std::span<const VocabEntry> ElectionPhases() { return kElectionPhases; }
std::span<const VocabEntry> Severities() { return kSeverities; }
std::span<const VocabEntry> ImpactDimensions() { return kImpactDimensions; }
std::span<const VocabEntry> ImpactLevels() { return kImpactLevels; }
std::span<const VocabEntry> ParticipantRoles() { return kParticipantRoles; }
std::span<const VocabEntry> TaskStatuses() { return kTaskStatuses; }
std::span<const VocabEntry> CaseStatuses() { return kCaseStatuses; }
std::span<const VocabEntry> LinkKinds() { return kLinkKinds; }
std::span<const VocabEntry> Milestones() { return kMilestones; }

const VocabEntry* FindEntry(std::span<const VocabEntry> vocabulary, std::string_view token) {
  for (const VocabEntry& e : vocabulary) {
    if (e.token == token) return &e;
  }
  return nullptr;
}

int Rank(std::span<const VocabEntry> vocabulary, std::string_view token) {
  for (size_t i = 0; i < vocabulary.size(); ++i) {
    if (vocabulary[i].token == token) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace ecrn::incident
