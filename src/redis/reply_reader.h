// Turns the bytes Redis sends into Replies, with the size limits of reply.h.
// The RESP parsing is hiredis's redisReader; the objects it builds are our
// Reply values directly (no redisReply tree to convert and free).
#pragma once

#include <string_view>

#include "redis/reply.h"

struct redisReader;

namespace centinela::redis {

class ReplyReader {
 public:
  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  enum class Status { reply, need_more, broken };

  // Appends bytes read from the socket; then call next() until it stops
  // answering `reply`. After `broken` the stream cannot be trusted any more:
  // the connection has to go.
  Status feed(std::string_view bytes);
  // The next complete reply, if one is buffered.
  Status next(Reply& out);

  // Why the stream broke (protocol error, a reply over the limits).
  std::string_view error() const;

 private:
  redisReader* reader_;
  std::size_t reply_bytes_ = 0;  // charged so far to the reply being read
};

}  // namespace centinela::redis
