#include "proxy/field_lists.h"

#include <boost/beast/core/string.hpp>
#include <string>

namespace centinela::proxy {

namespace http = boost::beast::http;

bool list_contains(std::string_view field, std::string_view token) {
  while (!field.empty()) {
    const std::size_t comma = field.find(',');
    std::string_view item = field.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || boost::beast::iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    field.remove_prefix(comma + 1);
  }
  return false;
}

void add_vary(http::fields& headers, std::string_view token) {
  const auto [begin, end] = headers.equal_range(http::field::vary);
  std::size_t count = 0;
  for (auto field = begin; field != end; ++field, ++count) {
    if (list_contains(field->value(), token)) return;
  }
  if (count == 0) {
    headers.set(http::field::vary, token);
  } else if (count == 1) {
    std::string merged(begin->value());
    merged += ", ";
    merged += token;
    headers.set(http::field::vary, merged);
  } else {
    headers.insert(http::field::vary, token);
  }
}

}  // namespace centinela::proxy
