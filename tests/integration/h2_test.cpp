// HTTP/2 from the client's side: h2c with prior knowledge and h2 by ALPN on
// the same pipeline as HTTP/1.1 (the origin sees HTTP/1.1, routes, cache and
// limits apply), malformed requests as stream errors that leave the
// connection usable, the server's SETTINGS, flow control, idle close and the
// drain. The floods are in h2_flood_test.cpp.
#include <signal.h>
#include <zlib.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "h2_fixture.h"
#include "pattern_body.h"
#include "test_certificates.h"

namespace itest {
namespace {

// Fields that only mean something on one HTTP/1.1 connection (RFC 9113 §8.2.2).
const std::vector<std::string> kConnectionSpecific = {
    "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection"};

::testing::AssertionResult is_http2_head(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name != to_lower(name)) return ::testing::AssertionFailure() << "field " << name;
    for (const std::string& banned : kConnectionSpecific) {
      if (name == banned) return ::testing::AssertionFailure() << "field " << name << ": " << value;
    }
  }
  return ::testing::AssertionSuccess();
}

// CRC-32 of h2_client.py's "body_bytes" body: bytes 0..250 over and over.
std::uint32_t upload_crc32(std::uint64_t length) {
  std::string body(length, '\0');
  for (std::uint64_t i = 0; i < length; ++i) body[i] = static_cast<char>(i % 251);
  return static_cast<std::uint32_t>(
      ::crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
}

std::string post_body(int i) { return fmt::format("post-{}:", i) + std::string(300, 'a' + i); }

TEST_F(Http2Test, PriorKnowledgeStreamsReachTheOriginAsHttp11) {
  origin_.on("/shaped", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(201, "shaped body");
    reply.headers.emplace_back("X-Mixed-Case", "Value");
    reply.headers.emplace_back("Keep-Alive", "timeout=5");
    reply.headers.emplace_back("Connection", "keep-alive");
    return reply;
  });
  ASSERT_TRUE(start_h2());

  // 12 GETs, 12 POSTs whose bodies come in 4 DATA frames each, and one more:
  // all opened at once on one connection.
  std::string requests = "\"requests\": [";
  for (int i = 0; i < 12; ++i) {
    requests += fmt::format(
        R"({{"path": "/get/{0}", "authority": "h2.example.test"}}, {{"method": "POST",)"
        R"( "path": "/post/{0}", "authority": "h2.example.test", "body": {1}, "pieces": 4}}, )",
        i, json_quote(post_body(i)));
  }
  requests += R"({"path": "/shaped"}])";
  const H2Answer answer = h2(requests);
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 25u) << answer.raw;

  for (int i = 0; i < 12; ++i) {
    SCOPED_TRACE(i);
    const HttpResponse& get = streams[2 * i].response;
    const HttpResponse& post = streams[2 * i + 1].response;
    ASSERT_EQ(get.status, 200) << get.error;
    ASSERT_EQ(post.status, 200) << post.error;
    auto echoed = parse_json(post.body);
    ASSERT_TRUE(echoed) << post.body;
    EXPECT_EQ(echoed->string_at("method"), "POST");
    EXPECT_EQ(echoed->string_at("target"), fmt::format("/post/{}", i));
    EXPECT_TRUE(is_http2_head(get));
    EXPECT_TRUE(is_http2_head(post));

    auto received = origin_.last_request(fmt::format("/post/{}", i));
    ASSERT_TRUE(received) << "POST " << i << " never reached the origin";
    EXPECT_EQ(received->version, "HTTP/1.1");
    EXPECT_EQ(received->header("host").value_or("(none)"), "h2.example.test");
    EXPECT_EQ(received->header("x-forwarded-proto").value_or("(none)"), "http");
    EXPECT_EQ(received->body, post_body(i)) << "the body arrived in pieces or partly";
    EXPECT_EQ(origin_.request_count(fmt::format("/get/{}", i)), 1u);
  }

  const HttpResponse& shaped = streams[24].response;
  EXPECT_EQ(shaped.status, 201);
  EXPECT_EQ(shaped.body, "shaped body");
  EXPECT_EQ(shaped.header("x-mixed-case").value_or("(none)"), "Value");
  EXPECT_TRUE(is_http2_head(shaped));

  // The same listener still speaks HTTP/1.1 to a client that does.
  EXPECT_TRUE(serves_normally());
}

