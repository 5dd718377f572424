// Bytes from a Redis server (or something posing as one) through the reply
// reader, fed in the chunk sizes a socket might deliver: it never crashes,
// never hands out a reply over the limits of redis/reply.h, and once it says
// the stream is broken it stays broken.
#include <string_view>

#include "fuzz_target.h"
#include "redis/reply_reader.h"

namespace {

using centinela::redis::Reply;

// What the reader charges a reply against kMaxReplyTotalBytes: every node,
// and each string's bytes.
std::size_t checked_cost(const Reply& reply, int depth) {
  fuzz_check(depth <= 16, "a reply nested deeper than hiredis allows");
  fuzz_check(reply.str.size() <= centinela::redis::kMaxReplyStringBytes,
             "a string over kMaxReplyStringBytes");
  fuzz_check(reply.elements.size() <= centinela::redis::kMaxReplyElements,
             "an array over kMaxReplyElements");
  fuzz_check(reply.type == Reply::Type::array || reply.elements.empty(),
             "elements on a reply that is not an array");
  std::size_t cost = sizeof(Reply) + reply.str.size() + sizeof(Reply) * reply.elements.size();
  for (const Reply& element : reply.elements)
    cost += checked_cost(element, depth + 1) - sizeof(Reply);
  return cost;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using centinela::redis::ReplyReader;
  if (size == 0) return 0;
  // The first byte picks the chunk size: 1..256 bytes per read.
  const std::size_t chunk = std::size_t{data[0]} + 1;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  ReplyReader reader;
  bool broken = false;
  while (!stream.empty() && !broken) {
    const std::string_view piece = stream.substr(0, chunk);
    stream.remove_prefix(piece.size());
    broken = reader.feed(piece) == ReplyReader::Status::broken;
    Reply reply;
    while (!broken) {
      const ReplyReader::Status status = reader.next(reply);
      if (status == ReplyReader::Status::broken) broken = true;
      if (status != ReplyReader::Status::reply) break;
      fuzz_check(checked_cost(reply, 0) <= centinela::redis::kMaxReplyTotalBytes,
                 "a reply over kMaxReplyTotalBytes");
    }
  }
  if (broken) {
    fuzz_check(!reader.error().empty(), "broken without a reason");
    Reply reply;
    fuzz_check(reader.feed("+OK\r\n") == ReplyReader::Status::broken, "feed after broken");
    fuzz_check(reader.next(reply) == ReplyReader::Status::broken, "a reply after broken");
  }
  return 0;
}
