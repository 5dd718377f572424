#include "stage/local_response.h"

#include <fmt/format.h>

#include "observe/json_escape.h"

namespace centinela::stage {

namespace http = boost::beast::http;

std::string_view error_code_for(unsigned status) {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 408:
      return "REQUEST_TIMEOUT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 429:
      return "RATE_LIMITED";
    case 431:
      return "HEADERS_TOO_LARGE";
    case 501:
      return "NOT_IMPLEMENTED";
    case 502:
      return "BAD_GATEWAY";
    case 503:
      return "SERVICE_UNAVAILABLE";
    case 504:
      return "GATEWAY_TIMEOUT";
    case 505:
      return "HTTP_VERSION_NOT_SUPPORTED";
    default:
      return status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
  }
}

LocalResponse make_error_response(unsigned status, std::string_view message,
                                  std::string_view request_id, std::string_view incident_id) {
  LocalResponse response;
  response.status = status;
  response.headers.set(http::field::content_type, "application/json");
  response.headers.set(http::field::cache_control, "no-store");
  std::string& body = response.body;
  body.reserve(128 + message.size());
  fmt::format_to(std::back_inserter(body), R"({{"error":{{"status":{},"code":"{}","message":")",
                 status, error_code_for(status));
  observe::append_json_escaped(body, message);
  body += R"(","request_id":")";
  observe::append_json_escaped(body, request_id);
  if (!incident_id.empty()) {
    body += R"(","incident_id":")";
    observe::append_json_escaped(body, incident_id);
  }
  body += "\"}}";
  return response;
}

}  // namespace centinela::stage