// Answers once `n` requests wait at the origin together (or after 5 s,
// "alone"): streams served one after another cannot all say "together".
OriginHandler rendezvous(std::size_t n) {
  struct State {
    std::mutex mutex;
    std::condition_variable arrived_changed;
    std::size_t arrived = 0;
  };
  auto state = std::make_shared<State>();
  return [state, n](const ReceivedRequest&) {
    std::unique_lock lock(state->mutex);
    ++state->arrived;
    state->arrived_changed.notify_all();
    const bool together =
        state->arrived_changed.wait_for(lock, 5s, [&] { return state->arrived >= n; });
    return OriginReply::text(200, together ? "together" : "alone");
  };
}

TEST_F(Http2Test, StreamsOfOneConnectionAreServedConcurrently) {
  origin_.on("/together", rendezvous(8));
  ASSERT_TRUE(start_h2());
  std::vector<std::string> paths;
  for (int i = 0; i < 8; ++i) paths.push_back(fmt::format("/together?i={}", i));
  const H2Answer answer = h2(h2_gets(paths));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 8u) << answer.raw;
  for (const H2Stream& stream : streams) {
    EXPECT_EQ(stream.response.status, 200) << stream.response.error;
    EXPECT_EQ(stream.response.body, "together") << "streams waited for one another";
  }
}

TEST_F(Http2Test, AccessLogLineSaysHttp2) {
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(h2_gets({"/logged-h2"}));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  ASSERT_EQ(answer.streams().size(), 1u) << answer.raw;
  ASSERT_EQ(answer.streams()[0].response.status, 200) << answer.raw;
  auto entry = wait_for_access_log(
      [](const JsonValue& line) { return line.string_at("path") == "/logged-h2"; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->string_at("protocol"), "HTTP/2.0");
  EXPECT_EQ(entry->string_at("method"), "GET");
  EXPECT_EQ(entry->number_at("status"), 200);
}

TEST_F(Http2Test, MalformedRequestsAreStreamErrorsAndTheConnectionGoesOn) {
  ASSERT_TRUE(start_h2());
  // One stream each, one after another on one connection; the last is fine.
  const std::vector<std::pair<std::string, std::string>> malformed = {
      {"upper-case name", R"({"path": "/m/upper", "headers": [["X-Upper", "1"]]})"},
      {"connection", R"({"path": "/m/connection", "headers": [["connection", "keep-alive"]]})"},
      {"transfer-encoding",
       R"({"path": "/m/te-chunked", "headers": [["transfer-encoding", "chunked"]]})"},
      {"te: gzip", R"({"path": "/m/te-gzip", "headers": [["te", "gzip"]]})"},
      {"CR LF in a value", R"({"path": "/m/crlf", "headers": [["x-a", "a\r\nb: c"]]})"},
      {"LF in a value", R"({"path": "/m/lf", "headers": [["x-a", "a\nb"]]})"},
      {"NUL in a value", R"({"path": "/m/nul", "headers": [["x-a", "a\u0000b"]]})"},
      {"content-length 10, 5 bytes",
       R"({"method": "POST", "path": "/m/length", "headers": [["content-length", "10"]],)"
       R"( "body": "12345"})"},
  };
  std::string requests = R"("raw_headers": true, "sequential": true, "requests": [)";
  for (const auto& [why, request] : malformed) requests += request + ", ";
  // `te: trailers` is the one TE allowed (RFC 9113 §8.2.2).
  requests += R"({"path": "/te-trailers", "headers": [["te", "trailers"]]},)"
              R"( {"path": "/after-malformed"}])";
  const H2Answer answer = h2(requests);
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), malformed.size() + 2) << answer.raw;
  for (std::size_t i = 0; i < malformed.size(); ++i) {
    SCOPED_TRACE(malformed[i].first);
    EXPECT_EQ(streams[i].reset, kProtocolError) << "status " << streams[i].response.status;
    EXPECT_EQ(streams[i].response.status, 0) << streams[i].response.body.substr(0, 200);
  }
  EXPECT_EQ(streams[malformed.size()].response.status, 200) << "te: trailers was refused";
  EXPECT_EQ(streams.back().response.status, 200) << "the connection did not survive";
  EXPECT_FALSE(answer.goaway_code()) << answer.raw;
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 2u) << "a malformed request reached the origin";
  EXPECT_EQ(received[0].path(), "/te-trailers");
  EXPECT_EQ(received[1].path(), "/after-malformed");
}

