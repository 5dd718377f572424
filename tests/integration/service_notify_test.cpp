// systemd's readiness protocol (Type=notify): started with $NOTIFY_SOCKET,
// the gateway reports READY=1 once its listeners are bound, RELOADING=1 and
// READY=1 again around a SIGHUP reload (a rejected one too), and STOPPING=1
// when SIGTERM starts the drain — the datagrams systemd reads, received here
// on a real unix socket.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "gateway_fixture.h"

namespace itest {
namespace {

// A unix datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    bound_ =
        fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
    ::unlink(path_.c_str());
  }
  bool bound() const { return bound_; }

  // The next datagram, or "" after `timeout`.
  std::string next(std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = timeout.count() / 1000;
    tv.tv_usec = (timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

class ServiceNotifyTest : public GatewayTest {
 protected:
  ServiceNotifyTest() : socket_(dir_.file("notify.sock")) {
    config_.routes = {R"({match: {prefix: "/"}, upstream: api})"};
    ::setenv("NOTIFY_SOCKET", dir_.file("notify.sock").c_str(), 1);
  }
  ~ServiceNotifyTest() override { ::unsetenv("NOTIFY_SOCKET"); }

  NotifySocket socket_;
};

TEST_F(ServiceNotifyTest, ReportsReadyReloadingAndStopping) {
  ASSERT_TRUE(socket_.bound());
  ASSERT_TRUE(start_gateway());
  const std::string ready = socket_.next(std::chrono::seconds(5));
  EXPECT_NE(ready.find("READY=1"), std::string::npos) << ready;
  // READY=1 came after the listeners were bound: the gateway serves.
  EXPECT_EQ(get("/").status, 200);

  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  const std::string reloading = socket_.next(std::chrono::seconds(10));
  EXPECT_NE(reloading.find("RELOADING=1"), std::string::npos) << reloading;
  EXPECT_NE(reloading.find("MONOTONIC_USEC="), std::string::npos) << reloading;
  EXPECT_EQ(socket_.next(std::chrono::seconds(10)), "READY=1");

  // A rejected reload ends in READY=1 too: the old config serves on.
  write_config_file("routes: [ {match: \n");
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  EXPECT_NE(socket_.next(std::chrono::seconds(10)).find("RELOADING=1"), std::string::npos);
  EXPECT_EQ(socket_.next(std::chrono::seconds(10)), "READY=1");
  EXPECT_EQ(get("/").status, 200);

  ASSERT_TRUE(gateway_->send_signal(SIGTERM));
  EXPECT_EQ(socket_.next(std::chrono::seconds(10)), "STOPPING=1");
  EXPECT_EQ(gateway_->wait_exit(std::chrono::seconds(10)), 0);
}

}  // namespace
}  // namespace itest
