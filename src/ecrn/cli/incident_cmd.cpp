// `ecrn incident report`: files an incident report with a hub over its REST
// API, as the report form does (POST /api/v1/incidents with an API key),
// then adds evidence files to the new case (POST .../evidence), each checked
// against the SHA-256 the hub computed on arrival. Prints the new case's id.
// The report comes from flags, from a JSON file (`--from-json`, the body of
// POST /api/v1/incidents), or both (flags win). Single-threaded.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "ecrn/cli/command.hpp"
#include "ecrn/core/secrets.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/http/incidents_rest.hpp"
#include "ecrn/net/http_client.hpp"

namespace ecrn::cli {
namespace {

namespace json = boost::json;

struct ReportArgs {
  std::string hub;
  std::string api_key;
  std::string ca_file;
  int timeout_seconds = 120;
  std::string from_json;
  std::optional<std::string> title, description, detected, started, category, disinformation_kind,
      election, phase, severity, tlp, playbook;
  std::vector<std::string> targets, systems, impacts, evidence;
  std::string reason = "filed with the incident report";
  bool json = false;
};

// A file to add as evidence, checked before anything is sent.
struct EvidenceFile {
  std::string path;
  std::string name;  // the last path component, as the hub stores it
  std::string media_type;
};

// The media type the hub records for a file, from its extension.
std::string MediaTypeOf(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  for (auto& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".txt", "text/plain"},
      {".log", "text/plain"},
      {".csv", "text/csv"},
      {".json", "application/json"},
      {".xml", "application/xml"},
      {".html", "text/html"},
      {".eml", "message/rfc822"},
      {".pdf", "application/pdf"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".mp4", "video/mp4"},
      {".zip", "application/zip"},
      {".pcap", "application/vnd.tcpdump.pcap"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return std::string(type);
  }
  return "application/octet-stream";
}

// Each evidence file exists, is a regular file, not empty and within the
// hub's upload limit (so that a report is never filed only for its evidence
// to be refused for something known beforehand).
Result<std::vector<EvidenceFile>> CheckEvidence(const std::vector<std::string>& paths) {
  std::vector<EvidenceFile> out;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::is_regular_file(status)) {
      return Error::Invalid("evidence " + path + ": not a readable file");
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return Error::Invalid("evidence " + path + ": cannot read its size");
    if (size == 0) return Error::Invalid("evidence " + path + ": the file is empty");
    if (size > http::kMaxEvidenceBytes) {
      return Error::Invalid("evidence " + path + ": larger than the hub's limit of " +
                            std::to_string(http::kMaxEvidenceBytes >> 20) + " MiB");
    }
    const std::filesystem::path p(path);
    out.push_back({path, p.filename().string(), MediaTypeOf(p)});
  }
  return out;
}

// The report body: the JSON file's object, then the flags given.
Result<json::object> ReportBody(const ReportArgs& args) {
  json::object body;
  if (!args.from_json.empty()) {
    ECRN_ASSIGN_OR_RETURN(auto text, ReadInputFile(args.from_json));
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return Error::Invalid(args.from_json + ": not JSON (" + ec.message() + ")");
    if (!v.is_object()) return Error::Invalid(args.from_json + ": not a JSON object");
    body = std::move(v.as_object());
  }
  auto set = [&](std::string_view key, const std::optional<std::string>& value) {
    if (value) body[key] = *value;
  };
  set("title", args.title);
  set("description", args.description);
  set("detected", args.detected);
  set("started", args.started);
  set("category", args.category);
  set("disinformation_kind", args.disinformation_kind);
  set("election", args.election);
  set("phase", args.phase);
  set("severity", args.severity);
  set("tlp", args.tlp);
  set("playbook", args.playbook);
  auto list = [&](std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    json::array a;
    for (const auto& v : values) a.emplace_back(v);
    body[key] = std::move(a);
  };
  list("election_targets", args.targets);
  list("affected_systems", args.systems);
  if (!args.impacts.empty()) {
    json::object impacts;
    if (const auto* given = body.if_contains("impacts"); given && given->is_object()) {
      impacts = given->as_object();
    }
    for (const auto& i : args.impacts) {
      const auto eq = i.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == i.size()) {
        return Error::Invalid("--impact " + i + ": give DIMENSION=LEVEL, e.g. availability=high");
      }
      std::string dimension = i.substr(0, eq);
      for (auto& ch : dimension) ch = ch == '-' ? '_' : ch;  // public-trust = public_trust
      impacts[dimension] = i.substr(eq + 1);
    }
    body["impacts"] = std::move(impacts);
  }
  // Detected now, unless the reporter says when.
  if (!body.contains("detected")) body["detected"] = FormatTimestamp(SystemClock().Now(), 3);
  return body;
}

