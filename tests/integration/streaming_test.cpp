// Bodies in both directions: Content-Length and chunked framing, Expect:
// 100-continue, and gigabyte transfers that must stream in bounded memory.
#include "gateway_fixture.h"
#include "pattern_body.h"
#include "rss_sampler.h"

namespace itest {
namespace {

using StreamingTest = GatewayTest;

constexpr std::uint64_t kMiB = 1024 * 1024;

// The upstream request has exactly one framing: never both Content-Length and
// Transfer-Encoding, and a Content-Length, if any, equal to the body size.
void expect_one_framing(const ReceivedRequest& received) {
  EXPECT_FALSE(received.header("content-length") && received.header("transfer-encoding"));
  if (auto length = received.header("content-length")) {
    EXPECT_EQ(*length, std::to_string(received.body_bytes));
  }
}

TEST_F(StreamingTest, PostBodyWithContentLengthArrivesIntact) {
  ASSERT_TRUE(start_gateway());
  const std::string body = pattern_string(1 * kMiB + 123);
  HttpResponse response =
      http_request(port(), "POST", "/upload", {{"Content-Type", "application/octet-stream"}}, body);
  ASSERT_EQ(response.status, 200) << response.error;

  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->method, "POST");
  EXPECT_EQ(received->body_bytes, body.size());
  EXPECT_EQ(received->body_crc32, pattern_crc32(body.size()));
  EXPECT_EQ(received->header("content-type").value_or("(absent)"), "application/octet-stream");
  expect_one_framing(*received);
  auto echo = parse_json(response.body);
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->number_at("body_length"), static_cast<double>(body.size()));
}

TEST_F(StreamingTest, ChunkedRequestBodyArrivesIntact) {
  ASSERT_TRUE(start_gateway());
  const std::uint64_t total = 300000;
  const std::string body = pattern_string(total);
  std::string request =
      "POST /upload-chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::size_t offset = 0;
  for (std::size_t size :
       {std::size_t{1}, std::size_t{10}, std::size_t{4096}, std::size_t{65536}, std::size_t{3}}) {
    request += fmt::format("{:x}\r\n", size) + body.substr(offset, size) + "\r\n";
    offset += size;
  }
  request += fmt::format("{:X};ext=1\r\n", total - offset) + body.substr(offset) + "\r\n";
  request += "0\r\n\r\n";

  HttpConnection client(port());
  ASSERT_TRUE(client.send(request)) << client.error();
  HttpResponse response = client.read_response();
  ASSERT_EQ(response.status, 200) << response.error;

  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body_bytes, total);
  EXPECT_EQ(received->body_crc32, pattern_crc32(total));
  expect_one_framing(*received);
}

TEST_F(StreamingTest, ChunkedResponseIsRelayedIntact) {
  const std::uint64_t total = 200000;
  origin_.on("/chunked", [&](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, pattern_string(total));
    reply.chunked = true;
    reply.chunk_size = 7777;
    return reply;
  });
  ASSERT_TRUE(start_gateway());

  HttpResponse response = get("/chunked");
  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_TRUE(response.error.empty()) << response.error;
  EXPECT_EQ(response.body_bytes, total);
  EXPECT_EQ(response.body_crc32, pattern_crc32(total));
  EXPECT_FALSE(response.header("content-length") && response.header("transfer-encoding"));
}

// An origin's tiny chunks, read at once, are gathered: 3,000 chunks of one
// byte reach the client in a few chunks (a write each), not in 3,000.
TEST_F(StreamingTest, TinyChunksFromTheOriginAreGatheredIntoFewPieces) {
  constexpr int kChunks = 3000;
  std::string raw =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  std::string body;
  for (int i = 0; i < kChunks; ++i) {
    const char c = static_cast<char>('a' + i % 26);
    raw += "1\r\n";
    raw += c;
    raw += "\r\n";
    body += c;
  }
  raw += "0\r\n\r\n";
  origin_.on("/tiny", [raw](const ReceivedRequest&) {
    OriginReply reply;
    reply.raw = raw;
    return reply;
  });
  ASSERT_TRUE(start_gateway());
  HttpConnection client(port());
  ASSERT_TRUE(client.send(build_request("GET", "/tiny", {{"Connection", "close"}})));
  std::string received;
  ASSERT_TRUE(client.wait_closed(5000ms, &received));
  const std::size_t head_end = received.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos) << received.substr(0, 300);
  ASSERT_NE(received.substr(0, head_end).find("chunked"), std::string::npos)
      << received.substr(0, head_end);
  // The client's chunks, taken apart.
  std::size_t at = head_end + 4;
  std::string relayed;
  int chunks = 0;
  for (;;) {
    const std::size_t line_end = received.find("\r\n", at);
    ASSERT_NE(line_end, std::string::npos) << "unterminated chunk size line";
    const std::size_t size = std::stoul(received.substr(at, line_end - at), nullptr, 16);
    at = line_end + 2;
    if (size == 0) break;
    relayed += received.substr(at, size);
    at += size + 2;
    ++chunks;
  }
  EXPECT_EQ(relayed, body);
  EXPECT_LE(chunks, 10) << "the origin's chunks were relayed one by one";
}

