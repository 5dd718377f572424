// Redis over TLS (rediss://) end to end, against a real redis-server with a
// TLS port and certificates the test makes with the openssl CLI: shared rate
// limits, the L2 cache and purges over TLS, an ACL user, a wrong CA, a
// client certificate Redis requires, a Redis restart, and `check`'s errors.
// Redis down for any TLS reason is an outage like a refused connection: the
// gateway keeps serving, /ready says why, the reason is logged once.
#include <signal.h>

#include <functional>
#include <thread>

#include "cache_fixture.h"
#include "child_process.h"
#include "openssl_pki.h"
#include "redis_command.h"
#include "redis_server.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

// The "redis" member of /ready, and why it is down ("redis_error", "" when absent).
std::string redis_state(std::uint16_t admin) {
  auto body = parse_json(http_get(admin, "/ready").body);
  return body ? body->string_at("redis", "(not a string)") : "(not JSON)";
}
std::string redis_error(std::uint16_t admin) {
  auto body = parse_json(http_get(admin, "/ready").body);
  return body ? body->string_at("redis_error", "") : "(not JSON)";
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

class RedisTlsTest : public CacheTest {
 protected:
  void SetUp() override { ASSERT_TRUE(pki_.ok()) << pki_.error(); }

  RedisTlsFiles server_files(bool require_client_cert = false) const {
    return {pki_.server_cert(), pki_.server_key(), pki_.ca(), require_client_cert};
  }

  // `redis:` with `url` and a `tls:` map of `tls_fields` ("ca: ..., sni: ...").
  static std::string redis_yaml(const std::string& url, const std::string& tls_fields) {
    return "redis:\n  url: \"" + url + "\"\n  timeout: 500ms\n" +
           (tls_fields.empty() ? "" : "  tls: {" + tls_fields + "}\n");
  }
  std::string trusted() const { return "ca: \"" + pki_.ca() + "\""; }
  std::string with_client_cert() const {
    return trusted() + ", client_cert: \"" + pki_.client_cert() + "\", client_key: \"" +
           pki_.client_key() + "\"";
  }

  void limit_route(const std::string& policies) {
    config_.routes = {R"({match: {prefix: "/"}, upstream: api, rate_limit: )" + policies + "}"};
  }

  // Waits for /ready on `admin` to say `state`.
  static ::testing::AssertionResult redis_becomes(std::uint16_t admin, const std::string& state) {
    if (eventually([&] { return redis_state(admin) == state; }, 8000ms, 50ms)) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "/ready says redis is " << redis_state(admin) << " ("
                                         << redis_error(admin) << "), not " << state;
  }

  // /ready reports one connection; each worker has its own, and a request a
  // worker takes before its connection is up is decided in-process. Waits
  // until the two workers and the admin client have each logged theirs.
  static ::testing::AssertionResult all_connected(const GatewayProcess& process) {
    constexpr std::size_t kConnections = 3;
    if (eventually(
            [&] { return count_of(process.stderr_text(), "redis connected") >= kConnections; },
            8000ms, 20ms)) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "not every connection is up:\n"
                                         << process.stderr_text();
  }

  std::uint16_t other_port(std::size_t i) const { return others_.at(i)->port(); }
  std::uint16_t other_admin(std::size_t i) const { return others_.at(i)->admin_port(); }

  OpensslPki pki_;
};

TEST_F(RedisTlsTest, RateLimitsAreSharedByTwoGatewaysOverTls) {
  RedisServer redis({}, server_files());
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: shared, key: global, limit: 5, window: 1h}]");
  const std::string yaml = redis_yaml(redis.tls_url(), trusted());
  ASSERT_TRUE(start_other_gateway(yaml));
  ASSERT_TRUE(start_other_gateway(yaml));
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));
  ASSERT_TRUE(redis_becomes(other_admin(1), "connected"));
  ASSERT_TRUE(all_connected(*others_[0]->process));
  ASSERT_TRUE(all_connected(*others_[1]->process));

  for (int i = 0; i < 3; ++i) EXPECT_EQ(http_get(other_port(0), "/x").status, 200);
  // The other gateway sees the three spent: two left, then refused.
  EXPECT_EQ(http_get(other_port(1), "/x").status, 200);
  EXPECT_EQ(http_get(other_port(1), "/x").status, 200);
  EXPECT_EQ(http_get(other_port(1), "/x").status, 429);
  EXPECT_EQ(http_get(other_port(0), "/x").status, 429);
  // The count is in Redis (read through the cleartext port the test keeps).
  auto keys = redis_command(static_cast<std::uint16_t>(redis.port()), {"DBSIZE"});
  ASSERT_TRUE(keys);
  EXPECT_NE(keys->at(0), "0");
}

