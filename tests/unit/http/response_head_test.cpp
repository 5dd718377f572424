#include "http/response_head.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/field_lines.h"
#include "http/header_block.h"

namespace centinela::http {
namespace {

// The block as the gateway hands it over: the scan first, then the parse.
ResponseHeadError parse(std::string_view raw, ResponseHead& head) {
  const HeaderBlockScan scan = scan_header_block(raw, 64 * 1024);
  if (scan.status != HeaderBlockStatus::complete || scan.skip != 0) {
    return ResponseHeadError::field_line;  // what the gateway makes of it: 502
  }
  return parse_response_head(raw.substr(0, scan.size - 2), head);
}

ResponseHeadError error_of(std::string_view raw) {
  ResponseHead head;
  return parse(raw, head);
}

TEST(ResponseHead, ReadsStatusReasonAndFieldsAsViews) {
  const std::string raw =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A:  spaced  \r\nContent-Length: 5\r\n\r\n";
  ResponseHead head;
  ASSERT_EQ(parse(raw, head), ResponseHeadError::none);
  EXPECT_EQ(head.version, 11u);
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.reason, "OK");
  EXPECT_EQ(head.content_length, 5u);
  EXPECT_FALSE(head.has_transfer_encoding);
  EXPECT_TRUE(head.keep_alive());
  EXPECT_GE(head.reason.data(), raw.data());
  EXPECT_LT(head.reason.data(), raw.data() + raw.size());
  FieldLineReader reader(head.fields);
  FieldLine line;
  std::vector<std::string> seen;
  while (reader.next(line)) seen.push_back(std::string(line.name) + "=" + std::string(line.value));
  EXPECT_EQ(seen, (std::vector<std::string>{"Content-Type=text/plain", "X-A=spaced",
                                            "Content-Length=5"}));
}

TEST(ResponseHead, StatusLineWithoutReasonOrWithAnEmptyOne) {
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 204\r\n\r\n", head), ResponseHeadError::none);
  EXPECT_EQ(head.status, 204u);
  EXPECT_TRUE(head.reason.empty());
  ASSERT_EQ(parse("HTTP/1.0 404 \r\n\r\n", head), ResponseHeadError::none);
  EXPECT_EQ(head.version, 10u);
  EXPECT_TRUE(head.reason.empty());
  ASSERT_EQ(parse("HTTP/1.1 500 Very  Bad\tDay\r\n\r\n", head), ResponseHeadError::none);
  EXPECT_EQ(head.reason, "Very  Bad\tDay");
}

TEST(ResponseHead, MalformedStatusLinesAreRefused) {
  for (const char* raw : {
           "HTTP/1.1 abc Bogus\r\n\r\n",
           "this is not an http response at all\r\n\r\n",
           "HTTP/2.0 200 OK\r\n\r\n",
           "HTTP/1.1 20 OK\r\n\r\n",
           "HTTP/1.1 2000 OK\r\n\r\n",
           "HTTP/1.1 099 Low\r\n\r\n",
           "HTTP/1.1 600 High\r\n\r\n",
           "HTTP/1.1  200 OK\r\n\r\n",
           "http/1.1 200 OK\r\n\r\n",
           "HTTP/1.1 200 Bad\x01reason\r\n\r\n",
           "HTTP/1.1 200 Del\x7freason\r\n\r\n",
       }) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(error_of(raw), ResponseHeadError::status_line);
  }
}

TEST(ResponseHead, ObsTextInTheReasonIsKept) {
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 200 Tr\xc3\xa8s bien\r\n\r\n", head), ResponseHeadError::none);
  EXPECT_EQ(head.reason, "Tr\xc3\xa8s bien");
}

