// JSON string escaping for log lines. Anything a client controls (paths,
// user agents, ids) ends up here, so the output must always be exactly one
// valid JSON string: no raw control characters, no invalid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace centinela::observe {

// Appends `text` as a quoted JSON string. Control characters (and DEL) become
// escapes, invalid UTF-8 bytes become U+FFFD, and U+2028/U+2029 are escaped so
// the line is also safe to embed in JavaScript.
void append_json_string(std::string& out, std::string_view text);

// The same escaping without the surrounding quotes, for strings built in pieces.
void append_json_escaped(std::string& out, std::string_view text);

// Like append_json_string, but an empty text becomes `null`.
void append_json_string_or_null(std::string& out, std::string_view text);

}  // namespace centinela::observe
