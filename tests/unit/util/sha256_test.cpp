#include "util/sha256.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

#include "util/hex.h"

namespace centinela::util {
namespace {

std::string hex_of(std::string_view bytes) {
  std::string out;
  append_hex(out, sha256(bytes));
  return out;
}

// FIPS 180-2 examples.
TEST(Sha256Test, KnownDigests) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_of(std::string(1'000'000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, BinaryInputIsHashedWhole) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(hex_of(with_nul), hex_of("a"));
  EXPECT_EQ(sha256(with_nul), sha256(std::string("a\0b", 3)));
}

TEST(Sha256Test, AppendHexTakesAPrefixAndAppends) {
  std::string out = "key#";
  append_hex_sha256(out, "abc", 16);
  EXPECT_EQ(out, "key#ba7816bf8f01cfea");
  out.clear();
  append_hex_sha256(out, "abc");
  EXPECT_EQ(out, hex_of("abc"));
  out.clear();
  append_hex_sha256(out, "abc", 1000);  // capped at the digest's 64 digits
  EXPECT_EQ(out, hex_of("abc"));
  out.clear();
  append_hex_sha256(out, "abc", 0);
  EXPECT_EQ(out, "");
}

TEST(Sha256Test, TheFetchedDigestIsSha256ForEvpCalls) {
  const EVP_MD* md = fetched_sha256();
  ASSERT_NE(md, nullptr);
  EXPECT_EQ(md, fetched_sha256());  // fetched once
  EXPECT_EQ(EVP_MD_get_size(md), 32);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  ASSERT_EQ(EVP_Digest("abc", 3, digest, &size, md, nullptr), 1);
  std::string out;
  append_hex(out, std::span<const unsigned char>(digest, size));
  EXPECT_EQ(out, hex_of("abc"));
}

}  // namespace
}  // namespace centinela::util
