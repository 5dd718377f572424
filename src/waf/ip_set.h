// @ipMatch's list: IPv4 and IPv6 addresses and CIDR ranges.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace centinela::waf {

class IpSet {
 public:
  // Entries separated by commas or spaces; false when one is not an address.
  bool add_list(std::string_view list);
  bool contains(std::string_view address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    std::array<std::uint8_t, 16> address{};  // IPv4 as ::ffff:a.b.c.d
    unsigned prefix = 128;
  };
  static std::optional<std::array<std::uint8_t, 16>> parse(std::string_view text, bool& v4);
  std::vector<Range> ranges_;
};

}  // namespace centinela::waf
