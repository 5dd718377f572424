// A Redis reply (RESP2) as plain values. Whatever Redis sends is a Reply;
// callers check the type they expect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace centinela::redis {

struct Reply {
  enum class Type { nil, integer, string, array, status, error };

  Type type = Type::nil;
  std::int64_t integer = 0;     // Type::integer
  std::string str;              // Type::string, status and error (the message)
  std::vector<Reply> elements;  // Type::array

  bool is_error() const { return type == Type::error; }
  bool is_nil() const { return type == Type::nil; }
};

// What the client accepts in one reply; more is treated as a broken
// connection (the command answers nullopt), so a hostile or confused server
// cannot make a worker allocate without bound.
inline constexpr std::size_t kMaxReplyStringBytes = 1 << 20;  // one bulk string
inline constexpr std::size_t kMaxReplyElements = 1 << 16;     // one array
inline constexpr std::size_t kMaxReplyTotalBytes = 8 << 20;   // a whole reply, all nodes

}  // namespace centinela::redis
