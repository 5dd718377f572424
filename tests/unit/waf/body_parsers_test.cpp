// The body parsers' own behaviour beyond what libmodsecurity shows (see
// modsec_oracle_test.cpp for that): cut bodies, bounds, hostile input.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "waf/json_body.h"
#include "waf/multipart_body.h"
#include "waf/urlencoded.h"
#include "waf/xml_text.h"

namespace centinela::waf {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

struct Collected : BodySink {
  Pairs arguments;
  Pairs files;
  Pairs part_headers;
  std::vector<ArgumentOrigin> origins;
  std::size_t refuse_after = SIZE_MAX;
  bool argument(std::string_view name, std::string_view value, ArgumentOrigin origin) override {
    if (arguments.size() >= refuse_after) return false;
    arguments.emplace_back(name, value);
    origins.push_back(origin);
    return true;
  }
  void file(std::string_view name, std::string_view filename) override {
    files.emplace_back(name, filename);
  }
  void part_header(std::string_view part, std::string_view line) override {
    part_headers.emplace_back(part, line);
  }
};

TEST(JsonWalk, NamesAsLibmodsecurityGivesThem) {
  Collected sink;
  const JsonWalk walk =
      walk_json(R"({"a":{"b":[1,{"c":"x"}]},"":null,"d":[[true]]})", true, {}, sink);
  EXPECT_FALSE(walk.error) << walk.message;
  EXPECT_EQ(sink.arguments, (Pairs{{"json.a.b.array_0", "1"},
                                   {"json.a.b.array_1.c", "x"},
                                   {"json.empty-key", ""},
                                   {"json.d.array_0.array_0", "true"}}));
  EXPECT_EQ(sink.origins[0], ArgumentOrigin::json);
}

TEST(JsonWalk, ACutBodyIsWalkedAsFarAsItGoes) {
  Collected sink;
  JsonWalk walk = walk_json(R"({"a":"one","b":"tw)", false, {}, sink);
  EXPECT_FALSE(walk.error);
  EXPECT_EQ(sink.arguments, (Pairs{{"json.a", "one"}, {"json.b", "tw"}}));
  Collected numbers;
  walk = walk_json(R"([12,34)", false, {}, numbers);
  EXPECT_FALSE(walk.error);
  EXPECT_EQ(numbers.arguments, (Pairs{{"json.array_0", "12"}, {"json.array_1", "34"}}));
  Collected escaped;
  walk = walk_json(R"({"q":"1\u0027 or\)", false, {}, escaped);
  EXPECT_FALSE(walk.error);
  EXPECT_EQ(escaped.arguments, (Pairs{{"json.q", "1' or"}}));
  Collected literal;
  walk = walk_json(R"({"a":tr)", false, {}, literal);
  EXPECT_FALSE(walk.error);
  EXPECT_TRUE(literal.arguments.empty());
  // The same bodies complete are errors.
  Collected complete;
  EXPECT_TRUE(walk_json(R"({"a":"one","b":"tw)", true, {}, complete).error);
}

// Plain runs around escapes and UTF-8 are kept whole, in order, complete
// or cut; a control byte inside a string is still an error.
TEST(JsonWalk, StringsWithEscapesBetweenPlainRuns) {
  Collected sink;
  JsonWalk walk = walk_json(
      "{\"k\":\"a\\\"b c\\\\d\\u00e9 \xc3\xa9 x\\n\", \"plain\":\"O'Brien & co\"}", true, {}, sink);
  EXPECT_FALSE(walk.error) << walk.message;
  EXPECT_EQ(sink.arguments,
            (Pairs{{"json.k", "a\"b c\\d\xc3\xa9 \xc3\xa9 x\n"}, {"json.plain", "O'Brien & co"}}));
  Collected cut;
  walk = walk_json("{\"q\":\"x\\ny z", false, {}, cut);
  EXPECT_FALSE(walk.error);
  EXPECT_EQ(cut.arguments, (Pairs{{"json.q", "x\ny z"}}));
  Collected control;
  EXPECT_TRUE(walk_json("{\"q\":\"ab\x01"
                        "cd\"}",
                        true, {}, control)
                  .error);
}

TEST(JsonWalk, Bounds) {
  std::string deep;
  for (int i = 0; i < 65; ++i) deep += "[";
  Collected sink;
  JsonWalk walk = walk_json(deep, false, {}, sink);
  EXPECT_TRUE(walk.error);
  std::string ok_deep(64, '[');
  ok_deep += "1" + std::string(64, ']');
  Collected deep_sink;
  EXPECT_FALSE(walk_json(ok_deep, true, {}, deep_sink).error);
  ASSERT_EQ(deep_sink.arguments.size(), 1u);

  std::string many = "[";
  for (int i = 0; i < 4097; ++i) many += "1,";
  many += "1]";
  Collected values;
  walk = walk_json(many, true, {}, values);
  // Counts bound the inspection, as inspect_body_bytes does: a bulk upload
  // is walked in its first values, not refused.
  EXPECT_FALSE(walk.error);
  EXPECT_TRUE(walk.cut);
  EXPECT_EQ(values.arguments.size(), 4096u);

  Collected refused;
  refused.refuse_after = 2;
  walk = walk_json("[1,2,3]", true, {}, refused);
  EXPECT_FALSE(walk.error);
  EXPECT_TRUE(walk.cut);

  // Long keys repeated in every name: the names' bytes are bounded.
  std::string wide = "{\"" + std::string(60000, 'k') + "\":[";
  for (int i = 0; i < 100; ++i) wide += "1,";
  wide += "1]}";
  Collected names;
  EXPECT_TRUE(walk_json(wide, true, {}, names).error);
  EXPECT_LT(names.arguments.size(), 10u);
}

TEST(JsonWalk, Malformed) {
  for (std::string_view body :
       {"{", "{\"a\"}", "{\"a\":}", "[1 2]", "[01]", "{\"a\":1}x", "\"\x01\"", "\"\\x\"",
        "\"\\u12G4\"", "nul", "-", "1.", "1e", "{'a':1}", "[1,]", "/* c */ 1"}) {
    Collected sink;
    EXPECT_TRUE(walk_json(body, true, {}, sink).error) << body;
  }
  for (std::string_view body : {"1", "-0.5e+3", " [ ] ", "{}", "\"\\u00e9\"", "null"}) {
    Collected sink;
    EXPECT_FALSE(walk_json(body, true, {}, sink).error) << body;
  }
}

TEST(Urlencoded, SplitsAndDecodesLikeLibmodsecurity) {
  Collected sink;
  const UrlencodedWalk walk =
      walk_urlencoded("a=1&&b&c=%41%2&d=x+y=z&", ArgumentOrigin::form, sink);
  EXPECT_TRUE(walk.invalid_encoding);
  EXPECT_EQ(sink.arguments, (Pairs{{"a", "1"}, {"", ""}, {"b", ""}, {"c", "A%2"}, {"d", "x y=z"}}));
  Collected stopped;
  stopped.refuse_after = 1;
  EXPECT_TRUE(walk_urlencoded("a=1&b=2", ArgumentOrigin::query, stopped).stopped);
}

const std::string kType = "multipart/form-data; boundary=B";

TEST(Multipart, FieldsFilesAndPartHeaders) {
  Collected sink;
  const MultipartWalk walk =
      walk_multipart(kType,
                     "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\ntwo\r\n"
                     "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.php\"\r\n"
                     "Content-Type: text/plain\r\n\r\n<?php\r\n--B--\r\n",
                     true, {}, sink);
  EXPECT_FALSE(walk.error) << walk.message;
  EXPECT_EQ(sink.arguments, (Pairs{{"a", "one\r\ntwo"}}));
  EXPECT_EQ(sink.files, (Pairs{{"f", "x.php"}}));
  EXPECT_EQ(sink.part_headers.size(), 3u);
  EXPECT_EQ(sink.origins[0], ArgumentOrigin::form);
}

TEST(Multipart, ACutBodyGivesTheFieldAsCut) {
  Collected sink;
  const MultipartWalk walk = walk_multipart(
      kType, "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1' OR '1", false, {}, sink);
  EXPECT_FALSE(walk.error);
  EXPECT_EQ(sink.arguments, (Pairs{{"a", "1' OR '1"}}));
}

TEST(Multipart, BoundsAndMalformation) {
  std::string many;
  for (int i = 0; i < 257; ++i)
    many += "--B\r\nContent-Disposition: form-data; name=\"p\"\r\n\r\nv\r\n";
  many += "--B--\r\n";
  Collected parts;
  MultipartWalk walk = walk_multipart(kType, many, true, {}, parts);
  EXPECT_TRUE(walk.error);
  EXPECT_EQ(parts.arguments.size(), 256u);

  std::string headers = "--B\r\n";
  for (int i = 0; i < 65; ++i) headers += "X-" + std::to_string(i) + ": v\r\n";
  Collected lines;
  EXPECT_TRUE(walk_multipart(kType, headers, false, {}, lines).error);

  std::vector<std::string> bodies = {
      "no boundary at all",
      "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n",
      "--B\r\nX: y\r\n\r\nv\r\n--B--\r\n",
      "--B\r\nContent-Disposition: attachment\r\n\r\n--B--\r\n",
      "--B\r\nContent-Disposition: form-data\r\n\r\nv\r\n--B--\r\n",
      "--B\r\nContent-Disposition: form-data; name=a\r\ncontent-disposition: x\r\n\r\n--B--\r\n",
      "--B\r\nNo colon\r\n\r\n--B--\r\n"};
  bodies.push_back("--B\r\nContent-Disposition: form-data; name=\"a");
  bodies.back() += std::string(1, '\0') + "\"\r\n\r\n--B--\r\n";
  for (const std::string& body : bodies) {
    Collected sink;
    EXPECT_TRUE(walk_multipart(kType, body, true, {}, sink).error) << body;
  }
  Collected none;
  EXPECT_TRUE(walk_multipart("multipart/form-data", "--B--\r\n", true, {}, none).error);
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=\"a b\""), "a b");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=x; boundary=y"), "");
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=boundary"), "boundary");
}

TEST(XmlText, CharacterDataOnly) {
  std::string text;
  EXPECT_FALSE(xml_text("<?xml version=\"1.0\"?><a x=\"1\"><!-- c --><b>t&lt;1&#65;</b>"
                        "<![CDATA[<raw>]]></a>",
                        true, text)
                   .error);
  EXPECT_EQ(text, "t<1A<raw>");
  std::string bad;
  EXPECT_TRUE(xml_text("<a><b", true, bad).error);
  EXPECT_TRUE(xml_text("plain", true, bad).error);
  std::string cut;
  EXPECT_FALSE(xml_text("<a>text<b", false, cut).error);
  EXPECT_EQ(cut, "text");
}

}  // namespace
}  // namespace centinela::waf
