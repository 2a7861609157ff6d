// Table-driven STIX 2.1 validation. Each object type has a static list of
// property specifications (kind, required, allowed reference types,
// vocabulary); a few rules that span properties live in per-type functions.
// Nothing here allocates unless a finding is reported.
#include "ecrn/stix/validate.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "ecrn/core/time.hpp"
#include "ecrn/stix/sco_id.hpp"
#include "ecrn/stix/validate_vocab.hpp"

namespace ecrn::stix {
namespace {

namespace json = boost::json;
using Sv = std::string_view;
using vocab::Vocab;

Sv ToSv(const json::string& s) { return {s.data(), s.size()}; }

const json::value* Get(const json::object& o, Sv key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

Sv GetStr(const json::object& o, Sv key) {
  const json::value* v = Get(o, key);
  return v && v->is_string() ? ToSv(v->get_string()) : Sv{};
}

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsLower(c) || (c >= 'A' && c <= 'Z'); }
bool IsHexChar(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsHex(Sv s, bool even = true) {
  if (s.empty() || (even && s.size() % 2 != 0)) return false;
  for (char c : s) {
    if (!IsHexChar(c)) return false;
  }
  return true;
}

bool IsBase64(Sv s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '=') {
      ++pad;
      if (i + 2 < s.size()) return false;
      continue;
    }
    if (pad > 0) return false;
    if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '/')) return false;
  }
  return pad <= 2;
}

// A STIX object type name: lower-case ASCII letters, digits and single
// hyphens, starting with a letter, 3 to 250 characters.
bool IsTypeName(Sv t) {
  if (t.size() < 3 || t.size() > 250 || !IsLower(t.front()) || t.back() == '-') return false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '-') {
      if (t[i - 1] == '-') return false;
    } else if (!IsLower(c) && !IsDigit(c)) {
      return false;
    }
  }
  return true;
}

// "<type>--<RFC 4122 UUID>" (version 1-5, variant 10xx), per the schemas.
bool IsIdentifier(Sv id) {
  if (!IsStixIdentifier(id)) return false;
  Sv type = IdentifierType(id);
  if (!IsTypeName(type)) return false;
  Sv uuid = id.substr(type.size() + 2);
  char version = uuid[14];
  char variant = uuid[19];
  if (version < '1' || version > '5') return false;
  return variant == '8' || variant == '9' || variant == 'a' || variant == 'b' || variant == 'A' ||
         variant == 'B';
}

