#include "timing/gateway_timing.h"

#include <gtest/gtest.h>

#include <array>

namespace centinela::timing {
namespace {

using Origin = config::ServerTimingConfig::Origin;

std::string formatted(const GatewayTiming& timing) {
  std::array<char, kGatewayTimingBytes> buffer;
  return std::string(format_gateway_timing(timing, buffer));
}

TEST(GatewayTiming, EveryKnownMemberInOrder) {
  EXPECT_EQ(formatted({.cache = "HIT", .gateway_ms = 0.4123, .upstream_ms = -1}),
            "cache;desc=hit, gw;dur=0.412");
  EXPECT_EQ(formatted({.cache = "MISS", .gateway_ms = 1.5, .upstream_ms = 12.0345}),
            "cache;desc=miss, gw;dur=1.500, upstream;dur=12.035");
  EXPECT_EQ(formatted({.cache = "REVALIDATED", .gateway_ms = 0, .upstream_ms = 3}),
            "cache;desc=revalidated, gw;dur=0.000, upstream;dur=3.000");
}

TEST(GatewayTiming, UnknownMembersAreLeftOut) {
  EXPECT_EQ(formatted({}), "");
  EXPECT_EQ(formatted({.cache = "", .gateway_ms = -1, .upstream_ms = 7}), "upstream;dur=7.000");
  // Not an X-Cache value the gateway makes: never copied into the field.
  EXPECT_EQ(formatted({.cache = "HIT\r\nX: y", .gateway_ms = 2}), "gw;dur=2.000");
}

TEST(GatewayTiming, TheLongestValueFits) {
  const std::string longest =
      formatted({.cache = "REVALIDATED", .gateway_ms = 86'400'000, .upstream_ms = 86'400'000});
  EXPECT_EQ(longest, "cache;desc=revalidated, gw;dur=86400000.000, upstream;dur=86400000.000");
}

TEST(GatewayTiming, WhoGetsTheOriginsField) {
  EXPECT_TRUE(relays_origin_timing(Origin::pass, "203.0.113.9"));
  EXPECT_FALSE(relays_origin_timing(Origin::strip, "127.0.0.1"));
  EXPECT_TRUE(relays_origin_timing(Origin::loopback, "127.0.0.1"));
  EXPECT_TRUE(relays_origin_timing(Origin::loopback, "127.8.9.10"));
  EXPECT_TRUE(relays_origin_timing(Origin::loopback, "::1"));
  EXPECT_FALSE(relays_origin_timing(Origin::loopback, "203.0.113.9"));
  EXPECT_FALSE(relays_origin_timing(Origin::loopback, "::2"));
  EXPECT_FALSE(relays_origin_timing(Origin::loopback, "1127.0.0.1"));
  EXPECT_FALSE(relays_origin_timing(Origin::loopback, ""));
}

}  // namespace
}  // namespace centinela::timing
