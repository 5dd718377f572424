// The top-level `waf:` section (engine, rules, decoders, incident log).
#include <glob.h>
#include <unistd.h>

#include <algorithm>

#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

constexpr std::uint64_t kMaxThreshold = 1'000'000;
// The inspected part of a body is held in memory while the request waits.
constexpr std::uint64_t kMaxInspectBodyBytes = 16ull * 1024 * 1024;

void read_native(ErrorList& errors, const YAML::Node& node, const std::string& path,
                 WafNativeDetectors& out) {
  bool all = false;
  if (read_switch(node, all)) {
    out = WafNativeDetectors{all, all, all, all};
    return;
  }
  MapFields fields(errors, node, path, {"sql", "xss", "shell", "path"});
  fields.read("sql", out.sql);
  fields.read("xss", out.xss);
  fields.read("shell", out.shell);
  fields.read("path", out.path);
}

void read_decode(ErrorList& errors, const YAML::Node& node, const std::string& path,
                 WafDecodeConfig& out) {
  bool all = false;
  if (read_switch(node, all)) {
    out.base64 = out.hex = out.unicode = all;
    if (!all) out.max_depth = 0;
    return;
  }
  MapFields fields(errors, node, path, {"base64", "hex", "unicode", "max_depth"});
  fields.read("base64", out.base64);
  fields.read("hex", out.hex);
  fields.read("unicode", out.unicode);
  fields.read("max_depth", out.max_depth, 0, 8);
}

void read_pcre(ErrorList& errors, const YAML::Node& node, const std::string& path,
               WafPcreLimits& out) {
  MapFields fields(errors, node, path, {"match_limit", "depth_limit"});
  fields.read("match_limit", out.match_limit, 1, UINT32_MAX);
  fields.read("depth_limit", out.depth_limit, 1, UINT32_MAX);
}

void read_engine(MapFields& fields, WafConfig& waf) {
  WafEngine& out = waf.engine;
  const YAML::Node* node = fields.find("engine");
  if (!node) return;
  waf.engine_line = static_cast<unsigned>(node->Mark().line + 1);
  waf.engine_column = static_cast<unsigned>(node->Mark().column + 1);
  auto text = read_string(fields.errors(), *node, fields.path_of("engine"));
  if (!text) return;
  if (*text == "centinela") {
    out = WafEngine::centinela;
  } else if (*text == "modsecurity") {
    out = WafEngine::modsecurity;
  } else {
    fields.errors().add(*node, fields.path_of("engine") +
                                   ": expected centinela or modsecurity, got '" + *text + "'" +
                                   did_you_mean(*text, {"centinela", "modsecurity"}));
  }
}

void read_profile(MapFields& fields, WafProfile& out) {
  const YAML::Node* node = fields.find("profile");
  if (!node) return;
  auto text = read_string(fields.errors(), *node, fields.path_of("profile"));
  if (!text) return;
  if (*text == "api") {
    out = WafProfile::api;
  } else if (*text == "crs") {
    out = WafProfile::crs;
  } else {
    fields.errors().add(*node, fields.path_of("profile") + ": expected api or crs, got '" + *text +
                                   "'" + did_you_mean(*text, {"api", "crs"}));
  }
}

// Each entry: "FILE-OR-GLOB" or {path: FILE-OR-GLOB, optional: true}.
void read_rule_files(ErrorList& errors, const YAML::Node& node, const std::string& path,
                     std::vector<WafRuleFile>& out) {
  std::vector<YAML::Node> items;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) items.push_back(item);
  } else {
    items.push_back(node);
  }
  out.clear();
  for (const YAML::Node& item : items) {
    WafRuleFile file;
    if (item.IsMap()) {
      MapFields fields(errors, item, path, {"path", "optional"});
      if (!fields.require("path") || !fields.read("path", file.path)) continue;
      fields.read("optional", file.optional);
    } else if (auto text = read_string(errors, item, path)) {
      file.path = *text;
    } else {
      continue;
    }
    if (file.path.empty()) {
      errors.add(item, path + ": a rule file path must not be empty");
      continue;
    }
    out.push_back(std::move(file));
  }
  if (out.empty() && !items.empty()) errors.add(node, path + ": needs at least one rule file");
}

// `off`, or a map; the path defaults from the access log.
void read_incident_log(ErrorList& errors, const YAML::Node& node, const std::string& path,
                       IncidentLogConfig& out) {
  if (is_switched_off(node)) {
    out.enabled = false;
    return;
  }
  if (node.IsScalar()) {
    out.path = node.Scalar();
    return;
  }
  MapFields fields(errors, node, path, {"path", "rotate", "excerpt_bytes"});
  if (fields.read("path", out.path) && out.path.empty()) {
    errors.add(*fields.find("path"), fields.path_of("path") + ": must not be empty");
  }
  if (out.path == "off") out.enabled = false;
  if (const YAML::Node* rotate = fields.find("rotate")) {
    read_rotate(errors, *rotate, fields.path_of("rotate"), out.rotate);
  }
  fields.read("excerpt_bytes", out.excerpt_bytes, 0, 4096);
}

