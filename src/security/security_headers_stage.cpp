#include "security/security_headers_stage.h"

#include <string>
#include <string_view>

#include "http/field_lines.h"

namespace centinela::security {
namespace {

// Config validation refuses bad names and values; checked again here because
// a CR or LF written into a response would split it.
bool is_token(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool is_safe_value(std::string_view value) {
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

class SecurityHeadersStage final : public stage::Stage {
 public:
  explicit SecurityHeadersStage(const config::SecurityHeadersConfig& config) {
    for (const std::string& name : config.remove) {
      if (is_token(name)) static_.drops.push_back(name);
    }
    for (const config::HeaderValue& header : config.headers) {
      if (!is_token(header.name) || !is_safe_value(header.value)) continue;
      // An empty value turns the header off: it is dropped, like `remove`.
      if (header.value.empty()) {
        static_.drops.push_back(header.name);
      } else {
        http::append_field_line(static_.lines, header.name, header.value);
      }
    }
  }

  bool does_nothing() const { return static_.lines.empty() && static_.drops.empty(); }

  std::string_view name() const override { return "security_headers"; }

  // A field both removed and configured ends up with the configured value:
  // the chain drops the names first, then adds the lines.
  const stage::StaticResponseHeaders* static_response_headers() const override { return &static_; }

 private:
  stage::StaticResponseHeaders static_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_security_headers_stage(
    const config::SecurityHeadersConfig& config) {
  if (!config.enabled) return nullptr;
  auto stage = std::make_unique<SecurityHeadersStage>(config);
  if (stage->does_nothing()) return nullptr;
  return stage;
}

}  // namespace centinela::security
