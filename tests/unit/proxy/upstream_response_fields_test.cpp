#include "proxy/upstream_response_fields.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stage/arena.h"

namespace centinela::proxy {
namespace {

namespace wire = centinela::http;

// "Name=value" of every field the stages would see, from a raw head
// (status line and field lines, each ending in CRLF).
std::vector<std::string> end_to_end(const std::string& block) {
  wire::ResponseHead head;
  EXPECT_EQ(wire::parse_status_line(block, head), wire::ResponseHeadError::none);
  std::vector<wire::FieldLine> room(wire::count_field_lines(head));
  EXPECT_EQ(wire::parse_field_lines(head, room), wire::ResponseHeadError::none);
  EXPECT_EQ(head.lines.size(), room.size());
  stage::Arena arena;
  stage::ResponseFields fields(arena);
  add_end_to_end_fields(head, fields);
  std::vector<std::string> out;
  for (const stage::Field& field : fields) {
    out.push_back(std::string(field.name) + "=" + std::string(field.value));
  }
  return out;
}

TEST(UpstreamResponseFields, HopByHopFieldsAndTheLengthStayBehind) {
  EXPECT_EQ(end_to_end("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
                       "Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-Sum\r\n"
                       "Transfer-Encoding: chunked\r\nUpgrade: h2c\r\nProxy-Authenticate: Basic\r\n"
                       "Content-Type: text/plain\r\nETag: \"v1\"\r\n"),
            (std::vector<std::string>{"Content-Type=text/plain", "ETag=\"v1\""}));
  EXPECT_EQ(end_to_end("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n"),
            (std::vector<std::string>{"X-A=1"}));
}

TEST(UpstreamResponseFields, FieldsNamedInAnyConnectionLineGo) {
  EXPECT_EQ(end_to_end("HTTP/1.1 200 OK\r\nConnection: X-Secret\r\nX-Secret: 1\r\n"
                       "x-other: 2\r\nX-Kept: 3\r\nCONNECTION: X-OTHER, close\r\n"),
            (std::vector<std::string>{"X-Kept=3"}));
}

TEST(UpstreamResponseFields, ManyConnectionLinesAreAllHonoured) {
  std::string block = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 6; ++i) block += "Connection: X-" + std::to_string(i) + ", close\r\n";
  for (int i = 0; i < 7; ++i) block += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(end_to_end(block), (std::vector<std::string>{"X-6=v"}));
}

TEST(UpstreamResponseFields, MoreConnectionNamesThanTheBoundAreRefused) {
  std::string block = "HTTP/1.1 200 OK\r\nConnection: close";
  for (std::size_t i = 0; i < wire::kMaxConnectionNames; ++i) block += ", X-" + std::to_string(i);
  wire::ResponseHead head;
  EXPECT_EQ(wire::parse_response_head(block + "\r\n", head), wire::ResponseHeadError::none);
  EXPECT_EQ(wire::parse_response_head(block + ", one-more\r\n", head),
            wire::ResponseHeadError::connection);
}

TEST(UpstreamResponseFields, ConnectionCannotRemoveProtectedFields) {
  EXPECT_EQ(
      end_to_end("HTTP/1.1 200 OK\r\nConnection: via, x-request-id, x-forwarded-for\r\n"
                 "Via: 1.1 origin\r\nX-Request-ID: abc\r\nX-Forwarded-For: 10.0.0.1\r\n"),
      (std::vector<std::string>{"Via=1.1 origin", "X-Request-ID=abc", "X-Forwarded-For=10.0.0.1"}));
}

}  // namespace
}  // namespace centinela::proxy