TEST_F(Http2Test, AuthorityAndPathAreVettedAsForHttp11) {
  ASSERT_TRUE(start_h2());
  const std::vector<std::string> bad_authorities = {"user@victim.com", "victim.com:@evil.com",
                                                    "victim.com:99999", "victim.com:8a",
                                                    "victim.com:80:80"};
  const std::vector<std::string> bad_paths = {"/../etc", "/a/../..", "/a%2Fb", "/a%00b"};
  std::string requests = R"("raw_headers": true, "sequential": true, "requests": [)";
  for (const std::string& authority : bad_authorities) {
    requests += fmt::format(R"({{"path": "/vet", "authority": {}}}, )", json_quote(authority));
  }
  for (const std::string& path : bad_paths) {
    requests += fmt::format(R"({{"path": {}}}, )", json_quote(path));
  }
  requests += R"({"path": "/vet", "authority": "bad host"}, {"path": "/after-vetting"}])";
  const H2Answer answer = h2(requests);
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), bad_authorities.size() + bad_paths.size() + 2) << answer.raw;

  std::size_t at = 0;
  for (const std::string& authority : bad_authorities) {
    SCOPED_TRACE(":authority " + authority);
    EXPECT_TRUE(is_gateway_error(streams[at++].response, 400, "BAD_REQUEST"));
  }
  for (const std::string& path : bad_paths) {
    SCOPED_TRACE(":path " + path);
    const HttpResponse& h2_answer = streams[at++].response;
    EXPECT_TRUE(is_gateway_error(h2_answer, 400, "BAD_REQUEST"));
    EXPECT_EQ(h2_answer.status, http_get(port(), path).status) << "HTTP/1.1 answers otherwise";
  }
  // A space is outside what nghttp2 itself accepts in :authority: a stream
  // error before the gateway sees it is as good as a 400.
  const H2Stream& space = streams[at++];
  EXPECT_TRUE(space.reset == kProtocolError || is_gateway_error(space.response, 400, "BAD_REQUEST"))
      << "status " << space.response.status << " " << space.response.error;
  EXPECT_EQ(streams[at].response.status, 200);
  const auto received = origin_.requests();
  ASSERT_EQ(received.size(), 1u) << "a refused request reached the origin";
  EXPECT_EQ(received[0].path(), "/after-vetting");
}

TEST_F(Http2Test, SettingsBoundStreamsAndTheHeaderList) {
  ASSERT_TRUE(start_h2());
  // About 80 KB of fields (10 × 8000 bytes): past the advertised 64 KiB.
  const H2Answer answer =
      h2(R"("sequential": true, "requests": [{"path": "/big-head", "big_headers": 81920},)"
         R"( {"path": "/after-big-head"}])");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  EXPECT_EQ(answer.setting("MAX_CONCURRENT_STREAMS"), 128);
  EXPECT_EQ(answer.setting("MAX_HEADER_LIST_SIZE"), 65536);

  const auto streams = answer.streams();
  ASSERT_GE(streams.size(), 1u) << answer.raw;
  const H2Stream& big = streams[0];
  EXPECT_TRUE(big.response.status == 431 || big.reset || answer.goaway_code())
      << "an over-long header list was accepted: " << answer.raw.substr(0, 600);
  EXPECT_EQ(origin_.request_count("/big-head"), 0u);
  if (!answer.goaway_code() && !answer.closed()) {
    ASSERT_EQ(streams.size(), 2u) << answer.raw;
    EXPECT_EQ(streams[1].response.status, 200) << "the connection did not survive";
  }
  EXPECT_TRUE(h2_serves_normally());
}