bool IsPropertyName(Sv k) {
  if (k.size() < 3 || k.size() > 250) return false;
  for (char c : k) {
    if (!IsLower(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

// RFC 5646 language tag, loosely: alphanumeric subtags of 1-8 characters
// separated by hyphens, the first alphabetic.
bool IsLangTag(Sv s) {
  if (s.empty()) return false;
  size_t start = 0;
  bool first = true;
  while (start <= s.size()) {
    size_t end = s.find('-', start);
    if (end == Sv::npos) end = s.size();
    Sv sub = s.substr(start, end - start);
    if (sub.empty() || sub.size() > 8) return false;
    for (char c : sub) {
      if (first ? !IsAlpha(c) : !(IsAlpha(c) || IsDigit(c))) return false;
    }
    first = false;
    if (end == s.size()) break;
    start = end + 1;
  }
  return true;
}

bool ParseUint(Sv s, unsigned max, unsigned& out) {
  if (s.empty() || s.size() > 3) return false;
  unsigned v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (s.size() > 1 && s[0] == '0') return false;
  out = v;
  return v <= max;
}

bool IsIpv4(Sv s, bool allow_cidr) {
  if (auto slash = s.find('/'); slash != Sv::npos) {
    unsigned bits = 0;
    if (!allow_cidr || !ParseUint(s.substr(slash + 1), 32, bits)) return false;
    s = s.substr(0, slash);
  }
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t end = s.find('.', start);
    Sv part = s.substr(start, end == Sv::npos ? Sv::npos : end - start);
    unsigned v = 0;
    if (!ParseUint(part, 255, v)) return false;
    ++parts;
    if (end == Sv::npos) break;
    start = end + 1;
  }
  return parts == 4;
}

bool IsIpv6(Sv s) {
  if (auto slash = s.find('/'); slash != Sv::npos) {
    unsigned bits = 0;
    if (!ParseUint(s.substr(slash + 1), 128, bits)) return false;
    s = s.substr(0, slash);
  }
  if (s.size() < 2) return false;
  size_t dbl = s.find("::");
  if (dbl != Sv::npos && s.find("::", dbl + 1) != Sv::npos) return false;
  int groups = 0;
  bool has_v4 = false;
  auto count = [&](Sv part) {
    if (part.empty()) return true;
    size_t start = 0;
    while (true) {
      size_t end = part.find(':', start);
      Sv g = part.substr(start, end == Sv::npos ? Sv::npos : end - start);
      if (end == Sv::npos && g.find('.') != Sv::npos) {
        if (!IsIpv4(g, false)) return false;
        groups += 2;
        has_v4 = true;
        return true;
      }
      if (g.empty() || g.size() > 4 || !IsHex(g, false)) return false;
      ++groups;
      if (end == Sv::npos) return true;
      start = end + 1;
    }
  };
  if (dbl == Sv::npos) return count(s) && groups == 8;
  if (!count(s.substr(0, dbl)) || has_v4) return false;
  if (!count(s.substr(dbl + 2))) return false;
  return groups < 8;
}

bool IsMac(Sv s) {
  if (s.size() != 17) return false;
  for (size_t i = 0; i < 17; ++i) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!(IsDigit(c) || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsUrl(Sv s) {
  size_t colon = s.find(':');
  if (colon == Sv::npos || colon == 0 || colon + 1 >= s.size() || !IsAlpha(s[0])) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = s[i];
    if (!(IsAlpha(c) || IsDigit(c) || c == '+' || c == '-' || c == '.')) return false;
  }
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') return false;
  }
  return true;
}

bool IsEmail(Sv s) {
  size_t at = s.rfind('@');
  if (at == Sv::npos || at == 0 || at + 1 >= s.size()) return false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Paths, built only when a finding is reported.

struct Path {
  const Path* parent = nullptr;
  Sv key;
  size_t index = 0;
  bool is_index = false;

  Path Child(Sv k) const { return Path{this, k, 0, false}; }
  Path At(size_t i) const { return Path{this, {}, i, true}; }
  void Append(std::string& out) const {
    if (parent) parent->Append(out);
    if (is_index) {
      out += '[';
      out += std::to_string(index);
      out += ']';
    } else if (!key.empty()) {
      if (!out.empty()) out += '.';
      out += key;
    }
  }
};

// ---------------------------------------------------------------------------
// Property specifications.

enum class Kind {
  kSpecial,  // type, id, spec_version: checked by the object walk
  kString,
  kBool,
  kInt,     // integer within [lo, hi]
  kNumber,  // any JSON number within [lo, hi]
  kTimestamp,
  kTimestampMillis,  // at least millisecond precision
  kRef,              // one identifier of an allowed type
  kRefList,          // non-empty list of identifiers of allowed types
  kStringList,       // non-empty list of strings
  kVocab,            // string from `vocab`
  kVocabList,        // non-empty list of strings from `vocab`
  kDict,             // non-empty JSON object
  kHashes,
  kKillChainPhases,
  kExternalRefs,
  kGranularMarkings,
  kExtensions,
  kHex,
  kBinary,
  kObject,      // JSON object checked against `nested`
  kObjectList,  // non-empty list of JSON objects checked against `nested`
  kLang,
  kUrl,
};

struct PropSpec {
  Sv name;
  Kind kind = Kind::kString;
  bool required = false;
  Sv refs;  // kRef/kRefList: allowed types separated by '|' (sdo, sco, sro, object, any)
  const Vocab* vocab = nullptr;
  int64_t lo = std::numeric_limits<int64_t>::min();
  int64_t hi = std::numeric_limits<int64_t>::max();
  std::span<const PropSpec> nested = {};
};

constexpr PropSpec P(Sv n, Kind k = Kind::kString) { return {n, k}; }
constexpr PropSpec R(Sv n, Kind k = Kind::kString) { return {n, k, true}; }
constexpr PropSpec Ref(Sv n, Sv refs, bool req = false) { return {n, Kind::kRef, req, refs}; }
constexpr PropSpec Refs(Sv n, Sv refs, bool req = false) { return {n, Kind::kRefList, req, refs}; }
constexpr PropSpec V(Sv n, const Vocab& v, bool req = false) {
  return {n, Kind::kVocab, req, {}, &v};
}
constexpr PropSpec VL(Sv n, const Vocab& v, bool req = false) {
  return {n, Kind::kVocabList, req, {}, &v};
}
constexpr PropSpec I(Sv n, int64_t lo, int64_t hi, bool req = false) {
  return {n, Kind::kInt, req, {}, nullptr, lo, hi};
}
constexpr PropSpec N(Sv n, int64_t lo, int64_t hi) {
  return {n, Kind::kNumber, false, {}, nullptr, lo, hi};
}
constexpr PropSpec Obj(Sv n, std::span<const PropSpec> nested, bool req = false) {
  return {n, Kind::kObject, req, {}, nullptr, 0, 0, nested};
}
constexpr PropSpec ObjList(Sv n, std::span<const PropSpec> nested, bool req = false) {
  return {n, Kind::kObjectList, req, {}, nullptr, 0, 0, nested};
}

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
using K = Kind;

// Common properties.
constexpr PropSpec kSdoCommon[] = {
    P("type", K::kSpecial),
    P("id", K::kSpecial),
    P("spec_version", K::kSpecial),
    Ref("created_by_ref", "identity"),
    R("created", K::kTimestampMillis),
    R("modified", K::kTimestampMillis),
    P("revoked", K::kBool),
    P("labels", K::kStringList),
    I("confidence", 0, 100),
    P("lang", K::kLang),
    P("external_references", K::kExternalRefs),
    Refs("object_marking_refs", "marking-definition"),
    P("granular_markings", K::kGranularMarkings),
    P("extensions", K::kExtensions),
};
constexpr PropSpec kScoCommon[] = {
    P("type", K::kSpecial),
    P("id", K::kSpecial),
    P("spec_version", K::kSpecial),
    Refs("object_marking_refs", "marking-definition"),
    P("granular_markings", K::kGranularMarkings),
    P("defanged", K::kBool),
    P("extensions", K::kExtensions),
};
constexpr PropSpec kMarkingCommon[] = {
    P("type", K::kSpecial),
    P("id", K::kSpecial),
    P("spec_version", K::kSpecial),
    Ref("created_by_ref", "identity"),
    R("created", K::kTimestampMillis),
    P("external_references", K::kExternalRefs),
    Refs("object_marking_refs", "marking-definition"),
    P("granular_markings", K::kGranularMarkings),
    P("extensions", K::kExtensions),
    P("name"),
    P("definition_type"),
    P("definition", K::kDict),
};
// Common SDO properties that a marking-definition must not carry.
constexpr Sv kNotOnMarking[] = {"modified", "revoked", "labels", "confidence", "lang"};

// Nested structures.
constexpr PropSpec kKillChainPhase[] = {R("kill_chain_name"), R("phase_name")};
constexpr PropSpec kExternalReference[] = {R("source_name"), P("description"), P("url", K::kUrl),
                                           P("hashes", K::kHashes), P("external_id")};
constexpr PropSpec kGranularMarking[] = {R("selectors", K::kStringList), P("lang", K::kLang),
                                         Ref("marking_ref", "marking-definition")};
constexpr PropSpec kMimePart[] = {P("body"), Ref("body_raw_ref", "artifact|file"),
                                  P("content_type"), P("content_disposition")};
constexpr PropSpec kRegistryValue[] = {P("name"), P("data"),
                                       V("data_type", vocab::kWindowsRegistryDatatypeEnum)};
constexpr PropSpec kAlternateDataStream[] = {R("name"), P("hashes", K::kHashes),
                                             I("size", 0, kMax)};
constexpr PropSpec kPeSection[] = {R("name"), I("size", 0, kMax), P("entropy", K::kNumber),
                                   P("hashes", K::kHashes)};
constexpr PropSpec kPeOptionalHeader[] = {P("magic_hex", K::kHex),
                                          I("size_of_code", 0, kMax),
                                          I("size_of_initialized_data", 0, kMax),
                                          I("size_of_uninitialized_data", 0, kMax),
                                          I("size_of_image", 0, kMax),
                                          I("size_of_headers", 0, kMax),
                                          I("size_of_stack_reserve", 0, kMax),
                                          I("size_of_stack_commit", 0, kMax),
                                          I("size_of_heap_reserve", 0, kMax),
                                          I("size_of_heap_commit", 0, kMax),
                                          P("dll_characteristics_hex", K::kHex),
                                          P("loader_flags_hex", K::kHex),
                                          P("hashes", K::kHashes)};

// Predefined SCO extensions.
constexpr PropSpec kArchiveExt[] = {Refs("contains_refs", "file|directory", true), P("comment")};
constexpr PropSpec kNtfsExt[] = {P("sid"), ObjList("alternate_data_streams", kAlternateDataStream)};
constexpr PropSpec kPdfExt[] = {P("version"), P("is_optimized", K::kBool),
                                P("document_info_dict", K::kDict), P("pdfid0"), P("pdfid1")};
constexpr PropSpec kRasterImageExt[] = {I("image_height", 0, kMax), I("image_width", 0, kMax),
                                        I("bits_per_pixel", 0, kMax), P("exif_tags", K::kDict)};
constexpr PropSpec kPeBinaryExt[] = {V("pe_type", vocab::kWindowsPeBinaryTypeOv, true),
                                     P("imphash"),
                                     P("machine_hex", K::kHex),
                                     I("number_of_sections", 0, kMax),
                                     P("time_date_stamp", K::kTimestamp),
                                     P("pointer_to_symbol_table_hex", K::kHex),
                                     I("number_of_symbols", 0, kMax),
                                     I("size_of_optional_header", 0, kMax),
                                     P("characteristics_hex", K::kHex),
                                     P("file_header_hashes", K::kHashes),
                                     Obj("optional_header", kPeOptionalHeader),
                                     ObjList("sections", kPeSection)};
constexpr PropSpec kHttpRequestExt[] = {R("request_method"),
                                        R("request_value"),
                                        P("request_version"),
                                        P("request_header", K::kDict),
                                        I("message_body_length", 0, kMax),
                                        Ref("message_body_data_ref", "artifact")};
constexpr PropSpec kIcmpExt[] = {R("icmp_type_hex", K::kHex), R("icmp_code_hex", K::kHex)};
constexpr PropSpec kSocketExt[] = {V("address_family", vocab::kSocketAddressFamilyEnum, true),
                                   P("is_blocking", K::kBool),
                                   P("is_listening", K::kBool),
                                   P("options", K::kDict),
                                   V("socket_type", vocab::kSocketTypeEnum),
                                   I("socket_descriptor", 0, kMax),
                                   P("socket_handle", K::kInt)};
constexpr PropSpec kTcpExt[] = {P("src_flags_hex", K::kHex), P("dst_flags_hex", K::kHex)};
constexpr PropSpec kWindowsProcessExt[] = {P("aslr_enabled", K::kBool),
                                           P("dep_enabled", K::kBool),
                                           P("priority"),
                                           P("owner_sid"),
                                           P("window_title"),
                                           P("startup_info", K::kDict),
                                           V("integrity_level", vocab::kWindowsIntegrityLevelEnum)};
constexpr PropSpec kWindowsServiceExt[] = {P("service_name"),
                                           P("descriptions", K::kStringList),
                                           P("display_name"),
                                           P("group_name"),
                                           V("start_type", vocab::kWindowsServiceStartTypeEnum),
                                           Refs("service_dll_refs", "file"),
                                           V("service_type", vocab::kWindowsServiceTypeEnum),
                                           V("service_status", vocab::kWindowsServiceStatusEnum)};
constexpr PropSpec kUnixAccountExt[] = {I("gid", std::numeric_limits<int64_t>::min(), kMax),
                                        P("groups", K::kStringList), P("home_dir"), P("shell")};

struct ExtensionSpec {
  Sv owner;  // SCO type
  Sv name;
  std::span<const PropSpec> props;
};
constexpr ExtensionSpec kPredefinedExtensions[] = {
    {"file", "archive-ext", kArchiveExt},
    {"file", "ntfs-ext", kNtfsExt},
    {"file", "pdf-ext", kPdfExt},
    {"file", "raster-image-ext", kRasterImageExt},
    {"file", "windows-pebinary-ext", kPeBinaryExt},
    {"network-traffic", "http-request-ext", kHttpRequestExt},
    {"network-traffic", "icmp-ext", kIcmpExt},
    {"network-traffic", "socket-ext", kSocketExt},
    {"network-traffic", "tcp-ext", kTcpExt},
    {"process", "windows-process-ext", kWindowsProcessExt},
    {"process", "windows-service-ext", kWindowsServiceExt},
    {"user-account", "unix-account-ext", kUnixAccountExt},
};

// --- SDOs -------------------------------------------------------------------
constexpr PropSpec kAttackPattern[] = {R("name"), P("description"), P("aliases", K::kStringList),
                                       P("kill_chain_phases", K::kKillChainPhases)};
constexpr PropSpec kCampaign[] = {R("name"),
                                  P("description"),
                                  P("aliases", K::kStringList),
                                  P("first_seen", K::kTimestamp),
                                  P("last_seen", K::kTimestamp),
                                  P("objective")};
constexpr PropSpec kCourseOfAction[] = {R("name"), P("description")};
constexpr PropSpec kGrouping[] = {P("name"), P("description"),
                                  V("context", vocab::kGroupingContextOv, true),
                                  Refs("object_refs", "any", true)};
constexpr PropSpec kIdentity[] = {R("name"),
                                  P("description"),
                                  P("roles", K::kStringList),
                                  V("identity_class", vocab::kIdentityClassOv),
                                  VL("sectors", vocab::kIndustrySectorOv),
                                  P("contact_information")};
constexpr PropSpec kIncident[] = {R("name"), P("description"),
                                  P("kill_chain_phases", K::kKillChainPhases)};
constexpr PropSpec kIndicator[] = {P("name"),
                                   P("description"),
                                   VL("indicator_types", vocab::kIndicatorTypeOv),
                                   R("pattern"),
                                   V("pattern_type", vocab::kPatternTypeOv, true),
                                   P("pattern_version"),
                                   R("valid_from", K::kTimestamp),
                                   P("valid_until", K::kTimestamp),
                                   P("kill_chain_phases", K::kKillChainPhases)};
constexpr PropSpec kInfrastructure[] = {R("name"),
                                        P("description"),
                                        VL("infrastructure_types", vocab::kInfrastructureTypeOv),
                                        P("aliases", K::kStringList),
                                        P("kill_chain_phases", K::kKillChainPhases),
                                        P("first_seen", K::kTimestamp),
                                        P("last_seen", K::kTimestamp)};
constexpr PropSpec kIntrusionSet[] = {R("name"),
                                      P("description"),
                                      P("aliases", K::kStringList),
                                      P("first_seen", K::kTimestamp),
                                      P("last_seen", K::kTimestamp),
                                      P("goals", K::kStringList),
                                      V("resource_level", vocab::kAttackResourceLevelOv),
                                      V("primary_motivation", vocab::kAttackMotivationOv),
                                      VL("secondary_motivations", vocab::kAttackMotivationOv)};
constexpr PropSpec kLocation[] = {P("name"),
                                  P("description"),
                                  N("latitude", -90, 90),
                                  N("longitude", -180, 180),
                                  N("precision", 0, kMax),
                                  V("region", vocab::kRegionOv),
                                  P("country"),
                                  P("administrative_area"),
                                  P("city"),
                                  P("street_address"),
                                  P("postal_code")};
constexpr PropSpec kMalware[] = {P("name"),
                                 P("description"),
                                 VL("malware_types", vocab::kMalwareTypeOv),
                                 R("is_family", K::kBool),
                                 P("aliases", K::kStringList),
                                 P("kill_chain_phases", K::kKillChainPhases),
                                 P("first_seen", K::kTimestamp),
                                 P("last_seen", K::kTimestamp),
                                 Refs("operating_system_refs", "software"),
                                 VL("architecture_execution_envs", vocab::kProcessorArchitectureOv),
                                 VL("implementation_languages", vocab::kImplementationLanguageOv),
                                 VL("capabilities", vocab::kMalwareCapabilitiesOv),
                                 Refs("sample_refs", "file|artifact")};
constexpr PropSpec kMalwareAnalysis[] = {R("product"),
                                         P("version"),
                                         Ref("host_vm_ref", "software"),
                                         Ref("operating_system_ref", "software"),
                                         Refs("installed_software_refs", "software"),
                                         P("configuration_version"),
                                         P("modules", K::kStringList),
                                         P("analysis_engine_version"),
                                         P("analysis_definition_version"),
                                         P("submitted", K::kTimestamp),
                                         P("analysis_started", K::kTimestamp),
                                         P("analysis_ended", K::kTimestamp),
                                         P("result_name"),
                                         V("result", vocab::kMalwareResultOv),
                                         Refs("analysis_sco_refs", "sco"),
                                         Ref("sample_ref", "file|artifact|network-traffic")};
constexpr PropSpec kNote[] = {P("abstract"), R("content"), P("authors", K::kStringList),
                              Refs("object_refs", "any", true)};
constexpr PropSpec kObservedData[] = {R("first_observed", K::kTimestamp),
                                      R("last_observed", K::kTimestamp),
                                      I("number_observed", 1, 999'999'999, true),
                                      P("objects", K::kDict), Refs("object_refs", "sco|sro")};
constexpr PropSpec kOpinion[] = {P("explanation"), P("authors", K::kStringList),
                                 V("opinion", vocab::kOpinionEnum, true),
                                 Refs("object_refs", "any", true)};
constexpr PropSpec kReport[] = {R("name"), P("description"),
                                VL("report_types", vocab::kReportTypeOv),
                                R("published", K::kTimestamp), Refs("object_refs", "any", true)};
constexpr PropSpec kThreatActor[] = {R("name"),
                                     P("description"),
                                     VL("threat_actor_types", vocab::kThreatActorTypeOv),
                                     P("aliases", K::kStringList),
                                     P("first_seen", K::kTimestamp),
                                     P("last_seen", K::kTimestamp),
                                     VL("roles", vocab::kThreatActorRoleOv),
                                     P("goals", K::kStringList),
                                     V("sophistication", vocab::kThreatActorSophisticationOv),
                                     V("resource_level", vocab::kAttackResourceLevelOv),
                                     V("primary_motivation", vocab::kAttackMotivationOv),
                                     VL("secondary_motivations", vocab::kAttackMotivationOv),
                                     VL("personal_motivations", vocab::kAttackMotivationOv)};
constexpr PropSpec kTool[] = {R("name"),
                              P("description"),
                              VL("tool_types", vocab::kToolTypeOv),
                              P("aliases", K::kStringList),
                              P("kill_chain_phases", K::kKillChainPhases),
                              P("tool_version")};
constexpr PropSpec kVulnerability[] = {R("name"), P("description")};

// --- SROs -------------------------------------------------------------------
constexpr PropSpec kRelationship[] = {R("relationship_type"),
                                      P("description"),
                                      Ref("source_ref", "sdo|sco", true),
                                      Ref("target_ref", "sdo|sco", true),
                                      P("start_time", K::kTimestamp),
                                      P("stop_time", K::kTimestamp)};
constexpr PropSpec kSighting[] = {P("description"),
                                  P("first_seen", K::kTimestamp),
                                  P("last_seen", K::kTimestamp),
                                  I("count", 0, 999'999'999),
                                  Ref("sighting_of_ref", "sdo", true),
                                  Refs("observed_data_refs", "observed-data"),
                                  Refs("where_sighted_refs", "identity|location"),
                                  P("summary", K::kBool)};

// --- Meta objects -------------------------------------------------------------
constexpr PropSpec kLanguageContent[] = {Ref("object_ref", "object", true),
                                         P("object_modified", K::kTimestampMillis),
                                         R("contents", K::kDict)};
constexpr PropSpec kExtensionDefinition[] = {R("name"),
                                             P("description"),
                                             R("schema"),
                                             R("version"),
                                             VL("extension_types", vocab::kExtensionTypeEnum, true),
                                             P("extension_properties", K::kStringList)};
constexpr PropSpec kMarkingDefinition[] = {P("type", K::kSpecial)};  // all in kMarkingCommon

// --- SCOs -------------------------------------------------------------------
constexpr PropSpec kArtifact[] = {P("mime_type"),
                                  P("payload_bin", K::kBinary),
                                  P("url", K::kUrl),
                                  P("hashes", K::kHashes),
                                  V("encryption_algorithm", vocab::kEncryptionAlgorithmEnum),
                                  P("decryption_key")};
constexpr PropSpec kAutonomousSystem[] = {I("number", 0, kMax, true), P("name"), P("rir")};
constexpr PropSpec kDirectory[] = {R("path"),
                                   P("path_enc"),
                                   P("ctime", K::kTimestamp),
                                   P("mtime", K::kTimestamp),
                                   P("atime", K::kTimestamp),
                                   Refs("contains_refs", "file|directory")};
constexpr PropSpec kDomainName[] = {R("value"),
                                    Refs("resolves_to_refs", "ipv4-addr|ipv6-addr|domain-name")};
constexpr PropSpec kEmailAddr[] = {R("value"), P("display_name"),
                                   Ref("belongs_to_ref", "user-account")};
constexpr PropSpec kEmailMessage[] = {R("is_multipart", K::kBool),
                                      P("date", K::kTimestamp),
                                      P("content_type"),
                                      Ref("from_ref", "email-addr"),
                                      Ref("sender_ref", "email-addr"),
                                      Refs("to_refs", "email-addr"),
                                      Refs("cc_refs", "email-addr"),
                                      Refs("bcc_refs", "email-addr"),
                                      P("message_id"),
                                      P("subject"),
                                      P("received_lines", K::kStringList),
                                      P("additional_header_fields", K::kDict),
                                      P("body"),
                                      ObjList("body_multipart", kMimePart),
                                      Ref("raw_email_ref", "artifact")};
constexpr PropSpec kFile[] = {P("hashes", K::kHashes),
                              I("size", 0, kMax),
                              P("name"),
                              P("name_enc"),
                              P("magic_number_hex", K::kHex),
                              P("mime_type"),
                              P("ctime", K::kTimestamp),
                              P("mtime", K::kTimestamp),
                              P("atime", K::kTimestamp),
                              Ref("parent_directory_ref", "directory"),
                              Refs("contains_refs", "sco"),
                              Ref("content_ref", "artifact")};
constexpr PropSpec kIpv4Addr[] = {R("value"), Refs("resolves_to_refs", "mac-addr"),
                                  Refs("belongs_to_refs", "autonomous-system")};
constexpr PropSpec kIpv6Addr[] = {R("value"), Refs("resolves_to_refs", "mac-addr"),
                                  Refs("belongs_to_refs", "autonomous-system")};
constexpr PropSpec kMacAddr[] = {R("value")};
constexpr PropSpec kMutex[] = {R("name")};
constexpr Sv kAddressTypes = "ipv4-addr|ipv6-addr|mac-addr|domain-name";
constexpr PropSpec kNetworkTraffic[] = {P("start", K::kTimestamp),
                                        P("end", K::kTimestamp),
                                        P("is_active", K::kBool),
                                        Ref("src_ref", kAddressTypes),
                                        Ref("dst_ref", kAddressTypes),
                                        I("src_port", 0, 65535),
                                        I("dst_port", 0, 65535),
                                        R("protocols", K::kStringList),
                                        I("src_byte_count", 0, kMax),
                                        I("dst_byte_count", 0, kMax),
                                        I("src_packets", 0, kMax),
                                        I("dst_packets", 0, kMax),
                                        P("ipfix", K::kDict),
                                        Ref("src_payload_ref", "artifact"),
                                        Ref("dst_payload_ref", "artifact"),
                                        Refs("encapsulates_refs", "network-traffic"),
                                        Ref("encapsulated_by_ref", "network-traffic")};
constexpr PropSpec kProcess[] = {P("is_hidden", K::kBool),
                                 I("pid", 0, kMax),
                                 P("created_time", K::kTimestamp),
                                 P("cwd"),
                                 P("command_line"),
                                 P("environment_variables", K::kDict),
                                 Refs("opened_connection_refs", "network-traffic"),
                                 Ref("creator_user_ref", "user-account"),
                                 Ref("image_ref", "file"),
                                 Ref("parent_ref", "process"),
                                 Refs("child_refs", "process")};
constexpr PropSpec kSoftware[] = {
    R("name"), P("cpe"), P("swid"), P("languages", K::kStringList), P("vendor"), P("version")};
constexpr PropSpec kUrlSco[] = {R("value", K::kUrl)};
constexpr PropSpec kUserAccount[] = {P("user_id"),
                                     P("credential"),
                                     P("account_login"),
                                     V("account_type", vocab::kAccountTypeOv),
                                     P("display_name"),
                                     P("is_service_account", K::kBool),
                                     P("is_privileged", K::kBool),
                                     P("can_escalate_privs", K::kBool),
                                     P("is_disabled", K::kBool),
                                     P("account_created", K::kTimestamp),
                                     P("account_expires", K::kTimestamp),
                                     P("credential_last_changed", K::kTimestamp),
                                     P("account_first_login", K::kTimestamp),
                                     P("account_last_login", K::kTimestamp)};
constexpr PropSpec kWindowsRegistryKey[] = {
    P("key"), ObjList("values", kRegistryValue), P("modified_time", K::kTimestamp),
    Ref("creator_user_ref", "user-account"), I("number_of_subkeys", 0, kMax)};
constexpr PropSpec kX509Certificate[] = {P("is_self_signed", K::kBool),
                                         P("hashes", K::kHashes),
                                         P("version"),
                                         P("serial_number"),
                                         P("signature_algorithm"),
                                         P("issuer"),
                                         P("validity_not_before", K::kTimestamp),
                                         P("validity_not_after", K::kTimestamp),
                                         P("subject"),
                                         P("subject_public_key_algorithm"),
                                         P("subject_public_key_modulus"),
                                         P("subject_public_key_exponent", K::kInt),
                                         P("x509_v3_extensions", K::kDict)};

enum class Category { kSdo, kSro, kSco, kMarking, kMeta, kBundle };

class Checker;
using ExtraCheck = void (*)(Checker&);

struct TypeSpec {
  Sv type;
  Category category;
  std::span<const PropSpec> props;
  ExtraCheck extra = nullptr;
};

const TypeSpec* FindType(Sv type);

bool IsKnownType(Sv t) { return FindType(t) != nullptr; }
bool IsSdoType(Sv t) {
  const TypeSpec* s = FindType(t);
  return s ? s->category == Category::kSdo : true;  // custom types may be SDOs
}
bool IsSroType(Sv t) {
  const TypeSpec* s = FindType(t);
  return s && s->category == Category::kSro;
}
bool IsScoLike(Sv t) { return IsScoType(t) || !IsKnownType(t); }

// Whether an identifier of type `t` may appear where `allowed` types are.
bool RefAllowed(Sv t, Sv allowed) {
  size_t start = 0;
  while (start <= allowed.size()) {
    size_t end = allowed.find('|', start);
    if (end == Sv::npos) end = allowed.size();
    Sv a = allowed.substr(start, end - start);
    if (a == "any" || a == t) return true;
    if (a == "sdo" && IsSdoType(t)) return true;
    if (a == "sco" && IsScoLike(t)) return true;
    if (a == "sro" && IsSroType(t)) return true;
    if (a == "object" && t != "bundle" && t != "language-content") return true;
    start = end + 1;
  }
  return false;
}

std::string Describe(Sv allowed) {
  std::string out;
  size_t start = 0;
  while (start <= allowed.size()) {
    size_t end = allowed.find('|', start);
    if (end == Sv::npos) end = allowed.size();
    Sv a = allowed.substr(start, end - start);
    if (!out.empty()) out += end == allowed.size() ? " or " : ", ";
    if (a == "sdo") {
      out += "an SDO";
    } else if (a == "sco") {
      out += "an SCO";
    } else if (a == "sro") {
      out += "an SRO";
    } else if (a == "object") {
      out += "an object other than bundle or language-content";
    } else {
      out += a;
    }
    start = end + 1;
  }
  return out;
}

std::string Quote(Sv s) {
  std::string out = "'";
  out += s.substr(0, 200);
  out += "'";
  return out;
}

// ---------------------------------------------------------------------------

class Checker {
 public:
  Checker(const json::object& obj, const ValidationOptions& options, std::vector<Finding>& out)
      : obj_(obj), options_(options), out_(out) {}

  const json::object& obj() const { return obj_; }
  Sv type() const { return type_; }
  const Path& root() const { return root_; }

  void Add(Severity severity, const Path& path, std::string message) {
    std::string p;
    path.Append(p);
    out_.push_back({severity, std::string(id_), std::move(p), std::move(message)});
  }
  void Err(const Path& path, std::string message) {
    Add(Severity::kError, path, std::move(message));
  }
  void Warn(const Path& path, std::string message) {
    Add(Severity::kWarning, path, std::move(message));
  }
  void Err(Sv prop, std::string message) { Err(root_.Child(prop), std::move(message)); }
  void Warn(Sv prop, std::string message) { Warn(root_.Child(prop), std::move(message)); }

  bool Has(Sv key) const { return Get(obj_, key) != nullptr; }

  // The instant of a valid timestamp property, else nullopt.
  std::optional<Micros> Time(Sv key) const {
    Sv s = GetStr(obj_, key);
    if (s.empty()) return std::nullopt;
    auto t = ParseTimestamp(s);
    if (!t) return std::nullopt;
    return t->micros;
  }

  // `later` must not be before `earlier` (or must be after it, if strict).
  void Order(Sv earlier, Sv later, bool strict) {
    auto a = Time(earlier);
    auto b = Time(later);
    if (!a || !b) return;
    if (*b < *a || (strict && *b == *a)) {
      Err(later, std::string(later) + (strict ? " must be later than " : " must not be before ") +
                     std::string(earlier));
    }
  }

  void Run();
  void CheckProps(const json::object& o, std::span<const PropSpec> specs, const Path& base);
  void CheckValue(const json::value& v, const PropSpec& s, const Path& p);
  void CheckVocab(Sv value, const Vocab& v, const Path& p);
  void CheckHashes(const json::value& v, const Path& p);
  void CheckRef(const json::value& v, Sv allowed, const Path& p);
  void CheckTimestamp(const json::value& v, bool millis, const Path& p);
  void CheckExtensions(const json::value& v, const Path& p);
  void CheckExternalReference(const json::object& o, const Path& p);
  void CheckGranularMarking(const json::object& o, const Path& p);
  void CheckCustomProperty(Sv key, const json::value& v, const Path& p);

 private:
  const json::object& obj_;
  const ValidationOptions& options_;
  std::vector<Finding>& out_;
  const Path root_;
  Sv type_;
  Sv id_;
  // A type the specification does not define, or one extended with top-level
  // properties: its own property names need no x_ prefix.
  bool custom_type_ = false;
};

void Checker::CheckVocab(Sv value, const Vocab& v, const Path& p) {
  if (v.Contains(value)) return;
  if (v.closed) {
    Err(p, Quote(value) + " is not a value of " + std::string(v.name));
  } else {
    Add(options_.strict_vocabularies ? Severity::kError : Severity::kWarning, p,
        Quote(value) + " is not in the open vocabulary " + std::string(v.name));
  }
}

void Checker::CheckTimestamp(const json::value& v, bool millis, const Path& p) {
  if (!v.is_string()) return Err(p, "must be a timestamp string");
  auto t = ParseTimestamp(ToSv(v.get_string()));
  if (!t) return Err(p, "invalid timestamp: " + t.error().message);
  if (millis && t->fraction_digits < 3) {
    Err(p, "timestamp must be precise to at least the millisecond (e.g. 2024-01-01T00:00:00.000Z)");
  }
}

void Checker::CheckRef(const json::value& v, Sv allowed, const Path& p) {
  if (!v.is_string()) return Err(p, "must be an identifier string");
  Sv id = ToSv(v.get_string());
  if (!IsIdentifier(id)) return Err(p, Quote(id) + " is not a valid STIX identifier");
  Sv t = IdentifierType(id);
  if (!RefAllowed(t, allowed)) {
    Err(p, "must refer to " + Describe(allowed) + ", not " + std::string(t));
  }
}

void Checker::CheckHashes(const json::value& v, const Path& p) {
  if (!v.is_object() || v.get_object().empty()) {
    return Err(p, "must be a non-empty hashes dictionary");
  }
  for (const auto& kv : v.get_object()) {
    Sv alg = kv.key();
    Path hp = p.Child(alg);
    if (!kv.value().is_string()) {
      Err(hp, "hash value must be a string");
      continue;
    }
    Sv h = ToSv(kv.value().get_string());
    size_t want = 0;
    if (alg == "MD5") {
      want = 32;
    } else if (alg == "SHA-1") {
      want = 40;
    } else if (alg == "SHA-256" || alg == "SHA3-256") {
      want = 64;
    } else if (alg == "SHA-512" || alg == "SHA3-512") {
      want = 128;
    }
    if (want != 0) {
      if (h.size() != want || !IsHex(h)) {
        Err(hp, "a " + std::string(alg) + " hash must be " + std::to_string(want) +
                    " hexadecimal characters");
      }
    } else if (alg == "SSDEEP") {
      bool ok = !h.empty() && h.size() <= 148;
      for (char c : h) {
        if (!(IsAlpha(c) || IsDigit(c) || c == '/' || c == '+' || c == ':' || c == '.')) ok = false;
      }
      if (!ok) Err(hp, "not a valid SSDEEP hash");
    } else if (alg == "TLSH") {
      Sv body =
          h.size() == 72 && (h.substr(0, 2) == "T1" || h.substr(0, 2) == "t1") ? h.substr(2) : h;
      if (body.size() != 70 || !IsHex(body)) Err(hp, "not a valid TLSH hash");
    } else {
      if (alg.empty() || alg.size() > 250) {
        Err(hp, "hash algorithm names must be 1 to 250 characters");
      } else {
        CheckVocab(alg, vocab::kHashAlgorithmOv, hp);
      }
    }
  }
}

void Checker::CheckExternalReference(const json::object& o, const Path& p) {
  CheckProps(o, kExternalReference, p);
  Sv source = GetStr(o, "source_name");
  if (!Get(o, "description") && !Get(o, "url") && !Get(o, "external_id")) {
    Err(p.Child("source_name"),
        "an external reference needs description, url or external_id besides source_name");
  }
  Sv ext = GetStr(o, "external_id");
  if (source == "cve") {
    // CVE-YYYY-NNNN with at least four digits, no leading zero beyond four.
    bool ok = ext.size() >= 13 && ext.substr(0, 4) == "CVE-" && ext[8] == '-';
    for (size_t i = 4; ok && i < ext.size(); ++i) {
      if (i != 8 && !IsDigit(ext[i])) ok = false;
    }
    if (ok && ext.size() > 13 && ext[9] == '0') ok = false;
    if (!ok) {
      Err(p.Child("external_id"), "a cve reference needs an external_id like CVE-2024-12345");
    }
  } else if (source == "capec") {
    bool ok = ext.size() > 6 && ext.substr(0, 6) == "CAPEC-";
    for (size_t i = 6; ok && i < ext.size(); ++i) {
      if (!IsDigit(ext[i])) ok = false;
    }
    if (!ok) Err(p.Child("external_id"), "a capec reference needs an external_id like CAPEC-163");
  }
}

// A selector names a property of the object: "description", "labels.[1]",
// "external_references.[0].source_name".
bool SelectorResolves(const json::object& root, Sv sel) {
  const json::value* cur = nullptr;
  bool first = true;
  size_t start = 0;
  while (true) {
    size_t end = sel.find('.', start);
    Sv seg = sel.substr(start, end == Sv::npos ? Sv::npos : end - start);
    if (seg.empty()) return false;
    if (!first && seg.front() == '[' && seg.back() == ']' && seg.size() > 2) {
      size_t idx = 0;
      for (char c : seg.substr(1, seg.size() - 2)) {
        if (!IsDigit(c) || idx > 100'000'000) return false;
        idx = idx * 10 + static_cast<size_t>(c - '0');
      }
      if (!cur || !cur->is_array() || idx >= cur->get_array().size()) return false;
      cur = &cur->get_array()[idx];
    } else {
      const json::object* o =
          first ? &root : (cur && cur->is_object() ? &cur->get_object() : nullptr);
      if (!o) return false;
      cur = Get(*o, seg);
      if (!cur) return false;
    }
    first = false;
    if (end == Sv::npos) return true;
    start = end + 1;
  }
}

void Checker::CheckGranularMarking(const json::object& o, const Path& p) {
  CheckProps(o, kGranularMarking, p);
  bool has_lang = Get(o, "lang") != nullptr;
  bool has_ref = Get(o, "marking_ref") != nullptr;
  if (has_lang == has_ref) {
    Err(p.Child("marking_ref"), "a granular marking needs exactly one of marking_ref and lang");
  }
  if (const json::value* sels = Get(o, "selectors"); sels && sels->is_array()) {
    Path sp = p.Child("selectors");
    size_t i = 0;
    for (const auto& s : sels->get_array()) {
      Path ip = sp.At(i++);
      if (!s.is_string()) continue;  // reported by CheckProps
      Sv sel = ToSv(s.get_string());
      Sv head = sel.substr(0, sel.find('.'));
      if (!(head == "id" || IsPropertyName(head) || head.find('-') != Sv::npos) ||
          !SelectorResolves(obj_, sel)) {
        Err(ip, "selector " + Quote(sel) + " does not select a property of this object");
      }
    }
  }
}

void Checker::CheckExtensions(const json::value& v, const Path& p) {
  if (!v.is_object() || v.get_object().empty()) {
    return Err(p, "must be a non-empty dictionary of extensions");
  }
  constexpr Sv kDefPrefix = "extension-definition--";
  for (const auto& kv : v.get_object()) {
    Sv name = kv.key();
    Path ep = p.Child(name);
    const json::value& ext = kv.value();
    if (name.substr(0, kDefPrefix.size()) == kDefPrefix) {
      if (!IsIdentifier(name)) {
        Err(ep, "extension key is not a valid extension-definition identifier");
        continue;
      }
      if (!ext.is_object()) {
        Err(ep, "an extension must be a JSON object");
        continue;
      }
      const json::value* et = Get(ext.get_object(), "extension_type");
      if (!et) {
        Err(ep.Child("extension_type"), "required property missing");
      } else if (!et->is_string()) {
        Err(ep.Child("extension_type"), "must be a string");
      } else {
        CheckVocab(ToSv(et->get_string()), vocab::kExtensionTypeEnum, ep.Child("extension_type"));
      }
      continue;
    }
    if (name.size() > 4 && name.substr(name.size() - 4) == "-ext") {
      if (!ext.is_object() || ext.get_object().empty()) {
        Err(ep, "an extension must be a non-empty JSON object");
        continue;
      }
      const ExtensionSpec* found = nullptr;
      bool other_owner = false;
      for (const auto& e : kPredefinedExtensions) {
        if (e.name != name) continue;
        if (e.owner == type_) {
          found = &e;
        } else {
          other_owner = true;
        }
      }
      if (found) {
        CheckProps(ext.get_object(), found->props, ep);
      } else if (other_owner) {
        Err(ep, "the predefined extension " + std::string(name) + " does not apply to " +
                    std::string(type_));
      } else {
        Warn(ep, "custom extension " + Quote(name) +
                     " (deprecated; define it with an extension-definition)");
      }
      continue;
    }
    Err(ep, "extension key must be an extension-definition id or a predefined extension name");
  }
}

void Checker::CheckValue(const json::value& v, const PropSpec& s, const Path& p) {
  switch (s.kind) {
    case Kind::kSpecial:
      return;
    case Kind::kString:
      if (!v.is_string()) Err(p, "must be a string");
      return;
    case Kind::kBool:
      if (!v.is_bool()) Err(p, "must be a boolean");
      return;
    case Kind::kInt: {
      if (v.is_int64()) {
        int64_t x = v.get_int64();
        if (x < s.lo || x > s.hi) {
          Err(p, "must be between " + std::to_string(s.lo) + " and " + std::to_string(s.hi));
        }
      } else if (v.is_uint64()) {
        if (s.hi != kMax) Err(p, "must be at most " + std::to_string(s.hi));
      } else {
        Err(p, "must be an integer");
      }
      return;
    }
    case Kind::kNumber: {
      if (!v.is_number()) return Err(p, "must be a number");
      double x = v.to_number<double>();
      if (x < static_cast<double>(s.lo) || x > static_cast<double>(s.hi)) {
        Err(p, "must be between " + std::to_string(s.lo) + " and " + std::to_string(s.hi));
      }
      return;
    }
    case Kind::kTimestamp:
      return CheckTimestamp(v, false, p);
    case Kind::kTimestampMillis:
      return CheckTimestamp(v, true, p);
    case Kind::kRef:
      return CheckRef(v, s.refs, p);
    case Kind::kHex:
      if (!v.is_string() || !IsHex(ToSv(v.get_string()))) {
        Err(p, "must be a string of hexadecimal octets");
      }
      return;
    case Kind::kBinary:
      if (!v.is_string() || !IsBase64(ToSv(v.get_string()))) Err(p, "must be base64 text");
      return;
    case Kind::kLang:
      if (!v.is_string() || !IsLangTag(ToSv(v.get_string()))) {
        Err(p, "must be an RFC 5646 language tag such as en or pt-BR");
      }
      return;
    case Kind::kUrl:
      if (!v.is_string() || !IsUrl(ToSv(v.get_string()))) Err(p, "must be a URL");
      return;
    case Kind::kVocab:
      if (!v.is_string()) return Err(p, "must be a string");
      return CheckVocab(ToSv(v.get_string()), *s.vocab, p);
    case Kind::kDict:
      if (!v.is_object() || v.get_object().empty()) Err(p, "must be a non-empty dictionary");
      return;
    case Kind::kHashes:
      return CheckHashes(v, p);
    case Kind::kExtensions:
      return CheckExtensions(v, p);
    case Kind::kObject:
      if (!v.is_object()) return Err(p, "must be a JSON object");
      return CheckProps(v.get_object(), s.nested, p);
    default:
      break;
  }
  // List kinds.
  if (!v.is_array()) return Err(p, "must be a list");
  const json::array& a = v.get_array();
  if (a.empty()) return Err(p, "must be a non-empty list");
  size_t i = 0;
  for (const auto& el : a) {
    Path ip = p.At(i++);
    switch (s.kind) {
      case Kind::kRefList:
        CheckRef(el, s.refs, ip);
        break;
      case Kind::kStringList:
        if (!el.is_string()) Err(ip, "must be a string");
        break;
      case Kind::kVocabList:
        if (!el.is_string()) {
          Err(ip, "must be a string");
        } else {
          CheckVocab(ToSv(el.get_string()), *s.vocab, ip);
        }
        break;
      case Kind::kKillChainPhases:
        if (!el.is_object()) {
          Err(ip, "a kill chain phase must be a JSON object");
        } else {
          CheckProps(el.get_object(), kKillChainPhase, ip);
          Sv name = GetStr(el.get_object(), "kill_chain_name");
          for (char c : name) {
            if (c == ' ' || c == '_' || (c >= 'A' && c <= 'Z')) {
              Warn(ip.Child("kill_chain_name"), "should be lower case with hyphens");
              break;
            }
          }
        }
        break;
      case Kind::kExternalRefs:
        if (!el.is_object()) {
          Err(ip, "an external reference must be a JSON object");
        } else {
          CheckExternalReference(el.get_object(), ip);
        }
        break;
      case Kind::kGranularMarkings:
        if (!el.is_object()) {
          Err(ip, "a granular marking must be a JSON object");
        } else {
          CheckGranularMarking(el.get_object(), ip);
        }
        break;
      case Kind::kObjectList:
        if (!el.is_object()) {
          Err(ip, "must be a JSON object");
        } else {
          CheckProps(el.get_object(), s.nested, ip);
        }
        break;
      default:
        break;
    }
  }
}

void Checker::CheckProps(const json::object& o, std::span<const PropSpec> specs, const Path& base) {
  for (const PropSpec& s : specs) {
    const json::value* v = Get(o, s.name);
    if (!v) {
      if (s.required) Err(base.Child(s.name), "required property missing");
      continue;
    }
    if (v->is_null()) {
      Err(base.Child(s.name), "must not be null (omit the property instead)");
      continue;
    }
    CheckValue(*v, s, base.Child(s.name));
  }
}

bool InSpecs(std::span<const PropSpec> specs, Sv key) {
  for (const PropSpec& s : specs) {
    if (s.name == key) return true;
  }
  return false;
}

void Checker::CheckCustomProperty(Sv key, const json::value& v, const Path& p) {
  if (key == "severity" || key == "action" || key == "username" || key == "phone_numbers") {
    return Err(p, Quote(key) + " is a reserved property name");
  }
  if (!IsPropertyName(key)) {
    return Err(p, "custom property names must be 3-250 characters of a-z, 0-9 and _");
  }
  if (!custom_type_ && key.substr(0, 2) != "x_") {
    Warn(p, "custom property names should start with x_");
  }
  if (v.is_null()) return Err(p, "must not be null (omit the property instead)");
  if (v.is_array() && v.get_array().empty()) return Err(p, "must not be an empty list");
  if (key.size() > 4 && key.substr(key.size() - 4) == "_hex" &&
      (!v.is_string() || !IsHex(ToSv(v.get_string())))) {
    return Err(p, "a _hex property must be a string of hexadecimal octets");
  }
  if (key.size() > 4 && key.substr(key.size() - 4) == "_bin" &&
      (!v.is_string() || !IsBase64(ToSv(v.get_string())))) {
    return Err(p, "a _bin property must be base64 text");
  }
}

void Checker::Run() {
  const Path type_path = root_.Child("type");
  const Path id_path = root_.Child("id");
  if (const json::value* v = Get(obj_, "id"); v && v->is_string()) id_ = ToSv(v->get_string());
  const json::value* tv = Get(obj_, "type");
  if (!tv) {
    Err(type_path, "required property missing");
  } else if (!tv->is_string()) {
    Err(type_path, "must be a string");
  } else {
    type_ = ToSv(tv->get_string());
    if (!IsTypeName(type_)) {
      Err(type_path,
          Quote(type_) +
              " is not a valid type name (3-250 characters of a-z, 0-9 and single hyphens)");
    }
  }
  const json::value* iv = Get(obj_, "id");
  if (!iv) {
    Err(id_path, "required property missing");
  } else if (!iv->is_string()) {
    Err(id_path, "must be a string");
  } else if (!IsIdentifier(id_)) {
    Err(id_path, Quote(id_) + " is not a valid STIX identifier (type--UUID)");
  } else if (!type_.empty() && IdentifierType(id_) != type_) {
    Err(id_path, "the identifier's type " + Quote(IdentifierType(id_)) +
                     " does not match the object's type " + Quote(type_));
  }

  const TypeSpec* spec = FindType(type_);
  Category category;
  if (spec) {
    category = spec->category;
  } else {
    custom_type_ = true;
    category = Has("created") || Has("modified") ? Category::kSdo : Category::kSco;
  }
  if (category == Category::kBundle) {
    Err(type_path, "a bundle cannot appear as an object");
    return;
  }
  std::span<const PropSpec> common = kSdoCommon;
  if (category == Category::kSco) common = kScoCommon;
  if (category == Category::kMarking) common = kMarkingCommon;
  // spec_version.
  if (const json::value* sv = Get(obj_, "spec_version")) {
    if (!sv->is_string() || sv->get_string() != "2.1") {
      Err("spec_version", "must be \"2.1\" for a STIX 2.1 object");
    }
  } else if (category != Category::kSco) {
    Err("spec_version", "required property missing");
  }
  CheckProps(obj_, common, root_);
  if (spec) CheckProps(obj_, spec->props, root_);
  if (category != Category::kSco && category != Category::kMarking) {
    Order("created", "modified", false);
  }

  // Properties added by a toplevel-property-extension are not custom
  // properties in the 2.0 sense and need no x_ prefix.
  if (const json::value* ext = Get(obj_, "extensions"); ext && ext->is_object()) {
    for (const auto& kv : ext->get_object()) {
      if (kv.value().is_object() &&
          GetStr(kv.value().get_object(), "extension_type") == "toplevel-property-extension") {
        custom_type_ = true;
      }
    }
  }
  for (const auto& kv : obj_) {
    Sv key = kv.key();
    if (InSpecs(common, key) || (spec && InSpecs(spec->props, key))) continue;
    if (category == Category::kMarking) {
      bool sdo_only = false;
      for (Sv n : kNotOnMarking) sdo_only |= n == key;
      if (sdo_only) {
        Err(root_.Child(key), "a marking-definition has no " + std::string(key) + " property");
        continue;
      }
    }
    CheckCustomProperty(key, kv.value(), root_.Child(key));
  }
  if (spec && spec->extra) spec->extra(*this);
}

// ---------------------------------------------------------------------------
// Rules spanning several properties.

void SeenOrder(Checker& c) { c.Order("first_seen", "last_seen", false); }

void CheckIndicator(Checker& c) { c.Order("valid_from", "valid_until", true); }

void CheckMalware(Checker& c) {
  SeenOrder(c);
  const json::value* f = c.obj().if_contains("is_family");
  if (f && f->is_bool() && f->get_bool() && !c.Has("name")) {
    c.Err("name", "a malware family (is_family true) requires a name");
  }
}

void CheckMalwareAnalysis(Checker& c) {
  if (!c.Has("result") && !c.Has("analysis_sco_refs")) {
    c.Err("result", "one of result or analysis_sco_refs is required");
  }
}

void CheckObservedData(Checker& c) {
  c.Order("first_observed", "last_observed", false);
  bool objects = c.Has("objects");
  bool refs = c.Has("object_refs");
  if (objects && refs) {
    c.Err("objects", "objects and object_refs must not both be present");
  } else if (!objects && !refs) {
    c.Err("object_refs", "one of object_refs or objects is required");
  } else if (objects) {
    c.Warn("objects", "objects is deprecated in STIX 2.1; use object_refs");
  }
}

void CheckLocation(Checker& c) {
  bool lat = c.Has("latitude");
  bool lon = c.Has("longitude");
  if (lat != lon) c.Err(lat ? "longitude" : "latitude", "latitude and longitude go together");
  if (c.Has("precision") && !(lat && lon)) {
    c.Err("precision", "precision requires latitude and longitude");
  }
  if (!c.Has("region") && !c.Has("country") && !(lat && lon)) {
    c.Err("region", "a location needs region, country, or latitude and longitude");
  }
}

void CheckRelationship(Checker& c) {
  c.Order("start_time", "stop_time", true);
  Sv rt = GetStr(c.obj(), "relationship_type");
  if (!rt.empty()) {
    bool ok = rt.size() >= 3 && rt.size() <= 250;
    for (char ch : rt) {
      if (!IsLower(ch) && !IsDigit(ch) && ch != '-') ok = false;
    }
    if (!ok) {
      c.Err("relationship_type", "must be 3-250 characters of a-z, 0-9 and hyphens");
    }
  }
}

void CheckSighting(Checker& c) { SeenOrder(c); }

void CheckLanguageContent(Checker& c) {
  const json::value* contents = c.obj().if_contains("contents");
  if (!contents || !contents->is_object()) return;
  Path cp = c.root().Child("contents");
  for (const auto& kv : contents->get_object()) {
    Path lp = cp.Child(kv.key());
    if (!IsLangTag(kv.key())) c.Err(lp, "keys of contents must be RFC 5646 language tags");
    if (!kv.value().is_object() || kv.value().get_object().empty()) {
      c.Err(lp, "each language must map to a non-empty dictionary of translated properties");
    }
  }
}

void CheckExtensionDefinition(Checker& c) {
  if (!c.Has("created_by_ref")) c.Err("created_by_ref", "required property missing");
  if (!c.Has("extension_properties")) return;
  bool toplevel = false;
  if (const json::value* t = c.obj().if_contains("extension_types"); t && t->is_array()) {
    for (const auto& e : t->get_array()) {
      toplevel |= e.is_string() && e.get_string() == "toplevel-property-extension";
    }
  }
  if (!toplevel) {
    c.Err("extension_properties",
          "only allowed when extension_types includes toplevel-property-extension");
  }
}

constexpr Sv kTlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
struct TlpId {
  Sv id;
  Sv level;
  int version;
};
constexpr TlpId kTlpIds[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white", 1},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green", 1},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber", 1},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red", 1},
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "clear", 2},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green", 2},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber", 2},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict", 2},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "red", 2},
};

