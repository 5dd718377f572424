#include "config/suggestion.h"

#include <algorithm>

#include "config/ascii.h"

namespace centinela::config {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance over three rolling rows.
  std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    before.swap(previous);
    previous.swap(current);
  }
  return previous[b.size()];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates) {
  const std::string folded = ascii_lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 3;
  for (std::string_view candidate : candidates) {
    std::size_t distance = edit_distance(folded, ascii_lower(candidate));
    // Two edits on a two-letter word can turn it into anything.
    if (distance >= candidate.size()) continue;
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  if (best || folded.size() < 3) return best;
  // "max_con" for "max_connections", or "warning" for "warn".
  for (std::string_view candidate : candidates) {
    std::string folded_candidate = ascii_lower(candidate);
    if (folded_candidate.starts_with(folded) ||
        (folded_candidate.size() >= 3 && folded.starts_with(folded_candidate))) {
      return std::string(candidate);
    }
  }
  return std::nullopt;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  auto match = closest_match(word, candidates);
  return match ? " (did you mean '" + *match + "'?)" : std::string();
}

}  // namespace centinela::config
