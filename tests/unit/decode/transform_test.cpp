// apply()'s contract (unchanged → false and the output string untouched;
// trigger bytes; no allocation in a reused string), the names SecLang uses,
// and the behaviour CRS pipelines rely on, including 3.0.9's quirks.
#include "decode/transform.h"

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>

namespace centinela::decode {
namespace {

using namespace std::string_literals;

std::string run(Transform t, std::string_view in) {
  std::string out;
  return apply(t, in, out) ? out : std::string(in);
}

std::string pipeline(std::initializer_list<Transform> steps, std::string value) {
  std::string out;
  for (Transform t : steps) {
    if (apply(t, value, out)) value.swap(out);
  }
  return value;
}

TEST(TransformTest, NamesAreReadAsModSecurityReadsThem) {
  EXPECT_EQ(transform_from_name("urlDecodeUni"), Transform::url_decode_uni);
  EXPECT_EQ(transform_from_name("URLDECODEUNI"), Transform::url_decode_uni);
  EXPECT_EQ(transform_from_name("normalisePath"), Transform::normalize_path);
  EXPECT_EQ(transform_from_name("normalizePath"), Transform::normalize_path);
  EXPECT_EQ(transform_from_name("normalisePathWin"), Transform::normalize_path_win);
  EXPECT_EQ(transform_from_name("utf8toUnicode"), Transform::utf8_to_unicode);
  EXPECT_EQ(transform_from_name("none"), Transform::none);
  EXPECT_FALSE(transform_from_name("t:lowercase").has_value());
  EXPECT_FALSE(transform_from_name("lowercaseX").has_value());
  EXPECT_FALSE(transform_from_name("").has_value());
  for (std::size_t i = 0; i < kTransformCount; ++i) {
    const auto t = static_cast<Transform>(i);
    EXPECT_EQ(transform_from_name(transform_name(t)), t) << transform_name(t);
  }
}

TEST(TransformTest, UnchangedLeavesTheOutputUntouched) {
  std::string out = "kept";
  EXPECT_FALSE(apply(Transform::lowercase, "already lower", out));
  EXPECT_FALSE(apply(Transform::url_decode, "no escapes here", out));
  EXPECT_FALSE(apply(Transform::url_decode, "100% sure %zz", out));  // invalid escapes stay
  EXPECT_FALSE(apply(Transform::html_entity_decode, "AT&T & co", out));
  EXPECT_FALSE(apply(Transform::normalize_path, "/api/v1/users", out));
  EXPECT_FALSE(apply(Transform::compress_whitespace, "one space each", out));
  EXPECT_FALSE(apply(Transform::cmd_line, " curl -s host/a(b) ", out));  // single spaces stay
  EXPECT_FALSE(apply(Transform::length, "1", out));                      // "1" is one byte long
  EXPECT_FALSE(apply(Transform::none, "ANY", out));
  EXPECT_EQ(out, "kept");
}

// Every transformation, on random strings made only of bytes outside its
// trigger set: nothing changes, so a caller may skip the call.
TEST(TransformTest, ValuesWithoutTriggerBytesAreUnchanged) {
  std::mt19937 rng(7);
  for (std::size_t i = 0; i < kTransformCount; ++i) {
    const auto t = static_cast<Transform>(i);
    const ByteSet& set = triggers(t);
    std::string allowed;
    for (int b = 0; b < 256; ++b) {
      if (!set.contains(static_cast<unsigned char>(b))) allowed.push_back(static_cast<char>(b));
    }
    if (allowed.empty()) continue;  // sha1, length, hexEncode, base64Decode
    std::uniform_int_distribution<std::size_t> pick(0, allowed.size() - 1);
    for (int n = 0; n < 2000; ++n) {
      std::string in;
      for (int k = n % 40; k > 0; --k) in.push_back(allowed[pick(rng)]);
      std::string out = "kept";
      EXPECT_FALSE(apply(t, in, out)) << transform_name(t) << " " << in;
      EXPECT_EQ(out, "kept");
    }
  }
}

TEST(TransformTest, AReusedStringIsNotReallocated) {
  std::string out;
  out.reserve(256);
  const char* buffer = out.data();
  EXPECT_TRUE(apply(Transform::url_decode_uni, "%3Cscript%3E%u0041", out));
  EXPECT_EQ(out, "<script>A");
  EXPECT_TRUE(apply(Transform::html_entity_decode, "&lt;b&gt;", out));
  EXPECT_TRUE(apply(Transform::normalize_path, "/a/./b/../c", out));
  EXPECT_EQ(out, "/a/c");
  EXPECT_TRUE(apply(Transform::utf8_to_unicode, "caf\xc3\xa9", out));
  EXPECT_EQ(out, "caf%u00e9");
  EXPECT_EQ(out.data(), buffer);
}

TEST(TransformTest, RunPipelineSharesTheValueUntilAStepChangesIt) {
  const Transform steps[] = {Transform::lowercase, Transform::url_decode_uni,
                             Transform::remove_nulls, Transform::compress_whitespace};
  std::string a;
  std::string b;
  const std::string plain = "nothing to do here";
  EXPECT_EQ(run_pipeline(steps, plain, a, b).data(), plain.data());
  EXPECT_EQ(run_pipeline(steps, "%3CSCRIPT%3E%00  x", a, b), "<script> x");
  const Transform hash[] = {Transform::sha1, Transform::hex_encode};
  EXPECT_EQ(run_pipeline(hash, "", a, b), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(TransformTest, CrsXssPipeline) {
  const auto xss = {Transform::utf8_to_unicode,    Transform::url_decode_uni,
                    Transform::html_entity_decode, Transform::js_decode,
                    Transform::css_decode,         Transform::remove_nulls};
  EXPECT_EQ(pipeline(xss, "%3Cscript%3Ealert(1)%3C/script%3E"), "<script>alert(1)</script>");
  EXPECT_EQ(pipeline(xss, "&#x3C;img src=x onerror=\\u0061lert(1)&gt;"),
            "<img src=x onerror=alert(1)>");
  EXPECT_EQ(pipeline(xss, "%uff1cscript%uff1e"), "<script>");
}

TEST(TransformTest, ModSecurityQuirksAreKept) {
  EXPECT_EQ(run(Transform::css_decode, "ab\\0 cd"), "ab");     // ends at a NUL
  EXPECT_EQ(run(Transform::css_decode, "ab\\0cd"), "ab\xcd");  // the last two of 1-6 digits
  EXPECT_EQ(run(Transform::css_decode, "ab\0cd"s), "ab");      // raw NUL too
  EXPECT_EQ(run(Transform::utf8_to_unicode, "a\0b"s), "ab");   // NULs dropped
  EXPECT_EQ(run(Transform::utf8_to_unicode, "\xc0\xaf"), "%u002f\xc0");  // overlong keeps its lead
  EXPECT_EQ(run(Transform::utf8_to_unicode, "x\xc3"), "x");  // a cut sequence loses its lead
  EXPECT_EQ(run(Transform::url_decode_uni, "%u263A"), ":");  // low byte only
  EXPECT_EQ(run(Transform::html_entity_decode, "&#x100000000000000000041;"), "\xff");
  EXPECT_EQ(run(Transform::html_entity_decode, "&LT&Quot&nbsp;&apos;"), "<\"\xa0&apos;");
  EXPECT_EQ(run(Transform::js_decode, "\\477\\u00e9\\x"), "'7\xe9x");
  EXPECT_EQ(run(Transform::remove_whitespace, "a \xc2\xa0 b\xc3\xa9"), "ab\xc3\xa9");
  EXPECT_EQ(run(Transform::cmd_line, "C:\\WINDOWS\\system32\\CMD.exe  /c ,dir"),
            "c:windowssystem32cmd.exe/c dir");
  EXPECT_EQ(run(Transform::cmd_line, "a (b"), "a(b");       // a space before '(' goes
  EXPECT_EQ(run(Transform::cmd_line, "a \"\" /b"), "a/b");  // quotes leave the space pending
  EXPECT_EQ(run(Transform::cmd_line, "a  b\t"), "a b ");
  EXPECT_EQ(run(Transform::base64_decode, "dGVzdA=="), "test");
  EXPECT_EQ(run(Transform::base64_decode, "dGVz dA=="), "");  // a space inside: refused
  EXPECT_EQ(run(Transform::base64_decode, "dGVzdA"), "tes");  // the cut group is dropped
  EXPECT_EQ(run(Transform::replace_comments, "a/*x*/b/*open"), "a b ");
  EXPECT_EQ(run(Transform::normalize_path_win, "C:\\a\\..\\b\\\\c"), "C:/b/c");
  EXPECT_EQ(run(Transform::normalize_path, "../../a/./b"), "../../a/b");
  EXPECT_EQ(run(Transform::length, "abcd"), "4");
  EXPECT_EQ(run(Transform::hex_encode, "\x01\xff"), "01ff");
  EXPECT_EQ(run(Transform::hex_encode, run(Transform::sha1, "abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
}

// Linear on hostile input: a megabyte of escapes, slashes or entities.
TEST(TransformTest, HugeHostileInputsStayLinear) {
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& unit :
       {"%"s, "%u"s, "&#"s, "\\"s, "/../"s, "a/.."s, "\xc3"s, "\0"s, "/*"s, " \t"s, "\\0"s}) {
    std::string in;
    while (in.size() < (1u << 20)) in += unit;
    std::string out;
    for (std::size_t i = 0; i < kTransformCount; ++i) apply(static_cast<Transform>(i), in, out);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace centinela::decode
