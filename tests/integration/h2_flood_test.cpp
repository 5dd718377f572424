// HTTP/2 floods a client can send for free, each on one connection, as fast
// as the client writes (h2_floods.py builds the frames by hand): Rapid Reset
// (CVE-2023-44487), a CONTINUATION flood (CVE-2024-27316 class), SETTINGS,
// PING and empty-DATA floods. Each must end in GOAWAY and/or the connection's
// close, not in work for the origin or memory, and leave everyone else served.
// Every client read is bounded by a 10 s socket timeout: a gateway that does
// not close fails the test instead of hanging it.
#include "h2_fixture.h"
#include "rss_sampler.h"

namespace itest {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
// Generous: the whole gateway's growth while one connection floods it.
constexpr std::uint64_t kFloodGrowthLimit = 32 * kMiB;
// Far past the client's 10 s read timeout: a close it sees is the flood's
// answer, not a slow-loris or idle timer's.
constexpr const char* kLongTimers = "header_timeout: 60s, idle_timeout: 60s";

class Http2FloodRun {
 public:
  explicit Http2FloodRun(GatewayProcess& gateway)
      : gateway_(gateway),
        baseline_(gateway.rss_bytes()),
        sampler_([this] { return gateway_.rss_bytes(); }) {}

  // The gateway's resident growth while the flood ran.
  std::uint64_t growth() {
    const std::uint64_t peak = std::max(sampler_.peak_bytes(), gateway_.rss_bytes());
    sampler_.stop();
    return peak > baseline_ ? peak - baseline_ : 0;
  }

