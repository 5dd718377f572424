// POST /admin/cache/warm: the body parser (fed hostile input) and the
// background job, against a real HTTP server on loopback.
#include "warm/warm_admin.h"

#include <gtest/gtest.h>

#include <thread>

#include "test_http_server.h"

namespace centinela::warm {
namespace {

using namespace std::chrono_literals;
using testing::TestHttpServer;

WarmRequest accepted(std::string_view body) {
  WarmRequest request;
  std::string error;
  EXPECT_TRUE(parse_warm_request(body, request, error)) << body << ": " << error;
  return request;
}

std::string refused(std::string_view body) {
  WarmRequest request;
  request.concurrency = 77;
  std::string error;
  EXPECT_FALSE(parse_warm_request(body, request, error)) << body;
  EXPECT_FALSE(error.empty()) << body;
  EXPECT_EQ(request.concurrency, 77u) << "a refused body must leave the output alone";
  EXPECT_TRUE(request.urls.empty());
  return error;
}

TEST(WarmRequestTest, TakesUrlsAndConcurrency) {
  WarmRequest request =
      accepted(R"({"urls": ["/a", "http://shop.example/b?c=1"], "concurrency": 3})");
  ASSERT_EQ(request.urls.size(), 2u);
  EXPECT_EQ(request.urls[0], (WarmUrl{"", "/a"}));
  EXPECT_EQ(request.urls[1], (WarmUrl{"shop.example", "/b?c=1"}));
  EXPECT_EQ(request.concurrency, 3u);

  request = accepted(" \n{ \"concurrency\":1 ,\"urls\":[ \"/x\" ] }\r\n");
  EXPECT_EQ(request.concurrency, 1u);
  EXPECT_EQ(accepted(R"({"urls":["/x"]})").concurrency, kDefaultConcurrency);
  // Escapes are decoded before the URL is judged.
  EXPECT_EQ(accepted(R"({"urls":["\/a\u002fb"]})").urls.at(0).target, "/a/b");
}

TEST(WarmRequestTest, RefusesMalformedJson) {
  for (std::string_view body :
       {"", "   ", "null", "[]", "\"/a\"", "{", "{\"urls\"", "{\"urls\":", "{\"urls\":[",
        "{\"urls\":[\"/a\"", "{\"urls\":[\"/a\"]", "{\"urls\":[\"/a\",]}", "{\"urls\":[\"/a\"],}",
        "{'urls':['/a']}", "{\"urls\":[\"/a\"]} {}", "{\"urls\":[\"/a\"]}x", "{\"urls\" [\"/a\"]}",
        "{urls:[\"/a\"]}"}) {
    SCOPED_TRACE(body);
    refused(body);
  }
}

TEST(WarmRequestTest, RefusesTheWrongShape) {
  EXPECT_NE(refused(R"({})").find("required"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": []})").find("empty"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": "/a"})").find("array"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": [1, 2]})").find("array of strings"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": [["/a"]]})").find("array of strings"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": [null]})").find("array of strings"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": ["/a"], "url": "/b"})").find("unknown key"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": ["/a"], "urls": ["/b"]})").find("twice"), std::string::npos);
  EXPECT_NE(refused(R"({"urls": ["/a"], "concurrency": 2, "concurrency": 3})").find("twice"),
            std::string::npos);
}

TEST(WarmRequestTest, RefusesABadConcurrency) {
  for (std::string_view value : {"0", "-1", "257", "1.5", "1e2", "\"4\"", "true", "null",
                                 "99999999999999999999999999", "-", "--1", ""}) {
    SCOPED_TRACE(value);
    refused(std::string(R"({"urls":["/a"],"concurrency":)") + std::string(value) + "}");
  }
  EXPECT_EQ(accepted(R"({"urls":["/a"],"concurrency":256})").concurrency, 256u);
}

TEST(WarmRequestTest, RefusesUrlsThatCouldInjectIntoTheRequest) {
  // Decoded escapes would put CR LF, a space or NUL into the request line.
  EXPECT_NE(refused(R"({"urls":["/a\r\nX-Evil: 1"]})").find("urls[0]"), std::string::npos);
  EXPECT_NE(refused(R"({"urls":["/ok","/a\u000d\u000aHost: evil"]})").find("urls[1]"),
            std::string::npos);
  refused(R"({"urls":["/a\u0000b"]})");
  refused(R"({"urls":["/a b"]})");
  refused(R"({"urls":["/caf\u00e9"]})");
  refused("{\"urls\":[\"/a\x01\"]}");  // raw control character in a string
  refused("{\"urls\":[\"/a\nb\"]}");   // raw newline in a string
  refused(R"({"urls":["relative"]})");
  refused(R"({"urls":["javascript:void"]})");
}

TEST(WarmRequestTest, RefusesBrokenEscapes) {
  for (std::string_view body :
       {R"({"urls":["\x41"]})", R"({"urls":["\u12"]})", R"({"urls":["\uZZZZ"]})",
        R"({"urls":["\ud800"]})", R"({"urls":["\ud800\u0041"]})", R"({"urls":["\udc00"]})",
        R"({"urls":["/a\"]})", "{\"urls\":[\"/a\\"}) {
    SCOPED_TRACE(body);
    refused(body);
  }
}

TEST(WarmRequestTest, HostileSizesCostOnePassAndAreBounded) {
  // Deep nesting is refused at the first unexpected byte, without recursion.
  refused(R"({"urls":)" + std::string(100000, '[') + std::string(100000, ']') + "}");
  refused(std::string(100000, '{'));
  // Too many URLs.
  std::string many = R"({"urls":[)";
  for (std::size_t i = 0; i <= kMaxUrlsPerRequest; ++i) many += i == 0 ? "\"/\"" : ",\"/\"";
  many += "]}";
  EXPECT_NE(refused(many).find("more than"), std::string::npos);
  // Too large a body.
  EXPECT_NE(refused(R"({"urls":["/)" + std::string(kMaxBodyBytes, 'a') + "\"]}").find("larger"),
            std::string::npos);
  // A URL longer than any gateway accepts.
  refused(R"({"urls":["/)" + std::string(kMaxTargetBytes, 'a') + "\"]}");
  // Invalid UTF-8 and NUL bytes outside strings.
  refused("{\"urls\":[\"/a\"]}\xff");
  refused(std::string_view("{\"urls\":[\"/a\"]}\0", 16));
}

config::Config config_listening_on(std::uint16_t port) {
  config::Config config;
  config.server.listen.push_back(
      {.endpoint = config::Endpoint{"127.0.0.1", port, "127.0.0.1:" + std::to_string(port)}});
  return config;
}

bool wait_until_idle(const WarmJob& job, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (job.status().running) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(WarmJobTest, WarmsInTheBackgroundAndReportsProgress) {
  TestHttpServer server(5ms);
  WarmJob job;
  const WarmAdminAnswer answer =
      start_warm(R"({"urls":["/a","/b","/c","/fail","/nocache"],"concurrency":2})",
                 config_listening_on(server.port()), job);
  EXPECT_EQ(answer.status, 202u);
  EXPECT_EQ(answer.body, R"({"accepted":5})");
  ASSERT_TRUE(wait_until_idle(job, 5s));

  const WarmJob::Status status = job.status();
  EXPECT_FALSE(status.running);
  EXPECT_EQ(status.total, 5u);
  EXPECT_EQ(status.done, 5u);
  EXPECT_EQ(status.cached, 3u);
  EXPECT_EQ(status.failed, 1u);
  EXPECT_EQ(status.not_cacheable, 1u);
  EXPECT_EQ(server.request_count(), 5u);
  EXPECT_LE(server.max_in_flight(), 2u);
  const WarmAdminAnswer polled = warm_status(job);
  EXPECT_EQ(polled.status, 200u);
  EXPECT_EQ(polled.body,
            R"({"running":false,"done":5,"failed":1,"not_cacheable":1,"cached":3,"total":5})");
}

TEST(WarmJobTest, OneWarmAtATime) {
  TestHttpServer server;
  WarmJob job;
  const config::Config config = config_listening_on(server.port());
  ASSERT_EQ(start_warm(R"({"urls":["/hang"]})", config, job).status, 202u);
  EXPECT_TRUE(job.status().running);
  const WarmAdminAnswer second = start_warm(R"({"urls":["/a"]})", config, job);
  EXPECT_EQ(second.status, 409u);
  EXPECT_NE(second.body.find("WARM_RUNNING"), std::string::npos) << second.body;

  job.cancel();  // the hanging request is abandoned
  EXPECT_FALSE(job.status().running);
  ASSERT_EQ(start_warm(R"({"urls":["/a","/b"]})", config, job).status, 202u);
  ASSERT_TRUE(wait_until_idle(job, 5s));
  EXPECT_EQ(job.status().cached, 2u);
  EXPECT_EQ(job.status().total, 2u);
}

TEST(WarmJobTest, BadBodiesAreClientErrorsInTheContractEnvelope) {
  WarmJob job;
  const WarmAdminAnswer answer = start_warm(R"({"urls":["/a\r\n"]})", config_listening_on(1), job);
  EXPECT_EQ(answer.status, 400u);
  EXPECT_EQ(answer.body.rfind(R"({"error":{"status":400,"code":"BAD_REQUEST","message":")", 0), 0u)
      << answer.body;
  EXPECT_EQ(answer.body.find('\r'), std::string::npos);
  EXPECT_EQ(answer.body.back(), '}');
  EXPECT_FALSE(job.status().running);

  config::Config no_listener;
  EXPECT_EQ(start_warm(R"({"urls":["/a"]})", no_listener, job).status, 409u);
}

TEST(WarmJobTest, DestroyingARunningJobCancelsIt) {
  TestHttpServer server;
  const auto started = std::chrono::steady_clock::now();
  {
    WarmJob job;
    ASSERT_EQ(
        start_warm(R"({"urls":["/hang","/hang"]})", config_listening_on(server.port()), job).status,
        202u);
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

}  // namespace
}  // namespace centinela::warm
