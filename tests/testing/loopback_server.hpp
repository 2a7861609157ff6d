// A TCP server for test doubles of other systems (the SMTP sink, the webhook
// receiver): it listens on 127.0.0.1 only, on a port the kernel picks, and
// serves one connection at a time on its own thread until destroyed.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace ecrn::testing {

// One accepted connection, with buffered reads that give up after a time-out
// or when the server stops; it can switch to TLS in mid-stream (STARTTLS).
class LoopbackConnection {
 public:
  LoopbackConnection(int fd, const std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
  ~LoopbackConnection();
  LoopbackConnection(const LoopbackConnection&) = delete;
  LoopbackConnection& operator=(const LoopbackConnection&) = delete;

  // Runs the server side of a TLS handshake with the PEM certificate and
  // key; from then on reads and writes are encrypted. Bytes the client sent
  // before the handshake and not yet read are dropped (RFC 3207 5). False
  // when the handshake fails (the client refused the certificate).
  bool StartTls(const std::string& cert_file, const std::string& key_file);
  bool tls() const { return ssl_ != nullptr; }

  // The next line without its "\r\n" (or "\n"); false on end of stream,
  // error, time-out (10 s) or stop.
  bool ReadLine(std::string* line);
  // Exactly `n` bytes; false as for ReadLine.
  bool ReadBytes(size_t n, std::string* out);
  bool Write(const std::string& data);

 private:
  bool Fill();

  int fd_;
  const std::atomic<bool>& stopping_;
  void* ctx_ = nullptr;  // SSL_CTX* once StartTls ran
  void* ssl_ = nullptr;  // SSL*
  std::string buffer_;
};

class LoopbackServer {
 public:
  using Handler = std::function<void(LoopbackConnection&)>;

  // Binds 127.0.0.1:0 and starts accepting; each connection is passed to
  // `handler` on the server thread and closed when it returns. Throws
  // std::runtime_error when the socket cannot be set up.
  explicit LoopbackServer(Handler handler);
  // Stops accepting, ends the connection being served, joins the thread.
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  void Run();

  Handler handler_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace ecrn::testing
