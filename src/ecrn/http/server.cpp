// The only translation unit that includes Boost.Beast, Boost.Asio and
// OpenSSL's TLS layer: keeps their compile cost and their types out of the
// rest of the build.
#include "ecrn/http/server.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ecrn/core/uuid.hpp"

namespace ecrn::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// Bytes read and discarded before closing a connection we answered with an
// error (see the lingering close in Serve).
constexpr size_t kMaxDrainBytes = size_t{1024} * 1024;

// Completion token: co_await yields (error_code, ...) instead of throwing.
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
template <typename Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// TLS 1.2 cipher suites: ECDHE key exchange with AEAD ciphers only (TLS 1.3
// suites are all of that kind and keep OpenSSL's defaults).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// How long a closing TLS connection waits for the peer's close_notify.
constexpr std::chrono::seconds kTlsShutdownWait{1};
// How long an aborted stream (server stopping, slow reader) may take to send
// its last chunk.
constexpr std::chrono::seconds kAbortedStreamWait{1};

// The open streamed response of a connection: a queue of chunks filled by
// producers on any thread (Write, Close) and drained by the connection's
// coroutine on its strand. Producers never block: they lock briefly and, to
// wake the coroutine, post to the strand.
class StreamState final : public StreamWriter, public std::enable_shared_from_this<StreamState> {
 public:
  StreamState(asio::any_io_executor strand, size_t limit)
      : strand_(std::move(strand)), limit_(limit) {}

  bool Write(std::string chunk) override {
    std::lock_guard lock(mu_);
    if (!open_) return false;
    if (chunk.empty()) return true;
    if (chunk.size() > limit_ - queued_bytes_) {
      EndLocked(/*discard=*/true);
      overflowed_ = true;
      return false;
    }
    queued_bytes_ += chunk.size();
    queue_.push_back(std::move(chunk));
    WakeLocked();
    return true;
  }

  void Close() override {
    std::lock_guard lock(mu_);
    EndLocked(/*discard=*/false);
  }

  bool IsOpen() const override {
    std::lock_guard lock(mu_);
    return open_;
  }

  // Ends the stream now, dropping what is queued (server stopping, peer gone,
  // write failed). Any thread.
  void Abort() {
    std::lock_guard lock(mu_);
    EndLocked(/*discard=*/true);
  }

  // On the strand: the timer the coroutine waits on (cancelled to wake it),
  // and how to cut the connection when the stream is aborted mid-write.
  void Attach(asio::steady_timer* timer, std::function<void()> cut) {
    std::lock_guard lock(mu_);
    timer_ = timer;
    cut_ = std::move(cut);
  }
  // On the strand: around each chunk write.
  void SetWriting(bool writing) {
    std::lock_guard lock(mu_);
    writing_ = writing;
  }
  // On the strand, when the coroutine is done: no more wake-ups are posted
  // (so none outlives the I/O context) and the stream reads as closed.
  void Finish() {
    std::lock_guard lock(mu_);
    open_ = false;
    finished_ = true;
    timer_ = nullptr;
    cut_ = nullptr;
    strand_ = asio::any_io_executor();
    queue_.clear();
  }

  // On the strand: everything queued, concatenated, and whether the stream is
  // still open (false and empty: end the response).
  std::pair<std::string, bool> Take() {
    std::lock_guard lock(mu_);
    std::string out;
    out.reserve(queued_bytes_);
    for (auto& chunk : queue_) out += chunk;
    queue_.clear();
    queued_bytes_ = 0;
    return {std::move(out), open_};
  }

  bool overflowed() const {
    std::lock_guard lock(mu_);
    return overflowed_;
  }
  bool aborted() const {
    std::lock_guard lock(mu_);
    return aborted_;
  }

 private:
  void EndLocked(bool discard) {
    if (discard) {
      queue_.clear();
      queued_bytes_ = 0;
      aborted_ = true;
    } else if (!open_) {
      return;
    }
    open_ = false;
    WakeLocked();
  }
  void WakeLocked() {
    if (wake_posted_ || finished_) return;
    wake_posted_ = true;
    asio::post(strand_, [self = shared_from_this()] {
      std::function<void()> cut;
      {
        std::lock_guard lock(self->mu_);
        self->wake_posted_ = false;
        if (self->timer_) self->timer_->cancel();
        // Aborted in the middle of a write (to a slow reader, most likely):
        // do not wait for it.
        if (self->aborted_ && self->writing_) cut = self->cut_;
      }
      if (cut) cut();
    });
  }

