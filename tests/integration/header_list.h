// HTTP header fields as an ordered list of (name, value), the way they were
// seen on the wire: repeated fields stay separate so tests can count them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace itest {

using Header = std::pair<std::string, std::string>;
using HeaderList = std::vector<Header>;

bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);
std::string to_lower(std::string_view text);
std::string_view trim(std::string_view text);

// First value of `name` (case-insensitive), if present.
std::optional<std::string> find_header(const HeaderList& headers, std::string_view name);
// Every value of `name`, in order.
std::vector<std::string> find_headers(const HeaderList& headers, std::string_view name);
// Whether a comma-separated field (Connection, Vary...) lists `token`.
bool header_has_token(const HeaderList& headers, std::string_view name, std::string_view token);

}  // namespace itest
