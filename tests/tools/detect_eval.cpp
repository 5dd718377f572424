// The detection corpus tool (scripts/detect/corpus.py drives it):
//
//   detect_eval fingerprints     stdin: escaped payloads, one a line;
//                                stdout: the SQL fingerprint in each context
//                                (as-is, '…', "…"; '-' when not tried)
//   detect_eval rates FILE...    detection per kind, source and split
//   detect_eval misses KIND SPLIT FILE...   attacks missed, benign flagged
#include <cstdio>
#include <iostream>
#include <string>

#include "detect/detect.h"
#include "detect/sql_fingerprint.h"
#include "unit/detect/corpus.h"

namespace {

using namespace centinela::detect;

void print_fingerprints() {
  std::string line;
  while (std::getline(std::cin, line)) {
    const std::string value = corpus::unescape(line);
    std::string out;
    for (const SqlContext context :
         {SqlContext::as_is, SqlContext::single_quote, SqlContext::double_quote}) {
      const char quote = context == SqlContext::single_quote   ? '\''
                         : context == SqlContext::double_quote ? '"'
                                                               : 0;
      if (!out.empty()) out += '\t';
      if (quote != 0 && value.find(quote) == std::string::npos) {
        out += '-';
        continue;
      }
      const SqlFingerprint fingerprint = sql_fingerprint(value, context);
      out += fingerprint.size == 0 ? std::string(".") : std::string(fingerprint.view());
    }
    std::cout << out << '\n';
  }
}

std::vector<corpus::Sample> load_all(int argc, char** argv, int first) {
  std::vector<corpus::Sample> samples;
  for (int i = first; i < argc; ++i) {
    auto more = corpus::load(argv[i]);
    samples.insert(samples.end(), more.begin(), more.end());
  }
  return samples;
}

void print_rates(const std::vector<corpus::Sample>& samples) {
  std::map<std::tuple<std::string, std::string>, corpus::Rate> totals;
  for (const auto& [key, rate] : corpus::rates(samples)) {
    const auto& [kind, source, split] = key;
    std::printf("%-7s %-58s %-5s %6zu %6zu %6.1f%%\n", kind.c_str(), source.c_str(), split.c_str(),
                rate.total, rate.hits, rate.percent());
    auto& total = totals[{kind, split}];
    total.total += rate.total;
    total.hits += rate.hits;
  }
  for (const auto& [key, rate] : totals) {
    std::printf("%-7s %-58s %-5s %6zu %6zu %6.1f%%\n", std::get<0>(key).c_str(), "ALL",
                std::get<1>(key).c_str(), rate.total, rate.hits, rate.percent());
  }
}

void print_misses(const std::string& kind, const std::string& split,
                  const std::vector<corpus::Sample>& samples) {
  for (const auto& s : samples) {
    if (s.kind != kind || (split != "all" && s.split != split)) continue;
    if (kind == "benign") {
      if (auto found = corpus::run_all(s.payload)) {
        std::cout << found->fingerprint << '\t' << s.source << '\t' << s.payload << '\n';
      }
    } else if (!corpus::run(kind, s.payload)) {
      std::cout << s.source << '\t' << s.payload << '\n';
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "fingerprints") {
    print_fingerprints();
  } else if (mode == "rates") {
    print_rates(load_all(argc, argv, 2));
  } else if (mode == "misses" && argc > 3) {
    print_misses(argv[2], argv[3], load_all(argc, argv, 4));
  } else {
    std::cerr << "usage: detect_eval fingerprints | rates FILE... | misses KIND SPLIT FILE...\n";
    return 2;
  }
  return 0;
}
