#include "config/address.h"
#include "config/percent_encoding.h"
#include "config/secret_file.h"
#include "config/sections.h"
#include "config/units.h"

namespace centinela::config {
std::string parse_redis_url(std::string_view url, RedisConfig& out) {
  constexpr std::string_view kScheme = "redis://";
  const std::string example = " (expected redis://[:password@]host:port/db)";
  if (!url.starts_with(kScheme)) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
      return "bad redis url '" + std::string(url) + "'" + example;
    return "unsupported scheme '" + std::string(url.substr(0, scheme_end)) + "'" + example;
  }
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return "query strings and fragments are not supported in the redis url" + example;
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view user_info = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = user_info.find(':');
    std::string_view user = user_info.substr(0, colon);
    if (colon == std::string_view::npos || (!user.empty() && user != "default")) {
      return "only a password is supported in the redis url, as redis://:password@host" + example;
    }
    auto password = percent_decode(user_info.substr(colon + 1));
    if (!password) return "bad %-escape in the redis password";
    out.password = *password;
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.size() < rest.size()) {
    std::string_view db_text = rest.substr(authority.size() + 1);
    if (!db_text.empty()) {
      auto db = parse_unsigned(db_text);
      if (!db || *db > 1'000'000)
        return "redis database must be a number, got '" + std::string(db_text) + "'";
      out.db = static_cast<unsigned>(*db);
    }
  }
  auto endpoint = parse_endpoint(authority, std::uint16_t{6379});
  if (!endpoint.value) return endpoint.error;
  out.host = endpoint.value->host;
  out.port = endpoint.value->port;
  out.url = std::string(url);
  return {};
}

void read_redis(ErrorList& errors, const YAML::Node& node, RedisConfig& out) {
  if (node.IsScalar()) {
    // `redis: "redis://..."` is shorthand for `redis: {url: ...}`.
    if (std::string problem = parse_redis_url(node.Scalar(), out); !problem.empty()) {
      errors.add(node, "redis: " + problem);
    }
  } else if (!node.IsNull()) {  // `redis:` alone means a local server
    MapFields fields(errors, node, "redis", {"url", "password_file", "timeout"});
    if (const YAML::Node* url = fields.find("url")) {
      if (auto text = read_string(errors, *url, "redis.url")) {
        if (std::string problem = parse_redis_url(*text, out); !problem.empty()) {
          errors.add(*url, "redis.url: " + problem);
        }
      }
    }
    if (const YAML::Node* file = fields.find("password_file")) {
      if (!out.password.empty()) {
        errors.add(*file,
                   "redis.password_file: the url has a password already; give one or the "
                   "other");
      } else if (auto password = read_secret_file(errors, *file, "redis.password_file")) {
        out.password = std::move(*password);
      }
    }
    fields.read_duration("timeout", out.timeout, /*must_be_positive=*/true);
  }
  if (out.url.empty()) {
    out.url = "redis://" + out.host + ":" + std::to_string(out.port) + "/" + std::to_string(out.db);
  }
}

}  // namespace centinela::config
