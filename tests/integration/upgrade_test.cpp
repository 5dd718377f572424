// An upgrade without downtime (docs/operations.md, Deploy): a second
// instance starts beside the running one with the same configuration — its
// listeners, admin included, join the first's through SO_REUSEPORT — and the
// old one is then sent SIGTERM: its in-flight request finishes, it exits 0,
// and the new instance serves every later connection.
#include <signal.h>

#include "eventually.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

class UpgradeTest : public GatewayTest {
 protected:
  UpgradeTest() { config_.routes = {R"({match: {prefix: "/api/"}, upstream: api})"}; }
};

TEST_F(UpgradeTest, ANewInstanceTakesOverWhileTheOldOneDrains) {
  origin_.on("/api/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "finished by the old instance");
    reply.delay = 1s;
    return reply;
  });
  ASSERT_TRUE(start_gateway());
  HttpConnection in_flight(port());
  ASSERT_TRUE(in_flight.send(build_request("GET", "/api/slow")));
  ASSERT_TRUE(origin_.wait_for_requests(1, 3s));

  // The new instance: same configuration, same ports, its own output files.
  TempDir new_dir;
  GatewayProcess next(config_path_, config_.admin_port, new_dir.path());
  ASSERT_TRUE(next.start());
  ASSERT_TRUE(eventually(
      [&] { return next.stderr_text().find("centinela started") != std::string::npos; }, 10s))
      << next.stderr_text();

  ASSERT_TRUE(gateway_->send_signal(SIGTERM));
  ReadOptions options;
  options.timeout = 5s;
  HttpResponse finished = in_flight.read_response(options);
  EXPECT_EQ(finished.status, 200) << finished.error;
  EXPECT_EQ(finished.body, "finished by the old instance");
  std::optional<int> exit_code = gateway_->wait_exit(8s);
  ASSERT_TRUE(exit_code) << "the old instance still runs";
  EXPECT_EQ(*exit_code, 0);

  // Only the new instance is left: it answers every new connection.
  for (int i = 0; i < 20; ++i) {
    HttpResponse response = get("/api/items?i=" + std::to_string(i));
    ASSERT_EQ(response.status, 200) << i << ": " << response.error;
  }
  EXPECT_EQ(admin_get("/health").status, 200);
  EXPECT_TRUE(next.running());
  next.send_signal(SIGTERM);
  EXPECT_EQ(next.wait_exit(8s), 0);
}

}  // namespace
}  // namespace itest
