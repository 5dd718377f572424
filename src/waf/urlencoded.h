// application/x-www-form-urlencoded arguments (a query string or a body) as
// libmodsecurity 3.0.9 splits and decodes them: pieces between '&' (an empty
// piece between two '&' is an argument with empty name and value; a trailing
// '&' adds nothing), name and value split at the first '=', each
// percent-decoded leniently (a '%' without two hex digits stays as it is and
// counts as invalid) with '+' as space.
#pragma once

#include <string>
#include <string_view>

#include "waf/body_sink.h"

namespace centinela::waf {

struct UrlencodedWalk {
  bool invalid_encoding = false;  // URLENCODED_ERROR
  bool stopped = false;           // the sink refused an argument (bound reached)
  unsigned arguments = 0;
};

// Names and values are views into `text` where decoding changes nothing.
UrlencodedWalk walk_urlencoded(std::string_view text, ArgumentOrigin origin, BodySink& sink);

// Appends `text` decoded as above; returns whether a '%' was invalid.
bool append_form_decoded(std::string& out, std::string_view text);

}  // namespace centinela::waf
