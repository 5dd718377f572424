#include "config/yaml_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace centinela::config {
namespace {

std::string quoted(std::string_view text, bool double_dollars) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '$' && double_dollars) {
      out += "$$";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The largest unit that divides `value` exactly, so the text is exact.
template <std::size_t N>
std::string in_units(std::uint64_t value,
                     const std::array<std::pair<std::uint64_t, const char*>, N>& units) {
  for (const auto& [factor, suffix] : units) {
    if (value % factor == 0) return std::to_string(value / factor) + suffix;
  }
  return std::to_string(value) + units.back().second;
}

}  // namespace

std::string yaml_string(std::string_view text) { return quoted(text, true); }

std::string yaml_key(std::string_view text) { return quoted(text, false); }

std::string yaml_duration(Duration value) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 5> kUnits = {
      {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}}};
  const auto ms = static_cast<std::uint64_t>(std::max<std::int64_t>(0, value.count()));
  return ms == 0 ? "0s" : in_units(ms, kUnits);
}

std::string yaml_size(std::uint64_t bytes) {
  static constexpr std::array<std::pair<std::uint64_t, const char*>, 4> kUnits = {
      {{1ull << 30, "GiB"}, {1ull << 20, "MiB"}, {1ull << 10, "KiB"}, {1, "B"}}};
  return bytes == 0 ? "0B" : in_units(bytes, kUnits);
}

std::string yaml_bool(bool value) { return value ? "true" : "false"; }

std::string yaml_number(double value) {
  // Whole numbers as integers ("1000000000", not "1e+09").
  if (std::trunc(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string yaml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ", ";
    out += yaml_string(item);
  }
  return out + "]";
}

std::string yaml_cidr(const CidrRange& range) {
  const auto& b = range.bytes;
  const bool v4 = std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) &&
                  b[10] == 0xff && b[11] == 0xff && range.prefix_len >= 96;
  if (v4) {
    return fmt::format("{}.{}.{}.{}/{}", b[12], b[13], b[14], b[15], range.prefix_len - 96);
  }
  std::string out;
  for (std::size_t i = 0; i < 16; i += 2) {
    if (i > 0) out += ':';
    out += fmt::format("{:x}", (b[i] << 8) | b[i + 1]);
  }
  return out + "/" + std::to_string(range.prefix_len);
}

std::string yaml_cidr_list(const std::vector<CidrRange>& ranges) {
  std::vector<std::string> items;
  for (const CidrRange& range : ranges) items.push_back(yaml_cidr(range));
  return yaml_list(items);
}

void YamlWriter::start_line() {
  if (item_pending_) {
    text_.append(static_cast<std::size_t>(depth_ - 1) * 2, ' ');
    text_ += "- ";
    item_pending_ = false;
  } else {
    text_.append(static_cast<std::size_t>(depth_) * 2, ' ');
  }
}

void YamlWriter::field(std::string_view key, const std::string& value) {
  start_line();
  text_.append(key).append(": ").append(value).append("\n");
}

void YamlWriter::begin(std::string_view key) {
  start_line();
  text_.append(key).append(":\n");
  ++depth_;
}

void YamlWriter::end() {
  if (depth_ > 0) --depth_;
  item_pending_ = false;
}

void YamlWriter::begin_item() {
  ++depth_;
  item_pending_ = true;
}

}  // namespace centinela::config