TEST_F(RedisTlsTest, TheL2CacheAndPurgesTravelOverTls) {
  RedisServer redis({}, server_files());
  ASSERT_TRUE(redis.running()) << redis.error();
  cache_route("{}");
  origin_.on("/s", numbered("s", {{"Cache-Control", "max-age=60"}, {"Cache-Tags", "t"}}));
  const std::string yaml =
      redis_yaml(redis.tls_url(), trusted()) + "cache:\n  memory: 64MiB\n  shared: redis\n";
  ASSERT_TRUE(start_with(yaml));
  ASSERT_TRUE(start_other_gateway(yaml));
  ASSERT_TRUE(redis_becomes(admin_port(), "connected"));
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));

  EXPECT_EQ(get("/s").body, "s-1");
  // Stored by A in Redis (the write is asynchronous: seen through the
  // cleartext port the test keeps), then served by B from there.
  ASSERT_TRUE(eventually(
      [&] {
        auto size = redis_command(static_cast<std::uint16_t>(redis.port()), {"DBSIZE"});
        return size && !size->empty() && size->front() != "0";
      },
      3000ms))
      << "A wrote nothing to Redis";
  HttpResponse from_l2 = http_get(other_port(0), "/s");
  EXPECT_EQ(x_cache(from_l2), "HIT") << "B did not read A's entry from Redis";
  EXPECT_EQ(from_l2.body, "s-1");
  EXPECT_EQ(origin_.request_count("/s"), 1u);

  // A purge on A reaches B's in-memory copy through pub/sub over TLS.
  ASSERT_EQ(x_cache(http_get(other_port(0), "/s")), "HIT");
  HttpResponse answer = purge(R"({"tags": ["t"]})");
  EXPECT_EQ(answer.status, 200) << answer.body;
  EXPECT_TRUE(
      eventually([&] { return x_cache(http_get(other_port(0), "/s")) == "MISS"; }, 5000ms, 25ms))
      << "B still served the purged entry";
}

TEST_F(RedisTlsTest, AnAclUserAuthenticatesWithItsPassword) {
  // The default user is off: only AUTH app <password> gets in.
  RedisServer redis(
      {}, server_files(),
      {"--user", "default", "off", "--user", "app", "on", ">s3cr%t@pw", "~*", "&*", "+@all"});
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: shared, key: global, limit: 2, window: 1h}]");
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url("app:s3cr%25t%40pw"), trusted())));
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url("app:wrong"), trusted())));
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));
  EXPECT_EQ(http_get(other_port(0), "/x").status, 200);
  EXPECT_EQ(http_get(other_port(0), "/x").status, 200);
  EXPECT_EQ(http_get(other_port(0), "/x").status, 429);

  // A wrong password is Redis down, not a broken gateway: it counts alone.
  ASSERT_TRUE(redis_becomes(other_admin(1), "disconnected"));
  EXPECT_NE(redis_error(other_admin(1)).find("WRONGPASS"), std::string::npos)
      << redis_error(other_admin(1));
  EXPECT_EQ(http_get(other_port(1), "/x").status, 200);
  for (auto& other : others_) {
    EXPECT_EQ(other->process->stderr_text().find("s3cr"), std::string::npos) << "password logged";
    EXPECT_EQ(other->process->stderr_text().find("wrong"), std::string::npos) << "password logged";
  }
}

TEST_F(RedisTlsTest, AnUntrustedServerIsRedisDownAndTheGatewayServes) {
  RedisServer redis({}, server_files());
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: p, key: ip, limit: 100, window: 1h}]");
  // Trusting another CA (and, below, the system's CAs only): the server's
  // certificate does not verify.
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url(), "ca: \"" + pki_.other_ca() + "\"") +
                                  "cache:\n  shared: redis\n"));
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url(), "")));
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(redis_becomes(other_admin(i), "disconnected"));
    EXPECT_NE(redis_error(other_admin(i)).find("certificate verify failed"), std::string::npos)
        << redis_error(other_admin(i));
    // Fail-open as with any Redis outage: the in-process limit decides.
    EXPECT_EQ(http_get(other_port(i), "/x").status, 200);
  }
  // Enough time for several reconnection attempts (100 ms, 200 ms, 400 ms,
  // 800 ms): each connection (2 workers, the admin client, the purge
  // subscriber) still logged the outage once.
  std::this_thread::sleep_for(2000ms);
  const std::string log = others_[0]->process->stderr_text();
  EXPECT_GE(count_of(log, "certificate verify failed"), 1u) << log;
  EXPECT_LE(count_of(log, "certificate verify failed"), 4u) << log;
  auto dashboard = parse_json(http_get(other_admin(0), "/admin/dashboard.json").body);
  ASSERT_TRUE(dashboard);
  EXPECT_EQ(dashboard->string_at("redis"), "disconnected");
  EXPECT_NE(dashboard->string_at("redis_error").find("certificate verify failed"),
            std::string::npos)
      << dashboard->string_at("redis_error");
}