  // Released by Finish: a producer may hold the writer after the server (and
  // its I/O context) is gone.
  asio::any_io_executor strand_;
  const size_t limit_;
  mutable std::mutex mu_;
  std::deque<std::string> queue_;
  size_t queued_bytes_ = 0;
  bool open_ = true;
  bool aborted_ = false;  // ended with the queue dropped
  bool writing_ = false;  // the coroutine is writing a chunk
  std::function<void()> cut_;
  bool finished_ = false;
  bool wake_posted_ = false;
  bool overflowed_ = false;
  asio::steady_timer* timer_ = nullptr;
};

// One client connection. Everything here is touched only on the connection's
// strand (the stream's executor).
struct ConnectionBase {
  explicit ConnectionBase(std::string remote) : remote_address(std::move(remote)) {}
  virtual ~ConnectionBase() = default;
  virtual beast::tcp_stream& Tcp() = 0;

  const std::string remote_address;
  bool busy = false;                    // a request is being read, handled or answered
  std::shared_ptr<StreamState> stream;  // the open streamed response, if any
  std::array<char, 1024> sink{};        // input read (and dropped) while streaming
};

template <typename Stream>
struct Connection final : ConnectionBase {
  template <typename... Args>
  explicit Connection(std::string remote, Args&&... args)
      : ConnectionBase(std::move(remote)), io(std::forward<Args>(args)...) {}
  beast::tcp_stream& Tcp() override { return beast::get_lowest_layer(io); }
  Stream io;
};

// The peer's IP address as text (IPv4-mapped IPv6 addresses as IPv4).
template <typename Socket>
std::string PeerAddress(const Socket& socket) {
  error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

// The text of the most recent OpenSSL error (and clears the queue).
std::string OpenSslError() {
  unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  ERR_clear_error();
  if (code == 0) return "unknown TLS error";
  std::array<char, 256> buf{};
  ERR_error_string_n(code, buf.data(), buf.size());
  return buf.data();
}

// kInvalidArgument unless `path` can be opened for reading.
Result<void> CheckReadable(const std::string& path, const std::string& what) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    return Error::Invalid("cannot read " + what + " '" + path + "': " + std::strerror(errno));
  }
  std::fclose(f);
  return Ok();
}

// True for a parse error of the request itself (not a closed connection).
bool IsMalformedRequest(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

std::string Describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

// The router's view of a parsed request.
Request ToRequest(bhttp::request<bhttp::string_body>&& message) {
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  return request;
}

}  // namespace

Result<Request> ParseWireRequest(std::string_view wire, size_t header_limit, size_t body_limit) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<uint32_t>(std::min<size_t>(header_limit, UINT32_MAX)));
  parser.body_limit(body_limit);
  parser.eager(true);
  error_code ec;
  while (!parser.is_done()) {
    size_t used = parser.put(asio::buffer(wire.data(), wire.size()), ec);
    wire.remove_prefix(used);
    if (ec == bhttp::error::need_more) ec = {};
    if (ec) break;
    if (used == 0 && !parser.is_done()) {
      // No progress: the input ends inside the message (put_eof decides
      // whether the body may end at EOF; it requires that some input came).
      if (parser.got_some()) parser.put_eof(ec);
      if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
      break;
    }
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::body_limit) {
    return Error{ErrorCode::kTooLarge, "request too large", ec.message()};
  }
  if (ec || !parser.is_done()) {
    return Error{ErrorCode::kInvalidArgument, "malformed HTTP request", ec.message()};
  }
  return ToRequest(parser.release());
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Error::Invalid("invalid listen address '" + std::string(text.substr(0, 100)) +
                          "': " + why + " (expected HOST:PORT, e.g. 127.0.0.1:8443)");
  };
  std::string_view host, port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad("an IPv6 address must be written [ADDRESS]:PORT");
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("no port");
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return bad("an IPv6 address must be written [ADDRESS]:PORT");
    }
  }
  if (port_text.empty() || port_text.size() > 5) return bad("port must be a number 0-65535");
  unsigned port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') return bad("port must be a number 0-65535");
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port > 65535) return bad("port must be a number 0-65535");
  if (host == "localhost") host = "127.0.0.1";
  error_code ec;
  auto address = asio::ip::make_address(std::string(host), ec);
  if (ec) return bad("host must be an IP address or localhost");
  return ListenAddress{address.to_string(), static_cast<uint16_t>(port), address.is_loopback()};
}

