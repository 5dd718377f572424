// A client that leaves while its request waits for a slow origin — an HTTP/2
// stream reset (RST_STREAM, Rapid Reset) or an HTTP/1.1 connection closed —
// abandons the upstream exchange at once: the origin sees its connection
// closed (never an answer read into the pool), the stream's place under
// max_concurrent_streams is free again, the access log records 499, and
// neither a retry nor passive health counts it. A fetch other clients wait
// on (the cache's coalescing) is not abandoned for them.
#include <fstream>
#include <future>

#include "h2_fixture.h"
#include "raw_origin.h"

namespace itest {
namespace {

// Far longer than any wait of the tests: an origin connection that ends
// before it did so because the gateway closed it.
constexpr auto kOriginHolds = 60s;
constexpr auto kPromptly = 20s;
constexpr std::size_t kMaxStreams = 128;  // the gateway's SETTINGS_MAX_CONCURRENT_STREAMS
// Streams a test resets at once: within the Rapid Reset budget (h2::FloodBounds, 100).
constexpr std::size_t kResets = 64;

// Answers /fast/ at once; holds /slow/ until the gateway closes the
// connection ("ended"; "answered" if it never did); answers /late/ after a
// second; answers /cached/ after two seconds, cacheable.
void slow_origin(RawConnection& connection) {
  for (;;) {
    const auto request = connection.read_request(kOriginHolds);
    if (!request) {
      connection.mark("ended");
      return;
    }
    const std::string& target = request->target;
    connection.mark("asked " + target.substr(0, target.find('/', 1) + 1));
    if (target.starts_with("/slow/")) {
      if (connection.wait_closed(kOriginHolds)) {
        connection.mark("ended");
        return;
      }
      connection.write(raw_response(200, "late"));
      connection.mark("answered");
      continue;
    }
    if (target.starts_with("/late/")) connection.pause(1s);
    if (target.starts_with("/cached/")) {
      connection.pause(2s);
      if (!connection.write(raw_response(200, "shared", "Cache-Control: max-age=600\r\n"))) return;
      connection.mark("answered");
      continue;
    }
    if (!connection.write(raw_response(200, "answer for " + target))) return;
  }
}

void touch(const std::string& path) { std::ofstream(path) << "go"; }

class ClientAbortTest : public Http2Test {
 protected:
  ::testing::AssertionResult start(bool h2) {
    raw_ = std::make_unique<RawOrigin>(slow_origin);
    // Retries allowed: a client's leaving must not use them.
    config_.upstreams["raw"] =
        upstream_yaml({raw_->address()}, "retries: 2, timeout: 60s, connect_timeout: 10s");
    config_.routes.insert(config_.routes.begin(),
                          {R"({match: {prefix: "/cached/"}, upstream: raw, cache: {ttl: 1m}})",
                           R"({match: {prefix: "/slow/"}, upstream: raw})",
                           R"({match: {prefix: "/fast/"}, upstream: raw})",
                           R"({match: {prefix: "/late/"}, upstream: raw})"});
    config_.limits = "header_timeout: 60s, idle_timeout: 60s";
    return h2 ? start_h2() : start_gateway();
  }

  // Every connection the origin accepted ended (the gateway closed it).
  bool origin_connections_all_ended(std::chrono::seconds timeout) const {
    return eventually([&] { return raw_->mark_count("ended") == raw_->connections_accepted(); },
                      timeout);
  }

  bool logged_client_closed(const std::string& path_prefix) {
    return wait_for_access_log(
               [&](const JsonValue& entry) {
                 return entry.string_at("path").starts_with(path_prefix) &&
                        entry.number_at("status") == 499.0;
               },
               5000ms)
        .has_value();
  }

