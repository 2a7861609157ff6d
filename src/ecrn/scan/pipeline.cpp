#include "ecrn/scan/pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

namespace ecrn::scan {
namespace {

constexpr size_t kDetectLines = 10;

std::string OverlongReason(size_t max_line) {
  return "line longer than " + std::to_string(max_line) + " bytes";
}

void RecordSkip(ScanSummary& stats, std::string_view source, uint64_t line_no,
                std::string_view reason) {
  ++stats.skipped;
  ++stats.skip_reasons[std::string(reason)];
  if (stats.skip_examples.size() < ScanSummary::kMaxSkipExamples) {
    stats.skip_examples.push_back({std::string(source), line_no, std::string(reason)});
  }
}

// Parses one line into `rec` and hands it to `sink`, counting in `stats`.
void HandleLine(std::string_view line, uint64_t line_no, LineParser& parser, RecordSink* sink,
                ScanSummary& stats, size_t max_line, Record& rec) {
  ++stats.lines;
  if (line.size() > max_line) {
    RecordSkip(stats, rec.source, line_no, OverlongReason(max_line));
    return;
  }
  if (line.empty()) return;
  rec.line = line;
  rec.line_no = line_no;
  rec.observables.clear();
  rec.timestamp.reset();
  const LineResult result = parser.Parse(rec);
  switch (result.outcome) {
    case LineOutcome::kRecord:
      ++stats.records;
      if (!rec.observables.empty()) {
        ++stats.with_observables;
        stats.observables += rec.observables.size();
        for (const Observable& o : rec.observables) ++stats.per_kind[static_cast<size_t>(o.kind)];
      }
      if (sink != nullptr) sink->OnRecord(rec);
      break;
    case LineOutcome::kHeader:
      ++stats.header_lines;
      break;
    case LineOutcome::kSkip:
      RecordSkip(stats, rec.source, line_no, result.reason);
      break;
  }
}

// The line starting at `p` (without its terminator and CR), and where the
// next one starts.
std::string_view LineAt(const char* p, const char* end, const char** next) {
  const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
  const char* line_end = nl != nullptr ? nl : end;
  *next = nl != nullptr ? nl + 1 : end;
  std::string_view line(p, static_cast<size_t>(line_end - p));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Parses chunk.data from `offset` (whose first line is `line_no`), then
// reports the chunk's dropped overlong lines.
void ParseLines(const Chunk& chunk, size_t offset, uint64_t line_no, std::string_view source,
                LineParser& parser, RecordSink* sink, ScanSummary& stats, size_t max_line,
                Record& rec) {
  const char* p = chunk.data.data() + offset;
  const char* const end = chunk.data.data() + chunk.data.size();
  stats.bytes += static_cast<uint64_t>(end - p);
  rec.source = source;
  while (p < end) {
    const char* next;
    const std::string_view line = LineAt(p, end, &next);
    HandleLine(line, line_no++, parser, sink, stats, max_line, rec);
    p = next;
  }
  for (uint64_t n : chunk.overlong) {
    ++stats.lines;
    RecordSkip(stats, source, n, OverlongReason(max_line));
  }
}

// The format of a source: as given, or guessed from the chunk's first lines.
SourceInfo ChooseFormat(const ScanOptions& options, const std::string& source, const Chunk& chunk) {
  SourceInfo info{source, Format::kText, {}};
  if (options.format) {
    info.format = *options.format;
    return info;
  }
  std::vector<std::string_view> lines;
  const char* p = chunk.data.data();
  const char* const end = p + chunk.data.size();
  while (p < end && lines.size() < kDetectLines) {
    const char* next;
    lines.push_back(LineAt(p, end, &next));
    p = next;
  }
  Detection d = DetectFormat(lines);
  info.format = d.format;
  info.detection = std::move(d.reason);
  return info;
}

Result<std::unique_ptr<LineParser>> ParserFor(const ScanOptions& options, Format format) {
  FormatOptions fo = options.format_options;
  fo.format = format;
  if (!options.format && format != Format::kJson && format != Format::kCsv) {
    fo.fields.clear();  // a mapping given for JSON/CSV does not bind a guessed DNS log
  }
  return MakeParser(fo);
}

// The offset of the first line after `from` that starts with `marker`, or
// npos.
size_t FindLineStart(const std::string& data, size_t from, char marker) {
  size_t pos = from;
  while ((pos = data.find(marker, pos + 1)) != std::string::npos) {
    if (data[pos - 1] == '\n') return pos;
  }
  return std::string::npos;
}

// One chunk on its way through the worker threads.
struct Job {
  uint64_t seq = 0;
  Chunk chunk;
  size_t offset = 0;
  uint64_t line_no = 1;
  std::string_view source;
  std::unique_ptr<LineParser> parser;
  ScanSummary stats;
  std::unique_ptr<ChunkOutput> output;
};

// Worker threads parse jobs; whichever finishes commits every job that is
// next in sequence.
class ParallelScan {
 public:
  ParallelScan(const ScanOptions& options, ScanTarget& target, ScanSummary& summary)
      : options_(options), target_(target), summary_(summary) {
    const size_t n = static_cast<size_t>(options.threads) * 2 + 2;
    for (size_t i = 0; i < n; ++i) {
      jobs_.push_back(std::make_unique<Job>());
      free_.push_back(jobs_.back().get());
    }
    for (int i = 0; i < options.threads; ++i) sinks_.push_back(target.NewSink());
    for (int i = 0; i < options.threads; ++i) {
      workers_.emplace_back([this, i] { Work(*sinks_[static_cast<size_t>(i)]); });
    }
  }

  ~ParallelScan() { Finish(); }

  Job* Acquire() {
    std::unique_lock lock(mu_);
    free_cv_.wait(lock, [this] { return !free_.empty(); });
    Job* job = free_.back();
    free_.pop_back();
    return job;
  }

  void Release(Job* job) {
    std::lock_guard lock(mu_);
    free_.push_back(job);
    free_cv_.notify_one();
  }

  void Submit(Job* job) {
    std::lock_guard lock(mu_);
    job->seq = next_seq_++;
    queue_.push_back(job);
    work_cv_.notify_one();
  }

  void Finish() {
    {
      std::lock_guard lock(mu_);
      if (closing_) return;
      closing_ = true;
      work_cv_.notify_all();
    }
    for (std::thread& t : workers_) t.join();
    CommitReady();
  }

 private:
  void Work(RecordSink& sink) {
    Record rec;
    while (true) {
      Job* job;
      {
        std::unique_lock lock(mu_);
        work_cv_.wait(lock, [this] { return !queue_.empty() || closing_; });
        if (queue_.empty()) return;
        job = queue_.front();
        queue_.pop_front();
      }
      ParseLines(job->chunk, job->offset, job->line_no, job->source, *job->parser, &sink,
                 job->stats, options_.reader.max_line_bytes, rec);
      job->output = sink.EndChunk();
      {
        std::lock_guard lock(mu_);
        done_.emplace(job->seq, job);
      }
      CommitReady();
    }
  }

  void CommitReady() {
    std::lock_guard commit(commit_mu_);
    while (true) {
      Job* job;
      {
        std::lock_guard lock(mu_);
        auto it = done_.find(next_commit_);
        if (it == done_.end()) return;
        job = it->second;
        done_.erase(it);
      }
      if (job->output) target_.Commit(std::move(job->output));
      summary_.Merge(job->stats);
      job->parser.reset();
      {
        std::lock_guard lock(mu_);
        ++next_commit_;
        free_.push_back(job);
        free_cv_.notify_one();
      }
    }
  }

  const ScanOptions& options_;
  ScanTarget& target_;
  ScanSummary& summary_;  // written under commit_mu_ only
  std::vector<std::unique_ptr<Job>> jobs_;
  std::vector<std::unique_ptr<RecordSink>> sinks_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable work_cv_, free_cv_;
  std::vector<Job*> free_;
  std::deque<Job*> queue_;
  std::map<uint64_t, Job*> done_;
  uint64_t next_seq_ = 0;
  uint64_t next_commit_ = 0;
  bool closing_ = false;
  std::mutex commit_mu_;
};

Result<void> CheckOptions(const ScanOptions& options) {
  if (options.threads < 1) return Error::Invalid("threads must be at least 1");
  if (options.format) {
    FormatOptions fo = options.format_options;
    fo.format = *options.format;
    ECRN_TRY(MakeParser(fo));
  }
  return Ok();
}

std::string Describe(const Error& e) { return e.message; }

}  // namespace

void ScanSummary::Merge(const ScanSummary& other) {
  lines += other.lines;
  bytes += other.bytes;
  header_lines += other.header_lines;
  records += other.records;
  with_observables += other.with_observables;
  observables += other.observables;
  for (size_t i = 0; i < per_kind.size(); ++i) per_kind[i] += other.per_kind[i];
  skipped += other.skipped;
  for (const auto& [reason, n] : other.skip_reasons) skip_reasons[reason] += n;
  for (const SkippedLine& s : other.skip_examples) {
    if (skip_examples.size() >= kMaxSkipExamples) break;
    skip_examples.push_back(s);
  }
  sources.insert(sources.end(), other.sources.begin(), other.sources.end());
  source_errors.insert(source_errors.end(), other.source_errors.begin(), other.source_errors.end());
}

Result<ScanSummary> Scan(const ScanOptions& options, ScanTarget& target) {
  ECRN_TRY(CheckOptions(options));
  ScanSummary summary;
  std::vector<SourceInfo> sources;
  std::vector<std::string> errors;
  const bool parallel = options.threads > 1;
  std::unique_ptr<RecordSink> sink;
  std::unique_ptr<ParallelScan> workers;
  if (parallel) {
    workers = std::make_unique<ParallelScan>(options, target, summary);
  } else {
    sink = target.NewSink();
  }
  Chunk inline_chunk;
  Record rec;
  for (const std::string& source : options.sources) {
    auto reader = ChunkReader::Open(source, options.reader);
    if (!reader) {
      errors.push_back(Describe(reader.error()));
      continue;
    }
    std::unique_ptr<LineParser> parser;
    while (true) {
      Job* job = parallel ? workers->Acquire() : nullptr;
      Chunk& chunk = parallel ? job->chunk : inline_chunk;
      auto more = (*reader)->Next(chunk);
      if (!more || !*more) {
        if (parallel) workers->Release(job);
        if (!more) errors.push_back(Describe(more.error()));
        break;
      }
      if (!parser) {
        SourceInfo info = ChooseFormat(options, source, chunk);
        auto made = ParserFor(options, info.format);
        if (!made) {
          if (parallel) workers->Release(job);
          errors.push_back(source + ": " + Describe(made.error()));
          break;
        }
        parser = std::move(made).value();
        if (options.on_source) options.on_source(info);
        sources.push_back(std::move(info));
      }
      if (!parallel) {
        ParseLines(chunk, 0, chunk.first_line, source, *parser, sink.get(), summary,
                   options.reader.max_line_bytes, rec);
        if (auto out = sink->EndChunk()) target.Commit(std::move(out));
        continue;
      }
      // Header lines at the chunk's start go to the source's parser, in
      // order; the rest of the chunk is parsed by a copy of it. A header
      // line further on (Zeek's '#' lines) cuts the chunk there, so that the
      // lines after it are parsed with what it says.
      while (job != nullptr) {
        Chunk& c = job->chunk;
        job->stats = ScanSummary();
        job->source = source;
        job->offset = 0;
        job->line_no = c.first_line;
        rec.source = source;
        const char* const begin = c.data.data();
        const char* const end = begin + c.data.size();
        while (job->offset < c.data.size()) {
          const char* next;
          const std::string_view line = LineAt(begin + job->offset, end, &next);
          if (!parser->IsHeader(line)) break;
          HandleLine(line, job->line_no++, *parser, nullptr, job->stats,
                     options.reader.max_line_bytes, rec);
          job->stats.bytes += static_cast<uint64_t>(next - (begin + job->offset));
          job->offset = static_cast<size_t>(next - begin);
        }
        Job* rest = nullptr;
        if (const char marker = parser->HeaderPrefix(); marker != 0) {
          const size_t cut = FindLineStart(c.data, job->offset, marker);
          if (cut != std::string::npos) {
            rest = workers->Acquire();
            rest->chunk.data.assign(c.data, cut, std::string::npos);
            rest->chunk.first_line =
                job->line_no + static_cast<uint64_t>(
                                   std::count(c.data.begin() + static_cast<ptrdiff_t>(job->offset),
                                              c.data.begin() + static_cast<ptrdiff_t>(cut), '\n'));
            rest->chunk.overlong = std::move(c.overlong);
            rest->chunk.restarted = false;
            c.overlong.clear();
            c.data.resize(cut);
          }
        }
        job->parser = parser->Clone();
        workers->Submit(job);
        job = rest;
      }
    }
    if (!parser) {
      // An empty source: say how it would have been read.
      SourceInfo info = ChooseFormat(options, source, Chunk());
      if (options.on_source) options.on_source(info);
      sources.push_back(std::move(info));
    }
  }
  if (workers) workers->Finish();
  summary.sources = std::move(sources);
  summary.source_errors = std::move(errors);
  return summary;
}

Result<ScanSummary> Follow(const ScanOptions& options, const FollowOptions& follow,
                           ScanTarget& target, std::stop_token stop) {
  ECRN_TRY(CheckOptions(options));
  ScanSummary summary;
  std::unique_ptr<RecordSink> sink = target.NewSink();
  struct Followed {
    std::string source;
    std::unique_ptr<FileFollower> follower;
    std::optional<SourceInfo> info;
    std::unique_ptr<LineParser> parser;
    bool error_reported = false;
  };
  std::vector<Followed> followed;
  ScanOptions stdin_only = options;
  stdin_only.sources.clear();
  stdin_only.threads = 1;
  for (const std::string& source : options.sources) {
    if (source == "-") {
      stdin_only.sources.push_back(source);
    } else {
      std::optional<SourcePosition> resume;
      if (auto it = follow.resume.find(source); it != follow.resume.end()) resume = it->second;
      followed.push_back(
          {source,
           std::make_unique<FileFollower>(source, options.reader, follow.start_at_end, resume),
           std::nullopt, nullptr, false});
    }
  }
  if (!stdin_only.sources.empty()) {
    auto s = Scan(stdin_only, target);
    if (!s) return std::move(s).error();
    summary.Merge(*s);
  }
  Chunk chunk;
  Record rec;
  std::mutex mu;
  std::condition_variable_any cv;
  while (!stop.stop_requested()) {
    bool any = false;
    for (Followed& f : followed) {
      // After a rotation or truncation, read the new file in the same round.
      bool again = true;
      while (again) {
        again = false;
        auto polled = f.follower->Poll(chunk);
        if (!polled) {
          if (!f.error_reported) summary.source_errors.push_back(Describe(polled.error()));
          f.error_reported = true;
          break;
        }
        if (!*polled) break;
        any = true;
        if (!f.info && !chunk.data.empty()) {
          f.info = ChooseFormat(options, f.source, chunk);
          if (options.on_source) options.on_source(*f.info);
          summary.sources.push_back(*f.info);
        }
        if (f.info && !f.parser) {
          auto made = ParserFor(options, f.info->format);
          if (!made) return std::move(made).error();
          f.parser = std::move(made).value();
        }
        if (f.parser) {
          ParseLines(chunk, 0, chunk.first_line, f.source, *f.parser, sink.get(), summary,
                     options.reader.max_line_bytes, rec);
        }
        if (chunk.restarted) {
          f.parser.reset();  // a new file (or the truncated one) has its own header
          again = true;
        }
        if (auto out = sink->EndChunk()) target.Commit(std::move(out));
      }
    }
    if (any && follow.on_checkpoint) {
      std::map<std::string, SourcePosition> positions;
      for (const Followed& f : followed) positions[f.source] = f.follower->position();
      follow.on_checkpoint(positions);
    }
    if (!any) {
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, follow.poll_interval, [] { return false; });
    }
  }
  return summary;
}

}  // namespace ecrn::scan
