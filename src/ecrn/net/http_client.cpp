#include "ecrn/net/http_client.hpp"

#include <algorithm>
#include <cctype>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <openssl/ssl.h>

#include "ecrn/core/version.hpp"

namespace ecrn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::optional<std::string_view> HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

struct HttpClient::Impl {
  ClientOptions options;
  bool use_tls = false;
  std::string host;
  std::string port;
  std::string base_path;
  std::string origin;
  std::string user_agent = std::string("ecrn/") + kVersion;

  asio::io_context ioc;
  asio::ssl::context tls_context{asio::ssl::context::tls_client};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool used = false;  // a request has completed on the current connection

  beast::tcp_stream& Lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Starts one asynchronous operation with a handler that records its error
  // code and runs the context until it completes (the tcp_stream's expiry
  // cancels it on time-out).
  template <typename Start>
  beast::error_code Run(Start&& start) {
    beast::error_code result = asio::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  void Close() {
    if (plain || tls) {
      beast::error_code ignored;
      Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      Lowest().socket().close(ignored);
    }
    plain.reset();
    tls.reset();
    buffer.clear();
    used = false;
  }

  Error Failure(ErrorCode code, std::string_view step, const beast::error_code& ec) {
    Close();
    std::string why = ec == beast::error::timeout ? std::string("timed out") : ec.message();
    return Error{code, origin + ": " + std::string(step) + " failed: " + why, {}};
  }

  Result<bool> Connect() {
    Close();
    tcp::resolver resolver(ioc);
    tcp::resolver::results_type endpoints;
    auto ec = Run([&](auto handler) {
      resolver.async_resolve(host, port, [&endpoints, handler](beast::error_code e, auto found) {
        endpoints = found;
        handler(e);
      });
    });
    if (ec) return Failure(ErrorCode::kUnavailable, "resolving the host", ec);
    if (use_tls) {
      tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, tls_context);
      if (!SSL_set_tlsext_host_name(tls->native_handle(), host.c_str())) {
        return Error::Internal(origin + ": cannot set the TLS server name");
      }
      tls->set_verify_mode(asio::ssl::verify_peer);
      tls->set_verify_callback(asio::ssl::host_name_verification(host));
    } else {
      plain = std::make_unique<beast::tcp_stream>(ioc);
    }
    Lowest().expires_after(options.timeout);
    ec = Run([&](auto handler) { Lowest().async_connect(endpoints, handler); });
    if (ec) return Failure(ErrorCode::kUnavailable, "connecting", ec);
    if (use_tls) {
      Lowest().expires_after(options.timeout);
      ec =
          Run([&](auto handler) { tls->async_handshake(asio::ssl::stream_base::client, handler); });
      if (ec) {
        const bool verify = ec.category() == asio::error::get_ssl_category() &&
                            ERR_GET_REASON(ec.value()) == SSL_R_CERTIFICATE_VERIFY_FAILED;
        return Failure(verify ? ErrorCode::kUnauthenticated : ErrorCode::kUnavailable,
                       verify ? "verifying the server's certificate" : "the TLS handshake", ec);
      }
    }
    return true;
  }

