// Comma-separated field values (RFC 9110 §5.6.1) in Beast's field sets, as
// net's own relay edits them until it runs the pipeline (issue 12); stages
// use stage/response_fields.h.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <string_view>

namespace centinela::proxy {

// True when the comma-separated list `field` names `token` (case-insensitive)
// or "*".
bool list_contains(std::string_view field, std::string_view token);

// Adds `token` to the response's Vary, keeping what is listed already (on any
// number of Vary lines); nothing when it, or "*", is there.
void add_vary(boost::beast::http::fields& headers, std::string_view token);

}  // namespace centinela::proxy
