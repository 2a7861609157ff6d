// The PDF report: Cyrillic, Georgian and Armenian render without missing
// glyphs, long text wraps onto numbered pages, and the text can be found
// back in the PDF (pdftotext, from poppler-utils).
#include "ecrn/evidence/report_pdf.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/evidence_sample.hpp"
#include "testing/testing.hpp"

namespace ecrn::evidence {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kGeorgian = "ცენტრალური საარჩევნო კომისია";
constexpr const char* kArmenian = "Կենտրոնական ընտրական հանձնաժողով";
constexpr const char* kCyrillic = "Центральна виборча комісія";

ReportFacts FactsFor(const PackageInput& in) {
  ReportFacts facts;
  facts.public_key_hex = std::string(64, 'a');
  facts.content_digest = std::string(64, 'b');
  for (const auto& e : in.evidence)
    facts.evidence_paths.push_back(EvidencePath(e.evidence_id, e.file_name));
  return facts;
}

// The text pdftotext finds in `pdf`.
std::string PdfText(const std::string& pdf) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("r.pdf"), pdf);
  auto run = testing::Run({"pdftotext", "-enc", "UTF-8", dir.File("r.pdf"), "-"});
  EXPECT_EQ(run.exit_code, 0) << "pdftotext (poppler-utils, scripts/install-deps): " << run.err;
  return run.out;
}

TEST(ReportPdf, ScriptsOfTheRegionHaveGlyphs) {
  EXPECT_EQ(UnknownGlyphs(kGeorgian), 0);
  EXPECT_EQ(UnknownGlyphs(kArmenian), 0);
  EXPECT_EQ(UnknownGlyphs(kCyrillic), 0);
  EXPECT_EQ(UnknownGlyphs("Latin, digits 0123, ‘quotes’ — dash"), 0);
  // The check can fail: a private-use character no font has.
  EXPECT_GT(UnknownGlyphs("x \xf4\x8f\xbf\xbd y"), 0);
}

TEST(ReportPdf, RendersTheCaseWithEveryScript) {
  auto sample = testing::MakeSamplePackage();
  sample->input.incident.title = kGeorgian;
  sample->input.incident.extras["Armenian"] = kArmenian;
  auto report = RenderReport(sample->input, FactsFor(sample->input));
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_THAT(report->pdf, StartsWith("%PDF-"));
  EXPECT_EQ(report->unknown_glyphs, 0);
  EXPECT_GE(report->pages, 1);

  const std::string text = PdfText(report->pdf);
  EXPECT_THAT(text, HasSubstr(kGeorgian));
  EXPECT_THAT(text, HasSubstr(kArmenian));
  EXPECT_THAT(text, HasSubstr("Кіберполіція України"));
  EXPECT_THAT(text, HasSubstr(sample->input.evidence[0].sha256));
  EXPECT_THAT(text, HasSubstr(std::string(64, 'a')));  // the key
  EXPECT_THAT(text, HasSubstr("evidence.acquire"));
  EXPECT_THAT(text, HasSubstr("page 1 of " + std::to_string(report->pages)));
  EXPECT_THAT(text, HasSubstr("TLP:AMBER"));
}

TEST(ReportPdf, LongTextWrapsOntoNumberedPages) {
  auto sample = testing::MakeSamplePackage();
  std::string description;
  for (int i = 0; i < 400; ++i) description += std::string(kGeorgian) + " " + kCyrillic + " ";
  description += "THE-END-MARKER";
  sample->input.incident.description = description;
  std::vector<AuditRecord> records;
  for (int i = 0; i < 150; ++i) {
    records.push_back(testing::SampleRecord(testing::kSampleTime + i, "analyst", "incident.comment",
                                            "x", R"({"text":")" + std::string(500, 'w') + "\"}"));
  }
  sample->input.timeline = testing::ChainOf(records);
  auto report = RenderReport(sample->input, FactsFor(sample->input));
  ASSERT_TRUE(report.ok()) << report.error().ToString();
  EXPECT_GE(report->pages, 5);
  EXPECT_EQ(report->unknown_glyphs, 0);
  const std::string text = PdfText(report->pdf);
  const std::string last =
      "page " + std::to_string(report->pages) + " of " + std::to_string(report->pages);
  EXPECT_THAT(text, HasSubstr(last));
  EXPECT_THAT(text, HasSubstr("THE-END-MARKER"));
  // Every timeline entry made it (the last one by its sequence number row).
  EXPECT_THAT(text, HasSubstr("150"));
}

TEST(ReportPdf, MissingGlyphsAreCounted) {
  auto sample = testing::MakeSamplePackage();
  sample->input.incident.title = "x \xf4\x8f\xbf\xbd y";
  auto report = RenderReport(sample->input, FactsFor(sample->input));
  ASSERT_TRUE(report.ok());
  EXPECT_GT(report->unknown_glyphs, 0);
}

}  // namespace
}  // namespace ecrn::evidence