  // One exchange on the current connection. `stale` is set when the failure
  // looks like a keep-alive connection the server had already closed.
  Result<HttpResponse> Exchange(const http::request<http::string_body>& request, bool& stale) {
    stale = false;
    Lowest().expires_after(options.timeout);
    auto ec = Run([&](auto handler) {
      if (tls) {
        http::async_write(*tls, request, handler);
      } else {
        http::async_write(*plain, request, handler);
      }
    });
    if (ec) {
      stale = used;
      return Failure(ErrorCode::kUnavailable, "sending the request", ec);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_body);
    Lowest().expires_after(options.timeout);
    ec = Run([&](auto handler) {
      if (tls) {
        http::async_read(*tls, buffer, parser, handler);
      } else {
        http::async_read(*plain, buffer, parser, handler);
      }
    });
    if (ec) {
      if (ec == http::error::body_limit) {
        Close();
        return Error{
            ErrorCode::kTooLarge,
            origin + ": the response is larger than " + std::to_string(options.max_body) + " bytes",
            {}};
      }
      stale = used && !parser.got_some() &&
              (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
               ec == asio::error::eof);
      return Failure(ErrorCode::kUnavailable, "reading the response", ec);
    }
    auto message = parser.release();
    HttpResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      response.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    response.body = std::move(message.body());
    if (message.keep_alive()) {
      used = true;
    } else {
      Close();
    }
    return response;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() {
  if (impl_) impl_->Close();
}

const std::string& HttpClient::base_path() const { return impl_->base_path; }
const std::string& HttpClient::origin() const { return impl_->origin; }

std::string PercentEncode(std::string_view text) {
  return boost::urls::encode(text, boost::urls::unreserved_chars);
}

Result<HttpClient> HttpClient::Create(std::string_view origin_url, ClientOptions options) {
  auto parsed = boost::urls::parse_absolute_uri(origin_url);
  if (!parsed) {
    return Error::Invalid("'" + std::string(origin_url) + "' is not an absolute URL");
  }
  const auto& url = *parsed;
  auto impl = std::make_unique<Impl>();
  const std::string scheme(url.scheme());
  if (scheme == "https") {
    impl->use_tls = true;
  } else if (scheme != "http") {
    return Error::Invalid("'" + std::string(origin_url) +
                          "': only http:// and https:// are supported");
  }
  if (url.has_userinfo()) {
    return Error::Invalid("'" + std::string(origin_url) +
                          "': put credentials in options, not in the URL");
  }
  if (url.host().empty()) return Error::Invalid("'" + std::string(origin_url) + "' has no host");
  if (url.has_query() || url.has_fragment()) {
    return Error::Invalid("'" + std::string(origin_url) + "' must not have a query or fragment");
  }
  impl->host = std::string(url.encoded_host_address());
  // An IPv6 literal is written in brackets in URLs but not given to the resolver.
  if (url.host_type() == boost::urls::host_type::ipv6)
    impl->host = url.host_ipv6_address().to_string();
  impl->port = url.has_port() ? std::string(url.port()) : (impl->use_tls ? "443" : "80");
  impl->base_path = std::string(url.encoded_path());
  if (impl->base_path.empty() || impl->base_path.front() != '/') impl->base_path.insert(0, "/");
  if (impl->base_path.back() != '/') impl->base_path += '/';
  impl->origin = scheme + "://" + std::string(url.encoded_host_and_port());
  impl->options = std::move(options);
  if (impl->use_tls) {
    beast::error_code ec;
    if (impl->options.ca_file.empty()) {
      impl->tls_context.set_default_verify_paths(ec);
    } else {
      impl->tls_context.load_verify_file(impl->options.ca_file, ec);
    }
    if (ec) {
      return Error::Invalid(
          "cannot load the trusted certificates" +
          (impl->options.ca_file.empty() ? std::string() : " from " + impl->options.ca_file) +
          ": " + ec.message());
    }
    SSL_CTX_set_min_proto_version(impl->tls_context.native_handle(), TLS1_2_VERSION);
  }
  return HttpClient(std::move(impl));
}

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view target,
                                      const Headers& headers, std::string_view body) {
  Impl& c = *impl_;
  http::request<http::string_body> request;
  const auto verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return Error::Invalid("unknown HTTP method '" + std::string(method) + "'");
  }
  if (target.empty() || target.front() != '/') {
    return Error::Invalid("the request target must be an absolute path");
  }
  request.method(verb);
  request.target(target);
  request.version(11);
  request.set(http::field::host, c.origin.substr(c.origin.find("://") + 3));
  request.set(http::field::user_agent, c.user_agent);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::string(body);
  request.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!c.plain && !c.tls) {
      auto connected = c.Connect();
      if (!connected) return connected.error();
    }
    bool stale = false;
    auto response = c.Exchange(request, stale);
    if (response || !stale) return response;
  }
  return Error{ErrorCode::kUnavailable, c.origin + ": the server keeps closing the connection", {}};
}

}  // namespace ecrn::net
