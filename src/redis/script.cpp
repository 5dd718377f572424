#include "redis/script.h"

#include <openssl/sha.h>

#include <utility>

namespace centinela::redis {

Script::Script(std::string lua) : source_(std::move(lua)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  ::SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  constexpr char kHex[] = "0123456789abcdef";
  sha1_.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    sha1_ += kHex[byte >> 4];
    sha1_ += kHex[byte & 0xf];
  }
}

}  // namespace centinela::redis
