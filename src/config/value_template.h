// A header value written with variables ("$client_ip via $route"), split once
// at load into literal text and variables, so a request only concatenates.
// Variables: $client_ip, $request_id, $user, $route (a name ends at the
// first byte that is not a lower-case letter or '_'); "$$" is a '$', and so
// is a '$' before anything but a name. Braces are not used: ${NAME} is the
// config file's environment substitution, which runs first (and turns "$$"
// into "$").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::config {

enum class TemplateVariable : std::uint8_t {
  none,
  client_ip,
  request_id,
  user,
  route,
  client_cert,
  client_cert_sha256
};

struct TemplatePart {
  std::string literal;  // used when variable is none
  TemplateVariable variable = TemplateVariable::none;
};

struct ValueTemplate {
  std::vector<TemplatePart> parts;
  bool has_variables() const;
};

// nullopt with `problem` set for an unknown variable or a lone '$'.
std::optional<ValueTemplate> parse_value_template(std::string_view text, std::string& problem);

}  // namespace centinela::config
