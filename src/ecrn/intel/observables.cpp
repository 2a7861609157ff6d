#include "ecrn/intel/observables.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

namespace ecrn::intel {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Adds a value of `kind`, normalised.
void Add(std::string_view kind, std::string_view value, std::vector<store::Observable>& out) {
  if (value.empty() || value.size() > 2048) return;
  if (kind == "domain-name" || kind == "email-addr" || kind == "ipv6-addr") {
    out.push_back({std::string(kind), Lower(value)});
  } else {
    out.push_back({std::string(kind), std::string(value)});
  }
}

void AddHash(std::string_view algorithm, std::string_view hex,
             std::vector<store::Observable>& out) {
  if (hex.empty() || hex.size() > 256) return;
  out.push_back({"file-hash", NormaliseHashAlgorithm(algorithm) + ":" + Lower(hex)});
}

// Maps a pattern object path to an observable kind (and, for hashes, the
// algorithm). Returns false for paths we do not index.
bool KindOfPath(std::string_view path, std::string& kind, std::string& algorithm) {
  auto colon = path.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view type = path.substr(0, colon);
  std::string_view prop = path.substr(colon + 1);
  if (prop == "value" && (type == "domain-name" || type == "ipv4-addr" || type == "ipv6-addr" ||
                          type == "url" || type == "email-addr")) {
    kind = std::string(type);
    return true;
  }
  constexpr std::string_view kHashes = "hashes.";
  if ((type == "file" || type == "artifact") && prop.substr(0, kHashes.size()) == kHashes) {
    std::string_view algo = prop.substr(kHashes.size());
    if (algo.size() >= 2 && algo.front() == '\'' && algo.back() == '\'') {
      algo = algo.substr(1, algo.size() - 2);
    }
    if (algo.empty() || algo.find_first_of(".[") != std::string_view::npos) return false;
    kind = "file-hash";
    algorithm = std::string(algo);
    return true;
  }
  return false;
}

}  // namespace

std::string NormaliseHashAlgorithm(std::string_view name) {
  std::string u = Upper(name);
  if (u == "SHA256") return "SHA-256";
  if (u == "SHA1") return "SHA-1";
  if (u == "SHA512") return "SHA-512";
  if (u == "SHA384") return "SHA-384";
  if (u == "SHA224") return "SHA-224";
  if (u == "SHA3256") return "SHA3-256";
  if (u == "SHA3512") return "SHA3-512";
  return u;
}

void ExtractPatternObservables(std::string_view p, std::vector<store::Observable>& out) {
  // A small scanner, not a parser: it finds `PATH = 'literal'` (and `PATH IN
  // ('a', 'b')`) with PATH a known object path; anything else is skipped.
  size_t i = 0;
  const size_t n = p.size();
  auto skip_ws = [&] {
    while (i < n && std::isspace(static_cast<unsigned char>(p[i]))) ++i;
  };
  auto read_string = [&](std::string& s) -> bool {
    if (i >= n || p[i] != '\'') return false;
    ++i;
    while (i < n && p[i] != '\'') {
      if (p[i] == '\\' && i + 1 < n) ++i;
      s += p[i++];
    }
    if (i >= n) return false;
    ++i;
    return true;
  };
  auto is_path_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.' || c == '\'' || c == '*' || c == '[' || c == ']';
  };
  while (i < n) {
    skip_ws();
    if (i >= n) break;
    char c = p[i];
    if (c == '\'') {  // a literal not preceded by a path we index
      std::string ignored;
      if (!read_string(ignored)) break;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    // A path token: letters, digits, - _ : . and quoted components.
    size_t start = i;
    while (i < n && is_path_char(p[i])) {
      if (p[i] == '\'') {  // quoted component inside a path
        ++i;
        while (i < n && p[i] != '\'') ++i;
        if (i < n) ++i;
        continue;
      }
      ++i;
    }
    std::string_view path = p.substr(start, i - start);
    std::string kind, algorithm;
    if (!KindOfPath(path, kind, algorithm)) continue;
    skip_ws();
    auto emit = [&](const std::string& literal) {
      if (kind == "file-hash") {
        AddHash(algorithm, literal, out);
      } else {
        Add(kind, literal, out);
      }
    };
    if (i < n && p[i] == '=') {
      ++i;
      skip_ws();
      std::string literal;
      if (read_string(literal)) emit(literal);
    } else if (i + 1 < n && (p[i] == 'I' || p[i] == 'i') && (p[i + 1] == 'N' || p[i + 1] == 'n') &&
               i + 2 < n &&
               (std::isspace(static_cast<unsigned char>(p[i + 2])) || p[i + 2] == '(')) {
      i += 2;
      skip_ws();
      if (i < n && p[i] == '(') {
        ++i;
        for (;;) {
          skip_ws();
          std::string literal;
          if (!read_string(literal)) break;
          emit(literal);
          skip_ws();
          if (i < n && p[i] == ',') {
            ++i;
            continue;
          }
          break;
        }
      }
    }
  }
}

std::vector<store::Observable> ObservableCandidates(std::string_view value) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  std::vector<store::Observable> out;
  if (value.empty()) return out;
  for (std::string_view kind : {"domain-name", "ipv4-addr", "ipv6-addr", "url", "email-addr"}) {
    Add(kind, value, out);
  }
  auto is_hex = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) != 0;
    });
  };
  if (auto colon = value.find(':');
      colon != std::string_view::npos && colon > 0 && is_hex(value.substr(colon + 1))) {
    AddHash(value.substr(0, colon), value.substr(colon + 1), out);
  }
  if (is_hex(value)) {
    // The algorithms whose digests have this many hex digits.
    static const std::pair<size_t, std::vector<std::string_view>> kByLength[] = {
        {32, {"MD5"}},     {40, {"SHA-1"}},
        {56, {"SHA-224"}}, {64, {"SHA-256", "SHA3-256"}},
        {96, {"SHA-384"}}, {128, {"SHA-512", "SHA3-512"}},
    };
    for (const auto& [length, algorithms] : kByLength) {
      if (value.size() != length) continue;
      for (auto algorithm : algorithms) AddHash(algorithm, value, out);
    }
  }
  return out;
}

void ExtractObservables(const stix::Object& object, std::vector<store::Observable>& out) {
  std::string_view type = object.type();
  if (type == "domain-name" || type == "ipv4-addr" || type == "ipv6-addr" || type == "url" ||
      type == "email-addr") {
    Add(type, object.Str("value"), out);
    return;
  }
  if (type == "file" || type == "artifact") {
    const auto& j = object.json();
    auto it = j.find("hashes");
    if (it == j.end() || !it->value().is_object()) return;
    for (const auto& h : it->value().get_object()) {
      if (h.value().is_string()) {
        AddHash(std::string_view(h.key()), std::string_view(h.value().get_string()), out);
      }
    }
    return;
  }
  if (type == "relationship") {
    Add(kSourceRefKind, object.Str("source_ref"), out);
    Add(kTargetRefKind, object.Str("target_ref"), out);
    return;
  }
  if (type == "sighting") {
    Add(kSightingOfKind, object.Str("sighting_of_ref"), out);
    return;
  }
  if (type == "indicator") {
    std::string_view pattern_type = object.Str("pattern_type");
    if (!pattern_type.empty() && pattern_type != "stix") return;
    ExtractPatternObservables(object.Str("pattern"), out);
  }
}

}  // namespace ecrn::intel
