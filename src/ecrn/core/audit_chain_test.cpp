// The audit chain hash: a known answer computed independently (a hand-built
// encoding hashed through OpenSSL directly, and a constant computed outside
// the project), and that every field, the sequence number and the link
// included, changes the hash.
#include "ecrn/core/audit_chain.hpp"

#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>

namespace ecrn {
namespace {

AuditEntry Sample() {
  AuditEntry e;
  e.seq = 7;
  e.time = 1'700'000'000'000'000;
  e.actor_user_id = 42;
  e.actor_label = "ana";
  e.remote_addr = "127.0.0.1";
  e.action = "login.success";
  e.target = "user:42";
  e.subject_org_id = 3;
  e.outcome = "success";
  e.detail = R"({"mfa":true})";
  e.prev_hash = std::string(kAuditGenesisHash);
  return e;
}

// The reference encoding, written out byte by byte.
std::string Be64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  return out;
}
std::string Int(int64_t v) { return "i" + Be64(static_cast<uint64_t>(v)); }
std::string Text(const std::string& s) { return "s" + Be64(s.size()) + s; }

std::string HexSha256ViaEvp(const std::string& data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char digest[32];
  unsigned int len = 0;
  EXPECT_EQ(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr), 1);
  EXPECT_EQ(EVP_DigestUpdate(ctx, data.data(), data.size()), 1);
  EXPECT_EQ(EVP_DigestFinal_ex(ctx, digest, &len), 1);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

TEST(AuditChain, KnownAnswer) {
  const std::string reference = "ECRN-AUDIT-1" + Int(7) + Int(1'700'000'000'000'000) + Int(42) +
                                "n" + Text("ana") + Text("127.0.0.1") + Text("login.success") +
                                Text("user:42") + Int(3) + Text("success") +
                                Text(R"({"mfa":true})") + Text(std::string(64, '0'));
  EXPECT_EQ(AuditCanonicalEncoding(Sample()), reference);
  EXPECT_EQ(AuditEntryHash(Sample()), HexSha256ViaEvp(reference));
  // Computed outside the project (Python hashlib over the same layout).
  EXPECT_EQ(AuditEntryHash(Sample()),
            "8c5a55bec940858b40df8cdabf9cbe0ee9847ef6c1b340560428ec7d94e7b60d");
}

TEST(AuditChain, StoredHashFieldIsNotHashed) {
  AuditEntry e = Sample();
  const std::string h = AuditEntryHash(e);
  e.hash = "anything";
  EXPECT_EQ(AuditEntryHash(e), h);
}

TEST(AuditChain, EveryFieldChangesTheHash) {
  const std::vector<std::function<void(AuditEntry&)>> changes = {
      [](AuditEntry& e) { e.seq = 8; },
      [](AuditEntry& e) { e.time += 1; },
      [](AuditEntry& e) { e.actor_user_id = 43; },
      [](AuditEntry& e) { e.actor_user_id.reset(); },
      [](AuditEntry& e) { e.actor_org_id = 0; },  // absent and 0 differ
      [](AuditEntry& e) { e.actor_label = "anb"; },
      [](AuditEntry& e) { e.remote_addr = "127.0.0.2"; },
      [](AuditEntry& e) { e.action = "login.failure"; },
      [](AuditEntry& e) { e.target = "user:4"; },
      [](AuditEntry& e) { e.subject_org_id.reset(); },
      [](AuditEntry& e) { e.outcome = "failure"; },
      [](AuditEntry& e) { e.detail = "{}"; },
      [](AuditEntry& e) { e.prev_hash[63] = '1'; },
  };
  std::set<std::string> hashes = {AuditEntryHash(Sample())};
  for (const auto& change : changes) {
    AuditEntry e = Sample();
    change(e);
    hashes.insert(AuditEntryHash(e));
  }
  EXPECT_EQ(hashes.size(), changes.size() + 1);
}

// Length prefixes keep field boundaries: moving text from one field to the
// next (which naive concatenation would not notice) changes the encoding.
TEST(AuditChain, FieldBoundariesAreUnambiguous) {
  AuditEntry a = Sample();
  a.actor_label = "ana1";
  a.remote_addr = "27.0.0.1";
  AuditEntry b = Sample();
  EXPECT_NE(AuditCanonicalEncoding(a), AuditCanonicalEncoding(b));
  EXPECT_NE(AuditEntryHash(a), AuditEntryHash(b));
}

TEST(AuditChain, TextValidity) {
  EXPECT_TRUE(AuditTextIsValid(""));
  EXPECT_TRUE(AuditTextIsValid("plain ascii"));
  EXPECT_TRUE(AuditTextIsValid("Chi\xc8\x99in\xc4\x83u \xe2\x82\xac \xf0\x9f\x97\xb3"));
  EXPECT_FALSE(AuditTextIsValid(std::string("nul\0inside", 10)));
  EXPECT_FALSE(AuditTextIsValid("\xff"));
  EXPECT_FALSE(AuditTextIsValid("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(AuditTextIsValid("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(AuditTextIsValid("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(AuditTextIsValid("\xe2\x82"));          // truncated
  EXPECT_EQ(AuditSafeText("ok"), "ok");
  EXPECT_EQ(AuditSafeText("a\xff"
                          "b"),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_EQ(AuditSafeText(std::string("a\0b", 3)),
            "a\xef\xbf\xbd"
            "b");
  EXPECT_TRUE(AuditTextIsValid(AuditSafeText("\xe2\x82\xc0\xaf\xed\xa0\x80")));
}

}  // namespace
}  // namespace ecrn
