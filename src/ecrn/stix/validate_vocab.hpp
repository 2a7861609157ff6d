// Private to stix/: the STIX 2.1 closed enumerations and open vocabularies the
// validator checks values against, as constant sorted-free arrays (looked up
// by linear scan; each is short). Constants only; thread-safe.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace ecrn::stix::vocab {

// A named list of allowed values. `closed` enumerations reject other values;
// open vocabularies only warn.
struct Vocab {
  std::string_view name;
  std::span<const std::string_view> values;
  bool closed = false;

  bool Contains(std::string_view v) const {
    for (std::string_view x : values) {
      if (x == v) return true;
    }
    return false;
  }
};

using Sv = std::string_view;

inline constexpr std::array<Sv, 10> kAttackMotivation = {"accidental",    "coercion",
                                                         "dominance",     "ideology",
                                                         "notoriety",     "organizational-gain",
                                                         "personal-gain", "personal-satisfaction",
                                                         "revenge",       "unpredictable"};
inline constexpr std::array<Sv, 6> kAttackResourceLevel = {
    "individual", "club", "contest", "team", "organization", "government"};
inline constexpr std::array<Sv, 3> kGroupingContext = {"suspicious-activity", "malware-analysis",
                                                       "unspecified"};
inline constexpr std::array<Sv, 6> kIdentityClass = {"individual",   "group", "system",
                                                     "organization", "class", "unknown"};
inline constexpr std::array<Sv, 21> kImplementationLanguage = {
    "applescript", "bash",  "c",           "c++",        "c#",           "go",         "java",
    "javascript",  "lua",   "objective-c", "perl",       "php",          "powershell", "python",
    "ruby",        "scala", "swift",       "typescript", "visual-basic", "x86-32",     "x86-64"};
inline constexpr std::array<Sv, 7> kIndicatorType = {
    "anomalous-activity", "anonymization", "benign", "compromised",
    "malicious-activity", "attribution",   "unknown"};
inline constexpr std::array<Sv, 38> kIndustrySector = {"agriculture",
                                                       "aerospace",
                                                       "automotive",
                                                       "chemical",
                                                       "commercial",
                                                       "communications",
                                                       "construction",
                                                       "defense",
                                                       "education",
                                                       "energy",
                                                       "engineering",
                                                       "entertainment",
                                                       "financial-services",
                                                       "government",
                                                       "emergency-services",
                                                       "government-local",
                                                       "government-national",
                                                       "government-public-services",
                                                       "government-regional",
                                                       "healthcare",
                                                       "hospitality-leisure",
                                                       "infrastructure",
                                                       "dams",
                                                       "nuclear",
                                                       "water",
                                                       "insurance",
                                                       "manufacturing",
                                                       "mining",
                                                       "non-profit",
                                                       "pharmaceuticals",
                                                       "retail",
                                                       "technology",
                                                       "telecommunications",
                                                       "transportation",
                                                       "utilities",
                                                       "infrastructure-dams",
                                                       "infrastructure-nuclear",
                                                       "infrastructure-water"};
inline constexpr std::array<Sv, 15> kInfrastructureType = {"amplification",
                                                           "anonymization",
                                                           "botnet",
                                                           "command-and-control",
                                                           "control-system",
                                                           "exfiltration",
                                                           "firewall",
                                                           "hosting-malware",
                                                           "hosting-target-lists",
                                                           "phishing",
                                                           "reconnaissance",
                                                           "routers-switches",
                                                           "staging",
                                                           "workstation",
                                                           "unknown"};
inline constexpr std::array<Sv, 4> kMalwareResult = {"malicious", "suspicious", "benign",
                                                     "unknown"};