TEST(ResponseHead, MalformedFieldLinesAreRefused) {
  for (const char* raw : {
           "HTTP/1.1 200 OK\r\nNo-Colon\r\n\r\n",
           "HTTP/1.1 200 OK\r\nSpace Before : x\r\n\r\n",
           "HTTP/1.1 200 OK\r\nName : x\r\n\r\n",
           "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
           "HTTP/1.1 200 OK\r\nBad(name): x\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Ctl: a\x01z\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-Del: a\x7fz\r\n\r\n",
       }) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(error_of(raw), ResponseHeadError::field_line);
  }
}

// What scan_header_block refuses before the parse (the gateway: 502).
TEST(ResponseHead, ObsFoldBareLineEndsAndNulNeverReachTheParse) {
  for (std::string raw : {
           std::string("HTTP/1.1 200 OK\r\nX-Folded: first\r\n second\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Folded: first\r\n\tsecond\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Bare: a\nb\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Bare: a\rb\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\nX-A: b\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Nul: a") + '\0' + "b\r\n\r\n",
           std::string("\r\nHTTP/1.1 200 OK\r\n\r\n"),
       }) {
    SCOPED_TRACE(raw);
    const HeaderBlockScan scan = scan_header_block(raw, 64 * 1024);
    EXPECT_TRUE(scan.status == HeaderBlockStatus::malformed || scan.skip != 0);
  }
}

// The upstream's way: the block's end found without vetting its bytes, then
// the parse, which must refuse whatever the scan above refuses.
TEST(ResponseHead, TheParseRefusesWhatTheCheckedScanLeavesToIt) {
  for (std::string raw : {
           std::string("HTTP/1.1 200 OK\r\nX-Folded: first\r\n second\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Folded: first\r\n\tsecond\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Bare: a\nb\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Bare: a\rb\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Bare: a long value with a bare\rCR\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Bare: a\r\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\nX-A: b\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\r\nX-A: b\r\n\r\n"),
           std::string("HTTP/1.1 200 OK\r\nX-Nul: a") + '\0' + "b\r\n\r\n",
           std::string("HTTP/1.1 200 OK\r\nX-Nul") + '\0' + ": b\r\n\r\n",
           std::string("HTTP/1.1 200 O") + '\0' + "K\r\n\r\n",
           std::string("\r\nHTTP/1.1 200 OK\r\n\r\n"),
           std::string("\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
       }) {
    SCOPED_TRACE(raw);
    const HeaderBlockScan scan = scan_checked_header_block(raw, 64 * 1024);
    ASSERT_EQ(scan.status, HeaderBlockStatus::complete);
    ASSERT_EQ(scan.skip, 0u);
    ResponseHead head;
    EXPECT_NE(parse_response_head(std::string_view(raw).substr(0, scan.size - 2), head),
              ResponseHeadError::none);
  }
}

TEST(ResponseHead, TheCheckedScanVetsAnIncompleteBlockAndBoundsIt) {
  EXPECT_EQ(scan_checked_header_block("HTTP/1.1 200 OK\r\nX: a\nb", 1024).status,
            HeaderBlockStatus::malformed);
  EXPECT_EQ(scan_checked_header_block("HTTP/1.1 200 OK\r\nX: a", 1024).status,
            HeaderBlockStatus::incomplete);
  EXPECT_EQ(
      scan_checked_header_block("HTTP/1.1 200 OK\r\nX: a" + std::string(2000, 'a'), 1024).status,
      HeaderBlockStatus::too_large);
  const std::string whole = "HTTP/1.1 200 OK\r\nX: " + std::string(2000, 'a') + "\r\n\r\n";
  EXPECT_EQ(scan_checked_header_block(whole, 1024).status, HeaderBlockStatus::too_large);
  const HeaderBlockScan scan = scan_checked_header_block("HTTP/1.1 200 OK\r\n\r\nbody", 1024);
  EXPECT_EQ(scan.status, HeaderBlockStatus::complete);
  EXPECT_EQ(scan.size, 19u);
}

// Values are read eight bytes at a time: a byte no value may hold is
// refused wherever it sits, a tab and obs-text are kept wherever they sit.
TEST(ResponseHead, EveryByteOfALongValueIsChecked) {
  for (std::size_t at = 0; at < 20; ++at) {
    for (const char bad : {'\x01', '\x7f', '\0', '\n', '\x1f'}) {
      std::string value(20, 'v');
      value[at] = bad;
      SCOPED_TRACE(testing::Message() << "at " << at << " byte " << int(bad));
      EXPECT_NE(error_of("HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\n\r\n"),
                ResponseHeadError::none);
      ResponseHead head;
      const std::string raw = "HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\n";
      EXPECT_NE(parse_response_head(raw, head), ResponseHeadError::none);
    }
    for (const char good : {'\t', '\x80', '\xff', ' ', '~'}) {
      std::string value(20, 'v');
      value[at] = good;
      ResponseHead head;
      const std::string raw = "HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\nX-B: b\r\n";
      SCOPED_TRACE(testing::Message() << "at " << at << " byte " << int(good));
      ASSERT_EQ(parse_response_head(raw, head), ResponseHeadError::none);
      FieldLineReader reader(head.fields);
      FieldLine line;
      ASSERT_TRUE(reader.next(line));
      std::string_view expected(value);
      while (!expected.empty() && (expected.front() == ' ' || expected.front() == '\t')) {
        expected.remove_prefix(1);
      }
      while (!expected.empty() && (expected.back() == ' ' || expected.back() == '\t')) {
        expected.remove_suffix(1);
      }
      EXPECT_EQ(line.value, expected);
    }
  }
}

TEST(ResponseHead, FieldLinesWithoutTheirLastLineEndAreRefused) {
  ResponseHead head;
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\nX-A: b", head), ResponseHeadError::field_line);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\nX-A", head), ResponseHeadError::field_line);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\nX-A: b\r", head),
            ResponseHeadError::field_line);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\n", head), ResponseHeadError::none);
}

