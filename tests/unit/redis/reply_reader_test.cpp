#include "redis/reply_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "redis/command_encoding.h"

namespace centinela::redis {
namespace {

// Feeds `bytes` and takes every complete reply.
std::vector<Reply> read_all(ReplyReader& reader, std::string_view bytes,
                            ReplyReader::Status* last = nullptr) {
  std::vector<Reply> replies;
  ReplyReader::Status status = reader.feed(bytes);
  Reply reply;
  while (status != ReplyReader::Status::broken &&
         (status = reader.next(reply)) == ReplyReader::Status::reply) {
    replies.push_back(std::move(reply));
  }
  if (last) *last = status;
  return replies;
}

TEST(ReplyReader, ReadsEveryRespType) {
  ReplyReader reader;
  auto replies = read_all(reader,
                          "+OK\r\n-ERR wrong\r\n:-42\r\n$5\r\nhe\r\no\r\n$-1\r\n*-1\r\n*0\r\n"
                          "*3\r\n:1\r\n*2\r\n$1\r\na\r\n$-1\r\n+inner\r\n");
  ASSERT_EQ(replies.size(), 8u);
  EXPECT_EQ(replies[0].type, Reply::Type::status);
  EXPECT_EQ(replies[0].str, "OK");
  EXPECT_EQ(replies[1].type, Reply::Type::error);
  EXPECT_EQ(replies[1].str, "ERR wrong");
  EXPECT_EQ(replies[2].type, Reply::Type::integer);
  EXPECT_EQ(replies[2].integer, -42);
  EXPECT_EQ(replies[3].type, Reply::Type::string);
  EXPECT_EQ(replies[3].str, "he\r\no");
  EXPECT_EQ(replies[4].type, Reply::Type::nil);
  EXPECT_EQ(replies[5].type, Reply::Type::nil);
  EXPECT_EQ(replies[6].type, Reply::Type::array);
  EXPECT_TRUE(replies[6].elements.empty());
  const Reply& nested = replies[7];
  ASSERT_EQ(nested.type, Reply::Type::array);
  ASSERT_EQ(nested.elements.size(), 3u);
  EXPECT_EQ(nested.elements[0].integer, 1);
  ASSERT_EQ(nested.elements[1].elements.size(), 2u);
  EXPECT_EQ(nested.elements[1].elements[0].str, "a");
  EXPECT_EQ(nested.elements[1].elements[1].type, Reply::Type::nil);
  EXPECT_EQ(nested.elements[2].type, Reply::Type::status);
  EXPECT_EQ(nested.elements[2].str, "inner");
}

TEST(ReplyReader, ReassemblesRepliesSplitAtEveryByte) {
  ReplyReader reader;
  std::string stream = "*2\r\n$3\r\nfoo\r\n:7\r\n+PONG\r\n";
  std::vector<Reply> replies;
  for (char c : stream) {
    auto more = read_all(reader, std::string_view(&c, 1));
    for (Reply& r : more) replies.push_back(std::move(r));
  }
  ASSERT_EQ(replies.size(), 2u);
  ASSERT_EQ(replies[0].elements.size(), 2u);
  EXPECT_EQ(replies[0].elements[0].str, "foo");
  EXPECT_EQ(replies[0].elements[1].integer, 7);
  EXPECT_EQ(replies[1].str, "PONG");
}

TEST(ReplyReader, GarbageBreaksTheStream) {
  ReplyReader reader;
  ReplyReader::Status status;
  auto replies = read_all(reader, "+OK\r\n!garbage\r\n", &status);
  ASSERT_EQ(replies.size(), 1u);  // what came before is still good
  EXPECT_EQ(status, ReplyReader::Status::broken);
  EXPECT_FALSE(reader.error().empty());
  Reply reply;
  EXPECT_EQ(reader.next(reply), ReplyReader::Status::broken);  // and it stays broken
}

TEST(ReplyReader, RefusesAStringOverTheLimitBeforeBufferingIt) {
  ReplyReader reader;
  ReplyReader::Status status;
  read_all(reader, "$" + std::to_string(kMaxReplyStringBytes + 1) + "\r\n", &status);
  EXPECT_EQ(status, ReplyReader::Status::need_more);
  std::string chunk(64 * 1024, 'x');
  for (std::size_t sent = 0; sent <= kMaxReplyStringBytes + 64 * 1024; sent += chunk.size()) {
    read_all(reader, chunk, &status);
    if (status == ReplyReader::Status::broken) break;
  }
  EXPECT_EQ(status, ReplyReader::Status::broken);
}

TEST(ReplyReader, AcceptsAStringAtTheLimit) {
  ReplyReader reader;
  std::string bytes = "$" + std::to_string(kMaxReplyStringBytes) + "\r\n" +
                      std::string(kMaxReplyStringBytes, 'y') + "\r\n";
  std::vector<Reply> replies;
  for (std::size_t at = 0; at < bytes.size(); at += 16 * 1024) {
    for (Reply& r : read_all(reader, std::string_view(bytes).substr(at, 16 * 1024)))
      replies.push_back(std::move(r));
  }
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].str.size(), kMaxReplyStringBytes);
}

