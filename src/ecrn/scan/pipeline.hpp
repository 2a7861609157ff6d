// The sensor's input pipeline: reads sources (files, stdin) with a format,
// parses their lines into Records and delivers them to sinks, on one thread or
// on N worker threads that parse large chunks in parallel while the output
// stays in input order; or follows files like `tail -F` (one thread).
//
// Thread-safety: Scan and Follow may run concurrently with each other on
// different targets. A RecordSink is only ever called from one thread at a
// time; ScanTarget::Commit is called in input order, never concurrently.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "ecrn/core/result.hpp"
#include "ecrn/scan/format.hpp"
#include "ecrn/scan/reader.hpp"
#include "ecrn/scan/record.hpp"

namespace ecrn::scan {

// What one chunk of input produced in a sink, committed in input order (e.g.
// the output lines of the matches found in it). Sinks derive their own.
struct ChunkOutput {
  virtual ~ChunkOutput() = default;
};

// Receives the records of the chunks one worker parses. The Record and its
// views are valid only during OnRecord.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Every parsed line (header lines and skipped lines excepted), in order
  // within a chunk.
  virtual void OnRecord(const Record& record) = 0;
  // After a chunk's last record: what the chunk produced, handed to
  // ScanTarget::Commit once every earlier chunk has been committed. nullptr
  // when there is nothing to commit.
  virtual std::unique_ptr<ChunkOutput> EndChunk() { return nullptr; }
};

// The consumer of a scan: makes one sink per worker thread and commits the
// chunks' outputs in input order.
class ScanTarget {
 public:
  virtual ~ScanTarget() = default;
  // Called before reading starts, once per worker (once when single-threaded).
  virtual std::unique_ptr<RecordSink> NewSink() = 0;
  // Chunk outputs, in input order, one call at a time (from any thread).
  virtual void Commit(std::unique_ptr<ChunkOutput> output) { (void)output; }
};

// How a source was read: the format and, under --format auto, why.
struct SourceInfo {
  std::string source;
  Format format = Format::kText;
  std::string detection;  // empty when the format was given
};

struct SkippedLine {
  std::string source;
  uint64_t line_no = 0;
  std::string reason;
};

struct ScanSummary {
  uint64_t lines = 0;             // lines read (all of them)
  uint64_t bytes = 0;             // bytes read
  uint64_t header_lines = 0;      // CSV / Zeek header and comment lines
  uint64_t records = 0;           // lines parsed into records
  uint64_t with_observables = 0;  // records holding at least one observable
  uint64_t observables = 0;
  std::array<uint64_t, kKindCount> per_kind{};  // indexed by Kind
  uint64_t skipped = 0;
  std::map<std::string, uint64_t> skip_reasons;  // reason -> lines
  std::vector<SkippedLine> skip_examples;        // the first kMaxSkipExamples, in order
  std::vector<SourceInfo> sources;               // in the order they were opened
  std::vector<std::string> source_errors;        // sources that could not be read, and why
  static constexpr size_t kMaxSkipExamples = 20;

  // Adds `other` (which comes after this in input order).
  void Merge(const ScanSummary& other);
};

struct ScanOptions {
  std::vector<std::string> sources;  // file names; "-" is stdin
  // nullopt: guess per source from its first lines (DetectFormat).
  std::optional<Format> format;
  // Field mapping and syslog year (FormatOptions::format is ignored).
  FormatOptions format_options;
  ReaderOptions reader;
  // Worker threads parsing chunks (1: everything on the calling thread).
  int threads = 1;
  // Called when a source has been opened and its format chosen (the CLI
  // prints the detection). On the calling thread.
  std::function<void(const SourceInfo&)> on_source;
};

// Reads every source to its end. A source that cannot be opened or read is
// recorded in source_errors and the others are still read. Fails only on
// options that cannot work (a field mapping the format does not take,
// threads < 1).
Result<ScanSummary> Scan(const ScanOptions& options, ScanTarget& target);

struct FollowOptions {
  // How long to wait when no source has anything new.
  std::chrono::milliseconds poll_interval{250};
  // Begin at the current end of each file (like `tail -n 0 -F`) instead of
  // its start.
  bool start_at_end = false;
};

// Follows every source (stdin is read to its end, then left) until `stop` is
// requested; delivers records on the calling thread and commits after each
// batch. Files that do not exist yet are waited for.
Result<ScanSummary> Follow(const ScanOptions& options, const FollowOptions& follow,
                           ScanTarget& target, std::stop_token stop);

}  // namespace ecrn::scan