 private:
  GatewayProcess& gateway_;
  std::uint64_t baseline_;
  RssSampler sampler_;
};

// Whether the gateway spoke HTTP/2 (its SETTINGS came) and then ended the
// connection: EOF or a reset, GOAWAY or not.
::testing::AssertionResult closed_by_gateway(const H2Answer& answer) {
  if (!answer.ok()) return ::testing::AssertionFailure() << answer.raw;
  const JsonValue* settings = answer.json.get("server_settings");
  if (settings == nullptr || !settings->boolean) {
    return ::testing::AssertionFailure() << "no SETTINGS from the gateway: " << answer.raw;
  }
  if (!answer.closed()) {
    return ::testing::AssertionFailure() << "the connection is still open: " << answer.raw;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(Http2Test, RapidResetEndsInGoawayAndSparesTheOrigin) {
  config_.limits = kLongTimers;
  ASSERT_TRUE(start_h2());
  Http2FloodRun run(*gateway_);
  // 5,000 streams, each HEADERS then RST_STREAM(CANCEL) at once.
  const H2Answer answer = h2(R"("scenario": "rapid_reset", "count": 5000)");
  const std::uint64_t growth = run.growth();
  ASSERT_TRUE(closed_by_gateway(answer));
  // Any error code will do (ENHANCE_YOUR_CALM is expected).
  ASSERT_TRUE(answer.goaway_code()) << "closed without GOAWAY: " << answer.raw;
  EXPECT_TRUE(h2_serves_normally());
  EXPECT_TRUE(serves_normally());
  EXPECT_LT(origin_.request_count("/rapid-reset"), 1000u)
      << "cancelled streams still became origin requests";
  EXPECT_LT(growth, kFloodGrowthLimit);
}

// The streams the client cancelled have no one to answer: after the flood's
// GOAWAY the connection closes without waiting for their upstream exchanges
// (an origin slower than the client's 10 s read timeout would otherwise keep
// it, and them, open: Rapid Reset's amplification, per connection).
TEST_F(Http2Test, RapidResetClosesWithoutWaitingForASlowOrigin) {
  config_.limits = kLongTimers;
  origin_.on("/rapid-reset", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "late");
    reply.delay = 30s;
    return reply;
  });
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(R"("scenario": "rapid_reset", "count": 5000)");
  EXPECT_TRUE(closed_by_gateway(answer)) << "cancelled streams kept the connection open";
  EXPECT_TRUE(answer.goaway_code()) << answer.raw;
  EXPECT_TRUE(h2_serves_normally());
}

TEST_F(Http2Test, ContinuationFloodClosesTheConnection) {
  config_.limits = kLongTimers;
  ASSERT_TRUE(start_h2());
  Http2FloodRun run(*gateway_);
  // HEADERS without END_HEADERS, then 10,000 CONTINUATION frames of 4 bytes of
  // one field's value (40 KB in all: under the header list bound, so only a
  // bound on the frames themselves stops it before the block would end).
  const H2Answer answer = h2(R"("scenario": "continuation_flood", "count": 10000, "piece": 4)");
  const std::uint64_t growth = run.growth();
  EXPECT_TRUE(closed_by_gateway(answer)) << "a header block without end was waited for";
  EXPECT_TRUE(h2_serves_normally());
  EXPECT_EQ(origin_.request_count("/continuation"), 0u);
  EXPECT_LT(growth, kFloodGrowthLimit);
}

// The same, all of it in the client's first write: the gateway's first read
// (the one that finds the preface) already holds the 9th CONTINUATION.
TEST_F(Http2Test, ContinuationFloodInTheFirstReadClosesTheConnection) {
  config_.limits = kLongTimers;
  ASSERT_TRUE(start_h2());
  const H2Answer answer =
      h2(R"("scenario": "continuation_flood", "count": 20, "piece": 4, "together": true)");
  EXPECT_TRUE(closed_by_gateway(answer)) << "a connection that broke the protocol stays open";
  EXPECT_TRUE(h2_serves_normally());
}

TEST_F(Http2Test, SettingsFloodEndsTheConnection) {
  config_.limits = kLongTimers;
  ASSERT_TRUE(start_h2());
  Http2FloodRun run(*gateway_);
  // 10,000 SETTINGS frames, the client never reading the acks while it writes.
  const H2Answer answer = h2(R"("scenario": "settings_flood", "count": 10000)");
  const std::uint64_t growth = run.growth();
  EXPECT_TRUE(closed_by_gateway(answer));
  EXPECT_TRUE(h2_serves_normally());
  EXPECT_LT(growth, kFloodGrowthLimit);
}

TEST_F(Http2Test, PingFloodEndsTheConnection) {
  config_.limits = kLongTimers;
  ASSERT_TRUE(start_h2());
  Http2FloodRun run(*gateway_);
  const H2Answer answer = h2(R"("scenario": "ping_flood", "count": 10000)");
  const std::uint64_t growth = run.growth();
  EXPECT_TRUE(closed_by_gateway(answer));
  EXPECT_TRUE(h2_serves_normally());
  EXPECT_LT(growth, kFloodGrowthLimit);
}

// A flood on a connection whose stream is mid-response (the client's window
// shut at 1 KiB): the connection still closes, not kept for that stream.
TEST_F(Http2Test, PingFloodWithAResponseInFlightEndsTheConnection) {
  config_.limits = kLongTimers;
  OriginReply large;
  large.pattern_body_bytes = 4 * kMiB;
  origin_.reply("/large", large);
  ASSERT_TRUE(start_h2());
  const H2Answer answer =
      h2(R"("settings": {"INITIAL_WINDOW_SIZE": 1024}, "stall": true, "ping_flood": 5000,)"
         R"( "requests": [{"path": "/large"}], "wait_close": 10)");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  ASSERT_EQ(answer.streams().size(), 1u) << answer.raw;
  EXPECT_EQ(answer.streams()[0].response.status, 200);
  EXPECT_EQ(answer.goaway_code(), kEnhanceYourCalm) << answer.raw.substr(0, 600);
  EXPECT_TRUE(answer.closed()) << answer.raw.substr(0, 600);
  EXPECT_TRUE(h2_serves_normally());
}

TEST_F(Http2Test, EmptyDataFloodEndsInGoawayEnhanceYourCalm) {
  config_.limits = kLongTimers;
  ASSERT_TRUE(start_h2());
  Http2FloodRun run(*gateway_);
  // A POST's HEADERS, then 10,000 zero-length DATA frames without END_STREAM.
  const H2Answer answer = h2(R"("scenario": "empty_data_flood", "count": 10000)");
  const std::uint64_t growth = run.growth();
  EXPECT_TRUE(closed_by_gateway(answer));
  EXPECT_EQ(answer.goaway_code(), kEnhanceYourCalm) << answer.raw;
  EXPECT_TRUE(h2_serves_normally());
  EXPECT_TRUE(serves_normally());
  EXPECT_LT(growth, kFloodGrowthLimit);
}

}  // namespace
}  // namespace itest
