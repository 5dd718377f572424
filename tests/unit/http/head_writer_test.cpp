#include "http/head_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace centinela::http {
namespace {

struct NamedValue {
  std::string_view name;
  std::string_view value;
};

TEST(HeadWriter, StatusLineNamesTheVersion) {
  std::string out;
  append_status_line(out, 11, 404, "Not Found");
  append_status_line(out, 10, 200, "OK");
  EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nHTTP/1.0 200 OK\r\n");
}

TEST(HeadWriter, RequestLineIsAlwaysHttp11) {
  std::string out;
  append_request_line(out, "GET", "/a?b=c");
  EXPECT_EQ(out, "GET /a?b=c HTTP/1.1\r\n");
}

TEST(HeadWriter, FramingLinesEndTheHead) {
  std::string out;
  append_framing(out, BodyFraming::length, 42, false, false);
  EXPECT_EQ(out, "Content-Length: 42\r\n\r\n");
  out.clear();
  append_framing(out, BodyFraming::chunked, 0, false, false);
  EXPECT_EQ(out, "Transfer-Encoding: chunked\r\n\r\n");
  out.clear();
  append_framing(out, BodyFraming::close, 0, true, false);
  EXPECT_EQ(out, "Connection: close\r\n\r\n");
  out.clear();
  append_framing(out, BodyFraming::none, 0, false, true);
  EXPECT_EQ(out, "Connection: keep-alive\r\n\r\n");
}

TEST(HeadWriter, ChunkSizeIsHexWithItsLineEnd) {
  char line[20];
  EXPECT_EQ(std::string_view(line, format_chunk_size(255, line)), "ff\r\n");
  EXPECT_EQ(std::string_view(line, format_chunk_size(16384, line)), "4000\r\n");
}

TEST(HeadWriter, ClientFramingFollowsBodyLengthAndVersion) {
  const auto check = [](ClientFraming got, BodyFraming body, BodyFraming announced) {
    EXPECT_EQ(got.framing, body);
    EXPECT_EQ(got.announced, announced);
  };
  check(client_framing(true, 10, 11), BodyFraming::length, BodyFraming::length);
  check(client_framing(true, 10, 10), BodyFraming::length, BodyFraming::length);
  check(client_framing(true, std::nullopt, 11), BodyFraming::chunked, BodyFraming::chunked);
  check(client_framing(true, std::nullopt, 10), BodyFraming::close, BodyFraming::close);
  // HEAD and 304: no body; a known length is still announced.
  check(client_framing(false, 10, 11), BodyFraming::none, BodyFraming::length);
  check(client_framing(false, std::nullopt, 11), BodyFraming::none, BodyFraming::none);
}

TEST(HeadWriter, FramingFieldsAreRecognisedInAnyCase) {
  for (std::string_view name :
       {"Content-Length", "content-length", "TRANSFER-ENCODING", "Connection", "keep-alive"}) {
    EXPECT_TRUE(is_framing_field(name)) << name;
  }
  for (std::string_view name : {"Content-Type", "Connections", "Trailer", "", "Content-Lengthy"}) {
    EXPECT_FALSE(is_framing_field(name)) << name;
  }
}

TEST(HeadWriter, FieldLinesSkipFramingAndKeepOrder) {
  const std::vector<NamedValue> fields = {
      {"Content-Type", "text/plain"}, {"Content-Length", "3"}, {"X-A", ""}, {"Vary", "Origin"}};
  std::string out = "HTTP/1.1 200 OK\r\n";
  append_field_lines(out, fields);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: \r\nVary: Origin\r\n");
}

TEST(HeadWriter, FieldLinesOfOneBlockAreCopiedAsTheyAre) {
  // Views into a block of lines, as a route's fixed lines or a stored entry
  // are held; an odd line (two spaces) and a field from elsewhere between.
  const std::string block = "A: 1\r\nBb: two\r\nC:  3\r\nD: 4\r\nContent-Length: 9\r\nE: 5\r\n";
  const std::string_view b = block;
  const std::vector<NamedValue> fields = {
      {b.substr(0, 1), b.substr(3, 1)},   {b.substr(6, 2), b.substr(10, 3)},
      {b.substr(15, 1), b.substr(19, 1)}, {{"X", 1}, {"elsewhere", 9}},
      {b.substr(22, 1), b.substr(25, 1)}, {b.substr(28, 14), b.substr(44, 1)},
      {b.substr(47, 1), b.substr(50, 1)}};
  std::string out;
  append_field_lines(out, fields);
  EXPECT_EQ(out, "A: 1\r\nBb: two\r\nC: 3\r\nX: elsewhere\r\nD: 4\r\nE: 5\r\n");
}

}  // namespace
}  // namespace centinela::http
