#include "observe/error_json.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace centinela::observe {
namespace {

TEST(ErrorJsonTest, TheContractEnvelope) {
  EXPECT_EQ(error_json(405, "METHOD_NOT_ALLOWED", "use GET"),
            R"({"error":{"status":405,"code":"METHOD_NOT_ALLOWED","message":"use GET"}})");
  std::string out = "x";
  append_error_json(out, 429, "RATE_LIMITED", "slow down", "abc-1");
  EXPECT_EQ(out, R"(x{"error":{"status":429,"code":"RATE_LIMITED","message":"slow down",)"
                 R"("request_id":"abc-1"}})");
}

TEST(ErrorJsonTest, WhatAClientSentIsEscapedIntoValidJson) {
  const std::string message = "bad \"key\"\r\n\x01 \xff\\";
  const std::string request_id("id\0\"", 4);
  std::string out;
  append_error_json(out, 400, "BAD_REQUEST", message, request_id);
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(out, ec);
  ASSERT_FALSE(ec) << out;
  const auto& error = parsed.at("error");
  EXPECT_EQ(error.at("status").as_int64(), 400);
  EXPECT_EQ(error.at("code").as_string(), "BAD_REQUEST");
  EXPECT_EQ(error.at("message").as_string(), "bad \"key\"\r\n\x01 \xEF\xBF\xBD\\");
  EXPECT_EQ(error.at("request_id").as_string(), request_id);
  EXPECT_EQ(out.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace centinela::observe
