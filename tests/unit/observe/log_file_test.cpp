// File sink rotation: by size, daily, retention and gzip of rotated files.
#include "observe/log_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "observe/event_log.h"
#include "observe/log_rotation.h"

namespace centinela::observe {
namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;
using namespace std::chrono_literals;

std::string cfg_name(int stream) { return stream == 1 ? "stdout" : "stderr"; }

class LogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/centinela-logfile-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/access.log";
  }
  void TearDown() override { fs::remove_all(dir_); }

  config::AccessLogConfig file_config(std::uint64_t max_size, unsigned keep, bool compress) {
    config::AccessLogConfig cfg;
    cfg.path = path_;
    cfg.rotate.max_size = max_size;
    cfg.rotate.keep = keep;
    cfg.rotate.compress = compress;
    return cfg;
  }

  static std::string read_file(const std::string& path) {
    if (path.ends_with(".gz")) {
      gzFile in = gzopen(path.c_str(), "rb");
      EXPECT_NE(in, nullptr) << path;
      if (in == nullptr) return {};
      std::string text;
      char chunk[4096];
      int n = 0;
      while ((n = gzread(in, chunk, sizeof chunk)) > 0)
        text.append(chunk, static_cast<std::size_t>(n));
      EXPECT_EQ(n, 0) << "gzread failed on " << path;
      gzclose(in);
      return text;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // Rotated files oldest first, then the live file.
  std::string everything_written() {
    std::string all;
    for (const std::string& file : list_rotated_files(path_)) all += read_file(file);
    return all + read_file(path_);
  }

  static std::string numbered_line(int i) {
    std::string line = "{\"n\":" + std::to_string(i) + ",\"pad\":\"";
    line.resize(28, 'x');
    return line + "\"}\n";  // 31 bytes
  }

  std::string dir_;
  std::string path_;
  const system_clock::time_point now_ = system_clock::time_point(1795439805123ms);
};

TEST_F(LogFileTest, AppendsWithoutRotationByDefault) {
  LogSink sink;
  sink.open(file_config(0, 7, false), now_);
  sink.write("a\n", now_);
  sink.write("b\n", now_);
  EXPECT_EQ(read_file(path_), "a\nb\n");
  EXPECT_TRUE(list_rotated_files(path_).empty());
}

TEST_F(LogFileTest, AppendsToAnExistingFile) {
  std::ofstream(path_) << "old\n";
  LogSink sink;
  sink.open(file_config(0, 7, false), now_);
  sink.write("new\n", now_);
  EXPECT_EQ(read_file(path_), "old\nnew\n");
}

TEST_F(LogFileTest, ReopenWritesToTheFileAtThePathAfterAMove) {
  LogSink sink;
  sink.open(file_config(0, 7, false), now_);
  sink.write("before\n", now_);
  fs::rename(path_, path_ + ".moved");
  sink.write("moved\n", now_);  // the open file still takes lines
  sink.reopen(now_);
  sink.write("after\n", now_);
  EXPECT_EQ(read_file(path_ + ".moved"), "before\nmoved\n");
  EXPECT_EQ(read_file(path_), "after\n");
}

TEST_F(LogFileTest, ReopenOfAStreamKeepsTheStream) {
  LogSink sink;
  config::AccessLogConfig cfg;
  cfg.path = "off";
  sink.open(cfg, now_);
  sink.reopen(now_);
  EXPECT_FALSE(sink.is_file());
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(LogFileTest, SizeRotationKeepsWholeLinesAndNoFileExceedsMaxSize) {
  LogSink sink;
  sink.open(file_config(100, 50, false), now_);
  std::string expected;
  std::string batch;
  for (int i = 0; i < 40; ++i) {
    batch += numbered_line(i);
    if (i % 3 == 2) {  // several lines per write, like the writer thread does
      sink.write(batch, now_);
      expected += batch;
      batch.clear();
    }
  }
  sink.write(batch, now_);
  expected += batch;

  const auto rotated = list_rotated_files(path_);
  ASSERT_GE(rotated.size(), 12u);  // 40 lines * 31 B, 3 lines per 100 B file
  for (const std::string& file : rotated) {
    const std::string text = read_file(file);
    EXPECT_LE(text.size(), 100u) << file;
    EXPECT_EQ(text.size() % 31, 0u) << "split line in " << file;
  }
  EXPECT_EQ(everything_written(), expected);  // also checks the .N ordering (.2 before .10)
}

TEST_F(LogFileTest, RotatedNamesCarryTheUtcTimestamp) {
  LogSink sink;
  sink.open(file_config(40, 10, false), now_);
  sink.write(numbered_line(1), now_);
  sink.write(numbered_line(2), now_);
  sink.write(numbered_line(3), now_);
  const auto rotated = list_rotated_files(path_);
  ASSERT_EQ(rotated.size(), 2u);
  EXPECT_EQ(rotated[0], path_ + ".20261123-131645");
  EXPECT_EQ(rotated[1], path_ + ".20261123-131645.1");
}

TEST_F(LogFileTest, KeepsOnlyTheNewestRotatedFiles) {
  LogSink sink;
  sink.open(file_config(31, 3, false), now_);
  for (int i = 0; i < 10; ++i) sink.write(numbered_line(i), now_ + std::chrono::seconds(i));
  const auto rotated = list_rotated_files(path_);
  ASSERT_EQ(rotated.size(), 3u);
  EXPECT_EQ(read_file(rotated[0]), numbered_line(6));
  EXPECT_EQ(read_file(rotated[1]), numbered_line(7));
  EXPECT_EQ(read_file(rotated[2]), numbered_line(8));
  EXPECT_EQ(read_file(path_), numbered_line(9));
}

TEST_F(LogFileTest, CompressesRotatedFilesWithGzip) {
  LogSink sink;
  sink.open(file_config(100, 4, true), now_);
  std::string expected;
  for (int i = 0; i < 9; ++i) {
    sink.write(numbered_line(i), now_);
    expected += numbered_line(i);
  }
  const auto rotated = list_rotated_files(path_);
  ASSERT_EQ(rotated.size(), 2u);
  for (const std::string& file : rotated) {
    EXPECT_TRUE(file.ends_with(".gz")) << file;
    EXPECT_FALSE(fs::exists(file.substr(0, file.size() - 3))) << "uncompressed copy left";
  }
  EXPECT_EQ(read_file(rotated[0]), numbered_line(0) + numbered_line(1) + numbered_line(2));
  EXPECT_EQ(everything_written(), expected);
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_FALSE(entry.path().string().ends_with(".tmp")) << entry.path();
  }
}

TEST_F(LogFileTest, OversizedLineGetsAFileOfItsOwn) {
  LogSink sink;
  sink.open(file_config(20, 10, false), now_);
  const std::string big = std::string(50, 'b') + "\n";
  sink.write("small\n" + big + "tail\n", now_);
  const auto rotated = list_rotated_files(path_);
  ASSERT_EQ(rotated.size(), 2u);
  EXPECT_EQ(read_file(rotated[0]), "small\n");
  EXPECT_EQ(read_file(rotated[1]), big);
  EXPECT_EQ(read_file(path_), "tail\n");
}

TEST_F(LogFileTest, DailyRotationAtUtcMidnight) {
  config::AccessLogConfig cfg = file_config(0, 7, false);
  cfg.rotate.daily = true;
  const auto before_midnight = system_clock::time_point(86'400'000ms * 20500 - 1ms);
  LogSink sink;
  sink.open(cfg, before_midnight - 1h);
  sink.write("day one\n", before_midnight);
  sink.write("still day one\n", before_midnight);
  EXPECT_TRUE(list_rotated_files(path_).empty());
  sink.write("day two\n", before_midnight + 1ms);
  const auto rotated = list_rotated_files(path_);
  ASSERT_EQ(rotated.size(), 1u);
  EXPECT_EQ(read_file(rotated[0]), "day one\nstill day one\n");
  EXPECT_EQ(read_file(path_), "day two\n");
}

TEST_F(LogFileTest, DailyRotationOfAFileLeftFromAnEarlierDay) {
  std::ofstream(path_) << "yesterday\n";
  const time_t yesterday = system_clock::to_time_t(now_ - 24h);
  utimbuf times{yesterday, yesterday};
  ASSERT_EQ(utime(path_.c_str(), &times), 0);
  config::AccessLogConfig cfg = file_config(0, 7, false);
  cfg.rotate.daily = true;
  LogSink sink;
  sink.open(cfg, now_);
  sink.write("today\n", now_);
  const auto rotated = list_rotated_files(path_);
  ASSERT_EQ(rotated.size(), 1u);
  EXPECT_EQ(read_file(rotated[0]), "yesterday\n");
  EXPECT_EQ(read_file(path_), "today\n");
}

TEST_F(LogFileTest, UnopenableFileDropsLinesAndReportsOnce) {
  const std::string events = dir_ + "/events.log";
  const int fd = ::open(events.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const int previous = set_event_log_fd(fd);
  config::AccessLogConfig cfg = file_config(0, 7, false);
  cfg.path = dir_ + "/missing-dir/access.log";
  {
    LogSink sink;
    sink.open(cfg, now_);
    sink.write("lost\n", now_);
    sink.write("lost\n", now_ + 1s);
  }
  set_event_log_fd(previous);
  ::close(fd);
  const std::string logged = read_file(events);
  EXPECT_NE(logged.find("cannot open access log"), std::string::npos) << logged;
  EXPECT_EQ(logged.find("cannot open access log"), logged.rfind("cannot open access log"));
}

TEST_F(LogFileTest, StdoutAndStderrSinksWriteToTheirStreams) {
  for (const int stream : {1, 2}) {
    const std::string capture = dir_ + "/stream" + std::to_string(stream);
    const int fd = ::open(capture.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    std::fflush(nullptr);
    const int saved = ::dup(stream);
    ::dup2(fd, stream);
    {
      config::AccessLogConfig cfg;
      cfg.path = stream == 1 ? "stdout" : "stderr";
      LogSink sink;
      sink.open(cfg, now_);
      EXPECT_FALSE(sink.is_file());
      sink.write("{\"to\":\"stream\"}\n", now_);
    }
    ::dup2(saved, stream);
    ::close(saved);
    ::close(fd);
    EXPECT_EQ(read_file(capture), "{\"to\":\"stream\"}\n") << cfg_name(stream);
  }
}

TEST_F(LogFileTest, OffSinkWritesNothing) {
  config::AccessLogConfig cfg = file_config(0, 7, false);
  cfg.path = "off";
  LogSink sink;
  sink.open(cfg, now_);
  sink.write("dropped\n", now_);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST(LogRotationNames, IgnoresUnrelatedFiles) {
  char pattern[] = "/tmp/centinela-names-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  for (const char* name : {"app.log.20260101-000000", "app.log.20260101-000000.2.gz",
                           "app.log.20260101-000000.10", "app.log.old", "app.log.2026",
                           "app.log.20260101-000000.gz.tmp", "other.log.20260101-000000"}) {
    std::ofstream(dir + "/" + name) << "x";
  }
  const auto rotated = list_rotated_files(dir + "/app.log");
  EXPECT_EQ(rotated, (std::vector<std::string>{dir + "/app.log.20260101-000000",
                                               dir + "/app.log.20260101-000000.2.gz",
                                               dir + "/app.log.20260101-000000.10"}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace centinela::observe
