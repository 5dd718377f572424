#include "rss_sampler.h"

namespace itest {

RssSampler::RssSampler(std::function<std::uint64_t()> read_rss, std::chrono::milliseconds interval)
    : read_rss_(std::move(read_rss)) {
  thread_ = std::thread([this, interval] {
    while (!stopping_) {
      std::uint64_t rss = read_rss_();
      if (rss > peak_) peak_ = rss;
      ++samples_;
      std::this_thread::sleep_for(interval);
    }
  });
}

void RssSampler::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace itest
