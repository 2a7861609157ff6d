#include "ecrn/scan/sensor_state.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include <boost/json.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "ecrn/core/uuid.hpp"
#include "ecrn/stix/object.hpp"

namespace ecrn::scan {
namespace {

namespace json = boost::json;

constexpr char kStateFile[] = "state.json";
constexpr char kTempFile[] = "state.json.tmp";
constexpr char kLockFile[] = "lock";
constexpr int64_t kFormat = 1;

std::string Errno(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

json::object SeenJson(const SeenByIndicator& seen) {
  json::object o;
  for (const auto& [indicator, s] : seen) {
    o[indicator] = json::object{{"count", s.count}, {"first", s.first}, {"last", s.last}};
  }
  return o;
}

// Reading: every member is checked; a mismatch is a corrupt file.
struct Reader {
  std::string problem;

  const json::value* Member(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr && problem.empty()) problem = "'" + std::string(key) + "' is missing";
    return v;
  }
  int64_t Int(const json::object& o, std::string_view key) {
    const auto* v = Member(o, key);
    if (v == nullptr) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= INT64_MAX) return static_cast<int64_t>(v->as_uint64());
    if (problem.empty()) problem = "'" + std::string(key) + "' is not an integer";
    return 0;
  }
  uint64_t UInt(const json::object& o, std::string_view key) {
    const int64_t v = Int(o, key);
    if (v < 0 && problem.empty()) problem = "'" + std::string(key) + "' is negative";
    return static_cast<uint64_t>(v);
  }
  std::string Str(const json::object& o, std::string_view key) {
    const auto* v = Member(o, key);
    if (v == nullptr) return {};
    if (!v->is_string()) {
      if (problem.empty()) problem = "'" + std::string(key) + "' is not a string";
      return {};
    }
    return std::string(v->as_string());
  }
  const json::object* Obj(const json::object& o, std::string_view key) {
    const auto* v = Member(o, key);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      if (problem.empty()) problem = "'" + std::string(key) + "' is not an object";
      return nullptr;
    }
    return &v->as_object();
  }
  SeenByIndicator Seen(const json::object& o, std::string_view key) {
    SeenByIndicator out;
    const auto* map = Obj(o, key);
    if (map == nullptr) return out;
    for (const auto& [indicator, v] : *map) {
      if (!v.is_object()) {
        if (problem.empty()) problem = "an entry of '" + std::string(key) + "' is not an object";
        return out;
      }
      scan::Seen s;
      s.count = Int(v.as_object(), "count");
      s.first = Int(v.as_object(), "first");
      s.last = Int(v.as_object(), "last");
      out.emplace(std::string(indicator), s);
    }
    return out;
  }
};

Result<SensorState> ParseState(std::string_view text) {
  stix::ParseLimits limits;
  limits.max_depth = 16;
  ECRN_ASSIGN_OR_RETURN(auto value, stix::ParseJson(text, limits));
  if (!value.is_object()) return Error::Invalid("not a JSON object");
  const auto& o = value.as_object();
  Reader r;
  SensorState s;
  if (r.Int(o, "format") != kFormat && r.problem.empty()) {
    r.problem = "unknown format (written by another version of ecrn?)";
  }
  s.sensor_id = r.Str(o, "sensor_id");
  if (r.problem.empty() && !IsUuid(s.sensor_id)) r.problem = "'sensor_id' is not a UUID";
  s.next_batch = r.UInt(o, "next_batch");
  s.open = r.Seen(o, "open");
  if (const auto* sealed = r.Member(o, "sealed"); sealed != nullptr) {
    if (!sealed->is_array()) {
      if (r.problem.empty()) r.problem = "'sealed' is not a list";
    } else {
      for (const auto& b : sealed->as_array()) {
        if (!b.is_object()) {
          if (r.problem.empty()) r.problem = "a sealed batch is not an object";
          break;
        }
        SealedBatch batch;
        batch.number = r.UInt(b.as_object(), "number");
        batch.sealed_at = r.Int(b.as_object(), "sealed_at");
        batch.collection = r.Str(b.as_object(), "collection");
        batch.seen = r.Seen(b.as_object(), "seen");
        s.sealed.push_back(std::move(batch));
      }
    }
  }
  if (const auto* sources = r.Obj(o, "sources"); sources != nullptr) {
    for (const auto& [path, v] : *sources) {
      if (!v.is_object()) {
        if (r.problem.empty()) r.problem = "a source position is not an object";
        break;
      }
      SourcePosition p;
      p.device = r.UInt(v.as_object(), "device");
      p.inode = r.UInt(v.as_object(), "inode");
      p.offset = r.UInt(v.as_object(), "offset");
      p.line_no = r.UInt(v.as_object(), "line");
      s.sources.emplace(std::string(path), p);
    }
  }
  if (!r.problem.empty()) return Error::Invalid(r.problem);
  return s;
}

