// Which keys are being refused most: a bounded "space-saving" top-k summary
// (Metwally et al.) of limited decisions. At most kCapacity keys are held; a
// new key replaces the least counted one and inherits its count as error, so
// any key refused more than total/kCapacity times is present. Recording
// uses try_lock: under contention a refusal may go uncounted rather than
// make a worker wait.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::limit {

class LimitedKeys {
 public:
  static constexpr std::size_t kCapacity = 128;

  static LimitedKeys& global();

  void record(std::string_view route, std::string_view policy, std::string_view key);

  struct Entry {
    std::string route, policy, key;
    std::uint64_t count = 0;
    std::uint64_t error = 0;  // count may over-estimate by up to this
  };
  // The top `n`, most counted first.
  std::vector<Entry> top(std::size_t n) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace centinela::limit
