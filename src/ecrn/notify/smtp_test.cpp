// E-mail notifications: the message BuildEmail writes (headers, encodings,
// line rules, no header injection), and SmtpSender end to end into the
// loopback SMTP sink (UTF-8 subject and body round trip, dot-stuffing by
// curl, AUTH PLAIN, refused recipients, STARTTLS required: refused without
// it, encrypted and verified with it).
#include "ecrn/notify/smtp.hpp"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/smtp_sink.hpp"
#include "testing/testing.hpp"
#include "testing/tls.hpp"

namespace ecrn::notify {
namespace {

using namespace std::chrono_literals;
using testing::DecodeMimeHeader;
using testing::DecodeQuotedPrintable;
using ::testing::HasSubstr;
using testing::SmtpSink;
using testing::SmtpSinkOptions;
using ::testing::StartsWith;

constexpr Micros kT0 = Micros{1'800'000'000} * 1'000'000;  // Fri, 15 Jan 2027 08:00:00 GMT

// Ukrainian, Georgian and Armenian: "incident at the results site".
const std::string kUtf8Subject =
    "Інцидент на сайті результатів · საიტზე ინციდენტი · Միջադեպ կայքում";
const std::string kBody =
    "A DDoS on the results site was reported.\n"
    ".\n"
    ".hidden line starting with a dot\n"
    "..two dots\n"
    "Опис: атака на сайт результатів, пікове навантаження 40 Гбіт/с, a=b, 100% done.   \n"
    "A long line: " +
    std::string(150, 'x') + " end\n" + "last line without a line end";

EmailEnvelope Envelope() {
  return {"hub@ecrn.example", "ECRN Hub", "officer@cec.example",
          kUtf8Subject,       kBody,      "incident--0b6f:created"};
}

// The body as received on the wire, with CRLF line ends.
std::string Crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(BuildEmail, WritesTheHeadersAMailClientNeeds) {
  auto message = BuildEmail(Envelope(), kT0);
  ASSERT_TRUE(message.ok()) << message.error().ToString();
  testing::SmtpMessage parsed;
  parsed.data = *message;
  EXPECT_EQ(parsed.Header("Date"), "Fri, 15 Jan 2027 08:00:00 +0000");
  EXPECT_EQ(parsed.Header("From"), "\"ECRN Hub\" <hub@ecrn.example>");
  EXPECT_EQ(parsed.Header("To"), "<officer@cec.example>");
  EXPECT_EQ(parsed.Header("MIME-Version"), "1.0");
  EXPECT_EQ(parsed.Header("Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(parsed.Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(parsed.Header("X-ECRN-Delivery"), "incident--0b6f:created");
  EXPECT_THAT(parsed.Header("Message-ID"), StartsWith("<ecrn."));
  EXPECT_THAT(parsed.Header("Message-ID"), HasSubstr("@ecrn.example>"));
  // The subject is encoded (not ASCII) and decodes to what was given.
  EXPECT_THAT(parsed.Header("Subject"), StartsWith("=?UTF-8?B?"));
  EXPECT_EQ(DecodeMimeHeader(parsed.Header("Subject")), kUtf8Subject);
  EXPECT_EQ(DecodeQuotedPrintable(parsed.Body()), Crlf(kBody) + "\r\n");
}

TEST(BuildEmail, KeepsTheLineRulesOfRfc5322AndRfc2045) {
  auto message = BuildEmail(Envelope(), kT0);
  ASSERT_TRUE(message.ok());
  const std::string& m = *message;
  const size_t body_start = m.find("\r\n\r\n") + 4;
  size_t pos = 0;
  while (pos < m.size()) {
    const size_t end = m.find("\r\n", pos);
    ASSERT_NE(end, std::string::npos) << "the message does not end in CRLF";
    const std::string line = m.substr(pos, end - pos);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "bare LF in: " << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << "bare CR in: " << line;
    EXPECT_LE(line.size(), pos < body_start ? 78u : 76u) << line;
    for (unsigned char c : line) EXPECT_LT(c, 0x80) << "8-bit byte in: " << line;
    if (pos >= body_start && !line.empty()) {
      EXPECT_NE(line.back(), ' ') << "trailing space not encoded: " << line;
    }
    pos = end + 2;
  }
}

TEST(BuildEmail, TheMessageIdIsStablePerEventAndDiffersBetweenEvents) {
  EmailEnvelope other = Envelope();
  other.event_id = "incident--0b6f:closed";
  testing::SmtpMessage a, b, c;
  a.data = *BuildEmail(Envelope(), kT0);
  b.data = *BuildEmail(Envelope(), kT0 + 3'600'000'000);  // a retry an hour later
  c.data = *BuildEmail(other, kT0);
  EXPECT_EQ(a.Header("Message-ID"), b.Header("Message-ID"));
  EXPECT_NE(a.Header("Message-ID"), c.Header("Message-ID"));
}

TEST(BuildEmail, PlainShortAsciiSubjectsStayReadableOthersAreEncoded) {
  EmailEnvelope e = Envelope();
  e.subject = "Incident reported: DDoS on the results site";
  testing::SmtpMessage m;
  m.data = *BuildEmail(e, kT0);
  EXPECT_EQ(m.Header("Subject"), e.subject);

  // Text that looks like an encoded-word is encoded, so it reads as typed.
  e.subject = "=?UTF-8?B?SGk=?= is not a greeting";
  m.data = *BuildEmail(e, kT0);
  EXPECT_EQ(DecodeMimeHeader(m.Header("Subject")), e.subject);

  // A long subject is shortened at a character boundary with an ellipsis.
  e.subject.clear();
  for (int i = 0; i < 100; ++i) e.subject += "Вибори ";
  m.data = *BuildEmail(e, kT0);
  const std::string decoded = DecodeMimeHeader(m.Header("Subject"));
  EXPECT_LE(decoded.size(), 250u);
  EXPECT_EQ(decoded.substr(decoded.size() - 3), "\xE2\x80\xA6");
  EXPECT_EQ(e.subject.compare(0, decoded.size() - 3, decoded, 0, decoded.size() - 3), 0);
}

TEST(BuildEmail, RefusesHeaderInjectionAndBadText) {
  auto refused = [](EmailEnvelope e) {
    auto r = BuildEmail(e, kT0);
    return !r.ok() && r.error().code == ErrorCode::kInvalidArgument;
  };
  EmailEnvelope e = Envelope();
  e.subject = "Hello\r\nBcc: victim@elsewhere.example";
  EXPECT_TRUE(refused(e));
  e.subject = "Hello\nBcc: victim@elsewhere.example";
  EXPECT_TRUE(refused(e));
  e = Envelope();
  e.to = "officer@cec.example\r\nRCPT TO:<victim@elsewhere.example>";
  EXPECT_TRUE(refused(e));
  e = Envelope();
  e.to = "Officer <officer@cec.example>";
  EXPECT_TRUE(refused(e));
  e = Envelope();
  e.from_name = "Hub\r\nReply-To: attacker@evil.example";
  EXPECT_TRUE(refused(e));
  e = Envelope();
  e.body = "bad \xC3\x28 UTF-8";
  EXPECT_TRUE(refused(e));
  e = Envelope();
  e.event_id = "id with spaces";
  EXPECT_TRUE(refused(e));
}

TEST(IsMailAddress, AcceptsPlainAddressesOnly) {
  EXPECT_TRUE(IsMailAddress("officer@cec.example"));
  EXPECT_TRUE(IsMailAddress("first.last+ecrn@sub.cec.example"));
  for (const char* bad : {"", "officer", "@cec.example", "officer@", "a@b@c", "a b@c.example",
                          "<a@b.example>", "a@b.example,c@d.example", "a\"b@c.example"}) {
    EXPECT_FALSE(IsMailAddress(bad)) << bad;
  }
}

TEST(SmtpConfig, ValidateNamesTheProblem) {
  SmtpConfig c;
  c.url = "smtp://relay.example:587";
  c.from = "hub@ecrn.example";
  EXPECT_TRUE(c.Validate().ok());
  c.url = "http://relay.example";
  EXPECT_THAT(c.Validate().error().message, HasSubstr("smtp://"));
  c.url = "smtp://user:pw@relay.example";
  EXPECT_THAT(c.Validate().error().message, HasSubstr("username and password"));
  c.url = "smtp://relay.example:587";
  c.from = "not an address";
  EXPECT_THAT(c.Validate().error().message, HasSubstr("From address"));
  c.from = "hub@ecrn.example";
  // Credentials may not cross the network in clear.
  c.username = "hub";
  c.password = "secret";
  c.starttls = StartTls::kOpportunistic;
  EXPECT_THAT(c.Validate().error().message, HasSubstr("unencrypted"));
  c.starttls = StartTls::kRequired;
  EXPECT_TRUE(c.Validate().ok());
  c.url = "smtps://relay.example";
  c.starttls = StartTls::kOff;
  EXPECT_TRUE(c.Validate().ok());
  c.url = "smtp://127.0.0.1:2525";  // a relay on this host
  EXPECT_TRUE(c.Validate().ok());
  EXPECT_FALSE(ParseStartTls("maybe").ok());
  EXPECT_EQ(*ParseStartTls("opportunistic"), StartTls::kOpportunistic);
}

class SmtpSenderTest : public ::testing::Test {
 protected:
  SmtpConfig Config(const SmtpSink& sink) {
    SmtpConfig c;
    c.url = sink.url();
    c.from = "hub@ecrn.example";
    c.from_name = "ECRN Hub";
    c.starttls = StartTls::kOff;
    c.timeout = 10s;
    return c;
  }
  std::unique_ptr<SmtpSender> Sender(SmtpConfig config) {
    auto sender = SmtpSender::Create(std::move(config), clock_);
    if (!sender.ok()) ADD_FAILURE() << sender.error().ToString();
    return sender.ok() ? std::move(sender).value() : nullptr;
  }
  static Delivery Email(std::string to, std::string subject, std::string body) {
    Delivery d;
    d.id = 7;
    d.channel = std::string(kChannelEmail);
    d.target = std::move(to);
    d.subject = std::move(subject);
    d.body = std::move(body);
    d.event_id = "incident--0b6f:created";
    d.event_kind = "incident.created";
    return d;
  }

  FixedClock clock_{kT0};
};

TEST_F(SmtpSenderTest, DeliversAUtf8MessageIntact) {
  SmtpSink sink;
  auto sender = Sender(Config(sink));
  ASSERT_NE(sender, nullptr);
  const SendResult r = sender->Send(Email("officer@cec.example", kUtf8Subject, kBody));
  ASSERT_EQ(r.status, SendStatus::kDelivered) << r.error;

  auto messages = sink.WaitForMessages(1, 10s);
  ASSERT_EQ(messages.size(), 1u);
  const testing::SmtpMessage& m = messages[0];
  EXPECT_EQ(m.mail_from, "hub@ecrn.example");
  EXPECT_THAT(m.rcpt_to, ::testing::ElementsAre("officer@cec.example"));
  EXPECT_FALSE(m.helo.empty());
  EXPECT_EQ(DecodeMimeHeader(m.Header("Subject")), kUtf8Subject);
  EXPECT_EQ(m.Header("From"), "\"ECRN Hub\" <hub@ecrn.example>");
  EXPECT_EQ(m.Header("To"), "<officer@cec.example>");
  EXPECT_EQ(m.Header("Date"), "Fri, 15 Jan 2027 08:00:00 +0000");
  EXPECT_EQ(m.Header("X-ECRN-Delivery"), "incident--0b6f:created");
  // Lines "." and ".hidden ..." survive SMTP: curl stuffs them, the sink
  // unstuffs them.
  EXPECT_EQ(DecodeQuotedPrintable(m.Body()), Crlf(kBody) + "\r\n");
}

TEST_F(SmtpSenderTest, RefusesInjectionWithoutConnecting) {
  SmtpSink sink;
  auto sender = Sender(Config(sink));
  ASSERT_NE(sender, nullptr);
  SendResult r = sender->Send(Email("officer@cec.example", "Hi\r\nBcc: victim@else.example", "x"));
  EXPECT_EQ(r.status, SendStatus::kPermanent);
  EXPECT_THAT(r.error, HasSubstr("line breaks"));
  r = sender->Send(Email("officer@cec.example>\r\nRCPT TO:<victim@else.example", "Hi", "x"));
  EXPECT_EQ(r.status, SendStatus::kPermanent);
  EXPECT_THAT(r.error, HasSubstr("recipient address"));
  EXPECT_TRUE(sink.messages().empty());
  EXPECT_EQ(sink.sessions(), 0);
}

TEST_F(SmtpSenderTest, AuthenticatesWithAuthPlain) {
  SmtpSinkOptions options;
  options.username = "hub";
  options.password = "s3cret pass";
  SmtpSink sink(options);
  SmtpConfig config = Config(sink);
  config.username = "hub";
  config.password = "s3cret pass";
  auto sender = Sender(config);
  ASSERT_NE(sender, nullptr);
  const SendResult r = sender->Send(Email("officer@cec.example", "Hi", "Hello"));
  ASSERT_EQ(r.status, SendStatus::kDelivered) << r.error;
  auto messages = sink.WaitForMessages(1, 10s);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].auth_user, "hub");
}

TEST_F(SmtpSenderTest, WrongCredentialsAreRetriedForTheOperatorToFix) {
  SmtpSinkOptions options;
  options.username = "hub";
  options.password = "right";
  SmtpSink sink(options);
  SmtpConfig config = Config(sink);
  config.username = "hub";
  config.password = "wrong";
  auto sender = Sender(config);
  ASSERT_NE(sender, nullptr);
  const SendResult r = sender->Send(Email("officer@cec.example", "Hi", "Hello"));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_THAT(r.error, HasSubstr("username and password"));
  EXPECT_THAT(r.error, ::testing::Not(HasSubstr("wrong")));  // no password in errors
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpSenderTest, ARefusedRecipientIsPermanentATemporaryRefusalIsRetried) {
  SmtpSinkOptions options;
  options.rcpt_replies["nobody@cec.example"] = "550 5.1.1 no such user";
  options.rcpt_replies["full@cec.example"] = "452 4.2.2 mailbox full";
  SmtpSink sink(options);
  auto sender = Sender(Config(sink));
  ASSERT_NE(sender, nullptr);
  SendResult r = sender->Send(Email("nobody@cec.example", "Hi", "Hello"));
  EXPECT_EQ(r.status, SendStatus::kPermanent) << r.error;
  r = sender->Send(Email("full@cec.example", "Hi", "Hello"));
  EXPECT_EQ(r.status, SendStatus::kRetryable) << r.error;
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpSenderTest, RequiredStartTlsRefusesARelayWithoutIt) {
  SmtpSink sink;  // offers no STARTTLS
  SmtpConfig config = Config(sink);
  config.starttls = StartTls::kRequired;
  auto sender = Sender(config);
  ASSERT_NE(sender, nullptr);
  const SendResult r = sender->Send(Email("officer@cec.example", "Hi", "Hello"));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_THAT(r.error, HasSubstr("STARTTLS"));
  EXPECT_TRUE(sink.messages().empty());

  // Opportunistic goes ahead in clear.
  config.starttls = StartTls::kOpportunistic;
  auto lenient = Sender(config);
  ASSERT_NE(lenient, nullptr);
  EXPECT_EQ(lenient->Send(Email("officer@cec.example", "Hi", "Hello")).status,
            SendStatus::kDelivered);
}

TEST_F(SmtpSenderTest, RequiredStartTlsEncryptsAndVerifiesTheRelay) {
  testing::TempDir dir;
  testing::WriteSelfSignedCertificate(dir.File("relay.pem"), dir.File("relay.key"));
  SmtpSinkOptions options;
  options.tls_cert_file = dir.File("relay.pem");
  options.tls_key_file = dir.File("relay.key");
  options.username = "hub";
  options.password = "over tls";
  SmtpSink sink(options);
  SmtpConfig config = Config(sink);
  config.starttls = StartTls::kRequired;
  config.username = "hub";
  config.password = "over tls";
  config.ca_file = dir.File("relay.pem");
  auto sender = Sender(config);
  ASSERT_NE(sender, nullptr);
  SendResult r = sender->Send(Email("officer@cec.example", kUtf8Subject, kBody));
  ASSERT_EQ(r.status, SendStatus::kDelivered) << r.error;
  auto messages = sink.WaitForMessages(1, 10s);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_TRUE(messages[0].tls);
  EXPECT_EQ(messages[0].auth_user, "hub");
  EXPECT_EQ(DecodeMimeHeader(messages[0].Header("Subject")), kUtf8Subject);

  // A relay whose certificate is not trusted gets nothing (retried: an
  // operator can fix the trust settings).
  config.ca_file.clear();
  auto strict = Sender(config);
  ASSERT_NE(strict, nullptr);
  r = strict->Send(Email("officer@cec.example", "Hi", "Hello"));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST_F(SmtpSenderTest, AnUnreachableRelayIsRetried) {
  std::string url;
  {
    SmtpSink gone;
    url = gone.url();
  }  // nobody listens there now
  SmtpConfig config;
  config.url = url;
  config.from = "hub@ecrn.example";
  config.starttls = StartTls::kOff;
  config.timeout = 5s;
  auto sender = Sender(config);
  ASSERT_NE(sender, nullptr);
  const SendResult r = sender->Send(Email("officer@cec.example", "Hi", "Hello"));
  EXPECT_EQ(r.status, SendStatus::kRetryable);
  EXPECT_THAT(r.error, StartsWith("SMTP: "));
}

TEST_F(SmtpSenderTest, CreateRefusesABadConfiguration) {
  SmtpConfig config;
  config.url = "smtp://relay.example";
  config.from = "";
  EXPECT_FALSE(SmtpSender::Create(config, clock_).ok());
}

}  // namespace
}  // namespace ecrn::notify
