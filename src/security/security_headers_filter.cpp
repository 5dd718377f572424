#include "security/security_headers_filter.h"

#include <string>
#include <string_view>
#include <vector>

namespace centinela::security {
namespace {

namespace http = proxy::http;

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

// A header name resolved once: Beast looks known names up by enum.
struct HeaderName {
  explicit HeaderName(std::string text)
      : name(std::move(text)), known(http::string_to_field(name)) {}

  std::string name;
  http::field known;
};

class SecurityHeadersFilter final : public proxy::Filter {
 public:
  explicit SecurityHeadersFilter(const config::SecurityHeadersConfig& config) {
    remove_.reserve(config.remove.size());
    for (const std::string& name : config.remove) {
      if (is_token(name)) remove_.emplace_back(name);
    }
    for (const config::HeaderValue& header : config.headers) {
      if (!is_token(header.name) || !is_safe_value(header.value)) continue;
      if (header.value.empty()) {
        remove_.emplace_back(header.name);
      } else {
        set_.push_back({HeaderName(header.name), header.value});
        static_.lines += header.name + ": " + header.value + "\r\n";
      }
    }
    for (const HeaderName& header : remove_) static_.drops.push_back(header.name);
  }

  bool does_nothing() const { return remove_.empty() && set_.empty(); }

  const proxy::StaticResponseHeaders* static_response_headers() const override { return &static_; }

  void on_response(proxy::RequestContext& ctx, proxy::ResponseHead& response) override {
    // Removal first, so a header both removed and configured ends up with the
    // configured value.
    for (const HeaderName& header : remove_) {
      if (header.known != http::field::unknown) {
        response.erase(header.known);
      } else {
        response.erase(header.name);
      }
    }
    for (const HeaderToSet& header : set_) {
      if (header.name.known != http::field::unknown) {
        response.set(header.name.known, header.value);
      } else {
        response.set(header.name.name, header.value);
      }
    }
  }

 private:
  proxy::StaticResponseHeaders static_;  // the same work, pre-rendered

  struct HeaderToSet {
    HeaderName name;
    std::string value;
  };

  std::vector<HeaderName> remove_;
  std::vector<HeaderToSet> set_;
};

}  // namespace

std::unique_ptr<proxy::Filter> make_security_headers_filter(
    const config::SecurityHeadersConfig& config) {
  if (!config.enabled) return nullptr;
  auto filter = std::make_unique<SecurityHeadersFilter>(config);
  if (filter->does_nothing()) return nullptr;
  return filter;
}

}  // namespace centinela::security
