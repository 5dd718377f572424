// Reads the whole file: parses YAML, walks the top-level sections, and checks
// what spans sections.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "config/address.h"
#include "config/documents.h"
#include "config/loading.h"
#include "config/sections.h"
#include "config/variables.h"

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

const std::vector<std::string_view> kTopLevelKeys = {
    "include",    "server", "admin",    "log", "redis",  "upstreams", "cache",
    "rate_limit", "routes", "identity", "waf", "threat", "tracing"};

// A top-level section as written in one of the files.
struct Section {
  YAML::Node node;
  Document* document = nullptr;
  YAML::Mark key_mark;  // where its name is written
  ErrorList& errors() const { return document->errors; }
};

// The top-level sections of the main file and the files it includes. A
// section is written in one file only, except `routes`, which each file may
// add to.
class Sections {
 public:
  explicit Sections(std::vector<Document>& documents) {
    for (Document& document : documents) collect(document);
  }

  // The section, or null when absent.
  const Section* find(std::string_view key) const {
    auto found = sections_.find(std::string(key));
    return found == sections_.end() ? nullptr : &found->second;
  }
  // Same, also null when written with no value (`admin:` means its defaults).
  const Section* present(std::string_view key) const {
    const Section* section = find(key);
    return section && !section->node.IsNull() ? section : nullptr;
  }
  const std::vector<Section>& routes() const { return routes_; }

 private:
  void collect(Document& document) {
    if (document.root.IsNull()) return;  // an empty file: nothing to add
    MapFields fields(document.errors, document.root, "", kTopLevelKeys);
    if (!fields.is_map()) return;
    for (const auto& entry : document.root) {
      if (!entry.first.IsScalar()) continue;
      const std::string& key = entry.first.Scalar();
      const YAML::Node* value = fields.find(key);
      if (key == "include" || value == nullptr || !value->is(entry.second)) continue;
      if (key == "routes") {
        if (!value->IsNull()) routes_.push_back({*value, &document, entry.first.Mark()});
        continue;
      }
      auto [first, added] = sections_.emplace(key, Section{*value, &document, entry.first.Mark()});
      if (!added) {
        const Section& earlier = first->second;
        document.errors.add(entry.first, "section '" + key + "' is already written at " +
                                             earlier.errors().file() + ":" +
                                             std::to_string(earlier.key_mark.line + 1) +
                                             "; write each section in one file only");
      }
    }
  }

  std::map<std::string, Section> sections_;
  std::vector<Section> routes_;
};

// Each file's routes, appended in file order. Route names are unique across
// all files.
void read_all_routes(const Sections& sections, Config& config,
                     std::vector<const Section*>& route_sections) {
  std::map<std::string, std::string> first_use;  // name → file:line
  for (const Section& section : sections.routes()) {
    std::vector<RouteConfig> earlier = std::move(config.routes);
    config.routes.clear();
    read_routes(section.errors(), section.node, config.upstreams, config.routes);
    apply_waf_defaults(section.node, config);
    check_adaptive_needs_threat(section.errors(), section.node, config);
    warn_cache_identity(section.errors(), section.node, config.routes, config);
    // The routes read are the list's maps, in order.
    std::size_t index = 0;
    const YAML::Node items = section.node.IsSequence() ? section.node : YAML::Node();
    for (const YAML::Node& item : items) {
      if (!item.IsMap() || index >= config.routes.size()) continue;
      const std::string& name = config.routes[index++].name;
      const std::string here = section.errors().file() + ":" + std::to_string(item.Mark().line + 1);
      auto [first, added] = first_use.emplace(name, here);
      if (!added && first->second.rfind(section.errors().file() + ":", 0) != 0) {
        section.errors().add(item, "duplicate route name '" + name + "' (first used at " +
                                       first->second + "); give one of them a different `name`");
      }
    }
    route_sections.insert(route_sections.end(), config.routes.size(), &section);
    earlier.insert(earlier.end(), std::make_move_iterator(config.routes.begin()),
                   std::make_move_iterator(config.routes.end()));
    config.routes = std::move(earlier);
  }
}

// The file to report a missing WAF rule file in: where `waf` is written, or
// else the first route that inspects.
ErrorList& waf_rules_errors(const Sections& sections, const Config& config,
                            const std::vector<const Section*>& route_sections, Document& main) {
  if (const Section* waf = sections.present("waf")) return waf->errors();
  for (std::size_t i = 0; i < config.routes.size() && i < route_sections.size(); ++i) {
    if (config.routes[i].waf.mode != WafMode::off) return route_sections[i]->errors();
  }
  return main.errors;
}

