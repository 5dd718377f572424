// Samples a process's resident memory in the background while a test streams
// through it, to catch a body being buffered instead of streamed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

namespace itest {

class RssSampler {
 public:
  // `read_rss` is called every `interval` until destruction or stop().
  explicit RssSampler(std::function<std::uint64_t()> read_rss,
                      std::chrono::milliseconds interval = std::chrono::milliseconds(10));
  ~RssSampler() { stop(); }

  void stop();
  std::uint64_t peak_bytes() const { return peak_; }
  std::uint64_t samples() const { return samples_; }

 private:
  std::function<std::uint64_t()> read_rss_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> peak_{0};
  std::atomic<std::uint64_t> samples_{0};
  std::thread thread_;
};

}  // namespace itest
