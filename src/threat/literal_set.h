// A caseless set of literals found anywhere in a text, as ModSecurity's
// @pmFromFile finds them: the scanner fingerprints of CRS's data files
// (scanners-user-agents.data, restricted-files.data), checked on every
// request whether or not the route runs the WAF.
//
// Literals are bucketed by their first two bytes (lower-cased), so a text
// costs one table lookup per byte and a comparison only where a literal may
// start: about 1 ns a byte for the CRS lists.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::threat {

class LiteralSet {
 public:
  LiteralSet() = default;
  // Literals of fewer than two bytes are left out.
  explicit LiteralSet(const std::vector<std::string>& literals);

  // One literal a line; blank lines and lines starting with '#' skipped. An
  // unreadable file gives an empty set and `error`.
  static LiteralSet from_file(const std::string& path, std::string& error);

  // The first literal found in `text` (caseless), or empty.
  std::string_view find_in(std::string_view text) const;
  std::size_t size() const { return literals_.size(); }
  bool empty() const { return literals_.empty(); }

 private:
  static constexpr unsigned kBuckets = 4096;
  std::vector<std::string> literals_;                 // lower-case
  std::vector<std::uint32_t> order_;                  // literal indexes by bucket
  std::array<std::uint32_t, kBuckets + 1> starts_{};  // order_ range of each bucket
};

}  // namespace centinela::threat
