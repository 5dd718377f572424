// The ModSecurity transformations CRS uses (`t:name` in a SecRule), with the
// semantics of libmodsecurity3 3.0.9, the version Debian 12 ships: the same
// output bytes for every input, quirks included (cssDecode stops at a NUL
// byte, utf8toUnicode drops invalid lead bytes and NULs, urlDecodeUni keeps
// only the low byte of %uXXXX, ...), so CRS rules match what they match
// under ModSecurity. Checked against the secrules-language-tests vectors
// (tests/data/secrules-language-tests) and against libmodsecurity3 itself.
//
// urlDecodeUni runs without a unicode map (SecUnicodeMapFile), as in
// ModSecurity's own unit tests.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "decode/byte_set.h"

namespace centinela::decode {

enum class Transform : std::uint8_t {
  none,
  lowercase,
  url_decode,
  url_decode_uni,
  html_entity_decode,
  js_decode,
  css_decode,
  utf8_to_unicode,
  remove_nulls,
  remove_whitespace,
  compress_whitespace,
  cmd_line,
  normalize_path,
  normalize_path_win,
  replace_comments,
  base64_decode,
  hex_encode,
  sha1,
  length,
};
inline constexpr std::size_t kTransformCount = static_cast<std::size_t>(Transform::length) + 1;

// The transformation a SecLang name means, case-insensitive as ModSecurity's
// parser reads it, without the "t:" ("urlDecodeUni", "normalisePath" and
// "normalizePath", ...). nullopt for a name that is not one of these.
std::optional<Transform> transform_from_name(std::string_view name);

// The canonical SecLang spelling ("urlDecodeUni").
std::string_view transform_name(Transform t);

// Writes the transformed `in` to `out` and answers true when it differs from
// `in`; answers false, leaving `out` untouched, when the output would equal
// the input, so a pipeline keeps sharing the input. `in` must not point into
// `out`. No allocation when the output fits `out`'s capacity. sha1, length and
// hexEncode always produce a new value (true, except hexEncode of "").
bool apply(Transform t, std::string_view in, std::string& out);

// The bytes without which `t` leaves a value as it is: a value holding none
// of them needs no call to apply(), except for sha1 and length, which change
// every value, the empty one too (see changes_every_value). Full for sha1,
// length, hexEncode and base64Decode; empty for none.
const ByteSet& triggers(Transform t);

// Runs `steps` in order over `value` (a `t:none` ... list as a rule has it)
// and returns the result: `value` itself when no step changed it, otherwise
// a view of `a` or `b`, which the steps take turns to write (no allocation
// once they are big enough). Steps without a trigger byte in the current
// value are skipped without a call.
std::string_view run_pipeline(std::span<const Transform> steps, std::string_view value,
                              std::string& a, std::string& b);

// sha1 and length: their output never depends on the bytes being special.
constexpr bool changes_every_value(Transform t) {
  return t == Transform::sha1 || t == Transform::length;
}

}  // namespace centinela::decode