// What is known about one request/response exchange, for metrics and the
// access log.
struct Exchange {
  std::string request_id;
  std::string method;
  std::string_view route = kUnmatchedRoute;
  int status = 0;
  uint64_t bytes_out = 0;
  bool streamed = false;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

struct Server::Impl {
  Impl(const Router& r, ServerOptions o)
      : router(r),
        options(std::move(o)),
        ioc(std::max(1, options.io_threads)),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))),
        control(asio::make_strand(ioc)),
        acceptor(control),
        signals(control),
        grace_timer(control) {}

  void Log(LogLevel level, const std::string& message) const {
    if (options.log) options.log(level, message);
  }

  Result<void> LoadTls();
  Result<void> Listen();
  void Run();
  void Stop();

  asio::awaitable<void> Accept();
  template <typename Stream>
  asio::awaitable<void> Serve(std::shared_ptr<Connection<Stream>> conn);
  template <typename Token>
  auto Dispatch(const Request* request, Token&& token);
  template <typename Stream>
  asio::awaitable<bool> Write(Connection<Stream>& conn, Response& response, unsigned version,
                              bool keep_alive, bool head, Exchange& exchange);
  template <typename Stream>
  asio::awaitable<void> ServeStream(std::shared_ptr<Connection<Stream>> conn, Response& response,
                                    unsigned version, Exchange& exchange);
  template <typename Stream>
  void WatchPeer(std::shared_ptr<Connection<Stream>> conn, std::shared_ptr<StreamState> state);
  template <typename Stream>
  asio::awaitable<void> Close(Connection<Stream>& conn, bool drain);
  void Record(const ConnectionBase& conn, const Exchange& exchange, bool secure) const;
  void Register(const std::shared_ptr<ConnectionBase>& conn);
  void Unregister(ConnectionBase* conn);

  const Router& router;
  const ServerOptions options;
  // Declared before `workers`, so workers are joined before it is destroyed.
  asio::io_context ioc;
  asio::thread_pool workers;
  asio::strand<asio::io_context::executor_type> control;  // acceptor, signals, timer
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer grace_timer;
  std::optional<asio::ssl::context> tls;  // set by Listen when TLS is configured
  uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> pending{0};
  std::mutex mu;  // guards connections
  std::unordered_map<ConnectionBase*, std::weak_ptr<ConnectionBase>> connections;
};

Result<void> Server::Impl::LoadTls() {
  const std::string& cert = options.tls_cert_file;
  const std::string& key = options.tls_key_file;
  if (cert.empty() && key.empty()) return Ok();
  if (cert.empty() || key.empty()) {
    return Error::Invalid("TLS needs both a certificate (--tls-cert) and its key (--tls-key)");
  }
  if (auto r = CheckReadable(cert, "TLS certificate"); !r) return r;
  if (auto r = CheckReadable(key, "TLS private key"); !r) return r;
  tls.emplace(asio::ssl::context::tls_server);
  SSL_CTX* ctx = tls->native_handle();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Error::Internal("cannot configure TLS", OpenSslError());
  }
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1) {
    return Error::Invalid("cannot load TLS certificate '" + cert +
                          "' (expected a PEM certificate chain): " + OpenSslError());
  }
  const std::string mismatch =
      "TLS private key '" + key + "' does not match certificate '" + cert + "'";
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL checks the pair while loading the key.
    if (ERR_GET_REASON(ERR_peek_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return Error::Invalid(mismatch);
    }
    return Error::Invalid("cannot load TLS private key '" + key +
                          "' (expected an unencrypted PEM private key): " + OpenSslError());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return Error::Invalid(mismatch);
  }
  return Ok();
}

