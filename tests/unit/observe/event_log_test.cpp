#include "observe/event_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

namespace centinela::observe {
namespace {

namespace json = boost::json;

// Captures the event log into a temporary file for one test.
class EventLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/centinela-events-XXXXXX";
    fd_ = mkstemp(pattern);
    ASSERT_GE(fd_, 0);
    path_ = pattern;
    previous_fd_ = set_event_log_fd(fd_);
    previous_level_ = event_log_level();
  }
  void TearDown() override {
    set_event_log_fd(previous_fd_);
    set_event_log_level(previous_level_);
    ::close(fd_);
    std::remove(path_.c_str());
  }
  std::vector<std::string> lines() {
    std::ifstream in(path_);
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

  int fd_ = -1;
  int previous_fd_ = 2;
  Level previous_level_ = Level::info;
  std::string path_;
};

TEST_F(EventLogTest, WritesOneJsonObjectPerLine) {
  log_event(Level::warn, "config reload failed",
            {{"file", "/etc/centinela.yaml"}, {"error", "line 3: \"bad\"\nvalue"}});
  const auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  const json::object o = json::parse(written[0]).as_object();
  EXPECT_EQ(o.at("level").as_string(), "warn");
  EXPECT_EQ(o.at("msg").as_string(), "config reload failed");
  EXPECT_EQ(o.at("file").as_string(), "/etc/centinela.yaml");
  EXPECT_EQ(o.at("error").as_string(), "line 3: \"bad\"\nvalue");
  const std::string ts(o.at("ts").as_string());
  EXPECT_EQ(ts.size(), 24u);
  EXPECT_EQ(ts.back(), 'Z');
}

TEST_F(EventLogTest, NumbersAreJsonNumbers) {
  const std::size_t routes = 3;
  const std::int64_t negative = -5;
  log_event(Level::info, "numbers",
            {{"routes", routes},
             {"delta", negative},
             {"seconds", 0.25},
             {"nan", std::numeric_limits<double>::quiet_NaN()},
             {"text", "42"}});
  const auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  const json::object o = json::parse(written[0]).as_object();
  EXPECT_EQ(o.at("routes").to_number<double>(), 3.0);
  EXPECT_TRUE(o.at("routes").is_number()) << written[0];
  EXPECT_EQ(o.at("delta").as_int64(), -5);
  EXPECT_EQ(o.at("seconds").as_double(), 0.25);
  EXPECT_TRUE(o.at("nan").is_null());
  EXPECT_EQ(o.at("text").as_string(), "42");  // text stays text
}

TEST_F(EventLogTest, MessagesBelowTheLevelAreDropped) {
  set_event_log_level(Level::warn);
  log_event(Level::debug, "noise");
  log_event(Level::info, "started");
  log_event(Level::error, "broken");
  const auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_NE(written[0].find("\"msg\":\"broken\""), std::string::npos);
  EXPECT_FALSE(event_log_enabled(Level::info));
  EXPECT_TRUE(event_log_enabled(Level::warn));
}

TEST_F(EventLogTest, LinesFromManyThreadsNeverInterleave) {
  std::vector<std::thread> threads;
  const std::string long_value(3000, 'v');
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        log_event(Level::info, "tick", {{"thread", std::to_string(t)}, {"pad", long_value}});
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto written = lines();
  ASSERT_EQ(written.size(), 1600u);
  for (const std::string& line : written) {
    json::error_code ec;
    json::parse(line, ec);
    ASSERT_FALSE(ec) << line.substr(0, 200);
  }
}

TEST(EventLogLevel, ParsesNames) {
  EXPECT_EQ(parse_level("debug"), Level::debug);
  EXPECT_EQ(parse_level("info"), Level::info);
  EXPECT_EQ(parse_level("warn"), Level::warn);
  EXPECT_EQ(parse_level("warning"), Level::warn);
  EXPECT_EQ(parse_level("error"), Level::error);
  EXPECT_EQ(parse_level("nonsense"), Level::info);
  EXPECT_EQ(to_string(Level::error), "error");
}

}  // namespace
}  // namespace centinela::observe
