// The JSON error envelope of gateway-made errors (CONTRACT "On the wire").
#include <gtest/gtest.h>

#include <ostream>

#include "stage/local_response.h"

namespace centinela::stage {
namespace {

namespace http = boost::beast::http;

std::string envelope(unsigned status, std::string_view code, std::string_view message,
                     std::string_view request_id) {
  return "{\"error\":{\"status\":" + std::to_string(status) + ",\"code\":\"" + std::string(code) +
         "\",\"message\":\"" + std::string(message) + "\",\"request_id\":\"" +
         std::string(request_id) + "\"}}";
}

TEST(ErrorResponse, EnvelopeMatchesTheContract) {
  LocalResponse r = make_error_response(429, "Too many requests", "abc-123");
  EXPECT_EQ(r.status, 429u);
  EXPECT_EQ(r.body, envelope(429, "RATE_LIMITED", "Too many requests", "abc-123"));
}

TEST(ErrorResponse, IsJson) {
  LocalResponse r = make_error_response(404, "no route", "id");
  EXPECT_EQ(r.headers[http::field::content_type], "application/json");
}

TEST(ErrorResponse, IsNotCached) {
  LocalResponse r = make_error_response(502, "upstream failed", "id");
  EXPECT_EQ(r.headers[http::field::cache_control], "no-store");
}

struct StatusCode {
  unsigned status;
  const char* code;
};

// Test names show "429 RATE_LIMITED", not the bytes of the struct.
void PrintTo(const StatusCode& value, std::ostream* out) {
  *out << value.status << ' ' << value.code;
}

class ErrorCodes : public ::testing::TestWithParam<StatusCode> {};

TEST_P(ErrorCodes, StatusHasItsContractCode) {
  const StatusCode& sc = GetParam();
  LocalResponse r = make_error_response(sc.status, "m", "id");
  EXPECT_EQ(r.status, sc.status);
  EXPECT_EQ(r.body, envelope(sc.status, sc.code, "m", "id"));
}

INSTANTIATE_TEST_SUITE_P(
    Contract, ErrorCodes,
    ::testing::Values(StatusCode{400, "BAD_REQUEST"}, StatusCode{401, "UNAUTHORIZED"},
                      StatusCode{403, "FORBIDDEN"}, StatusCode{404, "NOT_FOUND"},
                      StatusCode{413, "PAYLOAD_TOO_LARGE"}, StatusCode{429, "RATE_LIMITED"},
                      StatusCode{431, "HEADERS_TOO_LARGE"}, StatusCode{502, "BAD_GATEWAY"},
                      StatusCode{503, "SERVICE_UNAVAILABLE"}, StatusCode{504, "GATEWAY_TIMEOUT"}),
    [](const auto& info) { return std::to_string(info.param.status); });

TEST(ErrorResponse, UnlistedStatusesFallBackByClass) {
  EXPECT_EQ(make_error_response(418, "m", "id").body, envelope(418, "BAD_REQUEST", "m", "id"));
  EXPECT_EQ(make_error_response(500, "m", "id").body, envelope(500, "INTERNAL_ERROR", "m", "id"));
}

TEST(ErrorResponse, MessageIsJsonEscaped) {
  LocalResponse r = make_error_response(400, "bad \"header\"\nline2\\x\ttab\r", "id");
  EXPECT_EQ(r.body, envelope(400, "BAD_REQUEST", R"(bad \"header\"\nline2\\x\ttab\r)", "id"));
}

TEST(ErrorResponse, ControlCharactersBecomeUnicodeEscapes) {
  using namespace std::string_literals;
  LocalResponse r = make_error_response(400, "a\x01z\0!"s, "id");
  EXPECT_EQ(r.body, envelope(400, "BAD_REQUEST", R"(a\u0001z\u0000!)", "id"));
}

TEST(ErrorResponse, Utf8IsPassedThrough) {
  LocalResponse r = make_error_response(400, "ruta no válida", "id");
  EXPECT_EQ(r.body, envelope(400, "BAD_REQUEST", "ruta no válida", "id"));
}

TEST(ErrorResponse, RequestIdIsEscapedToo) {
  LocalResponse r = make_error_response(400, "m", "x\"y");
  EXPECT_EQ(r.body, envelope(400, "BAD_REQUEST", "m", R"(x\"y)"));
}

}  // namespace
}  // namespace centinela::stage

namespace centinela::stage {
namespace {

TEST(ErrorResponse, IncidentIdEndsTheEnvelopeWhenGiven) {
  LocalResponse r = make_error_response(403, "request blocked by the web application firewall",
                                        "req-9", "inc_01HF0000000000000000000000");
  EXPECT_EQ(
      r.body,
      R"({"error":{"status":403,"code":"FORBIDDEN","message":"request blocked by the web )"
      R"(application firewall","request_id":"req-9","incident_id":"inc_01HF0000000000000000000000"}})");
  EXPECT_EQ(make_error_response(403, "m", "r", "").body.find("incident_id"), std::string::npos);
}

}  // namespace
}  // namespace centinela::stage
