// Durations ("250ms", "10s") and sizes ("64KiB") as written in the config file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace centinela::config {

// A parsed value, or why the text is not one.
template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // set when value is empty
};

// An unsigned integer followed by one of ms, s, m, h, d.
Parsed<Duration> parse_duration(std::string_view text);

// An unsigned integer, optionally followed by B, KiB, MiB, GiB (1024-based) or
// KB, MB, GB (1000-based); no suffix means bytes.
Parsed<std::uint64_t> parse_size(std::string_view text);

// Digits only, no sign, no overflow.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

}  // namespace centinela::config
