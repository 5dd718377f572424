// Reads the whole file: parses YAML, walks the top-level sections, and checks
// what spans sections.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/address.h"
#include "config/sections.h"

namespace centinela::config {
namespace {

constexpr std::string_view kDefaultListener = "127.0.0.1:8080";

void read_cache_store(ErrorList& errors, const YAML::Node& node, bool has_redis,
                      CacheStoreConfig& out) {
  MapFields fields(errors, node, "cache", {"memory", "shared"});
  fields.read_size("memory", out.memory);
  const YAML::Node* shared = fields.find("shared");
  if (!shared) return;
  std::string store = lower_scalar(*shared);
  if (store == "none" || store == "off" || store == "false") {
    out.shared.clear();
  } else if (store != "redis") {
    errors.add(*shared, "cache.shared: expected redis or none, got " + describe(*shared));
  } else if (!has_redis) {
    errors.add(*shared, "cache.shared: redis needs a top-level `redis` section with its url");
  } else {
    out.shared = store;
  }
}

// yaml-cpp's messages for tab indentation ("illegal map value") do not say
// what is wrong; tabs are the usual cause, so name them.
std::string syntax_message(const std::string& text, const YAML::Exception& error) {
  std::string message = "YAML syntax error: " + error.msg;
  if (error.mark.is_null()) return message;
  std::istringstream lines(text);
  std::string line;
  for (int number = 0; number <= error.mark.line; ++number) {
    if (!std::getline(lines, line)) return message;
  }
  std::string indent = line.substr(0, line.find_first_not_of(" \t"));
  if (indent.find('\t') != std::string::npos) {
    message += " (indent with spaces: YAML does not allow tabs)";
  }
  return message;
}

// A section written with no value (`admin:`) means its defaults.
const YAML::Node* present(const MapFields& fields, std::string_view key) {
  const YAML::Node* node = fields.find(key);
  return node && !node->IsNull() ? node : nullptr;
}

void read_config(ErrorList& errors, const YAML::Node& root, Config& config) {
  if (root.IsNull()) {
    config.server.listen.push_back(*parse_endpoint(kDefaultListener).value);
    read_waf(errors, YAML::Node(YAML::NodeType::Map), config.log, config.waf);
    return;  // an empty file: every default
  }
  MapFields fields(errors, root, "",
                   {"server", "admin", "log", "redis", "upstreams", "cache", "rate_limit", "routes",
                    "identity", "waf", "threat"});
  if (!fields.is_map()) return;
  if (const YAML::Node* server = present(fields, "server")) {
    read_server(errors, *server, config.server);
  }
  if (config.server.listen.empty()) {
    config.server.listen.push_back(*parse_endpoint(kDefaultListener).value);
  }
  if (const YAML::Node* admin = present(fields, "admin")) {
    read_admin(errors, *admin, config.server.listen, config.admin);
  }
  if (const YAML::Node* log = present(fields, "log")) read_log(errors, *log, config.log);
  if (const YAML::Node* redis = fields.find("redis")) {
    config.redis.emplace();
    read_redis(errors, *redis, *config.redis);
  }
  if (const YAML::Node* upstreams = present(fields, "upstreams")) {
    read_upstreams(errors, *upstreams, config.upstreams);
  }
  if (const YAML::Node* cache = present(fields, "cache")) {
    read_cache_store(errors, *cache, config.redis.has_value(), config.cache);
  }
  if (const YAML::Node* rate_limit = present(fields, "rate_limit")) {
    read_rate_limit_settings(errors, *rate_limit, config.redis.has_value(), config.rate_limit);
  }
  if (const YAML::Node* identity = present(fields, "identity")) {
    read_identity(errors, *identity, config.source_path, config.identity.emplace());
  }
  // Read even when absent: the incident log's defaults follow the access log.
  const YAML::Node* waf = present(fields, "waf");
  read_waf(errors, waf ? *waf : YAML::Node(YAML::NodeType::Map), config.log, config.waf);
  if (const YAML::Node* threat = fields.find("threat"); threat && !is_switched_off(*threat)) {
    read_threat(errors, *threat, config.redis.has_value(), config.threat.emplace());
    // Clients never rate-limited are never banned either.
    config.threat->allowlist.insert(config.threat->allowlist.end(),
                                    config.rate_limit.allowlist.begin(),
                                    config.rate_limit.allowlist.end());
  }
  if (const YAML::Node* routes = present(fields, "routes")) {
    read_routes(errors, *routes, config.upstreams, config.routes);
    apply_waf_defaults(*routes, config);
    check_adaptive_needs_threat(errors, *routes, config);
  }
  check_waf_rule_files(errors, waf, config);
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  return out + ": " + message;
}

LoadResult load_string(const std::string& text, const std::string& file) {
  LoadResult result;
  ErrorList errors(file);
  Config config;
  config.source_path = file;
  try {
    read_config(errors, YAML::Load(text), config);
  } catch (const YAML::Exception& error) {
    errors.add(error.mark, syntax_message(text, error));
  } catch (const std::exception& error) {
    // yaml-cpp or the standard library failing in a way not foreseen here
    // still becomes a message, never a crash of `check` or of a reload.
    errors.add(YAML::Mark::null_mark(), std::string("cannot read config: ") + error.what());
  }
  result.errors = errors.take();
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back({path, 0, 0, std::string("cannot open file: ") + std::strerror(errno)});
    return result;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    LoadResult result;
    result.errors.push_back({path, 0, 0, "cannot read file"});
    return result;
  }
  return load_string(text.str(), path);
}

}  // namespace centinela::config