inline constexpr std::array<Sv, 37> kMalwareCapabilities = {
    "accesses-remote-machines",
    "anti-debugging",
    "anti-disassembly",
    "anti-emulation",
    "anti-memory-forensics",
    "anti-sandbox",
    "anti-vm",
    "captures-input-peripherals",
    "captures-output-peripherals",
    "captures-system-state-data",
    "cleans-traces-of-infection",
    "commits-fraud",
    "communicates-with-c2",
    "compromises-data-availability",
    "compromises-data-integrity",
    "compromises-system-availability",
    "controls-local-machine",
    "degrades-security-software",
    "degrades-system-updates",
    "determines-c2-server",
    "emails-spam",
    "escalates-privileges",
    "evades-av",
    "exfiltrates-data",
    "fingerprints-host",
    "hides-artifacts",
    "hides-executing-code",
    "infects-files",
    "infects-remote-machines",
    "installs-other-components",
    "persists-after-system-reboot",
    "prevents-artifact-access",
    "prevents-artifact-deletion",
    "probes-network-environment",
    "self-modifies",
    "steals-authentication-credentials",
    "violates-system-operational-integrity"};
inline constexpr std::array<Sv, 22> kMalwareType = {"adware",
                                                    "backdoor",
                                                    "bot",
                                                    "bootkit",
                                                    "ddos",
                                                    "downloader",
                                                    "dropper",
                                                    "exploit-kit",
                                                    "keylogger",
                                                    "ransomware",
                                                    "remote-access-trojan",
                                                    "resource-exploitation",
                                                    "rogue-security-software",
                                                    "rootkit",
                                                    "screen-capture",
                                                    "spyware",
                                                    "trojan",
                                                    "unknown",
                                                    "virus",
                                                    "webshell",
                                                    "wiper",
                                                    "worm"};
inline constexpr std::array<Sv, 8> kProcessorArchitecture = {"alpha",   "arm",   "ia-64", "mips",
                                                             "powerpc", "sparc", "x86",   "x86-64"};
inline constexpr std::array<Sv, 29> kRegion = {"africa",
                                               "eastern-africa",
                                               "middle-africa",
                                               "northern-africa",
                                               "southern-africa",
                                               "western-africa",
                                               "americas",
                                               "latin-america-caribbean",
                                               "south-america",
                                               "caribbean",
                                               "central-america",
                                               "northern-america",
                                               "asia",
                                               "central-asia",
                                               "eastern-asia",
                                               "southern-asia",
                                               "south-eastern-asia",
                                               "western-asia",
                                               "europe",
                                               "eastern-europe",
                                               "northern-europe",
                                               "southern-europe",
                                               "western-europe",
                                               "oceania",
                                               "antarctica",
                                               "australia-new-zealand",
                                               "melanesia",
                                               "micronesia",
                                               "polynesia"};
inline constexpr std::array<Sv, 11> kReportType = {
    "attack-pattern", "campaign",     "identity",      "indicator", "intrusion-set", "malware",
    "observed-data",  "threat-actor", "threat-report", "tool",      "vulnerability"};
inline constexpr std::array<Sv, 12> kThreatActorType = {"activist",
                                                        "competitor",
                                                        "crime-syndicate",
                                                        "criminal",
                                                        "hacker",
                                                        "insider-accidental",
                                                        "insider-disgruntled",
                                                        "nation-state",
                                                        "sensationalist",
                                                        "spy",
                                                        "terrorist",
                                                        "unknown"};
inline constexpr std::array<Sv, 7> kThreatActorRole = {"agent",
                                                       "director",
                                                       "independent",
                                                       "infrastructure-architect",
                                                       "infrastructure-operator",
                                                       "malware-author",
                                                       "sponsor"};
inline constexpr std::array<Sv, 7> kThreatActorSophistication = {
    "none", "minimal", "intermediate", "advanced", "expert", "innovator", "strategic"};
inline constexpr std::array<Sv, 8> kToolType = {
    "denial-of-service",       "exploitation",  "information-gathering",  "network-capture",
    "credential-exploitation", "remote-access", "vulnerability-scanning", "unknown"};
