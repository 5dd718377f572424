// The typed view of a Rule (seclang/ast.h) and the action values behind it.
#include <array>
#include <charconv>

#include "seclang/ast.h"
#include "seclang/values.h"

namespace centinela::seclang {
namespace detail {
namespace {

bool same_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::optional<std::uint64_t> digits(std::string_view value) {
  std::uint64_t n = 0;
  if (value.empty() || value.size() > 12) return std::nullopt;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return n;
}

}  // namespace

std::optional<std::uint32_t> id_value(std::string_view value) {
  const auto n = digits(value);
  if (!n || *n == 0 || *n > 0xffffffffu) return std::nullopt;
  return static_cast<std::uint32_t>(*n);
}

std::optional<int> phase_value(std::string_view value) {
  if (same_ignoring_case(value, "request")) return 2;
  if (same_ignoring_case(value, "response")) return 4;
  if (same_ignoring_case(value, "logging")) return 5;
  const auto n = digits(value);
  if (!n || *n < 1 || *n > 5) return std::nullopt;
  return static_cast<int>(*n);
}

std::optional<int> severity_value(std::string_view value) {
  static constexpr std::array<std::string_view, 8> kNames = {
      "EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO", "DEBUG"};
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (same_ignoring_case(value, kNames[i])) return static_cast<int>(i);
  }
  const auto n = digits(value);
  if (!n || *n > 7) return std::nullopt;
  return static_cast<int>(*n);
}

}  // namespace detail

const Action* Rule::find(std::string_view action) const {
  for (const Action& a : actions) {
    if (a.name == action) return &a;
  }
  return nullptr;
}

std::vector<std::string_view> Rule::all(std::string_view action) const {
  std::vector<std::string_view> out;
  for (const Action& a : actions) {
    if (a.name == action) out.emplace_back(a.value);
  }
  return out;
}

std::optional<std::uint32_t> Rule::id() const {
  const Action* a = find("id");
  return a ? detail::id_value(a->value) : std::nullopt;
}

std::optional<int> Rule::phase() const {
  const Action* a = find("phase");
  return a ? detail::phase_value(a->value) : std::nullopt;
}

std::optional<int> Rule::severity() const {
  const Action* a = find("severity");
  return a ? detail::severity_value(a->value) : std::nullopt;
}

std::string_view Rule::msg() const {
  const Action* a = find("msg");
  return a ? std::string_view(a->value) : std::string_view();
}

std::vector<std::string_view> Rule::tags() const { return all("tag"); }

std::vector<std::string_view> Rule::transformations() const {
  std::vector<std::string_view> out;
  for (const Action& a : actions) {
    if (a.name != "t") continue;
    if (a.value == "none") {
      out.clear();
    } else {
      out.emplace_back(a.value);
    }
  }
  return out;
}

std::vector<Ctl> Rule::ctls() const {
  std::vector<Ctl> out;
  for (const Action& a : actions) {
    if (a.name != "ctl") continue;
    const std::string_view v = a.value;
    const std::size_t eq = v.find('=');
    out.push_back(eq == std::string_view::npos ? Ctl{v, {}}
                                               : Ctl{v.substr(0, eq), v.substr(eq + 1)});
  }
  return out;
}

std::vector<std::string_view> Rule::setvars() const { return all("setvar"); }

}  // namespace centinela::seclang
