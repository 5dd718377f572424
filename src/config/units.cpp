#include "config/units.h"

#include <array>
#include <limits>

namespace centinela::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Splits "250ms" into "250" and "ms".
std::pair<std::string_view, std::string_view> split_number(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  return {text.substr(0, digits), text.substr(digits)};
}

std::optional<std::uint64_t> multiply(std::uint64_t value, std::uint64_t factor) {
  if (factor != 0 && value > std::numeric_limits<std::uint64_t>::max() / factor) {
    return std::nullopt;
  }
  return value * factor;
}

}  // namespace

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

Parsed<Duration> parse_duration(std::string_view text) {
  static constexpr std::array<Unit, 5> kUnits{{
      {"ms", 1},
      {"s", 1000},
      {"m", 60 * 1000},
      {"h", 60 * 60 * 1000},
      {"d", 24 * 60 * 60 * 1000},
  }};
  const std::string quoted = "'" + std::string(text) + "'";
  if (!text.empty() && text.front() == '-') {
    return {std::nullopt, "bad duration " + quoted + ": must not be negative"};
  }
  auto [number, suffix] = split_number(text);
  if (number.empty()) {
    return {std::nullopt,
            "bad duration " + quoted + ": expected a whole number and a unit, e.g. 250ms or 10s"};
  }
  if (suffix.empty()) {
    return {std::nullopt, "bad duration " + quoted + ": missing unit (ms, s, m, h or d)"};
  }
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    auto count = parse_unsigned(number);
    auto millis = count ? multiply(*count, unit.factor) : std::nullopt;
    // Durations are stored as signed milliseconds.
    if (!millis ||
        *millis > static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max())) {
      return {std::nullopt, "bad duration " + quoted + ": too large"};
    }
    return {Duration(static_cast<Duration::rep>(*millis)), {}};
  }
  return {std::nullopt, "bad duration " + quoted + ": unknown unit '" + std::string(suffix) +
                            "' (use ms, s, m, h or d)"};
}

Parsed<std::uint64_t> parse_size(std::string_view text) {
  static constexpr std::array<Unit, 7> kUnits{{
      {"B", 1},
      {"KiB", 1024},
      {"MiB", 1024 * 1024},
      {"GiB", 1024 * 1024 * 1024},
      {"KB", 1000},
      {"MB", 1000 * 1000},
      {"GB", 1000 * 1000 * 1000},
  }};
  const std::string quoted = "'" + std::string(text) + "'";
  if (!text.empty() && text.front() == '-') {
    return {std::nullopt, "bad size " + quoted + ": must not be negative"};
  }
  auto [number, suffix] = split_number(text);
  auto count = parse_unsigned(number);
  if (number.empty()) {
    return {std::nullopt,
            "bad size " + quoted + ": expected a whole number and a unit, e.g. 64KiB"};
  }
  if (!count) return {std::nullopt, "bad size " + quoted + ": too large"};
  if (suffix.empty()) return {count, {}};
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    auto bytes = multiply(*count, unit.factor);
    if (!bytes) return {std::nullopt, "bad size " + quoted + ": too large"};
    return {bytes, {}};
  }
  return {std::nullopt, "bad size " + quoted + ": unknown unit '" + std::string(suffix) +
                            "' (use B, KiB, MiB, GiB, KB, MB or GB)"};
}

}  // namespace centinela::config