Result<void> Server::Impl::Listen() {
  if (auto r = LoadTls(); !r) {
    tls.reset();
    return r;
  }
  error_code ec;
  auto address = asio::ip::make_address(options.listen.host, ec);
  if (ec) return Error::Invalid("invalid listen host '" + options.listen.host + "'");
  tcp::endpoint endpoint(address, options.listen.port);
  auto fail = [&](const char* what) {
    return Error{ErrorCode::kUnavailable,
                 std::string("cannot listen on ") + options.listen.host + ":" +
                     std::to_string(options.listen.port) + ": " + what + ": " + ec.message(),
                 {}};
  };
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) return fail("setsockopt");
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) return fail("listen");
  bound_port = acceptor.local_endpoint(ec).port();
  if (ec) return fail("local address");
  if (options.stop_on_signals) {
    signals.add(SIGTERM, ec);
    if (!ec) signals.add(SIGINT, ec);
    if (ec) return fail("signal handlers");
    signals.async_wait([this](const error_code& e, int signal) {
      if (e) return;
      Log(LogLevel::kInfo, "signal " + std::to_string(signal) + " received: stopping");
      Stop();
    });
  }
  return Ok();
}

void Server::Impl::Run() {
  asio::co_spawn(control, Accept(), [this](const std::exception_ptr& e) {
    if (e) Log(LogLevel::kError, "accept loop failed: " + Describe(e));
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < options.io_threads; ++i) threads.emplace_back([this] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  // Handlers still running (only after a cut-off) finish before we return.
  workers.join();
}

void Server::Impl::Stop() {
  if (stopping.exchange(true)) return;
  asio::post(control, [this] {
    error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    std::lock_guard lock(mu);
    if (connections.empty()) return;
    // In-flight requests get shutdown_grace to finish; then everything stops.
    grace_timer.expires_after(options.shutdown_grace);
    grace_timer.async_wait([this](const error_code& e) {
      if (e) return;
      Log(LogLevel::kWarning, "shutdown grace period over: closing remaining connections");
      // Close the sockets rather than stop the io_context: each connection's
      // coroutine then fails its next read or write and finishes (and
      // unregisters) while the server is still alive, and Run returns when
      // the last one has. Stopping the io_context instead would leave frames
      // to be destroyed with it, after the members they use.
      std::lock_guard lock(mu);
      for (auto& [raw, weak] : connections) {
        auto conn = weak.lock();
        if (!conn) continue;
        asio::post(conn->Tcp().get_executor(), [conn] { conn->Tcp().close(); });
      }
    });
  });
  std::lock_guard lock(mu);
  for (auto& [raw, weak] : connections) {
    auto conn = weak.lock();
    if (!conn) continue;
    asio::post(conn->Tcp().get_executor(), [conn] {
      // Streams end now; idle connections (waiting for a next request) close
      // now; busy ones close after their current response.
      if (conn->stream) {
        conn->stream->Abort();
      } else if (!conn->busy) {
        conn->Tcp().cancel();
      }
    });
  }
}

void Server::Impl::Register(const std::shared_ptr<ConnectionBase>& conn) {
  std::lock_guard lock(mu);
  connections.emplace(conn.get(), conn);
}

void Server::Impl::Unregister(ConnectionBase* conn) {
  std::lock_guard lock(mu);
  connections.erase(conn);
  if (stopping && connections.empty()) {
    asio::post(control, [this] { grace_timer.cancel(); });
  }
}

asio::awaitable<void> Server::Impl::Accept() {
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kNoThrow);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      // E.g. out of file descriptors: back off instead of spinning.
      Log(LogLevel::kWarning, "accept failed: " + ec.message());
      asio::steady_timer pause(control, std::chrono::milliseconds(100));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    if (stopping) break;
    std::string remote = PeerAddress(socket);
    auto on_done = [this](const std::exception_ptr& e) {
      if (e) Log(LogLevel::kError, "connection failed: " + Describe(e));
    };
    if (tls) {
      auto conn =
          std::make_shared<Connection<TlsStream>>(std::move(remote), std::move(socket), *tls);
      Register(conn);
      asio::co_spawn(conn->Tcp().get_executor(), Serve(conn), on_done);
    } else {
      auto conn = std::make_shared<Connection<PlainStream>>(std::move(remote), std::move(socket));
      Register(conn);
      asio::co_spawn(conn->Tcp().get_executor(), Serve(conn), on_done);
    }
  }
}

