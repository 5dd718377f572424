#include "waf/ip_set.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

namespace centinela::waf {

std::optional<std::array<std::uint8_t, 16>> IpSet::parse(std::string_view text, bool& v4) {
  std::array<std::uint8_t, 16> out{};
  const std::string s(text);
  v4 = text.find(':') == std::string_view::npos;
  if (v4) {
    in_addr a{};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
    out[10] = out[11] = 0xFF;
    std::memcpy(out.data() + 12, &a, 4);
  } else {
    in6_addr a{};
    if (inet_pton(AF_INET6, s.c_str(), &a) != 1) return std::nullopt;
    std::memcpy(out.data(), &a, 16);
  }
  return out;
}

bool IpSet::add_list(std::string_view list) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    const std::size_t end = list.find_first_of(", ", pos);
    const std::string_view item =
        list.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? list.size() : end + 1;
    if (item.empty()) continue;
    const std::size_t slash = item.find('/');
    bool v4 = false;
    const auto address = parse(item.substr(0, slash), v4);
    if (!address) return false;
    Range range{*address, 128};
    if (slash != std::string_view::npos) {
      unsigned bits = 0;
      const std::string_view b = item.substr(slash + 1);
      if (std::from_chars(b.data(), b.data() + b.size(), bits).ec != std::errc() ||
          bits > (v4 ? 32u : 128u)) {
        return false;
      }
      range.prefix = v4 ? bits + 96 : bits;
    }
    ranges_.push_back(range);
  }
  return true;
}

bool IpSet::contains(std::string_view address) const {
  bool v4 = false;
  const auto a = parse(address, v4);
  if (!a) return false;
  for (const Range& r : ranges_) {
    unsigned bits = r.prefix;
    bool same = true;
    for (std::size_t i = 0; i < 16 && bits > 0 && same; ++i) {
      const unsigned take = bits >= 8 ? 8 : bits;
      const std::uint8_t mask = static_cast<std::uint8_t>(0xFF00u >> take);
      same = ((*a)[i] & mask) == (r.address[i] & mask);
      bits -= take;
    }
    if (same) return true;
  }
  return false;
}

}  // namespace centinela::waf
