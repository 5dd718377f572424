// Reading HTML text the way a browser will: character references decoded
// (&#x6A; &colon; &Tab;, with or without the ';'), and the bytes a URL's
// scheme may be split by (tab, newline, control bytes) skipped. Streaming,
// over a view, without allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace centinela::detect {

// Decodes the character reference at text[at] ('&'); returns its code point
// (0 for none) and sets `length` to the bytes it spans (1 for none).
std::uint32_t decode_html_reference(std::string_view text, std::size_t at, std::size_t& length);

// Reads `text` as decoded HTML: each call gives the next code point (a raw
// byte for non-ASCII), lower-cased, or -1 at the end. `skip_blank` leaves
// out code points up to U+0020 (how scheme checks see "java\tscript:").
class HtmlCursor {
 public:
  HtmlCursor(std::string_view text, bool skip_blank) : text_(text), skip_blank_(skip_blank) {}
  std::int32_t next();
  std::size_t position() const { return at_; }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
  bool skip_blank_;
};

// Whether `text`, read through an HtmlCursor (blanks skipped), starts with
// `lower_prefix`.
bool html_starts_with(std::string_view text, std::string_view lower_prefix);

// Whether `text` holds `lower_word` read as CSS: case-insensitive, with
// comments, backslashes and blanks inside the word skipped
// (exp/**/ression, \65xpression reads as 'e' + "5xpression": not caught,
// the caller's cssDecode view catches it).
bool css_contains(std::string_view text, std::string_view lower_word);

}  // namespace centinela::detect
