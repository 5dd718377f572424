// The few action values the parser checks and the typed view reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace centinela::seclang::detail {

std::optional<std::uint32_t> id_value(std::string_view value);  // 1 .. 2^32-1
std::optional<int> phase_value(std::string_view value);         // 1..5, request, response, logging
std::optional<int> severity_value(std::string_view value);      // 0..7 or EMERGENCY .. DEBUG

}  // namespace centinela::seclang::detail