  std::unique_ptr<RawOrigin> raw_;
};

TEST_F(ClientAbortTest, ResetStreamsCloseTheirOriginConnectionsAndFreeTheirPlaces) {
  ASSERT_TRUE(start(true));
  const std::string reset_when = dir_.file("reset");
  const std::string fill_when = dir_.file("fill");
  // Half the connection's places taken by streams the origin holds.
  auto client = std::async(std::launch::async, [&] {
    return h2(fmt::format(R"("scenario": "reset_then_fill", "count": {}, "path": "/slow/x",)"
                          R"( "reset_when": "{}", "fill_when": "{}", "fill": {},)"
                          R"( "fill_path": "/fast/y", "timeout": 30)",
                          kResets, reset_when, fill_when, kMaxStreams),
              120s);
  });
  ASSERT_TRUE(raw_->wait_for_mark("asked /slow/", kResets, kPromptly))
      << raw_->mark_count("asked /slow/");
  touch(reset_when);
  EXPECT_TRUE(raw_->wait_for_mark("ended", kResets, kPromptly))
      << "origin connections closed after the resets: " << raw_->mark_count("ended");
  touch(fill_when);
  const H2Answer answer = client.get();
  ASSERT_TRUE(answer.ok()) << answer.raw;
  // As many new streams as the bound allows, all served: no place is held
  // by a reset stream (before, the origin's 60 s did: 64 were refused).
  EXPECT_EQ(answer.json.number_at("fill_ok"), double(kMaxStreams)) << answer.raw;
  EXPECT_EQ(answer.json.number_at("fill_refused"), 0.0) << answer.raw;
  EXPECT_EQ(raw_->mark_count("answered"), 0u);
  EXPECT_EQ(raw_->mark_count("asked /slow/"), kResets) << "a reset stream was retried";
  EXPECT_TRUE(logged_client_closed("/slow/")) << access_log_text();
  // Not an origin failure: still up, still chosen.
  EXPECT_EQ(metric("centinela_upstream_healthy", {{"upstream", "raw"}}).value_or(-1), 1.0);
  EXPECT_EQ(http_get(port(), "/fast/after").status, 200);
}

TEST_F(ClientAbortTest, RapidResetAgainstASlowOriginLeavesNoOriginConnection) {
  ASSERT_TRUE(start(true));
  // Each frame in its own write, so that many streams start (and reach the
  // origin) before their reset arrives.
  const H2Answer answer =
      h2(R"("scenario": "rapid_reset", "count": 2000, "path": "/slow/rapid", "flush_each": true)");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  EXPECT_TRUE(answer.goaway_code()) << answer.raw;
  EXPECT_TRUE(origin_connections_all_ended(kPromptly))
      << raw_->mark_count("ended") << " of " << raw_->connections_accepted() << " ended";
  EXPECT_EQ(raw_->mark_count("answered"), 0u);
  EXPECT_TRUE(h2_serves_normally());
}

TEST_F(ClientAbortTest, ClosedHttp1ConnectionClosesItsOriginConnection) {
  ASSERT_TRUE(start(false));
  HttpConnection connection(port());
  ASSERT_TRUE(connection.send(build_request("GET", "/slow/h1")));
  ASSERT_TRUE(raw_->wait_for_mark("asked /slow/", 1, kPromptly));
  connection.close();
  EXPECT_TRUE(raw_->wait_for_mark("ended", 1, kPromptly)) << "the origin still holds the request";
  EXPECT_EQ(raw_->mark_count("answered"), 0u);
  EXPECT_EQ(raw_->mark_count("asked /slow/"), 1u) << "the abandoned request was retried";
  EXPECT_TRUE(logged_client_closed("/slow/h1")) << access_log_text();
  EXPECT_EQ(metric("centinela_upstream_healthy", {{"upstream", "raw"}}).value_or(-1), 1.0);
  EXPECT_EQ(get("/fast/after").status, 200);
}

// A pipelined request arriving while the first waits for its origin is data,
// not the client's end: both are answered, in order.
TEST_F(ClientAbortTest, PipelinedRequestWhileWaitingIsServed) {
  ASSERT_TRUE(start(false));
  HttpConnection connection(port());
  ASSERT_TRUE(connection.send(build_request("GET", "/late/1")));
  ASSERT_TRUE(raw_->wait_for_mark("asked /late/", 1, kPromptly));
  ASSERT_TRUE(connection.send(build_request("GET", "/fast/2")));
  const HttpResponse first = connection.read_response({.timeout = 10s});
  const HttpResponse second = connection.read_response({.timeout = 10s});
  EXPECT_EQ(first.status, 200) << first.error;
  EXPECT_EQ(first.body, "answer for /late/1");
  EXPECT_EQ(second.status, 200) << second.error;
  EXPECT_EQ(second.body, "answer for /fast/2");
}

// The leader of a coalesced cache fetch leaves; the follower still gets the
// one answer the origin gives, from the same fetch.
TEST_F(ClientAbortTest, CoalescedFetchOutlivesItsLeadersClient) {
  ASSERT_TRUE(start(false));
  HttpConnection leader(port());
  ASSERT_TRUE(leader.send(build_request("GET", "/cached/shared")));
  ASSERT_TRUE(raw_->wait_for_mark("asked /cached/", 1, kPromptly));
  auto follower = std::async(std::launch::async, [&] { return get("/cached/shared"); });
  // The follower joins the fetch while the origin works on it (2 s): its
  // connection is open, then its head is read and it joins within a turn.
  EXPECT_TRUE(eventually(
      [&] { return metric("centinela_connections_active", {}).value_or(0) >= 2; }, kPromptly));
  std::this_thread::sleep_for(300ms);
  leader.close();
  const HttpResponse response = follower.get();
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_EQ(response.body, "shared");
  EXPECT_EQ(raw_->mark_count("asked /cached/"), 1u) << "the fetch was cancelled for everyone";
  // The origin marks "answered" once its write returned: the response may
  // reach the client first.
  EXPECT_TRUE(raw_->wait_for_mark("answered", 1, kPromptly));
  EXPECT_EQ(raw_->mark_count("answered"), 1u);
  EXPECT_EQ(get("/cached/shared").header("x-cache").value_or(""), "HIT");
}

}  // namespace
}  // namespace itest