std::string StateText(const SensorState& s) {
  json::object o;
  o["format"] = kFormat;
  o["sensor_id"] = s.sensor_id;
  o["next_batch"] = s.next_batch;
  o["open"] = SeenJson(s.open);
  json::array sealed;
  for (const auto& b : s.sealed) {
    sealed.push_back(json::object{{"number", b.number},
                                  {"sealed_at", b.sealed_at},
                                  {"collection", b.collection},
                                  {"seen", SeenJson(b.seen)}});
  }
  o["sealed"] = std::move(sealed);
  json::object sources;
  for (const auto& [path, p] : s.sources) {
    sources[path] = json::object{
        {"device", p.device}, {"inode", p.inode}, {"offset", p.offset}, {"line", p.line_no}};
  }
  o["sources"] = std::move(sources);
  return json::serialize(o) + "\n";
}

Result<void> WriteAll(int fd, std::string_view data, const std::filesystem::path& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::Internal(Errno("cannot write", path));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Ok();
}

}  // namespace

StateDir::StateDir(std::filesystem::path dir, int lock_fd)
    : dir_(std::move(dir)), lock_fd_(lock_fd) {}

StateDir::StateDir(StateDir&& other) noexcept
    : dir_(std::move(other.dir_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {}

StateDir& StateDir::operator=(StateDir&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    dir_ = std::move(other.dir_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

StateDir::~StateDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Result<StateDir> StateDir::Open(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Error::Invalid("cannot create the state directory " + dir.string() + ": " +
                          ec.message());
  }
  const auto lock_path = dir / kLockFile;
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Invalid(Errno("cannot open", lock_path));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Error{
          ErrorCode::kConflict, "another sensor is using the state directory " + dir.string(), {}};
    }
    errno = err;
    return Error::Invalid(Errno("cannot lock", lock_path));
  }
  return StateDir(dir, fd);
}

Result<SensorState> StateDir::Load() const {
  const auto path = dir_ / kStateFile;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) return Error::Invalid(Errno("cannot read", path));
    SensorState fresh;
    fresh.sensor_id = UuidV4();
    return fresh;
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      errno = err;
      return Error::Invalid(Errno("cannot read", path));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  auto state = ParseState(text);
  if (!state) {
    return Error::Invalid("the sensor state " + path.string() + " is damaged (" +
                          state.error().message +
                          "); move it away to start afresh, which forgets unsent sightings");
  }
  return state;
}

Result<void> StateDir::Save(const SensorState& state) const {
  const auto temp = dir_ / kTempFile;
  const auto final_path = dir_ / kStateFile;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Error::Internal(Errno("cannot create", temp));
  auto written = WriteAll(fd, StateText(state), temp);
  if (written.ok() && ::fsync(fd) != 0) written = Error::Internal(Errno("cannot fsync", temp));
  ::close(fd);
  if (!written.ok()) return written;
  if (::rename(temp.c_str(), final_path.c_str()) != 0) {
    return Error::Internal(Errno("cannot replace", final_path));
  }
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Error::Internal(Errno("cannot open", dir_));
  const int synced = ::fsync(dir_fd);
  ::close(dir_fd);
  if (synced != 0) return Error::Internal(Errno("cannot fsync", dir_));
  return Ok();
}

}  // namespace ecrn::scan
