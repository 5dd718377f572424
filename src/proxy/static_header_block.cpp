#include "proxy/static_header_block.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>

namespace centinela::proxy {

static_assert(static_cast<std::size_t>(http::field::xref) < 512, "the field enum fits the bitset");

void StaticHeaderBlock::drop(std::string_view name) {
  const http::field known = http::string_to_field(name);
  if (known != http::field::unknown) {
    known_drops_.set(static_cast<std::size_t>(known));
    return;
  }
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (std::find(unknown_drops_.begin(), unknown_drops_.end(), lower) == unknown_drops_.end()) {
    unknown_drops_.push_back(std::move(lower));
  }
}

void StaticHeaderBlock::add(const stage::StaticResponseHeaders& headers) {
  lines_ += headers.lines;
  for (const auto& name : headers.drops) drop(name);
  // A field the block sets replaces the upstream's.
  std::string_view rest = headers.lines;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) drop(line.substr(0, colon));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 2);
  }
}

bool StaticHeaderBlock::drops(http::field known, std::string_view name) const {
  if (known != http::field::unknown) return known_drops_.test(static_cast<std::size_t>(known));
  for (const auto& drop : unknown_drops_) {
    if (boost::beast::iequals(drop, name)) return true;
  }
  return false;
}

}  // namespace centinela::proxy
