// Reading log sources (the sensor's file I/O): whole files and stdin in large
// chunks of whole lines, and files followed like `tail -F` (growth, rotation by
// rename + new file, truncation). Each reader is used by one thread at a time
// (not thread-safe); Chunks are plain values that may move between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ecrn/core/result.hpp"

namespace ecrn::scan {

struct ReaderOptions {
  // How much a chunk holds (at least; a chunk ends at a line boundary).
  size_t chunk_bytes = size_t{1} << 20;
  // Longer lines are skipped (reported in Chunk::overlong or by the
  // pipeline), never fatal.
  size_t max_line_bytes = size_t{1} << 20;
};

// What a reader hands out: whole lines, each ending in '\n' (a CR before it is
// the pipeline's to drop).
struct Chunk {
  std::string data;
  uint64_t first_line = 1;  // the number of data's first line in its source
  // Numbers of lines after data's last line that were longer than
  // max_line_bytes and were dropped (they never enter `data`).
  std::vector<uint64_t> overlong;
  // Follow mode: the source was truncated or replaced after these lines;
  // line numbers restart at 1 with the next chunk.
  bool restarted = false;
};

// Reads one file (or stdin, "-") from start to end.
class ChunkReader {
 public:
  // Opens `path`; fails with kNotFound / kInvalidArgument and the system's
  // reason when it cannot. `path` is kept; stdin is not closed.
  static Result<std::unique_ptr<ChunkReader>> Open(const std::string& path, ReaderOptions options);
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // Replaces `chunk`'s contents with the next lines (its storage is reused).
  // Returns false at the end of the input (chunk then empty). A last line
  // without '\n' is delivered as a whole line. Fails on a read error.
  Result<bool> Next(Chunk& chunk);

 private:
  struct State;
  explicit ChunkReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Follows one file by name, like `tail -F`: reads what is there, then what is
// appended; when the file is renamed away and a new one appears under the
// name, finishes the old one and continues with the new one from its start;
// when the file shrinks (truncation), continues from its new start. A partial
// last line is held until its newline arrives or the file is rotated or
// truncated. A missing file is waited for. Never blocks: Poll returns what is
// available now.
class FileFollower {
 public:
  FileFollower(std::string path, ReaderOptions options, bool start_at_end = false);
  ~FileFollower();
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  // Replaces `chunk` with lines that became available. Returns true when
  // `chunk` holds lines, an overlong report or a restart, false when there is
  // nothing new. Fails on read errors other than the file being missing.
  Result<bool> Poll(Chunk& chunk);

  const std::string& path() const { return path_; }

 private:
  struct State;
  std::string path_;
  std::unique_ptr<State> state_;
};

}  // namespace ecrn::scan
