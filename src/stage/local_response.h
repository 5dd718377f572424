// A response the gateway makes itself: an error in the contract's JSON
// envelope, a CORS preflight answer, a 429...
#pragma once

#include <boost/beast/http/fields.hpp>
#include <string>
#include <string_view>

namespace centinela::stage {

struct LocalResponse {
  unsigned status = 200;
  boost::beast::http::fields headers;
  std::string body;
};

// {"error":{"status":S,"code":C,"message":M,"request_id":R}} with
// Content-Type: application/json and Cache-Control: no-store; with an
// incident id (a request the WAF blocked, a banned client) it ends
// ,"incident_id":I.
LocalResponse make_error_response(unsigned status, std::string_view message,
                                  std::string_view request_id, std::string_view incident_id = {});

// The contract's code for a status ("RATE_LIMITED" for 429...).
std::string_view error_code_for(unsigned status);

}  // namespace centinela::stage