TEST_F(StreamingTest, ExpectContinueGets100ThenTheResponse) {
  ASSERT_TRUE(start_gateway());
  HttpConnection client(port());
  ASSERT_TRUE(
      client.send("POST /expect HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n"
                  "Expect: 100-continue\r\n\r\n"))
      << client.error();

  ReadOptions interim_only;
  interim_only.stop_at_interim = true;
  interim_only.timeout = 3000ms;
  HttpResponse interim = client.read_response(interim_only);
  ASSERT_EQ(interim.status, 100) << "expected 100 Continue before sending the body; got "
                                 << interim.status << " " << interim.error;
  EXPECT_EQ(interim.reason, "Continue");

  ASSERT_TRUE(client.send(pattern_string(5000))) << client.error();
  HttpResponse response = client.read_response();
  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body_bytes, 5000u);
  EXPECT_EQ(received->body_crc32, pattern_crc32(5000));
}

constexpr std::uint64_t kGiB = 1024 * kMiB;
constexpr std::uint64_t kRssGrowthLimit = 64 * kMiB;

TEST_F(StreamingTest, LargeUploadStreamsInBoundedMemory) {
  config_.limits = "max_body_bytes: 2GiB";
  config_.upstreams["api"] = upstream_yaml({origin_.address()}, "timeout: 100s");
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/warm-up").status, 200);
  const std::uint32_t expected_crc = pattern_crc32(kGiB);
  const std::uint64_t baseline = gateway_->rss_bytes();
  ASSERT_GT(baseline, 0u);

  RssSampler sampler([&] { return gateway_->rss_bytes(); });
  HttpConnection client(port());
  ASSERT_TRUE(client.send(fmt::format(
      "POST /large-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {}\r\n\r\n", kGiB)));
  ASSERT_TRUE(client.send_pattern(kGiB, 100s)) << client.error();
  ReadOptions options;
  options.timeout = 30s;
  HttpResponse response = client.read_response(options);
  sampler.stop();

  ASSERT_EQ(response.status, 200) << response.error;
  auto received = origin_.last_request();
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body_bytes, kGiB);
  EXPECT_EQ(received->body_crc32, expected_crc);
  EXPECT_GT(sampler.samples(), 10u) << "RSS was hardly sampled; the limit check means nothing";
  std::uint64_t growth = sampler.peak_bytes() > baseline ? sampler.peak_bytes() - baseline : 0;
  EXPECT_LT(growth, kRssGrowthLimit) << "baseline " << baseline << " peak " << sampler.peak_bytes()
                                     << " over " << sampler.samples() << " samples";
}

TEST_F(StreamingTest, LargeDownloadStreamsInBoundedMemory) {
  origin_.on("/large-download", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.headers = {{"Content-Type", "application/octet-stream"}};
    reply.pattern_body_bytes = kGiB;
    return reply;
  });
  ASSERT_TRUE(start_gateway());
  ASSERT_EQ(get("/warm-up").status, 200);
  const std::uint32_t expected_crc = pattern_crc32(kGiB);
  const std::uint64_t baseline = gateway_->rss_bytes();
  ASSERT_GT(baseline, 0u);

  RssSampler sampler([&] { return gateway_->rss_bytes(); });
  HttpConnection client(port());
  ASSERT_TRUE(client.send(build_request("GET", "/large-download")));
  ReadOptions options;
  options.timeout = 100s;
  options.keep_body_bytes = 0;
  HttpResponse response = client.read_response(options);
  sampler.stop();

  ASSERT_EQ(response.status, 200) << response.error;
  EXPECT_TRUE(response.error.empty()) << response.error;
  EXPECT_EQ(response.body_bytes, kGiB);
  EXPECT_EQ(response.body_crc32, expected_crc);
  EXPECT_GT(sampler.samples(), 10u) << "RSS was hardly sampled; the limit check means nothing";
  std::uint64_t growth = sampler.peak_bytes() > baseline ? sampler.peak_bytes() - baseline : 0;
  EXPECT_LT(growth, kRssGrowthLimit) << "baseline " << baseline << " peak " << sampler.peak_bytes()
                                     << " over " << sampler.samples() << " samples";
}

}  // namespace
}  // namespace itest
