// The per-route rate_limit policies.
#include <algorithm>
#include <cctype>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

// "header:NAME" style keys: returns NAME lower-cased, or empty.
std::string named_part(std::string_view key, std::string_view kind) {
  if (!key.starts_with(kind) || key.size() <= kind.size() || key[kind.size()] != ':') return {};
  return ascii_lower(key.substr(kind.size() + 1));
}

void read_rate_limit(ErrorList& errors, const YAML::Node& node, const std::string& path,
                     std::size_t number, RateLimitPolicyConfig& out) {
  MapFields fields(errors, node, path, {"name", "key", "limit", "window", "burst", "algorithm"});
  if (!fields.is_map()) return;
  out.name = "policy" + std::to_string(number);
  if (fields.read("name", out.name)) {
    // The name is sent in RateLimit fields and used as a metric label.
    bool plain = !out.name.empty() && std::all_of(out.name.begin(), out.name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
    if (!plain) {
      errors.add(*fields.find("name"),
                 fields.path_of("name") + ": use letters, digits, '_', '-' and '.' only");
    }
  }
  out.key = {"ip"};
  if (const YAML::Node* key = fields.find("key")) {
    out.key = read_key_parts(errors, *key, fields.path_of("key"),
                             {"ip", "user", "api_key", "route", "global"}, {"header"});
  }
  if (fields.require("limit")) fields.read("limit", out.limit, 1, UINT32_MAX);
  if (fields.require("window")) fields.read_duration("window", out.window, true);
  std::uint64_t burst = 0;
  if (fields.read("burst", burst, 1, UINT32_MAX)) out.burst = burst;
  if (const YAML::Node* algorithm = fields.find("algorithm")) {
    static const std::vector<std::string_view> kAlgorithms = {"gcra", "sliding_window"};
    auto text = read_string(errors, *algorithm, fields.path_of("algorithm"));
    if (text && (*text == "gcra" || *text == "sliding_window")) {
      out.algorithm = *text;
    } else if (text) {
      errors.add(*algorithm, fields.path_of("algorithm") + ": unknown algorithm '" + *text +
                                 "', expected gcra or sliding_window" +
                                 did_you_mean(*text, kAlgorithms));
    }
  }
  if (out.burst && out.algorithm == "sliding_window") {
    errors.add(*fields.find("burst"), fields.path_of("burst") +
                                          ": burst applies to gcra only; sliding_window admits "
                                          "at most `limit` per window");
  }
}

}  // namespace

std::vector<std::string> read_key_parts(ErrorList& errors, const YAML::Node& node,
                                        const std::string& path,
                                        const std::vector<std::string_view>& plain,
                                        const std::vector<std::string_view>& named) {
  std::vector<std::string> parts;
  auto texts = read_string_list(errors, node, path);
  if (!texts) return parts;
  for (std::size_t i = 0; i < texts->size(); ++i) {
    const std::string& text = (*texts)[i];
    std::string part;
    if (std::find(plain.begin(), plain.end(), text) != plain.end()) part = text;
    for (std::string_view kind : named) {
      if (std::string name = named_part(text, kind); !name.empty()) {
        part = std::string(kind) + ":" + name;
      }
    }
    if (part.empty()) {
      std::string expected;
      for (std::string_view word : plain) expected += std::string(word) + ", ";
      for (std::string_view kind : named) expected += std::string(kind) + ":NAME, ";
      expected.resize(expected.size() - 2);
      errors.add(list_item(node, i),
                 path + ": unknown key part '" + text + "' (expected one of " + expected + ")");
    } else if (std::find(parts.begin(), parts.end(), part) == parts.end()) {
      parts.push_back(std::move(part));
    }
  }
  return parts;
}

void read_rate_limits(ErrorList& errors, const YAML::Node& node, const std::string& path,
                      std::vector<RateLimitPolicyConfig>& out) {
  // One policy may be written as a map instead of a list of one.
  std::vector<YAML::Node> items;
  if (node.IsMap()) {
    items.push_back(node);
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) items.push_back(item);
  } else {
    errors.add(node, path + ": expected a list of policies, got " + describe(node));
    return;
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    RateLimitPolicyConfig policy;
    std::string item_path = node.IsSequence() ? path + "[" + std::to_string(i) + "]" : path;
    read_rate_limit(errors, items[i], item_path, i + 1, policy);
    auto same_name = [&](const RateLimitPolicyConfig& other) { return other.name == policy.name; };
    if (items[i].IsMap() && std::any_of(out.begin(), out.end(), same_name)) {
      errors.add(items[i], item_path + ": duplicate policy name '" + policy.name + "'");
    }
    out.push_back(std::move(policy));
  }
}

}  // namespace centinela::config
