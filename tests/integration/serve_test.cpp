// `ecrn serve` as users run it: the real binary on port 0 over a SQLite file,
// driven over real TCP connections with a minimal HTTP/1.1 client, and over
// TLS with an OpenSSL client and a throwaway self-signed certificate.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ecrn/core/version.hpp"
#include "testing/testing.hpp"
#include "testing/tls.hpp"

namespace ecrn::testing {
namespace {

using namespace std::chrono_literals;

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// One client TCP connection to 127.0.0.1:port, speaking just enough
// HTTP/1.1 (Content-Length bodies) for these tests. Reads time out after 10s.
class Connection {
 public:
  explicit Connection(uint16_t port) : fd_(ConnectLoopback(port, 10)), connected_(fd_ >= 0) {}
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }

  bool Send(const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  // Reads one response; nullopt when the connection closes (or times out) first.
  std::optional<HttpReply> Receive() {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    HttpReply reply;
    std::string head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.1 ", 0) != 0) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t next = head.find("\r\n", pos);
      if (next == std::string::npos) next = head.size();
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = line.find_first_not_of(' ', colon + 1);
      reply.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
      pos = next + 2;
    }
    size_t length = std::stoul(
        reply.headers.count("content-length") ? reply.headers["content-length"] : std::string("0"));
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  std::optional<HttpReply> Get(const std::string& target, const std::string& extra_headers = "") {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n")) {
      return std::nullopt;
    }
    return Receive();
  }

  // True when the server closed the connection (EOF) before `timeout`.
  bool ClosedByServer() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }

 private:
  bool Fill() {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

// A running `ecrn serve` and the port it reported.
struct Server {
  explicit Server(const std::vector<std::string>& extra_args,
                  const std::vector<std::string>& env = {})
      : process(
            [&] {
              std::vector<std::string> argv = {EcrnBin(), "serve"};
              argv.insert(argv.end(), extra_args.begin(), extra_args.end());
              return argv;
            }(),
            env) {
    line = process.ReadLine(120s).value_or("");
    std::smatch m;
    static const std::regex kListening(R"(listening on (https?)://([0-9.]+):(\d+))");
    if (std::regex_match(line, m, kListening)) {
      scheme = m[1];
      port = static_cast<uint16_t>(std::stoi(m[3]));
    }
  }
  std::string scheme;
  ChildProcess process;
  std::string line;
  uint16_t port = 0;
};

void ExpectSecurityHeaders(const HttpReply& r) {
  EXPECT_EQ(r.headers.count("x-content-type-options") ? r.headers.at("x-content-type-options") : "",
            "nosniff");
  EXPECT_EQ(
      r.headers.count("content-security-policy") ? r.headers.at("content-security-policy") : "",
      "default-src 'self'");
  EXPECT_EQ(r.headers.count("cache-control") ? r.headers.at("cache-control") : "", "no-store");
}

TEST(ServeTest, HealthzKeepAliveNotFoundAndCleanStopOnSigterm) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0"});
  ASSERT_NE(server.port, 0) << "first stdout line: '" << server.line << "'\n"
                            << server.process.Stderr();

  Connection conn(server.port);
  ASSERT_TRUE(conn.connected());
  auto health = conn.Get("/healthz");
  ASSERT_TRUE(health) << server.process.Stderr();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->headers["content-type"], "application/json");
  auto body = boost::json::parse(health->body).as_object();
  EXPECT_EQ(body.at("status"), "ok");
  EXPECT_EQ(body.at("version"), kVersion);
  EXPECT_EQ(body.at("database"), "sqlite");
  ExpectSecurityHeaders(*health);