// Runs the router for `*request` on the worker pool and completes with the
// Response on the caller's executor. `*request` must stay alive until then.
// (Plain async_initiate rather than a lambda coroutine: GCC 12 miscompiles
// init-captures of coroutine lambdas.)
template <typename Token>
auto Server::Impl::Dispatch(const Request* request, Token&& token) {
  return asio::async_initiate<Token, void(Response)>(
      [this, request](auto handler) {
        auto work = asio::make_work_guard(asio::get_associated_executor(handler, ioc));
        asio::post(workers, [this, request, handler = std::move(handler),
                             work = std::move(work)]() mutable {
          Response response;
          try {
            response = router.Handle(*request);
          } catch (const std::exception& e) {
            Log(LogLevel::kError, "request " + request->request_id + " failed: " + e.what());
            response = ErrorResponse(500, "internal server error");
          }
          auto executor = work.get_executor();
          asio::dispatch(executor,
                         [handler = std::move(handler), response = std::move(response)]() mutable {
                           std::move(handler)(std::move(response));
                         });
          work.reset();
        });
      },
      token);
}

void Server::Impl::Record(const ConnectionBase& conn, const Exchange& exchange, bool secure) const {
  auto elapsed = std::chrono::steady_clock::now() - exchange.start;
  if (options.metrics && !exchange.streamed) {
    options.metrics->RecordRequest(exchange.route, exchange.method, exchange.status, elapsed);
  }
  if (options.access_log) {
    AccessRecord record;
    record.request_id = exchange.request_id;
    record.remote_address = conn.remote_address;
    record.method = exchange.method;
    record.route = exchange.route;
    record.status = exchange.status;
    record.duration = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    record.bytes_out = exchange.bytes_out;
    record.secure = secure;
    record.streamed = exchange.streamed;
    options.access_log(record);
  }
}