TEST_F(Http2Test, SmallStreamWindowStillGetsALargeBodyWhole) {
  constexpr std::uint64_t kBody = (1u << 20) + 123;
  OriginReply large;
  large.pattern_body_bytes = kBody;
  origin_.reply("/large", large);
  ASSERT_TRUE(start_h2());
  // A 1 KiB stream window, each DATA frame's bytes given back a little late.
  const H2Answer answer = h2(R"("settings": {"INITIAL_WINDOW_SIZE": 1024}, "ack_delay": 0.003,)"
                             R"( "requests": [{"path": "/large"}])");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 1u) << answer.raw;
  EXPECT_EQ(streams[0].response.status, 200) << streams[0].response.error;
  EXPECT_TRUE(streams[0].ended);
  EXPECT_EQ(streams[0].response.body_bytes, kBody);
  EXPECT_EQ(streams[0].response.body_crc32, pattern_crc32(kBody));
  EXPECT_FALSE(answer.goaway_code()) << "a slow reader was taken for a flood";
}

// A small body goes to nghttp2 at once when the client's windows admit it,
// and piece by piece as the windows open when they do not: the client gets
// every stream's own body whole either way, and the log counts its bytes.
TEST_F(Http2Test, SmallBodiesArriveWholeWhetherTheWindowAdmitsThemOrNot) {
  origin_.on("/small", [](const ReceivedRequest& request) {
    return OriginReply::text(200, request.target + std::string(300, 'b'));
  });
  ASSERT_TRUE(start_h2());
  for (const char* window :
       {"", R"("settings": {"INITIAL_WINDOW_SIZE": 16}, "ack_delay": 0.002,)"}) {
    std::vector<std::string> paths;
    for (int i = 0; i < 10; ++i) paths.push_back(fmt::format("/small?w={}&i={}", *window != 0, i));
    const H2Answer answer = h2(window + h2_gets(paths));
    ASSERT_TRUE(answer.ok()) << answer.raw;
    const auto streams = answer.streams();
    ASSERT_EQ(streams.size(), paths.size()) << answer.raw;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      EXPECT_EQ(streams[i].response.status, 200) << streams[i].response.error;
      EXPECT_TRUE(streams[i].ended) << paths[i];
      EXPECT_EQ(streams[i].response.body, paths[i] + std::string(300, 'b'));
    }
  }
  auto entry = wait_for_access_log(
      [](const JsonValue& line) { return line.string_at("query") == "w=true&i=9"; });
  ASSERT_TRUE(entry) << access_log_text();
  EXPECT_EQ(entry->number_at("status"), 200);
  EXPECT_EQ(entry->number_at("bytes_sent"), 300.0 + std::string("/small?w=true&i=9").size());
}

// The same window, each frame's bytes given back at once: a WINDOW_UPDATE
// per DATA frame, about 1,000 of them. The gateway may serve that, or take
// it for a flood; either way the client is never left with a stream that
// neither ends nor closes.
TEST_F(Http2Test, FastSmallWindowClientGetsTheBodyOrTheClose) {
  constexpr std::uint64_t kBody = (1u << 20) + 123;
  OriginReply large;
  large.pattern_body_bytes = kBody;
  origin_.reply("/large", large);
  config_.limits = "idle_timeout: 60s";
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(R"("settings": {"INITIAL_WINDOW_SIZE": 1024}, "ack_delay": 0,)"
                             R"( "requests": [{"path": "/large"}], "wait_close": 5)");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 1u) << answer.raw;
  if (answer.goaway_code() && !streams[0].ended) {
    EXPECT_TRUE(answer.closed()) << "GOAWAY, then neither the body nor the close: "
                                 << answer.raw.substr(0, 600);
  } else {
    EXPECT_TRUE(streams[0].ended) << answer.raw.substr(0, 600);
    EXPECT_EQ(streams[0].response.body_bytes, kBody);
    EXPECT_EQ(streams[0].response.body_crc32, pattern_crc32(kBody));
  }
}

