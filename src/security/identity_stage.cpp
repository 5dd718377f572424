#include "security/identity_stage.h"

#include <boost/beast/core/string.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "security/api_key_table.h"
#include "security/jwt_verifier.h"

namespace centinela::security {
namespace {

namespace http = stage::http;
using boost::beast::iequals;
using stage::RequestVerdict;

std::int64_t system_unix_time() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_visible_ascii(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x21 || byte > 0x7e) return false;
  }
  return true;
}

// What the request carries where the token is expected.
struct FoundToken {
  enum class State { absent, present, ambiguous } state = State::absent;
  std::string_view token;

  static FoundToken absent() { return {}; }
  static FoundToken ambiguous() { return {State::ambiguous, {}}; }
  static FoundToken present(std::string_view token) { return {State::present, token}; }
};

// "Bearer <token>" (scheme case-insensitive, RFC 9110 §11.1). Another scheme
// is not ours to judge: absent. With `scheme_optional`, a bare token is
// accepted too (custom headers often carry one).
FoundToken bearer_token(std::string_view value, bool scheme_optional) {
  value = trim(value);
  constexpr std::string_view kScheme = "bearer";
  const std::size_t space = value.find_first_of(" \t");
  if (space != std::string_view::npos && iequals(value.substr(0, space), kScheme)) {
    value = trim(value.substr(space + 1));
  } else if (!scheme_optional) {
    return FoundToken::absent();
  }
  if (value.empty()) return FoundToken::ambiguous();
  return FoundToken::present(value);
}

bool is_cors_preflight(const stage::RequestHead& request) {
  return request.method() == http::verb::options &&
         request.find(http::field::origin) != request.end() &&
         request.find(http::field::access_control_request_method) != request.end();
}

class IdentityStage final : public stage::Stage {
 public:
  IdentityStage(const config::IdentityConfig& config, UnixClock now)
      : now_(now ? now : &system_unix_time) {
    if (config.jwt) {
      jwt_ = std::make_unique<JwtVerifier>(*config.jwt);
      token_header_ = config.jwt->header;
      token_cookie_ = config.jwt->cookie;
      required_ = config.jwt->required;
    }
    if (config.api_keys) {
      api_keys_ = std::make_unique<ApiKeyTable>(config.api_keys->keys);
      api_key_header_ = config.api_keys->header;
    }
  }

  std::string_view name() const override { return "identity"; }

  RequestVerdict on_request_head(stage::RequestContext& ctx) override {
    std::optional<JwtError> token_problem;
    if (jwt_) {
      const FoundToken found = find_token(ctx.request);
      if (found.state == FoundToken::State::present) {
        std::string subject;
        const JwtError error = jwt_->verify(found.token, now_(), subject);
        if (error == JwtError::none) {
          ctx.user = std::move(subject);
        } else {
          token_problem = error;
        }
      } else if (found.state == FoundToken::State::ambiguous) {
        token_problem = JwtError::malformed;
      }
    }
    if (api_keys_) apply_api_key(ctx);

    // Browsers send CORS preflights without credentials; the CORS stage
    // answers them.
    if (!required_ || is_cors_preflight(ctx.request)) return RequestVerdict::proceed();
    // A bad token is refused even when an API key named a user: a client
    // presenting a forged or stale token should hear so, not be downgraded.
    if (token_problem) return refuse(ctx, describe(*token_problem), true);
    if (ctx.user.empty()) return refuse(ctx, "authentication required", false);
    return RequestVerdict::proceed();
  }

 private:
  FoundToken find_token(const stage::RequestHead& request) const {
    if (!token_cookie_.empty()) return find_cookie(request);
    auto [begin, end] = request.equal_range(token_header_);
    if (begin == end) return FoundToken::absent();
    if (std::next(begin) != end) return FoundToken::ambiguous();  // which one to believe?
    return bearer_token(begin->value(), token_header_ != "authorization");
  }

  // The first `NAME=value` pair in the Cookie fields (RFC 6265 §5.4 sends
  // more specific paths first).
  FoundToken find_cookie(const stage::RequestHead& request) const {
    auto [begin, end] = request.equal_range(http::field::cookie);
    for (auto field = begin; field != end; ++field) {
      std::string_view pairs = field->value();
      while (!pairs.empty()) {
        const std::size_t semicolon = pairs.find(';');
        const std::string_view pair = trim(pairs.substr(0, semicolon));
        const std::size_t equals = pair.find('=');
        if (equals != std::string_view::npos && pair.substr(0, equals) == token_cookie_) {
          std::string_view value = trim(pair.substr(equals + 1));
          if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
          }
          return value.empty() ? FoundToken::ambiguous() : FoundToken::present(value);
        }
        if (semicolon == std::string_view::npos) break;
        pairs.remove_prefix(semicolon + 1);
      }
    }
    return FoundToken::absent();
  }

  void apply_api_key(stage::RequestContext& ctx) const {
    auto [begin, end] = ctx.request.equal_range(api_key_header_);
    if (begin == end || std::next(begin) != end) return;  // none, or ambiguous
    const std::string_view key = trim(begin->value());
    // Only something that could be a key counts as one: a 10 KiB header or
    // control characters must not become a rate-limit or cache key.
    if (key.empty() || key.size() > ApiKeyTable::kMaxKeyBytes || !is_visible_ascii(key)) return;
    ctx.api_key.assign(key);
    if (!ctx.user.empty()) return;  // a verified JWT names the user
    if (const std::string* user = api_keys_->find(key)) ctx.user = *user;
  }

  RequestVerdict refuse(stage::RequestContext& ctx, std::string_view message,
                        bool invalid_token) const {
    ctx.user.clear();
    stage::LocalResponse response = stage::make_error_response(401, message, ctx.request_id);
    // RFC 6750 §3.1: no error code when the request had no credential.
    std::string challenge = "Bearer";
    if (invalid_token) {
      challenge += " error=\"invalid_token\", error_description=\"";
      challenge += message;
      challenge += '"';
    }
    response.headers.set(http::field::www_authenticate, challenge);
    return RequestVerdict::respond(std::move(response));
  }

  UnixClock now_;
  std::unique_ptr<JwtVerifier> jwt_;
  std::string token_header_;
  std::string token_cookie_;
  bool required_ = false;
  std::unique_ptr<ApiKeyTable> api_keys_;
  std::string api_key_header_;
};

}  // namespace

std::unique_ptr<stage::Stage> make_identity_stage(const config::IdentityConfig& config,
                                                  UnixClock now) {
  if (!config.jwt && !config.api_keys) return nullptr;
  return std::make_unique<IdentityStage>(config, now);
}

}  // namespace centinela::security
