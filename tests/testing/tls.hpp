// TLS helpers for tests: a throwaway self-signed certificate, and a blocking
// TLS client over a loopback TCP connection (OpenSSL). Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace ecrn::testing {

// Writes a fresh self-signed certificate for 127.0.0.1 and localhost (EC
// P-256 key, valid for a day) to `cert_path` and its unencrypted private key
// to `key_path`, both PEM. Throws std::runtime_error when OpenSSL fails.
void WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path);

// Options of a TlsClient handshake.
struct TlsClientOptions {
  std::string trusted_cert;  // the only certificate trusted (PEM file)
  int max_version = 0;       // e.g. TLS1_1_VERSION to try an old protocol; 0: any
};

// A TLS connection to 127.0.0.1:port that verifies the server's certificate
// against `trusted_cert` and its name against 127.0.0.1. Reads time out
// after 10 s.
class TlsClient {
 public:
  TlsClient(uint16_t port, const TlsClientOptions& options);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // True when the handshake succeeded; otherwise error() says why.
  bool connected() const { return ssl_ != nullptr; }
  const std::string& error() const { return error_; }
  // The negotiated protocol ("TLSv1.3"), or "".
  std::string protocol() const;

  bool Send(const std::string& data);
  // Everything until the server closes the connection (or a read fails).
  std::string ReadAll();

 private:
  int fd_ = -1;
  void* ctx_ = nullptr;  // SSL_CTX*
  void* ssl_ = nullptr;  // SSL*
  std::string error_;
};

}  // namespace ecrn::testing
