// Crime-report packages (issue 5): a zip a hub hands to criminal-justice
// authorities, holding a signed machine-readable manifest, a PDF report, the
// evidence files, the custody log and the case timeline; and the offline
// verifier behind `ecrn evidence verify`. The input is plain values (no
// Store): the caller (REST) loads the case, its two hash chains and its
// evidence and passes them in. Pure apart from reading evidence files named
// by path and writing the output file; thread-safe (no shared state).
//
// Package layout (format 1):
//   manifest.json          what the package holds (see docs in package.cpp)
//   signature.json         {"algorithm":"Ed25519","public_key":hex,
//                           "signed_file":"manifest.json","signature":hex}
//   report.pdf             the human-readable report
//   custody.json           the case's custody log (AuditEntry chain)
//   timeline.json          the case's timeline (AuditEntry chain)
//   evidence/<id>-<name>   each evidence file, name made safe
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/result.hpp"
#include "ecrn/core/time.hpp"
#include "ecrn/evidence/signing.hpp"

namespace ecrn::evidence {

inline constexpr int kPackageFormatVersion = 1;

// The custody-log convention the package relies on: each evidence file has
// an acquisition entry with this action, target kEvidenceTargetPrefix + its
// evidence id, and a JSON-object detail holding at least "sha256" (the hash
// computed at acquisition, lower-case hex) and "size" (bytes).
inline constexpr std::string_view kAcquireAction = "evidence.acquire";
inline constexpr std::string_view kEvidenceTargetPrefix = "evidence:";

// What the report says about the case.
struct IncidentSummary {
  std::string stix_id;  // "incident--<uuid>"
  std::string title;
  std::string description;
  std::string category;
  std::string severity;
  std::string status;
  std::string tlp;  // e.g. "amber"
  std::optional<Micros> detected;
  std::optional<Micros> started;
  std::string election;  // may be ""
  std::string phase;     // election phase token, may be ""
  // Further fields shown as "key: value" (affected systems, impact, ...).
  std::map<std::string, std::string> extras;
};

// One evidence file to include. Its bytes come from `data` (the caller keeps
// them alive until BuildPackage returns) or, when `path` is set, are
// streamed from that file. BuildPackage checks them against sha256 and size.
struct EvidenceItem {
  std::string evidence_id;  // unique within the case (store id or uuid)
  std::string file_name;    // as uploaded; made safe for the zip
  std::string media_type;
  std::string description;
  Micros acquired = 0;
  std::string acquired_by;  // who acquired it (user and organisation, display text)
  std::string sha256;       // lower-case hex, computed at acquisition
  int64_t size = 0;
  std::string_view data;
  std::optional<std::filesystem::path> path;
};

struct PackageInput {
  std::string hub;           // the hub's name
  std::string package_uuid;  // a UUID the caller assigns
  Micros created = 0;
  std::string sender_org;
  std::string recipient_org;
  IncidentSummary incident;
  std::vector<AuditEntry> timeline;  // the whole chain, seq 1..n
  std::vector<AuditEntry> custody;   // the whole chain, seq 1..n
  std::vector<EvidenceItem> evidence;
};

// What BuildPackage made.
struct BuiltPackage {
  std::string manifest_json;  // the signed manifest bytes, as in the zip
  std::string manifest_sha256;
  std::string content_digest;  // see VerifyReport::content_digest
  std::string public_key_hex;
  std::string sha256;  // of the whole zip
  int64_t size = 0;    // of the whole zip
  int report_pages = 0;
};

// Builds the package into `out` (written through a temporary file in the
// same folder, then renamed). Fails with kInvalidArgument when the input is
// inconsistent (a chain that does not verify, evidence whose bytes do not
// match its sha256/size or that has no acquisition entry, duplicate
// evidence ids, text that is not UTF-8), kInternal when the file cannot be
// written or the PDF cannot be rendered.
Result<BuiltPackage> BuildPackageFile(const PackageInput& input, const SigningKey& key,
                                      const std::filesystem::path& out);
// The same, returning the zip bytes (owned by the caller) in `*zip`.
Result<BuiltPackage> BuildPackageBytes(const PackageInput& input, const SigningKey& key,
                                       std::string* zip);

// Reading limits against hostile packages (zip bombs).
struct ReadLimits {
  int64_t max_entries = 10000;
  int64_t max_total_bytes = int64_t{8} << 30;   // uncompressed, over all entries
  int64_t max_json_bytes = int64_t{256} << 20;  // manifest, signature, custody, timeline
};

struct VerifiedFile {
  std::string path;
  std::string sha256;
  int64_t size = 0;
};

// The outcome of a verification. `valid` is false when anything does not
// match; `problem` then names the first thing that did not, starting with
// the file it is in ("evidence/3-log.txt: SHA-256 is ab12… but the manifest
// says 9f0e…"), and `problem_file` is that file ("" for the zip itself).
struct VerifyReport {
  bool valid = false;
  std::string problem;
  std::string problem_file;
  // What the package says (filled as far as it could be read).
  std::string package_uuid;
  std::string hub;
  std::string created;  // RFC 3339
  std::string sender_org;
  std::string recipient_org;
  std::string incident_id;
  std::string incident_title;
  std::string public_key_hex;  // the key the package is signed with
  bool key_pinned = false;     // a pinned key was given (and matched, when valid)
  std::string manifest_sha256;
  // SHA-256 over "path sha256 size\n" of every listed file except
  // report.pdf, in manifest order: printed in the PDF, so a reader of the
  // paper report can match it to this verification.
  std::string content_digest;
  int64_t custody_entries = 0;
  std::string custody_head;
  int64_t timeline_entries = 0;
  std::string timeline_head;
  std::vector<VerifiedFile> files;  // checked files, in manifest order
};

// Verifies a package offline: the signature over manifest.json (by the
// pinned key when given: 64 hex digits), every listed file present with the
// right size and SHA-256, no unlisted file, each evidence file's hash equal
// to its acquisition hash in the manifest and in the custody log, both
// chains recomputed (AuditEntryHash, links, seq without gaps, heads and
// counts as the manifest says). Anything wrong with the package is a report
// with valid == false; the Error is only for a file that cannot be read
// (kNotFound / kInternal) or a malformed pinned key (kInvalidArgument).
Result<VerifyReport> VerifyPackageFile(const std::filesystem::path& path,
                                       std::optional<std::string_view> pinned_key_hex = {},
                                       const ReadLimits& limits = {});
// The same over bytes in memory (not copied; must outlive the call).
Result<VerifyReport> VerifyPackageBytes(std::string_view zip,
                                        std::optional<std::string_view> pinned_key_hex = {},
                                        const ReadLimits& limits = {});

// The zip path of an evidence file: "evidence/<id>-<name>" with the id and
// name reduced to safe characters (no separators, no "..", no control
// characters, valid UTF-8, at most 120 bytes of name).
std::string EvidencePath(std::string_view evidence_id, std::string_view file_name);

// True when `name` is a safe path inside a package: relative, "/"-separated,
// no empty, "." or ".." segment, no backslash, control character or ':',
// valid UTF-8, at most 255 bytes.
bool SafeZipName(std::string_view name);

}  // namespace ecrn::evidence
