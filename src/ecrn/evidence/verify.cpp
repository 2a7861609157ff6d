// VerifyPackageFile / VerifyPackageBytes: the offline check behind
// `ecrn evidence verify`. Each step stops at the first thing that does not
// match and names it, starting with the file it is in.
#include <map>
#include <set>

#include <boost/json.hpp>

#include "ecrn/evidence/chain_json.hpp"
#include "ecrn/evidence/json_fields.hpp"
#include "ecrn/evidence/manifest.hpp"
#include "ecrn/evidence/package.hpp"
#include "ecrn/evidence/zip_archive.hpp"

namespace ecrn::evidence {
namespace json = boost::json;

namespace {

// A file the manifest lists.
struct Listed {
  std::string path;
  std::string role;
  std::string sha256;
  int64_t size = 0;
  std::string evidence_id;         // evidence only
  std::string acquisition_sha256;  // evidence only
};

// The manifest's head of a chain.
struct Head {
  int64_t entries = 0;
  std::string hash;
};

std::string Short(std::string_view text) { return AuditSafeText(text.substr(0, 200)); }

class Verifier {
 public:
  Verifier(ZipReader& zip, std::optional<std::string> pinned, const ReadLimits& limits)
      : zip_(zip), pinned_(std::move(pinned)), limits_(limits) {}

  VerifyReport Run() {
    report_.key_pinned = pinned_.has_value();
    report_.valid = Check();
    return std::move(report_);
  }

 private:
  bool Problem(std::string_view file, std::string message) {
    report_.problem_file = std::string(file);
    report_.problem = file.empty() ? "package: " + message : std::string(file) + ": " + message;
    return false;
  }
  // A problem at one entry of a chain file: "custody.json entry 4: ...".
  bool EntryProblem(std::string_view file, const std::string& entry_problem) {
    Problem(file, "");
    report_.problem = std::string(file) + " " + entry_problem;
    return false;
  }

  bool Check() {
    return Directory() && Signature() && Manifest() && Files() &&
           Chain(kCustodyFile, "custody", custody_head_, &custody_) &&
           Chain(kTimelineFile, "timeline", timeline_head_, nullptr) && Acquisitions() && Digest();
  }

  // The zip's entries: safe, unique names within the limits.
  bool Directory() {
    auto entries = zip_.Entries(limits_.max_entries);
    if (!entries) return Problem("", entries.error().message);
    int64_t total = 0;
    for (ZipEntry& e : *entries) {
      if (!SafeZipName(e.name)) {
        return Problem(Short(e.name),
                       "unsafe file name in the package (absolute, \"..\", "
                       "backslash, control character or not UTF-8)");
      }
      if (e.size > limits_.max_total_bytes - total) {
        return Problem("", "the files hold more than the limit of " +
                               std::to_string(limits_.max_total_bytes) + " bytes uncompressed");
      }
      total += e.size;
      const std::string name = e.name;
      if (!entries_.emplace(name, std::move(e)).second) {
        return Problem(name, "appears twice in the package");
      }
    }
    return true;
  }

  // Reads a small listed-or-fixed file whole.
  std::optional<std::string> ReadSmall(std::string_view name) {
    auto it = entries_.find(std::string(name));
    if (it == entries_.end()) {
      Problem(name, "missing from the package");
      return std::nullopt;
    }
    auto bytes = zip_.ReadAll(it->second, limits_.max_json_bytes);
    if (!bytes) {
      Problem(name, "cannot be read from the zip (" + bytes.error().message + ")");
      return std::nullopt;
    }
    return std::move(*bytes);
  }