const TlpId* FindTlpId(Sv id) {
  for (const auto& t : kTlpIds) {
    if (t.id == id) return &t;
  }
  return nullptr;
}
const TlpId* FindTlpLevel(Sv level, int version) {
  for (const auto& t : kTlpIds) {
    if (t.level == level && t.version == version) return &t;
  }
  return nullptr;
}

void CheckMarkingDefinition(Checker& c) {
  const json::object& o = c.obj();
  Sv id = GetStr(o, "id");
  const TlpId* known = FindTlpId(id);
  const json::value* ext = o.if_contains("extensions");
  const json::value* tlp2 = nullptr;
  if (ext && ext->is_object()) tlp2 = ext->get_object().if_contains(kTlp2Extension);

  if (!ext) {
    if (!c.Has("definition_type")) c.Err("definition_type", "required property missing");
    if (!c.Has("definition")) c.Err("definition", "required property missing");
  }
  Sv dt = GetStr(o, "definition_type");
  const json::value* def = o.if_contains("definition");
  if (ext && c.Has("definition_type") != c.Has("definition")) {
    c.Err(c.Has("definition") ? "definition_type" : "definition",
          "definition_type and definition go together");
  }
  Path dp = c.root().Child("definition");
  const json::object* d = def && def->is_object() ? &def->get_object() : nullptr;
  if (dt == "statement") {
    if (d) {
      const json::value* st = d->if_contains("statement");
      if (!st) {
        c.Err(dp.Child("statement"), "required property missing");
      } else if (!st->is_string()) {
        c.Err(dp.Child("statement"), "must be a string");
      }
    }
  } else if (dt == "tlp") {
    if (d) {
      const json::value* lv = d->if_contains("tlp");
      if (!lv) {
        c.Err(dp.Child("tlp"), "required property missing");
      } else if (!lv->is_string()) {
        c.Err(dp.Child("tlp"), "must be a string");
      } else {
        Sv level = ToSv(lv->get_string());
        const TlpId* want = FindTlpLevel(level, 1);
        if (!want) {
          c.Err(dp.Child("tlp"),
                Quote(level) + " is not a TLP 1.0 level (white, green, amber, red)");
        } else if (want->id != id) {
          c.Err("id", "TLP:" + std::string(level) + " must use the published id " +
                          std::string(want->id));
        }
      }
    }
  } else if (!dt.empty()) {
    c.Warn("definition_type", Quote(dt) + " is not a definition type STIX 2.1 defines");
  }

  if (tlp2) {
    Path tp = c.root().Child("extensions").Child(kTlp2Extension);
    const json::value* lv = tlp2->is_object() ? tlp2->get_object().if_contains("tlp_2_0") : nullptr;
    if (!lv || !lv->is_string()) {
      c.Err(tp.Child("tlp_2_0"), "the TLP 2.0 extension requires a tlp_2_0 level string");
    } else {
      Sv level = ToSv(lv->get_string());
      const TlpId* want = FindTlpLevel(level, 2);
      if (!want) {
        c.Err(tp.Child("tlp_2_0"), Quote(level) + " is not a TLP 2.0 level");
      } else if (want->id != id) {
        c.Err("id",
              "TLP:" + std::string(level) + " must use the published id " + std::string(want->id));
      }
    }
    if (tlp2->is_object()) {
      Sv et = GetStr(tlp2->get_object(), "extension_type");
      if (!et.empty() && et != "property-extension") {
        c.Err(tp.Child("extension_type"), "the TLP 2.0 extension is a property-extension");
      }
    }
  }
  if (known) {
    bool matches = false;
    if (known->version == 1 && dt == "tlp" && d) {
      matches = GetStr(*d, "tlp") == known->level;
    } else if (known->version == 2 && tlp2 && tlp2->is_object()) {
      matches = GetStr(tlp2->get_object(), "tlp_2_0") == known->level;
    }
    if (!matches) {
      c.Err("id", "this id is reserved for the published TLP:" + std::string(known->level) +
                      " marking, which this object does not express");
    }
  }
}

