#include "http/websocket_frames.h"

#include <gtest/gtest.h>

#include <string>

namespace centinela::http {
namespace {

// A frame's bytes: header (with a mask key when `masked`) and payload.
std::string frame(std::uint8_t first, std::uint64_t length, bool masked) {
  std::string out(1, static_cast<char>(first));
  const char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (length < 126) {
    out.push_back(static_cast<char>(mask_bit | static_cast<char>(length)));
  } else if (length <= 0xffff) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(length >> 8));
    out.push_back(static_cast<char>(length & 0xff));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(length >> shift));
  }
  if (masked) out += "MASK";
  out += std::string(length, 'x');
  return out;
}

TEST(WebSocketFrameTracker, FindsTheEndOfEachFrameAnyLengthAnySplit) {
  for (bool masked : {false, true}) {
    for (std::uint64_t length : {0ull, 5ull, 125ull, 126ull, 1000ull, 70000ull}) {
      const std::string bytes = frame(0x82, length, masked) + frame(0x81, 3, masked);
      const std::size_t first_end = bytes.size() - frame(0x81, 3, masked).size();
      for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
        WebSocketFrameTracker tracker;
        for (std::size_t at = 0; at < bytes.size(); at += step) {
          const std::string_view piece = std::string_view(bytes).substr(at, step);
          const std::size_t to_end = tracker.until_boundary(piece);
          if (at > 0 && at < first_end && first_end <= at + piece.size()) {
            EXPECT_EQ(to_end, first_end - at) << length << " masked " << masked << " step " << step;
          }
          tracker.feed(piece);
          EXPECT_EQ(tracker.at_boundary(),
                    at + piece.size() == first_end || at + piece.size() >= bytes.size())
              << length << " masked " << masked << " step " << step << " at " << at;
        }
        EXPECT_TRUE(tracker.at_boundary());
      }
    }
  }
}

TEST(WebSocketFrameTracker, NoBoundaryInsideAFrame) {
  WebSocketFrameTracker tracker;
  EXPECT_EQ(tracker.until_boundary("abc"), 0u);  // before any frame
  const std::string bytes = frame(0x82, 300, false);
  tracker.feed(std::string_view(bytes).substr(0, 10));
  EXPECT_FALSE(tracker.at_boundary());
  EXPECT_EQ(tracker.until_boundary(std::string_view(bytes).substr(10, 50)),
            WebSocketFrameTracker::kNoBoundary);
  EXPECT_EQ(tracker.until_boundary(std::string_view(bytes).substr(10)), bytes.size() - 10);
}

TEST(WebSocketFrameTracker, AnImpossibleLengthLosesTheBoundaries) {
  WebSocketFrameTracker tracker;
  tracker.feed(std::string("\x82\x7f\x80\0\0\0\0\0\0\0", 10));
  EXPECT_TRUE(tracker.failed());
  EXPECT_FALSE(tracker.at_boundary());
  EXPECT_EQ(tracker.until_boundary("more"), WebSocketFrameTracker::kNoBoundary);
}

TEST(GoingAwayFrame, ServerAndClientForms) {
  std::array<char, 8> out{};
  ASSERT_EQ(going_away_frame(false, 0, out), 4u);
  EXPECT_EQ(std::string(out.data(), 4), std::string("\x88\x02\x03\xe9", 4));
  ASSERT_EQ(going_away_frame(true, 0x01020304, out), 8u);
  EXPECT_EQ(std::string(out.data(), 8), std::string("\x88\x82\x01\x02\x03\x04\x02\xeb", 8));
}

}  // namespace
}  // namespace centinela::http