// Answers around a DATA frame's and a record's size (16 KiB), with a length
// and chunked, on streams of one connection at once: the frames carry the
// bytes from where they were read, each once and in order.
TEST_F(Http2Test, AnswersAroundAFramesSizeArriveWhole) {
  const std::vector<std::uint64_t> sizes = {4096, 4097, 16383, 16384, 16385, 2 * 16384 + 7};
  std::string requests;
  for (const std::uint64_t size : sizes) {
    OriginReply length;
    length.pattern_body_bytes = size;
    origin_.reply(fmt::format("/length/{}", size), length);
    OriginReply chunked;
    chunked.body = pattern_string(size);
    chunked.chunked = true;
    chunked.chunk_size = 16384;
    origin_.reply(fmt::format("/chunked/{}", size), chunked);
    for (const char* framing : {"length", "chunked"}) {
      if (!requests.empty()) requests += ", ";
      requests += fmt::format(R"({{"path": "/{}/{}"}})", framing, size);
    }
  }
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(fmt::format(R"("requests": [{}])", requests));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 2 * sizes.size()) << answer.raw;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const std::uint64_t size = sizes[i / 2];
    SCOPED_TRACE(fmt::format("stream {} ({} bytes)", i, size));
    EXPECT_EQ(streams[i].response.status, 200) << streams[i].response.error;
    EXPECT_TRUE(streams[i].ended);
    EXPECT_EQ(streams[i].response.body_bytes, size);
    EXPECT_EQ(streams[i].response.body_crc32, pattern_crc32(size));
  }
}

TEST_F(Http2Test, LargeUploadsOnTwoStreamsArriveWhole) {
  ASSERT_TRUE(start_h2());
  // 3 MiB each, two at once: far past the stream (64 KiB) and connection
  // windows, which open only as the upstream takes the bodies.
  constexpr std::uint64_t kBody = 3 * 1024 * 1024;
  const H2Answer answer = h2(fmt::format(
      R"("requests": [{{"method": "POST", "path": "/upload/1", "body_bytes": {0}, "pieces": 3}},)"
      R"( {{"method": "PUT", "path": "/upload/2", "body_bytes": {0}, "pieces": 5}}])",
      kBody));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 2u) << answer.raw;
  for (const char* path : {"/upload/1", "/upload/2"}) {
    SCOPED_TRACE(path);
    auto received = origin_.last_request(path);
    ASSERT_TRUE(received) << answer.raw.substr(0, 1000);
    EXPECT_EQ(received->body_bytes, kBody);
    EXPECT_EQ(received->body_crc32, upload_crc32(kBody));
  }
  EXPECT_EQ(streams[0].response.status, 200) << streams[0].response.error;
  EXPECT_EQ(streams[1].response.status, 200) << streams[1].response.error;
}

// A client that asks to be invited (expect: 100-continue) gets the 100 when
// the body is first wanted, and no 100 when the answer needs no body.
TEST_F(Http2Test, ExpectContinueIsAnsweredWhenTheBodyIsWanted) {
  ASSERT_TRUE(start_h2());
  const H2Answer answer =
      h2(R"("sequential": true, "requests": [)"
         R"({"method": "POST", "path": "/invited", "body": "the body", "expect_continue": true},)"
         R"( {"method": "POST", "path": "/x", "authority": "a:1:2", "body": "never sent", )"
         R"("expect_continue": true}])");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  EXPECT_FALSE(answer.json.get("timed_out")->boolean) << "a stream waited for ever: " << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 2u) << answer.raw;
  EXPECT_EQ(streams[0].informational, std::vector<int>{100}) << answer.raw;
  EXPECT_EQ(streams[0].response.status, 200) << answer.raw;
  auto received = origin_.last_request("/invited");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->body, "the body");
  EXPECT_FALSE(received->header("Expect")) << "the upstream is never asked to invite";
  // Refused before the body matters: a 400 and no invitation.
  EXPECT_TRUE(streams[1].informational.empty()) << answer.raw;
  EXPECT_EQ(streams[1].response.status, 400) << answer.raw;
}

// Uploads the client cancels leave their unread bytes behind: those must go
// back to the connection's window, or a browser that aborts uploads starves
// its own connection (1 MiB in all) — 40 × 60,000 bytes here.
TEST_F(Http2Test, CancelledUploadsGiveTheirWindowBack) {
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(R"("scenario": "cancelled_uploads", "count": 40)");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  EXPECT_FALSE(answer.json.get("stalled")->boolean) << "the connection's window ran dry";
  EXPECT_EQ(answer.json.number_at("final_status").value_or(0), 200) << answer.raw;
  EXPECT_FALSE(answer.goaway_code()) << answer.raw;
}

