// "did you mean" hints for misspelt keys and names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::config {

// Edit distance counting insertions, deletions, substitutions and swaps of
// neighbouring characters as one step each.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`: within two edits, or one that `word` is a
// clear prefix of. Empty when nothing is close enough to be a useful hint.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace centinela::config
