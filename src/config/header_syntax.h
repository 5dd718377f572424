// What a header name and a header value written in the config may be: a
// name is an RFC 9110 token; a value stays on one line (no CR, LF, NUL or
// other control byte but tab), or it would split the message it is put in.
#pragma once

#include <string_view>

namespace centinela::config {

bool is_header_name(std::string_view name);
bool is_header_value(std::string_view value);

}  // namespace centinela::config
