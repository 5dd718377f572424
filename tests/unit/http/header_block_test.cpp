#include "http/header_block.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

constexpr std::size_t kLimit = 1024;

HeaderBlockStatus status_of(std::string_view data, std::size_t limit = kLimit) {
  return scan_header_block(data, limit).status;
}

TEST(HeaderBlock, EmptyInputIsIncomplete) {
  EXPECT_EQ(status_of(""), HeaderBlockStatus::incomplete);
}

TEST(HeaderBlock, BlockWithoutBlankLineIsIncomplete) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\n"), HeaderBlockStatus::incomplete);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\n\r"), HeaderBlockStatus::incomplete);
}

TEST(HeaderBlock, OnlyLeadingEmptyLinesIsIncomplete) {
  EXPECT_EQ(status_of("\r\n\r\n"), HeaderBlockStatus::incomplete);
}

TEST(HeaderBlock, CompleteBlockReportsItsSize) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const HeaderBlockScan scan = scan_header_block(head + "body bytes", kLimit);
  EXPECT_EQ(scan.status, HeaderBlockStatus::complete);
  EXPECT_EQ(scan.skip, 0u);
  EXPECT_EQ(scan.size, head.size());
}

TEST(HeaderBlock, RequestLineAloneIsComplete) {
  const std::string head = "GET / HTTP/1.0\r\n\r\n";
  const HeaderBlockScan scan = scan_header_block(head, kLimit);
  EXPECT_EQ(scan.status, HeaderBlockStatus::complete);
  EXPECT_EQ(scan.size, head.size());
}

TEST(HeaderBlock, LeadingEmptyLinesAreSkippedAndCountedInSize) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  const HeaderBlockScan scan = scan_header_block("\r\n\r\n" + head, kLimit);
  EXPECT_EQ(scan.status, HeaderBlockStatus::complete);
  EXPECT_EQ(scan.skip, 4u);
  EXPECT_EQ(scan.size, 4u + head.size());  // size runs from the start of the data
}

TEST(HeaderBlock, ExactlyAtTheLimitIsComplete) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(status_of(head, head.size()), HeaderBlockStatus::complete);
}

TEST(HeaderBlock, CompleteBlockOverTheLimitIsTooLarge) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(status_of(head, head.size() - 1), HeaderBlockStatus::too_large);
}

TEST(HeaderBlock, UnterminatedDataOverTheLimitIsTooLarge) {
  const std::string data = "GET / HTTP/1.1\r\nX-Big: " + std::string(kLimit, 'a');
  EXPECT_EQ(status_of(data), HeaderBlockStatus::too_large);
}

TEST(HeaderBlock, UnterminatedDataUpToTheLimitIsStillIncomplete) {
  const std::string data = "GET / HTTP/1.1\r\nX-Big: " + std::string(kLimit, 'a');
  EXPECT_EQ(status_of(data.substr(0, kLimit)), HeaderBlockStatus::incomplete);
}

TEST(HeaderBlock, EndlessEmptyLinesAreTooLarge) {
  std::string data;
  while (data.size() <= kLimit) data += "\r\n";
  EXPECT_EQ(status_of(data), HeaderBlockStatus::too_large);
}

TEST(HeaderBlock, BodyAfterASmallHeadDoesNotCountAgainstTheLimit) {
  const std::string head = "POST / HTTP/1.1\r\nContent-Length: 4096\r\n\r\n";
  EXPECT_EQ(status_of(head + std::string(4096, 'x'), head.size()), HeaderBlockStatus::complete);
}

TEST(HeaderBlock, ObsoleteLineFoldingWithSpaceIsMalformed) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nX-A: one\r\n two\r\n\r\n"), HeaderBlockStatus::malformed);
}

TEST(HeaderBlock, ObsoleteLineFoldingWithTabIsMalformed) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nX-A: one\r\n\ttwo\r\n\r\n"), HeaderBlockStatus::malformed);
}

TEST(HeaderBlock, WhitespaceBeforeTheFirstFieldIsMalformed) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), HeaderBlockStatus::malformed);
}

TEST(HeaderBlock, BareLineFeedIsMalformed) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\nHost: a\r\n\r\n"), HeaderBlockStatus::malformed);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nX-A: 1\nX-B: 2\r\n\r\n"), HeaderBlockStatus::malformed);
}

TEST(HeaderBlock, BareCarriageReturnIsMalformed) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n"), HeaderBlockStatus::malformed);
  EXPECT_EQ(status_of("GET / HTTP/1.1\rHost: a\r\n\r\n"), HeaderBlockStatus::malformed);
}

TEST(HeaderBlock, NulByteIsMalformed) {
  using namespace std::string_literals;
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n"s), HeaderBlockStatus::malformed);
  EXPECT_EQ(status_of("GET /\0 HTTP/1.1\r\n\r\n"s), HeaderBlockStatus::malformed);
}

TEST(HeaderBlock, MalformedResultCarriesNoSize) {
  const HeaderBlockScan scan = scan_header_block("GET / HTTP/1.1\nHost: a\r\n\r\n", kLimit);
  EXPECT_EQ(scan.status, HeaderBlockStatus::malformed);
  EXPECT_EQ(scan.size, 0u);
  EXPECT_EQ(scan.skip, 0u);
}

TEST(HeaderBlock, OnlyTheFirstBlockIsVetted) {
  // A pipelined second request (or a body) after the blank line is not header.
  using namespace std::string_literals;
  const std::string first = "GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
  const HeaderBlockScan scan = scan_header_block(first + "GET /b HTTP/1.1\nX: \0\r\n\r\n"s, kLimit);
  EXPECT_EQ(scan.status, HeaderBlockStatus::complete);
  EXPECT_EQ(scan.size, first.size());
}

}  // namespace
}  // namespace centinela::http