TEST(ResponseHead, RepeatedEqualContentLengthsAreOne) {
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\ncontent-length: 10\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_EQ(head.content_length, 10u);
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 7 , 7\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_EQ(head.content_length, 7u);
}

TEST(ResponseHead, ConflictingOrMalformedContentLengthsAreRefused) {
  for (const char* raw : {
           "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 10, 20\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 10,\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 1 0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
       }) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(error_of(raw), ResponseHeadError::content_length);
  }
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_EQ(head.content_length, 18446744073709551615u);
}

TEST(ResponseHead, ChunkedIsTheOnlyAndLastCoding) {
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_TRUE(head.chunked);
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_TRUE(head.chunked);
  ASSERT_EQ(
      parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
            head),
      ResponseHeadError::none);
  EXPECT_TRUE(head.chunked);
  for (const char* raw : {
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n",
       }) {
    SCOPED_TRACE(raw);
    ASSERT_EQ(parse(raw, head), ResponseHeadError::none);
    EXPECT_TRUE(head.has_transfer_encoding);
    EXPECT_FALSE(head.chunked);
    // Read until the close, never reused.
    const ResponseFraming framing = response_framing(head.facts(false));
    EXPECT_EQ(framing.framing, Framing::until_close);
    EXPECT_FALSE(framing.reusable);
  }
}

TEST(ResponseHead, TransferEncodingBesideLengthOrTwiceChunkedIsRefused) {
  for (const char* raw : {
           "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
       }) {
    SCOPED_TRACE(raw);
    EXPECT_EQ(error_of(raw), ResponseHeadError::transfer_encoding);
  }
}