void CheckArtifact(Checker& c) {
  if (c.Has("payload_bin") && c.Has("url")) {
    c.Err("url", "payload_bin and url must not both be present");
  }
  if (c.Has("url") && !c.Has("hashes")) c.Err("hashes", "required when url is present");
  if (c.Has("decryption_key") && !c.Has("encryption_algorithm")) {
    c.Err("decryption_key", "requires encryption_algorithm");
  }
  Sv mime = GetStr(c.obj(), "mime_type");
  if (!mime.empty() && mime.find('/') == Sv::npos) {
    c.Warn("mime_type", "should be an IANA media type such as application/zip");
  }
}

void CheckDomainName(Checker& c) {
  Sv v = GetStr(c.obj(), "value");
  for (char ch : v) {
    if (ch == ' ' || ch == '/' || ch == '@' || ch == '\t' || ch == '\n') {
      c.Err("value", "not a domain name");
      return;
    }
  }
}

void CheckEmailAddr(Checker& c) {
  Sv v = GetStr(c.obj(), "value");
  if (c.Has("value") && !IsEmail(v)) c.Err("value", "not an e-mail address (addr-spec)");
}

void CheckEmailMessage(Checker& c) {
  const json::value* mp = c.obj().if_contains("is_multipart");
  if (mp && mp->is_bool()) {
    if (mp->get_bool() && c.Has("body")) {
      c.Err("body", "must not be present when is_multipart is true (use body_multipart)");
    }
    if (!mp->get_bool() && c.Has("body_multipart")) {
      c.Err("body_multipart", "must not be present when is_multipart is false");
    }
  }
  if (const json::value* parts = c.obj().if_contains("body_multipart");
      parts && parts->is_array()) {
    Path pp = c.root().Child("body_multipart");
    size_t i = 0;
    for (const auto& part : parts->get_array()) {
      Path ip = pp.At(i++);
      if (!part.is_object()) continue;
      bool body = Get(part.get_object(), "body") != nullptr;
      bool raw = Get(part.get_object(), "body_raw_ref") != nullptr;
      if (body == raw) {
        c.Err(ip.Child("body"), "a MIME part needs exactly one of body and body_raw_ref");
      }
    }
  }
}

