// routes[].strip_prefix, routes[].rewrite, routes[].request_headers and
// routes[].response_headers: what replaces the nginx snippets teams copy
// around (proxy_pass with a URI part, rewrite, proxy_set_header, add_header).
#include <algorithm>
#include <array>
#include <boost/regex.hpp>

#include "config/ascii.h"
#include "config/header_syntax.h"
#include "config/sections.h"
#include "config/value_template.h"

namespace centinela::config {
namespace {

// Fields the gateway writes itself, or that frame the message: a route may
// not set, add or remove them (the upstream's `host:` sets Host).
constexpr std::array<std::string_view, 14> kRequestReserved = {"host",
                                                               "content-length",
                                                               "transfer-encoding",
                                                               "connection",
                                                               "upgrade",
                                                               "te",
                                                               "trailer",
                                                               "keep-alive",
                                                               "proxy-connection",
                                                               "x-forwarded-for",
                                                               "x-forwarded-proto",
                                                               "x-forwarded-host",
                                                               "via",
                                                               "x-request-id"};
constexpr std::array<std::string_view, 6> kResponseReserved = {
    "content-length", "transfer-encoding", "connection", "upgrade", "trailer", "keep-alive"};

bool reserved(std::string_view lower_name, bool request) {
  if (request) {
    return lower_name == "traceparent" ||
           std::find(kRequestReserved.begin(), kRequestReserved.end(), lower_name) !=
               kRequestReserved.end();
  }
  return std::find(kResponseReserved.begin(), kResponseReserved.end(), lower_name) !=
         kResponseReserved.end();
}

bool check_name(ErrorList& errors, const YAML::Node& at, const std::string& path,
                const std::string& name, bool request) {
  if (!is_header_name(name)) {
    errors.add(at, path + ": '" + name + "' is not a header name");
    return false;
  }
  if (reserved(ascii_lower(name), request)) {
    errors.add(at, path + ": " + name + " is written by the gateway and cannot be changed here" +
                       (ascii_lower(name) == "host" ? " (use the upstream's `host`)" : ""));
    return false;
  }
  return true;
}

void read_header_map(ErrorList& errors, MapFields& fields, std::string_view key, bool request,
                     std::vector<HeaderValue>& out) {
  const YAML::Node* map = fields.find(key);
  if (map == nullptr) return;
  const std::string path = fields.path_of(key);
  if (!map->IsMap()) {
    errors.add(*map, path + ": expected a map of header name to value, got " + describe(*map));
    return;
  }
  for (const auto& entry : *map) {
    const std::string name = entry.first.Scalar();
    const std::string entry_path = path + "." + name;
    if (!check_name(errors, entry.first, entry_path, name, request)) continue;
    if (!entry.second.IsScalar()) {
      errors.add(entry.second, entry_path + ": expected a value, got " + describe(entry.second));
      continue;
    }
    const std::string value = entry.second.Scalar();
    std::string problem;
    if (!is_header_value(value)) {
      errors.add(entry.second, entry_path + ": header values must not contain control characters");
    } else if (!parse_value_template(value, problem)) {
      errors.add(entry.second, entry_path + ": " + problem);
    } else {
      out.push_back({name, value});
    }
  }
}

void read_edits(ErrorList& errors, const YAML::Node& node, const std::string& path, bool request,
                HeaderEditsConfig& out) {
  MapFields fields(errors, node, path, {"set", "add", "remove"});
  if (!fields.is_map()) return;
  read_header_map(errors, fields, "set", request, out.set);
  read_header_map(errors, fields, "add", request, out.add);
  const YAML::Node* remove = fields.find("remove");
  if (remove == nullptr) return;
  const auto names = read_string_list(errors, *remove, fields.path_of("remove"));
  if (!names) return;
  for (std::size_t i = 0; i < names->size(); ++i) {
    if (check_name(errors, list_item(*remove, i), fields.path_of("remove"), (*names)[i], request)) {
      out.remove.push_back(ascii_lower((*names)[i]));
    }
  }
}

// The groups `replacement` names ($0..$9) must exist; "$$" is a '$', and so
// is a '$' before anything but a digit.
void check_replacement(ErrorList& errors, const YAML::Node& at, const std::string& path,
                       const std::string& replacement, unsigned groups) {
  for (char c : replacement) {
    if (c <= ' ' || c == '#' || c == 0x7f) {
      errors.add(at, path + ": must be a path: no spaces, control characters or '#'");
      return;
    }
  }
  for (std::size_t i = 0; i + 1 < replacement.size(); ++i) {
    if (replacement[i] != '$') continue;
    const char next = replacement[i + 1];
    if (next == '$') {
      ++i;
    } else if (next >= '0' && next <= '9' && static_cast<unsigned>(next - '0') > groups) {
      errors.add(at, path + ": $" + std::string(1, next) +
                         " names a group the regex does not have (it has " +
                         std::to_string(groups) + ")");
      return;
    }
  }
}

}  // namespace

void read_request_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                          HeaderEditsConfig& out) {
  read_edits(errors, node, path, true, out);
}

void read_response_headers(ErrorList& errors, const YAML::Node& node, const std::string& path,
                           HeaderEditsConfig& out) {
  read_edits(errors, node, path, false, out);
}

void read_rewrite(ErrorList& errors, const YAML::Node& node, const std::string& path,
                  RewriteConfig& out) {
  MapFields fields(errors, node, path, {"regex", "replacement"});
  if (!fields.is_map()) return;
  if (!fields.require("regex") || !fields.require("replacement")) return;
  if (!fields.read("regex", out.regex) || !fields.read("replacement", out.replacement)) return;
  unsigned groups = 0;
  try {
    const boost::regex compiled(out.regex, boost::regex::perl);
    groups = static_cast<unsigned>(compiled.mark_count());
  } catch (const boost::regex_error& error) {
    errors.add(*fields.find("regex"), fields.path_of("regex") + ": bad regular expression '" +
                                          out.regex + "': " + error.what());
    return;
  }
  if (!out.replacement.starts_with('/') && !out.replacement.starts_with('$')) {
    errors.add(*fields.find("replacement"),
               fields.path_of("replacement") + ": must start with '/' (or a group such as $1)");
    return;
  }
  check_replacement(errors, *fields.find("replacement"), fields.path_of("replacement"),
                    out.replacement, groups);
}

void read_strip_prefix(ErrorList& errors, MapFields& fields, const RouteMatch& match,
                       RewriteConfig& out) {
  const YAML::Node* node = fields.find("strip_prefix");
  if (node == nullptr) return;
  const std::string path = fields.path_of("strip_prefix");
  const std::string text = node->IsScalar() ? node->Scalar() : std::string();
  if (text == "true") {
    if (match.prefix.empty()) {
      errors.add(*node, path + ": `true` strips the route's match.prefix, and it has none");
      return;
    }
    out.strip_prefix = match.prefix;
  } else if (text == "false") {
    out.strip_prefix.clear();
  } else if (!text.starts_with('/')) {
    errors.add(*node, path + ": expected true or a path starting with '/', got " + describe(*node));
    return;
  } else {
    out.strip_prefix = text;
  }
  // "/api/" strips "/api" too: the path keeps its leading '/'.
  if (out.strip_prefix.size() > 1 && out.strip_prefix.back() == '/') out.strip_prefix.pop_back();
}

}  // namespace centinela::config
