#include "testing/tls.hpp"

#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include "testing/testing.hpp"

namespace ecrn::testing {
namespace {

std::string LastError() {
  unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  ERR_clear_error();
  char buf[256] = {};
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string(what) + ": " + LastError());
}

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

void WritePem(const std::string& path, const std::function<int(FILE*)>& write) {
  std::unique_ptr<FILE, FileCloser> f(fopen(path.c_str(), "wb"));
  if (!f) throw std::runtime_error("cannot write " + path);
  Check(write(f.get()) == 1, "PEM write");
}

}  // namespace

void WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  Check(key != nullptr, "EC key");
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  Check(cert != nullptr, "X509_new");
  Check(X509_set_version(cert.get(), 2) == 1, "version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial");
  Check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) != nullptr, "notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr, "notAfter");
  Check(X509_set_pubkey(cert.get(), key.get()) == 1, "pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                                   0) == 1,
        "CN");
  Check(X509_set_issuer_name(cert.get(), name) == 1, "issuer");
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  Check(san != nullptr, "subjectAltName");
  Check(X509_add_ext(cert.get(), san, -1) == 1, "add subjectAltName");
  X509_EXTENSION_free(san);
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");
  WritePem(cert_path, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  WritePem(key_path, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
}

TlsClient::TlsClient(uint16_t port, const TlsClientOptions& options) {
  fd_ = ConnectLoopback(port, 10);
  if (fd_ < 0) {
    error_ = "cannot connect";
    return;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ctx_ = ctx;
  if (!ctx || SSL_CTX_load_verify_locations(ctx, options.trusted_cert.c_str(), nullptr) != 1) {
    error_ = "client set-up: " + LastError();
    return;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (options.max_version) {
    // Let the client offer old protocols, so a refusal is the server's.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, 0);
    SSL_CTX_set_max_proto_version(ctx, options.max_version);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd_);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  if (SSL_connect(ssl) != 1) {
    error_ = "handshake: " + LastError();
    SSL_free(ssl);
    return;
  }
  ssl_ = ssl;
}

TlsClient::~TlsClient() {
  if (ssl_) {
    SSL_shutdown(static_cast<SSL*>(ssl_));
    SSL_free(static_cast<SSL*>(ssl_));
  }
  if (ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
  if (fd_ >= 0) close(fd_);
}

std::string TlsClient::protocol() const {
  return ssl_ ? SSL_get_version(static_cast<const SSL*>(ssl_)) : "";
}

bool TlsClient::Send(const std::string& data) {
  if (!ssl_) return false;
  size_t written = 0;
  return SSL_write_ex(static_cast<SSL*>(ssl_), data.data(), data.size(), &written) == 1 &&
         written == data.size();
}

std::string TlsClient::ReadAll() {
  std::string out;
  if (!ssl_) return out;
  char buf[4096];
  size_t n = 0;
  while (SSL_read_ex(static_cast<SSL*>(ssl_), buf, sizeof buf, &n) == 1) out.append(buf, n);
  return out;
}

}  // namespace ecrn::testing