template <typename Stream>
asio::awaitable<bool> Server::Impl::Write(Connection<Stream>& conn, Response& response,
                                          unsigned version, bool keep_alive, bool head,
                                          Exchange& exchange) {
  AddSecurityHeaders(response);
  response.SetHeader("X-Request-Id", exchange.request_id);
  exchange.status = response.status;
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
  for (auto& [name, value] : response.headers) res.insert(name, value);
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(response.body.size());
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  conn.Tcp().expires_after(options.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(conn.io, res, kNoThrow);
  exchange.bytes_out += n;
  if (ec)
    Log(LogLevel::kDebug, "request " + exchange.request_id + ": write failed: " + ec.message());
  co_return !ec;
}

// Reads (and drops) what the peer sends while a response streams, so that
// its closing the connection (EOF, reset) ends the stream. Not timed: the
// stream's writes are.
template <typename Stream>
void Server::Impl::WatchPeer(std::shared_ptr<Connection<Stream>> conn,
                             std::shared_ptr<StreamState> state) {
  auto* raw = conn.get();
  raw->io.async_read_some(asio::buffer(raw->sink),
                          [this, conn = std::move(conn), state = std::move(state)](
                              const error_code& ec, size_t) mutable {
                            if (ec) {
                              state->Abort();
                              return;
                            }
                            if (state->IsOpen()) WatchPeer(std::move(conn), std::move(state));
                          });
}

template <typename Stream>
asio::awaitable<void> Server::Impl::ServeStream(std::shared_ptr<Connection<Stream>> conn,
                                                Response& response, unsigned version,
                                                Exchange& exchange) {
  AddSecurityHeaders(response);
  response.SetHeader("X-Request-Id", exchange.request_id);
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("X-Accel-Buffering", "no");
  exchange.status = response.status;
  exchange.streamed = true;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(response.status), version};
  for (auto& [name, value] : response.headers) res.insert(name, value);
  res.keep_alive(false);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> serializer{res};
  conn->Tcp().expires_after(options.write_timeout);
  auto [ec, n] = co_await bhttp::async_write_header(conn->io, serializer, kNoThrow);
  exchange.bytes_out += n;
  if (!ec && !response.body.empty()) {
    conn->Tcp().expires_after(options.write_timeout);
    std::tie(ec, n) = co_await asio::async_write(
        conn->io, bhttp::make_chunk(asio::buffer(response.body)), kNoThrow);
    exchange.bytes_out += n;
  }
  // The response has begun: count it now (its latency is that of the start).
  if (options.metrics) {
    options.metrics->RecordRequest(exchange.route, exchange.method, exchange.status,
                                   std::chrono::steady_clock::now() - exchange.start);
  }
  if (ec) co_return;

  auto state =
      std::make_shared<StreamState>(conn->Tcp().get_executor(), options.stream_queue_limit);
  asio::steady_timer wake(conn->Tcp().get_executor());
  state->Attach(&wake, [weak = std::weak_ptr<ConnectionBase>(conn)] {
    if (auto c = weak.lock()) c->Tcp().close();
  });
  conn->stream = state;
  if (stopping) state->Abort();  // Stop() ran before it could see this stream
  // From here a read and a write may be pending together: the stream's own
  // timers are off and each write gets a deadline of its own.
  conn->Tcp().expires_never();
  WatchPeer(conn, state);
  asio::post(workers, [this, state, id = exchange.request_id,
                       produce = std::move(response.stream)]() mutable {
    try {
      produce(state);
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "request " + id + ": stream failed: " + e.what());
      state->Abort();
    } catch (...) {
      Log(LogLevel::kError, "request " + id + ": stream failed");
      state->Abort();
    }
  });

  asio::steady_timer deadline(conn->Tcp().get_executor());
  bool failed = false;
  for (;;) {
    auto [data, open] = state->Take();
    if (data.empty()) {
      if (!open) break;
      wake.expires_after(options.stream_keepalive_interval);
      auto [woken] = co_await wake.async_wait(kNoThrow);
      if (woken || response.stream_keepalive.empty()) continue;  // cancelled: news to take
      data = response.stream_keepalive;
    }
    deadline.expires_after(options.write_timeout);
    deadline.async_wait([conn](const error_code& e) {
      if (!e) conn->Tcp().close();  // the write took too long: give up on this peer
    });
    state->SetWriting(true);
    std::tie(ec, n) =
        co_await asio::async_write(conn->io, bhttp::make_chunk(asio::buffer(data)), kNoThrow);
    state->SetWriting(false);
    deadline.cancel();
    exchange.bytes_out += n;
    if (ec) {
      Log(LogLevel::kDebug,
          "request " + exchange.request_id + ": stream write failed: " + ec.message());
      failed = true;
      break;
    }
  }
  if (state->overflowed()) {
    Log(LogLevel::kWarning,
        "request " + exchange.request_id + ": stream closed: the client reads too slowly");
  }
  const bool aborted = state->aborted();
  state->Finish();
  conn->stream.reset();
  if (!failed) {
    deadline.expires_after(
        aborted ? std::min<std::chrono::milliseconds>(options.write_timeout, kAbortedStreamWait)
                : options.write_timeout);
    deadline.async_wait([conn](const error_code& e) {
      if (!e) conn->Tcp().close();
    });
    std::tie(ec, n) = co_await asio::async_write(conn->io, bhttp::make_chunk_last(), kNoThrow);
    deadline.cancel();
    exchange.bytes_out += n;
  }
}

// Ends a connection: TLS sends close_notify (briefly waiting for the
// peer's); plain TCP half-closes and, after an error answer, lingers reading
// what the client still sends (briefly), so the kernel does not answer it
// with a reset that destroys our response.
template <typename Stream>
asio::awaitable<void> Server::Impl::Close(Connection<Stream>& conn, bool drain) {
  if constexpr (kIsTls<Stream>) {
    conn.Tcp().expires_after(kTlsShutdownWait);
    co_await conn.io.async_shutdown(kNoThrow);
  } else {
    error_code ignored;
    conn.Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (drain) {
      std::array<char, 4096> sink;
      size_t drained = 0;
      conn.Tcp().expires_after(std::chrono::seconds(2));
      while (drained < kMaxDrainBytes) {
        auto [e, k] = co_await conn.io.async_read_some(asio::buffer(sink), kNoThrow);
        if (e) break;
        drained += k;
      }
    }
  }
  conn.Tcp().close();
}

