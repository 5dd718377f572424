// The compile cache: a second build of the same entries reads the file; a
// damaged file is ignored and replaced; other entries get their own file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "pattern/analysis.h"
#include "pattern/literal_set.h"
#include "pattern/matcher.h"

namespace centinela::pattern {
namespace {

namespace fs = std::filesystem;

class PatternCache : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("centinela-pattern-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    if (fs::exists(dir_)) {
      for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path());
    }
    return out;
  }

  // Builds through the cache and checks the database works.
  CacheResult build(const std::vector<Entry>& entries) {
    std::string error;
    CacheResult result{};
    const auto db =
        ScanDatabase::build_cached(entries, dir_, error, ScanDatabase::Kind::regex, &result);
    EXPECT_TRUE(db) << error;
    if (!db) return result;
    Scratch scratch;
    EXPECT_TRUE(scratch.reserve(*db, error));
    unsigned seen = 0;
    db->scan("x union select y", scratch, [&](unsigned id, std::size_t) { seen = id; });
    EXPECT_EQ(seen, 3u);
    return result;
  }

  fs::path dir_;
  std::vector<Entry> entries_{{3, "union\\s+select"}, {4, "<script"}};
};

TEST_F(PatternCache, SecondBuildReadsTheStoredDatabase) {
  EXPECT_EQ(build(entries_), CacheResult::built_stored);  // the directory is created
  ASSERT_EQ(files().size(), 1u);
  EXPECT_EQ(files()[0].extension(), ".hsdb");
  EXPECT_EQ(build(entries_), CacheResult::hit);
}

TEST_F(PatternCache, KeyCoversIdsFlagsAndExpressions) {
  build(entries_);
  auto other = entries_;
  other[1].flags = kCaseless;
  EXPECT_EQ(build(other), CacheResult::built_stored);
  other[1].id = 5;
  EXPECT_EQ(build(other), CacheResult::built_stored);
  EXPECT_EQ(files().size(), 3u);
}

TEST_F(PatternCache, CorruptOrTruncatedFilesAreRebuilt) {
  build(entries_);
  const fs::path file = files().at(0);
  const auto size = fs::file_size(file);
  // Truncated: half the file.
  fs::resize_file(file, size / 2);
  EXPECT_EQ(build(entries_), CacheResult::built_stored);
  EXPECT_EQ(fs::file_size(file), size);
  // One flipped byte in the payload.
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(size - 10));
    const char byte = static_cast<char>(f.get() ^ 0x5a);
    f.seekp(static_cast<std::streamoff>(size - 10));
    f.put(byte);
  }
  EXPECT_EQ(build(entries_), CacheResult::built_stored);
  EXPECT_EQ(build(entries_), CacheResult::hit);
  // Empty and foreign files.
  { std::ofstream{file}; }
  EXPECT_EQ(build(entries_), CacheResult::built_stored);
  { std::ofstream{file} << "not a database at all, but long enough to read ....."; }
  EXPECT_EQ(build(entries_), CacheResult::built_stored);
  EXPECT_EQ(build(entries_), CacheResult::hit);
}

TEST_F(PatternCache, UnwritableDirectoryStillBuilds) {
  { std::ofstream{dir_} << "a file where the directory should be"; }
  EXPECT_EQ(build(entries_), CacheResult::built_unstored);
  fs::remove(dir_);
}

TEST_F(PatternCache, LiteralSetsGoThroughTheCacheToo) {
  const std::vector<std::string> words{"passwd", "shadow"};
  std::string error;
  for (int i = 0; i < 2; ++i) {
    const auto set = LiteralSet::build(words, error, &dir_);
    ASSERT_TRUE(set) << error;
    Scratch scratch;
    ASSERT_TRUE(scratch.reserve(set->database(), error));
    EXPECT_TRUE(set->matches("/etc/SHADOW", scratch));
  }
  EXPECT_EQ(files().size(), 1u);
}

TEST_F(PatternCache, AnalysesAreStoredAndReadBack) {
  for (const char* pattern : {"(?i)union\\s+select", "(a)\\1", "^(?:a(?:,|$)){1,7}$"}) {
    const Analysis direct = analyse(pattern);
    bool hit = true;
    const Analysis first = analyse_cached(pattern, dir_, &hit);
    EXPECT_FALSE(hit);
    const Analysis second = analyse_cached(pattern, dir_, &hit);
    EXPECT_TRUE(hit);
    for (const Analysis* a : {&first, &second}) {
      EXPECT_EQ(a->form, direct.form);
      EXPECT_EQ(a->pieces, direct.pieces);
      EXPECT_EQ(a->hs_error, direct.hs_error);
      EXPECT_EQ(a->required, direct.required);
      EXPECT_EQ(a->captures, direct.captures);
    }
  }
  // Damaged files are decided again.
  for (const auto& file : files()) fs::resize_file(file, fs::file_size(file) - 1);
  bool hit = true;
  EXPECT_EQ(analyse_cached("(a)\\1", dir_, &hit).form, Form::prefilter);
  EXPECT_FALSE(hit);
  // An invalid pattern is refused, not cached.
  EXPECT_FALSE(analyse_cached("(a", dir_, &hit).error.empty());
}

}  // namespace
}  // namespace centinela::pattern