TEST(ResponseHead, ConnectionDecidesKeepAlive) {
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_TRUE(head.has_connection);
  EXPECT_TRUE(head.keep_alive());
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nConnection: X-Foo, CLOSE\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_FALSE(head.keep_alive());
  ASSERT_EQ(parse("HTTP/1.0 200 OK\r\n\r\n", head), ResponseHeadError::none);
  EXPECT_FALSE(head.keep_alive());
  ASSERT_EQ(parse("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_TRUE(head.keep_alive());
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nConnection: a\r\nConnection: close\r\n\r\n", head),
            ResponseHeadError::none);
  EXPECT_FALSE(head.keep_alive());
  EXPECT_EQ(error_of("HTTP/1.1 200 OK\r\nConnection: close, \"quoted\"\r\n\r\n"),
            ResponseHeadError::connection);
}

TEST(ResponseHead, FactsCarryWhatTheFramingNeeds) {
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 11\r\n\r\n", head),
            ResponseHeadError::none);
  const ResponseHeadFacts facts = head.facts(false);
  EXPECT_EQ(facts.status, 304u);
  EXPECT_EQ(facts.content_length, 11u);
  // Announces a body it may not have: never pooled.
  EXPECT_FALSE(response_framing(facts).reusable);
}

TEST(ResponseHead, ListHasTokenMatchesWholeItems) {
  EXPECT_TRUE(list_has_token("Upgrade", "upgrade"));
  EXPECT_TRUE(list_has_token("a, websocket ,b", "WebSocket"));
  EXPECT_FALSE(list_has_token("websocket/13", "websocket"));
  EXPECT_FALSE(list_has_token("", "websocket"));
  EXPECT_FALSE(list_has_token("xwebsocket", "websocket"));
}

TEST(ResponseHead, MovesItsViewsToACopy) {
  std::string raw = "HTTP/1.1 200 Fine\r\nX-A: b\r\n";
  ResponseHead head;
  ASSERT_EQ(parse_response_head(raw, head), ResponseHeadError::none);
  const std::string copy = raw;
  head.move_to(raw, copy);
  raw.assign(raw.size(), 'z');
  EXPECT_EQ(head.reason, "Fine");
  EXPECT_EQ(head.fields, "X-A: b\r\n");
  EXPECT_EQ(head.reason.data(), copy.data() + 13);
}

TEST(ResponseHead, KeepsItsLinesInTheRoomGiven) {
  const std::string raw = "HTTP/1.1 200 OK\r\nA: 1\r\nB:2 \r\nC:\r\n";
  ResponseHead head;
  ASSERT_EQ(parse_status_line(raw, head), ResponseHeadError::none);
  std::vector<FieldLine> room(count_field_lines(head));
  ASSERT_EQ(room.size(), 3u);
  ASSERT_EQ(parse_field_lines(head, room), ResponseHeadError::none);
  ASSERT_EQ(head.lines.size(), 3u);
  EXPECT_EQ(head.lines[0].name, "A");
  EXPECT_EQ(head.lines[1].value, "2");
  EXPECT_EQ(head.lines[2].name, "C");
  EXPECT_TRUE(head.lines[2].value.empty());
  // Without room the lines are checked, not kept.
  ASSERT_EQ(parse_response_head(raw, head), ResponseHeadError::none);
  EXPECT_TRUE(head.lines.empty());
}

TEST(ResponseHead, ControlBytesAnywhereInALongValueAreRefused) {
  const std::string value = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (const char bad : {'\x01', '\x1f', '\x7f', '\x0b'}) {
    for (std::size_t at = 0; at < value.size(); at += 5) {
      std::string raw = "HTTP/1.1 200 OK\r\nX-Long: " + value + "\r\n\r\n";
      raw[25 + at] = bad;  // value[at]
      SCOPED_TRACE(at);
      EXPECT_EQ(error_of(raw), ResponseHeadError::field_line);
    }
  }
  ResponseHead head;
  ASSERT_EQ(parse("HTTP/1.1 200 OK\r\nX-Long: \t" + value + "\tend \xff\x80\r\n\r\n", head),
            ResponseHeadError::none);
}

}  // namespace
}  // namespace centinela::http
