// The human-readable report of a crime-report package: a multi-page A4 PDF
// drawn with Cairo and Pango (DejaVu fonts, so Latin, Cyrillic, Georgian and
// Armenian text render), with the case summary, evidence and their hashes,
// the timeline, the custody log and the integrity facts. Thread-safe: each
// call has its own Cairo surface and Pango layouts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/evidence/package.hpp"

namespace ecrn::evidence {

// What the builder computed that the report shows.
struct ReportFacts {
  std::string public_key_hex;
  std::string content_digest;
  std::vector<std::string> evidence_paths;  // the zip path of each input.evidence item
};

struct RenderedReport {
  std::string pdf;         // the document (owned by the caller)
  int pages = 0;           // at least 1
  int unknown_glyphs = 0;  // characters no installed font could show (0 when all rendered)
};

// Renders the report. kInternal when Cairo fails.
Result<RenderedReport> RenderReport(const PackageInput& input, const ReportFacts& facts);

// How many characters of `text` the report's fonts cannot show (Pango's
// unknown glyphs when laid out in the body font): 0 means it renders.
int UnknownGlyphs(std::string_view text);

}  // namespace ecrn::evidence
