// The fleet's Redis scripts against a real redis-server: score deltas from
// several instances add up and ban fleet-wide with escalating levels, bans
// reload from Redis, lifts forget everything.
#include "threat/fleet.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>

#include "redis/client.h"
#include "redis_server.h"
#include "threat/fleet_scripts.h"
#include "threat/tracker.h"

namespace centinela::threat {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The script's arguments: ban score 10, durations 1m then 10m, then deltas.
std::vector<std::string> deltas(std::vector<std::string> triples) {
  std::vector<std::string> args = {"600000", "10", "86400000", "2", "60000", "600000", "0"};
  args.insert(args.end(), triples.begin(), triples.end());
  return args;
}

// GCC 12 miscompiles braced lists inside co_await arguments: callers build
// their vectors first and hand them over by value.
asio::awaitable<std::optional<redis::Reply>> update(redis::Client& client,
                                                    std::vector<std::string> args) {
  std::vector<std::string> keys;
  co_return co_await client.eval(update_script(), std::move(keys), std::move(args));
}

asio::awaitable<std::optional<redis::Reply>> command(redis::Client& client,
                                                     std::vector<std::string> args) {
  co_return co_await client.command(std::move(args));
}

void run(const std::function<asio::awaitable<void>(redis::Client&)>& body, int port) {
  asio::io_context io;
  config::RedisConfig cfg;
  cfg.port = static_cast<std::uint16_t>(port);
  redis::Client client(io, cfg);
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 200 && !client.connected(); ++i) {
          asio::steady_timer pause(io, 10ms);
          co_await pause.async_wait(asio::use_awaitable);
        }
        EXPECT_TRUE(client.connected());
        co_await body(client);
        done = true;
        io.stop();
      },
      asio::detached);
  io.run_for(10s);
  EXPECT_TRUE(done);
  client.close();
}

TEST(FleetScripts, DeltasAddUpBanEscalateReloadAndLift) {
  itest::RedisServer server;
  ASSERT_TRUE(server.running()) << server.error();
  config::Config config;
  config.threat.emplace();
  Tracker::global().configure(config);
  run(
      [](redis::Client& client) -> asio::awaitable<void> {
        const std::string ip_ban = "centinela:ban:ip:192.0.2.50";
        // Two instances' deltas: 6 + 3 stays below 10, two more points ban.
        std::vector<std::string> args = deltas({"ip", "192.0.2.50", "6"});
        auto reply = co_await update(client, std::move(args));
        EXPECT_EQ(reply->integer, 0) << reply->str;
        args = deltas({"ip", "192.0.2.50", "3"});
        reply = co_await update(client, std::move(args));
        EXPECT_EQ(reply->integer, 0);
        args = deltas({"ip", "192.0.2.50", "2", "user", "bob smith", "2"});
        reply = co_await update(client, std::move(args));
        EXPECT_EQ(reply->integer, 1);
        args = {"GET", ip_ban};
        auto level = co_await command(client, std::move(args));
        EXPECT_EQ(level->str, "1");
        args = {"PTTL", ip_ban};
        auto ttl = co_await command(client, std::move(args));
        EXPECT_GT(ttl->integer, 55'000);
        EXPECT_LE(ttl->integer, 60'000);
        // Banned already: more points make no second ban.
        args = deltas({"ip", "192.0.2.50", "50"});
        reply = co_await update(client, std::move(args));
        EXPECT_EQ(reply->integer, 0);

        // Another instance's ban at level 3, recorded and reloaded everywhere.
        const std::int64_t until_ms = Tracker::wall_clock_ns() / 1'000'000 + 120'000;
        args = {"600000", "10", "86400000", "2", "60000",
                "600000", "1",  "user",     "3", std::to_string(until_ms),
                "mallory"};
        reply = co_await update(client, std::move(args));
        EXPECT_FALSE(reply->is_error()) << reply->str;
        auto applied = co_await sync_bans(client);
        EXPECT_EQ(applied, 2u);
        auto held = Tracker::global().banned(ClientKey::user("mallory"));
        EXPECT_TRUE(held);
        if (held) {
          EXPECT_EQ(held->level, 3);
        }
        EXPECT_TRUE(Tracker::global().banned(ClientKey::ip("192.0.2.50")));

        // Lifted: gone from Redis, level and score forgotten.
        const ClientKey lifted = ClientKey::ip("192.0.2.50");
        EXPECT_TRUE(co_await publish_lift(client, lifted));
        args = {"EXISTS", ip_ban, "centinela:banlevel:ip:192.0.2.50",
                "centinela:threat:ip:192.0.2.50"};
        auto gone = co_await command(client, std::move(args));
        EXPECT_EQ(gone->integer, 0);
        EXPECT_EQ(co_await sync_bans(client), 1u);
        // The next ban is a first one again; a ban op never lowers a level.
        args = deltas({"ip", "192.0.2.50", "10"});
        reply = co_await update(client, std::move(args));
        EXPECT_EQ(reply->integer, 1);
        args = {"GET", ip_ban};
        level = co_await command(client, std::move(args));
        EXPECT_EQ(level->str, "1");
        const ClientKey mallory = ClientKey::user("mallory");
        const BanState lower{1, until_ms * 1'000'000};
        EXPECT_TRUE(co_await publish_ban(client, mallory, lower));
        args = {"GET", "centinela:ban:user:mallory"};
        level = co_await command(client, std::move(args));
        EXPECT_EQ(level->str, "3");
      },
      server.port());
  Tracker::global().lift(ClientKey::user("mallory"));
  Tracker::global().lift(ClientKey::ip("192.0.2.50"));
  Tracker::global().configure(nullptr);
}

}  // namespace
}  // namespace centinela::threat
