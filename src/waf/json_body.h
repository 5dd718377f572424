// A JSON request body walked into arguments named as libmodsecurity 3.0.9's
// JSON processor names them: `json.a.b` for object members, `.array_N` for
// array elements (`json.tags.array_0`, `json.array_0.id` for a top-level
// array), `empty-key` for "", a top-level scalar as `json`. Values are the
// decoded strings, numbers as written, `true`/`false`, "" for null.
//
// Bounds: nesting depth ≤ max_depth (beyond: an error, as libmodsecurity's
// depth limit makes one); the names' bytes ≤ max_name_bytes (deep paths
// repeated for every value; beyond: an error); values ≤ max_values and the
// sink's argument bound: beyond either the walk stops (`cut`), as a body
// longer than inspect_body_bytes is inspected in its first bytes. A body
// cut short (`complete` false) is walked as far as it goes: a string or number
// cut in the middle is reported as cut, and nothing is an error for ending
// early. Strings must be valid UTF-8 and escapes valid, as yajl checks.
#pragma once

#include <cstddef>
#include <string_view>

#include "waf/body_sink.h"

namespace centinela::waf {

struct JsonLimits {
  unsigned max_depth = 64;
  unsigned max_values = 4096;
  std::size_t max_name_bytes = 256 * 1024;
};

struct JsonWalk {
  bool error = false;
  std::string_view message;  // static text when error
  unsigned values = 0;
  bool cut = false;  // stopped at a count bound; the rest was not walked
};

JsonWalk walk_json(std::string_view body, bool complete, const JsonLimits& limits, BodySink& sink);

}  // namespace centinela::waf
