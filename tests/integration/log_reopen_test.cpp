// External log rotation: logrotate moves the file away and sends SIGUSR1; the
// gateway writes what it held to the moved file and opens the path again,
// without a reload and without losing a line.
#include <signal.h>

#include <filesystem>

#include "gateway_fixture.h"

namespace itest {
namespace {

class LogReopenTest : public GatewayTest {
 protected:
  bool logged(const std::string& path, const HttpResponse& response) const {
    const std::string id = response.header("x-request-id").value_or("(no X-Request-ID)");
    return read_file(path).find("\"request_id\":\"" + id + "\"") != std::string::npos;
  }
};

TEST_F(LogReopenTest, Sigusr1OpensTheMovedLogAgainAtItsPath) {
  ASSERT_TRUE(start_gateway());
  const std::string path = config_.access_log_path;
  const std::string moved = path + ".1";

  HttpResponse before = get("/before-rotation");
  ASSERT_EQ(before.status, 200) << before.error;
  ASSERT_TRUE(eventually([&] { return logged(path, before); }, std::chrono::seconds(5)));

  std::filesystem::rename(path, moved);
  HttpResponse between = get("/between-move-and-signal");  // still goes to the moved file
  ASSERT_EQ(between.status, 200) << between.error;
  ASSERT_TRUE(gateway_->send_signal(SIGUSR1));
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(path); }, std::chrono::seconds(5)))
      << "the path was not opened again";

  HttpResponse after = get("/after-rotation");
  ASSERT_EQ(after.status, 200) << after.error;
  EXPECT_TRUE(eventually([&] { return logged(path, after); }, std::chrono::seconds(5)))
      << read_file(path);
  EXPECT_TRUE(logged(moved, before));
  EXPECT_TRUE(logged(moved, between)) << "a line written before the signal was lost";
  EXPECT_FALSE(logged(path, before));
  EXPECT_NE(gateway_->stderr_text().find("log files reopened"), std::string::npos);
  // Nothing else was reloaded.
  EXPECT_EQ(gateway_->stderr_text().find("configuration reloaded"), std::string::npos);
}

TEST_F(LogReopenTest, Sigusr1WithTheFileInPlaceKeepsAppending) {
  ASSERT_TRUE(start_gateway());
  HttpResponse first = get("/first");
  ASSERT_EQ(first.status, 200) << first.error;
  ASSERT_TRUE(gateway_->send_signal(SIGUSR1));
  ASSERT_TRUE(eventually(
      [&] { return gateway_->stderr_text().find("log files reopened") != std::string::npos; },
      std::chrono::seconds(5)));
  HttpResponse second = get("/second");
  ASSERT_EQ(second.status, 200) << second.error;
  const std::string path = config_.access_log_path;
  EXPECT_TRUE(eventually([&] { return logged(path, second); }, std::chrono::seconds(5)));
  EXPECT_TRUE(logged(path, first)) << "the file was truncated on reopen";
}

}  // namespace
}  // namespace itest
