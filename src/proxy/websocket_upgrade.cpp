#include "proxy/websocket_upgrade.h"

#include <boost/beast/core/string.hpp>

namespace centinela::proxy {
namespace {

// Whether a field, over all its lines, lists `token` as one whole item of
// its comma-separated list (case-insensitive; "websocket/13" is another
// protocol, not websocket).
bool lists_token(const http::fields& fields, http::field name, std::string_view token) {
  for (auto it = fields.find(name); it != fields.end() && it->name() == name; ++it) {
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (boost::beast::iequals(item, token)) return true;
    }
  }
  return false;
}

bool has_body(const RequestHead& request) {
  if (request.find(http::field::transfer_encoding) != request.end()) return true;
  auto length = request.find(http::field::content_length);
  return length != request.end() && length->value() != "0";
}

}  // namespace

bool is_websocket_handshake(const RequestHead& request) {
  return request.method() == http::verb::get && request.version() == 11 && !has_body(request) &&
         lists_token(request, http::field::connection, "upgrade") &&
         lists_token(request, http::field::upgrade, "websocket");
}

bool accepts_websocket(const centinela::http::ResponseHead& response) {
  if (response.status != 101) return false;
  for (const centinela::http::FieldLine& line : response.lines) {
    if (boost::beast::iequals(line.name, "upgrade") &&
        centinela::http::list_has_token(line.value, "websocket")) {
      return true;
    }
  }
  return false;
}

}  // namespace centinela::proxy
