#include "ecrn/scan/pipeline.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "testing/testing.hpp"

namespace ecrn::scan {
namespace {

namespace fs = std::filesystem;
using ecrn::testing::TempDir;
using ecrn::testing::WriteFile;

// "source:line|value kind=..." per record, so comparisons show what differs.
std::string Describe(const Record& r) {
  std::string s = fs::path(std::string(r.source)).filename().string() + ":" +
                  std::to_string(r.line_no) + "|" + std::string(r.line) + "|";
  if (r.timestamp) s += std::to_string(*r.timestamp);
  for (const Observable& o : r.observables) {
    s += " ";
    s += KindName(o.kind);
    s += "=";
    s += o.value;
  }
  return s;
}

struct Lines : ChunkOutput {
  std::vector<std::string> lines;
};

class CollectingSink : public RecordSink {
 public:
  void OnRecord(const Record& record) override { current_->lines.push_back(Describe(record)); }
  std::unique_ptr<ChunkOutput> EndChunk() override {
    auto out = std::move(current_);
    current_ = std::make_unique<Lines>();
    return out;
  }

 private:
  std::unique_ptr<Lines> current_ = std::make_unique<Lines>();
};

// Collects committed records; other threads may wait for them.
class Collector : public ScanTarget {
 public:
  std::unique_ptr<RecordSink> NewSink() override {
    ++sinks_;
    return std::make_unique<CollectingSink>();
  }
  void Commit(std::unique_ptr<ChunkOutput> output) override {
    auto* lines = static_cast<Lines*>(output.get());
    std::lock_guard lock(mu_);
    records_.insert(records_.end(), lines->lines.begin(), lines->lines.end());
    cv_.notify_all();
  }
  std::vector<std::string> records() {
    std::lock_guard lock(mu_);
    return records_;
  }
  // Waits (up to a generous deadline) until `n` records have arrived.
  std::vector<std::string> WaitFor(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(20), [&] { return records_.size() >= n; });
    return records_;
  }
  int sinks() const { return sinks_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> records_;
  int sinks_ = 0;
};

ScanSummary MustScan(const ScanOptions& options, Collector& collector) {
  auto summary = Scan(options, collector);
  EXPECT_TRUE(summary.ok()) << (summary.ok() ? "" : summary.error().message);
  return summary.ok() ? *summary : ScanSummary();
}

TEST(ScanPipeline, ReadsLinesWithCrlfALastLineWithoutNewlineAndSkipsOverlongOnes) {
  TempDir dir;
  const std::string long_line(300, 'x');
  WriteFile(dir.File("a.log"), "one 192.0.2.1\r\n" + long_line + "\n\ntwo a.example.org\n" +
                                   long_line + long_line + "\nthree 192.0.2.3");
  ScanOptions options;
  options.sources = {dir.File("a.log")};
  options.format = Format::kText;
  options.reader.chunk_bytes = 64;  // many chunks, lines across chunk ends
  options.reader.max_line_bytes = 256;
  Collector collector;
  const ScanSummary s = MustScan(options, collector);
  EXPECT_EQ(collector.records(),
            (std::vector<std::string>{"a.log:1|one 192.0.2.1| ipv4=192.0.2.1",
                                      "a.log:4|two a.example.org| domain=a.example.org",
                                      "a.log:6|three 192.0.2.3| ipv4=192.0.2.3"}));
  EXPECT_EQ(s.lines, 6u);
  EXPECT_EQ(s.records, 3u);
  EXPECT_EQ(s.with_observables, 3u);
  EXPECT_EQ(s.per_kind[static_cast<size_t>(Kind::kIpv4)], 2u);
  EXPECT_EQ(s.skipped, 2u);
  ASSERT_EQ(s.skip_examples.size(), 2u);
  EXPECT_EQ(s.skip_examples[0].line_no, 2u);
  EXPECT_EQ(s.skip_examples[1].line_no, 5u);
  EXPECT_EQ(s.skip_examples[0].reason, "line longer than 256 bytes");
  EXPECT_EQ(s.skip_reasons.at("line longer than 256 bytes"), 2u);
}

TEST(ScanPipeline, AMissingSourceIsReportedAndTheOthersAreRead) {
  TempDir dir;
  WriteFile(dir.File("b.log"), "x 192.0.2.7\n");
  ScanOptions options;
  options.sources = {dir.File("missing.log"), dir.File("b.log")};
  Collector collector;
  std::vector<std::string> announced;
  options.on_source = [&](const SourceInfo& info) {
    announced.push_back(info.source + " " + std::string(FormatName(info.format)));
  };
  const ScanSummary s = MustScan(options, collector);
  ASSERT_EQ(s.source_errors.size(), 1u);
  EXPECT_NE(s.source_errors[0].find("missing.log"), std::string::npos);
  EXPECT_EQ(collector.records().size(), 1u);
  EXPECT_EQ(announced, (std::vector<std::string>{dir.File("b.log") + " text"}));
  ASSERT_EQ(s.sources.size(), 1u);
  EXPECT_NE(s.sources[0].detection.find("free text"), std::string::npos);
}

TEST(ScanPipeline, AutoDetectsEachSourceOnItsOwn) {
  TempDir dir;
  WriteFile(dir.File("j.log"), "{\"ip\":\"192.0.2.1\"}\n{\"ip\":\"192.0.2.2\"}\n");
  WriteFile(dir.File("c.csv"), "ts,dst\n1732183200,192.0.2.3\n1732183201,192.0.2.4\n");
  ScanOptions options;
  options.sources = {dir.File("j.log"), dir.File("c.csv")};
  Collector collector;
  const ScanSummary s = MustScan(options, collector);
  ASSERT_EQ(s.sources.size(), 2u);
  EXPECT_EQ(s.sources[0].format, Format::kJson);
  EXPECT_EQ(s.sources[1].format, Format::kCsv);
  EXPECT_EQ(s.header_lines, 1u);
  EXPECT_EQ(collector.records().back(),
            "c.csv:3|1732183201,192.0.2.4|1732183201000000 ipv4=192.0.2.4");
}

// A deterministic mix of formats' worth of lines for the threading test.
std::string MixedText(int lines) {
  std::string out;
  for (int i = 0; i < lines; ++i) {
    switch (i % 5) {
      case 0:
        out += "2026-11-21T10:00:0" + std::to_string(i % 10) + "Z fw DROP src=192.0.2." +
               std::to_string(i % 250) + " dst=198.51.100.1:443\n";
        break;
      case 1:
        out += "proxy GET https://h" + std::to_string(i) + ".example.org/p?q=" + std::to_string(i) +
               " user=u" + std::to_string(i) + "@example.net\n";
        break;
      case 2:
        out += "edr file=" + std::string(64, "0123456789abcdef"[i % 16]) + " host=pc" +
               std::to_string(i) + "\n";
        break;
      case 3:
        out += "dns query c" + std::to_string(i) +
               ".example.com AAAA 2001:db8::" + std::to_string(i % 9999) + "\n";
        break;
      default:
        out += "noise line " + std::to_string(i) + " without anything\n";
    }
  }
  return out;
}

TEST(ScanPipeline, ThreadsGiveTheSameRecordsInTheSameOrder) {
  TempDir dir;
  WriteFile(dir.File("m1.log"), MixedText(4000));
  WriteFile(dir.File("m2.log"), MixedText(777));
  std::string csv = "time,client,query\n";
  for (int i = 0; i < 3000; ++i) {
    csv += "17321832" + std::to_string(10 + i % 80) + ",192.0.2." + std::to_string(i % 200) + ",q" +
           std::to_string(i) + ".example.org\n";
  }
  csv += "bad,row\n";
  WriteFile(dir.File("c.csv"), csv);
  ScanOptions options;
  options.sources = {dir.File("m1.log"), dir.File("c.csv"), dir.File("m2.log")};
  options.reader.chunk_bytes = 4096;
  Collector single, parallel;
  const ScanSummary s1 = MustScan(options, single);
  options.threads = 4;
  const ScanSummary s4 = MustScan(options, parallel);
  EXPECT_EQ(parallel.sinks(), 4);
  const auto a = single.records(), b = parallel.records();
  ASSERT_EQ(a.size(), 4000u + 3000u + 777u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]) << "record " << i;
  EXPECT_EQ(s1.lines, s4.lines);
  EXPECT_EQ(s1.bytes, s4.bytes);
  EXPECT_EQ(s1.observables, s4.observables);
  EXPECT_EQ(s1.per_kind, s4.per_kind);
  EXPECT_EQ(s1.header_lines, 1u);
  EXPECT_EQ(s4.header_lines, 1u);
  EXPECT_EQ(s4.skipped, 1u);
  ASSERT_EQ(s4.skip_examples.size(), 1u);
  EXPECT_EQ(s4.skip_examples[0].line_no, 3002u);
  EXPECT_EQ(s1.per_kind[static_cast<size_t>(Kind::kSha256)], 800u + 155u);
}

TEST(ScanPipeline, ThreadsHonourAZeekHeaderThatChangesMidFile) {
  // Two Zeek logs concatenated: the second #fields swaps the address columns.
  TempDir dir;
  std::string zeek;
  for (int part = 0; part < 2; ++part) {
    zeek += "#separator \\x09\n#fields\t" +
            std::string(part == 0 ? "ts\tid.orig_h\tquery" : "query\tid.orig_h\tts") + "\n";
    for (int i = 0; i < 2000; ++i) {
      const std::string host = "192.0.2." + std::to_string(i % 250);
      const std::string name = "n" + std::to_string(i) + ".example.org";
      const std::string ts = std::to_string(1732183200 + i);
      zeek +=
          part == 0 ? ts + "\t" + host + "\t" + name + "\n" : name + "\t" + host + "\t" + ts + "\n";
    }
  }
  WriteFile(dir.File("dns.log"), zeek);
  ScanOptions options;
  options.sources = {dir.File("dns.log")};
  options.reader.chunk_bytes = 4096;
  Collector single, parallel;
  const ScanSummary s1 = MustScan(options, single);
  options.threads = 3;
  const ScanSummary s3 = MustScan(options, parallel);
  ASSERT_EQ(s1.sources.size(), 1u);
  EXPECT_EQ(s1.sources[0].format, Format::kZeek);
  EXPECT_EQ(s1.with_observables, 4000u);
  EXPECT_EQ(s3.with_observables, 4000u);
  EXPECT_EQ(s3.header_lines, 4u);
  EXPECT_EQ(s3.skipped, 0u);
  EXPECT_EQ(single.records(), parallel.records());
  EXPECT_EQ(parallel.records().back(),
            "dns.log:4004|n1999.example.org\t192.0.2.249\t1732185199|1732185199000000 "
            "domain=n1999.example.org ipv4=192.0.2.249");
}

TEST(ScanPipeline, ReadsStdin) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(pipe_fds[0], STDIN_FILENO), STDIN_FILENO);
  ::close(pipe_fds[0]);
  const std::string text = "from stdin 192.0.2.200\n";
  ASSERT_EQ(::write(pipe_fds[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(pipe_fds[1]);
  ScanOptions options;
  options.sources = {"-"};
  Collector collector;
  const ScanSummary s = MustScan(options, collector);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  EXPECT_EQ(collector.records(),
            (std::vector<std::string>{"-:1|from stdin 192.0.2.200| ipv4=192.0.2.200"}));
  EXPECT_EQ(s.lines, 1u);
}

TEST(ScanPipeline, BadOptionsFail) {
  ScanOptions options;
  options.threads = 0;
  Collector collector;
  EXPECT_FALSE(Scan(options, collector).ok());
  options.threads = 1;
  options.format = Format::kWeb;
  options.format_options.fields = {*ParseFieldMapping("a=ipv4")};
  EXPECT_FALSE(Scan(options, collector).ok());
}

void Append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

// Follows a.log and marker.log. A line appended to marker.log and seen
// proves a poll round has passed since whatever was written to a.log before
// it (a.log is polled first in each round).
class FollowTest : public ::testing::Test {
 protected:
  void Start() {
    options_.sources = {dir_.File("a.log"), dir_.File("marker.log")};
    options_.format = Format::kText;
    FollowOptions follow;
    follow.poll_interval = std::chrono::milliseconds(5);
    thread_ = std::jthread([this, follow](std::stop_token stop) {
      auto s = Follow(options_, follow, collector_, stop);
      if (s.ok()) summary_ = *s;
    });
  }
  void Stop() {
    thread_.request_stop();
    thread_.join();
  }
  // Returns the records after waiting for the marker line `n`. Two markers:
  // the round that delivers the first may have polled a.log before the test
  // wrote to it; the second can only be read in a later round, which polls
  // a.log first.
  std::vector<std::string> Mark(int n) {
    WaitForMarker("early " + std::to_string(n));
    return WaitForMarker("mark " + std::to_string(n));
  }
  std::vector<std::string> WaitForMarker(const std::string& text) {
    Append(dir_.File("marker.log"), text + "\n");
    const std::string want = "|" + text + "|";
    std::vector<std::string> got;
    for (size_t count = 1; count < 1000; ++count) {
      got = collector_.WaitFor(count);
      if (got.size() < count) break;  // deadline passed
      for (const std::string& r : got) {
        if (r.find(want) != std::string::npos) return Without(got);
      }
    }
    ADD_FAILURE() << "marker '" << text << "' never arrived";
    return Without(got);
  }
  static std::vector<std::string> Without(const std::vector<std::string>& all) {
    std::vector<std::string> out;
    for (const std::string& r : all) {
      if (r.rfind("marker.log:", 0) != 0) out.push_back(r);
    }
    return out;
  }

  TempDir dir_;
  ScanOptions options_;
  Collector collector_;
  ScanSummary summary_;
  std::jthread thread_;
};

TEST_F(FollowTest, GrowthPartialLinesRotationAndTruncation) {
  WriteFile(dir_.File("a.log"), "first 192.0.2.1\n");
  WriteFile(dir_.File("marker.log"), "");
  Start();
  EXPECT_EQ(Mark(1), (std::vector<std::string>{"a.log:1|first 192.0.2.1| ipv4=192.0.2.1"}));

  // Growth, with a partial last line held until its newline arrives.
  Append(dir_.File("a.log"), "second a.example.org\nthird par");
  EXPECT_EQ(Mark(2).size(), 2u);
  Append(dir_.File("a.log"), "t 192.0.2.3\n");
  auto got = Mark(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[1], "a.log:2|second a.example.org| domain=a.example.org");
  EXPECT_EQ(got[2], "a.log:3|third part 192.0.2.3| ipv4=192.0.2.3");

  // Rotation: rename away, a last (partial) line lands in the old file, then
  // a new file appears under the name.
  Append(dir_.File("a.log"), "fourth");
  EXPECT_EQ(Mark(4).size(), 3u);
  fs::rename(dir_.File("a.log"), dir_.File("a.log.1"));
  Append(dir_.File("a.log.1"), " 192.0.2.4");
  WriteFile(dir_.File("a.log"), "new one 198.51.100.1\n");
  got = Mark(5);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[3], "a.log:4|fourth 192.0.2.4| ipv4=192.0.2.4");
  EXPECT_EQ(got[4], "a.log:1|new one 198.51.100.1| ipv4=198.51.100.1");

  // Truncation: line numbers restart.
  Append(dir_.File("a.log"), "new two a.example.net\n");
  EXPECT_EQ(Mark(6).size(), 6u);
  fs::resize_file(dir_.File("a.log"), 0);
  EXPECT_EQ(Mark(7).size(), 6u);
  Append(dir_.File("a.log"), "after 192.0.2.9\n");
  got = Mark(8);
  ASSERT_EQ(got.size(), 7u);
  EXPECT_EQ(got[5], "a.log:2|new two a.example.net| domain=a.example.net");
  EXPECT_EQ(got[6], "a.log:1|after 192.0.2.9| ipv4=192.0.2.9");
  Stop();
  EXPECT_EQ(summary_.records, 7u + 2u * 8u);  // the lines of a.log and two markers per Mark
}

TEST_F(FollowTest, WaitsForAFileThatDoesNotExistYet) {
  WriteFile(dir_.File("marker.log"), "");
  Start();
  EXPECT_TRUE(Mark(1).empty());
  WriteFile(dir_.File("a.log"), "late 192.0.2.77\n");
  EXPECT_EQ(Mark(2), (std::vector<std::string>{"a.log:1|late 192.0.2.77| ipv4=192.0.2.77"}));
  Stop();
}

}  // namespace
}  // namespace ecrn::scan
