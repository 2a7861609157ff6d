#include "ecrn/scan/reader.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ecrn::scan {
namespace {

constexpr size_t kMinRead = size_t{64} << 10;

Error SystemError(const std::string& what, const std::string& path, int err) {
  Error e = Error::Invalid(what + " " + path + ": " + std::strerror(err));
  if (err == ENOENT) e.code = ErrorCode::kNotFound;
  return e;
}

uint64_t CountLines(const char* p, const char* end) {
  uint64_t n = 0;
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
    if (nl == nullptr) break;
    ++n;
    p = static_cast<const char*>(nl) + 1;
  }
  return n;
}

// Turns the bytes of one file into chunks of whole lines: holds a partial
// last line back, drops lines longer than the limit, numbers lines.
class LineAssembler {
 public:
  explicit LineAssembler(ReaderOptions options) : options_(options) {
    if (options_.chunk_bytes == 0) options_.chunk_bytes = 1;
    if (options_.max_line_bytes == 0) options_.max_line_bytes = 1;
  }

  void Begin(Chunk& chunk) const {
    chunk.data.clear();
    chunk.overlong.clear();
    chunk.restarted = false;
    chunk.first_line = next_line_;
  }

  struct Filled {
    size_t bytes_read = 0;
    bool at_end = false;  // read() returned 0 (end of file, or nothing more for now)
  };

  // Begins `chunk` and reads into it from `fd` until it holds chunk_bytes or
  // the input has nothing more now.
  Result<Filled> Fill(int fd, Chunk& chunk, const std::string& path) {
    Filled filled;
    std::string& data = chunk.data;
    Begin(chunk);
    data.append(carry_);
    carry_.clear();
    // At least one read per call, even when the held line is already as
    // long as a chunk.
    for (bool first = true; first || data.size() < options_.chunk_bytes; first = false) {
      const size_t old = data.size();
      const size_t want = std::max(options_.chunk_bytes - std::min(old, options_.chunk_bytes),
                                   std::min(options_.chunk_bytes, kMinRead));
      data.resize(old + want);
      ssize_t n;
      do {
        n = ::read(fd, data.data() + old, want);
      } while (n < 0 && errno == EINTR);
      if (n < 0) {
        const int err = errno;
        data.resize(old);
        return SystemError("cannot read", path, err);
      }
      data.resize(old + static_cast<size_t>(n));
      filled.bytes_read += static_cast<size_t>(n);
      if (n == 0) {
        filled.at_end = true;
        break;
      }
      if (discarding_) {
        // The rest of a dropped overlong line.
        const void* nl = std::memchr(data.data() + old, '\n', static_cast<size_t>(n));
        if (nl == nullptr) {
          data.resize(old);
          continue;
        }
        data.erase(old,
                   static_cast<size_t>(static_cast<const char*>(nl) - (data.data() + old)) + 1);
        discarding_ = false;
      }
      // A slow source (pipe, terminal): hand out the lines there are.
      if (static_cast<size_t>(n) < want && data.find('\n', old) != std::string::npos) break;
    }
    const size_t last_nl = data.rfind('\n');
    const size_t whole = last_nl == std::string::npos ? 0 : last_nl + 1;
    next_line_ += CountLines(data.data(), data.data() + whole);
    const size_t tail = data.size() - whole;
    if (tail > options_.max_line_bytes) {
      chunk.overlong.push_back(next_line_++);
      discarding_ = true;
    } else {
      carry_.assign(data, whole, tail);
    }
    data.resize(whole);
    return filled;
  }

  // Appends the held partial line (if any) to `chunk` as a whole line.
  void FlushPartial(Chunk& chunk) {
    if (!carry_.empty()) {
      chunk.data.append(carry_);
      chunk.data += '\n';
      carry_.clear();
      ++next_line_;
    }
    discarding_ = false;
  }

  // The next line is line 1 of a new file.
  void Restart() {
    carry_.clear();
    discarding_ = false;
    next_line_ = 1;
  }

 private:
  ReaderOptions options_;
  std::string carry_;
  bool discarding_ = false;
  uint64_t next_line_ = 1;
};

}  // namespace

