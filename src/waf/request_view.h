// The request as the rules see it: ModSecurity's request variables (ARGS,
// REQUEST_HEADERS, REQUEST_COOKIES, FILES, XML, …) filled from a request
// head and the first bytes of its body, with ModSecurity 3's spellings
// (REQUEST_FILENAME is the URL-decoded path, REQUEST_URI_RAW the target as
// sent, …) so CRS rules see what they see under ModSecurity.
//
// Every value is a view into storage the view owns, so the evaluator can
// key its per-request transformation cache on a value's address.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::waf {

struct Field {
  std::string_view name, value;
};

// Bounds on what a hostile request can make the view hold.
struct ViewLimits {
  std::size_t max_fields = 1024;      // per collection
  std::size_t max_parts = 256;        // multipart parts
  std::size_t max_part_headers = 64;  // header lines per part
  std::size_t max_json_depth = 64;
};

enum class BodyProcessor : std::uint8_t { none, urlencoded, multipart, json, xml };
std::string_view body_processor_name(BodyProcessor p);  // "URLENCODED", … ("" for none)

// The body processor ModSecurity's recommended configuration picks for a
// Content-Type (JSON and XML by the recommended rules 200000/200001).
BodyProcessor processor_for(std::string_view content_type);

struct RequestView {
  std::string_view method, uri_raw, uri, filename, basename, query, protocol, request_line;
  std::string_view remote_addr, unique_id;
  std::vector<Field> headers, cookies, args_get, args_post;
  std::vector<Field> files;         // name = form field, value = file name
  std::vector<Field> part_headers;  // name = part's field name, value = "Name: value"
  std::vector<Field> xml;           // name = "/*", value = the document's text
  std::string_view body;
  BodyProcessor processor = BodyProcessor::none;
  int reqbody_error = 0;
  std::string_view reqbody_error_msg;
  bool multipart_strict_error = false;
  bool body_truncated = false;
  std::uint64_t files_combined_size = 0;

  // Response (phases 3 and 4, only with inspect_response).
  int response_status = 0;
  std::vector<Field> response_headers;
  std::string_view response_body;

  // A stable copy of `text` for the lifetime of this view.
  std::string_view keep(std::string_view text) { return storage_.emplace_back(text); }
  std::string_view keep(std::string&& text) { return storage_.emplace_back(std::move(text)); }

 private:
  std::deque<std::string> storage_;
};

// Fills the request line variables, ARGS_GET and the headers and cookies.
// `target` is the request target as sent, `version` e.g. "1.1".
void set_request_head(RequestView& view, std::string_view method, std::string_view target,
                      std::string_view version, const std::vector<Field>& headers,
                      const ViewLimits& limits = {});

// Parses `body` (its first bytes when `truncated`) with the processor the
// Content-Type header names: ARGS_POST, FILES, MULTIPART_PART_HEADERS, XML.
// A malformed body sets REQBODY_ERROR, as ModSecurity does.
void set_request_body(RequestView& view, std::string_view body, bool truncated,
                      const ViewLimits& limits = {});

// The value of the first header named `name` (any case), or "".
std::string_view header_value(const RequestView& view, std::string_view name);

}  // namespace centinela::waf
