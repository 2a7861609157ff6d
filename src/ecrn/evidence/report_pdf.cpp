#include "ecrn/evidence/report_pdf.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "ecrn/core/audit_chain.hpp"
#include "ecrn/core/time.hpp"

namespace ecrn::evidence {
namespace {

// A4 in points, margins, and the fonts.
constexpr double kPageWidth = 595.276;
constexpr double kPageHeight = 841.89;
constexpr double kMargin = 50;
constexpr double kTop = kMargin + 18;              // below the running header
constexpr double kBottom = kPageHeight - kMargin;  // above the footer
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr const char* kBody = "DejaVu Sans 9";
constexpr const char* kBold = "DejaVu Sans Bold 9";
constexpr const char* kSmall = "DejaVu Sans 7.5";
constexpr const char* kMono = "DejaVu Sans Mono 7.5";
constexpr const char* kHeading = "DejaVu Sans Bold 12";
constexpr const char* kTitle = "DejaVu Sans Bold 16";
// Table cells longer than this are cut (the full text is in the JSON files).
constexpr size_t kMaxCellBytes = 600;

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct GObjectDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;

// A Pango context for `cr` at 72 dpi, so that font sizes are in points (one
// point per PDF unit); Pango's default of 96 dpi would enlarge them by 4/3.
std::unique_ptr<PangoContext, GObjectDeleter> NewContext(cairo_t* cr) {
  std::unique_ptr<PangoContext, GObjectDeleter> context(pango_cairo_create_context(cr));
  pango_cairo_context_set_resolution(context.get(), 72);
  return context;
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// `text` cut to at most `max` bytes on a UTF-8 boundary, with "…" when cut.
std::string Cut(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string When(std::optional<Micros> t) { return t ? FormatTimestamp(*t, 0) : "—"; }

// One pass over the document: lays out everything, and draws it when `draw`
// (the first pass only counts the pages).
class Document {
 public:
  Document(cairo_t* cr, bool draw, int total_pages, std::string footer, std::string header)
      : cr_(cr),
        context_(NewContext(cr)),
        draw_(draw),
        total_pages_(total_pages),
        footer_(std::move(footer)),
        header_(std::move(header)) {
    StartPage();
  }

  int pages() const { return page_; }
  int unknown_glyphs() const { return unknown_glyphs_; }

  void Finish() { EndPage(); }

  void Title(const std::string& text) { Block(text, kTitle, 0, kContentWidth, 6); }
  void Heading(const std::string& text) {
    if (y_ + 40 > kBottom) NewPage();  // keep a heading with what follows
    y_ += 8;
    Block(text, kHeading, 0, kContentWidth, 4);
  }
  void Paragraph(const std::string& text, const char* font = kBody) {
    Block(text, font, 0, kContentWidth, 4);
  }

  // A row of cells side by side; the row moves to the next page whole when
  // it does not fit (cells are cut, so a row is never taller than a page).
  void Row(const std::vector<std::pair<std::string, const char*>>& cells,
           const std::vector<double>& widths, bool rule = true) {
    std::vector<LayoutPtr> layouts;
    double height = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      layouts.push_back(Layout(Cut(cells[i].first, kMaxCellBytes), cells[i].second, widths[i] - 6));
      int w = 0;
      int h = 0;
      pango_layout_get_size(layouts.back().get(), &w, &h);
      height = std::max(height, static_cast<double>(h) / PANGO_SCALE);
    }
    if (y_ + height + 4 > kBottom && y_ > kTop) NewPage();
    double x = kMargin;
    for (size_t i = 0; i < layouts.size(); ++i) {
      if (draw_) {
        cairo_move_to(cr_, x, y_);
        pango_cairo_show_layout(cr_, layouts[i].get());
      }
      x += widths[i];
    }
    y_ += height + 3;
    if (rule && draw_) {
      cairo_set_line_width(cr_, 0.3);
      cairo_move_to(cr_, kMargin, y_);
      cairo_line_to(cr_, kMargin + kContentWidth, y_);
      cairo_stroke(cr_);
    }
    y_ += 2;
  }

  void KeyValue(const std::string& key, const std::string& value, const char* font = kBody) {
    Row({{key, kBold}, {value, font}}, {130, kContentWidth - 130}, false);
  }

 private:
  LayoutPtr Layout(const std::string& text, const char* font, double width) {
    LayoutPtr layout(pango_layout_new(context_.get()));
    PangoFontDescription* desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout.get(), desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    if (!draw_) unknown_glyphs_ += pango_layout_get_unknown_glyphs_count(layout.get());
    return layout;
  }

  // Text of any length, wrapped, broken across pages between lines.
  void Block(const std::string& text, const char* font, double indent, double width,
             double space_after) {
    LayoutPtr layout = Layout(text, font, width);
    PangoLayoutIter* it = pango_layout_get_iter(layout.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double height = static_cast<double>(logical.height) / PANGO_SCALE;
      if (y_ + height > kBottom) NewPage();
      if (draw_) {
        const double baseline =
            static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
        cairo_move_to(cr_, kMargin + indent + static_cast<double>(logical.x) / PANGO_SCALE,
                      y_ + baseline);
        pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      }
      y_ += height;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    y_ += space_after;
  }

  void StartPage() {
    ++page_;
    y_ = kTop;
    if (!draw_) return;
    cairo_set_source_rgb(cr_, 0, 0, 0);
    Line(header_, kSmall, kMargin);
    Line(footer_ + " — page " + std::to_string(page_) + " of " + std::to_string(total_pages_),
         kSmall, kPageHeight - kMargin + 12);
  }

  void Line(const std::string& text, const char* font, double y) {
    LayoutPtr layout = Layout(text, font, kContentWidth);
    cairo_move_to(cr_, kMargin, y);
    pango_cairo_show_layout(cr_, layout.get());
  }

  void EndPage() {
    if (draw_) cairo_show_page(cr_);
  }

  void NewPage() {
    EndPage();
    StartPage();
  }

  cairo_t* cr_;
  std::unique_ptr<PangoContext, GObjectDeleter> context_;
  bool draw_;
  int total_pages_;
  std::string footer_;
  std::string header_;
  int page_ = 0;
  double y_ = kTop;
  int unknown_glyphs_ = 0;
};

std::string Size(int64_t bytes) { return std::to_string(bytes) + " bytes"; }

void ChainTable(Document& doc, const std::vector<AuditEntry>& entries) {
  const std::vector<double> widths = {24, 100, 86, 90, kContentWidth - 300};
  doc.Row(
      {{"#", kBold}, {"Time (UTC)", kBold}, {"Who", kBold}, {"What", kBold}, {"Details", kBold}},
      widths);
  if (entries.empty()) doc.Paragraph("(no entries)");
  for (const AuditEntry& e : entries) {
    std::string details = e.target;
    if (!e.detail.empty() && e.detail != "{}") {
      details += (details.empty() ? "" : "\n") + e.detail;
    }
    if (e.outcome != "success" && !e.outcome.empty()) details += "\noutcome: " + e.outcome;
    doc.Row({{std::to_string(e.seq), kSmall},
             {FormatTimestamp(e.time, 0), kSmall},
             {e.actor_label, kSmall},
             {e.action, kSmall},
             {details, kSmall}},
            widths);
  }
}

void Compose(Document& doc, const PackageInput& in, const ReportFacts& facts) {
  const IncidentSummary& inc = in.incident;
  doc.Title("Crime report: " + inc.title);
  doc.KeyValue("Package", in.package_uuid);
  doc.KeyValue("Hub", in.hub);
  doc.KeyValue("Created (UTC)", FormatTimestamp(in.created, 0));
  doc.KeyValue("From", in.sender_org);
  doc.KeyValue("To", in.recipient_org);

  doc.Heading("The incident");
  doc.KeyValue("Incident", inc.stix_id, kMono);
  doc.KeyValue("Status", inc.status);
  doc.KeyValue("Category", inc.category);
  doc.KeyValue("Severity", inc.severity);
  doc.KeyValue("TLP", inc.tlp);
  doc.KeyValue("Detected (UTC)", When(inc.detected));
  doc.KeyValue("Started (UTC)", When(inc.started));
  if (!inc.election.empty()) doc.KeyValue("Election", inc.election);
  if (!inc.phase.empty()) doc.KeyValue("Election phase", inc.phase);
  for (const auto& [key, value] : inc.extras) doc.KeyValue(key, value);
  doc.Heading("What happened");
  doc.Paragraph(inc.description.empty() ? "(no description)" : inc.description);

  doc.Heading("Evidence (" + std::to_string(in.evidence.size()) + " files)");
  if (in.evidence.empty()) doc.Paragraph("(no evidence files)");
  for (size_t i = 0; i < in.evidence.size(); ++i) {
    const EvidenceItem& e = in.evidence[i];
    doc.KeyValue("Evidence " + e.evidence_id, e.file_name);
    doc.KeyValue("In the package", facts.evidence_paths[i], kMono);
    if (!e.description.empty()) doc.KeyValue("Description", e.description);
    doc.KeyValue("Media type", e.media_type);
    doc.KeyValue("Size", Size(e.size));
    doc.KeyValue("Acquired (UTC)", FormatTimestamp(e.acquired, 0) + " by " + e.acquired_by);
    doc.KeyValue("SHA-256", e.sha256, kMono);
    doc.Paragraph("");
  }

  doc.Heading("Timeline (" + std::to_string(in.timeline.size()) + " entries)");
  ChainTable(doc, in.timeline);
  doc.Heading("Chain of custody (" + std::to_string(in.custody.size()) + " entries)");
  ChainTable(doc, in.custody);

  doc.Heading("Integrity");
  doc.Paragraph(
      "This report is part of a signed package. The file manifest.json lists every file in "
      "the package with its SHA-256 hash and is signed with the hub's Ed25519 key "
      "(signature.json). The content digest below is the SHA-256 over the list of every "
      "other file with its hash and size; `ecrn evidence verify` prints the same digest.");
  doc.KeyValue("Content digest", facts.content_digest, kMono);
  doc.KeyValue("Signing key (Ed25519)", facts.public_key_hex, kMono);
  doc.KeyValue("Custody log",
               std::to_string(in.custody.size()) + " entries, last hash " +
                   (in.custody.empty() ? std::string("—") : in.custody.back().hash),
               kMono);
  doc.KeyValue("Timeline",
               std::to_string(in.timeline.size()) + " entries, last hash " +
                   (in.timeline.empty() ? std::string("—") : in.timeline.back().hash),
               kMono);
  doc.Paragraph("Check the package offline with: ecrn evidence verify PACKAGE.zip --key " +
                    facts.public_key_hex,
                kMono);
  doc.Finish();
}

struct Pass {
  std::string pdf;
  int pages = 0;
  int unknown_glyphs = 0;
};

Result<Pass> RunPass(const PackageInput& in, const ReportFacts& facts, bool draw, int total_pages) {
  Pass out;
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
      cairo_pdf_surface_create_for_stream(&AppendToString, &out.pdf, kPageWidth, kPageHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::Internal("cannot start the PDF report",
                           cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  const std::string title = "Crime report " + in.package_uuid;
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "ECRN");
  const std::string created = FormatTimestamp(in.created, 0);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, created.c_str());
  {
    std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
    std::string tlp = in.incident.tlp;
    std::transform(tlp.begin(), tlp.end(), tlp.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    Document doc(cr.get(), draw, total_pages,
                 "ECRN crime report " + in.package_uuid + " (" + in.hub + ")",
                 tlp.empty() ? std::string() : "TLP:" + tlp);
    Compose(doc, in, facts);
    out.pages = doc.pages();
    out.unknown_glyphs = doc.unknown_glyphs();
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return Error::Internal("cannot draw the PDF report",
                             cairo_status_to_string(cairo_status(cr.get())));
    }
  }
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::Internal("cannot finish the PDF report",
                           cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  return out;
}

}  // namespace

Result<RenderedReport> RenderReport(const PackageInput& input, const ReportFacts& facts) {
  if (facts.evidence_paths.size() != input.evidence.size()) {
    return Error::Internal("the report needs one package path per evidence file");
  }
  // First pass: count the pages (and unknown glyphs); second: draw with "page N of M".
  ECRN_ASSIGN_OR_RETURN(Pass measured, RunPass(input, facts, false, 0));
  ECRN_ASSIGN_OR_RETURN(Pass drawn, RunPass(input, facts, true, measured.pages));
  RenderedReport out;
  out.pdf = std::move(drawn.pdf);
  out.pages = drawn.pages;
  out.unknown_glyphs = measured.unknown_glyphs;
  return out;
}

int UnknownGlyphs(std::string_view text) {
  std::unique_ptr<cairo_surface_t, CairoDeleter> surface(
      cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1));
  std::unique_ptr<cairo_t, CairoDeleter> cr(cairo_create(surface.get()));
  auto context = NewContext(cr.get());
  LayoutPtr layout(pango_layout_new(context.get()));
  PangoFontDescription* desc = pango_font_description_from_string(kBody);
  pango_layout_set_font_description(layout.get(), desc);
  pango_font_description_free(desc);
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
  return pango_layout_get_unknown_glyphs_count(layout.get());
}

}  // namespace ecrn::evidence

#if defined(__SANITIZE_ADDRESS__)
// Fontconfig (under Pango) keeps its caches where LeakSanitizer cannot see
// them as reachable at exit; its allocations, and only those, are not leaks
// of ours. LSan asks every sanitized program that links the report for this.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
#endif
