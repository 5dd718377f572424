#include "http/request_head.h"

#include <gtest/gtest.h>

#include <string>

#include "http/transfer_encoding.h"

namespace centinela::http {
namespace {

TEST(TransferEncoding, OnlyALoneChunkedIsAccepted) {
  const auto one = [](std::string_view value) {
    return add_transfer_encoding(TransferEncoding::absent, value);
  };
  EXPECT_EQ(one("chunked"), TransferEncoding::chunked);
  EXPECT_EQ(one("Chunked"), TransferEncoding::chunked);
  EXPECT_EQ(one(" CHUNKED\t"), TransferEncoding::chunked);
  for (const char* value : {"gzip, chunked", "identity, chunked", "chunked;param", "chunked; q=1",
                            "gzip", "br", "chunked, chunked", "x-unknown", "chunked,", ", chunked",
                            "", "chunke", "chunkedd", "identity"}) {
    EXPECT_EQ(one(value), TransferEncoding::unsupported) << value;
  }
  EXPECT_EQ(add_transfer_encoding(TransferEncoding::chunked, "chunked"),
            TransferEncoding::unsupported);
  EXPECT_EQ(add_transfer_encoding(TransferEncoding::unsupported, "chunked"),
            TransferEncoding::unsupported);
}

unsigned head_status(std::string_view block) { return vet_request_head(block).status; }

TEST(VetRequestHead, AcceptsAnOrdinaryHead) {
  EXPECT_EQ(head_status("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0u);
  EXPECT_EQ(head_status("\r\nPOST /u HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n\r\n"),
            0u);
  EXPECT_EQ(head_status("GET / HTTP/1.0\r\n\r\n"), 0u);
}

TEST(VetRequestHead, RequestLineErrors) {
  EXPECT_EQ(head_status("GET /\r\nHost: a\r\n\r\n"), 400u);
  EXPECT_EQ(head_status("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505u);
}

TEST(VetRequestHead, TransferEncodingOtherThanChunkedIs501) {
  EXPECT_EQ(head_status("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            501u);
  EXPECT_EQ(head_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nHost: a\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"),
            501u);
  EXPECT_EQ(head_status("POST / HTTP/1.1\r\nTransfer-Encoding:chunked;a=b\r\n\r\n"), 501u);
}

TEST(VetRequestHead, Http10WithTransferEncodingIs400) {
  EXPECT_EQ(head_status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400u);
  EXPECT_EQ(head_status("POST / HTTP/1.0\r\nTransfer-Encoding: gzip\r\n\r\n"), 400u);
}

TEST(VetRequestHead, FieldsThatAreNotTransferEncodingAreLeftToTheParser) {
  EXPECT_EQ(head_status("GET / HTTP/1.1\r\nX-Transfer-Encoding: gzip\r\n\r\n"), 0u);
  EXPECT_EQ(head_status("GET / HTTP/1.1\r\nTransfer-Encoding : gzip\r\n\r\n"), 0u);
  EXPECT_EQ(head_status("GET / HTTP/1.1\r\nno colon\r\n\r\n"), 0u);
}

struct Vetted {
  VettedRequest result;
  std::string path;
  std::string authority;
};

Vetted vet(RequestFacts facts) {
  Vetted v;
  v.result = vet_request(facts, v.path, v.authority);
  return v;
}

RequestFacts get(std::string_view target, std::string_view host = "example.com") {
  RequestFacts facts;
  facts.method = "GET";
  facts.target = target;
  facts.host_fields = 1;
  facts.host = host;
  return facts;
}

TEST(VetRequest, NormalisesPathAndHost) {
  const Vetted v = vet(get("//api/./%6cogin?x=%7e", "API.Example.com.:0443"));
  ASSERT_TRUE(v.result.ok()) << v.result.reason;
  EXPECT_EQ(v.path, "/api/login");
  EXPECT_EQ(v.authority, "api.example.com:443");
  EXPECT_EQ(v.authority.substr(0, v.result.host_size), "api.example.com");
  EXPECT_EQ(v.result.target.query, "x=%7e");
  EXPECT_EQ(v.result.path_flags, 0);
  EXPECT_FALSE(v.result.needs_authority);
}

TEST(VetRequest, MethodsTheGatewayDoesNotForwardAre501) {
  RequestFacts facts = get("/");
  facts.method = "BREW";
  facts.method_known = false;
  EXPECT_EQ(vet(facts).result.status, 501u);
  facts = get("example.com:443");
  facts.method = "CONNECT";
  EXPECT_EQ(vet(facts).result.status, 501u);
}

TEST(VetRequest, HostRules) {
  RequestFacts facts = get("/");
  facts.host_fields = 2;
  EXPECT_EQ(vet(facts).result.status, 400u);
  facts.host_fields = 0;
  facts.host = {};
  EXPECT_EQ(vet(facts).result.status, 400u);  // HTTP/1.1 without Host
  facts.version = 10;
  const Vetted old = vet(facts);
  EXPECT_TRUE(old.result.ok());
  EXPECT_TRUE(old.result.needs_authority);
  EXPECT_EQ(vet(get("/", "")).result.status, 400u);
  EXPECT_EQ(vet(get("/", "victim.com:@evil.com")).result.status, 400u);
}

// HTTP/2: h2::RequestHeadBuilder normalised :authority already and says how
// long its host part is; the Host built from it is taken as it is.
TEST(VetRequest, HostInNormalFormAlreadyKeepsItsHostSize) {
  RequestFacts facts = get("/a", "api.example.com:8443");
  facts.normal_host_size = 15;
  const Vetted v = vet(facts);
  ASSERT_TRUE(v.result.ok()) << v.result.reason;
  EXPECT_EQ(v.authority, "api.example.com:8443");
  EXPECT_EQ(v.authority.substr(0, v.result.host_size), "api.example.com");
  // An absolute-form target still replaces it.
  facts.target = "http://Victim.com:8443/abs";
  EXPECT_EQ(vet(facts).authority, "victim.com:8443");
}

TEST(VetRequest, AbsoluteFormAuthorityReplacesHost) {
  Vetted v = vet(get("http://Victim.com:8443/abs?q=1", "other.example"));
  ASSERT_TRUE(v.result.ok());
  EXPECT_EQ(v.authority, "victim.com:8443");
  EXPECT_EQ(v.path, "/abs");
  EXPECT_EQ(v.result.target.form, TargetForm::absolute);
  // HTTP/1.0 may omit Host when the target names the host.
  RequestFacts facts = get("http://victim.com");
  facts.version = 10;
  facts.host_fields = 0;
  v = vet(facts);
  ASSERT_TRUE(v.result.ok());
  EXPECT_EQ(v.authority, "victim.com");
  EXPECT_EQ(v.path, "/");
  EXPECT_FALSE(v.result.needs_authority);
  // A bad Host is refused even though the target's authority replaces it.
  EXPECT_EQ(vet(get("http://victim.com/", "a b")).result.status, 400u);
  EXPECT_EQ(vet(get("http://vic tim.com/")).result.status, 400u);
  EXPECT_EQ(vet(get("http://victim.com:/")).result.status, 400u);
}

TEST(VetRequest, AsteriskIsForOptions) {
  RequestFacts facts = get("*");
  EXPECT_EQ(vet(facts).result.status, 400u);
  facts.method = "OPTIONS";
  const Vetted v = vet(facts);
  ASSERT_TRUE(v.result.ok());
  EXPECT_EQ(v.path, "*");
  EXPECT_EQ(v.result.target.form, TargetForm::asterisk);
}

TEST(VetRequest, BadTargetsAre400AndFlagsAreReported) {
  for (const char* target : {"/a#b", "/a%zz", "/a?b=\x7f", "a/b", "/a\\b"}) {
    EXPECT_EQ(vet(get(target)).result.status, 400u) << target;
  }
  const Vetted v = vet(get("/a%2Fb/.."));
  ASSERT_TRUE(v.result.ok());
  EXPECT_EQ(v.result.path_flags, kEncodedSlash);
  EXPECT_EQ(vet(get("/../a")).result.path_flags, kClimbsAboveRoot);
}

}  // namespace
}  // namespace centinela::http
