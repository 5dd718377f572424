// Response heads over HTTP/2 as the client receives them when many streams
// end at once. nghttp2 is not given copies of a head's names and values
// (h2/response_head.h): they live with the stream until nghttp2 packed the
// HEADERS frame, which can be after the stream's coroutine ended and its
// request slot went to the next stream.
#include "h2_fixture.h"

namespace itest {
namespace {

// A bodiless answer (204) ends the stream's work as soon as its head is
// handed to nghttp2, before the writer packs it. Forty at once, each with its
// own request id and origin field: each must get its own back, not a later
// stream's or garbage.
TEST_F(Http2Test, BodilessAnswersOfManyStreamsKeepTheirOwnHeads) {
  origin_.on("/nobody", [](const ReceivedRequest& request) {
    OriginReply reply;
    reply.status = 204;
    reply.headers.emplace_back("X-Echo", request.target);
    return reply;
  });
  ASSERT_TRUE(start_h2());
  constexpr int kStreams = 40;
  std::string requests = "\"requests\": [";
  for (int i = 0; i < kStreams; ++i) {
    requests += fmt::format(
        R"({}{{"path": "/nobody?i={}", "headers": [["x-request-id", "head-check-{}"]]}})",
        i == 0 ? "" : ", ", i, i);
  }
  requests += "]";
  const H2Answer answer = h2(requests);
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), static_cast<std::size_t>(kStreams)) << answer.raw;
  for (int i = 0; i < kStreams; ++i) {
    SCOPED_TRACE(i);
    const HttpResponse& response = streams[i].response;
    EXPECT_EQ(response.status, 204) << response.error;
    EXPECT_EQ(response.header("x-request-id").value_or("(none)"), fmt::format("head-check-{}", i));
    EXPECT_EQ(response.header("x-echo").value_or("(none)"), fmt::format("/nobody?i={}", i));
    EXPECT_TRUE(response.body.empty());
  }
  EXPECT_TRUE(h2_serves_normally());
}

}  // namespace
}  // namespace itest
