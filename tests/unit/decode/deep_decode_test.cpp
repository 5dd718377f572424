// deep_decode: the views attacks hide under, the decoders each view names,
// no view for benign values, and the bounds (depth, views, bytes).
#include "decode/deep_decode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace centinela::decode {
namespace {

using namespace std::string_literals;

struct Result {
  std::vector<std::string> texts;
  std::vector<std::string> decoders;
  std::vector<int> depths;
};

Result decode_all(std::string_view value, std::size_t budget_bytes = 1 << 16) {
  DecodeBudget budget(budget_bytes);
  std::vector<DecodedView> views;
  deep_decode(value, budget, views);
  Result r;
  for (const DecodedView& v : views) {
    r.texts.emplace_back(v.text);
    r.decoders.push_back(describe(v.decoders));
    r.depths.push_back(v.depth);
  }
  return r;
}

// The decoders of the view `text`, or "(no view)".
std::string view_of(std::string_view value, std::string_view text) {
  const Result r = decode_all(value);
  for (std::size_t i = 0; i < r.texts.size(); ++i) {
    if (r.texts[i] == text) return r.decoders[i];
  }
  std::string seen;
  for (const std::string& t : r.texts) seen += " [" + t + "]";
  return "(no view; views:" + seen + ")";
}

TEST(DeepDecodeTest, Base64AndBase64Url) {
  EXPECT_EQ(view_of("PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "<script>alert(1)</script>"), "base64");
  EXPECT_EQ(view_of("PHNjcmlwdD4", "<script>"), "base64");  // unpadded
  EXPECT_EQ(view_of("JyBPUiAnMSc9JzE", "' OR '1'='1"), "base64");
  EXPECT_EQ(view_of("Pz48c2NyaXB0Pj8-Pz8", "?><script>?>??"), "base64");  // url alphabet
  EXPECT_EQ(view_of("data:text/html;base64,PHN2Zy9vbmxvYWQ9YWxlcnQoMSk+", "<svg/onload=alert(1)>"),
            "base64");
  EXPECT_EQ(view_of("Basic YWRtaW46JyBvciAxPTEtLQ==", "admin:' or 1=1--"), "base64");
}

TEST(DeepDecodeTest, UrlDoubleUrlAndPercentU) {
  EXPECT_EQ(view_of("%3Cscript%3E", "<script>"), "url");
  const Result r = decode_all("%253Cscript%253E");
  ASSERT_EQ(r.texts.size(), 2u);
  EXPECT_EQ(r.texts[0], "%3Cscript%3E");
  EXPECT_EQ(r.texts[1], "<script>");
  EXPECT_EQ(r.depths[1], 2);
  EXPECT_EQ(view_of("%u003Cscript%u003E", "<script>"), "url_unicode");
  EXPECT_EQ(view_of("%uD83D%uDE00", "\xf0\x9f\x98\x80"), "url_unicode");  // a surrogate pair
}

TEST(DeepDecodeTest, HtmlEntities) {
  EXPECT_EQ(view_of("&lt;script&gt;", "<script>"), "html");
  EXPECT_EQ(view_of("&#60;script&#62;", "<script>"), "html");
  EXPECT_EQ(view_of("&#x3C;script&#x3e;", "<script>"), "html");
  EXPECT_EQ(view_of("&#60script&#62", "<script>"), "html");  // no ';'
  EXPECT_EQ(view_of("&#0000060;img", "<img"), "html");
  EXPECT_EQ(view_of("javascript&colon;alert&lpar;1&rpar;", "javascript:alert(1)"), "html");
  EXPECT_EQ(view_of("&amp;lt;b&amp;gt;", "<b>"), "html");  // two levels
}

// &#0; reads as the NUL a null-byte injection needs (as %00 and \u0000 do,
// and as Java's unescapeHtml4 reads it), not as HTML5's inert U+FFFD; alone,
// like %00, it is no text.
TEST(DeepDecodeTest, HtmlNumericZeroIsANul) {
  EXPECT_EQ(view_of("&#46;&#0;&#x2e;&#x2f;etc&#47;passwd", ".\0./etc/passwd"s), "html");
  EXPECT_EQ(view_of("1&#x0;UNION&#x00;SELECT&#0000;--", "1\0UNION\0SELECT\0--"s), "html");
  EXPECT_EQ(view_of("a.php&#0;.jpg", "a.php\0.jpg"s), "html");
  EXPECT_EQ(decode_all("&#0;").texts, std::vector<std::string>{});
}

TEST(DeepDecodeTest, JsEscapes) {
  EXPECT_EQ(view_of("\\u003cscript\\u003e", "<script>"), "js");
  EXPECT_EQ(view_of("\\x3cscript\\x3e", "<script>"), "js");
  EXPECT_EQ(view_of("\\u{3c}svg\\u{3E}", "<svg>"), "js");
  EXPECT_EQ(view_of("\\ud83d\\ude00 \\074", "\xf0\x9f\x98\x80 <"), "js");
}

TEST(DeepDecodeTest, HexBlobs) {
  EXPECT_EQ(view_of("3c7363726970743e616c65727428312930", "<script>alert(1)0"), "hex");
  EXPECT_EQ(view_of("0x3c7363726970743e", "<script>"), "hex");
}

TEST(DeepDecodeTest, JwtHeaderAndPayload) {
  const std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
      "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IicgT1IgMT0xLS0iLCJpYXQiOjE1MTYyMzkwMjJ9."
      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
  EXPECT_EQ(view_of(token, "HS256\nJWT\n1234567890\n' OR 1=1--"), "base64+jwt");
  EXPECT_EQ(view_of("Bearer " + token, "HS256\nJWT\n1234567890\n' OR 1=1--"), "base64+jwt");
}

TEST(DeepDecodeTest, OverlongUtf8AndFullWidth) {
  EXPECT_EQ(view_of("\xc0\xbcscript\xc0\xbe", "<script>"), "overlong");
  EXPECT_EQ(view_of("%C0%AE%C0%AE%C0%AFetc%C0%AFpasswd", "../etc/passwd"), "url+overlong");
  EXPECT_EQ(view_of("\xef\xbc\x9c\xef\xbd\x93\xef\xbd\x83\xef\xbd\x92\xef\xbd\x89\xef\xbd\x90"
                    "\xef\xbd\x94\xef\xbc\x9e",  // ＜ｓｃｒｉｐｔ＞
                    "<script>"),
            "nfkc");
  EXPECT_EQ(view_of("scr\xc4\xb1pt", "script"), "nfkc");  // dotless i
  EXPECT_EQ(view_of("%EF%BC%9Cscript%EF%BC%9E", "<script>"), "url+nfkc");
}

TEST(DeepDecodeTest, NestedEncodingsUpToThreeSteps) {
  // base64 of "%3Cscript%3E" → url → "<script>"
  EXPECT_EQ(view_of("JTNDc2NyaXB0JTNF", "<script>"), "url+base64");
  // Four URL layers: the fourth is past the depth.
  const Result r = decode_all("%25252525253Cx%252525253E");
  EXPECT_LE(r.texts.size(), 3u);
  for (int d : r.depths) EXPECT_LE(d, 3);
}

TEST(DeepDecodeTest, BenignValuesYieldNoView) {
  const std::vector<std::string> benign = {"550e8400-e29b-41d4-a716-446655440000",
                                           "2024-05-01T12:34:56Z",
                                           "2024-05-01",
                                           "The quick brown fox jumps over the lazy dog.",
                                           "It's O'Brien's (new) book: 5 stars!",
                                           "alice@example.com",
                                           "bob.smith+tag@mail.example.org",
                                           "1234567890123456",
                                           "42",
                                           "3.14159",
                                           "-17",
                                           "admin",
                                           "test1234",
                                           "password",
                                           "helloworld12",
                                           "Administrator",
                                           "abcdefghijkl",
                                           "internationalization",
                                           "SuperSecretPassword",
                                           "qwertyuiopasdfgh",
                                           "5d41402abc4b2a76b9719d911017c592",
                                           "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
                                           "e83c5163316f89bfbe6b3b2b9d8b9c2f0c6f0b1a",
                                           "https://example.com/search?q=shoes&page=2",
                                           "/usr/local/bin/python3",
                                           "C:\\Users\\me\\Documents\\new\\table.txt",
                                           "$19.99",
                                           "v1.2.3-rc.1",
                                           "Zo\xc3\xab",
                                           "\xc5\x81ukasz",
                                           "\xe5\xb1\xb1\xe7\x94\xb0",
                                           "Nguy\xe1\xbb\x85n",
                                           "100% cotton",
                                           "Tom & Jerry",
                                           "AT&T",
                                           "fish&chips",
                                           "caf\xc3\xa9 cr\xc3\xa8me",
                                           "Stra\xc3\x9f"
                                           "e",
                                           "+33 6 12 34 56 78",
                                           "{\"a\": 1}",
                                           "abc123XYZ789",
                                           "password1234",
                                           "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR"
                                           "42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                                           "data:image/"
                                           "png;base64,"
                                           "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR"
                                           "42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
                                           "deadbeefdeadbeefdeadbeefdeadbeef",
                                           "0123456789abcdef0123456789abcdef"};
  for (const std::string& value : benign) {
    const Result r = decode_all(value);
    EXPECT_TRUE(r.texts.empty()) << value << " → " << (r.texts.empty() ? "" : r.texts[0]);
  }
}

// Random alphanumeric tokens (session ids, API keys) are valid base64 more
// often than not; almost none may decode to "text".
TEST(DeepDecodeTest, RandomTokensRarelyLookLikeText) {
  std::mt19937 rng(11);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> length(12, 40);
  int views = 0;
  const int tokens = 20000;
  for (int i = 0; i < tokens; ++i) {
    std::string token;
    for (int n = length(rng); n > 0; --n) token.push_back(alphabet[pick(rng)]);
    views += decode_all(token).texts.empty() ? 0 : 1;
  }
  EXPECT_LE(views, tokens / 1000) << views << " of " << tokens;
}

TEST(DeepDecodeTest, BoundedByBudgetAndViewCount) {
  DecodeBudget small(8);
  std::vector<DecodedView> views;
  deep_decode("%3Cscript%3Ealert(1)", small, views);
  EXPECT_TRUE(views.empty());  // 15 bytes do not fit in 8
  EXPECT_EQ(small.used(), 0u);

  DecodeBudget budget(1 << 12, DeepDecodeLimits{.max_depth = 3, .max_views = 2});
  views.clear();
  deep_decode("%25253Cscript%25253E", budget, views);
  EXPECT_EQ(views.size(), 2u);

  views.clear();
  budget.reset();
  const std::string huge(1 << 20, '%');
  deep_decode(huge, budget, views);
  EXPECT_TRUE(views.empty());
}

TEST(DeepDecodeTest, HostileInputEndsQuickly) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> byte(0, 255);
  DecodeBudget budget(1 << 20);
  std::vector<DecodedView> views;
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& unit :
       {"%25"s, "&amp;"s, "\\\\u"s, "\xc0\xbc"s, "QUJD"s, "4142"s, "%u"s, "&#"s, "\xef\xbc\x9c"s}) {
    std::string in;
    while (in.size() < (1u << 20)) in += unit;
    budget.reset();
    views.clear();
    deep_decode(in, budget, views);
    EXPECT_LE(budget.used(), 1u << 20);
  }
  for (int i = 0; i < 2000; ++i) {
    std::string in;
    for (int n = i % 64; n > 0; --n) in.push_back(static_cast<char>(byte(rng)));
    budget.reset();
    views.clear();
    deep_decode(in, budget, views);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(DeepDecodeTest, DescribeNamesEveryDecoder) {
  EXPECT_EQ(describe(bit(Decoder::base64)), "base64");
  EXPECT_EQ(describe(bit(Decoder::url) | bit(Decoder::html) | bit(Decoder::nfkc)), "url+html+nfkc");
  EXPECT_EQ(describe(0), "");
}

}  // namespace
}  // namespace centinela::decode
