// The only translation unit that includes Boost.Beast and Boost.Asio: keeps
// their compile cost and their types out of the rest of the build.
#include "ecrn/http/server.hpp"

#include <array>
#include <atomic>
#include <csignal>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

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

// One client connection. `stream` and `busy` are touched only on the
// connection's strand (the stream's executor).
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  // a request is being read, handled or answered
};

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

  Result<void> Listen();
  void Run();
  void Stop();

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  template <typename Token>
  auto Dispatch(const Request* request, Token&& token);
  asio::awaitable<bool> Write(Connection& conn, Response& response, unsigned version,
                              bool keep_alive, bool head);
  void Register(const std::shared_ptr<Connection>& conn);
  void Unregister(Connection* conn);

  const Router& router;
  const ServerOptions options;
  // Declared before `workers`, so workers are joined before it is destroyed.
  asio::io_context ioc;
  asio::thread_pool workers;
  asio::strand<asio::io_context::executor_type> control;  // acceptor, signals, timer
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer grace_timer;
  uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> pending{0};
  std::mutex mu;  // guards connections
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
};

Result<void> Server::Impl::Listen() {
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
        asio::post(conn->stream.get_executor(), [conn] { conn->stream.close(); });
      }
    });
  });
  std::lock_guard lock(mu);
  for (auto& [raw, weak] : connections) {
    auto conn = weak.lock();
    if (!conn) continue;
    asio::post(conn->stream.get_executor(), [conn] {
      // Idle connections (waiting for a next request) close now; busy ones
      // close after their current response.
      if (!conn->busy) conn->stream.cancel();
    });
  }
}

void Server::Impl::Register(const std::shared_ptr<Connection>& conn) {
  std::lock_guard lock(mu);
  connections.emplace(conn.get(), conn);
}

void Server::Impl::Unregister(Connection* conn) {
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
    auto conn = std::make_shared<Connection>(std::move(socket));
    Register(conn);
    asio::co_spawn(conn->stream.get_executor(), Serve(conn), [this](const std::exception_ptr& e) {
      if (e) Log(LogLevel::kError, "connection failed: " + Describe(e));
    });
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
        asio::post(workers,
                   [this, request, handler = std::move(handler), work = std::move(work)]() mutable {
                     Response response;
                     try {
                       response = router.Handle(*request);
                     } catch (const std::exception& e) {
                       Log(LogLevel::kError, std::string("request failed: ") + e.what());
                       response = ErrorResponse(500, "internal server error");
                     }
                     auto executor = work.get_executor();
                     asio::dispatch(executor, [handler = std::move(handler),
                                               response = std::move(response)]() mutable {
                       std::move(handler)(std::move(response));
                     });
                     work.reset();
                   });
      },
      token);
}

asio::awaitable<bool> Server::Impl::Write(Connection& conn, Response& response, unsigned version,
                                          bool keep_alive, bool head) {
  AddSecurityHeaders(response);
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
  for (auto& [name, value] : response.headers) res.insert(name, value);
  res.keep_alive(keep_alive);
  if (head) {
    res.content_length(response.body.size());
  } else {
    res.body() = std::move(response.body);
    res.prepare_payload();
  }
  conn.stream.expires_after(options.write_timeout);
  auto [ec, n] = co_await bhttp::async_write(conn.stream, res, kNoThrow);
  if (ec) Log(LogLevel::kDebug, "write failed: " + ec.message());
  co_return !ec;
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> conn) {
  struct Unregisterer {
    Impl* impl;
    Connection* conn;
    ~Unregisterer() {
      try {
        impl->Unregister(conn);
      } catch (...) {  // a destructor must not throw; the connection is gone anyway
      }
    }
  } unregister{this, conn.get()};

  beast::flat_buffer buffer;
  bool first = true;
  bool drain = false;  // closing after an error: unread input may follow
  for (;;) {
    conn->busy = false;
    if (stopping) break;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(options.header_limit));
    // The route decides the body limit once the header has arrived.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    conn->stream.expires_after(first ? options.read_timeout : options.idle_timeout);
    first = false;
    auto [ec, n] = co_await bhttp::async_read_header(conn->stream, buffer, parser, kNoThrow);
    conn->busy = true;

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
      size_t limit = router.BodyLimit(std::string_view(header.method_string()),
                                      std::string_view(header.target()));
      if (parser.content_length() && *parser.content_length() > limit) {
        response = ErrorResponse(413, "request body too large");
      } else {
        parser.body_limit(limit);
        conn->stream.expires_after(options.read_timeout);
        std::tie(ec, n) = co_await bhttp::async_read(conn->stream, buffer, parser, kNoThrow);
        if (ec == bhttp::error::body_limit) {
          response = ErrorResponse(413, "request body too large");
        } else if (ec) {
          if (!IsMalformedRequest(ec)) break;
          response = ErrorResponse(400, "malformed HTTP request");
        } else {
          const bool wants_keep_alive = parser.get().keep_alive();
          Request request = ToRequest(parser.release());
          Log(LogLevel::kDebug, request.method + " " + request.target.substr(0, 200));
          // Bounded: beyond max_pending requests waiting for workers, shed load.
          if (pending.fetch_add(1) >= options.max_pending) {
            response = ErrorResponse(503, "server busy; retry later");
            response.SetHeader("Retry-After", "1");
          } else {
            response = co_await Dispatch(&request, asio::use_awaitable);
          }
          pending.fetch_sub(1);
          keep_alive = wants_keep_alive && !stopping;
        }
      }
    }
    if (!co_await Write(*conn, response, version, keep_alive, head)) break;
    if (!keep_alive) {
      drain = response.status >= 400;
      break;
    }
  }
  error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (drain) {
    // Lingering close: read what the client is still sending (briefly), so
    // the kernel does not answer it with a reset that destroys our response.
    std::array<char, 4096> sink;
    size_t drained = 0;
    conn->stream.expires_after(std::chrono::seconds(2));
    while (drained < kMaxDrainBytes) {
      auto [e, k] = co_await conn->stream.async_read_some(asio::buffer(sink), kNoThrow);
      if (e) break;
      drained += k;
    }
  }
  conn->stream.close();
}

Server::Server(const Router& router, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

Server::~Server() = default;

Result<void> Server::Listen() { return impl_->Listen(); }

uint16_t Server::port() const { return impl_->bound_port; }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace ecrn::http
