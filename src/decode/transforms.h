// The transformations one by one (internal to the decode library; callers use
// apply() in transform.h). Each has apply()'s contract: true with the output
// in `out` when it differs from `in`, false with `out` untouched otherwise.
#pragma once

#include <string>
#include <string_view>

namespace centinela::decode::tfn {

// transform_text.cpp
bool lowercase(std::string_view in, std::string& out);
bool remove_nulls(std::string_view in, std::string& out);
bool remove_whitespace(std::string_view in, std::string& out);
bool compress_whitespace(std::string_view in, std::string& out);
bool cmd_line(std::string_view in, std::string& out);
bool replace_comments(std::string_view in, std::string& out);
bool hex_encode(std::string_view in, std::string& out);
bool sha1(std::string_view in, std::string& out);
bool length(std::string_view in, std::string& out);

// transform_url.cpp
bool url_decode(std::string_view in, std::string& out);
bool url_decode_uni(std::string_view in, std::string& out);
bool utf8_to_unicode(std::string_view in, std::string& out);

// transform_markup.cpp
bool html_entity_decode(std::string_view in, std::string& out);
bool js_decode(std::string_view in, std::string& out);
bool css_decode(std::string_view in, std::string& out);

// transform_path.cpp
bool normalize_path(std::string_view in, std::string& out, bool windows);

// transform_base64.cpp
bool base64_decode(std::string_view in, std::string& out);

// Shared by the decoders: ModSecurity's VALID_HEX and x2c.
inline bool is_hex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline unsigned hex_value(unsigned char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }
// Two hex digits as one byte (callers have checked both are hex digits).
inline char hex_byte(const char* p) {
  return static_cast<char>(hex_value(static_cast<unsigned char>(p[0])) * 16 +
                           hex_value(static_cast<unsigned char>(p[1])));
}
// ModSecurity's isspace() in the C locale.
inline bool is_c_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace centinela::decode::tfn