  // Keep-alive: further requests on the same connection.
  auto missing = conn.Get("/no/such/thing");
  ASSERT_TRUE(missing) << "connection was not kept alive";
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(boost::json::parse(missing->body).as_object().at("http_status"), "404");
  ExpectSecurityHeaders(*missing);
  auto again = conn.Get("/healthz");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);

  // The OpenAPI document of the API, without a login.
  auto api = conn.Get("/api/v1/openapi.json");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  EXPECT_EQ(api->headers["content-type"], "application/json");
  EXPECT_EQ(boost::json::parse(api->body).as_object().at("openapi"), "3.1.0");
  EXPECT_EQ(api->body, ReadFile(SourceDir() / "src/ecrn/http/openapi.json"));

  Connection page(server.port);
  auto home = page.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("ECRN is running"), std::string::npos);

  // Both connections are idle and kept alive: SIGTERM must still stop promptly.
  server.process.Signal(SIGTERM);
  auto code = server.process.Wait(30s);
  ASSERT_TRUE(code) << "server did not stop on SIGTERM";
  EXPECT_EQ(*code, 0) << server.process.Stderr();
  EXPECT_TRUE(conn.ClosedByServer());
  // Exactly one line on stdout.
  EXPECT_FALSE(server.process.ReadLine(1s));
}

TEST(ServeTest, InFlightRequestIsAnsweredDuringGracefulStop) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0"});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  Connection conn(server.port);
  ASSERT_TRUE(conn.connected());
  // Half a request: the header, and part of its body.
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab"));
  std::this_thread::sleep_for(300ms);
  server.process.Signal(SIGINT);
  std::this_thread::sleep_for(300ms);
  ASSERT_TRUE(conn.Send("cd"));
  auto reply = conn.Receive();
  ASSERT_TRUE(reply) << server.process.Stderr();
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->headers["connection"], "close");
  auto code = server.process.Wait(30s);
  ASSERT_TRUE(code);
  EXPECT_EQ(*code, 0) << server.process.Stderr();
}

TEST(ServeTest, HttpErrorsFromTheWire) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0"});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  {
    Connection conn(server.port);
    ASSERT_TRUE(conn.Send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));
    auto reply = conn.Receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 405);
    EXPECT_EQ(reply->headers["allow"], "GET, HEAD");
  }
  {
    Connection conn(server.port);
    ASSERT_TRUE(
        conn.Send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"));
    auto reply = conn.Receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
  }
  {
    Connection conn(server.port);
    ASSERT_TRUE(
        conn.Send("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n"));
    auto reply = conn.Receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 431);
  }
  {
    Connection conn(server.port);
    ASSERT_TRUE(conn.Send("NOT HTTP AT ALL\r\n\r\n"));
    auto reply = conn.Receive();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 400);
    ExpectSecurityHeaders(*reply);
  }
  {
    Connection conn(server.port);
    auto reply = conn.Get("/x/../healthz");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 404);
  }
  // The server survived all of that.
  Connection conn(server.port);
  auto health = conn.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
}