TEST(ReplyReader, AStringAtTheLimitArrivingWithMoreRepliesInTheSameReadIsFine) {
  ReplyReader reader;
  std::string big = "$" + std::to_string(kMaxReplyStringBytes) + "\r\n" +
                    std::string(kMaxReplyStringBytes, 'y') + "\r\n";
  std::string tail = big.substr(big.size() - 10);
  big.resize(big.size() - 10);
  std::string small;
  for (int i = 0; i < 1000; ++i) small += "+OK\r\n";
  ReplyReader::Status status;
  EXPECT_TRUE(read_all(reader, big, &status).empty());
  EXPECT_EQ(status, ReplyReader::Status::need_more);
  auto replies = read_all(reader, tail + small, &status);
  EXPECT_EQ(status, ReplyReader::Status::need_more);
  ASSERT_EQ(replies.size(), 1001u);
  EXPECT_EQ(replies[0].str.size(), kMaxReplyStringBytes);
  EXPECT_EQ(replies[1000].str, "OK");
}

TEST(ReplyReader, RefusesAHugeElementCountWithoutAllocatingIt) {
  ReplyReader reader;
  ReplyReader::Status status;
  read_all(reader, "*100000000\r\n", &status);
  EXPECT_EQ(status, ReplyReader::Status::broken);
  EXPECT_EQ(reader.error(), "reply over the size limits");
}

TEST(ReplyReader, RefusesAReplyOverTheTotalBudgetMadeOfSmallParts) {
  // Each part is fine; together they are more than kMaxReplyTotalBytes.
  ReplyReader reader;
  const std::size_t elements = kMaxReplyElements;
  const std::size_t part = kMaxReplyTotalBytes / elements + 64;
  std::string item = "$" + std::to_string(part) + "\r\n" + std::string(part, 'z') + "\r\n";
  ReplyReader::Status status = ReplyReader::Status::need_more;
  read_all(reader, "*" + std::to_string(elements) + "\r\n", &status);
  std::size_t fed = 0;
  for (; fed < elements && status != ReplyReader::Status::broken; ++fed) {
    read_all(reader, item, &status);
  }
  EXPECT_EQ(status, ReplyReader::Status::broken);
  EXPECT_LT(fed, elements);
}

TEST(CommandEncoding, WritesArraysOfBulkStrings) {
  std::string out;
  append_command(out, {"SET", "k", std::string("a\0\r\nb", 5)});
  append_command(out, {"PING"});
  constexpr char kExpected[] =
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\0\r\nb\r\n*1\r\n$4\r\nPING\r\n";
  EXPECT_EQ(out, std::string(kExpected, sizeof kExpected - 1));
}

TEST(CommandEncoding, EncodedArgsAreTheBulkStringsOfACommand) {
  EncodedArgs args;
  args.add({"centinela:rl:", "a\r\nb"});  // pieces end to end, any bytes
  args.add(std::int64_t{-42});
  args.add("");
  EXPECT_EQ(args.count(), 3u);
  std::string whole;
  append_command(whole, {"centinela:rl:a\r\nb", "-42", ""});
  // The same bytes append_command writes after its array header.
  EXPECT_EQ(args.bytes(), std::string_view(whole).substr(std::string_view("*3\r\n").size()));
  args.clear();
  EXPECT_EQ(args.count(), 0u);
  EXPECT_TRUE(args.bytes().empty());
}

}  // namespace
}  // namespace centinela::redis