  bool Signature() {
    auto manifest = ReadSmall(kManifestFile);
    if (!manifest) return false;
    manifest_ = std::move(*manifest);
    report_.manifest_sha256 = Sha256Of(manifest_);
    auto sig_text = ReadSmall(kSignatureFile);
    if (!sig_text) return false;
    auto sig_doc = ParseJsonObject(*sig_text);
    if (!sig_doc) return Problem(kSignatureFile, sig_doc.error().message);
    const json::object& sig = sig_doc->as_object();
    std::string algorithm, key_hex, signed_file, manifest_sha, signature_hex;
    for (auto [key, out] :
         {std::pair{"algorithm", &algorithm}, std::pair{"public_key", &key_hex},
          std::pair{"signed_file", &signed_file}, std::pair{"manifest_sha256", &manifest_sha},
          std::pair{"signature", &signature_hex}}) {
      auto v = StringField(sig, key, "");
      if (!v) return Problem(kSignatureFile, v.error().message);
      *out = std::move(*v);
    }
    if (algorithm != kSignatureAlgorithm) {
      return Problem(kSignatureFile, "algorithm is \"" + Short(algorithm) + "\", not Ed25519");
    }
    if (signed_file != kManifestFile) {
      return Problem(kSignatureFile, "signs \"" + Short(signed_file) + "\", not manifest.json");
    }
    const auto key = HexDecode(key_hex);
    if (!key || key->size() != kPublicKeyBytes) {
      return Problem(kSignatureFile, "public_key is not 64 hex digits");
    }
    report_.public_key_hex = HexEncode(*key);
    const auto signature = HexDecode(signature_hex);
    if (!signature || signature->size() != kSignatureBytes) {
      return Problem(kSignatureFile, "signature is not 128 hex digits");
    }
    if (pinned_ && *pinned_ != report_.public_key_hex) {
      return Problem(kSignatureFile, "the package is signed with key " + report_.public_key_hex +
                                         ", not the pinned key " + *pinned_);
    }
    if (!VerifySignature(*key, manifest_, *signature)) {
      if (manifest_sha != report_.manifest_sha256) {
        return Problem(kManifestFile,
                       "signature does not verify with the package key: its "
                       "SHA-256 is " +
                           report_.manifest_sha256 + " but signature.json says " +
                           Short(manifest_sha) + " (changed after signing)");
      }
      return Problem(kSignatureFile, "the signature does not verify over manifest.json with key " +
                                         report_.public_key_hex + " (the signature was changed)");
    }
    if (manifest_sha != report_.manifest_sha256) {
      return Problem(kSignatureFile, "manifest_sha256 is " + Short(manifest_sha) +
                                         " but manifest.json's SHA-256 is " +
                                         report_.manifest_sha256);
    }
    return true;
  }

  bool ManifestProblem(const Error& e) { return Problem(kManifestFile, e.message); }

  bool ReadHead(const json::object& m, std::string_view key, Head* head) {
    auto o = ObjectField(m, key, "");
    if (!o) return ManifestProblem(o.error());
    const std::string where = std::string(key) + ": ";
    auto n = IntField(**o, "entries", where);
    if (!n) return ManifestProblem(n.error());
    auto h = StringField(**o, "head", where);
    if (!h) return ManifestProblem(h.error());
    head->entries = *n;
    head->hash = std::move(*h);
    return true;
  }

