// The content codings centinela produces (RFC 9110 §8.4.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace centinela::compress {

enum class Coding : std::uint8_t { identity = 0, gzip = 1, br = 2, zstd = 3 };
inline constexpr std::size_t kCodingCount = 4;

// "identity", "gzip", "br", "zstd".
std::string_view coding_token(Coding coding);
// The coding a token names (case-insensitive; "x-gzip" is gzip), or nullopt.
std::optional<Coding> coding_from_token(std::string_view token);

}  // namespace centinela::compress
