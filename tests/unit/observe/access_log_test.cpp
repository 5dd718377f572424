// The access log end to end: workers write, the writer thread delivers.
#include "observe/access_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "observe/event_log.h"
#include "observe/log_rotation.h"
#include "observe/worker_index.h"

namespace centinela::observe {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

class AccessLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/centinela-accesslog-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    events_path_ = dir_ + "/events.log";
    events_fd_ = ::open(events_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ASSERT_GE(events_fd_, 0);
    previous_events_fd_ = set_event_log_fd(events_fd_);
  }
  void TearDown() override {
    set_event_log_fd(previous_events_fd_);
    ::close(events_fd_);
    fs::remove_all(dir_);
  }

  config::LogConfig config_for(const std::string& file) {
    config::LogConfig cfg;
    cfg.access.path = dir_ + "/" + file;
    cfg.redact.query_params = {"token"};
    return cfg;
  }

  static std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  static json::object parse(const std::string& line) {
    json::error_code ec;
    json::value value = json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    return value.is_object() ? value.as_object() : json::object{};
  }

  static AccessLogRecord record(std::string_view request_id, double duration_ms = 5) {
    AccessLogRecord r;
    r.start = std::chrono::system_clock::now();
    r.request_id = request_id;
    r.method = "GET";
    r.path = "/api/items";
    r.query = "token=abc&x=1";
    r.status = 200;
    r.duration_ms = duration_ms;
    return r;
  }

  std::string dir_;
  std::string events_path_;
  int events_fd_ = -1;
  int previous_events_fd_ = 2;
};

TEST_F(AccessLogTest, LinesFromManyWorkersAllReachTheFile) {
  AccessLog log(config_for("access.log"));
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < 4; ++w) {
    workers.emplace_back([&log, w] {
      set_worker_index(w);
      for (int i = 0; i < 500; ++i) {
        const std::string id = "w" + std::to_string(w) + "-" + std::to_string(i);
        log.write(record(id));
      }
    });
  }
  for (auto& t : workers) t.join();
  log.flush();

  const auto lines = read_lines(dir_ + "/access.log");
  ASSERT_EQ(lines.size(), 2000u);
  std::set<std::string> ids;
  for (const std::string& line : lines) {
    const json::object o = parse(line);
    ids.insert(std::string(o.at("request_id").as_string()));
    EXPECT_EQ(o.at("query").as_string(), "token=[REDACTED]&x=1");
  }
  EXPECT_EQ(ids.size(), 2000u);
}

TEST_F(AccessLogTest, WritesAreDeliveredWithoutAnExplicitFlush) {
  AccessLog log(config_for("access.log"));
  log.write(record("soon"));
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (read_lines(dir_ + "/access.log").empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(read_lines(dir_ + "/access.log").size(), 1u);
}

TEST_F(AccessLogTest, DestructorWritesOutWhatIsBuffered) {
  {
    AccessLog log(config_for("access.log"));
    for (int i = 0; i < 10; ++i) log.write(record("bye"));
  }
  EXPECT_EQ(read_lines(dir_ + "/access.log").size(), 10u);
}

TEST_F(AccessLogTest, SlowRequestsAlsoWarnOnTheEventLog) {
  AccessLog log(config_for("access.log"));
  log.write(record("quick", 5));
  log.write(record("sluggish", 800));
  log.write(record("glacial", 5000));
  log.flush();

  const auto access = read_lines(dir_ + "/access.log");
  ASSERT_EQ(access.size(), 3u);
  EXPECT_EQ(parse(access[1]).at("speed").as_string(), "slow");
  EXPECT_EQ(parse(access[2]).at("speed").as_string(), "very_slow");

  const auto events = read_lines(events_path_);
  ASSERT_EQ(events.size(), 2u);
  const json::object first = parse(events[0]);
  EXPECT_EQ(first.at("level").as_string(), "warn");
  EXPECT_EQ(first.at("msg").as_string(), "slow request");
  EXPECT_EQ(first.at("request_id").as_string(), "sluggish");
  EXPECT_EQ(parse(events[1]).at("speed").as_string(), "very_slow");
}

TEST_F(AccessLogTest, ReconfigureSwitchesFileAndRedaction) {
  AccessLog log(config_for("first.log"));
  log.write(record("before"));
  config::LogConfig next = config_for("second.log");
  next.redact.query_params = {"x"};
  log.reconfigure(next);
  log.write(record("after"));
  log.flush();

  const auto first = read_lines(dir_ + "/first.log");
  const auto second = read_lines(dir_ + "/second.log");
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(parse(first[0]).at("request_id").as_string(), "before");
  EXPECT_EQ(parse(second[0]).at("request_id").as_string(), "after");
  EXPECT_EQ(parse(second[0]).at("query").as_string(), "token=abc&x=[REDACTED]");
}

TEST_F(AccessLogTest, OffWritesNothing) {
  config::LogConfig cfg = config_for("unused.log");
  cfg.access.path = "off";
  AccessLog log(cfg);
  log.write(record("nowhere"));
  log.flush();
  EXPECT_FALSE(fs::exists(dir_ + "/unused.log"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);  // events
}

// The request path builds no record while this says false (request_record.cpp).
TEST_F(AccessLogTest, EnabledFollowsTheConfigurationAcrossReloads) {
  config::LogConfig off = config_for("unused.log");
  off.access.path = "off";
  AccessLog log(off);
  EXPECT_FALSE(log.enabled());
  log.reconfigure(config_for("on.log"));
  EXPECT_TRUE(log.enabled());
  log.reconfigure(off);
  EXPECT_FALSE(log.enabled());
}

TEST_F(AccessLogTest, RotatesAndCompressesThroughTheWriter) {
  config::LogConfig cfg = config_for("access.log");
  cfg.access.rotate.max_size = 2000;
  cfg.access.rotate.compress = true;
  cfg.access.rotate.keep = 100;
  AccessLog log(cfg);
  for (int i = 0; i < 50; ++i) {
    log.write(record("r" + std::to_string(i)));
    if (i % 10 == 9) log.flush();
  }
  log.flush();

  std::size_t total_lines = read_lines(dir_ + "/access.log").size();
  const auto rotated = list_rotated_files(dir_ + "/access.log");
  ASSERT_FALSE(rotated.empty());
  for (const std::string& file : rotated) {
    ASSERT_TRUE(file.ends_with(".gz")) << file;
    gzFile in = gzopen(file.c_str(), "rb");
    ASSERT_NE(in, nullptr);
    std::string text;
    char chunk[4096];
    for (int n; (n = gzread(in, chunk, sizeof chunk)) > 0;) text.append(chunk, n);
    gzclose(in);
    EXPECT_LE(text.size(), 2000u);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line); ++total_lines) parse(line);
  }
  EXPECT_EQ(total_lines, 50u);
}

}  // namespace
}  // namespace centinela::observe
