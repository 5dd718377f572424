// Writes a command in RESP (an array of bulk strings), the one form Redis
// accepts for any bytes in any argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::redis {

void append_command(std::string& out, const std::vector<std::string>& args);

// Appends the header of a RESP array or bulk string: `marker` ('*' or '$'),
// `count`, CRLF.
void append_resp_header(std::string& out, char marker, std::size_t count);

// A run of arguments already encoded as RESP bulk strings, for commands built
// piece by piece without a std::string per argument (the rate limiter's
// batched script calls). Keeps its capacity across clear(), so a reused one
// stops allocating.
class EncodedArgs {
 public:
  // One argument made of `pieces` end to end.
  void add(std::initializer_list<std::string_view> pieces);
  void add(std::string_view arg) { add({arg}); }
  // One argument: `number` in decimal.
  void add(std::int64_t number);

  std::size_t count() const { return count_; }
  std::string_view bytes() const { return bytes_; }
  void clear() {
    bytes_.clear();
    count_ = 0;
  }

 private:
  std::string bytes_;
  std::size_t count_ = 0;
};

}  // namespace centinela::redis