TEST_F(RedisTlsTest, NameChecksAndVerifyOff) {
  RedisServer redis({}, server_files());
  ASSERT_TRUE(redis.running()) << redis.error();
  // The certificate names localhost and 127.0.0.1: both verify; another SNI
  // name does not; verify: false accepts even an untrusted server.
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url({}, "127.0.0.1"), trusted())));
  ASSERT_TRUE(start_other_gateway(
      redis_yaml(redis.tls_url(), trusted() + ", sni: not-this-server.example")));
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url(), "verify: false")));
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));
  ASSERT_TRUE(redis_becomes(other_admin(1), "disconnected"));
  EXPECT_NE(redis_error(other_admin(1)).find("certificate verify failed"), std::string::npos)
      << redis_error(other_admin(1));
  ASSERT_TRUE(redis_becomes(other_admin(2), "connected"));
}

TEST_F(RedisTlsTest, AClientCertificateRedisRequires) {
  RedisServer redis({}, server_files(/*require_client_cert=*/true));
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: shared, key: global, limit: 1, window: 1h}]");
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url(), with_client_cert())));
  ASSERT_TRUE(start_other_gateway(redis_yaml(redis.tls_url(), trusted())));
  ASSERT_TRUE(start_other_gateway(
      redis_yaml(redis.tls_url(), trusted() + ", client_cert: \"" + pki_.stranger_cert() +
                                      "\", client_key: \"" + pki_.stranger_key() + "\"")));
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));
  EXPECT_EQ(http_get(other_port(0), "/x").status, 200);
  EXPECT_EQ(http_get(other_port(0), "/x").status, 429);
  for (std::size_t i : {1u, 2u}) {
    ASSERT_TRUE(redis_becomes(other_admin(i), "disconnected")) << "gateway " << i;
    // Never connected, not even for an instant between attempts.
    EXPECT_EQ(others_[i]->process->stderr_text().find("redis connected"), std::string::npos)
        << others_[i]->process->stderr_text();
    EXPECT_EQ(http_get(other_port(i), "/x").status, 200);  // its own in-process count
  }
}

TEST_F(RedisTlsTest, ARestartedRedisIsReconnectedOverTls) {
  RedisServer redis({}, server_files());
  ASSERT_TRUE(redis.running()) << redis.error();
  limit_route("[{name: shared, key: global, limit: 3, window: 1h}]");
  ASSERT_TRUE(
      start_other_gateway(redis_yaml(redis.tls_url(), trusted()) + "cache:\n  shared: redis\n"));
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));
  EXPECT_EQ(http_get(other_port(0), "/x").status, 200);

  redis.stop();
  ASSERT_TRUE(redis_becomes(other_admin(0), "disconnected"));
  EXPECT_EQ(http_get(other_port(0), "/x").status, 200);  // fail-open meanwhile
  ASSERT_TRUE(redis.start());                            // empty: nothing persisted
  ASSERT_TRUE(redis_becomes(other_admin(0), "connected"));
  // The count starts over in the new Redis: three, then refused.
  EXPECT_TRUE(eventually(
      [&] {
        return redis_command(static_cast<std::uint16_t>(redis.port()), {"DBSIZE"}) ==
               std::vector<std::string>{"0"};
      },
      1000ms));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(http_get(other_port(0), "/x").status, 200);
  EXPECT_EQ(http_get(other_port(0), "/x").status, 429);
  // The subscriber resubscribed too.
  auto metrics = http_get(other_admin(0), "/metrics").body;
  EXPECT_EQ(metric_value(metrics, "centinela_redis_connected", {}), 1.0);
}

TEST_F(RedisTlsTest, AReloadKeepsAnUnchangedConnectionAndRejectsAnUnusableCa) {
  RedisServer redis({}, server_files());
  ASSERT_TRUE(redis.running()) << redis.error();
  const std::string ca = dir_.write("redis-ca.pem", read_file(pki_.ca()));
  ASSERT_TRUE(start_with(redis_yaml(redis.tls_url(), "ca: \"" + ca + "\"")));
  ASSERT_TRUE(redis_becomes(admin_port(), "connected"));
  ASSERT_TRUE(all_connected(*gateway_));
  const auto count_connected = [&] { return count_of(gateway_->stderr_text(), "redis connected"); };
  const std::size_t connected_before = count_connected();

  // Same settings, same file bytes: the connections stay.
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually(
      [&] { return gateway_->stderr_text().find("configuration reloaded") != std::string::npos; },
      5000ms));
  // A replaced client would connect (and log it) within a few milliseconds.
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(redis_state(admin_port()), "connected");
  EXPECT_EQ(count_connected(), connected_before) << gateway_->stderr_text();

  // A CA file that is no longer PEM: the reload is refused, Redis stays up.
  dir_.write("redis-ca.pem", "garbage\n");
  ASSERT_TRUE(gateway_->send_signal(SIGHUP));
  ASSERT_TRUE(eventually(
      [&] { return gateway_->stderr_text().find("reload rejected") != std::string::npos; }, 5000ms))
      << gateway_->stderr_text();
  EXPECT_NE(gateway_->stderr_text().find("redis.tls: cannot load CA file"), std::string::npos)
      << gateway_->stderr_text();
  EXPECT_EQ(redis_state(admin_port()), "connected");
  EXPECT_TRUE(serves_normally());
}

