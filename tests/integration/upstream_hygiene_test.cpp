// An upstream connection goes back to the pool only when its byte stream is
// provably clean: origins that write after a body-less answer, answer what
// nobody asked, or end a body by closing must never make one client receive
// another's response, nor fail the next request.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "gateway_fixture.h"
#include "raw_origin.h"
#include "rss_sampler.h"

namespace itest {
namespace {

// What a script does with one request.
enum class Step {
  answer,   // the usual answer, naming the request's target
  handled,  // the misbehaviour wrote something else; read the next request
  hang_up,  // close the connection
};
using Misbehaviour = std::function<Step(RawConnection&, const RawRequest&)>;

// Answers every request with a body naming its target, so a client can tell
// whose answer it got; `misbehave` takes over the requests it wants.
RawScript serve(Misbehaviour misbehave) {
  return [misbehave = std::move(misbehave)](RawConnection& connection) {
    while (auto request = connection.read_request()) {
      const Step step = misbehave(connection, *request);
      if (step == Step::hang_up) return;
      if (step == Step::handled) continue;
      if (!connection.write(raw_response(200, "answer for " + request->target,
                                         "Cache-Control: max-age=600\r\n"))) {
        return;
      }
    }
  };
}

class UpstreamHygieneTest : public GatewayTest {
 protected:
  // One worker, so one pool: the next request reuses the previous connection.
  UpstreamHygieneTest() { config_.workers = 1; }

  ::testing::AssertionResult start(RawScript script, const std::string& upstream_extra = "") {
    raw_ = std::make_unique<RawOrigin>(std::move(script));
    config_.upstreams["raw"] = upstream_yaml({raw_->address()}, upstream_extra);
    config_.routes.insert(config_.routes.begin(),
                          {R"({match: {prefix: "/cached/"}, upstream: raw, cache: {ttl: 1m}})",
                           R"({match: {prefix: "/raw/"}, upstream: raw})"});
    return start_gateway();
  }

  // Every request gets the answer meant for it.
  void expect_own_answers(const std::string& prefix, int count) {
    for (int i = 0; i < count; ++i) {
      const std::string target = prefix + std::to_string(i);
      HttpResponse response = get(target);
      EXPECT_EQ(response.status, 200) << target << ": " << response.error << response.body;
      EXPECT_EQ(response.body, "answer for " + target);
    }
  }

