// The fields of an upstream's response head as the stages see them: views
// into the head, without the hop-by-hop fields of RFC 9110 §7.6.1, those its
// Connection names (but the protected ones), and Content-Length (the
// downstream writes the framing it sends).
#pragma once

#include "http/response_head.h"
#include "stage/response_fields.h"

namespace centinela::proxy {

// Adds the end-to-end fields of `head` (its lines, as parse_field_lines
// kept them) to `out`, in order, as views into the block it was parsed from.
void add_end_to_end_fields(const centinela::http::ResponseHead& head, stage::ResponseFields& out);

}  // namespace centinela::proxy
