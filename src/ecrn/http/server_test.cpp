// In-process tests of the Beast server's policies (graceful stop with a
// request in flight, idle time-out, load shedding, streamed responses, TLS,
// metrics and the access log), over loopback TCP.
#include "ecrn/http/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testing/testing.hpp"
#include "testing/tls.hpp"

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
  // What one recv returns ("" on EOF or time-out).
  std::string ReadSome() {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
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

// Polls `done` until it holds or 5 s pass (liveness, not timing).
bool Eventually(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A chunked response read incrementally from a Client.
class ChunkedReader {
 public:
  explicit ChunkedReader(Client& client) : client_(client) {}
  // The status line and headers; "" when the connection ends first.
  std::string Head() {
    size_t end;
    while ((end = raw_.find("\r\n\r\n")) == std::string::npos) {
      if (!More()) return "";
    }
    std::string head = raw_.substr(0, end + 4);
    raw_.erase(0, end + 4);
    return head;
  }
  // Reads until the decoded body contains `needle`; false if it never does.
  bool WaitFor(const std::string& needle) {
    while (Decode().find(needle) == std::string::npos) {
      if (!More()) return false;
    }
    return true;
  }
  // Reads until the last chunk arrived; false when the connection ends first.
  bool WaitEnd() {
    while (!complete_) {
      Decode();
      if (complete_) break;
      if (!More()) return false;
    }
    return true;
  }
  // The body decoded so far.
  const std::string& Decode() {
    for (;;) {
      size_t line_end = raw_.find("\r\n");
      if (line_end == std::string::npos) break;
      size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
      if (size == 0) {
        complete_ = raw_.size() >= line_end + 4;
        break;
      }
      if (raw_.size() < line_end + 2 + size + 2) break;
      body_ += raw_.substr(line_end + 2, size);
      raw_.erase(0, line_end + 2 + size + 2);
    }
    return body_;
  }

 private:
  bool More() {
    std::string got = client_.ReadSome();
    raw_ += got;
    return !got.empty();
  }
  Client& client_;
  std::string raw_;
  std::string body_;
  bool complete_ = false;
};

// Hands the writer of a streamed response from the worker to the test.
class WriterSlot {
 public:
  void Put(std::shared_ptr<StreamWriter> writer) {
    std::lock_guard lock(mu_);
    writer_ = std::move(writer);
    cv_.notify_all();
  }
  std::shared_ptr<StreamWriter> Take() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 5s, [&] { return writer_ != nullptr; });
    return writer_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<StreamWriter> writer_;
};

// A router with GET /events: a streamed response whose writer goes to `slot`.
Router StreamRouter(WriterSlot& slot) {
  Router router;
  router.Add("GET", "/events", [&slot](const RouteContext&) {
    Response r = MakeResponse(200, "text/event-stream", "retry: 1000\n\n");
    r.stream = [&slot](std::shared_ptr<StreamWriter> writer) { slot.Put(std::move(writer)); };
    return r;
  });
  return router;
}

// A client that sent GET /events and read the response header; `writer` is
// the stream's (null if the handler never got one).
struct OpenStream {
  OpenStream(uint16_t port, WriterSlot& slot) : client(port), reader(client) {
    client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    head = reader.Head();
    writer = slot.Take();
  }
  Client client;
  ChunkedReader reader;
  std::string head;
  std::shared_ptr<StreamWriter> writer;
};

TEST(ServerStreamTest, ChunksArriveInOrderWithKeepAliveAndACleanEnd) {
  WriterSlot slot;
  Router router = StreamRouter(slot);
  ServerOptions options;
  options.stream_keepalive_interval = 50ms;
  options.read_timeout = 200ms;  // streams are exempt from read and idle time-outs
  options.idle_timeout = 200ms;
  RunningServer running(router, options);
  OpenStream stream(running.port(), slot);
  const std::string& head = stream.head;
  ChunkedReader& reader = stream.reader;
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
  EXPECT_NE(head.find("Cache-Control: no-store\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Accel-Buffering: no\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("X-Request-Id: "), std::string::npos) << head;

  auto writer = stream.writer;
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(writer->IsOpen());
  std::thread producer([writer] {
    for (int i = 0; i < 100; ++i) {
      EXPECT_TRUE(writer->Write("data: " + std::to_string(i) + "\n\n"));
    }
  });
  producer.join();
  std::string expected = "retry: 1000\n\n";
  for (int i = 0; i < 100; ++i) expected += "data: " + std::to_string(i) + "\n\n";
  ASSERT_TRUE(reader.WaitFor("data: 99\n\n"));
  EXPECT_EQ(reader.Decode().substr(0, expected.size()), expected);
  // Silence: keep-alive comments follow, and the idle time-out does not apply.
  ASSERT_TRUE(reader.WaitFor(expected + ": keep-alive\n\n"));
  ASSERT_TRUE(reader.WaitFor(": keep-alive\n\n: keep-alive\n\n"));
  EXPECT_TRUE(writer->IsOpen());
  EXPECT_TRUE(writer->Write("data: last\n\n"));
  writer->Close();
  EXPECT_FALSE(writer->IsOpen());
  EXPECT_FALSE(writer->Write("data: too late\n\n"));
  ASSERT_TRUE(reader.WaitEnd());
  EXPECT_NE(reader.Decode().find("data: last\n\n"), std::string::npos);
  EXPECT_EQ(reader.Decode().find("too late"), std::string::npos);
  EXPECT_EQ(stream.client.ReadAll(), "");  // then the server closes the connection
}

TEST(ServerStreamTest, PeerClosingClosesTheStream) {
  WriterSlot slot;
  Router router = StreamRouter(slot);
  RunningServer running(router, {});
  OpenStream stream(running.port(), slot);
  ASSERT_NE(stream.head, "");
  auto writer = stream.writer;
  ASSERT_NE(writer, nullptr);
  ChunkedReader& reader = stream.reader;
  EXPECT_TRUE(writer->Write("data: 1\n\n"));
  ASSERT_TRUE(reader.WaitFor("data: 1\n\n"));
  stream.client.Close();
  EXPECT_TRUE(Eventually([&] { return !writer->IsOpen(); }));
  EXPECT_FALSE(writer->Write("data: 2\n\n"));
}

TEST(ServerStreamTest, StopEndsOpenStreamsAtOnce) {
  WriterSlot slot;
  Router router = StreamRouter(slot);
  ServerOptions options;
  options.shutdown_grace = 600s;  // a stream holding up the stop would hang the test
  RunningServer running(router, options);
  OpenStream stream(running.port(), slot);
  ASSERT_NE(stream.head, "");
  auto writer = stream.writer;
  ASSERT_NE(writer, nullptr);
  ChunkedReader& reader = stream.reader;
  running.server().Stop();
  EXPECT_TRUE(running.WaitStopped(30s));
  EXPECT_FALSE(writer->IsOpen());
  EXPECT_FALSE(writer->Write("data: after stop\n\n"));
  EXPECT_TRUE(reader.WaitEnd());  // ended cleanly, with the last chunk
}

TEST(ServerStreamTest, AWriteOverTheQueueLimitClosesTheStream) {
  WriterSlot slot;
  Router router = StreamRouter(slot);
  ServerOptions options;
  options.stream_queue_limit = 1024;
  RunningServer running(router, options);
  OpenStream stream(running.port(), slot);
  ASSERT_NE(stream.head, "");
  auto writer = stream.writer;
  ASSERT_NE(writer, nullptr);
  ChunkedReader& reader = stream.reader;
  EXPECT_FALSE(writer->Write(std::string(2048, 'x')));
  EXPECT_FALSE(writer->IsOpen());
  EXPECT_TRUE(reader.WaitEnd());
  EXPECT_EQ(reader.Decode().find("xxxx"), std::string::npos);
}

TEST(ServerStreamTest, AClientThatDoesNotReadGetsItsStreamClosed) {
  WriterSlot slot;
  Router router = StreamRouter(slot);
  ServerOptions options;
  options.stream_queue_limit = 64 * 1024;
  RunningServer running(router, options);
  OpenStream stream(running.port(), slot);
  auto writer = stream.writer;
  ASSERT_NE(writer, nullptr);
  // The client never reads: once the socket buffers are full, the queue fills
  // and the stream closes instead of growing.
  const std::string chunk(16 * 1024, 'x');
  int writes = 0;
  while (writer->Write(chunk) && writes < 100'000) {
    ++writes;
    if (writes % 64 == 0) std::this_thread::sleep_for(1ms);  // let the server drain
  }
  EXPECT_LT(writes, 100'000);
  EXPECT_FALSE(writer->IsOpen());
}

TEST(ServerStreamTest, HeadGetsTheHeaderWithoutStarting) {
  WriterSlot slot;
  Router router = StreamRouter(slot);
  RunningServer running(router, {});
  Client client(running.port());
  client.Send("HEAD /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string reply = client.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_EQ(reply.substr(reply.find("\r\n\r\n") + 4), "");
}

// A server that records the access log.
struct AccessLogSpy {
  std::mutex mu;
  std::vector<std::string> lines;  // "id remote method route status secure streamed"
  AccessLog Sink() {
    return [this](const AccessRecord& r) {
      std::lock_guard lock(mu);
      lines.push_back(std::string(r.request_id) + " " + std::string(r.remote_address) + " " +
                      std::string(r.method) + " " + std::string(r.route) + " " +
                      std::to_string(r.status) + " " + (r.secure ? "tls" : "plain") +
                      (r.bytes_out > 0 ? " sent" : " nothing"));
    };
  }
  size_t size() {
    std::lock_guard lock(mu);
    return lines.size();
  }
  std::string at(size_t i) {
    std::lock_guard lock(mu);
    return lines.at(i);
  }
};

// GET /echo/{name}: answers "remote secure request_id route" of the request.
Router EchoRouter() {
  Router router;
  router.Add("GET", "/echo/{name}", [](const RouteContext& ctx) {
    const Request& r = ctx.request;
    return MakeResponse(200, "text/plain",
                        r.remote_address + " " + (r.secure ? "secure" : "plain") + " " +
                            r.request_id + " " + std::string(ctx.route_template));
  });
  return router;
}

std::string HeaderValue(const std::string& reply, const std::string& name) {
  size_t at = reply.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return reply.substr(at, reply.find("\r\n", at) - at);
}

TEST(ServerTest, RequestsCarryPeerRequestIdAndAreCountedAndLogged) {
  Router router = EchoRouter();
  Metrics metrics;
  AccessLogSpy spy;
  ServerOptions options;
  options.metrics = &metrics;
  options.access_log = spy.Sink();
  RunningServer running(router, options);
  {
    Client client(running.port());
    client.Send("GET /echo/a%20b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string reply = client.ReadAll();
    std::string id = HeaderValue(reply, "X-Request-Id");
    EXPECT_EQ(id.size(), 36u) << reply;
    EXPECT_EQ(reply.substr(reply.find("\r\n\r\n") + 4), "127.0.0.1 plain " + id + " /echo/{name}");
    ASSERT_TRUE(Eventually([&] { return spy.size() == 1; }));
    EXPECT_EQ(spy.at(0), id + " 127.0.0.1 GET /echo/{name} 200 plain sent");
  }
  for (const char* request : {"GET /echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              "GET /nope/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              "GET /nope/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                              "BREW /echo/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"}) {
    Client client(running.port());
    client.Send(request);
    EXPECT_NE(client.ReadAll(), "");
  }
  ASSERT_TRUE(Eventually([&] { return spy.size() == 5; }));
  EXPECT_EQ(metrics.RequestCount("/echo/{name}", "GET", 200), 2u);
  EXPECT_EQ(metrics.RequestCount("unmatched", "GET", 404), 2u);  // never the raw path
  EXPECT_EQ(metrics.RequestCount("/echo/{name}", "other", 405), 1u);
  std::string text = metrics.Exposition();
  EXPECT_NE(text.find("ecrn_http_requests_total{route=\"/echo/{name}\",method=\"GET\","
                      "status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ecrn_http_request_duration_seconds_count{route=\"unmatched\"} 2\n"),
            std::string::npos)
      << text;
}

// TLS files for the tests below, made once per test.
struct TlsFiles {
  ecrn::testing::TempDir dir;
  std::string cert = dir.File("cert.pem");
  std::string key = dir.File("key.pem");
  TlsFiles() { ecrn::testing::WriteSelfSignedCertificate(cert, key); }
};

TEST(ServerTlsTest, ServesHttpsAndMarksRequestsSecure) {
  TlsFiles files;
  Router router = EchoRouter();
  ServerOptions options;
  options.tls_cert_file = files.cert;
  options.tls_key_file = files.key;
  RunningServer running(router, options);
  EXPECT_TRUE(running.server().secure());
  ecrn::testing::TlsClient client(running.port(), {files.cert});
  ASSERT_TRUE(client.connected()) << client.error();
  EXPECT_TRUE(client.protocol() == "TLSv1.3" || client.protocol() == "TLSv1.2")
      << client.protocol();
  ASSERT_TRUE(client.Send("GET /echo/t HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string reply = client.ReadAll();
  EXPECT_EQ(reply.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("\r\n\r\n127.0.0.1 secure "), std::string::npos) << reply;

  // Plain HTTP to the TLS port gets no HTTP answer.
  Client plain(running.port());
  plain.Send("GET /echo/t HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.ReadAll().find("HTTP/1.1"), std::string::npos);
  // Nor does a client that offers only TLS 1.1.
  ecrn::testing::TlsClient old(running.port(), {files.cert, TLS1_1_VERSION});
  EXPECT_FALSE(old.connected());
}

TEST(ServerTlsTest, BadCertificateOrKeyIsReportedByListen) {
  TlsFiles files;
  TlsFiles other;
  ecrn::testing::TempDir dir;
  std::string junk = dir.File("junk.pem");
  ecrn::testing::WriteFile(junk, "not a certificate\n");
  Router router;
  struct Case {
    std::string cert, key, message;
  };
  for (const Case& c : std::vector<Case>{
           {dir.File("missing.pem"), files.key, "cannot read TLS certificate"},
           {files.cert, dir.File("missing.pem"), "cannot read TLS private key"},
           {junk, files.key, "cannot load TLS certificate"},
           {files.cert, junk, "cannot load TLS private key"},
           {files.cert, other.key, "does not match"},
           {files.cert, "", "needs both"},
       }) {
    SCOPED_TRACE(c.message);
    ServerOptions options;
    options.listen = {"127.0.0.1", 0, true};
    options.stop_on_signals = false;
    options.tls_cert_file = c.cert;
    options.tls_key_file = c.key;
    Server server(router, options);
    auto r = server.Listen();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
    EXPECT_FALSE(server.secure());
  }
}

TEST(ServerTlsTest, StreamsOverTls) {
  TlsFiles files;
  WriterSlot slot;
  Router router = StreamRouter(slot);
  ServerOptions options;
  options.tls_cert_file = files.cert;
  options.tls_key_file = files.key;
  RunningServer running(router, options);
  ecrn::testing::TlsClient client(running.port(), {files.cert});
  ASSERT_TRUE(client.connected()) << client.error();
  ASSERT_TRUE(client.Send("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto writer = slot.Take();
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(writer->Write("data: over tls\n\n"));
  writer->Close();
  std::string reply = client.ReadAll();
  EXPECT_NE(reply.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("data: over tls\n\n"), std::string::npos) << reply;
  EXPECT_NE(reply.find("\r\n0\r\n\r\n"), std::string::npos) << reply;
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
