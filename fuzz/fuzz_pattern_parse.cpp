// libFuzzer target: ParsePattern on any bytes; whatever parses is validated,
// and whatever compiles is evaluated against a fixed observed-data sample
// (2.0 embedded objects with references, lists, binary and timestamps).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ecrn/pattern/evaluate.hpp"
#include "ecrn/pattern/parse.hpp"
#include "ecrn/pattern/validate.hpp"
#include "ecrn/stix/object.hpp"

namespace {

const std::vector<ecrn::stix::Object>& Sample() {
  static const std::vector<ecrn::stix::Object> objects = [] {
    auto doc = ecrn::stix::ParseDocument(R"([
      {"type":"observed-data","id":"observed-data--1","first_observed":"2024-01-01T00:00:00Z",
       "last_observed":"2024-01-01T00:00:05Z","number_observed":3,"objects":{
         "0":{"type":"file","name":"a.exe","size":10,"hashes":{"SHA-256":"ab"},
              "x_list":[1,"two",{"k":true}],"created":"2023-12-31T00:00:00Z"},
         "1":{"type":"ipv4-addr","value":"10.0.0.1"},
         "2":{"type":"network-traffic","src_ref":"1","dst_refs":["1","9"],"protocols":["tcp"]},
         "3":{"type":"artifact","payload_bin":"aGk="}}},
      {"type":"observed-data","id":"observed-data--2","first_observed":"2024-01-01T00:01:00Z",
       "last_observed":"2024-01-01T00:01:00Z","number_observed":1,"objects":{
         "0":{"type":"domain-name","value":"example.com"},
         "1":{"type":"ipv6-addr","value":"2001:db8::1"}}}])");
    if (!doc) std::abort();
    return doc->objects;
  }();
  return objects;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ecrn::pattern::ParsePattern(text);
  if (!parsed) {
    if (parsed.error().message.rfind("column ", 0) != 0) {
      std::fprintf(stderr, "error without a position: %s\n", parsed.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  (void)ecrn::pattern::ValidatePattern(*parsed);
  auto compiled = ecrn::pattern::CompiledPattern::Compile(text);
  if (compiled) (void)compiled->Match(Sample());
  return 0;
}
