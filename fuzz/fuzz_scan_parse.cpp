// libFuzzer target: the sensor's line parsing on any bytes. The input is split
// into lines; the first byte picks a field mapping. Every line goes through
// free-text extraction (whose every value must lie inside the line and be a
// valid value of its kind) and through each format's parser (CSV and Zeek
// see the lines in order, so headers are exercised); DetectFormat sees the
// first lines.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "ecrn/scan/extract.hpp"
#include "ecrn/scan/format.hpp"

namespace {

using ecrn::scan::Kind;

[[noreturn]] void Fail(const char* what, std::string_view value) {
  std::fprintf(stderr, "%s: '%.*s'\n", what, static_cast<int>(value.size()), value.data());
  std::abort();
}

void CheckExtraction(std::string_view line, std::vector<ecrn::scan::Observable>& out) {
  out.clear();
  ecrn::scan::ExtractObservables(line, out);
  for (const auto& o : out) {
    if (o.value.data() < line.data() ||
        o.value.data() + o.value.size() > line.data() + line.size()) {
      Fail("observable outside its line", o.value);
    }
    if (o.value.empty()) Fail("empty observable", o.value);
    const bool valid = o.kind == Kind::kIpv4     ? ecrn::scan::IsIpv4(o.value)
                       : o.kind == Kind::kIpv6   ? ecrn::scan::IsIpv6(o.value)
                       : o.kind == Kind::kDomain ? ecrn::scan::IsDomain(o.value)
                                                 : true;
    if (!valid) Fail("observable not valid for its kind", o.value);
  }
}

std::vector<ecrn::scan::FieldMapping> Mapping(uint8_t selector, bool json) {
  std::vector<ecrn::scan::FieldMapping> fields;
  if (selector & 1) return fields;  // no mapping: free text per field
  for (std::string_view m :
       json ? std::vector<std::string_view>{"a=ipv4", "a.b=domain", "ts=time", "u=url", "e=email"}
            : std::vector<std::string_view>{"a=ipv4", "b=domain", "ts=time", "h=sha256"}) {
    auto f = ecrn::scan::ParseFieldMapping(m);
    if (!f) std::abort();
    fields.push_back(*f);
  }
  return fields;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  std::vector<ecrn::scan::Observable> out;
  for (std::string_view line : lines) CheckExtraction(line, out);
  (void)ecrn::scan::DetectFormat(
      std::span<const std::string_view>(lines.data(), std::min<size_t>(lines.size(), 10)));
  for (int f = 0; f < 7; ++f) {
    ecrn::scan::FormatOptions options;
    options.format = static_cast<ecrn::scan::Format>(f);
    options.syslog_year = 2026;
    if (options.format == ecrn::scan::Format::kJson || options.format == ecrn::scan::Format::kCsv) {
      options.fields = Mapping(selector, options.format == ecrn::scan::Format::kJson);
    }
    auto parser = ecrn::scan::MakeParser(options);
    if (!parser) std::abort();
    for (std::string_view line : lines) {
      ecrn::scan::Record record;
      record.line = line;
      const auto result = (*parser)->Parse(record);
      if (result.outcome == ecrn::scan::LineOutcome::kSkip && result.reason.empty()) {
        Fail("skip without a reason", line);
      }
      if (selector & 2) (void)(*parser)->Clone();
    }
  }
  return 0;
}
