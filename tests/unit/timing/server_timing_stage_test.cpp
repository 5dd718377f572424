// The Server-Timing stage through an exchange in memory: what the client gets
// of the origin's field per mode and client, the gateway's own metrics, and
// what the request keeps of the origin's timings (never a stored response's).
#include "timing/server_timing_stage.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_exchange.h"
#include "fake_stored.h"
#include "pipeline/chain.h"

namespace centinela::timing {
namespace {

using Origin = config::ServerTimingConfig::Origin;
using testing::ClientView;
using testing::FakeDownstream;
using testing::FakeRequest;
using testing::FakeUpstream;
using testing::ScriptedResponse;

const std::vector<std::pair<std::string, std::string>> kOriginFields = {
    {"Content-Type", "text/plain"},
    {"Server-Timing", R"(db;dur=12.5;desc="3 queries")"},
    {"server-timing", "app;dur=4, db;dur=0.5"},
};

config::RouteConfig route(Origin origin, bool add, const std::string& name = "stage-test") {
  config::RouteConfig config;
  config.name = name;
  config.server_timing.origin = origin;
  config.server_timing.add = add;
  return config;
}

pipeline::Chain chain_of(const config::RouteConfig& config,
                         std::unique_ptr<stage::Stage> after = nullptr) {
  std::vector<std::unique_ptr<stage::Stage>> stages;
  stages.push_back(make_server_timing_stage(config));
  if (after) stages.push_back(std::move(after));
  return pipeline::Chain(std::move(stages));
}

struct Exchange {
  ClientView client;
  std::map<std::string, double> kept;  // ctx.origin_timing
};

Exchange run(const pipeline::Chain& chain, const std::string& client_ip,
             double upstream_head_ms = -1) {
  FakeRequest request("GET", "/");
  request.ctx.client_ip = client_ip;
  request.ctx.upstream_head_ms = upstream_head_ms;
  FakeDownstream downstream;
  FakeUpstream upstream;
  upstream.respond = [](const testing::UpstreamView&) {
    return ScriptedResponse{200, kOriginFields, {"body"}};
  };
  testing::run_pipeline(chain, request, downstream, upstream);
  Exchange out{downstream.client, {}};
  for (const auto& timing : request.ctx.origin_timing)
    out.kept[std::string(timing.name)] = timing.dur_ms;
  return out;
}

std::vector<std::string> server_timing_lines(const ClientView& client) {
  std::vector<std::string> lines;
  for (const auto& [name, value] : client.fields) {
    if (stage::ResponseFields::same_name(name, "Server-Timing")) lines.push_back(value);
  }
  return lines;
}

TEST(ServerTimingStage, LoopbackClientsGetTheOriginsFieldOthersDoNot) {
  const auto chain = chain_of(route(Origin::loopback, false));
  for (const char* loopback : {"127.0.0.1", "::1"}) {
    const Exchange local = run(chain, loopback);
    EXPECT_EQ(server_timing_lines(local.client).size(), 2u) << loopback;
  }
  const Exchange remote = run(chain, "203.0.113.9");
  EXPECT_TRUE(server_timing_lines(remote.client).empty());
  EXPECT_EQ(remote.client.field("Content-Type"), "text/plain");
  // Read whoever the client is.
  EXPECT_EQ(remote.kept, (std::map<std::string, double>{{"db", 13}, {"app", 4}}));
}

TEST(ServerTimingStage, PassAndStripDoNotAskWhoTheClientIs) {
  const Exchange passed = run(chain_of(route(Origin::pass, false)), "203.0.113.9");
  EXPECT_EQ(server_timing_lines(passed.client),
            (std::vector<std::string>{R"(db;dur=12.5;desc="3 queries")", "app;dur=4, db;dur=0.5"}));
  const Exchange stripped = run(chain_of(route(Origin::strip, false)), "127.0.0.1");
  EXPECT_TRUE(server_timing_lines(stripped.client).empty());
  EXPECT_EQ(stripped.kept.size(), 2u);
}

TEST(ServerTimingStage, AddAppendsTheGatewaysOwn) {
  const Exchange added = run(chain_of(route(Origin::strip, true)), "203.0.113.9", 8.25);
  const auto lines = server_timing_lines(added.client);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("gw;dur=")) << lines[0];
  EXPECT_TRUE(lines[0].ends_with(", upstream;dur=8.250")) << lines[0];

  const Exchange both = run(chain_of(route(Origin::pass, true)), "203.0.113.9", 1);
  const auto all = server_timing_lines(both.client);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(all[2].starts_with("gw;dur=")) << all[2];
}

TEST(ServerTimingStage, AStoredResponseIsServedAsStoredButNotReadAsFresh) {
  auto entry = std::make_shared<testing::FakeStored>(
      200, std::vector<std::pair<std::string, std::string>>{{"Server-Timing", "db;dur=99"}},
      "stored body");
  const auto chain =
      chain_of(route(Origin::pass, true), std::make_unique<testing::StoredAnswerStage>(entry));
  FakeRequest request("GET", "/");
  request.ctx.client_ip = "203.0.113.9";
  request.ctx.cache_status = "HIT";
  FakeDownstream downstream;
  FakeUpstream upstream;
  testing::run_pipeline(chain, request, downstream, upstream);
  EXPECT_TRUE(upstream.received.empty());
  const auto lines = server_timing_lines(downstream.client);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "db;dur=99");
  EXPECT_TRUE(lines[1].starts_with("cache;desc=hit, gw;dur=")) << lines[1];
  EXPECT_EQ(lines[1].find("upstream"), std::string::npos) << lines[1];
  EXPECT_TRUE(request.ctx.origin_timing.empty());
}

TEST(ServerTimingStage, TheGatewaysOwnErrorsCarryNoOriginTimings) {
  const auto chain = chain_of(route(Origin::pass, true));
  FakeRequest request("GET", "/");
  FakeDownstream downstream;
  FakeUpstream upstream;
  upstream.fail = stage::ForwardResult{stage::ForwardResult::Kind::failed, 502, "refused"};
  testing::run_pipeline(chain, request, downstream, upstream);
  EXPECT_EQ(downstream.client.status, 502u);
  EXPECT_TRUE(request.ctx.origin_timing.empty());
  const auto lines = server_timing_lines(downstream.client);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(lines[0].starts_with("gw;dur=")) << lines[0];
}

}  // namespace
}  // namespace centinela::timing
