// libFuzzer target: JSON text -> STIX document (stix::ParseDocument), every
// object validated (stix::Validate), and the serialisation round trip
// parse(Serialize(o)) == o checked (aborts when it does not hold).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ecrn/stix/object.hpp"
#include "ecrn/stix/validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ecrn::stix;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseLimits limits;
  limits.max_bytes = 1 << 20;
  auto doc = ParseDocument(text, limits);
  if (!doc) return 0;
  for (const Object& object : doc->objects) {
    auto findings = Validate(object);
    (void)HasErrors(findings);
    ValidationOptions strict;
    strict.strict_vocabularies = true;
    (void)Validate(object, strict);

    std::string serialized = Serialize(object);
    auto again = ParseDocument(serialized, limits);
    if (!again || again->objects.size() != 1 || !(again->objects[0] == object)) {
      std::fprintf(stderr, "round trip failed for %s\n", serialized.c_str());
      std::abort();
    }
  }
  if (!doc->objects.empty()) {
    std::string bundle =
        SerializeBundle(doc->objects, "bundle--00000000-0000-4000-8000-000000000000");
    auto again = ParseDocument(bundle, limits);
    if (!again || again->objects.size() != doc->objects.size()) {
      std::fprintf(stderr, "bundle round trip failed\n");
      std::abort();
    }
  }
  return 0;
}
