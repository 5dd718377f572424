#include "pattern/literal_set.h"

namespace centinela::pattern {

std::unique_ptr<LiteralSet> LiteralSet::build(std::span<const std::string> words,
                                              std::string& error,
                                              const std::filesystem::path* cache_dir, bool once) {
  std::vector<Entry> entries;
  entries.reserve(words.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].empty()) continue;
    entries.push_back(
        Entry{static_cast<unsigned>(i), words[i], once ? kCaseless | kSingleMatch : kCaseless});
  }
  auto db = cache_dir ? ScanDatabase::build_cached(entries, *cache_dir, error,
                                                   ScanDatabase::Kind::literal)
                      : ScanDatabase::build(entries, error, ScanDatabase::Kind::literal);
  if (!db) return nullptr;
  return std::unique_ptr<LiteralSet>(new LiteralSet(std::move(db)));
}

}  // namespace centinela::pattern
