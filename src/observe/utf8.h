// UTF-8 validation shared by every text format we emit (JSON logs, Prometheus
// labels): bytes that are not valid UTF-8 must never pass through verbatim.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace centinela::observe {

// Length (1-4) of the well-formed UTF-8 sequence starting at text[pos], or 0
// when the bytes there are not one (overlong forms, surrogates, code points
// above U+10FFFF, truncated or stray continuation bytes).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept;

// U+FFFD, what an invalid byte is replaced with.
inline constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Appends the sequence at text[pos] when it is well-formed, else U+FFFD for
// its first byte; returns how many bytes of `text` that took.
std::size_t append_utf8_or_replacement(std::string& out, std::string_view text, std::size_t pos);

}  // namespace centinela::observe
