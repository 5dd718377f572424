#include "security/cors_stage.h"

#include <boost/beast/core/string.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace centinela::security {
namespace {

namespace http = stage::http;
using boost::beast::iequals;
using stage::RequestVerdict;
using stage::ResponseVerdict;

constexpr std::string_view kVaryPreflightEchoingHeaders = "Origin, Access-Control-Request-Headers";
constexpr std::string_view kAllowOrigin = "Access-Control-Allow-Origin";
constexpr std::string_view kAllowCredentials = "Access-Control-Allow-Credentials";
constexpr std::string_view kExposeHeaders = "Access-Control-Expose-Headers";

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

// One or more dot-separated DNS labels: what a wildcard may stand for.
bool is_subdomain_labels(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  char previous = '\0';
  for (char c : text) {
    const bool label_char =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!label_char && c != '.') return false;
    if (c == '.' && previous == '.') return false;
    previous = c;
  }
  return true;
}

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const std::string& item : items) {
    if (!joined.empty()) joined += ", ";
    joined += item;
  }
  return joined;
}

bool contains(const std::vector<std::string>& items, std::string_view wanted) {
  for (const std::string& item : items) {
    if (item == wanted) return true;
  }
  return false;
}

bool is_preflight(const stage::RequestHead& request) {
  return request.method() == http::verb::options &&
         request.find(http::field::origin) != request.end() &&
         request.find(http::field::access_control_request_method) != request.end();
}

class CorsStage final : public stage::Stage {
 public:
  explicit CorsStage(const config::CorsConfig& config)
      : allow_methods_(join(config.allow_methods)),
        echo_request_headers_(contains(config.allow_headers, "*")),
        allow_headers_(echo_request_headers_ ? std::string() : join(config.allow_headers)),
        expose_headers_(join(config.expose_headers)),
        allow_credentials_(config.allow_credentials),
        max_age_seconds_(std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(config.max_age).count())) {
    for (std::string origin : config.allow_origins) {
      if (origin == "*") {
        any_origin_ = true;
        continue;
      }
      if (origin.size() > 1 && origin.back() == '/') origin.pop_back();
      if (!add_wildcard(origin)) exact_origins_.push_back(std::move(origin));
    }
    // "*" cannot be sent with credentials, so then the origin is echoed.
    send_star_ = any_origin_ && !allow_credentials_;
  }

  std::string_view name() const override { return "cors"; }

  RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    const stage::RequestHead& request = ctx.request;
    if (!is_preflight(request)) return RequestVerdict::proceed();

    const std::string_view origin = request[http::field::origin];
    if (!is_allowed(origin)) {
      stage::LocalResponse refused =
          stage::make_error_response(403, "CORS origin not allowed", ctx.request_id);
      refused.headers.set(http::field::vary, "Origin");
      return RequestVerdict::respond(std::move(refused));
    }

    stage::LocalResponse response;
    response.status = 204;
    http::fields& headers = response.headers;
    headers.set(http::field::access_control_allow_origin, send_star_ ? "*" : origin);
    if (allow_credentials_) headers.set(http::field::access_control_allow_credentials, "true");
    if (!allow_methods_.empty()) {
      headers.set(http::field::access_control_allow_methods, allow_methods_);
    }
    bool echoed_headers = false;
    if (echo_request_headers_) {
      const std::string_view requested = request[http::field::access_control_request_headers];
      if (!requested.empty()) {
        headers.set(http::field::access_control_allow_headers, requested);
        echoed_headers = true;
      }
    } else if (!allow_headers_.empty()) {
      headers.set(http::field::access_control_allow_headers, allow_headers_);
    }
    headers.set(http::field::access_control_max_age, max_age_seconds_);
    headers.set(http::field::vary, echoed_headers ? kVaryPreflightEchoingHeaders : "Origin");
    return RequestVerdict::respond(std::move(response));
  }

  // Every response but a preflight's: the grant for this origin, or none.
  // Values are views of the request and of this stage, which outlive it.
  ResponseVerdict on_response_head(stage::RequestContext& ctx, stage::Response& response) override {
    const stage::RequestHead& request = ctx.request;
    // A preflight's answer was complete when the request side made it (or it
    // was refused by an earlier stage, and CORS fields would not rescue it).
    if (is_preflight(request)) return ResponseVerdict::proceed();

    stage::ResponseFields& fields = response.fields;
    // The answer depends on Origin unless every origin gets "*".
    if (!send_star_) stage::add_vary(fields, "Origin");

    const std::string_view origin = request[http::field::origin];
    if (origin.empty() || !is_allowed(origin)) {
      fields.erase(kAllowOrigin);
      fields.erase(kAllowCredentials);
      fields.erase(kExposeHeaders);
      return ResponseVerdict::proceed();
    }
    fields.set_view(kAllowOrigin, send_star_ ? std::string_view("*") : origin);
    if (allow_credentials_) {
      fields.set_view(kAllowCredentials, "true");
    } else {
      fields.erase(kAllowCredentials);
    }
    if (!expose_headers_.empty()) {
      fields.set_view(kExposeHeaders, expose_headers_);
    } else {
      fields.erase(kExposeHeaders);
    }
    return ResponseVerdict::proceed();
  }

 private:
  // "scheme://*.domain[:port]" → a prefix and a suffix around the labels.
  struct WildcardOrigin {
    std::string prefix;  // "https://"
    std::string suffix;  // ".example.com"

    bool matches(std::string_view origin) const {
      if (origin.size() <= prefix.size() + suffix.size()) return false;
      if (!istarts_with(origin, prefix) || !iends_with(origin, suffix)) return false;
      return is_subdomain_labels(
          origin.substr(prefix.size(), origin.size() - prefix.size() - suffix.size()));
    }
  };

  bool add_wildcard(const std::string& origin) {
    const std::size_t star = origin.find('*');
    if (star == std::string::npos || origin.find('*', star + 1) != std::string::npos) return false;
    std::string prefix = origin.substr(0, star);
    std::string suffix = origin.substr(star + 1);
    if (prefix.size() < 4 || prefix.compare(prefix.size() - 3, 3, "://") != 0) return false;
    if (suffix.size() < 2 || suffix.front() != '.') return false;
    wildcard_origins_.push_back({std::move(prefix), std::move(suffix)});
    return true;
  }

  bool is_allowed(std::string_view origin) const {
    if (any_origin_) return true;
    for (const std::string& allowed : exact_origins_) {
      if (iequals(origin, allowed)) return true;
    }
    for (const WildcardOrigin& wildcard : wildcard_origins_) {
      if (wildcard.matches(origin)) return true;
    }
    return false;
  }

  bool any_origin_ = false;
  bool send_star_ = false;
  std::vector<std::string> exact_origins_;
  std::vector<WildcardOrigin> wildcard_origins_;
  std::string allow_methods_;
  bool echo_request_headers_;
  std::string allow_headers_;
  std::string expose_headers_;
  bool allow_credentials_;
  std::string max_age_seconds_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_cors_stage(const config::CorsConfig& config) {
  if (!config.enabled) return nullptr;
  return std::make_unique<CorsStage>(config);
}

}  // namespace centinela::security
