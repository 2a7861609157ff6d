// libFuzzer target: JSON text -> incident case (incident::CaseFromJsonText).
// Whatever is accepted must survive the round trips the store and the STIX
// export rely on: FromJson(ToJson(c)) == c and CaseFromStix(CaseToStix(c))
// == c (aborts when either does not hold).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <boost/json/serialize.hpp>

#include "ecrn/incident/case.hpp"
#include "ecrn/incident/clocks.hpp"
#include "ecrn/incident/stix_case.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecrn::incident;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = CaseFromJsonText(text);
  if (!c) return 0;
  auto again = FromJson(ToJson(*c));
  if (!again || !(*again == *c)) {
    std::fprintf(stderr, "JSON round trip failed for %s\n",
                 boost::json::serialize(ToJson(*c)).c_str());
    std::abort();
  }
  auto objects = CaseToStix(*c, "identity--2c8e7f3a-5b1d-4e6f-9a0b-1c2d3e4f5a6b");
  if (!objects) {
    std::fprintf(stderr, "valid case not exportable: %s\n", objects.error().message.c_str());
    std::abort();
  }
  auto back = CaseFromStix(*objects);
  if (!back || !(*back == *c)) {
    std::fprintf(stderr, "STIX round trip failed for %s\n",
                 boost::json::serialize(ToJson(*c)).c_str());
    std::abort();
  }
  (void)ComputeClocks(*c, Nis2Rule(), c->modified);
  (void)DueWarnings(*c, Nis2Rule(), c->modified);
  return 0;
}
