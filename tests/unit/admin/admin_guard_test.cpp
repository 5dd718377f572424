#include "admin/admin_guard.h"

#include <gtest/gtest.h>

namespace centinela::admin {
namespace {

TEST(AdminHostTest, LoopbackNamesAndIpLiteralsPass) {
  const std::vector<std::string> none;
  for (const char* host :
       {"", "127.0.0.1", "127.0.0.1:9901", "10.0.0.7:80", "[::1]:9901", "[::1]", "[fd00::1]:1",
        "localhost", "LocalHost:9901", "grafana.localhost:3000"}) {
    EXPECT_TRUE(host_allowed(host, none)) << host;
  }
}

TEST(AdminHostTest, NamesAndMalformedHostsAreRefused) {
  const std::vector<std::string> none;
  for (const char* host :
       {"evil.example", "evil.example:9901", "127.0.0.1.evil.example", "localhost.evil.example",
        "0x7f.1", "2130706433x", ":9901", "127.0.0.1:99x", "[::1", "[::1]x", "[evil]:1",
        "127.0.0.1:9901:1", "localhost:"}) {
    EXPECT_FALSE(host_allowed(host, none)) << host;
  }
}

TEST(AdminHostTest, ConfiguredNamesPassInAnyCase) {
  const std::vector<std::string> allowed = {"gw.internal"};
  EXPECT_TRUE(host_allowed("GW.Internal:9901", allowed));
  EXPECT_TRUE(host_allowed("gw.internal", allowed));
  EXPECT_FALSE(host_allowed("gw.internal.evil", allowed));
  EXPECT_TRUE(host_allowed("anything.example", {"*"}));
}

AdminRequest post(std::string_view body = "{}") {
  AdminRequest request;
  request.method = "POST";
  request.body = body;
  request.content_type = "application/json";
  return request;
}

TEST(AdminBrowserTest, JsonFromAToolPasses) {
  EXPECT_EQ(browser_refusal(post()), "");
  AdminRequest charset = post();
  charset.content_type = " Application/JSON ; charset=utf-8";
  EXPECT_EQ(browser_refusal(charset), "");
  AdminRequest fetch_none = post();
  fetch_none.sec_fetch_site = "none";
  EXPECT_EQ(browser_refusal(fetch_none), "");
  AdminRequest empty_delete;
  empty_delete.method = "DELETE";
  EXPECT_EQ(browser_refusal(empty_delete), "");
}

TEST(AdminBrowserTest, PagesAndFormsAreRefused) {
  AdminRequest with_origin = post();
  with_origin.origin = "http://127.0.0.1:9901";
  EXPECT_NE(browser_refusal(with_origin), "");
  for (const char* site : {"cross-site", "same-site", "unknown"}) {
    AdminRequest request = post();
    request.sec_fetch_site = site;
    EXPECT_NE(browser_refusal(request), "") << site;
  }
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/json-seq", ""}) {
    AdminRequest request = post();
    request.content_type = type;
    EXPECT_NE(browser_refusal(request), "") << type;
  }
  AdminRequest untyped = post();
  untyped.content_type.reset();
  EXPECT_NE(browser_refusal(untyped), "");
  // Reading is not guarded here (the Host check covers it).
  AdminRequest get = with_origin;
  get.method = "GET";
  EXPECT_EQ(browser_refusal(get), "");
}

TEST(AdminTokenTest, BearerInAnyCaseAndOnlyTheExactToken) {
  EXPECT_TRUE(bearer_matches("Bearer s3cret", "s3cret"));
  EXPECT_TRUE(bearer_matches("bearer s3cret", "s3cret"));
  EXPECT_TRUE(bearer_matches("BEARER   s3cret ", "s3cret"));
  for (const char* value : {"Bearer s3cre", "Bearer s3cret2", "Bearer S3CRET", "Basic s3cret",
                            "s3cret", "Bearer", "Bearer ", "Bearers3cret", ""}) {
    EXPECT_FALSE(bearer_matches(value, "s3cret")) << value;
  }
  EXPECT_FALSE(bearer_matches("Bearer ", ""));
}

}  // namespace
}  // namespace centinela::admin