inline constexpr std::array<Sv, 6> kPatternType = {"stix",  "pcre",     "sigma",
                                                   "snort", "suricata", "yara"};
inline constexpr std::array<Sv, 8> kHashAlgorithm = {"MD5",      "SHA-1",    "SHA-256", "SHA-512",
                                                     "SHA3-256", "SHA3-512", "SSDEEP",  "TLSH"};
inline constexpr std::array<Sv, 13> kAccountType = {
    "facebook", "ldap", "nis",           "openid",         "radius", "skype", "tacacs",
    "twitter",  "unix", "windows-local", "windows-domain", "kavi",   "local"};
inline constexpr std::array<Sv, 3> kWindowsPeBinaryType = {"dll", "exe", "sys"};
inline constexpr std::array<Sv, 4> kTlp1Level = {"white", "green", "amber", "red"};
inline constexpr std::array<Sv, 5> kTlp2Level = {"clear", "green", "amber", "amber+strict", "red"};

// Closed enumerations.
inline constexpr std::array<Sv, 3> kEncryptionAlgorithm = {"AES-256-GCM", "ChaCha20-Poly1305",
                                                           "mime-type-indicated"};
inline constexpr std::array<Sv, 5> kExtensionType = {
    "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"};
inline constexpr std::array<Sv, 5> kOpinion = {"strongly-disagree", "disagree", "neutral", "agree",
                                               "strongly-agree"};
inline constexpr std::array<Sv, 14> kWindowsRegistryDatatype = {"REG_NONE",
                                                                "REG_SZ",
                                                                "REG_EXPAND_SZ",
                                                                "REG_BINARY",
                                                                "REG_DWORD",
                                                                "REG_DWORD_BIG_ENDIAN",
                                                                "REG_DWORD_LITTLE_ENDIAN",
                                                                "REG_LINK",
                                                                "REG_MULTI_SZ",
                                                                "REG_RESOURCE_LIST",
                                                                "REG_FULL_RESOURCE_DESCRIPTION",
                                                                "REG_RESOURCE_REQUIREMENTS_LIST",
                                                                "REG_QWORD",
                                                                "REG_INVALID_TYPE"};
inline constexpr std::array<Sv, 8> kSocketAddressFamily = {"AF_UNSPEC",    "AF_INET",    "AF_IPX",
                                                           "AF_APPLETALK", "AF_NETBIOS", "AF_INET6",
                                                           "AF_IRDA",      "AF_BTH"};
inline constexpr std::array<Sv, 5> kSocketType = {"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
                                                  "SOCK_RDM", "SOCK_SEQPACKET"};
inline constexpr std::array<Sv, 4> kWindowsIntegrityLevel = {"low", "medium", "high", "system"};
inline constexpr std::array<Sv, 5> kWindowsServiceStartType = {
    "SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START", "SERVICE_DISABLED",
    "SERVICE_SYSTEM_ALERT"};
inline constexpr std::array<Sv, 4> kWindowsServiceType = {
    "SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER", "SERVICE_WIN32_OWN_PROCESS",
    "SERVICE_WIN32_SHARE_PROCESS"};
inline constexpr std::array<Sv, 7> kWindowsServiceStatus = {
    "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING",
    "SERVICE_START_PENDING",    "SERVICE_STOP_PENDING",  "SERVICE_STOPPED"};
inline constexpr std::array<Sv, 2> kSpecVersion = {"2.1", "2.1"};

#define ECRN_VOCAB(var, name, arr, closed) \
  inline constexpr Vocab var { name, arr, closed }