void CheckFile(Checker& c) {
  if (!c.Has("hashes") && !c.Has("name")) c.Err("hashes", "a file needs hashes or name");
}

void CheckIpv4(Checker& c) {
  if (c.Has("value") && !IsIpv4(GetStr(c.obj(), "value"), true)) {
    c.Err("value", "not an IPv4 address or CIDR block");
  }
}
void CheckIpv6(Checker& c) {
  if (c.Has("value") && !IsIpv6(GetStr(c.obj(), "value"))) {
    c.Err("value", "not an IPv6 address or CIDR block");
  }
}
void CheckMac(Checker& c) {
  if (c.Has("value") && !IsMac(GetStr(c.obj(), "value"))) {
    c.Err("value", "not a MAC address in lower-case colon form (00:00:5e:00:53:01)");
  }
}

void CheckNetworkTraffic(Checker& c) {
  if (!c.Has("src_ref") && !c.Has("dst_ref")) {
    c.Err("src_ref", "network traffic needs src_ref or dst_ref");
  }
  const json::value* active = c.obj().if_contains("is_active");
  if (active && active->is_bool() && active->get_bool() && c.Has("end")) {
    c.Err("end", "must not be present when is_active is true");
  }
  c.Order("start", "end", false);
}

// Types whose schema requires at least one property besides type and id.
void AtLeastOneProperty(Checker& c) {
  for (const auto& kv : c.obj()) {
    Sv k = kv.key();
    if (k != "type" && k != "id" && k != "spec_version" && k != "defanged" &&
        k != "object_marking_refs" && k != "granular_markings") {
      return;
    }
  }
  c.Err("type", "an object of this type needs at least one of its own properties");
}

