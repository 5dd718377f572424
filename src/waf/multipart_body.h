// A multipart/form-data body walked as libmodsecurity 3.0.9's parser reads
// it, as far as CRS looks: form fields become arguments (ARGS, ARGS_POST),
// parts with a filename become FILES (field name → filename) and FILES_NAMES,
// and every part's header lines go to MULTIPART_PART_HEADERS under the part's
// name. What libmodsecurity refuses is an error here too (REQBODY_ERROR): no
// boundary in the Content-Type, no boundary in a complete body, a missing
// final boundary, a part header without a colon or name, a repeated part
// header, a part without a valid `Content-Disposition: form-data; name=...`,
// NUL bytes in part headers.
//
// Bounds: at most max_parts parts and max_header_lines header lines per part
// (beyond: an error), header lines of at most 4,096 bytes. A body cut short
// (`complete` false) is walked as far as it goes: a field cut in its value is
// reported with the bytes that arrived.
#pragma once

#include <string_view>

#include "waf/body_sink.h"

namespace centinela::waf {

struct MultipartLimits {
  unsigned max_parts = 256;
  unsigned max_header_lines = 64;
};

struct MultipartWalk {
  bool error = false;
  std::string_view message;  // static text when error
  unsigned parts = 0;
};

// `content_type`: the request's Content-Type value, which names the boundary.
MultipartWalk walk_multipart(std::string_view content_type, std::string_view body, bool complete,
                             const MultipartLimits& limits, BodySink& sink);

// The boundary parameter of a multipart Content-Type (quotes removed), as a
// view into it; empty when there is none or "boundary" occurs twice.
std::string_view multipart_boundary(std::string_view content_type);

}  // namespace centinela::waf