// incidents.log beside a file access log; the access log's stream otherwise.
void default_incident_path(const LogConfig& log, IncidentLogConfig& out) {
  if (!out.enabled || !out.path.empty()) return;
  const AccessLogConfig& access = log.access;
  if (!access.enabled || access.path == "off") {
    out.path = "stderr";
  } else if (access.path == "stdout" || access.path == "stderr") {
    out.path = access.path;
  } else {
    const std::size_t slash = access.path.rfind('/');
    out.path = slash == std::string::npos ? "incidents.log"
                                          : access.path.substr(0, slash + 1) + "incidents.log";
  }
}

}  // namespace

std::vector<WafRuleFile> default_waf_rules() {
  return {{"/etc/modsecurity/crs/crs-setup.conf", false},
          {"/etc/modsecurity/crs/REQUEST-900-EXCLUSION-RULES-BEFORE-CRS.conf", true},
          {"/usr/share/modsecurity-crs/rules/*.conf", false},
          {"/etc/modsecurity/crs/RESPONSE-999-EXCLUSION-RULES-AFTER-CRS.conf", true}};
}

void read_waf(ErrorList& errors, const YAML::Node& node, const LogConfig& log, WafConfig& out) {
  out.incident_log.rotate = log.access.rotate;  // keys written under incident_log override it
  MapFields fields(
      errors, node, "waf",
      {"engine", "profile", "rules", "native", "decode", "anomaly_threshold", "inspect_body_bytes",
       "inspect_response", "pcre", "compile_cache", "incident_log"});
  if (fields.is_map()) {
    read_engine(fields, out);
    read_profile(fields, out.profile);
    fields.read_section("rules", read_rule_files, out.rules);
    fields.read_section("native", read_native, out.native);
    fields.read_section("decode", read_decode, out.decode);
    fields.read("anomaly_threshold", out.anomaly_threshold, 1, kMaxThreshold);
    read_inspect_body_bytes(fields, out.inspect_body_bytes);
    fields.read("inspect_response", out.inspect_response);
    fields.read_section("pcre", read_pcre, out.pcre);
    if (const YAML::Node* cache = fields.find("compile_cache")) {
      if (is_switched_off(*cache)) {
        out.compile_cache.clear();
      } else {
        fields.read("compile_cache", out.compile_cache);
      }
    }
    fields.read_section("incident_log", read_incident_log, out.incident_log);
  }
  default_incident_path(log, out.incident_log);
}

void read_inspect_body_bytes(MapFields& fields, std::uint64_t& out) {
  std::uint64_t bytes = 0;
  if (!fields.read_size("inspect_body_bytes", bytes)) return;
  if (bytes > kMaxInspectBodyBytes) {
    fields.errors().add(*fields.find("inspect_body_bytes"),
                        fields.path_of("inspect_body_bytes") +
                            ": at most 16MiB (the inspected part is held in memory)");
    return;
  }
  out = bytes;
}

void check_waf_rule_files(ErrorList& errors, const YAML::Node* waf_node, const Config& config) {
  const auto enabled = [](const RouteConfig& route) { return route.waf.mode != WafMode::off; };
  if (std::none_of(config.routes.begin(), config.routes.end(), enabled)) return;
  const YAML::Node* rules = nullptr;
  YAML::Node rules_node;
  if (waf_node && waf_node->IsMap() && (*waf_node)["rules"]) {
    rules_node = (*waf_node)["rules"];
    rules = &rules_node;
  }
  const std::vector<WafRuleFile>& files = config.waf.rules;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i].optional) continue;
    glob_t found{};
    const int status = ::glob(files[i].path.c_str(), GLOB_NOSORT, nullptr, &found);
    bool readable = status == 0 && found.gl_pathc > 0;
    for (std::size_t j = 0; readable && j < found.gl_pathc; ++j) {
      readable = ::access(found.gl_pathv[j], R_OK) == 0;
    }
    ::globfree(&found);
    if (readable) continue;
    std::string message = "waf.rules: '" + files[i].path + "' " +
                          (status == 0 ? "is not readable" : "matches no readable file");
    if (rules) {
      errors.add(rules->IsSequence() ? (*rules)[i] : *rules, message);
    } else {
      const RouteConfig& route = *std::find_if(config.routes.begin(), config.routes.end(), enabled);
      YAML::Mark at;
      at.line = static_cast<int>(route.waf.line) - 1;
      at.column = static_cast<int>(route.waf.column) - 1;
      errors.add(at, message + " (install Debian's modsecurity-crs, or set waf.rules)");
    }
  }
}

}  // namespace centinela::config