template <typename Stream>
asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection<Stream>> conn) {
  struct Unregisterer {
    Impl* impl;
    ConnectionBase* conn;
    ~Unregisterer() {
      try {
        impl->Unregister(conn);
      } catch (...) {  // a destructor must not throw; the connection is gone anyway
      }
    }
  } unregister{this, conn.get()};

  if constexpr (kIsTls<Stream>) {
    conn->Tcp().expires_after(options.read_timeout);
    auto [ec] = co_await conn->io.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (ec) {
      Log(LogLevel::kDebug,
          "TLS handshake with " + conn->remote_address + " failed: " + ec.message());
      conn->Tcp().close();
      co_return;
    }
  }

  beast::flat_buffer buffer;
  bool first = true;
  bool drain = false;     // closing after an error: unread input may follow
  bool streamed = false;  // the connection ended with a streamed response
  for (;;) {
    conn->busy = false;
    if (stopping) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(options.header_limit));
    // The route decides the body limit once the header has arrived.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    conn->Tcp().expires_after(first ? options.read_timeout : options.idle_timeout);
    first = false;
    auto [ec, n] = co_await bhttp::async_read_header(conn->io, buffer, parser, kNoThrow);
    conn->busy = true;

    Exchange exchange;
    exchange.request_id = UuidV4();
    Response response;
    unsigned version = 11;
    bool head = false;
    bool keep_alive = false;
    if (ec == bhttp::error::header_limit) {
      response = ErrorResponse(431, "request header too large");
    } else if (ec) {
      // Closed, timed out or cancelled by Stop: just close. Malformed: say so.
      if (!IsMalformedRequest(ec)) break;
      response = ErrorResponse(400, "malformed HTTP request");
    } else {
      const auto& header = parser.get();
      head = header.method() == bhttp::verb::head;
      version = header.version();
      exchange.method = std::string(header.method_string());
      RouteInfo route = router.Lookup(exchange.method, std::string_view(header.target()));
      exchange.route = route.path_template;
      if (parser.content_length() && *parser.content_length() > route.max_body) {
        response = ErrorResponse(413, "request body too large");
      } else {
        parser.body_limit(route.max_body);
        conn->Tcp().expires_after(options.read_timeout);
        std::tie(ec, n) = co_await bhttp::async_read(conn->io, buffer, parser, kNoThrow);
        if (ec == bhttp::error::body_limit) {
          response = ErrorResponse(413, "request body too large");
        } else if (ec) {
          if (!IsMalformedRequest(ec)) break;
          response = ErrorResponse(400, "malformed HTTP request");
        } else {
          const bool wants_keep_alive = parser.get().keep_alive();
          Request request = ToRequest(parser.release());
          request.secure = kIsTls<Stream>;
          request.remote_address = conn->remote_address;
          request.request_id = exchange.request_id;
          // A route that can answer without blocking does so here, on the
          // I/O thread, sparing the two thread hand-offs of the worker pool.
          std::optional<Response> quick;
          if (route.quick) quick = router.TryQuick(request);
          if (quick) {
            response = std::move(*quick);
          } else if (pending.fetch_add(1) >= options.max_pending) {
            // Bounded: beyond max_pending requests waiting for workers, shed load.
            pending.fetch_sub(1);
            response = ErrorResponse(503, "server busy; retry later");
            response.SetHeader("Retry-After", "1");
          } else {
            response = co_await Dispatch(&request, asio::use_awaitable);
            pending.fetch_sub(1);
          }
          keep_alive = wants_keep_alive && !stopping;
          if (response.stream && head) {
            response.stream = nullptr;  // HEAD: the header only
          } else if (response.stream && version < 11) {
            response = ErrorResponse(505, "streamed responses need HTTP/1.1");
            keep_alive = false;
          }
        }
      }
    }
    if (response.stream) {
      co_await ServeStream(conn, response, version, exchange);
      Record(*conn, exchange, kIsTls<Stream>);
      streamed = true;
      break;
    }
    bool written = co_await Write(*conn, response, version, keep_alive, head, exchange);
    Record(*conn, exchange, kIsTls<Stream>);
    if (!written) break;
    if (!keep_alive) {
      drain = response.status >= 400;
      break;
    }
  }
  if (streamed) {
    // A read may still be pending (WatchPeer): no TLS shutdown or draining.
    conn->Tcp().close();
  } else {
    co_await Close(*conn, drain);
  }
}

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() = default;

Result<void> Server::Listen() { return impl_->Listen(); }

uint16_t Server::port() const { return impl_->bound_port; }

bool Server::secure() const { return impl_->tls.has_value(); }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace ecrn::http
