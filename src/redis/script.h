// A Lua script for Client::eval, with its SHA-1 computed once so calls send
// EVALSHA (40 bytes) rather than the source.
#pragma once

#include <string>

namespace centinela::redis {

class Script {
 public:
  explicit Script(std::string lua);

  const std::string& source() const { return source_; }
  // Lower-case hex, as Redis prints it.
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace centinela::redis
