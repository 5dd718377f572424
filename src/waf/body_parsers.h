// The request body processors behind set_request_body (request_view.h):
// urlencoded, multipart/form-data, JSON and XML, each bounded by ViewLimits
// and never failing loudly: a malformed body sets REQBODY_ERROR, as
// ModSecurity does, and keeps what was read before the fault.
#pragma once

#include <string_view>
#include <vector>

#include "waf/request_view.h"

namespace centinela::waf {

// name=value pairs split on '&', both decoded ('+' is a space).
void parse_urlencoded(RequestView& view, std::string_view text, std::vector<Field>& out,
                      const ViewLimits& limits);

// Parts with a filename go to FILES / FILES_NAMES, the others to ARGS_POST;
// every part header line to MULTIPART_PART_HEADERS.
void parse_multipart(RequestView& view, std::string_view content_type, const ViewLimits& limits);

// Scalars as ARGS_POST named by their path: json.a.b, json.list.array_0.
void parse_json(RequestView& view, const ViewLimits& limits);

// XML:/* — the text of the document (what the XPath /* gives as a string).
void parse_xml(RequestView& view);

}  // namespace centinela::waf
