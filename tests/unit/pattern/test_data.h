// Test data of tests/data for the pattern tests: the CRS 3.3.4 @rx list
// and the corpus of benign and attack strings (both described there).
#pragma once

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace centinela::pattern::testing {

inline std::string data_path(const std::string& relative) {
  return std::string(CENTINELA_TEST_DATA) + "/" + relative;
}

struct RxPattern {
  std::string id;
  int link = 0;
  int phase = 0;
  std::string pattern;
};

inline std::vector<RxPattern> crs_rx_patterns() {
  std::ifstream in(data_path("crs-3.3.4/rx_patterns.tsv"), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read rx_patterns.tsv");
  std::vector<RxPattern> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto a = line.find('\t'), b = line.find('\t', a + 1), c = line.find('\t', b + 1);
    out.push_back(RxPattern{line.substr(0, a), std::stoi(line.substr(a + 1, b - a - 1)),
                            std::stoi(line.substr(b + 1, c - b - 1)), line.substr(c + 1)});
  }
  return out;
}

// corpus.txt's escapes: \\ \n \r \t \xHH.
inline std::string unescape(const std::string& line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      out += line[i];
      continue;
    }
    const char c = line[++i];
    if (c == 'x' && i + 2 < line.size()) {
      out += static_cast<char>(std::stoi(line.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += c == 'n' ? '\n' : c == 'r' ? '\r' : c == 't' ? '\t' : c;
    }
  }
  return out;
}

inline std::vector<std::string> corpus() {
  std::ifstream in(data_path("pattern/corpus.txt"), std::ios::binary);
  if (!in) throw std::runtime_error("cannot read corpus.txt");
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    out.push_back(unescape(line));
  }
  return out;
}

}  // namespace centinela::pattern::testing