  bool Manifest() {
    auto doc = ParseJsonObject(manifest_);
    if (!doc) return ManifestProblem(doc.error());
    const json::object& m = doc->as_object();
    auto format = StringField(m, "format", "");
    if (!format) return ManifestProblem(format.error());
    if (*format != kFormatName) return Problem(kManifestFile, "not an ECRN crime-report package");
    auto version = IntField(m, "format_version", "");
    if (!version) return ManifestProblem(version.error());
    if (*version != kPackageFormatVersion) {
      return Problem(kManifestFile, "format_version " + std::to_string(*version) +
                                        " is not one this verifier knows (1)");
    }
    for (auto [key, out] :
         {std::pair{"package", &report_.package_uuid}, std::pair{"hub", &report_.hub},
          std::pair{"created", &report_.created}, std::pair{"content_digest", &content_digest_}}) {
      auto v = StringField(m, key, "");
      if (!v) return ManifestProblem(v.error());
      *out = std::move(*v);
    }
    for (auto [key, out] : {std::pair{"sender", &report_.sender_org},
                            std::pair{"recipient", &report_.recipient_org}}) {
      auto o = ObjectField(m, key, "");
      if (!o) return ManifestProblem(o.error());
      auto v = StringField(**o, "organisation", std::string(key) + ": ");
      if (!v) return ManifestProblem(v.error());
      *out = std::move(*v);
    }
    auto incident = ObjectField(m, "incident", "");
    if (!incident) return ManifestProblem(incident.error());
    for (auto [key, out] :
         {std::pair{"id", &report_.incident_id}, std::pair{"title", &report_.incident_title}}) {
      auto v = StringField(**incident, key, "incident: ");
      if (!v) return ManifestProblem(v.error());
      *out = std::move(*v);
    }
    auto signing = ObjectField(m, "signing_key", "");
    if (!signing) return ManifestProblem(signing.error());
    auto key = StringField(**signing, "public_key", "signing_key: ");
    if (!key) return ManifestProblem(key.error());
    if (*key != report_.public_key_hex) {
      return Problem(kManifestFile, "names signing key " + Short(*key) + " but is signed with " +
                                        report_.public_key_hex);
    }
    if (!ReadHead(m, "custody", &custody_head_) || !ReadHead(m, "timeline", &timeline_head_)) {
      return false;
    }
    const json::value* files = m.if_contains("files");
    if (!files || !files->is_array()) {
      return Problem(kManifestFile, "\"files\" is missing or not a list");
    }
    std::set<std::string> seen;
    for (const json::value& v : files->as_array()) {
      if (!v.is_object()) return Problem(kManifestFile, "an entry of \"files\" is not an object");
      const json::object& f = v.as_object();
      Listed l;
      const std::string where = "files: ";
      for (auto [k, out] : {std::pair{"path", &l.path}, std::pair{"role", &l.role},
                            std::pair{"sha256", &l.sha256}}) {
        auto s = StringField(f, k, where);
        if (!s) return ManifestProblem(s.error());
        *out = std::move(*s);
      }
      auto size = IntField(f, "size", where + l.path + ": ");
      if (!size) return ManifestProblem(size.error());
      l.size = *size;
      if (!SafeZipName(l.path) || l.path == kManifestFile || l.path == kSignatureFile) {
        return Problem(kManifestFile, "lists an unsafe or reserved path \"" + Short(l.path) + "\"");
      }
      if (!seen.insert(l.path).second) {
        return Problem(kManifestFile, "lists " + l.path + " twice");
      }
      const std::string expected_path = l.role == "report"     ? std::string(kReportFile)
                                        : l.role == "custody"  ? std::string(kCustodyFile)
                                        : l.role == "timeline" ? std::string(kTimelineFile)
                                                               : std::string();
      if (l.role == "evidence") {
        if (l.path.rfind("evidence/", 0) != 0) {
          return Problem(kManifestFile, "evidence file " + l.path + " is not under evidence/");
        }
        const std::string ewhere = where + l.path + ": ";
        auto id = StringField(f, "evidence_id", ewhere);
        if (!id) return ManifestProblem(id.error());
        auto acq = StringField(f, "acquisition_sha256", ewhere);
        if (!acq) return ManifestProblem(acq.error());
        l.evidence_id = std::move(*id);
        l.acquisition_sha256 = std::move(*acq);
      } else if (expected_path.empty() || expected_path != l.path) {
        return Problem(kManifestFile,
                       "lists " + l.path + " with the unknown role \"" + Short(l.role) + "\"");
      }
      listed_.push_back(std::move(l));
    }
    for (std::string_view required : {kReportFile, kCustodyFile, kTimelineFile}) {
      if (!seen.count(std::string(required))) {
        return Problem(kManifestFile, "does not list " + std::string(required));
      }
    }
    return true;
  }

