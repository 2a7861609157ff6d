#include "ecrn/core/audit_chain.hpp"

#include "ecrn/core/secrets.hpp"

namespace ecrn {
namespace {

constexpr std::string_view kDomain = "ECRN-AUDIT-1";

void PutBigEndian(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void PutInt(std::string& out, int64_t v) {
  out.push_back('i');
  PutBigEndian(out, static_cast<uint64_t>(v));
}

void PutOptInt(std::string& out, const std::optional<int64_t>& v) {
  if (v) {
    PutInt(out, *v);
  } else {
    out.push_back('n');
  }
}

void PutText(std::string& out, std::string_view s) {
  out.push_back('s');
  PutBigEndian(out, s.size());
  out.append(s);
}

// The length of the valid, NUL-free UTF-8 sequence starting at text[i], or 0.
size_t ValidSequenceAt(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 == 0) return 0;
  if (b0 < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  // Overlong forms, surrogates and code points beyond U+10FFFF are invalid.
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    return 0;
  }
  return n;
}

}  // namespace

std::string AuditCanonicalEncoding(const AuditEntry& e) {
  std::string out(kDomain);
  out.reserve(out.size() + 160 + e.actor_label.size() + e.remote_addr.size() + e.action.size() +
              e.target.size() + e.outcome.size() + e.detail.size() + e.prev_hash.size());
  PutInt(out, e.seq);
  PutInt(out, e.time);
  PutOptInt(out, e.actor_user_id);
  PutOptInt(out, e.actor_org_id);
  PutText(out, e.actor_label);
  PutText(out, e.remote_addr);
  PutText(out, e.action);
  PutText(out, e.target);
  PutOptInt(out, e.subject_org_id);
  PutText(out, e.outcome);
  PutText(out, e.detail);
  PutText(out, e.prev_hash);
  return out;
}

std::string AuditEntryHash(const AuditEntry& entry) {
  return Sha256Hex(AuditCanonicalEncoding(entry));
}

bool AuditTextIsValid(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = ValidSequenceAt(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string AuditSafeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const size_t n = ValidSequenceAt(text, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace ecrn
