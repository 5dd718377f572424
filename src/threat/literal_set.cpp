#include "threat/literal_set.h"

#include <algorithm>
#include <fstream>

namespace centinela::threat {
namespace {

unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

unsigned bucket_of(unsigned char first, unsigned char second) {
  return ((unsigned{first} << 4) ^ unsigned{second}) & 4095u;
}

std::string_view trimmed(std::string_view line) {
  const auto begin = line.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  const auto end = line.find_last_not_of(" \t\r");
  return line.substr(begin, end - begin + 1);
}

}  // namespace

LiteralSet::LiteralSet(const std::vector<std::string>& literals) {
  for (const std::string& literal : literals) {
    if (literal.size() < 2) continue;
    std::string folded(literal);
    for (char& c : folded) c = static_cast<char>(lower(static_cast<unsigned char>(c)));
    if (std::find(literals_.begin(), literals_.end(), folded) == literals_.end()) {
      literals_.push_back(std::move(folded));
    }
  }
  std::vector<unsigned> buckets(literals_.size());
  for (std::size_t i = 0; i < literals_.size(); ++i) {
    const auto& text = literals_[i];
    buckets[i] =
        bucket_of(static_cast<unsigned char>(text[0]), static_cast<unsigned char>(text[1]));
    ++starts_[buckets[i] + 1];
  }
  for (unsigned b = 0; b < kBuckets; ++b) starts_[b + 1] += starts_[b];
  order_.resize(literals_.size());
  std::array<std::uint32_t, kBuckets> fill{};
  for (std::size_t i = 0; i < literals_.size(); ++i) {
    order_[starts_[buckets[i]] + fill[buckets[i]]++] = static_cast<std::uint32_t>(i);
  }
}

LiteralSet LiteralSet::from_file(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return LiteralSet();
  }
  std::vector<std::string> literals;
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view text = trimmed(line);
    if (text.empty() || text.front() == '#') continue;
    literals.emplace_back(text);
  }
  return LiteralSet(literals);
}

std::string_view LiteralSet::find_in(std::string_view text) const {
  if (literals_.empty() || text.size() < 2) return {};
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    const unsigned b = bucket_of(lower(static_cast<unsigned char>(text[i])),
                                 lower(static_cast<unsigned char>(text[i + 1])));
    for (std::uint32_t k = starts_[b]; k < starts_[b + 1]; ++k) {
      const std::string& literal = literals_[order_[k]];
      if (literal.size() > text.size() - i) continue;
      bool same = true;
      for (std::size_t j = 0; j < literal.size() && same; ++j) {
        same = lower(static_cast<unsigned char>(text[i + j])) ==
               static_cast<unsigned char>(literal[j]);
      }
      if (same) return literal;
    }
  }
  return {};
}

}  // namespace centinela::threat
