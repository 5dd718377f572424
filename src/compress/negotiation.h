// Choosing a response's content coding from the request's Accept-Encoding
// (RFC 9110 §12.5.3, with q-values) and deciding whether a response may be
// compressed at all.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compress/coding.h"

namespace centinela::compress {

// The best coding among `offered` (in the server's order of preference) that
// `accept_encoding` allows with q > 0; identity when none is acceptable or the
// field is absent/empty. Honours "*", "identity;q=0" (identity is still the
// answer then: the caller sends it rather than 406), and takes the highest q,
// ties broken by `offered` order. Bounded work on hostile input (at most a
// fixed number of list members are looked at).
Coding negotiate(std::string_view accept_encoding, std::span<const Coding> offered);

// Whether a response with `content_encoding` (a list of codings, in the order
// applied) is one the client of `accept_encoding` can decode: every coding
// other than identity listed with q > 0, by name ("x-gzip" is gzip) or
// through "*". The caller answers for a request without the field (RFC 9110
// §12.5.3: then any coding is acceptable); an empty field accepts identity
// only. Bounded like negotiate.
bool accepts_coding(std::string_view accept_encoding, std::string_view content_encoding);

// Whether a Content-Type is in the allowlist: entries are "type/subtype" or
// "type/*" (lower-case); parameters (";charset=...") are ignored; an empty
// allowlist means the built-in default list (text/*, application/json,
// application/javascript, application/xml, image/svg+xml, application/*+json,
// application/*+xml...).
bool is_compressible_type(std::string_view content_type, const std::vector<std::string>& allowlist);

// Whether a Cache-Control field value contains no-transform.
bool has_no_transform(std::string_view cache_control);

}  // namespace centinela::compress