// What the hub said in an error answer: its description, and each named
// field's problem.
std::string HubError(const net::HttpResponse& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  std::string text;
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    if (const auto* d = o.if_contains("description"); d && d->is_string()) {
      text = std::string(d->as_string());
    }
    if (const auto* problems = o.if_contains("problems"); problems && problems->is_array()) {
      text.clear();
      for (const auto& p : problems->as_array()) {
        if (!p.is_object()) continue;
        const auto* field = p.as_object().if_contains("field");
        const auto* message = p.as_object().if_contains("message");
        text += "\n  ";
        if (field && field->is_string()) text += std::string(field->as_string()) + ": ";
        if (message && message->is_string()) text += std::string(message->as_string());
      }
    }
  }
  if (text.empty()) text = "HTTP " + std::to_string(r.status);
  return text;
}

struct Added {
  std::string file;
  std::string id;
  std::string sha256;
  int64_t size = 0;
};

struct Failed {
  std::string file;
  std::string reason;
};

// Uploads one evidence file to case `stix_id`.
Result<Added> AddEvidence(net::HttpClient& client, const ReportArgs& args,
                          const std::string& stix_id, const EvidenceFile& f) {
  ECRN_ASSIGN_OR_RETURN(auto bytes, ReadInputFile(f.path));
  if (bytes.empty()) return Error::Invalid("the file is empty");
  const std::string sha256 = Sha256Hex(bytes);
  const std::string target = client.base_path() + "api/v1/incidents/" +
                             net::PercentEncode(stix_id) +
                             "/evidence?file_name=" + net::PercentEncode(f.name) +
                             "&reason=" + net::PercentEncode(args.reason);
  ECRN_ASSIGN_OR_RETURN(auto r, client.Send("POST", target,
                                            {{"Authorization", "Bearer " + args.api_key},
                                             {"Content-Type", f.media_type},
                                             {"Accept", "application/json"}},
                                            bytes));
  if (r.status != 201) return Error::Invalid("the hub refused it: " + HubError(r));
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  const json::object* o = !ec && v.is_object() ? &v.as_object() : nullptr;
  const auto* id = o ? o->if_contains("id") : nullptr;
  const auto* got = o ? o->if_contains("sha256") : nullptr;
  if (!id || !id->is_string() || !got || !got->is_string()) {
    return Error::Internal("the hub's answer does not name the stored file");
  }
  if (got->as_string() != sha256) {
    return Error::Internal("the hub stored SHA-256 " + std::string(got->as_string()) +
                           ", but the file's is " + sha256);
  }
  return Added{f.path, std::string(id->as_string()), sha256, static_cast<int64_t>(bytes.size())};
}

int Report(ReportArgs args) {
  if (args.api_key.empty()) {
    if (const char* key = std::getenv("ECRN_API_KEY"); key != nullptr) args.api_key = key;
    if (args.api_key.empty()) return Fail("give --api-key or set ECRN_API_KEY", kExitUsage);
  }
  auto body = ReportBody(args);
  if (!body) return Fail(body.error(), kExitUsage);
  auto files = CheckEvidence(args.evidence);
  if (!files) return Fail(files.error(), kExitUsage);
  net::ClientOptions options;
  options.ca_file = args.ca_file;
  options.timeout = std::chrono::seconds(args.timeout_seconds);
  auto client = net::HttpClient::Create(args.hub, options);
  if (!client) return Fail("--hub " + args.hub + ": " + client.error().message, kExitUsage);

  auto r = client->Send("POST", client->base_path() + "api/v1/incidents",
                        {{"Authorization", "Bearer " + args.api_key},
                         {"Content-Type", "application/json"},
                         {"Accept", "application/json"}},
                        json::serialize(*body));
  if (!r) {
    return Fail("could not file the report with " + client->origin() + ": " + r.error().message,
                kExitFailed);
  }
  if (r->status == 400) {
    return Fail("the hub refused the report: " + HubError(*r), kExitUsage);
  }
  if (r->status == 401) return Fail(client->origin() + " refused the API key", kExitFailed);
  if (r->status != 201) {
    return Fail("the hub refused the report: " + HubError(*r), kExitFailed);
  }
  boost::system::error_code ec;
  json::value view = json::parse(r->body, ec);
  const json::object* o = !ec && view.is_object() ? &view.as_object() : nullptr;
  const auto* stix_id = o ? o->if_contains("stix_id") : nullptr;
  if (!stix_id || !stix_id->is_string()) {
    return Fail("the hub answered 201 but did not name the new incident", kExitFailed);
  }
  const std::string id(stix_id->as_string());
  const auto* number = o->if_contains("id");

  std::vector<Added> added;
  std::vector<Failed> failed;
  for (const auto& f : *files) {
    auto a = AddEvidence(*client, args, id, f);
    if (a) {
      added.push_back(std::move(*a));
    } else {
      failed.push_back({f.path, a.error().message});
    }
  }

  if (args.json) {
    json::array ev, bad;
    for (const auto& a : added) {
      ev.push_back(
          json::object{{"file", a.file}, {"id", a.id}, {"sha256", a.sha256}, {"size", a.size}});
    }
    for (const auto& f : failed) bad.push_back(json::object{{"file", f.file}, {"error", f.reason}});
    json::object out{{"id", id},
                     {"number", number ? *number : json::value(nullptr)},
                     {"url", client->origin() + client->base_path() + "api/v1/incidents/" + id},
                     {"evidence", std::move(ev)},
                     {"evidence_failed", std::move(bad)}};
    std::cout << json::serialize(out) << "\n";
  } else {
    std::cout << id << "\n";
    for (const auto& a : added) {
      std::cerr << "ecrn: evidence " << a.file << " added (SHA-256 " << a.sha256 << ")\n";
    }
  }
  std::cout << std::flush;
  if (!failed.empty()) {
    std::string list;
    for (const auto& f : failed) list += "\n  " + f.file + ": " + f.reason;
    return Fail("the report was filed as " + id + ", but " + std::to_string(failed.size()) +
                    " of " + std::to_string(files->size()) +
                    " evidence files were not added; add them to that incident, do not file the "
                    "report again:" +
                    list,
                kExitFailed);
  }
  if (!std::cout) return Fail("the report was filed as " + id + ", but stdout failed", kExitFailed);
  return kExitOk;
}

}  // namespace

