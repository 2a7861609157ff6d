#include "testing/loopback_server.hpp"

#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ecrn::testing {

namespace {

constexpr int kPollMillis = 50;
constexpr int kReadTimeoutMillis = 10000;

}  // namespace

LoopbackConnection::~LoopbackConnection() {
  if (ssl_ != nullptr) {
    SSL_shutdown(static_cast<SSL*>(ssl_));
    SSL_free(static_cast<SSL*>(ssl_));
  }
  if (ctx_ != nullptr) SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

bool LoopbackConnection::StartTls(const std::string& cert_file, const std::string& key_file) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return false;
  ctx_ = ctx;
  if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return false;
  }
  SSL* ssl = SSL_new(ctx);
  if (ssl == nullptr) return false;
  SSL_set_fd(ssl, fd_);
  buffer_.clear();
  timeval tv{kReadTimeoutMillis / 1000, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (SSL_accept(ssl) != 1) {
    SSL_free(ssl);
    return false;
  }
  ssl_ = ssl;
  return true;
}

bool LoopbackConnection::Fill() {
  SSL* ssl = static_cast<SSL*>(ssl_);
  for (int waited = 0; waited < kReadTimeoutMillis && !stopping_; waited += kPollMillis) {
    if (ssl == nullptr || SSL_pending(ssl) == 0) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = poll(&p, 1, kPollMillis);
      if (ready < 0) return false;
      if (ready == 0) continue;
    }
    char chunk[4096];
    const ssize_t n =
        ssl != nullptr ? SSL_read(ssl, chunk, sizeof chunk) : recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  return false;
}

bool LoopbackConnection::ReadLine(std::string* line) {
  size_t end;
  while ((end = buffer_.find('\n')) == std::string::npos) {
    if (!Fill()) return false;
  }
  *line = buffer_.substr(0, end);
  if (!line->empty() && line->back() == '\r') line->pop_back();
  buffer_.erase(0, end + 1);
  return true;
}

bool LoopbackConnection::ReadBytes(size_t n, std::string* out) {
  while (buffer_.size() < n) {
    if (!Fill()) return false;
  }
  *out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return true;
}

bool LoopbackConnection::Write(const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ssl_ != nullptr
                          ? SSL_write(static_cast<SSL*>(ssl_), data.data() + sent,
                                      static_cast<int>(data.size() - sent))
                          : send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

LoopbackServer::LoopbackServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("loopback server: socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(listen_fd_);
    throw std::runtime_error("loopback server: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Run(); });
}

LoopbackServer::~LoopbackServer() {
  stopping_ = true;
  thread_.join();
  close(listen_fd_);
}

void LoopbackServer::Run() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, kPollMillis) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    LoopbackConnection connection(fd, stopping_);
    handler_(connection);
    close(fd);
  }
}

}  // namespace ecrn::testing
