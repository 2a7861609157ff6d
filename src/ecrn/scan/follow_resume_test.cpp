// FileFollower's positions and resuming from them (what the sensor saves so
// that a restart neither re-reads nor skips lines).
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "ecrn/scan/reader.hpp"
#include "testing/testing.hpp"

namespace ecrn::scan {
namespace {

void Append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app | std::ios::binary) << text;
}

// Everything the follower has now, as text, and the first line's number.
std::pair<std::string, uint64_t> Drain(FileFollower& f) {
  std::string all;
  uint64_t first = 0;
  Chunk chunk;
  for (int i = 0; i < 10; ++i) {
    auto polled = f.Poll(chunk);
    EXPECT_TRUE(polled.ok());
    if (!polled.ok() || !*polled) break;
    if (first == 0 && !chunk.data.empty()) first = chunk.first_line;
    all += chunk.data;
  }
  return {all, first};
}

TEST(ScanFollowResume, PositionIsAfterTheLastWholeLine) {
  testing::TempDir dir;
  const std::string path = dir.File("a.log");
  Append(path, "one\ntwo\nthr");
  FileFollower f(path, {});
  EXPECT_EQ(f.position(), SourcePosition{});
  EXPECT_EQ(Drain(f).first, "one\ntwo\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  const SourcePosition p = f.position();
  EXPECT_EQ(p.device, static_cast<uint64_t>(st.st_dev));
  EXPECT_EQ(p.inode, static_cast<uint64_t>(st.st_ino));
  EXPECT_EQ(p.offset, 8u);  // the held "thr" is not counted
  EXPECT_EQ(p.line_no, 2u);
}

TEST(ScanFollowResume, ResumesTheSameFileWhereItStopped) {
  testing::TempDir dir;
  const std::string path = dir.File("a.log");
  Append(path, "one\ntwo\nthr");
  SourcePosition saved;
  {
    FileFollower f(path, {});
    Drain(f);
    saved = f.position();
  }
  Append(path, "ee\nfour\n");
  FileFollower resumed(path, {}, false, saved);
  EXPECT_EQ(resumed.position(), saved) << "before opening, the resume position";
  auto [text, first] = Drain(resumed);
  EXPECT_EQ(text, "three\nfour\n");
  EXPECT_EQ(first, 3u);
  EXPECT_EQ(resumed.position().line_no, 4u);
  // Resuming also wins over starting at the end.
  FileFollower at_end(path, {}, true, saved);
  EXPECT_EQ(Drain(at_end).first, "three\nfour\n");
}

TEST(ScanFollowResume, AnotherOrShorterFileIsReadFromItsStart) {
  testing::TempDir dir;
  const std::string path = dir.File("a.log");
  Append(path, "one\ntwo\n");
  SourcePosition saved;
  {
    FileFollower f(path, {});
    Drain(f);
    saved = f.position();
  }
  // Rotated while stopped: a new file under the name.
  ASSERT_EQ(std::rename(path.c_str(), dir.File("a.log.1").c_str()), 0);
  Append(path, "new\n");
  {
    FileFollower f(path, {}, false, saved);
    auto [text, first] = Drain(f);
    EXPECT_EQ(text, "new\n");
    EXPECT_EQ(first, 1u);
  }
  // The same file, but shorter than the saved offset: truncated.
  SourcePosition beyond = saved;
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  beyond.device = static_cast<uint64_t>(st.st_dev);
  beyond.inode = static_cast<uint64_t>(st.st_ino);
  beyond.offset = 1000;
  beyond.line_no = 50;
  FileFollower f(path, {}, false, beyond);
  auto [text, first] = Drain(f);
  EXPECT_EQ(text, "new\n");
  EXPECT_EQ(first, 1u);
}

}  // namespace
}  // namespace ecrn::scan
