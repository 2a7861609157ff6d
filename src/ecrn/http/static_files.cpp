#include "ecrn/http/static_files.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <system_error>

namespace ecrn::http {
namespace {

namespace fs = std::filesystem;

// First path segments that belong to the server itself: never a file, never
// the client-side fallback (a mistyped API URL must get a JSON 404).
constexpr std::array<std::string_view, 4> kServerPrefixes = {"api", "taxii2", "healthz", "metrics"};

struct MediaType {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<MediaType, 20> kMediaTypes = {{
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"webmanifest", "application/manifest+json"},
    {"txt", "text/plain; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"wasm", "application/wasm"},
    {"xml", "application/xml"},
}};

Response NotFound() { return ErrorResponse(404, "no such resource"); }

// A segment that may name a file or directory under the root: not empty, not
// a dot file (which includes "." and ".."), no separator or NUL (decoded from
// %2F / %00).
bool SafeSegment(std::string_view segment) {
  return !segment.empty() && segment.front() != '.' &&
         segment.find_first_of(std::string_view("/\\\0", 3)) == std::string_view::npos;
}

// True when `path` is `root` or below it (both absolute and normalised).
bool Inside(const fs::path& path, const fs::path& root) {
  auto [root_end, path_end] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

}  // namespace

std::string_view ContentTypeFor(std::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot != std::string_view::npos) {
    std::string_view extension = file_name.substr(dot + 1);
    for (const auto& media : kMediaTypes) {
      if (EqualsIgnoreCase(media.extension, extension)) return media.type;
    }
  }
  return "application/octet-stream";
}

Result<StaticFiles> StaticFiles::Open(const fs::path& root, LogSink log) {
  std::error_code ec;
  fs::path real = fs::canonical(root, ec);
  if (ec || !fs::is_directory(real, ec)) {
    return Error::NotFound("web root " + root.string() + " is not a directory");
  }
  if (!fs::is_regular_file(real / "index.html", ec)) {
    return Error::NotFound("web root " + root.string() + " has no index.html");
  }
  return StaticFiles(std::move(real), std::move(log));
}

Response StaticFiles::Serve(const std::vector<std::string>& segments) const {
  if (!segments.empty() && std::find(kServerPrefixes.begin(), kServerPrefixes.end(),
                                     segments.front()) != kServerPrefixes.end()) {
    return NotFound();
  }
  if (!std::all_of(segments.begin(), segments.end(), SafeSegment)) return NotFound();
  if (segments.empty()) return File(root_ / "index.html", "no-cache");

  fs::path candidate = root_;
  for (const auto& segment : segments) candidate /= segment;
  std::error_code ec;
  fs::path real = fs::weakly_canonical(candidate, ec);
  if (ec || !Inside(real, root_)) return NotFound();
  fs::file_status status = fs::status(real, ec);
  if (fs::is_regular_file(status)) {
    return File(real, segments.front() == "assets" ? kImmutableCache : "no-cache");
  }
  // A directory is never listed, a missing asset is not a page.
  if (fs::exists(status) || segments.front() == "assets" ||
      segments.back().find('.') != std::string::npos) {
    return NotFound();
  }
  return File(root_ / "index.html", "no-cache");
}

Response StaticFiles::File(const fs::path& path, std::string_view cache_control) const {
  auto fail = [&](const std::string& why) {
    if (log_) log_(LogLevel::kError, "web root: " + path.string() + ": " + why);
    return ErrorResponse(500, "internal server error");
  };
  std::error_code ec;
  uintmax_t size = fs::file_size(path, ec);
  if (ec) return fail(ec.message());
  if (size > kMaxStaticFileBytes) return fail("file too large to serve");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open");
  std::string body(static_cast<size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return fail("short read");
  Response r = MakeResponse(200, ContentTypeFor(path.filename().string()), std::move(body));
  r.SetHeader("Cache-Control", std::string(cache_control));
  return r;
}

void AddStaticFileRoutes(Router& router, StaticFiles files) {
  router.SetFallback(
      [files = std::move(files)](const RouteContext& ctx) { return files.Serve(ctx.segments); });
}

}  // namespace ecrn::http
