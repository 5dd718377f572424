#include "config/address.h"

#include <gtest/gtest.h>

namespace centinela::config {
namespace {

std::array<std::uint8_t, 16> ip(const char* text) {
  auto address = parse_ip_address(text);
  EXPECT_TRUE(address) << text;
  return address.value_or(std::array<std::uint8_t, 16>{});
}

CidrRange cidr(const char* text) {
  auto range = parse_cidr(text);
  EXPECT_TRUE(range.value) << text << ": " << range.error;
  return range.value.value_or(CidrRange{});
}

TEST(ParseIpAddress, StoresIpv4AsMappedIpv6) {
  EXPECT_EQ(ip("10.1.2.3"), ip("::ffff:10.1.2.3"));
  EXPECT_FALSE(parse_ip_address("10.1.2"));
  EXPECT_FALSE(parse_ip_address("example.com"));
  EXPECT_FALSE(parse_ip_address(""));
}

TEST(CidrRange, Ipv4RangesCountOnTheMappedForm) {
  CidrRange range = cidr("10.0.0.0/8");
  EXPECT_EQ(range.prefix_len, 104u);
  EXPECT_TRUE(range.contains(ip("10.0.0.1")));
  EXPECT_TRUE(range.contains(ip("10.255.255.255")));
  EXPECT_FALSE(range.contains(ip("11.0.0.0")));
  EXPECT_FALSE(range.contains(ip("::a00:1")));  // 10.0.0.1's bits, but not IPv4-mapped
}

TEST(CidrRange, OddPrefixLengths) {
  CidrRange range = cidr("192.168.4.0/22");
  EXPECT_TRUE(range.contains(ip("192.168.7.255")));
  EXPECT_FALSE(range.contains(ip("192.168.8.0")));
  EXPECT_FALSE(range.contains(ip("192.168.3.255")));
}

TEST(CidrRange, BareAddressIsOneHost) {
  CidrRange v4 = cidr("127.0.0.1");
  EXPECT_EQ(v4.prefix_len, 128u);
  EXPECT_TRUE(v4.contains(ip("127.0.0.1")));
  EXPECT_FALSE(v4.contains(ip("127.0.0.2")));
  CidrRange v6 = cidr("::1");
  EXPECT_TRUE(v6.contains(ip("::1")));
  EXPECT_FALSE(v6.contains(ip("::2")));
}

TEST(CidrRange, Ipv6Ranges) {
  CidrRange range = cidr("fd00::/8");
  EXPECT_TRUE(range.contains(ip("fd12:3456::1")));
  EXPECT_FALSE(range.contains(ip("fe80::1")));
  EXPECT_TRUE(cidr("::/0").contains(ip("1.2.3.4")));
  EXPECT_TRUE(cidr("0.0.0.0/0").contains(ip("1.2.3.4")));
  EXPECT_FALSE(cidr("0.0.0.0/0").contains(ip("2001:db8::1")));
}

TEST(CidrRange, HostBitsAreCleared) {
  CidrRange range = cidr("10.1.2.3/8");
  EXPECT_EQ(range.bytes, ip("10.0.0.0"));
  EXPECT_TRUE(range.contains(ip("10.200.0.1")));
}

TEST(ParseCidr, RejectsBadRanges) {
  EXPECT_EQ(parse_cidr("10.0.0.0/33").error,
            "bad address range '10.0.0.0/33': prefix length must be at most 32");
  EXPECT_FALSE(parse_cidr("::/129").value);
  EXPECT_FALSE(parse_cidr("10.0.0.0/").value);
  EXPECT_FALSE(parse_cidr("10.0.0.0/x").value);
  EXPECT_FALSE(parse_cidr("localhost").value);
}

TEST(ParseEndpoint, HostPortAndBracketedIpv6) {
  auto v4 = parse_endpoint("127.0.0.1:8080");
  ASSERT_TRUE(v4.value);
  EXPECT_EQ(v4.value->host, "127.0.0.1");
  EXPECT_EQ(v4.value->port, 8080);
  EXPECT_EQ(v4.value->text, "127.0.0.1:8080");

  auto v6 = parse_endpoint("[::1]:9000");
  ASSERT_TRUE(v6.value);
  EXPECT_EQ(v6.value->host, "::1");
  EXPECT_EQ(v6.value->port, 9000);
  EXPECT_EQ(v6.value->text, "[::1]:9000");

  auto name = parse_endpoint("api.internal:443");
  ASSERT_TRUE(name.value);
  EXPECT_EQ(name.value->host, "api.internal");
}

TEST(ParseEndpoint, PortIsRequiredUnlessDefaulted) {
  EXPECT_FALSE(parse_endpoint("127.0.0.1").value);
  auto defaulted = parse_endpoint("backend", std::uint16_t{80});
  ASSERT_TRUE(defaulted.value);
  EXPECT_EQ(defaulted.value->port, 80);
}

TEST(ParseEndpoint, RejectsBadPortsAndHosts) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:0").error,
            "bad address '127.0.0.1:0': port must be a number from 1 to 65535");
  EXPECT_FALSE(parse_endpoint("127.0.0.1:65536").value);
  EXPECT_FALSE(parse_endpoint("127.0.0.1:http").value);
  EXPECT_FALSE(parse_endpoint(":8080").value);
  EXPECT_EQ(parse_endpoint("::1:8080").error,
            "bad address '::1:8080': IPv6 addresses need brackets, e.g. [::1]:8080");
  EXPECT_FALSE(parse_endpoint("[zz::1]:80").value);
  EXPECT_FALSE(parse_endpoint("[::1]8080").value);
  EXPECT_FALSE(parse_endpoint("bad host:80").value);
}

}  // namespace
}  // namespace centinela::config