void CheckRegistryKey(Checker& c) {
  AtLeastOneProperty(c);
  Sv key = GetStr(c.obj(), "key");
  constexpr Sv kAbbrev[] = {"hklm", "hkcc", "hkcr", "hkcu", "hku"};
  for (Sv a : kAbbrev) {
    if (key.size() >= a.size()) {
      bool eq = true;
      for (size_t i = 0; i < a.size(); ++i) {
        char ch = key[i];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        eq &= ch == a[i];
      }
      if (eq && (key.size() == a.size() || key[a.size()] == '\\')) {
        c.Err("key", "use the full hive name (e.g. HKEY_LOCAL_MACHINE), not " + std::string(a));
        return;
      }
    }
  }
}

void CheckX509(Checker& c) {
  AtLeastOneProperty(c);
  c.Order("validity_not_before", "validity_not_after", false);
}

constexpr TypeSpec kTypes[] = {
    {"attack-pattern", Category::kSdo, kAttackPattern},
    {"campaign", Category::kSdo, kCampaign, SeenOrder},
    {"course-of-action", Category::kSdo, kCourseOfAction},
    {"grouping", Category::kSdo, kGrouping},
    {"identity", Category::kSdo, kIdentity},
    {"incident", Category::kSdo, kIncident},
    {"indicator", Category::kSdo, kIndicator, CheckIndicator},
    {"infrastructure", Category::kSdo, kInfrastructure, SeenOrder},
    {"intrusion-set", Category::kSdo, kIntrusionSet, SeenOrder},
    {"location", Category::kSdo, kLocation, CheckLocation},
    {"malware", Category::kSdo, kMalware, CheckMalware},
    {"malware-analysis", Category::kSdo, kMalwareAnalysis, CheckMalwareAnalysis},
    {"note", Category::kSdo, kNote},
    {"observed-data", Category::kSdo, kObservedData, CheckObservedData},
    {"opinion", Category::kSdo, kOpinion},
    {"report", Category::kSdo, kReport},
    {"threat-actor", Category::kSdo, kThreatActor, SeenOrder},
    {"tool", Category::kSdo, kTool},
    {"vulnerability", Category::kSdo, kVulnerability},
    {"relationship", Category::kSro, kRelationship, CheckRelationship},
    {"sighting", Category::kSro, kSighting, CheckSighting},
    {"marking-definition", Category::kMarking, kMarkingDefinition, CheckMarkingDefinition},
    {"language-content", Category::kMeta, kLanguageContent, CheckLanguageContent},
    {"extension-definition", Category::kMeta, kExtensionDefinition, CheckExtensionDefinition},
    {"bundle", Category::kBundle, {}},
    {"artifact", Category::kSco, kArtifact, CheckArtifact},
    {"autonomous-system", Category::kSco, kAutonomousSystem},
    {"directory", Category::kSco, kDirectory},
    {"domain-name", Category::kSco, kDomainName, CheckDomainName},
    {"email-addr", Category::kSco, kEmailAddr, CheckEmailAddr},
    {"email-message", Category::kSco, kEmailMessage, CheckEmailMessage},
    {"file", Category::kSco, kFile, CheckFile},
    {"ipv4-addr", Category::kSco, kIpv4Addr, CheckIpv4},
    {"ipv6-addr", Category::kSco, kIpv6Addr, CheckIpv6},
    {"mac-addr", Category::kSco, kMacAddr, CheckMac},
    {"mutex", Category::kSco, kMutex},
    {"network-traffic", Category::kSco, kNetworkTraffic, CheckNetworkTraffic},
    {"process", Category::kSco, kProcess, AtLeastOneProperty},
    {"software", Category::kSco, kSoftware},
    {"url", Category::kSco, kUrlSco},
    {"user-account", Category::kSco, kUserAccount, AtLeastOneProperty},
    {"windows-registry-key", Category::kSco, kWindowsRegistryKey, CheckRegistryKey},
    {"x509-certificate", Category::kSco, kX509Certificate, CheckX509},
};

const TypeSpec* FindType(Sv type) {
  for (const TypeSpec& t : kTypes) {
    if (t.type == type) return &t;
  }
  return nullptr;
}

}  // namespace

std::vector<Finding> Validate(const Object& object, const ValidationOptions& options) {
  std::vector<Finding> out;
  Checker checker(object.json(), options, out);
  checker.Run();
  return out;
}

bool HasErrors(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    if (f.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace ecrn::stix
