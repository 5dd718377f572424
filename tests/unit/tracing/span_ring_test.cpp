// The per-worker ring: bounded, oldest first, slots reused after release,
// and safe between one producer and one consumer thread.
#include "tracing/span_ring.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

namespace centinela::tracing {
namespace {

void push(SpanRing& ring, std::string_view id) {
  SpanRecord* slot = ring.claim();
  ASSERT_NE(slot, nullptr);
  slot->request_id.assign(id);
  ring.publish();
}

TEST(SpanRingTest, AFullRingRefusesUntilSpaceIsReleased) {
  SpanRing ring(3);
  push(ring, "a");
  push(ring, "b");
  push(ring, "c");
  EXPECT_EQ(ring.claim(), nullptr);
  EXPECT_EQ(ring.available(), 3u);
  EXPECT_EQ(ring.at(0).request_id.view(), "a");
  EXPECT_EQ(ring.at(2).request_id.view(), "c");
  ring.release(2);
  EXPECT_EQ(ring.available(), 1u);
  EXPECT_EQ(ring.at(0).request_id.view(), "c");
  push(ring, "d");
  push(ring, "e");
  EXPECT_EQ(ring.claim(), nullptr);
  EXPECT_EQ(ring.at(1).request_id.view(), "d");
  EXPECT_EQ(ring.at(2).request_id.view(), "e");
}

TEST(SpanRingTest, AClaimNotPublishedIsNotSeen) {
  SpanRing ring(2);
  ASSERT_NE(ring.claim(), nullptr);
  EXPECT_EQ(ring.available(), 0u);
}

TEST(SpanRingTest, OneProducerAndOneConsumerSeeEveryRecordInOrder) {
  SpanRing ring(8);
  constexpr int kRecords = 20000;
  std::thread producer([&] {
    for (int i = 0; i < kRecords;) {
      if (SpanRecord* slot = ring.claim()) {
        slot->status = static_cast<std::uint16_t>(i % 1000);
        slot->request_id.assign(std::to_string(i));
        ring.publish();
        ++i;
      } else {
        std::this_thread::yield();
      }
    }
  });
  int next = 0;
  while (next < kRecords) {
    const std::size_t available = ring.available();
    for (std::size_t k = 0; k < available; ++k, ++next) {
      ASSERT_EQ(ring.at(k).request_id.view(), std::to_string(next));
      ASSERT_EQ(ring.at(k).status, next % 1000);
    }
    ring.release(available);
    if (available == 0) std::this_thread::yield();
  }
  producer.join();
}

}  // namespace
}  // namespace centinela::tracing
