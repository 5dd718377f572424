// The operators that compare a value with a (macro-expanded) argument, and
// the validators, with ModSecurity 3's semantics. Pure functions.
#pragma once

#include <optional>
#include <string_view>

#include "detect/detect.h"
#include "waf/rule.h"

namespace centinela::waf {

// streq, contains, containsWord, beginsWith, endsWith, within, strmatch,
// eq, ge, gt, lt, le. False for any other kind.
bool compare(OpKind kind, std::string_view value, std::string_view argument);

// The tokeniser behind @detectSQLi, @detectXSS, @detectShell, @detectPath;
// nothing for any other kind.
std::optional<detect::Detection> detect_as(OpKind kind, std::string_view value);

// @validateUrlEncoding's test: every '%' is followed by two hex digits.
bool valid_url_encoding(std::string_view value);

// @validateUtf8Encoding's test: well-formed UTF-8, no overlong forms, no
// surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view value);

}  // namespace centinela::waf
