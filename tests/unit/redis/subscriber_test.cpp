#include "redis/subscriber.h"

#include <gtest/gtest.h>

#include <vector>

#include "redis/client.h"
#include "redis_server.h"
#include "redis_test_support.h"

namespace centinela::redis {
namespace {

using namespace test;

constexpr const char* kChannel = "test:channel";

class SubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.running()) << server_.error(); }

  std::unique_ptr<Subscriber> subscriber(config::RedisConfig cfg) {
    return std::make_unique<Subscriber>(
        io_, cfg, kChannel, [this](std::string_view message) { messages_.emplace_back(message); },
        [this] { ++connected_; });
  }
  std::unique_ptr<Subscriber> subscriber() { return subscriber(redis_config(server_.port())); }

  // PUBLISHes through a separate client; returns the receiver count.
  std::int64_t publish(std::string channel, std::string message) {
    if (!publisher_) {
      publisher_ = std::make_unique<Client>(io_, redis_config(server_.port()));
    }
    EXPECT_TRUE(run_until(
        io_, [&] { return publisher_->connected(); }, 5s));
    auto reply = run(io_, publisher_->command({"PUBLISH", std::move(channel), std::move(message)}));
    if (!reply || !*reply || (*reply)->type != Reply::Type::integer) return -1;
    return (*reply)->integer;
  }

  itest::RedisServer server_;
  asio::io_context io_;
  std::unique_ptr<Client> publisher_;
  std::vector<std::string> messages_;
  int connected_ = 0;
};

TEST_F(SubscriberTest, ReceivesMessagesOnItsChannelOnly) {
  auto sub = subscriber();
  EXPECT_FALSE(sub->subscribed());  // the constructor does no I/O
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 5s));
  EXPECT_EQ(connected_, 1);

  std::string binary("bin\0ary\r\n", 9);
  EXPECT_EQ(publish(kChannel, "first"), 1);
  EXPECT_EQ(publish("other:channel", "not for us"), 0);
  EXPECT_EQ(publish(kChannel, binary), 1);
  ASSERT_TRUE(run_until(
      io_, [&] { return messages_.size() >= 2; }, 5s));
  run_for(io_, 100ms);
  EXPECT_EQ(messages_, (std::vector<std::string>{"first", binary}));
}

TEST_F(SubscriberTest, ResubscribesAfterRedisRestarts) {
  auto sub = subscriber();
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 5s));

  server_.stop();
  ASSERT_TRUE(run_until(
      io_, [&] { return !sub->subscribed(); }, 5s));
  run_for(io_, 500ms);  // a few failed attempts: backoff grows
  ASSERT_TRUE(server_.start()) << server_.error();
  // Backoff is capped at 2 s.
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 4s));
  EXPECT_EQ(connected_, 2);

  EXPECT_EQ(publish(kChannel, "after restart"), 1);
  ASSERT_TRUE(run_until(
      io_, [&] { return !messages_.empty(); }, 5s));
  EXPECT_EQ(messages_.back(), "after restart");
}

TEST_F(SubscriberTest, GivesUpOnASilentServerAndComesBack) {
  auto sub = subscriber();
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 5s));
  server_.pause();  // accepts nothing, answers nothing, closes nothing
  EXPECT_TRUE(run_until(
      io_, [&] { return !sub->subscribed(); }, 6s));
  server_.resume();
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 6s));
  EXPECT_GE(connected_, 2);
  EXPECT_EQ(publish(kChannel, "still here"), 1);
  ASSERT_TRUE(run_until(
      io_, [&] { return !messages_.empty(); }, 5s));
}

TEST_F(SubscriberTest, AnOversizedMessageCostsAReconnectNotUnboundedMemory) {
  auto sub = subscriber();
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 5s));
  EXPECT_EQ(publish(kChannel, std::string(kMaxReplyStringBytes + 1, 'x')), 1);
  ASSERT_TRUE(run_until(
      io_, [&] { return connected_ >= 2 && sub->subscribed(); }, 5s));
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(publish(kChannel, "small"), 1);
  ASSERT_TRUE(run_until(
      io_, [&] { return !messages_.empty(); }, 5s));
  EXPECT_EQ(messages_, std::vector<std::string>{"small"});
}

TEST_F(SubscriberTest, CloseStopsEverything) {
  auto sub = subscriber();
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 5s));
  sub->close();
  sub->close();  // idempotent
  EXPECT_FALSE(sub->subscribed());
  EXPECT_EQ(publish(kChannel, "too late"), 0);
  run_for(io_, 300ms);
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(connected_, 1);
}

TEST_F(SubscriberTest, AHandlerMayCloseItsSubscriber) {
  std::unique_ptr<Subscriber> sub;
  int calls = 0;
  sub = std::make_unique<Subscriber>(io_, redis_config(server_.port()), kChannel,
                                     [&](std::string_view) {
                                       ++calls;
                                       sub->close();
                                     });
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 5s));
  publish(kChannel, "one");
  publish(kChannel, "two");
  run_for(io_, 300ms);
  EXPECT_EQ(calls, 1);
}

TEST_F(SubscriberTest, NeverSubscribesWithoutTheRightPassword) {
  itest::RedisServer secured("s3cret");
  ASSERT_TRUE(secured.running()) << secured.error();
  config::RedisConfig cfg = redis_config(secured.port());
  cfg.password = "wrong";
  auto refused = subscriber(cfg);
  cfg.password = "s3cret";
  cfg.db = 3;
  auto accepted = subscriber(cfg);
  ASSERT_TRUE(run_until(
      io_, [&] { return accepted->subscribed(); }, 5s));
  run_for(io_, 300ms);
  EXPECT_FALSE(refused->subscribed());
  EXPECT_EQ(connected_, 1);
}

TEST_F(SubscriberTest, NothingListeningMeansRetryingQuietly) {
  server_.stop();
  auto sub = subscriber();
  run_for(io_, 500ms);
  EXPECT_FALSE(sub->subscribed());
  EXPECT_EQ(connected_, 0);
  ASSERT_TRUE(server_.start());
  ASSERT_TRUE(run_until(
      io_, [&] { return sub->subscribed(); }, 4s));
  EXPECT_EQ(connected_, 1);
}

}  // namespace
}  // namespace centinela::redis
