// The per-route rate_limit policies.
#include <algorithm>
#include <cctype>

#include "config/address.h"
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

// A string that must be one of `choices`; `out` is kept when absent or wrong.
void read_choice(MapFields& fields, std::string_view key, std::vector<std::string_view> choices,
                 std::string& out) {
  const YAML::Node* node = fields.find(key);
  if (!node) return;
  auto text = read_string(fields.errors(), *node, fields.path_of(key));
  if (!text) return;
  std::string value = ascii_lower(*text);
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) {
    out = value;
    return;
  }
  std::string expected;
  for (std::string_view choice : choices)
    expected += (expected.empty() ? "" : " or ") + std::string(choice);
  fields.errors().add(*node, fields.path_of(key) + ": expected " + expected + ", got '" + *text +
                                 "'" + did_you_mean(value, choices));
}

// `adaptive: {score: 50, factor: 0.1}`: both required.
void read_adaptive(ErrorList& errors, const YAML::Node& node, const std::string& path,
                   std::optional<RateLimitPolicyConfig::Adaptive>& out) {
  MapFields fields(errors, node, path, {"score", "factor"});
  if (!fields.is_map()) return;
  RateLimitPolicyConfig::Adaptive adaptive;
  bool ok = fields.require("score") && fields.read_number("score", adaptive.score, 0, 1e9, true);
  ok = fields.require("factor") && fields.read_number("factor", adaptive.factor, 0, 1, true) && ok;
  if (ok) out = adaptive;
}

void read_rate_limit(ErrorList& errors, const YAML::Node& node, const std::string& path,
                     std::size_t number, RateLimitPolicyConfig& out) {
  MapFields fields(errors, node, path,
                   {"name", "key", "limit", "window", "burst", "algorithm", "store",
                    "on_store_error", "legacy_headers", "adaptive"});
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
    out.key = read_key_parts(
        errors, *key, fields.path_of("key"),
        {"ip", "user", "api_key", "client_cert", "client_cert_sha256", "route", "global"},
        {"header"});
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
  read_choice(fields, "store", {"memory", "redis"}, out.store);
  read_choice(fields, "on_store_error", {"allow", "deny"}, out.on_store_error);
  bool legacy = false;
  if (fields.read("legacy_headers", legacy)) out.legacy_headers = legacy;
  fields.read_section("adaptive", read_adaptive, out.adaptive);
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

std::vector<CidrRange> read_cidr_list(ErrorList& errors, const YAML::Node& node,
                                      const std::string& path) {
  std::vector<CidrRange> out;
  std::vector<YAML::Node> items;
  if (node.IsScalar()) {
    items.push_back(node);
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) items.push_back(item);
  } else {
    errors.add(node, path + ": expected a list of addresses or CIDR ranges, got " + describe(node));
  }
  for (const YAML::Node& item : items) {
    auto text = read_string(errors, item, path);
    if (!text) continue;
    auto range = parse_cidr(*text);
    if (range.value) {
      out.push_back(*range.value);
    } else {
      errors.add(item, path + ": " + range.error);
    }
  }
  return out;
}

void read_rate_limit_settings(ErrorList& errors, const YAML::Node& node, bool has_redis,
                              RateLimitSettings& out) {
  MapFields fields(errors, node, "rate_limit",
                   {"allowlist", "store", "on_store_error", "legacy_headers"});
  if (!fields.is_map()) return;
  if (const YAML::Node* allowlist = fields.find("allowlist")) {
    out.allowlist = read_cidr_list(errors, *allowlist, fields.path_of("allowlist"));
  }
  read_choice(fields, "store", {"memory", "redis"}, out.store);
  if (out.store == "redis" && !has_redis) {
    errors.add(*fields.find("store"),
               "rate_limit.store: redis needs a top-level `redis` section with its url");
  }
  read_choice(fields, "on_store_error", {"allow", "deny"}, out.on_store_error);
  fields.read("legacy_headers", out.legacy_headers);
}

}  // namespace centinela::config
