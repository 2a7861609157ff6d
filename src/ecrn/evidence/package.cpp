// Building crime-report packages. The manifest (manifest.json, Boost.JSON):
//   format "ecrn-crime-report-package", format_version 1, package (uuid),
//   hub, created (RFC 3339, microseconds), sender / recipient
//   {"organisation"}, incident {id, title, description, category, severity,
//   status, tlp, detected, started, election, phase, extras {}}, files
//   [{path, role (report|custody|timeline|evidence), sha256, size} + for
//   evidence: evidence_id, file_name, media_type, description, acquired,
//   acquired_by, acquisition_sha256], content_digest, custody / timeline
//   {entries, head}, signing_key {algorithm "Ed25519", public_key}.
#include "ecrn/evidence/package.hpp"

#include <cstdio>
#include <map>
#include <set>

#include <boost/json.hpp>

#include "ecrn/evidence/chain_json.hpp"
#include "ecrn/evidence/json_fields.hpp"
#include "ecrn/evidence/manifest.hpp"
#include "ecrn/evidence/report_pdf.hpp"
#include "ecrn/evidence/zip_archive.hpp"

namespace ecrn::evidence {
namespace json = boost::json;

namespace {

constexpr size_t kMaxNameBytes = 120;

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The first text field of the input that is not valid UTF-8, or "".
std::string InvalidText(const PackageInput& in) {
  std::vector<std::pair<std::string_view, std::string_view>> fields = {
      {"hub", in.hub},
      {"package_uuid", in.package_uuid},
      {"sender_org", in.sender_org},
      {"recipient_org", in.recipient_org},
      {"incident.stix_id", in.incident.stix_id},
      {"incident.title", in.incident.title},
      {"incident.description", in.incident.description},
      {"incident.category", in.incident.category},
      {"incident.severity", in.incident.severity},
      {"incident.status", in.incident.status},
      {"incident.tlp", in.incident.tlp},
      {"incident.election", in.incident.election},
      {"incident.phase", in.incident.phase},
  };
  for (const auto& [k, v] : in.incident.extras) {
    fields.emplace_back("incident.extras", k);
    fields.emplace_back("incident.extras", v);
  }
  for (const EvidenceItem& e : in.evidence) {
    for (std::string_view v : {std::string_view(e.evidence_id), std::string_view(e.file_name),
                               std::string_view(e.media_type), std::string_view(e.description),
                               std::string_view(e.acquired_by)}) {
      fields.emplace_back("evidence", v);
    }
  }
  for (const auto& [name, value] : fields) {
    if (!AuditTextIsValid(value)) return std::string(name);
  }
  return "";
}

json::value OptTime(const std::optional<Micros>& t) {
  return t ? json::value(FormatTimestamp(*t, 6)) : json::value(nullptr);
}

json::object IncidentJson(const IncidentSummary& s) {
  json::object extras;
  for (const auto& [k, v] : s.extras) extras[k] = v;
  return json::object{
      {"id", s.stix_id},
      {"title", s.title},
      {"description", s.description},
      {"category", s.category},
      {"severity", s.severity},
      {"status", s.status},
      {"tlp", s.tlp},
      {"detected", OptTime(s.detected)},
      {"started", OptTime(s.started)},
      {"election", s.election},
      {"phase", s.phase},
      {"extras", std::move(extras)},
  };
}

json::object ChainHeadJson(const std::vector<AuditEntry>& chain) {
  return json::object{{"entries", static_cast<int64_t>(chain.size())},
                      {"head", chain.empty() ? std::string() : chain.back().hash}};
}

// Everything checked and computed before the zip is written.
struct Prepared {
  std::string custody_json;
  std::string timeline_json;
  std::string manifest;
  std::string signature_json;
  std::string pdf;
  std::vector<std::string> evidence_paths;
  BuiltPackage built;
};

Result<Prepared> Prepare(const PackageInput& in, const SigningKey& key) {
  if (in.package_uuid.empty()) return Error::Invalid("the package needs a uuid");
  if (in.incident.stix_id.empty()) return Error::Invalid("the package needs the incident id");
  if (std::string bad = InvalidText(in); !bad.empty()) {
    return Error::Invalid("package input " + bad + " is not valid UTF-8 (or holds NUL)");
  }
  if (auto p = ChainProblem(in.custody)) return Error::Invalid("custody log " + *p);
  if (auto p = ChainProblem(in.timeline)) return Error::Invalid("timeline " + *p);

  const auto acquisitions = FirstAcquisitions(in.custody);
  Prepared out;
  std::set<std::string> ids;
  std::set<std::string> paths;
  for (const EvidenceItem& e : in.evidence) {
    const std::string label = "evidence " + e.evidence_id;
    if (e.evidence_id.empty()) return Error::Invalid("an evidence file has no id");
    if (!ids.insert(e.evidence_id).second) return Error::Invalid(label + " is listed twice");
    if (!IsHex64(e.sha256)) return Error::Invalid(label + ": sha256 is not 64 lower-case hex");
    if (e.size < 0) return Error::Invalid(label + ": negative size");
    if (!e.path && static_cast<int64_t>(e.data.size()) != e.size) {
      return Error::Invalid(label + ": has " + std::to_string(e.data.size()) + " bytes but " +
                            std::to_string(e.size) + " were recorded at acquisition");
    }
    std::string path = EvidencePath(e.evidence_id, e.file_name);
    if (!paths.insert(path).second) return Error::Invalid(label + ": its package path is taken");
    out.evidence_paths.push_back(std::move(path));
    const auto found = acquisitions.find(std::string(kEvidenceTargetPrefix) + e.evidence_id);
    const AuditEntry* acq = found == acquisitions.end() ? nullptr : found->second;
    if (!acq) return Error::Invalid(label + " has no acquisition entry in the custody log");
    auto detail = ParseJsonObject(acq->detail);
    auto recorded = detail ? StringField(detail->as_object(), "sha256", "") : detail.error();
    if (!recorded || *recorded != e.sha256) {
      return Error::Invalid(label + ": the custody log's acquisition entry " +
                            std::to_string(acq->seq) + " does not record SHA-256 " + e.sha256);
    }
  }

  out.custody_json = ChainDocument(in.incident.stix_id, "custody", in.custody);
  out.timeline_json = ChainDocument(in.incident.stix_id, "timeline", in.timeline);

  // Every file but the report, in manifest order: the content digest.
  json::array files;
  std::vector<DigestLine> digest_lines = {
      {std::string(kCustodyFile), Sha256Of(out.custody_json),
       static_cast<int64_t>(out.custody_json.size())},
      {std::string(kTimelineFile), Sha256Of(out.timeline_json),
       static_cast<int64_t>(out.timeline_json.size())},
  };
  for (size_t i = 0; i < in.evidence.size(); ++i) {
    digest_lines.push_back({out.evidence_paths[i], in.evidence[i].sha256, in.evidence[i].size});
  }
  out.built.content_digest = ContentDigest(digest_lines);
  out.built.public_key_hex = key.PublicKeyHex();

  ReportFacts facts{out.built.public_key_hex, out.built.content_digest, out.evidence_paths};
  ECRN_ASSIGN_OR_RETURN(RenderedReport report, RenderReport(in, facts));
  out.pdf = std::move(report.pdf);
  out.built.report_pages = report.pages;

  files.push_back(json::object{{"path", kReportFile},
                               {"role", "report"},
                               {"sha256", Sha256Of(out.pdf)},
                               {"size", static_cast<int64_t>(out.pdf.size())}});
  files.push_back(json::object{{"path", kCustodyFile},
                               {"role", "custody"},
                               {"sha256", digest_lines[0].sha256},
                               {"size", digest_lines[0].size}});
  files.push_back(json::object{{"path", kTimelineFile},
                               {"role", "timeline"},
                               {"sha256", digest_lines[1].sha256},
                               {"size", digest_lines[1].size}});
  for (size_t i = 0; i < in.evidence.size(); ++i) {
    const EvidenceItem& e = in.evidence[i];
    files.push_back(json::object{{"path", out.evidence_paths[i]},
                                 {"role", "evidence"},
                                 {"sha256", e.sha256},
                                 {"size", e.size},
                                 {"evidence_id", e.evidence_id},
                                 {"file_name", e.file_name},
                                 {"media_type", e.media_type},
                                 {"description", e.description},
                                 {"acquired", FormatTimestamp(e.acquired, 6)},
                                 {"acquired_by", e.acquired_by},
                                 {"acquisition_sha256", e.sha256}});
  }
  json::object manifest{
      {"format", kFormatName},
      {"format_version", kPackageFormatVersion},
      {"package", in.package_uuid},
      {"hub", in.hub},
      {"created", FormatTimestamp(in.created, 6)},
      {"sender", json::object{{"organisation", in.sender_org}}},
      {"recipient", json::object{{"organisation", in.recipient_org}}},
      {"incident", IncidentJson(in.incident)},
      {"files", std::move(files)},
      {"content_digest", out.built.content_digest},
      {"custody", ChainHeadJson(in.custody)},
      {"timeline", ChainHeadJson(in.timeline)},
      {"signing_key",
       json::object{{"algorithm", kSignatureAlgorithm}, {"public_key", out.built.public_key_hex}}},
  };
  out.manifest = json::serialize(manifest);
  out.built.manifest_json = out.manifest;
  out.built.manifest_sha256 = Sha256Of(out.manifest);
  out.signature_json = json::serialize(json::object{
      {"algorithm", kSignatureAlgorithm},
      {"public_key", out.built.public_key_hex},
      {"signed_file", kManifestFile},
      {"manifest_sha256", out.built.manifest_sha256},
      {"signature", HexEncode(key.Sign(out.manifest))},
  });
  return out;
}

Result<void> AddAll(ZipWriter& zip, const PackageInput& in, Prepared& p) {
  zip.SetTime(static_cast<std::time_t>(in.created / 1000000));
  ECRN_TRY(zip.AddBytes(kManifestFile, std::move(p.manifest)));
  ECRN_TRY(zip.AddBytes(kSignatureFile, std::move(p.signature_json)));
  ECRN_TRY(zip.AddBytes(kReportFile, std::move(p.pdf)));
  ECRN_TRY(zip.AddBytes(kCustodyFile, std::move(p.custody_json)));
  ECRN_TRY(zip.AddBytes(kTimelineFile, std::move(p.timeline_json)));
  for (size_t i = 0; i < in.evidence.size(); ++i) {
    const EvidenceItem& e = in.evidence[i];
    StreamedEntry s;
    s.name = p.evidence_paths[i];
    s.data = e.data;
    s.path = e.path;
    s.expected_sha256 = e.sha256;
    s.expected_size = e.size;
    s.label = "evidence " + e.evidence_id + " (" + e.file_name + ")";
    ECRN_TRY(zip.AddStreamed(std::move(s)));
  }
  return Ok();
}

}  // namespace

Result<BuiltPackage> BuildPackageBytes(const PackageInput& input, const SigningKey& key,
                                       std::string* zip) {
  ECRN_ASSIGN_OR_RETURN(Prepared p, Prepare(input, key));
  ECRN_ASSIGN_OR_RETURN(auto writer, ZipWriter::ToMemory());
  ECRN_TRY(AddAll(*writer, input, p));
  ECRN_ASSIGN_OR_RETURN(*zip, writer->CloseToBytes());
  p.built.sha256 = Sha256Of(*zip);
  p.built.size = static_cast<int64_t>(zip->size());
  return std::move(p.built);
}

Result<BuiltPackage> BuildPackageFile(const PackageInput& input, const SigningKey& key,
                                      const std::filesystem::path& out) {
  ECRN_ASSIGN_OR_RETURN(Prepared p, Prepare(input, key));
  ECRN_ASSIGN_OR_RETURN(auto writer, ZipWriter::ToFile(out));
  ECRN_TRY(AddAll(*writer, input, p));
  ECRN_TRY(writer->Close());
  // Hash what was written, streaming.
  FILE* f = std::fopen(out.c_str(), "rb");
  if (!f) return Error::Internal("cannot read back the package " + out.string());
  Sha256Stream hash;
  std::string buffer(1 << 16, '\0');
  int64_t size = 0;
  for (size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0;) {
    hash.Update(std::string_view(buffer.data(), n));
    size += static_cast<int64_t>(n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Error::Internal("cannot read back the package " + out.string());
  p.built.sha256 = hash.FinishHex();
  p.built.size = size;
  return std::move(p.built);
}

std::string EvidencePath(std::string_view evidence_id, std::string_view file_name) {
  std::string id;
  for (char c : evidence_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    id.push_back(ok ? c : '_');
  }
  if (id.size() > 64) id.resize(64);
  std::string name;
  for (char c : AuditSafeText(file_name)) {
    const auto u = static_cast<unsigned char>(c);
    const bool bad = u < 0x20 || u == 0x7f || c == '/' || c == '\\' || c == ':';
    name.push_back(bad ? '_' : c);
  }
  while (!name.empty() && (name.front() == '.' || name.front() == ' ')) name.erase(0, 1);
  if (name.size() > kMaxNameBytes) {
    size_t end = kMaxNameBytes;
    while (end > 0 && (static_cast<unsigned char>(name[end]) & 0xc0) == 0x80) --end;
    name.resize(end);
  }
  if (name.empty()) name = "file";
  return "evidence/" + id + "-" + name;
}

bool SafeZipName(std::string_view name) {
  if (name.empty() || name.size() > 255 || !AuditTextIsValid(name)) return false;
  size_t start = 0;
  for (;;) {
    const size_t slash = name.find('/', start);
    const std::string_view seg = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (char c : seg) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f || c == '\\' || c == ':') return false;
    }
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace ecrn::evidence
