// Signals: SIGTERM drains in-flight requests and exits 0; SIGHUP reloads the
// file, keeping the old config when the new one is invalid.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "child_process.h"
#include "gateway_fixture.h"

namespace itest {
namespace {

class LifecycleTest : public GatewayTest {
 protected:
  LifecycleTest() { config_.routes = {R"({match: {prefix: "/api/"}, upstream: api})"}; }

  double reloads(const std::string& result) {
    return metric("centinela_config_reloads_total", {{"result", result}}).value_or(0);
  }
};

TEST_F(LifecycleTest, SigtermFinishesInFlightRequestAndExitsZero) {
  origin_.on("/api/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "finished");
    reply.delay = 1s;
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpConnection client(port());
  ASSERT_TRUE(client.send(build_request("GET", "/api/slow")));
  ASSERT_TRUE(origin_.wait_for_requests(1, 3s)) << "the slow request never reached the origin";
  auto signalled = Clock::now();
  ASSERT_TRUE(gateway_->send_signal(SIGTERM));

  // Draining: new requests are no longer served while the slow one is in flight.
  EXPECT_TRUE(eventually([&] { return http_get(port(), "/api/new", {}, 300ms).status != 200; },
                         800ms, 50ms))
      << "still accepting new requests after SIGTERM";

  ReadOptions options;
  options.timeout = 5s;
  HttpResponse response = client.read_response(options);
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "finished");

  std::optional<int> exit_code = gateway_->wait_exit(8s);
  ASSERT_TRUE(exit_code) << "still running 8 s after SIGTERM";
  EXPECT_EQ(*exit_code, 0);
  EXPECT_LT(Clock::now() - signalled, 5s);
}

TEST_F(LifecycleTest, SigtermWithNothingInFlightExitsPromptly) {
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/api/warm").status, 200);
  auto signalled = Clock::now();
  ASSERT_TRUE(gateway_->send_signal(SIGTERM));
  std::optional<int> exit_code = gateway_->wait_exit(4s);
  ASSERT_TRUE(exit_code) << "still running 4 s after SIGTERM";
  EXPECT_EQ(*exit_code, 0);
  EXPECT_LT(Clock::now() - signalled, 2s);
}

TEST_F(LifecycleTest, SighupWithValidFileServesTheNewRoute) {
  ASSERT_TRUE(start_gateway());
  EXPECT_EQ(get("/new/thing").status, 404);
  double successes = reloads("success");

  config_.routes.push_back(R"({match: {prefix: "/new/"}, upstream: api})");
  write_config_file();
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));

  EXPECT_TRUE(eventually([&] { return get("/new/thing").status == 200; }, 3s))
      << gateway_->stderr_text();
  EXPECT_TRUE(eventually([&] { return reloads("success") == successes + 1; }, 2s))
      << metrics_text();
  EXPECT_EQ(get("/api/still").status, 200);
  EXPECT_TRUE(gateway_->running());
}

TEST_F(LifecycleTest, NoRequestFailsDuringRepeatedReloads) {
  ASSERT_TRUE(start_gateway());
  std::atomic<int> served{0};
  std::atomic<int> failed{0};
  std::mutex failure_mutex;
  std::string first_failure;
  // jthread: stopped and joined on every exit path, an ASSERT included.
  std::jthread load([&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      HttpResponse response = get("/api/under-reload");
      if (response.status == 200) {
        ++served;
        continue;
      }
      ++failed;
      std::lock_guard lock(failure_mutex);
      if (first_failure.empty()) {
        first_failure = "status " + std::to_string(response.status) + " " + response.error;
      }
    }
  });

  const double successes = reloads("success");
  const auto base_routes = config_.routes;
  for (int i = 1; i <= 10; ++i) {
    config_.routes = base_routes;
    if (i % 2) config_.routes.push_back(R"({match: {prefix: "/odd/"}, upstream: api})");
    write_config_file();
    ASSERT_TRUE(gateway_->send_signal(SIGHUP));
    ASSERT_TRUE(eventually([&] { return reloads("success") >= successes + i; }, 3s))
        << "reload " << i << " not counted";
  }
  load.request_stop();
  load.join();

  EXPECT_EQ(failed.load(), 0) << "first failure: " << first_failure;
  EXPECT_GT(served.load(), 20);
  EXPECT_EQ(reloads("success"), successes + 10);
  EXPECT_EQ(get("/odd/x").status, 404);  // the last file (i = 10) has no /odd/ route
}

TEST_F(LifecycleTest, SighupWithInvalidFileKeepsTheOldConfig) {
  ASSERT_TRUE(start_gateway());
  const double successes = reloads("success");
  const double failures = reloads("failure");

  GatewayConfig broken = config_;
  broken.routes.push_back(R"({match: {prefix: "/never/"}, upstream: api})");
  std::string yaml = broken.render();
  const auto bad_line = std::count(yaml.begin(), yaml.end(), '\n') + 1;
  yaml += "bogus_key: 1\n";
  write_config_file(yaml);
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));

  EXPECT_TRUE(eventually([&] { return reloads("failure") == failures + 1; }, 3s)) << metrics_text();
  EXPECT_EQ(reloads("success"), successes);
  EXPECT_EQ(get("/api/still").status, 200);
  EXPECT_EQ(get("/never/x").status, 404);
  EXPECT_TRUE(gateway_->running());

  const std::string where = fmt::format("{}:{}:1", config_path(), bad_line);
  EXPECT_TRUE(eventually(
      [&] {
        std::string text = gateway_->stderr_text();
        return text.find(where) != std::string::npos && text.find("bogus_key") != std::string::npos;
      },
      2s))
      << "stderr does not say " << where << " ... bogus_key:\n"
      << gateway_->stderr_text();
}

// A reload cannot move listeners, workers or the cache's size: it applies the
// rest and names each key it could not apply.
TEST_F(LifecycleTest, AReloadNamesTheKeysThatNeedARestart) {
  ASSERT_TRUE(start_gateway());
  config_.workers = 1;
  config_.routes.push_back(R"({match: {prefix: "/new/"}, upstream: api})");
  write_config_file(config_.render() + "cache: {memory: 8MiB}\n");
  const double before = reloads("success");
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually([&] { return reloads("success") > before; }, 3s))
      << gateway_->stderr_text();
  const std::string log = gateway_->stderr_text();
  EXPECT_NE(log.find(R"("key":"server.workers")"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("key":"cache.memory")"), std::string::npos) << log;
  EXPECT_EQ(log.find(R"("key":"server.listen")"), std::string::npos) << log;
  // The rest of the file is in use.
  EXPECT_EQ(get("/new/x").status, 200);
}

// A port another process holds (without SO_REUSEPORT): the gateway exits 1
// and says which address, why, and how to find the holder.
TEST_F(LifecycleTest, ABindErrorNamesTheAddressAndWhy) {
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // a free port, held here
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length), 0);
  config_.listen_port = ntohs(address.sin_port);
  write_config_file();
  const CommandResult run =
      run_command({centinela_binary(), "run", "-c", config_path_}, std::chrono::seconds(30));
  ::close(holder);
  EXPECT_EQ(run.exit_code, 1) << run.output();
  EXPECT_NE(run.err.find(fmt::format("cannot listen on 127.0.0.1:{}: the address is already in use",
                                     config_.listen_port)),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("ss -ltnp"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace itest
