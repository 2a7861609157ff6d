// libFuzzer target: the crime-report package reader. First byte even: the
// rest is a package (zip) for VerifyPackageBytes, with small reading limits;
// odd: the rest is a custody/timeline chain file for ParseChainDocument and
// ChainProblem. A package is never both valid and carrying a problem, and an
// invalid one always names its problem.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "ecrn/evidence/chain_json.hpp"
#include "ecrn/evidence/package.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 1) {
    auto chain = ecrn::evidence::ParseChainDocument(rest);
    if (chain) (void)ecrn::evidence::ChainProblem(chain->entries);
    return 0;
  }
  ecrn::evidence::ReadLimits limits;
  limits.max_entries = 64;
  limits.max_total_bytes = 8 << 20;
  limits.max_json_bytes = 1 << 20;
  auto report = ecrn::evidence::VerifyPackageBytes(rest, std::nullopt, limits);
  if (!report) return 0;
  if (report->valid != report->problem.empty()) {
    std::fprintf(stderr, "valid=%d but problem='%s'\n", report->valid, report->problem.c_str());
    std::abort();
  }
  return 0;
}
