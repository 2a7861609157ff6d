// libFuzzer target: ParseTimestamp; whatever it accepts must survive
// FormatTimestamp and a second parse with the same microseconds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ecrn/core/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ecrn::ParseTimestamp(text);
  if (!parsed) return 0;
  for (int digits : {std::min(parsed->fraction_digits, 6), 6}) {
    std::string formatted = ecrn::FormatTimestamp(parsed->micros, digits);
    auto again = ecrn::ParseTimestamp(formatted);
    if (!again || again->micros != parsed->micros) {
      std::fprintf(stderr, "'%.*s' -> %lld -> '%s' does not parse back to the same instant\n",
                   static_cast<int>(text.size()), text.data(),
                   static_cast<long long>(parsed->micros), formatted.c_str());
      std::abort();
    }
  }
  return 0;
}
