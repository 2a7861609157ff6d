// In-process tests of the Beast server's policies (graceful stop with a
// request in flight, idle time-out, load shedding), over loopback TCP.
#include "ecrn/http/server.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/testing.hpp"

namespace ecrn::http {
namespace {

using namespace std::chrono_literals;

// A blocking client socket to 127.0.0.1:port with a 5 s receive time-out.
class Client {
 public:
  explicit Client(uint16_t port) : fd_(ecrn::testing::ConnectLoopback(port, 5)) {}
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  void Send(const std::string& s) {
    ASSERT_EQ(send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
  }
  // Everything until the server closes (or the time-out).
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  int fd_;
};

// A server on a free loopback port, running on its own thread.
class RunningServer {
 public:
  RunningServer(const Router& router, ServerOptions options) {
    options.listen = {"127.0.0.1", 0, true};
    options.stop_on_signals = false;
    server_ = std::make_unique<Server>(router, options);
    auto r = server_->Listen();
    EXPECT_TRUE(r.ok());
    thread_ = std::thread([this] {
      server_->Run();
      stopped_ = true;
    });
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
  }
  uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }
  bool stopped() const { return stopped_; }
  // Waits up to `timeout` for Run to return.
  bool WaitStopped(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!stopped_ && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return stopped_;
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

TEST(ServerTest, ParseListenAddress) {
  auto v4 = ParseListenAddress("127.0.0.1:8443");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8443);
  EXPECT_TRUE(v4->loopback);
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->loopback);
  auto local = ParseListenAddress("localhost:80");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->host, "127.0.0.1");
  EXPECT_TRUE(ParseListenAddress("127.8.9.10:1")->loopback);
  EXPECT_FALSE(ParseListenAddress("0.0.0.0:1")->loopback);
  EXPECT_FALSE(ParseListenAddress("[::]:1")->loopback);
  EXPECT_FALSE(ParseListenAddress("10.0.0.1:1")->loopback);
  for (const char* bad : {"", ":80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "::1:80",
                          "[::1]80", "host.example:80", "127.0.0.1:8a"}) {
    EXPECT_FALSE(ParseListenAddress(bad).ok()) << bad;
  }
}

TEST(ServerTest, StopLetsTheInFlightRequestFinish) {
  std::atomic<bool> started{false};
  Router router;
  router.Add("GET", "/slow", [&](const RouteContext&) {
    started = true;
    std::this_thread::sleep_for(500ms);
    return MakeResponse(200, "text/plain", "done");
  });
  RunningServer running(router, {});
  Client client(running.port());
  ASSERT_TRUE(client.connected());
  client.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!started) std::this_thread::sleep_for(5ms);
  running.server().Stop();
  std::string reply = client.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Connection: close\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\n\r\ndone"), std::string::npos) << reply;
  EXPECT_TRUE(running.WaitStopped(5s));
}

TEST(ServerTest, StopAfterTheGracePeriodClosesBusyConnectionsAndReturns) {
  std::atomic<bool> started{false};
  Router router;
  router.Add("GET", "/stuck", [&](const RouteContext&) {
    started = true;
    std::this_thread::sleep_for(1500ms);  // longer than the grace period
    return MakeResponse(200, "text/plain", "late");
  });
  ServerOptions options;
  options.shutdown_grace = 200ms;
  {
    RunningServer running(router, options);
    Client client(running.port());
    ASSERT_TRUE(client.connected());
    client.Send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n");
    while (!started) std::this_thread::sleep_for(5ms);
    running.server().Stop();
    // The connection is cut after the grace period, without the late answer.
    EXPECT_EQ(client.ReadAll().find("late"), std::string::npos);
    EXPECT_TRUE(running.WaitStopped(5s));
  }  // destroying the server after a cut-off must be clean (ASan checks it)
}

TEST(ServerTest, IdleConnectionsAreClosedAfterTheTimeout) {
  Router router;
  ServerOptions options;
  options.read_timeout = 200ms;
  RunningServer running(router, options);
  Client client(running.port());
  ASSERT_TRUE(client.connected());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.ReadAll(), "");  // closed by the server, no response
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
}

TEST(ServerTest, ShedsLoadBeyondMaxPending) {
  Router router;
  router.Add("GET", "/", [](const RouteContext&) { return MakeResponse(200, "text/plain", "x"); });
  ServerOptions options;
  options.max_pending = 0;
  RunningServer running(router, options);
  Client client(running.port());
  client.Send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string reply = client.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 503", 0), 0u) << reply;
  EXPECT_NE(reply.find("Retry-After: 1\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("X-Content-Type-Options: nosniff\r\n"), std::string::npos) << reply;
}

TEST(ServerTest, HeadHasLengthButNoBody) {
  Router router;
  router.Add("GET", "/",
             [](const RouteContext&) { return MakeResponse(200, "text/plain", "hello"); });
  RunningServer running(router, {});
  Client client(running.port());
  client.Send("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string reply = client.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Length: 5\r\n"), std::string::npos) << reply;
  EXPECT_EQ(reply.substr(reply.find("\r\n\r\n") + 4), "");
}

TEST(ServerTest, BindFailureIsReported) {
  Router router;
  RunningServer first(router, {});
  ServerOptions options;
  options.listen = {"127.0.0.1", first.port(), true};
  options.stop_on_signals = false;
  Server second(router, options);
  auto r = second.Listen();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
}

TEST(ServerTest, ParseWireRequest) {
  auto get = ParseWireRequest("GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\r\n", 1024, 10);
  ASSERT_TRUE(get.ok()) << get.error().ToString();
  EXPECT_EQ(get->method, "GET");
  EXPECT_EQ(get->target, "/healthz?x=1");
  EXPECT_EQ(get->Header("x-a").value_or(""), "b");
  auto chunked = ParseWireRequest(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 1024,
      10);
  ASSERT_TRUE(chunked.ok()) << chunked.error().ToString();
  EXPECT_EQ(chunked->body, "abcde");
  EXPECT_EQ(ParseWireRequest("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world", 1024, 10)
                .error()
                .code,
            ErrorCode::kTooLarge);
  EXPECT_EQ(
      ParseWireRequest("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", 1024, 10)
          .error()
          .code,
      ErrorCode::kTooLarge);
  for (const char* bad : {"", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
                          "NOT HTTP\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n"}) {
    auto r = ParseWireRequest(bad, 1024, 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace ecrn::http
