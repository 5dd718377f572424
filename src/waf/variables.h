// The ModSecurity variables (collections) a compiled rule reads, as an enum
// resolved at load, with their SecLang names.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace centinela::waf {

enum class Var : std::uint8_t {
  args,
  args_get,
  args_post,
  args_names,
  args_get_names,
  args_post_names,
  args_combined_size,
  request_headers,
  request_headers_names,
  request_cookies,
  request_cookies_names,
  files,
  files_names,
  files_combined_size,
  multipart_part_headers,
  multipart_strict_error,
  xml,
  tx,
  request_filename,
  request_basename,
  request_uri,
  request_uri_raw,
  request_line,
  request_method,
  request_protocol,
  query_string,
  request_body,
  request_body_length,
  remote_addr,
  unique_id,
  reqbody_processor,
  reqbody_error,
  reqbody_error_msg,
  matched_var,
  matched_var_name,
  matched_vars,
  matched_vars_names,
  duration,
  response_status,
  response_headers,
  response_headers_names,
  response_body,
  // Persistent collections and GEO: not kept by this engine (load report).
  ip,
  global,
  session,
  user,
  resource,
  geo,
};

// The variable named `name` (upper case, as seclang spells it).
std::optional<Var> var_from_name(std::string_view name);
std::string_view var_name(Var var);

// Collections with keys (ARGS:name); the others are single values.
bool is_collection(Var var);
// Reads the response (phase 3/4 only).
bool is_response_var(Var var);
// Collections this engine does not keep (ip, global, session, user,
// resource, geo): they are always empty.
bool is_persistent(Var var);

}  // namespace centinela::waf