TEST(ServeTest, RefusesNonLoopbackWithoutInsecureHttp) {
  TempDir dir;
  auto r = testing::Run({EcrnBin(), "serve", "--db", dir.File("ecrn.db"), "--listen", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--insecure-http"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_FALSE(std::filesystem::exists(dir.File("ecrn.db")));
}

TEST(ServeTest, RejectsMalformedListenAddress) {
  TempDir dir;
  for (const char* listen :
       {"nonsense", "127.0.0.1", "127.0.0.1:99999", "example.org:80", "::1:80", "127.0.0.1:-1"}) {
    SCOPED_TRACE(listen);
    auto r = testing::Run({EcrnBin(), "serve", "--db", dir.File("ecrn.db"), "--listen", listen});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST(ServeTest, InsecureHttpAllowsAnyAddressAndSigintStops) {
  TempDir dir;
  Server server(
      {"--db", dir.File("ecrn.db"), "--listen", "0.0.0.0:0", "--insecure-http", "--threads", "3"});
  ASSERT_NE(server.port, 0) << server.line << "\n" << server.process.Stderr();
  EXPECT_EQ(server.line.rfind("listening on http://0.0.0.0:", 0), 0u);
  Connection conn(server.port);
  auto health = conn.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  server.process.Signal(SIGINT);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
}

TEST(ServeTest, PortInUseFails) {
  TempDir dir;
  Server first({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0"});
  ASSERT_NE(first.port, 0) << first.process.Stderr();
  ChildProcess second({EcrnBin(), "serve", "--db", dir.File("ecrn.db"), "--listen",
                       "127.0.0.1:" + std::to_string(first.port)});
  auto code = second.Wait(60s);
  ASSERT_TRUE(code) << "second server on the same port did not fail";
  EXPECT_EQ(*code, 1);
  EXPECT_NE(second.Stderr().find("cannot listen"), std::string::npos) << second.Stderr();
  first.process.Signal(SIGTERM);
  EXPECT_EQ(first.process.Wait(30s).value_or(-2), 0);
}

// Self-signed certificate and key files for 127.0.0.1 in a fresh directory.
struct TlsFiles {
  TempDir dir;
  std::string cert = dir.File("cert.pem");
  std::string key = dir.File("key.pem");
  TlsFiles() { WriteSelfSignedCertificate(cert, key); }
};

// GET `target` over a new TLS connection (Connection: close); the raw reply.
std::string TlsGet(uint16_t port, const std::string& cert, const std::string& target) {
  TlsClient client(port, {cert});
  EXPECT_TRUE(client.connected()) << client.error();
  if (!client.connected()) return "";
  EXPECT_TRUE(
      client.Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
  return client.ReadAll();
}

TEST(ServeTest, HttpsWithTlsCertAndKey) {
  TempDir dir;
  TlsFiles tls;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0", "--tls-cert", tls.cert,
                 "--tls-key", tls.key});
  ASSERT_NE(server.port, 0) << server.line << "\n" << server.process.Stderr();
  EXPECT_EQ(server.scheme, "https");

  std::string reply = TlsGet(server.port, tls.cert, "/healthz");
  ASSERT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply << server.process.Stderr();
  auto body = boost::json::parse(reply.substr(reply.find("\r\n\r\n") + 4)).as_object();
  EXPECT_EQ(body.at("status"), "ok");

  // Plain HTTP to the TLS port gets no HTTP answer; the server carries on.
  {
    Connection plain(server.port);
    ASSERT_TRUE(plain.connected());
    EXPECT_FALSE(plain.Get("/healthz"));
  }
  EXPECT_EQ(TlsGet(server.port, tls.cert, "/healthz").rfind("HTTP/1.1 200 OK\r\n", 0), 0u);

  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0) << server.process.Stderr();
}

TEST(ServeTest, TlsAllowsANonLoopbackAddress) {
  TempDir dir;
  TlsFiles tls;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "0.0.0.0:0", "--tls-cert", tls.cert,
                 "--tls-key", tls.key});
  ASSERT_NE(server.port, 0) << server.line << "\n" << server.process.Stderr();
  EXPECT_EQ(server.line.rfind("listening on https://0.0.0.0:", 0), 0u) << server.line;
  EXPECT_EQ(TlsGet(server.port, tls.cert, "/healthz").rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
}

TEST(ServeTest, BadTlsFilesAreRefusedWithAClearMessage) {
  TempDir dir;
  TlsFiles tls;
  TlsFiles other;
  WriteFile(dir.File("junk.pem"), "junk\n");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"--tls-cert", dir.File("missing.pem"), "--tls-key", tls.key},
            "cannot read TLS certificate"},
           {{"--tls-cert", tls.cert, "--tls-key", dir.File("junk.pem")},
            "cannot load TLS private key"},
           {{"--tls-cert", tls.cert, "--tls-key", other.key}, "does not match"},
           {{"--tls-cert", tls.cert}, "--tls-key"},
       }) {
    SCOPED_TRACE(c.message);
    std::vector<std::string> argv = {EcrnBin(),           "serve",    "--db",
                                     dir.File("ecrn.db"), "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = testing::Run(argv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  EXPECT_FALSE(std::filesystem::exists(dir.File("ecrn.db")));
}

TEST(ServeTest, MetricsCountRequestsByRouteAndObjectsStored) {
  TempDir dir;
  const std::string db = dir.File("ecrn.db");
  Server server({"--db", db, "--listen", "127.0.0.1:0"});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  Connection conn(server.port);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(conn.Get("/healthz").value_or(HttpReply{}).status, 200);
  ASSERT_EQ(conn.Get("/no/such/thing").value_or(HttpReply{}).status, 404);
  auto first = conn.Get("/metrics");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->headers["content-type"].rfind("text/plain; version=0.0.4", 0), 0u);
  auto samples = PrometheusSamples(first->body);
  const std::string healthz =
      R"(ecrn_http_requests_total{route="/healthz",method="GET",status="200"})";
  const std::string metrics_route =
      R"(ecrn_http_requests_total{route="/metrics",method="GET",status="200"})";
  EXPECT_EQ(samples[healthz], "3") << first->body;
  EXPECT_EQ(samples[R"(ecrn_http_requests_total{route="unmatched",method="GET",status="404"})"],
            "1");
  EXPECT_EQ(samples.count(metrics_route), 0u);  // counted once answered
  EXPECT_EQ(samples[R"(ecrn_http_request_duration_seconds_count{route="/healthz"})"], "3");
  EXPECT_EQ(samples[R"(ecrn_http_request_duration_seconds_bucket{route="/healthz",le="+Inf"})"],
            "3");
  EXPECT_EQ(samples["ecrn_objects_stored"], "0");

  // Objects imported by another process show up in the gauge.
  ASSERT_EQ(testing::Run({EcrnBin(), "channel", "add", "--db", db, "--name", "Regional"}).exit_code,
            0);
  WriteFile(
      dir.File("bundle.json"),
      R"({"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[)"
      R"({"type":"domain-name","spec_version":"2.1","id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"example.com"},)"
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"C2","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}]})");
  auto imported = testing::Run({EcrnBin(), "import", "--db", db, "--channel", "Regional", "--quiet",
                                dir.File("bundle.json")});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  ASSERT_EQ(conn.Get("/healthz").value_or(HttpReply{}).status, 200);
  auto second = conn.Get("/metrics");
  ASSERT_TRUE(second);
  samples = PrometheusSamples(second->body);
  EXPECT_EQ(samples[healthz], "4") << second->body;
  EXPECT_EQ(samples[metrics_route], "1");
  EXPECT_EQ(samples["ecrn_objects_stored"], "2");
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
}

