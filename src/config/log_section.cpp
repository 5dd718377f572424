#include <algorithm>

#include "config/ascii.h"
#include "config/sections.h"
#include "config/suggestion.h"

namespace centinela::config {
namespace {

void read_format(ErrorList& errors, const YAML::Node& node, AccessLogSchema& out) {
  static const std::vector<std::string_view> kFormats = {"centinela", "ecs", "otel"};
  const auto text = read_string(errors, node, "log.access.format");
  if (!text) return;
  const std::string name = ascii_lower(*text);
  if (name == "centinela") {
    out = AccessLogSchema::centinela;
  } else if (name == "ecs") {
    out = AccessLogSchema::ecs;
  } else if (name == "otel") {
    out = AccessLogSchema::otel;
  } else {
    errors.add(node, "log.access.format: unknown format '" + *text +
                         "', expected centinela, ecs or otel" + did_you_mean(name, kFormats));
  }
}

// `access` is a map, a path, or off/false.
void read_access(ErrorList& errors, const YAML::Node& node, AccessLogConfig& out) {
  if (is_switched_off(node)) {
    out.enabled = false;
    return;
  }
  if (node.IsScalar()) {
    if (is_switched_on(node)) return;
    out.path = node.Scalar();
  } else {
    MapFields fields(errors, node, "log.access", {"path", "rotate", "format"});
    fields.read("path", out.path);
    fields.read_section("rotate", read_rotate, out.rotate);
    if (const YAML::Node* format = fields.find("format")) read_format(errors, *format, out.format);
  }
  if (out.path.empty()) errors.add(node, "log.access.path: must not be empty");
  if (out.path == "off") out.enabled = false;
}

std::string show(Duration duration) { return std::to_string(duration.count()) + "ms"; }

void read_slow_request(ErrorList& errors, const YAML::Node& node, SlowRequestConfig& out) {
  MapFields fields(errors, node, "log.slow_request", {"normal", "slow", "very_slow"});
  fields.read_duration("normal", out.normal);
  fields.read_duration("slow", out.slow);
  fields.read_duration("very_slow", out.very_slow);
  if (!(out.normal < out.slow && out.slow < out.very_slow)) {
    errors.add(node, "log.slow_request: thresholds must increase: normal (" + show(out.normal) +
                         ") < slow (" + show(out.slow) + ") < very_slow (" + show(out.very_slow) +
                         ")");
  }
}

void read_redact(ErrorList& errors, const YAML::Node& node, RedactConfig& out) {
  MapFields fields(errors, node, "log.redact", {"query_params", "headers"});
  fields.read("query_params", out.query_params);
  if (fields.read("headers", out.headers)) {
    for (std::string& header : out.headers) header = ascii_lower(header);
  }
}

}  // namespace

void read_rotate(ErrorList& errors, const YAML::Node& node, const std::string& path,
                 RotateConfig& out) {
  MapFields fields(errors, node, path, {"max_size", "daily", "keep", "compress"});
  fields.read_size("max_size", out.max_size);
  fields.read("daily", out.daily);
  fields.read("keep", out.keep, 0, 10'000);
  fields.read("compress", out.compress);
}

void read_log(ErrorList& errors, const YAML::Node& node, LogConfig& out) {
  MapFields fields(errors, node, "log", {"access", "slow_request", "redact", "level"});
  if (const YAML::Node* access = fields.find("access")) read_access(errors, *access, out.access);
  if (const YAML::Node* slow = fields.find("slow_request")) {
    read_slow_request(errors, *slow, out.slow_request);
  }
  if (const YAML::Node* redact = fields.find("redact")) read_redact(errors, *redact, out.redact);
  if (const YAML::Node* level = fields.find("level")) {
    static const std::vector<std::string_view> kLevels = {"debug", "info", "warn", "error"};
    if (auto text = read_string(errors, *level, "log.level")) {
      std::string name = ascii_lower(*text);
      if (std::find(kLevels.begin(), kLevels.end(), name) != kLevels.end()) {
        out.level = name;
      } else {
        errors.add(*level, "log.level: unknown level '" + *text +
                               "', expected debug, info, warn or error" +
                               did_you_mean(name, kLevels));
      }
    }
  }
}

}  // namespace centinela::config
