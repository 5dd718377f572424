#include "waf/variables.h"

#include <array>
#include <utility>

namespace centinela::waf {

namespace {

constexpr std::array<std::pair<Var, std::string_view>, 48> kNames{{
    {Var::args, "ARGS"},
    {Var::args_get, "ARGS_GET"},
    {Var::args_post, "ARGS_POST"},
    {Var::args_names, "ARGS_NAMES"},
    {Var::args_get_names, "ARGS_GET_NAMES"},
    {Var::args_post_names, "ARGS_POST_NAMES"},
    {Var::args_combined_size, "ARGS_COMBINED_SIZE"},
    {Var::request_headers, "REQUEST_HEADERS"},
    {Var::request_headers_names, "REQUEST_HEADERS_NAMES"},
    {Var::request_cookies, "REQUEST_COOKIES"},
    {Var::request_cookies_names, "REQUEST_COOKIES_NAMES"},
    {Var::files, "FILES"},
    {Var::files_names, "FILES_NAMES"},
    {Var::files_combined_size, "FILES_COMBINED_SIZE"},
    {Var::multipart_part_headers, "MULTIPART_PART_HEADERS"},
    {Var::multipart_strict_error, "MULTIPART_STRICT_ERROR"},
    {Var::xml, "XML"},
    {Var::tx, "TX"},
    {Var::request_filename, "REQUEST_FILENAME"},
    {Var::request_basename, "REQUEST_BASENAME"},
    {Var::request_uri, "REQUEST_URI"},
    {Var::request_uri_raw, "REQUEST_URI_RAW"},
    {Var::request_line, "REQUEST_LINE"},
    {Var::request_method, "REQUEST_METHOD"},
    {Var::request_protocol, "REQUEST_PROTOCOL"},
    {Var::query_string, "QUERY_STRING"},
    {Var::request_body, "REQUEST_BODY"},
    {Var::request_body_length, "REQUEST_BODY_LENGTH"},
    {Var::remote_addr, "REMOTE_ADDR"},
    {Var::unique_id, "UNIQUE_ID"},
    {Var::reqbody_processor, "REQBODY_PROCESSOR"},
    {Var::reqbody_error, "REQBODY_ERROR"},
    {Var::reqbody_error_msg, "REQBODY_ERROR_MSG"},
    {Var::matched_var, "MATCHED_VAR"},
    {Var::matched_var_name, "MATCHED_VAR_NAME"},
    {Var::matched_vars, "MATCHED_VARS"},
    {Var::matched_vars_names, "MATCHED_VARS_NAMES"},
    {Var::duration, "DURATION"},
    {Var::response_status, "RESPONSE_STATUS"},
    {Var::response_headers, "RESPONSE_HEADERS"},
    {Var::response_headers_names, "RESPONSE_HEADERS_NAMES"},
    {Var::response_body, "RESPONSE_BODY"},
    {Var::ip, "IP"},
    {Var::global, "GLOBAL"},
    {Var::session, "SESSION"},
    {Var::user, "USER"},
    {Var::resource, "RESOURCE"},
    {Var::geo, "GEO"},
}};

}  // namespace

std::optional<Var> var_from_name(std::string_view name) {
  for (const auto& [var, text] : kNames) {
    if (text == name) return var;
  }
  return std::nullopt;
}

std::string_view var_name(Var var) {
  for (const auto& [v, text] : kNames) {
    if (v == var) return text;
  }
  return "?";
}

bool is_collection(Var var) {
  switch (var) {
    case Var::args:
    case Var::args_get:
    case Var::args_post:
    case Var::args_names:
    case Var::args_get_names:
    case Var::args_post_names:
    case Var::request_headers:
    case Var::request_headers_names:
    case Var::request_cookies:
    case Var::request_cookies_names:
    case Var::files:
    case Var::files_names:
    case Var::multipart_part_headers:
    case Var::xml:
    case Var::tx:
    case Var::matched_vars:
    case Var::matched_vars_names:
    case Var::response_headers:
    case Var::response_headers_names:
    case Var::ip:
    case Var::global:
    case Var::session:
    case Var::user:
    case Var::resource:
    case Var::geo:
      return true;
    default:
      return false;
  }
}

bool is_response_var(Var var) {
  return var == Var::response_status || var == Var::response_headers ||
         var == Var::response_headers_names || var == Var::response_body;
}

bool is_persistent(Var var) {
  return var == Var::ip || var == Var::global || var == Var::session || var == Var::user ||
         var == Var::resource || var == Var::geo;
}

}  // namespace centinela::waf