TEST(ServeTest, MetricsTokenIsRequiredWhenSet) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0"},
                {"ECRN_METRICS_TOKEN=tok-123"});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  Connection conn(server.port);
  EXPECT_EQ(conn.Get("/metrics").value_or(HttpReply{}).status, 404);
  EXPECT_EQ(conn.Get("/metrics", "Authorization: Bearer tok-12\r\n").value_or(HttpReply{}).status,
            404);
  auto ok = conn.Get("/metrics", "Authorization: Bearer tok-123\r\n");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("ecrn_http_requests_total{"), std::string::npos);
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
}

TEST(ServeTest, OneJsonAccessLogLinePerRequestWithItsId) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0"});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  std::string ids[2];
  {
    Connection conn(server.port);
    auto health = conn.Get("/healthz");
    ASSERT_TRUE(health);
    ids[0] = health->headers["x-request-id"];
    auto missing = conn.Get("/secret/path?token=abc");
    ASSERT_TRUE(missing);
    ids[1] = missing->headers["x-request-id"];
  }
  EXPECT_EQ(ids[0].size(), 36u);
  EXPECT_NE(ids[0], ids[1]);
  server.process.Signal(SIGTERM);
  ASSERT_EQ(server.process.Wait(30s).value_or(-2), 0);

  std::map<std::string, boost::json::object> access;  // by request id
  std::istringstream err(server.process.Stderr());
  std::string line;
  while (std::getline(err, line)) {
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << "not JSON: " << line;
    ASSERT_TRUE(value.is_object()) << line;
    const auto& object = value.as_object();
    EXPECT_TRUE(object.contains("time") && object.contains("level")) << line;
    if (object.contains("type") && object.at("type") == "access") {
      access[std::string(object.at("request_id").as_string())] = object;
    }
  }
  ASSERT_EQ(access.size(), 2u) << server.process.Stderr();
  const auto& health = access[ids[0]];
  EXPECT_EQ(health.at("route"), "/healthz");
  EXPECT_EQ(health.at("method"), "GET");
  EXPECT_EQ(health.at("status"), 200);
  EXPECT_EQ(health.at("remote"), "127.0.0.1");
  EXPECT_GT(health.at("bytes_out").to_number<double>(), 0);
  EXPECT_GE(health.at("duration_ms").to_number<double>(), 0);
  const auto& missing = access[ids[1]];
  EXPECT_EQ(missing.at("route"), "unmatched");
  EXPECT_EQ(missing.at("status"), 404);
  // The raw path (and its query) never reaches the log.
  EXPECT_EQ(server.process.Stderr().find("token=abc"), std::string::npos);
}

