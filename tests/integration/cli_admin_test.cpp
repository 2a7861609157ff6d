// The administration commands of DESIGN.md driven through the real binary:
// each `add` prints the new id, names and ids are both accepted, and bad
// input gets a clear message and a non-zero exit, never a crash.
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "ecrn/core/time.hpp"
#include "ecrn/core/totp.hpp"
#include "ecrn/http/auth.hpp"
#include "ecrn/store/store.hpp"
#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

class CliAdmin : public ::testing::Test {
 protected:
  RunResult Ecrn(std::vector<std::string> args, const std::string& input = "",
                 const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), EcrnBin());
    args.push_back("--db");
    args.push_back(db_);
    return ecrn::testing::Run(args, input, env);
  }
  TempDir dir_;
  std::string db_ = dir_.File("ecrn.db");
};

TEST_F(CliAdmin, AddPrintsIdsAndListShowsThem) {
  auto org = Ecrn({"org", "add", "--name", "CEC Testland", "--kind", "election-commission",
                   "--country", "tl", "--region", "Eastern Partnership"});
  ASSERT_EQ(org.exit_code, 0) << org.err;
  EXPECT_EQ(org.out, "1\n");
  auto cert = Ecrn({"org", "add", "--name", "CERT-TL", "--kind", "cert", "--country", "TL"});
  EXPECT_EQ(cert.out, "2\n");
  auto list = Ecrn({"org", "list"});
  EXPECT_NE(list.out.find("CEC Testland\telection-commission\tTL\tEastern Partnership\tidentity--"),
            std::string::npos)
      << list.out;

  auto user =
      Ecrn({"user", "add", "--org", "CEC Testland", "--username", "ana", "--role", "analyst"}, "",
           {"ECRN_PASSWORD=s3cret-passphrase"});
  ASSERT_EQ(user.exit_code, 0) << user.err;
  EXPECT_EQ(user.out, "1\n");
  // The organisation may be named by id; the password may come on stdin.
  auto viewer = Ecrn({"user", "add", "--org", "2", "--username", "bo", "--role", "viewer"},
                     "another-passphrase\n");
  ASSERT_EQ(viewer.exit_code, 0) << viewer.err;
  auto users = Ecrn({"user", "list", "--org", "CERT-TL"});
  EXPECT_NE(users.out.find("bo\tviewer"), std::string::npos) << users.out;
  EXPECT_EQ(users.out.find("ana"), std::string::npos) << "filtered by organisation";

  auto channel = Ecrn({"channel", "add", "--name", "Region", "--default-tlp", "TLP:GREEN"});
  ASSERT_EQ(channel.exit_code, 0) << channel.err;
  EXPECT_EQ(channel.out, "1\n");
  EXPECT_EQ(Ecrn({"channel", "grant", "--channel", "Region", "--org", "1", "--read", "--write"})
                .exit_code,
            0);
  EXPECT_NE(Ecrn({"channel", "list"}).out.find("Region\tgreen"), std::string::npos);

  auto key = Ecrn({"apikey", "create", "--user", "ana", "--read-only"});
  ASSERT_EQ(key.exit_code, 0) << key.err;
  EXPECT_EQ(key.out.rfind("ecrn_", 0), 0u) << key.out;
  std::string k = key.out.substr(0, key.out.size() - 1);
  EXPECT_EQ(Ecrn({"apikey", "revoke", k}).exit_code, 0);
  EXPECT_EQ(Ecrn({"apikey", "revoke", "ecrn_AAAAAAAA_notakey"}).exit_code, 1);
  EXPECT_EQ(
      Ecrn({"user", "passwd", "--user", "ana"}, "", {"ECRN_PASSWORD=changed-passphrase"}).exit_code,
      0);
}

// A network admin cannot sign in without a second factor: `user totp`
// enrols them (the printed secret then yields codes the hub accepts) and is
// audited; --remove takes it away again.
TEST_F(CliAdmin, UserTotpEnrolsANetworkAdminWhoCanThenSignIn) {
  ASSERT_EQ(
      Ecrn({"org", "add", "--name", "Hub", "--kind", "coordinator", "--country", "TL"}).exit_code,
      0);
  ASSERT_EQ(Ecrn({"user", "add", "--org", "Hub", "--username", "root", "--role", "network-admin"},
                 "", {"ECRN_PASSWORD=a long enough password"})
                .exit_code,
            0);
  auto store = store::OpenStore(db_);
  ASSERT_TRUE(store.ok());
  SystemClock clock;
  http::Authenticator auth(**store, clock);
  http::Request req;
  req.method = "POST";
  req.remote_address = "127.0.0.1";
  auto before = auth.Login("root", "a long enough password", "", req);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().reason, "totp-enrolment-required");

  auto enrol = Ecrn({"user", "totp", "--user", "root"});
  ASSERT_EQ(enrol.exit_code, 0) << enrol.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(enrol.out, m, std::regex("secret: ([A-Z2-7]{32})\n"))) << enrol.out;
  const std::string secret = m[1];
  EXPECT_NE(enrol.out.find("uri: otpauth://totp/ECRN:root?secret=" + secret), std::string::npos)
      << enrol.out;
  auto raw = Base32Decode(secret);
  ASSERT_TRUE(raw.ok());
  auto after =
      auth.Login("root", "a long enough password", TotpCode(*raw, TotpStep(clock.Now())), req);
  EXPECT_TRUE(after.ok()) << after.error().ToString();
  // A second enrolment replaces the secret.
  auto again = Ecrn({"user", "totp", "--user", "root"});
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out.find(secret), std::string::npos);

  auto removed = Ecrn({"user", "totp", "--user", "root", "--remove"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.err.find("cannot sign in"), std::string::npos) << removed.err;
  auto gone = auth.Login("root", "a long enough password", "", req);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().reason, "totp-enrolment-required");
  auto audit = Ecrn({"audit", "list"});
  EXPECT_NE(audit.out.find("user.totp.enrol"), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("user.totp.remove"), std::string::npos) << audit.out;
  EXPECT_EQ(Ecrn({"user", "totp", "--user", "nobody"}).exit_code, 1);
}

