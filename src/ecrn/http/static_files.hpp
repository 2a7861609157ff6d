// Serves the built web front end (web/dist) from a directory: maps decoded
// request path segments to a file found under the root and never outside it
// (no "..", no dot files, symlinks resolved and checked to stay inside), with
// the Content-Type of its extension and cache headers fit for Vite's hashed
// assets, and falls back to index.html for client-side routes. No directory
// listings. Pure over the file system (no sockets); const methods are
// thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/http/message.hpp"
#include "ecrn/http/router.hpp"

namespace ecrn::http {

// Largest file served; bigger ones answer 500 (a build output never is).
inline constexpr uintmax_t kMaxStaticFileBytes = 32 * 1024 * 1024;

// Cache-Control of files under /assets/ (Vite names them by content hash).
inline constexpr std::string_view kImmutableCache = "public, max-age=31536000, immutable";

// The Content-Type for a file name, by its extension (case-insensitive);
// "application/octet-stream" when unknown.
std::string_view ContentTypeFor(std::string_view file_name);

class StaticFiles {
 public:
  // Opens `root`, which must be a directory holding index.html; its real
  // path (symlinks resolved) becomes the root. Read failures while serving
  // go to `log`. kNotFound when it is missing or has no index.html, with the
  // path in the message.
  static Result<StaticFiles> Open(const std::filesystem::path& root, LogSink log = {});

  // The response to GET/HEAD of the decoded path `segments` ("/" is none):
  //  * a regular file under the root: 200 with its bytes and Content-Type;
  //    Cache-Control kImmutableCache under assets/, "no-cache" elsewhere;
  //  * paths under the server's own prefixes (api, taxii2, healthz,
  //    metrics), dot segments, dot files, NUL or '/' inside a segment, files
  //    resolving outside the root, directories, and missing files under
  //    assets/ or with an extension in their last segment: 404 (JSON body);
  //  * any other path (a client-side route such as /objects/x): index.html
  //    with "no-cache".
  // Never throws for any input; read failures answer 500 and go to `log`.
  Response Serve(const std::vector<std::string>& segments) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  StaticFiles(std::filesystem::path root, LogSink log)
      : root_(std::move(root)), log_(std::move(log)) {}

  Response File(const std::filesystem::path& path, std::string_view cache_control) const;

  std::filesystem::path root_;
  LogSink log_;
};

// Serves `files` for every GET/HEAD path no other route of `router` has (its
// fallback), including "/". `files` is copied into the router.
void AddStaticFileRoutes(Router& router, StaticFiles files);

}  // namespace ecrn::http
