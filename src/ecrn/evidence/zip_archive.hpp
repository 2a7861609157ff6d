// Private to evidence/: zip writing and reading over libzip, and streaming
// SHA-256. ZipWriter and ZipReader are single-threaded objects (one per
// package being built or read); Sha256Stream likewise.
#pragma once

#include <cstdint>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sodium.h>
#include <zip.h>

#include "ecrn/core/result.hpp"

namespace ecrn::evidence {

// SHA-256 fed piece by piece.
class Sha256Stream {
 public:
  Sha256Stream();
  void Update(std::string_view bytes);
  // Lower-case hex; the stream must not be used afterwards.
  std::string FinishHex();

 private:
  crypto_hash_sha256_state state_;
};

// Where a streamed entry's bytes come from: memory or a file.
struct StreamedEntry {
  std::string name;
  std::string_view data;                      // used when path is unset
  std::optional<std::filesystem::path> path;  // streamed from this file
  // Checked when the entry has been read to its end; a mismatch fails the
  // archive's Close with a message naming `label`.
  std::string expected_sha256;
  int64_t expected_size = 0;
  std::string label;  // e.g. "evidence 3 (log.txt)"
};

// Writes a zip to a file (through libzip's temporary file and rename) or to
// memory. Entries are written at Close(), in the order added; streamed
// entries are read (and hashed) then, once.
class ZipWriter {
 public:
  // Starts an archive at `path`, replacing any file there on Close.
  static Result<std::unique_ptr<ZipWriter>> ToFile(const std::filesystem::path& path);
  // Starts an archive in memory (CloseToBytes returns it).
  static Result<std::unique_ptr<ZipWriter>> ToMemory();
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  // Sets the modification time written for every later entry.
  void SetTime(std::time_t mtime) { mtime_ = mtime; }
  // Adds an entry holding `bytes` (kept by the writer), deflated.
  Result<void> AddBytes(std::string_view name, std::string bytes);
  // Adds an entry streamed from `entry` (its data must outlive Close), deflated.
  Result<void> AddStreamed(StreamedEntry entry);
  // Writes the archive (to the file it was opened for).
  Result<void> Close();
  // Writes the archive to memory and returns its bytes.
  Result<std::string> CloseToBytes();

  struct Source;  // a streamed entry's state (private)

 private:
  ZipWriter() = default;
  Result<void> Add(std::string_view name, zip_source_t* source);
  Result<void> CloseArchive();

  zip_t* zip_ = nullptr;
  zip_source_t* memory_ = nullptr;  // the output buffer when writing to memory
  std::time_t mtime_ = 0;
  std::deque<std::string> buffers_;
  std::deque<std::unique_ptr<Source>> sources_;
};

// One entry of an archive being read.
struct ZipEntry {
  uint64_t index = 0;
  std::string name;  // raw bytes as stored
  int64_t size = 0;  // uncompressed, as the archive declares it
  int64_t compressed_size = 0;
};

// Reads a zip from a file or from memory.
class ZipReader {
 public:
  // kNotFound when the file does not exist or cannot be opened; kInvalidArgument
  // (message "not a readable zip archive: ...") when it is not a zip.
  static Result<std::unique_ptr<ZipReader>> OpenFile(const std::filesystem::path& path);
  // `bytes` must outlive the reader. kInvalidArgument when it is not a zip.
  static Result<std::unique_ptr<ZipReader>> OpenBytes(std::string_view bytes);
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  // Every entry in archive order; fails (kTooLarge) when there are more
  // than `max_entries`, kInvalidArgument when the directory cannot be read.
  Result<std::vector<ZipEntry>> Entries(int64_t max_entries);
  // Reads the entry's bytes in chunks, at most `max_bytes` of them (more is
  // kTooLarge); a damaged entry (CRC, inflate) is kInvalidArgument with
  // libzip's reason as the message.
  Result<void> Read(const ZipEntry& entry, int64_t max_bytes,
                    const std::function<void(std::string_view)>& chunk);
  // The whole entry as a string (for small entries), with the same limits.
  Result<std::string> ReadAll(const ZipEntry& entry, int64_t max_bytes);

 private:
  ZipReader() = default;
  zip_t* zip_ = nullptr;
};

}  // namespace ecrn::evidence
