// The two halves of detect_xss (xss.cpp): markup (tags and attributes) and
// script text (calls of the functions injected script reaches for).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace centinela::detect {

struct XssFinding {
  std::string_view label;  // static
  std::size_t begin;
  std::size_t end;
};

// Whether an attribute value is a URL a browser would run as script
// (javascript:, vbscript:, and for `data_too` data: other than images),
// after entity decoding and with blanks and control bytes skipped.
std::optional<std::string_view> scripting_url(std::string_view value, bool data_too);

// Calls of alert/prompt/confirm/eval/…, document.cookie, window[…],
// location assignments in plain text (a handler's body, or a value
// injected into a script string).
std::optional<XssFinding> scan_script_text(std::string_view text);

}  // namespace centinela::detect
