#include "redis/script.h"

#include <openssl/sha.h>

#include <utility>

#include "util/hex.h"

namespace centinela::redis {

Script::Script(std::string lua) : source_(std::move(lua)) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  ::SHA1(reinterpret_cast<const unsigned char*>(source_.data()), source_.size(), digest);
  sha1_.reserve(2 * SHA_DIGEST_LENGTH);
  util::append_hex(sha1_, digest);
}

}  // namespace centinela::redis