TEST(ServeTest, TextLogFormat) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0", "--log-format", "text"});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  Connection conn(server.port);
  auto health = conn.Get("/healthz");
  ASSERT_TRUE(health);
  server.process.Signal(SIGTERM);
  ASSERT_EQ(server.process.Wait(30s).value_or(-2), 0);
  std::string err = server.process.Stderr();
  EXPECT_NE(err.find("access " + health->headers["x-request-id"] + " 127.0.0.1 GET /healthz 200 "),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("{\""), std::string::npos) << err;
}

TEST(ServeTest, WebRootServesTheFrontEndBesideTheApi) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "dist" / "assets");
  WriteFile(dir.path() / "dist" / "index.html", "<!DOCTYPE html><title>app</title>");
  WriteFile(dir.path() / "dist" / "assets" / "index-abc123.js", "export {};");
  WriteFile(dir.path() / "secret.txt", "outside the web root");
  Server server(
      {"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0", "--web-root", dir.File("dist")});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  Connection conn(server.port);

  auto home = conn.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_EQ(home->body, "<!DOCTYPE html><title>app</title>");
  EXPECT_EQ(home->headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(home->headers["cache-control"], "no-cache");
  EXPECT_EQ(home->headers["content-security-policy"], "default-src 'self'");

  auto asset = conn.Get("/assets/index-abc123.js");
  ASSERT_TRUE(asset);
  EXPECT_EQ(asset->status, 200);
  EXPECT_EQ(asset->headers["content-type"], "text/javascript; charset=utf-8");
  EXPECT_EQ(asset->headers["cache-control"], "public, max-age=31536000, immutable");

  auto route = conn.Get("/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_EQ(route->body, home->body);

  // Routes keep their answers: /metrics is Prometheus text and TAXII
  // discovery asks for credentials; neither is the app.
  auto metrics = conn.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->headers["content-type"].rfind("text/plain; version=0.0.4", 0), 0u);
  auto taxii = conn.Get("/taxii2/");
  ASSERT_TRUE(taxii);
  EXPECT_EQ(taxii->status, 401);
  EXPECT_EQ(taxii->body.find("<title>app</title>"), std::string::npos);
  for (const char* target :
       {"/api/v1/nope", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/"}) {
    SCOPED_TRACE(target);
    auto missing = conn.Get(target);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->headers["content-type"], "application/json");
    EXPECT_EQ(missing->body.find("outside the web root"), std::string::npos);
  }
  auto health = conn.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
}

TEST(ServeTest, MissingWebRootKeepsThePlaceholderPage) {
  TempDir dir;
  Server server({"--db", dir.File("ecrn.db"), "--listen", "127.0.0.1:0", "--web-root",
                 dir.File("no-such-dist")});
  ASSERT_NE(server.port, 0) << server.process.Stderr();
  Connection conn(server.port);
  auto home = conn.Get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("ECRN is running"), std::string::npos);
  auto other = conn.Get("/search");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  server.process.Signal(SIGTERM);
  EXPECT_EQ(server.process.Wait(30s).value_or(-2), 0);
  EXPECT_NE(server.process.Stderr().find("no-such-dist"), std::string::npos)
      << server.process.Stderr();
}

}  // namespace
}  // namespace ecrn::testing
