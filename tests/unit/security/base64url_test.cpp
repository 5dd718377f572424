#include "security/base64url.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace centinela::security {
namespace {

std::optional<std::string> decode(std::string_view text) {
  std::array<unsigned char, 64> buffer;
  auto size = decode_base64url(text, buffer);
  if (!size) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(buffer.data()), *size);
}

TEST(Base64UrlTest, RoundTrips) {
  for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"}) {
    const std::string encoded = encode_base64url(text);
    EXPECT_EQ(encoded.find('='), std::string::npos);
    EXPECT_EQ(decode(encoded), text) << encoded;
  }
  EXPECT_EQ(encode_base64url("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode_base64url("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, RefusesWhatIsNotCanonicalBase64Url) {
  EXPECT_FALSE(decode("Zm9vYg=="));  // padding
  EXPECT_FALSE(decode("+/8"));       // standard alphabet
  EXPECT_FALSE(decode("Zm9vY"));     // a lone 6-bit tail
  EXPECT_FALSE(decode("Zh"));        // "f" is "Zg": non-zero leftover bits
  EXPECT_FALSE(decode("Zm 9v"));
  EXPECT_FALSE(decode(std::string_view("Zm\0v", 4)));
  EXPECT_EQ(decode("Zg"), "f");
}

TEST(Base64UrlTest, RefusesOutputThatDoesNotFit) {
  std::array<unsigned char, 2> small;
  EXPECT_FALSE(decode_base64url("Zm9v", small));
  EXPECT_EQ(decode_base64url("Zm8", small), 2u);
}

}  // namespace
}  // namespace centinela::security
