#include "config/value_template.h"

#include <algorithm>
#include <array>
#include <utility>

namespace centinela::config {
namespace {

constexpr std::array<std::pair<std::string_view, TemplateVariable>, 6> kVariables = {{
    {"client_ip", TemplateVariable::client_ip},
    {"request_id", TemplateVariable::request_id},
    {"user", TemplateVariable::user},
    {"route", TemplateVariable::route},
    // The verified client certificate's subject (mTLS); empty without one.
    {"client_cert", TemplateVariable::client_cert},
    // Its SHA-256 fingerprint (lower-case hex): unique where subjects collide.
    {"client_cert_sha256", TemplateVariable::client_cert_sha256},
}};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_letter(c) || (c >= '0' && c <= '9'); }

const TemplateVariable* find_variable(std::string_view name) {
  const auto known = std::find_if(kVariables.begin(), kVariables.end(),
                                  [&](const auto& v) { return v.first == name; });
  return known == kVariables.end() ? nullptr : &known->second;
}

void append_literal(ValueTemplate& out, std::string_view text) {
  if (text.empty()) return;
  if (out.parts.empty() || out.parts.back().variable != TemplateVariable::none) {
    out.parts.push_back({});
  }
  out.parts.back().literal.append(text);
}

}  // namespace

bool ValueTemplate::has_variables() const {
  return std::any_of(parts.begin(), parts.end(),
                     [](const TemplatePart& p) { return p.variable != TemplateVariable::none; });
}

std::optional<ValueTemplate> parse_value_template(std::string_view text, std::string& problem) {
  ValueTemplate out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t dollar = text.find('$', pos);
    append_literal(out, text.substr(pos, dollar - pos));
    if (dollar == std::string_view::npos) break;
    if (dollar + 1 < text.size() && text[dollar + 1] == '$') {
      append_literal(out, "$");
      pos = dollar + 2;
      continue;
    }
    const std::size_t begin = dollar + 1;
    std::size_t end = begin;
    while (end < text.size() && is_letter(text[end])) ++end;
    // Digits continue a name only when that makes a known one
    // ($client_cert_sha256): "$user1" stays $user then "1", as before.
    std::size_t longer = end;
    while (longer < text.size() && is_name_char(text[longer])) ++longer;
    if (longer > end && end > begin && find_variable(text.substr(begin, longer - begin))) {
      end = longer;
    }
    const std::string_view name = text.substr(begin, end - begin);
    // A '$' before anything but a name is itself ("$5", "a$"): the config's
    // environment substitution has already turned "$$" into one.
    if (name.empty()) {
      append_literal(out, "$");
      pos = begin;
      continue;
    }
    const TemplateVariable* known = find_variable(name);
    if (known == nullptr) {
      problem = "unknown variable '$" + std::string(name) +
                "' (known: $client_ip, $request_id, $user, $route, $client_cert, "
                "$client_cert_sha256; $$ for a '$')";
      return std::nullopt;
    }
    out.parts.push_back({{}, *known});
    pos = end;
  }
  return out;
}

}  // namespace centinela::config
