#include "ecrn/scan/record.hpp"

#include <array>

namespace ecrn::scan {
namespace {

struct KindInfo {
  std::string_view sco_type;
  std::string_view path;
  std::string_view name;
};

constexpr std::array<KindInfo, kKindCount> kKinds = {{
    {"ipv4-addr", "ipv4-addr:value", "ipv4"},
    {"ipv6-addr", "ipv6-addr:value", "ipv6"},
    {"domain-name", "domain-name:value", "domain"},
    {"url", "url:value", "url"},
    {"email-addr", "email-addr:value", "email"},
    {"file", "file:hashes.MD5", "md5"},
    {"file", "file:hashes.'SHA-1'", "sha1"},
    {"file", "file:hashes.'SHA-256'", "sha256"},
    {"file", "file:hashes.'SHA-512'", "sha512"},
}};

const KindInfo& Info(Kind kind) { return kKinds[static_cast<size_t>(kind)]; }

}  // namespace

std::string_view ScoTypeOf(Kind kind) { return Info(kind).sco_type; }
std::string_view ObjectPathOf(Kind kind) { return Info(kind).path; }
std::string_view KindName(Kind kind) { return Info(kind).name; }

std::optional<Kind> KindFromName(std::string_view name) {
  for (size_t i = 0; i < kKinds.size(); ++i) {
    if (kKinds[i].name == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

}  // namespace ecrn::scan
