#include "ecrn/stix/sco_id.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>
#include <vector>

#include "ecrn/core/uuid.hpp"

namespace ecrn::stix {
namespace {

namespace json = boost::json;
using Sv = std::string_view;

struct ScoIdSpec {
  Sv type;
  std::array<Sv, 8> props;  // ID-contributing properties (empty entries unused)
};

// The "ID Contributing Properties" of each SCO type in STIX 2.1.
constexpr ScoIdSpec kScoIdSpecs[] = {
    {"artifact", {"hashes", "payload_bin"}},
    {"autonomous-system", {"number"}},
    {"directory", {"path"}},
    {"domain-name", {"value"}},
    {"email-addr", {"value"}},
    {"email-message", {"from_ref", "subject", "body"}},
    {"file", {"hashes", "name", "extensions", "parent_directory_ref"}},
    {"ipv4-addr", {"value"}},
    {"ipv6-addr", {"value"}},
    {"mac-addr", {"value"}},
    {"mutex", {"name"}},
    {"network-traffic",
     {"start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"}},
    {"process", {}},
    {"software", {"name", "cpe", "swid", "vendor", "version"}},
    {"url", {"value"}},
    {"user-account", {"account_type", "user_id", "account_login"}},
    {"windows-registry-key", {"key", "values"}},
    {"x509-certificate", {"hashes", "serial_number"}},
};

const ScoIdSpec* FindSpec(Sv type) {
  for (const auto& s : kScoIdSpecs) {
    if (s.type == type) return &s;
  }
  return nullptr;
}

// Keys compare by UTF-16 code units (RFC 8785); for UTF-8 text this equals
// byte order except that code points above U+FFFF sort before U+E000-U+FFFF.
bool Utf16Less(Sv a, Sv b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    auto ca = static_cast<unsigned char>(a[i]);
    auto cb = static_cast<unsigned char>(b[i]);
    if (ca == cb) continue;
    // A 4-byte lead (0xF0+) encodes a surrogate pair (0xD800..), which sorts
    // below a 3-byte sequence starting 0xEE/0xEF (U+E000 and above).
    auto rank = [](unsigned char c, Sv s, size_t i) -> int {
      if (c >= 0xF0) return 0xED * 4 + 1;  // just above U+D7FF's lead byte
      if (c == 0xEE || c == 0xEF) return c * 4 + 2;
      (void)s;
      (void)i;
      return c * 4;
    };
    return rank(ca, a, i) < rank(cb, b, i);
  }
  return a.size() < b.size();
}

void AppendString(std::string& out, Sv s) {
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

void AppendNumber(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  if (d == 0) {
    out += '0';
    return;
  }
  char buf[64];
  if (std::trunc(d) == d && std::fabs(d) < 1e21) {
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 0);
    out.append(buf, r.ptr);
    return;
  }
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

void Append(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case json::kind::double_:
      AppendNumber(out, v.get_double());
      return;
    case json::kind::string:
      AppendString(out, Sv(v.get_string().data(), v.get_string().size()));
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& el : v.get_array()) {
        if (!first) out += ',';
        first = false;
        Append(out, el);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      const auto& o = v.get_object();
      std::vector<const json::key_value_pair*> members;
      members.reserve(o.size());
      for (const auto& kv : o) members.push_back(&kv);
      std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
        return Utf16Less(Sv(a->key().data(), a->key().size()),
                         Sv(b->key().data(), b->key().size()));
      });
      out += '{';
      bool first = true;
      for (const auto* kv : members) {
        if (!first) out += ',';
        first = false;
        AppendString(out, Sv(kv->key().data(), kv->key().size()));
        out += ':';
        Append(out, kv->value());
      }
      out += '}';
      return;
    }
  }
}

// Of several hashes, one contributes to the id: MD5, SHA-1, SHA-256,
// SHA-512 in that order of preference, else the first in sorted order.
json::value OneHash(const json::value& hashes) {
  // Copied into default storage: the source may live in a document's arena,
  // which must not be allocated from on this (possibly helper) thread.
  if (!hashes.is_object() || hashes.get_object().empty()) {
    return json::value(hashes, json::storage_ptr{});
  }
  const auto& h = hashes.get_object();
  for (Sv alg : {Sv("MD5"), Sv("SHA-1"), Sv("SHA-256"), Sv("SHA-512")}) {
    if (auto it = h.find(alg); it != h.end()) {
      json::object one;
      one.emplace(alg, it->value());
      return one;
    }
  }
  const json::key_value_pair* first = nullptr;
  for (const auto& kv : h) {
    if (!first || Utf16Less(Sv(kv.key().data(), kv.key().size()),
                            Sv(first->key().data(), first->key().size()))) {
      first = &kv;
    }
  }
  json::object one;
  one.emplace(first->key(), first->value());
  return one;
}

}  // namespace

bool IsScoType(std::string_view type) { return FindSpec(type) != nullptr; }

std::optional<std::string> DeterministicScoId(const Object& sco) {
  Sv type = sco.type();
  const ScoIdSpec* spec = FindSpec(type);
  if (!spec) return std::nullopt;
  json::object contributing;
  for (Sv prop : spec->props) {
    if (prop.empty()) break;
    auto it = sco.json().find(prop);
    if (it == sco.json().end() || it->value().is_null()) continue;
    if (prop == "hashes") {
      contributing.emplace(prop, OneHash(it->value()));
    } else {
      contributing.emplace(prop, it->value());
    }
  }
  if (contributing.empty()) return std::nullopt;
  std::string uuid = UuidV5(kStixNamespace, CanonicalJson(contributing));
  if (uuid.empty()) return std::nullopt;
  std::string id(type);
  id += "--";
  id += uuid;
  return id;
}

std::string CanonicalJson(const boost::json::value& value) {
  std::string out;
  Append(out, value);
  return out;
}

}  // namespace ecrn::stix
