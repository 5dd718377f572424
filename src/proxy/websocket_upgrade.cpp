#include "proxy/websocket_upgrade.h"

#include <boost/beast/http/rfc7230.hpp>

namespace centinela::proxy {
namespace {

// Whether a field, over all its lines, lists `token` (comma-separated,
// case-insensitive; "websocket/13" style versions are not websocket).
bool lists_token(const http::fields& fields, http::field name, std::string_view token) {
  for (auto it = fields.find(name); it != fields.end() && it->name() == name; ++it) {
    for (const auto item : http::token_list{it->value()}) {
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

bool accepts_websocket(const ResponseHead& response) {
  return response.result_int() == 101 && lists_token(response, http::field::upgrade, "websocket");
}

}  // namespace centinela::proxy
