// `ecrn serve` as users run it: the real binary on port 0 over a SQLite file,
// driven over real TCP connections with a minimal HTTP/1.1 client.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ecrn/core/version.hpp"
#include "testing/testing.hpp"

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

  std::optional<HttpReply> Get(const std::string& target) {
    if (!Send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")) return std::nullopt;
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
  explicit Server(const std::vector<std::string>& extra_args)
      : process([&] {
          std::vector<std::string> argv = {EcrnBin(), "serve"};
          argv.insert(argv.end(), extra_args.begin(), extra_args.end());
          return argv;
        }()) {
    line = process.ReadLine(120s).value_or("");
    std::smatch m;
    static const std::regex kListening(R"(listening on http://([0-9.]+):(\d+))");
    if (std::regex_match(line, m, kListening)) port = static_cast<uint16_t>(std::stoi(m[2]));
  }
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

  for (const char* target : {"/api/v1/nope", "/taxii2/", "/metrics", "/%2e%2e/secret.txt",
                             "/assets/..%2f..%2fsecret.txt", "/assets/"}) {
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