  std::unique_ptr<RawOrigin> raw_;
};

// 204 announcing a body, then a whole response 50 ms later that nobody asked for.
Step no_content_then_late_response(RawConnection& connection, const RawRequest& request) {
  if (request.target.find("/no-content") == std::string::npos) return Step::answer;
  connection.write("HTTP/1.1 204 No Content\r\nContent-Length: 44\r\n\r\n");
  connection.pause(50ms);
  connection.write(raw_response(200, "smuggled answer", "Cache-Control: max-age=600\r\n"));
  connection.mark("late");
  return Step::handled;
}

// A body-less answer whose stray body follows 20 ms later.
Misbehaviour stray_body_after(std::string method, std::string target, std::string head) {
  return [=](RawConnection& connection, const RawRequest& request) {
    if (request.method != method || request.target != target) return Step::answer;
    connection.write(head);
    connection.pause(20ms);
    connection.write("stray body!");
    connection.mark("late");
    return Step::handled;
  };
}

TEST_F(UpstreamHygieneTest, NoContentAnnouncingABodyIsNotPooled) {
  ASSERT_TRUE(start(serve(no_content_then_late_response)));
  EXPECT_EQ(get("/raw/no-content").status, 204);
  ASSERT_TRUE(raw_->wait_for_mark("late", 1, 2s));
  expect_own_answers("/raw/next/", 3);
}

TEST_F(UpstreamHygieneTest, NoContentAnnouncingABodyCannotPoisonTheCache) {
  ASSERT_TRUE(start(serve(no_content_then_late_response)));
  EXPECT_EQ(get("/cached/no-content").status, 204);
  ASSERT_TRUE(raw_->wait_for_mark("late", 1, 2s));
  // Each asked twice: the second answer comes from the cache.
  for (int round = 0; round < 2; ++round) expect_own_answers("/cached/next/", 3);
}

TEST_F(UpstreamHygieneTest, BodyAfterHeadDoesNotReachTheNextRequest) {
  ASSERT_TRUE(start(serve(
      stray_body_after("HEAD", "/raw/head", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"))));
  HttpResponse head = http_request(port(), "HEAD", "/raw/head");
  EXPECT_EQ(head.status, 200) << head.error;
  ASSERT_TRUE(raw_->wait_for_mark("late", 1, 2s));
  expect_own_answers("/raw/after-head/", 3);
}

TEST_F(UpstreamHygieneTest, BodyAfterNotModifiedDoesNotReachTheNextRequest) {
  ASSERT_TRUE(start(serve(stray_body_after(
      "GET", "/raw/conditional",
      "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 11\r\n\r\n"))));
  EXPECT_EQ(get("/raw/conditional", {{"If-None-Match", "\"v1\""}}).status, 304);
  ASSERT_TRUE(raw_->wait_for_mark("late", 1, 2s));
  expect_own_answers("/raw/after-304/", 3);
}

TEST_F(UpstreamHygieneTest, CloseDelimitedResponseNeitherFailsTheNextRequestNorCountsAsFailure) {
  // One failure would eject the only server, and nothing is retried.
  ASSERT_TRUE(start(serve([](RawConnection& connection, const RawRequest& request) {
                      if (request.target != "/raw/close-delimited") return Step::answer;
                      connection.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
                      connection.write("the body ends when the connection does");
                      return Step::hang_up;
                    }),
                    "retries: 0, passive_health: {max_failures: 1, ejection_time: 1m}"));
  HttpResponse first = get("/raw/close-delimited");
  EXPECT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.body, "the body ends when the connection does");
  expect_own_answers("/raw/after-close/", 3);
  EXPECT_EQ(
      metric("centinela_upstream_healthy", {{"upstream", "raw"}, {"server", raw_->address()}}),
      1.0);
}

TEST_F(UpstreamHygieneTest, IdlePooledConnectionThatHearsAnythingIsClosed) {
  ASSERT_TRUE(start(serve([](RawConnection& connection, const RawRequest& request) {
    if (request.target != "/raw/first") return Step::answer;
    connection.write(raw_response(200, "answer for /raw/first"));
    connection.pause(50ms);
    connection.write(raw_response(200, "unsolicited"));
    connection.mark("late");
    if (connection.wait_closed(3s)) connection.mark("closed by gateway");
    return Step::hang_up;
  })));
  EXPECT_EQ(get("/raw/first").body, "answer for /raw/first");
  ASSERT_TRUE(raw_->wait_for_mark("late", 1, 2s));
  // The watch on the idle connection closes it; nothing waits for a request.
  EXPECT_TRUE(raw_->wait_for_mark("closed by gateway", 1, 2s));
  expect_own_answers("/raw/second/", 3);
}

TEST_F(UpstreamHygieneTest, IdlePooledConnectionClosedByTheOriginIsNotReused) {
  // The origin closes after each answer (without saying so): every request
  // still succeeds, and no failure is counted.
  ASSERT_TRUE(start(
      [](RawConnection& connection) {
        if (auto request = connection.read_request()) {
          connection.write(raw_response(200, "answer for " + request->target));
          connection.hang_up();
          connection.mark("hung up");
        }
      },
      "retries: 0, passive_health: {max_failures: 1, ejection_time: 1m}"));
  for (int i = 0; i < 3; ++i) {
    const std::string target = "/raw/one-shot/" + std::to_string(i);
    EXPECT_EQ(get(target).body, "answer for " + target);
    ASSERT_TRUE(raw_->wait_for_mark("hung up", static_cast<std::size_t>(i) + 1, 2s));
  }
  EXPECT_EQ(
      metric("centinela_upstream_healthy", {{"upstream", "raw"}, {"server", raw_->address()}}),
      1.0);
}

// The bounds a request's chunked framing has hold for responses too: a flood
// in the framing is a 502, neither memory nor a wait for the timeout.
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr std::uint64_t kFloodGrowthLimit = 8 * kMiB;

Misbehaviour flood_framing(std::string start, std::string piece) {
  return [=](RawConnection& connection, const RawRequest& request) {
    if (request.target != "/raw/flood") return Step::answer;
    connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + start);
    for (std::uint64_t sent = 0; sent < 32 * kMiB && connection.write(piece);) {
      sent += piece.size();
    }
    connection.mark("flooded");
    return Step::hang_up;
  };
}

std::string trailer_lines(std::size_t bytes) {
  std::string lines;
  for (int i = 0; lines.size() < bytes; ++i) {
    lines += fmt::format("X-Trailer-{}: {}\r\n", i, std::string(1000, 'v'));
  }
  return lines;
}

class UpstreamFramingTest : public UpstreamHygieneTest {
 protected:
  // GET /raw/flood: a 502 within the client's patience, little memory, and
  // the origin's connection closed.
  void expect_flood_refused() {
    const std::uint64_t baseline = gateway_->rss_bytes();
    RssSampler sampler([&] { return gateway_->rss_bytes(); });
    HttpResponse response = http_get(port(), "/raw/flood", {}, 5000ms);
    // Sampled while the origin still floods (or until it gave up).
    ASSERT_TRUE(raw_->wait_for_mark("flooded", 1, 10s));
    const std::uint64_t peak = std::max(sampler.peak_bytes(), gateway_->rss_bytes());
    sampler.stop();
    EXPECT_TRUE(is_gateway_error(response, 502, "BAD_GATEWAY"));
    EXPECT_LT(peak > baseline ? peak - baseline : 0, kFloodGrowthLimit)
        << "baseline " << baseline << " peak " << peak;
    expect_own_answers("/raw/after-flood/", 2);
  }
};

TEST_F(UpstreamFramingTest, ChunkExtensionFloodIs502) {
  ASSERT_TRUE(start(serve(flood_framing("5;a=", std::string(64 * 1024, 'b'))), "timeout: 30s"));
  expect_flood_refused();
}

TEST_F(UpstreamFramingTest, TrailerFloodIs502) {
  ASSERT_TRUE(start(serve(flood_framing("0\r\n", trailer_lines(64 * 1024))), "timeout: 30s"));
  expect_flood_refused();
}

TEST_F(UpstreamFramingTest, BareLineFeedsInChunkedFramingAre502) {
  ASSERT_TRUE(start(serve([](RawConnection& connection, const RawRequest& request) {
                      if (request.target.find("/raw/bare/") != 0) return Step::answer;
                      connection.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                      connection.write(request.target == "/raw/bare/lf" ? "5\nhello\n0\n\n"
                                                                        : "5\rhello\r0\r\r");
                      connection.wait_closed(10s);
                      return Step::hang_up;
                    }),
                    "timeout: 30s"));
  for (const char* target : {"/raw/bare/lf", "/raw/bare/cr"}) {
    EXPECT_TRUE(is_gateway_error(http_get(port(), target, {}, 3000ms), 502, "BAD_GATEWAY"))
        << target;
  }
  expect_own_answers("/raw/after-bare/", 2);
}

}  // namespace
}  // namespace itest
