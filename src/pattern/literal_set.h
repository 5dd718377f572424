// The word lists of @pm and @pmFromFile: does any word occur anywhere in the
// subject, ignoring ASCII case (ModSecurity's Aho-Corasick semantics), as a
// Hyperscan literal database.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pattern/matcher.h"

namespace centinela::pattern {

class LiteralSet {
 public:
  // Words are bytes (no escapes); empty words are left out, as @pm never
  // matches on them. With `cache_dir`, the database goes through the cache.
  // `once`: each word is reported at most once a scan (for a scan that
  // reads every match, however often a text repeats a word).
  static std::unique_ptr<LiteralSet> build(std::span<const std::string> words, std::string& error,
                                           const std::filesystem::path* cache_dir = nullptr,
                                           bool once = false);

  // Any word occurs in `subject`.
  bool matches(std::string_view subject, Scratch& scratch) const {
    bool found = false;
    db_->scan(subject, scratch, [&](unsigned, std::size_t) {
      found = true;
      return false;
    });
    return found;
  }

  // Every occurrence: on_match(index of the word in the list, end offset).
  template <class F>
  ScanStatus scan(std::string_view subject, Scratch& scratch, F&& on_match) const {
    return db_->scan(subject, scratch, std::forward<F>(on_match));
  }

  const ScanDatabase& database() const { return *db_; }
  std::size_t words() const { return db_->entries(); }

 private:
  explicit LiteralSet(std::unique_ptr<ScanDatabase> db) : db_(std::move(db)) {}
  std::unique_ptr<ScanDatabase> db_;
};

}  // namespace centinela::pattern