  bool Files() {
    for (const Listed& l : listed_) {
      if (!entries_.count(l.path)) {
        return Problem(l.path, "listed in manifest.json but missing from the package");
      }
    }
    std::set<std::string_view> listed;
    for (const Listed& l : listed_) listed.insert(l.path);
    for (const auto& [name, entry] : entries_) {
      if (name == kManifestFile || name == kSignatureFile) continue;
      if (!listed.count(name)) {
        return Problem(name, "in the package but not listed in manifest.json");
      }
    }
    int64_t budget = limits_.max_total_bytes;
    for (const Listed& l : listed_) {
      const ZipEntry& entry = entries_.at(l.path);
      const bool keep = l.role == "custody" || l.role == "timeline" || l.role == "report";
      const int64_t limit = keep ? std::min(budget, limits_.max_json_bytes) : budget;
      Sha256Stream hash;
      int64_t size = 0;
      std::string head;  // the first bytes (PDF magic)
      std::string kept;
      auto read = zip_.Read(entry, limit, [&](std::string_view chunk) {
        hash.Update(chunk);
        size += static_cast<int64_t>(chunk.size());
        if (head.size() < 8) head.append(chunk.substr(0, 8 - head.size()));
        if (l.role != "report" && keep) kept.append(chunk);
      });
      if (!read)
        return Problem(l.path, "cannot be read from the zip (" + read.error().message + ")");
      budget -= size;
      const std::string sha = hash.FinishHex();
      VerifiedFile verified{l.path, sha, size};
      if (size != l.size || sha != l.sha256) {
        // A changed chain file: name the entry when the chain itself shows it.
        if (l.role == "custody" || l.role == "timeline") {
          auto chain = ParseChainDocument(kept);
          if (chain) {
            if (auto p = ChainProblem(chain->entries)) {
              return EntryProblem(l.path, *p + " (the file's SHA-256 is " + sha +
                                              " but the manifest says " + Short(l.sha256) + ")");
            }
          }
        }
        if (size != l.size) {
          return Problem(l.path, "size is " + std::to_string(size) +
                                     " bytes but the manifest says " + std::to_string(l.size));
        }
        return Problem(l.path, "SHA-256 is " + sha + " but the manifest says " + Short(l.sha256));
      }
      if (l.role == "evidence" && l.acquisition_sha256 != sha) {
        return Problem(kManifestFile, l.path + " has SHA-256 " + sha +
                                          " but its acquisition hash is " +
                                          Short(l.acquisition_sha256));
      }
      if (l.role == "report" && head.rfind("%PDF-", 0) != 0) {
        return Problem(l.path, "not a PDF document");
      }
      if (l.role == "custody") custody_text_ = std::move(kept);
      if (l.role == "timeline") timeline_text_ = std::move(kept);
      report_.files.push_back(std::move(verified));
    }
    return true;
  }

  bool Chain(std::string_view file, std::string_view log, const Head& head,
             std::vector<AuditEntry>* keep) {
    auto chain = ParseChainDocument(log == "custody" ? custody_text_ : timeline_text_);
    if (!chain) return Problem(file, chain.error().message);
    if (chain->log != log) return Problem(file, "is the " + Short(chain->log) + " log");
    if (chain->incident_id != report_.incident_id) {
      return Problem(file, "belongs to incident " + Short(chain->incident_id) + ", not " +
                               report_.incident_id);
    }
    if (auto p = ChainProblem(chain->entries)) return EntryProblem(file, *p);
    const auto n = static_cast<int64_t>(chain->entries.size());
    const std::string last = chain->entries.empty() ? "" : chain->entries.back().hash;
    if (n != head.entries || last != head.hash) {
      return Problem(file, "has " + std::to_string(n) + " entries ending in \"" + last +
                               "\", but the manifest says " + std::to_string(head.entries) +
                               " ending in \"" + Short(head.hash) + "\"");
    }
    if (log == "custody") {
      report_.custody_entries = n;
      report_.custody_head = last;
    } else {
      report_.timeline_entries = n;
      report_.timeline_head = last;
    }
    if (keep) *keep = std::move(chain->entries);
    return true;
  }