void AddIncidentCommands(CLI::App& app, Context& ctx) {
  auto* incident = app.add_subcommand("incident", "Incident cases on a hub");
  incident->require_subcommand(1);
  auto args = std::make_shared<ReportArgs>();
  auto* report = incident->add_subcommand(
      "report",
      "File an incident report with a hub and add evidence files to it; prints the new "
      "incident's id");
  report->add_option("--hub", args->hub, "hub URL, e.g. https://hub.example:8443")->required();
  report->add_option("--api-key", args->api_key, "API key (or ECRN_API_KEY)");
  report->add_option("--ca-file", args->ca_file, "PEM certificates to trust for an https hub");
  report
      ->add_option("--timeout", args->timeout_seconds,
                   "seconds to wait for each step of each request (default 120)")
      ->check(CLI::Range(1, 3600));
  report->add_option("--from-json", args->from_json,
                     "the report as JSON (the body of POST /api/v1/incidents; '-': standard "
                     "input); flags given as well replace its fields");
  report->add_option("--title", args->title, "a short title");
  report->add_option("--description", args->description, "what happened");
  report->add_option("--detected", args->detected, "when it was detected, RFC 3339 (default: now)");
  report->add_option("--started", args->started, "when it started, RFC 3339");
  report->add_option("--category", args->category,
                     "RSIT class, e.g. availability, intrusions, fraud, "
                     "information-content-security (GET /api/v1/incident-vocabulary lists all)");
  report->add_option("--target", args->targets,
                     "an election target, e.g. results-publication, voter-register, "
                     "disinformation; repeatable");
  report->add_option("--disinformation-kind", args->disinformation_kind,
                     "with --target disinformation: false-narrative, impersonation or deepfake");
  report->add_option("--affected-system", args->systems, "an affected system; repeatable");
  report->add_option("--election", args->election, "the election concerned");
  report->add_option("--phase", args->phase, "the election phase, e.g. voting, results");
  report->add_option("--impact", args->impacts,
                     "DIMENSION=LEVEL: confidentiality, integrity, availability or public-trust "
                     "= none, low, medium or high; repeatable");
  report->add_option("--severity", args->severity, "low, medium, high or critical");
  report->add_option("--tlp", args->tlp, "clear, green, amber, amber+strict or red");
  report->add_option("--playbook", args->playbook,
                     "a response playbook whose tasks the case starts with");
  report->add_option("--evidence", args->evidence,
                     "a file to add as evidence after the report is filed; repeatable");
  report->add_option("--evidence-reason", args->reason,
                     "why the evidence was acquired (recorded on the custody log)");
  report->add_flag("--json", args->json,
                   "print the result as one JSON object (id, number, url, evidence added and "
                   "failed)");
  report->callback([&ctx, args]() { ctx.action = [args]() { return Report(*args); }; });
}

}  // namespace ecrn::cli
