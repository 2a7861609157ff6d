// Private to evidence/: the names and roles of a package's files and the
// content digest, shared by building and verifying. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecrn::evidence {

inline constexpr std::string_view kManifestFile = "manifest.json";
inline constexpr std::string_view kSignatureFile = "signature.json";
inline constexpr std::string_view kReportFile = "report.pdf";
inline constexpr std::string_view kCustodyFile = "custody.json";
inline constexpr std::string_view kTimelineFile = "timeline.json";
inline constexpr std::string_view kFormatName = "ecrn-crime-report-package";
inline constexpr std::string_view kSignatureAlgorithm = "Ed25519";

// One listed file as the content digest sees it.
struct DigestLine {
  std::string path;
  std::string sha256;
  int64_t size = 0;
};

// SHA-256 (hex) over "path sha256 size\n" for each line, in order.
std::string ContentDigest(const std::vector<DigestLine>& lines);

// The hex SHA-256 of `bytes`.
std::string Sha256Of(std::string_view bytes);

}  // namespace ecrn::evidence