ECRN_VOCAB(kAttackMotivationOv, "attack-motivation-ov", kAttackMotivation, false);
ECRN_VOCAB(kAttackResourceLevelOv, "attack-resource-level-ov", kAttackResourceLevel, false);
ECRN_VOCAB(kGroupingContextOv, "grouping-context-ov", kGroupingContext, false);
ECRN_VOCAB(kIdentityClassOv, "identity-class-ov", kIdentityClass, false);
ECRN_VOCAB(kImplementationLanguageOv, "implementation-language-ov", kImplementationLanguage, false);
ECRN_VOCAB(kIndicatorTypeOv, "indicator-type-ov", kIndicatorType, false);
ECRN_VOCAB(kIndustrySectorOv, "industry-sector-ov", kIndustrySector, false);
ECRN_VOCAB(kInfrastructureTypeOv, "infrastructure-type-ov", kInfrastructureType, false);
ECRN_VOCAB(kMalwareResultOv, "malware-result-ov", kMalwareResult, false);
ECRN_VOCAB(kMalwareCapabilitiesOv, "malware-capabilities-ov", kMalwareCapabilities, false);
ECRN_VOCAB(kMalwareTypeOv, "malware-type-ov", kMalwareType, false);
ECRN_VOCAB(kProcessorArchitectureOv, "processor-architecture-ov", kProcessorArchitecture, false);
ECRN_VOCAB(kRegionOv, "region-ov", kRegion, false);
ECRN_VOCAB(kReportTypeOv, "report-type-ov", kReportType, false);
ECRN_VOCAB(kThreatActorTypeOv, "threat-actor-type-ov", kThreatActorType, false);
ECRN_VOCAB(kThreatActorRoleOv, "threat-actor-role-ov", kThreatActorRole, false);
ECRN_VOCAB(kThreatActorSophisticationOv, "threat-actor-sophistication-ov",
           kThreatActorSophistication, false);
ECRN_VOCAB(kToolTypeOv, "tool-type-ov", kToolType, false);
ECRN_VOCAB(kPatternTypeOv, "pattern-type-ov", kPatternType, false);
ECRN_VOCAB(kHashAlgorithmOv, "hashing-algorithm-ov", kHashAlgorithm, false);
ECRN_VOCAB(kAccountTypeOv, "account-type-ov", kAccountType, false);
ECRN_VOCAB(kWindowsPeBinaryTypeOv, "windows-pebinary-type-ov", kWindowsPeBinaryType, false);
ECRN_VOCAB(kEncryptionAlgorithmEnum, "encryption-algorithm-enum", kEncryptionAlgorithm, true);
ECRN_VOCAB(kExtensionTypeEnum, "extension-type-enum", kExtensionType, true);
ECRN_VOCAB(kOpinionEnum, "opinion-enum", kOpinion, true);
ECRN_VOCAB(kWindowsRegistryDatatypeEnum, "windows-registry-datatype-enum", kWindowsRegistryDatatype,
           true);
ECRN_VOCAB(kSocketAddressFamilyEnum, "network-socket-address-family-enum", kSocketAddressFamily,
           true);
ECRN_VOCAB(kSocketTypeEnum, "network-socket-type-enum", kSocketType, true);
ECRN_VOCAB(kWindowsIntegrityLevelEnum, "windows-integrity-level-enum", kWindowsIntegrityLevel,
           true);
ECRN_VOCAB(kWindowsServiceStartTypeEnum, "windows-service-start-type-enum",
           kWindowsServiceStartType, true);
ECRN_VOCAB(kWindowsServiceTypeEnum, "windows-service-type-enum", kWindowsServiceType, true);
ECRN_VOCAB(kWindowsServiceStatusEnum, "windows-service-status-enum", kWindowsServiceStatus, true);
ECRN_VOCAB(kSpecVersionEnum, "spec_version", kSpecVersion, true);
ECRN_VOCAB(kTlp1LevelEnum, "TLP 1.0 level", kTlp1Level, true);
ECRN_VOCAB(kTlp2LevelEnum, "TLP 2.0 level", kTlp2Level, true);
#undef ECRN_VOCAB

}  // namespace ecrn::stix::vocab