void read_config(std::vector<Document>& documents, Config& config) {
  const Sections sections(documents);
  if (const Section* server = sections.present("server")) {
    read_server(server->errors(), server->node, config.server);
  }
  if (config.server.listen.empty()) {
    config.server.listen.push_back({.endpoint = *parse_endpoint(kDefaultListener).value});
  }
  if (const Section* admin = sections.present("admin")) {
    read_admin(admin->errors(), admin->node, config.server.listen, config.admin);
  }
  if (const Section* log = sections.present("log")) read_log(log->errors(), log->node, config.log);
  if (const Section* redis = sections.find("redis")) {
    config.redis.emplace();
    read_redis(redis->errors(), redis->node, *config.redis);
  }
  if (const Section* upstreams = sections.present("upstreams")) {
    read_upstreams(upstreams->errors(), upstreams->node, config.upstreams);
  }
  if (const Section* cache = sections.present("cache")) {
    read_cache_store(cache->errors(), cache->node, config.redis.has_value(), config.cache);
  }
  if (const Section* rate_limit = sections.present("rate_limit")) {
    read_rate_limit_settings(rate_limit->errors(), rate_limit->node, config.redis.has_value(),
                             config.rate_limit);
  }
  if (const Section* identity = sections.present("identity")) {
    read_identity(identity->errors(), identity->node, identity->errors().file(),
                  config.identity.emplace());
  }
  // Read even when absent: the incident log's defaults follow the access log.
  const Section* waf = sections.present("waf");
  read_waf(waf ? waf->errors() : documents.front().errors,
           waf ? waf->node : YAML::Node(YAML::NodeType::Map), config.log, config.waf);
  const Section* threat = sections.find("threat");
  if (threat && !is_switched_off(threat->node)) {
    read_threat(threat->errors(), threat->node, config.redis.has_value(), config.threat.emplace());
    // Clients never rate-limited are never banned either.
    config.threat->allowlist.insert(config.threat->allowlist.end(),
                                    config.rate_limit.allowlist.begin(),
                                    config.rate_limit.allowlist.end());
  }
  const Section* tracing = sections.find("tracing");
  if (tracing && !is_switched_off(tracing->node)) {
    read_tracing(tracing->errors(), tracing->node, config.tracing.emplace());
  }
  std::vector<const Section*> route_sections;
  read_all_routes(sections, config, route_sections);
  check_waf_rule_files(waf_rules_errors(sections, config, route_sections, documents.front()),
                       waf ? &waf->node : nullptr, config);
}

LoadResult collect_problems(std::vector<Document>& documents, ErrorList& unforeseen,
                            std::vector<ConfigError>& warnings) {
  LoadResult result;
  for (Document& document : documents) {
    for (ConfigError& error : document.errors.take()) result.errors.push_back(std::move(error));
    for (ConfigError& warning : document.errors.take_warnings()) {
      warnings.push_back(std::move(warning));
    }
  }
  for (ConfigError& error : unforeseen.take()) result.errors.push_back(std::move(error));
  return result;
}

}  // namespace

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  return out + ": " + message;
}

LoadResult load_string(const std::string& text, const std::string& file, const LoadOptions& options,
                       std::vector<ConfigError>& warnings) {
  const Environment environment =
      options.environment ? options.environment : Environment(process_environment);
  std::vector<Document> documents;
  ErrorList unforeseen(file);
  Config config;
  config.source_path = file;
  try {
    documents = read_documents(text, file, environment);
    read_config(documents, config);
  } catch (const std::exception& error) {
    // yaml-cpp or the standard library failing in a way not foreseen here
    // still becomes a message, never a crash of `check` or of a reload.
    unforeseen.add(YAML::Mark::null_mark(), std::string("cannot read config: ") + error.what());
  }
  LoadResult result = collect_problems(documents, unforeseen, warnings);
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

LoadResult load_file(const std::string& path, const LoadOptions& options,
                     std::vector<ConfigError>& warnings) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    LoadResult result;
    result.errors.push_back({path, 0, 0,
                             "is a directory; give the main config file (its `include:` can "
                             "name a directory of files)"});
    return result;
  }
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
  return load_string(text.str(), path, options, warnings);
}

LoadResult load_file(const std::string& path) {
  std::vector<ConfigError> warnings;
  return load_file(path, {}, warnings);
}

LoadResult load_string(const std::string& text, const std::string& file) {
  std::vector<ConfigError> warnings;
  return load_string(text, file, {}, warnings);
}

}  // namespace centinela::config
