#include "rewrite/header_edits.h"

namespace centinela::rewrite {
namespace {

std::vector<TemplatedField> parse_all(const std::vector<config::HeaderValue>& fields) {
  std::vector<TemplatedField> out;
  for (const config::HeaderValue& field : fields) {
    std::string problem;
    // `check` refused the config if a template did not parse.
    if (auto parsed = config::parse_value_template(field.value, problem)) {
      out.push_back({field.name, std::move(*parsed)});
    }
  }
  return out;
}

std::string_view variable_value(config::TemplateVariable variable, const stage::RequestContext& ctx,
                                std::string_view route) {
  switch (variable) {
    case config::TemplateVariable::client_ip:
      return ctx.client_ip;
    case config::TemplateVariable::request_id:
      return ctx.request_id;
    case config::TemplateVariable::user:
      return ctx.user;
    case config::TemplateVariable::route:
      return route;
    case config::TemplateVariable::client_cert:
      return ctx.tls_client_subject;
    case config::TemplateVariable::client_cert_sha256:
      return ctx.tls_client_fingerprint;
    case config::TemplateVariable::none:
      break;
  }
  return {};
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t') || byte == 0x7f;
}

}  // namespace

HeaderEdits::HeaderEdits(const config::HeaderEditsConfig& config)
    : set(parse_all(config.set)), add(parse_all(config.add)), remove(config.remove) {}

std::string_view expand(const config::ValueTemplate& value, const stage::RequestContext& ctx,
                        std::string_view route) {
  if (value.parts.size() == 1 && value.parts.front().variable == config::TemplateVariable::none) {
    return value.parts.front().literal;  // lives as long as the chain
  }
  thread_local std::string text;  // reused: one arena copy per value
  text.clear();
  for (const config::TemplatePart& part : value.parts) {
    if (part.variable == config::TemplateVariable::none) {
      text += part.literal;
      continue;
    }
    for (char c : variable_value(part.variable, ctx, route)) {
      if (!is_control(c)) text += c;
    }
  }
  return ctx.arena.copy(text);
}

}  // namespace centinela::rewrite
