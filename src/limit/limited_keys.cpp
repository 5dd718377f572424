#include "limit/limited_keys.h"

#include <algorithm>

namespace centinela::limit {

LimitedKeys& LimitedKeys::global() {
  static LimitedKeys* keys = new LimitedKeys();
  return *keys;
}

void LimitedKeys::record(std::string_view route, std::string_view policy, std::string_view key) {
  std::unique_lock lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  Entry* least = nullptr;
  for (Entry& entry : entries_) {
    if (entry.key == key && entry.policy == policy && entry.route == route) {
      ++entry.count;
      return;
    }
    if (!least || entry.count < least->count) least = &entry;
  }
  if (entries_.size() < kCapacity) {
    entries_.push_back(Entry{std::string(route), std::string(policy), std::string(key), 1, 0});
    return;
  }
  least->route.assign(route);
  least->policy.assign(policy);
  least->key.assign(key);
  least->error = least->count;
  least->count += 1;
}

std::vector<LimitedKeys::Entry> LimitedKeys::top(std::size_t n) const {
  std::vector<Entry> copy;
  {
    std::lock_guard lock(mutex_);
    copy = entries_;
  }
  std::sort(copy.begin(), copy.end(),
            [](const Entry& a, const Entry& b) { return a.count > b.count; });
  if (copy.size() > n) copy.resize(n);
  return copy;
}

void LimitedKeys::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace centinela::limit