struct ChunkReader::State {
  explicit State(ReaderOptions options) : lines(options) {}
  std::string path;
  int fd = -1;
  bool owns_fd = false;
  bool done = false;
  LineAssembler lines;
};

Result<std::unique_ptr<ChunkReader>> ChunkReader::Open(const std::string& path,
                                                       ReaderOptions options) {
  auto state = std::make_unique<State>(options);
  state->path = path;
  if (path == "-") {
    state->fd = STDIN_FILENO;
  } else {
    state->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (state->fd < 0) return SystemError("cannot open", path, errno);
    state->owns_fd = true;
    struct stat st {};
    if (::fstat(state->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(state->fd);
      return Error::Invalid("cannot read " + path + ": it is a directory");
    }
    (void)::posix_fadvise(state->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  return std::unique_ptr<ChunkReader>(new ChunkReader(std::move(state)));
}

ChunkReader::ChunkReader(std::unique_ptr<State> state) : state_(std::move(state)) {}

ChunkReader::~ChunkReader() {
  if (state_ && state_->owns_fd) ::close(state_->fd);
}

Result<bool> ChunkReader::Next(Chunk& chunk) {
  State& s = *state_;
  if (s.done) {
    s.lines.Begin(chunk);
    return false;
  }
  while (true) {
    auto filled = s.lines.Fill(s.fd, chunk, s.path);
    if (!filled) return std::move(filled).error();
    if (filled->at_end) {
      s.lines.FlushPartial(chunk);
      s.done = true;
    }
    if (!chunk.data.empty() || !chunk.overlong.empty()) return true;
    if (s.done) return false;
  }
}

struct FileFollower::State {
  State(ReaderOptions options, bool at_end) : lines(options), start_at_end(at_end) {}
  LineAssembler lines;
  bool start_at_end;
  int fd = -1;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t offset = 0;
};

FileFollower::FileFollower(std::string path, ReaderOptions options, bool start_at_end)
    : path_(std::move(path)), state_(std::make_unique<State>(options, start_at_end)) {}

FileFollower::~FileFollower() {
  if (state_->fd >= 0) ::close(state_->fd);
}

Result<bool> FileFollower::Poll(Chunk& chunk) {
  State& s = *state_;
  if (s.fd < 0) {
    s.lines.Begin(chunk);
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno == ENOENT) return false;  // not there (yet): wait for it
      return SystemError("cannot open", path_, errno);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return SystemError("cannot stat", path_, err);
    }
    s.fd = fd;
    s.dev = st.st_dev;
    s.ino = st.st_ino;
    s.offset = 0;
    s.lines.Restart();
    if (s.start_at_end) {
      // Only the first file: a file that replaces it is read from its start.
      s.offset = ::lseek(fd, 0, SEEK_END);
      if (s.offset < 0) s.offset = 0;
      s.start_at_end = false;
    }
  }
  struct stat st {};
  if (::fstat(s.fd, &st) == 0 && st.st_size < s.offset) {
    // Truncated: what was held is a line; continue from the new start.
    s.lines.Begin(chunk);
    s.lines.FlushPartial(chunk);
    chunk.restarted = true;
    ::lseek(s.fd, 0, SEEK_SET);
    s.offset = 0;
    s.lines.Restart();
    return true;
  }
  auto filled = s.lines.Fill(s.fd, chunk, path_);
  if (!filled) return std::move(filled).error();
  s.offset += static_cast<off_t>(filled->bytes_read);
  if (!chunk.data.empty() || !chunk.overlong.empty()) return true;
  // Nothing new in the open file: has another file taken its name?
  struct stat named {};
  if (::stat(path_.c_str(), &named) != 0) return false;  // renamed away; new one not there yet
  if (named.st_dev == s.dev && named.st_ino == s.ino) return false;
  // Rotated: the old file is read to its end; its held line is a line.
  s.lines.FlushPartial(chunk);
  chunk.restarted = true;
  ::close(s.fd);
  s.fd = -1;
  return true;
}

}  // namespace ecrn::scan
