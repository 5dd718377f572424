// A route's `waf:` (mode, paranoia, threshold, body bound, exclusions), and the
// defaults it takes from the top-level section.
#include <boost/regex.hpp>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"
#include "config/units.h"

namespace centinela::config {
namespace {

constexpr std::uint64_t kMaxRuleId = 99'999'999;

bool read_mode(ErrorList& errors, const YAML::Node& node, const std::string& path, WafMode& out) {
  static const std::vector<std::string_view> kModes = {"off", "detect", "block"};
  // YAML reads a bare `off` as the string "off"; `false` means off too.
  if (is_switched_off(node)) {
    out = WafMode::off;
    return true;
  }
  const std::string text = lower_scalar(node);
  if (text == "detect") {
    out = WafMode::detect;
  } else if (text == "block") {
    out = WafMode::block;
  } else {
    errors.add(node, path + ": expected off, detect or block, got " + describe(node) +
                         did_you_mean(text, kModes));
    return false;
  }
  return true;
}

// 942100, or "920370-920390".
std::optional<WafRuleRange> parse_rule_range(std::string_view text) {
  const std::size_t dash = text.find('-');
  auto first = parse_unsigned(text.substr(0, dash));
  auto last = dash == std::string_view::npos ? first : parse_unsigned(text.substr(dash + 1));
  if (!first || !last || *first == 0 || *last > kMaxRuleId || *first > *last) return std::nullopt;
  return WafRuleRange{static_cast<std::uint32_t>(*first), static_cast<std::uint32_t>(*last)};
}

void read_rule_ids(ErrorList& errors, const YAML::Node& node, const std::string& path,
                   std::vector<WafRuleRange>& out) {
  auto texts = read_string_list(errors, node, path);
  if (!texts) return;
  for (std::size_t i = 0; i < texts->size(); ++i) {
    if (auto range = parse_rule_range((*texts)[i])) {
      out.push_back(*range);
    } else {
      errors.add(list_item(node, i), path + ": expected a rule id (1 to 99999999) or a range " +
                                         "such as 920370-920390, got '" + (*texts)[i] + "'");
    }
  }
  if (texts->empty()) errors.add(node, path + ": needs at least one rule id");
}

// Target names; "/regex/" entries must compile.
void read_targets(ErrorList& errors, MapFields& fields, std::string_view key, bool lower,
                  std::vector<std::string>& out) {
  if (!fields.read(key, out)) return;
  const YAML::Node& node = *fields.find(key);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::string& name = out[i];
    if (name.empty()) {
      errors.add(list_item(node, i), fields.path_of(key) + ": a name must not be empty");
    } else if (name.size() >= 2 && name.front() == '/' && name.back() == '/') {
      try {
        boost::regex compiled(name.substr(1, name.size() - 2), boost::regex::perl);
      } catch (const boost::regex_error& error) {
        errors.add(list_item(node, i),
                   fields.path_of(key) + ": bad regular expression " + name + ": " + error.what());
      }
    } else if (lower) {
      name = ascii_lower(name);
    }
  }
}

void read_exclusion(ErrorList& errors, const YAML::Node& node, const std::string& path,
                    WafExclusion& out) {
  MapFields fields(errors, node, path, {"rule", "rules", "tag", "args", "headers", "cookies"});
  if (!fields.is_map()) return;
  out.line = static_cast<unsigned>(node.Mark().line + 1);
  out.column = static_cast<unsigned>(node.Mark().column + 1);
  int choosers = 0;
  for (std::string_view key : {"rule", "rules", "tag"}) {
    const YAML::Node* value = fields.find(key);
    if (value && ++choosers > 1) {
      errors.add(*value, fields.path_of(key) + ": use only one of rule, rules and tag");
    }
  }
  if (choosers == 0) {
    errors.add(node, path + ": needs rule, rules or tag (which rules the exclusion is about)");
  }
  if (const YAML::Node* rule = fields.find("rule")) {
    if (rule->IsScalar()) {
      read_rule_ids(errors, *rule, fields.path_of("rule"), out.rules);
    } else {
      errors.add(*rule, fields.path_of("rule") + ": expected one rule id, got " + describe(*rule));
    }
  }
  if (const YAML::Node* rules = fields.find("rules")) {
    read_rule_ids(errors, *rules, fields.path_of("rules"), out.rules);
  }
  if (fields.read("tag", out.tag) && out.tag.empty()) {
    errors.add(*fields.find("tag"), fields.path_of("tag") + ": must not be empty");
  }
  read_targets(errors, fields, "args", false, out.args);
  read_targets(errors, fields, "headers", true, out.headers);
  read_targets(errors, fields, "cookies", false, out.cookies);
}

void read_exclusions(ErrorList& errors, const YAML::Node& node, const std::string& path,
                     std::vector<WafExclusion>& out) {
  if (!node.IsSequence()) {
    errors.add(node, path + ": expected a list of exclusions, got " + describe(node));
    return;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : node) {
    WafExclusion exclusion;
    read_exclusion(errors, item, path + "[" + std::to_string(index++) + "]", exclusion);
    out.push_back(std::move(exclusion));
  }
}

}  // namespace

void read_route_waf(ErrorList& errors, const YAML::Node& node, const std::string& path,
                    RouteWafConfig& out) {
  out.line = static_cast<unsigned>(node.Mark().line + 1);
  out.column = static_cast<unsigned>(node.Mark().column + 1);
  // `waf: block` / `waf: detect` / `waf: off`: the mode with every default.
  if (node.IsScalar()) {
    read_mode(errors, node, path, out.mode);
    return;
  }
  MapFields fields(
      errors, node, path,
      {"mode", "paranoia", "anomaly_threshold", "inspect_body_bytes", "exclusions", "threat"});
  if (!fields.is_map()) return;
  // A written section turns inspection on, as `cache: {}` turns caching on.
  out.mode = WafMode::block;
  if (const YAML::Node* mode = fields.find("mode")) {
    read_mode(errors, *mode, fields.path_of("mode"), out.mode);
  }
  if (const YAML::Node* paranoia = fields.find("paranoia")) {
    auto level = read_uint(errors, *paranoia, fields.path_of("paranoia"), 1, 4);
    if (level) out.paranoia = static_cast<unsigned>(*level);
  }
  fields.read("anomaly_threshold", out.anomaly_threshold, 1, 1'000'000);
  read_inspect_body_bytes(fields, out.inspect_body_bytes);
  fields.read_section("exclusions", read_exclusions, out.exclusions);
  fields.read("threat", out.threat);
}

void apply_waf_defaults(const YAML::Node& routes, Config& config) {
  if (!routes.IsSequence()) return;
  std::size_t index = 0;  // routes that are maps, as read_routes kept them
  for (const YAML::Node& item : routes) {
    if (!item.IsMap()) continue;
    if (index >= config.routes.size()) return;
    RouteWafConfig& waf = config.routes[index++].waf;
    const YAML::Node section = item["waf"];
    const bool is_map = section && section.IsMap();
    if (!is_map || !section["anomaly_threshold"]) {
      waf.anomaly_threshold = config.waf.anomaly_threshold;
    }
    if (!is_map || !section["inspect_body_bytes"]) {
      waf.inspect_body_bytes = config.waf.inspect_body_bytes;
    }
  }
}

}  // namespace centinela::config