  // Each evidence file's hash equals the one its custody acquisition entry recorded.
  bool Acquisitions() {
    const auto acquisitions = FirstAcquisitions(custody_);
    for (const Listed& l : listed_) {
      if (l.role != "evidence") continue;
      const auto found = acquisitions.find(std::string(kEvidenceTargetPrefix) + l.evidence_id);
      const AuditEntry* acq = found == acquisitions.end() ? nullptr : found->second;
      if (!acq) {
        return Problem(kCustodyFile, "no acquisition entry (" + std::string(kAcquireAction) +
                                         ") for evidence " + Short(l.evidence_id));
      }
      const std::string where = "entry " + std::to_string(acq->seq) + ": ";
      auto detail = ParseJsonObject(acq->detail);
      if (!detail) return EntryProblem(kCustodyFile, where + "detail is " + detail.error().message);
      auto sha = StringField(detail->as_object(), "sha256", where + "detail ");
      if (!sha) return EntryProblem(kCustodyFile, sha.error().message);
      if (*sha != l.sha256) {
        return EntryProblem(kCustodyFile, where + "evidence " + Short(l.evidence_id) +
                                              " was acquired with SHA-256 " + Short(*sha) +
                                              " but " + l.path + " has " + l.sha256);
      }
    }
    return true;
  }

  bool Digest() {
    std::vector<DigestLine> lines;
    for (const Listed& l : listed_) {
      if (l.role != "report") lines.push_back({l.path, l.sha256, l.size});
    }
    report_.content_digest = ContentDigest(lines);
    if (report_.content_digest != content_digest_) {
      return Problem(kManifestFile, "content_digest is " + Short(content_digest_) +
                                        " but the listed files give " + report_.content_digest);
    }
    return true;
  }

  ZipReader& zip_;
  std::optional<std::string> pinned_;
  ReadLimits limits_;
  VerifyReport report_;
  std::map<std::string, ZipEntry> entries_;
  std::string manifest_;
  std::string content_digest_;
  Head custody_head_;
  Head timeline_head_;
  std::vector<Listed> listed_;
  std::string custody_text_;
  std::string timeline_text_;
  std::vector<AuditEntry> custody_;
};

Result<std::optional<std::string>> PinnedKey(std::optional<std::string_view> hex) {
  if (!hex) return std::optional<std::string>();
  auto key = HexDecode(*hex);
  if (!key || key->size() != kPublicKeyBytes) {
    return Error::Invalid("the pinned key must be 64 hex digits (an Ed25519 public key)");
  }
  return std::optional<std::string>(HexEncode(*key));
}

Result<VerifyReport> VerifyOpened(Result<std::unique_ptr<ZipReader>> zip,
                                  std::optional<std::string> pinned, const ReadLimits& limits) {
  if (!zip) {
    if (zip.error().code == ErrorCode::kNotFound) return std::move(zip).error();
    VerifyReport report;
    report.key_pinned = pinned.has_value();
    report.problem = "package: " + zip.error().message;
    return report;
  }
  return Verifier(**zip, std::move(pinned), limits).Run();
}

}  // namespace

Result<VerifyReport> VerifyPackageFile(const std::filesystem::path& path,
                                       std::optional<std::string_view> pinned_key_hex,
                                       const ReadLimits& limits) {
  ECRN_ASSIGN_OR_RETURN(auto pinned, PinnedKey(pinned_key_hex));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error::NotFound("cannot read " + path.string() + ": no such file");
  }
  return VerifyOpened(ZipReader::OpenFile(path), std::move(pinned), limits);
}

Result<VerifyReport> VerifyPackageBytes(std::string_view zip,
                                        std::optional<std::string_view> pinned_key_hex,
                                        const ReadLimits& limits) {
  ECRN_ASSIGN_OR_RETURN(auto pinned, PinnedKey(pinned_key_hex));
  return VerifyOpened(ZipReader::OpenBytes(zip), std::move(pinned), limits);
}

}  // namespace ecrn::evidence
