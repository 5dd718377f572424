#include <gtest/gtest.h>

#include <string>

#include "cache/memory_store.h"

namespace centinela::cache {
namespace {

using Kind = PurgeRequest::Kind;

PurgeRequest parse_ok(std::string_view body) {
  PurgeRequest request;
  std::string error;
  EXPECT_TRUE(parse_purge_request(body, request, error)) << body << ": " << error;
  EXPECT_EQ(error, "");
  return request;
}

std::string parse_error(std::string_view body) {
  PurgeRequest request;
  request.values = {"left over"};
  std::string error;
  EXPECT_FALSE(parse_purge_request(body, request, error)) << body;
  EXPECT_TRUE(request.values.empty()) << "a refused body leaves no values behind";
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(PurgeRequest, EachKind) {
  PurgeRequest url = parse_ok(R"({"url": "https://api.example.com/v1/items?a=1"})");
  EXPECT_EQ(url.kind, Kind::url);
  EXPECT_EQ(url.values, std::vector<std::string>{"https://api.example.com/v1/items?a=1"});

  PurgeRequest prefix = parse_ok(R"({"prefix":"/v1/"})");
  EXPECT_EQ(prefix.kind, Kind::prefix);
  EXPECT_EQ(prefix.values, std::vector<std::string>{"/v1/"});

  PurgeRequest tags = parse_ok(R"({"tags": ["product-1", "catalog"]})");
  EXPECT_EQ(tags.kind, Kind::tags);
  EXPECT_EQ(tags.values, (std::vector<std::string>{"product-1", "catalog"}));

  PurgeRequest user = parse_ok(R"({"user": "alice"})");
  EXPECT_EQ(user.kind, Kind::user);
  EXPECT_EQ(user.values, std::vector<std::string>{"alice"});

  PurgeRequest all = parse_ok(" {\"all\" : true}\n");
  EXPECT_EQ(all.kind, Kind::all);
  EXPECT_TRUE(all.values.empty());
}

TEST(PurgeRequest, EscapesAreDecoded) {
  PurgeRequest url = parse_ok(R"({"url": "/caf\u00e9?q=\"x\""})");
  EXPECT_EQ(url.values, std::vector<std::string>{"/caf\xC3\xA9?q=\"x\""});
}

TEST(PurgeRequest, NotOneOfTheKinds) {
  const std::string expected = "expected one of url, prefix, tags, user, all";
  EXPECT_EQ(parse_error("{}"), expected);
  EXPECT_EQ(parse_error(R"({"path": "/a"})"), expected);
  EXPECT_EQ(parse_error(R"({"URL": "/a"})"), expected);
  EXPECT_EQ(parse_error(R"({"url": "/a", "prefix": "/b"})"), expected);
  EXPECT_EQ(parse_error(R"({"all": true, "tags": ["a"]})"), expected);
}

TEST(PurgeRequest, NotAnObject) {
  EXPECT_EQ(parse_error(""), "purge body is not valid JSON");
  EXPECT_EQ(parse_error("url=/a"), "purge body is not valid JSON");
  EXPECT_EQ(parse_error(R"({"url": "/a")"), "purge body is not valid JSON");
  EXPECT_EQ(parse_error(R"({"url": "/a"} {"all": true})"), "purge body is not valid JSON");
  EXPECT_EQ(parse_error(R"({"url": "/a",})"), "purge body is not valid JSON");
  EXPECT_EQ(parse_error("{\"url\": \"\xff\xfe\"}"), "purge body is not valid JSON");
  EXPECT_EQ(parse_error("null"), "purge body must be a JSON object");
  EXPECT_EQ(parse_error(R"(["/a"])"), "purge body must be a JSON object");
  EXPECT_EQ(parse_error(R"("/a")"), "purge body must be a JSON object");
}

TEST(PurgeRequest, StringValuesMustBeNonEmptyAndBounded) {
  EXPECT_EQ(parse_error(R"({"url": ""})"),
            "\"url\" must be a non-empty string of at most 8192 bytes");
  EXPECT_EQ(parse_error(R"({"prefix": 7})"),
            "\"prefix\" must be a non-empty string of at most 8192 bytes");
  EXPECT_EQ(parse_error(R"({"user": ["alice"]})"),
            "\"user\" must be a non-empty string of at most 8192 bytes");
  EXPECT_EQ(parse_error(R"({"user": null})"),
            "\"user\" must be a non-empty string of at most 8192 bytes");

  const std::string longest(8192, 'a');
  EXPECT_EQ(parse_ok(R"({"prefix": ")" + longest + "\"}").values[0], longest);
  EXPECT_EQ(parse_error(R"({"prefix": ")" + longest + "a\"}"),
            "\"prefix\" must be a non-empty string of at most 8192 bytes");
}

TEST(PurgeRequest, TagsMustBeANonEmptyBoundedArrayOfStrings) {
  const std::string shape =
      "\"tags\" must be a non-empty array of at most 1000 non-empty strings of at most 8192 bytes";
  EXPECT_EQ(parse_error(R"({"tags": []})"), shape);
  EXPECT_EQ(parse_error(R"({"tags": "a"})"), shape);
  EXPECT_EQ(parse_error(R"({"tags": ["a", ""]})"), shape);
  EXPECT_EQ(parse_error(R"({"tags": ["a", 1]})"), shape);
  EXPECT_EQ(parse_error(R"({"tags": ["a", ["b"]]})"), shape);
  EXPECT_EQ(parse_error(R"({"tags": {"a": "b"}})"), shape);

  std::string thousand = R"({"tags": [)";
  for (int i = 0; i < 1000; ++i) thousand += (i ? ",\"t" : "\"t") + std::to_string(i) + "\"";
  EXPECT_EQ(parse_ok(thousand + "]}").values.size(), 1000u);
  EXPECT_EQ(parse_error(thousand + ",\"one-more\"]}"), shape);
}

TEST(PurgeRequest, AllMustBeTrue) {
  EXPECT_EQ(parse_error(R"({"all": false})"), "\"all\" must be true");
  EXPECT_EQ(parse_error(R"({"all": "true"})"), "\"all\" must be true");
  EXPECT_EQ(parse_error(R"({"all": 1})"), "\"all\" must be true");
}

TEST(PurgeRequest, HostileBodies) {
  // Larger than 64 KiB: refused before parsing.
  std::string huge = R"({"prefix": ")" + std::string(70 * 1024, 'a') + "\"}";
  EXPECT_EQ(parse_error(huge), "purge body is larger than 64 KiB");
  // Deep nesting is refused by the parser, not followed.
  std::string deep(10000, '[');
  EXPECT_EQ(parse_error(deep), "purge body is not valid JSON");
  std::string nested = R"({"tags": [[[["a"]]]]})";
  EXPECT_EQ(parse_error(nested), "purge body is not valid JSON");
  // Embedded NUL bytes and control characters are bytes like any other
  // inside a string, but a raw NUL outside one is not JSON.
  EXPECT_EQ(parse_error(std::string_view("{\"all\": true}\0", 14)), "purge body is not valid JSON");
}

}  // namespace
}  // namespace centinela::cache
