// Result<T> and Error: how untrusted input and expected failures are reported
// across module boundaries (no exceptions for those). Values; thread-compatible.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ecrn {

// What kind of failure this is. One table (ErrorHttpStatus) maps codes to HTTP.
enum class ErrorCode {
  kInvalidArgument,   // the caller's input is malformed or breaks a rule
  kNotFound,          // no such thing, or the caller may not know it exists
  kAlreadyExists,     // a unique name or key is taken
  kPermissionDenied,  // authenticated but not allowed
  kUnauthenticated,   // no or bad credentials
  kTooLarge,          // a body, bundle, page or depth limit was exceeded
  kUnsupportedMedia,  // the content type is not one we accept
  kNotAcceptable,     // we cannot produce the media type asked for
  kConflict,          // the request conflicts with the current state
  kTooManyRequests,   // rate limited (failed logins); retry later
  kUnavailable,       // a dependency (database) is down or busy; retry later
  kInternal,          // a bug or an unexpected environment failure
};

// The HTTP status for a code (400, 404, 409, 403, 401, 413, 415, 406, 409, 429, 503, 500).
int ErrorHttpStatus(ErrorCode code);
// A stable lower-case token for a code, e.g. "invalid-argument".
std::string_view ErrorCodeName(ErrorCode code);

// An error: `message` is safe to show a client; `detail` is for the log only.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string detail;
  // A more specific machine-readable token than ErrorCodeName(code) for
  // clients ("totp-required"); "" when the code says it all.
  std::string reason;

  static Error Invalid(std::string message) {
    return {ErrorCode::kInvalidArgument, std::move(message), {}};
  }
  static Error NotFound(std::string message) {
    return {ErrorCode::kNotFound, std::move(message), {}};
  }
  static Error Internal(std::string message, std::string detail = {}) {
    return {ErrorCode::kInternal, std::move(message), std::move(detail)};
  }
  // "message (detail)" for logs and for the CLI, which speaks to the operator.
  std::string ToString() const;
};

// A value of type T, or an Error. Access to the wrong alternative is a
// programmer error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}      // NOLINT implicit
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT implicit

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT implicit

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> Ok() { return {}; }

}  // namespace ecrn

// Propagates an error from an expression returning Result<...>.
#define ECRN_CONCAT_INNER(a, b) a##b
#define ECRN_CONCAT(a, b) ECRN_CONCAT_INNER(a, b)
#define ECRN_TRY(expr)                       \
  do {                                       \
    auto ecrn_try_r_ = (expr);               \
    if (!ecrn_try_r_.ok()) {                 \
      return std::move(ecrn_try_r_).error(); \
    }                                        \
  } while (false)
#define ECRN_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) {                                 \
    return std::move(tmp).error();                 \
  }                                                \
  lhs = std::move(tmp).value()
#define ECRN_ASSIGN_OR_RETURN(lhs, expr) \
  ECRN_ASSIGN_OR_RETURN_IMPL(ECRN_CONCAT(ecrn_aor_, __LINE__), lhs, expr)