TEST_F(Http2Test, IdleConnectionGetsGoawayAndIsClosed) {
  config_.limits = "idle_timeout: 1s";
  ASSERT_TRUE(start_h2());
  // No stream at all; the client only waits (far longer than idle_timeout).
  const H2Answer answer = h2(R"("requests": [], "wait_close": 10)");
  ASSERT_TRUE(answer.ok()) << answer.raw;
  ASSERT_TRUE(answer.setting("MAX_CONCURRENT_STREAMS")) << "no HTTP/2 session: " << answer.raw;
  EXPECT_TRUE(answer.closed()) << "still open 10 s after idle_timeout 1s";
  EXPECT_TRUE(answer.goaway_code()) << "closed without GOAWAY";
}

TEST_F(Http2Test, SigtermSendsGoawayAndTheStreamInFlightCompletes) {
  origin_.on("/slow", [](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, "finished");
    reply.delay = 1s;
    return reply;
  });
  ASSERT_TRUE(start_h2());
  H2Answer answer;
  std::thread client([&] { answer = h2(R"("requests": [{"path": "/slow"}], "wait_close": 10)"); });
  const bool arrived = origin_.wait_for_requests("/slow", 1, 5s);
  if (arrived) gateway_->send_signal(SIGTERM);
  client.join();
  ASSERT_TRUE(arrived) << "the slow request never reached the origin";
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 1u) << answer.raw;
  EXPECT_EQ(streams[0].response.status, 200) << streams[0].response.error;
  EXPECT_EQ(streams[0].response.body, "finished");
  EXPECT_TRUE(streams[0].ended);
  ASSERT_TRUE(answer.goaway_code()) << "no GOAWAY while draining: " << answer.raw;
  EXPECT_LT(answer.event_index("goaway"), answer.event_index("end"))
      << "GOAWAY came only after the stream ended: " << answer.raw;
  EXPECT_TRUE(answer.closed());
  EXPECT_EQ(gateway_->wait_exit(8s), 0);
}

TEST_F(Http2Test, TlsListenerOffersH2ThenHttp11ByAlpn) {
  TestCertificates certs(dir_.path());
  const CertificateFiles leaf = certs.leaf("h2", {"localhost"});
  ASSERT_TRUE(certs.ok()) << certs.error();
  listener_tls_ = fmt::format("cert: \"{}\", key: \"{}\"", leaf.cert, leaf.key);
  ASSERT_TRUE(start_h2());
  const std::string tls =
      fmt::format(R"("tls": {{"ca": {}, "sni": "localhost", "alpn": )", json_quote(certs.ca()));

  const H2Answer both = h2(tls + R"(["h2", "http/1.1"]}, "requests": [{"path": "/alpn-h2"}])");
  ASSERT_TRUE(both.ok()) << both.raw;
  EXPECT_EQ(both.json.string_at("alpn"), "h2");
  ASSERT_EQ(both.streams().size(), 1u) << both.raw;
  EXPECT_EQ(both.streams()[0].response.status, 200);
  auto received = origin_.last_request("/alpn-h2");
  ASSERT_TRUE(received);
  EXPECT_EQ(received->version, "HTTP/1.1");
  EXPECT_EQ(received->header("x-forwarded-proto").value_or("(none)"), "https");

  const H2Answer http11 = h2(tls + R"(["http/1.1"]}, "requests": [{"path": "/alpn-h1"}])");
  ASSERT_TRUE(http11.ok()) << http11.raw;
  EXPECT_EQ(http11.json.string_at("alpn"), "http/1.1");
  ASSERT_EQ(http11.streams().size(), 1u) << http11.raw;
  EXPECT_EQ(http11.streams()[0].response.status, 200);
  EXPECT_EQ(origin_.request_count("/alpn-h1"), 1u);
}