TEST_F(CliAdmin, NewSqliteDatabaseIsInWalModeWithLargePages) {
  ASSERT_EQ(Ecrn({"db", "migrate"}).exit_code, 0);
  auto pragmas = ecrn::testing::Run({"sqlite3", db_, "PRAGMA journal_mode; PRAGMA page_size;"});
  ASSERT_EQ(pragmas.exit_code, 0) << pragmas.err;
  EXPECT_EQ(pragmas.out, "wal\n16384\n");
}

TEST_F(CliAdmin, BadInputIsRefusedClearly) {
  auto kind = Ecrn({"org", "add", "--name", "X", "--kind", "bank", "--country", "TL"});
  EXPECT_EQ(kind.exit_code, 2);
  EXPECT_NE(kind.err.find("unknown organisation kind 'bank'"), std::string::npos) << kind.err;
  auto country = Ecrn({"org", "add", "--name", "X", "--kind", "cert", "--country", "Testland"});
  EXPECT_EQ(country.exit_code, 2);
  EXPECT_NE(country.err.find("ISO 3166-1"), std::string::npos) << country.err;

  ASSERT_EQ(Ecrn({"org", "add", "--name", "X", "--kind", "cert", "--country", "TL"}).exit_code, 0);
  auto dup = Ecrn({"org", "add", "--name", "X", "--kind", "cert", "--country", "TL"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("already exists"), std::string::npos) << dup.err;
  EXPECT_EQ(dup.err.find("INSERT"), std::string::npos) << "no SQL in messages: " << dup.err;

  auto role = Ecrn({"user", "add", "--org", "X", "--username", "u", "--role", "god"}, "",
                   {"ECRN_PASSWORD=p"});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_NE(role.err.find("unknown role"), std::string::npos);
  auto admin = Ecrn({"user", "add", "--org", "X", "--username", "u", "--role", "network-admin"}, "",
                    {"ECRN_PASSWORD=p"});
  EXPECT_EQ(admin.exit_code, 2) << "network-admin only in a coordinator organisation";
  auto nopw = Ecrn({"user", "add", "--org", "X", "--username", "u", "--role", "viewer"});
  EXPECT_EQ(nopw.exit_code, 2);
  EXPECT_NE(nopw.err.find("no password"), std::string::npos) << nopw.err;
  auto noorg = Ecrn({"user", "add", "--org", "Nowhere", "--username", "u", "--role", "viewer"}, "",
                    {"ECRN_PASSWORD=p"});
  EXPECT_NE(noorg.exit_code, 0);
  EXPECT_NE(noorg.err.find("no organisation named 'Nowhere'"), std::string::npos) << noorg.err;

  auto tlp = Ecrn({"channel", "add", "--name", "C", "--default-tlp", "purple"});
  EXPECT_EQ(tlp.exit_code, 2);
  EXPECT_NE(tlp.err.find("unknown TLP level"), std::string::npos);
  auto grant = Ecrn({"channel", "grant", "--channel", "Missing", "--org", "X", "--read"});
  EXPECT_NE(grant.exit_code, 0);
  EXPECT_NE(grant.err.find("no channel named 'Missing'"), std::string::npos) << grant.err;

  auto unknown = ecrn::testing::Run({EcrnBin(), "frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  auto missing_arg = ecrn::testing::Run({EcrnBin(), "org", "add", "--name", "Y"});
  EXPECT_EQ(missing_arg.exit_code, 2);
  EXPECT_NE(missing_arg.err.find("--kind"), std::string::npos) << missing_arg.err;

  // A file that is not a database: a message, not a crash.
  WriteFile(dir_.File("junk.db"), std::string(8192, 'x'));
  auto junk = ecrn::testing::Run({EcrnBin(), "org", "list", "--db", dir_.File("junk.db")});
  EXPECT_NE(junk.exit_code, 0);
  EXPECT_FALSE(junk.err.empty());
  EXPECT_EQ(junk.err.find("internal error"), std::string::npos) << junk.err;
}

}  // namespace
}  // namespace ecrn::testing
