// The decoding layers deep_decode() peels off (internal to the decode
// library). Each writes what `in` decodes to into `out` and returns the
// decoders that took part, or 0 when there was nothing to decode (then `out`
// holds nothing of use). Unlike the ModSecurity transformations they decode
// the way a browser, a JavaScript engine or a back end would: whole code
// points, surrogate pairs, HTML5 names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "decode/deep_decode.h"

namespace centinela::decode::layer {

// escape_layers.cpp
DecoderSet url(std::string_view in, std::string& out);   // %XX and %uXXXX
DecoderSet html(std::string_view in, std::string& out);  // &name; &#D; &#xH;
DecoderSet js(std::string_view in, std::string& out);    // \uXXXX \u{X} \xXX \OOO

// blob_layers.cpp
DecoderSet base64(std::string_view in, std::string& out);  // base64, base64url, data:, Basic
DecoderSet hex(std::string_view in, std::string& out);     // 0x... or bare hex
DecoderSet jwt(std::string_view in, std::string& out);     // header and payload

// unicode_layer.cpp
// Overlong UTF-8 forms rewritten to their shortest form, and code points
// whose NFKC form (or case folding) is ASCII replaced by it. 0 when nothing
// changed but spacing.
DecoderSet unicode(std::string_view in, std::string& out);

// Appends code point `cp` as UTF-8 (U+FFFD for what UTF-8 cannot carry).
void append_utf8(std::string& out, std::uint32_t cp);

// text_check.cpp
enum class TextRule : std::uint8_t {
  escaped,  // an escape decoder's output: valid UTF-8, few control bytes
  blob,     // a base64/hex blob's: printable UTF-8 only, long enough
};
bool looks_like_text(std::string_view s, TextRule rule);

}  // namespace centinela::decode::layer
