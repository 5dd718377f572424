#include <system_error>

#include "config/address.h"
#include "config/percent_encoding.h"
#include "config/secret_file.h"
#include "config/sections.h"
#include "config/units.h"

namespace centinela::config {
namespace {

constexpr std::string_view kExample = " (expected redis[s]://[[user]:password@]host[:port][/db])";

// "user:password" (or "user" alone, its password in redis.password_file)
// from a URL's user-info part, both %-decoded. "default" is Redis's implicit
// user: AUTH with the password alone means the same and works on servers
// older than ACLs.
std::string parse_user_info(std::string_view user_info, RedisConfig& out) {
  const auto colon = user_info.find(':');
  auto user = percent_decode(user_info.substr(0, colon));
  auto password = percent_decode(colon == std::string_view::npos ? std::string_view()
                                                                 : user_info.substr(colon + 1));
  if (!user || !password) return "bad %-escape in the redis user or password";
  if (colon != std::string_view::npos && password->empty()) {
    return "empty password in the redis url" + std::string(kExample);
  }
  out.username = *user == "default" ? std::string() : std::move(*user);
  out.password = std::move(*password);
  return {};
}

}  // namespace

std::string parse_redis_url(std::string_view url, RedisConfig& out) {
  const std::string example(kExample);
  bool tls = false;
  std::string_view rest;
  if (url.starts_with("redis://")) {
    rest = url.substr(8);
  } else if (url.starts_with("rediss://")) {
    rest = url.substr(9);
    tls = true;
  } else {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
      return "bad redis url '" + std::string(url) + "'" + example;
    return "unsupported scheme '" + std::string(url.substr(0, scheme_end)) + "'" + example;
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return "query strings and fragments are not supported in the redis url" + example;
  }
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    if (std::string problem = parse_user_info(rest.substr(0, at), out); !problem.empty()) {
      return problem;
    }
    rest = rest.substr(at + 1);
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
  // rediss:// alone: TLS with the defaults (system CAs, verified, SNI = host).
  if (tls && !out.tls) out.tls.emplace();
  return {};
}

void read_redis(ErrorList& errors, const YAML::Node& node, RedisConfig& out) {
  if (node.IsScalar()) {
    // `redis: "redis://..."` is shorthand for `redis: {url: ...}`.
    if (std::string problem = parse_redis_url(node.Scalar(), out); !problem.empty()) {
      errors.add(node, "redis: " + problem);
    }
    if (out.tls) out.tls->line = node.Mark().line + 1;
  } else if (!node.IsNull()) {  // `redis:` alone means a local server
    MapFields fields(errors, node, "redis", {"url", "password_file", "timeout", "tls"});
    const YAML::Node* url = fields.find("url");
    if (url != nullptr) {
      if (auto text = read_string(errors, *url, "redis.url")) {
        if (std::string problem = parse_redis_url(*text, out); !problem.empty()) {
          errors.add(*url, "redis.url: " + problem);
        }
      }
      if (out.tls) out.tls->line = url->Mark().line + 1;
    }
    if (const YAML::Node* tls = fields.find("tls")) {
      // TLS is asked for by the scheme alone, so a url that says redis:// is
      // never quietly encrypted (or the reverse).
      if (!out.tls) {
        errors.add(*tls, "redis.tls: needs a rediss:// url (redis.url: rediss://host:port)");
      } else if (is_switched_off(*tls)) {
        errors.add(*tls, "redis.tls: false contradicts the rediss:// url");
      } else {
        read_tls_client(errors, *tls, "redis.tls", out.tls);
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
  if (!out.username.empty() && out.password.empty()) {
    errors.add(node,
               "redis: a user needs a password (redis://user:password@host, or "
               "redis.password_file)");
  }
  if (out.url.empty()) {
    out.url = "redis://" + out.host + ":" + std::to_string(out.port) + "/" + std::to_string(out.db);
  }
}

}  // namespace centinela::config