// `centinela check` on a config whose TLS files are there but unusable.
class RedisTlsCheckTest : public ::testing::Test {
 protected:
  CommandResult check(const std::string& redis_section) {
    GatewayConfig config;
    config.listen_port = 18080;
    config.admin_port = 19901;
    config.upstreams["api"] = R"({servers: ["127.0.0.1:9000"]})";
    config.routes = {R"({match: {prefix: "/"}, upstream: api})"};
    path_ = dir_.write("c.yaml", config.render() + redis_section);
    return run_command({centinela_binary(), "check", "-c", path_});
  }
  // The line `redis.tls` is on in the file check() wrote.
  int tls_line() const {
    const std::string text = read_file(path_);
    return 1 + static_cast<int>(count_of(text.substr(0, text.find("  tls:")), "\n"));
  }

  OpensslPki pki_;
  TempDir dir_;
  std::string path_;
};

TEST_F(RedisTlsCheckTest, UnusableFilesAreErrorsAtTheTlsLine) {
  ASSERT_TRUE(pki_.ok()) << pki_.error();
  const std::string garbage = dir_.write("garbage.pem", "not a certificate\n");
  const std::string head = "redis:\n  url: rediss://127.0.0.1:6380\n  tls: {";

  CommandResult bad_ca = check(head + "ca: \"" + garbage + "\"}\n");
  EXPECT_EQ(bad_ca.exit_code, 1) << bad_ca.output();
  EXPECT_NE(bad_ca.err.find(path_ + ":" + std::to_string(tls_line()) +
                            ": redis.tls: cannot load CA file " + garbage),
            std::string::npos)
      << bad_ca.err;

  CommandResult bad_cert = check(head + "client_cert: \"" + garbage + "\", client_key: \"" +
                                 pki_.client_key() + "\"}\n");
  EXPECT_EQ(bad_cert.exit_code, 1) << bad_cert.output();
  EXPECT_NE(bad_cert.err.find(": redis.tls: cannot load client certificate " + garbage),
            std::string::npos)
      << bad_cert.err;

  // A key that is not the certificate's.
  CommandResult mismatch = check(head + "client_cert: \"" + pki_.client_cert() +
                                 "\", client_key: \"" + pki_.server_key() + "\"}\n");
  EXPECT_EQ(mismatch.exit_code, 1) << mismatch.output();
  EXPECT_NE(mismatch.err.find(": redis.tls: "), std::string::npos) << mismatch.err;

  CommandResult good =
      check(head + "ca: \"" + pki_.ca() + "\", client_cert: \"" + pki_.client_cert() +
            "\", client_key: \"" + pki_.client_key() + "\"}\n");
  EXPECT_EQ(good.exit_code, 0) << good.output();

  CommandResult cleartext = check("redis:\n  url: redis://127.0.0.1:6380\n  tls: {}\n");
  EXPECT_EQ(cleartext.exit_code, 1) << cleartext.output();
  EXPECT_NE(cleartext.err.find(path_ + ":" + std::to_string(tls_line()) +
                               ":8: redis.tls: needs a rediss:// url"),
            std::string::npos)
      << cleartext.err;
}

TEST_F(RedisTlsCheckTest, EffectiveConfigShowsNeitherUserNorPassword) {
  ASSERT_TRUE(pki_.ok()) << pki_.error();
  CommandResult shown = check(
      "redis:\n  url: rediss://ops-user:t0p-s3cret@127.0.0.1:6380/2\n"
      "  tls: {ca: \"" +
      pki_.ca() + "\"}\n");
  ASSERT_EQ(shown.exit_code, 0) << shown.output();
  CommandResult effective = run_command({centinela_binary(), "check", "-T", "-c", path_});
  ASSERT_EQ(effective.exit_code, 0) << effective.output();
  EXPECT_EQ(effective.output().find("ops-user"), std::string::npos) << effective.out;
  EXPECT_EQ(effective.output().find("t0p-s3cret"), std::string::npos) << effective.out;
  EXPECT_NE(effective.out.find("rediss://***:***@127.0.0.1:6380/2"), std::string::npos)
      << effective.out;
}

}  // namespace
}  // namespace itest
