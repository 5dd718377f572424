#include "security/client_ip.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace centinela::security {
namespace {

IpAddress ip(std::string_view text) {
  const std::optional<IpAddress> address = parse_ip(text);
  EXPECT_TRUE(address) << text;
  return address.value_or(IpAddress{});
}

// A range written by hand, as config would give it (IPv4 prefixes count on
// the 128-bit mapped form).
config::CidrRange cidr(std::string_view address, unsigned prefix_len) {
  config::CidrRange range;
  range.bytes = ip(address);
  range.prefix_len = address.find(':') == std::string_view::npos ? prefix_len + 96 : prefix_len;
  return range;
}

const std::vector<config::CidrRange> kTrusted = {cidr("127.0.0.1", 32), cidr("10.0.0.0", 8),
                                                 cidr("::1", 128)};

std::string resolve(std::string_view peer, std::string_view x_forwarded_for) {
  std::string peer_text;
  std::string client = resolve_client_ip(ip(peer), x_forwarded_for, kTrusted, peer_text);
  EXPECT_EQ(peer_text, format_ip(ip(peer)));
  return client;
}

TEST(ParseIpTest, ParsesBothFamilies) {
  const IpAddress v4 = ip("192.0.2.1");
  const IpAddress mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(v4, mapped);
  EXPECT_EQ(ip("::ffff:192.0.2.1"), mapped);
  const IpAddress loopback = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(ip("::1"), loopback);
}

TEST(ParseIpTest, RejectsWhatIsNotABareAddress) {
  for (std::string_view text :
       {"", "1.2.3", "1.2.3.256", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "abc", "[::1]", "1.2.3.4:80",
        "fe80::1%eth0", "::1::2", "unknown", "1111:2222:3333:4444:5555:6666:7777:8888:9999:0000"}) {
    EXPECT_FALSE(parse_ip(text)) << text;
  }
}

TEST(FormatIpTest, GivesCanonicalText) {
  EXPECT_EQ(format_ip(ip("192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(format_ip(ip("::ffff:192.0.2.1")), "192.0.2.1");
  EXPECT_EQ(format_ip(ip("2001:DB8:0:0:0:0:0:1")), "2001:db8::1");
  EXPECT_EQ(format_ip(ip("::1")), "::1");
}

TEST(ClientIpTest, UntrustedPeerIsTheClientWhateverItClaims) {
  EXPECT_EQ(resolve("203.0.113.50", "198.51.100.1"), "203.0.113.50");
  EXPECT_EQ(resolve("203.0.113.50", "10.0.0.1, 127.0.0.1"), "203.0.113.50");
  EXPECT_EQ(resolve("2001:db8::50", "198.51.100.1"), "2001:db8::50");
}

TEST(ClientIpTest, TrustedPeerWithoutHeaderIsTheClient) {
  EXPECT_EQ(resolve("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(resolve("127.0.0.1", " , "), "127.0.0.1");
}

TEST(ClientIpTest, TrustedPeerForwardsTheClient) {
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(resolve("::1", "2001:db8::7"), "2001:db8::7");
  EXPECT_EQ(resolve("::1", "::ffff:203.0.113.7"), "203.0.113.7");
}

TEST(ClientIpTest, SkipsTrustedHopsAndIgnoresWhatTheClientForged) {
  // The client sent "X-Forwarded-For: 198.51.100.1"; two trusted proxies
  // appended the client's real address and their own.
  EXPECT_EQ(resolve("127.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.2, 10.0.0.3"), "203.0.113.7");
}

TEST(ClientIpTest, AllTrustedEndsAtTheLeftMostHop) {
  EXPECT_EQ(resolve("127.0.0.1", "10.0.0.5, 10.0.0.6"), "10.0.0.5");
}

TEST(ClientIpTest, InvalidEntryEndsTheWalkAtTheLastTrustedHop) {
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7, unknown, 10.0.0.2"), "10.0.0.2");
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7, 1.2.3.4\r\nX-Evil: 1"), "127.0.0.1");
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7, 999.1.1.1"), "127.0.0.1");
}

TEST(ClientIpTest, AcceptsPortsBracketsAndOptionalWhitespace) {
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7:5000"), "203.0.113.7");
  EXPECT_EQ(resolve("127.0.0.1", "[2001:db8::1]:443"), "2001:db8::1");
  EXPECT_EQ(resolve("127.0.0.1", "[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(resolve("127.0.0.1", "\t203.0.113.7 ,\t10.0.0.1  "), "203.0.113.7");
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7,,10.0.0.1,"), "203.0.113.7");
  EXPECT_EQ(resolve("127.0.0.1", "[203.0.113.7]"), "127.0.0.1");
  EXPECT_EQ(resolve("127.0.0.1", "203.0.113.7:http"), "127.0.0.1");
}

TEST(ClientIpTest, ReadsAtMost32Hops) {
  // An address beyond 32 trusted hops is not reached.
  std::string header = "198.51.100.1";
  for (int i = 0; i < 40; ++i) header += ", 10.0.0." + std::to_string(i + 1);
  EXPECT_EQ(resolve("127.0.0.1", header), "10.0.0.9");  // the 32nd from the right
}

TEST(ClientIpTest, HugeHeaderIsBoundedAndQuick) {
  // 100 KiB of trusted hops with a forged client at the far left.
  std::string header = "198.51.100.1";
  while (header.size() < 100 * 1024) header += ", 10.1.2.3";
  header += ", 203.0.113.7, 10.0.0.2";

  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(resolve("127.0.0.1", header), "203.0.113.7");
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // Bounded work is a few microseconds a call; reading every hop would be
  // about 10,000 address parses a call.
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));

  std::string all_trusted = "198.51.100.1";
  while (all_trusted.size() < 100 * 1024) all_trusted += ", 10.1.2.3";
  EXPECT_EQ(resolve("127.0.0.1", all_trusted), "10.1.2.3");
}

TEST(ClientIpTest, AnEntryCutByTheByteBoundIsNotAnAddress) {
  // 8193 bytes: the 8 KiB window starts inside "11.2.3.4", which must not be
  // read as 1.2.3.4.
  std::string header = "11.2.3.4," + std::string(8176, ' ') + "10.0.0.1";
  ASSERT_EQ(header.size(), kMaxForwardedForBytes + 1);
  EXPECT_EQ(resolve("127.0.0.1", header), "10.0.0.1");

  // Cut exactly at a comma: the left-most whole entry in the window counts.
  const std::string at_comma =
      "9.9.9.9," + std::string(kMaxForwardedForBytes - 17, ' ') + "1.2.3.4, 10.0.0.1";
  ASSERT_EQ(at_comma.size(), kMaxForwardedForBytes + 8);
  EXPECT_EQ(resolve("127.0.0.1", at_comma), "1.2.3.4");
}

TEST(ClientIpTest, RequestOverloadWalksEveryForwardedForField) {
  stage::RequestHead request;
  // The client's own (forged) line first, the trusted proxy's line after it.
  request.insert("X-Forwarded-For", "198.51.100.66");
  request.insert("X-Forwarded-For", "203.0.113.7, 10.0.0.2");
  std::string peer_text;
  EXPECT_EQ(resolve_client_ip(ip("127.0.0.1"), request, kTrusted, peer_text), "203.0.113.7");
  EXPECT_EQ(peer_text, "127.0.0.1");

  stage::RequestHead across_fields;
  across_fields.insert("X-Forwarded-For", "198.51.100.66, 203.0.113.8");
  across_fields.insert("X-Forwarded-For", "10.0.0.2");
  EXPECT_EQ(resolve_client_ip(ip("127.0.0.1"), across_fields, kTrusted, peer_text), "203.0.113.8");

  EXPECT_EQ(resolve_client_ip(ip("203.0.113.50"), request, kTrusted, peer_text), "203.0.113.50");
  EXPECT_EQ(peer_text, "203.0.113.50");

  stage::RequestHead none;
  EXPECT_EQ(resolve_client_ip(ip("127.0.0.1"), none, kTrusted, peer_text), "127.0.0.1");
}

TEST(ClientIpTest, TrustIsDecidedByRange) {
  EXPECT_TRUE(is_trusted_proxy(ip("10.255.0.1"), kTrusted));
  EXPECT_FALSE(is_trusted_proxy(ip("11.0.0.1"), kTrusted));
  EXPECT_FALSE(is_trusted_proxy(ip("127.0.0.2"), kTrusted));
  EXPECT_FALSE(is_trusted_proxy(ip("::2"), kTrusted));
  EXPECT_FALSE(is_trusted_proxy(ip("10.0.0.1"), {}));
}

}  // namespace
}  // namespace centinela::security