TEST_F(Http2Test, CacheAnswersTheSecondIdenticalStream) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, cache: {}})"};
  auto count = std::make_shared<std::atomic<int>>(0);
  origin_.on("/doc", [count](const ReceivedRequest&) {
    OriginReply reply = OriginReply::text(200, fmt::format("doc-{}", ++*count));
    reply.headers.emplace_back("Cache-Control", "max-age=60");
    return reply;
  });
  ASSERT_TRUE(start_h2());
  const H2Answer answer = h2(std::string(R"("sequential": true, )") + h2_gets({"/doc", "/doc"}));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 2u) << answer.raw;
  EXPECT_EQ(streams[0].response.body, "doc-1");
  EXPECT_EQ(streams[0].response.header("x-cache").value_or("(none)"), "MISS");
  EXPECT_EQ(streams[1].response.status, 200);
  EXPECT_EQ(streams[1].response.body, "doc-1");
  EXPECT_EQ(streams[1].response.header("x-cache").value_or("(none)"), "HIT");
  EXPECT_EQ(origin_.request_count("/doc"), 1u);
}

// A cache hit's body is lent to nghttp2 from the stored entry (the stream
// keeps the entry until nghttp2 is done with it): bodies far over a frame,
// on many streams at once, arrive whole; and with a 1 KiB window (the body
// cannot go at once) they still do, the old way.
TEST_F(Http2Test, CacheHitsOfLargeBodiesArriveWholeOnConcurrentStreams) {
  constexpr std::uint64_t kBody = 40000;
  config_.routes = {R"({match: {prefix: "/"}, upstream: api, cache: {}})"};
  origin_.on("/big", [](const ReceivedRequest&) {
    OriginReply reply;
    reply.pattern_body_bytes = kBody;
    reply.headers.emplace_back("Cache-Control", "max-age=60");
    return reply;
  });
  ASSERT_TRUE(start_h2());
  ASSERT_TRUE(h2(h2_gets({"/big"})).ok());  // stored
  for (const char* settings : {"", R"("settings": {"INITIAL_WINDOW_SIZE": 1024}, )"}) {
    SCOPED_TRACE(settings);
    const H2Answer answer =
        h2(std::string(settings) + h2_gets(std::vector<std::string>(20, "/big")));
    ASSERT_TRUE(answer.ok()) << answer.raw.substr(0, 600);
    const auto streams = answer.streams();
    ASSERT_EQ(streams.size(), 20u) << answer.raw.substr(0, 600);
    for (const auto& stream : streams) {
      EXPECT_EQ(stream.response.status, 200);
      EXPECT_TRUE(stream.ended);
      EXPECT_EQ(stream.response.header("x-cache").value_or("(none)"), "HIT");
      EXPECT_EQ(stream.response.body_bytes, kBody);
      EXPECT_EQ(stream.response.body_crc32, pattern_crc32(kBody));
    }
  }
  EXPECT_EQ(origin_.request_count("/big"), 1u);
}

TEST_F(Http2Test, RateLimitAnswersTheThirdStream429) {
  config_.routes = {R"({match: {prefix: "/"}, upstream: api,)"
                    R"( rate_limit: [{name: per_ip, key: ip, limit: 2, window: 1m}]})"};
  ASSERT_TRUE(start_h2());
  const H2Answer answer =
      h2(std::string(R"("sequential": true, )") + h2_gets({"/limited", "/limited", "/limited"}));
  ASSERT_TRUE(answer.ok()) << answer.raw;
  const auto streams = answer.streams();
  ASSERT_EQ(streams.size(), 3u) << answer.raw;
  EXPECT_EQ(streams[0].response.status, 200);
  EXPECT_EQ(streams[1].response.status, 200);
  const HttpResponse& refused = streams[2].response;
  EXPECT_TRUE(is_gateway_error(refused, 429, "RATE_LIMITED"));
  EXPECT_EQ(refused.header("ratelimit-policy").value_or("(none)"), R"("per_ip";q=2;w=60)");
  EXPECT_TRUE(refused.has_header("ratelimit"));
  EXPECT_TRUE(refused.has_header("retry-after"));
  EXPECT_EQ(origin_.request_count("/limited"), 2u);
}

}  // namespace
}  // namespace itest
