// Detection and false positives on the committed corpus (tests/data/detect,
// scripts/detect/corpus.py): the test split of public payload lists, which
// the SQL fingerprint set was not learned from, and benign values.
#include "corpus.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace centinela::detect {
namespace {

std::vector<corpus::Sample> load(const char* kind) {
  return corpus::load(std::string(CENTINELA_DETECT_DATA) + "/" + kind + ".tsv");
}

// Every source's rate, printed; the rate over all of them returned.
corpus::Rate report(const std::vector<corpus::Sample>& samples, const char* split) {
  corpus::Rate all;
  for (const auto& [key, rate] : corpus::rates(samples)) {
    const auto& [kind, source, sample_split] = key;
    if (sample_split != split) continue;
    std::printf("%-7s %-58s %-5s %5zu/%-5zu %5.1f%%\n", kind.c_str(), source.c_str(), split,
                rate.hits, rate.total, rate.percent());
    all.total += rate.total;
    all.hits += rate.hits;
  }
  std::printf("all: %zu/%zu %.1f%%\n", all.hits, all.total, all.percent());
  return all;
}

TEST(DetectCorpusTest, SqlInjectionTestSplit) {
  const auto samples = load("sqli");
  ASSERT_GT(samples.size(), 1000u);
  EXPECT_GE(report(samples, "test").percent(), 90.0);
}

TEST(DetectCorpusTest, XssTestSplit) {
  const auto samples = load("xss");
  ASSERT_GT(samples.size(), 1000u);
  EXPECT_GE(report(samples, "test").percent(), 90.0);
}

TEST(DetectCorpusTest, ShellAndPathTestSplit) {
  // Floors at what the detectors reach, to catch a regression: many lines
  // of these lists are no command at all (a lone "|", "%0a", PHP code), and
  // most of dotdotpwn, which is two thirds of the path lists, is encodings
  // no server decodes (..0x2f, %c0%qf, broken UTF-8 around the dots).
  EXPECT_GE(report(load("shell"), "test").percent(), 70.0);
  EXPECT_GE(report(load("path"), "test").percent(), 25.0);
}

TEST(DetectCorpusTest, BenignValuesPass) {
  const auto samples = load("benign");
  ASSERT_GT(samples.size(), 500u);
  for (const char* split : {"train", "test"}) {
    for (const auto& [key, rate] : corpus::rates(samples)) {
      if (std::get<2>(key) != split) continue;
      std::printf("benign %-40s %-5s %zu/%zu flagged\n", std::get<1>(key).c_str(), split, rate.hits,
                  rate.total);
      EXPECT_LE(rate.percent(), 1.0) << std::get<1>(key) << " " << split;
    }
  }
}

}  // namespace
}  // namespace centinela::detect
