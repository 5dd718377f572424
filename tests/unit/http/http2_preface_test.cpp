#include "http/http2_preface.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

TEST(Http2Preface, WholePrefaceIsHttp2) {
  EXPECT_EQ(classify_preface(kHttp2Preface), PrefaceMatch::http2);
  // The SETTINGS frame that follows does not change the verdict.
  std::string with_settings(kHttp2Preface);
  with_settings += std::string("\0\0\0\x04\0\0\0\0\0", 9);
  EXPECT_EQ(classify_preface(with_settings), PrefaceMatch::http2);
}

TEST(Http2Preface, StrictPrefixNeedsMoreBytes) {
  EXPECT_EQ(classify_preface(""), PrefaceMatch::need_more);
  EXPECT_EQ(classify_preface("PRI"), PrefaceMatch::need_more);
  EXPECT_EQ(classify_preface(kHttp2Preface.substr(0, 23)), PrefaceMatch::need_more);
}

TEST(Http2Preface, Http1RequestIsDecidedOnItsFirstDivergentByte) {
  EXPECT_EQ(classify_preface("G"), PrefaceMatch::http1);
  EXPECT_EQ(classify_preface("GET / HTTP/1.1\r\n"), PrefaceMatch::http1);
  // An HTTP/1.1 request with method PRI is not the preface.
  EXPECT_EQ(classify_preface("PRI / HTTP/1.1\r\n"), PrefaceMatch::http1);
  EXPECT_EQ(classify_preface("PRI * HTTP/2.0\r\n\r\nXX"), PrefaceMatch::http1);
}

}  // namespace
}  // namespace centinela::http
