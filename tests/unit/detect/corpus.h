// The detection corpus (tests/data/detect/*.tsv, written by
// scripts/detect/corpus.py): one payload a line,
//   kind <TAB> source <TAB> split <TAB> payload
// kind: sqli, xss, shell, path or benign; split: train or test; the payload
// with '%', control bytes and invalid UTF-8 as %XX. Shared by the unit tests
// and tests/tools/detect_eval.
#pragma once

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "detect/detect.h"

namespace centinela::detect::corpus {

struct Sample {
  std::string kind, source, split, payload;
};

inline int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline std::string unescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() + 0 && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

inline std::vector<Sample> load(const std::string& path) {
  std::vector<Sample> samples;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::string_view rest = line;
    std::string fields[3];
    bool ok = true;
    for (auto& field : fields) {
      const std::size_t tab = rest.find('\t');
      if (tab == std::string_view::npos) {
        ok = false;
        break;
      }
      field = rest.substr(0, tab);
      rest.remove_prefix(tab + 1);
    }
    if (ok) samples.push_back({fields[0], fields[1], fields[2], unescape(rest)});
  }
  return samples;
}

inline std::optional<Detection> run(std::string_view kind, std::string_view payload) {
  if (kind == "sqli") return detect_sql(payload);
  if (kind == "xss") return detect_xss(payload);
  if (kind == "shell") return detect_shell(payload);
  if (kind == "path") return detect_path(payload);
  return std::nullopt;
}

// Any detector: what a benign value must pass.
inline std::optional<Detection> run_all(std::string_view payload) {
  for (std::string_view kind : {"sqli", "xss", "shell", "path"}) {
    if (auto found = run(kind, payload)) return found;
  }
  return std::nullopt;
}

struct Rate {
  std::size_t total = 0, hits = 0;
  double percent() const {
    return total == 0 ? 0.0 : 100.0 * static_cast<double>(hits) / static_cast<double>(total);
  }
};

// Hits per (kind, source, split): attacks detected by their own detector,
// benign values flagged by any.
inline std::map<std::tuple<std::string, std::string, std::string>, Rate> rates(
    const std::vector<Sample>& samples) {
  std::map<std::tuple<std::string, std::string, std::string>, Rate> out;
  for (const Sample& s : samples) {
    Rate& rate = out[{s.kind, s.source, s.split}];
    ++rate.total;
    const bool hit =
        s.kind == "benign" ? run_all(s.payload).has_value() : run(s.kind, s.payload).has_value();
    if (hit) ++rate.hits;
  }
  return out;
}

}  // namespace centinela::detect::corpus
